/* Test support that needs the model: a snapshot built from a fixture tree. */
#pragma once

#include "snapshot.h"

/* Every source of <fixtures>/<sample>/proc parsed as the daemon does (page size 4096,
 * USER_HZ 100, read at Unix time 1000); missing files are marked failed with ENOENT. A parse
 * failure fails the test. Free with pi_snapshot_unref. */
struct pi_snapshot *pt_snapshot_of(const char *sample);
