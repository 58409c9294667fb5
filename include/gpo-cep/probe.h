/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/probe.h - ask a certificate enrollment policy server for its
 * policy, as the Windows editor's "Validate Server" button does: one MS-XCEP
 * GetPolicies exchange over HTTPS.
 *
 * The credentials go the way each AD CS endpoint expects them: Kerberos as
 * HTTP Negotiate only (never NTLM or Basic), bound to the server's TLS
 * certificate as Windows does (Extended Protection), user name and password as a
 * WS-Security UsernameToken inside the SOAP message, certificates as a TLS
 * client certificate.  TLS is always verified; there is no switch to turn
 * that off.  Network code: the parsing itself is gpo-cep/xcep.h.
 */
#ifndef GPO_CEP_PROBE_H
#define GPO_CEP_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <talloc.h>

#include <gpo-cep/error.h>
#include <gpo-cep/policy.h>
#include <gpo-cep/xcep.h>

#define GPO_PROBE_TIMEOUT_DEFAULT 30u
#define GPO_PROBE_MAX_RESPONSE_DEFAULT (32u << 20)

#define GPO_PROBE_OPTIONS_VERSION 1

struct gpo_probe_options {
	unsigned version;       /* GPO_PROBE_OPTIONS_VERSION */
	const char *uri;        /* https:// only */
	enum gpo_cep_auth auth; /* UNSET: what the URI's IIS application name implies */
	const char *username;   /* username_password: DOMAIN\user or user@realm */
	const char *password;   /* copied, never kept: the caller wipes its own; the request
				   holding it is wiped here */
	const char *cert_file;  /* certificate: the client certificate, PEM */
	const char *key_file;   /* its private key, PEM, unencrypted; NULL: in cert_file */
	const char *ca_file;    /* CAs that may vouch for the server (PEM); NULL: the system's */
	unsigned timeout;       /* seconds for the whole exchange; 0: the default */
	size_t max_response;    /* bytes; 0: the default */
};

#define GPO_PROBE_OPTIONS_INIT { .version = GPO_PROBE_OPTIONS_VERSION }

/*
 * Send GetPolicies to `o->uri` and parse the answer.  Errors, each with a
 * message that says what to check:
 *   GPO_EINVAL   the options cannot work (not https, missing credentials,
 *                an unreadable CA or client certificate file);
 *   GPO_ENET     no connection, timeout, or the server's TLS certificate
 *                cannot be verified;
 *   GPO_EAUTH    the server refused the credentials, or there were none to
 *                send (no Kerberos ticket for HTTP/host);
 *   GPO_EPROTO   an answer that is not a GetPoliciesResponse: HTTP errors,
 *                redirects, HTML pages, truncated or oversized bodies;
 *   GPO_ERROR    a SOAP fault that is not about credentials.
 */
int gpo_probe_server(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *o,
		  struct gpo_xcep_policies **ret, struct gpo_error **reterr);

#endif
