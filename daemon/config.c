#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A configuration file larger than this is refused. */
#define CONFIG_MAX (64 * 1024)

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

void pi_config_fini(struct pi_config *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->args[i]);
	free(c->args);
	free(c->lines);
	memset(c, 0, sizeof(*c));
}

int pi_config_load(const char *path, struct pi_config *ret, char *err, size_t errlen)
{
	struct pi_config c = {0};
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, total = 0;
	unsigned lineno = 0;
	ssize_t n;
	int r = 0;

	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s, *eq, *key, *val, *arg, **na;
		unsigned *nl;

		lineno++;
		total += (size_t)n;
		if (total > CONFIG_MAX) {
			snprintf(err, errlen, "%s: larger than %d bytes", path, CONFIG_MAX);
			r = -EFBIG;
			goto out;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected \"key = value\"", path, lineno);
			r = -EINVAL;
			goto out;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (*key == '\0' || strspn(key, "abcdefghijklmnopqrstuvwxyz-") != strlen(key)) {
			snprintf(err, errlen, "%s:%u: bad key \"%s\"", path, lineno, key);
			r = -EINVAL;
			goto out;
		}
		if (!strcmp(val, "true") || !strcmp(val, "yes"))
			r = asprintf(&arg, "--%s", key);
		else if (!strcmp(val, "false") || !strcmp(val, "no"))
			continue; /* boolean options default to off */
		else
			r = asprintf(&arg, "--%s=%s", key, val);
		if (r < 0) {
			r = -ENOMEM;
			goto out;
		}
		na = realloc(c.args, (c.n + 1) * sizeof(*na));
		nl = realloc(c.lines, (c.n + 1) * sizeof(*nl));
		if (na)
			c.args = na;
		if (nl)
			c.lines = nl;
		if (!na || !nl) {
			free(arg);
			r = -ENOMEM;
			goto out;
		}
		c.args[c.n] = arg;
		c.lines[c.n++] = lineno;
		r = 0;
	}
out:
	free(line);
	fclose(f);
	if (r < 0) {
		pi_config_fini(&c);
		return r;
	}
	*ret = c;
	return 0;
}
