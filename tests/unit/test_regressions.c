/* Replays the fuzzing oracle (tests/fuzz/roundtrip.c) without libFuzzer, so that every input
 * that once broke something stays a test of the normal unit suite (and of its ASan and valgrind
 * runs). Per target: every file in tests/fuzz/regressions/<target>/, every fixture file of that
 * kind (which must be accepted), truncations of them, every other fixture, and hostile inputs
 * built here (a 1 MiB line, a 1 MiB number, NUL bytes) that are too big to keep in the tree.
 * A violation abort()s inside pi_fuzz_one with a message naming the input. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "roundtrip.h"
#include "testutil.h"

#ifndef PI_REGRESSIONS_DIR
#define PI_REGRESSIONS_DIR "tests/fuzz/regressions"
#endif

/* Fixture files parsed by each parser target. */
static const char *const *kind_files(const char *target)
{
	static const char *const pressure[] = {"pressure/cpu", "pressure/memory", "pressure/io",
					       "pressure/irq", NULL};
	static const char *const one[][2] = {{"stat"},	   {"buddyinfo"}, {"pagetypeinfo"},
					     {"zoneinfo"}, {"iomem"},	  {"kallsyms"},
					     {"loadavg"},  {"schedstat"}};

	if (!strcmp(target, "pressure"))
		return pressure;
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (!strcmp(target, one[i][0]))
			return one[i];
	return NULL;
}

static int replay(const char *target, const char *label, const void *data, size_t len)
{
	/* exactly len bytes on the heap, so that an over-read is a sanitizer / valgrind error */
	void *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	if (len)
		memcpy(copy, data, len);
	pi_fuzz_set_label(label);
	r = pi_fuzz_one(target, copy, len);
	pi_fuzz_set_label(NULL);
	free(copy);
	if (r < 0)
		fail_msg("%s: unknown fuzz target", target);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of tests/fuzz/regressions/<target>/; returns how many. */
static size_t replay_dir(const char *target)
{
	char dir[4096], path[8192];
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", PI_REGRESSIONS_DIR, target);
	d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		assert_non_null(names);
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *buf;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		buf = pt_read_file(path, &len);
		if (!buf)
			fail_msg("cannot read %s", path);
		replay(target, path, buf, len);
		free(buf);
		free(names[i]);
	}
	free(names);
	return n;
}

/* Cuts that end inside a line or a number, or drop the final newline. */
static void replay_truncations(const char *target, const char *what, const char *buf, size_t len)
{
	const size_t cuts[] = {len - 1, len / 2, len / 3 + 1, 4096 + 7, 65536 + 13};
	char label[1024];

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		if (cuts[i] >= len || cuts[i] == 0)
			continue;
		if (cuts[i] > 65536 + 13 && cuts[i] != len - 1)
			continue; /* big files: short cuts only, to keep valgrind runs short */
		snprintf(label, sizeof(label), "%s cut at %zu of %zu", what, cuts[i], len);
		replay(target, label, buf, cuts[i]);
	}
}

/* Hostile inputs too big for the tree. */
static void replay_hostile(const char *target)
{
	const size_t big = 1u << 20;
	char *b = malloc(big + 64);
	static const char *const prefixes[] = {
	    "",
	    "cpu  ",
	    "Node 0, zone   Normal ",
	    "Node 0, zone   Normal, type    Movable ",
	    "00000000-",
	    "ffffffff81000000 T ",
	    "0.00 ",
	    "some avg10=",
	    "intr ",
	    "  pages free     ",
	    "GET\0/api/v1/kallsyms/lookup\0name=",
	};
	char label[128];

	assert_non_null(b);
	memset(b, 'A', big);
	replay(target, "1 MiB line of 'A'", b, big);
	b[big - 1] = '\n';
	replay(target, "1 MiB line of 'A' with its newline", b, big);
	memset(b, 0, big);
	replay(target, "1 MiB of NUL bytes", b, big);
	memset(b, ' ', big);
	replay(target, "1 MiB of spaces", b, big);
	memset(b, '\n', big);
	replay(target, "1 MiB of newlines", b, big);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = i == sizeof(prefixes) / sizeof(prefixes[0]) - 1
				? sizeof("GET\0/api/v1/kallsyms/lookup\0name=") - 1
				: strlen(prefixes[i]);

		memcpy(b, prefixes[i], pl);
		memset(b + pl, '9', big - pl);
		snprintf(label, sizeof(label), "prefix %zu + a 1 MiB number", i);
		replay(target, label, b, big);
		b[big - 1] = '\n';
		replay(target, label, b, big);
	}
	/* a deterministic pseudo-random mix of the bytes parsers look at */
	{
		static const char alphabet[] = "0123456789abcdef xX-:.=/\n\t[]>NodezoneTD";
		uint32_t x = 2463534242u;

		for (size_t i = 0; i < big; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			b[i] = alphabet[x % (sizeof(alphabet) - 1)];
		}
		replay(target, "1 MiB of scanner-relevant bytes", b, big);
		for (size_t i = 0; i < 65536; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			b[i] = (char)(x & 0xff);
		}
		replay(target, "64 KiB of random bytes", b, 65536);
	}
	free(b);
}

/* Every fixture: its own kind must be accepted; other kinds only must not crash. */
static void replay_fixtures(const char *target)
{
	static const char *const all[] = {
	    "stat",	    "buddyinfo", "pagetypeinfo", "zoneinfo",	"iomem",
	    "kallsyms",	    "loadavg",	 "pressure/cpu", "pressure/io", "pressure/memory",
	    "pressure/irq", "vmstat",	 "meminfo",	 "interrupts",	"softirqs",
	    "schedstat",    "cpuinfo",	 "version",	 NULL,
	};
	const char *const *own = kind_files(target);
	char **samples = pt_fixture_samples();
	size_t accepted = 0;
	char label[512];

	assert_non_null(samples[0]);
	for (char **s = samples; *s; s++) {
		for (const char *const *f = all; *f; f++) {
			bool is_own = false;
			size_t len;
			char *buf;

			for (const char *const *o = own; o && *o; o++)
				is_own |= !strcmp(*o, *f);
			buf = pt_fixture_read(*s, *f, &len);
			if (!buf)
				continue;
			snprintf(label, sizeof(label), "fixture %s/proc/%s", *s, *f);
			if (is_own) {
				if (replay(target, label, buf, len) != 1)
					fail_msg("%s: rejected by the %s target", label, target);
				accepted++;
				replay_truncations(target, label, buf, len);
			} else {
				/* other kinds: the first 256 KiB (kallsyms is megabytes) */
				replay(target, label, buf, len > (256u << 10) ? 256u << 10 : len);
			}
			free(buf);
		}
	}
	pt_strv_free(samples);
	if (own && accepted == 0)
		fail_msg("no fixture of kind %s found under %s", target, pt_fixtures_dir());
}

/* Whether the fixture snapshot answers 200 (the route target returns 1 for 200), -1 for
 * either. */
static int expect_ok(const char *method, const char *url, const char *args)
{
	static const char *const ok[] = {
	    "/",
	    "/index.html",
	    "/healthz",
	    "/api/v1/cpu",
	    "/api/v1/buddy",
	    "/api/v1/pagetype",
	    "/api/v1/zones",
	    "/api/v1/iomem",
	    "/api/v1/kallsyms",
	    "/api/v1/snapshot",
	    "/proc/stat",
	    "/proc/buddyinfo",
	    "/proc/pagetypeinfo",
	    "/proc/zoneinfo",
	    "/proc/iomem",
	    "/proc/kallsyms",
	    "/proc/loadavg",
	    "/proc/pressure/cpu",
	    "/proc/pressure/memory",
	    "/proc/pressure/io",
	    "/api/v1/capture.tar",
	    "/metrics",
	};

	if (!strcmp(url, "/api/v1/kallsyms/symbolize"))
		return !strcmp(method, "POST");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return 0;
	if (!strcmp(url, "/api/v1/kallsyms/lookup"))
		return !strcmp(args, "addr=ffffffff81000000") || !strcmp(args, "name=schedule") ||
		       !strcmp(args, "addr=0xffffffffffffffff");
	if (!strcmp(url, "/api/v1/history"))
		return -1; /* depends on the selector: not checked here */
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(url, ok[i]))
			return 1;
	return 0;
}

/* Requests the route target must answer; the fuzzer's seeds are in regressions/route/. */
static void replay_requests(void)
{
	static const char *const urls[] = {
	    "/",
	    "/index.html",
	    "/healthz",
	    "/api/v1/cpu",
	    "/api/v1/buddy",
	    "/api/v1/pagetype",
	    "/api/v1/zones",
	    "/api/v1/iomem",
	    "/api/v1/kallsyms",
	    "/api/v1/snapshot",
	    "/api/v1/history",
	    "/api/v1/kallsyms/lookup",
	    "/api/v1/kallsyms/symbolize",
	    "/proc/stat",
	    "/proc/buddyinfo",
	    "/proc/pagetypeinfo",
	    "/proc/zoneinfo",
	    "/proc/iomem",
	    "/proc/kallsyms",
	    "/proc/loadavg",
	    "/proc/pressure/cpu",
	    "/proc/pressure/memory",
	    "/proc/pressure/io",
	    "/proc/pressure/irq",
	    "/proc/",
	    "/proc/../etc/passwd",
	    "/proc/self/environ",
	    "",
	    "//",
	    "/api/v1/",
	    "/api/v1/cpu/",
	    "/proc/schedstat",
	    "/api/v1/capture.tar",
	    "/metrics",
	};
	static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "", "get"};
	static const char *const args[] = {
	    "",
	    "addr=ffffffff81000000",
	    "addr=0xffffffffffffffff",
	    "addr=0x",
	    "addr=1ffffffffffffffff",
	    "name=schedule",
	    "name=",
	    "name=no_such_symbol",
	    "series=cpu,zones&since=0",
	    "series=,,,",
	    "since=-1",
	    "since=nan",
	    "since=1e300",
	    "series=cpu.util.user",
	    "Accept: application/openmetrics-text; version=1.0.0&Accept-Encoding: gzip",
	    "Accept-Encoding: gzip;q=0, *;q=1",
	    "accept: text/plain;version=0.0.4;q=0.5,application/openmetrics-text;q=0.9",
	};
	char req[1024], label[1100];
	int r, e;

	for (size_t u = 0; u < sizeof(urls) / sizeof(urls[0]); u++)
		for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
			for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
				size_t n = 0, l;
				const char *amp;

				l = strlen(methods[m]);
				memcpy(req + n, methods[m], l + 1);
				n += l + 1;
				l = strlen(urls[u]);
				memcpy(req + n, urls[u], l + 1);
				n += l + 1;
				/* "a=1&b=2" -> "a=1\0b=2" */
				for (const char *p = args[a]; *p;
				     p = amp ? amp + 1 : p + strlen(p)) {
					amp = strchr(p, '&');
					l = amp ? (size_t)(amp - p) : strlen(p);
					memcpy(req + n, p, l);
					req[n + l] = '\0';
					n += l + 1;
				}
				if (!strcmp(methods[m], "POST")) {
					static const char body[] =
					    "\0\0[<ffffffff81000000>] 0xffffffff81001234+0x10\n";

					memcpy(req + n - 1, body, sizeof(body) - 1);
					n += sizeof(body) - 2;
				}
				snprintf(label, sizeof(label), "request %s %s ?%s", methods[m],
					 urls[u], args[a]);
				r = replay("route", label, req, n);
				e = expect_ok(methods[m], urls[u], args[a]);
				if (e >= 0 && r != e)
					fail_msg("%s: answered %s", label, r ? "200" : "an error");
			}
}

static void test_target(void **state)
{
	const char *target = *state;

	replay_dir(target);
	if (strcmp(target, "route") != 0)
		replay_fixtures(target);
	else
		replay_requests();
	replay_hostile(target);
}

static int teardown(void)
{
	pi_fuzz_cleanup();
	return 0;
}

int main(void)
{
#define T(name)                                                                                    \
	{                                                                                          \
		name, test_target, NULL, NULL, (void *)name                                        \
	}
	const struct CMUnitTest tests[] = {
	    T("stat"),	   T("buddyinfo"), T("pagetypeinfo"), T("zoneinfo"),  T("iomem"),
	    T("kallsyms"), T("loadavg"),   T("pressure"),     T("schedstat"), T("route"),
	};
	int r;

	r = cmocka_run_group_tests_name("regressions", tests, NULL, NULL);
	teardown();
	return r;
}
