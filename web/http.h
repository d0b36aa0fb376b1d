/* The HTTP server (libmicrohttpd, its own threads). It answers from the pages published last;
 * it never reads procfs and never takes a path from a request. */
#pragma once

#include <stdint.h>
#include <sys/socket.h>

#include "history.h"
#include "pages.h"

struct pi_http;

struct pi_http_opts {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	unsigned threads;	/* worker threads (1..8) */
	unsigned max_conns;	/* total connection limit */
	unsigned max_per_ip;	/* 0 = unlimited */
	unsigned timeout_s;	/* idle connection timeout */
	const char *index_html; /* body of "/" (static, not copied) */
	size_t index_len;
	struct pi_history *history; /* served at /api/v1/history; may be NULL */
	int listen_fd;		    /* an inherited listening socket (activation), or -1 */
	char *token;		    /* require "Authorization: Bearer <token>", or NULL */
	char *tls_cert, *tls_key;   /* PEM text: serve HTTPS */
	char *tls_client_ca;	    /* PEM text: require client certificates it signed */
};

/* Parse "ADDR:PORT" / "[V6ADDR]:PORT" (numeric addresses only) into opts->addr. */
int pi_http_parse_listen(const char *s, struct pi_http_opts *opts);
void pi_http_opts_default(struct pi_http_opts *opts);
/* Bind and start serving `first` (a reference is taken). -errno on failure, with a message. */
int pi_http_start(const struct pi_http_opts *opts, struct pi_pages *first, struct pi_http **ret,
		  char *err, size_t errlen);
/* Replace the pages being served (a reference is taken; the old one is released when the
 * last request using it completes). Thread-safe. */
void pi_http_publish(struct pi_http *h, struct pi_pages *pages);
/* The port actually bound (useful with port 0). */
uint16_t pi_http_port(const struct pi_http *h);
void pi_http_stop(struct pi_http *h);
/* Requests answered so far, by status class (for /healthz and tests). */
uint64_t pi_http_requests(const struct pi_http *h);
