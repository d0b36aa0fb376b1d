/* Static files served by the HTTP server: the dashboard (web/ui/dist/), embedded in the binary
 * at build time by web/ui/embed.py. */
#pragma once

#include <stddef.h>

struct pi_asset {
	const char *path;  /* URL path: "/index.html", "/assets/app.js", ... */
	const char *ctype; /* Content-Type */
	const char *etag;  /* quoted strong validator: a hash of the bytes */
	const unsigned char *data;
	size_t len;
};

/* Every embedded file, and the one served at a URL path (NULL if none). */
extern const struct pi_asset pi_assets[];
extern const size_t pi_assets_count;
const struct pi_asset *pi_asset_find(const char *path);

/* The body of "/" (the dashboard's index.html), NUL-terminated. */
extern const char pi_asset_index_html[];
extern const size_t pi_asset_index_html_len;
