/* Request routing: from (method, path, query) to a response body, with no network involved
 * (so it is unit-tested and fuzzed directly). Never builds a file path from the request. */
#pragma once

#include "pages.h"

struct pi_history;

/* What routing needs besides the pages of the current sample. */
struct pi_route_ctx {
	const char *index_html; /* body of "/" */
	size_t index_len;
	struct pi_history *history; /* may be NULL */
};

/* Request bodies are accepted by POST /api/v1/kallsyms/symbolize only, up to this size. */
#define PI_MAX_BODY (1u << 20)

struct pi_req {
	const char *method;
	const char *url;  /* decoded path, without the query */
	const char *body; /* POST body (not NUL-terminated), or NULL */
	size_t body_len;
	int body_too_large; /* the client sent more than PI_MAX_BODY */
	/* Query argument by name (NULL when absent). */
	const char *(*arg)(void *ctx, const char *name);
	/* Request header by name, case-insensitive (NULL when absent); may itself be NULL. */
	const char *(*header)(void *ctx, const char *name);
	void *ctx;
};

struct pi_resp {
	int status;
	struct pi_blob *body; /* a reference the caller releases; NULL only on out of memory */
	const char *ctype;
	const char *allow;	 /* value of an Allow header, or NULL */
	const char *disposition; /* value of a Content-Disposition header, or NULL */
	const char *warning;	 /* value of a Warning header (stale data), or NULL */
	const char *cache;	 /* value of Cache-Control, or NULL for "no-cache" */
	const char *encoding;	 /* value of Content-Encoding ("gzip"), or NULL */
	const char *vary;	 /* value of Vary, or NULL */
	/* A quoted strong ETag of the body, or empty: the server then answers a request whose
	 * If-None-Match lists it with 304 and no body. */
	char etag[24];
};

/* Does this request take a body (so the server should collect it before routing)? */
int pi_route_wants_body(const char *method, const char *url);
void pi_route(struct pi_pages *p, const struct pi_route_ctx *ctx, const struct pi_req *r,
	      struct pi_resp *ret);
