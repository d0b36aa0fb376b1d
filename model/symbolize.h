/* Finding kernel addresses in free text (an oops, a stack trace, a list) and resolving them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kallsyms.h"
#include "ksymidx.h"

struct pi_sym_hit {
	size_t off, len; /* the address token in the text */
	uint64_t addr;
	bool found; /* inside a symbol (offset < its size, or < 1 MiB when the size is unknown) */
	size_t sym; /* index into k->syms when found */
	uint64_t offset; /* addr - symbol address */
	uint64_t size;	 /* inferred symbol size, 0 if unknown */
};

/* Tokens taken as addresses: "0x" + 1..16 hex digits, and bare runs of exactly 8 or 16 hex
 * digits (as "[<ffffffff8100abcd>]" in older stack traces and register dumps), delimited by
 * non-alphanumeric bytes. At most max_hits are reported. Caller frees *ret with free(). */
int pi_symbolize(const struct pi_kallsyms *k, const struct pi_ksymidx *x, const char *text,
		 size_t len, size_t max_hits, struct pi_sym_hit **ret, size_t *ret_n);
