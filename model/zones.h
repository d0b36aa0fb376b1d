/* The zone model: buddyinfo, pagetypeinfo and zoneinfo joined per (node, zone), and the
 * watermark check of an allocation (contract: alloc_ok). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

enum pi_wmark { PI_WMARK_MIN, PI_WMARK_LOW, PI_WMARK_HIGH, PI_WMARK_COUNT };

enum pi_tristate { PI_UNKNOWN = -1, PI_FALSE = 0, PI_TRUE = 1 };

struct pi_zone_view {
	int node;
	const char *zone;
	const struct pi_zi_zone *zi;		 /* NULL when zoneinfo lacks the zone */
	int zi_index;				 /* position within its node's zoneinfo listing */
	const struct pi_buddy_zone *buddy;	 /* NULL when buddyinfo lacks the zone */
	const struct pi_buddy_derived *derived;	 /* with buddy */
	const struct pi_pt_free_row *pt_free;	 /* ntypes consecutive rows, or NULL */
	const struct pi_pt_block_row *pt_blocks; /* or NULL */
	/* alloc_ok[w][k] for every buddyinfo order k; all PI_UNKNOWN when not computable. */
	bool alloc_ok_known;
	signed char alloc_ok[PI_WMARK_COUNT][PI_MAX_ORDERS];
};

struct pi_zones {
	size_t n;
	struct pi_zone_view *v; /* zoneinfo order; without zoneinfo, buddyinfo order */
	unsigned norders;	/* buddyinfo's */
};

/* Join what `s` holds (any source may be missing). Borrowed pointers into s's data: keep a
 * reference on s while using the result. */
int pi_zones_build(const struct pi_snapshot *s, struct pi_zones *ret);
void pi_zones_fini(struct pi_zones *z);

/* The contract's watermark check for an order-k GFP_KERNEL request, exposed for tests.
 * free_pages, free_cma, mark, protection in pages. */
bool pi_watermark_ok(int64_t free_pages, int64_t free_cma, unsigned order, int64_t mark,
		     int64_t protection);
