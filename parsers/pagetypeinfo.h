/* /proc/pagetypeinfo (2.6.24+): free blocks per migrate type and order, and pageblocks per
 * migrate type (mm/vmstat.c pagetypeinfo_show). The whole block repeats for every node with
 * memory; this keeps that structure so the renderer prints it back byte for byte. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buddyinfo.h" /* PI_ZONE_NAME_MAX, PI_MAX_ORDERS */
#include "buf.h"
#include "perr.h"

#define PI_MAX_TYPES	 16
#define PI_TYPE_NAME_MAX 31 /* printed "%12s"; "<NULL>" on 2.6.24/25 for the unnamed type */
/* Since 5.4 the kernel stops counting a free list at this many entries and prints ">100000". */
#define PI_PT_CAP 100000

struct pi_pt_count {
	uint64_t n;  /* free blocks (not pages) */
	bool capped; /* printed as ">N": n is a lower bound */
};

struct pi_pt_free_row { /* "Node %4d, zone %8s, type %12s " + norders counts */
	int node;
	char zone[PI_ZONE_NAME_MAX + 1];
	unsigned type;		    /* index into pi_pagetypeinfo.types */
	struct pi_pt_count *counts; /* norders entries */
};

struct pi_pt_block_row { /* "Node %d, zone %8s " + ntypes counts of "%12lu " */
	int node;
	char zone[PI_ZONE_NAME_MAX + 1];
	uint64_t *counts; /* ntypes entries: pageblocks of each type */
};

struct pi_pt_node { /* one repetition of the whole block */
	unsigned pageblock_order;
	uint64_t pages_per_block;
	size_t nfree;
	struct pi_pt_free_row *free; /* file order: zone by zone, type by type */
	size_t nblocks;
	struct pi_pt_block_row *blocks;
	bool has_mixed; /* "Number of mixed blocks" section (CONFIG_PAGE_OWNER) present */
	size_t nmixed;
	struct pi_pt_block_row *mixed;
};

struct pi_pagetypeinfo {
	unsigned norders; /* from the "Free pages count" header */
	unsigned ntypes;  /* from the "Number of blocks type" header, in its order */
	char types[PI_MAX_TYPES][PI_TYPE_NAME_MAX + 1];
	size_t nnodes;
	struct pi_pt_node *nodes;
	void *priv_; /* parser-owned storage */
};

/* Parse the whole file. On success *ret owns everything (free with pi_pagetypeinfo_free) and:
 * every node block has the same order and migrate-type headers (p->norders, p->types); the
 * free rows of a node block come in zone groups of exactly ntypes rows, one per type in header
 * order (row.type == position in its group); every block/mixed row has ntypes counts.
 * Not checked (the kernel guarantees them, the renderer does not need them): that a node
 * block's rows share one node id, and that its block rows list the zones of its free rows.
 * Leniency (never needed for kernel output): runs of spaces between fields, a missing trailing
 * space, a missing final '\n', and ">" followed by spaces are accepted; the renderer prints
 * the canonical form, which parses back to the same structure.
 * Errors: -ENODATA (empty), -EINVAL (malformed; *reterr says where), -ERANGE (number overflow),
 * -E2BIG (more than PI_MAX_ORDERS orders or PI_MAX_TYPES types), -ENOMEM. */
int pi_pagetypeinfo_parse(const char *buf, size_t len, struct pi_pagetypeinfo **ret,
			  struct pi_perr *reterr);
struct pi_pagetypeinfo *pi_pagetypeinfo_free(struct pi_pagetypeinfo *p);
/* Print as the kernel does (formats in mm/vmstat.c pagetypeinfo_show; see the struct comments). */
int pi_pagetypeinfo_render(const struct pi_pagetypeinfo *p, struct pi_buf *out);

/* The free-count row of (node, zone, type index), or NULL: the first match in file order, or
 * NULL when type >= ntypes or zone is NULL. Linear in the number of rows. */
const struct pi_pt_free_row *pi_pagetypeinfo_find_free(const struct pi_pagetypeinfo *p, int node,
						       const char *zone, unsigned type);
/* Index of the migrate type printed as `name` ("Movable", "CMA", "<NULL>"), or -1. The order
 * differs between kernels (Movable/Reclaimable swapped in 4.4, vendor trees move CMA): look
 * types up by name, never by a fixed index. */
int pi_pagetypeinfo_find_type(const struct pi_pagetypeinfo *p, const char *name);
/* The "Number of blocks type" row of (node, zone) (not the mixed-blocks row), or NULL. */
const struct pi_pt_block_row *pi_pagetypeinfo_find_blocks(const struct pi_pagetypeinfo *p, int node,
							  const char *zone);
