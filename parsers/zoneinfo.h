/* /proc/zoneinfo (mm/vmstat.c zoneinfo_show_print): per zone watermarks, spans, protection,
 * counters, per-CPU pagesets; a "per-node stats" block inside the first populated zone of
 * each node (4.8+). The layout changed in almost every release (see docs/formats.md), so
 * the parser keys everything by name, keeps unknown lines, and records the layout of every
 * line so that the renderer prints the file back byte for byte. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buddyinfo.h" /* PI_ZONE_NAME_MAX */
#include "buf.h"
#include "fstate.h"
#include "perr.h"

struct pi_zi_kv {
	const char *name; /* NUL-terminated, owned by the pi_zoneinfo */
	uint64_t value;
};

struct pi_zi_pageset { /* "    cpu: %i" and the lines under it */
	int cpu;
	struct pi_opt_i64 count, high, batch, high_min, high_max, stat_threshold;
	/* Added: 2.6.13-2.6.24 print two lists per CPU, "    cpu: %i pcp: %i" (0 hot, 1 cold),
	 * each its own pageset record; -1 when the kernel printed no pcp index. */
	int pcp;
};

struct pi_zi_zone {
	int node;
	char zone[PI_ZONE_NAME_MAX + 1];
	/* Well-known single values; PI_ABSENT where this kernel does not print them. Pages. */
	struct pi_opt_u64 pages_free, boost, min, low, high, promo, spanned, present, managed, cma;
	struct pi_opt_u64 start_pfn, node_unreclaimable;
	unsigned nprotection; /* lowmem_reserve[], one per configured zone */
	int64_t *protection;
	/* Zone counters ("nr_free_pages 123", 2.6.18+) in file order, incl. numa_* events. */
	size_t nstats;
	struct pi_zi_kv *stats;
	/* The node's "per-node stats" block if this zone carries it (first populated zone). */
	size_t nnode_stats;
	struct pi_zi_kv *node_stats;
	size_t npagesets;
	struct pi_zi_pageset *pagesets;
	/* True when the kernel printed the zone's counters/pagesets (populated zone). 4.12+
	 * prints unpopulated zones with watermarks and protection only. */
	bool populated;
};

struct pi_zoneinfo {
	size_t nzones;
	struct pi_zi_zone *zones; /* file order */
	void *priv_;		  /* parser-owned: string pool and the line layout */
};

/* Parser notes. Lines are keyed by name, not by position or kernel version (backports):
 * "%-12s %lu" lines indented 4 or 6 spaces are counters (per-node ones between
 * "per-node stats" and "pages free"); the keys of pi_zi_zone / pi_zi_pageset are well-known
 * (a bad value, or the same key twice in a zone or pageset, is an error); any other line
 * (e.g. "        scanned  0 (a: 0 i: 0)", "  all_unreclaimable: 0", the nameless counter
 * some RHEL kernels print) is kept verbatim for rendering but not modelled. The renderer
 * prints the recorded layout with the current values of the structures; a count edited so
 * that it no longer matches the layout makes it fail with -EINVAL. Numbers are printed
 * canonically ("007" parses as 7 and renders as "7"). */

/* Look up a zone counter (e.g. "nr_free_pages") or per-node counter by name. */
const struct pi_zi_kv *pi_zi_stat(const struct pi_zi_zone *z, const char *name);
const struct pi_zi_kv *pi_zi_node_stat(const struct pi_zi_zone *z, const char *name);

int pi_zoneinfo_parse(const char *buf, size_t len, struct pi_zoneinfo **ret,
		      struct pi_perr *reterr);
struct pi_zoneinfo *pi_zoneinfo_free(struct pi_zoneinfo *z);
int pi_zoneinfo_render(const struct pi_zoneinfo *z, struct pi_buf *out);
