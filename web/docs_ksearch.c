/* GET /api/v1/kallsyms/search?prefix=P&limit=N: the symbols whose name starts with P. */
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "docs_int.h"
#include "jsonw.h"
#include "ksymidx.h"

cJSON *pi_doc_ksym_search(const struct pi_snapshot *s, const char *prefix, size_t len, size_t limit,
			  int *ret_status, const char **ret_msg)
{
	const struct pi_srcdata *d = s->data[PI_SRC_KALLSYMS];
	const struct pi_kallsyms *k;
	size_t *idx, n;
	cJSON *o, *a;

	if (!d || !d->ksymidx) {
		*ret_status = 503;
		*ret_msg = s->status[PI_SRC_KALLSYMS].state == PI_SRC_FAILED
			       ? s->status[PI_SRC_KALLSYMS].error
			       : "kallsyms not available";
		return NULL;
	}
	k = d->u.kallsyms;
	/* One more than asked, to tell whether the answer was cut. */
	idx = malloc((limit + 1) * sizeof(*idx));
	if (!idx) {
		*ret_status = 500;
		*ret_msg = "out of memory";
		return NULL;
	}
	n = pi_ksymidx_prefix(d->ksymidx, prefix, len, idx, limit + 1);
	o = cJSON_CreateObject();
	pi_doc_stamp(o, s, PI_SRC_KALLSYMS);
	pi_jw_strn(o, "prefix", prefix, len);
	pi_jw_u64(o, "limit", limit);
	pi_jw_bool(o, "addresses_hidden", k->addresses_hidden);
	pi_jw_bool(o, "truncated", n > limit);
	if (n > limit)
		n = limit;
	pi_jw_u64(o, "count", n);
	a = cJSON_AddArrayToObject(o, "symbols");
	for (size_t i = 0; i < n; i++) {
		const struct pi_ksym *sym = &k->syms[idx[i]];
		uint64_t size = pi_ksymidx_size(d->ksymidx, idx[i]);
		cJSON *x = cJSON_CreateObject();

		pi_jw_strn(x, "symbol", pi_ksym_name(k, sym), sym->name_len);
		pi_jw_addr(x, "addr", sym->addr);
		if (size)
			pi_jw_addr(x, "size", size);
		else
			pi_jw_null(x, "size");
		pi_jw_strn(x, "type", &(char){(char)sym->type}, 1);
		if (sym->module)
			pi_jw_strn(x, "module", k->text + k->modules[sym->module].name_off,
				   k->modules[sym->module].name_len);
		else
			pi_jw_null(x, "module");
		cJSON_AddItemToArray(a, x);
	}
	free(idx);
	return o;
}
