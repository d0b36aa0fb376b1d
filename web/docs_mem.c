/* /api/v1/buddy, /api/v1/pagetype and /api/v1/zones. */
#include <string.h>

#include "docs.h"
#include "docs_int.h"
#include "jsonw.h"
#include "zones.h"

static cJSON *counts_array(const uint64_t *v, unsigned n)
{
	cJSON *a = cJSON_CreateArray();

	for (unsigned k = 0; k < n; k++)
		pi_jw_u64(a, NULL, v[k]);
	return a;
}

static void buddy_fields(cJSON *z, const struct pi_buddy_zone *bz, const struct pi_buddy_derived *d,
			 unsigned norders, long page_size)
{
	cJSON *a;

	cJSON_AddItemToObject(z, "free_blocks", counts_array(bz->free, norders));
	pi_jw_u64(z, "free_pages", d->free_pages);
	pi_jw_u64(z, "free_bytes", d->free_pages * (uint64_t)page_size);
	if (d->largest_free_order >= 0)
		pi_jw_i64(z, "largest_free_order", d->largest_free_order);
	else
		pi_jw_null(z, "largest_free_order");
	a = cJSON_AddArrayToObject(z, "unusable_index");
	for (unsigned k = 0; k < norders; k++)
		pi_jw_fixed(a, NULL, d->unusable[k], 3);
	a = cJSON_AddArrayToObject(z, "fragmentation_index");
	for (unsigned k = 0; k < norders; k++)
		pi_jw_fixed(a, NULL, d->fragmentation[k], 3);
}

cJSON *pi_doc_buddy(const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_BUDDYINFO];
	const struct pi_buddyinfo *b;
	cJSON *o, *zones;

	if (!d)
		return NULL;
	b = d->u.buddy;
	o = cJSON_CreateObject();
	pi_doc_stamp(o, s, PI_SRC_BUDDYINFO);
	pi_jw_i64(o, "page_size", s->page_size);
	pi_jw_u64(o, "orders", b->norders);
	zones = cJSON_AddArrayToObject(o, "zones");
	for (size_t i = 0; i < b->nzones; i++) {
		cJSON *z = cJSON_CreateObject();

		pi_jw_i64(z, "node", b->zones[i].node);
		pi_jw_str(z, "zone", b->zones[i].zone);
		buddy_fields(z, &b->zones[i], &d->buddy_derived[i], b->norders, s->page_size);
		cJSON_AddItemToArray(zones, z);
	}
	return o;
}

/* {"free_blocks": {TYPE: [..]}, "pageblocks": {TYPE: n}} for one zone; capped counts
 * (">100000") are listed in "free_blocks_capped": {TYPE: [order, ...]}. */
static void pagetype_fields(cJSON *z, const struct pi_pagetypeinfo *p,
			    const struct pi_pt_free_row *rows, const struct pi_pt_block_row *blocks)
{
	cJSON *fb, *capped = NULL, *pb;

	if (rows) {
		fb = cJSON_AddObjectToObject(z, "free_blocks");
		for (unsigned t = 0; t < p->ntypes; t++) {
			const struct pi_pt_free_row *r = &rows[t];
			cJSON *a = cJSON_AddArrayToObject(fb, p->types[r->type]);
			cJSON *c = NULL;

			for (unsigned k = 0; k < p->norders; k++) {
				pi_jw_u64(a, NULL, r->counts[k].n);
				if (!r->counts[k].capped)
					continue;
				if (!capped)
					capped = cJSON_CreateObject();
				if (!c)
					c = cJSON_AddArrayToObject(capped, p->types[r->type]);
				pi_jw_u64(c, NULL, k);
			}
		}
		if (capped)
			cJSON_AddItemToObject(z, "free_blocks_capped", capped);
	}
	if (blocks) {
		pb = cJSON_AddObjectToObject(z, "pageblocks");
		for (unsigned t = 0; t < p->ntypes; t++)
			pi_jw_u64(pb, p->types[t], blocks->counts[t]);
	}
}

cJSON *pi_doc_pagetype(const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_PAGETYPEINFO];
	const struct pi_pagetypeinfo *p;
	cJSON *o, *a;

	if (!d)
		return NULL;
	p = d->u.pagetype;
	o = cJSON_CreateObject();
	pi_doc_stamp(o, s, PI_SRC_PAGETYPEINFO);
	if (p->nnodes) {
		pi_jw_u64(o, "pageblock_order", p->nodes[0].pageblock_order);
		pi_jw_u64(o, "pages_per_block", p->nodes[0].pages_per_block);
	}
	pi_jw_u64(o, "orders", p->norders);
	a = cJSON_AddArrayToObject(o, "migrate_types");
	for (unsigned t = 0; t < p->ntypes; t++)
		pi_jw_str(a, NULL, p->types[t]);
	a = cJSON_AddArrayToObject(o, "zones");
	for (size_t n = 0; n < p->nnodes; n++) {
		const struct pi_pt_node *pn = &p->nodes[n];

		for (size_t i = 0; i + p->ntypes <= pn->nfree; i += p->ntypes) {
			const struct pi_pt_block_row *blocks = NULL;
			cJSON *z = cJSON_CreateObject();

			for (size_t j = 0; j < pn->nblocks; j++)
				if (pn->blocks[j].node == pn->free[i].node &&
				    !strcmp(pn->blocks[j].zone, pn->free[i].zone))
					blocks = &pn->blocks[j];
			pi_jw_i64(z, "node", pn->free[i].node);
			pi_jw_str(z, "zone", pn->free[i].zone);
			pagetype_fields(z, p, &pn->free[i], blocks);
			cJSON_AddItemToArray(a, z);
		}
	}
	return o;
}

static void opt(cJSON *o, const char *key, const struct pi_opt_u64 *v)
{
	if (v->state == PI_OK)
		pi_jw_u64(o, key, v->v);
	else
		pi_jw_null(o, key);
}

/* Headroom and migrate-type view of one zone (docs/api.md "Allocation headroom"). */
static void headroom_fields(cJSON *z, const struct pi_zone_view *v, const struct pi_snapshot *s,
			    unsigned norders, const struct pi_pagetypeinfo *p)
{
	uint64_t page = (uint64_t)s->page_size;
	unsigned pb_order = p && p->nnodes ? p->nodes[0].pageblock_order : 9;
	cJSON *h, *a;

	if (v->derived) {
		h = cJSON_AddObjectToObject(z, "headroom");
		a = cJSON_AddArrayToObject(h, "unusable_bytes");
		for (unsigned k = 0; k < norders; k++)
			pi_jw_u64(a, NULL, v->headroom.unusable_pages[k] * page);
		if (v->headroom.known) {
			a = cJSON_AddArrayToObject(h, "allocations_until_low");
			for (unsigned k = 0; k < norders; k++)
				pi_jw_u64(a, NULL, v->headroom.until_low[k]);
			pi_jw_u64(h, "pageblock_order", pb_order);
			if (pb_order < norders)
				pi_jw_u64(h, "huge_pages_until_low",
					  v->headroom.until_low[pb_order]);
		} else {
			pi_jw_null(h, "allocations_until_low");
		}
		/* A 1 GiB page needs 2^(30 - log2(page)) contiguous free pages, which only blocks
		 * of the largest order can form: an upper bound (adjacency is not visible). */
		if (norders && page) {
			unsigned top = norders - 1, gig = 0;

			while (gig < 63 && ((uint64_t)1 << gig) * page < (1ull << 30))
				gig++;
			pi_jw_u64(h, "gigantic_pages_upper_bound",
				  gig >= top && gig - top < 64
				      ? v->buddy->free[top] / ((uint64_t)1 << (gig - top))
				      : 0);
		}
	}
	if (v->types.known) {
		cJSON *m = cJSON_AddObjectToObject(z, "migrate"), *fb, *pb;
		int movable = pi_pagetypeinfo_find_type(p, "Movable");

		fb = cJSON_AddObjectToObject(m, "free_bytes");
		for (unsigned t = 0; t < p->ntypes; t++)
			pi_jw_u64(fb, p->types[t], v->types.free_pages[t] * page);
		pb = cJSON_AddObjectToObject(m, "pageblock_bytes");
		for (unsigned t = 0; t < p->ntypes; t++)
			pi_jw_u64(pb, p->types[t],
				  v->types.pageblocks[t] * p->nodes[0].pages_per_block * page);
		if (movable >= 0) {
			pi_jw_u64(m, "movable_free_bytes", v->types.free_pages[movable] * page);
			pi_jw_u64(m, "movable_pageblock_bytes",
				  v->types.pageblocks[movable] * p->nodes[0].pages_per_block *
				      page);
		}
		for (unsigned t = 0; t < p->ntypes; t++)
			if (v->types.capped[t]) {
				pi_jw_bool(m, "lower_bound", 1);
				break;
			}
	}
}

static void zone_fields(cJSON *z, const struct pi_zone_view *v, const struct pi_snapshot *s,
			unsigned norders)
{
	const struct pi_zi_zone *zi = v->zi;
	static const char *const wname[PI_WMARK_COUNT] = {"min", "low", "high"};
	const struct pi_pagetypeinfo *p =
	    s->data[PI_SRC_PAGETYPEINFO] ? s->data[PI_SRC_PAGETYPEINFO]->u.pagetype : NULL;

	if (zi) {
		const struct pi_zi_kv *cma = pi_zi_stat(zi, "nr_free_cma");
		cJSON *w, *a;

		opt(z, "start_pfn", &zi->start_pfn);
		opt(z, "spanned", &zi->spanned);
		opt(z, "present", &zi->present);
		opt(z, "managed", &zi->managed);
		opt(z, "free_pages", &zi->pages_free);
		w = cJSON_AddObjectToObject(z, "watermarks");
		opt(w, "min", &zi->min);
		opt(w, "low", &zi->low);
		opt(w, "high", &zi->high);
		if (zi->promo.state == PI_OK)
			pi_jw_u64(w, "promo", zi->promo.v);
		if (zi->boost.state == PI_OK)
			pi_jw_u64(z, "watermark_boost", zi->boost.v);
		a = cJSON_AddArrayToObject(z, "protection");
		for (unsigned i = 0; i < zi->nprotection; i++)
			pi_jw_i64(a, NULL, zi->protection[i]);
		pi_jw_u64(z, "free_cma", cma ? cma->value : 0);
		if (zi->cma.state == PI_OK)
			pi_jw_u64(z, "cma", zi->cma.v);
		pi_jw_bool(z, "populated", zi->populated);
	}
	if (v->buddy) {
		cJSON_AddItemToObject(z, "free_blocks", counts_array(v->buddy->free, norders));
		pi_jw_u64(z, "buddy_free_pages", v->derived->free_pages);
		if (v->derived->largest_free_order >= 0)
			pi_jw_i64(z, "largest_free_order", v->derived->largest_free_order);
		else
			pi_jw_null(z, "largest_free_order");
	}
	if (v->pt_free || v->pt_blocks)
		pagetype_fields(cJSON_AddObjectToObject(z, "pagetype"), p, v->pt_free,
				v->pt_blocks);
	headroom_fields(z, v, s, norders, p);
	if (!v->alloc_ok_known) {
		pi_jw_null(z, "alloc_ok");
	} else {
		cJSON *ok = cJSON_AddObjectToObject(z, "alloc_ok");

		for (int w = 0; w < PI_WMARK_COUNT; w++) {
			cJSON *a = cJSON_AddArrayToObject(ok, wname[w]);

			for (unsigned k = 0; k < norders; k++)
				pi_jw_bool(a, NULL, v->alloc_ok[w][k] == PI_TRUE);
		}
	}
}

/* The zone model joins three files read at different times: each one's sampled_at, and
 * "stale" with the error while its last read failed. */
static void inputs(cJSON *o, const struct pi_snapshot *s)
{
	static const enum pi_src srcs[] = {PI_SRC_ZONEINFO, PI_SRC_BUDDYINFO, PI_SRC_PAGETYPEINFO};
	cJSON *in = cJSON_AddObjectToObject(o, "inputs");

	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		const struct pi_srcdata *d = s->data[srcs[i]];
		cJSON *x;

		if (!d)
			continue;
		x = cJSON_AddObjectToObject(in, pi_src_names[srcs[i]]);
		pi_jw_time(x, "sampled_at", d->sampled_at);
		if (s->status[srcs[i]].state == PI_SRC_FAILED) {
			pi_jw_bool(x, "stale", 1);
			pi_jw_str(x, "error", s->status[srcs[i]].error);
		}
	}
}

cJSON *pi_doc_zones(const struct pi_snapshot *s)
{
	const struct pi_zones *zs = s->zones;
	cJSON *o, *a;
	enum pi_src stamp = s->data[PI_SRC_ZONEINFO] ? PI_SRC_ZONEINFO : PI_SRC_BUDDYINFO;

	if (!s->data[PI_SRC_ZONEINFO] && !s->data[PI_SRC_BUDDYINFO])
		return NULL;
	if (!zs)
		return NULL;
	o = cJSON_CreateObject();
	pi_doc_stamp(o, s, stamp);
	pi_jw_i64(o, "page_size", s->page_size);
	inputs(o, s);
	a = cJSON_AddArrayToObject(o, "zones");
	for (size_t i = 0; i < zs->n; i++) {
		cJSON *z = cJSON_CreateObject();

		pi_jw_i64(z, "node", zs->v[i].node);
		pi_jw_str(z, "zone", zs->v[i].zone);
		zone_fields(z, &zs->v[i], s, zs->norders);
		cJSON_AddItemToArray(a, z);
	}
	return o;
}
