/* Kernel symbol index: address order and name order over a parsed /proc/kallsyms.
 *
 * Address order. /proc/kallsyms is mostly sorted already: the core kernel symbols come in
 * address order, module symbols follow in each module's ELF symtab order (unsorted), pseudo
 * modules last. So the longest non-decreasing run of k->syms is searched in place, and only
 * the other symbols are copied and sorted (stable LSD radix sort over the address bits that
 * vary). A lookup searches both and prefers, among equal addresses, the first in file order.
 * On a modern kernel without modules the whole file is one run: nothing is sorted or copied.
 *
 * Built on first use instead (the index is otherwise immutable; publication is a lock-free
 * compare-and-swap, so concurrent readers are safe): the name-sorted permutation behind
 * pi_ksymidx_by_name and pi_ksymidx_prefix (4 bytes a symbol; a name hash table cost twice
 * that and was built on every read of kallsyms, though names are looked up only on request),
 * and the per-module address order pi_ksymidx_size falls back to when the next higher symbol
 * belongs to another module. */
#include "ksymidx.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PI_KSYMIDX_MAX (1u << 28) /* symbols; leaves >= 4 tag bits in a name slot */

struct rec {
	uint64_t a;
	uint32_t i;
};

struct modorder {
	size_t *start;	  /* nmodules + 1: module m owns recs[start[m] .. start[m + 1]) */
	struct rec *recs; /* every symbol grouped by module, each group in (addr, file) order */
};

struct pi_ksymidx {
	const struct pi_kallsyms *k;
	size_t n;
	bool hidden;
	size_t rs, re;	  /* k->syms[rs .. re): the longest run already in address order */
	size_t nrest;	  /* the other symbols, */
	struct rec *rest; /* in (addr, file) order */
	uint64_t *modmax; /* nmodules: the highest address in each module */
	_Atomic(struct modorder *) mo;
	_Atomic(uint32_t *) byname; /* n symbol indexes in (name, file) order */
};

static void modorder_free(struct modorder *mo)
{
	if (!mo)
		return;
	free(mo->start);
	free(mo->recs);
	free(mo);
}

struct pi_ksymidx *pi_ksymidx_free(struct pi_ksymidx *x)
{
	if (!x)
		return NULL;
	modorder_free(atomic_load(&x->mo));
	free(atomic_load(&x->byname));
	free(x->modmax);
	free(x->rest);
	free(x);
	return NULL;
}

/* Stable sort of r[0..n) by address; returns the array holding the result (r or tmp), or NULL
 * when out of memory. LSD radix sort, 8 bits a pass, over the bits in which the addresses
 * differ (module symbols of one kernel span a few dozen bits at most). */
static struct rec *sort_recs(struct rec *r, struct rec *tmp, size_t n)
{
	enum { BITS = 8, NB = 1 << BITS, MAXPASS = 8 };
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned pass, npass;
	size_t i, (*cnt)[NB];

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
	npass = (64 - (unsigned)__builtin_clzll(hi - lo) + BITS - 1) / BITS;
	cnt = calloc(MAXPASS, sizeof(*cnt));
	if (!cnt)
		return NULL;
	for (i = 0; i < n; i++) {
		uint64_t key = r[i].a - lo;

		for (pass = 0; pass < npass; pass++)
			cnt[pass][(key >> (pass * BITS)) & (NB - 1)]++;
	}
	for (pass = 0; pass < npass; pass++) {
		size_t sum = 0, c, *pc = cnt[pass];
		unsigned shift = pass * BITS;
		struct rec *t;

		if (pc[((r[0].a - lo) >> shift) & (NB - 1)] == n)
			continue; /* every key has the same digit */
		for (i = 0; i < NB; i++) {
			c = pc[i];
			pc[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[pc[((r[i].a - lo) >> shift) & (NB - 1)]++] = r[i];
		t = r;
		r = tmp;
		tmp = t;
	}
	free(cnt);
	return r;
}

static inline bool same_name(const struct pi_kallsyms *k, const struct pi_ksym *s, const char *name,
			     size_t len)
{
	return s->name_len == len && memcmp(k->text + s->name_off, name, len) == 0;
}

/* The one pass over k->syms: module check, per-module maximum, longest sorted run. */
static int scan_syms(struct pi_ksymidx *x)
{
	const struct pi_kallsyms *k = x->k;
	const struct pi_ksym *syms = k->syms;
	size_t n = x->n, i, cur = 0, best = 0, bestlen = 0;
	uint64_t prev = 0;

	for (i = 0; i < n; i++) {
		const struct pi_ksym *s = &syms[i];
		uint64_t a = s->addr;

		if (s->module >= k->nmodules)
			return -EINVAL;
		if (a > x->modmax[s->module])
			x->modmax[s->module] = a;
		if (a < prev) {
			if (i - cur > bestlen) {
				best = cur;
				bestlen = i - cur;
			}
			cur = i;
		}
		prev = a;
	}
	if (n - cur > bestlen) {
		best = cur;
		bestlen = n - cur;
	}
	x->rs = best;
	x->re = best + bestlen;
	return 0;
}

/* Copy and sort the symbols outside the run. */
static int build_rest(struct pi_ksymidx *x)
{
	const struct pi_ksym *syms = x->k->syms;
	struct rec *r, *tmp, *sorted;
	size_t i, o = 0;

	x->nrest = x->n - (x->re - x->rs);
	if (x->nrest == 0)
		return 0;
	r = malloc(x->nrest * sizeof(*r));
	tmp = malloc(x->nrest * sizeof(*tmp));
	if (!r || !tmp)
		goto nomem;
	for (i = 0; i < x->n; i++) {
		if (i == x->rs)
			i = x->re;
		if (i == x->n)
			break;
		r[o].a = syms[i].addr;
		r[o].i = (uint32_t)i;
		o++;
	}
	sorted = sort_recs(r, tmp, x->nrest);
	if (!sorted)
		goto nomem;
	x->rest = sorted;
	free(sorted == r ? tmp : r);
	return 0;
nomem:
	free(r);
	free(tmp);
	return -ENOMEM;
}

int pi_ksymidx_new(const struct pi_kallsyms *k, struct pi_ksymidx **ret)
{
	struct pi_ksymidx *x;
	int r;

	if (k->nmodules == 0 || k->nmodules > UINT16_MAX + 1u)
		return -EINVAL;
	if (k->n >= PI_KSYMIDX_MAX)
		return -E2BIG;
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
	if ((r = scan_syms(x)) < 0)
		goto fail;
	if (!x->hidden && (r = build_rest(x)) < 0)
		goto fail;
	*ret = x;
	return 0;
fail:
	pi_ksymidx_free(x);
	return r;
}

/* In the run: the first index in [x->rs, x->re) whose address is > a. */
static size_t run_upper(const struct pi_ksymidx *x, uint64_t a)
{
	const struct pi_ksym *syms = x->k->syms;
	size_t lo = x->rs, hi = x->re;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* In the run: the first index in [x->rs, hi) whose address is >= a. */
static size_t run_lower(const struct pi_ksymidx *x, uint64_t a, size_t hi)
{
	const struct pi_ksym *syms = x->k->syms;
	size_t lo = x->rs;

	if (hi == lo || syms[hi - 1].addr < a)
		return hi; /* the usual case: no tie */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First position in r[0..n) whose address is > a. */
static size_t rec_upper(const struct rec *r, size_t n, uint64_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].a <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First position in r[0..hi) whose address is >= a. */
static size_t rec_lower(const struct rec *r, size_t hi, uint64_t a)
{
	size_t lo = 0;

	if (hi == 0 || r[hi - 1].a < a)
		return hi; /* the usual case: no tie */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].a < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int pi_ksymidx_by_addr(const struct pi_ksymidx *x, uint64_t addr, size_t *ret_idx)
{
	const struct pi_ksym *syms = x->k->syms;
	size_t i, j, ri = SIZE_MAX, qi = SIZE_MAX;
	uint64_t ra = 0, qa = 0;

	if (x->hidden)
		return -ENOENT;
	i = run_upper(x, addr);
	if (i > x->rs)
		ra = syms[i - 1].addr;
	j = rec_upper(x->rest, x->nrest, addr);
	if (j > 0)
		qa = x->rest[j - 1].a;
	if (i == x->rs && j == 0)
		return -ENOENT;
	/* The greater address wins; on a tie the first in file order. */
	if (i > x->rs && (j == 0 || ra >= qa))
		ri = run_lower(x, ra, i - 1);
	if (j > 0 && (i == x->rs || qa >= ra))
		qi = x->rest[rec_lower(x->rest, j - 1, qa)].i;
	*ret_idx = ri < qi ? ri : qi;
	return 0;
}

static struct modorder *build_modorder(const struct pi_ksymidx *x)
{
	const struct pi_kallsyms *k = x->k;
	struct modorder *mo = calloc(1, sizeof(*mo));
	struct rec *tmp = NULL;
	size_t *cur = NULL, m, i, n = x->n ? x->n : 1;

	if (!mo)
		return NULL;
	mo->start = calloc(k->nmodules + 1, sizeof(*mo->start));
	mo->recs = malloc(n * sizeof(*mo->recs));
	tmp = malloc(n * sizeof(*tmp));
	cur = malloc(k->nmodules * sizeof(*cur));
	if (!mo->start || !mo->recs || !tmp || !cur)
		goto fail;
	for (i = 0; i < x->n; i++)
		mo->start[k->syms[i].module + 1]++;
	for (m = 0; m < k->nmodules; m++) {
		mo->start[m + 1] += mo->start[m];
		cur[m] = mo->start[m];
	}
	for (i = 0; i < x->n; i++) {
		struct rec *r = &mo->recs[cur[k->syms[i].module]++];

		r->a = k->syms[i].addr;
		r->i = (uint32_t)i;
	}
	for (m = 0; m < k->nmodules; m++) {
		size_t s = mo->start[m], c = mo->start[m + 1] - s;
		struct rec *sorted = sort_recs(mo->recs + s, tmp + s, c);

		if (!sorted)
			goto fail;
		if (sorted != mo->recs + s)
			memcpy(mo->recs + s, sorted, c * sizeof(*sorted));
	}
	free(tmp);
	free(cur);
	return mo;
fail:
	free(tmp);
	free(cur);
	modorder_free(mo);
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
		modorder_free(mo);
		return exp;
	}
	return mo;
}

uint64_t pi_ksymidx_size(const struct pi_ksymidx *x, size_t idx)
{
	const struct pi_ksym *syms = x->k->syms;
	const struct modorder *mo;
	uint64_t a, na = UINT64_MAX;
	size_t i, j, s;
	bool same = false;
	unsigned m;

	if (x->hidden || idx >= x->n)
		return 0;
	a = syms[idx].addr;
	m = syms[idx].module;
	if (a >= x->modmax[m])
		return 0; /* the last address of its module */
	/* Usually the next higher symbol overall is in the same module. */
	i = run_upper(x, a);
	if (i < x->re) {
		na = syms[i].addr;
		same = syms[i].module == m;
	}
	j = rec_upper(x->rest, x->nrest, a);
	if (j < x->nrest && x->rest[j].a <= na) {
		bool sm = syms[x->rest[j].i].module == m;

		same = x->rest[j].a < na ? sm : same || sm;
		na = x->rest[j].a;
	}
	if (same)
		return na - a;
	mo = get_modorder(x);
	if (!mo)
		return 0;
	s = mo->start[m];
	return mo->recs[s + rec_upper(mo->recs + s, mo->start[m + 1] - s, a)].a - a;
}

/* Name order: bytes compared unsigned, a prefix before its extensions; ties in file order.
 * The first 16 bytes ride along in the sort records (kernel names share long prefixes such
 * as "__pfx_" or "trace_event_raw_event_"), so most comparisons touch no name. */
struct nrec {
	uint64_t k0, k1; /* name bytes 0-7 and 8-15, big-endian, zero-padded */
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

	if (a->k0 != b->k0)
		return a->k0 < b->k0;
	if (a->k1 != b->k1)
		return a->k1 < b->k1;
	sa = &k->syms[a->i];
	sb = &k->syms[b->i];
	if (sa->name_len <= 16 || sb->name_len <= 16)
		c = sa->name_len < sb->name_len ? -1 : sa->name_len > sb->name_len;
	else
		c = name_cmp(k->text + sa->name_off + 16, sa->name_len - 16u,
			     k->text + sb->name_off + 16, sb->name_len - 16u);
	return c < 0 || (c == 0 && a->i <= b->i);
}

static uint64_t name_key(const unsigned char *p, size_t len)
{
	uint64_t key = 0;
	size_t j;

	for (j = 0; j < 8; j++)
		key = key << 8 | (j < len ? p[j] : 0);
	return key;
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

		a[i].k0 = name_key(p, s->name_len);
		a[i].k1 = s->name_len > 8 ? name_key(p + 8, s->name_len - 8u) : 0;
		a[i].i = (uint32_t)i;
	}
	/* Insertion sort of runs of 8, then bottom-up merges; stable. */
	for (i = 0; i < n; i += 8) {
		size_t e = i + 8 < n ? i + 8 : n, j, m;

		for (j = i + 1; j < e; j++) {
			struct nrec v = a[j];

			for (m = j; m > i && !nrec_le(k, &a[m - 1], &v); m--)
				a[m] = a[m - 1];
			a[m] = v;
		}
	}
	for (width = 8; width < n; width *= 2) {
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

/* The first position in name order whose name is not below [name, name + len). */
static size_t name_lower(const struct pi_ksymidx *x, const uint32_t *perm, const char *name,
			 size_t len)
{
	const struct pi_kallsyms *k = x->k;
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pi_ksym *s = &k->syms[perm[mid]];

		if (name_cmp(k->text + s->name_off, s->name_len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int pi_ksymidx_by_name(const struct pi_ksymidx *x, const char *name, size_t len, size_t *ret_idx)
{
	const struct pi_kallsyms *k = x->k;
	const uint32_t *perm;
	size_t i;

	if (len == 0 || x->n == 0 || !(perm = get_byname(x)))
		return -ENOENT;
	i = name_lower(x, perm, name, len);
	/* Equal names sit in file order: the first is the first in the file. */
	if (i == x->n || !same_name(k, &k->syms[perm[i]], name, len))
		return -ENOENT;
	*ret_idx = perm[i];
	return 0;
}

size_t pi_ksymidx_prefix(const struct pi_ksymidx *x, const char *prefix, size_t len,
			 size_t *ret_idx, size_t max)
{
	const struct pi_kallsyms *k = x->k;
	const uint32_t *perm;
	size_t lo, c = 0;

	if (max == 0 || x->n == 0 || !(perm = get_byname(x)))
		return 0;
	for (lo = name_lower(x, perm, prefix, len); lo < x->n && c < max; lo++) {
		const struct pi_ksym *s = &k->syms[perm[lo]];

		if (s->name_len < len || memcmp(k->text + s->name_off, prefix, len) != 0)
			break;
		ret_idx[c++] = perm[lo];
	}
	return c;
}
