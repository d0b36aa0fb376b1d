#include "buddyinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define SRC "buddyinfo"

struct pi_buddyinfo *pi_buddyinfo_free(struct pi_buddyinfo *b)
{
	free(b); /* zones and counts are in the same block */
	return NULL;
}

/* "Node <id>, zone <name>" ; leaves the cursor after the name. Shared shape with
 * pagetypeinfo's block-count rows. */
static int parse_head(struct pi_cur *c, unsigned lineno, struct pi_buddy_zone *z, struct pi_perr *e)
{
	struct pi_span name;
	uint64_t node;

	if (!pi_cur_lit(c, "Node "))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "expected \"Node \"");
	if (pi_cur_u64(c, &node) < 0 || node > INT_MAX)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "bad node id");
	if (!pi_cur_lit(c, ", zone "))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "expected \", zone \"");
	pi_cur_skip(c, ' ');
	if (!pi_cur_word(c, PI_ZONE_NAME_MAX, &name))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "missing or overlong zone name");
	z->node = (int)node;
	memcpy(z->zone, name.p, name.len);
	z->zone[name.len] = '\0';
	return 0;
}

/* Counts on one line after the zone name; returns how many, or a negative errno. */
static int parse_counts(struct pi_cur *c, unsigned lineno, uint64_t *out, struct pi_perr *e)
{
	unsigned n = 0;
	int r;

	for (;;) {
		if (pi_cur_skip(c, ' ') == 0 && !pi_cur_eof(c))
			return pi_perr_set(e, -EINVAL, SRC, lineno,
					   "expected a space before column %u", n);
		if (pi_cur_eof(c))
			break;
		if (n == PI_MAX_ORDERS)
			return pi_perr_set(e, -E2BIG, SRC, lineno, "more than %d orders",
					   PI_MAX_ORDERS);
		r = pi_cur_u64(c, &out[n]);
		if (r < 0)
			return pi_perr_set(e, r, SRC, lineno, "order %u: %s", n,
					   r == -ERANGE ? "count overflows 64 bits"
							: "not a number");
		n++;
	}
	if (n == 0)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "no free counts");
	return (int)n;
}

int pi_buddyinfo_parse(const char *buf, size_t len, struct pi_buddyinfo **ret,
		       struct pi_perr *reterr)
{
	struct pi_buddyinfo *b = NULL;
	struct pi_lines it;
	struct pi_span line;
	uint64_t tmp[PI_MAX_ORDERS];
	size_t nlines;
	int r;

	/* Count lines first so that everything is allocated once, from the input, when the
	 * first line has told the number of orders. */
	nlines = pi_count_byte(buf, len, '\n') + (len && buf[len - 1] != '\n');
	if (nlines == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");

	pi_lines_init(&it, buf, len);
	while (pi_lines_next(&it, &line, NULL)) {
		struct pi_cur c = pi_cur_of(line);
		struct pi_buddy_zone z = {0}; /* whole zone name zeroed, as calloc did */

		if (line.len == 0) {
			r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno, "empty line");
			goto fail;
		}
		if ((r = parse_head(&c, it.lineno, &z, reterr)) < 0)
			goto fail;
		if ((r = parse_counts(&c, it.lineno, tmp, reterr)) < 0)
			goto fail;
		if (!b) {
			/* One block: the struct, nlines zones, nlines * norders counts. */
			size_t zsz = nlines * sizeof(*b->zones), csz;

			if (nlines > SIZE_MAX / sizeof(*b->zones) ||
			    nlines > SIZE_MAX / ((size_t)r * sizeof(*b->counts)) ||
			    (csz = nlines * (size_t)r * sizeof(*b->counts)) >
				SIZE_MAX - sizeof(*b) - zsz)
				return -ENOMEM;
			b = malloc(sizeof(*b) + zsz + csz);
			if (!b)
				return -ENOMEM;
			b->norders = (unsigned)r;
			b->nzones = 0;
			b->zones = (struct pi_buddy_zone *)(void *)(b + 1);
			b->counts = (uint64_t *)(void *)(b->zones + nlines);
		} else if ((unsigned)r != b->norders) {
			r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno,
					"%d orders, but line 1 has %u", r, b->norders);
			goto fail;
		}
		z.free = b->counts + b->nzones * b->norders;
		memcpy(z.free, tmp, b->norders * sizeof(*tmp));
		b->zones[b->nzones++] = z;
	}
	*ret = b;
	return 0;
fail:
	free(b);
	return r;
}

int pi_buddyinfo_render(const struct pi_buddyinfo *b, struct pi_buf *out)
{
	size_t i;
	unsigned k;

	for (i = 0; i < b->nzones; i++) {
		const struct pi_buddy_zone *z = &b->zones[i];

		pi_buf_puts(out, "Node ");
		pi_buf_i64_pad(out, z->node, 0);
		pi_buf_puts(out, ", zone ");
		pi_buf_str_pad(out, z->zone, strlen(z->zone), 8);
		pi_buf_putc(out, ' ');
		for (k = 0; k < b->norders; k++) {
			pi_buf_u64_pad(out, z->free[k], 6);
			pi_buf_putc(out, ' ');
		}
		pi_buf_putc(out, '\n');
	}
	return out->err;
}
