/* /proc/buddyinfo: free blocks per order for every populated zone (mm/vmstat.c frag_show). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "perr.h"

#define PI_ZONE_NAME_MAX 15 /* kernel zone names are at most 7 bytes ("HighMem", "Movable") */
#define PI_MAX_ORDERS	 64 /* NR_PAGE_ORDERS is 11 on x86, up to ~14-20 elsewhere */

struct pi_buddy_zone {
	int node;
	char zone[PI_ZONE_NAME_MAX + 1];
	uint64_t *free; /* norders counts of free blocks (not pages), order 0 first */
};

struct pi_buddyinfo {
	unsigned norders; /* columns per line, the same on every line */
	size_t nzones;	  /* lines, in file order */
	struct pi_buddy_zone *zones;
	uint64_t *counts; /* nzones * norders; zones[i].free points into it */
};

/* Parse the whole file. On success *ret owns everything, in one block (free with
 * pi_buddyinfo_free; zones and counts are not separate allocations).
 * Errors: -ENODATA (no line), -EINVAL (malformed; *reterr says where), -ERANGE, -ENOMEM. */
int pi_buddyinfo_parse(const char *buf, size_t len, struct pi_buddyinfo **ret,
		       struct pi_perr *reterr);
struct pi_buddyinfo *pi_buddyinfo_free(struct pi_buddyinfo *b);
/* Print as the kernel does: "Node %d, zone %8s " then "%6lu " per order, then '\n'. */
int pi_buddyinfo_render(const struct pi_buddyinfo *b, struct pi_buf *out);
