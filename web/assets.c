#include "assets.h"

/* Placeholder index until the dashboard lands: lists the API. */
const char pi_asset_index_html[] =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>procintrod</title></head>"
    "<body><h1>procintrod</h1><ul>"
    "<li><a href=\"/healthz\">/healthz</a></li>"
    "<li><a href=\"/api/v1/snapshot\">/api/v1/snapshot</a></li>"
    "<li><a href=\"/api/v1/cpu\">/api/v1/cpu</a></li>"
    "<li><a href=\"/api/v1/buddy\">/api/v1/buddy</a></li>"
    "<li><a href=\"/api/v1/pagetype\">/api/v1/pagetype</a></li>"
    "<li><a href=\"/api/v1/zones\">/api/v1/zones</a></li>"
    "<li><a href=\"/api/v1/iomem\">/api/v1/iomem</a></li>"
    "<li><a href=\"/api/v1/kallsyms\">/api/v1/kallsyms</a></li>"
    "</ul></body></html>\n";
const size_t pi_asset_index_html_len = sizeof(pi_asset_index_html) - 1;
