#include "scan.h"

#include <errno.h>
#include <string.h>

void pi_lines_init(struct pi_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->lineno = 0;
}

bool pi_lines_next(struct pi_lines *it, struct pi_span *ret_line, bool *ret_nl)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	ret_line->p = it->p;
	if (nl) {
		ret_line->len = (size_t)(nl - it->p);
		it->p = nl + 1;
	} else {
		ret_line->len = (size_t)(it->end - it->p);
		it->p = it->end;
	}
	if (ret_nl)
		*ret_nl = nl != NULL;
	it->lineno++;
	return true;
}

size_t pi_cur_skip_ws(struct pi_cur *c)
{
	const char *s = c->p;

	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	return (size_t)(c->p - s);
}

bool pi_cur_word(struct pi_cur *c, size_t max, struct pi_span *ret)
{
	const char *q = c->p;

	while (q < c->end && *q != ' ' && *q != '\t' && *q != '\0')
		q++;
	if (q == c->p || (max && (size_t)(q - c->p) > max))
		return false;
	ret->p = c->p;
	ret->len = (size_t)(q - c->p);
	c->p = q;
	return true;
}

/* Out-of-line part of pi_cur_u64: 20 digits or more, where overflow is possible. */
int pi_cur_u64_slow_(struct pi_cur *c, uint64_t *ret)
{
	const char *start = c->p, *q = c->p;
	uint64_t v = 0;
	size_t n;

	while (q < c->end && (unsigned)(*q - '0') <= 9)
		q++;
	while (q - start > 19 && *start == '0') /* leading zeros do not count */
		start++;
	n = (size_t)(q - start);
	if (n > 20)
		return -ERANGE;
	for (const char *p = start; p < q - (n == 20); p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (n == 20) {
		unsigned d = (unsigned)(q[-1] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	c->p = q;
	*ret = v;
	return 0;
}

/* Hex digit value + 1, 0 for any other byte: one load a byte instead of three range tests
 * (iomem and kallsyms addresses are 8 to 16 digits each). */
static const unsigned char hexval1[256] = {
    ['0'] = 1,	['1'] = 2,  ['2'] = 3,	['3'] = 4,  ['4'] = 5,	['5'] = 6,  ['6'] = 7,	['7'] = 8,
    ['8'] = 9,	['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int pi_cur_hex(struct pi_cur *c, uint64_t *ret, unsigned *ret_ndigits)
{
	const char *q = c->p;
	uint64_t v = 0;
	unsigned h;

	while (q < c->end && (h = hexval1[(unsigned char)*q]) != 0) {
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | (uint64_t)(h - 1);
		q++;
	}
	if (q == c->p)
		return -EINVAL;
	if (ret_ndigits)
		*ret_ndigits = (unsigned)(q - c->p);
	c->p = q;
	*ret = v;
	return 0;
}

size_t pi_count_byte(const char *p, size_t n, char ch)
{
	typedef unsigned char v16 __attribute__((vector_size(16)));
	size_t i = 0, count = 0;
	v16 pat;

	memset(&pat, (unsigned char)ch, sizeof(pat));
	while (n - i >= 16) {
		/* Lanes count matches (0 - -1) for at most 255 steps before they could wrap. */
		size_t stop = n - i >= 255 * 16 ? i + 255 * 16 : n - (n - i) % 16;
		v16 acc = {0};

		for (; i < stop; i += 16) {
			v16 v;

			memcpy(&v, p + i, sizeof(v));
			acc -= (v16)(v == pat);
		}
		for (unsigned k = 0; k < 16; k++)
			count += acc[k];
	}
	for (; i < n; i++)
		count += p[i] == ch;
	return count;
}
