#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assets.h"
#include "config.h"
#include "log.h"
#include "pi_config.h"

static void usage(FILE *f)
{
	fputs(
	    "Usage: procintrod [OPTIONS]\n"
	    "Reads /proc (stat, buddyinfo, pagetypeinfo, zoneinfo, iomem, kallsyms, loadavg,\n"
	    "pressure/*), rebuilds the machine's memory zones, buddy allocator, physical map,\n"
	    "kernel symbols and scheduler state, and serves them as JSON over HTTP.\n\n"
	    "  --procfs-root DIR            procfs tree to read (default /proc); a captured\n"
	    "                               snapshot or a sosreport's proc/ works too\n"
	    "  --listen ADDR:PORT           where to serve HTTP (default 127.0.0.1:9464)\n"
	    "  --interval SECONDS           sampling period of the fast sources (default 1)\n"
	    "  --pagetypeinfo-interval SEC  period of pagetypeinfo (default 30: the kernel walks\n"
	    "                               every free list under the zone lock to print it)\n"
	    "  --slow-interval SECONDS      period of iomem and kallsyms (default 300)\n"
	    "  --page-size BYTES            page size of the machine the tree comes from\n"
	    "                               (default: this machine's)\n"
	    "  --clock-ticks HZ             USER_HZ of that machine (default: this machine's)\n"
	    "  --http-threads N             HTTP worker threads (default 2)\n"
	    "  --max-connections N          concurrent HTTP connections (default 1024)\n"
	    "  --history SECONDS            history kept in memory for /api/v1/history\n"
	    "                               (default 3600; 0 disables it)\n"
	    "  --metrics-exclude REGEX      leave out of /metrics the families whose whole name\n"
	    "                               matches REGEX (POSIX extended; repeatable)\n"
	    "  --metrics-disable GROUP,...  leave out of /metrics these family groups: node,\n"
	    "                               percpu, cpu, pressure, schedstat, buddy, pagetype,\n"
	    "                               zones, iomem, kallsyms, self (docs/monitoring)\n"
	    "  --config FILE                configuration file (default " PI_DEFAULT_CONFIG ",\n"
	    "                               read when it exists); flags win over it\n"
	    "  --user NAME                  when started as root: switch to NAME after opening\n"
	    "                               pagetypeinfo, kallsyms and iomem (see procintrod(8))\n"
	    "  --auth-token-file FILE       require \"Authorization: Bearer TOKEN\" (TOKEN in "
	    "FILE)\n"
	    "  --tls-cert FILE --tls-key FILE  serve HTTPS\n"
	    "  --tls-client-ca FILE         require client certificates signed by this CA\n"
	    "  --insecure-listen            allow a non-loopback --listen without authentication\n"
	    "  --once                       take one sample, print /api/v1/snapshot, exit\n"
	    "  --capture DIR                copy the procfs sources into DIR (a procfs tree\n"
	    "                               that --procfs-root replays), then exit\n"
	    "  -v, --verbose                log debug messages\n"
	    "  -h, --help                   this text\n"
	    "  -V, --version                print the version\n",
	    f);
}

static int parse_seconds(const char *s, double min, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v) || v < min || v > 86400)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_long(const char *s, long min, long max, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

enum {
	OPT_ROOT = 256,
	OPT_LISTEN,
	OPT_INTERVAL,
	OPT_PTI_INTERVAL,
	OPT_SLOW,
	OPT_PAGE_SIZE,
	OPT_CLOCK_TICKS,
	OPT_THREADS,
	OPT_MAXCONN,
	OPT_ONCE,
	OPT_HISTORY,
	OPT_CAPTURE,
	OPT_METRICS_EXCLUDE,
	OPT_METRICS_DISABLE,
	OPT_CONFIG,
	OPT_USER,
	OPT_TOKEN,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_TLS_CA,
	OPT_INSECURE,
};

/* Indexed by OPT_* - OPT_ROOT, in the same order. */
static const struct option longopts[] = {
    {"procfs-root", required_argument, NULL, OPT_ROOT},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"pagetypeinfo-interval", required_argument, NULL, OPT_PTI_INTERVAL},
    {"slow-interval", required_argument, NULL, OPT_SLOW},
    {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
    {"clock-ticks", required_argument, NULL, OPT_CLOCK_TICKS},
    {"http-threads", required_argument, NULL, OPT_THREADS},
    {"max-connections", required_argument, NULL, OPT_MAXCONN},
    {"once", no_argument, NULL, OPT_ONCE},
    {"history", required_argument, NULL, OPT_HISTORY},
    {"capture", required_argument, NULL, OPT_CAPTURE},
    {"metrics-exclude", required_argument, NULL, OPT_METRICS_EXCLUDE},
    {"metrics-disable", required_argument, NULL, OPT_METRICS_DISABLE},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"user", required_argument, NULL, OPT_USER},
    {"auth-token-file", required_argument, NULL, OPT_TOKEN},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"tls-client-ca", required_argument, NULL, OPT_TLS_CA},
    {"insecure-listen", no_argument, NULL, OPT_INSECURE},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {0},
};

static void defaults(struct pi_options *o)
{
	o->sampler = (struct pi_sampler_opts){
	    .root = "/proc",
	    .interval = 1.0,
	    .pagetypeinfo_interval = 30.0,
	    .slow_interval = 300.0,
	    .max_file_bytes = 64u << 20,
	    .page_size = sysconf(_SC_PAGESIZE),
	    .clock_ticks = sysconf(_SC_CLK_TCK),
	};
	pi_http_opts_default(&o->http);
	pi_metrics_opts_init(&o->metrics);
	o->listen = "127.0.0.1:9464";
	o->history_seconds = 3600;
}

/* Apply one option. `where` names its origin for messages ("" or "FILE:LINE: "). */
static int apply(struct pi_options *o, int c, const char *arg, const char *where)
{
	char err[256];
	long l;
	int r = 0;

	switch (c) {
	case OPT_ROOT:
		o->sampler.root = arg;
		break;
	case OPT_LISTEN:
		o->listen = arg;
		break;
	case OPT_INTERVAL:
		r = parse_seconds(arg, 0.01, &o->sampler.interval);
		break;
	case OPT_PTI_INTERVAL:
		r = parse_seconds(arg, 0.01, &o->sampler.pagetypeinfo_interval);
		break;
	case OPT_SLOW:
		r = parse_seconds(arg, 0.01, &o->sampler.slow_interval);
		break;
	case OPT_PAGE_SIZE:
		r = parse_long(arg, 512, 1L << 30, &o->sampler.page_size);
		if (r == 0 && (o->sampler.page_size & (o->sampler.page_size - 1)))
			r = -EINVAL;
		break;
	case OPT_CLOCK_TICKS:
		r = parse_long(arg, 1, 1000000, &o->sampler.clock_ticks);
		break;
	case OPT_THREADS:
		r = parse_long(arg, 1, 8, &l);
		o->http.threads = (unsigned)l;
		break;
	case OPT_MAXCONN:
		r = parse_long(arg, 1, 65536, &l);
		o->http.max_conns = (unsigned)l;
		break;
	case OPT_ONCE:
		o->once = true;
		break;
	case OPT_CAPTURE:
		o->capture_dir = arg;
		break;
	case OPT_HISTORY:
		r = parse_seconds(arg, 0, &o->history_seconds);
		break;
	case OPT_METRICS_EXCLUDE:
	case OPT_METRICS_DISABLE:
		r = c == OPT_METRICS_EXCLUDE
			? pi_metrics_opts_exclude(&o->metrics, arg, err, sizeof(err))
			: pi_metrics_opts_disable(&o->metrics, arg, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "procintrod: %s--%s: %s\n", where,
				longopts[c - OPT_ROOT].name, r == -ENOMEM ? strerror(ENOMEM) : err);
			return -EINVAL;
		}
		break;
	case OPT_CONFIG:
		break; /* read before everything else */
	case OPT_USER:
		o->user = arg;
		break;
	case OPT_TOKEN:
		o->token_file = arg;
		break;
	case OPT_TLS_CERT:
		o->tls_cert = arg;
		break;
	case OPT_TLS_KEY:
		o->tls_key = arg;
		break;
	case OPT_TLS_CA:
		o->tls_client_ca = arg;
		break;
	case OPT_INSECURE:
		o->insecure_listen = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	default:
		return -EINVAL;
	}
	if (r < 0) {
		fprintf(stderr, "procintrod: %sinvalid value for --%s: %s\n", where,
			longopts[c - OPT_ROOT].name, arg);
		return -EINVAL;
	}
	return 0;
}

/* Options from the configuration file, each checked against the known keys. */
static int apply_config(struct pi_options *o, const char *path, bool required)
{
	struct pi_config cfg;
	char err[512];
	int r = pi_config_load(path, &cfg, err, sizeof(err));

	if (r == -ENOENT && !required)
		return 0;
	if (r < 0) {
		fprintf(stderr, "procintrod: %s\n", err);
		return -EINVAL;
	}
	o->config = path;
	for (size_t i = 0; i < cfg.n; i++) {
		const char *key = cfg.args[i] + 2, *eq = strchr(key, '=');
		size_t klen = eq ? (size_t)(eq - key) : strlen(key);
		const struct option *opt = NULL;
		char where[600];
		char **owned;

		snprintf(where, sizeof(where), "%s:%u: ", path, cfg.lines[i]);
		for (const struct option *x = longopts; x->name; x++)
			if (strlen(x->name) == klen && !strncmp(x->name, key, klen))
				opt = x;
		if (!opt || opt->val == 'h' || opt->val == 'V' || opt->val == OPT_CONFIG ||
		    opt->val == OPT_ONCE || opt->val == OPT_CAPTURE) {
			fprintf(stderr, "procintrod: %sunknown key \"%.*s\"\n", where, (int)klen,
				key);
			pi_config_fini(&cfg);
			return -EINVAL;
		}
		if ((opt->has_arg == required_argument) != (eq != NULL)) {
			fprintf(stderr, "procintrod: %s\"%s\" %s a value\n", where, opt->name,
				eq ? "takes no" : "needs");
			pi_config_fini(&cfg);
			return -EINVAL;
		}
		/* Keep the string: options point into it. */
		owned = realloc(o->owned, (size_t)(o->nowned + 1) * sizeof(*owned));
		if (!owned) {
			pi_config_fini(&cfg);
			return -ENOMEM;
		}
		o->owned = owned;
		o->owned[o->nowned++] = cfg.args[i];
		if (apply(o, opt->val, eq ? eq + 1 : NULL, where) < 0) {
			cfg.args[i] = NULL;
			pi_config_fini(&cfg);
			return -EINVAL;
		}
		cfg.args[i] = NULL;
	}
	pi_config_fini(&cfg);
	return 0;
}

int pi_options_parse(int argc, char **argv, struct pi_options *o)
{
	const char *config = NULL;
	int c, r;

	defaults(o);
	/* The configuration file first, so that flags win. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			config = argv[i] + 9;
	}
	r = apply_config(o, config ? config : PI_DEFAULT_CONFIG, config != NULL);
	if (r < 0)
		return r;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vhV", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == 'V') {
			printf("procintrod %s\n", PI_VERSION);
			return 1;
		}
		if (c == '?') {
			usage(stderr);
			return -EINVAL;
		}
		if (apply(o, c, optarg, "") < 0)
			return -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "procintrod: unexpected argument: %s\n", argv[optind]);
		return -EINVAL;
	}
	if (pi_http_parse_listen(o->listen, &o->http) < 0) {
		fprintf(stderr, "procintrod: invalid --listen %s (want ADDR:PORT or [ADDR]:PORT)\n",
			o->listen);
		return -EINVAL;
	}
	if ((o->tls_cert != NULL) != (o->tls_key != NULL) || (o->tls_client_ca && !o->tls_cert)) {
		fprintf(stderr, "procintrod: --tls-cert and --tls-key go together, and "
				"--tls-client-ca needs them\n");
		return -EINVAL;
	}
	/* Remote access needs authentication, or an explicit opt-out. */
	if (!pi_options_loopback(o) && !o->token_file && !o->tls_client_ca && !o->insecure_listen) {
		fprintf(stderr,
			"procintrod: refusing to listen on %s without authentication: give "
			"--auth-token-file, or --tls-cert/--tls-key/--tls-client-ca, or "
			"--insecure-listen\n",
			o->listen);
		return -EINVAL;
	}
	if (!pi_options_loopback(o) && o->http.max_per_ip == 0)
		o->http.max_per_ip = 16;
	o->http.index_html = pi_asset_index_html;
	o->http.index_len = pi_asset_index_html_len;
	return 0;
}

bool pi_options_loopback(const struct pi_options *o)
{
	if (o->http.addr.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&o->http.addr;

		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (o->http.addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&o->http.addr;

		return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	}
	return false;
}

void pi_options_fini(struct pi_options *o)
{
	for (int i = 0; i < o->nowned; i++)
		free(o->owned[i]);
	free(o->owned);
	o->owned = NULL;
	o->nowned = 0;
	pi_metrics_opts_fini(&o->metrics);
}
