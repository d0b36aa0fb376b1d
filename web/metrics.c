/* /metrics: Prometheus 0.0.4 and OpenMetrics 1.0.0 renderings of one snapshot (see metrics.h
 * and docs/monitoring/README.md for every family). */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "int128.h"
#include "kimage.h"
#include "physmap.h"
#include "pi_config.h"
#include "zones.h"

const char *const pi_metrics_group_names[PI_MG_COUNT] = {
    [PI_MG_NODE] = "node",	   [PI_MG_PERCPU] = "percpu",	    [PI_MG_CPU] = "cpu",
    [PI_MG_PRESSURE] = "pressure", [PI_MG_SCHEDSTAT] = "schedstat", [PI_MG_BUDDY] = "buddy",
    [PI_MG_PAGETYPE] = "pagetype", [PI_MG_ZONES] = "zones",	    [PI_MG_IOMEM] = "iomem",
    [PI_MG_KALLSYMS] = "kallsyms", [PI_MG_SELF] = "self",
};

#define G(x) (1u << PI_MG_##x)

/* Protection (lowmem_reserve) families rendered at most: MAX_NR_ZONES is 6 at most. */
#define MAX_PROTECTION 16

/* ---------------------------------------------------------------------------------------- */
/* options */

void pi_metrics_opts_init(struct pi_metrics_opts *o)
{
	memset(o, 0, sizeof(*o));
}

void pi_metrics_opts_fini(struct pi_metrics_opts *o)
{
	if (o->has_exclude)
		regfree(&o->exclude);
	free(o->exclude_src);
	memset(o, 0, sizeof(*o));
}

int pi_metrics_opts_exclude(struct pi_metrics_opts *o, const char *pattern, char *err,
			    size_t errlen)
{
	size_t n = (o->exclude_src ? strlen(o->exclude_src) + 1 : 0) + strlen(pattern) + 3;
	char *src = malloc(n), *full;
	regex_t re;
	int r;

	if (!src)
		return -ENOMEM;
	if (o->exclude_src)
		snprintf(src, n, "%s|(%s)", o->exclude_src, pattern);
	else
		snprintf(src, n, "(%s)", pattern);
	full = malloc(strlen(src) + 5);
	if (!full) {
		free(src);
		return -ENOMEM;
	}
	sprintf(full, "^(%s)$", src);
	r = regcomp(&re, full, REG_EXTENDED | REG_NOSUB);
	free(full);
	if (r != 0) {
		char msg[128];

		regerror(r, &re, msg, sizeof(msg));
		snprintf(err, errlen, "%s: %s", pattern, msg);
		free(src);
		return -EINVAL;
	}
	if (o->has_exclude)
		regfree(&o->exclude);
	free(o->exclude_src);
	o->exclude = re;
	o->has_exclude = true;
	o->exclude_src = src;
	return 0;
}

int pi_metrics_opts_disable(struct pi_metrics_opts *o, const char *groups, char *err, size_t errlen)
{
	const char *p = groups;

	while (*p) {
		size_t len = strcspn(p, ",");
		int g;

		for (g = 0; g < PI_MG_COUNT; g++)
			if (strlen(pi_metrics_group_names[g]) == len &&
			    !strncmp(p, pi_metrics_group_names[g], len))
				break;
		if (len && g == PI_MG_COUNT) {
			snprintf(err, errlen, "unknown metrics group \"%.*s\"", (int)len, p);
			return -EINVAL;
		}
		if (len)
			o->disabled |= 1u << g;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

bool pi_metrics_family_enabled(const struct pi_metrics_opts *o, unsigned groups, const char *name)
{
	if (!o)
		return true;
	if (o->disabled & groups)
		return false;
	return !o->has_exclude || regexec(&o->exclude, name, 0, NULL, 0) != 0;
}

/* ---------------------------------------------------------------------------------------- */
/* the exposition writer */

enum mtype { GAUGE, COUNTER, INFO };

struct mw {
	struct pi_buf *b;
	const struct pi_metrics_opts *o;
	enum pi_metrics_format f;
	/* the current family */
	char name[128];
	enum mtype type;
	const char *help;
	bool header; /* HELP/TYPE written (only once a sample exists) */
	bool labels; /* '{' written for the current sample */
	unsigned families;
};

/* Starts a family; false when it is disabled (the caller then skips its samples). */
static bool fam(struct mw *w, unsigned groups, const char *name, enum mtype t, const char *help)
{
	if (!pi_metrics_family_enabled(w->o, groups, name))
		return false;
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->type = t;
	w->help = help;
	w->header = false;
	return true;
}

/* The family name of HELP/TYPE lines: OpenMetrics names a counter without "_total" and an
 * info metric without "_info". */
static void put_family_name(struct mw *w)
{
	size_t n = strlen(w->name);

	if (w->f == PI_METRICS_OPENMETRICS) {
		if (w->type == COUNTER && n > 6 && !strcmp(w->name + n - 6, "_total"))
			n -= 6;
		else if (w->type == INFO && n > 5 && !strcmp(w->name + n - 5, "_info"))
			n -= 5;
	}
	pi_buf_append(w->b, w->name, n);
}

static void header(struct mw *w)
{
	static const char *const types[2][3] = {{"gauge", "counter", "gauge"},
						{"gauge", "counter", "info"}};

	pi_buf_puts(w->b, "# HELP ");
	put_family_name(w);
	pi_buf_putc(w->b, ' ');
	for (const char *p = w->help; *p; p++) {
		if (*p == '\\')
			pi_buf_puts(w->b, "\\\\");
		else if (*p == '\n')
			pi_buf_puts(w->b, "\\n");
		else if (*p == '"' && w->f == PI_METRICS_OPENMETRICS)
			pi_buf_puts(w->b, "\\\"");
		else
			pi_buf_putc(w->b, *p);
	}
	pi_buf_puts(w->b, "\n# TYPE ");
	put_family_name(w);
	pi_buf_putc(w->b, ' ');
	pi_buf_puts(w->b, types[w->f == PI_METRICS_OPENMETRICS][w->type]);
	pi_buf_putc(w->b, '\n');
	w->header = true;
	w->families++;
}

static void smp(struct mw *w)
{
	if (!w->header)
		header(w);
	pi_buf_puts(w->b, w->name);
	w->labels = false;
}

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A label value: '\\', '"' and '\n' escaped (both formats); bytes that are not UTF-8 become
 * U+FFFD, since Prometheus rejects a scrape with an invalid label value. */
static void put_label_value(struct pi_buf *b, const char *v, size_t len)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i = 0;

	while (i < len) {
		size_t k = utf8_seq(s + i, len - i);

		if (k == 0) {
			pi_buf_puts(b, "\xef\xbf\xbd");
			i++;
		} else if (s[i] == '\\') {
			pi_buf_puts(b, "\\\\");
			i++;
		} else if (s[i] == '"') {
			pi_buf_puts(b, "\\\"");
			i++;
		} else if (s[i] == '\n') {
			pi_buf_puts(b, "\\n");
			i++;
		} else {
			pi_buf_append(b, s + i, k);
			i += k;
		}
	}
}

static void lbl_open(struct mw *w, const char *key)
{
	pi_buf_putc(w->b, w->labels ? ',' : '{');
	pi_buf_puts(w->b, key);
	pi_buf_puts(w->b, "=\"");
	w->labels = true;
}

static void lbln(struct mw *w, const char *key, const char *v, size_t len)
{
	lbl_open(w, key);
	put_label_value(w->b, v, len);
	pi_buf_putc(w->b, '"');
}

static void lbl(struct mw *w, const char *key, const char *v)
{
	lbln(w, key, v, strlen(v));
}

static void lbli(struct mw *w, const char *key, int64_t v)
{
	lbl_open(w, key);
	if (v < 0)
		pi_buf_putc(w->b, '-');
	pi_buf_u64(w->b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
	pi_buf_putc(w->b, '"');
}

static void val_begin(struct mw *w)
{
	if (w->labels)
		pi_buf_putc(w->b, '}');
	pi_buf_putc(w->b, ' ');
}

static void val_u64(struct mw *w, uint64_t v)
{
	val_begin(w);
	pi_buf_u64(w->b, v);
	pi_buf_putc(w->b, '\n');
}

static void val_i64(struct mw *w, int64_t v)
{
	val_begin(w);
	if (v < 0) {
		pi_buf_putc(w->b, '-');
		pi_buf_u64(w->b, (uint64_t)0 - (uint64_t)v);
	} else {
		pi_buf_u64(w->b, (uint64_t)v);
	}
	pi_buf_putc(w->b, '\n');
}

static void put_double(struct pi_buf *b, double v)
{
	char t[40];

	if (isnan(v)) {
		pi_buf_puts(b, "NaN");
		return;
	}
	if (isinf(v)) {
		pi_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(t, sizeof(t), "%.0f", v);
	} else {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(t, sizeof(t), "%.*g", prec, v);
			if (strtod(t, NULL) == v)
				break;
		}
	}
	pi_buf_puts(b, t);
}

static void val_f64(struct mw *w, double v)
{
	val_begin(w);
	put_double(w->b, v);
	pi_buf_putc(w->b, '\n');
}

/* mag / scale (scale = 10^frac) as an exact decimal, trailing zeros removed. */
static void put_fixed(struct pi_buf *b, uint64_t mag, bool neg, uint64_t scale, unsigned frac)
{
	uint64_t ip = mag / scale, fp = mag % scale;

	if (neg && mag)
		pi_buf_putc(b, '-');
	pi_buf_u64(b, ip);
	if (fp && frac) {
		char f[24];
		int k = (int)frac;

		snprintf(f, sizeof(f), "%0*" PRIu64, k, fp);
		while (k > 0 && f[k - 1] == '0')
			k--;
		pi_buf_putc(b, '.');
		pi_buf_append(b, f, (size_t)k);
	}
}

/* v / 10^frac, exactly. */
static void val_fixed(struct mw *w, int64_t v, unsigned frac)
{
	uint64_t scale = 1;

	for (unsigned i = 0; i < frac && i < 18; i++)
		scale *= 10;
	val_begin(w);
	put_fixed(w->b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0, scale, frac);
	pi_buf_putc(w->b, '\n');
}

/* num / den: an exact decimal when den divides a power of ten up to 10^9 (ticks at USER_HZ
 * 100, nanoseconds, microseconds), else the shortest double. */
static void val_ratio(struct mw *w, uint64_t num, uint64_t den)
{
	uint64_t p = 1;

	if (den == 0) {
		val_f64(w, NAN);
		return;
	}
	for (unsigned k = 0; k <= 9; k++, p *= 10) {
		if (p % den == 0) {
			pi_u128 scaled = (pi_u128)num * (p / den);

			if (scaled > UINT64_MAX)
				break;
			val_begin(w);
			put_fixed(w->b, (uint64_t)scaled, false, p, k);
			pi_buf_putc(w->b, '\n');
			return;
		}
	}
	val_f64(w, (double)num / (double)den);
}

static void val_u128(struct mw *w, pi_u128 v)
{
	if (v <= UINT64_MAX)
		val_u64(w, (uint64_t)v);
	else
		val_f64(w, (double)v);
}

/* Unix time with millisecond resolution, as the JSON API prints it. */
static void val_time(struct mw *w, double t)
{
	val_fixed(w, (int64_t)llround(t * 1000.0), 3);
}

/* ---------------------------------------------------------------------------------------- */
/* duplicate keys: a kernel never prints a (node, zone) or a CPU twice, but the parsers accept
 * it, and a series must not be; the first occurrence wins. */

struct seen {
	size_t mask;
	size_t *slot; /* index + 1; 0 = empty */
	uint64_t *hash;
};

typedef bool (*eq_fn)(const void *ctx, size_t a, size_t b);

static int seen_init(struct seen *s, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	s->mask = cap - 1;
	s->slot = calloc(cap, sizeof(*s->slot));
	s->hash = calloc(cap, sizeof(*s->hash));
	if (!s->slot || !s->hash) {
		free(s->slot);
		free(s->hash);
		return -ENOMEM;
	}
	return 0;
}

static void seen_fini(struct seen *s)
{
	free(s->slot);
	free(s->hash);
}

/* True when key i is the first of its kind. */
static bool seen_add(struct seen *s, uint64_t h, size_t i, eq_fn eq, const void *ctx)
{
	for (size_t j = h & s->mask;; j = (j + 1) & s->mask) {
		if (!s->slot[j]) {
			s->slot[j] = i + 1;
			s->hash[j] = h;
			return true;
		}
		if (s->hash[j] == h && eq(ctx, s->slot[j] - 1, i))
			return false;
	}
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t key_hash(int node, const char *zone)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, &node, sizeof(node));

	return zone ? fnv(h, zone, strlen(zone)) : h;
}

/* first[i] for n keys given by key(ctx, i, &node, &zone) (zone may be NULL); NULL on ENOMEM. */
typedef void (*key_fn)(const void *ctx, size_t i, int *node, const char **zone);

struct keyctx {
	const void *ctx;
	key_fn key;
};

static bool key_eq(const void *c, size_t a, size_t b)
{
	const struct keyctx *k = c;
	int na, nb;
	const char *za, *zb;

	k->key(k->ctx, a, &na, &za);
	k->key(k->ctx, b, &nb, &zb);
	return na == nb && (za == zb || (za && zb && !strcmp(za, zb)));
}

static bool *firsts(size_t n, key_fn key, const void *ctx)
{
	struct keyctx kc = {ctx, key};
	struct seen s;
	bool *f = malloc(n ? n : 1);

	if (!f || seen_init(&s, n) < 0) {
		free(f);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		int node;
		const char *zone;

		key(ctx, i, &node, &zone);
		f[i] = seen_add(&s, key_hash(node, zone), i, key_eq, &kc);
	}
	seen_fini(&s);
	return f;
}

/* ---------------------------------------------------------------------------------------- */
/* /proc/stat, loadavg, pressure, schedstat */

/* node_exporter's names for the /proc/stat softirq vectors, by position (it names the sixth
 * BLOCK_IOPOLL, renamed IRQ_POLL in 4.5). */
static const char *const softirq_names[] = {"hi",	    "timer",   "net_tx", "net_rx",  "block",
					    "block_iopoll", "tasklet", "sched",	 "hrtimer", "rcu"};

static void stat_cpu_key(const void *ctx, size_t i, int *node, const char **zone)
{
	*node = ((const struct pi_stat *)ctx)->cpus[i].cpu;
	*zone = NULL;
}

static void sched_cpu_key(const void *ctx, size_t i, int *node, const char **zone)
{
	*node = ((const struct pi_schedstat *)ctx)->cpus[i].cpu;
	*zone = NULL;
}

static void opt_single(struct mw *w, unsigned g, const char *name, const char *help,
		       const struct pi_opt_u64 *v, enum mtype t)
{
	if (v->state == PI_OK && fam(w, g, name, t, help)) {
		smp(w);
		val_u64(w, v->v);
	}
}

static int stat_families(struct mw *w, const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_STAT];
	const struct pi_stat *st;
	uint64_t hz = s->clock_ticks > 0 ? (uint64_t)s->clock_ticks : 100;
	bool *first;

	if (!d)
		return 0;
	st = d->u.stat;
	if (st->btime.state == PI_OK && fam(w, G(NODE) | G(CPU), "node_boot_time_seconds", GAUGE,
					    "Node boot time, in unixtime.")) {
		smp(w);
		val_u64(w, st->btime.v);
	}
	opt_single(w, G(NODE) | G(CPU), "node_context_switches_total",
		   "Total number of context switches.", &st->ctxt, COUNTER);
	first = firsts(st->ncpus, stat_cpu_key, st);
	if (!first)
		return -ENOMEM;
	/* node_exporter: user..steal per CPU (guest is already in user, guest_nice in nice). */
	if (fam(w, G(NODE) | G(CPU) | G(PERCPU), "node_cpu_seconds_total", COUNTER,
		"Seconds the CPUs spent in each mode.")) {
		for (size_t i = 0; i < st->ncpus; i++) {
			const struct pi_stat_cpu *c = &st->cpus[i];

			for (unsigned m = 0; first[i] && m < c->ncols && m <= PI_CPU_STEAL; m++) {
				smp(w);
				lbli(w, "cpu", c->cpu);
				lbl(w, "mode", pi_cpu_mode_names[m]);
				val_ratio(w, c->ticks[m], hz);
			}
		}
	}
	if (fam(w, G(NODE) | G(CPU) | G(PERCPU), "node_cpu_guest_seconds_total", COUNTER,
		"Seconds the CPUs spent in guests (VMs) for each mode.")) {
		for (size_t i = 0; i < st->ncpus; i++) {
			const struct pi_stat_cpu *c = &st->cpus[i];

			for (unsigned m = PI_CPU_GUEST; first[i] && m < c->ncols; m++) {
				smp(w);
				lbli(w, "cpu", c->cpu);
				lbl(w, "mode", m == PI_CPU_GUEST ? "user" : "nice");
				val_ratio(w, c->ticks[m], hz);
			}
		}
	}
	free(first);
	opt_single(w, G(NODE) | G(CPU), "node_forks_total", "Total number of forks.",
		   &st->processes, COUNTER);
	opt_single(w, G(NODE) | G(CPU), "node_intr_total", "Total number of interrupts serviced.",
		   &st->intr_total, COUNTER);
	opt_single(w, G(NODE) | G(CPU), "node_procs_blocked",
		   "Number of processes blocked waiting for I/O to complete.", &st->procs_blocked,
		   GAUGE);
	opt_single(w, G(NODE) | G(CPU), "node_procs_running",
		   "Number of processes in runnable state.", &st->procs_running, GAUGE);
	if (st->softirq_total.state == PI_OK &&
	    fam(w, G(NODE) | G(CPU), "node_softirqs_total", COUNTER, "Number of softirq calls.")) {
		for (size_t v = 0; v < st->nsoftirqs && v < 10; v++) {
			smp(w);
			lbl(w, "vector", softirq_names[v]);
			val_u64(w, st->softirqs[v]);
		}
	}
	if (st->has_total && fam(w, G(CPU), "procintro_cpu_seconds_total", COUNTER,
				 "Seconds all CPUs together spent in each mode (the aggregate cpu "
				 "line of /proc/stat; "
				 "guest is also counted in user, guest_nice in nice).")) {
		for (unsigned m = 0; m < st->total.ncols; m++) {
			smp(w);
			lbl(w, "mode", pi_cpu_mode_names[m]);
			val_ratio(w, st->total.ticks[m], hz);
		}
	}
	if (fam(w, G(CPU), "procintro_cpus_online", GAUGE,
		"CPUs listed in /proc/stat (the online ones).")) {
		smp(w);
		val_u64(w, st->ncpus);
	}
	return 0;
}

static void loadavg_families(struct mw *w, const struct pi_snapshot *s)
{
	static const char *const names[3] = {"node_load1", "node_load5", "node_load15"};
	static const char *const helps[3] = {"1m load average.", "5m load average.",
					     "15m load average."};
	const struct pi_srcdata *d = s->data[PI_SRC_LOADAVG];

	if (!d)
		return;
	for (int i = 0; i < 3; i++)
		if (fam(w, G(NODE) | G(CPU), names[i], GAUGE, helps[i])) {
			smp(w);
			val_fixed(w, (int64_t)d->u.loadavg.load_x100[i], 2);
		}
	if (fam(w, G(CPU), "procintro_loadavg_runnable", GAUGE,
		"Runnable tasks (nr_running) as /proc/loadavg printed it.")) {
		smp(w);
		val_i64(w, d->u.loadavg.runnable);
	}
	if (fam(w, G(CPU), "procintro_loadavg_threads", GAUGE,
		"Threads in the system (nr_threads) as /proc/loadavg printed it.")) {
		smp(w);
		val_i64(w, d->u.loadavg.total);
	}
}

static void pressure_families(struct mw *w, const struct pi_snapshot *s)
{
	static const struct {
		enum pi_src src;
		bool full;
		const char *name, *help;
	} totals[] = {
	    {PI_SRC_PRESSURE_CPU, false, "node_pressure_cpu_waiting_seconds_total",
	     "Total time in seconds that processes have waited for CPU time"},
	    {PI_SRC_PRESSURE_CPU, true, "node_pressure_cpu_stalled_seconds_total",
	     "Total time in seconds no process could make progress due to CPU congestion"},
	    {PI_SRC_PRESSURE_IO, true, "node_pressure_io_stalled_seconds_total",
	     "Total time in seconds no process could make progress due to IO congestion"},
	    {PI_SRC_PRESSURE_IO, false, "node_pressure_io_waiting_seconds_total",
	     "Total time in seconds that processes have waited due to IO congestion"},
	    {PI_SRC_PRESSURE_MEMORY, true, "node_pressure_memory_stalled_seconds_total",
	     "Total time in seconds no process could make progress due to memory congestion"},
	    {PI_SRC_PRESSURE_MEMORY, false, "node_pressure_memory_waiting_seconds_total",
	     "Total time in seconds that processes have waited for memory"},
	};
	static const char *const windows[3] = {"10s", "60s", "300s"};
	bool any = false;

	for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
		const struct pi_srcdata *d = s->data[totals[i].src];
		const struct pi_psi_line *l;

		if (!d)
			continue;
		any = true;
		l = totals[i].full ? &d->u.pressure.full : &d->u.pressure.some;
		if (l->present &&
		    fam(w, G(NODE) | G(PRESSURE), totals[i].name, COUNTER, totals[i].help)) {
			smp(w);
			val_ratio(w, l->total_us, 1000000);
		}
	}
	if (!any || !fam(w, G(PRESSURE), "procintro_pressure_avg_ratio", GAUGE,
			 "Share of wall time in which some (kind=some) or all (kind=full) non-idle "
			 "tasks were stalled on the resource, as the kernel's running average over "
			 "the window (avg10/avg60/avg300 of /proc/pressure/*, divided by 100)."))
		return;
	for (int src = PI_SRC_PRESSURE_CPU; src <= PI_SRC_PRESSURE_IO; src++) {
		const struct pi_srcdata *d = s->data[src];

		for (int full = 0; d && full < 2; full++) {
			const struct pi_psi_line *l =
			    full ? &d->u.pressure.full : &d->u.pressure.some;

			for (int k = 0; l->present && k < 3; k++) {
				smp(w);
				lbl(w, "resource", pi_src_names[src] + strlen("pressure/"));
				lbl(w, "kind", full ? "full" : "some");
				lbl(w, "window", windows[k]);
				val_fixed(w, (int64_t)l->avg_x100[k], 4);
			}
		}
	}
}

static bool sched_ok(const struct pi_schedstat_cpu *c)
{
	return c->run_time_ns.state == PI_OK && c->run_delay_ns.state == PI_OK &&
	       c->pcount.state == PI_OK;
}

static int schedstat_families(struct mw *w, const struct pi_snapshot *s)
{
	static const struct {
		const char *name, *help;
	} per_cpu[3] = {
	    {"node_schedstat_running_seconds_total",
	     "Number of seconds CPU spent running a process."},
	    {"node_schedstat_waiting_seconds_total",
	     "Number of seconds spent by processing waiting for this CPU."},
	    {"node_schedstat_timeslices_total", "Number of timeslices executed by CPU."},
	};
	const struct pi_srcdata *d = s->data[PI_SRC_SCHEDSTAT], *p = s->prev_schedstat;
	const struct pi_schedstat *ss;
	uint64_t wait = 0, slices = 0, dwait = 0, dslices = 0;
	bool *first, any = false, delta = p && p != d;

	if (!d)
		return 0;
	ss = d->u.schedstat;
	first = firsts(ss->ncpus, sched_cpu_key, ss);
	if (!first)
		return -ENOMEM;
	for (int f = 0; f < 3; f++) {
		if (!fam(w, G(NODE) | G(SCHEDSTAT) | G(PERCPU), per_cpu[f].name, COUNTER,
			 per_cpu[f].help))
			continue;
		for (size_t i = 0; i < ss->ncpus; i++) {
			const struct pi_schedstat_cpu *c = &ss->cpus[i];

			if (!first[i] || !sched_ok(c))
				continue;
			smp(w);
			lbli(w, "cpu", c->cpu);
			if (f == 2)
				val_u64(w, c->pcount.v);
			else
				val_ratio(w, f == 0 ? c->run_time_ns.v : c->run_delay_ns.v,
					  1000000000u);
		}
	}
	/* Sums over CPUs, and the mean run-queue wait per timeslice since the previous read. */
	for (size_t i = 0; i < ss->ncpus; i++) {
		const struct pi_schedstat_cpu *c = &ss->cpus[i], *pc = NULL;

		if (!first[i] || !sched_ok(c))
			continue;
		any = true;
		wait += c->run_delay_ns.v;
		slices += c->pcount.v;
		if (!delta)
			continue;
		for (size_t j = 0; j < p->u.schedstat->ncpus && !pc; j++)
			if (p->u.schedstat->cpus[j].cpu == c->cpu)
				pc = &p->u.schedstat->cpus[j];
		if (!pc || !sched_ok(pc) || pc->run_delay_ns.v > c->run_delay_ns.v ||
		    pc->pcount.v > c->pcount.v) {
			delta = false; /* a CPU came online or a counter went backwards */
			continue;
		}
		dwait += c->run_delay_ns.v - pc->run_delay_ns.v;
		dslices += c->pcount.v - pc->pcount.v;
	}
	free(first);
	if (any && fam(w, G(SCHEDSTAT), "procintro_schedstat_waiting_seconds_total", COUNTER,
		       "Seconds tasks spent runnable but waiting on a run queue, summed over the "
		       "CPUs of /proc/schedstat (run_delay).")) {
		smp(w);
		val_ratio(w, wait, 1000000000u);
	}
	if (any && fam(w, G(SCHEDSTAT), "procintro_schedstat_timeslices_total", COUNTER,
		       "Timeslices run, summed over the CPUs of /proc/schedstat (pcount).")) {
		smp(w);
		val_u64(w, slices);
	}
	if (any && delta && dslices &&
	    fam(w, G(SCHEDSTAT), "procintro_schedstat_wait_per_timeslice_seconds", GAUGE,
		"Mean run-queue wait per timeslice over all CPUs between the last two reads of "
		"/proc/schedstat (delta run_delay / delta pcount).")) {
		smp(w);
		val_f64(w, (double)dwait / 1e9 / (double)dslices);
	}
	if (fam(w, G(SCHEDSTAT), "procintro_schedstat_version", GAUGE,
		"Version line of /proc/schedstat (14 to 17 are understood).")) {
		smp(w);
		val_u64(w, ss->version);
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* buddyinfo, pagetypeinfo */

static void buddy_key(const void *ctx, size_t i, int *node, const char **zone)
{
	const struct pi_buddyinfo *b = ctx;

	*node = b->zones[i].node;
	*zone = b->zones[i].zone;
}

static void zone_labels(struct mw *w, int node, const char *zone)
{
	lbli(w, "node", node);
	lbl(w, "zone", zone);
}

static int buddy_families(struct mw *w, const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_BUDDYINFO];
	const struct pi_buddyinfo *b;
	uint64_t page = (uint64_t)s->page_size;
	bool *first;

	if (!d)
		return 0;
	b = d->u.buddy;
	first = firsts(b->nzones, buddy_key, b);
	if (!first)
		return -ENOMEM;
	if (fam(w, G(NODE) | G(BUDDY), "node_buddyinfo_blocks", GAUGE,
		"Count of free blocks according to size.")) {
		for (size_t i = 0; i < b->nzones; i++)
			for (unsigned k = 0; first[i] && k < b->norders; k++) {
				smp(w);
				zone_labels(w, b->zones[i].node, b->zones[i].zone);
				lbli(w, "size", k);
				val_u64(w, b->zones[i].free[k]);
			}
	}
	if (fam(w, G(BUDDY), "procintro_buddy_free_bytes", GAUGE,
		"Free memory in the buddy allocator: sum over orders k of free blocks * 2^k pages "
		"* page size.")) {
		for (size_t i = 0; i < b->nzones; i++)
			if (first[i]) {
				smp(w);
				zone_labels(w, b->zones[i].node, b->zones[i].zone);
				val_u128(w, (pi_u128)d->buddy_derived[i].free_pages * page);
			}
	}
	if (fam(w, G(BUDDY), "procintro_buddy_largest_free_order", GAUGE,
		"Highest order with a free block (no series when the zone has no free block).")) {
		for (size_t i = 0; i < b->nzones; i++)
			if (first[i] && d->buddy_derived[i].largest_free_order >= 0) {
				smp(w);
				zone_labels(w, b->zones[i].node, b->zones[i].zone);
				val_i64(w, d->buddy_derived[i].largest_free_order);
			}
	}
	if (fam(w, G(BUDDY), "procintro_buddy_unusable_index", GAUGE,
		"Share of free memory that cannot serve an order-k allocation: the kernel's "
		"unusable_free_index(k) (mm/vmstat.c) / 1000; 1 when nothing is free.")) {
		for (size_t i = 0; i < b->nzones; i++)
			for (unsigned k = 0; first[i] && k < b->norders; k++) {
				smp(w);
				zone_labels(w, b->zones[i].node, b->zones[i].zone);
				lbli(w, "order", k);
				val_fixed(w, d->buddy_derived[i].unusable[k], 3);
			}
	}
	if (fam(w, G(BUDDY), "procintro_buddy_fragmentation_index", GAUGE,
		"The kernel's __fragmentation_index(k) (mm/vmstat.c) / 1000: -1 when a free block "
		"of order >= k exists; otherwise towards 0 an order-k allocation would fail for "
		"lack of memory, towards 1 for fragmentation.")) {
		for (size_t i = 0; i < b->nzones; i++)
			for (unsigned k = 0; first[i] && k < b->norders; k++) {
				smp(w);
				zone_labels(w, b->zones[i].node, b->zones[i].zone);
				lbli(w, "order", k);
				val_fixed(w, d->buddy_derived[i].fragmentation[k], 3);
			}
	}
	free(first);
	return 0;
}

/* A zone of pagetypeinfo: its ntypes consecutive free rows and its pageblock row. */
struct ptzone {
	const struct pi_pt_free_row *rows;
	const struct pi_pt_block_row *blocks;
};

static void ptzone_key(const void *ctx, size_t i, int *node, const char **zone)
{
	const struct ptzone *z = ctx;

	*node = z[i].rows->node;
	*zone = z[i].rows->zone;
}

static int pagetype_families(struct mw *w, const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_PAGETYPEINFO];
	const struct pi_pagetypeinfo *p;
	uint64_t page = (uint64_t)s->page_size;
	struct ptzone *z;
	size_t nz = 0, cap = 0;
	bool *first, tfirst[PI_MAX_TYPES];

	if (!d)
		return 0;
	p = d->u.pagetype;
	if (p->ntypes == 0)
		return 0;
	for (size_t n = 0; n < p->nnodes; n++)
		cap += p->nodes[n].nfree / p->ntypes;
	z = calloc(cap ? cap : 1, sizeof(*z));
	if (!z)
		return -ENOMEM;
	for (size_t n = 0; n < p->nnodes; n++) {
		const struct pi_pt_node *pn = &p->nodes[n];

		for (size_t i = 0; i + p->ntypes <= pn->nfree; i += p->ntypes) {
			z[nz].rows = &pn->free[i];
			for (size_t j = 0; j < pn->nblocks && !z[nz].blocks; j++)
				if (pn->blocks[j].node == pn->free[i].node &&
				    !strcmp(pn->blocks[j].zone, pn->free[i].zone))
					z[nz].blocks = &pn->blocks[j];
			nz++;
		}
	}
	first = firsts(nz, ptzone_key, z);
	if (!first) {
		free(z);
		return -ENOMEM;
	}
	for (unsigned t = 0; t < p->ntypes; t++) {
		tfirst[t] = true;
		for (unsigned u = 0; u < t; u++)
			if (!strcmp(p->types[u], p->types[t]))
				tfirst[t] = false;
	}
	if (fam(w, G(PAGETYPE), "procintro_pagetype_free_blocks", GAUGE,
		"Free blocks per migrate type and order (/proc/pagetypeinfo; a count printed as "
		">100000 is reported as 100000, see procintro_pagetype_free_capped).")) {
		for (size_t i = 0; i < nz; i++)
			for (unsigned t = 0; first[i] && t < p->ntypes; t++)
				for (unsigned k = 0; tfirst[t] && k < p->norders; k++) {
					smp(w);
					zone_labels(w, z[i].rows->node, z[i].rows->zone);
					lbl(w, "type", p->types[t]);
					lbli(w, "order", k);
					val_u64(w, z[i].rows[t].counts[k].n);
				}
	}
	if (fam(w, G(PAGETYPE), "procintro_pagetype_free_bytes", GAUGE,
		"Free memory per migrate type: sum over orders k of free blocks * 2^k pages * page "
		"size (a lower bound where a count was capped).")) {
		for (size_t i = 0; i < nz; i++)
			for (unsigned t = 0; first[i] && t < p->ntypes; t++) {
				pi_u128 pages = 0;

				if (!tfirst[t])
					continue;
				for (unsigned k = 0; k < p->norders && k < 64; k++)
					pages += (pi_u128)z[i].rows[t].counts[k].n << k;
				smp(w);
				zone_labels(w, z[i].rows->node, z[i].rows->zone);
				lbl(w, "type", p->types[t]);
				val_u128(w, pages * page);
			}
	}
	if (fam(w, G(PAGETYPE), "procintro_pagetype_free_capped", GAUGE,
		"Orders whose free-block count the kernel capped (printed >100000, 5.4+): those "
		"counts are lower bounds.")) {
		for (size_t i = 0; i < nz; i++)
			for (unsigned t = 0; first[i] && t < p->ntypes; t++) {
				uint64_t n = 0;

				if (!tfirst[t])
					continue;
				for (unsigned k = 0; k < p->norders; k++)
					n += z[i].rows[t].counts[k].capped;
				smp(w);
				zone_labels(w, z[i].rows->node, z[i].rows->zone);
				lbl(w, "type", p->types[t]);
				val_u64(w, n);
			}
	}
	if (fam(w, G(PAGETYPE), "procintro_pagetype_pageblocks", GAUGE,
		"Pageblocks per migrate type (\"Number of blocks type\" in /proc/pagetypeinfo).")) {
		for (size_t i = 0; i < nz; i++)
			for (unsigned t = 0; first[i] && z[i].blocks && t < p->ntypes; t++) {
				if (!tfirst[t])
					continue;
				smp(w);
				zone_labels(w, z[i].rows->node, z[i].rows->zone);
				lbl(w, "type", p->types[t]);
				val_u64(w, z[i].blocks->counts[t]);
			}
	}
	free(first);
	free(z);
	if (p->nnodes && fam(w, G(PAGETYPE), "procintro_pageblock_order", GAUGE,
			     "Order of a pageblock, the unit of migrate-type grouping "
			     "(pageblock_order).")) {
		smp(w);
		val_u64(w, p->nodes[0].pageblock_order);
	}
	if (p->nnodes && fam(w, G(PAGETYPE), "procintro_pageblock_size_bytes", GAUGE,
			     "Size of a pageblock: pages per block * page size.")) {
		smp(w);
		val_u128(w, (pi_u128)p->nodes[0].pages_per_block * page);
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* zoneinfo and the zone model */

/* node_exporter's zoneinfo collector: these keys, looked up in the zone's counters and then in
 * the per-node block the first populated zone of a node carries (as prometheus/procfs does). */
static const struct {
	const char *key, *name, *help;
	enum mtype type;
} ne_zone_stats[] = {
    {"nr_free_pages", "node_zoneinfo_nr_free_pages", "Total number of free pages in the zone",
     GAUGE},
    {"nr_active_anon", "node_zoneinfo_nr_active_anon_pages",
     "Number of anonymous pages recently more used", GAUGE},
    {"nr_inactive_anon", "node_zoneinfo_nr_inactive_anon_pages",
     "Number of anonymous pages recently less used", GAUGE},
    {"nr_isolated_anon", "node_zoneinfo_nr_isolated_anon_pages",
     "Temporary isolated pages from anon lru", GAUGE},
    {"nr_anon_pages", "node_zoneinfo_nr_anon_pages",
     "Number of anonymous pages currently used by the system", GAUGE},
    {"nr_anon_transparent_hugepages", "node_zoneinfo_nr_anon_transparent_hugepages",
     "Number of anonymous transparent huge pages currently used by the system", GAUGE},
    {"nr_active_file", "node_zoneinfo_nr_active_file_pages",
     "Number of active pages with file-backing", GAUGE},
    {"nr_inactive_file", "node_zoneinfo_nr_inactive_file_pages",
     "Number of inactive pages with file-backing", GAUGE},
    {"nr_isolated_file", "node_zoneinfo_nr_isolated_file_pages",
     "Temporary isolated pages from file lru", GAUGE},
    {"nr_file_pages", "node_zoneinfo_nr_file_pages", "Number of file pages", GAUGE},
    {"nr_slab_reclaimable", "node_zoneinfo_nr_slab_reclaimable_pages",
     "Number of reclaimable slab pages", GAUGE},
    {"nr_slab_unreclaimable", "node_zoneinfo_nr_slab_unreclaimable_pages",
     "Number of unreclaimable slab pages", GAUGE},
    {"nr_mlock_stack", "node_zoneinfo_nr_mlock_stack_pages",
     "mlock()ed pages found and moved off LRU", GAUGE},
    {"nr_kernel_stack", "node_zoneinfo_nr_kernel_stacks", "Number of kernel stacks", GAUGE},
    {"nr_mapped", "node_zoneinfo_nr_mapped_pages", "Number of mapped pages", GAUGE},
    {"nr_dirty", "node_zoneinfo_nr_dirty_pages", "Number of dirty pages", GAUGE},
    {"nr_writeback", "node_zoneinfo_nr_writeback_pages", "Number of writeback pages", GAUGE},
    {"nr_unevictable", "node_zoneinfo_nr_unevictable_pages", "Number of unevictable pages", GAUGE},
    {"nr_shmem", "node_zoneinfo_nr_shmem_pages", "Number of shmem pages (included tmpfs/GEM pages)",
     GAUGE},
    {"nr_dirtied", "node_zoneinfo_nr_dirtied_total", "Page dirtyings since bootup", COUNTER},
    {"nr_written", "node_zoneinfo_nr_written_total", "Page writings since bootup", COUNTER},
    {"numa_hit", "node_zoneinfo_numa_hit_total", "Allocated in intended node", COUNTER},
    {"numa_miss", "node_zoneinfo_numa_miss_total", "Allocated in non intended node", COUNTER},
    {"numa_foreign", "node_zoneinfo_numa_foreign_total", "Was intended here, hit elsewhere",
     COUNTER},
    {"numa_interleave", "node_zoneinfo_numa_interleave_total", "Interleaver preferred this zone",
     COUNTER},
    {"numa_local", "node_zoneinfo_numa_local_total", "Allocation from local node", COUNTER},
    {"numa_other", "node_zoneinfo_numa_other_total", "Allocation from other node", COUNTER},
};

static void view_key(const void *ctx, size_t i, int *node, const char **zone)
{
	const struct pi_zones *z = ctx;

	*node = z->v[i].node;
	*zone = z->v[i].zone;
}

enum zfield { ZF_MIN, ZF_LOW, ZF_HIGH, ZF_SPANNED, ZF_PRESENT, ZF_MANAGED, ZF_COUNT };

static const struct pi_opt_u64 *zfield(const struct pi_zi_zone *zi, enum zfield f)
{
	switch (f) {
	case ZF_MIN:
		return &zi->min;
	case ZF_LOW:
		return &zi->low;
	case ZF_HIGH:
		return &zi->high;
	case ZF_SPANNED:
		return &zi->spanned;
	case ZF_PRESENT:
		return &zi->present;
	default:
		return &zi->managed;
	}
}

static void zoneinfo_compat(struct mw *w, const struct pi_zones *zs, const bool *first)
{
	static const struct {
		const char *name, *help;
	} fields[ZF_COUNT] = {
	    {"node_zoneinfo_min_pages", "Zone watermark pages_min"},
	    {"node_zoneinfo_low_pages", "Zone watermark pages_low"},
	    {"node_zoneinfo_high_pages", "Zone watermark pages_high"},
	    {"node_zoneinfo_spanned_pages", "Total pages spanned by the zone, including holes"},
	    {"node_zoneinfo_present_pages", "Physical pages existing within the zone"},
	    {"node_zoneinfo_managed_pages", "Present pages managed by the buddy system"},
	};
	unsigned maxprot = 0;

	for (int f = 0; f < ZF_COUNT; f++) {
		if (!fam(w, G(NODE) | G(ZONES), fields[f].name, GAUGE, fields[f].help))
			continue;
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;
			const struct pi_opt_u64 *v;

			if (!first[i] || !zi || (v = zfield(zi, (enum zfield)f))->state != PI_OK)
				continue;
			smp(w);
			zone_labels(w, zi->node, zi->zone);
			val_u64(w, v->v);
		}
	}
	for (size_t i = 0; i < zs->n; i++)
		if (first[i] && zs->v[i].zi && zs->v[i].zi->nprotection > maxprot)
			maxprot = zs->v[i].zi->nprotection;
	for (unsigned n = 0; n < maxprot && n < MAX_PROTECTION; n++) {
		char name[48], help[48];

		snprintf(name, sizeof(name), "node_zoneinfo_protection_%u", n);
		snprintf(help, sizeof(help), "Protection array %u. field", n);
		if (!fam(w, G(NODE) | G(ZONES), name, GAUGE, help))
			continue;
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;

			if (!first[i] || !zi || zi->nprotection <= n)
				continue;
			smp(w);
			zone_labels(w, zi->node, zi->zone);
			val_i64(w, zi->protection[n]);
		}
	}
	for (size_t f = 0; f < sizeof(ne_zone_stats) / sizeof(ne_zone_stats[0]); f++) {
		if (!fam(w, G(NODE) | G(ZONES), ne_zone_stats[f].name, ne_zone_stats[f].type,
			 ne_zone_stats[f].help))
			continue;
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;
			const struct pi_zi_kv *kv;

			if (!first[i] || !zi)
				continue;
			kv = pi_zi_stat(zi, ne_zone_stats[f].key);
			if (!kv)
				kv = pi_zi_node_stat(zi, ne_zone_stats[f].key);
			if (!kv)
				continue;
			smp(w);
			zone_labels(w, zi->node, zi->zone);
			val_u64(w, kv->value);
		}
	}
}

static void zone_bytes(struct mw *w, const struct pi_zones *zs, const bool *first, uint64_t page,
		       const char *name, const char *help, enum zfield f)
{
	if (!fam(w, G(ZONES), name, GAUGE, help))
		return;
	for (size_t i = 0; i < zs->n; i++) {
		const struct pi_zi_zone *zi = zs->v[i].zi;
		const struct pi_opt_u64 *v;

		if (!first[i] || !zi || (v = zfield(zi, f))->state != PI_OK)
			continue;
		smp(w);
		zone_labels(w, zi->node, zi->zone);
		val_u128(w, (pi_u128)v->v * page);
	}
}

static int zone_families(struct mw *w, const struct pi_snapshot *s)
{
	static const char *const wname[PI_WMARK_COUNT] = {"min", "low", "high"};
	uint64_t page = (uint64_t)s->page_size;
	const struct pi_zones *zs = s->zones;
	bool *first;

	if (!s->data[PI_SRC_ZONEINFO] && !s->data[PI_SRC_BUDDYINFO])
		return 0;
	if (!zs)
		return -ENOMEM;
	first = firsts(zs->n, view_key, zs);
	if (!first)
		return -ENOMEM;
	zoneinfo_compat(w, zs, first);
	if (fam(w, G(ZONES), "procintro_zone_free_bytes", GAUGE,
		"Free memory of the zone (zoneinfo \"pages free\" * page size).")) {
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;

			if (!first[i] || !zi || zi->pages_free.state != PI_OK)
				continue;
			smp(w);
			zone_labels(w, zi->node, zi->zone);
			val_u128(w, (pi_u128)zi->pages_free.v * page);
		}
	}
	if (fam(w, G(ZONES), "procintro_zone_watermark_bytes", GAUGE,
		"Zone watermarks (min, low, high, and promo where printed) in bytes: below low "
		"kswapd reclaims, below min allocations enter direct reclaim.")) {
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;
			const struct pi_opt_u64 *marks[4];

			if (!first[i] || !zi)
				continue;
			marks[0] = &zi->min, marks[1] = &zi->low, marks[2] = &zi->high;
			marks[3] = &zi->promo;
			for (int m = 0; m < 4; m++) {
				if (marks[m]->state != PI_OK)
					continue;
				smp(w);
				zone_labels(w, zi->node, zi->zone);
				lbl(w, "watermark", m == 3 ? "promo" : wname[m]);
				val_u128(w, (pi_u128)marks[m]->v * page);
			}
		}
	}
	if (fam(w, G(ZONES), "procintro_zone_watermark_boost_bytes", GAUGE,
		"Temporary watermark boost after fragmentation events (zoneinfo \"boost\", "
		"5.0+).")) {
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;

			if (!first[i] || !zi || zi->boost.state != PI_OK)
				continue;
			smp(w);
			zone_labels(w, zi->node, zi->zone);
			val_u128(w, (pi_u128)zi->boost.v * page);
		}
	}
	zone_bytes(w, zs, first, page, "procintro_zone_spanned_bytes",
		   "Physical address span of the zone, holes included (spanned pages * page size).",
		   ZF_SPANNED);
	zone_bytes(w, zs, first, page, "procintro_zone_present_bytes",
		   "Memory present in the zone's span (present pages * page size).", ZF_PRESENT);
	zone_bytes(w, zs, first, page, "procintro_zone_managed_bytes",
		   "Memory managed by the buddy allocator in the zone (managed pages * page size).",
		   ZF_MANAGED);
	if (fam(w, G(ZONES), "procintro_zone_free_cma_bytes", GAUGE,
		"Free CMA memory of the zone (nr_free_cma * page size; 0 where not printed), which "
		"GFP_KERNEL allocations cannot use.")) {
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;
			const struct pi_zi_kv *cma;

			if (!first[i] || !zi)
				continue;
			cma = pi_zi_stat(zi, "nr_free_cma");
			smp(w);
			zone_labels(w, zi->node, zi->zone);
			val_u128(w, (pi_u128)(cma ? cma->value : 0) * page);
		}
	}
	if (fam(w, G(ZONES), "procintro_zone_populated", GAUGE,
		"1 when the zone has memory (zoneinfo printed its counters), else 0.")) {
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zi_zone *zi = zs->v[i].zi;

			if (!first[i] || !zi)
				continue;
			smp(w);
			zone_labels(w, zi->node, zi->zone);
			val_u64(w, zi->populated);
		}
	}
	if (fam(w, G(ZONES), "procintro_zone_alloc_ok", GAUGE,
		"1 when an order-k GFP_KERNEL allocation would pass the zone's min/low/high "
		"watermark check now (__zone_watermark_ok() of 6.x kernels, see docs/api.md "
		"alloc_ok), else 0. Zones above Normal and zones missing an input have no "
		"series.")) {
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zone_view *v = &zs->v[i];

			if (!first[i] || !v->alloc_ok_known)
				continue;
			for (int m = 0; m < PI_WMARK_COUNT; m++)
				for (unsigned k = 0; k < zs->norders; k++) {
					smp(w);
					zone_labels(w, v->node, v->zone);
					lbl(w, "watermark", wname[m]);
					lbli(w, "order", k);
					val_u64(w, v->alloc_ok[m][k] == PI_TRUE);
				}
		}
	}
	if (fam(w, G(ZONES), "procintro_zone_allocations_until_low", GAUGE,
		"Order-k GFP_KERNEL allocations the zone could serve one after another before the "
		"low watermark check fails (docs/api.md headroom).")) {
		for (size_t i = 0; i < zs->n; i++) {
			const struct pi_zone_view *v = &zs->v[i];

			if (!first[i] || !v->headroom.known)
				continue;
			for (unsigned k = 0; k < zs->norders; k++) {
				smp(w);
				zone_labels(w, v->node, v->zone);
				lbli(w, "order", k);
				val_u64(w, v->headroom.until_low[k]);
			}
		}
	}
	free(first);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* iomem, kallsyms */

static int iomem_families(struct mw *w, const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_IOMEM];
	struct pi_physmap pm;
	int r;

	if (!d)
		return 0;
	if (fam(w, G(IOMEM), "procintro_iomem_addresses_hidden", GAUGE,
		"1 when /proc/iomem printed every range as zero (the reader lacks CAP_SYS_ADMIN): "
		"the byte families of iomem are then absent.")) {
		smp(w);
		val_u64(w, d->u.iomem->addresses_hidden);
	}
	if (fam(w, G(IOMEM), "procintro_iomem_resources", GAUGE,
		"Resources (lines) in /proc/iomem, at every depth.")) {
		smp(w);
		val_u64(w, d->u.iomem->n);
	}
	r = pi_physmap_build(s, &pm);
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	if (fam(w, G(IOMEM), "procintro_iomem_ranges", GAUGE,
		"Top-level /proc/iomem ranges by kind (system_ram, reserved, pci_mmio, acpi, rom, "
		"other).")) {
		for (int k = 0; k < PI_RES_KINDS; k++) {
			smp(w);
			lbl(w, "kind", pi_res_kind_names[k]);
			val_u64(w, pm.count[k]);
		}
	}
	if (!pm.hidden && fam(w, G(IOMEM), "procintro_iomem_bytes", GAUGE,
			      "Bytes covered by top-level /proc/iomem ranges, by kind.")) {
		for (int k = 0; k < PI_RES_KINDS; k++) {
			smp(w);
			lbl(w, "kind", pi_res_kind_names[k]);
			val_u64(w, pm.bytes[k]);
		}
	}
	if (!pm.hidden && fam(w, G(IOMEM), "procintro_iomem_hole_bytes", GAUGE,
			      "Physical address space below the highest top-level range that no "
			      "top-level range covers.")) {
		smp(w);
		val_u64(w, pm.hole_bytes);
	}
	if (!pm.hidden &&
	    fam(w, G(IOMEM), "procintro_iomem_crash_kernel_bytes", GAUGE,
		"Memory reserved for a crash kernel (\"Crash kernel\" in /proc/iomem).")) {
		smp(w);
		val_u64(w, pm.crash_kernel_bytes);
	}
	if (!pm.hidden &&
	    fam(w, G(IOMEM), "procintro_kernel_image_bytes", GAUGE,
		"Physical size of the kernel image's sections (\"Kernel code\", "
		"\"Kernel rodata\", \"Kernel data\", \"Kernel bss\" in /proc/iomem).")) {
		for (int k = 0; k < PI_KIMG_SECS; k++) {
			const struct pi_range *rg = &pm.kimage[k];

			if (!rg->present)
				continue;
			smp(w);
			lbl(w, "section", pi_kimage_sec_names[k]);
			val_u64(w, rg->end >= rg->start ? rg->end - rg->start + 1 : 0);
		}
	}
	pi_physmap_fini(&pm);
	return 0;
}

static int kallsyms_families(struct mw *w, const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_KALLSYMS];
	const struct pi_kallsyms *k;
	const struct pi_kimage *ki;

	if (!d)
		return 0;
	k = d->u.kallsyms;
	ki = &d->kimage;
	if (fam(w, G(KALLSYMS), "procintro_kallsyms_symbols", GAUGE,
		"Symbols in /proc/kallsyms by nm type letter (T text, t local text, D data, "
		"...).")) {
		for (int c = 0; c < 128; c++) {
			char t = (char)c;

			if (!ki->by_type[c])
				continue;
			smp(w);
			lbln(w, "type", &t, 1);
			val_u64(w, ki->by_type[c]);
		}
	}
	if (k->nmodules > 1 &&
	    fam(w, G(KALLSYMS), "procintro_kallsyms_module_symbols", GAUGE,
		"Symbols in /proc/kallsyms per module (the kernel image itself is not a module; "
		"pseudo-modules such as bpf or __builtin__ftrace are listed as printed).")) {
		for (size_t i = 1; i < k->nmodules; i++) {
			smp(w);
			lbln(w, "module", k->text + k->modules[i].name_off, k->modules[i].name_len);
			val_u64(w, k->modules[i].count);
		}
	}
	if (fam(w, G(KALLSYMS), "procintro_kallsyms_addresses_hidden", GAUGE,
		"1 when every /proc/kallsyms address reads as zero (kptr_restrict, or no "
		"CAP_SYSLOG).")) {
		smp(w);
		val_u64(w, k->addresses_hidden);
	}
	if (!k->addresses_hidden &&
	    fam(w, G(KALLSYMS), "procintro_kallsyms_section_bytes", GAUGE,
		"Virtual size of the kernel image's sections from its linker symbols "
		"(_text.._etext, "
		"__start_rodata..__end_rodata, _sdata.._edata, __bss_start..__bss_stop).")) {
		for (int sct = 0; sct < PI_KV_SECS; sct++) {
			if (!ki->sec[sct].present)
				continue;
			smp(w);
			lbl(w, "section", pi_kvsec_names[sct]);
			val_u64(w, ki->sec[sct].end - ki->sec[sct].start);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* procintrod itself */

static void self_families(struct mw *w, const struct pi_snapshot *s)
{
	uint64_t sample_ns = 0;

	if (fam(w, G(SELF), "procintro_build_info", INFO,
		"procintrod's version; the value is always 1.")) {
		smp(w);
		lbl(w, "version", PI_VERSION);
		val_u64(w, 1);
	}
	if (fam(w, G(SELF), "procintro_source_up", GAUGE,
		"1 when the last read of the source succeeded, 0 when it failed or was not "
		"attempted (a file the kernel lacks stays 0).")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_u64(w, s->status[i].state == PI_SRC_OK);
		}
	}
	if (fam(w, G(SELF), "procintro_source_failures_total", COUNTER,
		"Failed reads of the source since procintrod started (missing, unreadable or "
		"malformed).")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_u64(w, s->status[i].failures);
		}
	}
	if (fam(w, G(SELF), "procintro_source_parse_errors_total", COUNTER,
		"Reads of the source that failed because the text was malformed (a subset of "
		"procintro_source_failures_total).")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_u64(w, s->status[i].parse_failures);
		}
	}
	if (fam(w, G(SELF), "procintro_source_read_seconds_total", COUNTER,
		"Time spent in read() of the source since procintrod started, every attempt (the "
		"kernel producing the text).")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_ratio(w, s->status[i].read_ns_total / 1000, 1000000u);
		}
	}
	if (fam(w, G(SELF), "procintro_source_parse_seconds_total", COUNTER,
		"Time spent parsing and deriving the source since procintrod started, every "
		"attempt.")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_ratio(w, s->status[i].parse_ns_total / 1000, 1000000u);
		}
	}
	if (fam(w, G(SELF), "procintro_source_data_timestamp_seconds", GAUGE,
		"Unix time at which the data served for the source was read (older than the sample "
		"for slow sources, and when the latest read failed).")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			if (!s->data[i])
				continue;
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_time(w, s->data[i]->sampled_at);
		}
	}
	if (fam(w, G(SELF), "procintro_source_read_duration_seconds", GAUGE,
		"Time spent in read() for the data served (the kernel producing the text).")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			if (!s->data[i])
				continue;
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_ratio(w, s->data[i]->read_ns, 1000000000u);
		}
	}
	if (fam(w, G(SELF), "procintro_source_parse_duration_seconds", GAUGE,
		"Time spent parsing and deriving the data served.")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			if (!s->data[i])
				continue;
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_ratio(w, s->data[i]->parse_ns, 1000000000u);
		}
	}
	if (fam(w, G(SELF), "procintro_source_bytes", GAUGE, "Size of the text read.")) {
		for (int i = 0; i < PI_SRC_COUNT; i++) {
			if (!s->data[i])
				continue;
			smp(w);
			lbl(w, "source", pi_src_names[i]);
			val_u64(w, s->data[i]->raw_len);
		}
	}
	if (fam(w, G(SELF), "procintro_samples_total", COUNTER, "Samples taken since start.")) {
		smp(w);
		val_u64(w, s->seq);
	}
	if (fam(w, G(SELF), "procintro_sample_timestamp_seconds", GAUGE,
		"Unix time at which the sample served was taken.")) {
		smp(w);
		val_time(w, s->sampled_at);
	}
	/* Sources read in this sample were attempted after it started; the others carry their
	 * status over from an earlier sample. */
	for (int i = 0; i < PI_SRC_COUNT; i++)
		if (s->status[i].state == PI_SRC_OK && s->status[i].attempted_at >= s->sampled_at)
			sample_ns += s->status[i].read_ns + s->status[i].parse_ns;
	if (fam(w, G(SELF), "procintro_sample_duration_seconds", GAUGE,
		"Time the sources read in the latest sample took to read and parse (the sum over "
		"those sources; slow sources count only in the samples that re-read them).")) {
		smp(w);
		val_ratio(w, sample_ns, 1000000000u);
	}
	if (fam(w, G(SELF), "procintro_page_size_bytes", GAUGE,
		"Page size used to convert pages to bytes (--page-size, default this "
		"machine's).")) {
		smp(w);
		val_u64(w, s->page_size > 0 ? (uint64_t)s->page_size : 0);
	}
}

/* ---------------------------------------------------------------------------------------- */

int pi_metrics_render(const struct pi_snapshot *s, const struct pi_metrics_opts *o,
		      enum pi_metrics_format f, struct pi_buf *out)
{
	struct mw w = {.b = out, .o = o, .f = f};
	int r;

	r = stat_families(&w, s);
	if (r == 0) {
		loadavg_families(&w, s);
		pressure_families(&w, s);
		r = schedstat_families(&w, s);
	}
	if (r == 0)
		r = buddy_families(&w, s);
	if (r == 0)
		r = pagetype_families(&w, s);
	if (r == 0)
		r = zone_families(&w, s);
	if (r == 0)
		r = iomem_families(&w, s);
	if (r == 0)
		r = kallsyms_families(&w, s);
	if (r < 0)
		return r;
	self_families(&w, s);
	if (f == PI_METRICS_OPENMETRICS)
		pi_buf_puts(out, "# EOF\n");
	return out->err;
}

int pi_metrics_gzip(const char *data, size_t len, struct pi_buf *out)
{
	z_stream z = {0};
	uLong bound;
	int r;

	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	bound = deflateBound(&z, (uLong)len);
	r = pi_buf_reserve(out, bound);
	if (r < 0) {
		deflateEnd(&z);
		return r;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data + out->len;
	z.avail_out = (uInt)bound;
	r = deflate(&z, Z_FINISH);
	if (r == Z_STREAM_END)
		out->len += z.total_out;
	deflateEnd(&z);
	return r == Z_STREAM_END ? 0 : -ENOMEM;
}

/* ---------------------------------------------------------------------------------------- */
/* content negotiation */

/* Iterate over the comma-separated elements of a header: [*p, *p + len) is the element
 * (media range or coding) without parameters, *q its q-value (1 when absent, 0..1), params
 * the text after its first ';' up to the next ','. Returns false at the end. */
struct elem {
	const char *tok;
	size_t len;
	const char *params;
	size_t plen;
	double q;
};

static bool next_elem(const char **cur, struct elem *e)
{
	const char *p = *cur, *end, *semi;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return false;
	end = p + strcspn(p, ",");
	semi = memchr(p, ';', (size_t)(end - p));
	e->tok = p;
	e->len = (size_t)((semi ? semi : end) - p);
	while (e->len && (p[e->len - 1] == ' ' || p[e->len - 1] == '\t'))
		e->len--;
	e->params = semi ? semi + 1 : end;
	e->plen = (size_t)(end - e->params);
	e->q = 1;
	for (const char *a = e->params; a < end;) {
		const char *b = memchr(a, ';', (size_t)(end - a));
		const char *pe = b ? b : end;

		while (a < pe && (*a == ' ' || *a == '\t'))
			a++;
		if (pe - a >= 2 && (a[0] == 'q' || a[0] == 'Q') && a[1] == '=') {
			char num[16];
			size_t n = (size_t)(pe - a - 2);
			char *stop;
			double q;

			if (n >= sizeof(num))
				n = sizeof(num) - 1;
			memcpy(num, a + 2, n);
			num[n] = '\0';
			q = strtod(num, &stop);
			e->q = stop != num && q >= 0 && q <= 1 ? q : 0;
		}
		a = b ? b + 1 : end;
	}
	*cur = *end ? end + 1 : end;
	return true;
}

static bool elem_is(const struct elem *e, const char *s)
{
	return e->len == strlen(s) && !strncasecmp(e->tok, s, e->len);
}

/* version=X among the parameters (none: any version). */
static bool om_version_ok(const struct elem *e)
{
	const char *v = NULL;

	for (size_t i = 0; i + 8 <= e->plen; i++)
		if (!strncasecmp(e->params + i, "version=", 8) &&
		    (i == 0 || e->params[i - 1] == ';' || e->params[i - 1] == ' ')) {
			v = e->params + i + 8;
			break;
		}
	if (!v)
		return true;
	return !strncmp(v, "1.0.0", 5) || !strncmp(v, "0.0.1", 5);
}

enum pi_metrics_format pi_metrics_negotiate(const char *accept)
{
	double q_om = 0, q_text = 0;
	struct elem e;

	if (!accept)
		return PI_METRICS_TEXT;
	while (next_elem(&accept, &e)) {
		if (elem_is(&e, "application/openmetrics-text")) {
			if (om_version_ok(&e) && e.q > q_om)
				q_om = e.q;
		} else if (elem_is(&e, "text/plain") || elem_is(&e, "text/*") ||
			   elem_is(&e, "*/*")) {
			if (e.q > q_text)
				q_text = e.q;
		}
	}
	return q_om > 0 && q_om >= q_text ? PI_METRICS_OPENMETRICS : PI_METRICS_TEXT;
}

bool pi_metrics_accepts_gzip(const char *ae)
{
	double q_gzip = -1, q_any = -1;
	struct elem e;

	if (!ae)
		return false;
	while (next_elem(&ae, &e)) {
		if (elem_is(&e, "gzip") || elem_is(&e, "x-gzip"))
			q_gzip = e.q > q_gzip ? e.q : q_gzip;
		else if (elem_is(&e, "*"))
			q_any = e.q;
	}
	if (q_gzip >= 0)
		return q_gzip > 0;
	return q_any > 0;
}
