/* Shared scanning (scan.h) and buffer (buf.h) helpers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "scan.h"

static struct pi_cur cur(const char *s)
{
	return (struct pi_cur){s, s + strlen(s)};
}

static void test_lines(void **state)
{
	const char text[] = "a\n\nbc";
	struct pi_lines it;
	struct pi_span l;
	bool nl;

	pi_lines_init(&it, text, sizeof(text) - 1);
	assert_true(pi_lines_next(&it, &l, &nl));
	assert_int_equal(l.len, 1);
	assert_true(nl);
	assert_true(pi_lines_next(&it, &l, &nl));
	assert_int_equal(l.len, 0);
	assert_true(pi_lines_next(&it, &l, &nl));
	assert_int_equal(l.len, 2);
	assert_false(nl); /* last line without '\n' is still returned */
	assert_int_equal(it.lineno, 3);
	assert_false(pi_lines_next(&it, &l, &nl));
	pi_lines_init(&it, text, 0);
	assert_false(pi_lines_next(&it, &l, &nl));
}

static void test_u64(void **state)
{
	struct pi_cur c = cur("18446744073709551615 18446744073709551616 x");
	uint64_t v;

	assert_int_equal(pi_cur_u64(&c, &v), 0);
	assert_true(v == UINT64_MAX);
	pi_cur_skip(&c, ' ');
	assert_int_equal(pi_cur_u64(&c, &v), -ERANGE);
	assert_true(v == UINT64_MAX); /* untouched */
	c.p += 21;
	assert_int_equal(pi_cur_u64(&c, &v), -EINVAL);

	/* never reads past end: "12" followed by digits outside the bound */
	const char *s = "1234";
	struct pi_cur b = {s, s + 2};
	assert_int_equal(pi_cur_u64(&b, &v), 0);
	assert_int_equal(v, 12);
}

static void test_i64_hex_fixed(void **state)
{
	struct pi_cur c = cur("-9223372036854775808 9223372036854775808");
	int64_t i;
	uint64_t v;
	unsigned nd;

	assert_int_equal(pi_cur_i64(&c, &i), 0);
	assert_true(i == INT64_MIN);
	pi_cur_skip(&c, ' ');
	assert_int_equal(pi_cur_i64(&c, &i), -ERANGE);

	c = cur("ffffffff81000000 10000000000000000");
	assert_int_equal(pi_cur_hex(&c, &v, &nd), 0);
	assert_true(v == 0xffffffff81000000ull);
	assert_int_equal(nd, 16);
	pi_cur_skip(&c, ' ');
	assert_int_equal(pi_cur_hex(&c, &v, &nd), -ERANGE);

	c = cur("0000000000000000000012ab");
	assert_int_equal(pi_cur_hex(&c, &v, &nd), 0); /* leading zeros are fine */
	assert_int_equal(v, 0x12ab);
	assert_int_equal(nd, 24);

	c = cur("12.05 3.5 7");
	assert_int_equal(pi_cur_fixed(&c, 2, &v), 0);
	assert_int_equal(v, 1205);
	pi_cur_skip(&c, ' ');
	assert_int_equal(pi_cur_fixed(&c, 2, &v), -EINVAL); /* one fraction digit */
	c = cur("7");
	assert_int_equal(pi_cur_fixed(&c, 2, &v), -EINVAL);
}

static void test_strict_forms(void **state)
{
	struct pi_cur c = cur("0 10 007 1.05 01.50 0.5");
	uint64_t v = 42;

	assert_int_equal(pi_cur_u64_strict(&c, &v), 0);
	assert_int_equal(v, 0);
	pi_cur_skip(&c, ' ');
	assert_int_equal(pi_cur_u64_strict(&c, &v), 0);
	assert_int_equal(v, 10);
	pi_cur_skip(&c, ' ');
	assert_int_equal(pi_cur_u64_strict(&c, &v), -EDOM); /* printf never prints "007" */
	assert_int_equal(v, 10);			    /* untouched */
	assert_int_equal(*c.p, '0');			    /* cursor unmoved */
	c.p += 4;
	assert_int_equal(pi_cur_fixed_strict(&c, 2, &v), 0);
	assert_int_equal(v, 105);
	pi_cur_skip(&c, ' ');
	assert_int_equal(pi_cur_fixed_strict(&c, 2, &v), -EDOM);
	c.p += 6;
	assert_int_equal(pi_cur_fixed_strict(&c, 1, &v), 0);
	assert_int_equal(v, 5);
}

static void test_grow(void **state)
{
	int *a = NULL;
	size_t cap = 0;

	assert_int_equal(pi_grow(&a, &cap, 1, sizeof(*a)), 0);
	assert_int_equal(cap, 16);
	a[15] = 7;
	assert_int_equal(pi_grow(&a, &cap, 16, sizeof(*a)), 0);
	assert_int_equal(cap, 16); /* already enough */
	assert_int_equal(pi_grow(&a, &cap, 100, sizeof(*a)), 0);
	assert_int_equal(cap, 128);
	assert_int_equal(a[15], 7);
	assert_int_equal(pi_grow(&a, &cap, SIZE_MAX / 2, sizeof(*a)), -ENOMEM);
	assert_int_equal(cap, 128);
	free(a);
}

static void test_word_and_lit(void **state)
{
	struct pi_cur c = cur("Node 0, zone   Normal  x");
	struct pi_span w;

	assert_true(pi_cur_lit(&c, "Node "));
	assert_false(pi_cur_lit(&c, "zone"));
	assert_true(pi_cur_word(&c, 0, &w));
	assert_true(PI_SPAN_EQ(w, "0,"));
	pi_cur_skip_ws(&c);
	assert_true(pi_cur_lit(&c, "zone"));
	pi_cur_skip(&c, ' ');
	assert_false(pi_cur_word(&c, 3, &w)); /* longer than max */
	assert_true(pi_cur_word(&c, 6, &w));
	assert_true(PI_SPAN_EQ(w, "Normal"));
}

static void test_buf_formats(void **state)
{
	struct pi_buf b;

	pi_buf_init(&b, 0);
	pi_buf_u64_pad(&b, 42, 6);
	pi_buf_putc(&b, '|');
	pi_buf_str_pad(&b, "DMA", 3, 8);
	pi_buf_putc(&b, '|');
	pi_buf_str_pad(&b, "ab", 2, -5);
	pi_buf_putc(&b, '|');
	pi_buf_i64_pad(&b, -7, 4);
	pi_buf_putc(&b, '|');
	pi_buf_hex(&b, 0xabc, 8);
	pi_buf_putc(&b, '|');
	pi_buf_hex(&b, 0x123456789, 8);
	pi_buf_putc(&b, '|');
	pi_buf_u64_pad(&b, 1234567, 6); /* wider than the field: printed whole */
	pi_buf_printf(&b, "|%s", "end");
	assert_string_equal(pi_buf_cstr(&b),
			    "    42|     DMA|ab   |  -7|00000abc|123456789|1234567|end");
	pi_buf_fini(&b);
}

static void test_buf_cap(void **state)
{
	struct pi_buf b;
	char big[100];

	memset(big, 'x', sizeof(big));
	pi_buf_init(&b, 64);
	assert_int_equal(pi_buf_append(&b, big, 64), 0);
	assert_int_equal(pi_buf_putc(&b, 'y'), -E2BIG);
	assert_int_equal(b.len, 64);
	/* the error is sticky */
	assert_int_equal(pi_buf_puts(&b, ""), -E2BIG);
	assert_int_equal(pi_buf_printf(&b, "%d", 1), -E2BIG);
	pi_buf_reset(&b);
	assert_int_equal(pi_buf_printf(&b, "%0100d", 1), -E2BIG);
	pi_buf_fini(&b);
	pi_buf_fini(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines),	  cmocka_unit_test(test_u64),
	    cmocka_unit_test(test_i64_hex_fixed), cmocka_unit_test(test_word_and_lit),
	    cmocka_unit_test(test_strict_forms),  cmocka_unit_test(test_grow),
	    cmocka_unit_test(test_buf_formats),	  cmocka_unit_test(test_buf_cap),
	};
	return cmocka_run_group_tests_name("scan_buf", tests, NULL, NULL);
}
