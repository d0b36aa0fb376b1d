#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "auth.h"
#include "buf.h"
#include "route.h"

struct pi_http {
	struct MHD_Daemon *mhd;
	const char *token; /* owned by the caller's options, which outlive the server */
	bool client_certs;
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
	o->max_conns = 1024;
	o->max_per_ip = 0;
	o->timeout_s = 15;
	o->listen_fd = -1;
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

static const char *mhd_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

/* Does an If-None-Match value ("*", or a list of entity tags, weak ones W/-prefixed) list
 * `etag` (quoted)? RFC 9110 13.1.2: weak comparison. */
static int etag_listed(const char *inm, const char *etag)
{
	size_t n = strlen(etag);

	if (!inm)
		return 0;
	while (*inm) {
		while (*inm == ' ' || *inm == '\t' || *inm == ',')
			inm++;
		if (*inm == '*')
			return 1;
		if (inm[0] == 'W' && inm[1] == '/')
			inm += 2;
		if (!strncmp(inm, etag, n) && (inm[n] == '\0' || inm[n] == ',' || inm[n] == ' '))
			return 1;
		while (*inm && *inm != ',')
			inm++;
	}
	return 0;
}

/* A request that takes a body (POST symbolize) collects it here across calls. */
struct upload {
	struct pi_buf body;
	int too_large;
	int discard; /* a body on a request that takes none: counted, not kept */
	size_t seen; /* bytes received */
};

/* con_cls of a request without a body. */
static char no_body;

static int hexdig(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static enum MHD_Result too_large(struct MHD_Connection *c)
{
	static const char msg[] =
	    "{\"error\":{\"status\":413,\"message\":\"body larger than 1 MiB\"}}";
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(c, MHD_HTTP_CONTENT_TOO_LARGE, r);
	MHD_destroy_response(r);
	return ret;
}

/* libmicrohttpd's percent-decoding of the path and query, except that "%00" stays as it is:
 * a decoded NUL would cut "/proc/stat%00.txt" to "/proc/stat" in every C string comparison. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		int hi, lo;

		if (r[0] == '%' && r[1] && r[2] && (hi = hexdig(r[1])) >= 0 &&
		    (lo = hexdig(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	if (u && u != (void *)&no_body) {
		pi_buf_fini(&u->body);
		free(u);
		*con_cls = NULL;
	}
}

/* 401 (token) or 403 (client certificate), as JSON like every other error. */
static enum MHD_Result unauthorized(struct MHD_Connection *c, bool cert)
{
	static const char tok[] =
	    "{\"error\":{\"status\":401,\"message\":\"a bearer token is required\"}}";
	static const char crt[] =
	    "{\"error\":{\"status\":403,\"message\":\"a valid client certificate is required\"}}";
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(cert ? sizeof(crt) - 1 : sizeof(tok) - 1,
					    (void *)(cert ? crt : tok), MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (!cert)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	ret = MHD_queue_response(c, cert ? MHD_HTTP_FORBIDDEN : MHD_HTTP_UNAUTHORIZED, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct pi_http *h = cls;
	struct pi_pages *p;
	struct pi_req req = {
	    .method = method, .url = url, .arg = mhd_arg, .header = mhd_header, .ctx = c};
	struct upload *u = *con_cls;
	struct pi_resp resp;
	struct MHD_Response *r;
	enum MHD_Result ret;
	bool cert_refused;

	/* Two phases, as libmicrohttpd expects for keep-alive: the first call only notes the
	 * request; bodies (POST symbolize) are collected up to PI_MAX_BODY; a response queued
	 * before the request is complete would make libmicrohttpd close the connection. */
	if (*con_cls == NULL) {
		if (!pi_route_wants_body(method, url)) {
			*con_cls = &no_body;
			return MHD_YES;
		}
		u = calloc(1, sizeof(*u));
		if (!u)
			return MHD_NO;
		pi_buf_init(&u->body, PI_MAX_BODY);
		*con_cls = u;
		return MHD_YES;
	}
	if (*upload_size) {
		if (*con_cls == &no_body) { /* a body nobody asked for: count it, keep nothing */
			u = calloc(1, sizeof(*u));
			if (!u)
				return MHD_NO;
			u->discard = 1;
			*con_cls = u;
		}
		u = *con_cls;
		u->seen += *upload_size;
		if (!u->discard && !u->too_large &&
		    pi_buf_append(&u->body, upload_data, *upload_size) < 0)
			u->too_large = 1;
		*upload_size = 0;
		/* An oversized body is drained (answered 413 once complete) up to 8 times the
		 * limit; beyond that it is not read to its end: answer now, and the connection
		 * closes. */
		if (u->seen <= 8 * (size_t)PI_MAX_BODY)
			return MHD_YES;
		return too_large(c);
	}
	if (u == (void *)&no_body)
		u = NULL;
	if (u && !u->discard) {
		req.body = u->body.data;
		req.body_len = u->body.len;
		req.body_too_large = u->too_large;
	}
	atomic_fetch_add(&h->requests, 1);
	/* A refused certificate answers 403 whatever the token; the bearer token is then not
	 * looked at. */
	cert_refused = h->client_certs && !pi_auth_client_cert_ok(c);
	if (cert_refused ||
	    (h->token && !pi_auth_bearer_ok(MHD_lookup_connection_value(
						c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
					    h->token)))
		return unauthorized(c, cert_refused);
	p = acquire(h);
	pi_route(p, &h->ctx, &req, &resp);
	pi_pages_unref(p);
	if (!resp.body)
		return MHD_NO;
	if (resp.etag[0] && resp.status == 200 &&
	    etag_listed(
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
		resp.etag)) {
		pi_blob_unref(resp.body);
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, resp.etag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
					resp.cache ? resp.cache : "no-cache");
		ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
		MHD_destroy_response(r);
		return ret;
	}
	r = MHD_create_response_from_buffer_with_free_callback_cls(resp.body->len, resp.body->data,
								   blob_release, resp.body);
	if (!r) {
		pi_blob_unref(resp.body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp.ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				resp.cache ? resp.cache : "no-cache");
	if (resp.etag[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, resp.etag);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp.allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp.allow);
	if (resp.disposition)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, resp.disposition);
	if (resp.warning) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_WARNING, resp.warning);
		MHD_add_response_header(r, "X-Procintro-Stale", "true");
	}
	if (resp.encoding)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, resp.encoding);
	if (resp.vary)
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, resp.vary);
	ret = MHD_queue_response(c, (unsigned)resp.status, r);
	MHD_destroy_response(r);
	return ret;
}

int pi_http_start(const struct pi_http_opts *o, struct pi_pages *first, struct pi_http **ret,
		  char *err, size_t errlen)
{
	struct pi_http *h = calloc(1, sizeof(*h));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;

	if (!h)
		return -ENOMEM;
	if (o->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	pthread_mutex_init(&h->lock, NULL);
	h->current = pi_pages_ref(first);
	h->ctx.index_html = o->index_html ? o->index_html : "";
	h->ctx.index_len = o->index_html ? o->index_len : 0;
	h->ctx.history = o->history;
	{
		struct MHD_OptionItem opts[16];
		int n = 0;

#define OPT(o, v, p) (opts[n++] = (struct MHD_OptionItem){(o), (intptr_t)(v), (p)})
		if (o->listen_fd >= 0)
			OPT(MHD_OPTION_LISTEN_SOCKET, o->listen_fd, NULL);
		else
			OPT(MHD_OPTION_SOCK_ADDR, 0, (void *)&o->addr);
		OPT(MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : 1, NULL);
		OPT(MHD_OPTION_CONNECTION_LIMIT, o->max_conns, NULL);
		OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_ip, NULL);
		OPT(MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, NULL);
		OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, NULL);
		OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL);
		OPT(MHD_OPTION_LISTEN_BACKLOG_SIZE, 128, NULL);
		OPT(MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape, NULL);
		if (o->tls_cert && o->tls_key) {
			flags |= MHD_USE_TLS;
			OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, o->tls_cert);
			OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, o->tls_key);
			if (o->tls_client_ca)
				OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, o->tls_client_ca);
		}
		OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
		h->token = o->token;
		h->client_certs = o->tls_client_ca != NULL;
		errno = 0;
		h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_ARRAY, opts,
					  MHD_OPTION_END);
	}
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
