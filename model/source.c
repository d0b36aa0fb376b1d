#include "source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const pi_src_names[PI_SRC_COUNT] = {
    [PI_SRC_STAT] = "stat",
    [PI_SRC_BUDDYINFO] = "buddyinfo",
    [PI_SRC_PAGETYPEINFO] = "pagetypeinfo",
    [PI_SRC_ZONEINFO] = "zoneinfo",
    [PI_SRC_IOMEM] = "iomem",
    [PI_SRC_KALLSYMS] = "kallsyms",
    [PI_SRC_LOADAVG] = "loadavg",
    [PI_SRC_PRESSURE_CPU] = "pressure/cpu",
    [PI_SRC_PRESSURE_MEMORY] = "pressure/memory",
    [PI_SRC_PRESSURE_IO] = "pressure/io",
    [PI_SRC_SCHEDSTAT] = "schedstat",
};

int pi_src_by_name(const char *name, size_t len)
{
	for (int i = 0; i < PI_SRC_COUNT; i++)
		if (strlen(pi_src_names[i]) == len && memcmp(pi_src_names[i], name, len) == 0)
			return i;
	return -1;
}

bool pi_src_optional(enum pi_src s)
{
	/* PSI needs CONFIG_PSI (4.20+) and is disabled at boot on Debian kernels; schedstat
	 * needs CONFIG_SCHEDSTATS. */
	return s == PI_SRC_PRESSURE_CPU || s == PI_SRC_PRESSURE_MEMORY || s == PI_SRC_PRESSURE_IO ||
	       s == PI_SRC_SCHEDSTAT;
}

_Static_assert(sizeof(struct pi_srcdata) % _Alignof(struct pi_buddy_derived) == 0,
	       "buddy_derived follows struct pi_srcdata in one block");

static void srcdata_clear(struct pi_srcdata *d)
{
	switch (d->src) {
	case PI_SRC_STAT:
		pi_stat_free(d->u.stat);
		break;
	case PI_SRC_BUDDYINFO:
		pi_buddyinfo_free(d->u.buddy);
		break;
	case PI_SRC_PAGETYPEINFO:
		pi_pagetypeinfo_free(d->u.pagetype);
		break;
	case PI_SRC_ZONEINFO:
		pi_zoneinfo_free(d->u.zoneinfo);
		break;
	case PI_SRC_IOMEM:
		pi_iomem_free(d->u.iomem);
		break;
	case PI_SRC_SCHEDSTAT:
		pi_schedstat_free(d->u.schedstat);
		break;
	case PI_SRC_KALLSYMS:
		pi_ksymidx_free(d->ksymidx);
		pi_kimage_fini(&d->kimage);
		pi_kallsyms_free(d->u.kallsyms);
		break;
	default:
		break;
	}
	/* buddy_derived lives in d's own block (pi_srcdata_parse). */
}

int pi_srcdata_parse(enum pi_src src, char *buf, size_t len, double sampled_at,
		     struct pi_srcdata **ret, struct pi_perr *reterr)
{
	/* Parsed into a local first, so that d and what is derived from the data (one struct
	 * per buddyinfo zone) are one allocation: for the small files the allocations cost
	 * more than the parsing. */
	struct pi_srcdata t = {.src = src, .sampled_at = sampled_at, .raw_len = len}, *d;
	size_t nderived = 0;
	int r;

	switch (src) {
	case PI_SRC_STAT:
		r = pi_stat_parse(buf, len, &t.u.stat, reterr);
		break;
	case PI_SRC_BUDDYINFO:
		r = pi_buddyinfo_parse(buf, len, &t.u.buddy, reterr);
		if (r == 0)
			nderived = t.u.buddy->nzones;
		break;
	case PI_SRC_PAGETYPEINFO:
		r = pi_pagetypeinfo_parse(buf, len, &t.u.pagetype, reterr);
		break;
	case PI_SRC_ZONEINFO:
		r = pi_zoneinfo_parse(buf, len, &t.u.zoneinfo, reterr);
		break;
	case PI_SRC_IOMEM:
		r = pi_iomem_parse(buf, len, &t.u.iomem, reterr);
		break;
	case PI_SRC_KALLSYMS:
		r = pi_kallsyms_parse_owned(buf, len, &t.u.kallsyms, reterr);
		buf = NULL; /* owned by the parser now, freed by it on failure */
		if (r == 0)
			r = pi_ksymidx_new(t.u.kallsyms, &t.ksymidx);
		if (r == 0) {
			t.kimage_err = pi_kimage_build(t.u.kallsyms, &t.kimage);
			if (t.kimage_err == -ENOMEM)
				r = -ENOMEM;
		}
		break;
	case PI_SRC_SCHEDSTAT:
		r = pi_schedstat_parse(buf, len, &t.u.schedstat, reterr);
		break;
	case PI_SRC_LOADAVG:
		r = pi_loadavg_parse(buf, len, &t.u.loadavg, reterr);
		break;
	case PI_SRC_PRESSURE_CPU:
	case PI_SRC_PRESSURE_MEMORY:
	case PI_SRC_PRESSURE_IO:
		r = pi_pressure_parse(buf, len, pi_src_names[src], &t.u.pressure, reterr);
		break;
	default:
		r = -EINVAL;
	}
	free(buf);
	if (r < 0) {
		srcdata_clear(&t);
		return r;
	}
	/* buddyinfo: at least one zone (an empty file is -ENODATA); never more than the input
	 * has lines. */
	d = malloc(sizeof(*d) + nderived * sizeof(*d->buddy_derived));
	if (!d) {
		srcdata_clear(&t);
		return -ENOMEM;
	}
	memcpy(d, &t, sizeof(*d));
	if (src == PI_SRC_BUDDYINFO) {
		const struct pi_buddyinfo *b = d->u.buddy;

		d->buddy_derived = (struct pi_buddy_derived *)(void *)(d + 1);
		for (size_t i = 0; i < b->nzones; i++)
			pi_buddy_derive(b->zones[i].free, b->norders, &d->buddy_derived[i]);
	}
	atomic_init(&d->refcnt, 1);
	*ret = d;
	return 0;
}

struct pi_srcdata *pi_srcdata_ref(struct pi_srcdata *d)
{
	if (d)
		atomic_fetch_add(&d->refcnt, 1);
	return d;
}

struct pi_srcdata *pi_srcdata_unref(struct pi_srcdata *d)
{
	if (d && atomic_fetch_sub(&d->refcnt, 1) == 1) {
		srcdata_clear(d);
		free(d);
	}
	return NULL;
}
