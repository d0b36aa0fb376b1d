/* Kernel symbol index over a parsed /proc/kallsyms: address -> symbol and name -> symbol. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kallsyms.h"

struct pi_ksymidx;

/* Build the index. `k` must outlive it. -ENOMEM on allocation failure (also -EINVAL for a
 * symbol whose module index is out of range, -E2BIG past 2^28 symbols). The address order is
 * built here; the name order behind pi_ksymidx_by_name and pi_ksymidx_prefix and the
 * per-module order pi_ksymidx_size sometimes needs are built on first use (safe from
 * concurrent readers; the name order costs ~20 ms and 0.5 MB for 120k symbols). */
int pi_ksymidx_new(const struct pi_kallsyms *k, struct pi_ksymidx **ret);
struct pi_ksymidx *pi_ksymidx_free(struct pi_ksymidx *x);

/* The symbol with the greatest address <= addr; among symbols at the same address the first
 * in file order. -ENOENT if addr lies below every symbol or the addresses are hidden.
 * *ret_idx indexes k->syms. */
int pi_ksymidx_by_addr(const struct pi_ksymidx *x, uint64_t addr, size_t *ret_idx);
/* The first symbol in file order with exactly this name; -ENOENT if none (or when the name
 * order cannot be allocated). */
int pi_ksymidx_by_name(const struct pi_ksymidx *x, const char *name, size_t len, size_t *ret_idx);
/* Distance from symbol idx to the next higher symbol address within the same module (the
 * kernel image counts as one), i.e. the inferred size as crash/drgn print "/0xsize";
 * 0 when it cannot be inferred (last symbol of its region, hidden addresses). */
uint64_t pi_ksymidx_size(const struct pi_ksymidx *x, size_t idx);
/* Up to `max` symbols whose name starts with prefix, in name order; returns the count written to
 * ret_idx[]. Name order compares bytes unsigned, a name before its extensions, equal names in
 * file order. 0 also when the name order cannot be allocated. */
size_t pi_ksymidx_prefix(const struct pi_ksymidx *x, const char *prefix, size_t len,
			 size_t *ret_idx, size_t max);
