/* The sources procintrod reads, and one source's parsed, immutable data. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buddy.h"
#include "buddyinfo.h"
#include "iomem.h"
#include "kallsyms.h"
#include "kimage.h"
#include "ksymidx.h"
#include "loadavg.h"
#include "pagetypeinfo.h"
#include "perr.h"
#include "pressure.h"
#include "schedstat.h"
#include "stat.h"
#include "zoneinfo.h"

enum pi_src {
	PI_SRC_STAT,
	PI_SRC_BUDDYINFO,
	PI_SRC_PAGETYPEINFO,
	PI_SRC_ZONEINFO,
	PI_SRC_IOMEM,
	PI_SRC_KALLSYMS,
	PI_SRC_LOADAVG,
	PI_SRC_PRESSURE_CPU,
	PI_SRC_PRESSURE_MEMORY,
	PI_SRC_PRESSURE_IO,
	PI_SRC_SCHEDSTAT,
	PI_SRC_COUNT
};

/* File name relative to the procfs root ("stat", "pressure/cpu"); also the source's name in
 * /healthz. */
extern const char *const pi_src_names[PI_SRC_COUNT];
/* Look up by name; -1 if unknown. */
int pi_src_by_name(const char *name, size_t len);
/* Sources whose absence is normal on many kernels (not a failure in /healthz's status). */
bool pi_src_optional(enum pi_src s);

/* One source's parsed data with everything derived from it. Immutable once built; shared by
 * consecutive snapshots (slow sources are re-read rarely) through a reference count. */
struct pi_srcdata {
	atomic_int refcnt;
	enum pi_src src;
	double sampled_at; /* Unix time the file was read */
	uint64_t read_ns;  /* time spent in read() */
	uint64_t parse_ns; /* time spent parsing and deriving (set by the caller that timed it) */
	size_t raw_len;	   /* bytes read */
	union {
		struct pi_stat *stat;
		struct pi_buddyinfo *buddy;
		struct pi_pagetypeinfo *pagetype;
		struct pi_zoneinfo *zoneinfo;
		struct pi_iomem *iomem;
		struct pi_kallsyms *kallsyms;
		struct pi_loadavg loadavg;
		struct pi_pressure pressure;
		struct pi_schedstat *schedstat;
	} u;
	struct pi_buddy_derived *buddy_derived; /* buddyinfo: one per zone */
	struct pi_ksymidx *ksymidx;		/* kallsyms */
	struct pi_kimage kimage;		/* kallsyms: sections, modules, counts per type */
	int kimage_err; /* 0, or -EACCES: addresses hidden (kimage then holds counts only) */
};

/* Parse `buf` as source `src` and derive. Takes ownership of buf (malloc()ed, len bytes, with
 * one extra writable byte at buf[len]) in every case. On success *ret has refcnt 1, read_ns
 * and parse_ns 0: the caller times the call (the sampler does) and fills them in. */
int pi_srcdata_parse(enum pi_src src, char *buf, size_t len, double sampled_at,
		     struct pi_srcdata **ret, struct pi_perr *reterr);
struct pi_srcdata *pi_srcdata_ref(struct pi_srcdata *d);
struct pi_srcdata *pi_srcdata_unref(struct pi_srcdata *d);
