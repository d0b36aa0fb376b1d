/* /proc/loadavg parser and renderer (fs/proc/loadavg.c):
 *   "%lu.%02lu %lu.%02lu %lu.%02lu %ld/%d %d\n"
 * e.g. "0.08 0.09 0.03 4/95 3742". Numbers must look exactly as printf prints them (no '+',
 * no leading zero, no "-0"), fields are separated by one space and nothing follows the
 * '\n', so every accepted input renders back byte for byte (a missing final '\n' is added). */
#include "loadavg.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "scan.h"

#define SRC "loadavg"

/* "%ld" / "%d": optional '-', digits, no leading zero, no "-0"; within [min, max]. */
static int strict_int(struct pi_cur *c, int64_t min, int64_t max, int64_t *ret)
{
	const char *s = c->p, *d;
	int64_t v;
	int r = pi_cur_i64(c, &v);

	if (r < 0)
		return r;
	d = s + (*s == '-');
	if ((*d == '0' && c->p - d > 1) || (*s == '-' && v == 0)) {
		c->p = s;
		return -EDOM;
	}
	if (v < min || v > max) {
		c->p = s;
		return -ERANGE;
	}
	*ret = v;
	return 0;
}

static const char *why(int r)
{
	if (r == -ERANGE)
		return "out of range";
	if (r == -EDOM)
		return "not in printf form (leading zero or -0)";
	return "not a number";
}

int pi_loadavg_parse(const char *buf, size_t len, struct pi_loadavg *ret, struct pi_perr *reterr)
{
	static const char *const names[3] = {"load1", "load5", "load15"};
	struct pi_cur c = {buf, buf + len};
	struct pi_loadavg l;
	unsigned i;
	bool nl;
	int r;

	if (len == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");
	for (i = 0; i < 3; i++) {
		if ((r = pi_cur_fixed_strict(&c, 2, &l.load_x100[i])) < 0)
			return pi_perr_set(reterr, r == -ERANGE ? r : -EINVAL, SRC, 1, "%s: %s",
					   names[i], r == -EINVAL ? "expected %lu.%02lu" : why(r));
		if (!pi_cur_chr(&c, ' '))
			return pi_perr_set(reterr, -EINVAL, SRC, 1, "expected one space after %s",
					   names[i]);
	}
	if ((r = strict_int(&c, INT64_MIN, INT64_MAX, &l.runnable)) < 0)
		return pi_perr_set(reterr, r == -ERANGE ? r : -EINVAL, SRC, 1, "runnable: %s",
				   why(r));
	if (!pi_cur_chr(&c, '/'))
		return pi_perr_set(reterr, -EINVAL, SRC, 1, "expected '/' after runnable");
	if ((r = strict_int(&c, INT_MIN, INT_MAX, &l.total)) < 0)
		return pi_perr_set(reterr, r == -ERANGE ? r : -EINVAL, SRC, 1, "threads: %s",
				   why(r));
	if (!pi_cur_chr(&c, ' '))
		return pi_perr_set(reterr, -EINVAL, SRC, 1, "expected one space after threads");
	if ((r = strict_int(&c, INT_MIN, INT_MAX, &l.last_pid)) < 0)
		return pi_perr_set(reterr, r == -ERANGE ? r : -EINVAL, SRC, 1, "last pid: %s",
				   why(r));
	nl = pi_cur_chr(&c, '\n');
	if (!pi_cur_eof(&c))
		return pi_perr_set(reterr, -EINVAL, SRC, nl ? 2 : 1, "%s",
				   nl ? "text after the end of the line"
				      : "unexpected text after the last pid");
	*ret = l;
	return 0;
}

static void put_fixed(struct pi_buf *out, uint64_t v)
{
	pi_buf_u64(out, v / 100);
	pi_buf_putc(out, '.');
	pi_buf_putc(out, (char)('0' + v % 100 / 10));
	pi_buf_putc(out, (char)('0' + v % 10));
}

int pi_loadavg_render(const struct pi_loadavg *l, struct pi_buf *out)
{
	unsigned i;

	for (i = 0; i < 3; i++) {
		put_fixed(out, l->load_x100[i]);
		pi_buf_putc(out, ' ');
	}
	pi_buf_i64_pad(out, l->runnable, 0);
	pi_buf_putc(out, '/');
	pi_buf_i64_pad(out, l->total, 0);
	pi_buf_putc(out, ' ');
	pi_buf_i64_pad(out, l->last_pid, 0);
	pi_buf_putc(out, '\n');
	return out->err;
}
