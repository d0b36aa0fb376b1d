#include "pages.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "docs.h"

/* A rendered /proc file larger than this is refused (kallsyms of a big host is ~20 MB). */
#define PROC_RENDER_MAX (256u << 20)

struct pi_blob *pi_blob_new(const char *data, size_t len, int status)
{
	struct pi_blob *b = malloc(sizeof(*b) + len + 1);

	if (!b)
		return NULL;
	atomic_init(&b->refcnt, 1);
	b->status = status;
	b->len = len;
	if (len)
		memcpy(b->data, data, len);
	b->data[len] = '\0';
	return b;
}

struct pi_blob *pi_blob_ref(struct pi_blob *b)
{
	if (b)
		atomic_fetch_add(&b->refcnt, 1);
	return b;
}

struct pi_blob *pi_blob_unref(struct pi_blob *b)
{
	if (b && atomic_fetch_sub(&b->refcnt, 1) == 1)
		free(b);
	return NULL;
}

struct pi_blob *pi_blob_json(void *cjson, int status)
{
	cJSON *j = cjson;
	char *text;
	struct pi_blob *b;

	if (!j)
		return NULL;
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!text)
		return NULL;
	b = pi_blob_new(text, strlen(text), status);
	cJSON_free(text);
	return b;
}

static struct pi_blob *unavailable(const struct pi_snapshot *s, enum pi_src src)
{
	const struct pi_src_status *st = &s->status[src];
	char msg[300];

	snprintf(msg, sizeof(msg), "%s: %s", pi_src_names[src],
		 st->state == PI_SRC_FAILED ? st->error : "not read yet");
	return pi_blob_json(pi_doc_error(503, msg), 503);
}

/* A /metrics rendering larger than this is refused (a 480-CPU host renders ~0.25 MB). */
#define METRICS_RENDER_MAX (64u << 20)

/* p->metrics[f][gz], rendered if missing; the caller holds p->lock. */
static struct pi_blob *metrics_variant(struct pi_pages *p, enum pi_metrics_format f, bool gz)
{
	struct pi_blob *b = atomic_load_explicit(&p->metrics[f][gz], memory_order_relaxed);
	struct pi_blob *plain = NULL;
	struct pi_buf out;

	if (b)
		return b;
	pi_buf_init(&out, METRICS_RENDER_MAX);
	if (!gz) {
		if (pi_metrics_render(p->snap, p->metrics_opts, f, &out) == 0)
			b = pi_blob_new(out.data, out.len, 200);
	} else if ((plain = metrics_variant(p, f, false)) &&
		   pi_metrics_gzip(plain->data, plain->len, &out) == 0) {
		b = pi_blob_new(out.data, out.len, 200);
	}
	pi_buf_fini(&out);
	atomic_store_explicit(&p->metrics[f][gz], b, memory_order_release);
	return b;
}

struct pi_blob *pi_pages_metrics(struct pi_pages *p, enum pi_metrics_format f, bool gzip,
				 int *ret_status)
{
	/* Once rendered, a variant never changes: no lock on the fast path. */
	struct pi_blob *b = atomic_load_explicit(&p->metrics[f][gzip], memory_order_acquire);

	if (b)
		return pi_blob_ref(b);
	pthread_mutex_lock(&p->lock);
	b = pi_blob_ref(metrics_variant(p, f, gzip));
	pthread_mutex_unlock(&p->lock);
	if (!b)
		*ret_status = 500;
	return b;
}

struct pi_pages *pi_pages_new(struct pi_snapshot *snap, struct pi_pages *prev)
{
	return pi_pages_new_opts(snap, prev, prev ? prev->metrics_opts : NULL);
}

/* Does source `src` show the same data and status in both samples? */
static bool same_source(const struct pi_snapshot *a, const struct pi_snapshot *b, enum pi_src src)
{
	return a->data[src] == b->data[src] && a->status[src].state == b->status[src].state &&
	       strcmp(a->status[src].error, b->status[src].error) == 0;
}

/* p->page[i], rendered if missing; the caller holds p->lock. */
static struct pi_blob *page_locked(struct pi_pages *p, enum pi_page i)
{
	static const struct {
		cJSON *(*build)(const struct pi_snapshot *);
		enum pi_src src; /* reported when the builder has nothing */
	} builders[PI_PAGE_COUNT] = {
	    [PI_PAGE_HEALTHZ] = {pi_doc_healthz, PI_SRC_STAT},
	    [PI_PAGE_CPU] = {pi_doc_cpu, PI_SRC_STAT},
	    [PI_PAGE_BUDDY] = {pi_doc_buddy, PI_SRC_BUDDYINFO},
	    [PI_PAGE_PAGETYPE] = {pi_doc_pagetype, PI_SRC_PAGETYPEINFO},
	    [PI_PAGE_ZONES] = {pi_doc_zones, PI_SRC_ZONEINFO},
	    [PI_PAGE_IOMEM] = {pi_doc_iomem, PI_SRC_IOMEM},
	    [PI_PAGE_KALLSYMS] = {pi_doc_kallsyms, PI_SRC_KALLSYMS},
	    [PI_PAGE_SNAPSHOT] = {pi_doc_snapshot, PI_SRC_STAT},
	};
	struct pi_blob *b = atomic_load_explicit(&p->page[i], memory_order_relaxed);
	cJSON *doc;

	if (b)
		return b;
	if (i == PI_PAGE_SNAPSHOT) {
		/* The snapshot embeds the kallsyms summary: shared with its own page. */
		struct pi_blob *k = page_locked(p, PI_PAGE_KALLSYMS);

		doc = pi_doc_snapshot_with(p->snap, k && k->status == 200 ? k->data : NULL);
	} else {
		doc = builders[i].build(p->snap);
	}
	b = doc ? pi_blob_json(doc, 200) : unavailable(p->snap, builders[i].src);
	atomic_store_explicit(&p->page[i], b, memory_order_release);
	return b;
}

struct pi_blob *pi_pages_page(struct pi_pages *p, enum pi_page i)
{
	/* Once rendered, a page never changes: no lock on the fast path. */
	struct pi_blob *b = atomic_load_explicit(&p->page[i], memory_order_acquire);

	if (b)
		return pi_blob_ref(b);
	pthread_mutex_lock(&p->lock);
	b = pi_blob_ref(page_locked(p, i));
	pthread_mutex_unlock(&p->lock);
	return b;
}

struct pi_pages *pi_pages_new_opts(struct pi_snapshot *snap, struct pi_pages *prev,
				   const struct pi_metrics_opts *metrics_opts)
{
	struct pi_pages *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	atomic_init(&p->refcnt, 1);
	pthread_mutex_init(&p->lock, NULL);
	p->snap = pi_snapshot_ref(snap);
	for (int i = 0; i < PI_PAGE_COUNT; i++)
		atomic_init(&p->page[i], NULL);
	for (int f = 0; f < 2; f++)
		for (int gz = 0; gz < 2; gz++)
			atomic_init(&p->metrics[f][gz], NULL);
	p->metrics_opts = metrics_opts;
	if (prev) {
		pthread_mutex_lock(&prev->lock);
		/* The kallsyms summary walks every symbol (half the daemon's CPU when rebuilt each
		 * sample): carried over while kallsyms is neither re-read nor its status changed.
		 */
		if (same_source(prev->snap, snap, PI_SRC_KALLSYMS))
			atomic_init(&p->page[PI_PAGE_KALLSYMS],
				    pi_blob_ref(atomic_load(&prev->page[PI_PAGE_KALLSYMS])));
		for (int i = 0; i < PI_SRC_COUNT; i++)
			if (prev->proc[i] && prev->snap->data[i] == snap->data[i])
				p->proc[i] = pi_blob_ref(prev->proc[i]);
		pthread_mutex_unlock(&prev->lock);
	}
	return p;
}

struct pi_pages *pi_pages_ref(struct pi_pages *p)
{
	if (p)
		atomic_fetch_add(&p->refcnt, 1);
	return p;
}

struct pi_pages *pi_pages_unref(struct pi_pages *p)
{
	if (!p || atomic_fetch_sub(&p->refcnt, 1) != 1)
		return NULL;
	for (int i = 0; i < PI_PAGE_COUNT; i++)
		pi_blob_unref(atomic_load(&p->page[i]));
	for (int i = 0; i < PI_SRC_COUNT; i++)
		pi_blob_unref(p->proc[i]);
	for (int f = 0; f < 2; f++)
		for (int gz = 0; gz < 2; gz++)
			pi_blob_unref(atomic_load(&p->metrics[f][gz]));
	pthread_mutex_destroy(&p->lock);
	pi_snapshot_unref(p->snap);
	free(p);
	return NULL;
}

static int render_src(const struct pi_srcdata *d, struct pi_buf *out)
{
	switch (d->src) {
	case PI_SRC_STAT:
		return pi_stat_render(d->u.stat, out);
	case PI_SRC_BUDDYINFO:
		return pi_buddyinfo_render(d->u.buddy, out);
	case PI_SRC_PAGETYPEINFO:
		return pi_pagetypeinfo_render(d->u.pagetype, out);
	case PI_SRC_ZONEINFO:
		return pi_zoneinfo_render(d->u.zoneinfo, out);
	case PI_SRC_IOMEM:
		return pi_iomem_render(d->u.iomem, out);
	case PI_SRC_KALLSYMS:
		return pi_kallsyms_render(d->u.kallsyms, out);
	case PI_SRC_SCHEDSTAT:
		return pi_schedstat_render(d->u.schedstat, out);
	case PI_SRC_LOADAVG:
		return pi_loadavg_render(&d->u.loadavg, out);
	case PI_SRC_PRESSURE_CPU:
	case PI_SRC_PRESSURE_MEMORY:
	case PI_SRC_PRESSURE_IO:
		return pi_pressure_render(&d->u.pressure, out);
	default:
		return -EINVAL;
	}
}

struct pi_blob *pi_pages_proc(struct pi_pages *p, enum pi_src src, int *ret_status)
{
	const struct pi_srcdata *d = p->snap->data[src];
	struct pi_blob *b;
	struct pi_buf out;

	if (!d) {
		*ret_status = 503;
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	if (!p->proc[src]) {
		pi_buf_init(&out, PROC_RENDER_MAX);
		if (pi_buf_reserve(&out, d->raw_len) == 0 && render_src(d, &out) == 0 && !out.err)
			p->proc[src] = pi_blob_new(out.data, out.len, 200);
		pi_buf_fini(&out);
	}
	b = pi_blob_ref(p->proc[src]);
	pthread_mutex_unlock(&p->lock);
	if (!b)
		*ret_status = 500;
	return b;
}
