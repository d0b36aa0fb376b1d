/* The sampler on a scratch procfs tree: what each attempt records in the source status
 * (failures, parse failures, durations), and what /metrics then shows of it. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "metrics.h"
#include "sampler.h"
#include "testutil.h"

struct tree {
	char dir[64];
	char path[128];
};

static const char *tree_file(struct tree *t, const char *name)
{
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
	return t->path;
}

static void put(struct tree *t, const char *name, const char *text, size_t len)
{
	FILE *f = fopen(tree_file(t, name), "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void put_fixture(struct tree *t, const char *name)
{
	size_t len;
	char *buf = pt_fixture_read("local-6.18-x86_64", name, &len);

	assert_non_null(buf);
	put(t, name, buf, len);
	free(buf);
}

static struct pi_sampler *sampler_on(struct tree *t)
{
	struct pi_sampler_opts o = {
	    .root = t->dir,
	    .interval = 100, /* nothing is due again within a test unless `all` */
	    .pagetypeinfo_interval = 100,
	    .slow_interval = 100,
	    .max_file_bytes = 1 << 24,
	    .page_size = 4096,
	    .clock_ticks = 100,
	};
	struct pi_sampler *s;

	assert_int_equal(pi_sampler_new(&o, &s), 0);
	return s;
}

static char *render(const struct pi_snapshot *s)
{
	struct pi_buf b;
	size_t len;
	char *text;

	pi_buf_init(&b, 0);
	assert_int_equal(pi_metrics_render(s, NULL, PI_METRICS_TEXT, &b), 0);
	text = pi_buf_steal(&b, &len);
	text = realloc(text, len + 1);
	text[len] = '\0';
	return text;
}

static void assert_status(const struct pi_snapshot *s, enum pi_src src, enum pi_src_state state,
			  uint64_t failures, uint64_t parse_failures)
{
	const struct pi_src_status *st = &s->status[src];

	if (st->state != state || st->failures != failures || st->parse_failures != parse_failures)
		fail_msg("%s: state %d failures %" PRIu64 " parse_failures %" PRIu64
			 ", expected %d %" PRIu64 " %" PRIu64,
			 pi_src_names[src], st->state, st->failures, st->parse_failures, state,
			 failures, parse_failures);
}

/* A missing file and a FIFO are read failures, malformed text a parse failure; each
 * attempt counts once, and a source carried into a sample without a new attempt counts
 * nothing. */
static void test_read_and_parse_failures_are_counted_apart(void **state)
{
	static const char bad_buddy[] = "Node 0, zone      DMA      0      x\n";
	struct tree t;
	struct pi_sampler *sm;
	struct pi_snapshot *s1, *s2, *s3, *s4;
	const struct pi_src_status *st;
	char *text;

	(void)state;
	pi_log_set_level(PI_LOG_ERR);
	snprintf(t.dir, sizeof(t.dir), "/tmp/pi-test-sampler-XXXXXX");
	assert_non_null(mkdtemp(t.dir));
	put_fixture(&t, "stat");
	put_fixture(&t, "buddyinfo");
	sm = sampler_on(&t);

	/* 1: buddyinfo good, iomem missing */
	s1 = pi_sampler_sample(sm, true);
	assert_non_null(s1);
	assert_status(s1, PI_SRC_BUDDYINFO, PI_SRC_OK, 0, 0);
	assert_status(s1, PI_SRC_IOMEM, PI_SRC_FAILED, 1, 0);
	st = &s1->status[PI_SRC_BUDDYINFO];
	assert_non_null(s1->data[PI_SRC_BUDDYINFO]);
	assert_true(st->read_ns > 0);
	assert_true(st->parse_ns > 0);
	assert_int_equal(st->read_ns, s1->data[PI_SRC_BUDDYINFO]->read_ns);
	assert_int_equal(st->parse_ns, s1->data[PI_SRC_BUDDYINFO]->parse_ns);
	/* a failed read is neither timed nor parsed */
	assert_int_equal(s1->status[PI_SRC_IOMEM].read_ns, 0);
	assert_int_equal(s1->status[PI_SRC_IOMEM].parse_ns, 0);

	/* 2: buddyinfo malformed (read, then rejected), iomem still missing */
	put(&t, "buddyinfo", bad_buddy, sizeof(bad_buddy) - 1);
	s2 = pi_sampler_sample(sm, true);
	assert_status(s2, PI_SRC_BUDDYINFO, PI_SRC_FAILED, 1, 1);
	assert_status(s2, PI_SRC_IOMEM, PI_SRC_FAILED, 2, 0);
	st = &s2->status[PI_SRC_BUDDYINFO];
	assert_int_equal(st->err, -EINVAL);
	assert_non_null(strstr(st->error, "buddyinfo:1:"));
	assert_true(st->read_ns > 0);
	/* the stale data served is sample 1's */
	assert_ptr_equal(s2->data[PI_SRC_BUDDYINFO], s1->data[PI_SRC_BUDDYINFO]);

	/* 3: iomem is a FIFO: -EINVAL from the reader, described as "not a regular file", still
	 * a read failure */
	assert_int_equal(mkfifo(tree_file(&t, "iomem"), 0600), 0);
	s3 = pi_sampler_sample(sm, true);
	assert_status(s3, PI_SRC_BUDDYINFO, PI_SRC_FAILED, 2, 2);
	assert_status(s3, PI_SRC_IOMEM, PI_SRC_FAILED, 3, 0);
	assert_int_equal(s3->status[PI_SRC_IOMEM].err, -EINVAL);
	assert_string_equal(s3->status[PI_SRC_IOMEM].error, "not a regular file");
	assert_status(s3, PI_SRC_STAT, PI_SRC_OK, 0, 0);

	/* 4: nothing due: every status is carried over, nothing counted again */
	s4 = pi_sampler_sample(sm, false);
	assert_status(s4, PI_SRC_BUDDYINFO, PI_SRC_FAILED, 2, 2);
	assert_status(s4, PI_SRC_IOMEM, PI_SRC_FAILED, 3, 0);
	assert_true(s4->status[PI_SRC_STAT].attempted_at == s3->status[PI_SRC_STAT].attempted_at);

	/* The totals sum every attempt's read and parse time, the failed ones included, and
	 * are carried over unchanged when nothing is read. */
	for (int src = 0; src < PI_SRC_COUNT; src++) {
		const struct pi_snapshot *ss[] = {s1, s2, s3};
		uint64_t rsum = 0, psum = 0;

		for (int i = 0; i < 3; i++) {
			rsum += ss[i]->status[src].read_ns;
			psum += ss[i]->status[src].parse_ns;
		}
		assert_int_equal(s3->status[src].read_ns_total, rsum);
		assert_int_equal(s3->status[src].parse_ns_total, psum);
		assert_int_equal(s4->status[src].read_ns_total, rsum);
		assert_int_equal(s4->status[src].parse_ns_total, psum);
	}
	assert_true(s3->status[PI_SRC_BUDDYINFO].read_ns_total >
		    s1->status[PI_SRC_BUDDYINFO].read_ns);	     /* three reads */
	assert_int_equal(s3->status[PI_SRC_IOMEM].read_ns_total, 0); /* never read */

	text = render(s4);
	pt_assert_line(text, "procintro_source_failures_total{source=\"buddyinfo\"} 2");
	pt_assert_line(text, "procintro_source_parse_errors_total{source=\"buddyinfo\"} 2");
	pt_assert_line(text, "procintro_source_failures_total{source=\"iomem\"} 3");
	pt_assert_line(text, "procintro_source_parse_errors_total{source=\"iomem\"} 0");
	pt_assert_line(text, "procintro_source_failures_total{source=\"stat\"} 0");
	pt_assert_line(text, "procintro_source_parse_errors_total{source=\"stat\"} 0");
	/* nothing was read in sample 4 */
	pt_assert_line(text, "procintro_sample_duration_seconds 0");
	free(text);

	pi_snapshot_unref(s1);
	pi_snapshot_unref(s2);
	pi_snapshot_unref(s3);
	pi_snapshot_unref(s4);
	pi_sampler_free(sm);
	assert_int_equal(unlink(tree_file(&t, "stat")), 0);
	assert_int_equal(unlink(tree_file(&t, "buddyinfo")), 0);
	assert_int_equal(unlink(tree_file(&t, "iomem")), 0);
	assert_int_equal(rmdir(t.dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_and_parse_failures_are_counted_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
