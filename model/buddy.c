#include "buddy.h"

#include <string.h>

#include "int128.h"

struct contig_info {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_shl(uint64_t v, unsigned s)
{
	if (s >= 64)
		return v ? UINT64_MAX : 0;
	return v > (UINT64_MAX >> s) ? UINT64_MAX : v << s;
}

/* fill_contig_page_info(): suitable blocks count order-k blocks as 2^(k-o) order-o blocks. */
static void fill_contig(const uint64_t *n, unsigned norders, unsigned order, struct contig_info *ci)
{
	unsigned k;

	memset(ci, 0, sizeof(*ci));
	for (k = 0; k < norders; k++) {
		ci->free_blocks_total = sat_add(ci->free_blocks_total, n[k]);
		ci->free_pages = sat_add(ci->free_pages, sat_shl(n[k], k));
		if (k >= order)
			ci->free_blocks_suitable =
			    sat_add(ci->free_blocks_suitable, sat_shl(n[k], k - order));
	}
}

/* x * 1000 / d without overflow for any 64-bit x (d > 0). */
static uint64_t mul1000_div(uint64_t x, uint64_t d)
{
	return (uint64_t)((pi_u128)x * 1000u / d);
}

int pi_buddy_unusable_index(const uint64_t *n, unsigned norders, unsigned order)
{
	struct contig_info ci;
	uint64_t usable;

	fill_contig(n, norders, order, &ci);
	/* "No free memory is interpreted as all free memory is unusable" */
	if (ci.free_pages == 0)
		return 1000;
	usable = sat_shl(ci.free_blocks_suitable, order);
	if (usable > ci.free_pages) /* only reachable through saturation */
		usable = ci.free_pages;
	return (int)mul1000_div(ci.free_pages - usable, ci.free_pages);
}

int pi_buddy_fragmentation_index(const uint64_t *n, unsigned norders, unsigned order)
{
	struct contig_info ci;
	uint64_t requested, r;

	if (order >= norders) /* WARN_ON_ONCE(order > MAX_PAGE_ORDER) -> 0 */
		return 0;
	fill_contig(n, norders, order, &ci);
	requested = (uint64_t)1 << order;
	if (ci.free_blocks_total == 0)
		return 0;
	/* "Fragmentation index only makes sense when a request would fail" */
	if (ci.free_blocks_suitable)
		return -1000;
	/* 1000 - (1000 + F*1000/R) / B in unsigned long, returned as int. With few small blocks
	 * the quotient exceeds 1000 and the kernel returns a negative value other than -1000
	 * (one order-0 block, order 1: 1000 - 1500 = -500). Mirror that exactly. */
	r = (uint64_t)(((pi_u128)1000 + (pi_u128)ci.free_pages * 1000u / requested) /
		       ci.free_blocks_total);
	return (int)(int32_t)(uint32_t)(1000 - r);
}

void pi_buddy_derive(const uint64_t *n, unsigned norders, struct pi_buddy_derived *ret)
{
	struct contig_info ci;
	unsigned k;

	memset(ret, 0, sizeof(*ret));
	if (norders > PI_MAX_ORDERS)
		norders = PI_MAX_ORDERS;
	fill_contig(n, norders, 0, &ci);
	ret->free_pages = ci.free_pages;
	ret->free_blocks = ci.free_blocks_total;
	ret->norders = norders;
	ret->largest_free_order = -1;
	for (k = 0; k < norders; k++) {
		if (n[k])
			ret->largest_free_order = (int)k;
		ret->unusable[k] = pi_buddy_unusable_index(n, norders, k);
		ret->fragmentation[k] = pi_buddy_fragmentation_index(n, norders, k);
	}
}
