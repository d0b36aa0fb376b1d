/* /proc/kallsyms parser and renderer.
 *
 * Kernel formats (kernel/kallsyms.c s_show):
 *   4.15+:        "%px %c %s\n", module symbols "%px %c %s\t[%s]\n"
 *   2.6.38-4.14:  "%pK %c %s\t[%s]\n" (same text)
 *   2.6:          "%0*lx %c %s\t[%s]\n" with width 2 * sizeof(void *)
 * so the address is always 8 (32-bit) or 16 (64-bit) lowercase hex digits, the same width on
 * every line. Names are non-empty (the kernel skips empty ones), up to KSYM_NAME_LEN - 1 bytes
 * (127, 511 since 6.1). Core symbols come in address order, module symbols module by module in
 * their ELF symtab order (not sorted), pseudo-modules ([__builtin__ftrace], [bpf],
 * [__builtin__kprobes]) last. Addresses are all zero when hidden (kptr_restrict, no
 * CAP_SYSLOG), but a few zero addresses are legitimate (x86-64 per-CPU symbols in 3.x/4.x).
 *
 * Speed: a 250k-line file must parse in a few milliseconds (bench/bench_kallsyms.c). One pass,
 * in place: each name is moved down to the front of the input buffer as its line is read,
 * NUL-terminated, and the buffer is then shrunk to the names (on 6.x, a quarter of the file:
 * the addresses, types and module names of every line are gone). A name that is the tail of
 * the name before it shares its bytes: since 6.2 (CONFIG_FUNCTION_PADDING_ALIGNMENT) nearly
 * every function "foo" follows its padding symbol "__pfx_foo", so half the names cost nothing.
 * Module names are kept once each, after the symbol names. The symbol array is sized from the
 * mean length of the first lines instead of a counting pass. The address is decoded 8 or 16 digits
 * at once, and a name is scanned 32 bytes at once (one compare for most names), which also finds
 * the line end. */
#include "kallsyms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* SSE2 (every x86-64) for the hot loops; portable SWAR elsewhere, or with -DPI_KALLSYMS_NO_SIMD
 * (build the unit test with it to check that path too). */
#if defined(__SSE2__) && defined(__x86_64__) && !defined(PI_KALLSYMS_NO_SIMD)
#define PI_KALLSYMS_SSE2 1
#include <emmintrin.h>
#else
#define PI_KALLSYMS_SSE2 0
#endif

#define SRC "kallsyms"

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

#define PI_KSYM_MODULES_MAX 16384 /* pi_ksym.module is 14 bits; index 0 is the kernel */

_Static_assert(sizeof(struct pi_ksym) == 16, "struct pi_ksym grew");
_Static_assert(PI_KSYM_NAME_MAX < 2048, "pi_ksym.name_len is 11 bits");

/* Little-endian 64-bit load/store of unaligned bytes (so the SWAR code below reads the first
 * byte in the low bits on every host). */
static inline uint64_t load_le64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void store_le64(char *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

/* High bit set for bytes <= 0x20 (space, tab, newline, NUL, other controls). Exact for the
 * lowest such byte; bytes above it may be flagged spuriously (borrow), which is harmless. */
static inline uint64_t ctl_bytes(uint64_t w)
{
	return (w - ONES * 0x21) & ~w & HIGHS;
}

/* The name hash works on groups of 32 bytes (four little-endian words, the last group
 * zero-padded): a group's words are multiplied by distinct odd constants and summed (four
 * independent multiplications, so the parser's branch-free scan of a short name costs little),
 * groups are chained, and the length is mixed in at the end. */
static const uint64_t hk[5] = {0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL,
			       0xd6e8feb86659fd93ULL, 0xff51afd7ed558ccdULL};

static inline uint64_t hgroup(uint64_t h, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	h = ((h << 31) | (h >> 33)) * hk[4];
	return h ^ (w0 * hk[0] + w1 * hk[1] + w2 * hk[2] + w3 * hk[3]);
}

static inline uint32_t hfinal(uint64_t h, size_t len)
{
	h = (h ^ (uint64_t)len) * 0xff51afd7ed558ccdULL;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* The run of bytes > 0x20 starting at p, ending at the first byte <= 0x20 or at end; stops
 * early once longer than max (the caller then sees a length > max). */
static const char *scan_word(const char *p, const char *end, size_t max)
{
	const char *s = p;
	uint64_t m;

	while (end - p >= 8) {
		m = ctl_bytes(load_le64(p));
		if (m)
			return p + ((unsigned)__builtin_ctzll(m) >> 3);
		p += 8;
		if ((size_t)(p - s) > max)
			return p;
	}
	while (p < end && (unsigned char)*p > 0x20)
		p++;
	return p;
}

#if !PI_KALLSYMS_SSE2
/* The byte flags of ctl_bytes() gathered into the low 8 bits, byte 0 first. */
static inline uint64_t pack8(uint64_t m)
{
	return ((m >> 7) * 0x0102040810204080ULL) >> 56;
}
#endif

/* 0xff for the first 32 bytes, then 0: window[32 - k + 8 * j] starts the mask that keeps, of
 * the 8 bytes at offset 8 * j, those before offset k (0 <= k <= 32). */
static const unsigned char window[64] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

static inline uint64_t chunk_mask(unsigned k, unsigned j)
{
	return load_le64((const char *)window + 32 - k + 8 * j);
}

/* Bitmask (bit i = byte i) of the bytes <= 0x20 among the 32 at p. */
static inline uint64_t ctl_mask32(const char *p)
{
#if PI_KALLSYMS_SSE2
	const __m128i sp = _mm_set1_epi8(0x20);
	__m128i a = _mm_loadu_si128((const __m128i *)p),
		b = _mm_loadu_si128((const __m128i *)(p + 16));
	unsigned ma = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(a, sp), a));
	unsigned mb = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(b, sp), b));

	return ma | (uint64_t)mb << 16;
#else
	return pack8(ctl_bytes(load_le64(p))) | pack8(ctl_bytes(load_le64(p + 8))) << 8 |
	       pack8(ctl_bytes(load_le64(p + 16))) << 16 |
	       pack8(ctl_bytes(load_le64(p + 24))) << 24;
#endif
}

/* pi_ksym_hash() before hfinal() of the len bytes at p, from group `from` (a multiple of 32)
 * on, continuing the state h. */
static uint64_t hash_tail(const char *p, size_t from, size_t len, uint64_t h)
{
	size_t i = from;

	for (; i + 32 <= len; i += 32)
		h = hgroup(h, load_le64(p + i), load_le64(p + i + 8), load_le64(p + i + 16),
			   load_le64(p + i + 24));
	if (i < len) {
		char tmp[32] = {0};

		memcpy(tmp, p + i, len - i);
		h = hgroup(h, load_le64(tmp), load_le64(tmp + 8), load_le64(tmp + 16),
			   load_le64(tmp + 24));
	}
	return h;
}

/* The word at p (as scan_word), 32 bytes at a time: one compare for most names. */
static inline const char *scan_name(const char *p, const char *end)
{
	const char *q = p;
	uint64_t b;

	while (end - q >= 32) {
		if ((b = ctl_mask32(q)) != 0)
			return q + __builtin_ctzll(b);
		q += 32;
		if ((size_t)(q - p) > PI_KSYM_NAME_MAX)
			return q;
	}
	return scan_word(q, end, PI_KSYM_NAME_MAX); /* the last bytes of the input */
}

uint32_t pi_ksym_hash(const char *name, size_t len)
{
	return hfinal(hash_tail(name, 0, len, 0), len);
}

/* memcmp(a, b, len) == 0 for b < a, inline for the usual short module name. */
static inline bool same_bytes(const char *a, const char *b, size_t len, const char *end)
{
	uint64_t d = 0;
	unsigned j;

	if (len > 32 || end - a < 32)
		return memcmp(a, b, len) == 0;
	for (j = 0; j < 4; j++)
		d |= (load_le64(a + 8 * j) ^ load_le64(b + 8 * j)) & chunk_mask((unsigned)len, j);
	return d == 0;
}

/* memcmp(a, b, len) == 0, for len >= 1; the last 8 bytes first (they differ unless a name is
 * the tail of the one before it). */
static inline bool is_tail(const char *a, const char *b, size_t len, const char *end)
{
	if (len >= 8 && load_le64(a + len - 8) != load_le64(b + len - 8))
		return false;
#if PI_KALLSYMS_SSE2
	/* a + 32 <= b + 32 <= end: a lies before b in the same buffer. */
	if (len <= 32 && end - b >= 32) {
		__m128i x0 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)a),
					    _mm_loadu_si128((const __m128i *)b));
		__m128i x1 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(a + 16)),
					    _mm_loadu_si128((const __m128i *)(b + 16)));
		uint64_t eq = (uint32_t)_mm_movemask_epi8(x0) |
			      (uint64_t)(uint32_t)_mm_movemask_epi8(x1) << 16;
		uint64_t want = len == 32 ? 0xffffffffu : (1ull << len) - 1;

		return (eq & want) == want;
	}
#endif
	return memcmp(a, b, len) == 0;
}

/* memmove(dst, src, len) for dst < src, where the bytes [dst, next) may all be overwritten
 * (next: the first byte still to be parsed). Most names are shorter than 32 bytes and most
 * lines leave more than 32 bytes behind, so two 16-byte loads and stores usually do it. */
static inline void move_name(char *dst, const char *src, size_t len, const char *next,
			     const char *end)
{
#if PI_KALLSYMS_SSE2
	if (len <= 32 && end - src >= 32 && next - dst >= 32) {
		__m128i a = _mm_loadu_si128((const __m128i *)src);
		__m128i b = _mm_loadu_si128((const __m128i *)(src + 16));

		_mm_storeu_si128((__m128i *)dst, a);
		_mm_storeu_si128((__m128i *)(dst + 16), b);
		return;
	}
#endif
	memmove(dst, src, len);
}

/* End of the word at p, like scan_word. */
static inline const char *scan_plain(const char *p, const char *end, size_t max)
{
	uint64_t b;

	if (end - p >= 32 && (b = ctl_mask32(p)) != 0)
		return p + __builtin_ctzll(b);
	return scan_word(p, end, max);
}

/* 8 lowercase hex digits, most significant first. False if a byte is not [0-9a-f]. */
static inline bool hex8(const char *p, uint64_t *ret)
{
#if PI_KALLSYMS_SSE2
	__m128i v = _mm_loadl_epi64((const __m128i *)p), t;
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('f' + 1)));

	if ((_mm_movemask_epi8(_mm_or_si128(digit, alpha)) & 0xff) != 0xff)
		return false;
	v = _mm_add_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0f)),
			 _mm_and_si128(alpha, _mm_set1_epi8(9)));
	t = _mm_or_si128(_mm_slli_epi16(v, 4), _mm_srli_epi16(v, 8)); /* low byte: 2 digits */
	t = _mm_packus_epi16(_mm_and_si128(t, _mm_set1_epi16(0xff)), t);
	*ret = __builtin_bswap32((uint32_t)_mm_cvtsi128_si32(t));
	return true;
#else
	uint64_t w = load_le64(p), x = w & (ONES * 0x7f), v;
	uint64_t digit = (x + ONES * 0x50) & ~(x + ONES * 0x46); /* 0x30..0x39 */
	uint64_t alpha = (x + ONES * 0x1f) & ~(x + ONES * 0x19); /* 0x61..0x66 */

	if ((~w & (digit | alpha) & HIGHS) != HIGHS)
		return false;
	v = (w & (ONES * 0x0f)) + ((w >> 6) & ONES) * 9;    /* byte i = digit i */
	v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ffULL;  /* 16-bit lanes: 2 digits */
	v = ((v << 8) | (v >> 16)) & 0x0000ffff0000ffffULL; /* 32-bit lanes: 4 digits */
	*ret = ((v << 16) | (v >> 32)) & 0xffffffffULL;
	return true;
#endif
}

/* 16 lowercase hex digits, most significant first. False if a byte is not [0-9a-f]. */
static inline bool hex16(const char *p, uint64_t *ret)
{
#if PI_KALLSYMS_SSE2
	__m128i v = _mm_loadu_si128((const __m128i *)p), t;
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('f' + 1)));
	uint64_t r;

	if (_mm_movemask_epi8(_mm_or_si128(digit, alpha)) != 0xffff)
		return false;
	v = _mm_add_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0f)),
			 _mm_and_si128(alpha, _mm_set1_epi8(9)));
	t = _mm_or_si128(_mm_slli_epi16(v, 4), _mm_srli_epi16(v, 8)); /* low byte: 2 digits */
	t = _mm_packus_epi16(_mm_and_si128(t, _mm_set1_epi16(0xff)), t);
	r = (uint64_t)_mm_cvtsi128_si64(t);
	*ret = __builtin_bswap64(r);
	return true;
#else
	uint64_t hi, lo;

	if (!hex8(p, &hi) || !hex8(p + 8, &lo))
		return false;
	*ret = hi << 32 | lo;
	return true;
#endif
}

/* The low 32 bits of v as 8 lowercase hex digits, stored at p. */
static inline void put_hex8(char *p, uint64_t v)
{
	uint64_t t = ((v >> 16) & 0xffff) | ((v & 0xffff) << 32);
	uint64_t ge10;

	t = ((t >> 8) & 0x000000ff000000ffULL) | ((t & 0x000000ff000000ffULL) << 16);
	t = ((t >> 4) & 0x000f000f000f000fULL) | ((t & 0x000f000f000f000fULL) << 8);
	ge10 = ((t + ONES * 6) >> 4) & ONES;
	store_le64(p, t + ONES * '0' + ge10 * ('a' - '0' - 10));
}

struct pi_kallsyms *pi_kallsyms_free(struct pi_kallsyms *k)
{
	if (!k)
		return NULL;
	free(k->syms);
	free(k->modules);
	free(k->text);
	free(k);
	return NULL;
}

/* Module name -> index, open addressing over uint32 slots (0 = empty: the kernel image is
 * never looked up). Grows by doubling; modules are few. */
struct modmap {
	uint32_t *slot;
	uint32_t *hash; /* per module index */
	size_t mask;
	size_t cap;  /* modules[] and hash[] capacity */
	char *names; /* module names, NUL-terminated; modules[i].name_off indexes it while */
	size_t nlen; /* parsing. names[0] is the kernel image's empty name. */
	size_t ncap; /* bytes allocated, MODNAME_SLACK of them readable past nlen */
};

/* same_bytes() reads 32 bytes of a module name whatever its length. */
#define MODNAME_SLACK 32

static int modmap_grow(struct modmap *mm, struct pi_kallsyms *k)
{
	size_t ncap = mm->cap * 2, nslots = ncap * 2, i;
	struct pi_kmod *nm = realloc(k->modules, ncap * sizeof(*nm));
	uint32_t *nh, *ns;

	if (!nm)
		return -ENOMEM;
	k->modules = nm;
	nh = realloc(mm->hash, ncap * sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	mm->hash = nh;
	ns = calloc(nslots, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	free(mm->slot);
	mm->slot = ns;
	mm->mask = nslots - 1;
	mm->cap = ncap;
	for (i = 1; i < k->nmodules; i++) {
		size_t s = mm->hash[i] & mm->mask;

		while (ns[s])
			s = (s + 1) & mm->mask;
		ns[s] = (uint32_t)i;
	}
	return 0;
}

/* Index of the module named [name, name + len), added (its name copied) if new. */
static long modmap_get(struct modmap *mm, struct pi_kallsyms *k, const char *name, size_t len,
		       uint32_t h)
{
	size_t s = h & mm->mask;
	uint32_t i, off;
	int r;

	while ((i = mm->slot[s])) {
		if (mm->hash[i] == h && k->modules[i].name_len == len &&
		    memcmp(mm->names + k->modules[i].name_off, name, len) == 0)
			return i;
		s = (s + 1) & mm->mask;
	}
	if (k->nmodules == PI_KSYM_MODULES_MAX)
		return -E2BIG;
	if (k->nmodules == mm->cap) {
		if ((r = modmap_grow(mm, k)) < 0)
			return r;
		return modmap_get(mm, k, name, len, h);
	}
	if (mm->ncap - mm->nlen < len + 1 + MODNAME_SLACK) {
		size_t ncap = (mm->nlen + len + 1) * 2 + MODNAME_SLACK;
		char *nn = realloc(mm->names, ncap);

		if (!nn)
			return -ENOMEM;
		memset(nn + mm->ncap, 0, ncap - mm->ncap);
		mm->names = nn;
		mm->ncap = ncap;
	}
	off = (uint32_t)mm->nlen;
	memcpy(mm->names + off, name, len);
	mm->names[off + len] = '\0';
	mm->nlen += len + 1;
	i = (uint32_t)k->nmodules++;
	k->modules[i] = (struct pi_kmod){.name_off = off, .name_len = (uint16_t)len};
	mm->hash[i] = h;
	mm->slot[s] = i;
	return i;
}

/* A guess at the number of lines: the input size over the mean line length of the first
 * 64 lines (at most 16 KiB), plus a quarter; never more than a well-formed input can have
 * (every line but the last takes at least w + 5 bytes). */
static size_t estimate_lines(const char *buf, size_t len, unsigned w)
{
	size_t head = len < 16384 ? len : 16384, lines = 0, i, est, most = len / (w + 5) + 1;

	for (i = 0; i < head && lines < 64; i++)
		lines += buf[i] == '\n';
	est = lines ? len / (i / lines) : len / 64;
	est += est / 4 + 16;
	return est < most ? est : most;
}

static const char *char_desc(const char *q, const char *end, char tmp[8])
{
	if (q >= end)
		return "end of input";
	if (*q == ' ')
		return "a space";
	if (*q == '\t')
		return "a tab";
	if (*q == '\n')
		return "end of line";
	if ((unsigned char)*q > 0x20 && (unsigned char)*q < 0x7f) {
		tmp[0] = '\'';
		tmp[1] = *q;
		tmp[2] = '\'';
		tmp[3] = '\0';
		return tmp;
	}
	tmp[0] = '\\';
	tmp[1] = 'x';
	tmp[2] = "0123456789abcdef"[(unsigned char)*q >> 4];
	tmp[3] = "0123456789abcdef"[*q & 15];
	tmp[4] = '\0';
	return tmp;
}

/* Parse buf[0..len) in place into k (zeroed by the caller, k->text = buf): names are moved to
 * the front of buf as they are read, then module names appended and the buffer shrunk (or
 * grown: a file of module symbols with short names) to fit; k->text is updated. buf[len] must
 * be writable. On failure k holds partial allocations for pi_kallsyms_free. */
static int parse_inplace(char *buf, size_t len, struct pi_kallsyms *k, struct pi_perr *e)
{
	const char *end = buf + len;
	char *p = buf, tmp[8];
	struct modmap mm = {0};
	const char *prev_mod = NULL;
	size_t prev_mlen = 0, nlines, n = 0;
	size_t o = 0;			   /* names written to buf[0 .. o) */
	size_t last_off = 0, last_len = 0; /* the name written last, */
	const char *last_src = buf;	   /* and where its bytes are still intact */
	unsigned w;
	uint64_t any = 0;
	long prev_m = 0;
	int r;

	if (len == 0)
		return pi_perr_set(e, -ENODATA, SRC, 0, "empty file");
	if (len >= UINT32_MAX)
		return pi_perr_set(e, -E2BIG, SRC, 0, "input larger than 4 GiB");
	/* %px / %pK / %0*lx: 2 * sizeof(void *) digits; a 64-bit address never has ' ' at [8]. */
	if (len > 8 && buf[8] == ' ')
		w = 8;
	else if (len > 16 && buf[16] == ' ')
		w = 16;
	else
		return pi_perr_set(e, -EINVAL, SRC, 1, "address is not 8 or 16 hex digits");
	k->addr_width = w;

	/* Size the array from the mean length of the first lines (+25%) rather than counting
	 * lines first (a pass over the input); grown by half when a file has shorter lines
	 * further on. Pages past the real count are never touched. */
	nlines = estimate_lines(buf, len, w);
	k->syms = malloc(nlines * sizeof(*k->syms));
	mm.cap = 16;
	k->modules = malloc(mm.cap * sizeof(*k->modules));
	mm.hash = malloc(mm.cap * sizeof(*mm.hash));
	mm.slot = calloc(mm.cap * 2, sizeof(*mm.slot));
	mm.mask = mm.cap * 2 - 1;
	mm.ncap = 256 + MODNAME_SLACK;
	mm.names = calloc(1, mm.ncap);
	mm.nlen = 1;
	if (!k->syms || !k->modules || !mm.hash || !mm.slot || !mm.names) {
		r = -ENOMEM;
		goto out;
	}
	k->nmodules = 1;
	k->modules[0] = (struct pi_kmod){0};

	while (p < end) {
		struct pi_ksym *s;
		unsigned lineno = (unsigned)n + 1;
		uint64_t a;
		uint32_t type;
		const char *name, *q;
		size_t nlen;
		long m = 0;

		if (n == nlines) {
			size_t ncap = nlines + nlines / 2;
			struct pi_ksym *ns = ncap < SIZE_MAX / sizeof(*ns)
						 ? realloc(k->syms, ncap * sizeof(*ns))
						 : NULL;

			if (!ns) {
				r = -ENOMEM;
				goto out;
			}
			k->syms = ns;
			nlines = ncap;
		}
		s = &k->syms[n];
		if ((size_t)(end - p) < w + 4) {
			r = pi_perr_set(e, -EINVAL, SRC, lineno,
					*p == '\n' ? "empty line"
						   : "line too short for \"%%px %%c %%s\"");
			goto out;
		}
		if (w == 16) {
			if (!hex16(p, &a))
				goto bad_addr;
		} else if (!hex8(p, &a)) {
			goto bad_addr;
		}
		if (p[w] != ' ' || p[w + 2] != ' ' ||
		    (unsigned char)p[w + 1] - 0x21u > 0x7e - 0x21) {
			if (p[w] != ' ')
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"expected a space after %u address digits, got %s",
						w, char_desc(p + w, end, tmp));
			else if ((unsigned char)p[w + 1] - 0x21u > 0x7e - 0x21)
				r = pi_perr_set(e, -EINVAL, SRC, lineno, "bad type character %s",
						char_desc(p + w + 1, end, tmp));
			else
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"expected a space after the type, got %s",
						char_desc(p + w + 2, end, tmp));
			goto out;
		}
		name = p + w + 3;
		q = scan_name(name, end);
		nlen = (size_t)(q - name);
		if (nlen == 0 || nlen > PI_KSYM_NAME_MAX) {
			r = pi_perr_set(e, -EINVAL, SRC, lineno,
					nlen ? "name longer than %d bytes" : "empty name",
					PI_KSYM_NAME_MAX);
			goto out;
		}
		if (q < end && *q == '\t') {
			const char *mod = q + 2, *t;
			size_t mlen;

			if (mod > end || q[1] != '[') {
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"expected '[' after the tab, got %s",
						char_desc(q + 1, end, tmp));
				goto out;
			}
			t = scan_plain(mod, end, PI_KSYM_NAME_MAX + 1);
			mlen = (size_t)(t - mod);
			if (mlen > PI_KSYM_NAME_MAX + 1) {
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"module name longer than %d bytes",
						PI_KSYM_NAME_MAX);
				goto out;
			}
			if (t < end && *t != '\n') {
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"unexpected %s after the module name",
						char_desc(t, end, tmp));
				goto out;
			}
			if (mlen < 2 || t[-1] != ']') {
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"module name empty or not closed by ']'");
				goto out;
			}
			mlen--;
			if (mlen == prev_mlen && same_bytes(mod, prev_mod, mlen, end)) {
				m = prev_m;
			} else {
				m = modmap_get(&mm, k, mod, mlen, pi_ksym_hash(mod, mlen));
				if (m < 0) {
					r = m == -E2BIG ? pi_perr_set(e, -E2BIG, SRC, lineno,
								      "more than %d modules",
								      PI_KSYM_MODULES_MAX - 1)
							: (int)m;
					goto out;
				}
				prev_m = m;
				prev_mlen = mlen;
			}
			prev_mod = mm.names + k->modules[m].name_off; /* names may move */
			k->modules[m].count++;
			p = (char *)(t < end ? t + 1 : t);
		} else if (q == end || *q == '\n') {
			k->modules[0].count++;
			p = (char *)(q < end ? q + 1 : q);
		} else {
			r = pi_perr_set(e, -EINVAL, SRC, lineno, "unexpected %s after the name",
					char_desc(q, end, tmp));
			goto out;
		}
		any |= a;
		s->addr = a;
		type =
		    (uint32_t)(unsigned char)name[-2] & 0x7f; /* 0x21..0x7e, checked; read
								  before the name moves over it */
		/* o <= name - buf: every line so far was longer than the name and NUL it left.
		 * The tail check reads the previous name where it was read, not its fresh copy
		 * (loads from just-stored bytes stall), unless the copy overwrote it. */
		if (nlen <= last_len && is_tail(last_src + last_len - nlen, name, nlen, end)) {
			s->name_off = (uint32_t)(last_off + last_len - nlen);
		} else {
			move_name(buf + o, name, nlen, p, end);
			buf[o + nlen] = '\0'; /* o + nlen <= len: buf[len] is writable */
			s->name_off = (uint32_t)o;
			last_off = o;
			last_len = nlen;
			last_src =
			    (size_t)(name - (buf + o)) > (nlen > 32 ? nlen : 32) ? name : buf + o;
			o += nlen + 1;
		}
		s->name_len = (uint32_t)nlen & 0x7ff;
		s->type = type;
		s->module = (uint32_t)m & 0x3fff;
		n++;
		continue;
	bad_addr:
		r = pi_perr_set(
		    e, -EINVAL, SRC, lineno,
		    *p == '\n' ? "empty line" : "address is not %u lowercase hex digits", w);
		goto out;
	}
	k->n = n;
	if (n < nlines / 2) {
		/* A badly low guess: give the excess back. (A small excess is kept: shrinking a
		 * large block can return its pages to the system, to be faulted in again on the
		 * next parse.) */
		struct pi_ksym *ns = realloc(k->syms, n * sizeof(*ns));

		if (ns)
			k->syms = ns;
	}
	{
		/* Module names after the symbol names; modules[0] gets names[0], a NUL. */
		char *nb = realloc(buf, o + mm.nlen);

		if (!nb) {
			r = -ENOMEM;
			goto out;
		}
		memcpy(nb + o, mm.names, mm.nlen);
		for (size_t i = 0; i < k->nmodules; i++)
			k->modules[i].name_off += (uint32_t)o;
		k->text = nb;
		k->text_len = o + mm.nlen;
	}
	k->addresses_hidden = any == 0;
	r = 0;
out:
	free(mm.slot);
	free(mm.hash);
	free(mm.names);
	return r;
}

int pi_kallsyms_parse_owned(char *buf, size_t len, struct pi_kallsyms **ret, struct pi_perr *reterr)
{
	struct pi_kallsyms *k;
	int r;

	if (len == 0) {
		free(buf);
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");
	}
	if (buf[len - 1] != '\n') {
		/* The unterminated last name needs a NUL at buf[len]. */
		char *nb = len < SIZE_MAX ? realloc(buf, len + 1) : NULL;

		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		free(buf);
		return -ENOMEM;
	}
	k->text = buf;
	r = parse_inplace(buf, len, k, reterr);
	if (r < 0) {
		pi_kallsyms_free(k);
		return r;
	}
	*ret = k;
	return 0;
}

int pi_kallsyms_parse(const char *buf, size_t len, struct pi_kallsyms **ret, struct pi_perr *reterr)
{
	char *copy;

	if (len == 0)
		return pi_perr_set(reterr, -ENODATA, SRC, 0, "empty file");
	if (len >= UINT32_MAX)
		return pi_perr_set(reterr, -E2BIG, SRC, 0, "input larger than 4 GiB");
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	return pi_kallsyms_parse_owned(copy, len, ret, reterr);
}

int pi_kallsyms_render(const struct pi_kallsyms *k, struct pi_buf *out)
{
	size_t total = 0, i;
	unsigned w = k->addr_width;
	char *o;
	int r;

	if (w != 8 && w != 16)
		return -EINVAL;
	for (i = 0; i < k->n; i++) {
		const struct pi_ksym *s = &k->syms[i];

		total += w + 4 + s->name_len;
		if (s->module)
			total += 3 + k->modules[s->module].name_len;
	}
	if ((r = pi_buf_reserve(out, total)) < 0)
		return r;
	o = out->data + out->len;
	for (i = 0; i < k->n; i++) {
		const struct pi_ksym *s = &k->syms[i];

		if (w == 16) {
			put_hex8(o, s->addr >> 32);
			put_hex8(o + 8, s->addr);
		} else {
			put_hex8(o, s->addr);
		}
		o += w;
		o[0] = ' ';
		o[1] = s->type;
		o[2] = ' ';
		o += 3;
		memcpy(o, k->text + s->name_off, s->name_len);
		o += s->name_len;
		if (s->module) {
			const struct pi_kmod *m = &k->modules[s->module];

			o[0] = '\t';
			o[1] = '[';
			memcpy(o + 2, k->text + m->name_off, m->name_len);
			o += 2 + m->name_len;
			*o++ = ']';
		}
		*o++ = '\n';
	}
	out->len += total;
	return 0;
}
