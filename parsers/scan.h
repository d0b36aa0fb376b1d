/* Bounded scanning over a byte buffer: a line iterator and a cursor over one line.
 *
 * Nothing here reads past `end`, allocates, or depends on the locale. Integer conversions
 * check for overflow. Parsers advance a cursor token by token (after curl's strparse). */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A borrowed slice of the input. Not NUL-terminated. */
struct pi_span {
	const char *p;
	size_t len;
};

/* Splits a buffer into '\n'-terminated lines. A final line without '\n' is still returned
 * (with ret_nl = false); an empty buffer yields no line. */
struct pi_lines {
	const char *p, *end;
	unsigned lineno; /* 1-based number of the line last returned */
};

void pi_lines_init(struct pi_lines *it, const char *buf, size_t len);
bool pi_lines_next(struct pi_lines *it, struct pi_span *ret_line, bool *ret_nl);

/* A cursor over [p, end). */
struct pi_cur {
	const char *p, *end;
};

static inline struct pi_cur pi_cur_of(struct pi_span s)
{
	return (struct pi_cur){s.p, s.p + s.len};
}

static inline bool pi_cur_eof(const struct pi_cur *c)
{
	return c->p >= c->end;
}

static inline size_t pi_cur_left(const struct pi_cur *c)
{
	return (size_t)(c->end - c->p);
}

/* Skip spaces and tabs; returns how many were skipped. */
size_t pi_cur_skip_ws(struct pi_cur *c);
/* Consume the literal if the input starts with it. Inline: with a literal argument the
 * length and the comparison fold into a few instructions. */
static inline bool pi_cur_lit(struct pi_cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if (pi_cur_left(c) < n || memcmp(c->p, lit, n) != 0)
		return false;
	c->p += n;
	return true;
}
/* Consume one byte if it equals ch. */
static inline bool pi_cur_chr(struct pi_cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}
/* A run of bytes other than space, tab and NUL, at most `max` long (0 = unbounded).
 * Returns false (cursor unmoved) if the run is empty or longer than max. */
bool pi_cur_word(struct pi_cur *c, size_t max, struct pi_span *ret);
int pi_cur_u64_slow_(struct pi_cur *c, uint64_t *ret);

/* Number and padding scanners, one body each for two uses. `rd` (>= c->end) is where readable
 * memory ends. A cursor over a whole buffer passes rd = c->end and line = false (the plain
 * forms below); a cursor over one line of a larger buffer (zoneinfo) passes the buffer's end
 * and line = true, so the 8-byte loads also serve the last token of a line, and the extra
 * tests that keep what lies past c->end out are compiled in. `line` is a constant at every
 * call: those tests cost nothing in the plain forms (with them always on, stat, buddyinfo
 * and pagetypeinfo measured 10-20 % slower). Nothing past c->end is ever taken. */

/* Skip bytes equal to ch; returns how many were skipped. */
static inline __attribute__((always_inline)) size_t
pi_cur_skip_in_(struct pi_cur *c, const char *rd, bool line, char ch)
{
	const char *s = c->p;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Padding runs ("%-12s", indents of 6 to 14) 8 bytes a step. */
	while (rd - c->p >= 8 && (!line || c->p < c->end)) {
		uint64_t x, d;

		memcpy(&x, c->p, sizeof(x));
		d = x ^ (0x0101010101010101u * (unsigned char)ch);
		if (d) {
			c->p += __builtin_ctzll(d) >> 3;
			if (line && c->p > c->end)
				c->p = c->end;
			return (size_t)(c->p - s);
		}
		c->p += 8;
	}
	if (line && c->p > c->end)
		c->p = c->end;
#else
	(void)rd;
	(void)line;
#endif
	while (c->p < c->end && *c->p == ch)
		c->p++;
	return (size_t)(c->p - s);
}

/* Unsigned decimal: one or more digits. -EINVAL if no digit, -ERANGE on overflow.
 * The cursor moves only on success. Inline: parsers call it for every number. */
static inline __attribute__((always_inline)) int pi_cur_u64_in_(struct pi_cur *c, const char *rd,
								bool line, uint64_t *ret)
{
	const char *q = c->p, *lim = c->end - c->p > 19 ? c->p + 19 : c->end;
	uint64_t v = 0;

	/* One digit (the many zeros of procfs) before anything wider. */
	if ((!line || q < c->end) && rd - q >= 2 && (unsigned)(q[0] - '0') <= 9 &&
	    ((unsigned)(q[1] - '0') > 9 || (line && q + 1 == c->end))) {
		c->p = q + 1;
		*ret = (uint64_t)(q[0] - '0');
		return 0;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* With 8 bytes readable, numbers of 1..7 digits (most of procfs) are converted 8 bytes
	 * at a time: a byte is a digit iff its high nibble is 3 and adding 6 keeps it 3. A carry
	 * out of a byte >= 0xfa only reaches later bytes, past the first non-digit. Shorter
	 * tails (a number at the end of a line) take the byte loop below: a zero-padded load
	 * measured slower, as it kept the compiler from inlining this function. */
	if (rd - q >= 8 && (!line || q < c->end)) {
		uint64_t x, nd;

		memcpy(&x, q, sizeof(x));
		nd = ((x & 0xf0f0f0f0f0f0f0f0u) |
		      (((x + 0x0606060606060606u) & 0xf0f0f0f0f0f0f0f0u) >> 4)) ^
		     0x3333333333333333u;
		if (nd) {
			unsigned n = (unsigned)__builtin_ctzll(nd) >> 3;

			if (n == 0)
				return -EINVAL;
			if (line && n > (size_t)(c->end - q)) /* past the line's end: not ours */
				n = (unsigned)(c->end - q);
			/* Digits to the top bytes (zeros before them are leading zeros), then
			 * pairs, quads and the octet combined by multiplication. */
			x = (x & 0x0f0f0f0f0f0f0f0fu) << (8 * (8 - n));
			x = (x * 2561) >> 8;
			x = ((x & 0x00ff00ff00ff00ffu) * 6553601) >> 16;
			x = ((x & 0x0000ffff0000ffffu) * 42949672960001u) >> 32;
			c->p = q + n;
			*ret = x;
			return 0;
		}
	}
#endif

	/* 19 digits cannot overflow 64 bits; a 20th takes the careful path. */
	while (q < lim && (unsigned)(*q - '0') <= 9)
		v = v * 10 + (uint64_t)(*q++ - '0');
	if (q == lim && q < c->end && (unsigned)(*q - '0') <= 9)
		return pi_cur_u64_slow_(c, ret);
	if (q == c->p)
		return -EINVAL;
	c->p = q;
	*ret = v;
	return 0;
}
/* Optional '-' then digits. */
static inline __attribute__((always_inline)) int pi_cur_i64_in_(struct pi_cur *c, const char *rd,
								bool line, int64_t *ret)
{
	struct pi_cur t = *c;
	bool neg = pi_cur_chr(&t, '-');
	uint64_t u;
	int r = pi_cur_u64_in_(&t, rd, line, &u);

	if (r < 0)
		return r;
	if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - u) : (int64_t)u;
	*c = t;
	return 0;
}

static inline size_t pi_cur_skip(struct pi_cur *c, char ch)
{
	return pi_cur_skip_in_(c, c->end, false, ch);
}
static inline int pi_cur_u64(struct pi_cur *c, uint64_t *ret)
{
	return pi_cur_u64_in_(c, c->end, false, ret);
}
static inline int pi_cur_i64(struct pi_cur *c, int64_t *ret)
{
	return pi_cur_i64_in_(c, c->end, false, ret);
}
/* The same over one line of a buffer readable up to rd. */
static inline size_t pi_cur_skip_rd(struct pi_cur *c, const char *rd, char ch)
{
	return pi_cur_skip_in_(c, rd, true, ch);
}
static inline __attribute__((always_inline)) int pi_cur_u64_rd(struct pi_cur *c, const char *rd,
							       uint64_t *ret)
{
	return pi_cur_u64_in_(c, rd, true, ret);
}
static inline __attribute__((always_inline)) int pi_cur_i64_rd(struct pi_cur *c, const char *rd,
							       int64_t *ret)
{
	return pi_cur_i64_in_(c, rd, true, ret);
}

/* Lowercase or uppercase hex digits (no 0x prefix), at most 16 significant... any number
 * of leading zeros is accepted; -ERANGE past 64 bits. *ret_ndigits (optional) = digits read. */
int pi_cur_hex(struct pi_cur *c, uint64_t *ret, unsigned *ret_ndigits);
/* A fixed-point decimal "I.FF" with exactly `frac` fraction digits (as "%lu.%02lu"),
 * returned scaled: "0.08" with frac 2 -> 8. */
static inline int pi_cur_fixed(struct pi_cur *c, unsigned frac, uint64_t *ret)
{
	struct pi_cur t = *c;
	uint64_t ip, scale = 1, fp = 0;
	unsigned i;
	int r;

	if ((r = pi_cur_u64(&t, &ip)) < 0)
		return r;
	if (!pi_cur_chr(&t, '.'))
		return -EINVAL;
	for (i = 0; i < frac; i++) {
		if (t.p >= t.end || (unsigned)(*t.p - '0') > 9)
			return -EINVAL;
		fp = fp * 10 + (uint64_t)(*t.p++ - '0');
		scale *= 10;
	}
	/* ip * scale + fp <= UINT64_MAX, without a division */
	if (__builtin_mul_overflow(ip, scale, &ip) || __builtin_add_overflow(ip, fp, &ip))
		return -ERANGE;
	*ret = ip;
	*c = t;
	return 0;
}

/* The same, but only the form printf prints ("%lu", "%lu.%02lu"): -EDOM for a redundant
 * leading zero ("007", "01.50"). Strict parsing is what lets renderers reproduce the input. */
static inline int pi_cur_u64_strict(struct pi_cur *c, uint64_t *ret)
{
	const char *s = c->p;
	uint64_t v;
	int r = pi_cur_u64(c, &v);

	if (r < 0)
		return r;
	if (*s == '0' && c->p - s > 1) {
		c->p = s;
		return -EDOM;
	}
	*ret = v;
	return 0;
}

static inline int pi_cur_fixed_strict(struct pi_cur *c, unsigned frac, uint64_t *ret)
{
	const char *s = c->p;
	uint64_t v;
	int r = pi_cur_fixed(c, frac, &v);

	if (r < 0)
		return r;
	if (s[0] == '0' && s[1] != '.') {
		c->p = s;
		return -EDOM;
	}
	*ret = v;
	return 0;
}

/* The first byte equal to ch in [p, end), or end. Inline, 16 bytes a step: line splitting
 * costs a memchr() call per line otherwise, for lines of 20-40 bytes. */
static inline const char *pi_find_byte(const char *p, const char *end, char ch)
{
#if defined(__SSE2__)
	const __m128i pat = _mm_set1_epi8(ch);

	while (end - p >= 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), pat));

		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	while (p < end && *p != ch)
		p++;
	return p;
}

/* How many bytes of [p, p + n) equal ch (16 bytes a step: a /proc/stat "intr" line can be
 * 100 KB+ of " 0"). */
size_t pi_count_byte(const char *p, size_t n, char ch);

static inline bool pi_span_eq(struct pi_span s, const char *lit, size_t litlen)
{
	size_t i;

	if (s.len != litlen)
		return false;
	for (i = 0; i < litlen; i++)
		if (s.p[i] != lit[i])
			return false;
	return true;
}

#define PI_SPAN_EQ(s, lit) pi_span_eq((s), (lit), sizeof(lit) - 1)
