/* /api/v1/history and POST /api/v1/kallsyms/symbolize. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "docs.h"
#include "history.h"
#include "jsonw.h"
#include "symbolize.h"

#define MAX_HITS 4096

cJSON *pi_doc_history(struct pi_history *h, const char *const *select, size_t nselect, double since,
		      int list_only)
{
	struct pi_history_result r;
	cJSON *o, *a, *series;

	if ((list_only ? pi_history_list(h, &r) : pi_history_query(h, select, nselect, since, &r)) <
	    0)
		return NULL;
	o = cJSON_CreateObject();
	pi_jw_u64(o, "capacity", r.capacity);
	pi_jw_u64(o, "memory_bytes", r.bytes);
	if (list_only) {
		a = cJSON_AddArrayToObject(o, "series");
		for (size_t i = 0; i < r.nseries; i++)
			pi_jw_str(a, NULL, r.names[i]);
		pi_history_result_fini(&r);
		return o;
	}
	a = cJSON_AddArrayToObject(o, "timestamps");
	for (size_t k = 0; k < r.npoints; k++)
		pi_jw_time(a, NULL, r.times[k]);
	series = cJSON_AddObjectToObject(o, "series");
	for (size_t i = 0; i < r.nseries; i++) {
		cJSON *v = cJSON_AddArrayToObject(series, r.names[i]);

		for (size_t k = 0; k < r.npoints; k++) {
			float x = r.values[i][k];

			if (isnan(x))
				pi_jw_null(v, NULL);
			else
				pi_jw_float(v, NULL, x);
		}
	}
	pi_history_result_fini(&r);
	return o;
}

static void describe(struct pi_buf *b, const struct pi_kallsyms *k, const struct pi_sym_hit *h)
{
	const struct pi_ksym *s = &k->syms[h->sym];

	pi_buf_append(b, pi_ksym_name(k, s), s->name_len);
	pi_buf_printf(b, "+0x%llx", (unsigned long long)h->offset);
	if (h->size)
		pi_buf_printf(b, "/0x%llx", (unsigned long long)h->size);
	if (s->module) {
		pi_buf_puts(b, " [");
		pi_buf_append(b, k->text + k->modules[s->module].name_off,
			      k->modules[s->module].name_len);
		pi_buf_putc(b, ']');
	}
}

cJSON *pi_doc_symbolize(const struct pi_snapshot *s, const char *text, size_t len, int *ret_status,
			const char **ret_msg)
{
	const struct pi_srcdata *d = s->data[PI_SRC_KALLSYMS];
	const struct pi_kallsyms *k;
	struct pi_sym_hit *hits = NULL;
	struct pi_buf ann, one;
	size_t n = 0, pos = 0;
	cJSON *o, *a;

	if (!d || !d->ksymidx) {
		*ret_status = 503;
		*ret_msg = "kallsyms not available";
		return NULL;
	}
	k = d->u.kallsyms;
	if (k->addresses_hidden) {
		*ret_status = 404;
		*ret_msg = "kallsyms addresses are hidden (kptr_restrict or no CAP_SYSLOG)";
		return NULL;
	}
	if (pi_symbolize(k, d->ksymidx, text, len, MAX_HITS, &hits, &n) < 0) {
		*ret_status = 500;
		*ret_msg = "out of memory";
		return NULL;
	}
	o = cJSON_CreateObject();
	pi_jw_time(o, "sampled_at", d->sampled_at);
	a = cJSON_AddArrayToObject(o, "addresses");
	pi_buf_init(&ann, 4u << 20);
	pi_buf_init(&one, 0);
	for (size_t i = 0; i < n; i++) {
		const struct pi_sym_hit *h = &hits[i];
		cJSON *x = cJSON_CreateObject();

		pi_jw_addr(x, "addr", h->addr);
		if (h->found) {
			const struct pi_ksym *sym = &k->syms[h->sym];

			pi_buf_reset(&one);
			describe(&one, k, h);
			pi_jw_strn(x, "symbol", pi_ksym_name(k, sym), sym->name_len);
			pi_jw_addr(x, "offset", h->offset);
			if (h->size)
				pi_jw_addr(x, "size", h->size);
			else
				pi_jw_null(x, "size");
			if (sym->module)
				pi_jw_strn(x, "module", k->text + k->modules[sym->module].name_off,
					   k->modules[sym->module].name_len);
			else
				pi_jw_null(x, "module");
			pi_jw_strn(x, "resolved", one.data, one.len);
			/* annotate: the token, then " <sym+off/size [mod]>" */
			pi_buf_append(&ann, text + pos, h->off + h->len - pos);
			pi_buf_puts(&ann, " <");
			pi_buf_append(&ann, one.data, one.len);
			pi_buf_putc(&ann, '>');
			pos = h->off + h->len;
		} else {
			pi_jw_null(x, "symbol");
		}
		cJSON_AddItemToArray(a, x);
	}
	pi_buf_append(&ann, text + pos, len - pos);
	pi_jw_u64(o, "found", 0);
	{
		size_t found = 0;

		for (size_t i = 0; i < n; i++)
			found += hits[i].found;
		cJSON_ReplaceItemInObject(o, "found", cJSON_CreateNumber((double)found));
	}
	pi_jw_bool(o, "truncated", n == MAX_HITS);
	if (ann.err)
		pi_jw_null(o, "annotated");
	else
		pi_jw_strn(o, "annotated", ann.data ? ann.data : "", ann.len);
	pi_buf_fini(&ann);
	pi_buf_fini(&one);
	free(hits);
	return o;
}
