/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What clients do with a policy.  Each check cites the client behaviour it
 * protects against; doc/clients.md has the evidence.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gpo-cep/cep.h>
#include <gpo-cep/guid.h>
#include <gpo-cep/lint.h>

#include "internal.h"
#include "policy_internal.h"

struct linter {
	struct gpo_diags *d;
	unsigned clients;   /* the clients the GPO is for */
	int rc;
};

#define WIN GPO_CEP_CLIENT_WINDOWS
#define SAMBA GPO_CEP_CLIENT_SAMBA
#define ADSYS GPO_CEP_CLIENT_ADSYS

/* Which clients each rule is about (doc/clients.md). */
static const struct {
	const char *id;
	unsigned clients;
} rule_clients[] = {
	{ "no-ldap-row", WIN | ADSYS },       { "samba-uri", SAMBA },
	{ "samba-https", SAMBA },              { "user-scope", SAMBA | ADSYS },
	{ "no-auto-enrollment", SAMBA | ADSYS }, { "group-autoenroll-off", WIN | SAMBA },
	{ "ldap-autoenroll-off", ADSYS },      { "ldap-policy-id", SAMBA | ADSYS },
	{ "adsys-first-group", ADSYS },
};

/* A finding about no client the GPO is for is only a note. */
static enum gpo_diag_level level_for(const struct linter *l, const char *id,
				     enum gpo_diag_level level)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rule_clients); i++)
		if (strcmp(rule_clients[i].id, id) == 0 && !(rule_clients[i].clients & l->clients))
			return GPO_DIAG_NOTE;
	return level;
}

static void warn(struct linter *l, enum gpo_diag_level level, const char *id,
		 const char *ptr, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void warn(struct linter *l, enum gpo_diag_level level, const char *id,
		 const char *ptr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (gpo_diags_addv(l->d, level_for(l, id, level), id, ptr, fmt, ap) != 0)
		l->rc = GPO_ENOMEM;
	va_end(ap);
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool gpo_cep_samba_accepts_uri(const char *uri)
{
	/*
	 * Samba's gp_cert_auto_enroll_ext matches, with Python's re.match
	 * (anchored at the start only):
	 * (https|HTTPS)://[a-zA-Z0-9.-]+/ADPolicyProvider_CEP_[a-zA-Z]+/service.svc/CEP
	 */
	static const char mid[] = "/ADPolicyProvider_CEP_";
	const char *p;

	if (strncmp(uri, "https://", 8) != 0 && strncmp(uri, "HTTPS://", 8) != 0)
		return false;
	p = uri + 8;
	if (!(is_alpha(*p) || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
		return false;
	while (is_alpha(*p) || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-')
		p++;
	if (strncmp(p, mid, sizeof(mid) - 1) != 0)
		return false;
	p += sizeof(mid) - 1;
	if (!is_alpha(*p))
		return false;
	while (is_alpha(*p))
		p++;
	/* "service.svc": the '.' is a regular expression wildcard */
	return strncmp(p, "/service", 8) == 0 && p[8] != '\0' && strncmp(p + 9, "svc/CEP", 7) == 0;
}

static int auth_rank(enum gpo_cep_auth a)
{
	/* [MS-CAESO] 4.4.5.3.2.3: equal cost goes Kerberos, then anonymous, then the rest */
	return a == GPO_CEP_AUTH_KERBEROS ? 0 : a == GPO_CEP_AUTH_ANONYMOUS ? 1 : 2;
}

static void check_groups(struct linter *l, const struct gpo_cep_enrollment *e,
			 const char *sptr)
{
	size_t i, j;

	for (i = 0; i < e->n_servers; i++) {
		const struct gpo_cep_server *first = &e->servers[i];
		size_t first_at = i;
		bool seen = false;

		if (e->servers[i].policy_id == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (e->servers[j].policy_id != NULL &&
			    strcmp(e->servers[j].policy_id, e->servers[i].policy_id) == 0)
				seen = true;
		if (seen)
			continue;
		for (j = i + 1; j < e->n_servers; j++) {
			const struct gpo_cep_server *s = &e->servers[j];

			if (s->policy_id == NULL || strcmp(s->policy_id, first->policy_id) != 0)
				continue;
			if (s->cost < first->cost ||
			    (s->cost == first->cost && auth_rank(s->auth) < auth_rank(first->auth))) {
				first = s;
				first_at = j;
			}
		}
		if (!first->autoenroll) {
			char ptr[128];

			snprintf(ptr, sizeof(ptr), "%s/%zu/autoenroll", sptr, first_at);
			warn(l, GPO_DIAG_WARNING, "group-autoenroll-off", ptr,
			     "the first server clients try for policy ID '%s' (lowest cost) "
			     "has autoenroll off: clients skip the whole group for "
			     "automatic enrollment", first->policy_id);
		}
	}
}

/* The policy ID a server's group goes by; an LDAP: row without one gets the forest's. */
static const char *group_of(const struct gpo_cep_server *s)
{
	return s->policy_id ? s->policy_id : "{forest GUID}";
}

/* The server clients try first in the group of `id`: lowest cost, then Kerberos, anonymous. */
static const struct gpo_cep_server *first_of(const struct gpo_cep_enrollment *e, const char *id)
{
	const struct gpo_cep_server *first = NULL;
	size_t i;

	for (i = 0; i < e->n_servers; i++) {
		const struct gpo_cep_server *s = &e->servers[i];

		if (strcmp(group_of(s), id) != 0)
			continue;
		if (first == NULL || s->cost < first->cost ||
		    (s->cost == first->cost && auth_rank(s->auth) < auth_rank(first->auth)))
			first = s;
	}
	return first;
}

/*
 * adsys's copy of Samba's code (cepces mode) returns after the first group
 * it enrolls from; groups come in the order their servers' keys have in
 * the file (the hash order).  Samba 4.17 and Windows use every group.
 */
static void check_adsys_groups(struct linter *l, const struct gpo_cep_enrollment *e,
			       const char *sptr)
{
	char keys[64][41];
	const char *groups[64];
	size_t order[64], n = e->n_servers < 64 ? e->n_servers : 64, i, j, ng = 0;

	for (i = 0; i < n; i++) {
		order[i] = i;
		if (gpo_cep_server_key(e->servers[i].uri, keys[i]) != 0)
			return;
	}
	for (i = 1; i < n; i++) /* insertion sort by key: at most 64 servers */
		for (j = i; j > 0 && strcmp(keys[order[j - 1]], keys[order[j]]) > 0; j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		const char *id = group_of(&e->servers[order[i]]);

		for (j = 0; j < ng && strcmp(groups[j], id) != 0; j++)
			;
		if (j == ng && first_of(e, id)->autoenroll)
			groups[ng++] = id;
	}
	if (ng > 1)
		warn(l, GPO_DIAG_WARNING, "adsys-first-group", sptr,
		     "Ubuntu adsys in cepces mode enrolls from the first policy-ID group only "
		     "('%s', whose servers come first in the file) and ignores %zu other group%s "
		     "such as '%s'; Samba and Windows use every group", groups[0], ng - 1,
		     ng > 2 ? "s" : "", groups[1]);
}

/* What clients make of the LDAP: row (`ptr` points at it). */
static void lint_ldap_server(struct linter *l, const struct gpo_cep_server *srv,
			     enum gpo_cep_scope_kind kind, const char *ptr)
{
	char guid[39];

	if (kind == GPO_CEP_COMPUTER && !srv->autoenroll)
		warn(l, GPO_DIAG_WARNING, "ldap-autoenroll-off", ptr,
		     "Ubuntu adsys (LDAP mode) enrolls only when the LDAP: "
		     "row has autoenroll on");
	if (srv->policy_id != NULL &&
	    (gpo_guid_normalize(srv->policy_id, guid) != 0 ||
	     strcmp(guid, srv->policy_id) != 0))
		warn(l, GPO_DIAG_WARNING, "ldap-policy-id", ptr,
		     "the LDAP: policy ID '%s' is not a braced upper-case "
		     "GUID: Samba 4.17 and Ubuntu adsys (cepces mode) compare it with "
		     "'{' + the forest root domain's objectGUID + '}' and skip its group",
		     srv->policy_id);
}

/* What clients make of an https server (`ptr` points at it). */
/* The policy ID gpo-cep's templates (gpo-cep init) carry in place of a real server's. */
#define TEMPLATE_POLICY_ID "083C7011-1D0A-4855-885D-AC945184658C"

/* `id` is the templates' ID, with or without braces, in any case. */
static bool template_id(const char *id)
{
	size_t n = strlen(TEMPLATE_POLICY_ID);
	bool braced = id[0] == '{';

	return strncasecmp(id + braced, TEMPLATE_POLICY_ID, n) == 0 &&
	       strcmp(id + braced + n, braced ? "}" : "") == 0;
}

static void lint_https_server(struct linter *l, const struct gpo_cep_server *srv,
			      enum gpo_cep_scope_kind kind, const char *ptr)
{
	char id_ptr[160];

	snprintf(id_ptr, sizeof(id_ptr), "%s/policy_id", ptr);
	if (srv->policy_id != NULL && template_id(srv->policy_id))
		warn(l, GPO_DIAG_WARNING, "template-policy-id", id_ptr,
		     "%s is the example policy ID of gpo-cep's templates, not the one %s "
		     "reports: clients that validate it find no such policy ('gpo-cep probe "
		     "%s' asks the server; --probe fills it in when the key is left out)",
		     srv->policy_id, srv->uri, srv->uri);
	if (srv->auth == GPO_CEP_AUTH_CERTIFICATE)
		warn(l, GPO_DIAG_WARNING, "certificate-auth", ptr,
		     "certificate authentication: a client must already hold a "
		     "certificate with the Client Authentication EKU "
		     "(1.3.6.1.5.5.7.3.2) to reach this server");
	if (kind == GPO_CEP_COMPUTER && !gpo_cep_samba_accepts_uri(srv->uri))
		warn(l, GPO_DIAG_WARNING, "samba-uri", ptr,
		     "Samba clients accept only https://HOST/ADPolicyProvider_CEP_"
		     "<Auth>/service.svc/CEP (no port): for this URI they drop every "
		     "server of the GPO and enroll from every CA in the directory");
}

static void lint_scope(struct linter *l, const struct gpo_cep_scope *s,
		       enum gpo_cep_scope_kind kind)
{
	const char *scope = gpo_cep_scope_name(kind);
	const struct gpo_cep_enrollment *e = s->enrollment;
	const struct gpo_cep_autoenroll *a = s->auto_enrollment;
	char sptr[64], ptr[128];
	bool has_ldap = false, has_https = false;
	size_t i;

	snprintf(sptr, sizeof(sptr), "/%s/enrollment_policy/servers", scope);
	if (e == NULL && a == NULL && !s->certificate_stores) {
		snprintf(ptr, sizeof(ptr), "/%s", scope);
		warn(l, GPO_DIAG_WARNING, "empty-scope", ptr,
		     "the %s scope configures nothing: no Registry.pol is written", scope);
		return;
	}
	if (kind == GPO_CEP_USER && (e != NULL || a != NULL))
		warn(l, GPO_DIAG_WARNING, "user-scope", "/user",
		     "Linux clients (Samba, Ubuntu adsys) read the computer scope only: "
		     "user settings reach Windows clients alone");
	for (i = 0; e != NULL && e->enabled && i < e->n_servers; i++) {
		const struct gpo_cep_server *srv = &e->servers[i];

		snprintf(ptr, sizeof(ptr), "%s/%zu", sptr, i);
		if (policy_uri_is_ldap(srv->uri)) {
			has_ldap = true;
			lint_ldap_server(l, srv, kind, ptr);
		} else {
			has_https = true;
			lint_https_server(l, srv, kind, ptr);
		}
	}
	if (e != NULL && e->enabled && has_https && !has_ldap)
		warn(l, GPO_DIAG_WARNING, "no-ldap-row", sptr,
		     "no LDAP: server: Windows clients lose the built-in Active Directory "
		     "enrollment policy and Ubuntu adsys (LDAP mode) stops enrolling; add "
		     "{\"uri\": \"LDAP:\"} unless that is intended");
	if (kind == GPO_CEP_COMPUTER && has_https)
		warn(l, GPO_DIAG_NOTE, "samba-https", sptr,
		     "Samba 4.17 (Debian 12) clients enroll from LDAP: only and skip https "
		     "servers");
	if (e != NULL && e->enabled)
		check_groups(l, e, sptr);
	if (kind == GPO_CEP_COMPUTER && e != NULL && e->enabled)
		check_adsys_groups(l, e, sptr);
	if (kind == GPO_CEP_COMPUTER && e != NULL && e->enabled) {
		if (a == NULL)
			warn(l, GPO_DIAG_WARNING, "no-auto-enrollment", "/computer",
			     "no auto_enrollment: Linux clients (Samba, adsys) enroll only "
			     "when Auto-Enrollment is enabled with update_templates");
		else if (!a->enabled || !a->update_templates)
			warn(l, GPO_DIAG_WARNING, "no-auto-enrollment", "/computer/auto_enrollment",
			     "auto-enrollment is %s: Linux clients (Samba, adsys) do nothing "
			     "with the enrollment policy", a->enabled ? "without update_templates"
								 : "disabled");
	}
	/* adsys parses User/Registry.pol for every user too: a rejected file breaks user policy */
	if (lint_adsys_scope(l->d, s, kind, l->clients & ADSYS ? GPO_DIAG_ERROR : GPO_DIAG_NOTE) != 0)
		l->rc = GPO_ENOMEM;
}

int gpo_cep_lint(const struct gpo_cep_policy *policy, struct gpo_diags *diags)
{
	return gpo_cep_lint_for(policy, GPO_CEP_CLIENTS_ALL, diags);
}

int gpo_cep_clients_parse(TALLOC_CTX *mem_ctx, const char *list, unsigned *ret_clients,
			  struct gpo_error **reterr)
{
	static const struct { const char *name; unsigned bits; } names[] = {
		{ "windows", WIN }, { "samba", SAMBA }, { "adsys", ADSYS },
		{ "all", GPO_CEP_CLIENTS_ALL },
	};
	unsigned clients = 0;
	const char *p = list;
	size_t i, n;

	for (;;) {
		n = strcspn(p, ",");
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == n && strncmp(p, names[i].name, n) == 0)
				break;
		if (i == ARRAY_SIZE(names))
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "unknown client '%.*s' in "
					"'%s' (expected windows, samba, adsys or all, separated by "
					"commas)", (int)n, p, list);
		clients |= names[i].bits;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*ret_clients = clients;
	return 0;
}

int gpo_cep_lint_for(const struct gpo_cep_policy *policy, unsigned clients,
		     struct gpo_diags *diags)
{
	struct linter l = { .d = diags, .clients = clients };
	int k;

	if (policy->scopes[GPO_CEP_COMPUTER] == NULL && policy->scopes[GPO_CEP_USER] == NULL)
		warn(&l, GPO_DIAG_WARNING, "empty-policy", "",
		     "the policy has neither a computer nor a user scope: it configures "
		     "nothing");
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
		if (policy->scopes[k] != NULL)
			lint_scope(&l, policy->scopes[k], k);
	return l.rc;
}
