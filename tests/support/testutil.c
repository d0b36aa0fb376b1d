#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

const char *pt_fixtures_dir(void)
{
	const char *e = getenv("PI_FIXTURES");

	return e && *e ? e : PI_FIXTURES_DIR;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **pt_fixture_samples(void)
{
	DIR *d = opendir(pt_fixtures_dir());
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	if (!d)
		return calloc(1, sizeof(char *));
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/proc", pt_fixtures_dir(), de->d_name);
		if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		v = realloc(v, (n + 2) * sizeof(*v));
		v[n++] = strdup(de->d_name);
		v[n] = NULL;
	}
	closedir(d);
	if (!v)
		return calloc(1, sizeof(char *));
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

void pt_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

char *pt_read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 131072;
			buf = realloc(buf, cap + 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return buf;
}

char *pt_fixture_read(const char *sample, const char *file, size_t *ret_len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s/proc/%s", pt_fixtures_dir(), sample, file);
	return pt_read_file(path, ret_len);
}

bool pt_fixture_edited(const char *sample, const char *file)
{
	/* shared/fixtures/SOURCES.md: trailing spaces stripped; final newline removed. */
	return (!strcmp(sample, "prometheus-procfs") && !strcmp(file, "buddyinfo")) ||
	       (!strcmp(sample, "prometheus-node-exporter") && !strcmp(file, "pressure/irq"));
}

void pt_assert_same_bytes_(const char *a, size_t alen, const char *b, size_t blen, const char *what,
			   const char *file, int line)
{
	size_t i = 0, ls = 0, lineno = 1, le_a, le_b;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return;
	while (i < alen && i < blen && a[i] == b[i]) {
		if (a[i] == '\n') {
			ls = i + 1;
			lineno++;
		}
		i++;
	}
	for (le_a = ls; le_a < alen && a[le_a] != '\n'; le_a++)
		;
	for (le_b = ls; le_b < blen && b[le_b] != '\n'; le_b++)
		;
	print_error("%s: differs at byte %zu (line %zu); lengths %zu vs %zu\n  got:  [%.*s]\n  "
		    "want: [%.*s]\n",
		    what, i, lineno, alen, blen, (int)(le_a - ls > 300 ? 300 : le_a - ls), a + ls,
		    (int)(le_b - ls > 300 ? 300 : le_b - ls), b + ls);
	_fail(file, line);
}

void pt_assert_line_(const char *text, const char *line, const char *file, int lineno)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	print_error("line not found: %s\n", line);
	_fail(file, lineno);
}
