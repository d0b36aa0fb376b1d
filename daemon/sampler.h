/* The sampler: reads due sources, builds a new snapshot from them and the previous one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

struct pi_sampler_opts {
	const char *root;	      /* procfs root directory */
	double interval;	      /* fast sources, seconds */
	double pagetypeinfo_interval; /* pagetypeinfo walks free lists under zone->lock */
	double slow_interval;	      /* iomem and kallsyms */
	size_t max_file_bytes;	      /* per read cap */
	long page_size;
	long clock_ticks;
};

struct pi_sampler;

int pi_sampler_new(const struct pi_sampler_opts *o, struct pi_sampler **ret);
void pi_sampler_free(struct pi_sampler *s);
/* Take one sample: read every source that is due (all of them when `all`), log source state
 * changes, and return the new snapshot (a new reference). NULL only on out of memory. */
struct pi_snapshot *pi_sampler_sample(struct pi_sampler *s, bool all);
/* Take new periods, page size and USER_HZ (a configuration reload); the root stays. */
void pi_sampler_retime(struct pi_sampler *s, const struct pi_sampler_opts *o);
/* Open the sources whose content depends on the opener's privileges (pagetypeinfo, kallsyms,
 * iomem) and keep reading them through those descriptors from now on. Call before dropping
 * privileges. Returns how many were kept, or -errno if the root cannot be opened. */
int pi_sampler_keep_privileged(struct pi_sampler *s);
/* Sources that were read successfully at least once. */
unsigned pi_sampler_good_sources(const struct pi_sampler *s);
