#include "sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "reader.h"

struct pi_sampler {
	struct pi_sampler_opts o;
	int rootfd;
	struct pi_snapshot *last;
	double next_due[PI_SRC_COUNT]; /* monotonic seconds */
	int kept_fd[PI_SRC_COUNT];     /* opened before privileges were dropped, or -1 */
	uint64_t seq;
	unsigned good;
	bool root_failing;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double real_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double period(const struct pi_sampler *s, enum pi_src src)
{
	switch (src) {
	case PI_SRC_PAGETYPEINFO:
		return s->o.pagetypeinfo_interval;
	case PI_SRC_IOMEM:
	case PI_SRC_KALLSYMS:
		return s->o.slow_interval;
	default:
		return s->o.interval;
	}
}

int pi_sampler_new(const struct pi_sampler_opts *o, struct pi_sampler **ret)
{
	struct pi_sampler *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->rootfd = -1;
	for (int i = 0; i < PI_SRC_COUNT; i++)
		s->kept_fd[i] = -1;
	*ret = s;
	return 0;
}

void pi_sampler_free(struct pi_sampler *s)
{
	if (!s)
		return;
	if (s->rootfd >= 0)
		close(s->rootfd);
	for (int i = 0; i < PI_SRC_COUNT; i++)
		if (s->kept_fd[i] >= 0)
			close(s->kept_fd[i]);
	pi_snapshot_unref(s->last);
	free(s);
}

void pi_sampler_retime(struct pi_sampler *s, const struct pi_sampler_opts *o)
{
	s->o.interval = o->interval;
	s->o.pagetypeinfo_interval = o->pagetypeinfo_interval;
	s->o.slow_interval = o->slow_interval;
	s->o.page_size = o->page_size;
	s->o.clock_ticks = o->clock_ticks;
	/* Re-plan: each source is next read after its new period. */
	for (int i = 0; i < PI_SRC_COUNT; i++)
		s->next_due[i] = 0;
}

int pi_sampler_keep_privileged(struct pi_sampler *s)
{
	/* Checked at open (pagetypeinfo's mode) or filtered by the opener's credentials
	 * (iomem 4.6+, kallsyms 4.15+): see daemon/privs.h. */
	static const enum pi_src privileged[] = {PI_SRC_PAGETYPEINFO, PI_SRC_KALLSYMS,
						 PI_SRC_IOMEM};
	int kept = 0;

	if (s->rootfd < 0)
		s->rootfd = open(s->o.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(privileged) / sizeof(privileged[0]); i++) {
		int fd = pi_open_source(s->rootfd, pi_src_names[privileged[i]]);

		if (fd < 0) {
			pi_log(PI_LOG_WARN,
			       "%s: %s: its data will be limited after dropping privileges",
			       pi_src_names[privileged[i]], strerror(-fd));
			continue;
		}
		if (s->kept_fd[privileged[i]] >= 0)
			close(s->kept_fd[privileged[i]]);
		s->kept_fd[privileged[i]] = fd;
		kept++;
	}
	return kept;
}

unsigned pi_sampler_good_sources(const struct pi_sampler *s)
{
	return s->good;
}

static void describe(int err, const struct pi_perr *pe, char *dst, size_t size)
{
	if (pe->source)
		pi_perr_format(pe, dst, size);
	else if (err == -EFBIG)
		snprintf(dst, size, "file larger than the read cap");
	else if (err == -EINVAL) /* pi_open_source(): a FIFO, a device, a socket */
		snprintf(dst, size, "not a regular file");
	else
		snprintf(dst, size, "%s", strerror(-err));
}

static void read_source(struct pi_sampler *s, struct pi_snapshot *snap, enum pi_src src)
{
	const struct pi_snapshot *prev = s->last;
	struct pi_src_status *st = &snap->status[src];
	struct pi_perr pe = {0};
	struct pi_srcdata *d = NULL;
	char *buf = NULL;
	size_t len = 0;
	uint64_t read_ns = 0, parse_ns = 0;
	bool parsed = false;
	double t = real_s();
	int r;

	if (s->kept_fd[src] >= 0)
		r = pi_read_fd(s->kept_fd[src], s->o.max_file_bytes, &buf, &len, &read_ns);
	else if (s->rootfd < 0)
		r = -ENOENT;
	else
		r = pi_read_file(s->rootfd, pi_src_names[src], s->o.max_file_bytes, &buf, &len,
				 &read_ns);
	if (r == 0) {
		/* Timed here, not inside pi_srcdata_parse, which stays a pure function. */
		uint64_t t0 = mono_ns();

		parsed = true;
		r = pi_srcdata_parse(src, buf, len, t, &d, &pe);
		parse_ns = mono_ns() - t0;
		if (r == 0) {
			d->read_ns = read_ns;
			d->parse_ns = parse_ns;
		}
	}
	st->attempted_at = t;
	st->read_ns = read_ns;
	st->parse_ns = parse_ns;
	st->failures = prev ? prev->status[src].failures : 0;
	st->parse_failures = prev ? prev->status[src].parse_failures : 0;
	st->read_ns_total = (prev ? prev->status[src].read_ns_total : 0) + read_ns;
	st->parse_ns_total = (prev ? prev->status[src].parse_ns_total : 0) + parse_ns;
	if (r == 0) {
		bool was_failing = prev && prev->status[src].state == PI_SRC_FAILED;

		st->state = PI_SRC_OK;
		st->err = 0;
		snap->data[src] = d;
		if (was_failing)
			pi_log(PI_LOG_INFO, "%s: readable again", pi_src_names[src]);
		if (!prev || !prev->data[src])
			s->good++;
		return;
	}
	st->state = PI_SRC_FAILED;
	st->err = r;
	st->failures++;
	if (parsed)
		st->parse_failures++;
	describe(r, &pe, st->error, sizeof(st->error));
	/* Keep the last good data; documents mark it stale and keep its own sampled_at. */
	snap->data[src] = prev ? pi_srcdata_ref(prev->data[src]) : NULL;
	/* Log transitions only, not every failed attempt. */
	if (!prev || prev->status[src].state != PI_SRC_FAILED || prev->status[src].err != r ||
	    strcmp(prev->status[src].error, st->error) != 0) {
		bool quiet = r == -ENOENT && pi_src_optional(src);

		pi_log(quiet ? PI_LOG_INFO : PI_LOG_WARN, "%s: %s%s", pi_src_names[src], st->error,
		       snap->data[src] ? " (serving the last good data as stale)" : "");
	}
}

struct pi_snapshot *pi_sampler_sample(struct pi_sampler *s, bool all)
{
	struct pi_snapshot *snap = pi_snapshot_new();
	double now = mono_s();

	if (!snap)
		return NULL;
	/* Open the root afresh each sample: a tree renamed away or replaced must not keep being
	 * served from the old directory. */
	if (s->rootfd >= 0)
		close(s->rootfd);
	s->rootfd = open(s->o.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0 && !s->root_failing)
		pi_log(PI_LOG_ERR, "procfs root %s: %s", s->o.root, strerror(errno));
	else if (s->rootfd >= 0 && s->root_failing)
		pi_log(PI_LOG_INFO, "procfs root %s: readable again", s->o.root);
	s->root_failing = s->rootfd < 0;
	snap->seq = ++s->seq;
	snap->sampled_at = real_s();
	snap->prev_sampled_at = s->last ? s->last->sampled_at : 0;
	snap->page_size = s->o.page_size;
	snap->clock_ticks = s->o.clock_ticks;
	for (int i = 0; i < PI_SRC_COUNT; i++) {
		/* Fast sources are read on every tick; slower ones once their period has passed,
		 * with half a tick of slack so timer jitter never skips a read. */
		if (all || !s->last || now >= s->next_due[i]) {
			read_source(s, snap, (enum pi_src)i);
			s->next_due[i] = now + period(s, (enum pi_src)i) - s->o.interval / 2;
		} else {
			snap->data[i] = pi_srcdata_ref(s->last->data[i]);
			snap->status[i] = s->last->status[i];
		}
	}
	/* Rates pair this stat with the previous one read; while stat is not re-read (it failed,
	 * or its period is longer), the last pair is kept. */
	if (s->last && s->last->data[PI_SRC_STAT] != snap->data[PI_SRC_STAT])
		snap->prev_stat = pi_srcdata_ref(s->last->data[PI_SRC_STAT]);
	else if (s->last)
		snap->prev_stat = pi_srcdata_ref(s->last->prev_stat);
	if (s->last && s->last->data[PI_SRC_SCHEDSTAT] != snap->data[PI_SRC_SCHEDSTAT])
		snap->prev_schedstat = pi_srcdata_ref(s->last->data[PI_SRC_SCHEDSTAT]);
	else if (s->last)
		snap->prev_schedstat = pi_srcdata_ref(s->last->prev_schedstat);
	/* Joined once here for every reader: the zone documents, /metrics and the history. */
	if (pi_snapshot_build_zones(snap) < 0)
		pi_log(PI_LOG_WARN, "sample %" PRIu64 ": zones: %s, serving no zone data",
		       snap->seq, strerror(ENOMEM));
	pi_snapshot_unref(s->last);
	s->last = pi_snapshot_ref(snap);
	return snap;
}
