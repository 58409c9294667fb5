/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Connecting to a DC: LDAP first (the PDC emulator found through DNS unless
 * a DC is named), SMB on first use; the identity's token for the rights
 * checks; helpers the other domain modules share.
 */
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_internal.h"
#include "internal.h"

static int wipe_domain(struct gpo_domain *d)
{
	if (d->password != NULL)
		explicit_bzero(d->password, strlen(d->password));
	return 0;
}

const char *gpo_domain_dc(const struct gpo_domain *d)
{
	return d->dc;
}

const char *gpo_domain_base_dn(const struct gpo_domain *d)
{
	return d->base_dn;
}

const char *gpo_domain_forest_guid(const struct gpo_domain *d)
{
	return d->forest_guid;
}

/* The target of the best SRV record of `name`, or NULL. */
static char *srv_lookup(TALLOC_CTX *mem_ctx, const char *name)
{
	unsigned char answer[4096];
	char target[NS_MAXDNAME];
	int len = res_query(name, ns_c_in, ns_t_srv, answer, sizeof(answer)), i, best = -1;
	unsigned best_prio = 65536;
	ns_msg msg;
	ns_rr rr;

	if (len < 0 || ns_initparse(answer, len, &msg) != 0)
		return NULL;
	for (i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_srv ||
		    ns_rr_rdlen(rr) < 7)
			continue;
		if (ns_get16(ns_rr_rdata(rr)) < best_prio) {
			best_prio = ns_get16(ns_rr_rdata(rr));
			best = i;
		}
	}
	if (best < 0 || ns_parserr(&msg, ns_s_an, best, &rr) != 0 ||
	    dn_expand(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr) + 6, target,
		      sizeof(target)) < 0)
		return NULL;
	return talloc_strdup(mem_ctx, target);
}

static char *guid_text(TALLOC_CTX *mem_ctx, const uint8_t *g)
{
	return talloc_asprintf(mem_ctx,
			       "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
			       g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10],
			       g[11], g[12], g[13], g[14], g[15]);
}

/* The PDC emulator through DNS, else any DC. */
static int find_dc(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr)
{
	char *q = talloc_asprintf(d, "_ldap._tcp.pdc._msdcs.%s", d->realm);

	/* the PDC emulator first: the DC GPMC edits on, so edits do not race */
	d->dc = q ? srv_lookup(d, q) : NULL;
	if (d->dc == NULL) {
		q = talloc_asprintf(d, "_ldap._tcp.dc._msdcs.%s", d->realm);
		d->dc = q ? srv_lookup(d, q) : NULL;
	}
	if (d->dc == NULL)
		return gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND,
				"no domain controller found for '%s': no DNS SRV record "
				"_ldap._tcp.pdc._msdcs.%s or _ldap._tcp.dc._msdcs.%s "
				"(give --dc HOST)", d->realm, d->realm, d->realm);
	return 0;
}

/*
 * Naming context, forest GUID and the token of this session: the rootDSE
 * tokenGroups are its SIDs, the user's first (Samba and Windows alike).
 */
static int read_root(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr)
{
	static const char *const root_attrs[] = { "defaultNamingContext",
						  "rootDomainNamingContext", "tokenGroups",
						  "configurationNamingContext", "dsServiceName",
						  "vendorName", NULL };
	static const char *const guid_attrs[] = { "objectGUID", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	const struct ad_attr *guid, *tokens;
	const char *root, *vendor;
	size_t n = 0, i;
	int rc;

	rc = ad_ldap_search(tmp, d->ldap, "", 0, "(objectClass=*)", root_attrs, 0, &e, &n, reterr);
	if (rc != 0)
		goto out;
	if (n != 1 || ad_entry_get(&e[0], "defaultNamingContext") == NULL) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ERROR, "%s is not an Active Directory DC "
			      "(its root DSE has no defaultNamingContext)", d->dc);
		goto out;
	}
	d->base_dn = talloc_strdup(d, ad_entry_get(&e[0], "defaultNamingContext"));
	/* "Samba Team (https://www.samba.org)"; Windows names no vendor */
	vendor = ad_entry_get(&e[0], "vendorName");
	ad_ldap_unpaged_first(d->ldap, vendor != NULL && strstr(vendor, "Samba") != NULL);
	if (ad_entry_get(&e[0], "configurationNamingContext") != NULL)
		d->config_dn = talloc_strdup(d, ad_entry_get(&e[0], "configurationNamingContext"));
	if (ad_entry_get(&e[0], "dsServiceName") != NULL)
		d->ntds_dn = talloc_strdup(d, ad_entry_get(&e[0], "dsServiceName"));
	tokens = ad_entry_attr(&e[0], "tokenGroups");
	/* a second DC (the PDC after the one DNS named): this one's token alone */
	TALLOC_FREE(d->token);
	d->n_token = 0;
	d->token = talloc_zero_array(d, struct gpo_sid, tokens ? tokens->n_values + 1 : 1);
	for (i = 0; d->token != NULL && tokens != NULL && i < tokens->n_values; i++)
		if (gpo_sid_from_bytes(tokens->values[i], tokens->lengths[i],
				       &d->token[d->n_token]) == 0)
			d->n_token++;
	d->identity = d->n_token > 0 ? gpo_sid_string(d, &d->token[0]) : NULL;
	root = ad_entry_get(&e[0], "rootDomainNamingContext");
	rc = ad_ldap_search(tmp, d->ldap, root ? root : d->base_dn, 0, "(objectClass=*)",
			    guid_attrs, 0, &e, &n, reterr);
	if (rc != 0)
		goto out;
	guid = n == 1 ? ad_entry_attr(&e[0], "objectGUID") : NULL;
	if (guid == NULL || guid->n_values != 1 || guid->lengths[0] != 16) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ERROR, "cannot read the forest root domain's "
			      "objectGUID on %s", d->dc);
		goto out;
	}
	d->forest_guid = guid_text(d, guid->values[0]);
	if (d->base_dn == NULL || d->forest_guid == NULL || d->token == NULL)
		rc = gpo_oom(mem_ctx, reterr);
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int domain_dc_host(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *ntds_dn,
		   char **ret_host, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "dNSHostName", "cn", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *server = strchr(ntds_dn, ',');
	struct ad_entry *e = NULL;
	const char *host;
	size_t n = 0;
	int rc;

	/* "CN=NTDS Settings,CN=DC1,CN=Servers,...": the server object is its parent */
	if (server == NULL) {
		talloc_free(tmp);
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO, "'%s' is not a DC's NTDS Settings "
				"object", ntds_dn);
	}
	rc = ad_ldap_search(tmp, d->ldap, server + 1, 0, "(objectClass=*)", attrs, 0, &e, &n,
			    reterr);
	host = rc == 0 && n == 1 ? ad_entry_get(&e[0], "dNSHostName") : NULL;
	if (rc == 0 && host == NULL)
		host = n == 1 ? ad_entry_get(&e[0], "cn") : NULL;
	if (rc == 0 && host == NULL)
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "no server object above '%s'", ntds_dn);
	if (rc == 0 && (*ret_host = talloc_strdup(mem_ctx, host)) == NULL)
		rc = gpo_oom(tmp, reterr);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* Who holds the PDC emulator role (the domain's fSMORoleOwner); unreadable is not an error. */
static void read_pdc(struct gpo_domain *d)
{
	static const char *const attrs[] = { "fSMORoleOwner", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	const char *owner;
	size_t n = 0;

	TALLOC_FREE(d->pdc_ntds_dn);
	TALLOC_FREE(d->pdc);
	if (ad_ldap_search(tmp, d->ldap, d->base_dn, 0, "(objectClass=*)", attrs, 0, &e, &n,
			   NULL) == 0 && n == 1 &&
	    (owner = ad_entry_get(&e[0], "fSMORoleOwner")) != NULL) {
		d->pdc_ntds_dn = talloc_strdup(d, owner);
		if (d->pdc_ntds_dn != NULL && domain_dc_host(d, d, owner, &d->pdc, NULL) != 0)
			d->pdc = NULL;
	}
	talloc_free(tmp);
}

bool gpo_domain_on_pdc(const struct gpo_domain *d)
{
	return d->pdc_ntds_dn != NULL && d->ntds_dn != NULL &&
	       gpo_dn_equal(d->pdc_ntds_dn, d->ntds_dn);
}

const char *gpo_domain_pdc(const struct gpo_domain *d)
{
	return d->pdc;
}

/* Bind to `host` and read what the other modules need of the domain. */
static int open_dc(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *host,
		   struct gpo_error **reterr)
{
	int rc;

	TALLOC_FREE(d->ldap);
	if (host != d->dc) {
		talloc_free(d->dc);
		d->dc = talloc_strdup(d, host);
		if (d->dc == NULL)
			return gpo_oom(mem_ctx, reterr);
	}
	d->o.dc = d->dc;
	/* the handle lives on d; an error goes to the caller */
	rc = gpo_error_keep(mem_ctx, reterr,
			    ad_ldap_connect(d, d->dc, &d->o, d->password, &d->ldap, reterr));
	if (rc == 0)
		rc = read_root(mem_ctx, d, reterr);
	if (rc == 0)
		read_pdc(d);
	return rc;
}

static struct gpo_domain *new_domain(void)
{
	struct gpo_domain *d = talloc_zero(NULL, struct gpo_domain);

	if (d != NULL)
		talloc_set_destructor(d, wipe_domain);
	return d;
}

int gpo_domain_connect(TALLOC_CTX *mem_ctx, const struct gpo_domain_options *opts,
		       struct gpo_domain **ret_domain, struct gpo_error **reterr)
{
	struct gpo_domain *d = new_domain();
	size_t i;
	int rc;

	if (d == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (opts->version != GPO_DOMAIN_OPTIONS_VERSION) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "gpo_domain_options version %u, not %u",
			      opts->version, GPO_DOMAIN_OPTIONS_VERSION);
		goto fail;
	}
	d->o = *opts;
	/* our own copy, wiped with the handle; the caller's stays the caller's */
	d->o.password = NULL;
	if (opts->password != NULL && opts->password[0] != '\0')
		d->password = talloc_strdup(d, opts->password);
	if (opts->realm == NULL || opts->realm[0] == '\0') {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "no domain given (--domain REALM)");
		goto fail;
	}
	d->realm = talloc_strdup(d, opts->realm);
	for (i = 0; d->realm[i]; i++)
		d->realm[i] = (char)ascii_lower((unsigned char)d->realm[i]);
	d->o.realm = d->realm;
	if (d->o.auth == GPO_DOMAIN_AUTH_AUTO)
		d->o.auth = d->password != NULL ? GPO_DOMAIN_AUTH_PASSWORD : GPO_DOMAIN_AUTH_KERBEROS;
	d->dc = opts->dc ? talloc_strdup(d, opts->dc) : NULL;
	if (d->dc == NULL && (rc = find_dc(mem_ctx, d, reterr)) != 0)
		goto fail;
	rc = open_dc(mem_ctx, d, d->dc, reterr);
	/*
	 * Found through DNS but not the PDC emulator (no pdc SRV record, or
	 * a stale one): writes belong on the PDC, as GPMC makes them there.
	 */
	if (rc == 0 && opts->dc == NULL && !gpo_domain_on_pdc(d) && d->pdc != NULL) {
		char *found = talloc_strdup(NULL, d->dc);

		rc = open_dc(mem_ctx, d, d->pdc, reterr);
		if (rc != 0)
			rc = gpo_fail(mem_ctx, reterr, rc, "%s; DNS named %s, but the PDC emulator "
				      "(where writes go, as GPMC makes them) is %s: give --dc %s "
				      "to use the other DC",
				      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc),
				      found, d->dc,
				      found);
		talloc_free(found);
	}
	if (rc != 0)
		goto fail;
	*ret_domain = talloc_steal(mem_ctx, d);
	return 0;
fail:
	talloc_free(d);
	return rc;
}

int gpo_domain_connect_dc(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *dc,
			  struct gpo_domain **ret_domain, struct gpo_error **reterr)
{
	struct gpo_domain *o = new_domain();
	int rc;

	if (o == NULL)
		return gpo_oom(mem_ctx, reterr);
	o->o = d->o;
	o->realm = talloc_strdup(o, d->realm);
	o->o.realm = o->realm;
	if (d->password != NULL)
		o->password = talloc_strdup(o, d->password);
	if (o->realm == NULL || (d->password != NULL && o->password == NULL)) {
		talloc_free(o);
		return gpo_oom(mem_ctx, reterr);
	}
	rc = open_dc(mem_ctx, o, dc, reterr);
	if (rc != 0) {
		talloc_free(o);
		return rc;
	}
	*ret_domain = talloc_steal(mem_ctx, o);
	return 0;
}

int domain_smb(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr)
{
	int rc;

	if (d->smb != NULL)
		return 0;
	/* the handle lives as long as the domain; an error goes to the caller */
	rc = ad_smb_connect(d, d->dc, &d->o, d->password, &d->smb, reterr);
	return gpo_error_keep(mem_ctx, reterr, rc);
}

int gpo_domain_after_fork(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr)
{
	if (d->ldap != NULL && !ad_ldap_forsake(d->ldap))
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot set the parent's LDAP connection "
				"aside: %s", strerror(errno));
	if (d->smb != NULL) {
		ad_smb_forsake(d->smb);
		TALLOC_FREE(d->smb);
	}
	/* what was read over that handle: a new handle may come back at the same address */
	TALLOC_FREE(d->checked);
	TALLOC_FREE(d->policies_names);
	/* connected on first use, as in the parent: an unreachable DC fails the same way */
	return 0;
}

char *domain_policies_dn(TALLOC_CTX *mem_ctx, const struct gpo_domain *d)
{
	return talloc_asprintf(mem_ctx, "CN=Policies,CN=System,%s", d->base_dn);
}

int gpo_domain_describe(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			struct gpo_domain_info **ret_info, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_info *info = talloc_zero(tmp, struct gpo_domain_info);
	char *policies = talloc_asprintf(tmp, "%s/Policies", d->realm);
	int rc = info && policies ? 0 : gpo_oom(tmp, reterr);

	/* the token's first SID is the account's own (Samba has no "Who am I?") */
	if (rc == 0)
		rc = domain_names(tmp, d, reterr);
	if (rc == 0 && d->n_token > 0)
		info->identity = domain_trustee_name(info, d, &d->token[0], reterr, &rc);
	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	if (rc == 0 && !domain_sysvol_exists(d, policies))
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "SYSVOL of %s has no folder %s: is %s a "
			      "DC of %s?", d->dc, policies, d->dc, d->realm);
	if (rc == 0) {
		if (info->identity == NULL)
			info->identity = "(the token names no account)";
		info->dc = talloc_strdup(info, d->dc);
		info->ldap_uri = talloc_strdup(info, ad_ldap_uri(d->ldap));
		info->ldap_security =
			d->o.auth == GPO_DOMAIN_AUTH_KERBEROS
				? "Kerberos (SASL GSSAPI, signed and sealed)"
			: d->o.ldaps ? "LDAPS (TLS 1.2 or later, certificate verified)"
				     : "StartTLS (TLS 1.2 or later, certificate verified)";
		info->identity_sid = talloc_strdup(info, d->identity ? d->identity : "");
		info->sysvol = talloc_asprintf(info, "\\\\%s\\sysvol\\%s\\Policies", d->dc,
					       d->realm);
		if (info->dc == NULL || info->ldap_uri == NULL || info->identity_sid == NULL ||
		    info->sysvol == NULL)
			rc = gpo_oom(tmp, reterr);
	}
	if (rc == 0)
		*ret_info = talloc_steal(mem_ctx, info);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

char *domain_sysvol_path(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *guid)
{
	return talloc_asprintf(mem_ctx, "%s/Policies/%s", d->realm, guid);
}

char *domain_unc_path(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *guid)
{
	return talloc_asprintf(mem_ctx, "\\\\%s\\sysvol\\%s\\Policies\\%s", d->dc, d->realm, guid);
}

char *domain_filter_escape(TALLOC_CTX *mem_ctx, const char *v)
{
	char *out = talloc_strdup(mem_ctx, "");

	for (; out != NULL && *v; v++) {
		if (strchr("*()\\", *v) != NULL || (unsigned char)*v < 0x20)
			out = talloc_asprintf_append(out, "\\%02x", (unsigned char)*v);
		else
			out = talloc_asprintf_append(out, "%c", *v);
	}
	return out;
}

int domain_read_sd(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
		   struct gpo_sd **ret_sd, struct gpo_error **reterr)
{
	static const char *const sd_attrs[] = { "nTSecurityDescriptor", NULL };
	const struct domain_listed *listed = domain_listed(d, dn);
	TALLOC_CTX *tmp;
	const struct ad_attr *sd_attr;
	struct ad_entry *e = NULL;
	size_t n = 0;
	int rc;

	/* read with the GPOs just now, and nothing written since */
	if (listed != NULL && listed->sd != NULL)
		return gpo_sd_parse(mem_ctx, listed->sd, listed->sd_len, ret_sd, reterr);
	tmp = talloc_new(NULL);
	rc = ad_ldap_search(tmp, d->ldap, dn, 0, "(objectClass=*)", sd_attrs, SD_OWNER_GROUP_DACL,
			    &e, &n, reterr);
	if (rc == 0) {
		sd_attr = n == 1 ? ad_entry_attr(&e[0], "nTSecurityDescriptor") : NULL;
		if (sd_attr == NULL || sd_attr->n_values != 1)
			rc = gpo_fail(mem_ctx, reterr, n == 0 ? GPO_ENOTFOUND : GPO_EACCES,
				      n == 0 ? "'%s' does not exist"
					     : "cannot read the security descriptor of '%s' (this "
					       "account may not read it)", dn);
		else
			rc = gpo_sd_parse(mem_ctx, sd_attr->values[0], sd_attr->lengths[0], ret_sd,
					  reterr);
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

bool domain_granted(const struct gpo_domain *d, const struct gpo_sd *sd, uint32_t want,
		    bool file)
{
	return (gpo_sd_granted(sd, d->token, d->n_token, file) & want) == want;
}

int domain_unwritable(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
		      const char *const *attrs, char **ret_missing, struct gpo_error **reterr)
{
	static const char *const want[] = { "allowedAttributesEffective", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	const struct ad_attr *a;
	char *missing = NULL;
	size_t n = 0, i, k;
	int rc = ad_ldap_search(tmp, d->ldap, dn, 0, "(objectClass=*)", want, 0, &e, &n, reterr);

	if (rc == 0 && n == 0)
		rc = gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND, "'%s' does not exist", dn);
	a = rc == 0 ? ad_entry_attr(&e[0], "allowedAttributesEffective") : NULL;
	for (i = 0; rc == 0 && attrs[i] != NULL; i++) {
		for (k = 0; a != NULL && k < a->n_values; k++)
			if (ascii_strcasecmp((const char *)a->values[k], attrs[i]) == 0)
				break;
		if (a != NULL && k < a->n_values)
			continue;
		missing = talloc_asprintf_append(missing, "%s'%s'", missing ? ", " : "", attrs[i]);
		if (missing == NULL)
			rc = gpo_oom(mem_ctx, reterr);
	}
	if (rc == 0)
		*ret_missing = missing ? talloc_steal(mem_ctx, missing) : NULL;
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

const char *const domain_gpo_attrs[] = { "cn", "displayName", "gPCFileSysPath", "versionNumber",
					 "flags", "gPCMachineExtensionNames",
					 "gPCUserExtensionNames", "isCriticalSystemObject", NULL };

int domain_fill_gpo(TALLOC_CTX *mem_ctx, const struct ad_entry *e, struct gpo_domain_gpo *g)
{
	const char *cn = ad_entry_get(e, "cn"), *v;

	if (cn == NULL || gpo_guid_normalize(cn, g->guid) != 0)
		return GPO_EINVAL;
	g->dn = talloc_strdup(mem_ctx, e->dn);
	g->name = talloc_strdup(mem_ctx, (v = ad_entry_get(e, "displayName")) ? v : "");
	g->file_sys_path = talloc_strdup(mem_ctx, (v = ad_entry_get(e, "gPCFileSysPath")) ? v : "");
	g->version = (uint32_t)strtoul((v = ad_entry_get(e, "versionNumber")) ? v : "0", NULL, 10);
	g->flags = (uint32_t)strtoul((v = ad_entry_get(e, "flags")) ? v : "0", NULL, 10);
	g->machine_extension_names = talloc_strdup(
		mem_ctx, (v = ad_entry_get(e, "gPCMachineExtensionNames")) ? v : "");
	g->user_extension_names = talloc_strdup(
		mem_ctx, (v = ad_entry_get(e, "gPCUserExtensionNames")) ? v : "");
	v = ad_entry_get(e, "isCriticalSystemObject");
	g->critical = v != NULL && ascii_strcasecmp(v, "TRUE") == 0;
	if (g->dn == NULL || g->name == NULL || g->file_sys_path == NULL ||
	    g->machine_extension_names == NULL || g->user_extension_names == NULL)
		return GPO_ENOMEM;
	return 0;
}
