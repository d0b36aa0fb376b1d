/* zoneinfo: every fixture round-trips byte for byte; hand-checked values from every layout
 * era (2.6.1x pre-ZVC, 3.x, 4.8, 4.12+, 5.x backports, 6.7+); format traps; errors;
 * hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "zoneinfo.h"

static struct pi_zoneinfo *parse_ok(const char *s, size_t len)
{
	struct pi_zoneinfo *z = NULL;
	struct pi_perr e = {0};
	int r = pi_zoneinfo_parse(s, len, &z, &e);

	if (r < 0)
		fail_msg("parse failed (%d): %s:%u: %s", r, e.source, e.line, e.reason);
	return z;
}

/* parse -> render must give back exactly `s`. */
static struct pi_zoneinfo *round_trip(const char *s, const char *what)
{
	struct pi_zoneinfo *z = parse_ok(s, strlen(s));
	struct pi_buf out;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_zoneinfo_render(z, &out), 0);
	pt_assert_same_bytes(out.data, out.len, s, strlen(s), what);
	pi_buf_fini(&out);
	return z;
}

static struct pi_zoneinfo *fixture(const char *sample)
{
	size_t len;
	char *in = pt_fixture_read(sample, "zoneinfo", &len);
	struct pi_zoneinfo *z;

	if (!in)
		fail_msg("no fixture %s", sample);
	z = parse_ok(in, len);
	free(in);
	return z;
}

static const struct pi_zi_zone *find_zone(const struct pi_zoneinfo *z, int node, const char *name)
{
	for (size_t i = 0; i < z->nzones; i++)
		if (z->zones[i].node == node && !strcmp(z->zones[i].zone, name))
			return &z->zones[i];
	fail_msg("no zone %d %s", node, name);
	return NULL;
}

static uint64_t stat_of(const struct pi_zi_zone *zz, const char *name)
{
	const struct pi_zi_kv *kv = pi_zi_stat(zz, name);

	if (!kv)
		fail_msg("no counter %s in %s", name, zz->zone);
	return kv->value;
}

static uint64_t node_stat_of(const struct pi_zi_zone *zz, const char *name)
{
	const struct pi_zi_kv *kv = pi_zi_node_stat(zz, name);

	if (!kv)
		fail_msg("no per-node counter %s in %s", name, zz->zone);
	return kv->value;
}

#define assert_opt(o, val)                                                                         \
	do {                                                                                       \
		assert_int_equal((o).state, PI_OK);                                                \
		assert_int_equal((o).v, (val));                                                    \
	} while (0)
#define assert_absent(o) assert_int_equal((o).state, PI_ABSENT)

/* Shape of every capture: zones, "cpu:" records, counters (zone + per-node), as counted with
 * grep on the fixture text ("^Node", "cpu:", "^ {4}|{6}[a-z_]+ +[0-9]+$"). */
static const struct {
	const char *sample;
	size_t nzones, ncpu, ncounters;
} shapes[] = {
    {"android-armv7-3.4-highmem", 2, 2, 54},
    {"centos9-5.14-x86_64", 5, 2, 76},
    {"debian-5.10-x86_64-nonroot", 5, 4, 73},
    {"local-6.18-x86_64", 5, 6, 102},
    {"pcp-qa-meminfo-001-x86_64", 3, 24, 117},
    {"pcp-qa-meminfo-002-numa2-32cpu", 4, 128, 152},
    {"pcp-qa-meminfo-004-x86_64-4.8era", 3, 12, 89},
    {"pcp-qa-meminfo-005-movable-device", 5, 24, 88},
    {"pcp-qa-meminfo-006-x86_64-2cpu", 5, 6, 84},
    {"pcp-qa-meminfo-007-numa2-cma", 10, 32, 146},
    {"prometheus-node-exporter", 5, 24, 90},
    {"prometheus-procfs", 5, 24, 87},
    {"qcom-armv7-3.18-jmr540", 1, 1, 34},
    {"rhcos-4.18-x86_64", 5, 6, 84},
    {"sep4020-armv4t-2.6-old", 1, 2, 0},
    {"ubuntu-3.13-x86_64", 3, 24, 105},
    {"ubuntu-3.2-x86_64-8cpu", 3, 24, 99},
    {"xilinx-zynq-armv7-4.4", 1, 2, 33},
    {"zte-zx279128-armv7-4.1", 1, 2, 33},
};

static void test_all_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	size_t seen = 0;

	for (char **s = samples; *s; s++) {
		size_t len, ncpu = 0, ncounters = 0, k;
		char *in = pt_fixture_read(*s, "zoneinfo", &len);
		struct pi_zoneinfo *z = NULL, *z2 = NULL;
		struct pi_perr e = {0};
		struct pi_buf out, out2;

		if (!in)
			continue;
		seen++;
		if (pi_zoneinfo_parse(in, len, &z, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		pi_buf_init(&out, 0);
		assert_int_equal(pi_zoneinfo_render(z, &out), 0);
		if (!pt_fixture_edited(*s, "zoneinfo"))
			pt_assert_same_bytes(out.data, out.len, in, len, *s);
		/* and the rendering parses to the same rendering */
		assert_int_equal(pi_zoneinfo_parse(out.data, out.len, &z2, NULL), 0);
		pi_buf_init(&out2, 0);
		assert_int_equal(pi_zoneinfo_render(z2, &out2), 0);
		pt_assert_same_bytes(out2.data, out2.len, out.data, out.len, *s);

		for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++)
			if (!strcmp(shapes[k].sample, *s))
				break;
		if (k == sizeof(shapes) / sizeof(shapes[0]))
			fail_msg("%s: new fixture, add it to shapes[]", *s);
		for (size_t i = 0; i < z->nzones; i++) {
			const struct pi_zi_zone *zz = &z->zones[i];

			ncpu += zz->npagesets;
			ncounters += zz->nstats + zz->nnode_stats;
			/* every zone of every kernel has these */
			assert_int_equal(zz->pages_free.state, PI_OK);
			assert_int_equal(zz->min.state, PI_OK);
			assert_int_equal(zz->present.state, PI_OK);
			assert_true(zz->nprotection >= 2);
			assert_int_equal(zz->populated, zz->npagesets > 0);
		}
		if (z->nzones != shapes[k].nzones || ncpu != shapes[k].ncpu ||
		    ncounters != shapes[k].ncounters)
			fail_msg("%s: %zu zones %zu cpus %zu counters", *s, z->nzones, ncpu,
				 ncounters);
		pi_buf_fini(&out);
		pi_buf_fini(&out2);
		pi_zoneinfo_free(z);
		pi_zoneinfo_free(z2);
		free(in);
	}
	assert_int_equal(seen, sizeof(shapes) / sizeof(shapes[0]));
	pt_strv_free(samples);
}

static void test_local_618_values(void **state)
{
	struct pi_zoneinfo *z = fixture("local-6.18-x86_64");
	const struct pi_zi_zone *dma = &z->zones[0], *n = &z->zones[2], *mov = &z->zones[3];
	static const int64_t dma_prot[5] = {0, 3017, 3785, 3785, 3785};

	assert_int_equal(z->nzones, 5);
	assert_string_equal(n->zone, "Normal");
	/* lines 156-165 of the capture */
	assert_opt(n->pages_free, 28101);
	assert_opt(n->boost, 0);
	assert_opt(n->min, 3414);
	assert_opt(n->low, 4267);
	assert_opt(n->high, 5120);
	assert_opt(n->promo, 5973);
	assert_opt(n->spanned, 5505024);
	assert_opt(n->present, 5505024);
	assert_opt(n->managed, 196608);
	assert_opt(n->cma, 0);
	assert_int_equal(n->nprotection, 5); /* "protection: (0, 0, 0, 0, 0)" */
	for (int i = 0; i < 5; i++)
		assert_int_equal(n->protection[i], 0);
	assert_int_equal(stat_of(n, "nr_free_pages"), 28101);
	assert_int_equal(stat_of(n, "nr_free_pages_blocks"), 25600); /* 6.16+ counter */
	assert_int_equal(stat_of(n, "numa_hit"), 879111);
	assert_int_equal(stat_of(n, "numa_other"), 0); /* last counter */
	assert_int_equal(n->nstats, 17);
	assert_int_equal(n->nnode_stats, 0);
	assert_opt(n->start_pfn, 1048576);
	assert_opt(n->node_unreclaimable, 0);
	assert_true(n->populated);
	/* 6.7+ pagesets: cpu 1 of Normal */
	assert_int_equal(n->npagesets, 2);
	assert_int_equal(n->pagesets[1].cpu, 1);
	assert_int_equal(n->pagesets[1].pcp, -1);
	assert_opt(n->pagesets[1].count, 559);
	assert_opt(n->pagesets[1].high, 4464);
	assert_opt(n->pagesets[1].batch, 63);
	assert_opt(n->pagesets[1].high_min, 2133);
	assert_opt(n->pagesets[1].high_max, 12288);
	assert_opt(n->pagesets[1].stat_threshold, 16);

	/* DMA carries the node's 51 "per-node stats" lines (2-52) */
	assert_int_equal(dma->nnode_stats, 51);
	assert_int_equal(node_stat_of(dma, "nr_mapped"), 5036); /* "nr_mapped    5036" padded */
	assert_int_equal(node_stat_of(dma, "nr_inactive_anon"), 22637);
	assert_int_equal(node_stat_of(dma, "nr_kernel_file_pages"), 0);
	assert_null(pi_zi_stat(dma, "nr_mapped")); /* node counters are not zone counters */
	assert_null(pi_zi_node_stat(n, "nr_mapped"));
	assert_int_equal(dma->nprotection, 5);
	assert_memory_equal(dma->protection, dma_prot, sizeof(dma_prot));
	assert_opt(dma->start_pfn, 1);

	/* Movable: unpopulated, watermarks + protection only (lines 193-203) */
	assert_string_equal(mov->zone, "Movable");
	assert_false(mov->populated);
	assert_opt(mov->min, 32);
	assert_opt(mov->promo, 32);
	assert_opt(mov->managed, 0);
	assert_int_equal(mov->nstats, 0);
	assert_int_equal(mov->npagesets, 0);
	assert_null(mov->stats);
	assert_absent(mov->start_pfn);
	assert_null(pi_zi_stat(mov, "nr_free_pages"));
	pi_zoneinfo_free(z);
}

static void test_numa2_32cpu(void **state)
{
	struct pi_zoneinfo *z = fixture("pcp-qa-meminfo-002-numa2-32cpu");
	const struct pi_zi_zone *n1 = find_zone(z, 1, "Normal");
	size_t cpus = 0;

	for (size_t i = 0; i < z->nzones; i++)
		cpus += z->zones[i].npagesets;
	assert_int_equal(cpus, 128); /* 32 CPUs x 4 zones */
	/* lines 637-645 */
	assert_opt(n1->pages_free, 11093906);
	assert_opt(n1->min, 11288);
	assert_opt(n1->low, 14110);
	assert_opt(n1->high, 16932);
	assert_opt(n1->spanned, 16777216);
	assert_opt(n1->present, 16777216);
	assert_opt(n1->managed, 16514387);
	assert_absent(n1->boost);
	assert_absent(n1->cma);
	assert_absent(n1->node_unreclaimable);
	assert_int_equal(stat_of(n1, "nr_free_pages"), 11093906);
	assert_int_equal(stat_of(n1, "nr_alloc_batch"), 2575);
	assert_int_equal(stat_of(n1, "numa_interleave"), 35771);
	assert_int_equal(n1->nstats, 38);
	assert_int_equal(n1->nnode_stats, 0); /* pre-4.8: no per-node block */
	assert_int_equal(n1->nprotection, 4);
	assert_int_equal(n1->npagesets, 32);
	assert_int_equal(n1->pagesets[31].cpu, 31);
	assert_opt(n1->pagesets[31].count, 177);
	assert_opt(n1->pagesets[31].high, 186);
	assert_opt(n1->pagesets[31].batch, 31);
	assert_opt(n1->pagesets[31].stat_threshold, 120);
	assert_absent(n1->pagesets[31].high_min);
	assert_opt(n1->start_pfn, 17301504); /* "start_pfn:         17301504" */
	pi_zoneinfo_free(z);
}

static void test_unpopulated_movable_device(void **state)
{
	struct pi_zoneinfo *z = fixture("pcp-qa-meminfo-005-movable-device");
	const struct pi_zi_zone *mov = find_zone(z, 0, "Movable"), *dev = find_zone(z, 0, "Device");

	assert_false(mov->populated);
	assert_false(dev->populated);
	assert_opt(dev->pages_free, 0);
	assert_opt(dev->managed, 0);
	assert_int_equal(dev->nprotection, 5);
	assert_int_equal(dev->npagesets, 0);
	assert_true(find_zone(z, 0, "Normal")->populated);
	pi_zoneinfo_free(z);

	/* 007: node 1 DMA/DMA32 unpopulated, so its per-node block sits in Normal (line 292) */
	z = fixture("pcp-qa-meminfo-007-numa2-cma");
	assert_false(find_zone(z, 1, "DMA")->populated);
	assert_int_equal(find_zone(z, 1, "DMA")->nnode_stats, 0);
	assert_int_equal(node_stat_of(find_zone(z, 1, "Normal"), "nr_inactive_anon"), 22434);
	assert_opt(find_zone(z, 1, "Normal")->pages_free, 762548);
	assert_opt(find_zone(z, 1, "Normal")->cma, 0); /* cma without boost: 5.11-5.15 */
	assert_absent(find_zone(z, 1, "Normal")->boost);
	pi_zoneinfo_free(z);
}

static void test_oldest_pre_zvc(void **state)
{
	struct pi_zoneinfo *z = fixture("sep4020-armv4t-2.6-old");
	const struct pi_zi_zone *d = &z->zones[0];

	assert_int_equal(z->nzones, 1);
	assert_string_equal(d->zone, "DMA");
	assert_opt(d->pages_free, 5410);
	assert_opt(d->min, 181);
	assert_opt(d->low, 226);
	assert_opt(d->high, 271);
	assert_opt(d->spanned, 8192);
	assert_opt(d->present, 8192);
	assert_absent(d->managed);	/* 3.8+ */
	assert_int_equal(d->nstats, 0); /* no ZVC counters before 2.6.18 */
	assert_int_equal(d->nprotection, 4);
	/* "cpu: 0 pcp: 0" hot list, "cpu: 0 pcp: 1" cold list */
	assert_int_equal(d->npagesets, 2);
	assert_int_equal(d->pagesets[0].cpu, 0);
	assert_int_equal(d->pagesets[0].pcp, 0);
	assert_opt(d->pagesets[0].count, 2);
	assert_opt(d->pagesets[0].high, 6);
	assert_opt(d->pagesets[0].batch, 1);
	assert_int_equal(d->pagesets[1].pcp, 1);
	assert_opt(d->pagesets[1].count, 0);
	assert_opt(d->pagesets[1].high, 2);
	assert_absent(d->pagesets[1].stat_threshold);
	assert_opt(d->start_pfn, 196608);
	assert_true(d->populated);
	pi_zoneinfo_free(z);
}

static void test_per_node_48_and_uniprocessor(void **state)
{
	struct pi_zoneinfo *z = fixture("pcp-qa-meminfo-004-x86_64-4.8era");
	const struct pi_zi_zone *d = &z->zones[0];

	assert_int_equal(d->nnode_stats, 26); /* lines 3-28 */
	assert_int_equal(node_stat_of(d, "nr_pages_scanned"), 0);
	assert_int_equal(node_stat_of(d, "nr_active_anon"), 68583);
	assert_int_equal(node_stat_of(d, "nr_written"), 6100);
	assert_int_equal(z->zones[1].nnode_stats, 0);
	assert_opt(d->pages_free, 3975);
	assert_opt(d->managed, 3977); /* after "   node_scanned  0", which is kept verbatim */
	assert_int_equal(stat_of(d, "numa_hit"), 1);
	assert_int_equal(d->nprotection, 5);
	assert_int_equal(d->protection[1], 2934);
	assert_opt(d->node_unreclaimable, 0);
	assert_absent(d->boost);
	pi_zoneinfo_free(z);

	/* 3.18 uniprocessor: no "vm stats threshold" (!CONFIG_SMP); 4-space counters */
	z = fixture("qcom-armv7-3.18-jmr540");
	d = &z->zones[0];
	assert_int_equal(d->npagesets, 1);
	assert_opt(d->pagesets[0].count, 11);
	assert_opt(d->pagesets[0].high, 42);
	assert_opt(d->pagesets[0].batch, 7);
	assert_absent(d->pagesets[0].stat_threshold);
	assert_int_equal(stat_of(d, "nr_alloc_batch"), 76);
	assert_int_equal(stat_of(d, "nr_free_cma"), 1582);
	assert_opt(d->managed, 41146);
	assert_int_equal(d->nprotection, 2); /* "(0, 0)", printed after the counters */
	assert_opt(d->start_pfn, 524288);
	pi_zoneinfo_free(z);

	/* centos9 "5.14" with backported boost and cma (no promo) */
	z = fixture("centos9-5.14-x86_64");
	d = &z->zones[0];
	assert_opt(d->boost, 0);
	assert_opt(d->cma, 0);
	assert_absent(d->promo);
	assert_opt(d->pages_free, 3808);
	assert_opt(d->min, 190);
	assert_int_equal(d->protection[1], 756);
	assert_false(find_zone(z, 0, "Normal")->populated);
	pi_zoneinfo_free(z);

	/* 3.4 HighMem */
	z = fixture("android-armv7-3.4-highmem");
	d = find_zone(z, 0, "HighMem");
	assert_opt(d->pages_free, 13452);
	assert_opt(d->min, 126);
	assert_int_equal(stat_of(d, "nr_active_anon"), 67081);
	assert_int_equal(d->nprotection, 3);
	assert_int_equal(find_zone(z, 0, "Normal")->protection[1], 4038);
	assert_opt(d->start_pfn, 646656);
	pi_zoneinfo_free(z);

	/* RHEL kernels print a nameless per-node counter (19 spaces + value): kept verbatim */
	z = fixture("pcp-qa-meminfo-006-x86_64-2cpu");
	assert_int_equal(z->zones[0].nnode_stats, 27);
	assert_int_equal(node_stat_of(&z->zones[0], "nr_written"), 17146999);
	pi_zoneinfo_free(z);
}

static void test_layout_traps(void **state)
{
	struct pi_zoneinfo *z;

	/* %-12s: short names padded, long names followed by one space; 4.12+ unpopulated zone;
	 * names of 8+ characters get no %8s padding; negative %ld protection; no final '\n' */
	z = round_trip("Node 3, zone LongZone\n"
		       "  per-node stats\n"
		       "      nr_mapped    5\n"
		       "      nr_inactive_anon 6\n"
		       "  pages free     1\n"
		       "        min      2\n"
		       "        protection: (0, -5, 9223372036854775807)\n"
		       "      nr_free_pages 1\n"
		       "      numa_hit     18446744073709551615\n"
		       "  pagesets\n"
		       "    cpu: 4\n"
		       "              count:    -3\n"
		       "  vm stats threshold: 0\n"
		       "  start_pfn:           7\n"
		       "Node 3, zone  Movable\n"
		       "  pages free     0\n"
		       "        protection: (0, 0, 0)",
		       "traps");
	assert_int_equal(z->nzones, 2);
	assert_int_equal(z->zones[0].node, 3);
	assert_string_equal(z->zones[0].zone, "LongZone");
	assert_int_equal(node_stat_of(&z->zones[0], "nr_mapped"), 5);
	assert_int_equal(z->zones[0].protection[1], -5);
	assert_int_equal(z->zones[0].protection[2], INT64_MAX);
	assert_int_equal(stat_of(&z->zones[0], "numa_hit"), UINT64_MAX);
	assert_opt(z->zones[0].pagesets[0].count, -3);
	assert_true(z->zones[0].populated);
	assert_false(z->zones[1].populated);
	pi_zoneinfo_free(z);

	/* unknown-but-well-formed lines are kept wherever they appear; pageset keys without a
	 * "cpu:" record and odd spacings too */
	z = round_trip("Node 0, zone      DMA\n"
		       "  pages free     5410\n"
		       "        active   367\n"
		       "        scanned  0 (a: 0 i: 0)\n"
		       "   node_scanned  0\n"
		       "        future_key: (1 2 3)\n"
		       "              count: 9\n"
		       "\tweird\ttabs\n"
		       "    nr_x 5 trailing\n"
		       "                   176096\n"
		       "        protection: (0)\n"
		       "  pagesets\n"
		       "  all_unreclaimable: 0\n"
		       "  prev_priority:     12\n",
		       "unknown");
	assert_int_equal(z->zones[0].nstats, 0);
	assert_int_equal(z->zones[0].npagesets, 0);
	assert_int_equal(z->zones[0].nprotection, 1);
	assert_true(z->zones[0].populated); /* it has a "pagesets" line */
	pi_zoneinfo_free(z);

	/* old hot/cold pagesets and the 6.7 padding side by side */
	z = round_trip("Node 0, zone   Normal\n"
		       "    cpu: 0 pcp: 1\n"
		       "              count: 2\n"
		       "              high:  6\n"
		       "    cpu: 1\n"
		       "              high_max: 240\n"
		       "  vm stats threshold: 4\n",
		       "pcp");
	assert_int_equal(z->zones[0].npagesets, 2);
	assert_int_equal(z->zones[0].pagesets[0].pcp, 1);
	assert_opt(z->zones[0].pagesets[1].high_max, 240);
	assert_opt(z->zones[0].pagesets[1].stat_threshold, 4);
	assert_absent(z->zones[0].pagesets[0].stat_threshold);
	pi_zoneinfo_free(z);

	/* A fresh "Node" header ends the previous zone's pageset and per-node block. */
	z = round_trip("Node 0, zone      DMA\n"
		       "  per-node stats\n"
		       "    cpu: 0\n"
		       "Node 1, zone      DMA\n"
		       "              count: 1\n"
		       "      nr_free_pages 1\n",
		       "scopes");
	assert_int_equal(z->zones[1].npagesets, 0);
	assert_int_equal(z->zones[1].nstats, 1);
	assert_int_equal(z->zones[1].nnode_stats, 0);
	pi_zoneinfo_free(z);
}

static void test_render_uses_model_values(void **state)
{
	const char *in = "Node 0, zone   Normal\n"
			 "  pages free     007\n"
			 "        protection: (0, 1)\n"
			 "      nr_free_pages 7\n"
			 "    cpu: 0\n"
			 "              count: -0\n";
	const char *want = "Node 0, zone   Normal\n"
			   "  pages free     8\n"
			   "        protection: (0, 1)\n"
			   "      nr_free_pages 9\n"
			   "    cpu: 0\n"
			   "              count: 0\n";
	struct pi_zoneinfo *z = parse_ok(in, strlen(in));
	struct pi_buf out;

	assert_opt(z->zones[0].pages_free, 7); /* leading zeros: the value, printed canonically */
	z->zones[0].pages_free.v = 8;
	z->zones[0].stats[0].value = 9;
	pi_buf_init(&out, 0);
	assert_int_equal(pi_zoneinfo_render(z, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, strlen(want), "edited");
	/* a count that no longer matches the recorded layout is refused */
	z->zones[0].nstats = 0;
	pi_buf_reset(&out);
	assert_int_equal(pi_zoneinfo_render(z, &out), -EINVAL);
	pi_buf_fini(&out);
	pi_zoneinfo_free(z);
	assert_null(pi_zoneinfo_free(NULL));
	assert_null(pi_zi_stat(NULL, "x"));
}

static void expect_error(const char *in, size_t len, int err, unsigned line,
			 const char *reason_part)
{
	struct pi_zoneinfo *z = (void *)0x1;
	struct pi_perr e = {0};

	assert_int_equal(pi_zoneinfo_parse(in, len, &z, &e), err);
	assert_ptr_equal(z, (void *)0x1); /* output untouched on failure */
	assert_string_equal(e.source, "zoneinfo");
	assert_int_equal(e.line, line);
	if (!strstr(e.reason, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", e.reason, reason_part);
}

#define HDR				"Node 0, zone   Normal\n"
#define EXPECT_ERROR(s, err, line, why) expect_error((s), strlen(s), (err), (line), (why))

static void test_errors(void **state)
{
	EXPECT_ERROR("", -ENODATA, 0, "empty");
	EXPECT_ERROR("  pages free     1\n", -EINVAL, 1, "Node");
	EXPECT_ERROR("Nodes\n", -EINVAL, 1, "Node");
	EXPECT_ERROR("Node x, zone Normal\n", -EINVAL, 1, "node id");
	EXPECT_ERROR("Node -1, zone Normal\n", -EINVAL, 1, "node id");
	EXPECT_ERROR("Node 0 zone Normal\n", -EINVAL, 1, ", zone");
	EXPECT_ERROR("Node 0, zone   Normal \n", -EINVAL, 1, "zone name");
	EXPECT_ERROR("Node 0, zone \n", -EINVAL, 1, "zone name");
	EXPECT_ERROR("Node 0, zone ThisNameIsTooLong\n", -EINVAL, 1, "zone name");
	EXPECT_ERROR("Node 0, zone Nor\001mal\n", -EINVAL, 1, "printable");
	EXPECT_ERROR(HDR "  pages free     abc\n", -EINVAL, 2, "\"pages free\": not a number");
	EXPECT_ERROR(HDR "  pages free\n", -EINVAL, 2, "pages free");
	EXPECT_ERROR(HDR "        min      -1\n", -EINVAL, 2, "\"min\": not a number");
	EXPECT_ERROR(HDR "        high     5 pages\n", -EINVAL, 2, "\"high\"");
	EXPECT_ERROR(HDR "  start_pfn:         99999999999999999999\n", -ERANGE, 2, "overflows");
	EXPECT_ERROR(HDR "      nr_free_pages 99999999999999999999\n", -ERANGE, 2, "nr_free_pages");
	EXPECT_ERROR(HDR "        low      1\n        low      1\n", -EINVAL, 3,
		     "duplicate \"low\"");
	EXPECT_ERROR(HDR "  pages free     1\nNode 1, zone DMA\n" HDR, -EINVAL, 4,
		     "duplicate zone: node 0, zone Normal");
	EXPECT_ERROR(HDR "        protection: 0, 0\n", -EINVAL, 2, "protection");
	EXPECT_ERROR(HDR "        protection: (0, x)\n", -EINVAL, 2, "protection list: entry 1");
	EXPECT_ERROR(HDR "        protection: (0,1)\n", -EINVAL, 2, "protection");
	EXPECT_ERROR(HDR "        protection: (0, 1\n", -EINVAL, 2, "protection");
	EXPECT_ERROR(HDR "        protection: (0) x\n", -EINVAL, 2, "after ')'");
	EXPECT_ERROR(HDR "        protection: (99999999999999999999)\n", -ERANGE, 2, "protection");
	EXPECT_ERROR(HDR "        protection: (0)\n        protection: (0)\n", -EINVAL, 3,
		     "duplicate protection");
	EXPECT_ERROR(HDR "    cpu: x\n", -EINVAL, 2, "cpu");
	EXPECT_ERROR(HDR "    cpu: 1 2\n", -EINVAL, 2, "cpu");
	EXPECT_ERROR(HDR "    cpu: 0 pcp: -1\n", -EINVAL, 2, "pcp");
	EXPECT_ERROR(HDR "    cpu: 0\n              count: 1\n              count: 2\n", -EINVAL, 4,
		     "duplicate \"count:\" for cpu 0");
	EXPECT_ERROR(HDR "    cpu: 0\n              batch: many\n", -EINVAL, 3, "\"batch:\"");
	EXPECT_ERROR(HDR "\n  pages free     1\n", -EINVAL, 2, "empty line");
	EXPECT_ERROR(HDR "  pages free     1\n\n", -EINVAL, 3, "empty line");
	/* a known key owes a clean number: "4\r" is not one */
	EXPECT_ERROR(HDR "    cpu: 0\n  vm stats threshold: 4\r\n", -EINVAL, 3, "threshold");
}

/* A small deterministic PRNG for the hostile-input test. */
static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Parse anything; when it parses, rendering works and is a fixed point. Returns whether
 * it parsed. */
static bool survive(const char *in, size_t len)
{
	struct pi_zoneinfo *z = NULL, *z2 = NULL;
	struct pi_buf a, b;

	if (pi_zoneinfo_parse(in, len, &z, NULL) < 0)
		return false;
	pi_buf_init(&a, 0);
	pi_buf_init(&b, 0);
	assert_int_equal(pi_zoneinfo_render(z, &a), 0);
	assert_int_equal(pi_zoneinfo_parse(a.data, a.len, &z2, NULL), 0);
	assert_int_equal(pi_zoneinfo_render(z2, &b), 0);
	pt_assert_same_bytes(b.data, b.len, a.data, a.len, "fixed point");
	pi_buf_fini(&a);
	pi_buf_fini(&b);
	pi_zoneinfo_free(z);
	pi_zoneinfo_free(z2);
	return true;
}

static void test_hostile(void **state)
{
	static const char *const pieces[] = {
	    "Node 0, zone   Normal",
	    "Node 1, zone DMA",
	    "  per-node stats",
	    "  pages free     1",
	    "      nr_x 5",
	    "    nr_y     0",
	    "        protection: (0, -1)",
	    "  pagesets",
	    "    cpu: 3",
	    "    cpu: 0 pcp: 1",
	    "              count: 1",
	    "  vm stats threshold: 2",
	    "        min      007",
	    "x",
	    "  start_pfn:  1",
	    " ",
	    "\t",
	    "\0",
	    "9999999999999999999",
	};
	const size_t big = 10u << 20;
	char *buf = malloc(big + 64);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char *in;
	size_t len, parsed = 0;

	assert_non_null(buf);
	/* random bytes, and random bytes after a valid header */
	for (int round = 0; round < 2000; round++) {
		size_t n = rng(&seed) % 300, off = 0;

		if (round & 1) {
			memcpy(buf, "Node 0, zone DMA\n", 17);
			off = 17;
		}
		for (size_t i = 0; i < n; i++)
			buf[off + i] = (char)(rng(&seed) & (round & 2 ? 0xff : 0x7f));
		survive(buf, off + n);
	}
	/* random sequences of well-formed and broken pieces */
	for (int round = 0; round < 5000; round++) {
		size_t n = 1 + rng(&seed) % 12, off = 0;

		memcpy(buf, "Node 0, zone DMA\n", 17);
		off = 17;
		for (size_t i = 0; i < n; i++) {
			const char *p = pieces[rng(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t pl = *p ? strlen(p) : 1;

			memcpy(buf + off, p, pl);
			off += pl;
			if (rng(&seed) % 8)
				buf[off++] = '\n';
		}
		parsed += survive(buf, off);
	}
	assert_true(parsed > 500); /* the mix must exercise the renderer, not only errors */
	/* a 10 MiB line: raw after a header, an error as a first line, and a huge indent */
	memcpy(buf, "Node 0, zone DMA\n", 17);
	memset(buf + 17, 'a', big);
	assert_true(survive(buf, big + 17));
	memset(buf + 17, ' ', big - 2);
	memcpy(buf + 17 + big - 2, "x1", 2);
	assert_true(survive(buf, big + 17));
	memset(buf + 17, ' ', 70000); /* an indent too deep to record: kept verbatim */
	memcpy(buf + 17 + 70000, "min 5\n", 6);
	assert_true(survive(buf, 17 + 70006));
	memset(buf, 'N', big);
	expect_error(buf, big, -EINVAL, 1, "Node");
	/* NUL bytes everywhere; only newlines */
	memset(buf, 0, 4096);
	survive(buf, 4096);
	memcpy(buf, "Node 0, zone DMA", 16);
	memset(buf + 16, '\n', 4096);
	survive(buf, 4096 + 16);
	free(buf);

	/* a huge but valid file: 4096 CPUs x 3 zones of 6.7+ pagesets (~4 MB), single pass */
	{
		struct pi_buf b;
		struct pi_zoneinfo *z;
		struct pi_buf out;

		pi_buf_init(&b, 0);
		for (int zn = 0; zn < 3; zn++) {
			pi_buf_printf(&b, "Node 0, zone %8s\n  pages free     1\n  pagesets\n",
				      zn == 0	? "DMA"
				      : zn == 1 ? "DMA32"
						: "Normal");
			for (int c = 0; c < 4096; c++)
				pi_buf_printf(
				    &b,
				    "    cpu: %d\n              count:    %d\n"
				    "              high:     0\n              batch:    63\n"
				    "              high_min: 1\n              high_max: 2\n"
				    "  vm stats threshold: 16\n",
				    c, c * 3);
			pi_buf_puts(&b, "  node_unreclaimable:  0\n  start_pfn:           1\n");
		}
		in = pi_buf_steal(&b, &len);
		assert_non_null(in);
		z = parse_ok(in, len);
		assert_int_equal(z->zones[2].npagesets, 4096);
		assert_opt(z->zones[2].pagesets[4095].count, 4095 * 3);
		pi_buf_init(&out, 0);
		assert_int_equal(pi_zoneinfo_render(z, &out), 0);
		pt_assert_same_bytes(out.data, out.len, in, len, "4096 cpus");
		pi_buf_fini(&out);
		pi_zoneinfo_free(z);
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_fixtures_round_trip),
	    cmocka_unit_test(test_local_618_values),
	    cmocka_unit_test(test_numa2_32cpu),
	    cmocka_unit_test(test_unpopulated_movable_device),
	    cmocka_unit_test(test_oldest_pre_zvc),
	    cmocka_unit_test(test_per_node_48_and_uniprocessor),
	    cmocka_unit_test(test_layout_traps),
	    cmocka_unit_test(test_render_uses_model_values),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests_name("zoneinfo", tests, NULL, NULL);
}
