/* The systemd notification protocol (sd_notify(3)), written out: one datagram to
 * $NOTIFY_SOCKET. A no-op when not started by systemd with Type=notify. */
#pragma once

#include <stdint.h>

/* Send e.g. "READY=1\nSTATUS=serving". Returns 0, or a negative errno. */
int pi_notify(const char *state);
/* The watchdog period systemd asks for ($WATCHDOG_USEC, when $WATCHDOG_PID is ours or unset),
 * in microseconds; 0 when there is no watchdog. */
uint64_t pi_watchdog_usec(void);
