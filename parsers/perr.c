#include "perr.h"

#include <stdarg.h>
#include <stdio.h>

int pi_perr_set(struct pi_perr *e, int err, const char *source, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return err;
	e->source = source;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	return err;
}

void pi_perr_format(const struct pi_perr *e, char *dst, size_t size)
{
	if (size == 0)
		return;
	if (e->line)
		snprintf(dst, size, "%s:%u: %s", e->source ? e->source : "?", e->line, e->reason);
	else
		snprintf(dst, size, "%s: %s", e->source ? e->source : "?", e->reason);
}
