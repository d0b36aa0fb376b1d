#include "symbolize.h"

#include <errno.h>
#include <stdlib.h>

/* Without a size (last symbol of a region), accept offsets below this. */
#define UNSIZED_SPAN (1u << 20)

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool alnum(char c)
{
	return hexval(c) >= 0 || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || c == '_';
}

static void resolve(const struct pi_kallsyms *k, const struct pi_ksymidx *x, struct pi_sym_hit *h)
{
	size_t i;

	if (k->addresses_hidden || pi_ksymidx_by_addr(x, h->addr, &i) < 0)
		return;
	h->sym = i;
	h->offset = h->addr - k->syms[i].addr;
	h->size = pi_ksymidx_size(x, i);
	h->found = h->size ? h->offset < h->size : h->offset < UNSIZED_SPAN;
}

int pi_symbolize(const struct pi_kallsyms *k, const struct pi_ksymidx *x, const char *t, size_t len,
		 size_t max_hits, struct pi_sym_hit **ret, size_t *ret_n)
{
	struct pi_sym_hit *hits = NULL;
	size_t n = 0, cap = 0, i = 0;

	while (i < len && n < max_hits) {
		size_t start = i, j, digits;
		bool prefixed = false;
		uint64_t v = 0;

		if (i > 0 && alnum(t[i - 1])) { /* inside a word */
			i++;
			continue;
		}
		if (i + 2 < len && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
		    hexval(t[i + 2]) >= 0) {
			prefixed = true;
			j = i + 2;
		} else if (hexval(t[i]) >= 0) {
			j = i;
		} else {
			i++;
			continue;
		}
		for (digits = 0; j < len && hexval(t[j]) >= 0; j++, digits++)
			if (digits < 16)
				v = v << 4 | (uint64_t)hexval(t[j]);
		if ((j < len && alnum(t[j])) || digits > 16 ||
		    (!prefixed && digits != 8 && digits != 16)) {
			i = j > i ? j : i + 1;
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct pi_sym_hit *nh = realloc(hits, ncap * sizeof(*hits));

			if (!nh) {
				free(hits);
				return -ENOMEM;
			}
			hits = nh;
			cap = ncap;
		}
		hits[n] = (struct pi_sym_hit){.off = start, .len = j - start, .addr = v};
		resolve(k, x, &hits[n]);
		n++;
		i = j;
	}
	*ret = hits;
	*ret_n = n;
	return 0;
}
