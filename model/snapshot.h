/* One sample of the machine: every source's last good data and its current status.
 * Immutable once published; readers (HTTP threads) hold a reference while they use it. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "source.h"

struct pi_zones;

enum pi_src_state {
	PI_SRC_UNREAD = 0, /* not attempted yet */
	PI_SRC_OK,
	PI_SRC_FAILED, /* last attempt failed; data (if any) is the last good one, now stale */
};

struct pi_src_status {
	enum pi_src_state state;
	int err;	     /* negative errno of the last failure */
	char error[200];     /* "stat:12: bad cpu line" / "No such file or directory" */
	double attempted_at; /* Unix time of the last attempt */
	uint64_t failures;   /* failed attempts since start (read or parse) */
	/* Failed attempts since start where the file was read but its text was rejected (a
	 * subset of failures). */
	uint64_t parse_failures;
	/* The last attempt: time spent in read(), and in parsing and deriving (0 for a step not
	 * reached: a failed read is not timed, nor parsed). For a successful attempt these equal
	 * the served data's read_ns and parse_ns. */
	uint64_t read_ns;
	uint64_t parse_ns;
	/* The same summed over every attempt since start: what reading (the kernel producing the
	 * text) and parsing this source has cost in all. */
	uint64_t read_ns_total;
	uint64_t parse_ns_total;
};

struct pi_snapshot {
	atomic_int refcnt;
	uint64_t seq;	   /* 1, 2, ... */
	double sampled_at; /* Unix time of this sample */
	double prev_sampled_at;
	struct pi_srcdata *data[PI_SRC_COUNT]; /* last good data, NULL if never good */
	struct pi_src_status status[PI_SRC_COUNT];
	/* The previous sample's stat data (for rates), NULL on the first sample. */
	struct pi_srcdata *prev_stat;
	struct pi_srcdata *prev_schedstat; /* likewise, for run-queue latency */
	long page_size;			   /* bytes */
	long clock_ticks;		   /* USER_HZ */
	/* The zone join (zones.h) of this sample's data, built once by pi_snapshot_build_zones()
	 * before the snapshot is published; NULL until then (or when that failed). */
	struct pi_zones *zones;
};

struct pi_snapshot *pi_snapshot_new(void);
struct pi_snapshot *pi_snapshot_ref(struct pi_snapshot *s);
struct pi_snapshot *pi_snapshot_unref(struct pi_snapshot *s);
/* Join buddyinfo, pagetypeinfo and zoneinfo into s->zones (replacing any earlier join). Call
 * once the data is in place, before others read s. 0 or -ENOMEM (s->zones is then NULL). */
int pi_snapshot_build_zones(struct pi_snapshot *s);
/* Data of a source if its last read succeeded in this sample, else NULL. */
const struct pi_srcdata *pi_snapshot_fresh(const struct pi_snapshot *s, enum pi_src src);
/* False ("degraded") when a required source's last read failed, or an optional source
 * (PSI) that was readable before fails now. */
bool pi_snapshot_healthy(const struct pi_snapshot *s);
