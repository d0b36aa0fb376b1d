/* Test support that needs the model: a snapshot built from a fixture tree. */
#pragma once

#include "snapshot.h"

/* Every source of <fixtures>/<sample>/proc parsed as the daemon does (page size 4096,
 * USER_HZ 100), each attempted and read at Unix time `read_at`, in a sample taken at Unix
 * time 1000 (sequence 1), with its zone join; missing files are marked failed with ENOENT
 * (one failure each). A parse failure fails the test. Free with pi_snapshot_unref. */
struct pi_snapshot *pt_snapshot_at(const char *sample, double read_at);
/* pt_snapshot_at(sample, 1000): every source read when the sample was taken. */
struct pi_snapshot *pt_snapshot_of(const char *sample);
