#include "iomem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define SRC "iomem"

/* The shortest possible line is "0-0 : " (6 bytes): it bounds both the number of resources
 * and the name storage (name_len + 1 <= line length) by the input size. */
#define MIN_LINE 6

uint64_t pi_iomem_size(const struct pi_iomem_res *r)
{
	return r->end < r->start ? 0 : r->end - r->start + 1;
}

struct pi_iomem *pi_iomem_free(struct pi_iomem *m)
{
	free(m); /* res and the names are in the same block (pi_iomem_parse) */
	return NULL;
}

static int parse_addr(struct pi_cur *c, unsigned lineno, const char *what, uint64_t *ret,
		      unsigned *ret_nd, struct pi_perr *e)
{
	int r = pi_cur_hex(c, ret, ret_nd);

	if (r == -ERANGE)
		return pi_perr_set(e, r, SRC, lineno, "%s address overflows 64 bits", what);
	if (r < 0)
		return pi_perr_set(e, r, SRC, lineno, "expected a hex %s address", what);
	return 0;
}

/* One line into *r (name copied to *arena, which advances). prev is the previous line's
 * indent level, -1 before the first line. Clears *all4 unless both fields have 4 digits. */
static int parse_line(struct pi_span line, unsigned lineno, int prev, struct pi_iomem_res *r,
		      char **arena, bool *all4, struct pi_perr *e)
{
	struct pi_cur c = pi_cur_of(line);
	size_t sp, nlen;
	unsigned nd1, nd2, level;
	int err;

	if (line.len == 0)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "empty line");
	sp = pi_cur_skip(&c, ' ');
	if (sp > 2 * PI_IOMEM_MAX_DEPTH)
		return pi_perr_set(e, -EINVAL, SRC, lineno,
				   "indentation of %zu spaces exceeds the kernel's %d levels", sp,
				   PI_IOMEM_MAX_DEPTH);
	if (sp & 1)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "odd indentation (%zu spaces)", sp);
	level = (unsigned)(sp / 2);
	if ((int)level > prev + 1)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "indentation jumps from level %d to %u",
				   prev, level);
	if ((err = parse_addr(&c, lineno, "start", &r->start, &nd1, e)) < 0)
		return err;
	if (!pi_cur_chr(&c, '-'))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "expected '-' after the start address");
	if ((err = parse_addr(&c, lineno, "end", &r->end, &nd2, e)) < 0)
		return err;
	if (!pi_cur_lit(&c, " : "))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "expected \" : \" after the range");
	nlen = pi_cur_left(&c);
	if (nlen && memchr(c.p, '\0', nlen))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "NUL byte in name");
	if (nd1 != 4 || nd2 != 4)
		*all4 = false;
	r->indent = level;
	r->name = *arena;
	r->name_len = nlen;
	if (nlen)
		memcpy(*arena, c.p, nlen);
	(*arena)[nlen] = '\0';
	*arena += nlen + 1;
	return 0;
}

static bool contains(const struct pi_iomem_res *p, const struct pi_iomem_res *c)
{
	return c->start >= p->start && c->end <= p->end;
}

/* Fill depth/parent/first_child/next_sibling from the indents (and, at the capped level,
 * from address containment). Every step walks up the previous resource's ancestor chain,
 * which the new resource then extends by one: O(n) in total. */
static void link_tree(struct pi_iomem *m)
{
	struct pi_iomem_res *res = m->res;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct pi_iomem_res *r = &res[i];
		unsigned d = r->indent;
		long s;

		r->first_child = r->next_sibling = -1;
		if (i == 0) {
			r->depth = 0;
			r->parent = -1;
			continue;
		}
		if (d == PI_IOMEM_MAX_DEPTH && !m->addresses_hidden)
			for (s = (long)i - 1; s >= 0 && res[s].depth >= PI_IOMEM_MAX_DEPTH;
			     s = res[s].parent)
				if (contains(&res[s], r)) {
					d = res[s].depth + 1;
					break;
				}
		/* The previous resource is at depth >= d - 1 (indent grows by one at most). */
		s = (long)i - 1;
		while (res[s].depth > d)
			s = res[s].parent;
		if (res[s].depth == d) {
			res[s].next_sibling = (long)i;
			r->parent = res[s].parent;
		} else {
			res[s].first_child = (long)i;
			r->parent = s;
		}
		r->depth = d;
	}
}

int pi_iomem_parse(const char *buf, size_t len, struct pi_iomem **ret, struct pi_perr *reterr)
{
	struct pi_iomem *m = NULL;
	struct pi_lines it;
	struct pi_span line;
	size_t nlines, cap;
	char *arena;
	bool all4 = true, hidden = true;
	int r, prev = -1;

	if (len == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");
	nlines = pi_count_byte(buf, len, '\n') + (buf[len - 1] != '\n');
	cap = len / MIN_LINE + 1;
	if (cap > nlines)
		cap = nlines;

	/* One block: the struct, cap resources, then the names (at most len bytes). */
	if (cap > (SIZE_MAX - sizeof(*m) - len) / sizeof(*m->res))
		return -ENOMEM;
	m = malloc(sizeof(*m) + cap * sizeof(*m->res) + len);
	if (!m)
		return -ENOMEM;
	*m = (struct pi_iomem){0};
	m->res = (struct pi_iomem_res *)(void *)(m + 1);
	m->priv_ = arena = (char *)(m->res + cap);

	pi_lines_init(&it, buf, len);
	while (pi_lines_next(&it, &line, NULL)) {
		struct pi_iomem_res *res;

		if (m->n == cap) { /* unreachable: every stored line has >= MIN_LINE bytes */
			r = pi_perr_set(reterr, -E2BIG, SRC, it.lineno, "too many lines");
			goto fail;
		}
		res = &m->res[m->n];
		if ((r = parse_line(line, it.lineno, prev, res, &arena, &all4, reterr)) < 0)
			goto fail;
		hidden = hidden && res->start == 0 && res->end == 0;
		prev = (int)res->indent;
		m->n++;
	}
	m->width = all4 ? 4 : 8;
	m->addresses_hidden = hidden;
	link_tree(m);
	*ret = m;
	return 0;
fail:
	pi_iomem_free(m);
	return r;
}

int pi_iomem_render(const struct pi_iomem *m, struct pi_buf *out)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct pi_iomem_res *r = &m->res[i];
		unsigned ind = r->indent > PI_IOMEM_MAX_DEPTH ? PI_IOMEM_MAX_DEPTH : r->indent;

		pi_buf_fill(out, ' ', 2 * (size_t)ind);
		pi_buf_hex(out, r->start, m->width);
		pi_buf_putc(out, '-');
		pi_buf_hex(out, r->end, m->width);
		pi_buf_append(out, " : ", 3);
		pi_buf_append(out, r->name, r->name_len);
		pi_buf_putc(out, '\n');
	}
	return out->err;
}
