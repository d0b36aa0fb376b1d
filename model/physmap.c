#include "physmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const pi_res_kind_names[PI_RES_KINDS] = {"system_ram", "reserved", "pci_mmio",
						     "acpi",	   "rom",      "other"};
const char *const pi_kimage_sec_names[PI_KIMG_SECS] = {"code", "rodata", "data", "bss"};

static bool is(const char *name, size_t len, const char *lit)
{
	return strlen(lit) == len && strncasecmp(name, lit, len) == 0;
}

static bool starts(const char *name, size_t len, const char *lit)
{
	return len >= strlen(lit) && strncasecmp(name, lit, strlen(lit)) == 0;
}

/* Names drift across kernels and architectures; compare case-insensitively and by prefix
 * (research: "reserved" <= 4.x vs "Reserved", "System RAM (kmem)"). */
enum pi_res_kind pi_res_classify(const char *name, size_t len)
{
	if (starts(name, len, "System RAM"))
		return PI_RES_RAM;
	if (is(name, len, "reserved") || is(name, len, "RAM buffer") ||
	    starts(name, len, "Reserved"))
		return PI_RES_RESERVED;
	if (starts(name, len, "PCI "))
		return PI_RES_PCI;
	if (starts(name, len, "ACPI "))
		return PI_RES_ACPI;
	if (is(name, len, "System ROM") || is(name, len, "Video ROM") ||
	    is(name, len, "Adapter ROM") || starts(name, len, "Video RAM"))
		return PI_RES_ROM;
	return PI_RES_OTHER;
}

static uint64_t size_of(const struct pi_iomem_res *r)
{
	return r->end >= r->start ? r->end - r->start + 1 : 0;
}

static void add_hole(struct pi_physmap *m, uint64_t start, uint64_t end)
{
	size_t smallest = 0;

	m->hole_bytes += end - start + 1;
	if (m->nholes < sizeof(m->holes) / sizeof(m->holes[0])) {
		m->holes[m->nholes++] = (struct pi_range){true, start, end};
		return;
	}
	for (size_t i = 1; i < m->nholes; i++)
		if (m->holes[i].end - m->holes[i].start <
		    m->holes[smallest].end - m->holes[smallest].start)
			smallest = i;
	if (end - start > m->holes[smallest].end - m->holes[smallest].start) {
		memmove(&m->holes[smallest], &m->holes[smallest + 1],
			(m->nholes - smallest - 1) * sizeof(m->holes[0]));
		m->holes[m->nholes - 1] = (struct pi_range){true, start, end};
	}
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi >= lo ? hi - lo + 1 : 0;
}

static int overlay_zones(const struct pi_snapshot *s, const struct pi_iomem *io,
			 struct pi_physmap *m)
{
	const struct pi_srcdata *zd = s->data[PI_SRC_ZONEINFO];
	const struct pi_zoneinfo *zi = zd ? zd->u.zoneinfo : NULL;
	uint64_t page = (uint64_t)(s->page_size > 0 ? s->page_size : 4096);

	if (!zi)
		return 0;
	m->zones = calloc(zi->nzones ? zi->nzones : 1, sizeof(*m->zones));
	if (!m->zones)
		return -ENOMEM;
	for (size_t i = 0; i < zi->nzones; i++) {
		const struct pi_zi_zone *z = &zi->zones[i];
		struct pi_zone_span *v = &m->zones[m->nzones++];

		v->node = z->node;
		v->zone = z->zone;
		if (z->present.state == PI_OK)
			v->present_bytes = z->present.v * page;
		if (z->start_pfn.state != PI_OK || z->spanned.state != PI_OK || z->spanned.v == 0 ||
		    z->start_pfn.v > UINT64_MAX / page ||
		    z->spanned.v > UINT64_MAX / page - z->start_pfn.v)
			continue;
		v->phys = (struct pi_range){true, z->start_pfn.v * page,
					    (z->start_pfn.v + z->spanned.v) * page - 1};
		for (size_t r = 0; !m->hidden && r < io->n; r++)
			if (io->res[r].parent == -1 &&
			    pi_res_classify(io->res[r].name, io->res[r].name_len) == PI_RES_RAM)
				v->ram_bytes += overlap(io->res[r].start, io->res[r].end,
							v->phys.start, v->phys.end);
	}
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct pi_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int pi_physmap_build(const struct pi_snapshot *s, struct pi_physmap *ret)
{
	const struct pi_srcdata *d = s->data[PI_SRC_IOMEM];
	const struct pi_iomem *io;
	struct pi_physmap m = {0};
	uint64_t next = 0; /* first address after the previous top-level range */
	bool any = false;

	if (!d)
		return -ENODATA;
	io = d->u.iomem;
	m.hidden = io->addresses_hidden;
	for (size_t i = 0; i < io->n; i++) {
		const struct pi_iomem_res *r = &io->res[i];
		enum pi_res_kind k;
		int sec = -1;

		if (is(r->name, r->name_len, "Kernel code") ||
		    is(r->name, r->name_len, "Kernel text"))
			sec = PI_KIMG_CODE;
		else if (is(r->name, r->name_len, "Kernel rodata"))
			sec = PI_KIMG_RODATA;
		else if (is(r->name, r->name_len, "Kernel data"))
			sec = PI_KIMG_DATA;
		else if (is(r->name, r->name_len, "Kernel bss"))
			sec = PI_KIMG_BSS;
		if (sec >= 0 && !m.kimage[sec].present)
			m.kimage[sec] = (struct pi_range){true, r->start, r->end};
		if (is(r->name, r->name_len, "Crash kernel") && !m.hidden)
			m.crash_kernel_bytes += size_of(r);
		if (r->parent != -1)
			continue;
		k = pi_res_classify(r->name, r->name_len);
		m.count[k]++;
		if (m.hidden)
			continue;
		m.bytes[k] += size_of(r);
		/* Top-level resources are sorted and do not overlap (kernel/resource.c). */
		if (any && r->start > next)
			add_hole(&m, next, r->start - 1);
		if (!any || r->end >= next) {
			next = r->end == UINT64_MAX ? UINT64_MAX : r->end + 1;
			m.max_addr = r->end;
		}
		any = true;
	}
	qsort(m.holes, m.nholes, sizeof(m.holes[0]), cmp_range);
	if (overlay_zones(s, io, &m) < 0)
		return -ENOMEM;
	*ret = m;
	return 0;
}

void pi_physmap_fini(struct pi_physmap *m)
{
	free(m->zones);
	memset(m, 0, sizeof(*m));
}
