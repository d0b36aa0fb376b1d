/* /proc/stat (fs/proc/stat.c show_stat): CPU times in USER_HZ ticks, interrupts, context
 * switches, boot time, forks, runnable/blocked tasks and softirqs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fstate.h"
#include "perr.h"

/* Time columns in kernel order. A kernel prints 4 to 10 of them (iowait 2.5.41, irq and
 * softirq 2.6.0, steal 2.6.11, guest 2.6.24, guest_nice 2.6.33). */
enum pi_cpu_mode {
	PI_CPU_USER,
	PI_CPU_NICE,
	PI_CPU_SYSTEM,
	PI_CPU_IDLE,
	PI_CPU_IOWAIT,
	PI_CPU_IRQ,
	PI_CPU_SOFTIRQ,
	PI_CPU_STEAL,
	PI_CPU_GUEST,
	PI_CPU_GUEST_NICE,
	PI_CPU_MODES
};

extern const char *const pi_cpu_mode_names[PI_CPU_MODES];

/* The most per-IRQ (or per-softirq) counts accepted on one line: nr_irqs on the largest x86
 * configurations is in the tens of thousands; this bounds memory on hostile input. */
#define PI_STAT_MAX_COUNTS (1u << 20)

struct pi_stat_cpu {
	int cpu;	/* N of "cpuN"; -1 for the aggregate "cpu" line */
	unsigned ncols; /* time columns printed, 1..PI_CPU_MODES */
	uint64_t ticks[PI_CPU_MODES];
};

struct pi_stat {
	bool has_total;
	struct pi_stat_cpu total; /* the "cpu  " line */
	size_t ncpus;
	struct pi_stat_cpu *cpus; /* "cpuN" lines in file order (online CPUs; ids may have gaps) */

	struct pi_opt_u64 intr_total; /* first number of "intr" */
	size_t nirqs;		      /* per-IRQ counts after the total, IRQ 0 first */
	uint64_t *irqs;
	struct pi_opt_u64 ctxt, btime, processes, procs_running, procs_blocked;
	struct pi_opt_u64 softirq_total; /* "softirq" line, 2.6.31+ */
	size_t nsoftirqs;		 /* per-vector counts (HI TIMER NET_TX ...) */
	uint64_t *softirqs;

	void *priv_; /* parser-owned: line order and verbatim unknown/bad lines for rendering */
};

int pi_stat_parse(const char *buf, size_t len, struct pi_stat **ret, struct pi_perr *reterr);
struct pi_stat *pi_stat_free(struct pi_stat *s);
int pi_stat_render(const struct pi_stat *s, struct pi_buf *out);
