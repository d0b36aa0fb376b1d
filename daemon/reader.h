/* Reading procfs files: one open and a read() loop until EOF per sample (seq_file files
 * report size 0 and produce their text in several read() calls), with a hard size cap. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Read `name` relative to the directory fd `dirfd`. On success *ret_buf is malloc()ed with
 * one spare byte after *ret_len. Errors: -errno of open/read, -EFBIG past `cap` bytes,
 * -EINVAL when it is not a regular file (a directory, a FIFO or a device in a captured tree). */
int pi_read_file(int dirfd, const char *name, size_t cap, char **ret_buf, size_t *ret_len,
		 uint64_t *ret_read_ns);

/* Open `name` for reading as a source: a regular file, non-blocking. Returns an fd or -errno. */
int pi_open_source(int dirfd, const char *name);
/* Read a kept descriptor again from the start (lseek to 0 makes seq_file regenerate it). */
int pi_read_fd(int fd, size_t cap, char **ret_buf, size_t *ret_len, uint64_t *ret_read_ns);
