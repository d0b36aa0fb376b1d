/* schedstat: every fixture round-trips byte for byte; hand-checked values; v14/v16/v17 and
 * unknown-version inputs written from the kernel formats; errors; hostile inputs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "schedstat.h"
#include "testutil.h"

static struct pi_schedstat *parse_ok_len(const char *s, size_t len)
{
	struct pi_schedstat *st = NULL;
	struct pi_perr e = {0};
	int r = pi_schedstat_parse(s, len, &st, &e);

	if (r < 0)
		fail_msg("parse failed (%d): %s:%u: %s", r, e.source, e.line, e.reason);
	return st;
}

static struct pi_schedstat *parse_ok(const char *s)
{
	return parse_ok_len(s, strlen(s));
}

/* render(st) == want, and parse(render) renders the same again. */
static void assert_renders(const struct pi_schedstat *st, const char *want, size_t wantlen,
			   const char *what)
{
	struct pi_buf out, out2;
	struct pi_schedstat *st2;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_schedstat_render(st, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, wantlen, what);
	st2 = parse_ok_len(out.data, out.len);
	pi_buf_init(&out2, 0);
	assert_int_equal(pi_schedstat_render(st2, &out2), 0);
	pt_assert_same_bytes(out2.data, out2.len, out.data, out.len, what);
	pi_buf_fini(&out2);
	pi_buf_fini(&out);
	pi_schedstat_free(st2);
}

static void round_trip(const char *in)
{
	struct pi_schedstat *st = parse_ok(in);

	assert_renders(st, in, strlen(in), in);
	pi_schedstat_free(st);
}

static struct pi_schedstat *fixture(const char *sample)
{
	size_t len;
	char *in = pt_fixture_read(sample, "schedstat", &len);
	struct pi_schedstat *st;

	assert_non_null(in);
	st = parse_ok_len(in, len);
	free(in);
	return st;
}

/* " 1 2 ... n" scaled by mul, appended to dst. */
static void put_seq(char *dst, size_t size, unsigned n, unsigned mul)
{
	size_t l = strlen(dst);

	for (unsigned i = 1; i <= n; i++)
		l += (size_t)snprintf(dst + l, size - l, " %u", i * mul);
}

static void test_all_fixtures_round_trip(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0;

	for (char **s = samples; *s; s++) {
		size_t len;
		char *in = pt_fixture_read(*s, "schedstat", &len);
		struct pi_schedstat *st = NULL;
		struct pi_perr e = {0};
		struct pi_buf out;

		if (!in)
			continue;
		seen++;
		if (pi_schedstat_parse(in, len, &st, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		assert_int_equal(st->version, 15); /* every capture here is a v15 kernel */
		assert_true(st->known_version);
		assert_true(st->ncpus >= 1);
		for (size_t i = 0; i < st->ncpus; i++) {
			assert_int_equal(st->cpus[i].nfields, 9);
			assert_int_equal(st->cpus[i].fields[PI_SCHEDSTAT_LEGACY_ZERO], 0);
			assert_int_equal(st->cpus[i].pcount.state, PI_OK);
		}
		for (size_t i = 0; i < st->ndomains; i++) {
			assert_int_equal(st->domains[i].nfields, 36);
			assert_int_equal(st->domains[i].layout, PI_SCHEDSTAT_DOM_36_IDLE_FIRST);
			assert_string_equal(st->domains[i].name, "");
		}
		pi_buf_init(&out, 0);
		assert_int_equal(pi_schedstat_render(st, &out), 0);
		if (!pt_fixture_edited(*s, "schedstat"))
			pt_assert_same_bytes(out.data, out.len, in, len, *s);
		pi_buf_fini(&out);
		pi_schedstat_free(st);
		free(in);
	}
	assert_int_equal(seen, 6);
	pt_strv_free(samples);
}

static void test_android_one_cpu_no_domains(void **state)
{
	/* line 3: "cpu0 94 0 899085 76872 643250 562210 285455085423 2545228545876 790551" */
	struct pi_schedstat *st = fixture("android-armv7-3.4-highmem");

	assert_int_equal(st->timestamp, 129476); /* line 2 */
	assert_int_equal(st->ncpus, 1);
	assert_int_equal(st->ndomains, 0); /* uniprocessor build prints no domain line */
	assert_int_equal(st->cpus[0].cpu, 0);
	assert_int_equal(st->cpus[0].ndomains, 0);
	assert_int_equal(st->cpus[0].fields[PI_SCHEDSTAT_YLD_COUNT], 94);
	assert_int_equal(st->cpus[0].fields[PI_SCHEDSTAT_SCHED_COUNT], 899085);
	assert_int_equal(st->cpus[0].fields[PI_SCHEDSTAT_TTWU_LOCAL], 562210);
	assert_int_equal(st->cpus[0].run_time_ns.v, 285455085423ULL);
	assert_int_equal(st->cpus[0].run_delay_ns.v, 2545228545876ULL);
	assert_int_equal(st->cpus[0].pcount.v, 790551);
	pi_schedstat_free(st);
}

static void test_centos_jiffies_near_boot(void **state)
{
	struct pi_schedstat *st = fixture("centos9-5.14-x86_64");

	/* line 2: INITIAL_JIFFIES is 2^32 - 300*HZ, so this is ~100 s after boot */
	assert_int_equal(st->timestamp, 4294865632ULL);
	assert_int_equal(st->ncpus, 1);
	assert_int_equal(st->ndomains, 0);
	/* line 3: "cpu0 0 0 0 0 0 0 85778645197 139355221621 282008" */
	assert_int_equal(st->cpus[0].run_time_ns.v, 85778645197ULL);
	assert_int_equal(st->cpus[0].run_delay_ns.v, 139355221621ULL);
	assert_int_equal(st->cpus[0].pcount.v, 282008);
	pi_schedstat_free(st);
}

static void test_debian_schedstats_off_and_short_mask(void **state)
{
	struct pi_schedstat *st = fixture("debian-5.10-x86_64-nonroot");

	assert_int_equal(st->ncpus, 2);
	assert_int_equal(st->ndomains, 2);
	/* sched_schedstats=0: event counters 1-6 stay 0; 7-9 are kept by sched_info.
	 * line 5: "cpu1 0 0 0 0 0 0 56484708324 60700320986 25246" */
	for (unsigned k = 0; k < 6; k++)
		assert_int_equal(st->cpus[1].fields[k], 0);
	assert_int_equal(st->cpus[1].run_time_ns.v, 56484708324ULL);
	assert_int_equal(st->cpus[1].run_delay_ns.v, 60700320986ULL);
	assert_int_equal(st->cpus[1].pcount.v, 25246);
	/* lines 4 and 6: "%*pb" with nr_cpu_ids = 2 prints one hex digit, "3" */
	assert_int_equal(st->cpus[0].ndomains, 1);
	assert_string_equal(st->cpus[0].domains[0].cpumask, "3");
	assert_int_equal(st->cpus[0].domains[0].cpumask_len, 1);
	assert_int_equal(st->cpus[0].domains[0].span_weight, 2);
	assert_ptr_equal(st->cpus[1].domains, &st->domains[1]);
	for (unsigned k = 0; k < 36; k++)
		assert_int_equal(st->cpus[1].domains[0].fields[k], 0);
	pi_schedstat_free(st);
}

static void test_node_exporter_values(void **state)
{
	struct pi_schedstat *st = fixture("prometheus-node-exporter");
	const struct pi_schedstat_domain *d;

	assert_int_equal(st->timestamp, 15819019232ULL); /* line 2 */
	assert_int_equal(st->ncpus, 2);
	assert_int_equal(st->ndomains, 2);
	/* line 5: "cpu1 518377256 0 4155211005 2778589869 10466382 2867629021 1904686152592476
	 * 364107263788241 5145567945" */
	assert_int_equal(st->cpus[1].cpu, 1);
	assert_int_equal(st->cpus[1].fields[PI_SCHEDSTAT_SCHED_GOIDLE], 2778589869ULL);
	assert_int_equal(st->cpus[1].run_time_ns.v, 1904686152592476ULL);
	assert_int_equal(st->cpus[1].run_delay_ns.v, 364107263788241ULL);
	assert_int_equal(st->cpus[1].pcount.v, 5145567945ULL);
	/* line 4: "domain0 00000000,00000003 212499247 210112015 1861015 1860405436 536440 369895
	 * 32599 210079416 25368550 ... 1387952561 21076581 0" */
	d = &st->cpus[0].domains[0];
	assert_int_equal(d->level, 0);
	assert_string_equal(d->cpumask, "00000000,00000003");
	assert_int_equal(d->span_weight, 2);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_IDLE), 0);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_BUSY), 8);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_NEWLY_IDLE), 16);
	assert_int_equal(d->fields[0], 212499247);   /* idle lb_count */
	assert_int_equal(d->fields[3], 1860405436);  /* idle lb_imbalance */
	assert_int_equal(d->fields[8], 25368550);    /* busy lb_count */
	assert_int_equal(d->fields[33], 1387952561); /* ttwu_wake_remote */
	assert_int_equal(d->fields[34], 21076581);   /* ttwu_move_affine */
	assert_int_equal(d->fields[35], 0);
	pi_schedstat_free(st);
}

static void test_ubuntu_two_levels_wide_masks(void **state)
{
	struct pi_schedstat *st = fixture("ubuntu-3.13-x86_64");
	const struct pi_schedstat_cpu *c5;

	assert_int_equal(st->timestamp, 4385260291ULL); /* 64-bit jiffies past 2^32 */
	assert_int_equal(st->ncpus, 8);
	assert_int_equal(st->ndomains, 16); /* 26 lines = 2 header + 8 x (cpu + 2 domains) */
	/* line 18: "cpu5 1673 0 11564284 5380746 5215127 1537111 706466567524 25390390665
	 * 6058854" */
	c5 = &st->cpus[5];
	assert_int_equal(c5->cpu, 5);
	assert_int_equal(c5->run_delay_ns.v, 25390390665ULL);
	assert_int_equal(c5->pcount.v, 6058854);
	assert_int_equal(c5->ndomains, 2);
	/* line 19: NR_CPUS=256 cpumask_scnprintf: 8 groups; SMT siblings 1 and 5 */
	assert_string_equal(c5->domains[0].cpumask, "00000000,00000000,00000000,00000000,"
						    "00000000,00000000,00000000,00000022");
	assert_int_equal(c5->domains[0].cpumask_len, 71);
	assert_int_equal(c5->domains[0].span_weight, 2);
	assert_int_equal(c5->domains[0].fields[0], 545737);
	assert_int_equal(c5->domains[1].level, 1);
	assert_int_equal(c5->domains[1].span_weight, 8); /* ...,000000ff */
	/* line 17 (cpu4 domain1) ends "... 0 3262675 183539 0" */
	assert_int_equal(st->cpus[4].domains[1].fields[33], 3262675);
	assert_int_equal(st->cpus[4].domains[1].fields[34], 183539);
	pi_schedstat_free(st);

	/* line 24: "cpu7 0 0 26604064 5380822 11696573 9950601 76305367376914 62964423009
	 * 21220420" */
	st = fixture("ubuntu-3.2-x86_64-8cpu");
	assert_int_equal(st->ncpus, 8);
	assert_int_equal(st->ndomains, 16);
	assert_int_equal(st->cpus[7].run_time_ns.v, 76305367376914ULL);
	assert_int_equal(st->cpus[7].run_delay_ns.v, 62964423009ULL);
	assert_int_equal(st->cpus[7].pcount.v, 21220420);
	/* line 5: "domain1 ...,000000ff 45838671 21163469 22253242 374556732 ..." */
	assert_int_equal(st->cpus[0].domains[1].fields[0], 45838671);
	assert_int_equal(st->cpus[0].domains[1].fields[3], 374556732);
	pi_schedstat_free(st);
}

static void test_v14_twelve_cpu_fields(void **state)
{
	/* 2.6.2x "cpu%d %u %u %u %u %u %u %u %u %u %llu %llu %lu" and a 36-field domain line
	 * from cpumask_scnprintf with NR_CPUS=32. */
	char in[2048] = "version 14\ntimestamp 4294967000\n"
			"cpu0 0 0 0 7 100 200 50 300 150 123456789 98765 4321\n"
			"domain0 00000003";
	struct pi_schedstat *st;

	put_seq(in, sizeof(in), 36, 1);
	strcat(in, "\ncpu1 0 0 0 0 0 0 0 0 0 5 6 7\ndomain0 00000003");
	put_seq(in, sizeof(in), 36, 2);
	strcat(in, "\n");
	st = parse_ok(in);
	assert_int_equal(st->version, 14);
	assert_true(st->known_version);
	assert_int_equal(st->cpus[0].nfields, 12);
	/* fields 10, 11, 12 (1-based) */
	assert_int_equal(st->cpus[0].run_time_ns.v, 123456789);
	assert_int_equal(st->cpus[0].run_delay_ns.v, 98765);
	assert_int_equal(st->cpus[0].pcount.v, 4321);
	assert_int_equal(st->cpus[1].pcount.v, 7);
	assert_int_equal(st->cpus[1].domains[0].layout, PI_SCHEDSTAT_DOM_36_IDLE_FIRST);
	assert_int_equal(st->cpus[1].domains[0].fields[35], 72);
	assert_renders(st, in, strlen(in), "v14");
	pi_schedstat_free(st);
}

static void test_v16_busy_first(void **state)
{
	/* 6.10: same lines as v15, but the idle-type groups are busy, idle, newly-idle. */
	char in[2048] = "version 16\ntimestamp 4295000000\n"
			"cpu0 0 0 10 5 20 10 1000 2000 30\ndomain0 3";
	struct pi_schedstat *st;
	const struct pi_schedstat_domain *d;

	put_seq(in, sizeof(in), 36, 10);
	strcat(in, "\ncpu1 0 0 10 5 20 10 1001 2001 31\ndomain0 3");
	put_seq(in, sizeof(in), 36, 1);
	strcat(in, "\n");
	st = parse_ok(in);
	assert_true(st->known_version);
	d = &st->cpus[0].domains[0];
	assert_string_equal(d->name, "");
	assert_int_equal(d->layout, PI_SCHEDSTAT_DOM_36_BUSY_FIRST);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_BUSY), 0);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_IDLE), 8);
	assert_int_equal(d->fields[pi_schedstat_lb_index(d, PI_SCHEDSTAT_IDLE)], 90);
	assert_int_equal(st->cpus[1].run_delay_ns.v, 2001);
	assert_renders(st, in, strlen(in), "v16");
	pi_schedstat_free(st);
}

static void test_v17_named_domains(void **state)
{
	/* 6.14 "domain%d %s %*pb" + 3 x 11 + 12 = 45 fields; nr_cpu_ids = 40, so %*pb prints a
	 * 2-digit first group: SMT siblings 0 and 20 are "00,00100001". */
	char in[4096] = "version 17\ntimestamp 4294968296\n"
			"cpu0 0 0 0 0 0 0 8000 9000 70\ndomain0 SMT 00,00100001";
	struct pi_schedstat *st;
	const struct pi_schedstat_domain *d;

	put_seq(in, sizeof(in), 45, 1);
	strcat(in, "\ndomain1 MC ff,ffffffff");
	put_seq(in, sizeof(in), 45, 3);
	strcat(in, "\ncpu20 0 0 0 0 0 0 8001 9001 71\ndomain0 SMT 00,00100001");
	put_seq(in, sizeof(in), 45, 1);
	strcat(in, "\ndomain1 MC ff,ffffffff");
	put_seq(in, sizeof(in), 45, 3);
	strcat(in, "\ndomain2 NUMA ffff,ffffffff");
	put_seq(in, sizeof(in), 45, 0);
	strcat(in, "\n");
	st = parse_ok(in);
	assert_int_equal(st->version, 17);
	assert_true(st->known_version);
	assert_int_equal(st->ncpus, 2);
	assert_int_equal(st->ndomains, 5);
	assert_int_equal(st->cpus[1].cpu, 20);
	assert_int_equal(st->cpus[1].ndomains, 3);
	d = &st->cpus[0].domains[0];
	assert_string_equal(d->name, "SMT");
	assert_string_equal(d->cpumask, "00,00100001");
	assert_int_equal(d->span_weight, 2);
	assert_int_equal(d->layout, PI_SCHEDSTAT_DOM_45);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_BUSY), 0);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_IDLE), 11);
	assert_int_equal(pi_schedstat_lb_index(d, PI_SCHEDSTAT_NEWLY_IDLE), 22);
	assert_int_equal(d->fields[11], 12);
	d = &st->cpus[0].domains[1];
	assert_string_equal(d->name, "MC");
	assert_int_equal(d->span_weight, 40);
	assert_int_equal(d->fields[44], 135);
	d = &st->cpus[1].domains[2];
	assert_string_equal(d->name, "NUMA");
	assert_int_equal(d->level, 2);
	assert_int_equal(d->span_weight, 48);
	assert_int_equal(st->cpus[1].run_delay_ns.v, 9001);
	assert_renders(st, in, strlen(in), "v17");
	pi_schedstat_free(st);
}

static void test_v16_with_name_mid_series(void **state)
{
	/* Mainline briefly printed the v17 layout (name, 45 fields) as "version 16". */
	char in[2048] = "version 16\ntimestamp 1\ncpu0 0 0 0 0 0 0 1 2 3\ndomain0 PKG 3";
	char in36[2048] = "version 16\ntimestamp 1\ncpu0 0 0 0 0 0 0 1 2 3\ndomain0 PKG 3";
	struct pi_schedstat *st;

	put_seq(in, sizeof(in), 45, 1);
	strcat(in, "\n");
	st = parse_ok(in);
	assert_string_equal(st->domains[0].name, "PKG");
	assert_string_equal(st->domains[0].cpumask, "3");
	assert_int_equal(st->domains[0].layout, PI_SCHEDSTAT_DOM_45);
	assert_renders(st, in, strlen(in), "v16 named");
	pi_schedstat_free(st);

	/* a name does not change the meaning of 36 fields under version 16 */
	put_seq(in36, sizeof(in36), 36, 1);
	strcat(in36, "\n");
	st = parse_ok(in36);
	assert_int_equal(st->domains[0].layout, PI_SCHEDSTAT_DOM_36_BUSY_FIRST);
	pi_schedstat_free(st);
}

static void test_unknown_versions(void **state)
{
	/* Mel Gorman's RFC (never merged) bumped the version and appended sis_* cpu fields. */
	const char *rfc = "version 18\ntimestamp 77\n"
			  "cpu0 1 0 3 4 5 6 7000 8000 900 10 11 12\n"
			  "domain0 SMT 3 1 2 3\n"
			  "cpu1 1 0 3 4 5 6 7001 8001 901 10 11 12\n";
	struct pi_schedstat *st = parse_ok(rfc);

	assert_int_equal(st->version, 18);
	assert_false(st->known_version);
	assert_int_equal(st->cpus[0].nfields, 12);
	assert_int_equal(st->cpus[0].fields[11], 12);
	/* the cpu line's first 9 fields never moved since v15 */
	assert_int_equal(st->cpus[1].run_delay_ns.state, PI_OK);
	assert_int_equal(st->cpus[1].run_delay_ns.v, 8001);
	assert_int_equal(st->domains[0].layout, PI_SCHEDSTAT_DOM_OTHER);
	assert_int_equal(pi_schedstat_lb_index(&st->domains[0], PI_SCHEDSTAT_IDLE), -1);
	assert_int_equal(st->domains[0].nfields, 3);
	assert_renders(st, rfc, strlen(rfc), "v18");
	pi_schedstat_free(st);

	/* extra trailing fields on a known version are kept too */
	round_trip("version 15\ntimestamp 5\ncpu0 1 0 3 4 5 6 7 8 9 10 11\n");

	/* v12 (2.6.13-2.6.19): layout not known, accessors absent, still parsed */
	st = parse_ok("version 12\ntimestamp 5\ncpu0 1 2 3 4 5 6 7 8 9 10 11 12\n");
	assert_false(st->known_version);
	assert_int_equal(st->cpus[0].run_time_ns.state, PI_ABSENT);
	assert_int_equal(st->cpus[0].pcount.state, PI_ABSENT);
	pi_schedstat_free(st);
}

static void test_shapes(void **state)
{
	struct pi_schedstat *st;
	char *big;
	size_t n;

	/* header only (a kernel always has one online CPU, but the shape is valid) */
	round_trip("version 15\ntimestamp 0\n");
	/* missing final newline is tolerated and added back */
	st = parse_ok("version 15\ntimestamp 9\ncpu0 1 0 3 4 5 6 7 8 9");
	{
		const char *want = "version 15\ntimestamp 9\ncpu0 1 0 3 4 5 6 7 8 9\n";

		assert_renders(st, want, strlen(want), "no final newline");
	}
	pi_schedstat_free(st);
	/* sparse cpu ids (offline CPUs are skipped), upper-case hex kept verbatim, a large
	 * mask, 2^64-1 */
	round_trip("version 15\ntimestamp 18446744073709551615\n"
		   "cpu0 1 0 3 4 5 6 7 8 18446744073709551615\ndomain0 0000000F 1\n"
		   "cpu3 1 0 3 4 5 6 7 8 9\ndomain0 1,00000000,80000008 1 2\n");
	st = parse_ok("version 15\ntimestamp 1\ncpu0 1 0 3 4 5 6 7 8 9\n"
		      "domain0 1,00000000,80000008 1 2\n");
	assert_int_equal(st->domains[0].span_weight, 3);
	pi_schedstat_free(st);

	/* a mask up to PI_SCHEDSTAT_MASK_MAX bytes is kept; one more byte is -E2BIG */
	big = malloc(PI_SCHEDSTAT_MASK_MAX + 128);
	assert_non_null(big);
	for (size_t extra = 0; extra <= 1; extra++) {
		static const char head[] = "version 15\ntimestamp 1\ncpu0 0 0 0 0 0 0 1 2 3\n"
					   "domain0 ";
		size_t mlen = PI_SCHEDSTAT_MASK_MAX + extra;

		memcpy(big, head, sizeof(head) - 1);
		n = sizeof(head) - 1;
		/* "ffffffff,ffffffff,...,f": valid groups whatever the length */
		for (size_t i = 0; i < mlen; i++)
			big[n + i] = i % 9 == 8 ? ',' : 'f';
		strcpy(big + n + mlen, " 1\n");
		if (extra == 0) {
			st = parse_ok(big);
			assert_int_equal(st->domains[0].cpumask_len, PI_SCHEDSTAT_MASK_MAX);
			assert_int_equal(st->domains[0].span_weight, 455 * 32 + 4);
			assert_renders(st, big, strlen(big), "4096-byte mask");
			pi_schedstat_free(st);
		} else {
			struct pi_schedstat *bad = NULL;
			struct pi_perr e = {0};

			assert_int_equal(pi_schedstat_parse(big, strlen(big), &bad, &e), -E2BIG);
			assert_int_equal(e.line, 4);
			assert_non_null(strstr(e.reason, "cpumask longer than 4096"));
			assert_null(bad);
		}
	}
	free(big);
}

static void expect_error(const char *in, int err, unsigned line, const char *reason_part)
{
	struct pi_schedstat *st = (void *)0x1;
	struct pi_perr e = {0};

	assert_int_equal(pi_schedstat_parse(in, strlen(in), &st, &e), err);
	assert_ptr_equal(st, (void *)0x1); /* output untouched on failure */
	assert_string_equal(e.source, "schedstat");
	assert_int_equal(e.line, line);
	if (!strstr(e.reason, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\" (input %s)", e.reason, reason_part, in);
}

#define HDR  "version 15\ntimestamp 100\n"
#define CPU0 "cpu0 1 0 3 4 5 6 7 8 9\n"

static void test_errors(void **state)
{
	expect_error("", -ENODATA, 0, "empty");
	/* the version line */
	expect_error("cpu0 1 0 3 4 5 6 7 8 9\n", -EINVAL, 1, "expected \"version \"");
	expect_error("\nversion 15\n", -EINVAL, 1, "expected \"version \"");
	expect_error("version x\ntimestamp 1\n", -EINVAL, 1, "bad version number");
	expect_error("version -15\ntimestamp 1\n", -EINVAL, 1, "bad version number");
	expect_error("version 015\ntimestamp 1\n", -EINVAL, 1, "bad version number");
	expect_error("version 15 \ntimestamp 1\n", -EINVAL, 1, "bad version number");
	expect_error("version 2147483648\ntimestamp 1\n", -EINVAL, 1, "bad version number");
	expect_error("version 99999999999999999999\n", -ERANGE, 1, "bad version number");
	/* the timestamp line */
	expect_error("version 15\n", -EINVAL, 2, "missing timestamp");
	expect_error("version 15\n" CPU0, -EINVAL, 2, "expected \"timestamp \"");
	expect_error("version 15\ntimestamp\n", -EINVAL, 2, "expected \"timestamp \"");
	expect_error("version 15\ntimestamp 12x\n", -EINVAL, 2, "bad timestamp number");
	expect_error("version 15\ntimestamp 18446744073709551616\n", -ERANGE, 2, "timestamp");
	/* line kinds and order */
	expect_error(HDR "domain0 3 1 2 3\n" CPU0, -EINVAL, 3, "before any cpu line");
	expect_error(HDR CPU0 "\n", -EINVAL, 4, "empty line");
	expect_error(HDR CPU0 "version 15\n", -EINVAL, 4, "expected a cpu or domain line");
	expect_error(HDR CPU0 " cpu1 1 0 3 4 5 6 7 8 9\n", -EINVAL, 4, "cpu or domain");
	/* cpu lines */
	expect_error(HDR "cpu0 1 0 3 x 5 6 7 8 9\n", -EINVAL, 3, "cpu field 4: not a number");
	expect_error(HDR "cpu0 1 0 3 4 5 6 7 8 9x\n", -EINVAL, 3, "cpu field 9: not a number");
	expect_error(HDR "cpu0 1 0 3 4 -5 6 7 8 9\n", -EINVAL, 3, "cpu field 5: not a number");
	expect_error(HDR "cpu0 1 0 3 4 5 6 7 8\n", -EINVAL, 3, "8 fields");
	expect_error(HDR "cpu0\n", -EINVAL, 3, "0 fields");
	expect_error("version 14\ntimestamp 1\ncpu0 1 0 3 4 5 6 7 8 9 10 11\n", -EINVAL, 3,
		     "version 14 prints at least 12");
	expect_error(HDR "cpu0 1 0 3 4 5 6 7 8 99999999999999999999\n", -ERANGE, 3,
		     "cpu field 9: overflows");
	expect_error(HDR "cpu0 1 0 3 4 5 6 7 8 09\n", -EINVAL, 3, "leading zero");
	expect_error(HDR "cpu0 1 0 3 4 5 6 7 8 9 \n", -EINVAL, 3, "trailing blank");
	expect_error(HDR "cpu0 1 0 3  4 5 6 7 8 9\n", -EINVAL, 3, "field 4: missing (extra blank)");
	expect_error(HDR "cpu0 1 0 3\t4 5 6 7 8 9\n", -EINVAL, 3, "cpu field 3: not a number");
	expect_error(HDR "cpu 1 0 3 4 5 6 7 8 9\n", -EINVAL, 3, "bad cpu number");
	expect_error(HDR "cpu-1 1 0 3 4 5 6 7 8 9\n", -EINVAL, 3, "bad cpu number");
	expect_error(HDR "cpu2147483648 1 0 3 4 5 6 7 8 9\n", -EINVAL, 3, "bad cpu number");
	expect_error(HDR "cpux 1\n", -EINVAL, 3, "bad cpu number");
	/* domain lines */
	expect_error(HDR CPU0 "domain0 3 1 x\n", -EINVAL, 4, "domain field 2: not a number");
	expect_error(HDR CPU0 "domain0 3\n", -EINVAL, 4, "no counters");
	expect_error(HDR CPU0 "domain0\n", -EINVAL, 4, "missing cpumask");
	expect_error(HDR CPU0 "domain 3 1\n", -EINVAL, 4, "bad domain number");
	expect_error(HDR CPU0 "domain0 3,,4 1 2\n", -EINVAL, 4, "bad cpumask");
	expect_error(HDR CPU0 "domain0 ,3 1\n", -EINVAL, 4, "bad cpumask");
	expect_error(HDR CPU0 "domain0 123456789 1\n", -EINVAL, 4, "bad cpumask");
	expect_error(HDR CPU0 "domain0  3 1\n", -EINVAL, 4, "bad cpumask");
	expect_error(HDR CPU0 "domain0 MC\n", -EINVAL, 4, "missing cpumask");
	expect_error(HDR CPU0 "domain0 MC 3g 1\n", -EINVAL, 4, "domain0 MC: bad cpumask");
	expect_error(HDR CPU0 "domain0 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef 3 1\n", -E2BIG, 4,
		     "name longer than 31");
	/* v17 always prints a name first, whatever it looks like */
	expect_error("version 17\ntimestamp 1\n" CPU0 "domain0 3\n", -EINVAL, 4,
		     "domain0 3: missing cpumask");
	expect_error("version 17\ntimestamp 1\n" CPU0 "domain0 3 1\n", -EINVAL, 4, "no counters");
	expect_error(HDR CPU0 "domain0 3 1 99999999999999999999\n", -ERANGE, 4,
		     "domain field 2: overflows");
}

static void test_nul_and_control_bytes(void **state)
{
	static const char nul_name[] = HDR CPU0 "domain0 M\0C 3 1\n";
	static const char nul_field[] = HDR "cpu0 1 0 3 4 5 6 7 8 9\0\n";
	static const char nul_version[] = "version 1\0\ntimestamp 1\n";
	struct pi_schedstat *st = NULL;
	struct pi_perr e = {0};

	assert_int_equal(pi_schedstat_parse(nul_name, sizeof(nul_name) - 1, &st, &e), -EINVAL);
	assert_int_equal(e.line, 4);
	assert_non_null(strstr(e.reason, "bad domain name"));
	assert_int_equal(pi_schedstat_parse(nul_field, sizeof(nul_field) - 1, &st, &e), -EINVAL);
	assert_int_equal(e.line, 3);
	assert_int_equal(pi_schedstat_parse(nul_version, sizeof(nul_version) - 1, &st, &e),
			 -EINVAL);
	assert_int_equal(e.line, 1);
	assert_null(st);
	/* the input is not NUL-terminated: a length cutting a line short is honoured */
	st = parse_ok_len(HDR CPU0 "garbage", sizeof(HDR CPU0) - 1);
	assert_int_equal(st->ncpus, 1);
	pi_schedstat_free(st);
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* parse; if it succeeds, render, re-parse and render identically. Returns the parse result. */
static int parse_render_stable(const char *in, size_t len, struct pi_buf *out)
{
	struct pi_schedstat *st = NULL, *st2 = NULL;
	struct pi_buf out2;
	int r = pi_schedstat_parse(in, len, &st, NULL);

	if (r < 0)
		return r;
	pi_buf_reset(out);
	assert_int_equal(pi_schedstat_render(st, out), 0);
	if (pi_schedstat_parse(out->data, out->len, &st2, NULL) < 0)
		fail_msg("rendered output does not parse back");
	pi_buf_init(&out2, 0);
	assert_int_equal(pi_schedstat_render(st2, &out2), 0);
	pt_assert_same_bytes(out2.data, out2.len, out->data, out->len, "re-render");
	pi_buf_fini(&out2);
	pi_schedstat_free(st2);
	pi_schedstat_free(st);
	return 0;
}

static void test_hostile_input(void **state)
{
	const size_t big = 10u << 20;
	char *b = malloc(big + 64);
	struct pi_buf out;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t len, flen, n;
	char *fx = pt_fixture_read("ubuntu-3.13-x86_64", "schedstat", &flen);
	int ok = 0;

	if (!b || !fx)
		abort();
	pi_buf_init(&out, 0);

	/* a 10 MiB cpu line of fields parses (and round-trips) */
	n = (size_t)sprintf(b, "version 15\ntimestamp 1\ncpu0");
	while (n < big - 2)
		n += (size_t)sprintf(b + n, " 1");
	b[n++] = '\n';
	assert_int_equal(parse_render_stable(b, n, &out), 0);
	assert_int_equal(out.len, n);
	/* a 10 MiB number overflows; 10 MiB of a name, spaces, newlines or NULs fail early */
	n = (size_t)sprintf(b, "version 15\ntimestamp ");
	memset(b + n, '9', big - n);
	assert_int_equal(parse_render_stable(b, big, &out), -ERANGE);
	n = (size_t)sprintf(b, "version 15\ntimestamp 1\ncpu0 1 0 3 4 5 6 7 8 9\ndomain0 ");
	memset(b + n, 'M', big - n);
	assert_int_equal(parse_render_stable(b, big, &out), -E2BIG);
	memset(b, ' ', big);
	assert_int_equal(parse_render_stable(b, big, &out), -EINVAL);
	memset(b, '\n', big);
	assert_int_equal(parse_render_stable(b, big, &out), -EINVAL);
	memset(b, 0, big);
	assert_int_equal(parse_render_stable(b, big, &out), -EINVAL);

	/* random bytes from a small alphabet, and random mutations of a real file */
	for (int round = 0; round < 3000; round++) {
		static const char alpha[] = "0123456789abcdefcpudomain,MC \n\0";

		len = (size_t)(rng(&seed) % 200);
		n = round & 2 ? (size_t)sprintf(b, "version 1%d\ntimestamp 1\n", round % 9) : 0;
		for (size_t i = 0; i < len; i++)
			b[n + i] =
			    round & 1 ? (char)rng(&seed) : alpha[rng(&seed) % (sizeof(alpha) - 1)];
		parse_render_stable(b, n + len, &out);
	}
	for (int round = 0; round < 3000; round++) {
		memcpy(b, fx, flen);
		for (int k = (int)(rng(&seed) % 4); k >= 0; k--) {
			static const char alpha[] = "0f ,M\n\0";
			b[rng(&seed) % flen] = alpha[rng(&seed) % (sizeof(alpha) - 1)];
		}
		ok += parse_render_stable(b, (size_t)(rng(&seed) % (flen + 1)), &out) == 0;
	}
	assert_true(ok > 100); /* the mutations also reach render */

	pi_buf_fini(&out);
	free(fx);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_fixtures_round_trip),
	    cmocka_unit_test(test_android_one_cpu_no_domains),
	    cmocka_unit_test(test_centos_jiffies_near_boot),
	    cmocka_unit_test(test_debian_schedstats_off_and_short_mask),
	    cmocka_unit_test(test_node_exporter_values),
	    cmocka_unit_test(test_ubuntu_two_levels_wide_masks),
	    cmocka_unit_test(test_v14_twelve_cpu_fields),
	    cmocka_unit_test(test_v16_busy_first),
	    cmocka_unit_test(test_v17_named_domains),
	    cmocka_unit_test(test_v16_with_name_mid_series),
	    cmocka_unit_test(test_unknown_versions),
	    cmocka_unit_test(test_shapes),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_nul_and_control_bytes),
	    cmocka_unit_test(test_hostile_input),
	};
	return cmocka_run_group_tests_name("schedstat", tests, NULL, NULL);
}
