/* The model's derived figures on fixture data and hand-made inputs, each checked by hand:
 * zone joins and alloc_ok, headroom, CPU rates, the physical map, the kernel image, the
 * symbolizer and the history ring. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "history.h"
#include "kimage.h"
#include "physmap.h"
#include "rates.h"
#include "snapshot.h"
#include "symbolize.h"
#include "fixture_model.h"
#include "testutil.h"
#include "zones.h"

static const struct pi_zone_view *zone(const struct pi_zones *z, int node, const char *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->v[i].node == node && !strcmp(z->v[i].zone, name))
			return &z->v[i];
	fail_msg("no zone %d %s", node, name);
	return NULL;
}

static void test_zones_alloc_ok_local(void **state)
{
	struct pi_snapshot *s = pt_snapshot_of("local-6.18-x86_64");
	struct pi_zones z;
	const struct pi_zone_view *v;

	assert_int_equal(pi_zones_build(s, &z), 0);
	assert_int_equal(z.n, 5); /* zoneinfo order, unpopulated Movable and Device included */
	assert_int_equal(z.norders, 11);
	/* DMA: free 3840 <= min 66 + protection[Normal = index 2] 3785 -> fails every mark */
	v = zone(&z, 0, "DMA");
	assert_true(v->alloc_ok_known);
	assert_int_equal(v->zi_index, 0);
	for (int w = 0; w < PI_WMARK_COUNT; w++)
		for (unsigned k = 0; k < 11; k++)
			assert_int_equal(v->alloc_ok[w][k], PI_FALSE);
	/* DMA32: free 772497, protection[2] 768; order 10: 772497 - 1023 > high 20121 + 768,
	 * and pagetypeinfo shows 752 free Movable order-10 blocks */
	v = zone(&z, 0, "DMA32");
	assert_int_equal(v->alloc_ok[PI_WMARK_HIGH][10], PI_TRUE);
	assert_int_equal(v->alloc_ok[PI_WMARK_MIN][0], PI_TRUE);
	/* headroom at order 9 to the low mark: X = 772497 - 511 - 16768 - 768 = 754450,
	 * ceil(754450 / 512) = 1474 < 1 + 752*2 usable blocks */
	assert_int_equal(v->headroom.until_low[9], 1474);
	/* Normal: 28101 - 1023 = 27078 > 5120; Movable order 10 has 23 blocks */
	v = zone(&z, 0, "Normal");
	assert_int_equal(v->zi_index, 2);
	assert_int_equal(v->alloc_ok[PI_WMARK_HIGH][10], PI_TRUE);
	assert_non_null(v->buddy);
	assert_non_null(v->pt_free);
	assert_non_null(v->pt_blocks);
	/* Movable is listed after Normal: a GFP_KERNEL request never uses it -> null */
	v = zone(&z, 0, "Movable");
	assert_false(v->alloc_ok_known);
	assert_int_equal(v->alloc_ok[PI_WMARK_MIN][0], PI_UNKNOWN);
	assert_null(v->buddy); /* unpopulated: buddyinfo does not list it */
	pi_zones_fini(&z);
	pi_snapshot_unref(s);
}

static void test_zones_without_pagetypeinfo(void **state)
{
	/* debian non-root capture: no pagetypeinfo -> any buddyinfo block counts */
	struct pi_snapshot *s = pt_snapshot_of("debian-5.10-x86_64-nonroot");
	struct pi_zones z;
	const struct pi_zone_view *v;

	assert_int_equal(pi_zones_build(s, &z), 0);
	v = zone(&z, 0, "DMA32");
	assert_null(v->pt_free);
	assert_true(v->alloc_ok_known);
	pi_zones_fini(&z);
	pi_snapshot_unref(s);
}

static void test_watermark_headroom(void **state)
{
	/* X = 1000 - 0 - 0 - 500 - 0 = 500 order-0 allocations */
	assert_int_equal(pi_watermark_headroom(1000, 0, 0, 500, 0), 500);
	/* order 2: X = 1000 - 3 - 500 = 497 -> ceil(497/4) = 125 */
	assert_int_equal(pi_watermark_headroom(1000, 0, 2, 500, 0), 125);
	assert_int_equal(pi_watermark_headroom(100, 0, 0, 500, 0), 0);
	assert_int_equal(pi_watermark_headroom(1000, 600, 0, 500, 0), 0);
}

static struct pi_stat *stat_of(const char *text)
{
	struct pi_stat *st = NULL;

	assert_int_equal(pi_stat_parse(text, strlen(text), &st, NULL), 0);
	return st;
}

static void test_rates(void **state)
{
	struct pi_stat *a = stat_of("cpu  100 0 50 800 50 0 0 0 0 0\n"
				    "cpu0 60 0 20 400 20 0 0 0 0 0\n"
				    "cpu1 40 0 30 400 30 0 0 0 0 0\n"
				    "ctxt 1000\nprocesses 50\n");
	/* 2 s later: +100 user, +100 system, +150 idle, iowait went BACKWARDS by 10 on cpu1 */
	struct pi_stat *b = stat_of("cpu  200 0 150 950 40 0 0 0 0 0\n"
				    "cpu0 110 0 70 470 20 0 0 0 0 0\n"
				    "cpu1 90 0 80 480 20 0 0 0 0 0\n"
				    "cpu2 1 0 1 1 0 0 0 0 0 0\n"
				    "ctxt 900\nprocesses 60\n");
	struct pi_cpu_rates r;

	assert_int_equal(pi_cpu_rates_compute(a, b, 2.0, &r), 0);
	/* total ticks 1000 -> 1340: user share 100/340 */
	assert_true(r.util[PI_CPU_USER].known);
	assert_true(fabs(r.util[PI_CPU_USER].v - 100.0 / 340) < 1e-12);
	assert_false(r.util[PI_CPU_IOWAIT].known); /* went backwards: unknown, not negative */
	/* cpu0: 500 -> 670 ticks, idle+iowait 420 -> 490: busy = 1 - 70/170 */
	assert_int_equal(r.ncpus, 3);
	assert_int_equal(r.cpus[0].cpu, 0);
	assert_true(fabs(r.cpus[0].busy.v - (1 - 70.0 / 170)) < 1e-12);
	assert_false(r.cpus[1].busy.known); /* its iowait went backwards */
	assert_false(r.cpus[2].busy.known); /* came online in between */
	assert_false(r.ctxt.known);	    /* 1000 -> 900 */
	assert_true(r.forks.known);
	assert_true(fabs(r.forks.v - 5.0) < 1e-12);
	pi_cpu_rates_fini(&r);
	pi_stat_free(a);
	pi_stat_free(b);
}

static void test_physmap_local(void **state)
{
	struct pi_snapshot *s = pt_snapshot_of("local-6.18-x86_64");
	struct pi_physmap m;

	assert_int_equal(pi_physmap_build(s, &m), 0);
	assert_false(m.hidden);
	/* 1000-9fbff + 100000-bfffffff + 100000000-63fffffff */
	assert_int_equal(m.bytes[PI_RES_RAM], 650240ull + 3220176896ull + 22548578304ull);
	assert_int_equal(m.count[PI_RES_RAM], 3);
	assert_true(m.kimage[PI_KIMG_CODE].present);
	assert_int_equal(m.kimage[PI_KIMG_CODE].end, 0x02206447);
	/* Normal: pfn 1048576 + 5505024 pages -> 0x100000000..0x63fffffff, all System RAM */
	for (size_t i = 0; i < m.nzones; i++) {
		if (strcmp(m.zones[i].zone, "Normal") != 0)
			continue;
		assert_true(m.zones[i].phys.present);
		assert_int_equal(m.zones[i].phys.start, 0x100000000ull);
		assert_int_equal(m.zones[i].phys.end, 0x63fffffffull);
		assert_int_equal(m.zones[i].ram_bytes, 22548578304ull);
		assert_int_equal(m.zones[i].present_bytes, 22548578304ull);
	}
	pi_physmap_fini(&m);
	pi_snapshot_unref(s);
}

static void test_physmap_hidden(void **state)
{
	struct pi_snapshot *s = pt_snapshot_of("debian-5.10-x86_64-nonroot");
	struct pi_physmap m;

	assert_int_equal(pi_physmap_build(s, &m), 0);
	assert_true(m.hidden);
	assert_int_equal(m.bytes[PI_RES_RAM], 0);
	assert_true(m.count[PI_RES_RAM] > 0); /* names are still visible */
	pi_physmap_fini(&m);
	pi_snapshot_unref(s);
}

static void test_kimage_cray(void **state)
{
	struct pi_snapshot *s = pt_snapshot_of("cray-x86_64-3.0-kallsyms");
	const struct pi_srcdata *d = s->data[PI_SRC_KALLSYMS];
	struct pi_kimage ki;

	/* Built once with the parse; a rebuild gives the same. */
	assert_int_equal(d->kimage_err, 0);
	assert_int_equal(pi_kimage_build(d->u.kallsyms, &ki), 0);
	assert_memory_equal(ki.sec, d->kimage.sec, sizeof(ki.sec));
	assert_memory_equal(ki.by_type, d->kimage.by_type, sizeof(ki.by_type));
	/* 55,166 lines; counted with Python: r 15,857, t 15,106, T 11,074, d 6,454, b 4,810. */
	assert_int_equal(ki.by_type['r'], 15857);
	assert_int_equal(ki.by_type['t'], 15106);
	assert_int_equal(ki.by_type['T'], 11074);
	assert_int_equal(ki.by_type['d'], 6454);
	assert_int_equal(ki.by_type['b'], 4810);
	assert_true(ki.sec[PI_KV_TEXT].present);
	assert_int_equal(ki.sec[PI_KV_TEXT].start, 0xffffffff81000000ull);
	assert_int_equal(ki.sec[PI_KV_TEXT].end, 0xffffffff8148c504ull);
	assert_int_equal(ki.sec[PI_KV_BSS].start, 0xffffffff818e4000ull);
	assert_int_equal(ki.sec[PI_KV_BSS].end, 0xffffffff81a3a000ull);
	assert_true(ki.has_kaslr);
	assert_int_equal(ki.kaslr_slide, 0);
	assert_int_equal(ki.mods[0].count, 27); /* binfmt_misc, the first module listed */
	assert_int_equal(ki.mods[0].lo, 0xffffffffa00cc000ull);
	pi_kimage_fini(&ki);
	pi_snapshot_unref(s);
}

static void test_symbolize(void **state)
{
	const char *k = "ffffffff81000000 T _text\n"
			"ffffffff81000100 T foo\n"
			"ffffffff81000180 t bar\n"
			"ffffffffa0000000 t modfn\t[mymod]\n"
			"ffffffffa0000040 t modfn2\t[mymod]\n";
	const char *oops = "RIP: 0010:[<ffffffff81000110>] x\n"
			   " ? 0xffffffffa0000010\n"
			   "0x10 ffffffff81000180x deadbeefcafe ffffffffa0000040\n";
	struct pi_kallsyms *ks = NULL;
	struct pi_ksymidx *x = NULL;
	struct pi_sym_hit *h = NULL;
	size_t n = 0;

	assert_int_equal(pi_kallsyms_parse(k, strlen(k), &ks, NULL), 0);
	assert_int_equal(pi_ksymidx_new(ks, &x), 0);
	assert_int_equal(pi_symbolize(ks, x, oops, strlen(oops), 100, &h, &n), 0);
	/* ffffffff81000110, 0xffffffffa0000010, 0x10, ffffffffa0000040 ("...180x" is one word and
	 * "deadbeefcafe" has 12 digits without 0x: neither is an address token) */
	assert_int_equal(n, 4);
	assert_true(h[0].found);
	assert_string_equal(pi_ksym_name(ks, &ks->syms[h[0].sym]), "foo");
	assert_int_equal(h[0].offset, 0x10);
	assert_int_equal(h[0].size, 0x80);
	assert_true(h[1].found);
	assert_string_equal(pi_ksym_name(ks, &ks->syms[h[1].sym]), "modfn");
	assert_int_equal(h[1].size, 0x40);
	assert_false(h[2].found); /* 0x10 is below every symbol */
	assert_true(h[3].found);
	assert_int_equal(h[3].offset, 0);
	assert_int_equal(h[3].size, 0); /* last symbol of its module: size unknown */
	free(h);
	pi_ksymidx_free(x);
	pi_kallsyms_free(ks);
}

static void test_history_ring(void **state)
{
	struct pi_snapshot *s = pt_snapshot_of("local-6.18-x86_64");
	struct pi_history *h = NULL;
	struct pi_history_result r;
	const char *sel[] = {"zone.0.Normal", "cpu.busy"};

	assert_int_equal(pi_history_new(3, &h), 0);
	for (int i = 0; i < 5; i++) {
		s->sampled_at = 1000.0 + i;
		assert_int_equal(pi_history_push(h, s), 0);
	}
	assert_int_equal(pi_history_query(h, sel, 2, 1001.5, &r), 0);
	/* capacity 3 keeps samples 1002..1004; since 1001.5 keeps all three */
	assert_int_equal(r.npoints, 3);
	assert_true(r.times[0] == 1002.0 && r.times[2] == 1004.0);
	assert_int_equal(r.nseries, 5); /* cpu.busy + 4 Normal series */
	assert_string_equal(r.names[0], "cpu.busy");
	assert_true(isnan(r.values[0][0])); /* no previous stat sample: no rate */
	assert_string_equal(r.names[1], "zone.0.Normal.free_pages");
	assert_true(r.values[1][2] == 28101.0f); /* zoneinfo "pages free" */
	assert_string_equal(r.names[2], "zone.0.Normal.largest_free_order");
	assert_true(r.values[2][0] == 10.0f);
	pi_history_result_fini(&r);
	assert_int_equal(pi_history_query(h, NULL, 0, 1003.0, &r), 0);
	assert_int_equal(r.npoints, 1);
	assert_true(r.nseries > 20);
	pi_history_result_fini(&r);
	pi_history_free(h);
	pi_snapshot_unref(s);
}

/* A snapshot holding buddyinfo `text` only, with its zone join. */
static struct pi_snapshot *buddy_snapshot(const char *text, double at)
{
	struct pi_snapshot *s = pi_snapshot_new();
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	struct pi_perr e = {0};

	assert_non_null(s);
	assert_non_null(buf);
	memcpy(buf, text, len + 1);
	s->seq = 1;
	s->sampled_at = at;
	s->page_size = 4096;
	if (pi_srcdata_parse(PI_SRC_BUDDYINFO, buf, len, at, &s->data[PI_SRC_BUDDYINFO], &e) < 0)
		fail_msg("%s:%u %s", e.source, e.line, e.reason);
	s->status[PI_SRC_BUDDYINFO].state = PI_SRC_OK;
	assert_int_equal(pi_snapshot_build_zones(s), 0);
	return s;
}

/* Zone series follow their (node, zone) when the zone list is reordered or loses a zone. */
static void test_history_zone_list_changes(void **state)
{
	struct pi_snapshot *s[3] = {
	    buddy_snapshot("Node 0, zone      DMA      1      0 \n"
			   "Node 0, zone   Normal      2      1 \n",
			   1000.0),
	    buddy_snapshot("Node 0, zone   Normal      5      1 \n"
			   "Node 0, zone      DMA      3      0 \n",
			   1001.0),
	    buddy_snapshot("Node 0, zone   Normal      0      4 \n", 1002.0),
	};
	const char *sel[] = {"zone.0.DMA.free_pages", "zone.0.Normal.free_pages"};
	struct pi_history *h = NULL;
	struct pi_history_result r;

	(void)state;
	assert_int_equal(pi_history_new(4, &h), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pi_history_push(h, s[i]), 0);
	assert_int_equal(pi_history_query(h, sel, 2, 0, &r), 0);
	assert_int_equal(r.nseries, 2);
	assert_int_equal(r.npoints, 3);
	assert_string_equal(r.names[0], "zone.0.DMA.free_pages");
	assert_string_equal(r.names[1], "zone.0.Normal.free_pages");
	/* free pages = sum of n_k 2^k */
	assert_true(r.values[0][0] == 1.0f && r.values[1][0] == 4.0f); /* as defined */
	assert_true(r.values[0][1] == 3.0f && r.values[1][1] == 7.0f); /* swapped */
	assert_true(isnan(r.values[0][2]) && r.values[1][2] == 8.0f);  /* DMA gone */
	pi_history_result_fini(&r);
	pi_history_free(h);
	for (int i = 0; i < 3; i++)
		pi_snapshot_unref(s[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zones_alloc_ok_local),
	    cmocka_unit_test(test_zones_without_pagetypeinfo),
	    cmocka_unit_test(test_watermark_headroom),
	    cmocka_unit_test(test_rates),
	    cmocka_unit_test(test_physmap_local),
	    cmocka_unit_test(test_physmap_hidden),
	    cmocka_unit_test(test_kimage_cray),
	    cmocka_unit_test(test_symbolize),
	    cmocka_unit_test(test_history_ring),
	    cmocka_unit_test(test_history_zone_list_changes),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
