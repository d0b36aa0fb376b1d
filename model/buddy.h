/* Buddy allocator maths on free-block counts (mm/vmstat.c fill_contig_page_info,
 * unusable_free_index, __fragmentation_index), in the kernel's integer arithmetic. */
#pragma once

#include <stdint.h>

#include "buddyinfo.h"

struct pi_buddy_derived {
	uint64_t free_pages;	/* sum of n_k * 2^k */
	uint64_t free_blocks;	/* sum of n_k */
	int largest_free_order; /* highest k with n_k > 0, -1 if none */
	unsigned norders;
	int unusable[PI_MAX_ORDERS];	  /* thousandths, 0..1000 (1000 when nothing is free) */
	int fragmentation[PI_MAX_ORDERS]; /* thousandths, -1000 = a suitable block exists */
};

/* Derive from one zone's counts (norders entries), with the kernel's wrapping 64-bit
 * arithmetic: defined for any input, identical to the kernel's for real ones. */
void pi_buddy_derive(const uint64_t *free_blocks, unsigned norders, struct pi_buddy_derived *ret);
/* The kernel's unusable_free_index(order) and __fragmentation_index(order). */
int pi_buddy_unusable_index(const uint64_t *free_blocks, unsigned norders, unsigned order);
int pi_buddy_fragmentation_index(const uint64_t *free_blocks, unsigned norders, unsigned order);
