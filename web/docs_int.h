/* Internal to web/docs*.c. */
#pragma once

#include <cjson/cJSON.h>

#include "snapshot.h"

/* Adds "sampled_at" (when that source's data was read) and, when its last read failed,
 * "stale": true with "error". */
void pi_doc_stamp(cJSON *o, const struct pi_snapshot *s, enum pi_src src);
