/* /proc/pressure/{cpu,memory,io,irq} parser and renderer (kernel/sched/psi.c psi_show, 4.20+):
 *   "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%llu\n"
 * "some" first, then "full"; either may be missing (cpu before 5.13 has no "full", irq 6.1+
 * has no "some") but not both. The kernel never prints other fields, so anything after
 * total= is rejected. Numbers must look exactly as printf prints them (no leading zero), so
 * every accepted input renders back byte for byte (a missing final '\n' is added: the
 * node_exporter fixture pressure/irq lost its '\n' when edited). */
#include "pressure.h"

#include <errno.h>
#include <string.h>

#include "scan.h"

static const char *why(int r)
{
	if (r == -ERANGE)
		return "overflows 64 bits";
	if (r == -EDOM)
		return "has a leading zero";
	return "is not a number";
}

static int parse_line(struct pi_cur *c, const char *src, unsigned lineno, const char *kind,
		      struct pi_psi_line *l, struct pi_perr *e)
{
	static const char *const keys[3] = {" avg10=", " avg60=", " avg300="};
	unsigned i;
	int r;

	for (i = 0; i < 3; i++) {
		if (!pi_cur_lit(c, keys[i]))
			return pi_perr_set(e, -EINVAL, src, lineno, "%s: expected \"%s\"", kind,
					   keys[i]);
		if ((r = pi_cur_fixed_strict(c, 2, &l->avg_x100[i])) < 0)
			return pi_perr_set(e, r == -ERANGE ? r : -EINVAL, src, lineno,
					   "%s: %.*s %s", kind, (int)strlen(keys[i]) - 2,
					   keys[i] + 1, r == -EINVAL ? "is not %lu.%02lu" : why(r));
	}
	if (!pi_cur_lit(c, " total="))
		return pi_perr_set(e, -EINVAL, src, lineno, "%s: expected \" total=\"", kind);
	if ((r = pi_cur_u64_strict(c, &l->total_us)) < 0)
		return pi_perr_set(e, r == -ERANGE ? r : -EINVAL, src, lineno, "%s: total %s", kind,
				   why(r));
	if (!pi_cur_eof(c))
		return pi_perr_set(e, -EINVAL, src, lineno,
				   "%s: unexpected text after total (the kernel prints no more "
				   "fields)",
				   kind);
	l->present = true;
	return 0;
}

int pi_pressure_parse(const char *buf, size_t len, const char *source, struct pi_pressure *ret,
		      struct pi_perr *reterr)
{
	struct pi_pressure p;
	struct pi_lines it;
	struct pi_span line;
	const char *src = source ? source : "pressure";
	int r;

	memset(&p, 0, sizeof(p));
	pi_lines_init(&it, buf, len);
	while (pi_lines_next(&it, &line, NULL)) {
		struct pi_cur c = pi_cur_of(line);
		struct pi_psi_line *l;
		const char *kind;

		if (line.len == 0)
			return pi_perr_set(reterr, -EINVAL, src, it.lineno, "empty line");
		if (pi_cur_lit(&c, "some")) {
			kind = "some";
			l = &p.some;
			if (p.full.present)
				return pi_perr_set(reterr, -EINVAL, src, it.lineno,
						   "\"some\" after \"full\"");
		} else if (pi_cur_lit(&c, "full")) {
			kind = "full";
			l = &p.full;
		} else {
			return pi_perr_set(reterr, -EINVAL, src, it.lineno,
					   "expected \"some\" or \"full\"");
		}
		if (l->present)
			return pi_perr_set(reterr, -EINVAL, src, it.lineno, "duplicate \"%s\" line",
					   kind);
		if ((r = parse_line(&c, src, it.lineno, kind, l, reterr)) < 0)
			return r;
	}
	if (!p.some.present && !p.full.present)
		return pi_perr_set(reterr, -ENODATA, src, 0, "empty file");
	*ret = p;
	return 0;
}

static void put_fixed(struct pi_buf *out, uint64_t v)
{
	pi_buf_u64(out, v / 100);
	pi_buf_putc(out, '.');
	pi_buf_putc(out, (char)('0' + v % 100 / 10));
	pi_buf_putc(out, (char)('0' + v % 10));
}

static void render_line(const char *kind, const struct pi_psi_line *l, struct pi_buf *out)
{
	static const char *const keys[3] = {" avg10=", " avg60=", " avg300="};
	unsigned i;

	if (!l->present)
		return;
	pi_buf_puts(out, kind);
	for (i = 0; i < 3; i++) {
		pi_buf_puts(out, keys[i]);
		put_fixed(out, l->avg_x100[i]);
	}
	pi_buf_puts(out, " total=");
	pi_buf_u64(out, l->total_us);
	pi_buf_putc(out, '\n');
}

int pi_pressure_render(const struct pi_pressure *p, struct pi_buf *out)
{
	render_line("some", &p->some, out);
	render_line("full", &p->full, out);
	return out->err;
}
