/* The fuzzing oracle shared by the libFuzzer targets (fuzz_main.c) and the regression replay
 * (tests/unit/test_regressions.c): one input, one target, abort() on any contract violation. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Target names, NULL-terminated: the parser targets (stat buddyinfo pagetypeinfo zoneinfo iomem
 * kallsyms loadavg pressure schedstat) and "route". */
extern const char *const pi_fuzz_targets[];

/* Run one input through `target`. For a parser target: parse; on success render must succeed,
 * parse(render) must succeed and render it again byte for byte; the same bytes go through the
 * model (pi_srcdata_parse with its derivations, the symbol index, the zone join and the JSON
 * documents). On failure the error must follow the parser contract (documented errno, named
 * source and reason, line within the input, output untouched).
 * For "route": the input is "METHOD\0URL\0field\0field...[\0\0BODY]", a field being a query
 * argument "name=value" or a header "Name: value", routed with pi_route over
 * a snapshot of the local-6.18-x86_64 fixture tree; the response must have a body, a known status
 * and, for JSON, text that cJSON parses.
 * Returns 1 when the input was accepted, 0 when rejected (a parse error), -1 for an unknown
 * target. Never returns on a violation: prints what broke to stderr and calls abort(). */
int pi_fuzz_one(const char *target, const uint8_t *data, size_t size);

/* Name printed with a violation (the replayed file); NULL for none. Not copied. */
void pi_fuzz_set_label(const char *label);

/* Fixture tree the route target snapshots (default: built in, or $PI_FIXTURES/local-6.18-x86_64).
 * Call before the first "route" input. */
void pi_fuzz_set_tree(const char *dir);

/* Free the route target's snapshot (for leak checkers at exit). */
void pi_fuzz_cleanup(void);
