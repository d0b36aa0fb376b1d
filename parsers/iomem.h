/* /proc/iomem (kernel/resource.c r_show): the physical resource tree.
 * "%*s%0*llx-%0*llx : %s\n" with 2 spaces of indent per level, capped at 5 levels. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "perr.h"

#define PI_IOMEM_MAX_DEPTH 5 /* MAX_IORES_LEVEL: deeper resources print with 10 spaces */

struct pi_iomem_res {
	uint64_t start, end; /* inclusive, as printed */
	unsigned indent;     /* printed indentation level, 0..5 */
	unsigned depth;	     /* true depth in the tree (can exceed 5, resolved by containment) */
	long parent;	     /* index of the parent resource, -1 for top level */
	long first_child;    /* -1 if none */
	long next_sibling;   /* -1 if none */
	const char *name;    /* NUL-terminated, owned by the pi_iomem; may contain spaces, ':' */
	size_t name_len;
};

struct pi_iomem {
	size_t n;
	struct pi_iomem_res *res; /* file order (a pre-order walk of the tree) */
	unsigned width;		  /* minimum hex digits: 8 for iomem (4 if root->end < 0x10000) */
	bool addresses_hidden;	  /* every range is 0-0: reader lacked CAP_SYS_ADMIN (4.6+) */
	void *priv_;		  /* private to iomem.c: the name storage */
};

/* Parse the whole file; on success *ret owns everything (free with pi_iomem_free).
 *
 * Rules (kernel/resource.c r_show): a line is <indent><start>-<end> : <name>. The indent is
 * an even number of spaces, at most 10, growing by at most one level per line (the first line
 * is at level 0). Addresses are hex without 0x, any number of digits (the kernel pads to
 * `width` and prints more digits above 4 GiB); end < start (a zero-size resource) is kept
 * as printed. The name is every byte after the first " : " that follows the range, and may
 * be empty; a NUL byte in it is an error. A child outside its parent's range is kept (the
 * tree follows the indentation). At indent level 5 the parent is the deepest preceding
 * level-5 resource on the current chain whose range contains the new one (an equal range
 * counts: drivers claim their device's exact range), else the level-4 resource; when
 * addresses are hidden every level-5 resource is taken to be at depth 5.
 * `width` is 4 when every printed address field has exactly 4 digits (ioports style), else
 * 8; hand-edited input (shorter fields, extra leading zeros, uppercase digits) parses and
 * renders normalised.
 * A final line without '\n' is accepted (render adds it).
 * Errors: -ENODATA (empty input), -EINVAL (malformed; *reterr has the line and reason),
 * -ERANGE (an address beyond 64 bits), -ENOMEM. */
int pi_iomem_parse(const char *buf, size_t len, struct pi_iomem **ret, struct pi_perr *reterr);
struct pi_iomem *pi_iomem_free(struct pi_iomem *m);
/* Print as the kernel does: "%*s%0*llx-%0*llx : %s\n" with 2 * indent spaces (indent
 * capped at PI_IOMEM_MAX_DEPTH) and `width`. Byte-exact for kernel output. */
int pi_iomem_render(const struct pi_iomem *m, struct pi_buf *out);
/* Bytes covered: end - start + 1, 0 when end < start (zero-size resource). Like the
 * kernel's resource_size(), the full 0-ffffffffffffffff range wraps to 0. */
uint64_t pi_iomem_size(const struct pi_iomem_res *r);
