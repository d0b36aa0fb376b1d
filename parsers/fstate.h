/* Explicit value states shared by parsers and the model: a value is either there, or we
 * say why not. Never encode "absent" or "error" as 0. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum pi_fstate {
	PI_ABSENT = 0, /* the kernel did not print it (older kernel, config option off) */
	PI_OK,	       /* parsed */
	PI_BAD,	       /* printed, but not a valid value (kept verbatim for rendering) */
};

struct pi_opt_u64 {
	uint64_t v;
	enum pi_fstate state;
};

struct pi_opt_i64 {
	int64_t v;
	enum pi_fstate state;
};
