/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/xcep.h - the answer of a certificate enrollment policy server to
 * MS-XCEP GetPolicies, as Windows' "Validate Server" reads it.  Pure: the
 * HTTP exchange is elsewhere.
 *
 * Parsing is namespace-aware and safe on hostile input: no network access,
 * no entity expansion, no DTD at all; a byte order mark or UTF-16 body is
 * fine; unsigned 32-bit values above 2^31 are read as such.  It takes time
 * linear in the size of the answer: shapes that libxml2 2.9 would read in
 * quadratic time (an element with more than 64 attributes, a tag, comment
 * or processing instruction longer than 64 KiB) are refused.
 */
#ifndef GPO_CEP_XCEP_H
#define GPO_CEP_XCEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>

#include <gpo-cep/diag.h>
#include <gpo-cep/error.h>
#include <gpo-cep/policy.h>

#define GPO_XCEP_NS "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"

struct gpo_xcep_ca_uri {
	uint32_t auth;       /* X509EnrollmentAuthFlags: 1, 2, 4, 8 */
	char *uri;
	uint32_t priority;
	bool renewal_only;
};

struct gpo_xcep_ca {
	uint32_t reference;  /* cAReferenceID: what templates point at */
	size_t n_uris;
	struct gpo_xcep_ca_uri *uris;
	bool enroll_permission;
	char *subject;       /* of its certificate, RFC 4514; NULL when undecodable */
	char *sha1;          /* the certificate's SHA-1 thumbprint, hex; NULL likewise */
};

/* An extended key usage of a template, named as the response names it. */
struct gpo_xcep_eku {
	char *oid;
	char *name;          /* the OID entry's defaultName; NULL when none */
};

struct gpo_xcep_template {
	char *common_name;
	char *display_name;  /* from the template's OID entry; NULL when none */
	char *oid;           /* the template OID; NULL when none */
	uint32_t schema_version;
	uint32_t major_revision;
	uint32_t minor_revision;
	bool enroll;         /* for the identity that asked */
	bool autoenroll;
	size_t n_cas;
	uint32_t *ca_refs;
	/* key usage summary */
	uint32_t min_key_length;      /* 0 when absent */
	uint32_t key_spec;            /* 1 AT_KEYEXCHANGE, 2 AT_SIGNATURE, 0 absent */
	size_t n_key_usages;
	const char **key_usages;      /* the keyUsage extension: "digitalSignature", ... */
	size_t n_ekus;
	struct gpo_xcep_eku *ekus;    /* the extendedKeyUsage extension */
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
	char *action;                 /* WS-Addressing Action; NULL when absent */
	char *relates_to;             /* WS-Addressing RelatesTo; NULL when absent */
};

#define GPO_XCEP_RESPONSE_ACTION \
	"http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPoliciesResponse"

/*
 * Parse a GetPoliciesResponse.  A SOAP fault becomes GPO_ERROR with the
 * fault's code, subcode and reason in the message (GPO_EAUTH for WS-Security
 * faults: refused credentials); anything that is not a well-formed
 * GetPoliciesResponse is GPO_EPROTO saying what was expected.  Values the
 * response only shows (certificates, extensions) are decoded when they can
 * be and left NULL when not: the specification's own examples elide them.
 * A second GetPoliciesResponse, response, policyID or policyFriendlyName
 * is GPO_EPROTO: which one counts would be a guess.  The values are as
 * sent: gpo_xcep_check_policy_id() and gpo_cep_check_friendly_name() say
 * whether they may be stored, gpo_xcep_escape() makes them fit to print.
 */
int gpo_xcep_parse_response(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
			    struct gpo_xcep_policies **ret, struct gpo_error **reterr);

/*
 * A policy ID as a server may send it: a GUID, braces optional, either
 * letter case (Microsoft's CEP sends it braced, upper case; it is stored as
 * sent).  GPO_EINVAL with what is wrong, worded to follow the ID.
 */
int gpo_xcep_check_policy_id(TALLOC_CTX *mem_ctx, const char *id, struct gpo_error **reterr);

/*
 * A string a server sent, fit to print: control characters (C0, DEL, C1)
 * and bytes that are not UTF-8 as C escapes (\n, \r, \t, \x1b, \u0085,
 * \xff), everything else as it is.  With `max` > 0, at most that many
 * characters and "..." when there were more.  NULL when memory runs out.
 */
char *gpo_xcep_escape(TALLOC_CTX *mem_ctx, const char *s, size_t max);

/* "urn:uuid:" and a new random lower-case UUID: a WS-Addressing MessageID. */
#define GPO_XCEP_MESSAGE_ID_SIZE 46
void gpo_xcep_message_id(char out[GPO_XCEP_MESSAGE_ID_SIZE]);

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

/*
 * What a server's answer means for its entry in a policy (pure): a missing
 * policy_id is taken from the answer, a different one is an error at
 * `pointer`/policy_id (clients group endpoints by it), a friendly name the
 * file did not give is taken from the answer when the answer has one.  New
 * strings are allocated on mem_ctx (the policy).  The answer's policy ID
 * must be a GUID and its friendly name pass gpo_cep_check_friendly_name(),
 * as the policy format requires of its own: else an error at
 * `pointer`/policy_id or /friendly_name naming the server, and GPO_EPROTO.
 * Returns 0, GPO_EINVAL when it added an error for a contradicted
 * policy_id, GPO_EPROTO, GPO_ENOMEM.
 */
int gpo_xcep_take_answer(TALLOC_CTX *mem_ctx, struct gpo_cep_server *server,
			      const struct gpo_xcep_policies *answer,
			      const char *pointer, struct gpo_diags *diags);

#endif
