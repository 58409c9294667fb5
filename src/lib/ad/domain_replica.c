/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Several DCs: which there are, and one GPO as one of them holds it (its
 * container there, every file of its SYSVOL folder there, hashed).
 */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep/gptini.h>

#include "domain_internal.h"
#include "internal.h"

static int dc_order(const void *a, const void *b)
{
	const struct gpo_domain_dc *x = a, *y = b;

	if (x->pdc != y->pdc)
		return x->pdc ? -1 : 1;
	return ascii_strcasecmp(x->name, y->name);
}

int gpo_domain_list_dcs(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			struct gpo_domain_dc **ret_dcs, size_t *ret_count,
			struct gpo_error **reterr)
{
	static const char *const attrs[] = { "objectClass", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_dc *dcs = NULL;
	struct ad_entry *e = NULL;
	char *base, *filter, *esc;
	size_t n = 0, i;
	int rc = 0;

	base = d->config_dn ? talloc_asprintf(tmp, "CN=Sites,%s", d->config_dn) : NULL;
	esc = domain_filter_escape(tmp, d->base_dn);
	/* the forest's DCs that hold this domain (read-only ones too) */
	filter = talloc_asprintf(tmp, "(&(objectClass=nTDSDSA)(|(msDS-hasDomainNCs=%s)"
				 "(hasMasterNCs=%s)(msDS-hasMasterNCs=%s)"
				 "(msDS-hasFullReplicaNCs=%s)))", esc, esc, esc, esc);
	if (d->config_dn == NULL)
		rc = gpo_fail(tmp, reterr, GPO_EPROTO, "%s's root DSE names no configuration "
			      "naming context", d->dc);
	else if (base == NULL || esc == NULL || filter == NULL)
		rc = gpo_oom(tmp, reterr);
	if (rc == 0)
		rc = ad_ldap_search(tmp, d->ldap, base, 2, filter, attrs, 0, &e, &n, reterr);
	if (rc == 0 && (dcs = talloc_zero_array(tmp, struct gpo_domain_dc, n ? n : 1)) == NULL)
		rc = gpo_oom(tmp, reterr);
	for (i = 0; rc == 0 && i < n; i++) {
		dcs[i].ntds_dn = talloc_strdup(dcs, e[i].dn);
		rc = domain_dc_host(dcs, d, e[i].dn, &dcs[i].name, reterr);
		dcs[i].pdc = d->pdc_ntds_dn != NULL && gpo_dn_equal(e[i].dn, d->pdc_ntds_dn);
		dcs[i].connected = d->ntds_dn != NULL && gpo_dn_equal(e[i].dn, d->ntds_dn);
		if (rc == 0 && dcs[i].ntds_dn == NULL)
			rc = gpo_oom(tmp, reterr);
	}
	if (rc == 0) {
		qsort(dcs, n, sizeof(dcs[0]), dc_order);
		*ret_dcs = talloc_steal(mem_ctx, dcs);
		*ret_count = n;
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* --- one GPO as one DC holds it ------------------------------------------- */

struct walk {
	struct gpo_replica *r;
	bool keep_data;
};

static int add_file(TALLOC_CTX *tmp, struct gpo_domain *d, struct walk *w, const char *smb_path,
		    const char *rel, bool is_dir, struct gpo_error **reterr)
{
	struct gpo_replica *r = w->r;
	struct gpo_replica_file *f;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	f = talloc_realloc(r, r->files, struct gpo_replica_file, r->n_files + 1);
	if (f == NULL)
		return gpo_oom(tmp, reterr);
	r->files = f;
	f = &r->files[r->n_files];
	*f = (struct gpo_replica_file){ .path = talloc_strdup(r->files, rel), .is_dir = is_dir };
	if (f->path == NULL)
		return gpo_oom(tmp, reterr);
	r->n_files++;
	if (is_dir)
		return 0;
	rc = ad_smb_read(w->keep_data ? (TALLOC_CTX *)r->files : tmp, d->smb, smb_path,
			 GPO_FILE_MAX, &data, &len, reterr);
	if (rc != 0)
		return rc;
	f->size = len;
	gpo_replica_hash(data, len, f->hash);
	if (w->keep_data)
		f->data = data;
	if (ascii_strcasecmp(rel, "GPT.INI") == 0) {
		struct gpo_gptini *ini = NULL;

		r->have_gpt_version =
			gpo_gptini_parse(tmp, (const char *)data, len, &ini, NULL) == 0 &&
			gpo_gptini_get_version(ini, &r->gpt_version, NULL) == 0;
	}
	if (!w->keep_data)
		talloc_free(data);
	return 0;
}

/* Every file and folder below `smb_path` (`rel` there), gpo-cep's own files aside. */
static int walk_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct walk *w,
		       const char *smb_path, const char *rel, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_smb_entry *e = NULL;
	size_t n = 0, i;
	int rc = ad_smb_list(tmp, d->smb, smb_path, &e, &n, reterr);

	for (i = 0; rc == 0 && i < n; i++) {
		char *child = talloc_asprintf(tmp, "%s/%s", smb_path, e[i].name);
		char *child_rel = rel[0] ? talloc_asprintf(tmp, "%s/%s", rel, e[i].name)
					 : talloc_strdup(tmp, e[i].name);

		if (child == NULL || child_rel == NULL) {
			rc = gpo_oom(tmp, reterr);
		} else if (gpo_replica_own_file(e[i].name)) {
			w->r->unfinished = true;
		} else {
			rc = add_file(tmp, d, w, child, child_rel, e[i].is_dir, reterr);
			if (rc == 0 && e[i].is_dir)
				rc = walk_folder(tmp, d, w, child, child_rel, reterr);
		}
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* The container of `guid` on this DC, if it has one. */
static int read_container(TALLOC_CTX *tmp, struct gpo_domain *d, struct gpo_replica *r,
			  struct gpo_domain_gpo *g, struct gpo_error **reterr)
{
	const struct domain_listed *listed = NULL;
	struct ad_entry *e = NULL;
	size_t n = 0;
	char *filter;
	int rc;

	/* status --all listed every container of this DC: no search per GPO */
	if (domain_listed_guid(d, r->guid, &listed) && (listed == NULL || listed->have_gpo)) {
		if (listed == NULL)
			return 0;
		*g = listed->gpo;
		goto found;
	}
	filter = talloc_asprintf(tmp, "(&(objectClass=groupPolicyContainer)(cn=%s))", r->guid);
	rc = filter ? ad_ldap_search(tmp, d->ldap, domain_policies_dn(tmp, d), 1, filter,
				     domain_gpo_attrs, 0, &e, &n, reterr)
		    : gpo_oom(tmp, reterr);
	if (rc != 0 || n == 0)
		return rc;
	rc = domain_fill_gpo(tmp, &e[0], g);
	if (rc != 0)
		return gpo_fail(tmp, reterr, rc, "cannot read GPO %s on %s", r->guid, d->dc);
found:
	r->in_ad = true;
	r->version = g->version;
	r->machine_extension_names = talloc_strdup(r, g->machine_extension_names);
	r->user_extension_names = talloc_strdup(r, g->user_extension_names);
	if (r->machine_extension_names == NULL || r->user_extension_names == NULL)
		return gpo_oom(tmp, reterr);
	return 0;
}

/*
 * The names in the Policies folder, listed once when many GPOs are read
 * (status --all): two stats per GPO fewer.  Trusted while nothing was
 * written through the same SMB handle.
 */
struct domain_policies_names {
	const struct ad_smb *smb;
	unsigned long smb_writes;
	char **names;         /* sorted without regard to ASCII case */
	size_t n;
};

static int by_name_nocase(const void *a, const void *b)
{
	return ascii_strcasecmp(*(char *const *)a, *(char *const *)b);
}

static struct domain_policies_names *policies_names(struct gpo_domain *d, const char *policies)
{
	struct domain_policies_names *p = d->policies_names;
	struct ad_smb_entry *e = NULL;
	size_t n = 0, i;

	if (p != NULL && p->smb == d->smb && p->smb_writes == ad_smb_writes(d->smb))
		return p;
	TALLOC_FREE(d->policies_names);
	p = talloc_zero(d, struct domain_policies_names);
	if (p == NULL || ad_smb_list(p, d->smb, policies, &e, &n, NULL) != 0 ||
	    (p->names = talloc_array(p, char *, n ? n : 1)) == NULL) {
		talloc_free(p);
		return NULL;
	}
	for (i = 0; i < n; i++)
		p->names[i] = e[i].name;
	qsort(p->names, n, sizeof(*p->names), by_name_nocase);
	p->n = n;
	p->smb = d->smb;
	p->smb_writes = ad_smb_writes(d->smb);
	d->policies_names = p;
	return p;
}

/* A folder an interrupted sync left beside this one (or instead of it). */
static bool sync_left_over(TALLOC_CTX *tmp, struct gpo_domain *d, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *old = talloc_asprintf(tmp, "%s%s", path, DOMAIN_SYNC_OLD);
	char *new = talloc_asprintf(tmp, "%s%s", path, DOMAIN_SYNC_NEW);
	char *policies = slash ? talloc_strndup(tmp, path, (size_t)(slash - path)) : NULL;
	/* one GPO: two stats cost less than listing the folder of every GPO */
	struct domain_policies_names *p = d->replica_reads > 1 && policies != NULL && old != NULL &&
						  new != NULL
						  ? policies_names(d, policies)
						  : NULL;
	const char *old_name, *new_name;

	if (p == NULL)
		return domain_sysvol_exists(d, old) || domain_sysvol_exists(d, new);
	old_name = strrchr(old, '/') + 1;
	new_name = strrchr(new, '/') + 1;
	return bsearch(&old_name, p->names, p->n, sizeof(*p->names), by_name_nocase) != NULL ||
	       bsearch(&new_name, p->names, p->n, sizeof(*p->names), by_name_nocase) != NULL;
}

int gpo_domain_read_replica(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *guid,
			    bool keep_data, struct gpo_replica **ret_replica,
			    struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_replica *r = talloc_zero(tmp, struct gpo_replica);
	struct gpo_domain_gpo g = { 0 };
	struct walk w = { .r = r, .keep_data = keep_data };
	char *path = NULL;
	int rc = 0;

	if (r == NULL || gpo_guid_normalize(guid, r->guid) != 0) {
		talloc_free(tmp);
		return r == NULL ? gpo_oom(mem_ctx, reterr)
				 : gpo_fail(mem_ctx, reterr, GPO_EINVAL, "'%s' is not a GPO GUID", guid);
	}
	d->replica_reads++;
	r->dc = talloc_strdup(r, d->dc);
	path = domain_sysvol_path(tmp, d, r->guid);
	if (r->dc == NULL || path == NULL)
		rc = gpo_oom(tmp, reterr);
	if (rc == 0)
		rc = read_container(tmp, d, r, &g, reterr);
	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	if (rc == 0) {
		rc = walk_folder(tmp, d, &w, path, "", reterr);
		r->folder = rc == 0;
		if (rc == GPO_ENOTFOUND)
			rc = 0;
	}
	/* a sync that stopped leaves a folder beside this one (or instead of it) */
	if (rc == 0)
		r->unfinished = r->unfinished || sync_left_over(tmp, d, path);
	if (rc == 0 && keep_data) {
		struct gpo_sd *parent = NULL;
		char *policies = talloc_strndup(tmp, path, strrchr(path, '/') - path);

		rc = policies ? ad_smb_get_sd(tmp, d->smb, policies, &parent, reterr)
			      : gpo_oom(tmp, reterr);
		/*
		 * SMB does not show the DACL's flags: the Policies folder's is
		 * protected wherever provisioning or sysvolreset made it
		 */
		if (rc == 0)
			parent->control |= GPO_SD_DACL_PROTECTED;
		if (rc == 0 && (r->policies_sddl = gpo_sd_sddl(r, parent)) == NULL)
			rc = gpo_oom(tmp, reterr);
	}
	if (rc == 0 && r->folder && r->in_ad) {
		rc = domain_folder_acl_same(tmp, d, g.dn, path, &r->acl_same, reterr);
		r->acl_checked = rc == 0;
	}
	if (rc == 0) {
		gpo_replica_sort(r);
		*ret_replica = talloc_steal(mem_ctx, r);
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
