/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The policy model: names, URIs, server keys and the checks that need the
 * whole model.  The JSON form is in policy_json.c.
 */
#include <stdio.h>
#include <string.h>

#include <nettle/sha1.h>

#include <gpo-cep/guid.h>
#include <gpo-cep/policy.h>

#include "buf.h"
#include "internal.h"
#include "policy_internal.h"
#include "utf16.h"

const char *gpo_cep_scope_name(enum gpo_cep_scope_kind kind)
{
	return kind == GPO_CEP_USER ? "user" : "computer";
}

static const struct {
	enum gpo_cep_auth auth;
	const char *name;
} auth_names[] = {
	{ GPO_CEP_AUTH_KERBEROS, "kerberos" },
	{ GPO_CEP_AUTH_USERNAME_PASSWORD, "username_password" },
	{ GPO_CEP_AUTH_CERTIFICATE, "certificate" },
	{ GPO_CEP_AUTH_ANONYMOUS, "anonymous" },
};

const char *gpo_cep_auth_name(enum gpo_cep_auth auth)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(auth_names); i++)
		if (auth_names[i].auth == auth)
			return auth_names[i].name;
	return NULL;
}

enum gpo_cep_auth gpo_cep_auth_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(auth_names); i++)
		if (strcmp(auth_names[i].name, name) == 0)
			return auth_names[i].auth;
	return GPO_CEP_AUTH_UNSET;
}

bool policy_uri_is_ldap(const char *uri)
{
	return ascii_strcasecmp(uri, GPO_CEP_LDAP_URI) == 0;
}

static bool ends_with_nocase(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && ascii_strncasecmp(s + len - n, suffix, n) == 0;
}

enum gpo_cep_auth gpo_cep_auth_from_uri(const char *uri)
{
	const char *p, *seg;

	if (policy_uri_is_ldap(uri))
		return GPO_CEP_AUTH_KERBEROS;
	if (ascii_strncasecmp(uri, "https://", 8) != 0)
		return GPO_CEP_AUTH_UNSET;
	p = strchr(uri + 8, '/');
	while (p != NULL) {
		size_t len;

		seg = p + 1;
		p = strpbrk(seg, "/?#");
		len = p ? (size_t)(p - seg) : strlen(seg);
		/* the IIS application names AD CS setup creates (doc/gpo-cep-policy.5) */
		if (ascii_strncasecmp(seg, "KeyBasedRenewal_", 16) == 0 &&
		    ends_with_nocase(seg, len, "_CEP_Certificate"))
			return GPO_CEP_AUTH_CERTIFICATE;
		if (ends_with_nocase(seg, len, "_CEP_Kerberos"))
			return GPO_CEP_AUTH_KERBEROS;
		if (ends_with_nocase(seg, len, "_CEP_UsernamePassword"))
			return GPO_CEP_AUTH_USERNAME_PASSWORD;
		if (ends_with_nocase(seg, len, "_CEP_Certificate"))
			return GPO_CEP_AUTH_CERTIFICATE;
		if (p != NULL && *p != '/')
			break;
	}
	return GPO_CEP_AUTH_UNSET;
}

const char *policy_check_uri(const char *uri, size_t *host_start, size_t *host_len)
{
	const char *h, *end, *p;

	for (p = uri; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7F)
			return "must be ASCII without spaces or control characters "
			       "(percent-encode the path, use the punycode host name)";
	}
	if (policy_uri_is_ldap(uri))
		return NULL;
	if (ascii_strncasecmp(uri, "http://", 7) == 0)
		return "must use https: clients refuse plain http policy servers";
	if (ascii_strncasecmp(uri, "https://", 8) != 0)
		return "must be 'LDAP:' or an https:// URI";
	h = uri + 8;
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)) != NULL)
		return "must not carry user information: clients would send it in clear";
	if (strchr(uri, '#') != NULL)
		return "must not have a fragment";
	p = h;
	if (*p == '[') {
		p = memchr(h, ']', (size_t)(end - h));
		if (p == NULL)
			return "has an unterminated IPv6 address";
		p++;
	} else {
		while (p < end && *p != ':') {
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
				return "has a host name with a character other than "
				       "letters, digits, '.' and '-'";
			p++;
		}
	}
	if (p == h)
		return "has no host name";
	*host_start = (size_t)(h - uri);
	*host_len = (size_t)(p - h);
	if (p < end) {
		unsigned long port = 0;

		if (*p != ':' || p + 1 == end)
			return "has a malformed port";
		for (p++; p < end; p++) {
			if (*p < '0' || *p > '9' || port > 65535)
				return "has a malformed port";
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (port == 0 || port > 65535)
			return "has a port outside 1-65535";
	}
	return NULL;
}

int gpo_cep_server_key(const char *uri, char out[41])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA1_DIGEST_SIZE];
	struct sha1_ctx sha;
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *lower = talloc_strdup(tmp, uri);
	struct buf b;
	size_t i, bad_at;

	if (lower == NULL) {
		talloc_free(tmp);
		return GPO_ENOMEM;
	}
	for (i = 0; lower[i] != '\0'; i++)
		lower[i] = (char)ascii_lower((unsigned char)lower[i]);
	buf_init(&b, tmp);
	if (!utf8_to_utf16le(&b, lower, strlen(lower), &bad_at) || b.failed) {
		talloc_free(tmp);
		return b.failed ? GPO_ENOMEM : GPO_EINVAL;
	}
	sha1_init(&sha);
	sha1_update(&sha, b.len, b.data);
	sha1_digest(&sha, sizeof(digest), digest);
	for (i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xF];
	}
	out[40] = '\0';
	talloc_free(tmp);
	return 0;
}

int gpo_cep_policy_check(const struct gpo_cep_policy *policy, unsigned flags,
			 struct gpo_diags *diags)
{
	size_t before = diags->errors;
	int k;

	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		const struct gpo_cep_scope *s = policy->scopes[k];
		size_t i;

		if (s == NULL || s->enrollment == NULL)
			continue;
		for (i = 0; i < s->enrollment->n_servers; i++) {
			const struct gpo_cep_server *srv = &s->enrollment->servers[i];
			char ptr[96];

			if (srv->policy_id != NULL ||
			    !(flags & (policy_uri_is_ldap(srv->uri)
					       ? GPO_CEP_CHECK_POLICY_IDS
					       : GPO_CEP_CHECK_POLICY_IDS | GPO_CEP_CHECK_SERVER_IDS)))
				continue;
			snprintf(ptr, sizeof(ptr), "/%s/enrollment_policy/servers/%zu",
				 gpo_cep_scope_name(k), i);
			if (policy_uri_is_ldap(srv->uri)) {
				if (gpo_diags_add(diags, GPO_DIAG_ERROR, "missing-policy-id",
						  ptr, "'policy_id' is required for LDAP: when "
						  "rendering offline: give the forest root "
						  "domain's objectGUID (--forest-guid), or "
						  "publish with --domain, which reads it") != 0)
					return GPO_ENOMEM;
			} else if (gpo_diags_add(diags, GPO_DIAG_ERROR, "missing-policy-id", ptr,
						 "'policy_id' is required: the ID %s reports "
						 "('gpo-cep probe %s' asks it; --probe fills it "
						 "in, as Windows' \"Validate Server\" does)",
						 srv->uri, srv->uri) != 0) {
				return GPO_ENOMEM;
			}
		}
	}
	return diags->errors > before ? GPO_EINVAL : 0;
}

int gpo_cep_policy_fill_ldap_id(struct gpo_cep_policy *policy, const char *guid,
				struct gpo_error **reterr)
{
	char norm[39];
	int k;

	if (gpo_guid_normalize(guid, norm) != 0)
		return gpo_fail(NULL, reterr, GPO_EINVAL,
				"'%s' is not a GUID (expected "
				"XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)", guid);
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		struct gpo_cep_scope *s = policy->scopes[k];
		size_t i;

		if (s == NULL || s->enrollment == NULL)
			continue;
		for (i = 0; i < s->enrollment->n_servers; i++) {
			struct gpo_cep_server *srv = &s->enrollment->servers[i];

			if (srv->policy_id != NULL || !policy_uri_is_ldap(srv->uri))
				continue;
			srv->policy_id = talloc_strdup(s->enrollment->servers, norm);
			if (srv->policy_id == NULL)
				return gpo_oom(NULL, reterr);
		}
	}
	return 0;
}


size_t policy_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (la >= ARRAY_SIZE(row) || lb >= ARRAY_SIZE(row))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

int gpo_cep_check_friendly_name(TALLOC_CTX *mem_ctx, const char *name, struct gpo_error **reterr)
{
	return text_check_name(mem_ctx, name, GPO_CEP_FRIENDLY_NAME_MAX, reterr);
}

int gpo_cep_check_gpo_name(TALLOC_CTX *mem_ctx, const char *name, struct gpo_error **reterr)
{
	if (name[0] == '\0')
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "is empty");
	return text_check_name(mem_ctx, name, GPO_CEP_NAME_MAX, reterr);
}

char *gpo_json_escape_controls(TALLOC_CTX *mem_ctx, const char *json)
{
	return text_json_escape_controls(mem_ctx, json);
}
