/* /proc/schedstat (CONFIG_SCHEDSTATS; kernel/sched/stats.c show_schedstat, 2.6.20+ in
 * kernel/sched_stats.h): scheduler counters per online CPU and per scheduling domain.
 *
 *   "version %d\n"  "timestamp %lu\n"           header; timestamp = raw jiffies
 *   "cpu%d( %u)+\n"                             one per online CPU (ids may have gaps)
 *   "domain%d[ %s] %*pb( %u)+\n"                 0+ per CPU after its cpu line (CONFIG_SMP),
 *                                               innermost domain first, numbered 0, 1, ...
 *
 * cpu line: v14 (2.6.20 - ~2.6.3x) 12 fields: yld_both_empty yld_act_empty yld_exp_empty
 * yld_count sched_switch sched_count sched_goidle ttwu_count ttwu_local cpu_time run_delay
 * pcount; v15+ 9 fields, see enum pi_schedstat_cpu_field. Unmerged RFC kernels printed extra
 * trailing fields (Mel Gorman's sis_* counters, 2021): any number >= the minimum is kept.
 *
 * domain line: "<cpumask> <36 fields>" for v14-v16; "<name> <cpumask> <45 fields>" for v17
 * (6.14), where mainline briefly printed the 45-field layout with the name under version 16.
 * See enum pi_schedstat_dom_layout. The cpumask is comma-separated 32-bit hex groups (first
 * group possibly shorter); NR_CPUS bits wide on old kernels (cpumask_scnprintf), nr_cpu_ids
 * bits with %*pb: "3", "00000000,00000003" and 8 groups for 8 CPUs on NR_CPUS=256 are all real.
 *
 * Since 4.6 the event counters stay 0 unless kernel.sched_schedstats=1; rq_cpu_time, run_delay
 * and pcount are kept regardless. The kernel asks tools to "adapt (or abort)" on an unknown
 * version: an unknown version that has the same shape parses with known_version = false. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fstate.h"
#include "perr.h"

#define PI_SCHEDSTAT_NAME_MAX 31 /* sched domain names: "SMT", "CLS", "MC", "PKG", "NUMA", ... */
/* Longest cpumask text kept: 455 groups of "%08x," (14,560 CPU bits). NR_CPUS=8192 without
 * CPUMASK_OFFSTACK prints 2,303 bytes; longer is -E2BIG. */
#define PI_SCHEDSTAT_MASK_MAX	 4096
#define PI_SCHEDSTAT_CPU_MIN_V14 12 /* cpu fields a version-14 kernel prints */
#define PI_SCHEDSTAT_CPU_MIN	 9  /* cpu fields any other version must have at least */

/* 0-based indices into pi_schedstat_cpu.fields for version >= 15 (cpu line layout unchanged
 * through v17). Times are nanoseconds since CFS (2.6.23; the kernel docs still say jiffies). */
enum pi_schedstat_cpu_field {
	PI_SCHEDSTAT_YLD_COUNT,	   /* sched_yield() calls */
	PI_SCHEDSTAT_LEGACY_ZERO,  /* always 0 (the O(1) scheduler's expired-array counter) */
	PI_SCHEDSTAT_SCHED_COUNT,  /* schedule() calls */
	PI_SCHEDSTAT_SCHED_GOIDLE, /* schedule() calls that left the CPU idle */
	PI_SCHEDSTAT_TTWU_COUNT,   /* try_to_wake_up() calls */
	PI_SCHEDSTAT_TTWU_LOCAL,   /* ... that woke a task on this CPU */
	PI_SCHEDSTAT_RUN_TIME,	   /* rq_cpu_time: ns tasks ran on this CPU */
	PI_SCHEDSTAT_RUN_DELAY,	   /* ns tasks waited on this runqueue */
	PI_SCHEDSTAT_PCOUNT,	   /* timeslices run on this CPU */
};

/* How the fields of a domain line are laid out, decided from the version and field count.
 * Each layout is three groups (one per idle type, in the order given) of `stride` load-balance
 * counters, then 12 fields: alb_count alb_failed alb_pushed sbe_count sbe_balanced sbe_pushed
 * sbf_count sbf_balanced sbf_pushed ttwu_wake_remote ttwu_move_affine ttwu_move_balance.
 *   stride 8:  lb_count lb_balanced lb_failed lb_imbalance lb_gained lb_hot_gained lb_nobusyq
 *              lb_nobusyg
 *   stride 11: lb_count lb_balanced lb_failed lb_imbalance_load lb_imbalance_util
 *              lb_imbalance_task lb_imbalance_misfit lb_gained lb_hot_gained lb_nobusyq
 *              lb_nobusyg */
enum pi_schedstat_dom_layout {
	PI_SCHEDSTAT_DOM_OTHER = 0,	/* field count or version not understood: raw fields only */
	PI_SCHEDSTAT_DOM_36_IDLE_FIRST, /* v14, v15: 36 fields, stride 8, idle busy newly-idle */
	PI_SCHEDSTAT_DOM_36_BUSY_FIRST, /* v16 (6.10): 36 fields, stride 8, busy idle newly-idle */
	PI_SCHEDSTAT_DOM_45,		/* v17 (6.14), late v16: 45, stride 11, busy idle newly */
};

enum pi_schedstat_itype {
	PI_SCHEDSTAT_IDLE,	 /* balancing from an idle CPU (CPU_IDLE) */
	PI_SCHEDSTAT_BUSY,	 /* ... from a busy CPU (__CPU_NOT_IDLE) */
	PI_SCHEDSTAT_NEWLY_IDLE, /* ... from a CPU about to go idle (CPU_NEWLY_IDLE) */
};

struct pi_schedstat_domain {
	int level;			      /* N of "domainN" */
	char name[PI_SCHEDSTAT_NAME_MAX + 1]; /* "MC", "PKG", ...; "" when not printed (< v17) */
	const char *cpumask;  /* NUL-terminated text as printed, e.g. "00000000,00000003" */
	size_t cpumask_len;   /* strlen(cpumask), 1..PI_SCHEDSTAT_MASK_MAX */
	unsigned span_weight; /* CPUs set in cpumask */
	enum pi_schedstat_dom_layout layout;
	size_t nfields; /* >= 1 */
	uint64_t *fields;
};

struct pi_schedstat_cpu {
	int cpu;	  /* N of "cpuN" */
	size_t nfields;	  /* 12 for v14, 9 for v15-v17, more on patched kernels */
	uint64_t *fields; /* in print order; enum pi_schedstat_cpu_field for v15+ */
	/* Filled from fields (PI_ABSENT for versions < 14, whose layout is not known): v15+
	 * fields 7, 8, 9 (1-based); v14 fields 10, 11, 12, which count jiffies on 2.6.20-2.6.22
	 * (before CFS) and nanoseconds from 2.6.23. */
	struct pi_opt_u64 run_time_ns;	/* rq_cpu_time / cpu_time */
	struct pi_opt_u64 run_delay_ns; /* run_delay */
	struct pi_opt_u64 pcount;	/* timeslices */
	size_t ndomains;
	struct pi_schedstat_domain *domains; /* this CPU's domain lines, level order as printed */
};

struct pi_schedstat {
	unsigned version;
	bool known_version; /* 14, 15, 16 or 17 */
	uint64_t timestamp; /* jiffies; starts at INITIAL_JIFFIES, so 4294865632 soon after boot is
			       normal. Use differences modulo 2^BITS_PER_LONG */
	size_t ncpus;
	struct pi_schedstat_cpu *cpus; /* file order */
	size_t ndomains;	       /* all domain lines; cpus[i].domains point into this */
	struct pi_schedstat_domain *domains;

	uint64_t *values_; /* parser-owned storage behind every fields pointer */
	char *text_;	   /* parser-owned storage behind every cpumask pointer */
};

/* Parse the whole file. On success *ret owns everything (free with pi_schedstat_free).
 * Accepted input is exactly what the kernel prints (one space between fields, no trailing
 * blank, numbers without sign or leading zero), so it renders back byte for byte; only a
 * missing final '\n' is added. Errors: -ENODATA (empty), -EINVAL (malformed; *reterr says
 * where), -ERANGE (a number past 64 bits), -E2BIG (a name or cpumask over its limit), -ENOMEM. */
int pi_schedstat_parse(const char *buf, size_t len, struct pi_schedstat **ret,
		       struct pi_perr *reterr);
struct pi_schedstat *pi_schedstat_free(struct pi_schedstat *s);
/* Print as the kernel does. Returns 0 or out->err. */
int pi_schedstat_render(const struct pi_schedstat *s, struct pi_buf *out);
/* Index into d->fields of lb_count for idle type t (the group's first field; the stride is
 * 8 or 11, see enum pi_schedstat_dom_layout), or -1 for PI_SCHEDSTAT_DOM_OTHER. */
int pi_schedstat_lb_index(const struct pi_schedstat_domain *d, enum pi_schedstat_itype t);
