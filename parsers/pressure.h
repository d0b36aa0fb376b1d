/* /proc/pressure/{cpu,memory,io,irq} (kernel/sched/psi.c psi_show, 4.20+):
 * "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%llu\n" for "some" then "full".
 * cpu has no "full" line before 5.13; irq has only "full". */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "perr.h"

struct pi_psi_line {
	bool present;
	uint64_t avg_x100[3]; /* avg10/60/300 in hundredths of a percent, as printed */
	uint64_t total_us;    /* cumulative stall time, microseconds */
};

struct pi_pressure {
	struct pi_psi_line some, full;
};

/* `source` names the file for errors ("pressure/cpu"). Fills *ret on success only. */
int pi_pressure_parse(const char *buf, size_t len, const char *source, struct pi_pressure *ret,
		      struct pi_perr *reterr);
int pi_pressure_render(const struct pi_pressure *p, struct pi_buf *out);
