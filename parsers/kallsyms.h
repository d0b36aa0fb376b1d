/* /proc/kallsyms (kernel/kallsyms.c s_show): "%px %c %s\n", module symbols
 * "%px %c %s\t[%s]\n". Hundreds of thousands of lines; parsing must be fast. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "perr.h"

#define PI_KSYM_NAME_MAX 1024 /* KSYM_NAME_LEN is 128, 512 since 6.1; be generous */

/* 16 bytes: a big kernel has hundreds of thousands of symbols. */
struct pi_ksym {
	uint64_t addr;
	uint32_t name_off;	/* into pi_kallsyms.text; the name is NUL-terminated there */
	uint32_t name_len : 11; /* 1 .. PI_KSYM_NAME_MAX */
	uint32_t type : 7;	/* nm letter as printed (0x21..0x7e): T t D d B b R r A a W w ... */
	uint32_t module : 14;	/* 0 = the kernel image, else index into pi_kallsyms.modules */
};

/* modules[0] (the kernel image) has name_len 0 and name_off pointing at a NUL byte in text. */
struct pi_kmod {
	uint32_t name_off; /* into text, NUL-terminated */
	uint16_t name_len;
	size_t count; /* symbols attributed to this module */
};

struct pi_kallsyms {
	size_t n;
	struct pi_ksym *syms; /* file order */
	char *text;	      /* owned storage holding every name, NUL-terminated: symbol names
				 (one may be the tail of another), then module names */
	size_t text_len;
	unsigned addr_width;   /* printed hex digits: 16 on 64-bit, 8 on 32-bit */
	bool addresses_hidden; /* every address is zero (kptr_restrict / no CAP_SYSLOG) */
	size_t nmodules;       /* modules[0] is a placeholder for the kernel image */
	struct pi_kmod *modules;
};

static inline const char *pi_ksym_name(const struct pi_kallsyms *k, const struct pi_ksym *s)
{
	return k->text + s->name_off;
}

/* Accepted grammar (one symbol per line, every line the same address width):
 *   <addr: exactly 8 or 16 lowercase hex digits> ' ' <type: one byte 0x21..0x7e> ' '
 *   <name: 1..PI_KSYM_NAME_MAX bytes, none <= 0x20> [ '\t' '[' <module: 1..PI_KSYM_NAME_MAX
 *   bytes, none <= 0x20, the last ']' closes it> ']' ] '\n'
 * A final line without '\n' is accepted (a truncated read); render always ends lines with '\n'.
 * Errors: -ENODATA (empty input), -EINVAL (malformed; *reterr names the line), -E2BIG (input over
 * 4 GiB or more than 16383 modules), -ENOMEM. *ret is written only on success. */

/* Copies what it keeps from buf. */
int pi_kallsyms_parse(const char *buf, size_t len, struct pi_kallsyms **ret,
		      struct pi_perr *reterr);
/* Same, but takes ownership of a malloc()ed buffer (freed on failure too) and keeps the names
 * in it (compacted, then shrunk), avoiding a copy of a multi-megabyte input. */
int pi_kallsyms_parse_owned(char *buf, size_t len, struct pi_kallsyms **ret,
			    struct pi_perr *reterr);
struct pi_kallsyms *pi_kallsyms_free(struct pi_kallsyms *k);
int pi_kallsyms_render(const struct pi_kallsyms *k, struct pi_buf *out);
/* A hash of a name (word-at-a-time, not cryptographic; the same on every host). */
uint32_t pi_ksym_hash(const char *name, size_t len);
