/* Request routing: from (method, path, query) to a response body, with no network involved
 * (so it is unit-tested and fuzzed directly). Never builds a file path from the request. */
#pragma once

#include "pages.h"

struct pi_req {
	const char *method;
	const char *url; /* decoded path, without the query */
	/* Query argument by name (NULL when absent). */
	const char *(*arg)(void *ctx, const char *name);
	void *ctx;
};

struct pi_resp {
	int status;
	struct pi_blob *body; /* a reference the caller releases; NULL only on out of memory */
	const char *ctype;
	const char *allow; /* value of an Allow header, or NULL */
};

/* `index_html` is the body of "/". */
void pi_route(struct pi_pages *p, const char *index_html, size_t index_len, const struct pi_req *r,
	      struct pi_resp *ret);
