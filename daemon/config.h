/* /etc/procintro/procintrod.conf: "key = value" lines whose keys are the long command-line
 * options without "--" (procfs-root, listen, interval, ...), '#' comments, blank lines.
 * A boolean option is written "once = true". Command-line flags win over the file. */
#pragma once

#include <stddef.h>

struct pi_config {
	size_t n;
	char **args;	 /* "--key=value" or "--key", ready for getopt_long */
	unsigned *lines; /* line of each entry in the file */
};

/* Read and check the syntax of `path`. -ENOENT when it does not exist (not an error for the
 * default path); other errors with "path:line: reason" in err. */
int pi_config_load(const char *path, struct pi_config *ret, char *err, size_t errlen);
void pi_config_fini(struct pi_config *c);
