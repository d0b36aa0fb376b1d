#include "pagetypeinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define SRC "pagetypeinfo"

/* Kernel literals (mm/vmstat.c). The free header is printed "%-43s ", the block headers
 * "\n%-23s"; "Number of mixed blocks " is exactly 23 bytes, so it gets no padding. */
#define FREE_HDR   "Free pages count per migrate type at order"
#define BLOCKS_HDR "Number of blocks type"
#define MIXED_HDR  "Number of mixed blocks"
#define PBO_KEY	   "Page block order:"
#define PPB_KEY	   "Pages per block:"

/* Owned storage behind p->priv_. Rows of all nodes are contiguous, node after node; block and
 * mixed rows share one array (node 0 blocks, node 0 mixed, node 1 blocks, ...). Every free row
 * has norders counts and every block row ntypes counts, so row i's counts sit at i * width. */
struct pt_store {
	struct pi_pt_free_row *free;
	size_t nfree, capfree;
	struct pi_pt_block_row *rows;
	size_t nrows, caprows;
	struct pi_pt_count *fc;
	size_t capfc;
	uint64_t *bc;
	size_t capbc;
};

/* A free row's type name, kept until the node block's "Number of blocks type" header (which
 * comes after the free rows) says what the types are. */
struct pt_tname {
	const char *p;
	size_t len;
	unsigned line;
};

enum pt_state {
	ST_PBO,	       /* expect "Page block order:" */
	ST_PPB,	       /* expect "Pages per block:" */
	ST_BLANK,      /* expect the empty line after it */
	ST_FREE_HDR,   /* expect the free-pages header */
	ST_FREE,       /* free rows, or the empty line before the blocks header */
	ST_BLOCKS_HDR, /* expect "Number of blocks type" */
	ST_BLOCKS,     /* block rows, an empty line (mixed section) or the next node */
	ST_MIXED_HDR,  /* expect "Number of mixed blocks" */
	ST_MIXED,      /* mixed rows or the next node */
};

struct pt_ctx {
	struct pi_pagetypeinfo *p;
	struct pt_store *s;
	size_t capnodes;
	struct pt_tname *tn; /* free rows of the current node, from free_start */
	size_t captn;
	size_t free_start;
	unsigned orders_line, types_line; /* where p->norders / p->types were defined */
	unsigned line;
	struct pi_perr *e;
};

/* Make room for `need` elements in the array *pptr (a pointer to any object pointer). */
static int reserve(void *pptr, size_t *cap, size_t need, size_t size)
{
	void *old, *n;
	size_t ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return -ENOMEM;
		ncap *= 2;
	}
	memcpy(&old, pptr, sizeof(old));
	n = realloc(old, ncap * size);
	if (!n)
		return -ENOMEM;
	memcpy(pptr, &n, sizeof(n));
	*cap = ncap;
	return 0;
}

struct pi_pagetypeinfo *pi_pagetypeinfo_free(struct pi_pagetypeinfo *p)
{
	struct pt_store *s;

	if (!p)
		return NULL;
	s = p->priv_;
	if (s) {
		free(s->free);
		free(s->rows);
		free(s->fc);
		free(s->bc);
		free(s);
	}
	free(p->nodes);
	free(p);
	return NULL;
}

/* After a field: spaces, then the end of the line. */
static bool at_eol(struct pi_cur *c)
{
	pi_cur_skip(c, ' ');
	return pi_cur_eof(c);
}

static int num_err(struct pt_ctx *x, int r, const char *what)
{
	return pi_perr_set(x->e, r, SRC, x->line, "%s: %s", what,
			   r == -ERANGE ? "number overflows 64 bits" : "not a number");
}

/* "<key> <number>" (kernel: "Page block order: %d", "Pages per block:  %lu"). */
static int parse_key_num(struct pt_ctx *x, struct pi_cur *c, const char *key, uint64_t max,
			 uint64_t *ret)
{
	int r;

	if (!pi_cur_lit(c, key))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "expected \"%s\"", key);
	pi_cur_skip(c, ' ');
	if ((r = pi_cur_u64(c, ret)) < 0)
		return num_err(x, r, key);
	if (*ret > max)
		return pi_perr_set(x->e, -ERANGE, SRC, x->line, "%s %llu out of range", key,
				   (unsigned long long)*ret);
	if (!at_eol(c))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "unexpected text after \"%s\"",
				   key);
	return 0;
}

/* Before each field: at least one space, unless the line ends (trailing space stripped).
 * Returns 1 if a field follows, 0 at the end of the line, or a negative errno. */
static int next_field(struct pt_ctx *x, struct pi_cur *c, const char *what, unsigned i)
{
	if (pi_cur_skip(c, ' ') == 0 && !pi_cur_eof(c))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "expected a space before %s %u",
				   what, i);
	return !pi_cur_eof(c);
}

/* "Free pages count per migrate type at order" then "%6d " for order 0, 1, 2, ... */
static int parse_free_hdr(struct pt_ctx *x, struct pi_cur *c)
{
	unsigned n = 0;
	uint64_t v;
	int r;

	if (!pi_cur_lit(c, FREE_HDR))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "expected \"" FREE_HDR "\"");
	while ((r = next_field(x, c, "order", n)) > 0) {
		if (n == PI_MAX_ORDERS)
			return pi_perr_set(x->e, -E2BIG, SRC, x->line, "more than %d orders",
					   PI_MAX_ORDERS);
		if ((r = pi_cur_u64(c, &v)) < 0)
			return num_err(x, r, "order header");
		if (v != n)
			return pi_perr_set(x->e, -EINVAL, SRC, x->line,
					   "order header lists %llu where order %u belongs",
					   (unsigned long long)v, n);
		n++;
	}
	if (r < 0)
		return r;
	if (n == 0)
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "order header lists no orders");
	if (x->p->nnodes == 1) {
		x->p->norders = n;
		x->orders_line = x->line;
	} else if (n != x->p->norders) {
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "%u orders, but line %u lists %u",
				   n, x->orders_line, x->p->norders);
	}
	return 0;
}

/* A header literal then "%12s " per migrate type; returns the number of names. */
static int parse_types(struct pt_ctx *x, struct pi_cur *c, const char *lit,
		       char (*names)[PI_TYPE_NAME_MAX + 1])
{
	unsigned n = 0;
	struct pi_span w;
	int r;

	if (!pi_cur_lit(c, lit))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "expected \"%s\"", lit);
	while ((r = next_field(x, c, "migrate type", n)) > 0) {
		if (n == PI_MAX_TYPES)
			return pi_perr_set(x->e, -E2BIG, SRC, x->line, "more than %d migrate types",
					   PI_MAX_TYPES);
		if (!pi_cur_word(c, PI_TYPE_NAME_MAX, &w))
			return pi_perr_set(x->e, -EINVAL, SRC, x->line,
					   "migrate type %u: bad or overlong name", n);
		memcpy(names[n], w.p, w.len);
		names[n][w.len] = '\0';
		n++;
	}
	if (r < 0)
		return r;
	if (n == 0)
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "\"%s\" lists no migrate types",
				   lit);
	return (int)n;
}

/* Does the header just parsed list exactly p->types? Fails naming the first difference. */
static int same_types(struct pt_ctx *x, char (*names)[PI_TYPE_NAME_MAX + 1], unsigned n)
{
	const struct pi_pagetypeinfo *p = x->p;
	unsigned i;

	if (n != p->ntypes)
		return pi_perr_set(x->e, -EINVAL, SRC, x->line,
				   "%u migrate types, but line %u lists %u", n, x->types_line,
				   p->ntypes);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], p->types[i]) != 0)
			return pi_perr_set(x->e, -EINVAL, SRC, x->line,
					   "migrate type %u is \"%s\", but line %u lists \"%s\"", i,
					   names[i], x->types_line, p->types[i]);
	return 0;
}

/* "Node <id>, zone <name>"; free rows print the id "%4d", block rows "%d". Zone names stop at
 * ',' (free rows glue ", type" to them), so a name can never contain one. */
static int parse_row_head(struct pt_ctx *x, struct pi_cur *c, int *node, char *zone)
{
	const char *q;
	uint64_t v;
	size_t n;

	if (!pi_cur_lit(c, "Node "))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "expected \"Node \"");
	pi_cur_skip(c, ' ');
	if (pi_cur_u64(c, &v) < 0 || v > INT_MAX)
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "bad node id");
	if (!pi_cur_lit(c, ", zone "))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "expected \", zone \"");
	pi_cur_skip(c, ' ');
	for (q = c->p; q < c->end && *q != ' ' && *q != ',' && *q != '\t' && *q != '\0'; q++)
		;
	n = (size_t)(q - c->p);
	if (n == 0 || n > PI_ZONE_NAME_MAX)
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "missing or overlong zone name");
	*node = (int)v;
	memcpy(zone, c->p, n);
	zone[n] = '\0';
	c->p = q;
	return 0;
}

/* "Node %4d, zone %8s, type %12s " then "%s%6lu " per order ("%6lu " before 5.4). */
static int parse_free_row(struct pt_ctx *x, struct pi_cur *c)
{
	struct pi_pagetypeinfo *p = x->p;
	struct pt_store *s = x->s;
	size_t i = s->nfree, k = i - x->free_start;
	struct pi_pt_free_row *row;
	struct pi_pt_count *cnt;
	struct pi_span w;
	unsigned n = 0;
	int r;

	if ((r = reserve(&s->free, &s->capfree, i + 1, sizeof(*s->free))) < 0 ||
	    (r = reserve(&s->fc, &s->capfc, (i + 1) * p->norders, sizeof(*s->fc))) < 0 ||
	    (r = reserve(&x->tn, &x->captn, k + 1, sizeof(*x->tn))) < 0)
		return r;
	row = &s->free[i];
	memset(row, 0, sizeof(*row));
	if ((r = parse_row_head(x, c, &row->node, row->zone)) < 0)
		return r;
	if (!pi_cur_lit(c, ", type "))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "expected \", type \"");
	pi_cur_skip(c, ' ');
	if (!pi_cur_word(c, PI_TYPE_NAME_MAX, &w))
		return pi_perr_set(x->e, -EINVAL, SRC, x->line, "missing or overlong migrate type");
	x->tn[k] = (struct pt_tname){w.p, w.len, x->line};

	cnt = s->fc + i * p->norders;
	while ((r = next_field(x, c, "order", n)) > 0) {
		if (n == p->norders)
			return pi_perr_set(x->e, -EINVAL, SRC, x->line,
					   "more than %u counts (line %u lists %u orders)", n,
					   x->orders_line, p->norders);
		/* 5.4+: ">100000" once the walk of a free list was cut short. */
		cnt[n].capped = pi_cur_chr(c, '>');
		if (cnt[n].capped)
			pi_cur_skip(c, ' ');
		if ((r = pi_cur_u64(c, &cnt[n].n)) < 0)
			return pi_perr_set(x->e, r, SRC, x->line, "order %u: %s", n,
					   r == -ERANGE ? "count overflows 64 bits"
							: "not a number");
		n++;
	}
	if (r < 0)
		return r;
	if (n != p->norders)
		return pi_perr_set(x->e, -EINVAL, SRC, x->line,
				   "%u counts, but line %u lists %u orders", n, x->orders_line,
				   p->norders);
	s->nfree++;
	p->nodes[p->nnodes - 1].nfree++;
	return 0;
}

/* "Node %d, zone %8s " then "%12lu " per migrate type (block and mixed counts alike). */
static int parse_block_row(struct pt_ctx *x, struct pi_cur *c, bool mixed)
{
	struct pi_pagetypeinfo *p = x->p;
	struct pt_store *s = x->s;
	size_t i = s->nrows;
	struct pi_pt_block_row *row;
	uint64_t *cnt;
	unsigned n = 0;
	int r;

	if ((r = reserve(&s->rows, &s->caprows, i + 1, sizeof(*s->rows))) < 0 ||
	    (r = reserve(&s->bc, &s->capbc, (i + 1) * p->ntypes, sizeof(*s->bc))) < 0)
		return r;
	row = &s->rows[i];
	memset(row, 0, sizeof(*row));
	if ((r = parse_row_head(x, c, &row->node, row->zone)) < 0)
		return r;
	cnt = s->bc + i * p->ntypes;
	while ((r = next_field(x, c, "migrate type", n)) > 0) {
		if (n == p->ntypes)
			return pi_perr_set(x->e, -EINVAL, SRC, x->line,
					   "more than %u counts (line %u lists %u migrate types)",
					   n, x->types_line, p->ntypes);
		if ((r = pi_cur_u64(c, &cnt[n])) < 0)
			return pi_perr_set(x->e, r, SRC, x->line, "migrate type %u: %s", n,
					   r == -ERANGE ? "count overflows 64 bits"
							: "not a number");
		n++;
	}
	if (r < 0)
		return r;
	if (n != p->ntypes)
		return pi_perr_set(x->e, -EINVAL, SRC, x->line,
				   "%u counts, but line %u lists %u migrate types", n,
				   x->types_line, p->ntypes);
	s->nrows++;
	if (mixed)
		p->nodes[p->nnodes - 1].nmixed++;
	else
		p->nodes[p->nnodes - 1].nblocks++;
	return 0;
}

/* The current node's free rows, now that the types are known: zone by zone, each zone lists
 * every type once, in header order (pagetypeinfo_showfree_print loops over MIGRATE_TYPES). */
static int check_free_types(struct pt_ctx *x)
{
	const struct pi_pagetypeinfo *p = x->p;
	size_t n = x->s->nfree - x->free_start, i;
	/* No rows yet: free may still be NULL, and NULL + 0 is undefined in C. */
	struct pi_pt_free_row *rows = n ? x->s->free + x->free_start : NULL;
	unsigned nt = p->ntypes;

	for (i = 0; i < n; i++) {
		unsigned k = (unsigned)(i % nt);
		const struct pt_tname *t = &x->tn[i];
		const struct pi_pt_free_row *first = &rows[i - k];

		if (k == 0 && i > 0 && first[-(ptrdiff_t)nt].node == first->node &&
		    strcmp(first[-(ptrdiff_t)nt].zone, first->zone) == 0)
			return pi_perr_set(x->e, -EINVAL, SRC, t->line,
					   "node %d zone %s lists more than %u migrate types",
					   first->node, first->zone, nt);
		if (k > 0 &&
		    (rows[i].node != first->node || strcmp(rows[i].zone, first->zone) != 0))
			return pi_perr_set(x->e, -EINVAL, SRC, t->line,
					   "node %d zone %s lists %u of %u migrate types",
					   first->node, first->zone, k, nt);
		if (!pi_span_eq((struct pi_span){t->p, t->len}, p->types[k], strlen(p->types[k])))
			return pi_perr_set(x->e, -EINVAL, SRC, t->line,
					   "type \"%.*s\" where line %u lists \"%s\" as type %u",
					   (int)t->len, t->p, x->types_line, p->types[k], k);
		rows[i].type = k;
	}
	if (n % nt != 0)
		return pi_perr_set(x->e, -EINVAL, SRC, x->tn[n - 1].line,
				   "node %d zone %s lists %u of %u migrate types", rows[n - 1].node,
				   rows[n - 1].zone, (unsigned)(n % nt), nt);
	return 0;
}

static int parse_blocks_hdr(struct pt_ctx *x, struct pi_cur *c)
{
	struct pi_pagetypeinfo *p = x->p;
	char names[PI_MAX_TYPES][PI_TYPE_NAME_MAX + 1];
	int r = parse_types(x, c, BLOCKS_HDR, names);

	if (r < 0)
		return r;
	if (p->nnodes == 1) {
		p->ntypes = (unsigned)r;
		memcpy(p->types, names, sizeof(names));
		x->types_line = x->line;
	} else if ((r = same_types(x, names, (unsigned)r)) < 0) {
		return r;
	}
	return check_free_types(x);
}

static int parse_mixed_hdr(struct pt_ctx *x, struct pi_cur *c)
{
	char names[PI_MAX_TYPES][PI_TYPE_NAME_MAX + 1];
	int r = parse_types(x, c, MIXED_HDR, names);

	if (r < 0)
		return r;
	if ((r = same_types(x, names, (unsigned)r)) < 0)
		return r;
	x->p->nodes[x->p->nnodes - 1].has_mixed = true;
	return 0;
}

static int start_node(struct pt_ctx *x, struct pi_cur *c)
{
	struct pi_pagetypeinfo *p = x->p;
	struct pi_pt_node *n;
	uint64_t v;
	int r;

	if ((r = reserve(&p->nodes, &x->capnodes, p->nnodes + 1, sizeof(*p->nodes))) < 0)
		return r;
	n = &p->nodes[p->nnodes];
	memset(n, 0, sizeof(*n));
	if ((r = parse_key_num(x, c, PBO_KEY, INT_MAX, &v)) < 0)
		return r;
	n->pageblock_order = (unsigned)v;
	p->nnodes++;
	x->free_start = x->s->nfree;
	return 0;
}

static bool starts_with(struct pi_span l, const char *lit)
{
	size_t n = strlen(lit);

	return l.len >= n && memcmp(l.p, lit, n) == 0;
}

static int parse_line(struct pt_ctx *x, enum pt_state *st, struct pi_span l)
{
	struct pi_cur c = pi_cur_of(l);
	struct pi_pt_node *cur = x->p->nnodes ? &x->p->nodes[x->p->nnodes - 1] : NULL;
	int r;

	switch (*st) {
	case ST_PBO:
		if ((r = start_node(x, &c)) < 0)
			return r;
		*st = ST_PPB;
		return 0;
	case ST_PPB:
		if ((r = parse_key_num(x, &c, PPB_KEY, UINT64_MAX, &cur->pages_per_block)) < 0)
			return r;
		*st = ST_BLANK;
		return 0;
	case ST_BLANK:
		if (l.len != 0)
			return pi_perr_set(x->e, -EINVAL, SRC, x->line,
					   "expected an empty line after \"" PPB_KEY "\"");
		*st = ST_FREE_HDR;
		return 0;
	case ST_FREE_HDR:
		if ((r = parse_free_hdr(x, &c)) < 0)
			return r;
		*st = ST_FREE;
		return 0;
	case ST_FREE:
		if (l.len == 0) {
			*st = ST_BLOCKS_HDR;
			return 0;
		}
		return parse_free_row(x, &c);
	case ST_BLOCKS_HDR:
		if ((r = parse_blocks_hdr(x, &c)) < 0)
			return r;
		*st = ST_BLOCKS;
		return 0;
	case ST_BLOCKS:
	case ST_MIXED:
		if (starts_with(l, PBO_KEY)) {
			*st = ST_PBO;
			return parse_line(x, st, l);
		}
		if (*st == ST_BLOCKS && l.len == 0) {
			*st = ST_MIXED_HDR;
			return 0;
		}
		if (!starts_with(l, "Node "))
			return pi_perr_set(x->e, -EINVAL, SRC, x->line,
					   *st == ST_BLOCKS
					       ? "expected a block count row, an empty "
						 "line or \"" PBO_KEY "\""
					       : "expected a mixed block count row or "
						 "\"" PBO_KEY "\"");
		return parse_block_row(x, &c, *st == ST_MIXED);
	case ST_MIXED_HDR:
		if ((r = parse_mixed_hdr(x, &c)) < 0)
			return r;
		*st = ST_MIXED;
		return 0;
	}
	return -EINVAL;
}

static const char *const state_wants[] = {
    [ST_PBO] = "\"" PBO_KEY "\"",
    [ST_PPB] = "\"" PPB_KEY "\"",
    [ST_BLANK] = "an empty line",
    [ST_FREE_HDR] = "\"" FREE_HDR "\"",
    [ST_FREE] = "the \"" BLOCKS_HDR "\" section",
    [ST_BLOCKS_HDR] = "\"" BLOCKS_HDR "\"",
    [ST_BLOCKS] = "",
    [ST_MIXED_HDR] = "\"" MIXED_HDR "\"",
    [ST_MIXED] = "",
};

/* Point rows at their counts and nodes at their rows (the arrays may have moved while
 * growing, so this happens once at the end). */
static void link_rows(struct pi_pagetypeinfo *p, struct pt_store *s)
{
	size_t i, f = 0, b = 0;

	for (i = 0; i < s->nfree; i++)
		s->free[i].counts = s->fc + i * p->norders;
	for (i = 0; i < s->nrows; i++)
		s->rows[i].counts = s->bc + i * p->ntypes;
	for (i = 0; i < p->nnodes; i++) {
		struct pi_pt_node *n = &p->nodes[i];

		n->free = n->nfree ? s->free + f : NULL;
		f += n->nfree;
		n->blocks = n->nblocks ? s->rows + b : NULL;
		b += n->nblocks;
		n->mixed = n->nmixed ? s->rows + b : NULL;
		b += n->nmixed;
	}
}

int pi_pagetypeinfo_parse(const char *buf, size_t len, struct pi_pagetypeinfo **ret,
			  struct pi_perr *reterr)
{
	struct pt_ctx x = {.e = reterr};
	enum pt_state st = ST_PBO;
	struct pi_lines it;
	struct pi_span l;
	int r;

	if (len == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");
	x.p = calloc(1, sizeof(*x.p));
	if (!x.p)
		return -ENOMEM;
	x.s = calloc(1, sizeof(*x.s));
	if (!x.s) {
		r = -ENOMEM;
		goto fail;
	}
	x.p->priv_ = x.s;

	pi_lines_init(&it, buf, len);
	while (pi_lines_next(&it, &l, NULL)) {
		x.line = it.lineno;
		if ((r = parse_line(&x, &st, l)) < 0)
			goto fail;
	}
	if (st != ST_BLOCKS && st != ST_MIXED) {
		r = pi_perr_set(reterr, -EINVAL, SRC, x.line, "unexpected end of file: expected %s",
				state_wants[st]);
		goto fail;
	}
	link_rows(x.p, x.s);
	free(x.tn);
	*ret = x.p;
	return 0;
fail:
	free(x.tn);
	pi_pagetypeinfo_free(x.p);
	return r;
}

static void render_types(const struct pi_pagetypeinfo *p, struct pi_buf *out)
{
	unsigned t;

	for (t = 0; t < p->ntypes; t++) {
		pi_buf_str_pad(out, p->types[t], strlen(p->types[t]), 12);
		pi_buf_putc(out, ' ');
	}
	pi_buf_putc(out, '\n');
}

static void render_block_rows(const struct pi_pagetypeinfo *p, const struct pi_pt_block_row *rows,
			      size_t n, struct pi_buf *out)
{
	size_t i;
	unsigned t;

	for (i = 0; i < n; i++) {
		pi_buf_puts(out, "Node ");
		pi_buf_i64_pad(out, rows[i].node, 0);
		pi_buf_puts(out, ", zone ");
		pi_buf_str_pad(out, rows[i].zone, strlen(rows[i].zone), 8);
		pi_buf_putc(out, ' ');
		for (t = 0; t < p->ntypes; t++) {
			pi_buf_u64_pad(out, rows[i].counts[t], 12);
			pi_buf_putc(out, ' ');
		}
		pi_buf_putc(out, '\n');
	}
}

int pi_pagetypeinfo_render(const struct pi_pagetypeinfo *p, struct pi_buf *out)
{
	size_t i, j;
	unsigned k;

	for (i = 0; i < p->nnodes; i++) {
		const struct pi_pt_node *n = &p->nodes[i];

		pi_buf_puts(out, PBO_KEY " ");
		pi_buf_u64(out, n->pageblock_order);
		pi_buf_puts(out, "\n" PPB_KEY "  ");
		pi_buf_u64(out, n->pages_per_block);
		pi_buf_puts(out, "\n\n");

		pi_buf_str_pad(out, FREE_HDR, sizeof(FREE_HDR) - 1, -43);
		pi_buf_putc(out, ' ');
		for (k = 0; k < p->norders; k++) {
			pi_buf_i64_pad(out, k, 6);
			pi_buf_putc(out, ' ');
		}
		pi_buf_putc(out, '\n');
		for (j = 0; j < n->nfree; j++) {
			const struct pi_pt_free_row *f = &n->free[j];

			if (f->type >= p->ntypes)
				return -EINVAL;
			pi_buf_puts(out, "Node ");
			pi_buf_i64_pad(out, f->node, 4);
			pi_buf_puts(out, ", zone ");
			pi_buf_str_pad(out, f->zone, strlen(f->zone), 8);
			pi_buf_puts(out, ", type ");
			pi_buf_str_pad(out, p->types[f->type], strlen(p->types[f->type]), 12);
			pi_buf_putc(out, ' ');
			for (k = 0; k < p->norders; k++) {
				if (f->counts[k].capped)
					pi_buf_putc(out, '>');
				pi_buf_u64_pad(out, f->counts[k].n, 6);
				pi_buf_putc(out, ' ');
			}
			pi_buf_putc(out, '\n');
		}

		pi_buf_putc(out, '\n');
		pi_buf_str_pad(out, BLOCKS_HDR " ", sizeof(BLOCKS_HDR), -23);
		render_types(p, out);
		render_block_rows(p, n->blocks, n->nblocks, out);
		if (n->has_mixed) {
			pi_buf_putc(out, '\n');
			pi_buf_str_pad(out, MIXED_HDR " ", sizeof(MIXED_HDR), -23);
			render_types(p, out);
			render_block_rows(p, n->mixed, n->nmixed, out);
		}
	}
	return out->err;
}

int pi_pagetypeinfo_find_type(const struct pi_pagetypeinfo *p, const char *name)
{
	unsigned t;

	for (t = 0; name && t < p->ntypes; t++)
		if (strcmp(p->types[t], name) == 0)
			return (int)t;
	return -1;
}

const struct pi_pt_free_row *pi_pagetypeinfo_find_free(const struct pi_pagetypeinfo *p, int node,
						       const char *zone, unsigned type)
{
	size_t i, j;

	if (!zone || type >= p->ntypes)
		return NULL;
	for (i = 0; i < p->nnodes; i++)
		for (j = 0; j < p->nodes[i].nfree; j++) {
			const struct pi_pt_free_row *f = &p->nodes[i].free[j];

			if (f->node == node && f->type == type && strcmp(f->zone, zone) == 0)
				return f;
		}
	return NULL;
}

const struct pi_pt_block_row *pi_pagetypeinfo_find_blocks(const struct pi_pagetypeinfo *p, int node,
							  const char *zone)
{
	size_t i, j;

	if (!zone)
		return NULL;
	for (i = 0; i < p->nnodes; i++)
		for (j = 0; j < p->nodes[i].nblocks; j++) {
			const struct pi_pt_block_row *b = &p->nodes[i].blocks[j];

			if (b->node == node && strcmp(b->zone, zone) == 0)
				return b;
		}
	return NULL;
}
