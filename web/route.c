#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "assets.h"
#include "docs.h"
#include "tar.h"

#define MAX_QUERY_LEN 512

static const struct {
	const char *path;
	enum pi_page page;
} routes[] = {
    {"/healthz", PI_PAGE_HEALTHZ},	    {"/api/v1/cpu", PI_PAGE_CPU},
    {"/api/v1/buddy", PI_PAGE_BUDDY},	    {"/api/v1/pagetype", PI_PAGE_PAGETYPE},
    {"/api/v1/zones", PI_PAGE_ZONES},	    {"/api/v1/iomem", PI_PAGE_IOMEM},
    {"/api/v1/kallsyms", PI_PAGE_KALLSYMS}, {"/api/v1/snapshot", PI_PAGE_SNAPSHOT},
};

/* /proc/NAME serves these renderings; the name is matched against this list only. */
static const enum pi_src proc_files[] = {
    PI_SRC_STAT,	PI_SRC_BUDDYINFO,    PI_SRC_PAGETYPEINFO,
    PI_SRC_IOMEM,	PI_SRC_KALLSYMS,     PI_SRC_ZONEINFO,
    PI_SRC_LOADAVG,	PI_SRC_PRESSURE_CPU, PI_SRC_PRESSURE_MEMORY,
    PI_SRC_PRESSURE_IO, PI_SRC_SCHEDSTAT,
};

static void json(struct pi_resp *out, cJSON *doc, int status)
{
	out->status = status;
	out->body = pi_blob_json(doc, status);
	out->ctype = "application/json";
}

static void error(struct pi_resp *out, int status, const char *msg)
{
	json(out, pi_doc_error(status, msg), status);
}

/* "0x" + hex digits, or plain hex digits; at most 64 bits. */
static int parse_addr(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void lookup(struct pi_pages *p, const struct pi_req *r, struct pi_resp *out)
{
	const char *addr = r->arg(r->ctx, "addr");
	const char *name = r->arg(r->ctx, "name");
	const char *msg = NULL;
	int status = 500;
	cJSON *doc;
	uint64_t a;

	if ((addr != NULL) == (name != NULL)) {
		error(out, 400, "give exactly one of ?addr=0x... or ?name=...");
		return;
	}
	if (addr) {
		if (strlen(addr) > MAX_QUERY_LEN || parse_addr(addr, &a) < 0) {
			error(out, 400, "addr must be a hexadecimal address (0x...)");
			return;
		}
		doc = pi_doc_ksym_by_addr(p->snap, a, &status, &msg);
	} else {
		if (strlen(name) == 0 || strlen(name) > 1024) {
			error(out, 400, "name must be 1 to 1024 bytes");
			return;
		}
		doc = pi_doc_ksym_by_name(p->snap, name, &status, &msg);
	}
	if (!doc) {
		error(out, status, msg ? msg : "lookup failed");
		return;
	}
	json(out, doc, 200);
}

/* ?prefix=P (1 to 1024 bytes) &limit=N (1 to 1000, default 50) */
static void ksearch(struct pi_pages *p, const struct pi_req *r, struct pi_resp *out)
{
	const char *prefix = r->arg(r->ctx, "prefix"), *limit_s = r->arg(r->ctx, "limit");
	const char *msg = NULL;
	unsigned long limit = 50;
	int status = 500;
	cJSON *doc;

	if (!prefix || strlen(prefix) == 0 || strlen(prefix) > 1024) {
		error(out, 400, "prefix must be 1 to 1024 bytes");
		return;
	}
	if (limit_s) {
		char *end;

		limit = strtoul(limit_s, &end, 10);
		if (*limit_s < '0' || *limit_s > '9' || *end != '\0' || limit < 1 || limit > 1000) {
			error(out, 400, "limit must be 1 to 1000");
			return;
		}
	}
	doc = pi_doc_ksym_search(p->snap, prefix, strlen(prefix), limit, &status, &msg);
	if (!doc) {
		error(out, status, msg ? msg : "search failed");
		return;
	}
	json(out, doc, 200);
}

/* A strong ETag from the body's bytes (FNV-1a, 64 bits): equal bodies, equal tags, so a poller
 * sending If-None-Match gets 304 while a document is unchanged. */
static void body_etag(struct pi_resp *out)
{
	uint64_t h = 0xcbf29ce484222325ull;

	if (!out->body || out->status != 200)
		return;
	for (size_t i = 0; i < out->body->len; i++)
		h = (h ^ (unsigned char)out->body->data[i]) * 0x100000001b3ull;
	snprintf(out->etag, sizeof(out->etag), "\"%016llx\"", (unsigned long long)h);
}

/* The dashboard's files (web/ui/dist): their names carry no version, index.html asks for them
 * with ?v=HASH, so they can be cached for good. */
static void serve_asset(const char *url, struct pi_resp *out)
{
	const struct pi_asset *a = pi_asset_find(url);

	if (!a) {
		error(out, 404, "not found");
		return;
	}
	out->status = 200;
	out->body = pi_blob_new((const char *)a->data, a->len, 200);
	out->ctype = a->ctype;
	out->cache = "public, max-age=31536000, immutable";
	snprintf(out->etag, sizeof(out->etag), "%s", a->etag);
}

static void serve_proc(struct pi_pages *p, const char *name, struct pi_resp *out)
{
	for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++) {
		enum pi_src src = proc_files[i];
		int status = 500;
		char msg[300];

		if (strcmp(name, pi_src_names[src]) != 0)
			continue;
		out->body = pi_pages_proc(p, src, &status);
		if (out->body) {
			out->status = 200;
			out->ctype = "text/plain; charset=utf-8";
			/* The last good data while the source fails: say so (RFC 7234 110). */
			if (p->snap->status[src].state == PI_SRC_FAILED)
				out->warning =
				    "110 - \"stale: the source's last read failed, see /healthz\"";
			return;
		}
		snprintf(msg, sizeof(msg), "%s: %s", pi_src_names[src],
			 status == 503 ? (p->snap->status[src].state == PI_SRC_FAILED
					      ? p->snap->status[src].error
					      : "not read yet")
				       : "cannot render");
		error(out, status, msg);
		return;
	}
	error(out, 404, "no such procfs file is served");
}

/* /metrics: OpenMetrics or 0.0.4 text by Accept, gzip by Accept-Encoding; every variant is
 * rendered at most once per sample (pi_pages_metrics). */
static void metrics(struct pi_pages *p, const struct pi_req *r, struct pi_resp *out)
{
	const char *accept = r->header ? r->header(r->ctx, "Accept") : NULL;
	const char *ae = r->header ? r->header(r->ctx, "Accept-Encoding") : NULL;
	enum pi_metrics_format f = pi_metrics_negotiate(accept);
	bool gz = pi_metrics_accepts_gzip(ae);
	int status = 500;

	out->body = pi_pages_metrics(p, f, gz, &status);
	if (!out->body) {
		error(out, status, "cannot render the metrics");
		return;
	}
	out->status = 200;
	out->ctype =
	    f == PI_METRICS_OPENMETRICS ? PI_METRICS_CTYPE_OPENMETRICS : PI_METRICS_CTYPE_TEXT;
	out->encoding = gz ? "gzip" : NULL;
	out->vary = "Accept, Accept-Encoding";
}

int pi_route_wants_body(const char *method, const char *url)
{
	return !strcmp(method, "POST") && !strcmp(url, "/api/v1/kallsyms/symbolize");
}

static void symbolize(struct pi_pages *p, const struct pi_req *r, struct pi_resp *out)
{
	int status = 500;
	const char *msg = NULL;
	cJSON *doc = pi_doc_symbolize(p->snap, r->body ? r->body : "", r->body ? r->body_len : 0,
				      &status, &msg);

	if (!doc) {
		error(out, status, msg ? msg : "symbolize failed");
		return;
	}
	json(out, doc, 200);
}

/* ?series=a,b,c (names or dotted prefixes, at most 64) &since=UNIX_TIME */
static void history(struct pi_history *h, const struct pi_req *r, struct pi_resp *out)
{
	const char *series = r->arg(r->ctx, "series"), *since_s = r->arg(r->ctx, "since");
	const char *select[64];
	char buf[MAX_QUERY_LEN + 1], *save = NULL, *tok;
	size_t nselect = 0;
	double since = 0;
	cJSON *doc;

	if (!h) {
		error(out, 503, "history is disabled");
		return;
	}
	if (since_s) {
		char *end;

		since = strtod(since_s, &end);
		if (*since_s == '\0' || *end != '\0' || !(since >= 0 && since < 1e11)) {
			error(out, 400, "since must be a Unix time in seconds");
			return;
		}
	}
	if (series) {
		if (strlen(series) > MAX_QUERY_LEN) {
			error(out, 400, "series selector too long");
			return;
		}
		strcpy(buf, series);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (nselect == 64) {
				error(out, 400, "at most 64 series selectors");
				return;
			}
			select[nselect++] = tok;
		}
	}
	doc = pi_doc_history(h, select, nselect, since, series == NULL);
	if (!doc) {
		error(out, 500, "out of memory");
		return;
	}
	json(out, doc, 200);
}

/* The current model rendered back into a procfs tree, as a tar: proc/<file>. Sources without
 * data are left out; "--procfs-root" replays the unpacked tree. */
static void capture_tar(struct pi_pages *p, struct pi_resp *out)
{
	uint64_t mtime = (uint64_t)p->snap->sampled_at;
	struct pi_buf tar;
	int r;

	pi_buf_init(&tar, 512u << 20);
	r = pi_tar_dir(&tar, "proc/", mtime);
	if (r == 0)
		r = pi_tar_dir(&tar, "proc/pressure/", mtime);
	for (size_t i = 0; r == 0 && i < sizeof(proc_files) / sizeof(proc_files[0]); i++) {
		enum pi_src src = proc_files[i];
		char name[64];
		int status;
		struct pi_blob *b;

		if (!p->snap->data[src])
			continue;
		b = pi_pages_proc(p, src, &status);
		if (!b)
			continue;
		snprintf(name, sizeof(name), "proc/%s", pi_src_names[src]);
		r = pi_tar_file(&tar, name, b->data, b->len, mtime);
		pi_blob_unref(b);
	}
	if (r == 0)
		r = pi_tar_end(&tar);
	if (r < 0) {
		pi_buf_fini(&tar);
		error(out, 500, "cannot build the archive");
		return;
	}
	out->status = 200;
	out->ctype = "application/x-tar";
	out->body = pi_blob_new(tar.data, tar.len, 200);
	out->disposition = "attachment; filename=\"procintro-capture.tar\"";
	pi_buf_fini(&tar);
}

void pi_route(struct pi_pages *p, const struct pi_route_ctx *ctx, const struct pi_req *r,
	      struct pi_resp *out)
{
	*out = (struct pi_resp){0};
	if (!strcmp(r->url, "/api/v1/kallsyms/symbolize")) {
		if (strcmp(r->method, "POST") != 0) {
			out->allow = "POST";
			error(out, 405, "POST the text to symbolize");
			return;
		}
		if (r->body_too_large) {
			error(out, 413, "body larger than 1 MiB");
			return;
		}
		if (!p) {
			error(out, 503, "no sample yet");
			return;
		}
		symbolize(p, r, out);
		return;
	}
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		out->allow = "GET, HEAD";
		error(out, 405, "method not allowed");
		return;
	}
	if (!strcmp(r->url, "/") || !strcmp(r->url, "/index.html")) {
		out->status = 200;
		out->body = pi_blob_new(ctx->index_html, ctx->index_len, 200);
		out->ctype = "text/html; charset=utf-8";
		body_etag(out);
		return;
	}
	if (!strncmp(r->url, "/assets/", 8)) {
		serve_asset(r->url, out);
		return;
	}
	if (!p) {
		error(out, 503, "no sample yet");
		return;
	}
	if (!strcmp(r->url, "/api/v1/kallsyms/lookup")) {
		lookup(p, r, out);
		return;
	}
	if (!strcmp(r->url, "/api/v1/kallsyms/search")) {
		ksearch(p, r, out);
		return;
	}
	if (!strcmp(r->url, "/api/v1/capture.tar")) {
		capture_tar(p, out);
		return;
	}
	if (!strcmp(r->url, "/api/v1/history")) {
		history(ctx->history, r, out);
		return;
	}
	if (!strcmp(r->url, "/metrics")) {
		metrics(p, r, out);
		return;
	}
	if (!strncmp(r->url, "/proc/", 6)) {
		serve_proc(p, r->url + 6, out);
		return;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!strcmp(r->url, routes[i].path)) {
			out->body = pi_pages_page(p, routes[i].page);
			out->status = out->body ? out->body->status : 500;
			out->ctype = "application/json";
			if (!out->body)
				error(out, 500, "rendering failed");
			body_etag(out);
			return;
		}
	}
	error(out, 404, "not found");
}
