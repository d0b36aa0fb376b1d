/* procintrod's options: command line over configuration file over defaults. */
#pragma once

#include <stdbool.h>

#include "http.h"
#include "metrics.h"
#include "sampler.h"

#define PI_DEFAULT_CONFIG PI_SYSCONFDIR "/procintro/procintrod.conf"

struct pi_options {
	struct pi_sampler_opts sampler;
	struct pi_http_opts http;
	struct pi_metrics_opts metrics;
	const char *listen;
	double history_seconds;
	const char *capture_dir;
	const char *config;	/* file read, or NULL */
	const char *user;	/* switch to this user after opening privileged files */
	const char *token_file; /* bearer token for every request */
	const char *tls_cert, *tls_key, *tls_client_ca;
	bool insecure_listen; /* allow a non-loopback address without authentication */
	bool once;
	bool verbose;
	/* storage behind the strings above that came from the configuration file */
	char **owned;
	int nowned;
};

/* Parse argv, reading the configuration file first (--config FILE, else the default path when
 * it exists); flags win over the file. Returns 0 to run, 1 to exit successfully (--help,
 * --version), or -EINVAL after printing why to stderr. */
int pi_options_parse(int argc, char **argv, struct pi_options *o);
void pi_options_fini(struct pi_options *o);
/* Is the listen address a loopback one (127.0.0.0/8, ::1)? */
bool pi_options_loopback(const struct pi_options *o);
