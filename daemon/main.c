/* procintrod: reads procfs, keeps a model of the machine, serves it over HTTP.
 *
 * Reading order of this file: options, then main(): first sample, HTTP start (so the socket
 * accepts connections only once there is data), then the libevent loop, whose timer takes a
 * sample every --interval and publishes the pages rendered from it. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "assets.h"
#include "capture.h"
#include "history.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "pi_config.h"
#include "sampler.h"

struct options {
	struct pi_sampler_opts sampler;
	struct pi_http_opts http;
	const char *listen;
	double history_seconds;
	const char *capture_dir;
	bool once;
};

struct daemon_state {
	struct options *opt;
	struct event_base *base;
	struct pi_sampler *sampler;
	struct pi_http *http;
	struct pi_pages *pages;
	struct pi_history *history;
};

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
	    "  --max-connections N          concurrent HTTP connections (default 256)\n"
	    "  --history SECONDS            history kept in memory for /api/v1/history\n"
	    "                               (default 3600; 0 disables it)\n"
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

/* Returns 0 to run, 1 to exit successfully (help/version), -EINVAL on bad usage. */
static int parse_options(int argc, char **argv, struct options *o)
{
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
	};
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
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {0},
	};
	long l;
	int c;

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
	o->listen = "127.0.0.1:9464";
	o->history_seconds = 3600;
	while ((c = getopt_long(argc, argv, "vhV", longopts, NULL)) != -1) {
		int r = 0;

		switch (c) {
		case OPT_ROOT:
			o->sampler.root = optarg;
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_INTERVAL:
			r = parse_seconds(optarg, 0.01, &o->sampler.interval);
			break;
		case OPT_PTI_INTERVAL:
			r = parse_seconds(optarg, 0.01, &o->sampler.pagetypeinfo_interval);
			break;
		case OPT_SLOW:
			r = parse_seconds(optarg, 0.01, &o->sampler.slow_interval);
			break;
		case OPT_PAGE_SIZE:
			r = parse_long(optarg, 512, 1L << 30, &o->sampler.page_size);
			if (r == 0 && (o->sampler.page_size & (o->sampler.page_size - 1)))
				r = -EINVAL;
			break;
		case OPT_CLOCK_TICKS:
			r = parse_long(optarg, 1, 1000000, &o->sampler.clock_ticks);
			break;
		case OPT_THREADS:
			r = parse_long(optarg, 1, 8, &l);
			o->http.threads = (unsigned)l;
			break;
		case OPT_MAXCONN:
			r = parse_long(optarg, 1, 65536, &l);
			o->http.max_conns = (unsigned)l;
			break;
		case OPT_ONCE:
			o->once = true;
			break;
		case OPT_CAPTURE:
			o->capture_dir = optarg;
			break;
		case OPT_HISTORY:
			r = parse_seconds(optarg, 0, &o->history_seconds);
			break;
		case 'v':
			pi_log_set_level(PI_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("procintrod %s\n", PI_VERSION);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (r < 0) {
			fprintf(stderr, "procintrod: invalid value for --%s: %s\n",
				longopts[c - OPT_ROOT].name, optarg);
			return -EINVAL;
		}
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
	o->http.index_html = pi_asset_index_html;
	o->http.index_len = pi_asset_index_html_len;
	return 0;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct daemon_state *d = arg;
	struct pi_snapshot *snap = pi_sampler_sample(d->sampler, false);
	struct pi_pages *pages;

	if (!snap) {
		pi_log(PI_LOG_ERR, "out of memory taking a sample, skipping it");
		return;
	}
	if (d->history && pi_history_push(d->history, snap) < 0)
		pi_log(PI_LOG_ERR, "out of memory recording history");
	pages = pi_pages_new(snap, d->pages);
	pi_snapshot_unref(snap);
	if (!pages) {
		pi_log(PI_LOG_ERR, "out of memory rendering a sample, skipping it");
		return;
	}
	pi_http_publish(d->http, pages);
	pi_pages_unref(d->pages);
	d->pages = pages;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon_state *d = arg;

	pi_log(PI_LOG_INFO, "received %s, stopping", strsignal((int)sig));
	event_base_loopbreak(d->base);
}

static int run_once(struct pi_sampler *sampler)
{
	struct pi_snapshot *snap = pi_sampler_sample(sampler, true);
	struct pi_pages *pages;
	int r = 0;

	if (!snap)
		return 1;
	pages = pi_pages_new(snap, NULL);
	if (!pages || !pages->page[PI_PAGE_SNAPSHOT] ||
	    pages->page[PI_PAGE_SNAPSHOT]->status != 200) {
		r = 1;
	} else {
		fwrite(pages->page[PI_PAGE_SNAPSHOT]->data, 1, pages->page[PI_PAGE_SNAPSHOT]->len,
		       stdout);
		fputc('\n', stdout);
	}
	if (pi_sampler_good_sources(sampler) == 0) {
		pi_log(PI_LOG_ERR, "no source could be read under %s", "the procfs root");
		r = 1;
	}
	pi_pages_unref(pages);
	pi_snapshot_unref(snap);
	return fflush(stdout) == 0 ? r : 1;
}

int main(int argc, char **argv)
{
	struct options opt = {0};
	struct daemon_state d = {.opt = &opt};
	struct event *tick = NULL, *sigterm = NULL, *sigint = NULL;
	struct pi_snapshot *snap;
	struct timeval tv;
	char err[256];
	int r, ret = 1;

	r = parse_options(argc, argv, &opt);
	if (r != 0)
		return r > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	if (opt.capture_dir) {
		r = pi_capture(opt.sampler.root, opt.capture_dir, opt.sampler.max_file_bytes);
		if (r < 0)
			pi_log(PI_LOG_ERR, "capture into %s: %s", opt.capture_dir, strerror(-r));
		else
			pi_log(PI_LOG_INFO, "captured %d of %d sources into %s", r, PI_SRC_COUNT,
			       opt.capture_dir);
		return r > 0 ? 0 : 1;
	}
	if (pi_sampler_new(&opt.sampler, &d.sampler) < 0)
		return 1;
	if (opt.once) {
		ret = run_once(d.sampler);
		pi_sampler_free(d.sampler);
		return ret;
	}

	/* First sample before listening: a client that connects gets data. */
	snap = pi_sampler_sample(d.sampler, true);
	if (!snap || !(d.pages = pi_pages_new(snap, NULL))) {
		pi_log(PI_LOG_ERR, "out of memory taking the first sample");
		goto out;
	}
	if (opt.history_seconds > 0) {
		size_t cap = (size_t)ceil(opt.history_seconds / opt.sampler.interval);

		if (pi_history_new(cap, &d.history) < 0 || pi_history_push(d.history, snap) < 0) {
			pi_log(PI_LOG_ERR, "out of memory allocating the history");
			goto out;
		}
		opt.http.history = d.history;
	}
	pi_snapshot_unref(snap);
	r = pi_http_start(&opt.http, d.pages, &d.http, err, sizeof(err));
	if (r < 0) {
		pi_log(PI_LOG_ERR, "%s on %s", err, opt.listen);
		goto out;
	}
	pi_log(PI_LOG_INFO, "serving %s on http://%s/ (port %u), sampling every %gs",
	       opt.sampler.root, opt.listen, pi_http_port(d.http), opt.sampler.interval);

	d.base = event_base_new();
	if (!d.base)
		goto out;
	tick = event_new(d.base, -1, EV_PERSIST, on_tick, &d);
	sigterm = evsignal_new(d.base, SIGTERM, on_signal, &d);
	sigint = evsignal_new(d.base, SIGINT, on_signal, &d);
	if (!tick || !sigterm || !sigint)
		goto out;
	tv.tv_sec = (time_t)opt.sampler.interval;
	tv.tv_usec = (suseconds_t)((opt.sampler.interval - (double)tv.tv_sec) * 1e6);
	event_add(tick, &tv);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	event_base_dispatch(d.base);
	ret = 0;
out:
	if (tick)
		event_free(tick);
	if (sigterm)
		event_free(sigterm);
	if (sigint)
		event_free(sigint);
	pi_http_stop(d.http);
	pi_pages_unref(d.pages);
	if (d.base)
		event_base_free(d.base);
	pi_sampler_free(d.sampler);
	pi_history_free(d.history);
	return ret;
}
