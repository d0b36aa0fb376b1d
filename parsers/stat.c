/* /proc/stat parser and renderer (fs/proc/stat.c show_stat; 2.4-2.6.x fs/proc/proc_misc.c).
 *
 * Grammar accepted, one line at a time, in any order (kernels print the order below):
 *   "cpu  %llu( %llu){3,9}"        aggregate, TWO spaces after "cpu", 4..10 time columns
 *   "cpu%d( %llu){4,10}"           one per online CPU; ids may have gaps
 *   "intr %llu( %u)*"              total, then one count per IRQ number (may be 100 KB+)
 *   "ctxt|btime|processes|procs_running|procs_blocked %llu"
 *   "softirq %llu( %llu)*"         total, then one count per vector (2.6.31+)
 *   anything else                  kept verbatim (2.4-era "page", "swap", "disk_io", ...)
 * Numbers are plain decimals exactly as printf prints them (no sign, no leading zero), values
 * are separated by exactly one space and no line has trailing blanks; so every accepted input
 * renders back byte for byte (a missing final '\n' is added). A scalar line whose value breaks
 * this (a vendor kernel printed a negative "processes", node_exporter #1882) is marked PI_BAD
 * and kept verbatim instead of failing the file. */
#include "stat.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define SRC "stat"

const char *const pi_cpu_mode_names[PI_CPU_MODES] = {
    "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice",
};

/* Kernels print at least user, nice, system, idle (2.4). */
#define MIN_CPU_COLS 4

enum item_kind {
	IT_TOTAL,
	IT_CPU,
	IT_INTR,
	IT_SOFTIRQ,
	IT_SCALAR,   /* idx = index into scalars[] */
	IT_VERBATIM, /* idx = index into priv->spans */
};

/* One line of the file, in file order. */
struct item {
	uint8_t kind;
	uint8_t scalar; /* IT_SCALAR: index into scalars[] */
	uint32_t idx;	/* IT_CPU: index into cpus; IT_VERBATIM or a PI_BAD scalar: span index */
};

struct vspan {
	size_t off, len; /* into priv->text */
};

struct stat_priv {
	size_t nitems, capitems;
	struct item *items; /* one per line: items[i] is line i + 1 */
	size_t nspans, capspans;
	struct vspan *spans;
	struct pi_buf text; /* verbatim lines (unknown lines and PI_BAD scalar lines), no '\n' */
};

/* The parser allocates both at once; priv_ always points into the same block. */
struct stat_alloc {
	struct pi_stat s;
	struct stat_priv p;
};

static const struct {
	const char *key;
	size_t keylen;
	size_t off; /* offsetof the struct pi_opt_u64 in struct pi_stat */
} scalars[] = {
    {"ctxt", 4, offsetof(struct pi_stat, ctxt)},
    {"btime", 5, offsetof(struct pi_stat, btime)},
    {"processes", 9, offsetof(struct pi_stat, processes)},
    {"procs_running", 13, offsetof(struct pi_stat, procs_running)},
    {"procs_blocked", 13, offsetof(struct pi_stat, procs_blocked)},
};
#define NSCALARS (sizeof(scalars) / sizeof(scalars[0]))

static struct pi_opt_u64 *scalar_field(struct pi_stat *s, size_t i)
{
	return (struct pi_opt_u64 *)((char *)s + scalars[i].off);
}

static const struct pi_opt_u64 *scalar_cfield(const struct pi_stat *s, size_t i)
{
	return (const struct pi_opt_u64 *)((const char *)s + scalars[i].off);
}

struct pi_stat *pi_stat_free(struct pi_stat *s)
{
	struct stat_priv *p;

	if (!s)
		return NULL;
	p = s->priv_;
	if (p) {
		free(p->items);
		free(p->spans);
		pi_buf_fini(&p->text);
	}
	free(s->cpus);
	free(s->irqs);
	free(s->softirqs);
	free(s);
	return NULL;
}

/* Why the value at the cursor did not parse. */
static const char *num_why(const struct pi_cur *c, int r)
{
	if (r == -ERANGE)
		return "overflows 64 bits";
	if (r == -EDOM)
		return "has a leading zero";
	if (pi_cur_eof(c))
		return "missing (trailing blank)";
	if (*c->p == ' ' || *c->p == '\t')
		return "missing (extra blank)";
	return "not a number";
}

struct list_err {
	size_t col;	 /* 0-based value index */
	const char *why; /* static */
};

static inline uint64_t load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The common case of parse_list: values that fit 64 bits without a redundant leading zero,
 * each followed by one space or the end. Stops (returning how many it stored, *pp at the
 * start of the value it could not take) at anything else, which the careful loop then
 * judges; the values it stores are exactly the ones that loop would store. */
static size_t list_fast(const char **pp, const char *end, uint64_t *out, size_t max)
{
	const char *q = *pp;
	uint64_t zeros;
	size_t n = 0;

	memcpy(&zeros, "0 0 0 0 ", sizeof(zeros));
	while (n < max) {
		struct pi_cur t = {q, end};
		const char *s;
		uint64_t v;

		/* Most of an "intr" line is "0 0 0 ...": four values a step while the next 8
		 * bytes are exactly that; each "0" is a complete value followed by its space. */
		while (max - n >= 4 && end - q >= 8 && load64(q) == zeros) {
			out[n] = out[n + 1] = out[n + 2] = out[n + 3] = 0;
			n += 4;
			q += 8;
		}
		if (n == max)
			break;
		s = q;
		t.p = q;
		if (pi_cur_u64(&t, &v) < 0 || (*s == '0' && t.p - s > 1))
			break;
		q = t.p;
		out[n++] = v;
		if (q == end || *q != ' ')
			break;
		q++;
	}
	*pp = q;
	return n;
}

/* "v( v)*" up to the end of the line, at most `max` values into out. */
static int parse_list(struct pi_cur *c, uint64_t *out, size_t max, size_t *ret_n,
		      struct list_err *le)
{
	size_t n;
	int r;

	n = list_fast(&c->p, c->end, out, max);
	/* The fast path stopped either just after a value (at the end of the line or at a byte
	 * other than a space), or at the start of one (after a space, or where it began). */
	if (n && c->p[-1] != ' ') {
		if (pi_cur_eof(c)) {
			*ret_n = n;
			return 0;
		}
		le->col = n - 1;
		le->why = "is followed by something other than a space";
		return -EINVAL;
	}
	for (;;) {
		if (n == max) {
			le->col = n;
			le->why = "one value too many";
			return -E2BIG;
		}
		if ((r = pi_cur_u64_strict(c, &out[n])) < 0) {
			le->col = n;
			le->why = num_why(c, r);
			return r == -ERANGE ? -ERANGE : -EINVAL;
		}
		n++;
		if (pi_cur_eof(c))
			break;
		if (!pi_cur_chr(c, ' ')) {
			le->col = n - 1;
			le->why = "is followed by something other than a space";
			return -EINVAL;
		}
	}
	*ret_n = n;
	return 0;
}

/* /proc/stat is ASCII text; bytes kept verbatim must be printable (or tabs). */
static int check_printable(struct pi_span line, unsigned lineno, struct pi_perr *e)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		unsigned char ch = (unsigned char)line.p[i];

		if ((ch < 0x20 && ch != '\t') || ch > 0x7e)
			return pi_perr_set(e, -EINVAL, SRC, lineno,
					   "unprintable byte 0x%02x at column %zu", ch, i + 1);
	}
	return 0;
}

static int keep_verbatim(struct stat_priv *p, struct pi_span line, uint32_t *ret_idx)
{
	int r;

	if ((r = pi_grow(&p->spans, &p->capspans, p->nspans + 1, sizeof(*p->spans))) < 0)
		return r;
	p->spans[p->nspans] = (struct vspan){p->text.len, line.len};
	if ((r = pi_buf_append(&p->text, line.p, line.len)) < 0)
		return r;
	*ret_idx = (uint32_t)p->nspans++;
	return 0;
}

/* After the "cpu"/"cpuN" keyword: the separator, then 4..10 time columns. */
static int parse_cpu(struct pi_cur *c, unsigned lineno, struct pi_span key, bool total,
		     struct pi_stat_cpu *cpu, struct pi_perr *e)
{
	struct list_err le;
	size_t n;
	int r;

	if (!pi_cur_lit(c, total ? "  " : " "))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "%.*s: expected %s after the name",
				   (int)key.len, key.p, total ? "two spaces" : "one space");
	r = parse_list(c, cpu->ticks, PI_CPU_MODES, &n, &le);
	if (r == -E2BIG)
		return pi_perr_set(e, r, SRC, lineno, "%.*s: more than %d time columns",
				   (int)key.len, key.p, PI_CPU_MODES);
	if (r < 0)
		return pi_perr_set(e, r, SRC, lineno, "%.*s: %s (column %zu) %s", (int)key.len,
				   key.p, pi_cpu_mode_names[le.col], le.col + 1, le.why);
	if (n < MIN_CPU_COLS)
		return pi_perr_set(e, -EINVAL, SRC, lineno,
				   "%.*s: %zu time columns, a kernel prints %d to %d", (int)key.len,
				   key.p, n, MIN_CPU_COLS, PI_CPU_MODES);
	cpu->ncols = (unsigned)n;
	return 0;
}

/* After "intr"/"softirq": " total( count)*" into a fresh array; total split off. */
static int parse_counts(struct pi_cur *c, unsigned lineno, const char *name, const char *unit,
			struct pi_opt_u64 *ret_total, uint64_t **ret_v, size_t *ret_n,
			struct pi_perr *e)
{
	struct list_err le;
	size_t n = 0, max;
	uint64_t total, *v = NULL;
	int r;

	if (!pi_cur_chr(c, ' '))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "%s: expected a space after the name",
				   name);
	/* Values after the total: at most one per space. */
	max = pi_count_byte(c->p, pi_cur_left(c), ' ');
	/* nr_irqs and NR_SOFTIRQS are far below this; it bounds memory on hostile input. */
	if (max > PI_STAT_MAX_COUNTS)
		return pi_perr_set(e, -E2BIG, SRC, lineno, "%s: more than %u %ss", name,
				   PI_STAT_MAX_COUNTS, unit);
	if ((r = pi_cur_u64_strict(c, &total)) < 0)
		return pi_perr_set(e, r == -ERANGE ? r : -EINVAL, SRC, lineno, "%s: total %s", name,
				   num_why(c, r));
	if (!pi_cur_eof(c)) {
		if (!pi_cur_chr(c, ' '))
			return pi_perr_set(e, -EINVAL, SRC, lineno,
					   "%s: total is followed by something other than a space",
					   name);
		v = malloc(max * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r = parse_list(c, v, max, &n, &le);
		if (r < 0) {
			free(v);
			return pi_perr_set(e, r, SRC, lineno, "%s: %s %zu %s", name, unit, le.col,
					   le.why);
		}
	}
	ret_total->v = total;
	ret_total->state = PI_OK;
	*ret_v = v;
	*ret_n = n;
	return 0;
}

struct cpu_key {
	int id;
	unsigned lineno;
};

static int cmp_cpu_key(const void *a, const void *b)
{
	const struct cpu_key *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/* Only called when ids were not strictly increasing (never for kernel output). */
static int check_dup_cpus(const struct pi_stat *s, const struct stat_priv *p, struct pi_perr *e)
{
	struct cpu_key *k = malloc(s->ncpus * sizeof(*k));
	size_t i, n = 0;
	int r = 0;

	if (!k)
		return -ENOMEM;
	for (i = 0; i < p->nitems; i++)
		if (p->items[i].kind == IT_CPU)
			k[n++] = (struct cpu_key){s->cpus[p->items[i].idx].cpu, (unsigned)i + 1};
	qsort(k, s->ncpus, sizeof(*k), cmp_cpu_key);
	for (i = 1; i < s->ncpus; i++)
		if (k[i].id == k[i - 1].id) {
			r = pi_perr_set(e, -EINVAL, SRC, k[i].lineno,
					"duplicate \"cpu%d\" line (line %u)", k[i].id,
					k[i - 1].lineno);
			break;
		}
	free(k);
	return r;
}

/* "cpuN" -> N. The keyword starts with "cpu" and a digit. */
static int parse_cpu_id(struct pi_span key, unsigned lineno, int *ret, struct pi_perr *e)
{
	struct pi_cur c = {key.p + 3, key.p + key.len};
	uint64_t id;

	if (pi_cur_u64_strict(&c, &id) < 0 || !pi_cur_eof(&c) || id > INT_MAX)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "bad cpu number in \"%.*s\"",
				   key.len > 24 ? 24 : (int)key.len, key.p);
	*ret = (int)id;
	return 0;
}

int pi_stat_parse(const char *buf, size_t len, struct pi_stat **ret, struct pi_perr *reterr)
{
	struct stat_alloc *a;
	struct pi_stat *s;
	struct stat_priv *p;
	size_t capcpus = 0;
	bool cpus_sorted = true;
	struct pi_lines it;
	struct pi_span line;
	int r;

	if (len == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");

	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	s = &a->s;
	p = &a->p;
	s->priv_ = p;
	pi_buf_init(&p->text, 0);

	pi_lines_init(&it, buf, len);
	while (pi_lines_next(&it, &line, NULL)) {
		struct pi_cur c = pi_cur_of(line);
		struct item item = {0};
		struct pi_span key;
		size_t i;

		if (it.lineno == UINT32_MAX) {
			r = pi_perr_set(reterr, -E2BIG, SRC, it.lineno, "too many lines");
			goto fail;
		}
		if (line.len == 0) {
			r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno, "empty line");
			goto fail;
		}
		if (!pi_cur_word(&c, 0, &key)) {
			r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno,
					"line does not start with a keyword");
			goto fail;
		}
		if ((r = pi_grow(&p->items, &p->capitems, p->nitems + 1, sizeof(*p->items))) < 0)
			goto fail;

		if (PI_SPAN_EQ(key, "cpu")) {
			if (s->has_total) {
				r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno,
						"duplicate \"cpu\" line");
				goto fail;
			}
			s->total.cpu = -1;
			if ((r = parse_cpu(&c, it.lineno, key, true, &s->total, reterr)) < 0)
				goto fail;
			s->has_total = true;
			item.kind = IT_TOTAL;
		} else if (key.len > 3 && !memcmp(key.p, "cpu", 3) &&
			   (unsigned)(key.p[3] - '0') <= 9) {
			struct pi_stat_cpu *cpu;

			if ((r = pi_grow(&s->cpus, &capcpus, s->ncpus + 1, sizeof(*s->cpus))) < 0)
				goto fail;
			cpu = &s->cpus[s->ncpus];
			memset(cpu, 0, sizeof(*cpu));
			if ((r = parse_cpu_id(key, it.lineno, &cpu->cpu, reterr)) < 0 ||
			    (r = parse_cpu(&c, it.lineno, key, false, cpu, reterr)) < 0)
				goto fail;
			if (s->ncpus && cpu->cpu <= s->cpus[s->ncpus - 1].cpu)
				cpus_sorted = false;
			item.kind = IT_CPU;
			item.idx = (uint32_t)s->ncpus++;
		} else if (PI_SPAN_EQ(key, "intr")) {
			if (s->intr_total.state != PI_ABSENT) {
				r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno,
						"duplicate \"intr\" line");
				goto fail;
			}
			if ((r = parse_counts(&c, it.lineno, "intr", "IRQ", &s->intr_total,
					      &s->irqs, &s->nirqs, reterr)) < 0)
				goto fail;
			item.kind = IT_INTR;
		} else if (PI_SPAN_EQ(key, "softirq")) {
			if (s->softirq_total.state != PI_ABSENT) {
				r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno,
						"duplicate \"softirq\" line");
				goto fail;
			}
			if ((r = parse_counts(&c, it.lineno, "softirq", "vector", &s->softirq_total,
					      &s->softirqs, &s->nsoftirqs, reterr)) < 0)
				goto fail;
			item.kind = IT_SOFTIRQ;
		} else {
			for (i = 0; i < NSCALARS; i++)
				if (pi_span_eq(key, scalars[i].key, scalars[i].keylen))
					break;
			if (i < NSCALARS) {
				struct pi_opt_u64 *f = scalar_field(s, i);
				uint64_t v;

				if (f->state != PI_ABSENT) {
					r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno,
							"duplicate \"%s\" line", scalars[i].key);
					goto fail;
				}
				item.kind = IT_SCALAR;
				item.scalar = (uint8_t)i;
				if (pi_cur_chr(&c, ' ') && pi_cur_u64_strict(&c, &v) == 0 &&
				    pi_cur_eof(&c)) {
					f->v = v;
					f->state = PI_OK;
				} else {
					/* Printed but not a %llu: keep the line, parse the rest. */
					if ((r = check_printable(line, it.lineno, reterr)) < 0 ||
					    (r = keep_verbatim(p, line, &item.idx)) < 0)
						goto fail;
					f->state = PI_BAD;
				}
			} else {
				if ((r = check_printable(line, it.lineno, reterr)) < 0 ||
				    (r = keep_verbatim(p, line, &item.idx)) < 0)
					goto fail;
				item.kind = IT_VERBATIM;
			}
		}
		p->items[p->nitems++] = item;
	}
	if (!cpus_sorted && (r = check_dup_cpus(s, p, reterr)) < 0)
		goto fail;
	/* Every kernel prints the aggregate "cpu" line first: without it this is not /proc/stat
	 * (another file put in its place), whatever else parsed. */
	if (!s->has_total) {
		r = pi_perr_set(reterr, -EINVAL, SRC, 0,
				"no aggregate \"cpu\" line: not /proc/stat");
		goto fail;
	}
	if (p->text.err) {
		r = p->text.err;
		goto fail;
	}
	*ret = s;
	return 0;
fail:
	pi_stat_free(s);
	return r;
}

static void render_cpu(const struct pi_stat_cpu *cpu, bool total, struct pi_buf *out)
{
	unsigned k, n = cpu->ncols > PI_CPU_MODES ? PI_CPU_MODES : cpu->ncols;

	if (total) {
		pi_buf_puts(out, "cpu ");
	} else {
		pi_buf_puts(out, "cpu");
		pi_buf_i64_pad(out, cpu->cpu, 0);
	}
	for (k = 0; k < n; k++) {
		pi_buf_putc(out, ' ');
		pi_buf_u64(out, cpu->ticks[k]);
	}
	pi_buf_putc(out, '\n');
}

static void render_counts(const char *name, const struct pi_opt_u64 *total, const uint64_t *v,
			  size_t n, struct pi_buf *out)
{
	size_t i;

	if (total->state != PI_OK)
		return;
	pi_buf_puts(out, name);
	pi_buf_u64(out, total->v);
	for (i = 0; i < n; i++) {
		pi_buf_putc(out, ' ');
		pi_buf_u64(out, v[i]);
	}
	pi_buf_putc(out, '\n');
}

static void render_scalar(const struct pi_stat *s, size_t i, struct pi_buf *out)
{
	const struct pi_opt_u64 *f = scalar_cfield(s, i);

	if (f->state != PI_OK)
		return;
	pi_buf_append(out, scalars[i].key, scalars[i].keylen);
	pi_buf_putc(out, ' ');
	pi_buf_u64(out, f->v);
	pi_buf_putc(out, '\n');
}

static void render_span(const struct stat_priv *p, uint32_t idx, struct pi_buf *out)
{
	if (idx >= p->nspans)
		return;
	pi_buf_append(out, p->text.data + p->spans[idx].off, p->spans[idx].len);
	pi_buf_putc(out, '\n');
}

/* Without parser state (a struct filled by hand): the current kernel's line order. */
static void render_kernel_order(const struct pi_stat *s, struct pi_buf *out)
{
	size_t i;

	if (s->has_total)
		render_cpu(&s->total, true, out);
	for (i = 0; i < s->ncpus; i++)
		render_cpu(&s->cpus[i], false, out);
	render_counts("intr ", &s->intr_total, s->irqs, s->nirqs, out);
	for (i = 0; i < NSCALARS; i++)
		render_scalar(s, i, out);
	render_counts("softirq ", &s->softirq_total, s->softirqs, s->nsoftirqs, out);
}

int pi_stat_render(const struct pi_stat *s, struct pi_buf *out)
{
	const struct stat_priv *p = s->priv_;
	size_t i;

	if (!p) {
		render_kernel_order(s, out);
		return out->err;
	}
	for (i = 0; i < p->nitems; i++) {
		const struct item *it = &p->items[i];

		switch (it->kind) {
		case IT_TOTAL:
			if (s->has_total)
				render_cpu(&s->total, true, out);
			break;
		case IT_CPU:
			if (it->idx < s->ncpus)
				render_cpu(&s->cpus[it->idx], false, out);
			break;
		case IT_INTR:
			render_counts("intr ", &s->intr_total, s->irqs, s->nirqs, out);
			break;
		case IT_SOFTIRQ:
			render_counts("softirq ", &s->softirq_total, s->softirqs, s->nsoftirqs,
				      out);
			break;
		case IT_SCALAR:
			if (scalar_cfield(s, it->scalar)->state == PI_BAD)
				render_span(p, it->idx, out);
			else
				render_scalar(s, it->scalar, out);
			break;
		case IT_VERBATIM:
			render_span(p, it->idx, out);
			break;
		}
	}
	return out->err;
}
