#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum pi_log_level max_level = PI_LOG_INFO;

void pi_log_set_level(enum pi_log_level max)
{
	max_level = max;
}

void pi_log(enum pi_log_level lvl, const char *fmt, ...)
{
	/* sd-daemon(3) priority prefixes: journald files them at the right level. */
	static const char *const prefix[] = {"<3>", "<4>", "<6>", "<7>"};
	char line[1024];
	va_list ap;

	if (lvl > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%sprocintrod: %s\n", prefix[lvl], line);
}
