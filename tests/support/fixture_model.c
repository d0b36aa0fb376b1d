#include "fixture_model.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

struct pi_snapshot *pt_snapshot_at(const char *sample, double read_at)
{
	struct pi_snapshot *s = pi_snapshot_new();

	assert_non_null(s);
	s->seq = 1;
	s->sampled_at = 1000.0;
	s->page_size = 4096;
	s->clock_ticks = 100;
	for (int i = 0; i < PI_SRC_COUNT; i++) {
		size_t len;
		char *buf = pt_fixture_read(sample, pi_src_names[i], &len);
		struct pi_perr e = {0};

		s->status[i].attempted_at = read_at;
		if (!buf) {
			s->status[i].state = PI_SRC_FAILED;
			s->status[i].err = -ENOENT;
			s->status[i].failures = 1;
			strcpy(s->status[i].error, "No such file or directory");
			continue;
		}
		if (pi_srcdata_parse((enum pi_src)i, buf, len, read_at, &s->data[i], &e) < 0)
			fail_msg("%s %s: %s:%u %s", sample, pi_src_names[i], e.source, e.line,
				 e.reason);
		s->status[i].state = PI_SRC_OK;
	}
	assert_int_equal(pi_snapshot_build_zones(s), 0);
	return s;
}

struct pi_snapshot *pt_snapshot_of(const char *sample)
{
	return pt_snapshot_at(sample, 1000.0);
}
