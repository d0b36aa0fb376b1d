#include "zoneinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define SRC "zoneinfo"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ZI_LE 1
#else
#define ZI_LE 0
#endif

/* Layout of one input line. The renderer walks these in order, taking values from the
 * public structures (zone, counter and pageset cursors advance implicitly) and verbatim
 * text from the pool, so that it prints the input back byte for byte. */
enum rec_kind {
	R_RAW,	 /* a line we do not interpret: n bytes of the pool, verbatim */
	R_HEAD,	 /* "Node %d, zone %8s": n = spaces before the name (the %8s padding) */
	R_FIELD, /* keys[key] (a zone field), n spaces, "%lu" */
	R_PROT,	 /* "protection:", n spaces, "(%ld, %ld, ...)" */
	R_STAT,	 /* zone counter "%-12s %lu": name, n spaces, value */
	R_NSTAT, /* per-node counter, same shape */
	R_CPU,	 /* "cpu:", n spaces, "%i"; key = 1 when " pcp: %i" follows (2.6.13-2.6.24) */
	R_PCPF,	 /* keys[key] (a pageset field of the last "cpu:" record), n spaces, "%i" */
};

struct zrec {
	uint8_t kind;
	uint8_t key;
	uint16_t indent; /* leading spaces; lines indented further are kept raw */
	uint32_t n;	 /* see enum rec_kind; inputs are limited to UINT32_MAX bytes */
};

struct zi_priv {
	struct zrec *recs; /* nlines records, then the nkv counter slots of `stats` (one block) */
	size_t nrecs;
	/* Raw line texts back to back from the start, counter names (NUL-terminated) from the
	 * end downwards. Sized len + 1: every line stores at most its length + 1 bytes. */
	char *pool;
	size_t raw_len;
	bool final_nl; /* the last line ended with '\n' (kernel output always does) */
	/* Backing arrays; each zone's slice is contiguous and in zone order. Counters take one
	 * line of at least 8 bytes each: zone counters fill the recs block's nkv slots upwards,
	 * per-node ones downwards from the end (reversed into file order when done). */
	struct pi_zi_kv *stats, *node_stats;
	struct pi_zi_pageset *pagesets;
	int64_t *prot;
};

enum key_kind { K_ZONE, K_PROT, K_CPU, K_PCP };

struct key {
	const char *s;
	uint8_t len;
	uint8_t kind;
	uint16_t off; /* offsetof the pi_opt_u64 (K_ZONE) or pi_opt_i64 (K_PCP) */
};

/* clang-format off */
#define ZK(s, f) {s, sizeof(s) - 1, K_ZONE, offsetof(struct pi_zi_zone, f)}
#define PK(s, f) {s, sizeof(s) - 1, K_PCP, offsetof(struct pi_zi_pageset, f)}
/* clang-format on */

/* Keys as printed after the indent. A key matches only when followed by a space or the end
 * of the line, so "high" (watermark) never matches "high:" / "high_min:" (pagesets). */
static const struct key keys[] = {
    PK("count:", count),
    PK("high:", high),
    PK("batch:", batch),
    PK("high_min:", high_min),		       /* 6.7+ */
    PK("high_max:", high_max),		       /* 6.7+ */
    PK("vm stats threshold:", stat_threshold), /* CONFIG_SMP only */
    {"cpu:", 4, K_CPU, 0},
    ZK("pages free", pages_free),
    ZK("boost", boost), /* 5.16+ (and backports) */
    ZK("min", min),
    ZK("low", low),
    ZK("high", high),
    ZK("promo", promo), /* ~6.0+ */
    ZK("spanned", spanned),
    ZK("present", present),
    ZK("managed", managed), /* 3.8+ */
    ZK("cma", cma),	    /* 5.11+ */
    ZK("start_pfn:", start_pfn),
    ZK("node_unreclaimable:", node_unreclaimable), /* 4.8+ */
    {"protection:", 11, K_PROT, 0},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
/* Every key starts with a lowercase letter; at most 32 keys (struct zp.first). */
_Static_assert(NKEYS <= 32, "zoneinfo keys must fit a 32-bit mask");

struct zp {
	struct pi_zoneinfo *zi;
	struct zi_priv *pv;
	struct pi_perr *e;
	unsigned lineno;
	size_t cap_zones, cap_ps, cap_prot, nkv; /* nkv: counter slots (stats) */
	size_t nstats, nnstats, nps, nprot;	 /* totals over all zones */
	size_t name_bot;			 /* names occupy pool[name_bot, len + 1) */
	bool in_node_stats;			 /* between "per-node stats" and "pages free" */
	bool have_ps;				 /* the current zone has a "cpu:" record */
	bool have_prot;				 /* the current zone has a protection line */
	uint32_t first[26]; /* 'a' + i -> bit ki set when keys[ki] starts with it */
	uint32_t *hash;	    /* (node, zone) -> zone index + 1, open addressing */
	size_t hcap;
	const char *rd; /* end of the input: word loads may cross a line's end, never this */
	/* keys[ki]'s first min(8, len) bytes as a little-endian word, and the mask of them. */
	uint64_t kw[NKEYS], km[NKEYS];
};

struct pi_zoneinfo *pi_zoneinfo_free(struct pi_zoneinfo *zi)
{
	struct zi_priv *pv;

	if (!zi)
		return NULL;
	pv = zi->priv_;
	if (pv) {
		free(pv->recs);
		free(pv->pool);
		free(pv->pagesets);
		free(pv->prot);
		free(pv);
	}
	free(zi->zones);
	free(zi);
	return NULL;
}

const struct pi_zi_kv *pi_zi_stat(const struct pi_zi_zone *z, const char *name)
{
	if (!z || !name)
		return NULL;
	for (size_t i = 0; i < z->nstats; i++)
		if (z->stats[i].name && !strcmp(z->stats[i].name, name))
			return &z->stats[i];
	return NULL;
}

const struct pi_zi_kv *pi_zi_node_stat(const struct pi_zi_zone *z, const char *name)
{
	if (!z || !name)
		return NULL;
	for (size_t i = 0; i < z->nnode_stats; i++)
		if (z->node_stats[i].name && !strcmp(z->node_stats[i].name, name))
			return &z->node_stats[i];
	return NULL;
}

static struct pi_zi_zone *cur_zone(struct zp *p)
{
	return &p->zi->zones[p->zi->nzones - 1];
}

static void add_rec(struct zp *p, enum rec_kind kind, unsigned key, size_t indent, size_t n)
{
	/* recs was sized from the line count, so there is always room. */
	p->pv->recs[p->pv->nrecs++] = (struct zrec){.kind = (uint8_t)kind,
						    .key = (uint8_t)key,
						    .indent = (uint16_t)indent,
						    .n = (uint32_t)n};
}

static int add_raw(struct zp *p, struct pi_span line)
{
	struct zi_priv *pv = p->pv;

	if (line.len > p->name_bot - pv->raw_len) /* cannot happen: see zi_priv.pool */
		return pi_perr_set(p->e, -E2BIG, SRC, p->lineno, "text pool exhausted");
	memcpy(pv->pool + pv->raw_len, line.p, line.len);
	pv->raw_len += line.len;
	add_rec(p, R_RAW, 0, 0, line.len);
	return 0;
}

static uint32_t zone_hash(int node, const char *name)
{
	uint32_t h = 2166136261u ^ ((uint32_t)node * 0x9e3779b1u);

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* Index of an earlier zone with the same node and name, or -1. Inserts zone `idx` (the
 * newest) when it is new. */
static int64_t zone_dup(struct zp *p, size_t idx)
{
	const struct pi_zi_zone *zones = p->zi->zones, *z = &zones[idx];
	size_t mask, i;

	if ((idx + 1) * 2 > p->hcap) {
		size_t ncap = p->hcap ? p->hcap * 2 : 64;
		uint32_t *nh;

		while ((idx + 1) * 2 > ncap)
			ncap *= 2;
		nh = calloc(ncap, sizeof(*nh));
		if (!nh)
			return -2;
		for (size_t k = 0; k < p->hcap; k++) {
			uint32_t v = p->hash[k];

			if (!v)
				continue;
			for (i = zone_hash(zones[v - 1].node, zones[v - 1].zone) & (ncap - 1);
			     nh[i]; i = (i + 1) & (ncap - 1))
				;
			nh[i] = v;
		}
		free(p->hash);
		p->hash = nh;
		p->hcap = ncap;
	}
	mask = p->hcap - 1;
	for (i = zone_hash(z->node, z->zone) & mask; p->hash[i]; i = (i + 1) & mask) {
		const struct pi_zi_zone *o = &zones[p->hash[i] - 1];

		if (o->node == z->node && !strcmp(o->zone, z->zone))
			return (int64_t)(p->hash[i] - 1);
	}
	p->hash[i] = (uint32_t)(idx + 1);
	return -1;
}

/* "Node %d, zone %8s" with nothing after the name. */
static int parse_header(struct zp *p, struct pi_span line)
{
	struct pi_cur c = pi_cur_of(line);
	struct pi_zi_zone *z;
	struct pi_span name;
	uint64_t node;
	size_t pad;
	int64_t dup;
	int r;

	pi_cur_lit(&c, "Node ");
	if (pi_cur_u64(&c, &node) < 0 || node > INT_MAX)
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno, "zone header: bad node id");
	if (!pi_cur_lit(&c, ", zone "))
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
				   "zone header: expected \", zone \"");
	pad = pi_cur_skip(&c, ' ');
	if (!pi_cur_word(&c, PI_ZONE_NAME_MAX, &name) || !pi_cur_eof(&c))
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
				   "zone header: missing, overlong or trailing zone name");
	for (size_t i = 0; i < name.len; i++)
		if (name.p[i] < '!' || name.p[i] > '~')
			return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
					   "zone header: zone name is not printable ASCII");
	if ((r = pi_grow(&p->zi->zones, &p->cap_zones, p->zi->nzones + 1, sizeof(*z))) < 0)
		return r;
	z = &p->zi->zones[p->zi->nzones++];
	*z = (struct pi_zi_zone){.node = (int)node};
	memcpy(z->zone, name.p, name.len);
	z->zone[name.len] = '\0';
	dup = zone_dup(p, p->zi->nzones - 1);
	if (dup == -2)
		return -ENOMEM;
	if (dup >= 0)
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
				   "duplicate zone: node %d, zone %s", z->node, z->zone);
	add_rec(p, R_HEAD, 0, 0, pad);
	p->in_node_stats = p->have_ps = p->have_prot = false;
	return 0;
}

/* The first byte at or after p that is not printable ASCII ('!'..'~'), or end. */
static const char *printable_end(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* 8 bytes a step: flag bytes below 0x21 (borrow) or above 0x7e (carry into the high bit,
	 * or the high bit already set); false flags only follow a true one. */
	while (end - p >= 8) {
		uint64_t x, f;

		memcpy(&x, p, sizeof(x));
		f = (((x - 0x2121212121212121u) & ~x) | ((x + 0x0101010101010101u) | x)) &
		    0x8080808080808080u;
		if (f)
			return p + (__builtin_ctzll(f) >> 3);
		p += 8;
	}
#endif
	while (p < end && *p >= '!' && *p <= '~')
		p++;
	return p;
}

/* "%-12s %lu" at indent 4 (< 4.8) or 6 (4.8+). Returns 1 when the line is not of that shape,
 * 0 when it was taken, or a negative errno. */
static int try_counter(struct zp *p, struct pi_cur c, size_t indent)
{
	struct pi_zi_zone *z = cur_zone(p);
	const char *s = c.p, *q;
	struct pi_zi_kv *kv;
	struct pi_span name;
	uint64_t v;
	size_t gap;
	int r;

	c.p = printable_end(c.p, c.end);
	name = (struct pi_span){s, (size_t)(c.p - s)};
	if (name.len == 0 || name.p[name.len - 1] == ':')
		return 1;
	gap = pi_cur_skip_rd(&c, p->rd, ' ');
	if (gap == 0)
		return 1;
	q = c.p;
	if ((r = pi_cur_u64_rd(&c, p->rd, &v)) == -EINVAL || (r == 0 && !pi_cur_eof(&c)))
		return 1;
	if (r < 0) {
		/* Too long for 64 bits: an overflow only if the rest is all digits. */
		while (q < c.end && (unsigned)(*q - '0') <= 9)
			q++;
		if (q != c.end)
			return 1;
		return pi_perr_set(p->e, r, SRC, p->lineno, "counter \"%.*s\" overflows 64 bits",
				   (int)(name.len > 40 ? 40 : name.len), name.p);
	}
	/* Zone and per-node counters together take at most one slot per line. */
	if (p->in_node_stats) {
		kv = &p->pv->stats[p->nkv - 1 - p->nnstats++];
		z->nnode_stats++;
	} else {
		kv = &p->pv->stats[p->nstats++];
		z->nstats++;
	}
	z->populated = true;
	/* The line is indent + name + gap + digits, so name + NUL fits in its share. */
	p->name_bot -= name.len + 1;
	memcpy(p->pv->pool + p->name_bot, name.p, name.len);
	p->pv->pool[p->name_bot + name.len] = '\0';
	kv->name = p->pv->pool + p->name_bot;
	kv->value = v;
	add_rec(p, p->in_node_stats ? R_NSTAT : R_STAT, 0, indent, gap);
	return 0;
}

static int bad_value(struct zp *p, int r, const struct key *k)
{
	return pi_perr_set(p->e, r == -ERANGE ? -ERANGE : -EINVAL, SRC, p->lineno, "\"%s\": %s",
			   k->s, r == -ERANGE ? "value overflows" : "not a number");
}

/* "protection: (%ld, %ld, ...)" (%lu before ~4.x): one entry per configured zone. */
static int parse_prot(struct zp *p, struct pi_cur c, size_t indent)
{
	struct pi_zi_zone *z = cur_zone(p);
	size_t gap = pi_cur_skip(&c, ' ');
	int64_t v;
	int r;

	if (p->have_prot)
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno, "duplicate protection list");
	if (!pi_cur_chr(&c, '('))
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
				   "bad protection list: expected '('");
	if (!pi_cur_chr(&c, ')')) {
		for (;;) {
			if ((r = pi_cur_i64(&c, &v)) < 0)
				return pi_perr_set(
				    p->e, r, SRC, p->lineno, "bad protection list: entry %u %s",
				    z->nprotection, r == -ERANGE ? "overflows" : "is not a number");
			if (z->nprotection == UINT_MAX)
				return pi_perr_set(p->e, -E2BIG, SRC, p->lineno,
						   "protection list too long");
			if ((r = pi_grow(&p->pv->prot, &p->cap_prot, p->nprot + 1, sizeof(v))) < 0)
				return r;
			p->pv->prot[p->nprot++] = v;
			z->nprotection++;
			if (pi_cur_chr(&c, ')'))
				break;
			if (!pi_cur_lit(&c, ", "))
				return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
						   "bad protection list: expected \", \" or ')'");
		}
	}
	if (!pi_cur_eof(&c))
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
				   "bad protection list: text after ')'");
	p->have_prot = true;
	add_rec(p, R_PROT, 0, indent, gap);
	return 0;
}

/* "cpu: %i", or "cpu: %i pcp: %i" (hot/cold lists, 2.6.13-2.6.24). */
static int parse_cpu(struct zp *p, struct pi_cur c, size_t indent)
{
	struct pi_zi_zone *z = cur_zone(p);
	struct pi_zi_pageset *ps;
	size_t gap = pi_cur_skip(&c, ' ');
	int64_t cpu, pcp = -1;
	int r;

	if ((r = pi_cur_i64(&c, &cpu)) < 0 || cpu < INT_MIN || cpu > INT_MAX)
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno, "bad cpu number");
	if (pi_cur_lit(&c, " pcp: ") &&
	    ((r = pi_cur_i64(&c, &pcp)) < 0 || pcp < 0 || pcp > INT_MAX))
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno, "bad pcp list number");
	if (!pi_cur_eof(&c))
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno, "text after the cpu number");
	if ((r = pi_grow(&p->pv->pagesets, &p->cap_ps, p->nps + 1, sizeof(*ps))) < 0)
		return r;
	ps = &p->pv->pagesets[p->nps++];
	*ps = (struct pi_zi_pageset){.cpu = (int)cpu, .pcp = (int)pcp};
	z->npagesets++;
	z->populated = true;
	p->have_ps = true;
	add_rec(p, R_CPU, pcp >= 0, indent, gap);
	return 0;
}

static int parse_key(struct zp *p, struct pi_cur c, size_t indent, unsigned ki)
{
	const struct key *k = &keys[ki];
	struct pi_zi_zone *z = cur_zone(p);
	size_t gap;
	int r;

	c.p += k->len;
	switch (k->kind) {
	case K_PROT:
		return parse_prot(p, c, indent);
	case K_CPU:
		return parse_cpu(p, c, indent);
	case K_ZONE: {
		struct pi_opt_u64 *f = (struct pi_opt_u64 *)(void *)((char *)z + k->off);
		uint64_t v;

		if (f->state != PI_ABSENT)
			return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
					   "duplicate \"%s\" in zone", k->s);
		gap = pi_cur_skip_rd(&c, p->rd, ' ');
		if ((r = pi_cur_u64_rd(&c, p->rd, &v)) < 0)
			return bad_value(p, r, k);
		if (!pi_cur_eof(&c))
			return bad_value(p, -EINVAL, k);
		f->v = v;
		f->state = PI_OK;
		if (f == &z->pages_free)
			p->in_node_stats = false;
		else if (f == &z->start_pfn || f == &z->node_unreclaimable)
			z->populated = true;
		break;
	}
	default: { /* K_PCP: belongs to the last "cpu:" record of this zone */
		struct pi_zi_pageset *ps = &p->pv->pagesets[p->nps - 1];
		struct pi_opt_i64 *f = (struct pi_opt_i64 *)(void *)((char *)ps + k->off);
		int64_t v;

		if (f->state != PI_ABSENT)
			return pi_perr_set(p->e, -EINVAL, SRC, p->lineno,
					   "duplicate \"%s\" for cpu %d", k->s, ps->cpu);
		gap = pi_cur_skip_rd(&c, p->rd, ' ');
		if ((r = pi_cur_i64_rd(&c, p->rd, &v)) < 0)
			return bad_value(p, r, k);
		if (!pi_cur_eof(&c))
			return bad_value(p, -EINVAL, k);
		f->v = v;
		f->state = PI_OK;
		break;
	}
	}
	add_rec(p, k->kind == K_PCP ? R_PCPF : R_FIELD, ki, indent, gap);
	return 0;
}

static int parse_line(struct zp *p, struct pi_span line)
{
	struct pi_cur c = pi_cur_of(line);
	size_t indent, left;
	int r;

	if (line.len == 0)
		return pi_perr_set(p->e, -EINVAL, SRC, p->lineno, "empty line");
	if (line.p[0] == 'N' && pi_cur_lit(&c, "Node "))
		return parse_header(p, line);
	indent = pi_cur_skip_rd(&c, p->rd, ' ');
	if (indent > UINT16_MAX)
		return add_raw(p, line);
	left = pi_cur_left(&c);
	if (left == 14 && !memcmp(c.p, "per-node stats", 14)) { /* 4.8+ */
		p->in_node_stats = true;
		cur_zone(p)->populated = true;
		return add_raw(p, line);
	}
	if (left == 8 && !memcmp(c.p, "pagesets", 8)) {
		cur_zone(p)->populated = true;
		return add_raw(p, line);
	}
	if ((indent == 4 || indent == 6) && (r = try_counter(p, c, indent)) <= 0)
		return r;
	/* Only the keys that start with this line's first letter, in table order. */
	for (uint32_t m = left && (unsigned)(c.p[0] - 'a') < 26 ? p->first[c.p[0] - 'a'] : 0; m;
	     m &= m - 1) {
		unsigned ki = (unsigned)__builtin_ctz(m);
		const struct key *k = &keys[ki];

		if (left < k->len)
			continue;
		if (ZI_LE && p->rd - c.p >= 8) { /* the first 8 bytes as one word, then the rest */
			uint64_t w;

			memcpy(&w, c.p, sizeof(w));
			if ((w & p->km[ki]) != p->kw[ki] ||
			    (k->len > 8 && memcmp(c.p + 8, k->s + 8, k->len - 8u) != 0))
				continue;
		} else if (memcmp(c.p, k->s, k->len) != 0) {
			continue;
		}
		if (left > k->len && c.p[k->len] != ' ')
			continue;
		if (k->kind == K_PCP && !p->have_ps)
			break; /* no "cpu:" record to attach it to: keep verbatim */
		return parse_key(p, c, indent, ki);
	}
	return add_raw(p, line);
}

/* Point every zone at its slice of the backing arrays. */
static void link_zones(struct pi_zoneinfo *zi)
{
	struct zi_priv *pv = zi->priv_;
	size_t s = 0, ns = 0, ps = 0, pr = 0;

	for (size_t i = 0; i < zi->nzones; i++) {
		struct pi_zi_zone *z = &zi->zones[i];

		z->stats = z->nstats ? pv->stats + s : NULL;
		z->node_stats = z->nnode_stats ? pv->node_stats + ns : NULL;
		z->pagesets = z->npagesets ? pv->pagesets + ps : NULL;
		z->protection = z->nprotection ? pv->prot + pr : NULL;
		s += z->nstats;
		ns += z->nnode_stats;
		ps += z->npagesets;
		pr += z->nprotection;
	}
}

int pi_zoneinfo_parse(const char *buf, size_t len, struct pi_zoneinfo **ret, struct pi_perr *reterr)
{
	struct zp p = {.e = reterr, .rd = buf + len};
	const char *lp = buf, *end = buf + len;
	size_t nlines = 0;
	bool nl = true;
	int r;

	if (len == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");
	if (len >= UINT32_MAX)
		return pi_perr_set(reterr, -E2BIG, SRC, 0, "file larger than 4 GiB");
	if (len < 5 || memcmp(buf, "Node ", 5) != 0)
		return pi_perr_set(reterr, -EINVAL, SRC, 1, "expected \"Node \" at the start");
	nlines = pi_count_byte(buf, len, '\n') + (buf[len - 1] != '\n');

	for (unsigned ki = 0; ki < NKEYS; ki++) {
		unsigned n = keys[ki].len < 8 ? keys[ki].len : 8;

		p.first[keys[ki].s[0] - 'a'] |= 1u << ki;
		for (unsigned b = 0; b < n; b++) {
			p.kw[ki] |= (uint64_t)(uint8_t)keys[ki].s[b] << (8 * b);
			p.km[ki] |= (uint64_t)0xff << (8 * b);
		}
	}
	p.zi = calloc(1, sizeof(*p.zi));
	if (!p.zi)
		return -ENOMEM;
	p.pv = calloc(1, sizeof(*p.pv));
	if (!p.pv) {
		free(p.zi);
		return -ENOMEM;
	}
	p.zi->priv_ = p.pv;
	/* A counter line is at least 7 bytes ("    a 0") plus its '\n'. */
	p.nkv = len / 7 + 1 < nlines ? len / 7 + 1 : nlines;
	if (nlines > SIZE_MAX / sizeof(*p.pv->recs) / 2 ||
	    p.nkv > SIZE_MAX / sizeof(*p.pv->stats) / 2) {
		r = -ENOMEM;
		goto fail;
	}
	p.pv->recs = malloc(nlines * sizeof(*p.pv->recs) + p.nkv * sizeof(*p.pv->stats));
	p.pv->pool = malloc(len + 1);
	if (!p.pv->recs || !p.pv->pool) {
		r = -ENOMEM;
		goto fail;
	}
	p.pv->stats = (struct pi_zi_kv *)(void *)(p.pv->recs + nlines);
	p.name_bot = len + 1;

	/* Lines split inline (pi_lines_next's semantics: a last line without '\n' counts). */
	while (lp < end) {
		const char *e = pi_find_byte(lp, end, '\n');

		nl = e < end;
		p.lineno++;
		if ((r = parse_line(&p, (struct pi_span){lp, (size_t)(e - lp)})) < 0)
			goto fail;
		lp = nl ? e + 1 : end;
	}
	p.pv->final_nl = nl;
	p.pv->node_stats = p.pv->stats + (p.nkv - p.nnstats);
	for (size_t i = 0; i < p.nnstats / 2; i++) {
		struct pi_zi_kv t = p.pv->node_stats[i];

		p.pv->node_stats[i] = p.pv->node_stats[p.nnstats - 1 - i];
		p.pv->node_stats[p.nnstats - 1 - i] = t;
	}
	link_zones(p.zi);
	free(p.hash);
	*ret = p.zi;
	return 0;
fail:
	free(p.hash);
	pi_zoneinfo_free(p.zi);
	return r;
}

static void put_key(struct pi_buf *out, const struct zrec *rec, const char *key, size_t klen)
{
	pi_buf_fill(out, ' ', rec->indent);
	pi_buf_append(out, key, klen);
	pi_buf_fill(out, ' ', rec->n);
}

int pi_zoneinfo_render(const struct pi_zoneinfo *zi, struct pi_buf *out)
{
	const struct zi_priv *pv = zi ? zi->priv_ : NULL;
	const struct pi_zi_zone *z = NULL;
	const struct pi_zi_pageset *ps = NULL;
	size_t zn = 0, si = 0, ni = 0, pi = 0, raw = 0;

	if (!pv)
		return -EINVAL;
	for (size_t i = 0; i < pv->nrecs; i++) {
		const struct zrec *rec = &pv->recs[i];
		const struct pi_zi_kv *kv;

		if (rec->kind != R_RAW && rec->kind != R_HEAD && !z)
			return -EINVAL;
		switch (rec->kind) {
		case R_RAW:
			if (rec->n > pv->raw_len - raw)
				return -EINVAL;
			pi_buf_append(out, pv->pool + raw, rec->n);
			raw += rec->n;
			break;
		case R_HEAD:
			if (zn >= zi->nzones)
				return -EINVAL;
			z = &zi->zones[zn++];
			si = ni = pi = 0;
			ps = NULL;
			pi_buf_puts(out, "Node ");
			pi_buf_i64_pad(out, z->node, 0);
			pi_buf_puts(out, ", zone ");
			pi_buf_fill(out, ' ', rec->n);
			pi_buf_append(out, z->zone, strnlen(z->zone, sizeof(z->zone)));
			break;
		case R_FIELD: {
			const struct key *k = &keys[rec->key];

			put_key(out, rec, k->s, k->len);
			pi_buf_u64(out, ((const struct pi_opt_u64 *)(const void *)((const char *)z +
										   k->off))
					    ->v);
			break;
		}
		case R_PROT:
			if (z->nprotection && !z->protection)
				return -EINVAL;
			put_key(out, rec, "protection:", 11);
			pi_buf_putc(out, '(');
			for (unsigned k = 0; k < z->nprotection; k++) {
				if (k)
					pi_buf_puts(out, ", ");
				pi_buf_i64_pad(out, z->protection[k], 0);
			}
			pi_buf_putc(out, ')');
			break;
		case R_STAT:
		case R_NSTAT:
			if (rec->kind == R_STAT ? si >= z->nstats || !z->stats
						: ni >= z->nnode_stats || !z->node_stats)
				return -EINVAL;
			kv = rec->kind == R_STAT ? &z->stats[si++] : &z->node_stats[ni++];
			if (!kv->name)
				return -EINVAL;
			put_key(out, rec, kv->name, strlen(kv->name));
			pi_buf_u64(out, kv->value);
			break;
		case R_CPU:
			if (pi >= z->npagesets || !z->pagesets)
				return -EINVAL;
			ps = &z->pagesets[pi++];
			put_key(out, rec, "cpu:", 4);
			pi_buf_i64_pad(out, ps->cpu, 0);
			if (rec->key) {
				pi_buf_puts(out, " pcp: ");
				pi_buf_i64_pad(out, ps->pcp, 0);
			}
			break;
		case R_PCPF: {
			const struct key *k = &keys[rec->key];

			if (!ps)
				return -EINVAL;
			put_key(out, rec, k->s, k->len);
			pi_buf_i64_pad(
			    out,
			    ((const struct pi_opt_i64 *)(const void *)((const char *)ps + k->off))
				->v,
			    0);
			break;
		}
		default:
			return -EINVAL;
		}
		if (i + 1 < pv->nrecs || pv->final_nl)
			pi_buf_putc(out, '\n');
	}
	return out->err;
}
