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

#include "docs.h"

#define MAX_QUERY_LEN 512

struct pi_http {
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock;
	struct pi_pages *current;
	const char *index_html;
	size_t index_len;
	atomic_uint_fast64_t requests;
};

static const struct {
	const char *path;
	enum pi_page page;
} routes[] = {
	{"/healthz", PI_PAGE_HEALTHZ},
	{"/api/v1/cpu", PI_PAGE_CPU},
	{"/api/v1/buddy", PI_PAGE_BUDDY},
	{"/api/v1/pagetype", PI_PAGE_PAGETYPE},
	{"/api/v1/zones", PI_PAGE_ZONES},
	{"/api/v1/iomem", PI_PAGE_IOMEM},
	{"/api/v1/kallsyms", PI_PAGE_KALLSYMS},
	{"/api/v1/snapshot", PI_PAGE_SNAPSHOT},
};

/* /proc/NAME serves these renderings; the name is matched against this list only. */
static const enum pi_src proc_files[] = {
	PI_SRC_STAT,	 PI_SRC_BUDDYINFO,    PI_SRC_PAGETYPEINFO,    PI_SRC_IOMEM,
	PI_SRC_KALLSYMS, PI_SRC_ZONEINFO,     PI_SRC_LOADAVG,	      PI_SRC_PRESSURE_CPU,
	PI_SRC_PRESSURE_MEMORY, PI_SRC_PRESSURE_IO,
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

static enum MHD_Result send_blob(struct MHD_Connection *c, struct pi_blob *b, const char *ctype,
				 const char *extra_header, const char *extra_value)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer_with_free_callback_cls(b->len, b->data, blob_release, b);
	if (!r) {
		pi_blob_unref(b);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (extra_header)
		MHD_add_response_header(r, extra_header, extra_value);
	ret = MHD_queue_response(c, (unsigned)b->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, cJSON *doc, int status)
{
	struct pi_blob *b = pi_blob_json(doc, status);

	if (!b)
		return MHD_NO;
	return send_blob(c, b, "application/json", NULL, NULL);
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
	return send_json(c, pi_doc_error(status, msg), status);
}

/* Strict "0x" + 1..16 hex digits (or plain hex digits). */
static int parse_addr(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

static enum MHD_Result lookup(struct MHD_Connection *c, struct pi_pages *p)
{
	const char *addr = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "addr");
	const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
	const char *msg = NULL;
	int status = 500;
	cJSON *doc;
	uint64_t a;

	if ((addr != NULL) == (name != NULL))
		return send_error(c, 400, "give exactly one of ?addr=0x... or ?name=...");
	if (addr) {
		if (strlen(addr) > MAX_QUERY_LEN || parse_addr(addr, &a) < 0)
			return send_error(c, 400, "addr must be a hexadecimal address (0x...)");
		doc = pi_doc_ksym_by_addr(p->snap, a, &status, &msg);
	} else {
		if (strlen(name) == 0 || strlen(name) > 1024)
			return send_error(c, 400, "name must be 1 to 1024 bytes");
		doc = pi_doc_ksym_by_name(p->snap, name, &status, &msg);
	}
	if (!doc)
		return send_error(c, status, msg ? msg : "lookup failed");
	return send_json(c, doc, 200);
}

static enum MHD_Result serve_proc(struct MHD_Connection *c, struct pi_pages *p, const char *name)
{
	for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++) {
		enum pi_src src = proc_files[i];
		int status = 500;
		struct pi_blob *b;
		char msg[300];

		if (strcmp(name, pi_src_names[src]) != 0)
			continue;
		b = pi_pages_proc(p, src, &status);
		if (b)
			return send_blob(c, b, "text/plain; charset=utf-8", NULL, NULL);
		snprintf(msg, sizeof(msg), "%s: %s", pi_src_names[src],
			 status == 503 ? (p->snap->status[src].state == PI_SRC_FAILED
						  ? p->snap->status[src].error
						  : "not read yet")
				       : "cannot render");
		return send_error(c, status, msg);
	}
	return send_error(c, 404, "no such procfs file is served");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct pi_http *h = cls;
	struct pi_pages *p;
	enum MHD_Result ret;

	/* Answer on the first call, before any request body is read: no endpoint takes one, and
	 * libmicrohttpd then discards the body and closes the connection. */
	(void)upload_data;
	(void)upload_size;
	(void)con_cls;
	atomic_fetch_add(&h->requests, 1);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		struct pi_blob *b = pi_blob_json(pi_doc_error(405, "method not allowed"), 405);

		return b ? send_blob(c, b, "application/json", MHD_HTTP_HEADER_ALLOW, "GET, HEAD")
			 : MHD_NO;
	}
	if (!strcmp(url, "/") || !strcmp(url, "/index.html")) {
		struct pi_blob *b = pi_blob_new(h->index_html, h->index_len, 200);

		return b ? send_blob(c, b, "text/html; charset=utf-8", NULL, NULL) : MHD_NO;
	}
	p = acquire(h);
	if (!p)
		return send_error(c, 503, "no sample yet");
	ret = MHD_NO;
	if (!strcmp(url, "/api/v1/kallsyms/lookup")) {
		ret = lookup(c, p);
		goto out;
	}
	if (!strncmp(url, "/proc/", 6)) {
		ret = serve_proc(c, p, url + 6);
		goto out;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!strcmp(url, routes[i].path)) {
			struct pi_blob *b = pi_blob_ref(p->page[routes[i].page]);

			ret = b ? send_blob(c, b, "application/json", NULL, NULL)
				: send_error(c, 500, "rendering failed");
			goto out;
		}
	}
	ret = send_error(c, 404, "not found");
out:
	pi_pages_unref(p);
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
	h->index_html = o->index_html ? o->index_html : "";
	h->index_len = o->index_html ? o->index_len : 0;
	errno = 0;
	h->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&o->addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 1),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_conns, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)o->max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE,
		(unsigned)128, MHD_OPTION_END);
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
