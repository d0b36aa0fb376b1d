/* A growable byte buffer with a hard size cap (after curl's dynbuf). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Contents are not NUL-terminated unless pi_buf_cstr() is called. Once an append fails
 * (cap reached or out of memory) the buffer keeps its contents but `err` stays set and
 * every later append fails with the same error, so callers may check once at the end. */
struct pi_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* hard cap in bytes, 0 = unlimited */
	int err;    /* 0, -E2BIG or -ENOMEM */
};

void pi_buf_init(struct pi_buf *b, size_t max);
void pi_buf_fini(struct pi_buf *b);
/* Forget the contents and clear the error; keeps the allocation. */
void pi_buf_reset(struct pi_buf *b);
/* Make room for `extra` more bytes. Returns 0 or a negative errno. */
int pi_buf_reserve(struct pi_buf *b, size_t extra);
int pi_buf_append(struct pi_buf *b, const void *data, size_t len);
int pi_buf_putc(struct pi_buf *b, char c);
int pi_buf_puts(struct pi_buf *b, const char *s);
int pi_buf_printf(struct pi_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pi_buf_vprintf(struct pi_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append `n` copies of byte c. */
int pi_buf_fill(struct pi_buf *b, char c, size_t n);
/* Fast unsigned decimal / lowercase hex (zero-padded to at least `width` digits). */
int pi_buf_u64(struct pi_buf *b, uint64_t v);
int pi_buf_hex(struct pi_buf *b, uint64_t v, unsigned width);
/* Right-align (pad > 0) or left-align (pad < 0) a decimal in |pad| columns, like "%6lu" / "%-6lu".
 */
int pi_buf_u64_pad(struct pi_buf *b, uint64_t v, int pad);
int pi_buf_i64_pad(struct pi_buf *b, int64_t v, int pad);
/* Right-align (pad > 0) or left-align (pad < 0) a string, like "%8s" / "%-43s". */
int pi_buf_str_pad(struct pi_buf *b, const char *s, size_t len, int pad);
/* Grow the array *pp (elements of `elem` bytes, capacity *cap) to hold at least `need`,
 * doubling (amortised linear, at most 2x used). `pp` is the address of the array pointer. */
int pi_grow(void *pp, size_t *cap, size_t need, size_t elem);
/* NUL-terminate (not counted in len) and return data, or NULL on error. */
const char *pi_buf_cstr(struct pi_buf *b);
/* Hand the allocation to the caller (who frees it with free()) and reset the buffer. */
char *pi_buf_steal(struct pi_buf *b, size_t *ret_len);
