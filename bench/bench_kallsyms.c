/* Benchmark of the /proc/kallsyms parser (parsers/kallsyms.c) and symbol index (model/ksymidx.c).
 *
 * Build from the repository root (always with optimisation):
 *   gcc -std=gnu11 -D_GNU_SOURCE -O2 -Iparsers -Imodel parsers/buf.c parsers/perr.c \
 *       parsers/scan.c parsers/kallsyms.c model/ksymidx.c bench/bench_kallsyms.c \
 *       -o /tmp/bench_kallsyms
 * Run:
 *   bench_kallsyms FILE [N]            read FILE once, then N times (default 20) parse a fresh copy
 *                                      (pi_kallsyms_parse_owned) and build the index; prints
 *                                      min/median ms, lines, MB/s and ns/line, then one-off costs
 *                                      (render, lazily built prefix/size tables, lookups)
 *   bench_kallsyms --synth LINES OUT   write a synthetic kallsyms of LINES lines to OUT (kernel
 *                                      symbols in address order, ~12% module symbols in symtab
 *                                      order, ftrace/bpf/kprobes pseudo-modules; name lengths like
 *                                      a 6.x x86-64 kernel)
 * Compare with what the kernel spends producing the file: time cat /proc/kallsyms >/dev/null
 * (as root, so that addresses are shown). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kallsyms.h"
#include "ksymidx.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static char *read_all(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	*ret_len = len;
	return buf;
}

/* xorshift64*: deterministic synthetic data. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned rndn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const char *const prefixes[] = {
    "",
    "",
    "",
    "",
    "__",
    "_",
    "do_",
    "sys_",
    "__x64_sys_",
    "ext4_",
    "tcp_",
    "ip_",
    "netif_",
    "kvm_",
    "x86_",
    "pci_",
    "drm_",
    "acpi_",
    "blk_",
    "cgroup_",
    "perf_",
    "mem_",
    "page_",
    "folio_",
    "kmem_cache_",
    "trace_event_raw_event_",
    "__probestub_",
    "__bpf_trace_",
    "rcu_",
    "xfs_",
    "btrfs_",
    "nfs_",
    "usb_",
    "snd_",
    "dev_",
    "bio_",
    "sched_",
    "irq_",
};
static const char *const words[] = {
    "alloc",   "free",	  "init",    "exit",	"get",	    "put",	  "lock",      "unlock",
    "read",    "write",	  "update",  "create",	"destroy",  "handler",	  "work",      "queue",
    "entry",   "state",	  "buffer",  "page",	"node",	    "cpu",	  "irq",       "timer",
    "device",  "driver",  "attr",    "show",	"store",    "map",	  "unmap",     "open",
    "release", "check",	  "set",     "clear",	"flags",    "pool",	  "event",     "ops",
    "stat",    "info",	  "table",   "hash",	"list",	    "ring",	  "fault",     "sched",
    "task",    "inode",	  "extent",  "mapping", "range",    "start",	  "stop",      "commit",
    "bitmap",  "pages",	  "zone",    "fn",	"cb",	    "one",	  "all",       "probe",
    "remove",  "suspend", "resume",  "reset",	"config",   "param",	  "status",    "mode",
    "count",   "size",	  "len",     "addr",	"phys",	    "virt",	  "dma",       "mmio",
    "port",    "link",	  "chan",    "rx",	"tx",	    "skb",	  "sock",      "conn",
    "request", "reply",	  "msg",     "ctx",	"priv",	    "data",	  "desc",      "slot",
    "worker",  "thread",  "wait",    "wake",	"poll",	    "notify",	  "signal",    "mutex",
    "spin",    "rcu",	  "seq",     "ref",	"refcount", "kref",	  "kobj",      "sysfs",
    "debugfs", "proc",	  "file",    "dentry",	"super",    "block",	  "sector",    "bio",
    "req",     "tag",	  "hctx",    "vma",	"mm",	    "pte",	  "pmd",       "pud",
    "tlb",     "flush",	  "cache",   "slab",	"kmalloc",  "vmalloc",	  "percpu",    "numa",
    "policy",  "cgroup",  "css",     "memcg",	"swap",	    "folio",	  "lru",       "anon",
    "shmem",   "huge",	  "thp",     "migrate", "compact",  "reclaim",	  "writeback", "dirty",
    "journal", "trans",	  "handle",  "key",	"value",    "tree",	  "root",      "leaf",
    "walk",    "iter",	  "next",    "prev",	"first",    "last",	  "find",      "lookup",
    "insert",  "delete",  "replace", "merge",	"split",    "copy",	  "move",      "fill",
    "parse",   "format",  "print",   "dump",	"trace",    "log",	  "warn",      "error",
    "valid",   "verify",  "enable",  "disable", "register", "unregister", "attach",    "detach",
};

static const char *const suffixes[] = {".isra.0", ".constprop.0", ".cold",
				       ".part.0", ".constprop.1", ".llvm.9211745532431845331"};
static const char *const modnames[] = {
    "nvidia",
    "xfs",
    "i915",
    "kvm_intel",
    "kvm",
    "btrfs",
    "nf_tables",
    "bluetooth",
    "snd_hda_codec_realtek",
    "mlx5_core",
    "amdgpu",
    "iwlwifi",
    "zfs",
    "drm_kms_helper",
    "nfsd",
    "sunrpc",
    "ext4",
    "jbd2",
    "mbcache",
    "cfg80211",
    "mac80211",
    "snd_hda_intel",
    "ttm",
    "video",
    "wmi",
    "aesni_intel",
    "crc32c_intel",
    "overlay",
    "br_netfilter",
    "bridge",
    "stp",
    "llc",
    "ip_tables",
    "x_tables",
    "nf_conntrack",
    "nf_defrag_ipv6",
    "libcrc32c",
};

static size_t make_name(char *out)
{
	size_t len = 0;
	unsigned nw, i;

	if (rndn(1000) == 0) { /* a Rust v0 symbol: long */
		len = (size_t)sprintf(out, "_RNvMs_NtNtCs%016llx_6kernel4sync",
				      (unsigned long long)rnd());
		for (i = rndn(8) + 4; i; i--) {
			const char *wd = words[rndn(sizeof(words) / sizeof(*words))];

			len += (size_t)sprintf(out + len, "%u%s", (unsigned)strlen(wd), wd);
		}
		return len;
	}
	len = (size_t)sprintf(out, "%s", prefixes[rndn(sizeof(prefixes) / sizeof(*prefixes))]);
	nw = 2 + rndn(3) + (rndn(5) == 0);
	for (i = 0; i < nw; i++)
		len += (size_t)sprintf(out + len, "%s%s", i ? "_" : "",
				       words[rndn(sizeof(words) / sizeof(*words))]);
	if (rndn(20) == 0)
		len += (size_t)sprintf(out + len, "%s",
				       suffixes[rndn(sizeof(suffixes) / sizeof(*suffixes))]);
	return len;
}

struct synsym {
	uint64_t addr;
	char type;
	char name[600];
};

static int synth(size_t lines, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t nmod = lines * 12 / 100, npseudo = lines / 500, nkern, i, done;
	uint64_t a = 0xffffffff81000000ULL, mbase = 0xffffffffc0000000ULL;
	char prev[600] = "", name[600];
	struct synsym *blk;
	unsigned m = 0;

	if (!f)
		return -errno;
	if (lines < 100) {
		nmod = 0;
		npseudo = 0;
	}
	nkern = lines - nmod - npseudo;
	for (i = 0; i < nkern; i++) {
		static const char kt[] = "tttttttttTTTTTTTTTrRdDbBW";
		char t = rndn(20) ? kt[rndn(18)] : kt[rndn(sizeof(kt) - 1)];

		if (i && rndn(100) < 2) /* a duplicate name (static functions in several files) */
			strcpy(name, prev);
		else
			make_name(name);
		fprintf(f, "%016llx %c %s\n", (unsigned long long)a, t, name);
		strcpy(prev, name);
		if (rndn(100) >= 3) /* 3% aliases at the same address */
			a += 16 * (1 + rndn(rndn(8) ? 24 : 400));
	}
	/* Modules: sizes from a few dozen to thousands, symbols in shuffled (symtab) order. */
	blk = malloc(8192 * sizeof(*blk));
	if (!blk) {
		fclose(f);
		return -ENOMEM;
	}
	for (done = 0; done < nmod; m++) {
		size_t cnt = 20 + rndn(m % 4 == 0 ? 6000 : 900), j;
		const char *mn = modnames[m % (sizeof(modnames) / sizeof(*modnames))];
		char mname[64];

		if (cnt > nmod - done)
			cnt = nmod - done;
		if (m < sizeof(modnames) / sizeof(*modnames))
			snprintf(mname, sizeof(mname), "%s", mn);
		else
			snprintf(mname, sizeof(mname), "%s_%u", mn, m);
		a = mbase;
		for (j = 0; j < cnt && j < 8192; j++) {
			static const char mt[] = "ttttttTTTdbrDBR";

			blk[j].addr = a;
			blk[j].type = mt[rndn(sizeof(mt) - 1)];
			make_name(blk[j].name);
			a += 16 * (1 + rndn(40));
		}
		cnt = j;
		for (j = cnt; j > 1; j--) { /* partially shuffled: runs of a few sorted symbols */
			size_t k = rndn((unsigned)j);
			struct synsym t;

			if (rndn(3) == 0)
				continue;
			t = blk[j - 1];
			blk[j - 1] = blk[k];
			blk[k] = t;
		}
		for (j = 0; j < cnt; j++)
			fprintf(f, "%016llx %c %s\t[%s]\n", (unsigned long long)blk[j].addr,
				blk[j].type, blk[j].name, mname);
		mbase = (a + 0x10000) & ~0xfffULL;
		done += cnt;
	}
	free(blk);
	for (i = 0; i < npseudo; i++) {
		uint64_t pa = 0xffffffffa0000000ULL + (uint64_t)i * 0x800;

		if (i % 3 == 0)
			fprintf(f, "%016llx t ftrace_trampoline\t[__builtin__ftrace]\n",
				(unsigned long long)pa);
		else if (i % 3 == 1)
			fprintf(f, "%016llx t bpf_prog_%016llx_sd_fw_ingress\t[bpf]\n",
				(unsigned long long)pa, (unsigned long long)rnd());
		else
			fprintf(f, "%016llx t kprobe_insn_page\t[__builtin__kprobes]\n",
				(unsigned long long)pa);
	}
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

static void stats(const char *what, double *t, unsigned n, size_t lines, size_t bytes)
{
	double med;

	qsort(t, n, sizeof(*t), cmp_double);
	med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	printf("%-15s min %8.3f ms  median %8.3f ms  %8.1f MB/s  %6.1f ns/line\n", what, t[0], med,
	       (double)bytes / 1e6 / (med / 1e3), med * 1e6 / (double)lines);
}

static int bench(const char *path, unsigned iters)
{
	size_t len, lines = 0, i, idx, hits = 0, nlook;
	char *in = read_all(path, &len);
	double *tp, *ti, *tt, t0, t1, t2;
	struct pi_kallsyms *k = NULL;
	struct pi_ksymidx *x = NULL;
	struct pi_perr e = {0};
	struct pi_buf out;
	size_t res[64];
	uint64_t sum = 0;
	unsigned it;

	if (!in) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	tp = calloc(iters, sizeof(*tp));
	ti = calloc(iters, sizeof(*ti));
	tt = calloc(iters, sizeof(*tt));
	if (!tp || !ti || !tt)
		return 1;
	for (it = 0; it < iters; it++) {
		char *copy = malloc(len + 1);

		if (!copy)
			return 1;
		memcpy(copy, in, len);
		t0 = now_ms();
		if (pi_kallsyms_parse_owned(copy, len, &k, &e) < 0) {
			fprintf(stderr, "%s:%u: %s\n", e.source, e.line, e.reason);
			return 1;
		}
		t1 = now_ms();
		if (pi_ksymidx_new(k, &x) < 0) {
			fprintf(stderr, "index failed\n");
			return 1;
		}
		t2 = now_ms();
		tp[it] = t1 - t0;
		ti[it] = t2 - t1;
		tt[it] = t2 - t0;
		lines = k->n;
		if (it + 1 < iters) {
			pi_ksymidx_free(x);
			pi_kallsyms_free(k);
		}
	}
	printf("%s: %zu bytes, %zu lines, %zu modules, addr width %u%s, %u runs\n", path, len,
	       lines, k->nmodules - 1, k->addr_width, k->addresses_hidden ? " (hidden)" : "",
	       iters);
	stats("parse", tp, iters, lines, len);
	stats("index", ti, iters, lines, len);
	stats("parse+index", tt, iters, lines, len);

	pi_buf_init(&out, 0);
	t0 = now_ms();
	pi_kallsyms_render(k, &out);
	t1 = now_ms();
	printf("render          %8.3f ms, round trip %s\n", t1 - t0,
	       out.len == len && memcmp(out.data, in, len) == 0 ? "identical" : "DIFFERS");
	pi_buf_fini(&out);

	t0 = now_ms();
	pi_ksymidx_prefix(x, "tcp_", 4, res, 64);
	t1 = now_ms();
	printf("first prefix()  %8.3f ms (builds the name order once)\n", t1 - t0);
	t0 = now_ms();
	for (i = 0; i < k->n; i++)
		sum += pi_ksymidx_size(x, i);
	t1 = now_ms();
	printf("size() x all    %8.3f ms (%.1f ns each, incl. the lazy per-module order)\n",
	       t1 - t0, (t1 - t0) * 1e6 / (double)k->n);
	nlook = 1000000;
	t0 = now_ms();
	for (i = 0; i < nlook; i++) {
		const struct pi_ksym *s = &k->syms[(i * 7919) % k->n];

		hits += pi_ksymidx_by_addr(x, s->addr + (i & 15), &idx) == 0;
	}
	t1 = now_ms();
	printf("by_addr         %8.1f ns/lookup (%zu hits)\n", (t1 - t0) * 1e6 / (double)nlook,
	       hits);
	hits = 0;
	t0 = now_ms();
	for (i = 0; i < nlook; i++) {
		const struct pi_ksym *s = &k->syms[(i * 7919) % k->n];

		hits += pi_ksymidx_by_name(x, pi_ksym_name(k, s), s->name_len, &idx) == 0;
	}
	t1 = now_ms();
	printf("by_name         %8.1f ns/lookup (%zu hits)\n", (t1 - t0) * 1e6 / (double)nlook,
	       hits);
	t0 = now_ms();
	for (i = 0; i < nlook; i++)
		hits += pi_ksymidx_prefix(x, "sys_", 4, res, 8);
	t1 = now_ms();
	printf("prefix(8)       %8.1f ns/query (checksum %llu)\n", (t1 - t0) * 1e6 / (double)nlook,
	       (unsigned long long)(sum + hits));
	pi_ksymidx_free(x);
	pi_kallsyms_free(k);
	free(in);
	free(tp);
	free(ti);
	free(tt);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--synth") == 0) {
		char *endp;
		unsigned long long lines = strtoull(argv[2], &endp, 10);
		int r;

		if (*endp || lines == 0) {
			fprintf(stderr, "bad line count\n");
			return 2;
		}
		r = synth((size_t)lines, argv[3]);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", argv[3], strerror(-r));
			return 1;
		}
		return 0;
	}
	if (argc == 2 || argc == 3) {
		unsigned long n = argc == 3 ? strtoul(argv[2], NULL, 10) : 20;

		if (n == 0 || n > 100000) {
			fprintf(stderr, "bad iteration count\n");
			return 2;
		}
		return bench(argv[1], (unsigned)n);
	}
	fprintf(stderr, "usage: %s FILE [N] | --synth LINES OUT\n", argv[0]);
	return 2;
}
