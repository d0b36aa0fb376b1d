/* /metrics: one snapshot as Prometheus text exposition format 0.0.4 or OpenMetrics 1.0.0.
 *
 * Names follow node_exporter (1.5, Debian 12) wherever procintrod measures what it measures
 * (node_cpu_seconds_total, node_buddyinfo_blocks, node_zoneinfo_*, ...), with its labels and
 * units; everything else is procintro_*, in base units (bytes, seconds). The families, their
 * labels and their cardinality are listed in docs/monitoring/README.md. No series is keyed by
 * a symbol, an address or an iomem resource name; every label value comes from a bounded set
 * (CPU ids, node/zone, migrate type, order, type letter, module, source name). */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "snapshot.h"

enum pi_metrics_format {
	PI_METRICS_TEXT,       /* text/plain; version=0.0.4 */
	PI_METRICS_OPENMETRICS /* application/openmetrics-text; version=1.0.0 */
};

#define PI_METRICS_CTYPE_TEXT	     "text/plain; version=0.0.4; charset=utf-8"
#define PI_METRICS_CTYPE_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

/* Groups of families, dropped together with --metrics-disable. A family belongs to its
 * source's group, to "node" when it has a node_exporter name, and to "percpu" when it has a
 * series per CPU; it is dropped when any of its groups is disabled. */
enum pi_metrics_group {
	PI_MG_NODE,
	PI_MG_PERCPU,
	PI_MG_CPU, /* stat and loadavg */
	PI_MG_PRESSURE,
	PI_MG_SCHEDSTAT,
	PI_MG_BUDDY,
	PI_MG_PAGETYPE,
	PI_MG_ZONES,
	PI_MG_IOMEM,
	PI_MG_KALLSYMS,
	PI_MG_SELF,
	PI_MG_COUNT
};

extern const char *const pi_metrics_group_names[PI_MG_COUNT];

struct pi_metrics_opts {
	unsigned disabled; /* bit (1u << enum pi_metrics_group) per disabled group */
	char *exclude_src; /* the --metrics-exclude patterns joined by '|', or NULL */
	bool has_exclude;
	regex_t exclude; /* ^(pattern)$, POSIX extended */
};

void pi_metrics_opts_init(struct pi_metrics_opts *o);
void pi_metrics_opts_fini(struct pi_metrics_opts *o);
/* Drop families whose whole name matches `pattern` (POSIX extended regex; as named in the
 * 0.0.4 format, e.g. "node_cpu_seconds_total"). Repeatable: patterns add up. -EINVAL with a
 * message in err when the pattern does not compile. */
int pi_metrics_opts_exclude(struct pi_metrics_opts *o, const char *pattern, char *err,
			    size_t errlen);
/* Disable a comma-separated list of groups (pi_metrics_group_names). -EINVAL for an unknown
 * group, named in err. */
int pi_metrics_opts_disable(struct pi_metrics_opts *o, const char *groups, char *err,
			    size_t errlen);
/* Would a family of these groups (bitmask) and this name be rendered? */
bool pi_metrics_family_enabled(const struct pi_metrics_opts *o, unsigned groups, const char *name);

/* Render s into out (appended). o may be NULL (everything enabled). Returns 0 or out->err. */
int pi_metrics_render(const struct pi_snapshot *s, const struct pi_metrics_opts *o,
		      enum pi_metrics_format f, struct pi_buf *out);
/* gzip (RFC 1952) of [data, data + len) appended to out. 0, -ENOMEM or -E2BIG. */
int pi_metrics_gzip(const char *data, size_t len, struct pi_buf *out);

/* Content negotiation. `accept` (an Accept header, may be NULL): OpenMetrics when the client
 * lists application/openmetrics-text (version 1.0.0, 0.0.1 or none) with a q-value > 0 that is
 * at least that of text/plain, text / * or * / *; else the 0.0.4 text format. */
enum pi_metrics_format pi_metrics_negotiate(const char *accept);
/* Accept-Encoding (may be NULL) allows gzip ("gzip", "x-gzip" or "*" with q > 0, gzip not
 * refused with q=0). */
bool pi_metrics_accepts_gzip(const char *accept_encoding);
