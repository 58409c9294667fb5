/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/xcep.h - the answer of a certificate enrollment policy server to
 * MS-XCEP GetPolicies, as Windows' "Validate Server" reads it.  Pure: the
 * HTTP exchange is elsewhere.
 *
 * Parsing is namespace-aware and safe on hostile input: no network access,
 * no entity expansion, no DTD at all; a byte order mark or UTF-16 body is
 * fine; unsigned 32-bit values above 2^31 are read as such.
 */
#ifndef GPO_CEP_XCEP_H
#define GPO_CEP_XCEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>

#include <gpo-cep/error.h>

#define GPO_XCEP_NS "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"

struct gpo_xcep_ca_uri {
	uint32_t auth;       /* X509EnrollmentAuthFlags: 1, 2, 4, 8 */
	char *uri;
	uint32_t priority;
};

struct gpo_xcep_ca {
	uint32_t reference;  /* cAReferenceID: what templates point at */
	size_t n_uris;
	struct gpo_xcep_ca_uri *uris;
	bool enroll_permission;
};

struct gpo_xcep_template {
	char *common_name;
	char *display_name;  /* from the template's OID entry; NULL when none */
	char *oid;           /* the template OID; NULL when none */
	uint32_t schema_version;
	bool enroll;
	bool autoenroll;
	size_t n_cas;
	uint32_t *ca_refs;
};

struct gpo_xcep_policies {
	char *policy_id;
	char *friendly_name;          /* "" when the server sends none (common) */
	int64_t next_update_hours;    /* -1 when nil */
	bool not_changed;
	size_t n_templates;
	struct gpo_xcep_template *templates;
	size_t n_cas;
	struct gpo_xcep_ca *cas;
};

/*
 * Parse a GetPoliciesResponse.  A SOAP fault becomes GPO_ERROR with the
 * fault's code and reason in the message; anything that is not a
 * well-formed GetPoliciesResponse is GPO_EINVAL saying what was expected.
 */
int gpo_xcep_parse_response(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
			    struct gpo_xcep_policies **ret, struct gpo_error **reterr);

struct gpo_xcep_request_options {
	const char *uri;          /* the policy server's URI: a:To */
	const char *message_id;   /* "urn:uuid:..."; NULL: a new random one */
	const char *username;     /* UsernamePassword endpoints: a WS-Security */
	const char *password;     /* UsernameToken with a Timestamp; else NULL */
	time_t now;               /* the Timestamp's Created (Expires 5 minutes later) */
};

/*
 * A GetPolicies request as a SOAP 1.2 envelope: WS-Addressing Action, MessageID,
 * ReplyTo anonymous and To (both mustUnderstand), lastUpdate and
 * preferredLanguage nil, and a requestFilter with clientVersion and
 * serverVersion 0 (a nil filter makes servers hide newer templates).  The
 * text holds the password when one is given: wipe it after use.
 */
int gpo_xcep_build_request(TALLOC_CTX *mem_ctx, const struct gpo_xcep_request_options *o,
			   char **ret_xml, size_t *ret_len, struct gpo_error **reterr);

#endif
