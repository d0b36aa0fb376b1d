#include "auth.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>

#define PEM_MAX (1u << 20)

static int read_small(const char *path, char **ret, size_t max, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		free(buf);
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		return -EFBIG;
	}
	buf[n] = '\0';
	*ret = buf;
	return 0;
}

int pi_auth_load_token(const char *path, char **ret_token, char *err, size_t errlen)
{
	char *buf, *s, *e;
	int r = read_small(path, &buf, 4096, err, errlen);

	if (r < 0)
		return r;
	s = buf + strspn(buf, " \t\r\n");
	e = s + strcspn(s, "\r\n");
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	if (strlen(s) < 16) {
		snprintf(err, errlen, "%s: the token must be at least 16 bytes", path);
		free(buf);
		return -EINVAL;
	}
	memmove(buf, s, strlen(s) + 1);
	*ret_token = buf;
	return 0;
}

bool pi_auth_bearer_ok(const char *header, const char *token)
{
	size_t n = strlen(token), m;
	unsigned char diff = 0;

	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return false;
	header += 7;
	while (*header == ' ')
		header++;
	m = strlen(header);
	/* Touch every byte of the token whatever the header holds. */
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(token[i] ^ (i < m ? header[i] : 0));
	return diff == 0 && m == n;
}

int pi_auth_load_pem(const char *path, char **ret, char *err, size_t errlen)
{
	return read_small(path, ret, PEM_MAX, err, errlen);
}

bool pi_auth_client_cert_ok(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	unsigned status = 0;

	if (!ci || !ci->tls_session)
		return false;
	if (gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, &(unsigned){0}) == NULL)
		return false;
	if (gnutls_certificate_verify_peers2((gnutls_session_t)ci->tls_session, &status) < 0)
		return false;
	return status == 0;
}
