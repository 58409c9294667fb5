/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A GPO's permissions over LDAP: trustees named and resolved, the
 * container's DACL read as GPMC levels and written with its SYSVOL ACL.
 */
#include <string.h>
#include <strings.h>

#include "domain_internal.h"
#include "internal.h"

/* "\01\05..." : a SID as an LDAP filter value */
static char *sid_filter_value(TALLOC_CTX *mem_ctx, const struct gpo_sid *sid)
{
	char *s = talloc_asprintf(mem_ctx, "\\%02x\\%02x", sid->revision, sid->n_sub);
	int i;

	for (i = 5; s != NULL && i >= 0; i--)
		s = talloc_asprintf_append(s, "\\%02x", (unsigned)(sid->authority >> (8 * i)) & 0xff);
	for (i = 0; s != NULL && i < sid->n_sub; i++)
		s = talloc_asprintf_append(s, "\\%02x\\%02x\\%02x\\%02x", sid->sub[i] & 0xff,
					   (sid->sub[i] >> 8) & 0xff, (sid->sub[i] >> 16) & 0xff,
					   sid->sub[i] >> 24);
	return s;
}

static int read_netbios(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr)
{
	static const char *const root_attrs[] = { "configurationNamingContext", NULL };
	static const char *const attrs[] = { "nETBIOSName", NULL };
	struct ad_entry *e = NULL;
	const char *config;
	char *base, *filter;
	size_t n = 0;
	int rc = ad_ldap_search(mem_ctx, d->ldap, "", 0, "(objectClass=*)", root_attrs, 0, &e, &n,
				reterr);

	config = rc == 0 && n == 1 ? ad_entry_get(&e[0], "configurationNamingContext") : NULL;
	if (config == NULL)
		return rc;
	base = talloc_asprintf(mem_ctx, "CN=Partitions,%s", config);
	filter = talloc_asprintf(mem_ctx, "(&(objectClass=crossRef)(nCName=%s))",
				 domain_filter_escape(mem_ctx, d->base_dn));
	if (base == NULL || filter == NULL)
		return gpo_oom(mem_ctx, reterr);
	rc = ad_ldap_search(mem_ctx, d->ldap, base, 1, filter, attrs, 0, &e, &n, reterr);
	if (rc == 0 && n == 1 && ad_entry_get(&e[0], "nETBIOSName") != NULL)
		d->netbios = talloc_strdup(d, ad_entry_get(&e[0], "nETBIOSName"));
	return rc;
}

int domain_names(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "objectSid", NULL };
	TALLOC_CTX *tmp;
	const struct ad_attr *a;
	struct ad_entry *e = NULL;
	struct gpo_sid sid;
	size_t n = 0;
	int rc;

	if (d->domain_sid != NULL)
		return 0;
	tmp = talloc_new(NULL);
	rc = ad_ldap_search(tmp, d->ldap, d->base_dn, 0, "(objectClass=*)", attrs, 0, &e, &n,
			    reterr);
	a = rc == 0 && n == 1 ? ad_entry_attr(&e[0], "objectSid") : NULL;
	if (rc == 0 && (a == NULL || a->n_values != 1 ||
			gpo_sid_from_bytes(a->values[0], a->lengths[0], &sid) != 0))
		rc = gpo_fail(tmp, reterr, GPO_EPROTO, "cannot read the objectSid of %s",
			      d->base_dn);
	if (rc == 0)
		rc = read_netbios(tmp, d, reterr);
	if (rc == 0 && !(d->domain_sid = talloc_memdup(d, &sid, sizeof(sid))))
		rc = gpo_oom(tmp, reterr);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

static bool in_domain(const struct gpo_sid *sid, const struct gpo_sid *domain)
{
	return domain != NULL && sid->n_sub == domain->n_sub + 1 &&
	       sid->authority == domain->authority &&
	       memcmp(sid->sub, domain->sub, domain->n_sub * sizeof(sid->sub[0])) == 0;
}

char *domain_trustee_name(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_sid *sid,
			  struct gpo_error **reterr, int *rc)
{
	static const char *const attrs[] = { "sAMAccountName", NULL };
	const char *known = gpo_perm_well_known_name(sid, d->domain_sid);
	char *value = sid_filter_value(mem_ctx, sid), *filter;
	struct ad_entry *e = NULL;
	size_t n = 0;

	/* the domain's own groups are named as the domain has them ("LAB\Domain Admins") */
	if (known != NULL && !in_domain(sid, d->domain_sid))
		return talloc_strdup(mem_ctx, known);
	filter = value ? talloc_asprintf(mem_ctx, "(objectSid=%s)", value) : NULL;
	if (filter == NULL) {
		*rc = gpo_oom(mem_ctx, reterr);
		return NULL;
	}
	*rc = ad_ldap_search(mem_ctx, d->ldap, d->base_dn, 2, filter, attrs, 0, &e, &n, reterr);
	if (*rc == 0 && n >= 1 && ad_entry_get(&e[0], "sAMAccountName") != NULL)
		return talloc_asprintf(mem_ctx, "%s\\%s", d->netbios ? d->netbios : d->realm,
				       ad_entry_get(&e[0], "sAMAccountName"));
	return *rc == 0 ? gpo_sid_string(mem_ctx, sid) : NULL;
}

int gpo_domain_read_permissions(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
				const struct gpo_domain_gpo *gpo,
				struct gpo_domain_permissions **ret_perms,
				struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_permissions *p = talloc_zero(tmp, struct gpo_domain_permissions);
	size_t i;
	int rc = p ? domain_names(tmp, d, reterr) : gpo_oom(tmp, reterr);

	if (rc == 0)
		rc = domain_read_sd(p, d, gpo->dn, &p->sd, reterr);
	if (rc == 0) {
		p->domain_sid = *d->domain_sid;
		if (gpo_perm_read(p, p->sd, &p->trustees, &p->n_trustees) != 0 ||
		    gpo_perm_check(p, p->sd, d->domain_sid, &p->problems, &p->problem_text) != 0 ||
		    !(p->names = talloc_zero_array(p, char *, p->n_trustees + 1)))
			rc = gpo_oom(tmp, reterr);
	}
	for (i = 0; rc == 0 && i < p->n_trustees; i++)
		p->names[i] = domain_trustee_name(p->names, d, &p->trustees[i].sid, reterr, &rc);
	if (rc == 0)
		*ret_perms = talloc_steal(mem_ctx, p);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* Up to five accounts whose names resemble `name` (AD's ambiguous name resolution). */
static char *suggestions(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name)
{
	static const char *const attrs[] = { "sAMAccountName", NULL };
	char *filter = talloc_asprintf(mem_ctx, "(&(|(objectClass=group)(objectClass=user))"
					"(anr=%s))", domain_filter_escape(mem_ctx, name));
	char *s = talloc_strdup(mem_ctx, "");
	struct ad_entry *e = NULL;
	size_t n = 0, i;

	if (filter == NULL || s == NULL ||
	    ad_ldap_search(mem_ctx, d->ldap, d->base_dn, 2, filter, attrs, 0, &e, &n, NULL) != 0)
		return s;
	for (i = 0; s != NULL && i < n && i < 5; i++)
		s = talloc_asprintf_append(s, "%s%s\\%s", i ? ", " : "; similar names: ",
					   d->netbios ? d->netbios : d->realm,
					   ad_entry_get(&e[i], "sAMAccountName"));
	return s;
}

/* The account part of "DOMAIN\name" or "name@realm" when the domain is this one. */
static int account_part(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *text,
			const char **ret_account, struct gpo_error **reterr)
{
	const char *slash = strchr(text, '\\'), *at = strrchr(text, '@');
	size_t dlen = slash ? (size_t)(slash - text) : 0;

	*ret_account = text;
	if (slash != NULL) {
		bool ours = (d->netbios && strlen(d->netbios) == dlen &&
			     strncasecmp(text, d->netbios, dlen) == 0) ||
			    (strlen(d->realm) == dlen && strncasecmp(text, d->realm, dlen) == 0);

		if (!ours)
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "trustee '%s' is not of this "
					"domain (%s): name it as %s\\NAME, NAME@%s or by its SID",
					text, d->netbios ? d->netbios : d->realm,
					d->netbios ? d->netbios : d->realm, d->realm);
		*ret_account = slash + 1;
	} else if (at != NULL && strcasecmp(at + 1, d->realm) != 0) {
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "trustee '%s' is not of this domain "
				"(%s): name it as NAME@%s, %s\\NAME or by its SID", text, d->realm,
				d->realm, d->netbios ? d->netbios : d->realm);
	}
	return 0;
}

static int find_account(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *text,
			struct gpo_sid *ret_sid, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "objectSid", NULL };
	const char *account = NULL, *at = strrchr(text, '@');
	struct ad_entry *e = NULL;
	const struct ad_attr *a;
	char *filter, *sam;
	size_t n = 0;
	int rc = account_part(mem_ctx, d, text, &account, reterr);

	if (rc != 0)
		return rc;
	sam = at && !strchr(text, '\\') ? talloc_strndup(mem_ctx, text, (size_t)(at - text))
					 : talloc_strdup(mem_ctx, account);
	filter = sam ? talloc_asprintf(mem_ctx, "(|(sAMAccountName=%s)(userPrincipalName=%s))",
				       domain_filter_escape(mem_ctx, sam),
				       domain_filter_escape(mem_ctx, text))
		     : NULL;
	if (filter == NULL)
		return gpo_oom(mem_ctx, reterr);
	rc = ad_ldap_search(mem_ctx, d->ldap, d->base_dn, 2, filter, attrs, 0, &e, &n, reterr);
	if (rc != 0)
		return rc;
	if (n > 1)
		return gpo_fail(mem_ctx, reterr, GPO_EEXIST, "trustee '%s' names %zu accounts: "
				"give its SID", text, n);
	a = n == 1 ? ad_entry_attr(&e[0], "objectSid") : NULL;
	if (a == NULL || a->n_values != 1 ||
	    gpo_sid_from_bytes(a->values[0], a->lengths[0], ret_sid) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND, "no account or group '%s' in %s%s",
				text, d->realm, suggestions(mem_ctx, d, sam));
	return 0;
}

int gpo_domain_resolve_trustee(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *text,
			       struct gpo_sid *ret_sid, char **ret_name, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_sid sid;
	char *name = NULL;
	int rc = domain_names(tmp, d, reterr);

	if (rc == 0 && strncasecmp(text, "S-1-", 4) == 0) {
		if (gpo_sid_from_string(text, &sid) != 0)
			rc = gpo_fail(tmp, reterr, GPO_EINVAL, "trustee '%s' is not a SID "
				      "(S-1-5-21-...-1105)", text);
	} else if (rc == 0 && gpo_perm_well_known(text, d->domain_sid, &sid) != 0) {
		rc = find_account(tmp, d, text, &sid, reterr);
	}
	if (rc == 0)
		name = domain_trustee_name(mem_ctx, d, &sid, reterr, &rc);
	if (rc == 0) {
		*ret_sid = sid;
		*ret_name = name;
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_set_permissions(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			       const struct gpo_domain_gpo *gpo,
			       const struct gpo_domain_permissions *perms, const struct gpo_sd *want,
			       struct gpo_error **reterr)
{
	return domain_write_dacl(mem_ctx, d, gpo, perms->sd, want, false, reterr);
}

int gpo_domain_check_set_permissions(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
				     const struct gpo_domain_gpo *gpo,
				     const struct gpo_domain_permissions *perms,
				     const struct gpo_sd *want, struct gpo_error **reterr)
{
	return domain_write_dacl(mem_ctx, d, gpo, perms->sd, want, true, reterr);
}

int gpo_domain_gpo_creators(TALLOC_CTX *mem_ctx, struct gpo_domain *d, char ***ret_names,
			    size_t *ret_count, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_sd *sd = NULL;
	struct gpo_sid *sids = NULL;
	char **names = NULL;
	size_t n = 0, i;
	int rc = domain_names(tmp, d, reterr);

	if (rc == 0)
		rc = domain_read_sd(tmp, d, domain_policies_dn(tmp, d), &sd, reterr);
	if (rc == 0 && (gpo_perm_creators(tmp, sd, &sids, &n) != 0 ||
			!(names = talloc_zero_array(tmp, char *, n + 1))))
		rc = gpo_oom(tmp, reterr);
	for (i = 0; rc == 0 && i < n; i++)
		names[i] = domain_trustee_name(names, d, &sids[i], reterr, &rc);
	if (rc == 0) {
		*ret_names = talloc_steal(mem_ctx, names);
		*ret_count = n;
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_set_gpo_creator(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			       const struct gpo_sid *trustee, bool grant, bool *ret_changed,
			       struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *policies = domain_policies_dn(tmp, d);
	struct gpo_sd *sd = NULL, *out = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	bool changed = false;
	int rc = domain_read_sd(tmp, d, policies, &sd, reterr);

	if (rc == 0 && gpo_perm_edit_creator(tmp, sd, trustee, grant, &out, &changed) != 0)
		rc = gpo_oom(tmp, reterr);
	if (rc == 0 && changed && !domain_granted(d, sd, STD_WRITE_DAC, false))
		rc = gpo_fail(tmp, reterr, GPO_EACCES, "%s may not change the permissions of %s "
			      "(WRITE_DAC on it): nothing was changed",
			      d->identity ? d->identity : "this account", policies);
	if (rc == 0 && changed) {
		out->owner = out->group = NULL;
		rc = gpo_sd_encode(tmp, out, &bytes, &len) == 0
			     ? ad_ldap_set_dacl(tmp, d->ldap, policies, bytes, len, reterr)
			     : gpo_oom(tmp, reterr);
	}
	if (rc == 0)
		*ret_changed = changed;
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
