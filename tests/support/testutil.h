/* Test support shared by the unit tests: fixture discovery and byte comparison. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Root of the captured procfs trees (PI_FIXTURES_DIR, overridable by $PI_FIXTURES). */
const char *pt_fixtures_dir(void);
/* Sorted names of every sample directory; NULL-terminated array, free with pt_strv_free. */
char **pt_fixture_samples(void);
void pt_strv_free(char **v);
/* Whole file into a malloc()ed, NUL-terminated buffer; NULL if it cannot be read. */
char *pt_read_file(const char *path, size_t *ret_len);
/* <fixtures>/<sample>/proc/<file>; NULL if the sample has no such file. */
char *pt_fixture_read(const char *sample, const char *file, size_t *ret_len);
/* True for files their publisher edited (SOURCES.md): byte-exact round trip is not owed. */
bool pt_fixture_edited(const char *sample, const char *file);
/* cmocka failure with the first differing line unless a == b byte for byte. */
#define pt_assert_same_bytes(a, alen, b, blen, what)                                               \
	pt_assert_same_bytes_((a), (alen), (b), (blen), (what), __FILE__, __LINE__)
void pt_assert_same_bytes_(const char *a, size_t alen, const char *b, size_t blen, const char *what,
			   const char *file, int line);
/* cmocka failure unless the whole line `line` (without '\n') is one of text's lines. */
#define pt_assert_line(text, line) pt_assert_line_((text), (line), __FILE__, __LINE__)
void pt_assert_line_(const char *text, const char *line, const char *file, int lineno);
