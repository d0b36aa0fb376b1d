/* The zone model: buddyinfo, pagetypeinfo and zoneinfo joined per (node, zone), and the
 * watermark check of an allocation (contract: alloc_ok). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

enum pi_wmark { PI_WMARK_MIN, PI_WMARK_LOW, PI_WMARK_HIGH, PI_WMARK_COUNT };

enum pi_tristate { PI_UNKNOWN = -1, PI_FALSE = 0, PI_TRUE = 1 };

/* Allocation headroom per order (see docs/api.md for what these estimates leave out). */
struct pi_headroom {
	bool known;
	/* Order-k GFP_KERNEL allocations that could be served, one after another, before the low
	 * watermark check fails: min(blocks of order >= k of a usable type counted as order-k
	 * blocks, allocations the watermark allows). */
	uint64_t until_low[PI_MAX_ORDERS];
	/* Free pages that cannot serve an order-k request (in blocks smaller than 2^k). */
	uint64_t unusable_pages[PI_MAX_ORDERS];
};

struct pi_typeview { /* pagetypeinfo per migrate type, for one zone */
	bool known;
	uint64_t free_pages[PI_MAX_TYPES]; /* Σ n_k 2^k (a lower bound where a count was capped) */
	bool capped[PI_MAX_TYPES];
	uint64_t pageblocks[PI_MAX_TYPES];
};

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
	struct pi_headroom headroom;
	struct pi_typeview types;
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

/* How many order-k allocations pass `mark` one after another, starting from free_pages
 * (ignoring which blocks exist; the caller caps it by the blocks available). */
uint64_t pi_watermark_headroom(int64_t free_pages, int64_t free_cma, unsigned order, int64_t mark,
			       int64_t protection);

/* The contract's watermark check for an order-k GFP_KERNEL request, exposed for tests.
 * free_pages, free_cma, mark, protection in pages. */
bool pi_watermark_ok(int64_t free_pages, int64_t free_cma, unsigned order, int64_t mark,
		     int64_t protection);
