/* Rates between two /proc/stat samples. A counter that went backwards (iowait can, per
 * proc_stat(5); a reboot; a replaced procfs tree) gives "unknown", never a negative rate. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "stat.h"

struct pi_rate {
	bool known;
	double v;
};

struct pi_cpu_busy {
	int cpu;
	struct pi_rate busy; /* 1 - (idle + iowait) share of this CPU's ticks */
};

struct pi_cpu_rates {
	double interval; /* seconds between the two reads */
	unsigned nmodes; /* modes both samples have */
	struct pi_rate
	    util[PI_CPU_MODES]; /* share of all ticks (user..steal; guests are in user/nice) */
	struct pi_rate busy;	/* aggregate 1 - (idle + iowait) */
	size_t ncpus;
	struct pi_cpu_busy *cpus; /* the newer sample's CPUs, in its order */
	struct pi_rate ctxt, forks, intr, softirq;
	size_t nsoftirqs;
	struct pi_rate *softirqs; /* per vector, when both samples have the same vectors */
};

/* interval = seconds between the reads (> 0). */
int pi_cpu_rates_compute(const struct pi_stat *a, const struct pi_stat *b, double interval,
			 struct pi_cpu_rates *ret);
void pi_cpu_rates_fini(struct pi_cpu_rates *r);
