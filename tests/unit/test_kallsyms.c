/* kallsyms parser and symbol index: every fixture round-trips byte for byte and agrees with a
 * brute-force reference; hand-checked values; format traps; errors; hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kallsyms.h"
#include "ksymidx.h"
#include "testutil.h"

static struct pi_kallsyms *parse_ok(const char *s, size_t len)
{
	struct pi_kallsyms *k = NULL;
	struct pi_perr e = {0};
	int r = pi_kallsyms_parse(s, len, &k, &e);

	if (r < 0)
		fail_msg("parse failed (%d): %s:%u: %s", r, e.source, e.line, e.reason);
	return k;
}

static struct pi_kallsyms *parse_str(const char *s)
{
	return parse_ok(s, strlen(s));
}

static struct pi_ksymidx *index_ok(const struct pi_kallsyms *k)
{
	struct pi_ksymidx *x = NULL;

	assert_int_equal(pi_ksymidx_new(k, &x), 0);
	return x;
}

static void assert_renders(const struct pi_kallsyms *k, const char *want, size_t wantlen,
			   const char *what)
{
	struct pi_buf out;

	pi_buf_init(&out, 0);
	assert_int_equal(pi_kallsyms_render(k, &out), 0);
	pt_assert_same_bytes(out.data, out.len, want, wantlen, what);
	pi_buf_fini(&out);
}

static const char *name_of(const struct pi_kallsyms *k, size_t i)
{
	return pi_ksym_name(k, &k->syms[i]);
}

static const char *mod_of(const struct pi_kallsyms *k, size_t i)
{
	const struct pi_kmod *m = &k->modules[k->syms[i].module];

	return k->text + m->name_off;
}

static size_t by_name(const struct pi_ksymidx *x, const char *name)
{
	size_t idx = SIZE_MAX;

	if (pi_ksymidx_by_name(x, name, strlen(name), &idx) < 0)
		return SIZE_MAX;
	return idx;
}

static size_t by_addr(const struct pi_ksymidx *x, uint64_t a)
{
	size_t idx = SIZE_MAX;
	int r = pi_ksymidx_by_addr(x, a, &idx);

	if (r < 0) {
		assert_int_equal(r, -ENOENT);
		assert_int_equal(idx, SIZE_MAX); /* untouched */
		return SIZE_MAX;
	}
	return idx;
}

/* Reference answers by linear search. */
static size_t ref_by_addr(const struct pi_kallsyms *k, uint64_t a)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < k->n; i++)
		if (k->syms[i].addr <= a &&
		    (best == SIZE_MAX || k->syms[i].addr > k->syms[best].addr))
			best = i;
	return best;
}

static size_t ref_by_name(const struct pi_kallsyms *k, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->syms[i].name_len == len && memcmp(name_of(k, i), name, len) == 0)
			return i;
	return SIZE_MAX;
}

static uint64_t ref_size(const struct pi_kallsyms *k, size_t idx)
{
	const struct pi_ksym *s = &k->syms[idx];
	uint64_t best = 0;
	size_t i;

	if (k->addresses_hidden)
		return 0;
	for (i = 0; i < k->n; i++) {
		const struct pi_ksym *t = &k->syms[i];

		if (t->module == s->module && t->addr > s->addr &&
		    (!best || t->addr - s->addr < best))
			best = t->addr - s->addr;
	}
	return best;
}

static int cmp_names(const struct pi_kallsyms *k, size_t a, size_t b)
{
	const struct pi_ksym *sa = &k->syms[a], *sb = &k->syms[b];
	size_t n = sa->name_len < sb->name_len ? sa->name_len : sb->name_len;
	int c = memcmp(name_of(k, a), name_of(k, b), n);

	if (c)
		return c;
	return sa->name_len < sb->name_len ? -1 : sa->name_len > sb->name_len;
}

/* pi_ksymidx_prefix against a linear scan: the count, the order, the first match. */
static void check_prefix(const struct pi_kallsyms *k, const struct pi_ksymidx *x, const char *pre,
			 size_t len)
{
	size_t out[64], got, i, total = 0, first = SIZE_MAX;

	got = pi_ksymidx_prefix(x, pre, len, out, 64);
	for (i = 0; i < k->n; i++) {
		if (k->syms[i].name_len < len || memcmp(name_of(k, i), pre, len) != 0)
			continue;
		total++;
		if (first == SIZE_MAX || cmp_names(k, i, first) < 0)
			first = i;
	}
	assert_int_equal(got, total < 64 ? total : 64);
	if (got)
		assert_int_equal(out[0], first);
	for (i = 0; i < got; i++) {
		assert_memory_equal(name_of(k, out[i]), pre, len);
		if (i)
			assert_true(cmp_names(k, out[i - 1], out[i]) < 0 ||
				    (cmp_names(k, out[i - 1], out[i]) == 0 && out[i - 1] < out[i]));
	}
}

/* Structural invariants and the index against the reference on `samples` symbols. */
static void check_against_reference(const struct pi_kallsyms *k, const struct pi_ksymidx *x,
				    size_t samples, const char *what)
{
	size_t i, step = k->n / samples + 1, total = 0, m;

	for (m = 0; m < k->nmodules; m++)
		total += k->modules[m].count;
	assert_int_equal(total, k->n);
	for (i = 0; i < k->n; i++) {
		const struct pi_ksym *s = &k->syms[i];

		assert_true(s->module < k->nmodules);
		assert_int_equal(strlen(name_of(k, i)), s->name_len);
	}
	for (i = 0; i < k->n; i += (i + step < k->n || i + 1 == k->n) ? step : k->n - 1 - i) {
		const struct pi_ksym *s = &k->syms[i];
		size_t want;

		want = ref_by_name(k, name_of(k, i), s->name_len);
		if (by_name(x, name_of(k, i)) != want)
			fail_msg("%s: by_name(%s) = %zu, want %zu", what, name_of(k, i),
				 by_name(x, name_of(k, i)), want);
		if (!k->addresses_hidden) {
			want = ref_by_addr(k, s->addr);
			if (by_addr(x, s->addr) != want)
				fail_msg("%s: by_addr(%llx) = %zu, want %zu", what,
					 (unsigned long long)s->addr, by_addr(x, s->addr), want);
			if (s->addr < UINT64_MAX)
				assert_int_equal(by_addr(x, s->addr + 1),
						 ref_by_addr(k, s->addr + 1));
			if (s->addr > 0)
				assert_int_equal(by_addr(x, s->addr - 1),
						 ref_by_addr(k, s->addr - 1));
		}
		if (pi_ksymidx_size(x, i) != ref_size(k, i))
			fail_msg("%s: size(%zu %s) = %llu, want %llu", what, i, name_of(k, i),
				 (unsigned long long)pi_ksymidx_size(x, i),
				 (unsigned long long)ref_size(k, i));
		if ((i / step) % 8 == 0)
			check_prefix(k, x, name_of(k, i), s->name_len < 5 ? s->name_len : 5);
		if (i + 1 == k->n)
			break;
	}
}

static void test_all_fixtures(void **state)
{
	char **samples = pt_fixture_samples();
	int seen = 0;

	for (char **s = samples; *s; s++) {
		size_t len;
		char *in = pt_fixture_read(*s, "kallsyms", &len), *copy;
		struct pi_kallsyms *k = NULL, *k2 = NULL;
		struct pi_ksymidx *x;
		struct pi_perr e = {0};

		if (!in)
			continue;
		seen++;
		if (pi_kallsyms_parse(in, len, &k, &e) < 0)
			fail_msg("%s: %s:%u: %s", *s, e.source, e.line, e.reason);
		assert_false(k->addresses_hidden);
		assert_true(k->addr_width == 8 || k->addr_width == 16);
		if (!pt_fixture_edited(*s, "kallsyms"))
			assert_renders(k, in, len, *s);
		/* The in-place variant sees the same. */
		copy = malloc(len);
		assert_non_null(copy);
		memcpy(copy, in, len);
		assert_int_equal(pi_kallsyms_parse_owned(copy, len, &k2, &e), 0);
		/* copy is now k2->text (shrunk by realloc, so maybe moved). */
		assert_int_equal(k2->text_len, k->text_len);
		assert_memory_equal(k2->text, k->text, k->text_len);
		assert_true(k2->text_len < len);
		assert_int_equal(k2->n, k->n);
		assert_int_equal(k2->nmodules, k->nmodules);
		for (size_t i = 0; i < k->n; i++) {
			const struct pi_ksym *a = &k->syms[i], *b = &k2->syms[i];

			assert_true(a->addr == b->addr && a->name_off == b->name_off &&
				    a->name_len == b->name_len && a->module == b->module &&
				    a->type == b->type);
		}
		assert_renders(k2, in, len, *s);
		pi_kallsyms_free(k2);

		x = index_ok(k);
		check_against_reference(k, x, 48, *s);
		pi_ksymidx_free(x);
		pi_kallsyms_free(k);
		free(in);
	}
	assert_int_equal(seen, 6);
	pt_strv_free(samples);
}

static struct pi_kallsyms *fixture(const char *sample, char **ret_in, size_t *ret_len)
{
	char *in = pt_fixture_read(sample, "kallsyms", ret_len);

	assert_non_null(in);
	*ret_in = in;
	return parse_ok(in, *ret_len);
}

static void test_local_618(void **state)
{
	size_t len, out[8], i;
	char *in;
	struct pi_kallsyms *k = fixture("local-6.18-x86_64", &in, &len);
	struct pi_ksymidx *x = index_ok(k);

	assert_int_equal(k->n, 122067);
	assert_int_equal(k->addr_width, 16);
	/* Only module: line 122067 "ffffffffc0201000 t ftrace_trampoline\t[__builtin__ftrace]". */
	assert_int_equal(k->nmodules, 2);
	assert_string_equal(k->text + k->modules[1].name_off, "__builtin__ftrace");
	assert_int_equal(k->modules[1].count, 1);
	assert_int_equal(k->modules[0].count, 122066);
	assert_int_equal(k->modules[0].name_len, 0);
	assert_string_equal(k->text + k->modules[0].name_off, "");
	assert_int_equal(k->syms[122066].module, 1);
	assert_int_equal(k->syms[122066].type, 't');
	assert_string_equal(mod_of(k, 122066), "__builtin__ftrace");

	/* Line 3 "ffffffff81000000 T _text". */
	assert_int_equal(by_name(x, "_text"), 2);
	assert_int_equal(k->syms[2].addr, 0xffffffff81000000ULL);
	assert_int_equal(k->syms[2].type, 'T');
	/* Lines 1-4 share ffffffff81000000: the first in file order, srso_alias_untrain_ret. */
	assert_int_equal(by_addr(x, 0xffffffff81000000ULL), 0);
	assert_string_equal(name_of(k, 0), "srso_alias_untrain_ret");
	assert_int_equal(by_addr(x, 0xffffffff81000005ULL), 0);
	/* Line 5 "ffffffff81000010 T __entry_text_start". */
	assert_int_equal(by_addr(x, 0xffffffff81000010ULL), 4);
	/* Inside a function: line 38709 "ffffffff816b2110 t do_sys_openat2", next line 38710
	 * "ffffffff816b21e0 T __pfx_file_open_name": do_sys_openat2+0x40/0xd0. */
	i = by_addr(x, 0xffffffff816b2150ULL);
	assert_int_equal(i, 38708);
	assert_string_equal(name_of(k, i), "do_sys_openat2");
	assert_int_equal(0xffffffff816b2150ULL - k->syms[i].addr, 0x40);
	assert_int_equal(pi_ksymidx_size(x, i), 0xd0);
	/* Line 35419 "ffffffff8162d290 T kfree". */
	assert_int_equal(by_name(x, "kfree"), 35418);
	assert_int_equal(pi_ksymidx_size(x, 35418), 0x450);
	/* Below every symbol. */
	assert_int_equal(by_addr(x, 0xffffffff80ffffffULL), SIZE_MAX);
	assert_int_equal(by_addr(x, 0), SIZE_MAX);
	/* Above every symbol: the highest, the ftrace trampoline (a module of its own, the last
	 * of its region: no size). */
	assert_int_equal(by_addr(x, UINT64_MAX), 122066);
	assert_int_equal(by_addr(x, 0xffffffffc0201010ULL), 122066);
	assert_int_equal(pi_ksymidx_size(x, 122066), 0);
	/* The last kernel symbols (lines 122065-122066, ffffffff83e00000 B) have no size. */
	assert_int_equal(pi_ksymidx_size(x, 122064), 0);
	assert_int_equal(pi_ksymidx_size(x, 122065), 0);
	assert_int_equal(pi_ksymidx_size(x, 2), 0x10); /* _text -> __entry_text_start */
	/* Duplicate names: lines 107459, 107723, 108499 are all NF_HOOK.constprop.0. */
	assert_int_equal(by_name(x, "NF_HOOK.constprop.0"), 107458);
	assert_int_equal(by_name(x, "NF_HOOK.constprop"), SIZE_MAX);
	assert_int_equal(by_name(x, "no_such_symbol"), SIZE_MAX);
	assert_int_equal(pi_ksymidx_size(x, k->n), 0); /* out of range */

	/* Prefixes, in name order. */
	assert_int_equal(pi_ksymidx_prefix(x, "do_sys_open", 11, out, 8), 2);
	assert_int_equal(out[0], 38714); /* do_sys_open (line 38715) */
	assert_int_equal(out[1], 38708); /* do_sys_openat2 (line 38709) */
	assert_int_equal(pi_ksymidx_prefix(x, "kfree", 5, out, 3), 3);
	assert_string_equal(name_of(k, out[0]), "kfree");
	assert_string_equal(name_of(k, out[1]), "kfree_const");
	assert_string_equal(name_of(k, out[2]), "kfree_link");
	assert_int_equal(pi_ksymidx_prefix(x, "NF_HOOK.", 8, out, 8), 3);
	assert_int_equal(out[0], 107458); /* equal names stay in file order */
	assert_int_equal(out[1], 107722);
	assert_int_equal(out[2], 108498);
	assert_int_equal(pi_ksymidx_prefix(x, "zzzzzz", 6, out, 8), 0);
	assert_int_equal(pi_ksymidx_prefix(x, "kfree", 5, out, 0), 0);
	assert_int_equal(pi_ksymidx_prefix(x, "", 0, out, 2), 2);
	assert_true(strcmp(name_of(k, out[0]), name_of(k, out[1])) <= 0);

	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
	free(in);
}

static void test_cray_modules_and_percpu(void **state)
{
	size_t len, i, mod_syms = 0;
	char *in;
	struct pi_kallsyms *k = fixture("cray-x86_64-3.0-kallsyms", &in, &len);
	struct pi_ksymidx *x = index_ok(k);

	assert_int_equal(k->n, 55166);
	assert_int_equal(k->nmodules, 28); /* 27 modules, binfmt_misc first, craytrace last */
	assert_string_equal(k->text + k->modules[1].name_off, "binfmt_misc");
	assert_string_equal(k->text + k->modules[27].name_off, "craytrace");
	for (i = 1; i < k->nmodules; i++)
		mod_syms += k->modules[i].count;
	assert_int_equal(mod_syms, 10873);
	assert_string_equal(k->text + k->modules[4].name_off, "kgnilnd");
	assert_int_equal(k->modules[4].count, 2329);
	assert_string_equal(k->text + k->modules[9].name_off, "libcfs");
	assert_int_equal(k->modules[9].count, 2116);

	/* Line 1 "0000000000000000 D irq_stack_union", line 2 "... D __per_cpu_start": zero
	 * addresses, yet not hidden. */
	assert_false(k->addresses_hidden);
	assert_int_equal(k->syms[0].addr, 0);
	assert_int_equal(by_addr(x, 0), 0);
	assert_int_equal(by_addr(x, 0x10), 0);
	assert_int_equal(pi_ksymidx_size(x, 0), 0x4000); /* line 3 gdt_page at 0x4000 */
	/* Line 51373 "ffffffffa01be240 T libcfs_debug_msg\t[libcfs]". */
	i = by_name(x, "libcfs_debug_msg");
	assert_int_equal(i, 51372);
	assert_int_equal(k->syms[i].addr, 0xffffffffa01be240ULL);
	assert_string_equal(mod_of(k, i), "libcfs");
	assert_int_equal(pi_ksymidx_size(x, i), 0x50);
	/* Line 51387 "ffffffffa01c5850 T cfs_hash_create\t[libcfs]" (module symbols are not in
	 * address order: the next line is ffffffffa01af5f0). */
	assert_int_equal(by_addr(x, 0xffffffffa01c5860ULL), 51386);
	assert_int_equal(pi_ksymidx_size(x, 51386), 0x950);
	/* Line 44949 "ffffffffa02c2000 t kgnilnd_conn_state2str\t[kgnilnd]". */
	assert_int_equal(by_name(x, "kgnilnd_conn_state2str"), 44948);
	assert_int_equal(pi_ksymidx_size(x, 44948), 0xb0);

	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
	free(in);
}

static void test_zte_32bit_modules(void **state)
{
	size_t len, i, mod_syms = 0;
	char *in;
	struct pi_kallsyms *k = fixture("zte-zx279128-armv7-4.1", &in, &len);
	struct pi_ksymidx *x = index_ok(k);

	assert_int_equal(k->n, 83453);
	assert_int_equal(k->addr_width, 8);
	assert_int_equal(k->nmodules, 22);
	for (i = 1; i < k->nmodules; i++)
		mod_syms += k->modules[i].count;
	assert_int_equal(mod_syms, 38822);
	/* Line 44632 "bf6e9e54 r .LC1\t[mt7615_ap]" opens the first module, 13923 symbols. */
	assert_string_equal(k->text + k->modules[1].name_off, "mt7615_ap");
	assert_int_equal(k->modules[1].count, 13923);
	assert_string_equal(name_of(k, 44631), ".LC1");
	/* .LC0 appears many times; line 44633 "bf6e9e38 r .LC0\t[mt7615_ap]" is the first. */
	assert_int_equal(by_name(x, ".LC0"), 44632);
	assert_int_equal(pi_ksymidx_size(x, 44632), 0x1c);
	assert_int_equal(by_addr(x, 0xbf6e9e40), 44632);
	/* ARM mapping symbols "$a": the first is line 58555 in [usrline_zlk]. */
	i = by_name(x, "$a");
	assert_int_equal(i, 58554);
	assert_string_equal(mod_of(k, i), "usrline_zlk");
	/* Line 1 "c0008000 T stext". */
	assert_int_equal(by_name(x, "stext"), 0);
	assert_int_equal(k->syms[0].addr, 0xc0008000);
	assert_int_equal(pi_ksymidx_size(x, 0), 0x84);
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
	free(in);
}

static void test_sep4020_old_forms(void **state)
{
	size_t len, i;
	char *in;
	struct pi_kallsyms *k = fixture("sep4020-armv4t-2.6-old", &in, &len);
	struct pi_ksymidx *x = index_ok(k);

	assert_int_equal(k->n, 15991);
	assert_int_equal(k->addr_width, 8);
	assert_int_equal(k->nmodules, 14);
	/* Line 15144 "00000000 a sep4020_power.c\t[sep4020_power]": a per-file absolute symbol
	 * of a 2.6 module, at address 0 (the first of several at 0: by_addr(0) finds it). */
	i = by_name(x, "sep4020_power.c");
	assert_int_equal(i, 15143);
	assert_int_equal(k->syms[i].type, 'a');
	assert_int_equal(k->syms[i].addr, 0);
	assert_string_equal(mod_of(k, i), "sep4020_power");
	assert_int_equal(k->modules[1].count, 55);
	assert_int_equal(by_addr(x, 0), 15143);
	/* Line 15143 "c02834d8 A _etext" is the highest kernel address. */
	assert_int_equal(k->syms[15142].type, 'A');
	assert_int_equal(pi_ksymidx_size(x, 15142), 0);
	/* Line 10239 "c0273000 ? __end_pci_fixups_early". */
	assert_int_equal(k->syms[10238].type, '?');
	/* Line 15174 "c00241b4 U free_irq\t[sep4020_power]": undefined in the module. */
	assert_int_equal(k->syms[15173].type, 'U');
	/* "kfree": the kernel's (line 2473, T) comes before the module's U entry (line 15177). */
	assert_int_equal(by_name(x, "kfree"), 2472);
	assert_int_equal(k->syms[2472].type, 'T');
	/* Line 15146 "bf0212d0 t sep4020_power_exit\t[sep4020_power]": size 0x30 within its module
	 * although the module's '?' symbols lie at c287f4xx. */
	assert_int_equal(by_addr(x, 0xbf0212d4), 15145);
	assert_int_equal(pi_ksymidx_size(x, 15145), 0x30);
	assert_int_equal(pi_ksymidx_size(x, 15144), 0xc8);
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
	free(in);
}

static void test_other_32bit(void **state)
{
	size_t len;
	char *in;
	struct pi_kallsyms *k = fixture("xilinx-zynq-armv7-4.4", &in, &len);

	assert_int_equal(k->n, 53505);
	assert_int_equal(k->nmodules, 1);	      /* no modules */
	assert_string_equal(name_of(k, 0), "_stext"); /* line 1 "c0008280 T _stext" */
	assert_int_equal(k->syms[0].addr, 0xc0008280);
	assert_string_equal(name_of(k, 53504), "_einittext");
	pi_kallsyms_free(k);
	free(in);

	k = fixture("qcom-armv7-3.18-jmr540", &in, &len);
	assert_int_equal(k->n, 73935);
	assert_int_equal(k->nmodules, 1);
	/* Line 71679 "c0bf04fc V sysrq_reset_downtime_ms". */
	assert_int_equal(k->syms[71678].type, 'V');
	assert_int_equal(k->syms[71678].addr, 0xc0bf04fc);
	/* Last line "c0c5fc60 b __key.14241". */
	assert_string_equal(name_of(k, 73934), "__key.14241");
	pi_kallsyms_free(k);
	free(in);
}

static void test_hidden_addresses(void **state)
{
	/* kptr_restrict / no CAP_SYSLOG: every address printed as zero. */
	const char *in = "0000000000000000 T _stext\n"
			 "0000000000000000 T _text\n"
			 "0000000000000000 t do_one_initcall\n"
			 "0000000000000000 t ext4_fill_super\t[ext4]\n"
			 "0000000000000000 T _text\t[ext4]\n";
	struct pi_kallsyms *k = parse_str(in);
	struct pi_ksymidx *x = index_ok(k);
	size_t out[4];

	assert_true(k->addresses_hidden);
	assert_int_equal(by_addr(x, 0), SIZE_MAX);
	assert_int_equal(by_addr(x, UINT64_MAX), SIZE_MAX);
	assert_int_equal(by_name(x, "do_one_initcall"), 2);
	assert_int_equal(by_name(x, "_text"), 1); /* the kernel's, first in file order */
	assert_int_equal(by_name(x, "ext4_fill_super"), 3);
	assert_int_equal(pi_ksymidx_size(x, 0), 0);
	assert_int_equal(pi_ksymidx_size(x, 3), 0);
	assert_int_equal(pi_ksymidx_prefix(x, "_", 1, out, 4), 3);
	assert_int_equal(out[0], 0); /* _stext < _text < _text */
	assert_int_equal(out[1], 1);
	assert_int_equal(out[2], 4);
	check_against_reference(k, x, 10, "hidden");
	assert_renders(k, in, strlen(in), "hidden");
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);

	/* 32-bit hidden. */
	k = parse_str("00000000 T stext\n00000000 t x\n");
	assert_true(k->addresses_hidden);
	assert_int_equal(k->addr_width, 8);
	pi_kallsyms_free(k);
}

static void test_no_final_newline(void **state)
{
	struct pi_kallsyms *k = parse_str("ffffffff81000000 T _text\nffffffff81000010 T x");
	struct pi_kallsyms *k2;

	assert_int_equal(k->n, 2);
	assert_string_equal(name_of(k, 1), "x");
	{
		const char *want = "ffffffff81000000 T _text\nffffffff81000010 T x\n";

		assert_renders(k, want, strlen(want), "added newline");
	}
	pi_kallsyms_free(k);

	k = parse_str("c0008000 T a\nbf000000 t init_module\t[mod]");
	assert_int_equal(k->n, 2);
	assert_string_equal(mod_of(k, 1), "mod");
	assert_string_equal(name_of(k, 1), "init_module");
	pi_kallsyms_free(k);

	/* parse_owned grows an unterminated buffer by the NUL it needs. */
	{
		const char *s = "c0008000 T abcdefghijklmnopqrstuvwxyz0123456789";
		char *buf = malloc(strlen(s));

		memcpy(buf, s, strlen(s));
		assert_int_equal(pi_kallsyms_parse_owned(buf, strlen(s), &k2, NULL), 0);
		assert_string_equal(name_of(k2, 0), "abcdefghijklmnopqrstuvwxyz0123456789");
		pi_kallsyms_free(k2);
	}
}

static void test_names_and_types(void **state)
{
	/* Names are any run of non-whitespace: '.', '$', '@', ']' and bytes >= 0x80 included. */
	const char *in = "ffffffff81000000 T _text\n"
			 "ffffffff81000010 t __func__.12345\n"
			 "ffffffff81000020 t $a\n"
			 "ffffffff81000030 t .LC0\n"
			 "ffffffff81000040 t name@@GLIBC[x]\n"
			 "ffffffff81000050 t caf\xc3\xa9\n"
			 "ffffffff81000060 t ext4_fill_super.cold\n"
			 "ffffffff81000070 t _RNvNtCs1234_6kernel4sync3foo.llvm.1234567890\n"
			 "ffffffff81000080 W weak_sym\n"
			 "ffffffff81000090 V weak_obj\n"
			 "ffffffff810000a0 N debug\n"
			 "ffffffff810000b0 n debug2\n"
			 "ffffffff810000c0 U undef\n"
			 "ffffffff810000d0 ? what\n"
			 "ffffffff810000e0 - dash\n"
			 "ffffffff810000f0 ~ tilde\n";
	struct pi_kallsyms *k = parse_str(in);
	struct pi_ksymidx *x = index_ok(k);

	assert_int_equal(k->n, 16);
	assert_string_equal(name_of(k, 4), "name@@GLIBC[x]");
	assert_string_equal(name_of(k, 5), "caf\xc3\xa9");
	assert_int_equal(k->syms[13].type, '?');
	assert_int_equal(k->syms[15].type, '~');
	assert_int_equal(by_name(x, "$a"), 2);
	assert_int_equal(by_name(x, "caf\xc3\xa9"), 5);
	assert_renders(k, in, strlen(in), "names");
	check_against_reference(k, x, 16, "names");
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_name_lengths(void **state)
{
	/* Every length around the 8- and 32-byte steps of the scanner, in the middle of the
	 * input, on the last line, and without a final newline; plus the limits. */
	struct pi_buf b;
	size_t len, i;

	for (len = 1; len <= 130; len++) {
		char *name = repeat('a', len);
		struct pi_kallsyms *k;
		struct pi_ksymidx *x;

		for (i = 0; i < len; i++)
			name[i] = (char)('a' + (i * 7 + len) % 26);
		pi_buf_init(&b, 0);
		pi_buf_printf(&b,
			      "ffffffff81000000 T %s\nffffffff81000010 t %s\t[m%zu]\n"
			      "ffffffff81000020 t z\nffffffff81000030 T %s",
			      name, name, len, name);
		k = parse_ok(b.data, b.len);
		x = index_ok(k);
		assert_int_equal(k->n, 4);
		for (i = 0; i < 4; i++)
			assert_int_equal(strlen(name_of(k, i)), k->syms[i].name_len);
		assert_int_equal(k->syms[3].name_len, len);
		assert_string_equal(name_of(k, 3), name);
		assert_int_equal(by_name(x, name), 0);
		pi_ksymidx_free(x);
		pi_kallsyms_free(k);
		pi_buf_fini(&b);
		free(name);
	}
	/* KSYM_NAME_LEN is 512 since 6.1 (Rust); the parser allows up to PI_KSYM_NAME_MAX. */
	for (len = 511; len <= PI_KSYM_NAME_MAX; len += PI_KSYM_NAME_MAX - 511) {
		char *name = repeat('r', len);
		struct pi_kallsyms *k;

		pi_buf_init(&b, 0);
		pi_buf_printf(&b, "ffffffff81000000 T %s\nffffffff81000010 T %s\t[%s]\n", name,
			      name, name);
		k = parse_ok(b.data, b.len);
		assert_int_equal(k->syms[0].name_len, len);
		assert_int_equal(k->modules[1].name_len, len);
		assert_renders(k, b.data, b.len, "long names");
		pi_kallsyms_free(k);
		pi_buf_fini(&b);
		free(name);
	}
}

static void test_compact_names(void **state)
{
	/* Names are moved to the front of the buffer; a name that is the tail of the one before
	 * it shares its bytes; module names follow, once each. */
	size_t len, i, shared = 0, pfx = 0;
	char *in;
	struct pi_kallsyms *k = fixture("local-6.18-x86_64", &in, &len);

	/* Figures from a Python model of the rule over the same file: 122,067 names, 57,680
	 * shared (57,650 of them "foo" after "__pfx_foo"), 1,823,533 bytes of symbol names,
	 * then "\0" (the kernel image) and "__builtin__ftrace\0". The file has 5,410,983. */
	assert_int_equal(len, 5410983);
	assert_int_equal(k->text_len, 1823533 + 1 + 18);
	assert_int_equal(k->modules[0].name_off, 1823533);
	assert_int_equal(k->modules[1].name_off, 1823534);
	assert_string_equal(k->text + k->modules[1].name_off, "__builtin__ftrace");
	for (i = 1; i < k->n; i++) {
		const struct pi_ksym *a = &k->syms[i - 1], *b = &k->syms[i];

		assert_int_equal(strlen(name_of(k, i)), b->name_len);
		if (b->name_off + b->name_len != a->name_off + a->name_len)
			continue;
		shared++;
		if (a->name_len == b->name_len + 6 && !strncmp(name_of(k, i - 1), "__pfx_", 6))
			pfx++;
	}
	assert_int_equal(shared, 57680);
	assert_int_equal(pfx, 57650);
	/* Line 60 "__pfx_asm_load_gs_index", line 61 "asm_load_gs_index". */
	assert_string_equal(name_of(k, 59), "__pfx_asm_load_gs_index");
	assert_int_equal(k->syms[60].name_off, k->syms[59].name_off + 6);
	pi_kallsyms_free(k);
	free(in);

	/* By hand: a duplicate shares whole, a tail shares, a prefix or a longer name does not,
	 * and sharing only looks one name back. */
	k = parse_str("00000010 T __pfx_f\n00000020 T f\n00000030 t f\n00000040 t ff\n"
		      "00000050 t f\n00000060 t __pfx_f\n00000070 t __pfx_\n00000080 t _f\n");
	assert_int_equal(k->syms[1].name_off, k->syms[0].name_off + 6);
	assert_int_equal(k->syms[2].name_off, k->syms[1].name_off);
	assert_int_equal(k->syms[3].name_off, 8);  /* "__pfx_f\0" before it */
	assert_int_equal(k->syms[4].name_off, 9);  /* the tail of "ff" */
	assert_int_equal(k->syms[5].name_off, 11); /* longer than "ff": written */
	assert_int_equal(k->syms[6].name_off, 19); /* "__pfx_" is a prefix, not a tail */
	assert_int_equal(k->syms[7].name_off, 26);
	assert_int_equal(k->text_len, 26 + 3 + 1);
	assert_string_equal(name_of(k, 7), "_f");
	assert_string_equal(k->text + k->modules[0].name_off, "");
	pi_kallsyms_free(k);
}

static void test_modules(void **state)
{
	/* Pseudo-modules, a module seen again after another one, more than 16 modules (the
	 * module map grows), and the per-module size. */
	struct pi_buf b;
	struct pi_kallsyms *k;
	struct pi_ksymidx *x;
	unsigned i;
	const char *in = "ffffffff81000000 T _text\n"
			 "ffffffff81001000 T _etext\n"
			 "ffffffffc0001000 t a1\t[m1]\n"
			 "ffffffffc0003000 t a2\t[m1]\n"
			 "ffffffffc0002000 t b1\t[m2]\n"
			 "ffffffffc0004000 t a3\t[m1]\n"
			 "ffffffffc0002000 t a4\t[m1]\n"
			 "ffffffffa0000000 t ftrace_trampoline\t[__builtin__ftrace]\n"
			 "ffffffffa0001000 t bpf_prog_6deef7357e7b4530_sd_fw_ingress\t[bpf]\n"
			 "ffffffffa0002000 t kprobe_insn_page\t[__builtin__kprobes]\n";

	k = parse_str(in);
	x = index_ok(k);
	assert_int_equal(k->nmodules, 6);
	assert_string_equal(k->text + k->modules[1].name_off, "m1");
	assert_int_equal(k->modules[1].count, 4);
	assert_int_equal(k->modules[2].count, 1);
	assert_int_equal(k->syms[5].module, 1); /* back to m1 after m2 */
	assert_string_equal(mod_of(k, 7), "__builtin__ftrace");
	assert_string_equal(mod_of(k, 8), "bpf");
	assert_string_equal(mod_of(k, 9), "__builtin__kprobes");
	/* a1 at c0001000: the next higher symbol overall is b1 (m2) and a4 (m1), both at
	 * c0002000: a1's size is 0x1000. a4's is 0x1000 (a2); b1 is alone in m2. */
	assert_int_equal(pi_ksymidx_size(x, 2), 0x1000);
	assert_int_equal(pi_ksymidx_size(x, 6), 0x1000);
	assert_int_equal(pi_ksymidx_size(x, 4), 0);
	assert_int_equal(pi_ksymidx_size(x, 5), 0);
	/* c0002000 is both b1 (line 5) and a4 (line 7): the first in file order wins. */
	assert_int_equal(by_addr(x, 0xffffffffc0002000ULL), 4);
	assert_int_equal(by_addr(x, 0xffffffffc0002fffULL), 4);
	assert_int_equal(by_addr(x, 0xffffffffa0001fffULL), 8);
	assert_int_equal(pi_ksymidx_size(x, 1), 0); /* _etext: the kernel's highest */
	assert_int_equal(pi_ksymidx_size(x, 0), 0x1000);
	check_against_reference(k, x, 10, "modules");
	assert_renders(k, in, strlen(in), "modules");
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);

	/* Interleaved module address ranges: the next symbol up is another module's. */
	k = parse_str("c0001000 t x1\t[x]\nc0002000 t y1\t[y]\nc0003000 t x2\t[x]\n");
	x = index_ok(k);
	assert_int_equal(pi_ksymidx_size(x, 0), 0x2000);
	assert_int_equal(pi_ksymidx_size(x, 1), 0);
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);

	pi_buf_init(&b, 0);
	for (i = 0; i < 1000; i++)
		pi_buf_printf(&b, "%08x t f%u\t[mod%u]\n", 0xbf000000u + i * 16, i, i % 300);
	k = parse_ok(b.data, b.len);
	assert_int_equal(k->nmodules, 301);
	for (i = 1; i <= 300; i++)
		assert_int_equal(k->modules[i].count, i <= 100 ? 4 : 3);
	assert_string_equal(k->text + k->modules[300].name_off, "mod299");
	assert_renders(k, b.data, b.len, "300 modules");
	pi_kallsyms_free(k);
	pi_buf_fini(&b);
}

static void test_address_order_segments(void **state)
{
	/* The longest sorted run (lines 2-6) is searched in place, the rest sorted: a tie across
	 * the two must still give the first in file order (line 1). */
	const char *in = "0000000000000100 t early\n"
			 "0000000000000010 t r1\n"
			 "0000000000000020 t r2\n"
			 "0000000000000100 t r3\n"
			 "0000000000000200 t r4\n"
			 "0000000000000300 t r5\n"
			 "0000000000000250 t late\n"
			 "0000000000000005 t low\n";
	struct pi_kallsyms *k = parse_str(in);
	struct pi_ksymidx *x = index_ok(k);

	assert_int_equal(by_addr(x, 0x100), 0);
	assert_int_equal(by_addr(x, 0x1ff), 0);
	assert_int_equal(by_addr(x, 0x250), 6);
	assert_int_equal(by_addr(x, 0x2ff), 6);
	assert_int_equal(by_addr(x, 0x5), 7);
	assert_int_equal(by_addr(x, 0x4), SIZE_MAX);
	assert_int_equal(by_addr(x, 0x10), 1);
	assert_int_equal(pi_ksymidx_size(x, 7), 0xb);
	assert_int_equal(pi_ksymidx_size(x, 4), 0x50);
	assert_int_equal(pi_ksymidx_size(x, 0), 0x100);
	assert_int_equal(pi_ksymidx_size(x, 5), 0);
	check_against_reference(k, x, 8, "segments");
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
}

static void test_large_unsorted(void **state)
{
	/* Enough unsorted symbols for the radix sort, with many equal addresses. */
	struct pi_buf b;
	struct pi_kallsyms *k;
	struct pi_ksymidx *x;
	uint64_t v = 12345;
	unsigned i;

	pi_buf_init(&b, 0);
	for (i = 0; i < 3000; i++)
		pi_buf_printf(&b, "%016llx T k%u\n", 0xffffffff81000000ULL + i * 32ULL, i);
	for (i = 0; i < 5000; i++) {
		v = v * 6364136223846793005ULL + 1442695040888963407ULL;
		pi_buf_printf(&b, "%016llx t s%u\t[m%u]\n",
			      0xffffffffc0000000ULL + ((v >> 33) % 2048) * 8, i % 97,
			      (unsigned)(v >> 60));
	}
	k = parse_ok(b.data, b.len);
	x = index_ok(k);
	check_against_reference(k, x, 400, "unsorted");
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
	pi_buf_fini(&b);
}

static void expect_error(const char *in, size_t len, int err, unsigned line, const char *reason)
{
	struct pi_kallsyms *k = (void *)0x1;
	struct pi_perr e = {0};
	char *copy;

	assert_int_equal(pi_kallsyms_parse(in, len, &k, &e), err);
	assert_ptr_equal(k, (void *)0x1);
	assert_string_equal(e.source, "kallsyms");
	if (e.line != line)
		fail_msg("\"%.40s\": line %u, want %u (%s)", in, e.line, line, e.reason);
	if (!strstr(e.reason, reason))
		fail_msg("reason \"%s\" lacks \"%s\"", e.reason, reason);
	/* The owning variant frees the buffer and reports the same. */
	copy = malloc(len ? len : 1);
	memcpy(copy, in, len);
	memset(&e, 0, sizeof(e));
	assert_int_equal(pi_kallsyms_parse_owned(copy, len, &k, &e), err);
	assert_ptr_equal(k, (void *)0x1);
	assert_int_equal(e.line, line);
}

#define EXPECT_ERROR(s, err, line, reason) expect_error((s), sizeof(s) - 1, (err), (line), (reason))

static void test_errors(void **state)
{
	EXPECT_ERROR("", -ENODATA, 0, "empty");
	EXPECT_ERROR("\n", -EINVAL, 1, "8 or 16");
	EXPECT_ERROR("ffffffff81000000 T _text\n\nffffffff81000010 T x\n", -EINVAL, 2,
		     "empty line");
	EXPECT_ERROR("ffffffff81000000 T _text\n\n", -EINVAL, 2, "empty line");
	/* Width: 8 or 16 digits, the same on every line. */
	EXPECT_ERROR("ffffffff8100000 T _text\n", -EINVAL, 1, "8 or 16");
	EXPECT_ERROR("ffffffff81000000 T _text\nc0008000 T stext\n", -EINVAL, 2, "too short");
	EXPECT_ERROR("ffffffff81000000 T _text\nc0008000 T start_kernel\n", -EINVAL, 2,
		     "16 lowercase hex");
	EXPECT_ERROR("c0008000 T stext\nffffffff81000000 T _text\n", -EINVAL, 2, "space after 8");
	EXPECT_ERROR("c0008000 T stext\nc000800 T x\n", -EINVAL, 2, "8 lowercase hex");
	/* %px prints lowercase hex. */
	EXPECT_ERROR("FFFFFFFF81000000 T _text\n", -EINVAL, 1, "lowercase hex");
	EXPECT_ERROR("ffffffff8100000g T _text\n", -EINVAL, 1, "lowercase hex");
	EXPECT_ERROR("c000800G T x\n", -EINVAL, 1, "lowercase hex");
	/* One space, one type byte, one space. */
	EXPECT_ERROR("ffffffff81000000  T _text\n", -EINVAL, 1, "bad type");
	EXPECT_ERROR("ffffffff81000000 T  _text\n", -EINVAL, 1, "empty name");
	EXPECT_ERROR("ffffffff81000000\tT _text\n", -EINVAL, 1, "8 or 16");
	EXPECT_ERROR("ffffffff81000000 TT _text\n", -EINVAL, 1, "space after the type");
	EXPECT_ERROR("ffffffff81000000 \x80 _text\n", -EINVAL, 1, "bad type character \\x80");
	EXPECT_ERROR("ffffffff81000000 \t _text\n", -EINVAL, 1, "bad type");
	EXPECT_ERROR("c0008000 T\n", -EINVAL, 1, "too short");
	EXPECT_ERROR("c0008000 T \n", -EINVAL, 1, "empty name");
	/* Name terminators. */
	EXPECT_ERROR("ffffffff81000000 T _text \n", -EINVAL, 1, "a space after the name");
	EXPECT_ERROR("ffffffff81000000 T _text\r\n", -EINVAL, 1, "\\x0d after the name");
	EXPECT_ERROR("ffffffff81000000 T _te\0xt\n", -EINVAL, 1, "\\x00 after the name");
	EXPECT_ERROR("ffffffff81000000 T a b\n", -EINVAL, 1, "after the name");
	/* Modules. */
	EXPECT_ERROR("ffffffff81000000 T x\t\n", -EINVAL, 1, "expected '[' after the tab");
	EXPECT_ERROR("ffffffff81000000 T x\t", -EINVAL, 1, "'[' after the tab, got end of input");
	EXPECT_ERROR("ffffffff81000000 T x\tmod\n", -EINVAL, 1, "expected '['");
	EXPECT_ERROR("ffffffff81000000 T x\t[]\n", -EINVAL, 1, "empty or not closed");
	EXPECT_ERROR("ffffffff81000000 T x\t[\n", -EINVAL, 1, "empty or not closed");
	EXPECT_ERROR("ffffffff81000000 T x\t[mod\n", -EINVAL, 1, "not closed by ']'");
	EXPECT_ERROR("ffffffff81000000 T x\t[mod] \n", -EINVAL, 1, "a space after the module");
	EXPECT_ERROR("ffffffff81000000 T x\t[mo d]\n", -EINVAL, 1, "after the module name");
	EXPECT_ERROR("ffffffff81000000 T x\t[mod]\t[m2]\n", -EINVAL, 1, "a tab after the module");
	EXPECT_ERROR("ffffffff81000000 T x\t\t[mod]\n", -EINVAL, 1, "got a tab");
	EXPECT_ERROR("ffffffff81000000 T x\n"
		     "ffffffff81000010 T y\n"
		     "ffffffff81000020 T z\r\n",
		     -EINVAL, 3, "after the name");
}

static void test_limits(void **state)
{
	char *name = repeat('n', PI_KSYM_NAME_MAX + 1);
	struct pi_buf b;
	unsigned i;

	pi_buf_init(&b, 0);
	pi_buf_printf(&b, "ffffffff81000000 T ok\nffffffff81000010 T %s\n", name);
	expect_error(b.data, b.len, -EINVAL, 2, "name longer than 1024");
	pi_buf_reset(&b);
	pi_buf_printf(&b, "ffffffff81000000 T ok\t[%s]\n", name);
	expect_error(b.data, b.len, -EINVAL, 1, "module name longer than 1024");
	pi_buf_reset(&b);
	/* Without a final newline, near the end of the input. */
	pi_buf_printf(&b, "c0008000 T %s", name);
	expect_error(b.data, b.len, -EINVAL, 1, "name longer");
	free(name);

	/* pi_ksym.module is 14 bits: at most 16383 modules (a big host loads a few hundred). */
	pi_buf_reset(&b);
	for (i = 0; i < 16384; i++)
		pi_buf_printf(&b, "c0008000 t f\t[m%u]\n", i);
	expect_error(b.data, b.len, -E2BIG, 16384, "more than 16383 modules");
	/* Exactly 16383 modules is fine. */
	{
		struct pi_kallsyms *k =
		    parse_ok(b.data, b.len - strlen("c0008000 t f\t[m16383]\n"));
		struct pi_ksymidx *x = index_ok(k);

		assert_int_equal(k->nmodules, 16384);
		assert_string_equal(k->text + k->modules[16383].name_off, "m16382");
		assert_int_equal(k->syms[16382].module, 16383);
		pi_ksymidx_free(x);
		pi_kallsyms_free(k);
	}
	pi_buf_fini(&b);
}

static void test_render_appends(void **state)
{
	const char *in = "c0008000 T stext\nbf000000 t x\t[m]\n";
	struct pi_kallsyms *k = parse_str(in);
	struct pi_buf out;

	pi_buf_init(&out, 0);
	pi_buf_puts(&out, "head:");
	assert_int_equal(pi_kallsyms_render(k, &out), 0);
	pt_assert_same_bytes(out.data, out.len, "head:c0008000 T stext\nbf000000 t x\t[m]\n",
			     5 + strlen(in), "append");
	pi_buf_fini(&out);
	/* A capped buffer reports E2BIG. */
	pi_buf_init(&out, 10);
	assert_int_equal(pi_kallsyms_render(k, &out), -E2BIG);
	pi_buf_fini(&out);
	pi_kallsyms_free(k);
}

/* If parse accepts bytes, render must succeed and parse(render) must render the same. */
static void check_round_trip_property(const char *in, size_t len)
{
	struct pi_kallsyms *k = NULL, *k2 = NULL;
	struct pi_buf a, b;
	struct pi_ksymidx *x;
	size_t idx;

	if (pi_kallsyms_parse(in, len, &k, NULL) < 0)
		return;
	assert_int_equal(pi_ksymidx_new(k, &x), 0);
	pi_ksymidx_by_addr(x, k->syms[0].addr, &idx);
	pi_ksymidx_size(x, k->n - 1);
	pi_ksymidx_free(x);
	pi_buf_init(&a, 0);
	pi_buf_init(&b, 0);
	assert_int_equal(pi_kallsyms_render(k, &a), 0);
	assert_int_equal(pi_kallsyms_parse(a.data, a.len, &k2, NULL), 0);
	assert_int_equal(pi_kallsyms_render(k2, &b), 0);
	pt_assert_same_bytes(b.data, b.len, a.data, a.len, "re-render");
	pi_buf_fini(&a);
	pi_buf_fini(&b);
	pi_kallsyms_free(k);
	pi_kallsyms_free(k2);
}

static void test_hostile_input(void **state)
{
	static const char seed[] = "ffffffff81000000 T _text\n"
				   "ffffffff81000010 t x.isra.0\t[m]\n"
				   "ffffffff81000020 W y\n";
	uint64_t v = 88172645463325252ULL;
	char buf[256], *big;
	size_t i, j, n;

	/* Random bytes, and mutations of a valid file. */
	for (i = 0; i < 20000; i++) {
		v ^= v << 13;
		v ^= v >> 7;
		v ^= v << 17;
		if (i % 2) {
			n = v % sizeof(buf);
			for (j = 0; j < n; j++) {
				v = v * 6364136223846793005ULL + 1;
				buf[j] = (char)(v >> 56);
			}
		} else {
			n = sizeof(seed) - 1 - (v % 7 == 0 ? v % 20 : 0);
			memcpy(buf, seed, n);
			for (j = 0; j < 1 + v % 3; j++) {
				v = v * 6364136223846793005ULL + 1;
				buf[(v >> 33) % n] = "0f \t\n[]\0xT"[(v >> 20) % 11];
			}
		}
		check_round_trip_property(buf, n);
	}
	/* NULs only. */
	memset(buf, 0, sizeof(buf));
	expect_error(buf, sizeof(buf), -EINVAL, 1, "8 or 16");
	/* A 10 MiB line: stopped at the name limit. */
	n = 10u << 20;
	big = malloc(n);
	if (!big) {
		fail();
		return;
	}
	memset(big, 'a', n);
	memcpy(big, "ffffffff81000000 T ", 19);
	expect_error(big, n, -EINVAL, 1, "name longer");
	/* A 10 MiB module name. */
	memcpy(big + 19, "x\t[", 3);
	expect_error(big, n, -EINVAL, 1, "module name longer");
	/* 10 MiB of newlines after a good line. */
	memset(big, '\n', n);
	memcpy(big, "c0008000 T x\n", 13);
	expect_error(big, n, -EINVAL, 2, "empty line");
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_fixtures),
	    cmocka_unit_test(test_local_618),
	    cmocka_unit_test(test_cray_modules_and_percpu),
	    cmocka_unit_test(test_zte_32bit_modules),
	    cmocka_unit_test(test_sep4020_old_forms),
	    cmocka_unit_test(test_other_32bit),
	    cmocka_unit_test(test_hidden_addresses),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_names_and_types),
	    cmocka_unit_test(test_name_lengths),
	    cmocka_unit_test(test_compact_names),
	    cmocka_unit_test(test_modules),
	    cmocka_unit_test(test_address_order_segments),
	    cmocka_unit_test(test_large_unsorted),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_render_appends),
	    cmocka_unit_test(test_hostile_input),
	};
	return cmocka_run_group_tests_name("kallsyms", tests, NULL, NULL);
}
