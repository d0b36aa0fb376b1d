/* JSON rendering: exact numbers (jsonw), and documents built from a snapshot of fixture data. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "docs.h"
#include "jsonw.h"
#include "snapshot.h"
#include "fixture_model.h"
#include "testutil.h"

static char *print_arr(void (*fill)(cJSON *))
{
	cJSON *a = cJSON_CreateArray();
	char *s;

	fill(a);
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

static void fill_numbers(cJSON *a)
{
	pi_jw_u64(a, NULL, UINT64_MAX); /* exact, beyond a double's 2^53 */
	pi_jw_i64(a, NULL, INT64_MIN);
	pi_jw_fixed(a, NULL, 412, 3);
	pi_jw_fixed(a, NULL, -1000, 3);
	pi_jw_fixed(a, NULL, -500, 3);
	pi_jw_fixed(a, NULL, 1000, 3);
	pi_jw_fixed(a, NULL, 5, 3);
	pi_jw_ratio(a, NULL, 12345, 100); /* ticks / USER_HZ */
	pi_jw_ratio(a, NULL, 1, 3);
	pi_jw_ratio(a, NULL, 7, 0);
	pi_jw_addr(a, NULL, 0xffffffff81000000ull);
	pi_jw_time(a, NULL, 1700000000.1234);
}

static void test_exact_numbers(void **state)
{
	char *s = print_arr(fill_numbers);

	assert_string_equal(s, "[18446744073709551615,-9223372036854775808,0.412,-1,-0.5,1,0.005,"
			       "123.45,0.3333333333333333,null,\"0xffffffff81000000\","
			       "1700000000.123]");
	free(s);
}

static void test_buddy_doc(void **state)
{
	struct pi_snapshot *s = pt_snapshot_of("local-6.18-x86_64");
	cJSON *d = pi_doc_buddy(s), *z;
	char *txt;

	assert_non_null(d);
	assert_string_equal(cJSON_GetObjectItem(d, "page_size")->valuestring, "4096"); /* raw */
	z = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "zones"), 2);
	assert_string_equal(cJSON_GetObjectItem(z, "zone")->valuestring, "Normal");
	/* Raw numbers print verbatim; check them through the printed text. Unusable index at
	 * order 5: suitable = 12*1 + 15*2 + 14*4 + 6*8 + 4*16 + 23*32 = 946 blocks of 32 pages =
	 * 30272; (30384 - 30272) * 1000 / 30384 = 3 -> 0.003. */
	txt = cJSON_PrintUnformatted(z);
	assert_non_null(strstr(txt, "\"free_pages\":30384,\"free_bytes\":124452864,"
				    "\"largest_free_order\":10"));
	assert_non_null(strstr(txt, "\"unusable_index\":[0,0,0,0,0.001,0.003,0.016,0.047,0.106,"
				    "0.157,0.224]"));
	free(txt);
	cJSON_Delete(d);
	pi_snapshot_unref(s);
}

static void test_healthz_and_missing_sources(void **state)
{
	/* cray has only kallsyms: everything else is missing -> degraded, 503 documents */
	struct pi_snapshot *s = pt_snapshot_of("cray-x86_64-3.0-kallsyms");
	cJSON *h = pi_doc_healthz(s), *src;

	assert_string_equal(cJSON_GetObjectItem(h, "status")->valuestring, "degraded");
	src = cJSON_GetObjectItem(cJSON_GetObjectItem(h, "sources"), "stat");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(src, "ok")));
	assert_string_equal(cJSON_GetObjectItem(src, "error")->valuestring,
			    "No such file or directory");
	assert_null(pi_doc_buddy(s));
	assert_null(pi_doc_cpu(s));
	cJSON_Delete(h);
	pi_snapshot_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_numbers),
	    cmocka_unit_test(test_buddy_doc),
	    cmocka_unit_test(test_healthz_and_missing_sources),
	};
	return cmocka_run_group_tests_name("snapshot_json", tests, NULL, NULL);
}
