/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GPOs in an AD domain: one DC for LDAP and SMB, the container first, then
 * the SYSVOL folder, its ACL and files, the version last; a failure after
 * the container exists removes what was made.
 */
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpo-cep/domain.h>
#include <gpo-cep/merge.h>
#include <gpo-cep/sd.h>
#include <unistd.h>

#include "ad_ldap.h"
#include "ad_smb.h"
#include "internal.h"

#define GPC_FUNCTIONALITY_VERSION "2"
#define SD_OWNER_GROUP_DACL 7

struct gpo_domain {
	struct gpo_domain_options o;
	char *password;       /* kept for SMB and smbcacls; wiped by the destructor */
	char *dc;
	char *realm;          /* lower case */
	char *base_dn;
	char *forest_guid;
	struct ad_ldap *ldap;
	struct ad_smb *smb;   /* connected on first use */
};

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

int gpo_domain_connect(TALLOC_CTX *mem_ctx, struct gpo_domain_options *opts,
		       struct gpo_domain **ret_domain, struct gpo_error **reterr)
{
	static const char *const root_attrs[] = { "defaultNamingContext",
						  "rootDomainNamingContext", NULL };
	static const char *const guid_attrs[] = { "objectGUID", NULL };
	struct gpo_domain *d = talloc_zero(NULL, struct gpo_domain);
	struct ad_entry *e = NULL;
	const struct ad_attr *guid;
	const char *root;
	size_t n = 0, i;
	int rc;

	if (d == NULL) {
		rc = gpo_oom(mem_ctx, reterr);
		goto wipe;
	}
	talloc_set_destructor(d, wipe_domain);
	d->o = *opts;
	if (opts->password != NULL && opts->password[0] != '\0')
		d->password = talloc_strdup(d, opts->password);
	if (opts->realm == NULL || opts->realm[0] == '\0') {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "no domain given (--domain REALM)");
		goto fail;
	}
	d->realm = talloc_strdup(d, opts->realm);
	for (i = 0; d->realm[i]; i++)
		d->realm[i] = (char)ascii_lower((unsigned char)d->realm[i]);
	if (d->o.auth == GPO_AUTH_AUTO)
		d->o.auth = d->password != NULL ? GPO_AUTH_PASSWORD : GPO_AUTH_KERBEROS;
	d->dc = opts->dc ? talloc_strdup(d, opts->dc) : NULL;
	if (d->dc == NULL) {
		/* the PDC emulator first: the DC GPMC edits on, so edits do not race */
		char *q = talloc_asprintf(d, "_ldap._tcp.pdc._msdcs.%s", d->realm);

		d->dc = srv_lookup(d, q);
		if (d->dc == NULL) {
			q = talloc_asprintf(d, "_ldap._tcp.dc._msdcs.%s", d->realm);
			d->dc = srv_lookup(d, q);
		}
		if (d->dc == NULL) {
			rc = gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND,
				      "no domain controller found for '%s': no DNS SRV record "
				      "_ldap._tcp.pdc._msdcs.%s or _ldap._tcp.dc._msdcs.%s "
				      "(give --dc HOST)", d->realm, d->realm, d->realm);
			goto fail;
		}
	}
	d->o.dc = d->dc;
	d->o.realm = d->realm;
	rc = ad_ldap_connect(d, d->dc, &d->o, d->password, &d->ldap, reterr);
	if (rc != 0)
		goto fail_steal;
	rc = ad_ldap_search(d, d->ldap, "", 0, "(objectClass=*)", root_attrs, 0, &e, &n, reterr);
	if (rc != 0)
		goto fail_steal;
	if (n != 1 || ad_entry_get(&e[0], "defaultNamingContext") == NULL) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ERROR, "%s is not an Active Directory DC "
			      "(its root DSE has no defaultNamingContext)", d->dc);
		goto fail;
	}
	d->base_dn = talloc_strdup(d, ad_entry_get(&e[0], "defaultNamingContext"));
	root = ad_entry_get(&e[0], "rootDomainNamingContext");
	rc = ad_ldap_search(d, d->ldap, root ? root : d->base_dn, 0, "(objectClass=*)",
			    guid_attrs, 0, &e, &n, reterr);
	if (rc != 0)
		goto fail_steal;
	guid = n == 1 ? ad_entry_attr(&e[0], "objectGUID") : NULL;
	if (guid == NULL || guid->n_values != 1 || guid->lengths[0] != 16) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ERROR, "cannot read the forest root domain's "
			      "objectGUID on %s", d->dc);
		goto fail;
	}
	d->forest_guid = guid_text(d, guid->values[0]);
	*ret_domain = talloc_steal(mem_ctx, d);
	rc = 0;
	goto wipe;
fail_steal:
	if (reterr != NULL && *reterr != NULL)
		talloc_steal(mem_ctx, *reterr);
fail:
	talloc_free(d);
wipe:
	if (opts->password != NULL)
		explicit_bzero(opts->password, strlen(opts->password));
	return rc;
}

static int smb(struct gpo_domain *d, struct gpo_error **reterr)
{
	if (d->smb != NULL)
		return 0;
	return ad_smb_connect(d, d->dc, &d->o, d->password, &d->smb, reterr);
}

/* RFC 4515 escaping of a value inside a filter. */
static char *filter_escape(TALLOC_CTX *mem_ctx, const char *v)
{
	char *out = talloc_strdup(mem_ctx, "");

	for (; out != NULL && *v; v++) {
		if (strchr("*()\\", *v) != NULL)
			out = talloc_asprintf_append(out, "\\%02x", (unsigned char)*v);
		else
			out = talloc_asprintf_append(out, "%c", *v);
	}
	return out;
}

static const char *const gpo_attrs[] = { "cn", "displayName", "gPCFileSysPath", "versionNumber",
					 "flags", "gPCMachineExtensionNames",
					 "gPCUserExtensionNames", NULL };

static int fill_gpo(TALLOC_CTX *mem_ctx, const struct ad_entry *e, struct gpo_domain_gpo *g)
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
	return 0;
}

/* "[LDAP://dn;opts]..." into links; unparsable parts are skipped. */
struct gplink {
	char *dn;
	unsigned options;
};

static size_t parse_gplink(TALLOC_CTX *mem_ctx, const char *v, struct gplink **ret)
{
	struct gplink *l = talloc_zero_array(mem_ctx, struct gplink, 1);
	size_t n = 0;

	while (v != NULL && (v = strchr(v, '[')) != NULL) {
		const char *end = strchr(v, ']'), *semi;

		if (end == NULL)
			break;
		semi = memrchr(v, ';', (size_t)(end - v));
		if (semi != NULL && ascii_strncasecmp(v + 1, "LDAP://", 7) == 0) {
			l = talloc_realloc(mem_ctx, l, struct gplink, n + 2);
			l[n].dn = talloc_strndup(l, v + 8, (size_t)(semi - v - 8));
			l[n].options = (unsigned)strtoul(semi + 1, NULL, 10);
			n++;
		}
		v = end + 1;
	}
	*ret = l;
	return n;
}

static char *format_gplink(TALLOC_CTX *mem_ctx, const struct gplink *l, size_t n)
{
	char *s = talloc_strdup(mem_ctx, "");
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		s = talloc_asprintf_append(s, "[LDAP://%s;%u]", l[i].dn, l[i].options);
	return s;
}

static int find_links(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *g,
		      struct gpo_error **reterr)
{
	static const char *const attrs[] = { "gPLink", NULL };
	char *filter = talloc_asprintf(mem_ctx, "(gPLink=*%s*)", filter_escape(mem_ctx, g->guid));
	struct ad_entry *e = NULL;
	size_t n = 0, i, k;
	int rc = ad_ldap_search(mem_ctx, d->ldap, d->base_dn, 2, filter, attrs, 0, &e, &n, reterr);

	for (i = 0; rc == 0 && i < n; i++) {
		struct gplink *l = NULL;
		size_t nl = parse_gplink(mem_ctx, ad_entry_get(&e[i], "gPLink"), &l);

		for (k = 0; k < nl; k++) {
			if (ascii_strcasecmp(l[k].dn, g->dn) != 0)
				continue;
			g->links = talloc_realloc(mem_ctx, g->links, struct gpo_domain_link,
						  g->n_links + 1);
			g->links[g->n_links].dn = talloc_strdup(g->links, e[i].dn);
			g->links[g->n_links].options = l[k].options;
			g->n_links++;
		}
	}
	return rc;
}

static char *policies_dn(TALLOC_CTX *mem_ctx, struct gpo_domain *d)
{
	return talloc_asprintf(mem_ctx, "CN=Policies,CN=System,%s", d->base_dn);
}

int gpo_domain_list_gpos(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 struct gpo_domain_gpo **ret_gpos, size_t *ret_count,
			 struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	struct gpo_domain_gpo *gpos;
	size_t n = 0, i, k = 0;
	int rc = ad_ldap_search(tmp, d->ldap, policies_dn(tmp, d), 1,
				"(objectClass=groupPolicyContainer)", gpo_attrs, 0, &e, &n, reterr);

	if (rc != 0)
		goto out;
	gpos = talloc_zero_array(mem_ctx, struct gpo_domain_gpo, n ? n : 1);
	for (i = 0; gpos != NULL && i < n; i++) {
		if (fill_gpo(gpos, &e[i], &gpos[k]) != 0)
			continue;
		rc = find_links(gpos, d, &gpos[k], reterr);
		if (rc != 0)
			break;
		k++;
	}
	if (gpos == NULL)
		rc = gpo_oom(mem_ctx, reterr);
	if (rc == 0) {
		*ret_gpos = gpos;
		*ret_count = k;
	}
out:
	if (rc != 0 && reterr != NULL && *reterr != NULL)
		talloc_steal(mem_ctx, *reterr);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_find_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *which,
			struct gpo_domain_gpo **ret_gpo, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_gpo *g;
	struct ad_entry *e = NULL;
	char guid[39], *filter;
	size_t n = 0;
	int rc;

	if (gpo_guid_normalize(which, guid) == 0)
		filter = talloc_asprintf(tmp, "(&(objectClass=groupPolicyContainer)(cn=%s))", guid);
	else
		filter = talloc_asprintf(tmp, "(&(objectClass=groupPolicyContainer)(displayName=%s))",
					 filter_escape(tmp, which));
	rc = ad_ldap_search(tmp, d->ldap, policies_dn(tmp, d), 1, filter, gpo_attrs, 0, &e, &n,
			    reterr);
	if (rc != 0)
		goto out;
	if (n == 0) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND, "no GPO '%s' in %s", which, d->realm);
		goto out;
	}
	if (n > 1) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EEXIST, "%zu GPOs are named '%s': give the GUID",
			      n, which);
		goto out;
	}
	g = talloc_zero(mem_ctx, struct gpo_domain_gpo);
	if (g == NULL || fill_gpo(g, &e[0], g) != 0) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ERROR, "GPO '%s' has a malformed container", which);
		goto out;
	}
	rc = find_links(g, d, g, reterr);
	if (rc == 0)
		*ret_gpo = g;
out:
	if (rc != 0 && reterr != NULL && *reterr != NULL && talloc_parent(*reterr) != mem_ctx)
		talloc_steal(mem_ctx, *reterr);
	talloc_free(tmp);
	return rc;
}

/* Test hook: GPO_CEP_FAIL_STEP=<step> makes that step of create fail (rollback tests). */
static bool fail_step(const char *step)
{
	const char *want = getenv("GPO_CEP_FAIL_STEP");

	return want != NULL && strcmp(want, step) == 0;
}

/* The GPO's folder as this DC shares it, for messages and reports. */
static char *dc_unc_path(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *guid)
{
	return talloc_asprintf(mem_ctx, "\\\\%s\\sysvol\\%s\\Policies\\%s", d->dc, d->realm, guid);
}

static char *sysvol_path(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *guid)
{
	return talloc_asprintf(mem_ctx, "%s/Policies/%s", d->realm, guid);
}

static int remove_gpo(struct gpo_domain *d, const char *dn, const char *guid,
		      struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	/* a folder that cannot be reached is not removed: say so, go on with AD */
	int rc = smb(d, reterr), r;

	if (rc == 0)
		rc = ad_smb_remove_tree(d->smb, sysvol_path(tmp, d, guid), reterr);
	r = ad_ldap_delete(d->ldap, talloc_asprintf(tmp, "CN=User,%s", dn), rc ? NULL : reterr);
	rc = rc ? rc : r;
	r = ad_ldap_delete(d->ldap, talloc_asprintf(tmp, "CN=Machine,%s", dn), rc ? NULL : reterr);
	rc = rc ? rc : r;
	r = ad_ldap_delete(d->ldap, dn, rc ? NULL : reterr);
	rc = rc ? rc : r;
	talloc_free(tmp);
	return rc;
}

/* The container's security descriptor (owner, group, DACL). */
static int read_container_sd(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
			     struct gpo_sd **ret_ds, struct gpo_error **reterr)
{
	static const char *const sd_attrs[] = { "nTSecurityDescriptor", NULL };
	const struct ad_attr *sd_attr;
	struct ad_entry *e = NULL;
	size_t n = 0;
	int rc;

	rc = ad_ldap_search(mem_ctx, d->ldap, dn, 0, "(objectClass=*)", sd_attrs,
			    SD_OWNER_GROUP_DACL, &e, &n, reterr);
	if (rc != 0)
		return rc;
	sd_attr = n == 1 ? ad_entry_attr(&e[0], "nTSecurityDescriptor") : NULL;
	if (sd_attr == NULL || sd_attr->n_values != 1)
		return gpo_fail(d, reterr, GPO_ERROR, "cannot read the security descriptor of '%s' "
				"(may this account read it?)", dn);
	return gpo_sd_parse(mem_ctx, sd_attr->values[0], sd_attr->lengths[0], ret_ds, reterr);
}

/*
 * The container's descriptor.  With `canonicalize`, its DACL is first put
 * in the order (and without the duplicate) that the SYSVOL ACL will have
 * once smbcacls has sorted it, so that both say the same thing in the same
 * words and samba-tool gpo aclcheck agrees.  Who may do what does not
 * change; when it could, the DACL is left as it is.
 */
static int container_sd(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
			bool canonicalize, struct gpo_sd **ret_ds, struct gpo_error **reterr)
{
	struct gpo_sd *ds = NULL, *canon = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	bool changed = false;
	int rc;

	rc = read_container_sd(mem_ctx, d, dn, &ds, reterr);
	if (rc != 0 || !canonicalize ||
	    gpo_sd_canonical_for_sysvol(mem_ctx, ds, &canon, &changed) != 0 || !changed) {
		*ret_ds = ds;
		return rc;
	}
	canon->owner = NULL;
	canon->group = NULL;
	rc = gpo_sd_encode(mem_ctx, canon, &bytes, &len);
	if (rc == 0)
		rc = ad_ldap_set_dacl(d->ldap, dn, bytes, len, reterr);
	/* read back: the DC may add or merge entries of its own */
	if (rc == 0)
		rc = read_container_sd(mem_ctx, d, dn, ret_ds, reterr);
	return rc == GPO_ENOMEM ? gpo_oom(mem_ctx, reterr) : rc;
}

int gpo_domain_create_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
			  const struct gpo_render *render, struct gpo_domain_gpo **ret_gpo,
			  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_gpo *existing = NULL;
	struct gpo_error *err = NULL;
	struct gpo_sd *ds = NULL, *fs = NULL;
	struct ad_entry *e = NULL;
	const char *guid = render->guid;
	char *dn, *path, *unc, *version, *sddl, *user_dn = NULL, *machine_dn = NULL;
	size_t n = 0, i;
	bool created = false;
	int rc;

	rc = gpo_domain_find_gpo(tmp, d, name, &existing, &err);
	if (rc == 0 || rc == GPO_EEXIST) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EEXIST, "a GPO named '%s' exists (%s): use "
			      "'gpo-cep update' to change it", name,
			      existing ? existing->guid : "several");
		goto out;
	}
	if (rc != GPO_ENOTFOUND)
		goto fail;
	/* AD says which classes this user may create here: ask before touching anything */
	{
		static const char *const attrs[] = { "allowedChildClassesEffective", NULL };
		const struct ad_attr *a;

		rc = ad_ldap_search(tmp, d->ldap, policies_dn(tmp, d), 0, "(objectClass=*)", attrs,
				    0, &e, &n, &err);
		if (rc != 0)
			goto fail;
		a = n == 1 ? ad_entry_attr(&e[0], "allowedChildClassesEffective") : NULL;
		for (i = 0; a != NULL && i < a->n_values; i++)
			if (ascii_strcasecmp((const char *)a->values[i], "groupPolicyContainer") == 0)
				break;
		if (a == NULL || i == a->n_values) {
			rc = gpo_fail(mem_ctx, reterr, GPO_ERROR,
				      "insufficient rights: '%s' may not create GPOs in %s (that "
				      "needs Domain Admins, Enterprise Admins or Group Policy "
				      "Creator Owners)", d->o.user ? d->o.user : "this user",
				      d->realm);
			goto out;
		}
	}
	rc = smb(d, &err);
	if (rc != 0)
		goto fail;

	dn = talloc_asprintf(tmp, "CN=%s,%s", guid, policies_dn(tmp, d));
	path = sysvol_path(tmp, d, guid);
	unc = talloc_asprintf(tmp, "\\\\%s\\SysVol\\%s\\Policies\\%s", d->realm, d->realm, guid);
	{
		const char *const gpc[] = {
			"objectClass", "groupPolicyContainer",
			"displayName", name,
			"gPCFileSysPath", unc,
			"gPCFunctionalityVersion", GPC_FUNCTIONALITY_VERSION,
			"flags", "0",
			"versionNumber", "0",
			NULL,
		};
		rc = fail_step("ldap-add") ? gpo_fail(d, &err, GPO_ERROR, "test hook: ldap-add")
					   : ad_ldap_add(d->ldap, dn, gpc, &err);
		if (rc != 0)
			goto fail;
		created = true;
		user_dn = talloc_asprintf(tmp, "CN=User,%s", dn);
		machine_dn = talloc_asprintf(tmp, "CN=Machine,%s", dn);
	}

	/* the folder's ACL comes from the container's, as samba-tool and GPMC make it */
	rc = container_sd(tmp, d, dn, true, &ds, &err);
	if (rc != 0)
		goto fail;
	rc = gpo_sd_ds_to_fs(tmp, ds, &fs);
	sddl = rc == 0 ? gpo_sd_sddl(tmp, fs) : NULL;
	if (rc != 0 || sddl == NULL)
		goto fail;

	rc = fail_step("smb-mkdir") ? gpo_fail(d, &err, GPO_EIO, "test hook: smb-mkdir")
				    : ad_smb_mkdir(d->smb, path, &err);
	if (rc != 0)
		goto fail;
	/*
	 * Before anything is created inside, so that it inherits.  smbcacls
	 * runs as its own process: the two child containers are added meanwhile.
	 */
	{
		const char *const container[] = { "objectClass", "container", NULL };
		struct ad_smb_job *job = NULL;
		struct gpo_error *acl_err = NULL;
		int acl_rc;

		rc = fail_step("smb-acl") ? gpo_fail(d, &err, GPO_EIO, "test hook: smb-acl")
					  : ad_smb_set_sddl_start(d->smb, path, sddl, false, &job, &err);
		if (rc != 0)
			goto fail;
		rc = ad_ldap_add(d->ldap, user_dn, container, &err);
		if (rc == 0)
			rc = ad_ldap_add(d->ldap, machine_dn, container, &err);
		acl_rc = ad_smb_set_sddl_finish(d->smb, job, &acl_err);
		if (rc == 0 && acl_rc != 0) {
			rc = acl_rc;
			err = acl_err;
		}
		if (rc != 0)
			goto fail;
	}
	if (rc == 0)
		rc = ad_smb_mkdir(d->smb, talloc_asprintf(tmp, "%s/Machine", path), &err);
	if (rc == 0)
		rc = ad_smb_mkdir(d->smb, talloc_asprintf(tmp, "%s/User", path), &err);
	for (i = 0; rc == 0 && i < render->n_files; i++) {
		if (fail_step("smb-write") && i == render->n_files - 1) {
			rc = gpo_fail(d, &err, GPO_EIO, "test hook: smb-write");
			break;
		}
		rc = ad_smb_write(d->smb, talloc_asprintf(tmp, "%s/%s", path, render->files[i].path),
				  render->files[i].data, render->files[i].len, &err);
	}
	if (rc != 0)
		goto fail;

	/* the version last: clients see it only with every file in place */
	version = talloc_asprintf(tmp, "%lu", (unsigned long)render->version);
	{
		const char *const mods[] = {
			"versionNumber", version,
			"gPCMachineExtensionNames", render->machine_extension_names,
			"gPCUserExtensionNames", render->user_extension_names,
			NULL,
		};

		rc = fail_step("ldap-version") ? gpo_fail(d, &err, GPO_ERROR, "test hook: ldap-version")
					       : ad_ldap_replace(d->ldap, dn, mods, &err);
		if (rc != 0)
			goto fail;
	}
	{
		/* what was just written, without asking the DC again */
		struct gpo_domain_gpo *g = talloc_zero(mem_ctx, struct gpo_domain_gpo);

		if (g == NULL) {
			rc = gpo_oom(mem_ctx, reterr);
			goto fail;
		}
		memcpy(g->guid, guid, sizeof(g->guid));
		g->dn = talloc_strdup(g, dn);
		g->name = talloc_strdup(g, name);
		g->file_sys_path = talloc_strdup(g, unc);
		g->version = render->version;
		g->machine_extension_names = talloc_strdup(g, render->machine_extension_names);
		g->user_extension_names = talloc_strdup(g, render->user_extension_names);
		*ret_gpo = g;
	}
	goto out;
fail:
	if (created) {
		struct gpo_error *undo = NULL;

		if (remove_gpo(d, dn, guid, &undo) != 0)
			rc = gpo_fail(mem_ctx, reterr, rc, "%s; removing the half-created GPO %s "
				      "failed too: %s", err ? err->message : gpo_strerror(rc), guid,
				      undo ? undo->message : "");
		else
			rc = gpo_fail(mem_ctx, reterr, rc, "%s (the half-created GPO %s was removed)",
				      err ? err->message : gpo_strerror(rc), guid);
	} else {
		rc = gpo_fail(mem_ctx, reterr, rc, "%s", err ? err->message : gpo_strerror(rc));
	}
out:
	talloc_free(tmp);
	return rc;
}

int gpo_domain_read_files(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo,
			  struct gpo_dir_contents **ret_contents, struct gpo_error **reterr)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_dir_contents *c = talloc_zero(tmp, struct gpo_dir_contents);
	char *path = sysvol_path(tmp, d, gpo->guid), **names = NULL, **sub = NULL;
	size_t n = 0, m = 0, i, j;
	int rc, k;

	rc = smb(d, reterr);
	if (rc == 0)
		rc = ad_smb_list(tmp, d->smb, path, &names, &n, reterr);
	c->path = dc_unc_path(c, d, gpo->guid);
	for (i = 0; rc == 0 && i < n; i++) {
		if (ascii_strcasecmp(names[i], "GPT.INI") == 0) {
			rc = ad_smb_read(c, d->smb, talloc_asprintf(tmp, "%s/%s", path, names[i]),
					 64u << 20, &c->gpt_ini, &c->gpt_ini_len, reterr);
			continue;
		}
		for (k = 0; k < 2; k++) {
			if (ascii_strcasecmp(names[i], scope_dir[k]) != 0)
				continue;
			if (ad_smb_list(tmp, d->smb, talloc_asprintf(tmp, "%s/%s", path, names[i]),
					&sub, &m, NULL) != 0)
				continue;
			for (j = 0; rc == 0 && j < m; j++) {
				if (ascii_strcasecmp(sub[j], "Registry.pol") != 0)
					continue;
				c->pol_path[k] = talloc_asprintf(c, "%s\\%s\\%s", c->path, names[i],
								 sub[j]);
				rc = ad_smb_read(c, d->smb,
						 talloc_asprintf(tmp, "%s/%s/%s", path, names[i], sub[j]),
						 64u << 20, &c->pol[k], &c->pol_len[k], reterr);
			}
		}
	}
	if (rc == 0)
		*ret_contents = talloc_steal(mem_ctx, c);
	else if (reterr != NULL && *reterr != NULL)
		talloc_steal(mem_ctx, *reterr);
	talloc_free(tmp);
	return rc;
}

static int set_link(struct gpo_domain *d, const struct gpo_domain_gpo *gpo, const char *target,
		    bool add, unsigned options, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "gPLink", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	struct gplink *l = NULL;
	size_t n = 0, nl, i, k = 0;
	bool found = false;
	int rc = ad_ldap_search(tmp, d->ldap, target, 0, "(objectClass=*)", attrs, 0, &e, &n, reterr);

	if (rc == 0 && n == 0)
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "link target '%s' does not exist", target);
	if (rc != 0)
		goto out;
	nl = parse_gplink(tmp, ad_entry_get(&e[0], "gPLink"), &l);
	for (i = 0; i < nl; i++) {
		if (ascii_strcasecmp(l[i].dn, gpo->dn) == 0) {
			found = true;
			if (!add)
				continue; /* drop it */
			l[i].options = options;
		}
		l[k++] = l[i];
	}
	if (add && !found) {
		/* the end of gPLink is the lowest precedence, where GPMC puts new links */
		l = talloc_realloc(tmp, l, struct gplink, k + 1);
		l[k].dn = gpo->dn;
		l[k].options = options;
		k++;
	}
	if (!add && !found) {
		rc = 0;
		goto out;
	}
	{
		const char *const mods[] = { "gPLink", format_gplink(tmp, l, k), NULL };

		rc = ad_ldap_replace(d->ldap, target, mods, reterr);
	}
out:
	if (rc != 0 && reterr != NULL && *reterr != NULL)
		talloc_steal(d, *reterr);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_link(struct gpo_domain *d, struct gpo_domain_gpo *gpo,
		    const char *target_dn, unsigned options, struct gpo_error **reterr)
{
	struct gpo_domain_link *n;
	size_t i;
	int rc = set_link(d, gpo, target_dn, true, options, reterr);

	if (rc != 0)
		return rc;
	/* keep the caller's view of the links current */
	for (i = 0; i < gpo->n_links; i++) {
		if (ascii_strcasecmp(gpo->links[i].dn, target_dn) == 0) {
			gpo->links[i].options = options;
			return 0;
		}
	}
	n = talloc_realloc(gpo, gpo->links, struct gpo_domain_link, gpo->n_links + 1);
	if (n == NULL)
		return 0; /* the link is made; only the report would lack it */
	gpo->links = n;
	n[gpo->n_links].dn = talloc_strdup(n, target_dn);
	n[gpo->n_links].options = options;
	gpo->n_links++;
	return 0;
}

int gpo_domain_unlink(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		      const char *target_dn, struct gpo_error **reterr)
{
	return set_link(d, gpo, target_dn, false, 0, reterr);
}

/* The SYSVOL ACL the GPO's container calls for: dsacl2fsacl of its descriptor. */
static int wanted_fs_sd(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			bool canonicalize, struct gpo_sd **ret_fs, struct gpo_error **reterr)
{
	struct gpo_sd *ds = NULL;
	int rc = container_sd(mem_ctx, d, gpo->dn, canonicalize, &ds, reterr);

	if (rc == 0)
		rc = gpo_sd_ds_to_fs(mem_ctx, ds, ret_fs);
	return rc == GPO_ENOMEM ? gpo_oom(mem_ctx, reterr) : rc;
}

int gpo_domain_check_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 const struct gpo_domain_gpo *gpo, struct gpo_domain_acl **ret_acl,
			 struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_acl *acl = talloc_zero(tmp, struct gpo_domain_acl);
	struct gpo_sd *have = NULL;
	int rc;

	if (acl == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	acl->path = dc_unc_path(acl, d, gpo->guid);
	rc = wanted_fs_sd(acl, d, gpo, false, &acl->want, reterr);
	if (rc == 0)
		rc = smb(d, reterr);
	if (rc == 0)
		rc = ad_smb_get_sd(acl, d->smb, sysvol_path(tmp, d, gpo->guid), &have, reterr);
	if (rc == 0 && gpo_sd_compare_access(acl, acl->want, have, &acl->diff) != 0)
		rc = gpo_oom(mem_ctx, reterr);
	if (rc == 0)
		acl->want_sddl = gpo_sd_sddl(acl, acl->want);
	if (rc == 0 && acl->want_sddl == NULL)
		rc = gpo_oom(mem_ctx, reterr);
	if (rc != 0) {
		/* errors made on the scratch context go to the caller's */
		if (reterr != NULL && *reterr != NULL &&
		    (talloc_parent(*reterr) == acl || talloc_parent(*reterr) == tmp))
			talloc_steal(mem_ctx, *reterr);
		talloc_free(tmp);
		return rc;
	}
	*ret_acl = talloc_steal(mem_ctx, acl);
	talloc_free(tmp);
	return 0;
}

int gpo_domain_repair_acl(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_sd *want = NULL;
	char *sddl = NULL;
	int rc;

	/* as create does: the container's DACL in the folder's order, same rights */
	rc = wanted_fs_sd(tmp, d, gpo, true, &want, reterr);
	if (rc == 0 && (sddl = gpo_sd_sddl(tmp, want)) == NULL)
		rc = gpo_oom(d, reterr);
	if (rc == 0)
		rc = smb(d, reterr);
	/* what is inside inherits again: the files are not left with the old entries */
	if (rc == 0)
		rc = ad_smb_set_sddl(d->smb, sysvol_path(tmp, d, gpo->guid), sddl, true, reterr);
	if (reterr != NULL && *reterr != NULL && talloc_parent(*reterr) == tmp)
		talloc_steal(d, *reterr);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_delete_gpo(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			  struct gpo_error **reterr)
{
	size_t i;
	int rc;

	for (i = 0; i < gpo->n_links; i++) {
		rc = gpo_domain_unlink(d, gpo, gpo->links[i].dn, reterr);
		if (rc != 0)
			return rc;
	}
	rc = smb(d, reterr);
	if (rc != 0)
		return rc;
	return remove_gpo(d, gpo->dn, gpo->guid, reterr);
}

static bool same_bytes(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	return la == lb && (la == 0 || (a != NULL && b != NULL && memcmp(a, b, la) == 0));
}

int gpo_domain_apply_plan(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			  const struct gpo_dir_contents *current,
			  const struct gpo_update_plan *plan, struct gpo_error **reterr)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_gpo *now = NULL;
	struct gpo_dir_contents *again = NULL;
	const char *pause = getenv("GPO_CEP_PAUSE_BEFORE_WRITE");
	char *path = sysvol_path(tmp, d, gpo->guid);
	char old_version[16], new_version[16];
	int rc, k;

	if (!plan->changed) {
		talloc_free(tmp);
		return 0;
	}
	/* test hook: a window for a concurrent edit (the integration tests use it) */
	if (pause != NULL)
		sleep((unsigned)atoi(pause));
	rc = gpo_domain_find_gpo(tmp, d, gpo->guid, &now, reterr);
	if (rc == 0)
		rc = gpo_domain_read_files(tmp, d, now, &again, reterr);
	if (rc != 0)
		goto out;
	if (now->version != gpo->version ||
	    !same_bytes(again->gpt_ini, again->gpt_ini_len, current->gpt_ini, current->gpt_ini_len) ||
	    !same_bytes(again->pol[0], again->pol_len[0], current->pol[0], current->pol_len[0]) ||
	    !same_bytes(again->pol[1], again->pol_len[1], current->pol[1], current->pol_len[1])) {
		rc = gpo_fail(d, reterr, GPO_ECONFLICT, "GPO %s changed since it was read (version "
			      "%lu, now %lu): nothing was written; run again", gpo->guid,
			      (unsigned long)gpo->version, (unsigned long)now->version);
		goto out;
	}
	/*
	 * Every new file goes up under a temporary name first; a failure there
	 * leaves the GPO as it was.  Then GPT.INI is renamed into place before
	 * the Registry.pol files, so that if anything stops from here on,
	 * GPT.INI is ahead of versionNumber and the next run sees that and
	 * finishes the job.
	 */
	{
		char *final[3] = { NULL, NULL, NULL }, *temp[3] = { NULL, NULL, NULL };
		const uint8_t *data[3] = { NULL, NULL, NULL };
		size_t len[3] = { 0, 0, 0 }, i;

		final[0] = talloc_asprintf(tmp, "%s/GPT.INI", path);
		data[0] = (const uint8_t *)plan->new_gpt_ini;
		len[0] = plan->new_gpt_ini_len;
		for (k = GPO_CEP_COMPUTER; rc == 0 && k <= GPO_CEP_USER; k++) {
			char *dir = talloc_asprintf(tmp, "%s/%s", path, scope_dir[k]);

			if (!plan->pol_changed[k])
				continue;
			/* keep the spelling the folder has (Samba's provisioning writes MACHINE) */
			if (current->pol_path[k] != NULL) {
				const char *slash = strrchr(current->pol_path[k], '\\');
				const char *prev = slash;

				while (prev != NULL && prev > current->pol_path[k] && prev[-1] != '\\')
					prev--;
				if (slash != NULL && prev != NULL)
					dir = talloc_asprintf(tmp, "%s/%.*s", path, (int)(slash - prev), prev);
			} else {
				rc = ad_smb_mkdir(d->smb, dir, reterr);
			}
			final[1 + k] = talloc_asprintf(tmp, "%s/Registry.pol", dir);
			data[1 + k] = plan->new_pol_bytes[k];
			len[1 + k] = plan->new_pol_len[k];
		}
		for (i = 0; rc == 0 && i < 3; i++) {
			if (final[i] == NULL)
				continue;
			temp[i] = talloc_asprintf(tmp, "%s.gpo-cep-tmp", final[i]);
			rc = fail_step("smb-write") && i > 0
				     ? gpo_fail(d, reterr, GPO_EIO, "test hook: smb-write")
				     : ad_smb_write(d->smb, temp[i], data[i], len[i], reterr);
		}
		if (rc != 0) {
			for (i = 0; i < 3; i++)
				if (temp[i] != NULL)
					ad_smb_unlink(d->smb, temp[i]);
			rc = gpo_fail(d, reterr, rc, "%s; nothing was changed",
				      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
			goto out;
		}
		for (i = 0; rc == 0 && i < 3; i++) {
			if (final[i] == NULL)
				continue;
			rc = fail_step("smb-rename") && i > 0
				     ? gpo_fail(d, reterr, GPO_EIO, "test hook: smb-rename")
				     : ad_smb_rename(d->smb, temp[i], final[i], reterr);
		}
	}
	if (rc != 0) {
		rc = gpo_fail(d, reterr, rc, "%s; versionNumber was not raised: run again to finish "
			      "(GPT.INI is ahead, so the next run completes the update)",
			      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
		goto out;
	}
	/* test hook: the files are in place; the integration tests stop the DC here */
	if (getenv("GPO_CEP_PAUSE_BEFORE_VERSION") != NULL)
		sleep((unsigned)atoi(getenv("GPO_CEP_PAUSE_BEFORE_VERSION")));
	snprintf(old_version, sizeof(old_version), "%lu", (unsigned long)gpo->version);
	snprintf(new_version, sizeof(new_version), "%lu", (unsigned long)plan->new_version);
	{
		const char *const mods[] = {
			"gPCMachineExtensionNames", plan->new_ext[GPO_CEP_COMPUTER],
			"gPCUserExtensionNames", plan->new_ext[GPO_CEP_USER],
			NULL,
		};

		rc = fail_step("ldap-version") ? gpo_fail(d, reterr, GPO_ERROR, "test hook: ldap-version")
					       : ad_ldap_swap(d->ldap, gpo->dn, "versionNumber",
							      old_version, new_version, mods, reterr);
		if (rc != 0)
			rc = gpo_fail(d, reterr, rc, "%s; the files are in place but versionNumber "
				      "was not raised: run again to finish",
				      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
	}
out:
	talloc_free(tmp);
	return rc;
}
