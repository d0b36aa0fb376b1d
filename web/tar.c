#include "tar.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int header(struct pi_buf *out, const char *name, char type, uint64_t size, uint64_t mtime,
		  unsigned mode)
{
	unsigned char h[512];
	unsigned sum = 0;

	if (strlen(name) >= 100)
		return -ENAMETOOLONG;
	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name));
	snprintf((char *)h + 100, 8, "%07o", mode);
	snprintf((char *)h + 108, 8, "%07o", 0u);
	snprintf((char *)h + 116, 8, "%07o", 0u);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	snprintf((char *)h + 136, 12, "%011llo", (unsigned long long)mtime);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	return pi_buf_append(out, h, sizeof(h));
}

int pi_tar_dir(struct pi_buf *out, const char *name, uint64_t mtime)
{
	return header(out, name, '5', 0, mtime, 0755);
}

int pi_tar_file(struct pi_buf *out, const char *name, const void *data, size_t len, uint64_t mtime)
{
	int r;

	if (len > 077777777777ull)
		return -EFBIG;
	if ((r = header(out, name, '0', len, mtime, 0644)) < 0 ||
	    (r = pi_buf_append(out, data, len)) < 0)
		return r;
	return pi_buf_fill(out, '\0', (512 - len % 512) % 512);
}

int pi_tar_end(struct pi_buf *out)
{
	return pi_buf_fill(out, '\0', 1024);
}
