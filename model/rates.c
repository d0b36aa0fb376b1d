#include "rates.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* guest and guest_nice are already counted in user and nice (fs/proc/stat.c). */
static uint64_t sum_ticks(const struct pi_stat_cpu *c)
{
	uint64_t t = 0;

	for (unsigned m = 0; m < c->ncols && m < PI_CPU_GUEST; m++)
		t += c->ticks[m];
	return t;
}

static uint64_t idle_ticks(const struct pi_stat_cpu *c)
{
	uint64_t t = 0;

	for (unsigned m = PI_CPU_IDLE; m <= PI_CPU_IOWAIT && m < c->ncols; m++)
		t += c->ticks[m];
	return t;
}

static struct pi_rate per_second(const struct pi_opt_u64 *a, const struct pi_opt_u64 *b, double dt)
{
	if (a->state != PI_OK || b->state != PI_OK || b->v < a->v || dt <= 0)
		return (struct pi_rate){0};
	return (struct pi_rate){true, (double)(b->v - a->v) / dt};
}

static struct pi_rate busy_share(const struct pi_stat_cpu *a, const struct pi_stat_cpu *b)
{
	uint64_t ta = sum_ticks(a), tb = sum_ticks(b), ia = idle_ticks(a), ib = idle_ticks(b);

	for (unsigned m = 0; m < a->ncols && m < b->ncols; m++)
		if (b->ticks[m] < a->ticks[m])
			return (struct pi_rate){0};
	if (tb <= ta || ib < ia || ib - ia > tb - ta)
		return (struct pi_rate){0};
	return (struct pi_rate){true, 1.0 - (double)(ib - ia) / (double)(tb - ta)};
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

int pi_cpu_rates_compute(const struct pi_stat *a, const struct pi_stat *b, double dt,
			 struct pi_cpu_rates *ret)
{
	struct pi_cpu_rates r = {.interval = dt};

	r.cpus = calloc(b->ncpus ? b->ncpus : 1, sizeof(*r.cpus));
	r.softirqs = calloc(b->nsoftirqs ? b->nsoftirqs : 1, sizeof(*r.softirqs));
	if (!r.cpus || !r.softirqs) {
		pi_cpu_rates_fini(&r);
		return -ENOMEM;
	}
	if (a->has_total && b->has_total) {
		uint64_t ta = sum_ticks(&a->total), tb = sum_ticks(&b->total);

		r.nmodes = a->total.ncols < b->total.ncols ? a->total.ncols : b->total.ncols;
		for (unsigned m = 0; m < r.nmodes; m++)
			if (tb > ta && b->total.ticks[m] >= a->total.ticks[m])
				r.util[m] = (struct pi_rate){
				    true, (double)(b->total.ticks[m] - a->total.ticks[m]) /
					      (double)(tb - ta)};
		r.busy = busy_share(&a->total, &b->total);
	}
	r.ncpus = b->ncpus;
	for (size_t i = 0; i < b->ncpus; i++) {
		const struct pi_stat_cpu *ca = find_cpu(a, b->cpus[i].cpu, i);

		r.cpus[i].cpu = b->cpus[i].cpu;
		if (ca) /* a CPU that came online in between has no rate yet */
			r.cpus[i].busy = busy_share(ca, &b->cpus[i]);
	}
	r.ctxt = per_second(&a->ctxt, &b->ctxt, dt);
	r.forks = per_second(&a->processes, &b->processes, dt);
	r.intr = per_second(&a->intr_total, &b->intr_total, dt);
	r.softirq = per_second(&a->softirq_total, &b->softirq_total, dt);
	if (a->nsoftirqs == b->nsoftirqs && a->softirq_total.state == PI_OK &&
	    b->softirq_total.state == PI_OK) {
		r.nsoftirqs = b->nsoftirqs;
		for (size_t v = 0; v < b->nsoftirqs; v++) {
			struct pi_opt_u64 x = {a->softirqs[v], PI_OK}, y = {b->softirqs[v], PI_OK};

			r.softirqs[v] = per_second(&x, &y, dt);
		}
	}
	*ret = r;
	return 0;
}

void pi_cpu_rates_fini(struct pi_cpu_rates *r)
{
	free(r->cpus);
	free(r->softirqs);
	memset(r, 0, sizeof(*r));
}
