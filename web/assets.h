/* Static files served by the HTTP server, embedded in the binary. */
#pragma once

#include <stddef.h>

extern const char pi_asset_index_html[];
extern const size_t pi_asset_index_html_len;
