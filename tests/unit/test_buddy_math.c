/* The kernel's fragmentation maths (mm/vmstat.c), on hand-computed inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buddy.h"
#include "zones.h"

/* local-6.18-x86_64 buddyinfo, Node 0 Normal. */
static const uint64_t normal[11] = {0, 2, 1, 3, 5, 12, 15, 14, 6, 4, 23};

static void test_free_pages_and_largest_order(void **state)
{
	struct pi_buddy_derived d;

	pi_buddy_derive(normal, 11, &d);
	/* 0 + 2*2 + 1*4 + 3*8 + 5*16 + 12*32 + 15*64 + 14*128 + 6*256 + 4*512 + 23*1024 */
	assert_int_equal(d.free_pages, 30384);
	assert_int_equal(d.free_blocks, 85);
	assert_int_equal(d.largest_free_order, 10);
	assert_int_equal(d.norders, 11);
}

static void test_unusable_index(void **state)
{
	/* order 0 and 1: every free page sits in a block of order >= 1 -> 0 unusable */
	assert_int_equal(pi_buddy_unusable_index(normal, 11, 0), 0);
	assert_int_equal(pi_buddy_unusable_index(normal, 11, 1), 0);
	/* order 10: (30384 - 23*1024) * 1000 / 30384 = 6832000 / 30384 = 224.85 -> 224 */
	assert_int_equal(pi_buddy_unusable_index(normal, 11, 10), 224);
	/* order 9: suitable = 4 + 23*2 = 50 blocks of 512 = 25600; 4784000/30384 = 157.4 -> 157 */
	assert_int_equal(pi_buddy_unusable_index(normal, 11, 9), 157);
	/* nothing free: the kernel calls all of it unusable */
	static const uint64_t none[11] = {0};
	assert_int_equal(pi_buddy_unusable_index(none, 11, 3), 1000);
}

static void test_fragmentation_index(void **state)
{
	static const uint64_t none[3] = {0, 0, 0};
	static const uint64_t small[3] = {10, 0, 0};
	static const uint64_t one[2] = {1, 0};
	static const uint64_t mixed[4] = {100, 50, 0, 0};

	/* a suitable block exists -> -1000 */
	assert_int_equal(pi_buddy_fragmentation_index(normal, 11, 10), -1000);
	/* no free blocks at all -> 0 */
	assert_int_equal(pi_buddy_fragmentation_index(none, 3, 2), 0);
	/* F=10 B=10 R=4: 1000 - (1000 + 2500)/10 = 650 */
	assert_int_equal(pi_buddy_fragmentation_index(small, 3, 2), 650);
	/* F=1 B=1 R=2: 1000 - (1000 + 500)/1 = -500, the kernel's int of an unsigned result */
	assert_int_equal(pi_buddy_fragmentation_index(one, 2, 1), -500);
	/* F=200 B=150 R=4: 1000 - (1000 + 50000)/150 = 1000 - 340 = 660 */
	assert_int_equal(pi_buddy_fragmentation_index(mixed, 4, 2), 660);
	/* order beyond the last column: WARN_ON_ONCE and 0 */
	assert_int_equal(pi_buddy_fragmentation_index(mixed, 4, 4), 0);
}

static void test_derived_arrays(void **state)
{
	struct pi_buddy_derived d;
	static const uint64_t mixed[4] = {100, 50, 0, 0};

	pi_buddy_derive(mixed, 4, &d);
	assert_int_equal(d.free_pages, 200);
	assert_int_equal(d.largest_free_order, 1);
	assert_int_equal(d.fragmentation[0], -1000);
	assert_int_equal(d.fragmentation[1], -1000);
	assert_int_equal(d.fragmentation[2], 660);
	/* order 3: R=8: 1000 - (1000 + 25000)/150 = 1000 - 173 = 827 */
	assert_int_equal(d.fragmentation[3], 827);
	/* unusable order 1: (200 - 50*2)*1000/200 = 500; order 2: all 1000 */
	assert_int_equal(d.unusable[1], 500);
	assert_int_equal(d.unusable[2], 1000);
}

static void test_wrapping_like_the_kernel(void **state)
{
	/* Absurd counts wrap in unsigned long as in the kernel (no UB; UBSan runs this suite):
	 * F = (2^64 - 1) * (1 + 2 + 4) mod 2^64 = 2^64 - 7 */
	static const uint64_t huge[3] = {UINT64_MAX, UINT64_MAX, UINT64_MAX};
	struct pi_buddy_derived d;

	pi_buddy_derive(huge, 3, &d);
	assert_true(d.free_pages == UINT64_MAX - 6);
	assert_int_equal(d.fragmentation[2], -1000);
}

/* The one-pass derive() must agree with the per-order functions, which follow mm/vmstat.c
 * line by line, on every input: pseudo-random counts of every magnitude, 1..20 orders. */
static void test_derive_matches_per_order(void **state)
{
	uint64_t x = 88172645463325252ull;

	for (int iter = 0; iter < 20000; iter++) {
		uint64_t n[20];
		unsigned norders = 1 + (unsigned)(iter % 20);
		struct pi_buddy_derived d;

		for (unsigned k = 0; k < norders; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* mostly small counts, many zeros, a few huge ones */
			n[k] = (x % 4 == 0) ? 0 : (x % 97 == 0) ? x >> (x % 64) : (x >> 40) % 5000;
		}
		pi_buddy_derive(n, norders, &d);
		for (unsigned k = 0; k < norders; k++) {
			assert_int_equal(d.unusable[k], pi_buddy_unusable_index(n, norders, k));
			assert_int_equal(d.fragmentation[k],
					 pi_buddy_fragmentation_index(n, norders, k));
		}
	}
}

/* The same on counts of every magnitude up to where the derive's double-multiply division
 * hands over to the integer one (numerators near 2^50) and beyond: free_pages from a few
 * pages to 2^60, every quotient checked against the per-order functions. */
static void test_derive_matches_per_order_magnitudes(void **state)
{
	uint64_t x = 0x9E3779B97F4A7C15ull;

	for (int iter = 0; iter < 200000; iter++) {
		uint64_t n[11];
		unsigned norders = 1 + (unsigned)(iter % 11);
		unsigned mag = (unsigned)(iter / 11) % 52;
		struct pi_buddy_derived d;

		for (unsigned k = 0; k < norders; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			n[k] = (x % 5 == 0) ? 0 : x >> (63 - mag);
		}
		pi_buddy_derive(n, norders, &d);
		for (unsigned k = 0; k < norders; k++) {
			assert_int_equal(d.unusable[k], pi_buddy_unusable_index(n, norders, k));
			assert_int_equal(d.fragmentation[k],
					 pi_buddy_fragmentation_index(n, norders, k));
		}
		for (unsigned k = norders; k < PI_MAX_ORDERS; k++)
			assert_true(d.unusable[k] == 0 && d.fragmentation[k] == 0);
	}
}

static void test_watermark_ok(void **state)
{
	/* free 1000, order 0, min 500, protection 0 -> 1000 > 500 */
	assert_true(pi_watermark_ok(1000, 0, 0, 500, 0));
	/* equal is not enough: the kernel fails when free <= mark + reserve */
	assert_false(pi_watermark_ok(500, 0, 0, 500, 0));
	/* order 3 subtracts 7 pages: 507 - 7 = 500 -> fails; 508 passes */
	assert_false(pi_watermark_ok(507, 0, 3, 500, 0));
	assert_true(pi_watermark_ok(508, 0, 3, 500, 0));
	/* free CMA pages are not usable: 1000 - 600 = 400 <= 500 */
	assert_false(pi_watermark_ok(1000, 600, 0, 500, 0));
	/* lowmem protection adds to the mark */
	assert_false(pi_watermark_ok(1000, 0, 0, 500, 500));
	assert_true(pi_watermark_ok(1001, 0, 0, 500, 500));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_free_pages_and_largest_order),
	    cmocka_unit_test(test_unusable_index),
	    cmocka_unit_test(test_fragmentation_index),
	    cmocka_unit_test(test_derived_arrays),
	    cmocka_unit_test(test_wrapping_like_the_kernel),
	    cmocka_unit_test(test_derive_matches_per_order),
	    cmocka_unit_test(test_derive_matches_per_order_magnitudes),
	    cmocka_unit_test(test_watermark_ok),
	};
	return cmocka_run_group_tests_name("buddy_math", tests, NULL, NULL);
}
