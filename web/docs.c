/* /healthz, /api/v1/iomem, /api/v1/kallsyms (+ lookup), /api/v1/snapshot, errors. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "docs.h"
#include "docs_int.h"
#include "jsonw.h"
#include "kimage.h"
#include "physmap.h"

void pi_doc_stamp(cJSON *o, const struct pi_snapshot *s, enum pi_src src)
{
	const struct pi_srcdata *d = s->data[src];
	const struct pi_src_status *st = &s->status[src];

	pi_jw_time(o, "sampled_at", d ? d->sampled_at : s->sampled_at);
	if (st->state == PI_SRC_FAILED) {
		pi_jw_bool(o, "stale", 1);
		pi_jw_str(o, "error", st->error);
	}
}

cJSON *pi_doc_error(int status, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");

	pi_jw_i64(e, "status", status);
	pi_jw_str(e, "message", message);
	return o;
}

cJSON *pi_doc_healthz(const struct pi_snapshot *s)
{
	cJSON *o = cJSON_CreateObject(), *srcs;

	pi_jw_str(o, "status", pi_snapshot_healthy(s) ? "ok" : "degraded");
	pi_jw_time(o, "sampled_at", s->sampled_at);
	pi_jw_u64(o, "sample", s->seq);
	srcs = cJSON_AddObjectToObject(o, "sources");
	for (int i = 0; i < PI_SRC_COUNT; i++) {
		const struct pi_src_status *st = &s->status[i];
		const struct pi_srcdata *d = s->data[i];
		cJSON *x = cJSON_AddObjectToObject(srcs, pi_src_names[i]);

		pi_jw_bool(x, "ok", st->state == PI_SRC_OK);
		if (st->state == PI_SRC_FAILED)
			pi_jw_str(x, "error", st->error);
		else if (st->state == PI_SRC_UNREAD)
			pi_jw_str(x, "error", "not read yet");
		else
			pi_jw_null(x, "error");
		if (d)
			pi_jw_time(x, "sampled_at", d->sampled_at);
		else
			pi_jw_null(x, "sampled_at");
		pi_jw_bool(x, "optional", pi_src_optional((enum pi_src)i));
		if (st->state == PI_SRC_FAILED)
			pi_jw_bool(x, "stale", d != NULL);
		if (d) {
			pi_jw_u64(x, "bytes", d->raw_len);
			pi_jw_fixed(x, "read_ms", (int64_t)(d->read_ns / 1000), 3);
			pi_jw_fixed(x, "parse_ms", (int64_t)(d->parse_ns / 1000), 3);
		}
		pi_jw_u64(x, "failures", st->failures);
		pi_jw_u64(x, "parse_failures", st->parse_failures);
		pi_jw_fixed(x, "read_seconds_total", (int64_t)(st->read_ns_total / 1000), 6);
		pi_jw_fixed(x, "parse_seconds_total", (int64_t)(st->parse_ns_total / 1000), 6);
	}
	return o;
}

static cJSON *iomem_node(const struct pi_iomem *m, long i, bool hidden)
{
	const struct pi_iomem_res *r = &m->res[i];
	cJSON *o = cJSON_CreateObject(), *kids;

	pi_jw_addr(o, "start", r->start);
	pi_jw_addr(o, "end", r->end);
	if (hidden)
		pi_jw_null(o, "size");
	else
		pi_jw_u64(o, "size", r->end >= r->start ? r->end - r->start + 1 : 0);
	pi_jw_strn(o, "name", r->name, r->name_len);
	kids = cJSON_AddArrayToObject(o, "children");
	for (long c = r->first_child; c >= 0; c = m->res[c].next_sibling)
		cJSON_AddItemToArray(kids, iomem_node(m, c, hidden));
	return o;
}

static void physmap_fields(cJSON *o, cJSON *sum, const struct pi_snapshot *s);

cJSON *pi_doc_iomem(const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_IOMEM];
	const struct pi_iomem *m;
	cJSON *o, *a, *sum;
	uint64_t ram = 0;

	if (!d)
		return NULL;
	m = d->u.iomem;
	o = cJSON_CreateObject();
	pi_doc_stamp(o, s, PI_SRC_IOMEM);
	pi_jw_bool(o, "addresses_hidden", m->addresses_hidden);
	a = cJSON_AddArrayToObject(o, "resources");
	for (size_t i = 0; i < m->n; i++) {
		const struct pi_iomem_res *r = &m->res[i];

		if (r->parent != -1)
			continue;
		cJSON_AddItemToArray(a, iomem_node(m, (long)i, m->addresses_hidden));
		if (r->name_len == 10 && !memcmp(r->name, "System RAM", 10) && r->end >= r->start)
			ram += r->end - r->start + 1;
	}
	sum = cJSON_AddObjectToObject(o, "summary");
	if (m->addresses_hidden)
		pi_jw_null(sum, "system_ram_bytes");
	else
		pi_jw_u64(sum, "system_ram_bytes", ram);
	pi_jw_u64(sum, "resources", m->n);
	physmap_fields(o, sum, s);
	return o;
}

static void range_obj(cJSON *o, const char *key, const struct pi_range *r)
{
	cJSON *x;

	if (!r->present) {
		pi_jw_null(o, key);
		return;
	}
	x = cJSON_CreateObject();
	if (cJSON_IsArray(o))
		cJSON_AddItemToArray(o, x);
	else
		cJSON_AddItemToObject(o, key, x);
	pi_jw_addr(x, "start", r->start);
	pi_jw_addr(x, "end", r->end);
	pi_jw_u64(x, "size", r->end >= r->start ? r->end - r->start + 1 : 0);
}

/* Totals per kind, the kernel image, holes, and the zones laid over the map. */
static void physmap_fields(cJSON *o, cJSON *sum, const struct pi_snapshot *s)
{
	struct pi_physmap pm;
	cJSON *by, *ki, *a;

	if (pi_physmap_build(s, &pm) < 0)
		return;
	by = cJSON_AddObjectToObject(sum, "by_kind");
	for (int k = 0; k < PI_RES_KINDS; k++) {
		cJSON *x = cJSON_AddObjectToObject(by, pi_res_kind_names[k]);

		pi_jw_u64(x, "count", pm.count[k]);
		if (pm.hidden)
			pi_jw_null(x, "bytes");
		else
			pi_jw_u64(x, "bytes", pm.bytes[k]);
	}
	if (!pm.hidden) {
		pi_jw_u64(sum, "hole_bytes", pm.hole_bytes);
		pi_jw_addr(sum, "max_address", pm.max_addr);
		pi_jw_u64(sum, "crash_kernel_bytes", pm.crash_kernel_bytes);
	}
	ki = cJSON_AddObjectToObject(o, "kernel_image");
	for (int k = 0; k < PI_KIMG_SECS; k++)
		if (pm.hidden)
			pi_jw_null(ki, pi_kimage_sec_names[k]);
		else
			range_obj(ki, pi_kimage_sec_names[k], &pm.kimage[k]);
	if (!pm.hidden && pm.kimage[PI_KIMG_CODE].present)
		pi_jw_addr(ki, "physical_load_address", pm.kimage[PI_KIMG_CODE].start);
	a = cJSON_AddArrayToObject(o, "holes");
	for (size_t i = 0; i < pm.nholes; i++)
		range_obj(a, NULL, &pm.holes[i]);
	a = cJSON_AddArrayToObject(o, "zones");
	for (size_t i = 0; i < pm.nzones; i++) {
		const struct pi_zone_span *z = &pm.zones[i];
		cJSON *x = cJSON_CreateObject();

		pi_jw_i64(x, "node", z->node);
		pi_jw_str(x, "zone", z->zone);
		range_obj(x, "phys", &z->phys);
		pi_jw_u64(x, "present_bytes", z->present_bytes);
		if (pm.hidden || !z->phys.present)
			pi_jw_null(x, "system_ram_bytes");
		else
			pi_jw_u64(x, "system_ram_bytes", z->ram_bytes);
		cJSON_AddItemToArray(a, x);
	}
	pi_physmap_fini(&pm);
}

cJSON *pi_doc_kallsyms(const struct pi_snapshot *s)
{
	const struct pi_srcdata *d = s->data[PI_SRC_KALLSYMS];
	const struct pi_kallsyms *k;
	const struct pi_kimage *ki;
	cJSON *o, *t, *mods;

	if (!d)
		return NULL;
	k = d->u.kallsyms;
	ki = &d->kimage;
	o = cJSON_CreateObject();
	pi_doc_stamp(o, s, PI_SRC_KALLSYMS);
	pi_jw_u64(o, "count", k->n);
	pi_jw_bool(o, "addresses_hidden", k->addresses_hidden);
	t = cJSON_AddObjectToObject(o, "by_type");
	for (int c = 0; c < 128; c++) {
		char key[2] = {(char)c, 0};

		if (ki->by_type[c])
			pi_jw_u64(t, key, ki->by_type[c]);
	}
	{
		cJSON *kern = cJSON_AddObjectToObject(o, "kernel");

		pi_jw_u64(kern, "address_bits", k->addr_width * 4u);
		if (strcmp(ki->arch_guess, "x86_64") == 0)
			pi_jw_str(kern, "architecture", ki->arch_guess);
		else
			pi_jw_null(kern, "architecture");
		for (int sct = 0; sct < PI_KV_SECS; sct++) {
			const struct pi_vrange *v = &ki->sec[sct];
			cJSON *x;

			if (!v->present) {
				pi_jw_null(kern, pi_kvsec_names[sct]);
				continue;
			}
			x = cJSON_AddObjectToObject(kern, pi_kvsec_names[sct]);
			pi_jw_addr(x, "start", v->start);
			pi_jw_addr(x, "end", v->end);
			pi_jw_u64(x, "size", v->end - v->start);
		}
		if (ki->has_text)
			pi_jw_addr(kern, "_text", ki->text);
		else
			pi_jw_null(kern, "_text");
		if (ki->has_kaslr) {
			char slide[24];

			snprintf(slide, sizeof(slide), "%s0x%llx", ki->kaslr_slide < 0 ? "-" : "",
				 (unsigned long long)(ki->kaslr_slide < 0
							  ? -(uint64_t)ki->kaslr_slide
							  : (uint64_t)ki->kaslr_slide));
			pi_jw_str(kern, "kaslr_slide", slide);
		} else {
			pi_jw_null(kern, "kaslr_slide");
		}
		mods = cJSON_AddArrayToObject(o, "modules");
		for (size_t i = 0; i < ki->nmods; i++) {
			const struct pi_kmod *km = &k->modules[ki->mods[i].module];
			cJSON *m = cJSON_CreateObject();

			pi_jw_strn(m, "name", k->text + km->name_off, km->name_len);
			pi_jw_u64(m, "count", km->count);
			if (!k->addresses_hidden && ki->mods[i].count) {
				pi_jw_addr(m, "lowest", ki->mods[i].lo);
				pi_jw_addr(m, "highest", ki->mods[i].hi);
			}
			cJSON_AddItemToArray(mods, m);
		}
	}
	return o;
}

static void add_doc(cJSON *o, const char *key, cJSON *doc)
{
	if (doc)
		cJSON_AddItemToObject(o, key, doc);
	else
		pi_jw_null(o, key);
}

cJSON *pi_doc_snapshot(const struct pi_snapshot *s)
{
	return pi_doc_snapshot_with(s, NULL);
}

cJSON *pi_doc_snapshot_with(const struct pi_snapshot *s, const char *kallsyms_json)
{
	cJSON *o = cJSON_CreateObject();

	pi_jw_time(o, "sampled_at", s->sampled_at);
	add_doc(o, "cpu", pi_doc_cpu(s));
	add_doc(o, "buddy", pi_doc_buddy(s));
	add_doc(o, "pagetype", pi_doc_pagetype(s));
	add_doc(o, "zones", pi_doc_zones(s));
	add_doc(o, "iomem", pi_doc_iomem(s));
	add_doc(o, "kallsyms", kallsyms_json ? cJSON_CreateRaw(kallsyms_json) : pi_doc_kallsyms(s));
	add_doc(o, "health", pi_doc_healthz(s));
	return o;
}

static cJSON *ksym_doc(const struct pi_kallsyms *k, const struct pi_ksymidx *x, size_t i)
{
	const struct pi_ksym *sym = &k->syms[i];
	cJSON *o = cJSON_CreateObject();
	uint64_t size = pi_ksymidx_size(x, i);

	pi_jw_strn(o, "symbol", pi_ksym_name(k, sym), sym->name_len);
	pi_jw_addr(o, "symbol_addr", sym->addr);
	if (size)
		pi_jw_addr(o, "size", size);
	else
		pi_jw_null(o, "size");
	pi_jw_strn(o, "type", &(char){(char)sym->type}, 1);
	if (sym->module)
		pi_jw_strn(o, "module", k->text + k->modules[sym->module].name_off,
			   k->modules[sym->module].name_len);
	else
		pi_jw_null(o, "module");
	return o;
}

static const struct pi_srcdata *ksyms_or_fail(const struct pi_snapshot *s, int *ret_status,
					      const char **ret_msg)
{
	const struct pi_srcdata *d = s->data[PI_SRC_KALLSYMS];

	if (!d || !d->ksymidx) {
		*ret_status = 503;
		*ret_msg = s->status[PI_SRC_KALLSYMS].state == PI_SRC_FAILED
			       ? s->status[PI_SRC_KALLSYMS].error
			       : "kallsyms not available";
		return NULL;
	}
	return d;
}

cJSON *pi_doc_ksym_by_addr(const struct pi_snapshot *s, uint64_t addr, int *ret_status,
			   const char **ret_msg)
{
	const struct pi_srcdata *d = ksyms_or_fail(s, ret_status, ret_msg);
	const struct pi_kallsyms *k;
	size_t i;
	cJSON *o, *doc;

	if (!d)
		return NULL;
	k = d->u.kallsyms;
	if (k->addresses_hidden) {
		*ret_status = 404;
		*ret_msg = "kallsyms addresses are hidden (kptr_restrict or no CAP_SYSLOG)";
		return NULL;
	}
	if (pi_ksymidx_by_addr(d->ksymidx, addr, &i) < 0) {
		*ret_status = 404;
		*ret_msg = "address lies below every symbol";
		return NULL;
	}
	doc = ksym_doc(k, d->ksymidx, i);
	o = cJSON_CreateObject();
	pi_jw_time(o, "sampled_at", d->sampled_at);
	pi_jw_addr(o, "addr", addr);
	for (cJSON *c = doc->child; c;) {
		cJSON *next = c->next;

		cJSON_AddItemToObject(o, c->string, cJSON_DetachItemViaPointer(doc, c));
		c = next;
	}
	cJSON_Delete(doc);
	pi_jw_addr(o, "offset", addr - k->syms[i].addr);
	return o;
}

cJSON *pi_doc_ksym_by_name(const struct pi_snapshot *s, const char *name, int *ret_status,
			   const char **ret_msg)
{
	const struct pi_srcdata *d = ksyms_or_fail(s, ret_status, ret_msg);
	const struct pi_kallsyms *k;
	size_t i;
	cJSON *o;

	if (!d)
		return NULL;
	k = d->u.kallsyms;
	if (pi_ksymidx_by_name(d->ksymidx, name, strlen(name), &i) < 0) {
		*ret_status = 404;
		*ret_msg = "no such symbol";
		return NULL;
	}
	o = ksym_doc(k, d->ksymidx, i);
	pi_jw_time(o, "sampled_at", d->sampled_at);
	pi_jw_addr(o, "addr", k->syms[i].addr);
	return o;
}
