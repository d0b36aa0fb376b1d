/* Access control for non-loopback listeners: a bearer token (compared in constant time) and
 * TLS client certificates (libmicrohttpd with GnuTLS). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct MHD_Connection;

/* The first line of `path`, without surrounding blanks; at least 16 bytes. Caller frees. */
int pi_auth_load_token(const char *path, char **ret_token, char *err, size_t errlen);
/* Does an Authorization header carry "Bearer <token>"? Constant time in the token's length. */
bool pi_auth_bearer_ok(const char *header, const char *token);
/* A whole PEM file into memory (NUL-terminated, at most 1 MiB). Caller frees. */
int pi_auth_load_pem(const char *path, char **ret, char *err, size_t errlen);
/* With client certificates required: did this TLS connection present one that verifies
 * against the trusted CA? */
bool pi_auth_client_cert_ok(struct MHD_Connection *c);
