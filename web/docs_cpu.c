/* /api/v1/cpu: /proc/stat in seconds, rates between consecutive samples, loadavg, PSI. */
#include <math.h>
#include <string.h>

#include "docs.h"
#include "docs_int.h"
#include "jsonw.h"
#include "rates.h"

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

static void rate(cJSON *o, const char *key, struct pi_rate r)
{
	if (r.known)
		pi_jw_double(o, key, r.v);
	else
		pi_jw_null(o, key);
}

static cJSON *rates_obj(const struct pi_srcdata *prev, const struct pi_srcdata *cur)
{
	struct pi_cpu_rates r;
	cJSON *o, *util, *cpus, *sirq;

	if (pi_cpu_rates_compute(prev->u.stat, cur->u.stat, cur->sampled_at - prev->sampled_at, &r) <
	    0)
		return NULL;
	o = cJSON_CreateObject();
	pi_jw_double(o, "interval_seconds", r.interval);
	util = cJSON_AddObjectToObject(o, "utilization");
	for (unsigned m = 0; m < r.nmodes; m++)
		rate(util, pi_cpu_mode_names[m], r.util[m]);
	rate(o, "busy", r.busy);
	cpus = cJSON_AddArrayToObject(o, "cpus");
	for (size_t i = 0; i < r.ncpus; i++) {
		cJSON *c = cJSON_CreateObject();

		pi_jw_i64(c, "cpu", r.cpus[i].cpu);
		rate(c, "busy", r.cpus[i].busy);
		cJSON_AddItemToArray(cpus, c);
	}
	rate(o, "context_switches_per_second", r.ctxt);
	rate(o, "forks_per_second", r.forks);
	rate(o, "interrupts_per_second", r.intr);
	rate(o, "softirqs_per_second", r.softirq);
	if (r.nsoftirqs) {
		sirq = cJSON_AddArrayToObject(o, "softirq_vectors_per_second");
		for (size_t v = 0; v < r.nsoftirqs; v++)
			rate(sirq, NULL, r.softirqs[v]);
	}
	pi_cpu_rates_fini(&r);
	return o;
}

static void add_rates(cJSON *o, cJSON *rates)
{
	if (rates)
		cJSON_AddItemToObject(o, "rates", rates);
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
		add_rates(o, rates_obj(s->prev_stat, d));

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
