/* procintrod --capture DIR: copy the procfs sources, byte for byte as read, into DIR laid out
 * as a procfs tree (DIR/stat, DIR/pressure/cpu, ...), plus DIR/procintro-capture.json saying
 * when, from where, and which sources could not be read. --procfs-root DIR replays it. */
#pragma once

#include <stddef.h>

/* Returns the number of sources captured, or a negative errno when DIR cannot be made. */
int pi_capture(const char *root, const char *dir, size_t max_file_bytes);
