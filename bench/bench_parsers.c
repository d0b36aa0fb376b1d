/* bench_parsers: per source, what reading the file from the kernel costs against what parsing
 * (and deriving: buddy maths, the symbol index) costs, on this machine's live files.
 *
 *   bench_parsers [--root DIR] [--runs N] [--source NAME] [--markdown]
 *
 * For each source (or only NAME): the file is read RUNS times (open + read() to EOF + close
 * into a buffer allocated beforehand: the kernel producing the text), then the last copy is
 * parsed through pi_srcdata_parse (the daemon's own path, which takes and frees the buffer).
 * A clock read costs tens of ns, as much as parsing a small file, so inputs up to 1 MiB are
 * parsed in batches of BATCH private copies prepared beforehand, timed together and divided;
 * larger inputs are timed one parse at a time. Results are released outside the timed region.
 * Reported: median and min of each per-parse time, bytes, parse/read ratio (of the medians)
 * and throughput. Must run as root to read pagetypeinfo and see real kallsyms/iomem
 * addresses. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "source.h"

#define BATCH		64
#define BATCH_MAX_BYTES (1u << 20)

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

/* open + read to EOF + close into *buf (grown as needed, outside the caller's timing when
 * the size is stable); returns the bytes read or -errno. */
static ssize_t read_into(int dirfd, const char *name, char **buf, size_t *cap)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t k;

	if (fd < 0)
		return -errno;
	for (;;) {
		if (*cap - len < 4096) {
			char *n = realloc(*buf, *cap * 2 + 1);

			if (!n) {
				close(fd);
				return -ENOMEM;
			}
			*buf = n;
			*cap *= 2;
		}
		k = read(fd, *buf + len, *cap - len);
		if (k < 0) {
			k = -errno;
			close(fd);
			return k;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	return (ssize_t)len;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--root DIR] [--runs N] [--source NAME] [--markdown]\n", argv0);
}

int main(int argc, char **argv)
{
	const char *root = "/proc", *only = NULL;
	int runs = 50, markdown = 0, dirfd;
	uint64_t *rt, *pt;
	char *rbuf;
	size_t rcap = 1 << 16;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 50;
		else if (!strcmp(argv[i], "--source") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--markdown"))
			markdown = 1;
		else {
			usage(argv[0]);
			return 2;
		}
	}
	/* The daemon's malloc settings (daemon/main.c). And no trimming: a batch keeps BATCH
	 * results alive at once (the daemon one per source), and releasing them would hand the
	 * heap top back to the kernel after every batch, so that the next one page-faults it
	 * in again, a cost of this harness only. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	if (only && pi_src_by_name(only, strlen(only)) < 0) {
		fprintf(stderr, "%s: unknown source \"%s\"\n", argv[0], only);
		return 2;
	}
	dirfd = open(root, O_RDONLY | O_DIRECTORY);
	if (dirfd < 0) {
		perror(root);
		return 1;
	}
	rt = calloc((size_t)runs, sizeof(*rt));
	pt = calloc((size_t)runs, sizeof(*pt));
	rbuf = malloc(rcap + 1);
	if (!rt || !pt || !rbuf) {
		perror("malloc");
		return 1;
	}
	if (markdown)
		printf("| source | bytes | kernel read median (µs) | parse median (µs) | parse / "
		       "read | "
		       "parse MB/s | min read / parse (µs) |\n"
		       "|---|---:|---:|---:|---:|---:|---:|\n");
	else
		printf("%-16s %10s %12s %12s %10s %10s %10s %10s\n", "source", "bytes", "read_us",
		       "parse_us", "ratio", "MB/s", "rmin_us", "pmin_us");
	for (int s = 0; s < PI_SRC_COUNT; s++) {
		struct pi_srcdata *ds[BATCH];
		char *copies[BATCH];
		ssize_t k = 0;
		size_t len, batch;
		int ok = 1;

		if (only && strcmp(only, pi_src_names[s]) != 0)
			continue;
		/* Once untimed: sizes the buffer so that timed reads do not reallocate. */
		for (int i = -1; i < runs; i++) {
			uint64_t t0 = now_ns();

			k = read_into(dirfd, pi_src_names[s], &rbuf, &rcap);
			if (i >= 0)
				rt[i] = now_ns() - t0;
			if (k < 0)
				break;
		}
		if (k < 0) {
			printf(markdown ? "| %s | unreadable: %s | | | | | |\n"
					: "%-16s unreadable: %s\n",
			       pi_src_names[s], strerror((int)-k));
			continue;
		}
		len = (size_t)k;
		batch = len <= BATCH_MAX_BYTES ? BATCH : 1;
		for (int i = 0; i < runs && ok; i++) {
			struct pi_perr e = {0};
			size_t j, done = 0;
			uint64_t t0;
			int r = 0;

			for (j = 0; j < batch; j++) {
				copies[j] = malloc(len + 1);
				if (!copies[j]) {
					perror("malloc");
					return 1;
				}
				memcpy(copies[j], rbuf, len);
			}
			t0 = now_ns();
			for (j = 0; j < batch && r == 0; j++, done++)
				r = pi_srcdata_parse((enum pi_src)s, copies[j], len, 0, &ds[j], &e);
			pt[i] = (now_ns() - t0) / batch;
			if (r < 0) {
				fprintf(stderr, "%s: parse failed: %s:%u %s\n", pi_src_names[s],
					e.source, e.line, e.reason);
				ok = 0;
				done--;
			}
			for (j = 0; j < done; j++)
				pi_srcdata_unref(ds[j]);
			for (j = done + !ok; j < batch; j++)
				free(copies[j]); /* never handed to the parser */
		}
		if (!ok)
			continue;
		qsort(rt, (size_t)runs, sizeof(*rt), cmp_u64);
		qsort(pt, (size_t)runs, sizeof(*pt), cmp_u64);
		{
			double r = (double)rt[runs / 2] / 1e3, p = (double)pt[runs / 2] / 1e3;
			double rmin = (double)rt[0] / 1e3, pmin = (double)pt[0] / 1e3;
			double mbs = (double)len / ((double)pt[runs / 2] / 1e9) / 1e6;

			if (markdown)
				printf("| %s | %zu | %.1f | %.2f | %.3f | %.0f | %.1f / %.2f |\n",
				       pi_src_names[s], len, r, p, p / r, mbs, rmin, pmin);
			else
				printf("%-16s %10zu %12.1f %12.2f %10.3f %10.0f %10.1f %10.2f\n",
				       pi_src_names[s], len, r, p, p / r, mbs, rmin, pmin);
		}
	}
	free(rbuf);
	free(rt);
	free(pt);
	close(dirfd);
	return 0;
}
