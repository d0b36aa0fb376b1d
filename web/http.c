#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "buf.h"
#include "route.h"

struct pi_http {
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock;
	struct pi_pages *current;
	struct pi_route_ctx ctx;
	atomic_uint_fast64_t requests;
};

void pi_http_opts_default(struct pi_http_opts *o)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->addr;

	memset(o, 0, sizeof(*o));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(9464);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	o->addrlen = sizeof(*sin);
	o->threads = 2;
	o->max_conns = 256;
	o->max_per_ip = 0;
	o->timeout_s = 15;
}

int pi_http_parse_listen(const char *s, struct pi_http_opts *o)
{
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2];
	size_t hl;
	char *end;
	unsigned long port;

	if (!colon || colon == s)
		return -EINVAL;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port > 65535)
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->addr;

		if (hl < 3 || s[hl - 1] != ']' || hl - 2 >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hl - 2);
		host[hl - 2] = '\0';
		memset(&o->addr, 0, sizeof(o->addr));
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		o->addrlen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&o->addr;

		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (!strcmp(host, "localhost"))
			strcpy(host, "127.0.0.1");
		memset(&o->addr, 0, sizeof(o->addr));
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		o->addrlen = sizeof(*sin);
	}
	return 0;
}

static struct pi_pages *acquire(struct pi_http *h)
{
	struct pi_pages *p;

	pthread_mutex_lock(&h->lock);
	p = pi_pages_ref(h->current);
	pthread_mutex_unlock(&h->lock);
	return p;
}

void pi_http_publish(struct pi_http *h, struct pi_pages *pages)
{
	struct pi_pages *old;

	pages = pi_pages_ref(pages);
	pthread_mutex_lock(&h->lock);
	old = h->current;
	h->current = pages;
	pthread_mutex_unlock(&h->lock);
	pi_pages_unref(old);
}

/* Every response holds a reference on the blob it points into until libmicrohttpd frees it. */
static void blob_release(void *cls)
{
	pi_blob_unref(cls);
}

static const char *mhd_arg(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* A request that takes a body (POST symbolize) collects it here across calls. */
struct upload {
	struct pi_buf body;
	int too_large;
};

static void request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	if (u) {
		pi_buf_fini(&u->body);
		free(u);
		*con_cls = NULL;
	}
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct pi_http *h = cls;
	struct pi_pages *p;
	struct pi_req req = {.method = method, .url = url, .arg = mhd_arg, .ctx = c};
	struct upload *u = *con_cls;
	struct pi_resp resp;
	struct MHD_Response *r;
	enum MHD_Result ret;

	/* Other requests are answered on the first call, before any body is read: libmicrohttpd
	 * then discards the body and closes the connection. */
	if (pi_route_wants_body(method, url)) {
		if (!u) {
			u = calloc(1, sizeof(*u));
			if (!u)
				return MHD_NO;
			pi_buf_init(&u->body, PI_MAX_BODY);
			*con_cls = u;
			return MHD_YES;
		}
		if (*upload_size) {
			if (!u->too_large && pi_buf_append(&u->body, upload_data, *upload_size) < 0)
				u->too_large = 1;
			*upload_size = 0;
			return MHD_YES;
		}
		req.body = u->body.data;
		req.body_len = u->body.len;
		req.body_too_large = u->too_large;
	}
	atomic_fetch_add(&h->requests, 1);
	p = acquire(h);
	pi_route(p, &h->ctx, &req, &resp);
	pi_pages_unref(p);
	if (!resp.body)
		return MHD_NO;
	r = MHD_create_response_from_buffer_with_free_callback_cls(resp.body->len, resp.body->data,
								   blob_release, resp.body);
	if (!r) {
		pi_blob_unref(resp.body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp.ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp.allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp.allow);
	if (resp.disposition)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, resp.disposition);
	ret = MHD_queue_response(c, (unsigned)resp.status, r);
	MHD_destroy_response(r);
	return ret;
}

int pi_http_start(const struct pi_http_opts *o, struct pi_pages *first, struct pi_http **ret,
		  char *err, size_t errlen)
{
	struct pi_http *h = calloc(1, sizeof(*h));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (!h)
		return -ENOMEM;
	if (o->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	pthread_mutex_init(&h->lock, NULL);
	h->current = pi_pages_ref(first);
	h->ctx.index_html = o->index_html ? o->index_html : "";
	h->ctx.index_len = o->index_html ? o->index_len : 0;
	h->ctx.history = o->history;
	errno = 0;
	h->mhd = MHD_start_daemon(
	    flags, 0, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR,
	    (const struct sockaddr *)&o->addr, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)(o->threads ? o->threads : 1), MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)o->max_conns, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
	    request_completed, NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)128, MHD_OPTION_END);
	if (!h->mhd) {
		int e = errno ? errno : EADDRINUSE;

		snprintf(err, errlen, "cannot listen: %s", strerror(e));
		pi_pages_unref(h->current);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return -e;
	}
	*ret = h;
	return 0;
}

uint16_t pi_http_port(const struct pi_http *h)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

uint64_t pi_http_requests(const struct pi_http *h)
{
	return atomic_load(&h->requests);
}

void pi_http_stop(struct pi_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->mhd);
	pi_pages_unref(h->current);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
