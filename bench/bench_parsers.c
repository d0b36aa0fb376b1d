/* bench_parsers: per source, what reading the file from the kernel costs against what parsing
 * (and deriving: buddy maths, the symbol index) costs, on this machine's live files.
 *
 *   bench_parsers [--root DIR] [--runs N] [--markdown]
 *
 * For each source: the file is read RUNS times (open + read() to EOF: the kernel producing
 * the text), then the last copy is parsed RUNS times through pi_srcdata_parse (the daemon's
 * own path). Reported: median and min of each, bytes, and parse/read ratio. Must run as root
 * to read pagetypeinfo and see real kallsyms/iomem addresses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "source.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static char *read_all(int dirfd, const char *name, size_t *ret_len)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((k = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)k;
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	close(fd);
	if (k < 0) {
		free(buf);
		return NULL;
	}
	*ret_len = len;
	return buf;
}

int main(int argc, char **argv)
{
	const char *root = "/proc";
	int runs = 50, markdown = 0, dirfd;
	uint64_t *rt, *pt;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 50;
		else if (!strcmp(argv[i], "--markdown"))
			markdown = 1;
		else {
			fprintf(stderr, "usage: %s [--root DIR] [--runs N] [--markdown]\n",
				argv[0]);
			return 2;
		}
	}
	dirfd = open(root, O_RDONLY | O_DIRECTORY);
	if (dirfd < 0) {
		perror(root);
		return 1;
	}
	rt = calloc((size_t)runs, sizeof(*rt));
	pt = calloc((size_t)runs, sizeof(*pt));
	if (markdown)
		printf("| source | bytes | kernel read median (µs) | parse median (µs) | parse / "
		       "read | "
		       "parse MB/s |\n|---|---:|---:|---:|---:|---:|\n");
	else
		printf("%-16s %10s %12s %12s %10s %10s\n", "source", "bytes", "read_us", "parse_us",
		       "ratio", "MB/s");
	for (int s = 0; s < PI_SRC_COUNT; s++) {
		char *buf = NULL;
		size_t len = 0;
		int ok = 1;

		for (int i = 0; i < runs; i++) {
			uint64_t t0 = now_ns();

			free(buf);
			buf = read_all(dirfd, pi_src_names[s], &len);
			rt[i] = now_ns() - t0;
			if (!buf) {
				ok = 0;
				break;
			}
		}
		if (!ok) {
			printf(markdown ? "| %s | unreadable: %s | | | | |\n"
					: "%-16s unreadable: %s\n",
			       pi_src_names[s], strerror(errno));
			continue;
		}
		for (int i = 0; i < runs; i++) {
			char *copy = malloc(len + 1);
			struct pi_srcdata *d = NULL;
			struct pi_perr e = {0};
			uint64_t t0;

			memcpy(copy, buf, len);
			t0 = now_ns();
			if (pi_srcdata_parse((enum pi_src)s, copy, len, 0, &d, &e) < 0) {
				fprintf(stderr, "%s: parse failed: %s:%u %s\n", pi_src_names[s],
					e.source, e.line, e.reason);
				ok = 0;
				break;
			}
			pt[i] = now_ns() - t0;
			pi_srcdata_unref(d);
		}
		free(buf);
		if (!ok)
			continue;
		qsort(rt, (size_t)runs, sizeof(*rt), cmp_u64);
		qsort(pt, (size_t)runs, sizeof(*pt), cmp_u64);
		{
			double r = (double)rt[runs / 2] / 1e3, p = (double)pt[runs / 2] / 1e3;
			double mbs = (double)len / ((double)pt[runs / 2] / 1e9) / 1e6;

			if (markdown)
				printf("| %s | %zu | %.1f | %.1f | %.3f | %.0f |\n",
				       pi_src_names[s], len, r, p, p / r, mbs);
			else
				printf("%-16s %10zu %12.1f %12.1f %10.3f %10.0f\n", pi_src_names[s],
				       len, r, p, p / r, mbs);
		}
	}
	free(rt);
	free(pt);
	close(dirfd);
	return 0;
}
