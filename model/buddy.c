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

/* floor(a / b) for b > 0, exact. With a < 2^50 and b < 2^53 (inv_b = 1.0 / b, or 0 when b is
 * larger) a double multiply lands within 0.25 of a / b: both roundings are relative errors of
 * at most 2^-53 and a / b < 2^50, so the truncated product is floor(a / b) or one off; one
 * integer remainder check settles it. Else the 64-bit division, which costs 40+ cycles on
 * the CPUs this runs on where the multiply path costs a few and pipelines across orders. */
static uint64_t div_exact(uint64_t a, uint64_t b, double inv_b)
{
	if (a < (uint64_t)1 << 50 && inv_b != 0) {
		uint64_t q = (uint64_t)(int64_t)((double)(int64_t)a * inv_b);
		int64_t r = (int64_t)a - (int64_t)(q * b);

		if (r < 0)
			q--;
		else if ((uint64_t)r >= b)
			q++;
		return q;
	}
	return a / b;
}

void pi_buddy_derive(const uint64_t *n, unsigned norders, struct pi_buddy_derived *ret)
{
	uint64_t suitable[PI_MAX_ORDERS];
	uint64_t free_pages = 0, free_blocks = 0;
	double inv_pages = 0;
	int k, largest = -1;

	if (norders > PI_MAX_ORDERS)
		norders = PI_MAX_ORDERS;
	ret->norders = norders;
	/* One pass from the top: suitable[o] = n_o + 2 * suitable[o + 1], which equals
	 * fill_contig_page_info's sum of n_k << (k - o) modulo 2^64. */
	for (k = (int)norders - 1; k >= 0; k--) {
		suitable[k] = n[k] + (k + 1 < (int)norders ? suitable[k + 1] << 1 : 0);
		free_pages += n[k] << k;
		free_blocks += n[k];
		if (n[k] && largest < 0)
			largest = k;
	}
	ret->free_pages = free_pages;
	ret->free_blocks = free_blocks;
	ret->largest_free_order = largest;
	if (free_pages && free_pages < (uint64_t)1 << 53)
		inv_pages = 1.0 / (double)(int64_t)free_pages;
	/* unusable() and fragmentation() with their divisions made cheap: the divisor of the
	 * first is free_pages for every order; the second divides by requested = 2^order, a
	 * shift. Only the orders written are computed; the rest of the arrays is zeroed. */
	for (k = 0; k < (int)norders; k++) {
		uint64_t usable = suitable[k] << k;

		if (free_pages == 0)
			ret->unusable[k] = 1000;
		else
			ret->unusable[k] =
			    as_int(div_exact((free_pages - usable) * 1000u, free_pages, inv_pages));
		if (free_blocks == 0)
			ret->fragmentation[k] = 0;
		else if (suitable[k])
			ret->fragmentation[k] = -1000;
		else
			ret->fragmentation[k] =
			    as_int(1000 - (1000 + ((free_pages * 1000u) >> k)) / free_blocks);
	}
	memset(ret->unusable + norders, 0, (PI_MAX_ORDERS - norders) * sizeof(ret->unusable[0]));
	memset(ret->fragmentation + norders, 0,
	       (PI_MAX_ORDERS - norders) * sizeof(ret->fragmentation[0]));
}
