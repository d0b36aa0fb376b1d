#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int pi_read_fd(int fd, size_t cap, char **ret_buf, size_t *ret_len, uint64_t *ret_read_ns)
{
	uint64_t t0 = mono_ns();
	size_t len = 0, size = 16 * 1024;
	char *buf = NULL, *n;
	int r;

	/* seq_file regenerates the text from the start after a seek to 0. */
	if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
		return -errno;
	for (;;) {
		ssize_t k;

		if (!buf || size - len < 4096) {
			if (buf) {
				if (size >= cap + 1) {
					r = -EFBIG;
					goto fail;
				}
				size = size * 2 > cap + 1 ? cap + 1 : size * 2;
			}
			n = realloc(buf, size + 1);
			if (!n) {
				r = -ENOMEM;
				goto fail;
			}
			buf = n;
		}
		k = read(fd, buf + len, size - len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail;
		}
		if (k == 0)
			break;
		len += (size_t)k;
		if (len > cap) {
			r = -EFBIG;
			goto fail;
		}
	}
	/* Shrink large buffers: kallsyms' text stays in memory as the symbol table. */
	if (size - len > 65536 && (n = realloc(buf, len + 1)))
		buf = n;
	*ret_buf = buf;
	*ret_len = len;
	if (ret_read_ns)
		*ret_read_ns = mono_ns() - t0;
	return 0;
fail:
	free(buf);
	return r;
}

int pi_open_source(int dirfd, const char *name)
{
	struct stat st;
	int fd, r;

	/* O_NONBLOCK: a FIFO planted in a captured tree must not hang the daemon. */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	return fd;
}

int pi_read_file(int dirfd, const char *name, size_t cap, char **ret_buf, size_t *ret_len,
		 uint64_t *ret_read_ns)
{
	uint64_t t0 = mono_ns();
	int fd = pi_open_source(dirfd, name), r;

	if (fd < 0)
		return fd;
	r = pi_read_fd(fd, cap, ret_buf, ret_len, NULL);
	close(fd);
	if (r == 0 && ret_read_ns)
		*ret_read_ns = mono_ns() - t0;
	return r;
}
