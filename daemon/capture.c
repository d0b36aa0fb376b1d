#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pi_config.h"
#include "reader.h"
#include "source.h"

static int write_all(int dirfd, const char *name, const char *data, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	int r = 0;

	if (fd < 0)
		return -errno;
	while (len > 0) {
		ssize_t k = write(fd, data, len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		data += k;
		len -= (size_t)k;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int pi_capture(const char *root, const char *dir, size_t max_file_bytes)
{
	int rootfd, dirfd, captured = 0, fd;
	FILE *meta;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	if (mkdirat(dirfd, "pressure", 0755) < 0 && errno != EEXIST) {
		int e = -errno;

		close(dirfd);
		return e;
	}
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd =
	    openat(dirfd, "procintro-capture.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	meta = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (meta)
		fprintf(meta,
			"{\"procintrod\": \"%s\", \"captured_at\": %lld, \"root\": ", PI_VERSION,
			(long long)time(NULL));
	if (meta)
		json_str(meta, root);
	if (meta)
		fputs(", \"sources\": {", meta);
	for (int i = 0; i < PI_SRC_COUNT; i++) {
		char *buf = NULL;
		size_t len = 0;
		int r = rootfd < 0 ? -errno
				   : pi_read_file(rootfd, pi_src_names[i], max_file_bytes, &buf,
						  &len, NULL);

		if (r == 0) {
			r = write_all(dirfd, pi_src_names[i], buf, len);
			free(buf);
		}
		if (r == 0)
			captured++;
		else
			pi_log(PI_LOG_WARN, "capture: %s: %s", pi_src_names[i], strerror(-r));
		if (meta) {
			fprintf(meta, "%s\n  ", i ? "," : "");
			json_str(meta, pi_src_names[i]);
			if (r == 0)
				fprintf(meta, ": {\"bytes\": %zu, \"error\": null}", len);
			else {
				fputs(": {\"bytes\": null, \"error\": ", meta);
				json_str(meta, strerror(-r));
				fputc('}', meta);
			}
		}
	}
	if (meta) {
		fputs("}}\n", meta);
		fclose(meta);
	}
	if (rootfd >= 0)
		close(rootfd);
	close(dirfd);
	return captured;
}
