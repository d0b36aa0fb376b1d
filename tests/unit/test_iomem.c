/* iomem: every fixture round-trips byte for byte; hand-checked values; the tree beyond the
 * kernel's 5-level indent cap; width/hidden inference; errors; hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iomem.h"
#include "testutil.h"

/* Structural invariants every parse result must satisfy. */
static void check_tree(const struct pi_iomem *m)
{
	size_t i, links = 0, top = 0;
	long c, last;

	for (i = 0; i < m->n; i++) {
		const struct pi_iomem_res *r = &m->res[i];

		assert_int_equal(r->name[r->name_len], '\0');
		assert_int_equal(r->indent,
				 r->depth < PI_IOMEM_MAX_DEPTH ? r->depth : PI_IOMEM_MAX_DEPTH);
		if (r->parent < 0) {
			assert_int_equal(r->depth, 0);
			top++;
		} else {
			assert_true((size_t)r->parent < i);
			assert_int_equal(r->depth, m->res[r->parent].depth + 1);
		}
		for (last = (long)i, c = r->first_child; c >= 0;
		     last = c, c = m->res[c].next_sibling) {
			assert_true(c > last); /* children in file order */
			assert_int_equal(m->res[c].parent, (long)i);
			links++;
		}
	}
	assert_int_equal(links + top, m->n);
	for (last = -1, c = m->n ? 0 : -1; c >= 0; last = c, c = m->res[c].next_sibling) {
		assert_true(c > last);
		assert_int_equal(m->res[c].parent, -1);
		top--;
	}
	assert_int_equal(top, 0);
}

/* Parse; on success render, and check that the rendering parses and renders identically.
 * Returns the parse result. */
static int parse_render_stable(const char *in, size_t len, struct pi_buf *first)
{
	struct pi_iomem *m = NULL, *m2 = NULL;
	struct pi_buf again;
	int r = pi_iomem_parse(in, len, &m, NULL);

	if (r < 0)
		return r;
	check_tree(m);
	pi_buf_reset(first);
	assert_int_equal(pi_iomem_render(m, first), 0);
	assert_int_equal(pi_iomem_parse(first->data, first->len, &m2, NULL), 0);
	check_tree(m2);
	assert_int_equal(m2->n, m->n);
	assert_int_equal(m2->width, m->width);
	assert_int_equal(m2->addresses_hidden, m->addresses_hidden);
	for (size_t i = 0; i < m->n; i++) {
		assert_int_equal(m2->res[i].depth, m->res[i].depth);
		assert_int_equal(m2->res[i].parent, m->res[i].parent);
	}
	pi_buf_init(&again, 0);
	assert_int_equal(pi_iomem_render(m2, &again), 0);
	pt_assert_same_bytes(again.data, again.len, first->data, first->len, "re-render");
	pi_buf_fini(&again);
	pi_iomem_free(m2);
	pi_iomem_free(m);
	return 0;
}

static struct pi_iomem *parse_ok(const char *s)
{
	struct pi_iomem *m = NULL;
	struct pi_perr e = {0};
	int r = pi_iomem_parse(s, strlen(s), &m, &e);

	if (r < 0)
		print_error("parse failed: %s:%u: %s\n", e.source, e.line, e.reason);
	assert_int_equal(r, 0);
	check_tree(m);
	return m;
}

static void assert_renders(const struct pi_iomem *m, const char *want, const char *what)
{
	struct pi_buf out;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_iomem_render(m, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, strlen(want), what);
	pi_buf_fini(&out);
}

static struct pi_iomem *fixture(const char *sample)
{
	size_t len;
	char *in = pt_fixture_read(sample, "iomem", &len);
	struct pi_iomem *m = NULL;

	assert_non_null(in);
	assert_int_equal(pi_iomem_parse(in, len, &m, NULL), 0);
	check_tree(m);
	free(in);
	return m;
}

static unsigned top_level_count(const struct pi_iomem *m)
{
	unsigned k = 0;

	for (long c = 0; c >= 0; c = m->res[c].next_sibling)
		k++;
	return k;
}

static void test_all_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0;
	struct pi_buf out;

	pi_buf_init(&out, 0);
	for (char **s = samples; *s; s++) {
		size_t len;
		char *in = pt_fixture_read(*s, "iomem", &len);
		struct pi_iomem *m = NULL;
		struct pi_perr e = {0};

		if (!in)
			continue;
		seen++;
		if (pi_iomem_parse(in, len, &m, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		check_tree(m);
		assert_int_equal(m->width, 8); /* iomem's root ends far above 0xffff */
		assert_int_equal(m->addresses_hidden, !strcmp(*s, "debian-5.10-x86_64-nonroot"));
		pi_buf_reset(&out);
		assert_int_equal(pi_iomem_render(m, &out), 0);
		assert_false(pt_fixture_edited(*s, "iomem"));
		pt_assert_same_bytes(out.data, out.len, in, len, *s);
		assert_int_equal(parse_render_stable(in, len, &out), 0);
		pi_iomem_free(m);
		free(in);
	}
	assert_true(seen >= 9);
	pi_buf_fini(&out);
	pt_strv_free(samples);
}

static void test_local_618_values(void **state)
{
	struct pi_iomem *m = fixture("local-6.18-x86_64");
	uint64_t ram = 0;
	unsigned kids = 0;

	assert_int_equal(m->n, 27);
	assert_int_equal(top_level_count(m), 9);
	/* line 2 "00001000-0009fbff : System RAM" */
	assert_string_equal(m->res[1].name, "System RAM");
	assert_int_equal(m->res[1].start, 0x1000);
	assert_int_equal(m->res[1].end, 0x9fbff);
	assert_int_equal(pi_iomem_size(&m->res[1]), 650240);
	/* line 4 "  000de000-000defff : AMZNC10C:00", child of line 3 (Reserved) */
	assert_string_equal(m->res[3].name, "AMZNC10C:00");
	assert_int_equal(m->res[3].parent, 2);
	/* line 6 "00100000-bfffffff : System RAM", first child line 7 "Kernel code" */
	assert_int_equal(m->res[5].start, 0x100000);
	assert_int_equal(m->res[5].end, 0xbfffffff);
	assert_int_equal(pi_iomem_size(&m->res[5]), 3220176896ULL);
	assert_int_equal(m->res[5].first_child, 6);
	assert_string_equal(m->res[6].name, "Kernel code");
	assert_int_equal(m->res[6].end, 0x02206447);
	assert_int_equal(m->res[9].next_sibling, -1); /* Kernel bss is the last child */
	/* line 13 "  eec00000-eecfffff : PCI ECAM 0000 [bus 00-00]" under line 12 "Reserved",
	 * line 14 "    eec00000-eecfffff : PCI Bus 0000:00" under it */
	assert_string_equal(m->res[12].name, "PCI ECAM 0000 [bus 00-00]");
	assert_int_equal(m->res[12].name_len, 25);
	assert_int_equal(m->res[12].parent, 11);
	assert_int_equal(m->res[13].depth, 2);
	assert_int_equal(m->res[13].parent, 12);
	assert_string_equal(m->res[13].name, "PCI Bus 0000:00");
	/* line 16 "100000000-63fffffff : System RAM": 9 hex digits */
	assert_int_equal(m->res[15].start, 0x100000000ULL);
	assert_int_equal(m->res[15].end, 0x63fffffffULL);
	assert_int_equal(pi_iomem_size(&m->res[15]), 22548578304ULL);
	assert_int_equal(m->res[15].depth, 0);
	/* line 17 "4000000000-7fffffffff : PCI Bus 0000:00" with 5 device children */
	assert_int_equal(m->res[16].start, 0x4000000000ULL);
	assert_int_equal(m->res[16].end, 0x7fffffffffULL);
	assert_int_equal(m->res[16].next_sibling, -1);
	for (long c = m->res[16].first_child; c >= 0; c = m->res[c].next_sibling)
		kids++;
	assert_int_equal(kids, 5);
	/* line 27 "    4000200000-400027ffff : virtio-pci-modern" */
	assert_int_equal(m->res[26].depth, 2);
	assert_int_equal(m->res[26].parent, 25);
	assert_string_equal(m->res[26].name, "virtio-pci-modern");
	for (long c = 0; c >= 0; c = m->res[c].next_sibling)
		if (!strcmp(m->res[c].name, "System RAM"))
			ram += pi_iomem_size(&m->res[c]);
	assert_int_equal(ram, 25769405440ULL); /* 650240 + 3220176896 + 22548578304 */
	pi_iomem_free(m);
}

static void test_ubuntu_313_values(void **state)
{
	struct pi_iomem *m = fixture("ubuntu-3.13-x86_64");
	unsigned maxd = 0, at3 = 0;

	assert_int_equal(m->n, 65);
	assert_int_equal(top_level_count(m), 30);
	for (size_t i = 0; i < m->n; i++) {
		if (m->res[i].depth > maxd)
			maxd = m->res[i].depth;
		at3 += m->res[i].depth == 3;
	}
	assert_int_equal(maxd, 3);
	assert_int_equal(at3, 2);
	/* line 23 "      d0000000-d05affff : vesafb": 0000:01:00.0 <- PCI Bus 0000:01 <- 0000:00 */
	assert_string_equal(m->res[22].name, "vesafb");
	assert_int_equal(m->res[22].depth, 3);
	assert_int_equal(m->res[22].parent, 21);
	assert_int_equal(m->res[21].parent, 20);
	assert_int_equal(m->res[20].parent, 19);
	assert_string_equal(m->res[19].name, "PCI Bus 0000:00");
	assert_int_equal(m->res[19].start, 0xd0000000);
	assert_int_equal(m->res[19].end, 0xfeafffff);
	/* line 30 "      e1440000-e1443fff : ICH HD audio" */
	assert_string_equal(m->res[29].name, "ICH HD audio");
	assert_int_equal(m->res[29].depth, 3);
	assert_string_equal(m->res[0].name, "reserved"); /* lower case before ~4.x */
	assert_string_equal(m->res[18].name, "RAM buffer");
	/* line 47 "  f8000000-fbffffff : PCI MMCONFIG 0000 [bus 00-3f]" */
	assert_string_equal(m->res[46].name, "PCI MMCONFIG 0000 [bus 00-3f]");
	assert_int_equal(m->res[46].depth, 1);
	assert_int_equal(m->res[46].parent, 19);
	/* line 56 "    fed1f410-fed1f414 : iTCO_wdt": 5 bytes */
	assert_string_equal(m->res[55].name, "iTCO_wdt");
	assert_int_equal(pi_iomem_size(&m->res[55]), 5);
	assert_int_equal(m->res[55].depth, 2);
	/* line 65 "22e000000-22fffffff : RAM buffer" */
	assert_int_equal(m->res[64].start, 0x22e000000ULL);
	assert_int_equal(m->res[64].end, 0x22fffffffULL);
	pi_iomem_free(m);
}

static void test_other_fixture_values(void **state)
{
	struct pi_iomem *m = fixture("debian-5.10-x86_64-nonroot");
	unsigned at2 = 0;

	assert_int_equal(m->n, 46);
	assert_true(m->addresses_hidden);
	assert_int_equal(m->width, 8);
	assert_string_equal(m->res[1].name, "System RAM");
	assert_int_equal(pi_iomem_size(&m->res[1]), 1); /* 0-0 is one byte, as printed */
	for (size_t i = 0; i < m->n; i++)
		at2 += m->res[i].depth == 2;
	assert_int_equal(at2, 8); /* 8 lines with 4 spaces */
	pi_iomem_free(m);

	m = fixture("sep4020-armv4t-2.6-old");
	assert_int_equal(m->n, 19);
	/* line 7 "  30022000-302834d7 : Kernel text" under line 6 "30000000-31ffffff : System RAM"
	 */
	assert_string_equal(m->res[6].name, "Kernel text");
	assert_int_equal(m->res[6].start, 0x30022000);
	assert_int_equal(m->res[6].end, 0x302834d7);
	assert_int_equal(m->res[6].parent, 5);
	assert_int_equal(m->res[5].end, 0x31ffffff);
	assert_string_equal(m->res[7].name, "Kernel data");
	/* line 5 "2c000000-2d000000 : s1r72v17": odd-sized */
	assert_int_equal(pi_iomem_size(&m->res[4]), 0x1000001);
	pi_iomem_free(m);

	m = fixture("qcom-armv7-3.18-jmr540");
	assert_int_equal(m->n, 21);
	assert_string_equal(m->res[5].name, "/soc/pinctrl@1000000"); /* line 6 */
	assert_int_equal(m->res[5].start, 0x01000000);
	pi_iomem_free(m);

	m = fixture("xilinx-zynq-armv7-4.4");
	assert_int_equal(m->n, 25);
	assert_string_equal(m->res[17].name, "/amba/memory-controller@e000e000/flash@e1000000");
	assert_int_equal(m->res[24].end,
			 0xffffffff); /* line 25 "fffc0000-ffffffff : f800c000.ocmc" */
	pi_iomem_free(m);

	m = fixture("zte-zx279128-armv7-4.1");
	assert_int_equal(m->n, 19);
	/* lines 6-8: "pcie0 mem space" > "0000:00:00.0" > "0000:00:00.0" (same range) */
	assert_string_equal(m->res[5].name, "pcie0 mem space");
	assert_int_equal(m->res[7].depth, 2);
	assert_int_equal(m->res[7].parent, 6);
	assert_string_equal(m->res[3].name, "/soc/usb@09100000/dwc3@0x09100000");
	pi_iomem_free(m);
}

/* Eight nesting levels (depths 0..7): the kernel prints depths >= 5 all with 10 spaces. */
static const char deep[] = "00000000-ffffffff : L0\n"
			   "  10000000-1fffffff : L1\n"
			   "    11000000-11ffffff : L2\n"
			   "      11100000-111fffff : L3\n"
			   "        11110000-1111ffff : L4\n"
			   "          11111000-11111fff : L5\n"
			   "          11111100-111111ff : L6\n"
			   "          11111110-1111111f : L7\n"
			   "          11111200-111112ff : L6b\n"
			   "          11112000-11112fff : L5b\n"
			   "          11112000-11112fff : L5b driver\n"
			   "        11120000-1112ffff : L4b\n"
			   "          11120000-1112ffff : L5c\n"
			   "20000000-2fffffff : top2\n";

static void test_beyond_indent_cap(void **state)
{
	struct pi_iomem *m = parse_ok(deep);
	static const unsigned depth[] = {0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 6, 4, 5, 0};
	static const long parent[] = {-1, 0, 1, 2, 3, 4, 5, 6, 5, 4, 9, 3, 11, -1};

	assert_int_equal(m->n, 14);
	for (size_t i = 0; i < m->n; i++) {
		assert_int_equal(m->res[i].depth, depth[i]);
		assert_int_equal(m->res[i].parent, parent[i]);
	}
	assert_int_equal(m->res[7].indent, 5);
	assert_int_equal(m->res[6].next_sibling, 8); /* L6b: inside L5 but not L6 */
	assert_int_equal(m->res[5].next_sibling, 9); /* L5b: outside L5 */
	assert_int_equal(m->res[9].first_child, 10); /* an equal range nests */
	assert_int_equal(m->res[4].next_sibling, 11);
	assert_int_equal(m->res[0].next_sibling, 13);
	assert_renders(m, deep, "deep");
	pi_iomem_free(m);
}

static void test_hidden_beyond_cap_is_flat(void **state)
{
	/* Without addresses containment is meaningless: every level-5 line stays at depth 5. */
	const char *in = "00000000-00000000 : a\n"
			 "  00000000-00000000 : b\n"
			 "    00000000-00000000 : c\n"
			 "      00000000-00000000 : d\n"
			 "        00000000-00000000 : e\n"
			 "          00000000-00000000 : f\n"
			 "          00000000-00000000 : g\n"
			 "          00000000-00000000 : h\n";
	struct pi_iomem *m = parse_ok(in);

	assert_true(m->addresses_hidden);
	assert_int_equal(m->res[7].depth, 5);
	assert_int_equal(m->res[7].parent, 4);
	assert_int_equal(m->res[5].next_sibling, 6);
	assert_int_equal(m->res[6].next_sibling, 7);
	assert_renders(m, in, "hidden deep");
	pi_iomem_free(m);
}

static void test_width_and_hidden_inference(void **state)
{
	/* /proc/ioports style: root end < 0x10000 gives width 4 */
	const char *ioports = "0000-0cf7 : PCI Bus 0000:00\n"
			      "  0000-001f : dma1\n"
			      "  0020-0021 : pic1\n"
			      "0cf8-0cff : PCI conf1\n";
	const char *short_fields = "0-fff : a\n  100-1ff : b\n";
	const char *mixed = "0000-0fff : a\n00001000-0000ffff : b\n";
	struct pi_iomem *m = parse_ok(ioports);

	assert_int_equal(m->width, 4);
	assert_false(m->addresses_hidden);
	assert_int_equal(m->res[3].start, 0xcf8);
	assert_renders(m, ioports, "ioports");
	pi_iomem_free(m);

	m = parse_ok("0000-0000 : dma1\n0000-0000 : pic1\n");
	assert_int_equal(m->width, 4);
	assert_true(m->addresses_hidden);
	assert_renders(m, "0000-0000 : dma1\n0000-0000 : pic1\n", "ioports hidden");
	pi_iomem_free(m);

	/* Hand-edited, non-kernel input parses and renders normalised to width 8. */
	m = parse_ok(short_fields);
	assert_int_equal(m->width, 8);
	assert_int_equal(m->res[1].start, 0x100);
	assert_renders(m, "00000000-00000fff : a\n  00000100-000001ff : b\n", "short");
	pi_iomem_free(m);
	m = parse_ok(mixed);
	assert_int_equal(m->width, 8);
	assert_renders(m, "00000000-00000fff : a\n00001000-0000ffff : b\n", "mixed");
	pi_iomem_free(m);
	m = parse_ok("0000ABCD-0000FFFF : up\n000000000000000001-0002 : z\n");
	assert_int_equal(m->res[0].start, 0xabcd);
	assert_int_equal(m->res[1].start, 1);
	assert_renders(m, "0000abcd-0000ffff : up\n00000001-00000002 : z\n", "normalised");
	pi_iomem_free(m);

	/* A legitimate zero start is not "hidden"; nor is a single 0-0 range among others. */
	m = parse_ok("00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n");
	assert_false(m->addresses_hidden);
	pi_iomem_free(m);
	m = parse_ok("00000000-00000000 : x\n00001000-00001fff : y\n");
	assert_false(m->addresses_hidden);
	pi_iomem_free(m);
	m = parse_ok("00000000-00000fff : x\n  00000000-000000ff : y\n"); /* all starts 0 */
	assert_false(m->addresses_hidden);
	pi_iomem_free(m);
}

static void test_names_and_ranges(void **state)
{
	const char *in = "00000000-00000fff : \n"			    /* empty name */
			 "00001000-00001fff : foo : bar\n"		    /* " : " inside */
			 "00002000-00002fff : <BAD>\n"			    /* NULL name */
			 "00003000-00003fff :  two  spaces \n"		    /* spaces kept */
			 "00005000-00004fff : zero-size\n"		    /* end < start */
			 "00006000-00006fff : parent\n"			    /**/
			 "  00009000-00009fff : outside its parent\n"	    /* quirky tree */
			 "ffffffff00000000-ffffffffffffffff : top\n"	    /* 16 digits */
			 "00000000-ffffffffffffffff : everything:(x)[y]\n"; /* size wraps */
	struct pi_iomem *m = parse_ok(in);

	assert_int_equal(m->n, 9);
	assert_int_equal(m->res[0].name_len, 0);
	assert_string_equal(m->res[0].name, "");
	assert_string_equal(m->res[1].name, "foo : bar");
	assert_string_equal(m->res[2].name, "<BAD>");
	assert_string_equal(m->res[3].name, " two  spaces ");
	assert_int_equal(m->res[4].start, 0x5000);
	assert_int_equal(m->res[4].end, 0x4fff);
	assert_int_equal(pi_iomem_size(&m->res[4]), 0);
	assert_int_equal(m->res[6].parent, 5);
	assert_int_equal(m->res[7].end, UINT64_MAX);
	assert_int_equal(pi_iomem_size(&m->res[7]), 0x100000000ULL);
	assert_int_equal(pi_iomem_size(&m->res[8]), 0);
	assert_string_equal(m->res[8].name, "everything:(x)[y]");
	assert_int_equal(m->width, 8);
	assert_renders(m, in, "names");
	pi_iomem_free(m);

	/* The kernel always ends lines with '\n'; a missing final one is tolerated. */
	m = parse_ok("00000000-00000fff : a\n  00000000-000000ff : b");
	assert_int_equal(m->n, 2);
	assert_string_equal(m->res[1].name, "b");
	assert_renders(m, "00000000-00000fff : a\n  00000000-000000ff : b\n", "no newline");
	pi_iomem_free(m);
}

static void test_size(void **state)
{
	struct pi_iomem_res r = {.start = 0x1000, .end = 0x1fff};

	assert_int_equal(pi_iomem_size(&r), 0x1000);
	r.end = 0x1000;
	assert_int_equal(pi_iomem_size(&r), 1);
	r.end = 0xfff;
	assert_int_equal(pi_iomem_size(&r), 0);
	r.start = 0;
	r.end = 0;
	assert_int_equal(pi_iomem_size(&r), 1);
}

static void expect_error_len(const char *in, size_t len, int err, unsigned line,
			     const char *reason_part)
{
	struct pi_iomem *m = (void *)0x1;
	struct pi_perr e = {0};

	assert_int_equal(pi_iomem_parse(in, len, &m, &e), err);
	assert_ptr_equal(m, (void *)0x1); /* output untouched on failure */
	assert_string_equal(e.source, "iomem");
	assert_int_equal(e.line, line);
	if (!strstr(e.reason, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", e.reason, reason_part);
}

static void expect_error(const char *in, int err, unsigned line, const char *reason_part)
{
	expect_error_len(in, strlen(in), err, line, reason_part);
}

static void test_errors(void **state)
{
	static const char nul[] = "00000000-00000fff : a\0b\n";

	expect_error("", -ENODATA, 0, "empty");
	expect_error("\n", -EINVAL, 1, "empty line");
	expect_error("00000000-00000fff : a\n\n00001000-00001fff : b\n", -EINVAL, 2, "empty line");
	expect_error("  00000000-00000fff : a\n", -EINVAL, 1, "jumps from level -1 to 1");
	expect_error("00000000-00000fff : a\n    00000100-000001ff : b\n", -EINVAL, 2,
		     "jumps from level 0 to 2");
	expect_error("00000000-00000fff : a\n   00000100-000001ff : b\n", -EINVAL, 2, "odd");
	expect_error("            00000000-00000fff : a\n", -EINVAL, 1, "exceeds");
	expect_error("00000000-00000fff : a\n\t00000100-000001ff : b\n", -EINVAL, 2, "hex start");
	expect_error("00000000 00000fff : a\n", -EINVAL, 1, "'-'");
	expect_error("0x0-0xfff : a\n", -EINVAL, 1, "'-'");
	expect_error("00000000- : a\n", -EINVAL, 1, "hex end");
	expect_error("-00000fff : a\n", -EINVAL, 1, "hex start");
	expect_error("00000000-00000fff: a\n", -EINVAL, 1, "\" : \"");
	expect_error("00000000-00000fff :a\n", -EINVAL, 1, "\" : \"");
	expect_error("00000000-00000fff\n", -EINVAL, 1, "\" : \"");
	expect_error("0000000g-00000fff : a\n", -EINVAL, 1, "'-'");
	expect_error("a\n", -EINVAL, 1, "'-'");
	expect_error("00000000-00000fff : a\n10000000000000000-1 : b\n", -ERANGE, 2,
		     "start address overflows");
	expect_error("0-fffffffffffffffff : a\n", -ERANGE, 1, "end address overflows");
	expect_error_len(nul, sizeof(nul) - 1, -EINVAL, 1, "NUL");
	expect_error("00000000-00000fff : a\n  00000100-000001ff : b\nSystem RAM\n", -EINVAL, 3,
		     "hex start");
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_hostile_input(void **state)
{
	const size_t big = 10u << 20;
	char *b = malloc(big + 64);
	struct pi_buf out;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t len, flen;
	char *fx = pt_fixture_read("ubuntu-3.13-x86_64", "iomem", &flen);
	int ok = 0;

	if (!b || !fx)
		abort();
	pi_buf_init(&out, 0);

	/* A 10 MiB name parses; 10 MiB of hex digits overflow; 10 MiB of spaces, newlines or
	 * NUL bytes fail at once. */
	memcpy(b, "00000000-00000fff : ", 20);
	memset(b + 20, 'A', big);
	b[20 + big] = '\n';
	assert_int_equal(parse_render_stable(b, big + 21, &out), 0);
	assert_int_equal(out.len, big + 21);
	memset(b, 'f', big);
	assert_int_equal(parse_render_stable(b, big, &out), -ERANGE);
	memset(b, ' ', big);
	assert_int_equal(parse_render_stable(b, big, &out), -EINVAL);
	memset(b, '\n', big);
	assert_int_equal(parse_render_stable(b, big, &out), -EINVAL);
	memset(b, 0, big);
	assert_int_equal(parse_render_stable(b, big, &out), -EINVAL);

	/* Random bytes from a small alphabet, and random mutations of a real file. */
	for (int round = 0; round < 3000; round++) {
		static const char alpha[] = "0123456789abcdefF- :\n\0<>x";

		len = rng(&seed) % 200;
		for (size_t i = 0; i < len; i++)
			b[i] =
			    round & 1 ? (char)rng(&seed) : alpha[rng(&seed) % (sizeof(alpha) - 1)];
		parse_render_stable(b, len, &out);
	}
	for (int round = 0; round < 3000; round++) {
		memcpy(b, fx, flen);
		for (int k = (int)(rng(&seed) % 4); k >= 0; k--) {
			static const char alpha[] = "0f -:\n\0";
			b[rng(&seed) % flen] = alpha[rng(&seed) % (sizeof(alpha) - 1)];
		}
		ok += parse_render_stable(b, rng(&seed) % (flen + 1), &out) == 0;
	}
	assert_true(ok > 100); /* the mutations also reach render */

	/* 200,000 nested level-5 lines: depth grows linearly, tree building stays linear. */
	len = 0;
	for (int i = 0; i < 5; i++)
		len += (size_t)sprintf(b + len, "%*s00000000-ffffffff : l\n", 2 * i, "");
	for (unsigned i = 1; i <= 200000; i++)
		len += (size_t)sprintf(b + len, "          %08x-%08x : n\n", i, 0xffffffffu - i);
	len += (size_t)sprintf(b + len, "          00000000-ffffffff : back to 5\n");
	{
		struct pi_iomem *m = NULL;

		assert_int_equal(pi_iomem_parse(b, len, &m, NULL), 0);
		assert_int_equal(m->n, 200006);
		assert_int_equal(m->res[200004].depth, 200004);
		/* contained in no level-5 resource: back to depth 5, under the level-4 "l" */
		assert_int_equal(m->res[200005].depth, 5);
		assert_int_equal(m->res[200005].parent, 4);
		assert_int_equal(m->res[5].next_sibling, 200005);
		pi_iomem_free(m);
	}
	assert_int_equal(parse_render_stable(b, len, &out), 0);
	pt_assert_same_bytes(out.data, out.len, b, len, "deep chain");

	pi_buf_fini(&out);
	free(fx);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_fixtures_round_trip),
	    cmocka_unit_test(test_local_618_values),
	    cmocka_unit_test(test_ubuntu_313_values),
	    cmocka_unit_test(test_other_fixture_values),
	    cmocka_unit_test(test_beyond_indent_cap),
	    cmocka_unit_test(test_hidden_beyond_cap_is_flat),
	    cmocka_unit_test(test_width_and_hidden_inference),
	    cmocka_unit_test(test_names_and_ranges),
	    cmocka_unit_test(test_size),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_hostile_input),
	};
	return cmocka_run_group_tests_name("iomem", tests, NULL, NULL);
}
