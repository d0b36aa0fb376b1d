/* loadavg and pressure/{cpu,memory,io,irq}: every fixture round-trips byte for byte; hand-checked
 * values; format traps; errors; hostile inputs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loadavg.h"
#include "pressure.h"
#include "testutil.h"

/* ---- loadavg ---- */

static struct pi_loadavg la_ok(const char *s)
{
	struct pi_loadavg l;
	struct pi_perr e = {0};
	int r = pi_loadavg_parse(s, strlen(s), &l, &e);

	if (r < 0)
		fail_msg("parse failed (%d): %s:%u: %s", r, e.source, e.line, e.reason);
	return l;
}

static void la_renders(const struct pi_loadavg *l, const char *want)
{
	struct pi_buf out;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_loadavg_render(l, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, strlen(want), want);
	pi_buf_fini(&out);
}

static void test_loadavg_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0;

	for (char **s = samples; *s; s++) {
		size_t len;
		char *in = pt_fixture_read(*s, "loadavg", &len);
		struct pi_loadavg l;
		struct pi_perr e = {0};
		struct pi_buf out;

		if (!in)
			continue;
		seen++;
		if (pi_loadavg_parse(in, len, &l, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		pi_buf_init(&out, 0);
		assert_int_equal(pi_loadavg_render(&l, &out), 0);
		if (!pt_fixture_edited(*s, "loadavg"))
			pt_assert_same_bytes(out.data, out.len, in, len, *s);
		pi_buf_fini(&out);
		free(in);
	}
	assert_int_equal(seen, 9);
	pt_strv_free(samples);
}

static void test_loadavg_values(void **state)
{
	size_t len;
	char *in = pt_fixture_read("local-6.18-x86_64", "loadavg", &len);
	struct pi_loadavg l;

	/* "0.08 0.09 0.03 4/95 3742" */
	assert_non_null(in);
	assert_int_equal(pi_loadavg_parse(in, len, &l, NULL), 0);
	assert_int_equal(l.load_x100[0], 8);
	assert_int_equal(l.load_x100[1], 9);
	assert_int_equal(l.load_x100[2], 3);
	assert_int_equal(l.runnable, 4);
	assert_int_equal(l.total, 95);
	assert_int_equal(l.last_pid, 3742);
	free(in);

	/* android-armv7-3.4-highmem: "10.75 10.45 10.70 2/836 3336" (two-digit integer part,
	 * trailing zero in the fraction) */
	in = pt_fixture_read("android-armv7-3.4-highmem", "loadavg", &len);
	assert_non_null(in);
	assert_int_equal(pi_loadavg_parse(in, len, &l, NULL), 0);
	assert_int_equal(l.load_x100[0], 1075);
	assert_int_equal(l.load_x100[2], 1070);
	assert_int_equal(l.runnable, 2);
	assert_int_equal(l.total, 836);
	assert_int_equal(l.last_pid, 3336);
	free(in);

	/* xilinx-zynq-armv7-4.4: "7.48 7.13 6.82 9/109 9223" */
	in = pt_fixture_read("xilinx-zynq-armv7-4.4", "loadavg", &len);
	assert_non_null(in);
	assert_int_equal(pi_loadavg_parse(in, len, &l, NULL), 0);
	assert_int_equal(l.load_x100[1], 713);
	assert_int_equal(l.runnable, 9);
	assert_int_equal(l.total, 109);
	free(in);
}

static void test_loadavg_edges(void **state)
{
	struct pi_loadavg l;

	/* no final '\n' (the renderer adds it) */
	l = la_ok("0.00 0.01 0.05 1/271 30067");
	assert_int_equal(l.last_pid, 30067);
	la_renders(&l, "0.00 0.01 0.05 1/271 30067\n");
	/* big loads, 64-bit runnable, pid 0, INT_MAX threads */
	l = la_ok("1234.56 100.00 0.10 4000000000/2147483647 0\n");
	assert_int_equal(l.load_x100[0], 123456);
	assert_int_equal(l.load_x100[2], 10);
	assert_int_equal(l.runnable, 4000000000LL);
	assert_int_equal(l.total, 2147483647);
	la_renders(&l, "1234.56 100.00 0.10 4000000000/2147483647 0\n");
	/* signed fields may be negative per the format (%ld/%d %d) */
	l = la_ok("0.00 0.00 0.00 -1/5 -2147483648\n");
	assert_int_equal(l.runnable, -1);
	assert_int_equal(l.last_pid, -2147483648LL);
	la_renders(&l, "0.00 0.00 0.00 -1/5 -2147483648\n");
}

static void la_error_len(const char *in, size_t len, int err, unsigned line, const char *part)
{
	struct pi_loadavg l, sentinel;
	struct pi_perr e = {0};

	memset(&l, 0xab, sizeof(l));
	memcpy(&sentinel, &l, sizeof(l));
	assert_int_equal(pi_loadavg_parse(in, len, &l, &e), err);
	assert_memory_equal(&l, &sentinel, sizeof(l)); /* untouched on failure */
	assert_string_equal(e.source, "loadavg");
	assert_int_equal(e.line, line);
	if (!strstr(e.reason, part))
		fail_msg("reason \"%s\" lacks \"%s\"", e.reason, part);
}

static void la_error(const char *in, int err, unsigned line, const char *part)
{
	la_error_len(in, strlen(in), err, line, part);
}

static void test_loadavg_errors(void **state)
{
	la_error("", -ENODATA, 0, "empty");
	la_error("\n", -EINVAL, 1, "load1");
	la_error("0.8 0.09 0.03 4/95 3742\n", -EINVAL, 1, "load1: expected %lu.%02lu");
	la_error("0.08 0.09 0.03 4/95\n", -EINVAL, 1, "expected one space after threads");
	la_error("0.08  0.09 0.03 4/95 3742\n", -EINVAL, 1, "load5");
	la_error("0.08 0.09 0.03 4 95 3742\n", -EINVAL, 1, "expected '/'");
	la_error("0.08 0.09 0.03\t4/95 3742\n", -EINVAL, 1, "space after load15");
	la_error("00.08 0.09 0.03 4/95 3742\n", -EINVAL, 1, "load1: not in printf form");
	la_error("0.08 0.09 0.03 04/95 3742\n", -EINVAL, 1, "runnable: not in printf form");
	la_error("0.08 0.09 0.03 4/-0 3742\n", -EINVAL, 1, "threads: not in printf form");
	la_error("0.08 0.09 0.03 4/2147483648 3742\n", -ERANGE, 1, "threads: out of range");
	la_error("0.08 0.09 0.03 4/95 99999999999\n", -ERANGE, 1, "last pid: out of range");
	la_error("99999999999999999999.00 0.09 0.03 4/95 3742\n", -ERANGE, 1, "load1");
	la_error("0.08 0.09 0.03 4/95 3742 \n", -EINVAL, 1, "unexpected text after the last pid");
	la_error("0.08 0.09 0.03 4/95 3742\r\n", -EINVAL, 1, "unexpected text");
	la_error("0.08 0.09 0.03 4/95 3742\n0.08 0.09 0.03 4/95 3742\n", -EINVAL, 2,
		 "text after the end of the line");
	la_error_len("0.08 0.09 0.03 4/95 37\0002\n", 25, -EINVAL, 1, "unexpected text");
}

/* ---- pressure ---- */

static const char *const psi_files[] = {"pressure/cpu", "pressure/memory", "pressure/io",
					"pressure/irq"};

static void psi_assert_eq(const struct pi_pressure *a, const struct pi_pressure *b)
{
	const struct pi_psi_line *x[2] = {&a->some, &a->full}, *y[2] = {&b->some, &b->full};

	for (int i = 0; i < 2; i++) {
		assert_int_equal(x[i]->present, y[i]->present);
		if (!x[i]->present)
			continue;
		assert_memory_equal(x[i]->avg_x100, y[i]->avg_x100, sizeof(x[i]->avg_x100));
		assert_int_equal(x[i]->total_us, y[i]->total_us);
	}
}

static struct pi_pressure psi_ok(const char *s)
{
	struct pi_pressure p;
	struct pi_perr e = {0};
	int r = pi_pressure_parse(s, strlen(s), "pressure/test", &p, &e);

	if (r < 0)
		fail_msg("parse failed (%d): %s:%u: %s", r, e.source, e.line, e.reason);
	return p;
}

static void psi_renders(const struct pi_pressure *p, const char *want)
{
	struct pi_buf out;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_pressure_render(p, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, strlen(want), want);
	pi_buf_fini(&out);
}

static void test_pressure_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0, edited = 0;

	for (char **s = samples; *s; s++) {
		for (size_t f = 0; f < 4; f++) {
			size_t len;
			char *in = pt_fixture_read(*s, psi_files[f], &len);
			struct pi_pressure p, p2;
			struct pi_perr e = {0};
			struct pi_buf out;

			if (!in)
				continue;
			seen++;
			if (pi_pressure_parse(in, len, psi_files[f], &p, &e) < 0)
				fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
			pi_buf_init(&out, 0);
			assert_int_equal(pi_pressure_render(&p, &out), 0);
			if (!pt_fixture_edited(*s, psi_files[f]))
				pt_assert_same_bytes(out.data, out.len, in, len, *s);
			else
				edited++;
			/* the rendering parses back to the same values */
			assert_int_equal(
			    pi_pressure_parse(out.data, out.len, psi_files[f], &p2, &e), 0);
			psi_assert_eq(&p, &p2);
			pi_buf_fini(&out);
			free(in);
		}
	}
	assert_int_equal(seen, 14);
	assert_int_equal(edited, 1);
	pt_strv_free(samples);
}

static struct pi_pressure psi_fixture(const char *sample, const char *file)
{
	size_t len;
	char *in = pt_fixture_read(sample, file, &len);
	struct pi_pressure p;

	assert_non_null(in);
	assert_int_equal(pi_pressure_parse(in, len, file, &p, NULL), 0);
	free(in);
	return p;
}

static void test_pressure_values(void **state)
{
	struct pi_pressure p;

	/* local-6.18 cpu: "some avg10=2.02 avg60=0.58 avg300=0.35 total=1983751",
	 * "full avg10=0.00 avg60=0.00 avg300=0.00 total=0" (system cpu full is zeros, 5.19+) */
	p = psi_fixture("local-6.18-x86_64", "pressure/cpu");
	assert_true(p.some.present);
	assert_int_equal(p.some.avg_x100[0], 202);
	assert_int_equal(p.some.avg_x100[1], 58);
	assert_int_equal(p.some.avg_x100[2], 35);
	assert_int_equal(p.some.total_us, 1983751);
	assert_true(p.full.present);
	assert_int_equal(p.full.total_us, 0);
	/* local-6.18 io: "full avg10=0.18 avg60=0.06 avg300=0.05 total=450176" */
	p = psi_fixture("local-6.18-x86_64", "pressure/io");
	assert_int_equal(p.some.total_us, 498534);
	assert_int_equal(p.full.avg_x100[0], 18);
	assert_int_equal(p.full.avg_x100[2], 5);
	assert_int_equal(p.full.total_us, 450176);
	/* pcp-qa-pressure-001 cpu (4.20-5.12): only "some avg10=2.04 avg60=0.75 avg300=0.42
	 * total=157656722" */
	p = psi_fixture("pcp-qa-pressure-001", "pressure/cpu");
	assert_true(p.some.present);
	assert_false(p.full.present);
	assert_int_equal(p.some.avg_x100[1], 75);
	assert_int_equal(p.some.total_us, 157656722);
	/* pcp-qa-pressure-001 memory: "some avg10=70.24 avg60=68.52 avg300=69.91
	 * total=3559632828" (> 2^31), "full avg10=57.59 avg60=58.06 avg300=60.38 total=3300487258"
	 */
	p = psi_fixture("pcp-qa-pressure-001", "pressure/memory");
	assert_int_equal(p.some.avg_x100[0], 7024);
	assert_int_equal(p.some.avg_x100[2], 6991);
	assert_int_equal(p.some.total_us, 3559632828ULL);
	assert_int_equal(p.full.avg_x100[1], 5806);
	assert_int_equal(p.full.total_us, 3300487258ULL);
	/* pcp-qa-pressure-002-irq irq: only "full ... total=100648410" */
	p = psi_fixture("pcp-qa-pressure-002-irq", "pressure/irq");
	assert_false(p.some.present);
	assert_true(p.full.present);
	assert_int_equal(p.full.total_us, 100648410);
	/* prometheus-node-exporter irq: "full ... total=8494" without a final '\n' (edited) */
	p = psi_fixture("prometheus-node-exporter", "pressure/irq");
	assert_false(p.some.present);
	assert_int_equal(p.full.total_us, 8494);
	psi_renders(&p, "full avg10=0.00 avg60=0.00 avg300=0.00 total=8494\n");
}

static void test_pressure_edges(void **state)
{
	struct pi_pressure p;

	p = psi_ok("some avg10=100.00 avg60=99.99 avg300=0.01 total=18446744073709551615\n");
	assert_int_equal(p.some.avg_x100[0], 10000);
	assert_int_equal(p.some.total_us, UINT64_MAX);
	assert_false(p.full.present);
	psi_renders(&p, "some avg10=100.00 avg60=99.99 avg300=0.01 total=18446744073709551615\n");
	p = psi_ok("full avg10=1.50 avg60=0.00 avg300=0.00 total=7");
	assert_int_equal(p.full.avg_x100[0], 150);
	psi_renders(&p, "full avg10=1.50 avg60=0.00 avg300=0.00 total=7\n");
}

static void psi_error_len(const char *in, size_t len, int err, unsigned line, const char *part)
{
	struct pi_pressure p, sentinel;
	struct pi_perr e = {0};

	memset(&p, 0xab, sizeof(p));
	memcpy(&sentinel, &p, sizeof(p));
	assert_int_equal(pi_pressure_parse(in, len, "pressure/io", &p, &e), err);
	assert_memory_equal(&p, &sentinel, sizeof(p)); /* untouched on failure */
	assert_string_equal(e.source, "pressure/io");
	assert_int_equal(e.line, line);
	if (!strstr(e.reason, part))
		fail_msg("reason \"%s\" lacks \"%s\"", e.reason, part);
}

static void psi_error(const char *in, int err, unsigned line, const char *part)
{
	psi_error_len(in, strlen(in), err, line, part);
}

#define SOME "some avg10=0.18 avg60=0.06 avg300=0.05 total=498534\n"
#define FULL "full avg10=0.18 avg60=0.06 avg300=0.05 total=450176\n"

static void test_pressure_errors(void **state)
{
	psi_error("", -ENODATA, 0, "empty");
	psi_error("\n", -EINVAL, 1, "empty line");
	psi_error(SOME "\n", -EINVAL, 2, "empty line");
	psi_error(FULL SOME, -EINVAL, 2, "\"some\" after \"full\"");
	psi_error(SOME SOME, -EINVAL, 2, "duplicate \"some\"");
	psi_error(SOME FULL FULL, -EINVAL, 3, "duplicate \"full\"");
	psi_error("avg10=0.18 avg60=0.06 avg300=0.05 total=1\n", -EINVAL, 1,
		  "\"some\" or \"full\"");
	psi_error("Some avg10=0.18 avg60=0.06 avg300=0.05 total=1\n", -EINVAL, 1,
		  "\"some\" or \"full\"");
	/* the kernel never prints more fields: reject them */
	psi_error(SOME "full avg10=0.18 avg60=0.06 avg300=0.05 total=1 extra=3\n", -EINVAL, 2,
		  "full: unexpected text after total");
	psi_error("some avg10=0.18 avg60=0.06 avg300=0.05 total=1 \n", -EINVAL, 1,
		  "unexpected text after total");
	psi_error("some avg10=0.18 avg60=0.06 avg300=0.05 total=1\r\n", -EINVAL, 1,
		  "unexpected text after total");
	psi_error("some avg10=0.18 avg60=0.06 avg300=0.05\n", -EINVAL, 1,
		  "some: expected \" total=\"");
	psi_error("some avg10=0.18 avg300=0.05 avg60=0.06 total=1\n", -EINVAL, 1,
		  "expected \" avg60=\"");
	psi_error("some  avg10=0.18 avg60=0.06 avg300=0.05 total=1\n", -EINVAL, 1,
		  "expected \" avg10=\"");
	psi_error("some avg10=0.1 avg60=0.06 avg300=0.05 total=1\n", -EINVAL, 1,
		  "avg10 is not %lu.%02lu");
	psi_error("some avg10=0.18 avg60=00.06 avg300=0.05 total=1\n", -EINVAL, 1,
		  "avg60 has a leading zero");
	psi_error("some avg10=0.18 avg60=0.06 avg300=-0.05 total=1\n", -EINVAL, 1, "avg300 is not");
	psi_error("some avg10=0.18 avg60=0.06 avg300=0.05 total=18446744073709551616\n", -ERANGE, 1,
		  "total overflows");
	psi_error("some avg10=0.18 avg60=0.06 avg300=0.05 total=01\n", -EINVAL, 1,
		  "total has a leading zero");
	psi_error("some avg10=0.18 avg60=0.06 avg300=0.05 total=\n", -EINVAL, 1,
		  "total is not a number");
	psi_error_len("some avg10=0.18 avg60=0.06 avg300=0.05 total=1\0", 47, -EINVAL, 1,
		      "unexpected text after total");
}

/* ---- hostile inputs for both ---- */

static void hostile(const char *in, size_t len)
{
	struct pi_loadavg l, l2;
	struct pi_pressure p, p2;
	struct pi_buf out;

	pi_buf_init(&out, 0);
	if (pi_loadavg_parse(in, len, &l, NULL) == 0) {
		assert_int_equal(pi_loadavg_render(&l, &out), 0);
		assert_int_equal(pi_loadavg_parse(out.data, out.len, &l2, NULL), 0);
		assert_memory_equal(&l, &l2, sizeof(l));
	}
	pi_buf_reset(&out);
	if (pi_pressure_parse(in, len, "pressure/cpu", &p, NULL) == 0) {
		assert_int_equal(pi_pressure_render(&p, &out), 0);
		assert_int_equal(pi_pressure_parse(out.data, out.len, "pressure/cpu", &p2, NULL),
				 0);
		psi_assert_eq(&p, &p2);
	}
	pi_buf_fini(&out);
}

static void test_hostile_inputs(void **state)
{
	size_t big = 10u << 20, i;
	char *buf = malloc(big);
	unsigned seed = 4242;

	assert_non_null(buf);
	memset(buf, '9', big); /* a 10 MiB number */
	hostile(buf, big);
	memset(buf, 0, big);
	hostile(buf, big);
	memset(buf, '\n', big);
	hostile(buf, big);
	for (i = 0; i + 4 <= big; i += 4)
		memcpy(buf + i, "some", 4);
	hostile(buf, big);
	for (int round = 0; round < 5000; round++) {
		static const char alpha[] = "0123456789./- \nsomefullavgtal=\0";
		size_t n = (size_t)(rand_r(&seed) % 120);

		for (i = 0; i < n; i++)
			buf[i] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		hostile(buf, n);
		/* mutate one byte of valid text */
		memcpy(buf, SOME FULL, sizeof(SOME FULL) - 1);
		buf[rand_r(&seed) % (sizeof(SOME FULL) - 1)] =
		    alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		hostile(buf, sizeof(SOME FULL) - 1);
		memcpy(buf, "0.08 0.09 0.03 4/95 3742\n", 25);
		buf[rand_r(&seed) % 25] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		hostile(buf, 25);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loadavg_fixtures_round_trip),
	    cmocka_unit_test(test_loadavg_values),
	    cmocka_unit_test(test_loadavg_edges),
	    cmocka_unit_test(test_loadavg_errors),
	    cmocka_unit_test(test_pressure_fixtures_round_trip),
	    cmocka_unit_test(test_pressure_values),
	    cmocka_unit_test(test_pressure_edges),
	    cmocka_unit_test(test_pressure_errors),
	    cmocka_unit_test(test_hostile_inputs),
	};
	return cmocka_run_group_tests_name("loadavg_pressure", tests, NULL, NULL);
}
