/* /metrics rendering: exact lines for hand-checked values, label escaping, OpenMetrics framing,
 * gzip round trip, content negotiation, family options, and every fixture tree. */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <zlib.h>

#include "fixture_model.h"
#include "metrics.h"
#include "pages.h"
#include "pi_config.h"
#include "route.h"
#include "snapshot.h"
#include "testutil.h"

/* A snapshot of a fixture tree, every source read at Unix time 999.5 (sample at 1000). */
static struct pi_snapshot *snapshot_of(const char *sample)
{
	return pt_snapshot_at(sample, 999.5);
}

/* A snapshot holding one source parsed from `text`. */
static struct pi_snapshot *snapshot_with(enum pi_src src, const char *text)
{
	struct pi_snapshot *s = pi_snapshot_new();
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	struct pi_perr e = {0};

	memcpy(buf, text, len + 1);
	s->seq = 1;
	s->sampled_at = 1000.0;
	s->page_size = 4096;
	s->clock_ticks = 100;
	if (pi_srcdata_parse(src, buf, len, 999.5, &s->data[src], &e) < 0)
		fail_msg("%s:%u %s", e.source, e.line, e.reason);
	s->status[src].state = PI_SRC_OK;
	assert_int_equal(pi_snapshot_build_zones(s), 0);
	return s;
}

static char *render(const struct pi_snapshot *s, const struct pi_metrics_opts *o,
		    enum pi_metrics_format f, size_t *ret_len)
{
	struct pi_buf b;
	char *text;

	pi_buf_init(&b, 0);
	assert_int_equal(pi_metrics_render(s, o, f, &b), 0);
	text = pi_buf_steal(&b, ret_len);
	text = realloc(text, *ret_len + 1);
	text[*ret_len] = '\0';
	return text;
}

static void assert_no_line_starting(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, prefix, n))
			fail_msg("unexpected line starting with %s", prefix);
		if (!strchr(p, '\n'))
			break;
	}
}

/* ---------------------------------------------------------------------------------------- */

static void test_node_exporter_names_and_values(void **state)
{
	struct pi_snapshot *s = snapshot_of("prometheus-node-exporter");
	size_t len;
	char *t = render(s, NULL, PI_METRICS_TEXT, &len);

	/* Values checked by hand against the fixture and against node_exporter 1.5.0 run on the
	 * same tree (same names, labels, types and values). */
	pt_assert_line(t, "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.");
	pt_assert_line(t, "# TYPE node_cpu_seconds_total counter");
	/* cpu0 user 44490 ticks at USER_HZ 100 */
	pt_assert_line(t, "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 444.9");
	pt_assert_line(t, "node_cpu_seconds_total{cpu=\"0\",mode=\"steal\"} 0");
	/* guest columns 2 and 1 go to node_cpu_guest_seconds_total, not to node_cpu_seconds */
	pt_assert_line(t, "node_cpu_guest_seconds_total{cpu=\"0\",mode=\"user\"} 0.02");
	pt_assert_line(t, "node_cpu_guest_seconds_total{cpu=\"0\",mode=\"nice\"} 0.01");
	assert_null(strstr(t, "node_cpu_seconds_total{cpu=\"0\",mode=\"guest\"}"));
	pt_assert_line(t, "node_boot_time_seconds 1418183276");
	pt_assert_line(t, "node_context_switches_total 38014093");
	pt_assert_line(t, "node_forks_total 26442");
	pt_assert_line(t, "node_intr_total 8885917");
	pt_assert_line(t, "node_procs_running 2");
	pt_assert_line(t, "node_softirqs_total{vector=\"block_iopoll\"} 0");
	pt_assert_line(t, "node_softirqs_total{vector=\"tasklet\"} 1783454");
	pt_assert_line(t, "node_load1 0.21");
	pt_assert_line(t, "node_load15 0.39");
	pt_assert_line(t, "node_pressure_io_stalled_seconds_total 159.229614");
	pt_assert_line(t, "node_pressure_cpu_waiting_seconds_total 14.036781");
	/* schedstat v15 cpu0: rq_cpu_time 2045936778163039 ns, run_delay 343796328169361 ns */
	pt_assert_line(t, "node_schedstat_running_seconds_total{cpu=\"0\"} 2045936.778163039");
	pt_assert_line(t, "node_schedstat_waiting_seconds_total{cpu=\"0\"} 343796.328169361");
	pt_assert_line(t, "node_schedstat_timeslices_total{cpu=\"1\"} 5145567945");
	pt_assert_line(t, "procintro_schedstat_waiting_seconds_total 707903.591957602");
	pt_assert_line(t, "# TYPE node_buddyinfo_blocks gauge");
	pt_assert_line(t, "node_buddyinfo_blocks{node=\"0\",zone=\"DMA\",size=\"10\"} 3");
	pt_assert_line(t, "node_buddyinfo_blocks{node=\"0\",zone=\"Normal\",size=\"3\"} 1530");
	pt_assert_line(t, "node_zoneinfo_min_pages{node=\"0\",zone=\"Normal\"} 15809");
	pt_assert_line(t, "node_zoneinfo_spanned_pages{node=\"0\",zone=\"Device\"} 0");
	pt_assert_line(t, "node_zoneinfo_nr_free_pages{node=\"0\",zone=\"Normal\"} 4539739");
	pt_assert_line(t, "node_zoneinfo_protection_0{node=\"0\",zone=\"DMA\"} 0");
	pt_assert_line(t, "# TYPE node_zoneinfo_numa_hit_total counter");
	pt_assert_line(t, "node_zoneinfo_numa_hit_total{node=\"0\",zone=\"Normal\"} 62836441");
	/* Normal: 4381 1093 185 1530 567 102 4 0 0 0 0 -> 32139 free pages in 7862 blocks.
	 * Order 6: 4 suitable blocks of 64 pages: (32139 - 256) * 1000 / 32139 = 992.
	 * Order 7: none suitable: 1000 - (1000 + 32139000 / 128) / 7862 = 1000 - 32 = 968. */
	pt_assert_line(t, "procintro_buddy_free_bytes{node=\"0\",zone=\"Normal\"} 131641344");
	pt_assert_line(t, "procintro_buddy_largest_free_order{node=\"0\",zone=\"Normal\"} 6");
	pt_assert_line(
	    t, "procintro_buddy_unusable_index{node=\"0\",zone=\"Normal\",order=\"6\"} 0.992");
	pt_assert_line(t,
		       "procintro_buddy_unusable_index{node=\"0\",zone=\"Normal\",order=\"7\"} 1");
	pt_assert_line(
	    t, "procintro_buddy_fragmentation_index{node=\"0\",zone=\"Normal\",order=\"6\"} -1");
	pt_assert_line(
	    t, "procintro_buddy_fragmentation_index{node=\"0\",zone=\"Normal\",order=\"7\"} 0.968");
	/* watermark min 15809 pages of 4096 bytes */
	pt_assert_line(
	    t, "procintro_zone_watermark_bytes{node=\"0\",zone=\"Normal\",watermark=\"min\"} "
	       "64753664");
	pt_assert_line(t, "procintro_source_up{source=\"stat\"} 1");
	pt_assert_line(t, "procintro_source_up{source=\"iomem\"} 0");
	pt_assert_line(t, "procintro_source_failures_total{source=\"iomem\"} 1");
	pt_assert_line(t, "procintro_source_parse_errors_total{source=\"iomem\"} 0");
	pt_assert_line(t, "procintro_source_data_timestamp_seconds{source=\"stat\"} 999.5");
	pt_assert_line(t, "procintro_sample_timestamp_seconds 1000");
	pt_assert_line(t, "procintro_build_info{version=\"" PI_VERSION "\"} 1");
	/* no series for what the tree lacks, no OpenMetrics terminator */
	assert_no_line_starting(t, "procintro_iomem_");
	assert_no_line_starting(t, "procintro_kallsyms_");
	assert_no_line_starting(t, "# EOF");
	free(t);
	pi_snapshot_unref(s);
}

static void test_procintro_values(void **state)
{
	struct pi_snapshot *s = snapshot_of("local-6.18-x86_64");
	size_t len;
	char *t = render(s, NULL, PI_METRICS_TEXT, &len);

	/* the same numbers test_snapshot_json checks in /api/v1/buddy */
	pt_assert_line(t, "procintro_buddy_free_bytes{node=\"0\",zone=\"Normal\"} 124452864");
	pt_assert_line(
	    t, "procintro_buddy_unusable_index{node=\"0\",zone=\"Normal\",order=\"5\"} 0.003");
	pt_assert_line(t, "procintro_pageblock_order 9");
	pt_assert_line(t, "procintro_pageblock_size_bytes 2097152");
	pt_assert_line(t,
		       "procintro_pagetype_pageblocks{node=\"0\",zone=\"Normal\",type=\"Movable\"} "
		       "312");
	/* PSI cpu some avg10=2.02 -> 0.0202 */
	pt_assert_line(
	    t, "procintro_pressure_avg_ratio{resource=\"cpu\",kind=\"some\",window=\"10s\"} "
	       "0.0202");
	pt_assert_line(t, "node_pressure_cpu_stalled_seconds_total 0");
	pt_assert_line(t, "procintro_iomem_addresses_hidden 0");
	pt_assert_line(t, "procintro_kallsyms_addresses_hidden 0");
	pt_assert_line(t, "procintro_kallsyms_module_symbols{module=\"__builtin__ftrace\"} 1");
	pt_assert_line(t, "# TYPE procintro_zone_alloc_ok gauge");
	free(t);
	pi_snapshot_unref(s);
}

static void test_label_escaping(void **state)
{
	/* a zone name with a quote, a backslash and a byte that is not UTF-8 */
	struct pi_snapshot *s =
	    snapshot_with(PI_SRC_BUDDYINFO, "Node 0, zone  a\"b\\c\xff      1      2 \n"
					    "Node 1, zone \xc3\xa9t\xc3\xa9      3      4 \n");
	size_t len;
	char *t = render(s, NULL, PI_METRICS_TEXT, &len);

	pt_assert_line(
	    t, "node_buddyinfo_blocks{node=\"0\",zone=\"a\\\"b\\\\c\xef\xbf\xbd\",size=\"1\"} 2");
	pt_assert_line(t,
		       "node_buddyinfo_blocks{node=\"1\",zone=\"\xc3\xa9t\xc3\xa9\",size=\"0\"} 3");
	free(t);
	pi_snapshot_unref(s);
}

static void test_duplicate_keys_render_once(void **state)
{
	/* a kernel never prints a zone twice; the parser keeps both, /metrics only the first */
	struct pi_snapshot *s = snapshot_with(PI_SRC_BUDDYINFO, "Node 0, zone   Normal      1 \n"
								"Node 0, zone   Normal      7 \n"
								"Node 1, zone   Normal      9 \n");
	size_t len;
	char *t = render(s, NULL, PI_METRICS_TEXT, &len);

	pt_assert_line(t, "node_buddyinfo_blocks{node=\"0\",zone=\"Normal\",size=\"0\"} 1");
	pt_assert_line(t, "node_buddyinfo_blocks{node=\"1\",zone=\"Normal\",size=\"0\"} 9");
	assert_null(strstr(t, "size=\"0\"} 7"));
	free(t);
	pi_snapshot_unref(s);
}

static void test_openmetrics(void **state)
{
	struct pi_snapshot *s = snapshot_of("prometheus-node-exporter");
	size_t len;
	char *t = render(s, NULL, PI_METRICS_OPENMETRICS, &len);

	assert_true(len > 6);
	assert_string_equal(t + len - 6, "# EOF\n");
	assert_ptr_equal(strstr(t, "# EOF"), t + len - 6); /* once, at the very end */
	/* counters: family named without _total, samples with it */
	pt_assert_line(t, "# HELP node_cpu_seconds Seconds the CPUs spent in each mode.");
	pt_assert_line(t, "# TYPE node_cpu_seconds counter");
	pt_assert_line(t, "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 444.9");
	pt_assert_line(t, "# TYPE procintro_source_failures counter");
	assert_no_line_starting(t, "# TYPE node_cpu_seconds_total");
	/* gauges unchanged; the build info is an info metric */
	pt_assert_line(t, "# TYPE node_load1 gauge");
	pt_assert_line(t, "# TYPE procintro_build info");
	pt_assert_line(t, "procintro_build_info{version=\"" PI_VERSION "\"} 1");
	free(t);
	pi_snapshot_unref(s);
}

static void test_gzip_round_trip(void **state)
{
	struct pi_snapshot *s = snapshot_of("local-6.18-x86_64");
	size_t len;
	char *t = render(s, NULL, PI_METRICS_TEXT, &len);
	struct pi_buf gz;
	unsigned char *back = malloc(len + 16);
	z_stream z = {0};

	pi_buf_init(&gz, 0);
	assert_int_equal(pi_metrics_gzip(t, len, &gz), 0);
	assert_true(gz.len > 18 && gz.len < len / 3);
	assert_int_equal((unsigned char)gz.data[0], 0x1f); /* RFC 1952 magic */
	assert_int_equal((unsigned char)gz.data[1], 0x8b);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)gz.data;
	z.avail_in = (uInt)gz.len;
	z.next_out = back;
	z.avail_out = (uInt)(len + 16);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, len);
	assert_memory_equal(back, t, len);
	inflateEnd(&z);
	pi_buf_fini(&gz);
	free(back);
	free(t);
	pi_snapshot_unref(s);
}

static void test_negotiation(void **state)
{
	/* what Prometheus 2.42 sends */
	assert_int_equal(pi_metrics_negotiate("application/openmetrics-text;version=1.0.0,"
					      "application/openmetrics-text;version=0.0.1;q=0.75,"
					      "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
			 PI_METRICS_OPENMETRICS);
	assert_int_equal(pi_metrics_negotiate(NULL), PI_METRICS_TEXT);
	assert_int_equal(pi_metrics_negotiate("*/*"), PI_METRICS_TEXT);
	assert_int_equal(pi_metrics_negotiate("text/plain;version=0.0.4"), PI_METRICS_TEXT);
	assert_int_equal(pi_metrics_negotiate("application/openmetrics-text"),
			 PI_METRICS_OPENMETRICS);
	assert_int_equal(pi_metrics_negotiate("Application/OpenMetrics-Text; version=0.0.1"),
			 PI_METRICS_OPENMETRICS);
	assert_int_equal(pi_metrics_negotiate("application/openmetrics-text;q=0.2, text/plain"),
			 PI_METRICS_TEXT);
	assert_int_equal(pi_metrics_negotiate("application/openmetrics-text;q=0"), PI_METRICS_TEXT);
	assert_int_equal(pi_metrics_negotiate("application/openmetrics-text; version=2.0.0"),
			 PI_METRICS_TEXT);
	assert_int_equal(pi_metrics_negotiate("application/json"), PI_METRICS_TEXT);
	assert_true(pi_metrics_accepts_gzip("gzip"));
	assert_true(pi_metrics_accepts_gzip("deflate, gzip;q=0.5"));
	assert_true(pi_metrics_accepts_gzip("*"));
	assert_true(pi_metrics_accepts_gzip("x-gzip"));
	assert_false(pi_metrics_accepts_gzip(NULL));
	assert_false(pi_metrics_accepts_gzip("identity"));
	assert_false(pi_metrics_accepts_gzip("gzip;q=0"));
	assert_false(pi_metrics_accepts_gzip("gzip;q=0, *"));
	assert_false(pi_metrics_accepts_gzip("deflate, *;q=0"));
}

static void test_options(void **state)
{
	struct pi_snapshot *s = snapshot_of("prometheus-node-exporter");
	struct pi_metrics_opts o;
	char err[128];
	size_t len;
	char *t;

	pi_metrics_opts_init(&o);
	assert_int_equal(pi_metrics_opts_disable(&o, "percpu,bogus", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown metrics group \"bogus\"");
	assert_int_equal(pi_metrics_opts_exclude(&o, "node_(", err, sizeof(err)), -EINVAL);
	assert_int_equal(pi_metrics_opts_disable(&o, "percpu,self", err, sizeof(err)), 0);
	/* patterns match whole names and add up */
	assert_int_equal(pi_metrics_opts_exclude(&o, "node_load1", err, sizeof(err)), 0);
	assert_int_equal(pi_metrics_opts_exclude(&o, "procintro_buddy_.*", err, sizeof(err)), 0);
	t = render(s, &o, PI_METRICS_TEXT, &len);
	assert_no_line_starting(t, "node_cpu_seconds_total");
	assert_no_line_starting(t, "node_schedstat_");
	assert_no_line_starting(t, "procintro_source_");
	assert_no_line_starting(t, "node_load1 ");
	assert_no_line_starting(t, "procintro_buddy_");
	pt_assert_line(t, "node_load15 0.39");
	pt_assert_line(t, "node_buddyinfo_blocks{node=\"0\",zone=\"DMA\",size=\"10\"} 3");
	pt_assert_line(t, "procintro_cpu_seconds_total{mode=\"user\"} 3018.54");
	pt_assert_line(t, "procintro_schedstat_timeslices_total 9913053251");
	assert_false(pi_metrics_family_enabled(&o, 1u << PI_MG_CPU, "node_load1"));
	assert_true(pi_metrics_family_enabled(&o, 1u << PI_MG_CPU, "node_load5"));
	assert_false(pi_metrics_family_enabled(&o, 1u << PI_MG_SELF, "x"));
	free(t);
	pi_metrics_opts_fini(&o);
	pi_snapshot_unref(s);
}

/* The source families show what the sampler recorded: every failure, the parse failures
 * among them, and the read + parse time of the sources attempted in this sample. */
static void test_failures_come_from_the_status(void **state)
{
	struct pi_snapshot *s = snapshot_with(PI_SRC_LOADAVG, "0.50 0.40 0.30 2/300 4242\n");
	struct pi_src_status *st = &s->status[PI_SRC_BUDDYINFO];
	size_t len;
	char *t;

	(void)state;
	s->status[PI_SRC_LOADAVG].attempted_at = 1000.25;
	s->status[PI_SRC_LOADAVG].read_ns = 1500000;
	s->status[PI_SRC_LOADAVG].parse_ns = 250000;
	/* a parse failure after a read failure */
	st->state = PI_SRC_FAILED;
	st->err = -EINVAL;
	st->attempted_at = 1000.25;
	st->failures = 3;
	st->parse_failures = 1;
	st->read_ns = 4000000;
	st->parse_ns = 1000000;
	strcpy(st->error, "buddyinfo:3: order 4: not a number");
	/* a read failure whose text is not strerror()'s */
	s->status[PI_SRC_IOMEM].state = PI_SRC_FAILED;
	s->status[PI_SRC_IOMEM].err = -EINVAL;
	s->status[PI_SRC_IOMEM].failures = 2;
	strcpy(s->status[PI_SRC_IOMEM].error, "not a regular file");
	/* carried over from an earlier sample: not in this sample's duration */
	s->status[PI_SRC_STAT].state = PI_SRC_OK;
	s->status[PI_SRC_STAT].attempted_at = 999.0;
	s->status[PI_SRC_STAT].read_ns = 70000000;
	t = render(s, NULL, PI_METRICS_TEXT, &len);
	pt_assert_line(t, "procintro_source_failures_total{source=\"buddyinfo\"} 3");
	pt_assert_line(t, "procintro_source_parse_errors_total{source=\"buddyinfo\"} 1");
	pt_assert_line(t, "procintro_source_failures_total{source=\"iomem\"} 2");
	pt_assert_line(t, "procintro_source_parse_errors_total{source=\"iomem\"} 0");
	pt_assert_line(t, "procintro_source_parse_errors_total{source=\"loadavg\"} 0");
	/* loadavg only: a failed attempt and a carried-over status do not count */
	pt_assert_line(t, "procintro_sample_duration_seconds 0.00175");
	free(t);
	pi_snapshot_unref(s);
}

/* Request headers for the route test. */
static const char *req_accept, *req_encoding;

static const char *get_header(void *ctx, const char *name)
{
	if (!strcasecmp(name, "Accept"))
		return req_accept;
	if (!strcasecmp(name, "Accept-Encoding"))
		return req_encoding;
	return NULL;
}

static const char *no_arg(void *ctx, const char *name)
{
	return NULL;
}

static void test_route_serves_cached_variants(void **state)
{
	struct pi_snapshot *s = snapshot_of("prometheus-node-exporter");
	struct pi_pages *p = pi_pages_new_opts(s, NULL, NULL);
	struct pi_route_ctx ctx = {"", 0, NULL};
	struct pi_req r = {.method = "GET", .url = "/metrics", .arg = no_arg, .header = get_header};
	struct pi_resp a, b;

	req_accept = NULL;
	req_encoding = NULL;
	pi_route(p, &ctx, &r, &a);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.ctype, "text/plain; version=0.0.4; charset=utf-8");
	assert_null(a.encoding);
	pi_route(p, &ctx, &r, &b);
	assert_ptr_equal(a.body, b.body); /* one rendering per sample */
	pi_blob_unref(a.body);
	pi_blob_unref(b.body);

	req_accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
	req_encoding = "gzip";
	pi_route(p, &ctx, &r, &a);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.ctype, "application/openmetrics-text; version=1.0.0; charset=utf-8");
	assert_string_equal(a.encoding, "gzip");
	assert_string_equal(a.vary, "Accept, Accept-Encoding");
	assert_int_equal((unsigned char)a.body->data[0], 0x1f);
	pi_route(p, &ctx, &r, &b);
	assert_ptr_equal(a.body, b.body);
	pi_blob_unref(a.body);
	pi_blob_unref(b.body);

	r.header = NULL; /* a caller without header access gets the 0.0.4 text */
	pi_route(p, &ctx, &r, &a);
	assert_string_equal(a.ctype, "text/plain; version=0.0.4; charset=utf-8");
	assert_null(a.encoding);
	pi_blob_unref(a.body);
	pi_pages_unref(p);
	pi_snapshot_unref(s);
}

static int qsort_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Structure of a 0.0.4 exposition: HELP then TYPE before a family's samples, families
 * contiguous and unique, sample lines well-formed, no duplicate series. */
static void check_structure(const char *sample, const char *t, size_t len)
{
	regex_t re;
	char *copy = malloc(len + 1), *save = NULL, *line;
	char fam[160] = "", **seen = NULL;
	size_t nseen = 0;
	int state = 0; /* 0: expect HELP, 1: expect TYPE, 2: samples */

	assert_int_equal(regcomp(&re,
				 "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|"
				 "\\\\.)*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*\\})? "
				 "-?[0-9]+(\\.[0-9]+)?(e[-+][0-9]+)?$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	memcpy(copy, t, len + 1);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7)) {
			size_t n = strcspn(line + 7, " ");

			snprintf(fam, sizeof(fam), "%.*s", (int)n, line + 7);
			for (size_t i = 0; i < nseen; i++)
				if (!strcmp(seen[i], fam))
					fail_msg("%s: family %s twice", sample, fam);
			seen = realloc(seen, (nseen + 1) * sizeof(*seen));
			seen[nseen++] = strdup(fam);
			state = 1;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			if (state != 1 || strncmp(line + 7, fam, strlen(fam)))
				fail_msg("%s: TYPE without its HELP: %s", sample, line);
			state = 2;
			continue;
		}
		if (state != 2 || strncmp(line, fam, strlen(fam)))
			fail_msg("%s: sample outside its family %s: %s", sample, fam, line);
		if (regexec(&re, line, 0, NULL, 0) != 0)
			fail_msg("%s: malformed sample: %s", sample, line);
	}
	/* duplicate series: sort the sample lines without their values */
	{
		char **keys = NULL;
		size_t nk = 0;

		memcpy(copy, t, len + 1);
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (line[0] == '#')
				continue;
			*strrchr(line, ' ') = '\0';
			keys = realloc(keys, (nk + 1) * sizeof(*keys));
			keys[nk++] = line;
		}
		qsort(keys, nk, sizeof(*keys), qsort_strcmp);
		for (size_t i = 1; i < nk; i++)
			if (!strcmp(keys[i - 1], keys[i]))
				fail_msg("%s: duplicate series %s", sample, keys[i]);
		free(keys);
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	free(copy);
	regfree(&re);
}

static void test_every_fixture(void **state)
{
	char **samples = pt_fixture_samples();
	size_t n = 0;

	assert_non_null(samples);
	for (size_t i = 0; samples[i]; i++, n++) {
		struct pi_snapshot *s = snapshot_of(samples[i]);
		size_t len, olen;
		char *t = render(s, NULL, PI_METRICS_TEXT, &len);
		char *om = render(s, NULL, PI_METRICS_OPENMETRICS, &olen);

		assert_true(strstr(t, "# TYPE procintro_source_up gauge\n") != NULL);
		check_structure(samples[i], t, len);
		assert_string_equal(om + olen - 6, "# EOF\n");
		free(t);
		free(om);
		pi_snapshot_unref(s);
	}
	assert_true(n >= 20);
	pt_strv_free(samples);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_node_exporter_names_and_values),
	    cmocka_unit_test(test_procintro_values),
	    cmocka_unit_test(test_label_escaping),
	    cmocka_unit_test(test_duplicate_keys_render_once),
	    cmocka_unit_test(test_openmetrics),
	    cmocka_unit_test(test_gzip_round_trip),
	    cmocka_unit_test(test_negotiation),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_failures_come_from_the_status),
	    cmocka_unit_test(test_route_serves_cached_variants),
	    cmocka_unit_test(test_every_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
