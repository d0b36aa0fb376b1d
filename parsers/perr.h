/* Parse errors: every parser reports where and why it stopped. */
#pragma once

#include <stddef.h>

/* A parse failure. `source` is a static string naming the procfs file ("buddyinfo"),
 * `line` is 1-based (0 when the error concerns the whole input, e.g. it is empty),
 * `reason` is a short human sentence without trailing period. */
struct pi_perr {
	const char *source;
	unsigned line;
	char reason[120];
};

/* Fill *e (if non-NULL) and return `err` (a negative errno), so a parser can write
 * `return pi_perr_set(e, -EINVAL, "stat", n, "bad cpu line");`. */
int pi_perr_set(struct pi_perr *e, int err, const char *source, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Format "source:line: reason" (or "source: reason" for line 0) into dst. */
void pi_perr_format(const struct pi_perr *e, char *dst, size_t size);
