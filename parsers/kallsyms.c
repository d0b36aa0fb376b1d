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
 * Speed: a 250k-line file must parse in a few milliseconds. The parser works in place: names
 * stay in the input buffer and their terminators ('\n', '\t', ']') are overwritten with NUL. The
 * address is decoded 8 digits at a time and names are scanned 8 bytes at a time (SWAR), which
 * also finds the line end and computes the name hash the symbol index needs. */
#include "kallsyms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SRC "kallsyms"

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

#define PI_KSYM_MODULES_MAX 65536 /* pi_ksym.module is 16 bits; index 0 is the kernel */

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

static inline uint64_t hmix(uint64_t h, uint64_t w)
{
	return (((h << 29) | (h >> 35)) ^ w) * 0x9e3779b97f4a7c15ULL;
}

static inline uint32_t hfinal(uint64_t h, size_t len)
{
	h = (h ^ (uint64_t)len) * 0xff51afd7ed558ccdULL;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* Chunks of 8 bytes from the start, the last one zero-padded; scan_word() must agree. */
uint32_t pi_ksym_hash(const char *name, size_t len)
{
	uint64_t h = 0, w = 0;
	size_t i = 0, j;

	for (; i + 8 <= len; i += 8)
		h = hmix(h, load_le64(name + i));
	for (j = 0; i + j < len; j++)
		w |= (uint64_t)(unsigned char)name[i + j] << (8 * j);
	if (j)
		h = hmix(h, w);
	return hfinal(h, len);
}

/* The run of bytes > 0x20 starting at s, ending at the first byte <= 0x20 or at end; stops
 * early once longer than max (the caller sees a length > max). The scan starts at p, a multiple
 * of 8 bytes after s, with the hash state *h of the chunks before it. */
static const char *scan_word(const char *s, const char *p, const char *end, size_t max, uint64_t *h)
{
	uint64_t w, m;
	unsigned k;

	while (end - p >= 8) {
		w = load_le64(p);
		m = ctl_bytes(w);
		if (m) {
			k = (unsigned)__builtin_ctzll(m) >> 3;
			if (k)
				*h = hmix(*h, w & ((1ULL << (8 * k)) - 1));
			return p + k;
		}
		*h = hmix(*h, w);
		p += 8;
		if ((size_t)(p - s) > max)
			return p;
	}
	w = 0;
	for (k = 0; p < end && (unsigned char)*p > 0x20; k++, p++)
		w |= (uint64_t)(unsigned char)*p << (8 * k);
	if (k)
		*h = hmix(*h, w);
	return p;
}

/* The byte flags of ctl_bytes() gathered into the low 8 bits, byte 0 first. */
static inline uint64_t pack8(uint64_t m)
{
	return ((m >> 7) * 0x0102040810204080ULL) >> 56;
}

static const uint64_t byte_masks[9] = {
	0,
	0xffULL,
	0xffffULL,
	0xffffffULL,
	0xffffffffULL,
	0xffffffffffULL,
	0xffffffffffffULL,
	0xffffffffffffffULL,
	~0ULL,
};

static inline uint64_t chunk_mask(unsigned k, unsigned j)
{
	int nb = (int)k - 8 * (int)j;

	return byte_masks[nb < 0 ? 0 : nb > 8 ? 8 : nb];
}

/* Length of the word at p (as scan_word) and its hash state, without a data-dependent loop
 * for words shorter than 32 bytes (most symbol names): four words are read at once, which
 * needs 32 readable bytes at p. */
static inline const char *scan_name(const char *p, const char *end, uint64_t *ret_h)
{
	uint64_t w0, w1, w2, w3, b, h1, h2, h3, h4, h;
	unsigned k, c;

	if (end - p < 32) {
		h = 0;
		p = scan_word(p, p, end, PI_KSYM_NAME_MAX, &h);
		*ret_h = h;
		return p;
	}
	w0 = load_le64(p);
	w1 = load_le64(p + 8);
	w2 = load_le64(p + 16);
	w3 = load_le64(p + 24);
	b = pack8(ctl_bytes(w0)) | pack8(ctl_bytes(w1)) << 8 | pack8(ctl_bytes(w2)) << 16 |
	    pack8(ctl_bytes(w3)) << 24 | 1ULL << 32;
	k = (unsigned)__builtin_ctzll(b);
	h1 = hmix(0, w0 & chunk_mask(k, 0));
	h2 = hmix(h1, w1 & chunk_mask(k, 1));
	h3 = hmix(h2, w2 & chunk_mask(k, 2));
	h4 = hmix(h3, w3 & chunk_mask(k, 3));
	if (k == 32) {
		p = scan_word(p, p + 32, end, PI_KSYM_NAME_MAX, &h4);
		*ret_h = h4;
		return p;
	}
	c = (k + 7) >> 3; /* chunks hashed */
	h = c == 0 ? 0 : c == 1 ? h1 : c == 2 ? h2 : c == 3 ? h3 : h4;
	*ret_h = h;
	return p + k;
}

/* End of the word at p, like scan_word but without the hash. */
static inline const char *scan_plain(const char *p, const char *end, size_t max)
{
	uint64_t b, h = 0;

	if (end - p >= 16) {
		b = pack8(ctl_bytes(load_le64(p))) | pack8(ctl_bytes(load_le64(p + 8))) << 8;
		if (b)
			return p + __builtin_ctzll(b);
	}
	return scan_word(p, p, end, max, &h);
}

/* 8 lowercase hex digits, most significant first. False if a byte is not [0-9a-f]. */
static inline bool hex8(const char *p, uint64_t *ret)
{
	uint64_t w = load_le64(p), x = w & (ONES * 0x7f), v;
	uint64_t digit = (x + ONES * 0x50) & ~(x + ONES * 0x46); /* 0x30..0x39 */
	uint64_t alpha = (x + ONES * 0x1f) & ~(x + ONES * 0x19); /* 0x61..0x66 */

	if ((~w & (digit | alpha) & HIGHS) != HIGHS)
		return false;
	v = (w & (ONES * 0x0f)) + ((w >> 6) & ONES) * 9;       /* byte i = digit i */
	v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ffULL;     /* 16-bit lanes: 2 digits */
	v = ((v << 8) | (v >> 16)) & 0x0000ffff0000ffffULL;    /* 32-bit lanes: 4 digits */
	*ret = ((v << 16) | (v >> 32)) & 0xffffffffULL;
	return true;
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
	size_t cap; /* modules[] and hash[] capacity */
};

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

/* Index of the module named [name, name + len) (its text at `off`), added if new. */
static long modmap_get(struct modmap *mm, struct pi_kallsyms *k, const char *name, size_t len,
		       uint32_t off, uint32_t h)
{
	size_t s = h & mm->mask;
	uint32_t i;
	int r;

	while ((i = mm->slot[s])) {
		if (mm->hash[i] == h && k->modules[i].name_len == len &&
		    memcmp(k->text + k->modules[i].name_off, name, len) == 0)
			return i;
		s = (s + 1) & mm->mask;
	}
	if (k->nmodules == PI_KSYM_MODULES_MAX)
		return -E2BIG;
	if (k->nmodules == mm->cap) {
		if ((r = modmap_grow(mm, k)) < 0)
			return r;
		return modmap_get(mm, k, name, len, off, h);
	}
	i = (uint32_t)k->nmodules++;
	k->modules[i] = (struct pi_kmod){.name_off = off, .name_len = (uint16_t)len};
	mm->hash[i] = h;
	mm->slot[s] = i;
	return i;
}

/* A guess at the number of lines: the input size over the mean line length of the first
 * 64 lines (at most 16 KiB), plus a quarter. */
static size_t estimate_lines(const char *buf, size_t len)
{
	size_t head = len < 16384 ? len : 16384, lines = 0, i, est;

	for (i = 0; i < head && lines < 64; i++)
		lines += buf[i] == '\n';
	if (lines == 0)
		return len / 16 + 16;
	est = len / (i / lines);
	return est + est / 4 + 16;
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
	tmp[0] = '\\';
	tmp[1] = 'x';
	tmp[2] = "0123456789abcdef"[(unsigned char)*q >> 4];
	tmp[3] = "0123456789abcdef"[*q & 15];
	tmp[4] = '\0';
	return tmp;
}

/* Parse buf[0..len) in place into k (zeroed by the caller, k->text = buf). buf[len] must be
 * writable (the NUL after an unterminated last name). On failure k holds partial allocations
 * for pi_kallsyms_free. */
static int parse_inplace(char *buf, size_t len, struct pi_kallsyms *k, struct pi_perr *e)
{
	const char *end = buf + len;
	char *p = buf, tmp[8];
	struct modmap mm = {0};
	const char *prev_mod = NULL;
	size_t prev_mlen = 0, nlines, n = 0;
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
	 * further on, shrunk at the end. */
	nlines = estimate_lines(buf, len);
	k->syms = malloc(nlines * sizeof(*k->syms));
	mm.cap = 16;
	k->modules = malloc(mm.cap * sizeof(*k->modules));
	mm.hash = malloc(mm.cap * sizeof(*mm.hash));
	mm.slot = calloc(mm.cap * 2, sizeof(*mm.slot));
	mm.mask = mm.cap * 2 - 1;
	if (!k->syms || !k->modules || !mm.hash || !mm.slot) {
		r = -ENOMEM;
		goto out;
	}
	k->nmodules = 1;
	k->modules[0] = (struct pi_kmod){0};

	while (p < end) {
		struct pi_ksym *s;
		unsigned lineno = (unsigned)n + 1;
		uint64_t a, lo, h;
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
			r = pi_perr_set(e, -EINVAL, SRC, lineno, "line too short for \"%%px %%c %%s\"");
			goto out;
		}
		if (w == 16) {
			if (!hex8(p, &a) || !hex8(p + 8, &lo))
				goto bad_addr;
			a = a << 32 | lo;
		} else if (!hex8(p, &a)) {
			goto bad_addr;
		}
		if (p[w] != ' ' || p[w + 2] != ' ' || (unsigned char)p[w + 1] - 0x21u > 0x7e - 0x21) {
			if (p[w] != ' ')
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"expected a space after %u address digits, got %s", w,
						char_desc(p + w, end, tmp));
			else if (p[w + 2] != ' ')
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"expected a space after the type, got %s",
						char_desc(p + w + 2, end, tmp));
			else
				r = pi_perr_set(e, -EINVAL, SRC, lineno, "bad type character %s",
						char_desc(p + w + 1, end, tmp));
			goto out;
		}
		name = p + w + 3;
		q = scan_name(name, end, &h);
		nlen = (size_t)(q - name);
		if (nlen == 0 || nlen > PI_KSYM_NAME_MAX) {
			r = pi_perr_set(e, -EINVAL, SRC, lineno,
					nlen ? "name longer than %d bytes" : "empty name", PI_KSYM_NAME_MAX);
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
			if (t < end && *t != '\n') {
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						"unexpected %s after the module name",
						char_desc(t, end, tmp));
				goto out;
			}
			if (mlen < 2 || t[-1] != ']' || mlen > PI_KSYM_NAME_MAX + 1) {
				r = pi_perr_set(e, -EINVAL, SRC, lineno,
						mlen > PI_KSYM_NAME_MAX + 1
							? "module name longer than %d bytes"
							: "module name empty or not closed by ']'",
						PI_KSYM_NAME_MAX);
				goto out;
			}
			mlen--;
			if (mlen == prev_mlen && memcmp(mod, prev_mod, mlen) == 0) {
				m = prev_m;
			} else {
				m = modmap_get(&mm, k, mod, mlen, (uint32_t)(mod - buf),
					       pi_ksym_hash(mod, mlen));
				if (m < 0) {
					r = m == -E2BIG ? pi_perr_set(e, -E2BIG, SRC, lineno,
								      "more than %d modules",
								      PI_KSYM_MODULES_MAX - 1)
							: (int)m;
					goto out;
				}
				prev_m = m;
				prev_mod = mod;
				prev_mlen = mlen;
			}
			k->modules[m].count++;
			*(char *)q = '\0';
			((char *)t)[-1] = '\0';
			p = (char *)(t < end ? t + 1 : t);
		} else if (q == end || *q == '\n') {
			k->modules[0].count++;
			*(char *)q = '\0'; /* q == end: buf[len], writable by contract */
			p = (char *)(q < end ? q + 1 : q);
		} else {
			r = pi_perr_set(e, -EINVAL, SRC, lineno, "unexpected %s after the name",
					char_desc(q, end, tmp));
			goto out;
		}
		any |= a;
		s->addr = a;
		s->name_off = (uint32_t)(name - buf);
		s->name_len = (uint16_t)nlen;
		s->module = (uint16_t)m;
		s->type = name[-2];
		s->name_hash = hfinal(h, nlen);
		n++;
		continue;
	bad_addr:
		r = pi_perr_set(e, -EINVAL, SRC, lineno, "address is not %u lowercase hex digits", w);
		goto out;
	}
	k->n = n;
	if (n < nlines) {
		struct pi_ksym *ns = realloc(k->syms, n * sizeof(*ns));

		if (ns)
			k->syms = ns;
	}
	k->text_len = len;
	k->addresses_hidden = any == 0;
	/* The kernel image's placeholder name: the NUL that ends the first symbol's name. */
	k->modules[0].name_off = k->syms[0].name_off + k->syms[0].name_len;
	r = 0;
out:
	free(mm.slot);
	free(mm.hash);
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
