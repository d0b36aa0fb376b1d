#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>

#include "zones.h"

struct pi_snapshot *pi_snapshot_new(void)
{
	struct pi_snapshot *s = calloc(1, sizeof(*s));

	if (s)
		atomic_init(&s->refcnt, 1);
	return s;
}

struct pi_snapshot *pi_snapshot_ref(struct pi_snapshot *s)
{
	if (s)
		atomic_fetch_add(&s->refcnt, 1);
	return s;
}

static void zones_free(struct pi_zones *z)
{
	if (z)
		pi_zones_fini(z);
	free(z);
}

struct pi_snapshot *pi_snapshot_unref(struct pi_snapshot *s)
{
	if (!s || atomic_fetch_sub(&s->refcnt, 1) != 1)
		return NULL;
	for (int i = 0; i < PI_SRC_COUNT; i++)
		pi_srcdata_unref(s->data[i]);
	pi_srcdata_unref(s->prev_stat);
	pi_srcdata_unref(s->prev_schedstat);
	zones_free(s->zones);
	free(s);
	return NULL;
}

int pi_snapshot_build_zones(struct pi_snapshot *s)
{
	struct pi_zones *z = calloc(1, sizeof(*z));
	int r;

	zones_free(s->zones);
	s->zones = NULL;
	if (!z)
		return -ENOMEM;
	r = pi_zones_build(s, z);
	if (r < 0) {
		free(z);
		return r;
	}
	s->zones = z;
	return 0;
}

const struct pi_srcdata *pi_snapshot_fresh(const struct pi_snapshot *s, enum pi_src src)
{
	return s->status[src].state == PI_SRC_OK ? s->data[src] : NULL;
}

bool pi_snapshot_healthy(const struct pi_snapshot *s)
{
	/* Degraded when a required source fails, or an optional one that used to work does. */
	for (int i = 0; i < PI_SRC_COUNT; i++)
		if (s->status[i].state == PI_SRC_FAILED &&
		    (!pi_src_optional((enum pi_src)i) || s->data[i]))
			return false;
	return true;
}
