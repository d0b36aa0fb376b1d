/* /proc/schedstat parser and renderer (kernel/sched/stats.c show_schedstat).
 *
 * Grammar accepted, line by line (every line ends in '\n'; a missing final one is tolerated):
 *   line 1     "version %d"
 *   line 2     "timestamp %lu"
 *   then       "cpu%d( %u)+"          >= 12 fields for version 14, >= 9 otherwise
 *              "domain%d[ NAME] MASK( %u)+"   only after a cpu line; belongs to the last one
 * NAME is present when version >= 17, or (mid-series 6.14 kernels said "version 16") when the
 * token after "domainN" has a byte other than hex digits and commas: domain names are
 * upper-case identifiers ("SMT", "MC", "PKG", "NUMA", "DRAWER") that always have one, so this
 * is unambiguous for kernel output. MASK is 1+ groups of
 * 1..8 hex digits separated by commas. Numbers are plain decimals exactly as printf prints them
 * (no sign, no leading zero) and tokens are separated by exactly one space, so every accepted
 * input renders back byte for byte. Anything else (an unknown line kind, a blank line, a
 * domain line before the first cpu line) is malformed: the kernel tells tools to adapt or
 * abort, and there is nothing to adapt to in a line of unknown meaning. */
#include "schedstat.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define SRC "schedstat"

/* One domain line = at least "domain0 3 0". */
#define DOM_MIN_FIELDS 1

struct pi_schedstat *pi_schedstat_free(struct pi_schedstat *s)
{
	if (!s)
		return NULL;
	free(s->cpus);
	free(s->domains);
	free(s->values_);
	free(s->text_);
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
	if (*c->p == ' ')
		return "missing (extra blank)";
	return "not a number";
}

/* A run of bytes up to the next space or the end of the line (possibly empty). */
static struct pi_span next_token(struct pi_cur *c)
{
	const char *q = memchr(c->p, ' ', pi_cur_left(c));
	struct pi_span t = {c->p, q ? (size_t)(q - c->p) : pi_cur_left(c)};

	c->p += t.len;
	return t;
}

/* Groups of 1..8 hex digits separated by single commas; *ret_weight = bits set. */
static bool mask_shape(struct pi_span t, unsigned *ret_weight)
{
	unsigned weight = 0, ndig = 0;
	uint32_t group = 0;
	size_t i;

	for (i = 0; i < t.len; i++) {
		char ch = t.p[i];
		unsigned v;

		if (ch >= '0' && ch <= '9')
			v = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v = (unsigned)(ch - 'A' + 10);
		else if (ch == ',' && ndig > 0) {
			weight += (unsigned)__builtin_popcount(group);
			group = 0;
			ndig = 0;
			continue;
		} else
			return false;
		if (++ndig > 8)
			return false;
		group = group << 4 | v;
	}
	if (ndig == 0)
		return false;
	*ret_weight = weight + (unsigned)__builtin_popcount(group);
	return true;
}

/* Only bytes a cpumask can contain (hex digits and commas); empty counts as maskish. Before
 * v17 a first token with any other byte is a domain name. */
static bool maskish(struct pi_span t)
{
	size_t i;

	for (i = 0; i < t.len; i++) {
		char ch = t.p[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F') || ch == ','))
			return false;
	}
	return true;
}

/* A domain name: 1..PI_SCHEDSTAT_NAME_MAX printable non-blank ASCII bytes. */
static bool name_shape(struct pi_span t)
{
	size_t i;

	if (t.len == 0)
		return false;
	for (i = 0; i < t.len; i++)
		if ((unsigned char)t.p[i] <= 0x20 || (unsigned char)t.p[i] >= 0x7f)
			return false;
	return true;
}

/* "<keyword><id>" where id is a printf %d of a non-negative int; leaves the cursor after it. */
static int parse_id(struct pi_cur *c, unsigned lineno, const char *kw, int *ret, struct pi_perr *e)
{
	uint64_t v;
	int r;

	pi_cur_lit(c, kw);
	r = pi_cur_u64_strict(c, &v);
	if (r < 0 || v > INT_MAX || (!pi_cur_eof(c) && *c->p != ' '))
		return pi_perr_set(e, r == -ERANGE ? -ERANGE : -EINVAL, SRC, lineno,
				   "bad %s number", kw);
	*ret = (int)v;
	return 0;
}

struct fieldvec {
	uint64_t *v;
	size_t n, cap;
};

/* "( %u)+" to the end of the line, appended to fv; *ret_n = how many. `what` names the line
 * kind ("cpu", "domain") in messages. */
static int parse_fields(struct pi_cur *c, unsigned lineno, const char *what, struct fieldvec *fv,
			size_t *ret_n, struct pi_perr *e)
{
	size_t n = 0;
	int r;

	/* The caller leaves the cursor at the end of the line or on a space. */
	while (pi_cur_chr(c, ' ')) {
		if ((r = pi_grow(&fv->v, &fv->cap, fv->n + 1, sizeof(*fv->v))) < 0)
			return r;
		r = pi_cur_u64_strict(c, &fv->v[fv->n]);
		if (r == 0 && !pi_cur_eof(c) && *c->p != ' ')
			r = -EINVAL; /* "12a" */
		if (r < 0)
			return pi_perr_set(e, r == -ERANGE ? -ERANGE : -EINVAL, SRC, lineno,
					   "%s field %zu: %s", what, n + 1, num_why(c, r));
		fv->n++;
		n++;
	}
	*ret_n = n;
	return 0;
}

/* The leading keyword and number of "version %d" / "timestamp %lu". */
static int parse_header(struct pi_span line, unsigned lineno, const char *kw, uint64_t max,
			uint64_t *ret, struct pi_perr *e)
{
	struct pi_cur c = pi_cur_of(line);
	uint64_t v;
	int r;

	if (!pi_cur_lit(&c, kw) || !pi_cur_chr(&c, ' '))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "expected \"%s \"", kw);
	r = pi_cur_u64_strict(&c, &v);
	if (r < 0 || !pi_cur_eof(&c) || v > max)
		return pi_perr_set(e, r == -ERANGE ? -ERANGE : -EINVAL, SRC, lineno,
				   "bad %s number", kw);
	*ret = v;
	return 0;
}

static bool version_known(unsigned v)
{
	return v >= 14 && v <= 17;
}

static enum pi_schedstat_dom_layout dom_layout(unsigned version, size_t nfields)
{
	if (nfields == 36 && (version == 14 || version == 15))
		return PI_SCHEDSTAT_DOM_36_IDLE_FIRST;
	if (nfields == 36 && (version == 16 || version == 17))
		return PI_SCHEDSTAT_DOM_36_BUSY_FIRST;
	if (nfields == 45 && (version == 16 || version == 17))
		return PI_SCHEDSTAT_DOM_45;
	return PI_SCHEDSTAT_DOM_OTHER;
}

int pi_schedstat_lb_index(const struct pi_schedstat_domain *d, enum pi_schedstat_itype t)
{
	/* Position of each idle type's group in print order. */
	static const int idle_first[] = {
	    [PI_SCHEDSTAT_IDLE] = 0, [PI_SCHEDSTAT_BUSY] = 1, [PI_SCHEDSTAT_NEWLY_IDLE] = 2};
	static const int busy_first[] = {
	    [PI_SCHEDSTAT_IDLE] = 1, [PI_SCHEDSTAT_BUSY] = 0, [PI_SCHEDSTAT_NEWLY_IDLE] = 2};

	if ((unsigned)t > PI_SCHEDSTAT_NEWLY_IDLE)
		return -1;
	switch (d->layout) {
	case PI_SCHEDSTAT_DOM_36_IDLE_FIRST:
		return idle_first[t] * 8;
	case PI_SCHEDSTAT_DOM_36_BUSY_FIRST:
		return busy_first[t] * 8;
	case PI_SCHEDSTAT_DOM_45:
		return busy_first[t] * 11;
	default:
		return -1;
	}
}

static void cpu_accessors(unsigned version, struct pi_schedstat_cpu *cpu, const uint64_t *f)
{
	size_t base;

	if (version == 14)
		base = 9; /* cpu_time run_delay pcount are fields 10..12 */
	else if (version >= 15)
		base = PI_SCHEDSTAT_RUN_TIME;
	else
		return; /* stays PI_ABSENT */
	cpu->run_time_ns = (struct pi_opt_u64){f[base], PI_OK};
	cpu->run_delay_ns = (struct pi_opt_u64){f[base + 1], PI_OK};
	cpu->pcount = (struct pi_opt_u64){f[base + 2], PI_OK};
}

struct parse_state {
	struct pi_schedstat *s;
	size_t capcpus, capdoms;
	struct fieldvec fv;
	struct pi_buf text; /* every cpumask, NUL-terminated, in domain order */
};

static int parse_cpu(struct parse_state *ps, struct pi_span line, unsigned lineno,
		     struct pi_perr *e)
{
	struct pi_schedstat *s = ps->s;
	struct pi_cur c = pi_cur_of(line);
	struct pi_schedstat_cpu *cpu;
	size_t first = ps->fv.n, min;
	int r;

	if ((r = pi_grow(&s->cpus, &ps->capcpus, s->ncpus + 1, sizeof(*s->cpus))) < 0)
		return r;
	cpu = &s->cpus[s->ncpus];
	*cpu = (struct pi_schedstat_cpu){0};
	if ((r = parse_id(&c, lineno, "cpu", &cpu->cpu, e)) < 0)
		return r;
	if ((r = parse_fields(&c, lineno, "cpu", &ps->fv, &cpu->nfields, e)) < 0)
		return r;
	min = s->version == 14 ? PI_SCHEDSTAT_CPU_MIN_V14 : PI_SCHEDSTAT_CPU_MIN;
	if (cpu->nfields < min)
		return pi_perr_set(e, -EINVAL, SRC, lineno,
				   "cpu%d: %zu fields, version %u prints at least %zu", cpu->cpu,
				   cpu->nfields, s->version, min);
	cpu_accessors(s->version, cpu, ps->fv.v + first);
	s->ncpus++;
	return 0;
}

static int parse_domain(struct parse_state *ps, struct pi_span line, unsigned lineno,
			struct pi_perr *e)
{
	struct pi_schedstat *s = ps->s;
	struct pi_cur c = pi_cur_of(line);
	struct pi_schedstat_domain *d;
	struct pi_span t1, mask;
	unsigned weight = 0;
	bool named;
	int r;

	if (s->ncpus == 0)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "domain line before any cpu line");
	if ((r = pi_grow(&s->domains, &ps->capdoms, s->ndomains + 1, sizeof(*s->domains))) < 0)
		return r;
	d = &s->domains[s->ndomains];
	*d = (struct pi_schedstat_domain){0};
	if ((r = parse_id(&c, lineno, "domain", &d->level, e)) < 0)
		return r;
	if (!pi_cur_chr(&c, ' '))
		return pi_perr_set(e, -EINVAL, SRC, lineno, "domain%d: missing cpumask", d->level);
	t1 = next_token(&c);
	named = s->version >= 17 || !maskish(t1);
	if (named) {
		if (!name_shape(t1))
			return pi_perr_set(e, -EINVAL, SRC, lineno,
					   "domain%d: bad domain name or cpumask", d->level);
		if (t1.len > PI_SCHEDSTAT_NAME_MAX)
			return pi_perr_set(e, -E2BIG, SRC, lineno,
					   "domain%d: name longer than %d bytes", d->level,
					   PI_SCHEDSTAT_NAME_MAX);
		memcpy(d->name, t1.p, t1.len);
		d->name[t1.len] = '\0';
		if (!pi_cur_chr(&c, ' '))
			return pi_perr_set(e, -EINVAL, SRC, lineno, "domain%d %s: missing cpumask",
					   d->level, d->name);
		mask = next_token(&c);
		if (!mask_shape(mask, &weight))
			return pi_perr_set(e, -EINVAL, SRC, lineno, "domain%d %s: bad cpumask",
					   d->level, d->name);
	} else {
		mask = t1;
		if (!mask_shape(mask, &weight))
			return pi_perr_set(e, -EINVAL, SRC, lineno, "domain%d: bad cpumask",
					   d->level);
	}
	if (mask.len > PI_SCHEDSTAT_MASK_MAX)
		return pi_perr_set(e, -E2BIG, SRC, lineno, "domain%d: cpumask longer than %d bytes",
				   d->level, PI_SCHEDSTAT_MASK_MAX);
	if ((r = parse_fields(&c, lineno, "domain", &ps->fv, &d->nfields, e)) < 0)
		return r;
	if (d->nfields < DOM_MIN_FIELDS)
		return pi_perr_set(e, -EINVAL, SRC, lineno, "domain%d: no counters", d->level);
	pi_buf_append(&ps->text, mask.p, mask.len);
	if ((r = pi_buf_putc(&ps->text, '\0')) < 0)
		return r;
	d->cpumask_len = mask.len;
	d->span_weight = weight;
	d->layout = dom_layout(s->version, d->nfields);
	s->cpus[s->ncpus - 1].ndomains++;
	s->ndomains++;
	return 0;
}

/* Point every fields/cpumask/domains pointer into the final arrays: values were appended in
 * file order (a cpu's fields, then its domains' fields), masks in domain order. */
static void fix_pointers(struct pi_schedstat *s)
{
	size_t i, j, off = 0, toff = 0, doff = 0;

	for (i = 0; i < s->ncpus; i++) {
		struct pi_schedstat_cpu *cpu = &s->cpus[i];

		cpu->fields = cpu->nfields ? s->values_ + off : NULL;
		off += cpu->nfields;
		/* NULL + 0 is undefined: a CPU without domain lines gets NULL. */
		cpu->domains = cpu->ndomains ? s->domains + doff : NULL;
		for (j = 0; j < cpu->ndomains; j++) {
			struct pi_schedstat_domain *d = &cpu->domains[j];

			d->fields = d->nfields ? s->values_ + off : NULL;
			off += d->nfields;
			d->cpumask = s->text_ + toff;
			toff += d->cpumask_len + 1;
		}
		doff += cpu->ndomains;
	}
}

int pi_schedstat_parse(const char *buf, size_t len, struct pi_schedstat **ret,
		       struct pi_perr *reterr)
{
	struct parse_state ps = {0};
	struct pi_schedstat *s;
	struct pi_lines it;
	struct pi_span line;
	uint64_t v;
	int r;

	if (len == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");
	s = ps.s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	pi_buf_init(&ps.text, 0);
	pi_lines_init(&it, buf, len);

	pi_lines_next(&it, &line, NULL);
	if ((r = parse_header(line, it.lineno, "version", INT_MAX, &v, reterr)) < 0)
		goto fail;
	s->version = (unsigned)v;
	s->known_version = version_known(s->version);
	if (!pi_lines_next(&it, &line, NULL)) {
		r = pi_perr_set(reterr, -EINVAL, SRC, 2, "missing timestamp line");
		goto fail;
	}
	if ((r = parse_header(line, it.lineno, "timestamp", UINT64_MAX, &s->timestamp, reterr)) < 0)
		goto fail;

	while (pi_lines_next(&it, &line, NULL)) {
		if (line.len >= 3 && memcmp(line.p, "cpu", 3) == 0)
			r = parse_cpu(&ps, line, it.lineno, reterr);
		else if (line.len >= 6 && memcmp(line.p, "domain", 6) == 0)
			r = parse_domain(&ps, line, it.lineno, reterr);
		else if (line.len == 0)
			r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno, "empty line");
		else
			r = pi_perr_set(reterr, -EINVAL, SRC, it.lineno,
					"expected a cpu or domain line");
		if (r < 0)
			goto fail;
	}

	s->values_ = ps.fv.v;
	ps.fv.v = NULL;
	if (ps.text.err) {
		r = ps.text.err;
		goto fail;
	}
	if (ps.text.len && !(s->text_ = pi_buf_steal(&ps.text, NULL))) {
		r = -ENOMEM;
		goto fail;
	}
	fix_pointers(s);
	*ret = s;
	return 0;
fail:
	free(ps.fv.v);
	pi_buf_fini(&ps.text);
	pi_schedstat_free(s);
	return r;
}

static void put_fields(struct pi_buf *out, const uint64_t *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pi_buf_putc(out, ' ');
		pi_buf_u64(out, f[i]);
	}
}

int pi_schedstat_render(const struct pi_schedstat *s, struct pi_buf *out)
{
	size_t i, j;

	pi_buf_puts(out, "version ");
	pi_buf_u64(out, s->version);
	pi_buf_puts(out, "\ntimestamp ");
	pi_buf_u64(out, s->timestamp);
	pi_buf_putc(out, '\n');
	for (i = 0; i < s->ncpus; i++) {
		const struct pi_schedstat_cpu *cpu = &s->cpus[i];

		pi_buf_puts(out, "cpu");
		pi_buf_u64(out, (uint64_t)cpu->cpu);
		put_fields(out, cpu->fields, cpu->nfields);
		pi_buf_putc(out, '\n');
		for (j = 0; j < cpu->ndomains; j++) {
			const struct pi_schedstat_domain *d = &cpu->domains[j];

			pi_buf_puts(out, "domain");
			pi_buf_u64(out, (uint64_t)d->level);
			if (d->name[0]) {
				pi_buf_putc(out, ' ');
				pi_buf_puts(out, d->name);
			}
			pi_buf_putc(out, ' ');
			pi_buf_append(out, d->cpumask, d->cpumask_len);
			put_fields(out, d->fields, d->nfields);
			pi_buf_putc(out, '\n');
		}
	}
	return out->err;
}
