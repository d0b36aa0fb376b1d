/* The JSON documents of the HTTP API, built from one snapshot (see docs/api.md). Each builder
 * returns a new cJSON tree, or NULL when the source has never been read successfully
 * (the caller answers 503 with the source's error). */
#pragma once

#include <cjson/cJSON.h>

#include "snapshot.h"

cJSON *pi_doc_healthz(const struct pi_snapshot *s);
cJSON *pi_doc_cpu(const struct pi_snapshot *s);
cJSON *pi_doc_buddy(const struct pi_snapshot *s);
cJSON *pi_doc_pagetype(const struct pi_snapshot *s);
cJSON *pi_doc_zones(const struct pi_snapshot *s);
cJSON *pi_doc_iomem(const struct pi_snapshot *s);
cJSON *pi_doc_kallsyms(const struct pi_snapshot *s);
/* Every document above under one object; absent ones are null. */
cJSON *pi_doc_snapshot(const struct pi_snapshot *s);
/* The same, embedding an already rendered /api/v1/kallsyms document (its summary walks every
 * symbol; it changes only when kallsyms is re-read). */
cJSON *pi_doc_snapshot_with(const struct pi_snapshot *s, const char *kallsyms_json);
/* {"error": {"status": N, "message": "..."}} */
cJSON *pi_doc_error(int status, const char *message);
/* Symbol lookups; NULL with ret_status and ret_msg set when not found or unavailable. */
cJSON *pi_doc_ksym_by_addr(const struct pi_snapshot *s, uint64_t addr, int *ret_status,
			   const char **ret_msg);
/* POST /api/v1/kallsyms/symbolize: every kernel address in `text` resolved. */
cJSON *pi_doc_symbolize(const struct pi_snapshot *s, const char *text, size_t len, int *ret_status,
			const char **ret_msg);
struct pi_history;
/* /api/v1/history: the selected series since `since`; `list_only` lists the series names. */
cJSON *pi_doc_history(struct pi_history *h, const char *const *select, size_t nselect, double since,
		      int list_only);
cJSON *pi_doc_ksym_by_name(const struct pi_snapshot *s, const char *name, int *ret_status,
			   const char **ret_msg);
/* GET /api/v1/kallsyms/search: up to `limit` symbols whose name starts with prefix[0..len), in
 * name order (web/docs_ksearch.c). */
cJSON *pi_doc_ksym_search(const struct pi_snapshot *s, const char *prefix, size_t len, size_t limit,
			  int *ret_status, const char **ret_msg);
