#include "jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "int128.h"

static cJSON *add(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return NULL;
	if (cJSON_IsArray(obj))
		cJSON_AddItemToArray(obj, item);
	else
		cJSON_AddItemToObject(obj, key, item);
	return item;
}

static cJSON *add_raw(cJSON *obj, const char *key, const char *text)
{
	return add(obj, key, cJSON_CreateRaw(text));
}

cJSON *pi_jw_u64(cJSON *obj, const char *key, uint64_t v)
{
	char t[24];

	snprintf(t, sizeof(t), "%" PRIu64, v);
	return add_raw(obj, key, t);
}

cJSON *pi_jw_i64(cJSON *obj, const char *key, int64_t v)
{
	char t[24];

	snprintf(t, sizeof(t), "%" PRId64, v);
	return add_raw(obj, key, t);
}

static void fixed_text(char *t, size_t size, uint64_t mag, int neg, uint64_t scale, unsigned frac)
{
	uint64_t ip = mag / scale, fp = mag % scale;
	int n = snprintf(t, size, "%s%" PRIu64, neg && mag ? "-" : "", ip);

	if (fp && frac) {
		char f[24];
		int k = (int)frac;

		snprintf(f, sizeof(f), "%0*" PRIu64, k, fp);
		while (k > 0 && f[k - 1] == '0')
			f[--k] = '\0';
		snprintf(t + n, size - (size_t)n, ".%s", f);
	}
}

cJSON *pi_jw_fixed(cJSON *obj, const char *key, int64_t v, unsigned frac)
{
	char t[48];
	uint64_t scale = 1, mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	for (unsigned i = 0; i < frac && i < 18; i++)
		scale *= 10;
	fixed_text(t, sizeof(t), mag, v < 0, scale, frac);
	return add_raw(obj, key, t);
}

cJSON *pi_jw_ratio(cJSON *obj, const char *key, uint64_t num, uint64_t den)
{
	uint64_t p = 1;
	char t[48];

	if (den == 0)
		return pi_jw_null(obj, key);
	for (unsigned k = 0; k <= 9; k++, p *= 10) {
		if (p % den == 0) {
			pi_u128 scaled = (pi_u128)num * (p / den);

			if (scaled <= UINT64_MAX) {
				fixed_text(t, sizeof(t), (uint64_t)scaled, 0, p, k);
				return add_raw(obj, key, t);
			}
			break;
		}
	}
	return pi_jw_double(obj, key, (double)num / (double)den);
}

cJSON *pi_jw_addr(cJSON *obj, const char *key, uint64_t v)
{
	char t[24];

	snprintf(t, sizeof(t), "0x%" PRIx64, v);
	return add(obj, key, cJSON_CreateString(t));
}

/* The shortest "%.*g" text that reads back as the same value (as float when `single`). */
static cJSON *shortest(cJSON *obj, const char *key, double v, bool single)
{
	char t[40];

	if (!isfinite(v))
		return pi_jw_null(obj, key);
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(t, sizeof(t), "%.0f", v);
		return add_raw(obj, key, t);
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(t, sizeof(t), "%.*g", prec, v);
		if (single ? strtof(t, NULL) == (float)v : strtod(t, NULL) == v)
			break;
	}
	return add_raw(obj, key, t);
}

cJSON *pi_jw_double(cJSON *obj, const char *key, double v)
{
	return shortest(obj, key, v, false);
}

cJSON *pi_jw_float(cJSON *obj, const char *key, float v)
{
	return shortest(obj, key, (double)v, true);
}

cJSON *pi_jw_time(cJSON *obj, const char *key, double t)
{
	return pi_jw_fixed(obj, key, (int64_t)llround(t * 1000.0), 3);
}

cJSON *pi_jw_str(cJSON *obj, const char *key, const char *s)
{
	return add(obj, key, cJSON_CreateString(s));
}

cJSON *pi_jw_strn(cJSON *obj, const char *key, const char *s, size_t len)
{
	char small[256];
	char *t = len < sizeof(small) ? small : malloc(len + 1);
	cJSON *r;

	if (!t)
		return NULL;
	memcpy(t, s, len);
	t[len] = '\0';
	r = pi_jw_str(obj, key, t);
	if (t != small)
		free(t);
	return r;
}

cJSON *pi_jw_bool(cJSON *obj, const char *key, int b)
{
	return add(obj, key, cJSON_CreateBool(b));
}

cJSON *pi_jw_null(cJSON *obj, const char *key)
{
	return add(obj, key, cJSON_CreateNull());
}
