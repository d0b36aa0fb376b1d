#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pi_buf_init(struct pi_buf *b, size_t max)
{
	*b = (struct pi_buf){.max = max};
}

void pi_buf_fini(struct pi_buf *b)
{
	if (!b)
		return;
	free(b->data);
	*b = (struct pi_buf){0};
}

void pi_buf_reset(struct pi_buf *b)
{
	b->len = 0;
	b->err = 0;
}

int pi_buf_reserve(struct pi_buf *b, size_t extra)
{
	size_t need, ncap;
	char *n;

	if (b->err)
		return b->err;
	if (extra > SIZE_MAX - b->len - 1)
		return b->err = -E2BIG;
	need = b->len + extra + 1; /* room for an optional NUL */
	if (b->max && need > b->max + 1)
		return b->err = -E2BIG;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (b->max && ncap > b->max + 1)
		ncap = b->max + 1;
	n = realloc(b->data, ncap);
	if (!n)
		return b->err = -ENOMEM;
	b->data = n;
	b->cap = ncap;
	return 0;
}

int pi_buf_append(struct pi_buf *b, const void *data, size_t len)
{
	int r = pi_buf_reserve(b, len);

	if (r < 0)
		return r;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

int pi_buf_putc(struct pi_buf *b, char c)
{
	if (b->len + 1 < b->cap && !b->err) {
		b->data[b->len++] = c;
		return 0;
	}
	return pi_buf_append(b, &c, 1);
}

int pi_buf_puts(struct pi_buf *b, const char *s)
{
	return pi_buf_append(b, s, strlen(s));
}

int pi_buf_vprintf(struct pi_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, r;

	if (b->err)
		return b->err;
	va_copy(ap2, ap);
	n = vsnprintf(b->cap > b->len ? b->data + b->len : NULL,
		      b->cap > b->len ? b->cap - b->len : 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return b->err = -EINVAL;
	if ((size_t)n < (b->cap > b->len ? b->cap - b->len : 0)) {
		if (b->max && b->len + (size_t)n > b->max)
			return b->err = -E2BIG;
		b->len += (size_t)n;
		return 0;
	}
	r = pi_buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int pi_buf_printf(struct pi_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pi_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int pi_buf_fill(struct pi_buf *b, char c, size_t n)
{
	int r = pi_buf_reserve(b, n);

	if (r < 0)
		return r;
	memset(b->data + b->len, c, n);
	b->len += n;
	return 0;
}

static size_t fmt_u64(char tmp[24], uint64_t v)
{
	size_t i = 24;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return i;
}

int pi_buf_u64(struct pi_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = fmt_u64(tmp, v);

	return pi_buf_append(b, tmp + i, 24 - i);
}

int pi_buf_u64_pad(struct pi_buf *b, uint64_t v, int pad)
{
	char tmp[24];
	size_t i = fmt_u64(tmp, v), n = 24 - i;

	return pi_buf_str_pad(b, tmp + i, n, pad);
}

int pi_buf_i64_pad(struct pi_buf *b, int64_t v, int pad)
{
	char tmp[25];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t i = fmt_u64(tmp + 1, u) + 1;

	if (v < 0)
		tmp[--i] = '-';
	return pi_buf_str_pad(b, tmp + i, 25 - i, pad);
}

int pi_buf_hex(struct pi_buf *b, uint64_t v, unsigned width)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t i = 16, n;
	int r;

	do {
		tmp[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	n = 16 - i;
	if (width > n && (r = pi_buf_fill(b, '0', width - n)) < 0)
		return r;
	return pi_buf_append(b, tmp + i, n);
}

int pi_buf_str_pad(struct pi_buf *b, const char *s, size_t len, int pad)
{
	size_t w = (size_t)(pad < 0 ? -(long)pad : pad);
	int r;

	if (pad > 0 && w > len && (r = pi_buf_fill(b, ' ', w - len)) < 0)
		return r;
	if ((r = pi_buf_append(b, s, len)) < 0)
		return r;
	if (pad < 0 && w > len)
		return pi_buf_fill(b, ' ', w - len);
	return 0;
}

const char *pi_buf_cstr(struct pi_buf *b)
{
	if (pi_buf_reserve(b, 0) < 0)
		return NULL;
	b->data[b->len] = '\0';
	return b->data;
}

char *pi_buf_steal(struct pi_buf *b, size_t *ret_len)
{
	char *d;

	if (pi_buf_reserve(b, 0) < 0)
		return NULL;
	b->data[b->len] = '\0';
	d = b->data;
	if (ret_len)
		*ret_len = b->len;
	*b = (struct pi_buf){.max = b->max};
	return d;
}

int pi_grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	void *arr, *n;
	size_t ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -ENOMEM;
		ncap *= 2;
	}
	memcpy(&arr, pp, sizeof(arr));
	n = realloc(arr, ncap * elem);
	if (!n)
		return -ENOMEM;
	memcpy(pp, &n, sizeof(n));
	*cap = ncap;
	return 0;
}
