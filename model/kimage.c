#include "kimage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define X86_64_DEFAULT_TEXT 0xffffffff81000000ull

const char *const pi_kvsec_names[PI_KV_SECS] = {"text", "rodata", "data", "bss"};

/* The linker symbols looked for, by the first kernel-image symbol of each name in file order
 * (what pi_ksymidx_by_name finds; found here in the pass over every symbol this file makes
 * anyway, so that the kallsyms summary and /metrics never need the name order). */
enum mark {
	M_TEXT,
	M_STEXT,
	M_ETEXT,
	M_START_RODATA,
	M_END_RODATA,
	M_SDATA,
	M_EDATA,
	M_BSS_START,
	M_BSS_STOP,
	M_STARTUP_64,
	M_COUNT
};

static const char *const mark_names[M_COUNT] = {
    [M_TEXT] = "_text",
    [M_STEXT] = "_stext",
    [M_ETEXT] = "_etext",
    [M_START_RODATA] = "__start_rodata",
    [M_END_RODATA] = "__end_rodata",
    [M_SDATA] = "_sdata",
    [M_EDATA] = "_edata",
    [M_BSS_START] = "__bss_start",
    [M_BSS_STOP] = "__bss_stop",
    [M_STARTUP_64] = "startup_64",
};

struct marks {
	bool found[M_COUNT];
	uint64_t addr[M_COUNT];
};

static void mark(struct marks *mk, const struct pi_kallsyms *k, const struct pi_ksym *s)
{
	const char *name = pi_ksym_name(k, s);

	/* Every name looked for starts with '_' or 's' and is 5 to 14 bytes long. */
	if ((name[0] != '_' && name[0] != 's') || s->name_len < 5 || s->name_len > 14)
		return;
	for (int i = 0; i < M_COUNT; i++)
		if (!mk->found[i] && strcmp(name, mark_names[i]) == 0) {
			mk->found[i] = true;
			mk->addr[i] = s->addr;
			return;
		}
}

static bool lookup(const struct marks *mk, enum mark i, uint64_t *ret)
{
	if (!mk->found[i])
		return false;
	*ret = mk->addr[i];
	return true;
}

static void section(const struct marks *mk, enum mark a, int alt, enum mark b, struct pi_vrange *r)
{
	uint64_t s, e;

	if ((lookup(mk, a, &s) || (alt >= 0 && lookup(mk, (enum mark)alt, &s))) &&
	    lookup(mk, b, &e) && e >= s)
		*r = (struct pi_vrange){true, s, e};
}

int pi_kimage_build(const struct pi_kallsyms *k, struct pi_kimage *ret)
{
	struct pi_kimage m = {0};
	struct marks mk = {0};

	m.nmods = k->nmodules > 1 ? k->nmodules - 1 : 0;
	m.mods = calloc(m.nmods ? m.nmods : 1, sizeof(*m.mods));
	if (!m.mods)
		return -ENOMEM;
	for (size_t i = 0; i < m.nmods; i++) {
		m.mods[i].module = i + 1;
		m.mods[i].lo = UINT64_MAX;
	}
	for (size_t i = 0; i < k->n; i++) {
		const struct pi_ksym *s = &k->syms[i];
		struct pi_kmod_range *r;

		m.by_type[s->type]++;
		if (!s->module) {
			mark(&mk, k, s);
			continue;
		}
		if (s->module > m.nmods)
			continue;
		r = &m.mods[s->module - 1];
		r->count++;
		if (s->addr < r->lo)
			r->lo = s->addr;
		if (s->addr > r->hi)
			r->hi = s->addr;
	}
	m.arch_guess = k->addr_width == 8 ? "32-bit" : "64-bit";
	if (k->addresses_hidden) {
		*ret = m;
		return -EACCES;
	}
	section(&mk, M_TEXT, M_STEXT, M_ETEXT, &m.sec[PI_KV_TEXT]);
	section(&mk, M_START_RODATA, -1, M_END_RODATA, &m.sec[PI_KV_RODATA]);
	section(&mk, M_SDATA, -1, M_EDATA, &m.sec[PI_KV_DATA]);
	section(&mk, M_BSS_START, -1, M_BSS_STOP, &m.sec[PI_KV_BSS]);
	m.has_text = lookup(&mk, M_TEXT, &m.text) || lookup(&mk, M_STEXT, &m.text);
	/* x86-64 places the kernel image in the top 2 GiB ("kernel text mapping",
	 * Documentation/arch/x86/x86_64/mm.rst); per-CPU symbols at small addresses exist too. */
	if (m.has_text && k->addr_width == 16 && m.text >= 0xffffffff80000000ull &&
	    mk.found[M_STARTUP_64]) {
		m.arch_guess = "x86_64";
		m.has_kaslr = true;
		m.kaslr_slide = (int64_t)(m.text - X86_64_DEFAULT_TEXT);
	}
	*ret = m;
	return 0;
}

void pi_kimage_fini(struct pi_kimage *m)
{
	free(m->mods);
	memset(m, 0, sizeof(*m));
}
