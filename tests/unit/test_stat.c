/* stat: every fixture round-trips byte for byte; hand-checked values; format traps; errors;
 * hostile inputs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stat.h"
#include "testutil.h"

static struct pi_stat *parse_ok_len(const char *s, size_t len)
{
	struct pi_stat *st = NULL;
	struct pi_perr e = {0};
	int r = pi_stat_parse(s, len, &st, &e);

	if (r < 0)
		fail_msg("parse failed (%d): %s:%u: %s", r, e.source, e.line, e.reason);
	return st;
}

static struct pi_stat *parse_ok(const char *s)
{
	return parse_ok_len(s, strlen(s));
}

/* render(parse(in)) == want, and parse(render) renders the same again. */
static void assert_renders(const struct pi_stat *st, const char *want, size_t wantlen,
			   const char *what)
{
	struct pi_buf out, out2;
	struct pi_stat *st2;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_stat_render(st, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, wantlen, what);
	st2 = parse_ok_len(out.data, out.len);
	pi_buf_init(&out2, 0);
	assert_int_equal(pi_stat_render(st2, &out2), 0);
	pt_assert_same_bytes(out2.data, out2.len, out.data, out.len, what);
	pi_buf_fini(&out2);
	pi_buf_fini(&out);
	pi_stat_free(st2);
}

static void round_trip(const char *in)
{
	struct pi_stat *st = parse_ok(in);

	assert_renders(st, in, strlen(in), in);
	pi_stat_free(st);
}

static struct pi_stat *fixture(const char *sample)
{
	size_t len;
	char *in = pt_fixture_read(sample, "stat", &len);
	struct pi_stat *st;

	assert_non_null(in);
	st = parse_ok_len(in, len);
	free(in);
	return st;
}

static void test_all_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0;

	for (char **s = samples; *s; s++) {
		size_t len;
		char *in = pt_fixture_read(*s, "stat", &len);
		struct pi_stat *st = NULL;
		struct pi_perr e = {0};
		struct pi_buf out;

		if (!in)
			continue;
		seen++;
		if (pi_stat_parse(in, len, &st, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		/* Every capture has all the 2.6 lines and per-CPU columns equal to the total's. */
		assert_true(st->has_total);
		assert_true(st->ncpus >= 1);
		for (size_t i = 0; i < st->ncpus; i++)
			assert_int_equal(st->cpus[i].ncols, st->total.ncols);
		assert_int_equal(st->intr_total.state, PI_OK);
		assert_int_equal(st->ctxt.state, PI_OK);
		assert_int_equal(st->btime.state, PI_OK);
		assert_int_equal(st->processes.state, PI_OK);
		assert_int_equal(st->procs_running.state, PI_OK);
		assert_int_equal(st->procs_blocked.state, PI_OK);
		pi_buf_init(&out, 0);
		assert_int_equal(pi_stat_render(st, &out), 0);
		if (!pt_fixture_edited(*s, "stat"))
			pt_assert_same_bytes(out.data, out.len, in, len, *s);
		pi_buf_fini(&out);
		pi_stat_free(st);
		free(in);
	}
	assert_int_equal(seen, 19);
	pt_strv_free(samples);
}

static void test_local_618_values(void **state)
{
	struct pi_stat *st = fixture("local-6.18-x86_64");
	/* "cpu  3067 0 739 32819 77 0 31 11 0 0" */
	static const uint64_t total[10] = {3067, 0, 739, 32819, 77, 0, 31, 11, 0, 0};
	/* "cpu1 1732 0 387 16179 42 0 21 7 0 0" */
	static const uint64_t cpu1[10] = {1732, 0, 387, 16179, 42, 0, 21, 7, 0, 0};
	/* "softirq 52597 0 5914 3 1329 9424 0 2 19586 0 16339" */
	static const uint64_t sirq[10] = {0, 5914, 3, 1329, 9424, 0, 2, 19586, 0, 16339};

	assert_true(st->has_total);
	assert_int_equal(st->total.cpu, -1);
	assert_int_equal(st->total.ncols, 10);
	assert_memory_equal(st->total.ticks, total, sizeof(total));
	assert_int_equal(st->ncpus, 2);
	assert_int_equal(st->cpus[0].cpu, 0);
	assert_int_equal(st->cpus[0].ticks[PI_CPU_USER], 1335); /* "cpu0 1335 0 351 16639 ..." */
	assert_int_equal(st->cpus[1].cpu, 1);
	assert_memory_equal(st->cpus[1].ticks, cpu1, sizeof(cpu1));
	/* "intr 103287 0 ... ": 424 IRQs; IRQ 36 = 9424, IRQ 42 = 4327, IRQ 43 = 1 */
	assert_int_equal(st->intr_total.v, 103287);
	assert_int_equal(st->nirqs, 424);
	assert_int_equal(st->irqs[0], 0);
	assert_int_equal(st->irqs[24], 1);
	assert_int_equal(st->irqs[36], 9424);
	assert_int_equal(st->irqs[42], 4327);
	assert_int_equal(st->irqs[43], 1);
	assert_int_equal(st->irqs[423], 0);
	assert_int_equal(st->ctxt.v, 189583);
	assert_int_equal(st->btime.v, 1795299858);
	assert_int_equal(st->processes.v, 3735);
	assert_int_equal(st->procs_running.v, 2);
	assert_int_equal(st->procs_blocked.v, 0);
	assert_int_equal(st->softirq_total.state, PI_OK);
	assert_int_equal(st->softirq_total.v, 52597);
	assert_int_equal(st->nsoftirqs, 10);
	assert_memory_equal(st->softirqs, sirq, sizeof(sirq));
	pi_stat_free(st);
}

static void test_bigsys_480cpu_9cols(void **state)
{
	struct pi_stat *st = fixture("pcp-qa-bigsys-480cpu");

	/* "cpu  17330 3269 120465 869208946 2311 1 1144 0 0": no guest_nice (2.6.24-2.6.32) */
	assert_int_equal(st->total.ncols, 9);
	assert_int_equal(st->total.ticks[PI_CPU_IDLE], 869208946);
	assert_int_equal(st->total.ticks[PI_CPU_SOFTIRQ], 1144);
	assert_int_equal(st->ncpus, 480);
	/* "cpu240 449 4 1984 1808045 90 0 30 0 0" */
	assert_int_equal(st->cpus[240].cpu, 240);
	assert_int_equal(st->cpus[240].ncols, 9);
	assert_int_equal(st->cpus[240].ticks[PI_CPU_IDLE], 1808045);
	assert_int_equal(st->cpus[240].ticks[PI_CPU_IOWAIT], 90);
	/* "cpu479 0 0 9 1807845 0 0 1 0 0" */
	assert_int_equal(st->cpus[479].cpu, 479);
	assert_int_equal(st->cpus[479].ticks[PI_CPU_SYSTEM], 9);
	assert_int_equal(st->cpus[479].ticks[PI_CPU_IDLE], 1807845);
	/* "intr 112101525 25673 0 0 0 9673 ...": 13632 IRQs */
	assert_int_equal(st->intr_total.v, 112101525);
	assert_int_equal(st->nirqs, 13632);
	assert_int_equal(st->irqs[0], 25673);
	assert_int_equal(st->irqs[4], 9673);
	assert_int_equal(st->irqs[661], 42943);
	assert_int_equal(st->ctxt.v, 18908765);
	assert_int_equal(st->processes.v, 75118);
	/* "softirq 279372541 0 109765772 3561 388252 182010 0 2480 58307149 32721 110690596" */
	assert_int_equal(st->softirq_total.v, 279372541);
	assert_int_equal(st->nsoftirqs, 10);
	assert_int_equal(st->softirqs[9], 110690596);
	pi_stat_free(st);
}

static void test_sep4020_8cols_no_softirq(void **state)
{
	struct pi_stat *st = fixture("sep4020-armv4t-2.6-old");

	/* "cpu  96 0 2629 14389 0 102 1007 0": steal but no guest (2.6.11-2.6.23) */
	assert_int_equal(st->total.ncols, 8);
	assert_int_equal(st->total.ticks[PI_CPU_SYSTEM], 2629);
	assert_int_equal(st->total.ticks[PI_CPU_SOFTIRQ], 1007);
	assert_int_equal(st->ncpus, 1);
	assert_int_equal(st->cpus[0].ncols, 8);
	/* "intr 31431 0 0 0 0 0 0 0 9 ... 18223 12070 0 0 0": 32 IRQs */
	assert_int_equal(st->intr_total.v, 31431);
	assert_int_equal(st->nirqs, 32);
	assert_int_equal(st->irqs[7], 9);
	assert_int_equal(st->irqs[27], 18223);
	assert_int_equal(st->irqs[28], 12070);
	assert_int_equal(st->btime.v, 1333319942);
	assert_int_equal(st->processes.v, 296);
	assert_int_equal(st->softirq_total.state, PI_ABSENT);
	assert_int_equal(st->nsoftirqs, 0);
	assert_null(st->softirqs);
	pi_stat_free(st);
}

static void test_procfs_132k_intr_line(void **state)
{
	struct pi_stat *st = fixture("prometheus-procfs");
	uint64_t sum = 0;

	/* The intr line is 131,962 bytes: the total then 65,960 per-IRQ counts. */
	assert_int_equal(st->intr_total.v, 73777505);
	assert_int_equal(st->nirqs, 65960);
	assert_int_equal(st->irqs[17], 5772089);
	assert_int_equal(st->irqs[29], 521732);
	assert_int_equal(st->irqs[33], 277);
	assert_int_equal(st->irqs[65959], 0);
	for (size_t i = 0; i < st->nirqs; i++)
		sum += st->irqs[i];
	assert_int_equal(sum, 6547749); /* the total also counts arch IRQs (NMI, LOC, ...) */
	assert_int_equal(st->procs_blocked.v, 1);
	pi_stat_free(st);
}

static void test_cpu_gaps_and_column_counts(void **state)
{
	/* cpu1 offline: keyed by the printed number; per-line column counts kept. */
	const char *in = "cpu  10 0 20 30\n"
			 "cpu0 5 0 10 15 1 2 3\n"
			 "cpu2 5 0 10 15\n"
			 "cpu17 1 2 3 4 5 6 7 8 9 10\n"
			 "intr 7\n";
	struct pi_stat *st = parse_ok(in);

	assert_int_equal(st->total.ncols, 4);
	assert_int_equal(st->total.ticks[PI_CPU_IDLE], 30);
	assert_int_equal(st->ncpus, 3);
	assert_int_equal(st->cpus[0].cpu, 0);
	assert_int_equal(st->cpus[0].ncols, 7);
	assert_int_equal(st->cpus[0].ticks[PI_CPU_SOFTIRQ], 3);
	assert_int_equal(st->cpus[1].cpu, 2);
	assert_int_equal(st->cpus[1].ncols, 4);
	assert_int_equal(st->cpus[2].cpu, 17);
	assert_int_equal(st->cpus[2].ticks[PI_CPU_GUEST_NICE], 10);
	/* intr with only the total; the other lines absent */
	assert_int_equal(st->intr_total.state, PI_OK);
	assert_int_equal(st->intr_total.v, 7);
	assert_int_equal(st->nirqs, 0);
	assert_int_equal(st->ctxt.state, PI_ABSENT);
	assert_int_equal(st->btime.state, PI_ABSENT);
	assert_int_equal(st->softirq_total.state, PI_ABSENT);
	assert_renders(st, in, strlen(in), "gaps");
	pi_stat_free(st);

	/* Lines out of kernel order: rendered in file order. */
	round_trip("btime 5\ncpu3 1 2 3 4\ncpu  2 4 6 8\ncpu1 1 2 3 4\nsoftirq 0\nctxt 1\n");
	st = parse_ok("cpu  1 2 3 4\ncpu1 1 2 3 4\n");
	assert_true(st->has_total);
	assert_int_equal(st->intr_total.state, PI_ABSENT);
	pi_stat_free(st);
	/* No aggregate line: every kernel prints one, so this is another file in stat's place */
	{
		struct pi_stat *none = (void *)0x1;
		struct pi_perr e = {0};
		const char *in2 = "cpu1 1 2 3 4\n";

		assert_int_equal(pi_stat_parse(in2, strlen(in2), &none, &e), -EINVAL);
		assert_ptr_equal(none, (void *)0x1);
		assert_non_null(strstr(e.reason, "aggregate"));
	}
}

static void test_linux_24_extra_lines(void **state)
{
	/* 2.4 fs/proc/proc_misc.c: page/swap/disk_io lines, 4 columns, no procs_* lines;
	 * disk_io ends with a space. Unknown lines are kept verbatim in place. */
	const char *in = "cpu  1234 56 789 123456\n"
			 "cpu0 1234 56 789 123456\n"
			 "page 5741 1808\n"
			 "swap 1 0\n"
			 "intr 1462898 1400677 2 0 0 0\n"
			 "disk_io: (3,0):(34532,25331,1234567,9201,188624) \n"
			 "ctxt 115315\n"
			 "btime 769041601\n"
			 "processes 1338\n";
	struct pi_stat *st = parse_ok(in);

	assert_int_equal(st->total.ncols, 4);
	assert_int_equal(st->nirqs, 5);
	assert_int_equal(st->irqs[0], 1400677);
	assert_int_equal(st->processes.v, 1338);
	assert_int_equal(st->procs_running.state, PI_ABSENT);
	assert_renders(st, in, strlen(in), "2.4");
	pi_stat_free(st);
}

static void test_negative_processes_is_bad_not_fatal(void **state)
{
	/* node_exporter #1882: a vendor kernel printed a negative fork count. */
	const char *in = "cpu  1 2 3 4 5 6 7 8 9 10\n"
			 "intr 100 1 2\n"
			 "ctxt 5000\n"
			 "btime 1418183276\n"
			 "processes -2147481845\n"
			 "procs_running 2\n"
			 "procs_blocked 0\n"
			 "softirq 3 1 2\n";
	const char *bad;
	struct pi_stat *st = parse_ok(in);

	assert_int_equal(st->processes.state, PI_BAD);
	assert_int_equal(st->ctxt.state, PI_OK);
	assert_int_equal(st->ctxt.v, 5000);
	assert_int_equal(st->btime.v, 1418183276);
	assert_int_equal(st->procs_running.v, 2);
	assert_int_equal(st->nirqs, 2);
	assert_int_equal(st->softirqs[1], 2);
	assert_renders(st, in, strlen(in), "negative processes");
	pi_stat_free(st);

	/* Other bad scalar shapes: overflow, no value, leading zero, two spaces, tab. */
	bad = "cpu  1 2 3 4\nctxt 99999999999999999999999\nbtime\nprocesses 007\n"
	      "procs_running  1\nprocs_blocked\t0\n";
	st = parse_ok(bad);
	assert_int_equal(st->ctxt.state, PI_BAD);
	assert_int_equal(st->btime.state, PI_BAD);
	assert_int_equal(st->processes.state, PI_BAD);
	assert_int_equal(st->procs_running.state, PI_BAD);
	assert_int_equal(st->procs_blocked.state, PI_BAD);
	assert_renders(st, bad, strlen(bad), "bad scalars");
	pi_stat_free(st);
}

static void test_no_final_newline(void **state)
{
	struct pi_stat *st = parse_ok("cpu  1 2 3 4\nctxt 9");

	assert_int_equal(st->ctxt.v, 9);
	assert_renders(st, "cpu  1 2 3 4\nctxt 9\n", 20, "final newline added");
	pi_stat_free(st);
}

static void test_render_without_parser_state(void **state)
{
	/* A struct filled by hand renders in the current kernel's order. */
	uint64_t irqs[2] = {4, 5}, sirqs[1] = {6};
	struct pi_stat_cpu cpus[1] = {{.cpu = 3, .ncols = 4, .ticks = {1, 2, 3, 4}}};
	struct pi_stat st = {
	    .has_total = true,
	    .total = {.cpu = -1, .ncols = 5, .ticks = {10, 20, 30, 40, 50}},
	    .ncpus = 1,
	    .cpus = cpus,
	    .intr_total = {9, PI_OK},
	    .nirqs = 2,
	    .irqs = irqs,
	    .ctxt = {7, PI_OK},
	    .processes = {0, PI_BAD},
	    .procs_blocked = {1, PI_OK},
	    .softirq_total = {6, PI_OK},
	    .nsoftirqs = 1,
	    .softirqs = sirqs,
	};
	const char *want = "cpu  10 20 30 40 50\ncpu3 1 2 3 4\nintr 9 4 5\nctxt 7\n"
			   "procs_blocked 1\nsoftirq 6 6\n";
	struct pi_buf out;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_stat_render(&st, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, strlen(want), "by hand");
	pi_buf_fini(&out);
}

static void expect_error_len(const char *in, size_t len, int err, unsigned line,
			     const char *reason_part)
{
	struct pi_stat *st = (void *)0x1;
	struct pi_perr e = {0};

	assert_int_equal(pi_stat_parse(in, len, &st, &e), err);
	assert_ptr_equal(st, (void *)0x1); /* output untouched on failure */
	assert_string_equal(e.source, "stat");
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
	expect_error("", -ENODATA, 0, "empty");
	expect_error("\n", -EINVAL, 1, "empty line");
	expect_error("cpu  1 2 3 4\n\nctxt 1\n", -EINVAL, 2, "empty line");
	/* malformed cpu lines are errors of the file */
	expect_error("cpu  1 2 x 4\n", -EINVAL, 1, "cpu: system (column 3) not a number");
	expect_error("cpu  1 2 3 4\ncpu0 1 -2 3 4\n", -EINVAL, 2, "cpu0: nice (column 2)");
	expect_error("cpu 1 2 3 4\n", -EINVAL, 1, "two spaces");
	expect_error("cpu0  1 2 3 4\n", -EINVAL, 1, "extra blank");
	expect_error("cpu0 1 2 3 4 \n", -EINVAL, 1, "trailing blank");
	expect_error("cpu0 1 2 3 4x\n", -EINVAL, 1, "idle (column 4) is followed by");
	expect_error("cpu0 1 2 3\n", -EINVAL, 1, "3 time columns");
	expect_error("cpu0 1 2 3 4 5 6 7 8 9 10 11\n", -E2BIG, 1, "more than 10");
	expect_error("cpu0 1 2 3 99999999999999999999\n", -ERANGE, 1, "idle (column 4) overflows");
	expect_error("cpu0 01 2 3 4\n", -EINVAL, 1, "leading zero");
	expect_error("cpu1x 1 2 3 4\n", -EINVAL, 1, "bad cpu number");
	expect_error("cpu01 1 2 3 4\n", -EINVAL, 1, "bad cpu number");
	expect_error("cpu99999999999 1 2 3 4\n", -EINVAL, 1, "bad cpu number");
	/* duplicates */
	expect_error("cpu  1 2 3 4\ncpu  1 2 3 4\n", -EINVAL, 2, "duplicate \"cpu\"");
	expect_error("cpu0 1 2 3 4\ncpu1 1 2 3 4\ncpu0 1 2 3 4\n", -EINVAL, 3,
		     "duplicate \"cpu0\" line (line 1)");
	expect_error("ctxt 1\nbtime 2\nctxt 3\n", -EINVAL, 3, "duplicate \"ctxt\"");
	expect_error("processes -1\nprocesses 2\n", -EINVAL, 2, "duplicate \"processes\"");
	expect_error("intr 1\nintr 1\n", -EINVAL, 2, "duplicate \"intr\"");
	expect_error("softirq 1\nctxt 1\nsoftirq 1\n", -EINVAL, 3, "duplicate \"softirq\"");
	/* intr / softirq */
	expect_error("intr\n", -EINVAL, 1, "intr: expected a space");
	expect_error("intr 5 1 x\n", -EINVAL, 1, "intr: IRQ 1 not a number");
	expect_error("intr -5\n", -EINVAL, 1, "intr: total not a number");
	expect_error("intr 5 1 \n", -EINVAL, 1, "IRQ 1 missing (trailing blank)");
	expect_error("softirq 1 2 99999999999999999999\n", -ERANGE, 1,
		     "softirq: vector 1 overflows");
	/* lines that are not text */
	expect_error(" cpu  1 2 3 4\n", -EINVAL, 1, "keyword");
	expect_error_len("cpu  1 2 3 4\n\0tr 1\n", 19, -EINVAL, 2, "keyword");
	expect_error_len("page 1\xff\n", 8, -EINVAL, 1, "unprintable byte 0xff at column 7");
	expect_error("ctxt 1\nprocesses \x01\n", -EINVAL, 2, "unprintable byte 0x01");
	expect_error("ctxt 1\r\n", -EINVAL, 1, "unprintable byte 0x0d");
}

/* Parse arbitrary bytes; if that succeeds, render and check the fixpoint. */
static void hostile(const char *in, size_t len)
{
	struct pi_stat *st = NULL;
	struct pi_buf out;

	if (pi_stat_parse(in, len, &st, NULL) < 0)
		return;
	pi_buf_init(&out, 0);
	assert_int_equal(pi_stat_render(st, &out), 0);
	assert_renders(st, out.data, out.len, "hostile");
	pi_buf_fini(&out);
	pi_stat_free(st);
}

static void test_hostile_inputs(void **state)
{
	size_t big = 10u << 20, i;
	char *buf = malloc(big);
	unsigned seed = 12345;

	assert_non_null(buf);
	/* a 10 MiB unknown line: kept verbatim */
	memset(buf, 'a', big);
	hostile(buf, big);
	/* a 10 MiB intr line of 5 Mi counts: refused (PI_STAT_MAX_COUNTS bounds memory) */
	memcpy(buf, "cpu  1 2 3 4\nintr 1", 19);
	for (i = 0; i < (big - 20) / 2; i++)
		memcpy(buf + 19 + 2 * i, " 7", 2);
	buf[19 + 2 * i] = '\n';
	{
		struct pi_stat *st = NULL;
		struct pi_perr e = {0};

		assert_int_equal(pi_stat_parse(buf, 20 + 2 * i, &st, &e), -E2BIG);
		assert_int_equal(e.line, 2);
		/* exactly the limit is fine */
		buf[19 + 2 * PI_STAT_MAX_COUNTS] = '\n';
		st = parse_ok_len(buf, 20 + 2 * PI_STAT_MAX_COUNTS);
		assert_int_equal(st->nirqs, PI_STAT_MAX_COUNTS);
		assert_int_equal(st->irqs[st->nirqs - 1], 7);
		pi_stat_free(st);
	}
	/* 10 MiB of NUL bytes; of newlines; of "cpu" */
	memset(buf, 0, big);
	hostile(buf, big);
	memset(buf, '\n', big);
	hostile(buf, big);
	for (i = 0; i + 3 <= big; i += 3)
		memcpy(buf + i, "cpu", 3);
	hostile(buf, big);
	/* many short cpu lines with huge ids */
	for (i = 0; i + 24 <= big; i += 24)
		memcpy(buf + i, "cpu2147483647 1 2 3 4 5\n", 24);
	hostile(buf, i); /* all the same id: a duplicate found by sorting */
	/* 450k unknown lines: the line table grows geometrically */
	for (i = 0; i + 23 <= big; i += 23)
		memcpy(buf + i, "page 12 34 56 78 90 12\n", 23);
	hostile(buf, i);
	/* random bytes drawn from the stat alphabet */
	for (int round = 0; round < 2000; round++) {
		static const char alpha[] = "cpu0123456789 \n-intrsofqcxbme\t\0";
		size_t n = (size_t)(rand_r(&seed) % 200);

		for (i = 0; i < n; i++)
			buf[i] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		hostile(buf, n);
		/* and prefixed with a valid aggregate line */
		memmove(buf + 13, buf, n);
		memcpy(buf, "cpu  1 2 3 4\n", 13);
		hostile(buf, n + 13);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_fixtures_round_trip),
	    cmocka_unit_test(test_local_618_values),
	    cmocka_unit_test(test_bigsys_480cpu_9cols),
	    cmocka_unit_test(test_sep4020_8cols_no_softirq),
	    cmocka_unit_test(test_procfs_132k_intr_line),
	    cmocka_unit_test(test_cpu_gaps_and_column_counts),
	    cmocka_unit_test(test_linux_24_extra_lines),
	    cmocka_unit_test(test_negative_processes_is_bad_not_fatal),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_render_without_parser_state),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_hostile_inputs),
	};
	return cmocka_run_group_tests_name("stat", tests, NULL, NULL);
}
