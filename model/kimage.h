/* The kernel image and modules as /proc/kallsyms shows them: virtual section ranges from
 * linker symbols, the KASLR slide where it can be derived, per-module address ranges. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kallsyms.h"

struct pi_vrange {
	bool present;
	uint64_t start, end; /* [start, end): linker symbols mark the end exclusively */
};

enum pi_kvsec { PI_KV_TEXT, PI_KV_RODATA, PI_KV_DATA, PI_KV_BSS, PI_KV_SECS };
extern const char *const pi_kvsec_names[PI_KV_SECS];

struct pi_kmod_range {
	size_t module;	 /* index into k->modules */
	uint64_t lo, hi; /* lowest and highest symbol address */
	size_t count;
};

struct pi_kimage {
	struct pi_vrange sec[PI_KV_SECS]; /* _text.._etext, __start_rodata..__end_rodata,
					     _sdata.._edata, __bss_start..__bss_stop */
	bool has_text;
	uint64_t text; /* _text (or _stext) */
	/* x86-64 only: _text - 0xffffffff81000000 (__START_KERNEL_map + CONFIG_PHYSICAL_START
	 * 16 MiB, the default). Absent elsewhere: other architectures' defaults vary by config. */
	bool has_kaslr;
	int64_t kaslr_slide;	/* can be negative with an unusual CONFIG_PHYSICAL_START */
	const char *arch_guess; /* "x86_64", "32-bit", "64-bit" */
	size_t nmods;
	struct pi_kmod_range *mods; /* modules in k->modules order (not the kernel image) */
	size_t by_type[128];	    /* symbols per nm type letter (pi_ksym.type is 7 bits) */
};

/* One pass over every symbol; built once per read of kallsyms (pi_srcdata_parse), not per
 * request. -EACCES when addresses are hidden (only module ranges' counts and by_type are then
 * filled; pi_kimage_fini is still owed), -ENOMEM (nothing to free). */
int pi_kimage_build(const struct pi_kallsyms *k, struct pi_kimage *ret);
void pi_kimage_fini(struct pi_kimage *m);
