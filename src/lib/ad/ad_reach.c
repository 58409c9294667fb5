/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Why an LDAP connection to a DC failed, in words an admin can act on.
 * libldap reports every failure before the bind alike ("Can't contact LDAP
 * server"), whether the name did not resolve, nothing listened, or the
 * certificate did not verify.  After such a failure the same steps are
 * taken again by hand, each on its own: resolve, connect, StartTLS when
 * that is the transport, and a TLS handshake with the same trust anchors
 * (GnuTLS, which verifies as libldap does), so the first step that fails
 * names the cause.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <ldap.h>

#include "ad_reach.h"
#include "internal.h"

/* Where a Samba DC keeps the CA it made itself when it was provisioned. */
#define SAMBA_CA_FILE "/var/lib/samba/private/tls/ca.pem"

bool ad_host_is_address(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	struct in_addr v4;

	/* inet_aton: also 127.1 and 0x7f000001, which the resolver takes as addresses */
	return inet_aton(host, &v4) != 0 || inet_pton(AF_INET6, host, buf) == 1;
}

int ad_ca_file_check(TALLOC_CTX *mem_ctx, const char *ca_file, struct gpo_error **reterr)
{
	gnutls_certificate_credentials_t cred;
	int n;

	if (access(ca_file, R_OK) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "cannot read --ca-file '%s': %s",
				ca_file, strerror(errno));
	if (gnutls_certificate_allocate_credentials(&cred) != GNUTLS_E_SUCCESS)
		return gpo_oom(mem_ctx, reterr);
	n = gnutls_certificate_set_x509_trust_file(cred, ca_file, GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (n <= 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "--ca-file '%s' holds no PEM "
				"certificate (\"-----BEGIN CERTIFICATE-----\"): %s", ca_file,
				n < 0 ? gnutls_strerror(n) : "none found");
	return 0;
}

/* A connected socket to host:port within `timeout` seconds; -1 and *why otherwise. */
static int connect_to(TALLOC_CTX *mem_ctx, const char *host, int port, unsigned timeout,
		      char **why)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL, *a;
	char service[16];
	int rc, fd = -1, err = 0;

	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(host, service, &hints, &ai);
	if (rc != 0) {
		*why = talloc_asprintf(mem_ctx, "the name '%s' does not resolve (%s)%s", host,
				       gai_strerror(rc),
				       strchr(host, '.') ? "" : ": give the DC's full DNS name");
		return -1;
	}
	for (a = ai; a != NULL && fd < 0; a = a->ai_next) {
		struct pollfd p;
		socklen_t len = sizeof(err);

		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		err = connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
		if (err == EINPROGRESS) {
			p = (struct pollfd){ .fd = fd, .events = POLLOUT };
			rc = poll(&p, 1, (int)timeout * 1000);
			err = rc == 0 ? ETIMEDOUT
			      : rc < 0 ? errno
			      : getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? err : errno;
		}
		if (err != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		*why = err == ETIMEDOUT
			       ? talloc_asprintf(mem_ctx, "%s port %d does not answer within %u s "
						 "(a firewall, or the wrong address)", host, port,
						 timeout)
		       : err == ECONNREFUSED
			       ? talloc_asprintf(mem_ctx, "nothing listens on %s port %d (connection "
						 "refused): is it a DC, and is its LDAP server "
						 "running?", host, port)
			       : talloc_asprintf(mem_ctx, "cannot connect to %s port %d: %s", host,
						 port, strerror(err));
	else
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/*
 * The LDAP StartTLS request (RFC 4511 4.14): message 1, an ExtendedRequest
 * [APPLICATION 23] whose requestName [0] is 1.3.6.1.4.1.1466.20037.
 */
static const unsigned char starttls_request[] = {
	0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, '1', '.', '3', '.', '6', '.',
	'1', '.', '4', '.', '1', '.', '1', '4', '6', '6', '.', '2', '0', '0', '3', '7',
};

/* The resultCode of an ExtendedResponse [APPLICATION 24] in `buf`; -1 if there is none. */
static int extended_result(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		size_t at = i + 2;

		if (buf[i] != 0x78)
			continue;
		if (buf[i + 1] & 0x80)
			at += buf[i + 1] & 0x7f; /* a long length: its bytes */
		if (at + 2 < len && buf[at] == 0x0a && buf[at + 1] == 1)
			return buf[at + 2];
	}
	return -1;
}

static bool starttls(TALLOC_CTX *mem_ctx, int fd, const char *host, unsigned timeout, char **why)
{
	unsigned char buf[512];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int code;

	if (send(fd, starttls_request, sizeof(starttls_request), MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(starttls_request)) {
		*why = talloc_asprintf(mem_ctx, "%s closed the connection at once: %s", host,
				       strerror(errno));
		return false;
	}
	n = poll(&p, 1, (int)timeout * 1000) == 1 ? read(fd, buf, sizeof(buf)) : -1;
	code = n > 0 ? extended_result(buf, (size_t)n) : -1;
	if (code == 0)
		return true;
	if (n <= 0)
		*why = talloc_asprintf(mem_ctx, "%s port 389 does not answer StartTLS within %u s",
				       host, timeout);
	else if (code < 0)
		*why = talloc_asprintf(mem_ctx, "%s port 389 answers StartTLS with something that "
				       "is not LDAP: is it a DC?", host);
	else
		*why = talloc_asprintf(mem_ctx, "%s refuses StartTLS (%s): its LDAP server has no "
				       "TLS certificate; try --ldaps", host, ldap_err2string(code));
	return false;
}

/* A certificate's subject or issuer as text, or "?" */
static char *dn_text(TALLOC_CTX *mem_ctx, gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
			: gnutls_x509_crt_get_dn3(crt, &d, 0);
	char *s = talloc_strndup(mem_ctx, rc == 0 ? (const char *)d.data : "?",
				 rc == 0 ? d.size : 1);

	gnutls_free(d.data);
	return s;
}

static char *date_text(TALLOC_CTX *mem_ctx, time_t t)
{
	struct tm tm;
	char s[32];

	if (gmtime_r(&t, &tm) == NULL || strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm) == 0)
		return talloc_strdup(mem_ctx, "?");
	return talloc_strdup(mem_ctx, s);
}

/* Words for a certificate that did not verify: what is wrong and what to do. */
static char *verify_failure(TALLOC_CTX *mem_ctx, gnutls_session_t s, const char *host,
			    const char *ca_file, unsigned status)
{
	const gnutls_datum_t *chain;
	unsigned n = 0;
	gnutls_x509_crt_t crt = NULL;
	const char *anchors = ca_file ? talloc_asprintf(mem_ctx, "--ca-file %s", ca_file)
				      : "the system's trust store (no --ca-file)";
	char *why = NULL;

	chain = gnutls_certificate_get_peers(s, &n);
	if (chain == NULL || n == 0 || gnutls_x509_crt_init(&crt) != 0 ||
	    gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER) != 0) {
		if (crt != NULL)
			gnutls_x509_crt_deinit(crt);
		return talloc_asprintf(mem_ctx, "the certificate of %s does not verify", host);
	}
	if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
		why = talloc_asprintf(mem_ctx, "the certificate of %s is issued by '%s', which %s "
				      "does not trust: give that CA's certificate with --ca-file "
				      "(a Samba DC keeps the CA it made in %s)", host,
				      dn_text(mem_ctx, crt, true), anchors, SAMBA_CA_FILE);
	else if (status & GNUTLS_CERT_EXPIRED)
		why = talloc_asprintf(mem_ctx, "the certificate of %s ('%s') expired on %s", host,
				      dn_text(mem_ctx, crt, false),
				      date_text(mem_ctx, gnutls_x509_crt_get_expiration_time(crt)));
	else if (status & GNUTLS_CERT_NOT_ACTIVATED)
		why = talloc_asprintf(mem_ctx, "the certificate of %s ('%s') is not valid before %s "
				      "(or this machine's clock is wrong)", host,
				      dn_text(mem_ctx, crt, false),
				      date_text(mem_ctx, gnutls_x509_crt_get_activation_time(crt)));
	else if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		why = talloc_asprintf(mem_ctx, "the certificate of %s is for '%s', not for the name "
				      "given%s", host, dn_text(mem_ctx, crt, false),
				      ad_host_is_address(host)
					      ? ": an address is not in a DC's certificate, give "
						"--dc the DC's DNS name"
					      : ": give --dc the name it was issued for");
	if (why == NULL) {
		gnutls_datum_t out = { NULL, 0 };

		gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0);
		why = talloc_asprintf(mem_ctx, "the certificate of %s does not verify: %s", host,
				      out.data ? (const char *)out.data : "?");
		gnutls_free(out.data);
	}
	gnutls_x509_crt_deinit(crt);
	return why;
}

/* A TLS handshake over `fd` as libldap makes it; NULL when it succeeds. */
static char *handshake(TALLOC_CTX *mem_ctx, int fd, const char *host, const char *ca_file,
		       unsigned timeout)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	char *why = NULL;
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) != 0 ||
	    gnutls_init(&s, GNUTLS_CLIENT) != 0)
		goto out;
	rc = ca_file ? gnutls_certificate_set_x509_trust_file(cred, ca_file, GNUTLS_X509_FMT_PEM)
		     : gnutls_certificate_set_x509_system_trust(cred);
	if (rc < 0 || gnutls_set_default_priority(s) != 0 ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred) != 0)
		goto out;
	if (!ad_host_is_address(host))
		gnutls_server_name_set(s, GNUTLS_NAME_DNS, host, strlen(host));
	gnutls_session_set_verify_cert(s, host, 0);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, timeout * 1000);
	do {
		rc = gnutls_handshake(s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
		why = verify_failure(mem_ctx, s, host, ca_file,
				     gnutls_session_get_verify_cert_status(s));
	else if (rc < 0)
		why = talloc_asprintf(mem_ctx, "the TLS handshake with %s failed: %s", host,
				      gnutls_strerror(rc));
	else
		gnutls_bye(s, GNUTLS_SHUT_WR);
out:
	if (s != NULL)
		gnutls_deinit(s);
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	return why;
}

char *ad_reach_diagnose(TALLOC_CTX *mem_ctx, const char *host, enum ad_transport t,
			const char *ca_file, unsigned timeout)
{
	char *why = NULL;
	int fd = connect_to(mem_ctx, host, t == AD_LDAPS ? 636 : 389, timeout, &why);

	if (fd < 0)
		return why;
	if (t == AD_LDAPS || (t == AD_STARTTLS && starttls(mem_ctx, fd, host, timeout, &why)))
		why = handshake(mem_ctx, fd, host, ca_file, timeout);
	close(fd);
	return why;
}
