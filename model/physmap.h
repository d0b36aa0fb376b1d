/* The physical address map from /proc/iomem, summarised: totals per kind, the kernel image's
 * sections, holes, and the zones laid over it (from zoneinfo's start_pfn/spanned). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

enum pi_res_kind {
	PI_RES_RAM,	 /* "System RAM" */
	PI_RES_RESERVED, /* "reserved" / "Reserved" (e820 and firmware) */
	PI_RES_PCI,	 /* "PCI Bus ...", "PCI MMCONFIG ...", "PCI ECAM ...": MMIO windows */
	PI_RES_ACPI,	 /* "ACPI Tables", "ACPI Non-volatile Storage" */
	PI_RES_ROM,	 /* "System ROM", "Video ROM", "Adapter ROM" */
	PI_RES_OTHER,	 /* devices, device-tree nodes, "Local APIC", ... */
	PI_RES_KINDS
};

extern const char *const pi_res_kind_names[PI_RES_KINDS];

enum pi_kimage_sec { PI_KIMG_CODE, PI_KIMG_RODATA, PI_KIMG_DATA, PI_KIMG_BSS, PI_KIMG_SECS };
extern const char *const pi_kimage_sec_names[PI_KIMG_SECS];

struct pi_range {
	bool present;
	uint64_t start, end; /* inclusive */
};

struct pi_zone_span {
	int node;
	const char *zone;
	struct pi_range phys;	/* [start_pfn, start_pfn + spanned) in bytes; absent if unknown */
	uint64_t present_bytes; /* zoneinfo present pages * page size */
	uint64_t ram_bytes;	/* System RAM inside the span, from iomem */
};

struct pi_physmap {
	bool hidden;		      /* iomem addresses hidden: no sizes */
	uint64_t bytes[PI_RES_KINDS]; /* top-level ranges by kind */
	uint64_t count[PI_RES_KINDS];
	struct pi_range
	    kimage[PI_KIMG_SECS]; /* "Kernel code/rodata/data/bss" ("Kernel text" = code) */
	uint64_t crash_kernel_bytes;
	uint64_t hole_bytes; /* gaps between top-level ranges below the highest end */
	size_t nholes;
	struct pi_range holes[64]; /* the largest 64 gaps, by address */
	uint64_t max_addr;	   /* highest end of a top-level range */
	size_t nzones;
	struct pi_zone_span *zones; /* when zoneinfo has start_pfn and spanned */
};

/* From s's iomem (and zoneinfo for the overlay). -ENODATA when there is no iomem. */
int pi_physmap_build(const struct pi_snapshot *s, struct pi_physmap *ret);
void pi_physmap_fini(struct pi_physmap *m);
enum pi_res_kind pi_res_classify(const char *name, size_t len);
