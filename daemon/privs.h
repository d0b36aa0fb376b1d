/* Giving up privileges after the files that need them are open.
 *
 * Measured on 6.18 (docs/security.md): pagetypeinfo (0400 since 5.4) is checked at open();
 * iomem (4.6+) and kallsyms (4.15+) decide what to show from the opener's credentials, saved
 * at open(). Descriptors opened with privilege keep showing real data after the process has
 * dropped every capability and switched to an unprivileged user; a fresh open() would not. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Switch to `user` if running as root (uid, gid, no supplementary groups), then clear every
 * capability (effective, permitted, inheritable, ambient, bounding where allowed) and set
 * no_new_privs. Returns 0, or a negative errno with a message in err. */
int pi_privs_drop(const char *user, char *err, size_t errlen);
/* True when the effective capability set is empty. */
bool pi_privs_none(void);
