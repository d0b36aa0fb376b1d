/* buddyinfo: every fixture round-trips byte for byte; hand-checked values; format traps. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddyinfo.h"
#include "testutil.h"

static struct pi_buddyinfo *parse_ok(const char *s)
{
	struct pi_buddyinfo *b = NULL;
	struct pi_perr e = {0};
	int r = pi_buddyinfo_parse(s, strlen(s), &b, &e);

	if (r < 0)
		print_error("parse failed: %s:%u: %s\n", e.source, e.line, e.reason);
	assert_int_equal(r, 0);
	return b;
}

static void test_all_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0;

	for (char **s = samples; *s; s++) {
		size_t len;
		char *in = pt_fixture_read(*s, "buddyinfo", &len);
		struct pi_buddyinfo *b = NULL;
		struct pi_perr e = {0};
		struct pi_buf out;

		if (!in)
			continue;
		seen++;
		if (pi_buddyinfo_parse(in, len, &b, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		assert_int_equal(b->norders, 11); /* every capture here is a 4 KiB-page kernel */
		pi_buf_init(&out, 0);
		assert_int_equal(pi_buddyinfo_render(b, &out), 0);
		if (!pt_fixture_edited(*s, "buddyinfo"))
			pt_assert_same_bytes(out.data, out.len, in, len, *s);
		pi_buf_fini(&out);
		pi_buddyinfo_free(b);
		free(in);
	}
	assert_true(seen >= 15);
	pt_strv_free(samples);
}

static void test_local_618_values(void **state)
{
	size_t len;
	char *in = pt_fixture_read("local-6.18-x86_64", "buddyinfo", &len);
	struct pi_buddyinfo *b = NULL;
	static const uint64_t normal[11] = {0, 2, 1, 3, 5, 12, 15, 14, 6, 4, 23};

	assert_non_null(in);
	assert_int_equal(pi_buddyinfo_parse(in, len, &b, NULL), 0);
	assert_int_equal(b->nzones, 3);
	assert_string_equal(b->zones[0].zone, "DMA");
	assert_string_equal(b->zones[1].zone, "DMA32");
	assert_string_equal(b->zones[2].zone, "Normal");
	assert_int_equal(b->zones[2].node, 0);
	assert_memory_equal(b->zones[2].free, normal, sizeof(normal));
	assert_int_equal(b->zones[1].free[10], 752);
	pi_buddyinfo_free(b);
	free(in);
}

static void test_numa_and_wide_counts(void **state)
{
	size_t len;
	char *in = pt_fixture_read("lkml-fb-4.0-x86_64-numa2", "buddyinfo", &len);
	struct pi_buddyinfo *b = NULL;

	assert_non_null(in);
	assert_int_equal(pi_buddyinfo_parse(in, len, &b, NULL), 0);
	assert_int_equal(b->nzones, 4);
	assert_int_equal(b->zones[3].node, 1);
	assert_string_equal(b->zones[3].zone, "Normal");
	assert_int_equal(b->zones[3].free[0], 190988); /* fills the whole %6lu field */
	assert_int_equal(b->zones[2].free[0], 130376);
	pi_buddyinfo_free(b);
	free(in);
}

static void test_other_order_counts(void **state)
{
	/* 64 KiB-page arm64 prints 14 orders; some ARM32 SoCs 12. Never assume 11. */
	const char *fourteen =
	    "Node 0, zone   Normal      1      2      3      4      5      6      7"
	    "      8      9     10     11     12     13     14 \n";
	const char *twelve =
	    "Node 0, zone      DMA      0      0      0      0      0      0      0"
	    "      0      0      0      0      5 \n"
	    "Node 2, zone   Normal      1      1      1      1      1      1      1"
	    "      1      1      1      1      1 \n";
	struct pi_buddyinfo *b = parse_ok(fourteen);
	struct pi_buf out;

	assert_int_equal(b->norders, 14);
	assert_int_equal(b->zones[0].free[13], 14);
	pi_buf_init(&out, 0);
	pi_buddyinfo_render(b, &out);
	pt_assert_same_bytes(out.data, out.len, fourteen, strlen(fourteen), "14 orders");
	pi_buddyinfo_free(b);

	b = parse_ok(twelve);
	assert_int_equal(b->norders, 12);
	assert_int_equal(b->zones[1].node, 2); /* sparse node ids */
	pi_buf_reset(&out);
	pi_buddyinfo_render(b, &out);
	pt_assert_same_bytes(out.data, out.len, twelve, strlen(twelve), "12 orders");
	pi_buf_fini(&out);
	pi_buddyinfo_free(b);
}

static void test_seven_digit_counts(void **state)
{
	/* A count >= 1,000,000 is wider than %6lu: only the trailing space separates it. */
	const char *in = "Node 0, zone   Normal 1234567 12345678      0 \n";
	struct pi_buddyinfo *b = parse_ok(in);
	struct pi_buf out;

	assert_int_equal(b->zones[0].free[0], 1234567);
	assert_int_equal(b->zones[0].free[1], 12345678);
	pi_buf_init(&out, 0);
	pi_buddyinfo_render(b, &out);
	pt_assert_same_bytes(out.data, out.len, in, strlen(in), "wide");
	pi_buf_fini(&out);
	pi_buddyinfo_free(b);
}

static void test_stripped_trailing_space_and_no_newline(void **state)
{
	struct pi_buddyinfo *b = parse_ok("Node 0, zone      DMA      1      0      3");

	assert_int_equal(b->norders, 3);
	assert_int_equal(b->zones[0].free[2], 3);
	pi_buddyinfo_free(b);
}

static void expect_error(const char *in, int err, unsigned line, const char *reason_part)
{
	struct pi_buddyinfo *b = (void *)0x1;
	struct pi_perr e = {0};

	assert_int_equal(pi_buddyinfo_parse(in, strlen(in), &b, &e), err);
	assert_ptr_equal(b, (void *)0x1); /* output untouched on failure */
	assert_string_equal(e.source, "buddyinfo");
	assert_int_equal(e.line, line);
	if (!strstr(e.reason, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", e.reason, reason_part);
}

static void test_errors(void **state)
{
	expect_error("", -ENODATA, 0, "empty");
	expect_error("Node 0, zone   Normal      1      2 \nNode 0, zone  HighMem      1 \n",
		     -EINVAL, 2, "orders");
	expect_error("Node x, zone Normal 1 \n", -EINVAL, 1, "node");
	expect_error("Node 0, zone   Normal      1   -2 \n", -EINVAL, 1, "order 1");
	expect_error("Node 0, zone   Normal 99999999999999999999999 \n", -ERANGE, 1, "overflow");
	expect_error("Node 0, zone   Normal \n", -EINVAL, 1, "no free counts");
	expect_error("Node 0, zone   Normal 1 \n\n", -EINVAL, 2, "empty line");
	expect_error("cpu  1 2 3 4\n", -EINVAL, 1, "Node");
	expect_error("Node 0, zone ThisZoneNameIsTooLong 1 \n", -EINVAL, 1, "zone name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_fixtures_round_trip),
	    cmocka_unit_test(test_local_618_values),
	    cmocka_unit_test(test_numa_and_wide_counts),
	    cmocka_unit_test(test_other_order_counts),
	    cmocka_unit_test(test_seven_digit_counts),
	    cmocka_unit_test(test_stripped_trailing_space_and_no_newline),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("buddyinfo", tests, NULL, NULL);
}
