/* pagetypeinfo: every fixture round-trips byte for byte; hand-checked values; format traps
 * (repeated per-node blocks, ">100000", "<NULL>", 4..6 types in any order, 14 orders, mixed
 * blocks, wide counts); precise errors; hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pagetypeinfo.h"
#include "testutil.h"

/* Parse a copy of exactly len bytes (no NUL after it), so ASan catches any read past len. */
static int parse_exact(const char *s, size_t len, struct pi_pagetypeinfo **ret, struct pi_perr *e)
{
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, s, len);
	r = pi_pagetypeinfo_parse(copy, len, ret, e);
	free(copy);
	return r;
}

static struct pi_pagetypeinfo *parse_ok(const char *s)
{
	struct pi_pagetypeinfo *p = NULL;
	struct pi_perr e = {0};
	int r = parse_exact(s, strlen(s), &p, &e);

	if (r < 0)
		fail_msg("parse failed: %s:%u: %s", e.source, e.line, e.reason);
	return p;
}

/* What the fuzz target will check: parse ok => render ok => parse(render) ok and renders the
 * same bytes. Returns the parse result. */
static int check_fixpoint(const char *in, size_t len)
{
	struct pi_pagetypeinfo *p = NULL, *q = NULL;
	struct pi_buf a, b;
	int r = parse_exact(in, len, &p, NULL);

	if (r < 0)
		return r;
	pi_buf_init(&a, 0);
	pi_buf_init(&b, 0);
	assert_int_equal(pi_pagetypeinfo_render(p, &a), 0);
	assert_int_equal(parse_exact(a.data, a.len, &q, NULL), 0);
	assert_int_equal(pi_pagetypeinfo_render(q, &b), 0);
	pt_assert_same_bytes(b.data, b.len, a.data, a.len, "render(parse(render(x)))");
	pi_buf_fini(&a);
	pi_buf_fini(&b);
	pi_pagetypeinfo_free(p);
	pi_pagetypeinfo_free(q);
	return 0;
}

static void assert_round_trip(const char *in, const char *what)
{
	struct pi_pagetypeinfo *p = parse_ok(in);
	struct pi_buf out;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_pagetypeinfo_render(p, &out), 0);
	pt_assert_same_bytes(out.data, out.len, in, strlen(in), what);
	pi_buf_fini(&out);
	pi_pagetypeinfo_free(p);
}

static void test_all_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0;

	for (char **s = samples; *s; s++) {
		size_t len;
		char *in = pt_fixture_read(*s, "pagetypeinfo", &len);
		struct pi_pagetypeinfo *p = NULL;
		struct pi_perr e = {0};
		struct pi_buf out;

		if (!in)
			continue;
		seen++;
		if (parse_exact(in, len, &p, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		assert_int_equal(p->norders, 11); /* every capture here is a 4 KiB-page kernel */
		assert_true(p->ntypes >= 4 && p->ntypes <= 6);
		assert_true(p->nnodes >= 1);
		assert_false(p->nodes[0].has_mixed); /* no public capture has the section */
		pi_buf_init(&out, 0);
		assert_int_equal(pi_pagetypeinfo_render(p, &out), 0);
		if (!pt_fixture_edited(*s, "pagetypeinfo"))
			pt_assert_same_bytes(out.data, out.len, in, len, *s);
		pi_buf_fini(&out);
		pi_pagetypeinfo_free(p);
		assert_int_equal(check_fixpoint(in, len), 0);
		free(in);
	}
	assert_int_equal(seen, 12);
	pt_strv_free(samples);
}

static struct pi_pagetypeinfo *fixture(const char *sample)
{
	size_t len;
	char *in = pt_fixture_read(sample, "pagetypeinfo", &len);
	struct pi_pagetypeinfo *p = NULL;

	assert_non_null(in);
	assert_int_equal(parse_exact(in, len, &p, NULL), 0);
	free(in);
	return p;
}

static void assert_free_counts(const struct pi_pt_free_row *f, const uint64_t *want, unsigned n)
{
	assert_non_null(f);
	for (unsigned k = 0; k < n; k++) {
		assert_int_equal(f->counts[k].n, want[k]);
		assert_false(f->counts[k].capped);
	}
}

static void test_lkml_fb_310_two_nodes(void **state)
{
	struct pi_pagetypeinfo *p = fixture("lkml-fb-3.10-x86_64-numa2");
	const struct pi_pt_free_row *f;
	const struct pi_pt_block_row *b;
	static const uint64_t dma32_blocks[5] = {96, 21, 898, 1, 0}; /* line 23 */
	static const char *const types[5] = {"Unmovable", "Reclaimable", "Movable", "Reserve",
					     "Isolate"};

	assert_int_equal(p->nnodes, 2); /* header block repeated at line 25 for node 1 */
	assert_int_equal(p->ntypes, 5);
	for (unsigned t = 0; t < 5; t++)
		assert_string_equal(p->types[t], types[t]);
	assert_int_equal(p->nodes[0].pageblock_order, 9);
	assert_int_equal(p->nodes[0].pages_per_block, 512);
	assert_int_equal(p->nodes[1].pageblock_order, 9);
	assert_int_equal(p->nodes[0].nfree, 15); /* 3 zones x 5 types */
	assert_int_equal(p->nodes[0].nblocks, 3);
	assert_int_equal(p->nodes[1].nfree, 5);
	assert_int_equal(p->nodes[1].nblocks, 1);
	assert_int_equal(p->nodes[1].free[0].node, 1);
	assert_string_equal(p->nodes[1].free[0].zone, "Normal");

	/* line 31: "Node    1, zone   Normal, type      Movable      1   2919   1131      0 ..." */
	f = pi_pagetypeinfo_find_free(p, 1, "Normal", 2);
	assert_ptr_equal(f, &p->nodes[1].free[2]);
	assert_int_equal(f->type, 2);
	assert_int_equal(f->counts[0].n, 1);
	assert_int_equal(f->counts[1].n, 2919);
	assert_int_equal(f->counts[2].n, 1131);
	assert_int_equal(f->counts[10].n, 0);
	/* line 16: node 0 Normal Reclaimable order 0 = 4549 */
	f = pi_pagetypeinfo_find_free(p, 0, "Normal", 1);
	assert_non_null(f);
	assert_int_equal(f->counts[0].n, 4549);
	/* line 36: "Node 1, zone   Normal          868          433        31465            2 ..."
	 */
	b = pi_pagetypeinfo_find_blocks(p, 1, "Normal");
	assert_ptr_equal(b, &p->nodes[1].blocks[0]);
	assert_int_equal(b->counts[0], 868);
	assert_int_equal(b->counts[2], 31465);
	b = pi_pagetypeinfo_find_blocks(p, 0, "DMA32");
	assert_non_null(b);
	assert_memory_equal(b->counts, dma32_blocks, sizeof(dma32_blocks));

	/* misses */
	assert_null(pi_pagetypeinfo_find_free(p, 1, "DMA", 0));	   /* node 1 has only Normal */
	assert_null(pi_pagetypeinfo_find_free(p, 0, "Normal", 5)); /* type out of range */
	assert_null(pi_pagetypeinfo_find_free(p, 0, NULL, 0));
	assert_null(pi_pagetypeinfo_find_blocks(p, 2, "Normal"));
	assert_null(pi_pagetypeinfo_find_blocks(p, 0, "HighMem"));
	assert_int_equal(pi_pagetypeinfo_find_type(p, "Reserve"), 3);
	assert_int_equal(pi_pagetypeinfo_find_type(p, "CMA"), -1);
	pi_pagetypeinfo_free(p);
}

static void test_lkml_fb_40_six_digit_counts(void **state)
{
	struct pi_pagetypeinfo *p = fixture("lkml-fb-4.0-x86_64-numa2");
	const struct pi_pt_free_row *f;

	assert_int_equal(p->nnodes, 2);
	assert_int_equal(p->ntypes, 6);
	assert_string_equal(p->types[4], "CMA");
	/* line 17: "Node    0, zone   Normal, type    Unmovable 115050  40237   3785" (fills %6lu)
	 */
	f = pi_pagetypeinfo_find_free(p, 0, "Normal", 0);
	assert_non_null(f);
	assert_int_equal(f->counts[0].n, 115050);
	assert_int_equal(f->counts[1].n, 40237);
	/* line 32: node 1 Normal Unmovable order 0 = 58723 */
	assert_int_equal(pi_pagetypeinfo_find_free(p, 1, "Normal", 0)->counts[0].n, 58723);
	/* line 40: "Node 1, zone   Normal         3903         3518        25345" */
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 1, "Normal")->counts[2], 25345);
	pi_pagetypeinfo_free(p);
}

static void test_local_618_values(void **state)
{
	struct pi_pagetypeinfo *p = fixture("local-6.18-x86_64");
	static const uint64_t normal_movable[11] = {0, 1, 1, 2, 4, 12, 11, 11, 4, 3, 23}; /* l.16 */
	static const uint64_t normal_blocks[5] = {58, 312, 14, 0, 0};			  /* l.24 */
	int mov = pi_pagetypeinfo_find_type(p, "Movable");

	assert_int_equal(p->nnodes, 1);
	assert_int_equal(p->nodes[0].pageblock_order, 9);
	assert_int_equal(p->nodes[0].pages_per_block, 512);
	assert_int_equal(p->ntypes, 5); /* 4.4+ order, no CMA */
	assert_int_equal(mov, 1);	/* swapped with Reclaimable since 4.4 */
	assert_string_equal(p->types[3], "HighAtomic");
	assert_int_equal(p->nodes[0].nfree, 15);
	assert_free_counts(pi_pagetypeinfo_find_free(p, 0, "Normal", (unsigned)mov), normal_movable,
			   11);
	/* line 11: DMA32 Movable order 10 = 752 */
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "DMA32", (unsigned)mov)->counts[10].n,
			 752);
	assert_memory_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts, normal_blocks,
			    sizeof(normal_blocks));
	pi_pagetypeinfo_free(p);
}

static void test_xilinx_order10_cma(void **state)
{
	struct pi_pagetypeinfo *p = fixture("xilinx-zynq-armv7-4.4");
	static const uint64_t cma[11] = {0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 3}; /* line 9 */
	int t = pi_pagetypeinfo_find_type(p, "CMA");

	assert_int_equal(p->nodes[0].pageblock_order, 10); /* line 1 */
	assert_int_equal(p->nodes[0].pages_per_block, 1024);
	assert_int_equal(p->ntypes, 6);
	assert_int_equal(t, 4);
	assert_free_counts(pi_pagetypeinfo_find_free(p, 0, "Normal", 4), cma, 11);
	/* line 13: "Node 0, zone   Normal            3           55            2            0
	 * 4            0" */
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts[4], 4);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts[1], 55);
	pi_pagetypeinfo_free(p);
}

static void test_vendor_order_and_four_types(void **state)
{
	struct pi_pagetypeinfo *p = fixture("qcom-armv7-3.18-jmr540");
	static const uint64_t blocks[6] = {5, 2, 34, 2, 1, 0}; /* line 13 */
	static const char *const qcom[6] = {"Unmovable", "Reclaimable", "Movable",
					    "CMA",	 "Reserve",	"Isolate"}; /* line 12 */

	assert_int_equal(p->ntypes, 6);
	for (unsigned t = 0; t < 6; t++)
		assert_string_equal(p->types[t], qcom[t]);
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "Normal", 3)->counts[9].n, 2); /* l.8 */
	assert_memory_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts, blocks,
			    sizeof(blocks));
	pi_pagetypeinfo_free(p);

	p = fixture("chromeos-6.6-x86_64");
	assert_int_equal(p->ntypes, 4); /* no CMA, no Isolate */
	assert_string_equal(p->types[3], "HighAtomic");
	assert_int_equal(pi_pagetypeinfo_find_type(p, "Isolate"), -1);
	assert_int_equal(p->nodes[0].pageblock_order, 10);
	assert_int_equal(p->nodes[0].nfree, 12);
	/* line 14: Normal Movable "10656   8282   1910 ... 378" */
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "Normal", 1)->counts[0].n, 10656);
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "Normal", 1)->counts[10].n, 378);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts[1], 1337); /* l.21 */
	pi_pagetypeinfo_free(p);

	p = fixture("android-armv7-3.4-highmem");
	/* line 12: "Node    0, zone  HighMem, type      Movable   1774    664" */
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "HighMem", 2)->counts[0].n, 1774);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "HighMem")->counts[2], 102);
	pi_pagetypeinfo_free(p);
}

/* 5.4+: a free list walk stops at 100000 and prints ">100000" (no capture has it). Also a
 * 7-digit count that is wider than "%6lu" and "%12lu"-filling block counts. */
static const char capped[] =
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2      3      4      5      6 "
    "     7      8      9     10 \n"
    "Node    0, zone   Normal, type    Unmovable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type      Movable >100000 >100000  99999 1234567      0      0      "
    "0 "
    "     0      0      0      7 \n"
    "Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "\n"
    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
    "Node 0, zone   Normal           10 123456789012            3            0            0 \n";

static void test_capped_counts(void **state)
{
	struct pi_pagetypeinfo *p = parse_ok(capped);
	const struct pi_pt_free_row *f = pi_pagetypeinfo_find_free(p, 0, "Normal", 1);

	assert_non_null(f);
	assert_int_equal(f->counts[0].n, PI_PT_CAP);
	assert_true(f->counts[0].capped);
	assert_int_equal(f->counts[1].n, 100000);
	assert_true(f->counts[1].capped);
	assert_int_equal(f->counts[2].n, 99999);
	assert_false(f->counts[2].capped);
	assert_int_equal(f->counts[3].n, 1234567); /* wider than the field */
	assert_false(f->counts[3].capped);
	assert_int_equal(f->counts[10].n, 7);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts[1], 123456789012ULL);
	pi_pagetypeinfo_free(p);
	assert_round_trip(capped, "capped");
}

/* 2.6.24/25: the isolate type had no name; vsprintf printed "<NULL>" in the %12s field. */
static const char null_type[] =
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2      3      4      5      6 "
    "     7      8      9     10 \n"
    "Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone      DMA, type      Reserve      0      0      0      0      0      0      0 "
    "     0      0      1      0 \n"
    "Node    0, zone      DMA, type       <NULL>      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type    Unmovable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type      Reserve      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type       <NULL>      0      0      0      0      0      0      0 "
    "     0      0      0      1 \n"
    "\n"
    "Number of blocks type     Unmovable  Reclaimable      Movable      Reserve       <NULL> \n"
    "Node 0, zone      DMA            1            0            2            1            0 \n"
    "Node 0, zone   Normal          100           20         1000            2            1 \n";

static void test_null_type_name(void **state)
{
	struct pi_pagetypeinfo *p = parse_ok(null_type);

	assert_int_equal(p->ntypes, 5);
	assert_string_equal(p->types[4], "<NULL>");
	assert_int_equal(pi_pagetypeinfo_find_type(p, "<NULL>"), 4);
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "Normal", 4)->counts[10].n, 1);
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "DMA", 3)->counts[9].n, 1);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts[4], 1);
	pi_pagetypeinfo_free(p);
	assert_round_trip(null_type, "<NULL>");
}

/* 14 orders (arm64 64 KiB pages / ARCH_FORCE_MAX_ORDER), pageblock order 13. */
static const char fourteen[] =
    "Page block order: 13\n"
    "Pages per block:  8192\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2      3      4      5      6 "
    "     7      8      9     10     11     12     13 \n"
    "Node    0, zone   Normal, type    Unmovable      0      0      0      0      0      0      0 "
    "     0      0      0      0      0      0      0 \n"
    "Node    0, zone   Normal, type      Movable      1      2      3      4      5      6      7 "
    "     8      9     10     11     12     13     14 \n"
    "Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0 "
    "     0      0      0      0      0      0      0 \n"
    "Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0 "
    "     0      0      0      0      0      0      0 \n"
    "Node    0, zone   Normal, type          CMA      0      0      0      0      0      0      0 "
    "     0      0      0      0      0      0      0 \n"
    "Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0 "
    "     0      0      0      0      0      0      0 \n"
    "\n"
    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA "
    "     Isolate \n"
    "Node 0, zone   Normal            3           40            1            0            8 "
    "           0 \n";

static void test_fourteen_orders(void **state)
{
	struct pi_pagetypeinfo *p = parse_ok(fourteen);
	const struct pi_pt_free_row *f = pi_pagetypeinfo_find_free(p, 0, "Normal", 1);

	assert_int_equal(p->norders, 14);
	assert_int_equal(p->nodes[0].pageblock_order, 13);
	assert_int_equal(p->nodes[0].pages_per_block, 8192);
	for (unsigned k = 0; k < 14; k++)
		assert_int_equal(f->counts[k].n, k + 1);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts[4], 8);
	pi_pagetypeinfo_free(p);
	assert_round_trip(fourteen, "14 orders");
}

/* CONFIG_PAGE_OWNER with page_owner=on: "Number of mixed blocks" after the block counts, in
 * each node block; sparse node ids (0 and 2). No public capture exists. */
static const char mixed[] =
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2      3      4      5      6 "
    "     7      8      9     10 \n"
    "Node    0, zone    DMA32, type    Unmovable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone    DMA32, type      Movable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone    DMA32, type  Reclaimable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone    DMA32, type   HighAtomic      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone    DMA32, type      Isolate      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type    Unmovable      5      4      3      2      1      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "\n"
    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
    "Node 0, zone    DMA32            1          700            0            0            0 \n"
    "Node 0, zone   Normal           60          300           12            0            0 \n"
    "\n"
    "Number of mixed blocks    Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
    "Node 0, zone    DMA32            0            3            0            0            0 \n"
    "Node 0, zone   Normal            7           11            2            0            0 \n"
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2      3      4      5      6 "
    "     7      8      9     10 \n"
    "Node    2, zone   Normal, type    Unmovable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    2, zone   Normal, type      Movable      9      8      7      6      5      4      3 "
    "     2      1      0     42 \n"
    "Node    2, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    2, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "Node    2, zone   Normal, type      Isolate      0      0      0      0      0      0      0 "
    "     0      0      0      0 \n"
    "\n"
    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
    "Node 2, zone   Normal           20         1000            5            0            0 \n"
    "\n"
    "Number of mixed blocks    Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
    "Node 2, zone   Normal            1            0            0            0            0 \n";

static void test_mixed_blocks(void **state)
{
	struct pi_pagetypeinfo *p = parse_ok(mixed);
	static const uint64_t mixed_normal[5] = {7, 11, 2, 0, 0};

	assert_int_equal(p->nnodes, 2);
	assert_true(p->nodes[0].has_mixed);
	assert_true(p->nodes[1].has_mixed);
	assert_int_equal(p->nodes[0].nblocks, 2);
	assert_int_equal(p->nodes[0].nmixed, 2);
	assert_int_equal(p->nodes[1].nmixed, 1);
	assert_string_equal(p->nodes[0].mixed[1].zone, "Normal");
	assert_memory_equal(p->nodes[0].mixed[1].counts, mixed_normal, sizeof(mixed_normal));
	assert_int_equal(p->nodes[1].mixed[0].node, 2);
	assert_int_equal(p->nodes[1].mixed[0].counts[0], 1);
	/* find_blocks returns the block counts, never the mixed row of the same zone */
	assert_ptr_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal"), &p->nodes[0].blocks[1]);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 0, "Normal")->counts[0], 60);
	assert_int_equal(pi_pagetypeinfo_find_blocks(p, 2, "Normal")->counts[1], 1000);
	assert_int_equal(pi_pagetypeinfo_find_free(p, 2, "Normal", 1)->counts[10].n, 42);
	assert_int_equal(pi_pagetypeinfo_find_free(p, 0, "Normal", 0)->counts[0].n, 5);
	assert_null(pi_pagetypeinfo_find_free(p, 1, "Normal", 0));
	pi_pagetypeinfo_free(p);
	assert_round_trip(mixed, "mixed blocks");

	/* Section header present but no zone printed a row. */
	assert_round_trip("Page block order: 9\n"
			  "Pages per block:  512\n"
			  "\n"
			  "Free pages count per migrate type at order       0 \n"
			  "Node    0, zone   Normal, type    Unmovable      1 \n"
			  "\n"
			  "Number of blocks type     Unmovable \n"
			  "Node 0, zone   Normal            1 \n"
			  "\n"
			  "Number of mixed blocks    Unmovable \n",
			  "empty mixed");
}

static void test_wide_fields(void **state)
{
	/* Node ids wider than %4d, zone names wider than %8s, type names wider than %12s. */
	const char *in = "Page block order: 9\n"
			 "Pages per block:  512\n"
			 "\n"
			 "Free pages count per migrate type at order       0      1 \n"
			 "Node 12345, zone LongZoneName, type VeryLongTypeName      1 1000000 \n"
			 "Node 12345, zone LongZoneName, type          CMA      2      3 \n"
			 "\n"
			 "Number of blocks type  VeryLongTypeName          CMA \n"
			 "Node 12345, zone LongZoneName            1            2 \n";
	struct pi_pagetypeinfo *p = parse_ok(in);

	assert_int_equal(p->nodes[0].free[0].node, 12345);
	assert_string_equal(p->nodes[0].free[0].zone, "LongZoneName");
	assert_string_equal(p->types[0], "VeryLongTypeName");
	assert_int_equal(p->nodes[0].free[0].counts[1].n, 1000000);
	pi_pagetypeinfo_free(p);
	assert_round_trip(in, "wide fields");
}

static void test_lenient_whitespace(void **state)
{
	/* Trailing spaces stripped, no final newline, "> 5": parses; renders canonically. */
	const char *in = "Page block order: 10\n"
			 "Pages per block:  1024\n"
			 "\n"
			 "Free pages count per migrate type at order 0 1\n"
			 "Node 0, zone Normal, type Unmovable 1 > 5\n"
			 "\n"
			 "Number of blocks type Unmovable\n"
			 "Node 0, zone Normal 3";
	const char *canon = "Page block order: 10\n"
			    "Pages per block:  1024\n"
			    "\n"
			    "Free pages count per migrate type at order       0      1 \n"
			    "Node    0, zone   Normal, type    Unmovable      1 >     5 \n"
			    "\n"
			    "Number of blocks type     Unmovable \n"
			    "Node 0, zone   Normal            3 \n";
	struct pi_pagetypeinfo *p = parse_ok(in);
	struct pi_buf out;

	assert_int_equal(p->norders, 2);
	assert_true(p->nodes[0].free[0].counts[1].capped);
	assert_int_equal(p->nodes[0].free[0].counts[1].n, 5);
	assert_int_equal(p->nodes[0].blocks[0].counts[0], 3);
	pi_buf_init(&out, 0);
	assert_int_equal(pi_pagetypeinfo_render(p, &out), 0);
	pt_assert_same_bytes(out.data, out.len, canon, strlen(canon), "canonical");
	pi_buf_fini(&out);
	pi_pagetypeinfo_free(p);
	assert_int_equal(check_fixpoint(in, strlen(in)), 0);
}

static void expect_error(const char *in, int err, unsigned line, const char *reason_part)
{
	struct pi_pagetypeinfo *p = (void *)0x1;
	struct pi_perr e = {0};

	assert_int_equal(parse_exact(in, strlen(in), &p, &e), err);
	assert_ptr_equal(p, (void *)0x1); /* output untouched on failure */
	assert_string_equal(e.source, "pagetypeinfo");
	if (e.line != line || !strstr(e.reason, reason_part))
		fail_msg("got line %u \"%s\", want line %u with \"%s\"", e.line, e.reason, line,
			 reason_part);
}

/* A small valid node block: 2 orders, types A B, zones Z1 Z2. */
#define HEAD	"Page block order: 9\nPages per block:  512\n\n"
#define FH	"Free pages count per migrate type at order       0      1 \n"
#define F(z, t) "Node    0, zone " z ", type " t "      1      2 \n"
#define BH	"\nNumber of blocks type             A            B \n"
#define B(z)	"Node 0, zone " z "            1            2 \n"
#define GOOD	HEAD FH F("Z1", "A") F("Z1", "B") F("Z2", "A") F("Z2", "B") BH B("Z1") B("Z2")

static void test_errors(void **state)
{
	struct pi_pagetypeinfo *p = parse_ok(GOOD);

	assert_int_equal(p->nodes[0].nfree, 4);
	pi_pagetypeinfo_free(p);

	expect_error("", -ENODATA, 0, "empty");
	expect_error("Node 0, zone   Normal      1 \n", -EINVAL, 1, "Page block order");
	expect_error("Page block order: x\n", -EINVAL, 1, "not a number");
	expect_error("Page block order: 2147483648\n", -ERANGE, 1, "out of range");
	expect_error("Page block order: 9 9\n", -EINVAL, 1, "unexpected text");
	expect_error("Page block order: 9\nPages per block: 99999999999999999999\n", -ERANGE, 2,
		     "overflows");
	expect_error("Page block order: 9\n\n", -EINVAL, 2, "Pages per block");
	expect_error(HEAD "x\n", -EINVAL, 4, "Free pages count");
	expect_error("Page block order: 9\nPages per block:  512\nFree\n", -EINVAL, 3,
		     "empty line");
	expect_error(HEAD "Free pages count per migrate type at order       0      2 \n", -EINVAL,
		     4, "where order 1 belongs");
	expect_error(HEAD "Free pages count per migrate type at order \n", -EINVAL, 4, "no orders");
	expect_error(HEAD "Free pages count per migrate type at order\t0\n", -EINVAL, 4,
		     "expected a space");
	/* Counts per free row must match the header. */
	expect_error(HEAD FH "Node    0, zone Z1, type A      1 \n", -EINVAL, 5,
		     "1 counts, but line 4 lists 2 orders");
	expect_error(HEAD FH "Node    0, zone Z1, type A      1 2 3 \n", -EINVAL, 5,
		     "more than 2 counts");
	expect_error(HEAD FH "Node    0, zone Z1, type A      1 99999999999999999999 \n", -ERANGE,
		     5, "order 1: count overflows");
	expect_error(HEAD FH "Node    0, zone Z1, type A      1 -2 \n", -EINVAL, 5,
		     "order 1: not a number");
	expect_error(HEAD FH "Node    0, zone Z1, type A      1 2x \n", -EINVAL, 5,
		     "expected a space before order 2");
	expect_error(HEAD FH "Node    0, zone Z1 type A 1 2\n", -EINVAL, 5, "\", type \"");
	expect_error(HEAD FH "Node   -1, zone Z1, type A 1 2\n", -EINVAL, 5, "node id");
	expect_error(HEAD FH "Node    0, zone ThisZoneNameIsTooLong, type A 1 2\n", -EINVAL, 5,
		     "zone name");
	expect_error(HEAD FH "Node    0, zone Z1, type ThisMigrateTypeNameIsFarFarTooLong 1 2\n",
		     -EINVAL, 5, "migrate type");
	/* Type names are checked against the blocks header (line 8), at the row's line. */
	expect_error(HEAD FH F("Z1", "A") F("Z1", "C") BH, -EINVAL, 6,
		     "type \"C\" where line 8 lists \"B\" as type 1");
	expect_error(HEAD FH F("Z1", "B") F("Z1", "A") BH, -EINVAL, 5, "type \"B\" where line 8");
	expect_error(HEAD FH F("Z1", "A") F("Z2", "A") F("Z2", "B") BH, -EINVAL, 6,
		     "zone Z1 lists 1 of 2 migrate types");
	expect_error(HEAD FH F("Z1", "A") F("Z1", "B") F("Z1", "A") F("Z1", "B") BH, -EINVAL, 7,
		     "zone Z1 lists more than 2 migrate types");
	expect_error(HEAD FH F("Z1", "A") F("Z1", "B") F("Z2", "A") BH, -EINVAL, 7,
		     "zone Z2 lists 1 of 2 migrate types");
	expect_error(HEAD FH F("Z1", "A") "Node    1, zone Z1, type B      1      2 \n" BH, -EINVAL,
		     6, "node 0 zone Z1 lists 1 of 2");
	/* Section structure. */
	expect_error(HEAD FH F("Z1", "A") F("Z1", "B"), -EINVAL, 6, "unexpected end of file");
	expect_error(HEAD FH F("Z1", "A") F("Z1", "B") "\nNode 0, zone Z1 1 2\n", -EINVAL, 8,
		     "Number of blocks type");
	expect_error(HEAD FH F("Z1", "A") F("Z1", "B") "\nNumber of blocks type \n", -EINVAL, 8,
		     "no migrate types");
	expect_error(HEAD FH F("Z1", "A") F("Z1", "B") "\nNumber of blocks type 1 2 3 4 5 6 7 8 9 "
						       "10 11 12 13 14 15 16 17\n",
		     -E2BIG, 8, "more than 16 migrate types");
	expect_error(GOOD "Node 0, zone Z3 1\n", -EINVAL, 13, "1 counts, but line 10 lists 2");
	expect_error(GOOD "Node 0, zone Z3 1 2 3\n", -EINVAL, 13, "more than 2 counts");
	expect_error(GOOD "Node 0, zone Z3 1 99999999999999999999\n", -ERANGE, 13, "overflows");
	expect_error(GOOD "garbage\n", -EINVAL, 13, "expected a block count row");
	expect_error(GOOD "\n", -EINVAL, 13, "unexpected end of file");
	expect_error(GOOD "\nNumber of mixed blocks A\n", -EINVAL, 14,
		     "1 migrate types, but line 10 lists 2");
	expect_error(GOOD "\nNumber of mixed blocks    A    C\n", -EINVAL, 14,
		     "migrate type 1 is \"C\", but line 10 lists \"B\"");
	expect_error(GOOD "\nNumber of mixed blocks    A    B\n\n", -EINVAL, 15,
		     "expected a mixed block count row");
	/* The second node block must repeat the first one's headers. */
	expect_error(GOOD HEAD "Free pages count per migrate type at order       0 \n", -EINVAL, 16,
		     "1 orders, but line 4 lists 2");
	expect_error(GOOD HEAD FH "\nNumber of blocks type    B    A\n", -EINVAL, 18,
		     "migrate type 0 is \"B\", but line 10 lists \"A\"");
	expect_error(GOOD "Page block order: 9\n", -EINVAL, 13,
		     "unexpected end of file: expected \"Pages per block:\"");
}

static void test_limits(void **state)
{
	struct pi_buf in;
	unsigned k;

	/* 64 orders parse; 65 are -E2BIG. */
	pi_buf_init(&in, 0);
	pi_buf_puts(&in, HEAD "Free pages count per migrate type at order ");
	for (k = 0; k < PI_MAX_ORDERS; k++)
		pi_buf_printf(&in, "%6u ", k);
	pi_buf_puts(&in, "\nNode    0, zone Z1, type A ");
	for (k = 0; k < PI_MAX_ORDERS; k++)
		pi_buf_puts(&in, "     1 ");
	pi_buf_puts(&in, "\n\nNumber of blocks type     A \nNode 0, zone Z1 1 \n");
	assert_int_equal(check_fixpoint(in.data, in.len), 0);
	pi_buf_reset(&in);
	pi_buf_puts(&in, HEAD "Free pages count per migrate type at order ");
	for (k = 0; k <= PI_MAX_ORDERS; k++)
		pi_buf_printf(&in, "%6u ", k);
	pi_buf_putc(&in, '\n');
	expect_error(pi_buf_cstr(&in), -E2BIG, 4, "more than 64 orders");
	pi_buf_fini(&in);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* prefix, then `fill` up to len bytes: parse must give `want`. */
static void long_line(char *buf, size_t len, const char *prefix, char fill, int want)
{
	size_t n = strlen(prefix);

	memcpy(buf, prefix, n);
	for (size_t i = n; i < len; i++)
		buf[i] = fill;
	assert_int_equal(check_fixpoint(buf, len), want);
}

static void test_hostile_input(void **state)
{
	const size_t big = 10u << 20;
	char *buf = malloc(big + 64);
	static const char nuls[] = "Page block order: 9\0\nPages per block:  512\n";
	static const char *const seeds[] = {capped, null_type, fourteen, mixed};
	static const char alphabet[] = " \n0123456789>,<NULL>Node zone type\t\0";
	size_t i;

	assert_non_null(buf);
	/* NUL bytes and binary garbage */
	assert_int_equal(check_fixpoint(nuls, sizeof(nuls) - 1), -EINVAL);
	for (i = 0; i < 4096; i++)
		buf[i] = (char)next_rand();
	assert_true(check_fixpoint(buf, 4096) < 0);
	/* a 10 MiB line of one byte, of digits after the key, of spaces inside a row */
	long_line(buf, big, "", 'A', -EINVAL);
	long_line(buf, big, "", '\n', -EINVAL);
	long_line(buf, big, "Page block order: ", '9', -ERANGE);
	long_line(buf, big, HEAD FH "Node    0, zone Z1, type A ", ' ', -EINVAL); /* 0 counts */
	/* one huge zero fits in 64 bits, but it is only 1 of 2 counts */
	long_line(buf, big, HEAD FH "Node    0, zone Z1, type A ", '0', -EINVAL);
	/* Many small rows: a 10 MiB valid file (memory stays O(input)). */
	{
		struct pi_buf in;

		pi_buf_init(&in, 0);
		pi_buf_puts(&in, HEAD FH);
		while (in.len < big)
			pi_buf_puts(&in, F("Z1", "A") F("Z1", "B") F("Z2", "A") F("Z2", "B"));
		pi_buf_puts(&in, BH B("Z1"));
		assert_int_equal(check_fixpoint(in.data, in.len), 0);
		pi_buf_fini(&in);
	}
	/* Mutations of valid inputs: whatever parses must be a render fixpoint. */
	for (i = 0; i < 3000; i++) {
		const char *seed = seeds[i % 4];
		size_t len = strlen(seed), m, edits = 1 + next_rand() % 4;

		memcpy(buf, seed, len);
		for (m = 0; m < edits && len > 1; m++) {
			size_t at = next_rand() % len;

			switch (next_rand() % 3) {
			case 0: /* replace */
				buf[at] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
				break;
			case 1: /* delete */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default: /* truncate */
				len = at + 1;
				break;
			}
		}
		check_fixpoint(buf, len);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_fixtures_round_trip),
	    cmocka_unit_test(test_lkml_fb_310_two_nodes),
	    cmocka_unit_test(test_lkml_fb_40_six_digit_counts),
	    cmocka_unit_test(test_local_618_values),
	    cmocka_unit_test(test_xilinx_order10_cma),
	    cmocka_unit_test(test_vendor_order_and_four_types),
	    cmocka_unit_test(test_capped_counts),
	    cmocka_unit_test(test_null_type_name),
	    cmocka_unit_test(test_fourteen_orders),
	    cmocka_unit_test(test_mixed_blocks),
	    cmocka_unit_test(test_wide_fields),
	    cmocka_unit_test(test_lenient_whitespace),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_hostile_input),
	};
	return cmocka_run_group_tests_name("pagetypeinfo", tests, NULL, NULL);
}
