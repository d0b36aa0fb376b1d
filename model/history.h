/* A bounded in-memory history of aggregate series at sample resolution.
 *
 * The series set is fixed by the first sample pushed (CPU utilization per mode, busy share,
 * rates, run queue, load, PSI avg10, and per zone: free pages, largest free order, unusable and
 * fragmentation index at the pageblock order), and so is the memory: capacity × (series + 1)
 * × 4-8 bytes, allocated once. Per-CPU series are deliberately absent: a 256-CPU host would
 * otherwise multiply the cost. Thread-safe: one writer (the sampler) and many readers. */
#pragma once

#include <stddef.h>

#include "snapshot.h"

struct pi_history;

/* capacity: samples kept (e.g. 3600 for an hour at 1 s). */
int pi_history_new(size_t capacity, struct pi_history **ret);
struct pi_history *pi_history_free(struct pi_history *h);
/* Append one sample. The first call defines the series. -ENOMEM only on the first call. */
int pi_history_push(struct pi_history *h, const struct pi_snapshot *s);

/* A copy of the selected data, safe to use without the lock. */
struct pi_history_result {
	size_t nseries;
	char **names;	  /* nseries */
	size_t npoints;	  /* oldest first */
	double *times;	  /* npoints Unix times */
	float **values;	  /* nseries arrays of npoints; NAN = unknown at that sample */
	size_t capacity;  /* samples the ring holds */
	size_t bytes;	  /* memory the ring uses */
	size_t available; /* series the ring has (all of them, selected or not) */
};

/* Select series whose name equals one of `select` or starts with it followed by '.', or all
 * when nselect is 0; points with time > since. */
int pi_history_query(struct pi_history *h, const char *const *select, size_t nselect, double since,
		     struct pi_history_result *ret);
void pi_history_result_fini(struct pi_history_result *r);
/* Names of every series (a copy; free with pi_history_result_fini: only names are set). */
int pi_history_list(struct pi_history *h, struct pi_history_result *ret);
