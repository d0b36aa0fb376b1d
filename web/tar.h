/* A minimal ustar writer (POSIX.1-1988), enough for a procfs capture. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Append a directory entry ("proc/") or a regular file entry, then its data padded to 512. */
int pi_tar_dir(struct pi_buf *out, const char *name, uint64_t mtime);
int pi_tar_file(struct pi_buf *out, const char *name, const void *data, size_t len, uint64_t mtime);
/* The two zero blocks that end an archive. */
int pi_tar_end(struct pi_buf *out);
