/* STUB: replaced by the real index. */
#include "ksymidx.h"

#include <errno.h>

int pi_ksymidx_new(const struct pi_kallsyms *k, struct pi_ksymidx **ret)
{
	return -ENOSYS;
}

struct pi_ksymidx *pi_ksymidx_free(struct pi_ksymidx *x)
{
	return NULL;
}

int pi_ksymidx_by_addr(const struct pi_ksymidx *x, uint64_t addr, size_t *ret_idx)
{
	return -ENOSYS;
}

int pi_ksymidx_by_name(const struct pi_ksymidx *x, const char *name, size_t len, size_t *ret_idx)
{
	return -ENOSYS;
}

uint64_t pi_ksymidx_size(const struct pi_ksymidx *x, size_t idx)
{
	return 0;
}

size_t pi_ksymidx_prefix(const struct pi_ksymidx *x, const char *prefix, size_t len, size_t *ret_idx,
			 size_t max)
{
	return 0;
}
