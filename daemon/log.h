/* Logging to stderr. Only daemon/ logs. */
#pragma once

enum pi_log_level { PI_LOG_ERR, PI_LOG_WARN, PI_LOG_INFO, PI_LOG_DEBUG };

void pi_log_set_level(enum pi_log_level max);
void pi_log(enum pi_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
