/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Why a DC cannot be reached over LDAP: the cause in words.  Private. */
#ifndef GPO_CEP_AD_REACH_H
#define GPO_CEP_AD_REACH_H

#include <stdbool.h>
#include <talloc.h>

#include <gpo-cep/error.h>

enum ad_transport {
	AD_PLAIN,    /* port 389, no TLS (Kerberos seals the session itself) */
	AD_STARTTLS, /* port 389, then StartTLS */
	AD_LDAPS,    /* port 636, TLS from the start */
};

/* An IPv4 or IPv6 address rather than a name. */
bool ad_host_is_address(const char *host);

/* A CA file that can be read and holds a PEM certificate; an error naming the file otherwise. */
int ad_ca_file_check(TALLOC_CTX *mem_ctx, const char *ca_file, struct gpo_error **reterr);

/*
 * The first step of an LDAP connection to `host` that fails, taken again
 * by hand (resolve, connect, StartTLS, a verified TLS handshake with the
 * anchors of `ca_file` or the system's): a sentence, or NULL when every
 * step succeeds now.
 */
char *ad_reach_diagnose(TALLOC_CTX *mem_ctx, const char *host, enum ad_transport t,
			const char *ca_file, unsigned timeout);

#endif
