/* The fuzzing oracle: see roundtrip.h. Everything that breaks a contract calls fail(), which
 * prints the target, the label (replayed file) and what broke, then abort()s so that libFuzzer
 * and the sanitizers record the input and the stack. */
#include "roundtrip.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "assets.h"
#include "docs.h"
#include "history.h"
#include "ksymidx.h"
#include "pages.h"
#include "route.h"
#include "snapshot.h"
#include "source.h"
#include "symbolize.h"
#include "zones.h"

#ifndef PI_FUZZ_TREE
#define PI_FUZZ_TREE "../shared/fixtures/local-6.18-x86_64"
#endif

#define SAMPLED_AT 1000.0
#define POISON	   0xa5 /* fills output storage that a failed parse must leave alone */

const char *const pi_fuzz_targets[] = {
    "stat",    "buddyinfo", "pagetypeinfo", "zoneinfo", "iomem", "kallsyms",
    "loadavg", "pressure",  "schedstat",    "route",	NULL,
};

static const char *label;
static const char *cur_target = "?";
static const char *tree_override;

void pi_fuzz_set_label(const char *l)
{
	label = l;
}

void pi_fuzz_set_tree(const char *dir)
{
	tree_override = dir;
}

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\nprocintro fuzz: target %s%s%s: ", cur_target, label ? ", input " : "",
		label ? label : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fail("out of memory (%zu bytes)", n);
	return p;
}

/* ---- parser targets --------------------------------------------------------------------- */

struct target {
	const char *name;
	enum pi_src src;
	size_t objsize; /* bytes of the parse output parameter */
	int (*parse)(const char *buf, size_t len, void *ret, struct pi_perr *e);
	int (*render)(const void *obj, struct pi_buf *out);
	void (*release)(void *obj);
};

#define PTR_TARGET(nm)                                                                             \
	static int parse_##nm(const char *b, size_t n, void *ret, struct pi_perr *e)               \
	{                                                                                          \
		return pi_##nm##_parse(b, n, (struct pi_##nm **)ret, e);                           \
	}                                                                                          \
	static int render_##nm(const void *o, struct pi_buf *out)                                  \
	{                                                                                          \
		return pi_##nm##_render(*(struct pi_##nm *const *)o, out);                         \
	}                                                                                          \
	static void release_##nm(void *o)                                                          \
	{                                                                                          \
		pi_##nm##_free(*(struct pi_##nm **)o);                                             \
	}

PTR_TARGET(stat)
PTR_TARGET(buddyinfo)
PTR_TARGET(pagetypeinfo)
PTR_TARGET(zoneinfo)
PTR_TARGET(iomem)
PTR_TARGET(kallsyms)
PTR_TARGET(schedstat)

static int parse_loadavg(const char *b, size_t n, void *ret, struct pi_perr *e)
{
	return pi_loadavg_parse(b, n, ret, e);
}

static int render_loadavg(const void *o, struct pi_buf *out)
{
	return pi_loadavg_render(o, out);
}

static int parse_pressure(const char *b, size_t n, void *ret, struct pi_perr *e)
{
	return pi_pressure_parse(b, n, "pressure/cpu", ret, e);
}

static int render_pressure(const void *o, struct pi_buf *out)
{
	return pi_pressure_render(o, out);
}

static void release_none(void *o)
{
	(void)o;
}

#define PTR(nm, src)                                                                               \
	{                                                                                          \
#nm, src, sizeof(void *), parse_##nm, render_##nm, release_##nm                    \
	}
static const struct target targets[] = {
    PTR(stat, PI_SRC_STAT),
    PTR(buddyinfo, PI_SRC_BUDDYINFO),
    PTR(pagetypeinfo, PI_SRC_PAGETYPEINFO),
    PTR(zoneinfo, PI_SRC_ZONEINFO),
    PTR(iomem, PI_SRC_IOMEM),
    PTR(kallsyms, PI_SRC_KALLSYMS),
    PTR(schedstat, PI_SRC_SCHEDSTAT),
    {"loadavg", PI_SRC_LOADAVG, sizeof(struct pi_loadavg), parse_loadavg, render_loadavg,
     release_none},
    {"pressure", PI_SRC_PRESSURE_CPU, sizeof(struct pi_pressure), parse_pressure, render_pressure,
     release_none},
};

/* Lines as pi_lines counts them: a final line without '\n' counts. */
static size_t count_lines(const char *b, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += b[i] == '\n';
	return c + (n && b[n - 1] != '\n');
}

/* A failed parse: documented errno, a named source and reason, a line inside the input, and
 * the output parameter untouched. */
static void check_error(const char *what, int r, const struct pi_perr *e, const char *in, size_t n,
			const unsigned char *obj, size_t objsize)
{
	size_t lines = count_lines(in, n);

	if (r != -EINVAL && r != -ENODATA && r != -ERANGE && r != -E2BIG && r != -ENOMEM)
		fail("%s returned %d, not a documented error", what, r);
	for (size_t i = 0; i < objsize; i++)
		if (obj[i] != POISON)
			fail("%s failed (%d) but wrote its output parameter (byte %zu)", what, r,
			     i);
	if (r == -ENOMEM)
		return;
	if (!e->source || !e->source[0])
		fail("%s failed (%d) without naming the source", what, r);
	if (!memchr(e->reason, '\0', sizeof(e->reason)) || !e->reason[0])
		fail("%s failed (%d) without a reason (source %s, line %u)", what, r, e->source,
		     e->line);
	if (e->line > lines + 1)
		fail("%s failed (%d) at line %u of a %zu-line input: %s", what, r, e->line, lines,
		     e->reason);
}

static int parse_one(const struct target *t, const char *what, const char *in, size_t n,
		     unsigned char *obj, struct pi_perr *e)
{
	int r;

	memset(obj, POISON, t->objsize);
	*e = (struct pi_perr){0};
	r = t->parse(in, n, obj, e);
	if (r > 0)
		fail("%s returned %d", what, r);
	if (r < 0)
		check_error(what, r, e, in, n, obj, t->objsize);
	return r;
}

static void render_one(const struct target *t, const char *what, const void *obj,
		       struct pi_buf *out)
{
	int r;

	pi_buf_init(out, 0);
	r = t->render(obj, out);
	if (r < 0 || out->err)
		fail("%s failed: %d (buffer error %d)", what, r, out->err);
}

static void show_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, line = 1, ls = 0;

	for (; i < alen && i < blen && a[i] == b[i]; i++)
		if (a[i] == '\n') {
			line++;
			ls = i + 1;
		}
	fprintf(stderr, "first difference at byte %zu (line %zu): lengths %zu vs %zu\n", i, line,
		alen, blen);
	fprintf(stderr, "  first render : %.*s\n", (int)((alen - ls) > 160 ? 160 : alen - ls),
		a + ls);
	fprintf(stderr, "  second render: %.*s\n", (int)((blen - ls) > 160 ? 160 : blen - ls),
		b + ls);
}

/* ---- the snapshot the model path and the route target use ------------------------------- */

static struct pi_snapshot *base; /* fixture tree, every source */
static struct pi_pages *base_pages;
static struct pi_history *base_history;
static bool base_done;

static char *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 65536) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap + 1); /* + 1: pi_srcdata_parse's spare byte */
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	*ret_len = len;
	return buf;
}

static void build_base(void)
{
	const char *root = getenv("PI_FIXTURES");
	char tree[4096];
	int found = 0;

	if (base_done)
		return;
	base_done = true;
	if (tree_override)
		snprintf(tree, sizeof(tree), "%s", tree_override);
	else if (root && *root)
		snprintf(tree, sizeof(tree), "%s/local-6.18-x86_64", root);
	else
		snprintf(tree, sizeof(tree), "%s", PI_FUZZ_TREE);
	base = pi_snapshot_new();
	if (!base)
		fail("out of memory");
	base->seq = 2;
	base->sampled_at = SAMPLED_AT;
	base->prev_sampled_at = SAMPLED_AT - 1;
	base->page_size = 4096;
	base->clock_ticks = 100;
	for (int i = 0; i < PI_SRC_COUNT; i++) {
		char path[4200];
		struct pi_perr e = {0};
		size_t len = 0;
		char *buf;
		int r;

		snprintf(path, sizeof(path), "%s/proc/%s", tree, pi_src_names[i]);
		buf = read_file(path, &len);
		base->status[i].attempted_at = SAMPLED_AT;
		if (!buf) {
			base->status[i].state = PI_SRC_FAILED;
			base->status[i].err = -ENOENT;
			snprintf(base->status[i].error, sizeof(base->status[i].error),
				 "No such file or directory");
			continue;
		}
		found++;
		r = pi_srcdata_parse((enum pi_src)i, buf, len, SAMPLED_AT, &base->data[i], &e);
		if (r < 0)
			fail("fixture %s does not parse: %s:%u: %s", path, e.source, e.line,
			     e.reason);
		base->status[i].state = PI_SRC_OK;
		if (i == PI_SRC_STAT) {
			/* a second copy as the previous sample, so that rates are computed */
			buf = read_file(path, &len);
			if (!buf || pi_srcdata_parse(PI_SRC_STAT, buf, len, SAMPLED_AT - 1,
						     &base->prev_stat, &e) < 0)
				fail("fixture %s does not parse twice", path);
		}
	}
	{
		/* local-6.18 has no schedstat (CONFIG_SCHEDSTATS off): the previous sample of the
		 * schedstat target comes from a sibling tree, so that latency rates are computed */
		char path[4200], *slash;
		struct pi_perr e = {0};
		size_t len = 0;
		char *buf;

		snprintf(path, sizeof(path), "%s", tree);
		slash = strrchr(path, '/');
		if (slash) {
			snprintf(slash, sizeof(path) - (size_t)(slash - path),
				 "/ubuntu-3.13-x86_64/proc/schedstat");
			buf = read_file(path, &len);
			if (buf && pi_srcdata_parse(PI_SRC_SCHEDSTAT, buf, len, SAMPLED_AT - 1,
						    &base->prev_schedstat, &e) < 0)
				fail("fixture %s does not parse: %s:%u: %s", path, e.source, e.line,
				     e.reason);
		}
	}
	if (!found)
		fprintf(stderr,
			"procintro fuzz: warning: no fixture under %s; the model and route "
			"targets run on an empty snapshot\n",
			tree);
	if (pi_snapshot_build_zones(base) < 0)
		fail("out of memory");
	base_pages = pi_pages_new(base, NULL);
	if (!base_pages || pi_history_new(8, &base_history) < 0 ||
	    pi_history_push(base_history, base) < 0)
		fail("cannot build the base pages");
}

void pi_fuzz_cleanup(void)
{
	base_pages = pi_pages_unref(base_pages);
	base_history = pi_history_free(base_history);
	base = pi_snapshot_unref(base);
	base_done = false;
}

static void check_json(const char *what, const char *text, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(text, len);

	if (!j)
		fail("%s is not JSON (near byte %zd): %.300s", what,
		     cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - text : (ptrdiff_t)-1, text);
	cJSON_Delete(j);
}

static void check_doc(const char *what, cJSON *doc)
{
	char *text;

	if (!doc)
		return;
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!text)
		fail("%s: cJSON cannot print the document", what);
	check_json(what, text, strlen(text));
	cJSON_free(text);
}

/* ---- the model path --------------------------------------------------------------------- */

/* buddy.h: the kernel's wrapping 64-bit arithmetic; the one-pass derivation must agree with
 * the per-order functions. */
static void check_buddy(const struct pi_srcdata *d)
{
	const struct pi_buddyinfo *b = d->u.buddy;

	if (!d->buddy_derived)
		fail("buddyinfo without derived data");
	for (size_t i = 0; i < b->nzones; i++) {
		const struct pi_buddy_derived *dv = &d->buddy_derived[i];
		const uint64_t *n = b->zones[i].free;
		uint64_t pages = 0, blocks = 0;
		int largest = -1;

		for (unsigned k = 0; k < b->norders; k++) {
			blocks += n[k];
			pages += k < 64 ? n[k] << k : 0;
			if (n[k])
				largest = (int)k;
		}
		if (dv->norders != b->norders || dv->free_pages != pages ||
		    dv->free_blocks != blocks || dv->largest_free_order != largest)
			fail("zone %zu: derived orders %u pages %llu blocks %llu largest %d, "
			     "expected %u %llu %llu %d",
			     i, dv->norders, (unsigned long long)dv->free_pages,
			     (unsigned long long)dv->free_blocks, dv->largest_free_order,
			     b->norders, (unsigned long long)pages, (unsigned long long)blocks,
			     largest);
		for (unsigned k = 0; k < b->norders; k++) {
			int u = pi_buddy_unusable_index(n, b->norders, k);
			int f = pi_buddy_fragmentation_index(n, b->norders, k);

			if (dv->unusable[k] != u || dv->fragmentation[k] != f)
				fail("zone %zu order %u: derived unusable %d fragmentation %d, the "
				     "per-order functions give %d %d",
				     i, k, dv->unusable[k], dv->fragmentation[k], u, f);
		}
	}
}

/* The symbol index against the parsed list, on a sample of at most ~64 symbols. */
static void check_ksymidx(const struct pi_srcdata *d, const uint8_t *data, size_t size)
{
	const struct pi_kallsyms *k = d->u.kallsyms;
	const struct pi_ksymidx *x = d->ksymidx;
	size_t step = k->n / 64 + 1;
	struct pi_sym_hit *hits = NULL;
	size_t nhits = 0;

	if (!x)
		fail("kallsyms without a symbol index");
	for (size_t i = 0; i < k->n; i += step) {
		const struct pi_ksym *s = &k->syms[i];
		const char *name = pi_ksym_name(k, s);
		size_t j, got[4], c;
		int r;

		if (strlen(name) != s->name_len)
			fail("symbol %zu: name length %u but the text has %zu", i, s->name_len,
			     strlen(name));
		r = pi_ksymidx_by_name(x, name, s->name_len, &j);
		if (r < 0 || j > i || k->syms[j].name_len != s->name_len ||
		    memcmp(pi_ksym_name(k, &k->syms[j]), name, s->name_len) != 0)
			fail("by_name(%s) of symbol %zu gave %d / %zu", name, i, r, r < 0 ? 0 : j);
		r = pi_ksymidx_by_addr(x, s->addr, &j);
		if (k->addresses_hidden) {
			if (r != -ENOENT)
				fail("by_addr with hidden addresses gave %d", r);
		} else if (r < 0 || j > i || k->syms[j].addr != s->addr) {
			fail("by_addr(%llx) of symbol %zu (%s) gave %d / %zu",
			     (unsigned long long)s->addr, i, name, r, r < 0 ? 0 : j);
		}
		(void)pi_ksymidx_size(x, i);
		c = pi_ksymidx_prefix(x, name, s->name_len, got, 4);
		if (c < 1 || c > 4)
			fail("prefix(%s) found %zu symbols", name, c);
		for (size_t m = 0; m < c; m++)
			if (got[m] >= k->n || k->syms[got[m]].name_len < s->name_len ||
			    memcmp(pi_ksym_name(k, &k->syms[got[m]]), name, s->name_len) != 0)
				fail("prefix(%s) returned symbol %zu", name, got[m]);
		if (k->syms[got[0]].name_len != s->name_len)
			fail("prefix(%s) does not list the exact name first", name);
	}
	/* the input itself as a text to symbolize */
	if (pi_symbolize(k, x, (const char *)data, size, 64, &hits, &nhits) < 0)
		fail("pi_symbolize failed");
	if (nhits > 64)
		fail("pi_symbolize returned %zu hits, max 64", nhits);
	for (size_t h = 0; h < nhits; h++) {
		const struct pi_sym_hit *t = &hits[h];

		if (t->off > size || t->len > size - t->off || t->len == 0)
			fail("symbolize hit %zu at %zu+%zu outside the %zu-byte text", h, t->off,
			     t->len, size);
		if (t->found && (t->sym >= k->n || k->syms[t->sym].addr > t->addr ||
				 t->offset != t->addr - k->syms[t->sym].addr))
			fail("symbolize hit %zu: %llx as symbol %zu + %llx", h,
			     (unsigned long long)t->addr, t->sym, (unsigned long long)t->offset);
	}
	free(hits);
}

/* The same bytes through pi_srcdata_parse, which must agree with the parser; then the derived
 * data and every JSON document of a snapshot where this source replaces the fixture's. */
static void model_one(const struct target *t, const uint8_t *data, size_t size, bool accepted)
{
	char *buf = xmalloc(size + 1);
	struct pi_srcdata *d = NULL;
	struct pi_perr e = {0};
	struct pi_snapshot *s;
	struct pi_history *h = NULL;
	int r;

	memcpy(buf, data, size);
	buf[size] = (char)POISON; /* the spare byte is writable, not a terminator */
	r = pi_srcdata_parse(t->src, buf, size, SAMPLED_AT, &d, &e);
	if ((r == 0) != accepted)
		fail("pi_srcdata_parse returned %d but the parser %s the input", r,
		     accepted ? "accepted" : "rejected");
	if (r < 0)
		return;
	if (d->src != t->src || d->raw_len != size || atomic_load(&d->refcnt) != 1)
		fail("pi_srcdata_parse: src %d raw_len %zu refcnt %d", d->src, d->raw_len,
		     atomic_load(&d->refcnt));
	if (t->src == PI_SRC_BUDDYINFO)
		check_buddy(d);
	if (t->src == PI_SRC_KALLSYMS)
		check_ksymidx(d, data, size);

	build_base();
	s = pi_snapshot_new();
	if (!s)
		fail("out of memory");
	s->seq = base->seq;
	s->sampled_at = base->sampled_at;
	s->prev_sampled_at = base->prev_sampled_at;
	s->page_size = base->page_size;
	s->clock_ticks = base->clock_ticks;
	for (int i = 0; i < PI_SRC_COUNT; i++) {
		s->status[i] = base->status[i];
		/* the fixture's symbol documents cost O(symbols) per input: leave them out */
		if (i != PI_SRC_KALLSYMS)
			s->data[i] = pi_srcdata_ref(base->data[i]);
	}
	s->status[PI_SRC_KALLSYMS] = (struct pi_src_status){0};
	pi_srcdata_unref(s->data[t->src]);
	s->data[t->src] = d;
	s->status[t->src] = (struct pi_src_status){.state = PI_SRC_OK, .attempted_at = SAMPLED_AT};
	s->prev_stat = pi_srcdata_ref(base->prev_stat);
	s->prev_schedstat = pi_srcdata_ref(base->prev_schedstat);
	if (pi_snapshot_build_zones(s) < 0)
		fail("out of memory");

	check_doc("the snapshot document", pi_doc_snapshot(s));
	check_doc("the healthz document", pi_doc_healthz(s));
	/* history: the series set comes from this snapshot, then the fixture's is pushed */
	if (pi_history_new(4, &h) < 0 || pi_history_push(h, s) < 0)
		fail("pi_history_push failed");
	(void)pi_history_push(h, base);
	check_doc("the history document", pi_doc_history(h, NULL, 0, 0, 0));
	check_doc("the history list", pi_doc_history(h, NULL, 0, 0, 1));
	pi_history_free(h);
	pi_snapshot_unref(s);
}

static int fuzz_parser(const struct target *t, const uint8_t *data, size_t size)
{
	unsigned char obj1[sizeof(struct pi_loadavg) + sizeof(struct pi_pressure) + 16];
	unsigned char obj2[sizeof(obj1)];
	struct pi_buf r1, r2;
	struct pi_perr e;
	char *in = xmalloc(size); /* exactly `size` bytes: an over-read is a sanitizer report */
	int r;

	_Static_assert(sizeof(struct pi_loadavg) <= sizeof(obj1), "storage");
	_Static_assert(sizeof(struct pi_pressure) <= sizeof(obj1), "storage");
	memcpy(in, data, size);
	r = parse_one(t, "parse", in, size, obj1, &e);
	free(in);
	if (r < 0) {
		model_one(t, data, size, false);
		return 0;
	}
	render_one(t, "render of an accepted input", obj1, &r1);
	t->release(obj1);

	in = xmalloc(r1.len);
	memcpy(in, r1.data, r1.len);
	r = parse_one(t, "parse of the rendering", in, r1.len, obj2, &e);
	free(in);
	if (r < 0) {
		fprintf(stderr, "rendering (%zu bytes): %.*s\n", r1.len,
			(int)(r1.len > 2000 ? 2000 : r1.len), r1.data);
		fail("the rendering does not parse: %d %s:%u: %s", r, e.source, e.line, e.reason);
	}
	render_one(t, "second render", obj2, &r2);
	t->release(obj2);
	if (r1.len != r2.len || memcmp(r1.data, r2.data, r1.len) != 0) {
		show_diff(r1.data, r1.len, r2.data, r2.len);
		fail("render(parse(render(x))) differs from render(x)");
	}
	pi_buf_fini(&r1);
	pi_buf_fini(&r2);
	model_one(t, data, size, true);
	return 1;
}

/* ---- route ------------------------------------------------------------------------------ */

#define MAX_ARGS 16

struct args {
	size_t n;
	const char *name[MAX_ARGS], *value[MAX_ARGS];
	bool header[MAX_ARGS];
};

static const char *get_arg(void *ctx, const char *name)
{
	const struct args *a = ctx;

	for (size_t i = 0; i < a->n; i++)
		if (!a->header[i] && !strcmp(a->name[i], name))
			return a->value[i];
	return NULL;
}

static const char *get_header(void *ctx, const char *name)
{
	const struct args *a = ctx;

	for (size_t i = 0; i < a->n; i++)
		if (a->header[i] && !strcasecmp(a->name[i], name))
			return a->value[i];
	return NULL;
}

static uint64_t octal(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '7'; i++)
		v = v << 3 | (uint64_t)(p[i] - '0');
	return v;
}

/* A ustar archive: 512-byte blocks, valid header checksums, sizes inside the archive, two zero
 * blocks at the end. */
static void check_tar(const unsigned char *t, size_t len)
{
	size_t off = 0;

	if (len % 512 || len < 1024)
		fail("tar of %zu bytes", len);
	for (size_t i = len - 1024; i < len; i++)
		if (t[i])
			fail("tar without its two zero end blocks");
	while (off < len - 1024) {
		const unsigned char *h = t + off;
		uint64_t sum = 0, size;

		for (size_t i = 0; i < 512; i++)
			sum += i >= 148 && i < 156 ? ' ' : h[i];
		if (octal(h + 148, 8) != sum)
			fail("tar header at %zu: checksum %llu, computed %llu", off,
			     (unsigned long long)octal(h + 148, 8), (unsigned long long)sum);
		if (memcmp(h + 257, "ustar", 5) != 0)
			fail("tar header at %zu without the ustar magic", off);
		size = octal(h + 124, 12);
		if (size > len - off - 512)
			fail("tar member at %zu of %llu bytes overruns the archive", off,
			     (unsigned long long)size);
		off += 512 + (size + 511) / 512 * 512;
	}
	if (off != len - 1024)
		fail("tar members end at %zu, the end blocks start at %zu", off, len - 1024);
}

static int fuzz_route(const uint8_t *data, size_t size)
{
	const uint8_t *sep = NULL;
	size_t head_len = size, body_len = 0;
	char *head, *body = NULL, *p, *end;
	const char *fields[2 + MAX_ARGS];
	size_t nf = 0;
	struct args args = {0};
	struct pi_req req = {0};
	struct pi_resp resp;
	struct pi_route_ctx ctx;
	int st;

	build_base();
	/* METHOD \0 URL \0 (name=value | Header: value) \0 ... [\0\0 BODY] */
	for (size_t i = 0; i + 1 < size; i++)
		if (data[i] == 0 && data[i + 1] == 0) {
			sep = data + i;
			break;
		}
	if (sep) {
		head_len = (size_t)(sep - data);
		body_len = size - head_len - 2;
		body = xmalloc(body_len);
		memcpy(body, sep + 2, body_len);
	}
	head = xmalloc(head_len + 1);
	memcpy(head, data, head_len);
	head[head_len] = '\0';
	for (p = head, end = head + head_len; nf < 2 + MAX_ARGS; p += strlen(p) + 1) {
		fields[nf++] = p;
		if (p + strlen(p) >= end)
			break;
	}
	for (size_t i = 2; i < nf; i++) {
		char *eq = strchr(fields[i], '='), *colon = strstr(fields[i], ": ");

		args.name[args.n] = fields[i];
		if (colon && (!eq || colon < eq)) { /* a header */
			args.header[args.n] = true;
			args.value[args.n] = colon + 2;
			*colon = '\0';
		} else {
			args.value[args.n] = eq ? eq + 1 : "";
			if (eq)
				*eq = '\0';
		}
		args.n++;
	}
	req.method = nf > 0 ? fields[0] : "";
	req.url = nf > 1 ? fields[1] : "";
	req.body = body;
	req.body_len = body_len;
	req.arg = get_arg;
	req.header = get_header;
	req.ctx = &args;
	ctx = (struct pi_route_ctx){.index_html = pi_asset_index_html,
				    .index_len = pi_asset_index_html_len,
				    .history = base_history};

	pi_route(base_pages, &ctx, &req, &resp);
	st = resp.status;
	if (!resp.body)
		fail("no body (status %d) for %s %s", st, req.method, req.url);
	if (st != 200 && st != 400 && st != 404 && st != 405 && st != 413 && st != 500 && st != 503)
		fail("status %d for %s %s", st, req.method, req.url);
	if (resp.body->status != st)
		fail("response status %d but body status %d", st, resp.body->status);
	if (st == 405 && !resp.allow)
		fail("405 without an Allow header");
	if (!resp.ctype)
		fail("no content type (status %d)", st);
	if (!memchr(resp.etag, '\0', sizeof(resp.etag)) ||
	    (resp.etag[0] && (resp.etag[0] != '"' || strlen(resp.etag) < 2 ||
			      resp.etag[strlen(resp.etag) - 1] != '"')))
		fail("malformed ETag %.24s", resp.etag);
	if (resp.encoding) {
		const unsigned char *b = (const unsigned char *)resp.body->data;

		if (strcmp(resp.encoding, "gzip") != 0 || resp.body->len < 18 || b[0] != 0x1f ||
		    b[1] != 0x8b || b[2] != 8)
			fail("Content-Encoding %s but the body is not gzip", resp.encoding);
	} else if (!strncmp(resp.ctype, "application/json", 16))
		check_json("the JSON body", resp.body->data, resp.body->len);
	else if (!strcmp(resp.ctype, "application/x-tar"))
		check_tar((const unsigned char *)resp.body->data, resp.body->len);
	pi_blob_unref(resp.body);
	free(head);
	free(body);
	return st == 200;
}

int pi_fuzz_one(const char *target, const uint8_t *data, size_t size)
{
	cur_target = target;
	if (!strcmp(target, "route"))
		return fuzz_route(data, size);
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (!strcmp(target, targets[i].name))
			return fuzz_parser(&targets[i], data, size);
	return -1;
}
