#include "buddy.h"

#include <string.h>

/* The arithmetic is the kernel's: unsigned 64-bit (unsigned long on 64-bit kernels) that
 * wraps on overflow, truncating divisions, and an int return taken from the low 32 bits.
 * Real counts never come near wrapping; hostile input gets the kernel's answer, not a crash. */

struct contig_info {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

/* fill_contig_page_info(): order-k blocks count as 2^(k-o) suitable order-o blocks. */
static void fill_contig(const uint64_t *n, unsigned norders, unsigned order, struct contig_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	for (unsigned k = 0; k < norders; k++) {
		ci->free_blocks_total += n[k];
		ci->free_pages += k < 64 ? n[k] << k : 0;
		if (k >= order && k - order < 64)
			ci->free_blocks_suitable += n[k] << (k - order);
	}
}

static int as_int(uint64_t v)
{
	return (int)(int32_t)(uint32_t)v;
}

/* unusable_free_index(): "No free memory is interpreted as all free memory is unusable". */
static int unusable(const struct contig_info *ci, unsigned order)
{
	uint64_t usable = order < 64 ? ci->free_blocks_suitable << order : 0;

	if (ci->free_pages == 0)
		return 1000;
	return as_int((ci->free_pages - usable) * 1000u / ci->free_pages);
}

/* __fragmentation_index(): 0 with no free blocks, -1000 when a suitable block exists ("only
 * makes sense when a request would fail"), else 1000 - (1000 + F*1000/R) / B. With few small
 * blocks the quotient exceeds 1000 and the result is negative but not -1000 (one order-0
 * block, order 1: 1000 - 1500 = -500). */
static int fragmentation(const struct contig_info *ci, unsigned order)
{
	uint64_t requested = order < 64 ? (uint64_t)1 << order : 0;

	if (ci->free_blocks_total == 0)
		return 0;
	if (ci->free_blocks_suitable)
		return -1000;
	if (requested == 0)
		return 0;
	return as_int(1000 - (1000 + ci->free_pages * 1000u / requested) / ci->free_blocks_total);
}

int pi_buddy_unusable_index(const uint64_t *n, unsigned norders, unsigned order)
{
	struct contig_info ci;

	fill_contig(n, norders, order, &ci);
	return unusable(&ci, order);
}

int pi_buddy_fragmentation_index(const uint64_t *n, unsigned norders, unsigned order)
{
	struct contig_info ci;

	if (order >= norders) /* WARN_ON_ONCE(order > MAX_PAGE_ORDER) -> 0 */
		return 0;
	fill_contig(n, norders, order, &ci);
	return fragmentation(&ci, order);
}

void pi_buddy_derive(const uint64_t *n, unsigned norders, struct pi_buddy_derived *ret)
{
	struct contig_info ci = {0};
	uint64_t suitable[PI_MAX_ORDERS];
	int k;

	memset(ret, 0, sizeof(*ret));
	if (norders > PI_MAX_ORDERS)
		norders = PI_MAX_ORDERS;
	ret->norders = norders;
	ret->largest_free_order = -1;
	/* One pass from the top: suitable[o] = n_o + 2 * suitable[o + 1], which equals
	 * fill_contig_page_info's sum of n_k << (k - o) modulo 2^64. */
	for (k = (int)norders - 1; k >= 0; k--) {
		suitable[k] = n[k] + (k + 1 < (int)norders ? suitable[k + 1] << 1 : 0);
		ci.free_pages += n[k] << k;
		ci.free_blocks_total += n[k];
		if (n[k] && ret->largest_free_order < 0)
			ret->largest_free_order = k;
	}
	ret->free_pages = ci.free_pages;
	ret->free_blocks = ci.free_blocks_total;
	for (k = 0; k < (int)norders; k++) {
		ci.free_blocks_suitable = suitable[k];
		ret->unusable[k] = unusable(&ci, (unsigned)k);
		ret->fragmentation[k] = fragmentation(&ci, (unsigned)k);
	}
}
