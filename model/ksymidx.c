/* Kernel symbol index: address order and a name hash over a parsed /proc/kallsyms.
 *
 * Address order. /proc/kallsyms is mostly sorted already: the core kernel symbols come in
 * address order, module symbols follow in each module's ELF symtab order (unsorted), pseudo
 * modules last. So the longest non-decreasing run is kept as it is, the other symbols are sorted
 * with a stable LSD radix sort over the address bits that vary, and the two are merged. When
 * the whole file is one run (modern kernels without modules) no permutation is stored at all.
 * Order is (address, file position), so the first symbol in file order comes first among
 * equal addresses.
 *
 * Names. An open-addressing table keyed by pi_ksym.name_hash (computed by the parser while it
 * scanned the name), keeping the first symbol in file order for each name.
 *
 * Built on first use (the index is otherwise immutable; publication is a lock-free
 * compare-and-swap, so concurrent readers are safe): the name-sorted permutation for
 * pi_ksymidx_prefix and the per-module address order pi_ksymidx_size falls back to when the
 * next higher symbol belongs to another module. */
#include "ksymidx.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct modorder {
	size_t *start;	/* nmodules + 1: module m owns perm[start[m] .. start[m + 1]) */
	uint32_t *perm; /* symbol indexes grouped by module, each group in (addr, file) order */
};

struct pi_ksymidx {
	const struct pi_kallsyms *k;
	size_t n;
	bool hidden;
	uint64_t *addr;	  /* n addresses in (addr, file) order; NULL: k->syms is already sorted */
	uint32_t *perm;	  /* n symbol indexes in that order; NULL with addr */
	uint64_t *modmax; /* nmodules: the highest address in each module */
	uint64_t *htab;	  /* (name_hash << 32) | (index + 1); 0 = empty slot */
	size_t hmask;
	_Atomic(struct modorder *) mo;
	_Atomic(uint32_t *) byname; /* n symbol indexes in (name, file) order */
};

struct rec {
	uint64_t a;
	uint32_t i;
};

static inline uint64_t pos_addr(const struct pi_ksymidx *x, size_t pos)
{
	return x->addr ? x->addr[pos] : x->k->syms[pos].addr;
}

static inline size_t pos_idx(const struct pi_ksymidx *x, size_t pos)
{
	return x->perm ? x->perm[pos] : pos;
}

struct pi_ksymidx *pi_ksymidx_free(struct pi_ksymidx *x)
{
	struct modorder *mo;

	if (!x)
		return NULL;
	mo = atomic_load(&x->mo);
	if (mo) {
		free(mo->start);
		free(mo->perm);
		free(mo);
	}
	free(atomic_load(&x->byname));
	free(x->htab);
	free(x->modmax);
	free(x->perm);
	free(x->addr);
	free(x);
	return NULL;
}

/* Stable sort of r[0..n) by address; returns the array holding the result (r or tmp). */
static struct rec *sort_recs(struct rec *r, struct rec *tmp, size_t n)
{
	enum { BITS = 11, NB = 1 << BITS };
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned shift, bits;
	size_t i, *cnt;

	if (n < 64) {
		for (i = 1; i < n; i++) {
			struct rec v = r[i];
			size_t j = i;

			for (; j > 0 && r[j - 1].a > v.a; j--)
				r[j] = r[j - 1];
			r[j] = v;
		}
		return r;
	}
	for (i = 0; i < n; i++) {
		lo = r[i].a < lo ? r[i].a : lo;
		hi = r[i].a > hi ? r[i].a : hi;
	}
	if (hi == lo)
		return r;
	bits = 64 - (unsigned)__builtin_clzll(hi - lo);
	cnt = malloc(NB * sizeof(*cnt));
	if (!cnt)
		return NULL;
	for (shift = 0; shift < bits; shift += BITS) {
		size_t sum = 0, c;
		struct rec *t;

		memset(cnt, 0, NB * sizeof(*cnt));
		for (i = 0; i < n; i++)
			cnt[((r[i].a - lo) >> shift) & (NB - 1)]++;
		if (cnt[((r[0].a - lo) >> shift) & (NB - 1)] == n)
			continue; /* every key has the same digit */
		for (i = 0; i < NB; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[cnt[((r[i].a - lo) >> shift) & (NB - 1)]++] = r[i];
		t = r;
		r = tmp;
		tmp = t;
	}
	free(cnt);
	return r;
}

/* One pass for the longest sorted run and each module's highest address, then sort the rest
 * and merge. */
static int build_addr(struct pi_ksymidx *x)
{
	const struct pi_ksym *syms = x->k->syms;
	size_t n = x->n, rs = 0, rlen = 0, cur = 0, i, j, o, nrest;
	struct rec *rest = NULL, *tmp = NULL, *sorted;
	int r = -ENOMEM;

	for (i = 0; i < n; i++) {
		uint64_t a = syms[i].addr;

		if (a > x->modmax[syms[i].module])
			x->modmax[syms[i].module] = a;
		if (i && a < syms[i - 1].addr) {
			if (i - cur > rlen) {
				rs = cur;
				rlen = i - cur;
			}
			cur = i;
		}
	}
	if (n - cur > rlen) {
		rs = cur;
		rlen = n - cur;
	}
	if (rlen == n)
		return 0; /* already in order: positions are symbol indexes */

	nrest = n - rlen;
	rest = malloc(nrest * sizeof(*rest));
	tmp = malloc(nrest * sizeof(*tmp));
	x->addr = malloc(n * sizeof(*x->addr));
	x->perm = malloc(n * sizeof(*x->perm));
	if (!rest || !tmp || !x->addr || !x->perm)
		goto out;
	for (i = 0, o = 0; i < n; i++) {
		if (i == rs)
			i += rlen;
		if (i == n)
			break;
		rest[o].a = syms[i].addr;
		rest[o].i = (uint32_t)i;
		o++;
	}
	sorted = sort_recs(rest, tmp, nrest);
	if (!sorted)
		goto out;
	/* Merge the run [rs, rs + rlen) with the sorted rest by (addr, index). */
	for (i = rs, j = 0, o = 0; i < rs + rlen && j < nrest; o++) {
		uint64_t a = syms[i].addr;

		if (a < sorted[j].a || (a == sorted[j].a && i < sorted[j].i)) {
			x->addr[o] = a;
			x->perm[o] = (uint32_t)i++;
		} else {
			x->addr[o] = sorted[j].a;
			x->perm[o] = sorted[j++].i;
		}
	}
	for (; i < rs + rlen; i++, o++) {
		x->addr[o] = syms[i].addr;
		x->perm[o] = (uint32_t)i;
	}
	for (; j < nrest; j++, o++) {
		x->addr[o] = sorted[j].a;
		x->perm[o] = sorted[j].i;
	}
	r = 0;
out:
	free(rest);
	free(tmp);
	return r;
}

static inline bool same_name(const struct pi_kallsyms *k, const struct pi_ksym *s, const char *name,
			     size_t len)
{
	return s->name_len == len && memcmp(k->text + s->name_off, name, len) == 0;
}

static int build_names(struct pi_ksymidx *x)
{
	const struct pi_kallsyms *k = x->k;
	size_t cap = 16, i;

	while (cap < x->n + x->n / 2)
		cap *= 2;
	x->htab = calloc(cap, sizeof(*x->htab));
	if (!x->htab)
		return -ENOMEM;
	x->hmask = cap - 1;
	for (i = 0; i < x->n; i++) {
		const struct pi_ksym *s = &k->syms[i];
		uint32_t h = s->name_hash;

		/* Inserts are independent cache misses: fetch a few slots ahead. */
		if (i + 16 < x->n)
			__builtin_prefetch(&x->htab[k->syms[i + 16].name_hash & x->hmask], 1);
		size_t slot = h & x->hmask;
		uint64_t e;

		while ((e = x->htab[slot])) {
			if ((uint32_t)(e >> 32) == h &&
			    same_name(k, &k->syms[(uint32_t)e - 1], k->text + s->name_off,
				      s->name_len))
				goto next; /* keep the first in file order */
			slot = (slot + 1) & x->hmask;
		}
		x->htab[slot] = (uint64_t)h << 32 | (uint64_t)(i + 1);
	next:;
	}
	return 0;
}

int pi_ksymidx_new(const struct pi_kallsyms *k, struct pi_ksymidx **ret)
{
	struct pi_ksymidx *x;
	size_t i;
	int r;

	if (k->n >= UINT32_MAX || k->nmodules == 0)
		return -EINVAL;
	for (i = 0; i < k->n; i++)
		if (k->syms[i].module >= k->nmodules)
			return -EINVAL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->k = k;
	x->n = k->n;
	x->hidden = k->addresses_hidden || k->n == 0;
	x->modmax = calloc(k->nmodules, sizeof(*x->modmax));
	if (!x->modmax) {
		r = -ENOMEM;
		goto fail;
	}
	if (!x->hidden && (r = build_addr(x)) < 0)
		goto fail;
	if ((r = build_names(x)) < 0)
		goto fail;
	*ret = x;
	return 0;
fail:
	pi_ksymidx_free(x);
	return r;
}

/* First position in [0, n) whose address is > a. */
static size_t upper_bound(const struct pi_ksymidx *x, uint64_t a)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pos_addr(x, mid) <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First position in [0, hi) whose address is >= a. */
static size_t lower_bound(const struct pi_ksymidx *x, uint64_t a, size_t hi)
{
	size_t lo = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pos_addr(x, mid) < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int pi_ksymidx_by_addr(const struct pi_ksymidx *x, uint64_t addr, size_t *ret_idx)
{
	size_t j;

	if (x->hidden)
		return -ENOENT;
	j = upper_bound(x, addr);
	if (j == 0)
		return -ENOENT;
	*ret_idx = pos_idx(x, lower_bound(x, pos_addr(x, j - 1), j - 1));
	return 0;
}

int pi_ksymidx_by_name(const struct pi_ksymidx *x, const char *name, size_t len, size_t *ret_idx)
{
	const struct pi_kallsyms *k = x->k;
	uint32_t h;
	size_t slot;
	uint64_t e;

	if (len == 0 || len > UINT16_MAX)
		return -ENOENT;
	h = pi_ksym_hash(name, len);
	for (slot = h & x->hmask; (e = x->htab[slot]); slot = (slot + 1) & x->hmask) {
		if ((uint32_t)(e >> 32) == h &&
		    same_name(k, &k->syms[(uint32_t)e - 1], name, len)) {
			*ret_idx = (uint32_t)e - 1;
			return 0;
		}
	}
	return -ENOENT;
}

static struct modorder *build_modorder(const struct pi_ksymidx *x)
{
	const struct pi_kallsyms *k = x->k;
	struct modorder *mo = calloc(1, sizeof(*mo));
	size_t *cur = NULL, m, pos;

	if (!mo)
		return NULL;
	mo->start = calloc(k->nmodules + 1, sizeof(*mo->start));
	mo->perm = malloc((x->n ? x->n : 1) * sizeof(*mo->perm));
	cur = malloc(k->nmodules * sizeof(*cur));
	if (!mo->start || !mo->perm || !cur)
		goto fail;
	for (pos = 0; pos < x->n; pos++)
		mo->start[k->syms[pos].module + 1]++;
	for (m = 0; m < k->nmodules; m++) {
		mo->start[m + 1] += mo->start[m];
		cur[m] = mo->start[m];
	}
	/* A stable partition of the address order keeps (addr, file) order inside each module. */
	for (pos = 0; pos < x->n; pos++) {
		size_t i = pos_idx(x, pos);

		mo->perm[cur[k->syms[i].module]++] = (uint32_t)i;
	}
	free(cur);
	return mo;
fail:
	free(cur);
	free(mo->start);
	free(mo->perm);
	free(mo);
	return NULL;
}

static const struct modorder *get_modorder(const struct pi_ksymidx *cx)
{
	/* The index is handed out const; the lazily built parts are published atomically. */
	struct pi_ksymidx *x = (struct pi_ksymidx *)cx;
	struct modorder *mo = atomic_load_explicit(&x->mo, memory_order_acquire), *exp = NULL;

	if (mo)
		return mo;
	mo = build_modorder(cx);
	if (!mo)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&x->mo, &exp, mo, memory_order_acq_rel,
						     memory_order_acquire)) {
		free(mo->start);
		free(mo->perm);
		free(mo);
		return exp;
	}
	return mo;
}

uint64_t pi_ksymidx_size(const struct pi_ksymidx *x, size_t idx)
{
	const struct pi_ksym *syms = x->k->syms;
	const struct modorder *mo;
	uint64_t a;
	size_t j, lo, hi;
	unsigned m;

	if (x->hidden || idx >= x->n)
		return 0;
	a = syms[idx].addr;
	m = syms[idx].module;
	if (a >= x->modmax[m])
		return 0; /* the last address of its module */
	/* Usually the next higher symbol overall is in the same module. */
	j = upper_bound(x, a);
	if (syms[pos_idx(x, j)].module == m)
		return pos_addr(x, j) - a;
	mo = get_modorder(x);
	if (!mo)
		return 0;
	lo = mo->start[m];
	hi = mo->start[m + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mo->perm[mid]].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return syms[mo->perm[lo]].addr - a;
}

/* Name order: bytes compared unsigned, a prefix before its extensions; ties in file order. */
struct nrec {
	uint64_t key; /* the first 8 name bytes, big-endian, zero-padded */
	uint32_t i;
};

static inline int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static inline bool nrec_le(const struct pi_kallsyms *k, const struct nrec *a, const struct nrec *b)
{
	const struct pi_ksym *sa, *sb;
	int c;

	if (a->key != b->key)
		return a->key < b->key;
	sa = &k->syms[a->i];
	sb = &k->syms[b->i];
	if (sa->name_len <= 8 || sb->name_len <= 8)
		c = sa->name_len < sb->name_len ? -1 : sa->name_len > sb->name_len;
	else
		c = name_cmp(k->text + sa->name_off + 8, sa->name_len - 8u,
			     k->text + sb->name_off + 8, sb->name_len - 8u);
	return c < 0 || (c == 0 && a->i <= b->i);
}

static uint32_t *build_byname(const struct pi_ksymidx *x)
{
	const struct pi_kallsyms *k = x->k;
	size_t n = x->n, i, width;
	struct nrec *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b)), *t;
	uint32_t *perm = malloc(n * sizeof(*perm));

	if (!a || !b || !perm) {
		free(perm);
		perm = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct pi_ksym *s = &k->syms[i];
		const unsigned char *p = (const unsigned char *)k->text + s->name_off;
		uint64_t key = 0;
		unsigned j;

		for (j = 0; j < 8; j++)
			key = key << 8 | (j < s->name_len ? p[j] : 0);
		a[i].key = key;
		a[i].i = (uint32_t)i;
	}
	/* Bottom-up merge sort, stable. */
	for (width = 1; width < n; width *= 2) {
		size_t lo;

		for (lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t p = lo, q = mid, o = lo;

			while (p < mid && q < hi)
				b[o++] = nrec_le(k, &a[p], &a[q]) ? a[p++] : a[q++];
			while (p < mid)
				b[o++] = a[p++];
			while (q < hi)
				b[o++] = a[q++];
		}
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)
		perm[i] = a[i].i;
out:
	free(a);
	free(b);
	return perm;
}

static const uint32_t *get_byname(const struct pi_ksymidx *cx)
{
	struct pi_ksymidx *x = (struct pi_ksymidx *)cx; /* see get_modorder */
	uint32_t *p = atomic_load_explicit(&x->byname, memory_order_acquire), *exp = NULL;

	if (p)
		return p;
	p = build_byname(cx);
	if (!p)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&x->byname, &exp, p, memory_order_acq_rel,
						     memory_order_acquire)) {
		free(p);
		return exp;
	}
	return p;
}

size_t pi_ksymidx_prefix(const struct pi_ksymidx *x, const char *prefix, size_t len,
			 size_t *ret_idx, size_t max)
{
	const struct pi_kallsyms *k = x->k;
	const uint32_t *perm;
	size_t lo = 0, hi = x->n, c = 0;

	if (max == 0 || x->n == 0 || !(perm = get_byname(x)))
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pi_ksym *s = &k->syms[perm[mid]];

		if (name_cmp(k->text + s->name_off, s->name_len, prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->n && c < max; lo++) {
		const struct pi_ksym *s = &k->syms[perm[lo]];

		if (s->name_len < len || memcmp(k->text + s->name_off, prefix, len) != 0)
			break;
		ret_idx[c++] = perm[lo];
	}
	return c;
}
