#include "zones.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "int128.h"

bool pi_watermark_ok(int64_t free_pages, int64_t free_cma, unsigned order, int64_t mark,
		     int64_t protection)
{
	/* __zone_watermark_ok() (6.x): free_pages -= (1 << order) - 1, and an allocation
	 * without ALLOC_CMA cannot use free CMA pages; it fails if free <= min + lowmem_reserve. */
	pi_i128 free = (pi_i128)free_pages - (((pi_i128)1 << order) - 1) - free_cma;

	return free > (pi_i128)mark + protection;
}

uint64_t pi_watermark_headroom(int64_t free_pages, int64_t free_cma, unsigned order, int64_t mark,
			       int64_t protection)
{
	/* The i-th allocation (from 0) passes iff free - i*2^k - (2^k - 1) - cma > mark + prot,
	 * i.e. i*2^k < X with X = free - (2^k - 1) - cma - mark - prot: ceil(X / 2^k) of them. */
	pi_i128 step = (pi_i128)1 << order;
	pi_i128 x = (pi_i128)free_pages - (step - 1) - free_cma - mark - protection;

	if (x <= 0)
		return 0;
	x = (x + step - 1) / step;
	return x > (pi_i128)UINT64_MAX ? UINT64_MAX : (uint64_t)x;
}

static const struct pi_buddy_zone *find_buddy(const struct pi_buddyinfo *b, int node,
					      const char *zone, size_t *ret_i)
{
	for (size_t i = 0; b && i < b->nzones; i++)
		if (b->zones[i].node == node && !strcmp(b->zones[i].zone, zone)) {
			*ret_i = i;
			return &b->zones[i];
		}
	return NULL;
}

static void find_pagetype(const struct pi_pagetypeinfo *p, struct pi_zone_view *v)
{
	for (size_t n = 0; p && n < p->nnodes; n++) {
		const struct pi_pt_node *pn = &p->nodes[n];

		for (size_t i = 0; i < pn->nfree && !v->pt_free; i++)
			if (pn->free[i].node == v->node && !strcmp(pn->free[i].zone, v->zone) &&
			    i + p->ntypes <= pn->nfree)
				v->pt_free = &pn->free[i];
		for (size_t i = 0; i < pn->nblocks && !v->pt_blocks; i++)
			if (pn->blocks[i].node == v->node && !strcmp(pn->blocks[i].zone, v->zone))
				v->pt_blocks = &pn->blocks[i];
	}
}

/* Migrate types a GFP_KERNEL request may take from (MIGRATE_PCPTYPES). */
static bool pcp_type(const char *name)
{
	return !strcmp(name, "Unmovable") || !strcmp(name, "Movable") ||
	       !strcmp(name, "Reclaimable");
}

/* Is there a free block of order >= k that the request may use? */
static bool suitable_block(const struct pi_zone_view *v, const struct pi_pagetypeinfo *p,
			   unsigned norders, unsigned k)
{
	if (p && v->pt_free) {
		for (unsigned t = 0; t < p->ntypes; t++) {
			if (!pcp_type(p->types[v->pt_free[t].type]))
				continue;
			for (unsigned o = k; o < p->norders; o++)
				if (v->pt_free[t].counts[o].n)
					return true;
		}
		return false;
	}
	for (unsigned o = k; o < norders; o++)
		if (v->buddy->free[o])
			return true;
	return false;
}

/* Free blocks of order >= k of a type the request may use, counted as order-k blocks. */
static uint64_t usable_blocks(const struct pi_zone_view *v, const struct pi_pagetypeinfo *p,
			      unsigned norders, unsigned k)
{
	uint64_t n = 0;

	if (p && v->pt_free) {
		for (unsigned t = 0; t < p->ntypes; t++) {
			if (!pcp_type(p->types[v->pt_free[t].type]))
				continue;
			for (unsigned o = k; o < p->norders && o - k < 64; o++)
				n += v->pt_free[t].counts[o].n << (o - k);
		}
		return n;
	}
	for (unsigned o = k; o < norders && o - k < 64; o++)
		n += v->buddy->free[o] << (o - k);
	return n;
}

static void fill_types(struct pi_zone_view *v, const struct pi_pagetypeinfo *p)
{
	if (!p || !v->pt_free)
		return;
	v->types.known = true;
	for (unsigned t = 0; t < p->ntypes && t < PI_MAX_TYPES; t++) {
		const struct pi_pt_free_row *r = &v->pt_free[t];

		for (unsigned o = 0; o < p->norders && o < 64; o++) {
			v->types.free_pages[r->type] += r->counts[o].n << o;
			v->types.capped[r->type] |= r->counts[o].capped;
		}
		if (v->pt_blocks)
			v->types.pageblocks[t] = v->pt_blocks->counts[t];
	}
}

static void compute_unusable(struct pi_zone_view *v, unsigned norders)
{
	if (!v->derived)
		return;
	for (unsigned k = 0; k < norders && k < PI_MAX_ORDERS; k++) {
		uint64_t suitable = 0;

		for (unsigned o = k; o < norders && o - k < 64; o++)
			suitable += v->buddy->free[o] << o;
		v->headroom.unusable_pages[k] = v->derived->free_pages - suitable;
	}
}

static void compute_alloc_ok(struct pi_zone_view *v, const struct pi_zone_view *all, size_t first,
			     size_t count, const struct pi_snapshot *s, unsigned norders)
{
	const struct pi_pagetypeinfo *p =
	    s->data[PI_SRC_PAGETYPEINFO] ? s->data[PI_SRC_PAGETYPEINFO]->u.pagetype : NULL;
	const struct pi_zi_zone *z = v->zi;
	const struct pi_zi_kv *cma;
	const struct pi_opt_u64 *marks[PI_WMARK_COUNT] = {&z->min, &z->low, &z->high};
	int normal = -1;
	unsigned n;
	int64_t prot, free_cma;

	memset(v->alloc_ok, PI_UNKNOWN, sizeof(v->alloc_ok));
	v->alloc_ok_known = false;
	for (size_t i = first; i < first + count; i++)
		if (!strcmp(all[i].zone, "Normal"))
			normal = all[i].zi_index;
	/* A GFP_KERNEL request never uses zones above Normal. */
	if (normal >= 0 && v->zi_index > normal)
		return;
	n = normal >= 0 ? (unsigned)normal : (unsigned)v->zi_index;
	if (!v->buddy || z->pages_free.state != PI_OK || n >= z->nprotection)
		return;
	for (int w = 0; w < PI_WMARK_COUNT; w++)
		if (marks[w]->state != PI_OK)
			return;
	prot = z->protection[n];
	cma = pi_zi_stat(z, "nr_free_cma");
	free_cma = cma ? (int64_t)cma->value : 0;
	for (unsigned k = 0; k < norders && k < PI_MAX_ORDERS; k++) {
		bool block = k == 0 || suitable_block(v, p, norders, k);
		uint64_t blocks = usable_blocks(v, p, norders, k), allowed;

		for (int w = 0; w < PI_WMARK_COUNT; w++)
			v->alloc_ok[w][k] =
			    block && pi_watermark_ok((int64_t)z->pages_free.v, free_cma, k,
						     (int64_t)marks[w]->v, prot);
		allowed = pi_watermark_headroom((int64_t)z->pages_free.v, free_cma, k,
						(int64_t)z->low.v, prot);
		v->headroom.until_low[k] = allowed < blocks ? allowed : blocks;
	}
	v->alloc_ok_known = true;
	v->headroom.known = true;
}

int pi_zones_build(const struct pi_snapshot *s, struct pi_zones *ret)
{
	const struct pi_zoneinfo *zi =
	    s->data[PI_SRC_ZONEINFO] ? s->data[PI_SRC_ZONEINFO]->u.zoneinfo : NULL;
	const struct pi_srcdata *bd = s->data[PI_SRC_BUDDYINFO];
	const struct pi_buddyinfo *b = bd ? bd->u.buddy : NULL;
	const struct pi_pagetypeinfo *p =
	    s->data[PI_SRC_PAGETYPEINFO] ? s->data[PI_SRC_PAGETYPEINFO]->u.pagetype : NULL;
	struct pi_zones z = {0};
	size_t cap = (zi ? zi->nzones : 0) + (b ? b->nzones : 0);

	z.v = calloc(cap ? cap : 1, sizeof(*z.v));
	if (!z.v)
		return -ENOMEM;
	z.norders = b ? b->norders : 0;
	for (size_t i = 0; zi && i < zi->nzones; i++) {
		struct pi_zone_view *v = &z.v[z.n++];

		v->node = zi->zones[i].node;
		v->zone = zi->zones[i].zone;
		v->zi = &zi->zones[i];
		v->zi_index =
		    (i > 0 && zi->zones[i - 1].node == v->node) ? z.v[z.n - 2].zi_index + 1 : 0;
	}
	/* Zones buddyinfo lists that zoneinfo does not (or no zoneinfo at all). */
	for (size_t i = 0; b && i < b->nzones; i++) {
		bool known = false;

		for (size_t j = 0; j < z.n && !known; j++)
			known = z.v[j].node == b->zones[i].node &&
				!strcmp(z.v[j].zone, b->zones[i].zone);
		if (!known) {
			z.v[z.n].node = b->zones[i].node;
			z.v[z.n].zone = b->zones[i].zone;
			z.v[z.n].zi_index = -1;
			z.n++;
		}
	}
	for (size_t i = 0; i < z.n; i++) {
		struct pi_zone_view *v = &z.v[i];
		size_t bi;

		v->buddy = find_buddy(b, v->node, v->zone, &bi);
		if (v->buddy)
			v->derived = &bd->buddy_derived[bi];
		find_pagetype(p, v);
		fill_types(v, p);
		compute_unusable(v, z.norders);
		memset(v->alloc_ok, PI_UNKNOWN, sizeof(v->alloc_ok));
	}
	for (size_t i = 0; i < z.n;) {
		size_t j = i;

		while (j < z.n && z.v[j].node == z.v[i].node && z.v[j].zi)
			j++;
		for (size_t k = i; k < j; k++)
			compute_alloc_ok(&z.v[k], z.v, i, j - i, s, z.norders);
		i = j > i ? j : i + 1;
	}
	*ret = z;
	return 0;
}

void pi_zones_fini(struct pi_zones *z)
{
	free(z->v);
	*z = (struct pi_zones){0};
}
