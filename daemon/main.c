/* procintrod: reads procfs, keeps a model of the machine, serves it over HTTP.
 *
 * Reading order: options (options.c); main() opens the files that need privilege, gives up
 * privileges, takes the first sample, starts HTTP (so the socket accepts connections only once
 * there is data), tells systemd it is ready, then runs the libevent loop: a timer takes a
 * sample every --interval and publishes the pages rendered from it; another pings systemd's
 * watchdog from the same loop, so a hung loop gets the service restarted; SIGHUP re-reads the
 * configuration; SIGTERM/SIGINT stop. */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "auth.h"
#include "capture.h"
#include "history.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "options.h"
#include "pages.h"
#include "pi_config.h"
#include "privs.h"
#include "sampler.h"

struct daemon_state {
	struct pi_options *opt;
	int argc;
	char **argv;
	struct event_base *base;
	struct event *tick;
	struct pi_sampler *sampler;
	struct pi_http *http;
	struct pi_pages *pages;
	struct pi_history *history;
};

static struct timeval seconds_tv(double s)
{
	struct timeval tv;

	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

static void report_status(const struct pi_snapshot *snap)
{
	char status[160];
	int ok = 0;

	for (int i = 0; i < PI_SRC_COUNT; i++)
		ok += snap->status[i].state == PI_SRC_OK;
	snprintf(status, sizeof(status), "STATUS=sample %llu: %d of %d sources readable",
		 (unsigned long long)snap->seq, ok, PI_SRC_COUNT);
	pi_notify(status);
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
	report_status(snap);
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

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	pi_notify("WATCHDOG=1");
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct daemon_state *d = arg;

	pi_log(PI_LOG_INFO, "received %s, stopping", strsignal((int)sig));
	pi_notify("STOPPING=1");
	event_base_loopbreak(d->base);
}

/* SIGHUP: read the configuration again. Sampling settings change at once; settings bound to
 * the listening socket or fixed at start-up are reported as needing a restart. An invalid file
 * leaves everything as it was. */
static void on_reload(evutil_socket_t sig, short what, void *arg)
{
	struct daemon_state *d = arg;
	struct pi_options n = {0}, *o = d->opt;
	struct timeval tv;

	pi_notify("RELOADING=1");
	if (pi_options_parse(d->argc, d->argv, &n) != 0) {
		pi_log(PI_LOG_ERR, "reload: the configuration is invalid (see above), keeping the "
				   "running one");
		pi_options_fini(&n);
		pi_notify("READY=1");
		return;
	}
	if (strcmp(n.listen, o->listen) || n.http.threads != o->http.threads ||
	    n.http.max_conns != o->http.max_conns || strcmp(n.sampler.root, o->sampler.root) ||
	    (n.token_file == NULL) != (o->token_file == NULL) ||
	    (n.tls_cert == NULL) != (o->tls_cert == NULL) ||
	    n.history_seconds != o->history_seconds)
		pi_log(PI_LOG_WARN,
		       "reload: listen, procfs-root, history, TLS, token and HTTP limits "
		       "change only with a restart, ignoring those");
	o->sampler.interval = n.sampler.interval;
	o->sampler.pagetypeinfo_interval = n.sampler.pagetypeinfo_interval;
	o->sampler.slow_interval = n.sampler.slow_interval;
	o->sampler.page_size = n.sampler.page_size;
	o->sampler.clock_ticks = n.sampler.clock_ticks;
	pi_sampler_retime(d->sampler, &o->sampler);
	pi_log_set_level(n.verbose ? PI_LOG_DEBUG : PI_LOG_INFO);
	tv = seconds_tv(o->sampler.interval);
	event_del(d->tick);
	event_add(d->tick, &tv);
	pi_options_fini(&n);
	pi_log(PI_LOG_INFO, "reloaded the configuration: sampling every %gs", o->sampler.interval);
	pi_notify("READY=1");
}

static int run_once(struct pi_sampler *sampler, struct pi_options *o)
{
	struct pi_snapshot *snap = pi_sampler_sample(sampler, true);
	struct pi_pages *pages;
	struct pi_blob *doc = NULL;
	int r = 0;

	if (!snap)
		return 1;
	pages = pi_pages_new_opts(snap, NULL, &o->metrics);
	if (pages)
		doc = pi_pages_page(pages, PI_PAGE_SNAPSHOT);
	if (!doc || doc->status != 200) {
		r = 1;
	} else {
		fwrite(doc->data, 1, doc->len, stdout);
		fputc('\n', stdout);
	}
	pi_blob_unref(doc);
	if (pi_sampler_good_sources(sampler) == 0) {
		pi_log(PI_LOG_ERR, "no source could be read under %s", o->sampler.root);
		r = 1;
	}
	pi_pages_unref(pages);
	pi_snapshot_unref(snap);
	return fflush(stdout) == 0 ? r : 1;
}

/* Files the HTTP server needs (TLS material, the token) are read now, while privileged. */
static int load_secrets(struct pi_options *o)
{
	char err[512];
	int r = 0;

	if (o->token_file)
		r = pi_auth_load_token(o->token_file, &o->http.token, err, sizeof(err));
	if (r == 0 && o->tls_cert)
		r = pi_auth_load_pem(o->tls_cert, &o->http.tls_cert, err, sizeof(err));
	if (r == 0 && o->tls_key)
		r = pi_auth_load_pem(o->tls_key, &o->http.tls_key, err, sizeof(err));
	if (r == 0 && o->tls_client_ca)
		r = pi_auth_load_pem(o->tls_client_ca, &o->http.tls_client_ca, err, sizeof(err));
	if (r < 0)
		pi_log(PI_LOG_ERR, "%s", err);
	return r;
}

/* Keep descriptors to the files whose content depends on privilege, then give privilege up:
 * when started as root with --user, or with capabilities (the systemd unit's ambient set). */
static int drop_privileges(struct pi_sampler *s, const struct pi_options *o)
{
	char err[256];
	int r;

	if (geteuid() == 0 && !o->user) {
		pi_log(PI_LOG_WARN, "running as root: give --user NAME to drop privileges after "
				    "start-up");
		return 0;
	}
	if (geteuid() != 0 && pi_privs_none())
		return 0; /* nothing to give up */
	r = pi_sampler_keep_privileged(s);
	if (r < 0)
		pi_log(PI_LOG_WARN, "procfs root %s: %s", o->sampler.root, strerror(-r));
	r = pi_privs_drop(o->user, err, sizeof(err));
	if (r < 0) {
		pi_log(PI_LOG_ERR, "giving up privileges: %s", err);
		return r;
	}
	pi_log(PI_LOG_INFO, "running as uid %u with no capabilities", (unsigned)getuid());
	return 0;
}

/* Room for every allowed connection: the soft RLIMIT_NOFILE is often 1024. */
static void raise_fd_limit(unsigned conns)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)conns + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
		pi_log(PI_LOG_WARN,
		       "at most %llu open files: fewer than %u connections can be served",
		       (unsigned long long)rl.rlim_cur, conns);
}

/* Socket activation (sd_listen_fds(3)): one listening socket passed as fd 3. */
static int activation_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");

	if (!pid || !fds || strtol(pid, NULL, 10) != (long)getpid() || strtol(fds, NULL, 10) < 1)
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 3;
}

int main(int argc, char **argv)
{
	struct pi_options opt = {0};
	struct daemon_state d = {.opt = &opt, .argc = argc, .argv = argv};
	struct event *sigterm = NULL, *sigint = NULL, *sighup = NULL, *watchdog = NULL;
	struct pi_snapshot *snap;
	struct timeval tv;
	uint64_t wd_usec;
	char err[256];
	int r, ret = 1;

	r = pi_options_parse(argc, argv, &opt);
	if (r != 0) {
		pi_options_fini(&opt);
		return r > 0 ? 0 : 2;
	}
	pi_log_set_level(opt.verbose ? PI_LOG_DEBUG : PI_LOG_INFO);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(opt.http.max_conns);
	/* Keep resident memory flat: a fixed mmap threshold returns every large read buffer
	 * (kallsyms, a hostile 64 MiB file) to the kernel on free (glibc would otherwise raise the
	 * threshold after the first such free and keep later ones on the heap), and two arenas
	 * bound what the HTTP threads hold on to. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_ARENA_MAX, 2);
	if (opt.capture_dir) {
		r = pi_capture(opt.sampler.root, opt.capture_dir, opt.sampler.max_file_bytes);
		if (r < 0)
			pi_log(PI_LOG_ERR, "capture into %s: %s", opt.capture_dir, strerror(-r));
		else
			pi_log(PI_LOG_INFO, "captured %d of %d sources into %s", r, PI_SRC_COUNT,
			       opt.capture_dir);
		pi_options_fini(&opt);
		return r > 0 ? 0 : 1;
	}
	if (pi_sampler_new(&opt.sampler, &d.sampler) < 0)
		goto out;
	if (opt.once) {
		ret = run_once(d.sampler, &opt);
		goto out;
	}
	opt.http.listen_fd = activation_fd();
	if (load_secrets(&opt) < 0 || drop_privileges(d.sampler, &opt) < 0)
		goto out;

	/* First sample before listening: a client that connects gets data. */
	snap = pi_sampler_sample(d.sampler, true);
	if (!snap || !(d.pages = pi_pages_new_opts(snap, NULL, &opt.metrics))) {
		pi_log(PI_LOG_ERR, "out of memory taking the first sample");
		pi_snapshot_unref(snap);
		goto out;
	}
	if (opt.history_seconds > 0) {
		size_t cap = (size_t)ceil(opt.history_seconds / opt.sampler.interval);

		if (pi_history_new(cap, &d.history) < 0 || pi_history_push(d.history, snap) < 0) {
			pi_log(PI_LOG_ERR, "out of memory allocating the history");
			pi_snapshot_unref(snap);
			goto out;
		}
		opt.http.history = d.history;
	}
	report_status(snap);
	pi_snapshot_unref(snap);
	r = pi_http_start(&opt.http, d.pages, &d.http, err, sizeof(err));
	if (r < 0) {
		pi_log(PI_LOG_ERR, "%s on %s", err, opt.listen);
		goto out;
	}
	pi_log(PI_LOG_INFO, "serving %s on %s://%s/ (port %u), sampling every %gs",
	       opt.sampler.root, opt.tls_cert ? "https" : "http", opt.listen, pi_http_port(d.http),
	       opt.sampler.interval);

	d.base = event_base_new();
	if (!d.base)
		goto out;
	d.tick = event_new(d.base, -1, EV_PERSIST, on_tick, &d);
	sigterm = evsignal_new(d.base, SIGTERM, on_stop, &d);
	sigint = evsignal_new(d.base, SIGINT, on_stop, &d);
	sighup = evsignal_new(d.base, SIGHUP, on_reload, &d);
	if (!d.tick || !sigterm || !sigint || !sighup)
		goto out;
	tv = seconds_tv(opt.sampler.interval);
	event_add(d.tick, &tv);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	event_add(sighup, NULL);
	wd_usec = pi_watchdog_usec();
	if (wd_usec) {
		watchdog = event_new(d.base, -1, EV_PERSIST, on_watchdog, &d);
		tv = seconds_tv((double)wd_usec / 2e6);
		if (watchdog)
			event_add(watchdog, &tv);
	}
	pi_notify("READY=1");
	event_base_dispatch(d.base);
	ret = 0;
out:
	if (d.tick)
		event_free(d.tick);
	if (watchdog)
		event_free(watchdog);
	if (sigterm)
		event_free(sigterm);
	if (sigint)
		event_free(sigint);
	if (sighup)
		event_free(sighup);
	pi_http_stop(d.http);
	pi_pages_unref(d.pages);
	if (d.base)
		event_base_free(d.base);
	pi_sampler_free(d.sampler);
	pi_history_free(d.history);
	free(opt.http.token);
	free(opt.http.tls_cert);
	free(opt.http.tls_key);
	free(opt.http.tls_client_ca);
	pi_options_fini(&opt);
	return ret;
}
