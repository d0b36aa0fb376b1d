/* Small cJSON helpers: exact integers, addresses and fixed-point decimals. cJSON keeps
 * numbers as doubles, which cannot hold every 64-bit counter, so integers are written as
 * raw JSON text. */
#pragma once

#include <stdint.h>

#include <cjson/cJSON.h>

/* Each returns the added item, or NULL on allocation failure (the parent's print then
 * fails, which callers check once). */
cJSON *pi_jw_u64(cJSON *obj, const char *key, uint64_t v);
cJSON *pi_jw_i64(cJSON *obj, const char *key, int64_t v);
/* value / 10^frac, printed exactly with trailing zeros removed ("0.412", "-1", "12.5"). */
cJSON *pi_jw_fixed(cJSON *obj, const char *key, int64_t v, unsigned frac);
/* num / den as a decimal: exact when den divides a power of ten <= 10^9, else 17 digits. */
cJSON *pi_jw_ratio(cJSON *obj, const char *key, uint64_t num, uint64_t den);
/* "0x" + lowercase hex, as the contract prints addresses. */
cJSON *pi_jw_addr(cJSON *obj, const char *key, uint64_t v);
cJSON *pi_jw_double(cJSON *obj, const char *key, double v);
/* A float printed with the digits a float holds (0.874, not 0.8740000128746033). */
cJSON *pi_jw_float(cJSON *obj, const char *key, float v);
/* Unix time with millisecond resolution. */
cJSON *pi_jw_time(cJSON *obj, const char *key, double t);
cJSON *pi_jw_str(cJSON *obj, const char *key, const char *s);
cJSON *pi_jw_strn(cJSON *obj, const char *key, const char *s, size_t len);
cJSON *pi_jw_bool(cJSON *obj, const char *key, int b);
cJSON *pi_jw_null(cJSON *obj, const char *key);
/* Array items (key NULL) work with every helper above when obj is an array. */
