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

	if (pi_cpu_rates_compute(prev->u.stat, cur->u.stat, cur->sampled_at - prev->sampled_at,
				 &r) < 0)
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

static const struct pi_schedstat_cpu *find_sched_cpu(const struct pi_schedstat *s, int cpu,
						     size_t hint)
{
	if (hint < s->ncpus && s->cpus[hint].cpu == cpu)
		return &s->cpus[hint];
	for (size_t i = 0; i < s->ncpus; i++)
		if (s->cpus[i].cpu == cpu)
			return &s->cpus[i];
	return NULL;
}

/* /proc/schedstat per CPU: time on the CPU, time runnable but waiting (run_delay), and
 * timeslices; their ratio is the mean run-queue wait per timeslice. Between two samples the
 * same for the interval: the run-queue latency now. */
static void schedstat_fields(cJSON *o, const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_SCHEDSTAT], *p = s->prev_schedstat;
	const struct pi_schedstat *ss;
	cJSON *x, *cpus;

	if (!d)
		return;
	ss = d->u.schedstat;
	x = cJSON_AddObjectToObject(o, "schedstat");
	pi_jw_time(x, "sampled_at", d->sampled_at);
	pi_jw_u64(x, "version", ss->version);
	pi_jw_bool(x, "known_version", ss->known_version);
	if (p && p != d)
		pi_jw_double(x, "interval_seconds", d->sampled_at - p->sampled_at);
	cpus = cJSON_AddArrayToObject(x, "cpus");
	for (size_t i = 0; i < ss->ncpus; i++) {
		const struct pi_schedstat_cpu *c = &ss->cpus[i], *pc;
		cJSON *y = cJSON_CreateObject();
		double dt;

		cJSON_AddItemToArray(cpus, y);
		pi_jw_i64(y, "cpu", c->cpu);
		if (c->run_time_ns.state != PI_OK || c->run_delay_ns.state != PI_OK ||
		    c->pcount.state != PI_OK)
			continue;
		pi_jw_ratio(y, "run_seconds", c->run_time_ns.v, 1000000000u);
		pi_jw_ratio(y, "wait_seconds", c->run_delay_ns.v, 1000000000u);
		pi_jw_u64(y, "timeslices", c->pcount.v);
		if (c->pcount.v)
			pi_jw_double(y, "avg_wait_per_timeslice_seconds",
				     (double)c->run_delay_ns.v / 1e9 / (double)c->pcount.v);
		else
			pi_jw_null(y, "avg_wait_per_timeslice_seconds");
		if (!p || p == d || !(pc = find_sched_cpu(p->u.schedstat, c->cpu, i)) ||
		    pc->run_time_ns.state != PI_OK || pc->run_delay_ns.state != PI_OK ||
		    pc->pcount.state != PI_OK)
			continue;
		dt = d->sampled_at - p->sampled_at;
		if (dt <= 0 || c->run_time_ns.v < pc->run_time_ns.v ||
		    c->run_delay_ns.v < pc->run_delay_ns.v || c->pcount.v < pc->pcount.v) {
			pi_jw_null(y, "rates");
			continue;
		}
		{
			cJSON *r = cJSON_AddObjectToObject(y, "rates");
			uint64_t dn = c->pcount.v - pc->pcount.v;

			pi_jw_double(r, "running_share",
				     (double)(c->run_time_ns.v - pc->run_time_ns.v) / 1e9 / dt);
			pi_jw_double(r, "waiting_share",
				     (double)(c->run_delay_ns.v - pc->run_delay_ns.v) / 1e9 / dt);
			pi_jw_double(r, "timeslices_per_second", (double)dn / dt);
			if (dn)
				pi_jw_double(r, "wait_per_timeslice_seconds",
					     (double)(c->run_delay_ns.v - pc->run_delay_ns.v) /
						 1e9 / (double)dn);
			else
				pi_jw_null(r, "wait_per_timeslice_seconds");
		}
	}
}

/* A section embedded from another source: marked when that source's last read failed. */
static void mark_stale(cJSON *x, const struct pi_snapshot *s, enum pi_src src)
{
	if (s->status[src].state != PI_SRC_FAILED)
		return;
	pi_jw_bool(x, "stale", 1);
	pi_jw_str(x, "error", s->status[src].error);
	pi_jw_time(x, "sampled_at", s->data[src]->sampled_at);
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

	schedstat_fields(o, s);
	if ((d = s->data[PI_SRC_LOADAVG])) {
		const struct pi_loadavg *l = &d->u.loadavg;
		cJSON *x = cJSON_AddObjectToObject(o, "loadavg");

		pi_jw_fixed(x, "load1", (int64_t)l->load_x100[0], 2);
		pi_jw_fixed(x, "load5", (int64_t)l->load_x100[1], 2);
		pi_jw_fixed(x, "load15", (int64_t)l->load_x100[2], 2);
		pi_jw_i64(x, "runnable", l->runnable);
		pi_jw_i64(x, "total", l->total);
		pi_jw_i64(x, "last_pid", l->last_pid);
		mark_stale(x, s, PI_SRC_LOADAVG);
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
		mark_stale(x, s, (enum pi_src)src);
	}
	return o;
}
