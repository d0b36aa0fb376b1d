/* /proc/loadavg (fs/proc/loadavg.c): "%lu.%02lu %lu.%02lu %lu.%02lu %ld/%d %d\n". */
#pragma once

#include <stdint.h>

#include "buf.h"
#include "perr.h"

struct pi_loadavg {
	uint64_t load_x100[3]; /* load1/5/15 in hundredths, exactly as printed */
	int64_t runnable;      /* nr_running() */
	int64_t total;	       /* nr_threads */
	int64_t last_pid;      /* last PID allocated in the reader's PID namespace */
};

/* Fills *ret (caller storage) on success only. */
int pi_loadavg_parse(const char *buf, size_t len, struct pi_loadavg *ret, struct pi_perr *reterr);
int pi_loadavg_render(const struct pi_loadavg *l, struct pi_buf *out);
