/* Everything the HTTP server answers for one sample, shared by every request thread. Each
 * body is rendered on its first request (none while nobody asks: an idle daemon only samples)
 * and then served from here until the next sample. */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"
#include "snapshot.h"

enum pi_page {
	PI_PAGE_HEALTHZ,
	PI_PAGE_CPU,
	PI_PAGE_BUDDY,
	PI_PAGE_PAGETYPE,
	PI_PAGE_ZONES,
	PI_PAGE_IOMEM,
	PI_PAGE_KALLSYMS,
	PI_PAGE_SNAPSHOT,
	PI_PAGE_COUNT
};

/* An immutable, reference-counted response body. */
struct pi_blob {
	atomic_int refcnt;
	int status; /* HTTP status */
	size_t len;
	char data[];
};

struct pi_blob *pi_blob_new(const char *data, size_t len, int status);
struct pi_blob *pi_blob_ref(struct pi_blob *b);
struct pi_blob *pi_blob_unref(struct pi_blob *b);

struct pi_pages {
	atomic_int refcnt;
	struct pi_snapshot *snap;
	/* JSON documents, made on first request (pi_pages_page) under lock; the kallsyms summary
	 * is carried over to later samples while kallsyms is unchanged. */
	_Atomic(struct pi_blob *) page[PI_PAGE_COUNT];
	/* /proc/NAME renderings, made on first request and carried over to later samples
	 * while the source's data is unchanged (kallsyms: megabytes, re-read rarely). */
	pthread_mutex_t lock;
	struct pi_blob *proc[PI_SRC_COUNT];
	/* /metrics: [format][gzip], each rendered on its first request (under lock) and then
	 * served from here until the next sample: at most one rendering per sample, none while
	 * nobody scrapes. */
	const struct pi_metrics_opts *metrics_opts; /* not owned; NULL: everything */
	_Atomic(struct pi_blob *) metrics[2][2];
};

/* The pages of `snap` (takes a reference), none rendered yet. `prev` (may be NULL) donates
 * renderings that are still valid. */
struct pi_pages *pi_pages_new(struct pi_snapshot *snap, struct pi_pages *prev);
/* The same with the /metrics options (which must outlive the pages); pi_pages_new() takes
 * prev's. */
struct pi_pages *pi_pages_new_opts(struct pi_snapshot *snap, struct pi_pages *prev,
				   const struct pi_metrics_opts *metrics_opts);
/* /metrics in format f, gzip-compressed or not; NULL with *ret_status 500 when it cannot be
 * rendered. Returns a new reference. */
struct pi_blob *pi_pages_metrics(struct pi_pages *p, enum pi_metrics_format f, bool gzip,
				 int *ret_status);
/* A JSON document of this sample, rendered if it is the first request for it; a 503 body
 * when its source has no data. NULL only when rendering failed (out of memory). Returns a
 * new reference. */
struct pi_blob *pi_pages_page(struct pi_pages *p, enum pi_page page);
struct pi_pages *pi_pages_ref(struct pi_pages *p);
struct pi_pages *pi_pages_unref(struct pi_pages *p);
/* The /proc/NAME text of a source, rendered from the model; NULL with *ret_status set when
 * the source has no data (503) or cannot be rendered (500). Returns a new reference. */
struct pi_blob *pi_pages_proc(struct pi_pages *p, enum pi_src src, int *ret_status);
/* A JSON body from a cJSON tree (consumed). */
struct pi_blob *pi_blob_json(void *cjson, int status);
