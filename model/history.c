#include "history.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rates.h"
#include "zones.h"

#define NAME_MAX_LEN 64

struct pi_history {
	pthread_rwlock_t lock;
	size_t capacity;
	size_t nseries;
	char (*names)[NAME_MAX_LEN];
	/* per zone: which (node, zone) each zone series group refers to */
	size_t nzones;
	struct zone_key {
		int node;
		char zone[PI_ZONE_NAME_MAX + 1];
	} * zones;
	double *times; /* ring of capacity */
	float *values; /* ring: values[slot * nseries + series] */
	size_t head;   /* next slot to write */
	size_t count;  /* filled slots */
};

enum {
	S_UTIL = 0, /* PI_CPU_MODES series */
	S_BUSY = S_UTIL + PI_CPU_MODES,
	S_CTXT,
	S_FORKS,
	S_INTR,
	S_SOFTIRQ,
	S_RUNNING,
	S_BLOCKED,
	S_LOAD1,
	S_PSI, /* 3 resources x (some, full) */
	S_ZONES = S_PSI + 6,
};
#define ZONE_SERIES 4 /* free_pages, largest_free_order, unusable, fragmentation */

int pi_history_new(size_t capacity, struct pi_history **ret)
{
	struct pi_history *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	if (capacity < 2)
		capacity = 2;
	h->capacity = capacity;
	pthread_rwlock_init(&h->lock, NULL);
	*ret = h;
	return 0;
}

struct pi_history *pi_history_free(struct pi_history *h)
{
	if (!h)
		return NULL;
	pthread_rwlock_destroy(&h->lock);
	free(h->names);
	free(h->zones);
	free(h->times);
	free(h->values);
	free(h);
	return NULL;
}

static int define_series(struct pi_history *h, const struct pi_snapshot *s)
{
	static const char *const psi[] = {"cpu", "memory", "io"};
	const struct pi_zones *zs = s->zones;
	size_t n;

	if (!zs)
		return -ENOMEM;
	h->nzones = zs->n;
	h->nseries = S_ZONES + zs->n * ZONE_SERIES;
	h->names = calloc(h->nseries, sizeof(*h->names));
	h->zones = calloc(zs->n ? zs->n : 1, sizeof(*h->zones));
	h->times = calloc(h->capacity, sizeof(*h->times));
	h->values = calloc(h->capacity * h->nseries, sizeof(*h->values));
	if (!h->names || !h->zones || !h->times || !h->values)
		goto oom;
	for (unsigned m = 0; m < PI_CPU_MODES; m++)
		snprintf(h->names[S_UTIL + m], NAME_MAX_LEN, "cpu.utilization.%s",
			 pi_cpu_mode_names[m]);
	strcpy(h->names[S_BUSY], "cpu.busy");
	strcpy(h->names[S_CTXT], "cpu.context_switches_per_second");
	strcpy(h->names[S_FORKS], "cpu.forks_per_second");
	strcpy(h->names[S_INTR], "cpu.interrupts_per_second");
	strcpy(h->names[S_SOFTIRQ], "cpu.softirqs_per_second");
	strcpy(h->names[S_RUNNING], "cpu.procs_running");
	strcpy(h->names[S_BLOCKED], "cpu.procs_blocked");
	strcpy(h->names[S_LOAD1], "cpu.load1");
	for (int r = 0; r < 3; r++) {
		snprintf(h->names[S_PSI + 2 * r], NAME_MAX_LEN, "pressure.%s.some.avg10", psi[r]);
		snprintf(h->names[S_PSI + 2 * r + 1], NAME_MAX_LEN, "pressure.%s.full.avg10",
			 psi[r]);
	}
	for (size_t z = 0; z < zs->n; z++) {
		static const char *const what[ZONE_SERIES] = {
		    "free_pages", "largest_free_order", "unusable_index", "fragmentation_index"};

		h->zones[z].node = zs->v[z].node;
		snprintf(h->zones[z].zone, sizeof(h->zones[z].zone), "%s", zs->v[z].zone);
		for (n = 0; n < ZONE_SERIES; n++)
			snprintf(h->names[S_ZONES + z * ZONE_SERIES + n], NAME_MAX_LEN,
				 "zone.%d.%s.%s", zs->v[z].node, zs->v[z].zone, what[n]);
	}
	return 0;
oom:
	/* Undefined again: the next push retries. */
	free(h->names);
	free(h->zones);
	free(h->times);
	free(h->values);
	h->names = NULL;
	h->zones = NULL;
	h->times = NULL;
	h->values = NULL;
	h->nzones = h->nseries = 0;
	return -ENOMEM;
}

static bool same_zone(const struct zone_key *k, const struct pi_zone_view *v)
{
	return v->node == k->node && strcmp(v->zone, k->zone) == 0;
}

/* The view of the series' zone `z`: at the same position while the zone list is the one the
 * series were defined from (the usual case: linear), else looked up by (node, name). NULL when
 * the zone is gone. */
static const struct pi_zone_view *zone_view(const struct pi_history *h, size_t z,
					    const struct pi_zones *zs)
{
	if (z < zs->n && same_zone(&h->zones[z], &zs->v[z]))
		return &zs->v[z];
	for (size_t i = 0; i < zs->n; i++)
		if (same_zone(&h->zones[z], &zs->v[i]))
			return &zs->v[i];
	return NULL;
}

static float opt(const struct pi_opt_u64 *v)
{
	return v->state == PI_OK ? (float)v->v : NAN;
}

static float rate(struct pi_rate r)
{
	return r.known ? (float)r.v : NAN;
}

/* The order the zone series are taken at: the pageblock order (a THP on x86-64), or 9. */
static unsigned series_order(const struct pi_snapshot *s)
{
	const struct pi_srcdata *p = s->data[PI_SRC_PAGETYPEINFO];

	if (p && p->u.pagetype->nnodes)
		return p->u.pagetype->nodes[0].pageblock_order;
	return 9;
}

static void fill(struct pi_history *h, const struct pi_snapshot *s, float *v)
{
	const struct pi_srcdata *st = pi_snapshot_fresh(s, PI_SRC_STAT);
	const struct pi_srcdata *la = pi_snapshot_fresh(s, PI_SRC_LOADAVG);
	const struct pi_zones *zs = s->zones;
	unsigned order = series_order(s);

	for (size_t i = 0; i < h->nseries; i++)
		v[i] = NAN;
	if (st && s->prev_stat) {
		struct pi_cpu_rates r;

		if (pi_cpu_rates_compute(s->prev_stat->u.stat, st->u.stat,
					 st->sampled_at - s->prev_stat->sampled_at, &r) == 0) {
			for (unsigned m = 0; m < r.nmodes; m++)
				v[S_UTIL + m] = rate(r.util[m]);
			v[S_BUSY] = rate(r.busy);
			v[S_CTXT] = rate(r.ctxt);
			v[S_FORKS] = rate(r.forks);
			v[S_INTR] = rate(r.intr);
			v[S_SOFTIRQ] = rate(r.softirq);
			pi_cpu_rates_fini(&r);
		}
	}
	if (st) {
		v[S_RUNNING] = opt(&st->u.stat->procs_running);
		v[S_BLOCKED] = opt(&st->u.stat->procs_blocked);
	}
	if (la)
		v[S_LOAD1] = (float)la->u.loadavg.load_x100[0] / 100.0f;
	for (int r = 0; r < 3; r++) {
		const struct pi_srcdata *p =
		    pi_snapshot_fresh(s, (enum pi_src)(PI_SRC_PRESSURE_CPU + r));

		if (!p)
			continue;
		if (p->u.pressure.some.present)
			v[S_PSI + 2 * r] = (float)p->u.pressure.some.avg_x100[0] / 100.0f;
		if (p->u.pressure.full.present)
			v[S_PSI + 2 * r + 1] = (float)p->u.pressure.full.avg_x100[0] / 100.0f;
	}
	if (!zs)
		return;
	for (size_t z = 0; z < h->nzones; z++) {
		float *zv = v + S_ZONES + z * ZONE_SERIES;
		const struct pi_zone_view *x = zone_view(h, z, zs);

		if (!x)
			continue;
		if (x->zi && x->zi->pages_free.state == PI_OK)
			zv[0] = (float)x->zi->pages_free.v;
		else if (x->derived)
			zv[0] = (float)x->derived->free_pages;
		if (x->derived) {
			zv[1] = (float)x->derived->largest_free_order;
			if (order < x->derived->norders) {
				zv[2] = (float)x->derived->unusable[order] / 1000.0f;
				zv[3] = (float)x->derived->fragmentation[order] / 1000.0f;
			}
		}
	}
}

int pi_history_push(struct pi_history *h, const struct pi_snapshot *s)
{
	int r = 0;

	pthread_rwlock_wrlock(&h->lock);
	if (!h->names && (r = define_series(h, s)) < 0)
		goto out;
	h->times[h->head] = s->sampled_at;
	fill(h, s, h->values + h->head * h->nseries);
	h->head = (h->head + 1) % h->capacity;
	if (h->count < h->capacity)
		h->count++;
out:
	pthread_rwlock_unlock(&h->lock);
	return r;
}

static bool selected(const char *name, const char *const *select, size_t nselect)
{
	if (nselect == 0)
		return true;
	for (size_t i = 0; i < nselect; i++) {
		size_t n = strlen(select[i]);

		if (!strncmp(name, select[i], n) && (name[n] == '\0' || name[n] == '.'))
			return true;
	}
	return false;
}

void pi_history_result_fini(struct pi_history_result *r)
{
	for (size_t i = 0; i < r->nseries; i++) {
		if (r->names)
			free(r->names[i]);
		if (r->values)
			free(r->values[i]);
	}
	free(r->names);
	free(r->values);
	free(r->times);
	memset(r, 0, sizeof(*r));
}

static int query_locked(struct pi_history *h, const char *const *select, size_t nselect,
			double since, bool names_only, struct pi_history_result *ret)
{
	struct pi_history_result r = {.capacity = h->capacity, .available = h->nseries};
	size_t first = (h->head + h->capacity - h->count) % h->capacity, k = 0;
	size_t *idx = NULL;

	r.bytes = sizeof(*h) + h->capacity * (sizeof(*h->times) + h->nseries * sizeof(*h->values)) +
		  h->nseries * sizeof(*h->names);
	r.names = calloc(h->nseries ? h->nseries : 1, sizeof(*r.names));
	r.values = calloc(h->nseries ? h->nseries : 1, sizeof(*r.values));
	idx = calloc(h->nseries ? h->nseries : 1, sizeof(*idx));
	if (!r.names || !r.values || !idx)
		goto oom;
	for (size_t i = 0; i < h->nseries; i++) {
		if (!selected(h->names[i], select, nselect))
			continue;
		r.names[r.nseries] = strdup(h->names[i]);
		idx[r.nseries++] = i;
		if (!r.names[r.nseries - 1])
			goto oom;
	}
	if (!names_only) {
		size_t skip = 0;

		while (skip < h->count && h->times[(first + skip) % h->capacity] <= since)
			skip++;
		r.npoints = h->count - skip;
		r.times = calloc(r.npoints ? r.npoints : 1, sizeof(*r.times));
		if (!r.times)
			goto oom;
		for (size_t s = 0; s < r.nseries; s++)
			if (!(r.values[s] = calloc(r.npoints ? r.npoints : 1, sizeof(float))))
				goto oom;
		for (k = 0; k < r.npoints; k++) {
			size_t slot = (first + skip + k) % h->capacity;

			r.times[k] = h->times[slot];
			for (size_t s = 0; s < r.nseries; s++)
				r.values[s][k] = h->values[slot * h->nseries + idx[s]];
		}
	}
	free(idx);
	*ret = r;
	return 0;
oom:
	free(idx);
	pi_history_result_fini(&r);
	return -ENOMEM;
}

int pi_history_query(struct pi_history *h, const char *const *select, size_t nselect, double since,
		     struct pi_history_result *ret)
{
	int r;

	pthread_rwlock_rdlock(&h->lock);
	r = query_locked(h, select, nselect, since, false, ret);
	pthread_rwlock_unlock(&h->lock);
	return r;
}

int pi_history_list(struct pi_history *h, struct pi_history_result *ret)
{
	int r;

	pthread_rwlock_rdlock(&h->lock);
	r = query_locked(h, NULL, 0, 0, true, ret);
	pthread_rwlock_unlock(&h->lock);
	return r;
}
