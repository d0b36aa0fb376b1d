/* /api/v1/cpu: /proc/stat in seconds, rates between consecutive samples, loadavg, PSI. */
#include <math.h>
#include <string.h>

#include "docs.h"
#include "docs_int.h"
#include "jsonw.h"

/* guest and guest_nice are already counted in user and nice (fs/proc/stat.c). */
static uint64_t sum_ticks(const struct pi_stat_cpu *c)
{
	uint64_t t = 0;

	for (unsigned m = 0; m < c->ncols && m < PI_CPU_GUEST; m++)
		t += c->ticks[m];
	return t;
}

static cJSON *seconds_obj(const struct pi_stat_cpu *c, long hz)
{
	cJSON *o = cJSON_CreateObject();

	for (unsigned m = 0; m < c->ncols; m++)
		pi_jw_ratio(o, pi_cpu_mode_names[m], c->ticks[m], (uint64_t)hz);
	return o;
}

static void opt_u64(cJSON *o, const char *key, const struct pi_opt_u64 *v)
{
	if (v->state == PI_OK)
		pi_jw_u64(o, key, v->v);
	else if (v->state == PI_BAD)
		pi_jw_null(o, key); /* printed but unparseable (e.g. a negative count) */
}

static const struct pi_stat_cpu *find_cpu(const struct pi_stat *s, int cpu, size_t hint)
{
	if (hint < s->ncpus && s->cpus[hint].cpu == cpu)
		return &s->cpus[hint];
	for (size_t i = 0; i < s->ncpus; i++)
		if (s->cpus[i].cpu == cpu)
			return &s->cpus[i];
	return NULL;
}

/* delta / interval, or null when the counter went backwards or is missing. */
static void rate(cJSON *o, const char *key, const struct pi_opt_u64 *a, const struct pi_opt_u64 *b,
		 double dt)
{
	if (a->state != PI_OK || b->state != PI_OK || b->v < a->v || dt <= 0)
		pi_jw_null(o, key);
	else
		pi_jw_double(o, key, (double)(b->v - a->v) / dt);
}

static cJSON *rates_obj(const struct pi_srcdata *prev, const struct pi_srcdata *cur)
{
	const struct pi_stat *a = prev->u.stat, *b = cur->u.stat;
	double dt = cur->sampled_at - prev->sampled_at;
	cJSON *r = cJSON_CreateObject(), *util, *cpus, *sirq;

	pi_jw_double(r, "interval_seconds", dt);
	util = cJSON_AddObjectToObject(r, "utilization");
	if (a->has_total && b->has_total) {
		uint64_t ta = sum_ticks(&a->total), tb = sum_ticks(&b->total);
		unsigned n = a->total.ncols < b->total.ncols ? a->total.ncols : b->total.ncols;

		for (unsigned m = 0; m < n; m++) {
			if (tb <= ta || b->total.ticks[m] < a->total.ticks[m])
				pi_jw_null(util, pi_cpu_mode_names[m]);
			else
				pi_jw_double(util, pi_cpu_mode_names[m],
					     (double)(b->total.ticks[m] - a->total.ticks[m]) /
						 (double)(tb - ta));
		}
	}
	cpus = cJSON_AddArrayToObject(r, "cpus");
	for (size_t i = 0; i < b->ncpus; i++) {
		const struct pi_stat_cpu *cb = &b->cpus[i], *ca = find_cpu(a, cb->cpu, i);
		cJSON *c = cJSON_CreateObject();
		uint64_t ta, tb, ia = 0, ib = 0;
		bool ok = ca != NULL;

		cJSON_AddItemToArray(cpus, c);
		pi_jw_i64(c, "cpu", cb->cpu);
		if (ok) {
			ta = sum_ticks(ca);
			tb = sum_ticks(cb);
			for (unsigned m = PI_CPU_IDLE; m <= PI_CPU_IOWAIT; m++) {
				if (m < ca->ncols && m < cb->ncols) {
					ok = ok && cb->ticks[m] >= ca->ticks[m];
					ia += ca->ticks[m];
					ib += cb->ticks[m];
				}
			}
			ok = ok && tb > ta && ib - ia <= tb - ta;
		}
		if (ok)
			pi_jw_double(c, "busy", 1.0 - (double)(ib - ia) / (double)(tb - ta));
		else
			pi_jw_null(c, "busy");
	}
	rate(r, "context_switches_per_second", &a->ctxt, &b->ctxt, dt);
	rate(r, "forks_per_second", &a->processes, &b->processes, dt);
	rate(r, "interrupts_per_second", &a->intr_total, &b->intr_total, dt);
	rate(r, "softirqs_per_second", &a->softirq_total, &b->softirq_total, dt);
	if (a->nsoftirqs == b->nsoftirqs && b->nsoftirqs) {
		sirq = cJSON_AddArrayToObject(r, "softirq_vectors_per_second");
		for (size_t v = 0; v < b->nsoftirqs; v++) {
			struct pi_opt_u64 x = {a->softirqs[v], PI_OK}, y = {b->softirqs[v], PI_OK};

			rate(sirq, NULL, &x, &y, dt);
		}
	}
	return r;
}

static void psi_line(cJSON *o, const char *key, const struct pi_psi_line *l)
{
	cJSON *x;

	if (!l->present)
		return;
	x = cJSON_AddObjectToObject(o, key);
	pi_jw_fixed(x, "avg10", (int64_t)l->avg_x100[0], 2);
	pi_jw_fixed(x, "avg60", (int64_t)l->avg_x100[1], 2);
	pi_jw_fixed(x, "avg300", (int64_t)l->avg_x100[2], 2);
	pi_jw_u64(x, "total", l->total_us);
}

cJSON *pi_doc_cpu(const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_STAT];
	const struct pi_stat *st;
	cJSON *o, *arr, *p = NULL;
	long hz = s->clock_ticks > 0 ? s->clock_ticks : 100;

	if (!d)
		return NULL;
	st = d->u.stat;
	o = cJSON_CreateObject();
	pi_doc_stamp(o, s, PI_SRC_STAT);
	pi_jw_i64(o, "clock_ticks_per_second", hz);
	opt_u64(o, "boot_time", &st->btime);
	if (st->has_total)
		cJSON_AddItemToObject(o, "total", seconds_obj(&st->total, hz));
	arr = cJSON_AddArrayToObject(o, "cpus");
	for (size_t i = 0; i < st->ncpus; i++) {
		cJSON *c = cJSON_CreateObject();

		pi_jw_i64(c, "cpu", st->cpus[i].cpu);
		cJSON_AddItemToObject(c, "seconds", seconds_obj(&st->cpus[i], hz));
		cJSON_AddItemToArray(arr, c);
	}
	opt_u64(o, "context_switches", &st->ctxt);
	opt_u64(o, "forks", &st->processes);
	opt_u64(o, "procs_running", &st->procs_running);
	opt_u64(o, "procs_blocked", &st->procs_blocked);
	opt_u64(o, "interrupts_total", &st->intr_total);
	opt_u64(o, "softirqs_total", &st->softirq_total);
	if (st->softirq_total.state == PI_OK) {
		arr = cJSON_AddArrayToObject(o, "softirqs");
		for (size_t v = 0; v < st->nsoftirqs; v++)
			pi_jw_u64(arr, NULL, st->softirqs[v]);
	}
	if (s->prev_stat && s->prev_stat != d)
		cJSON_AddItemToObject(o, "rates", rates_obj(s->prev_stat, d));

	if ((d = s->data[PI_SRC_LOADAVG])) {
		const struct pi_loadavg *l = &d->u.loadavg;
		cJSON *x = cJSON_AddObjectToObject(o, "loadavg");

		pi_jw_fixed(x, "load1", (int64_t)l->load_x100[0], 2);
		pi_jw_fixed(x, "load5", (int64_t)l->load_x100[1], 2);
		pi_jw_fixed(x, "load15", (int64_t)l->load_x100[2], 2);
		pi_jw_i64(x, "runnable", l->runnable);
		pi_jw_i64(x, "total", l->total);
		pi_jw_i64(x, "last_pid", l->last_pid);
	}
	for (int src = PI_SRC_PRESSURE_CPU; src <= PI_SRC_PRESSURE_IO; src++) {
		const char *name = pi_src_names[src] + strlen("pressure/");
		cJSON *x;

		if (!(d = s->data[src]))
			continue;
		if (!p)
			p = cJSON_AddObjectToObject(o, "pressure");
		x = cJSON_AddObjectToObject(p, name);
		psi_line(x, "some", &d->u.pressure.some);
		psi_line(x, "full", &d->u.pressure.full);
	}
	return o;
}
