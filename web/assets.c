#include "assets.h"

#include <string.h>

/* The data and the table are generated (assets_data.c); the list is a handful of files. */
const struct pi_asset *pi_asset_find(const char *path)
{
	for (size_t i = 0; i < pi_assets_count; i++)
		if (!strcmp(pi_assets[i].path, path))
			return &pi_assets[i];
	return NULL;
}
