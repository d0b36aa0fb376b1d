#include "kimage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define X86_64_DEFAULT_TEXT 0xffffffff81000000ull

const char *const pi_kvsec_names[PI_KV_SECS] = {"text", "rodata", "data", "bss"};

static bool lookup(const struct pi_kallsyms *k, const struct pi_ksymidx *x, const char *name,
		   uint64_t *ret)
{
	size_t i;

	if (pi_ksymidx_by_name(x, name, strlen(name), &i) < 0 || k->syms[i].module != 0)
		return false;
	*ret = k->syms[i].addr;
	return true;
}

static void section(const struct pi_kallsyms *k, const struct pi_ksymidx *x, const char *a,
		    const char *alt, const char *b, struct pi_vrange *r)
{
	uint64_t s, e;

	if ((lookup(k, x, a, &s) || (alt && lookup(k, x, alt, &s))) && lookup(k, x, b, &e) &&
	    e >= s)
		*r = (struct pi_vrange){true, s, e};
}

int pi_kimage_build(const struct pi_kallsyms *k, const struct pi_ksymidx *x, struct pi_kimage *ret)
{
	struct pi_kimage m = {0};

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

		if (!s->module || s->module > m.nmods)
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
	section(k, x, "_text", "_stext", "_etext", &m.sec[PI_KV_TEXT]);
	section(k, x, "__start_rodata", NULL, "__end_rodata", &m.sec[PI_KV_RODATA]);
	section(k, x, "_sdata", NULL, "_edata", &m.sec[PI_KV_DATA]);
	section(k, x, "__bss_start", NULL, "__bss_stop", &m.sec[PI_KV_BSS]);
	m.has_text = lookup(k, x, "_text", &m.text) || lookup(k, x, "_stext", &m.text);
	/* x86-64 places the kernel image in the top 2 GiB ("kernel text mapping",
	 * Documentation/arch/x86/x86_64/mm.rst); per-CPU symbols at small addresses exist too. */
	if (m.has_text && k->addr_width == 16 && m.text >= 0xffffffff80000000ull &&
	    lookup(k, x, "startup_64", &(uint64_t){0})) {
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
