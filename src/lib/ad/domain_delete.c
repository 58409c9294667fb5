/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Deleting a GPO: refused for critical ones and without every right; then
 * the container and its children in one tree delete (all or nothing), the
 * links, the SYSVOL folder.  What a failure after the container leaves is an
 * orphan: links and a folder that delete --orphan removes.
 */
#include <string.h>

#include "domain_internal.h"
#include "gplink.h"
#include "internal.h"

static bool is_default_gpo(const char *guid)
{
	return ascii_strcasecmp(guid, DEFAULT_DOMAIN_POLICY) == 0 ||
	       ascii_strcasecmp(guid, DEFAULT_DC_POLICY) == 0;
}

/* Every right the delete needs, checked before anything changes. */
static int may_delete(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		      const char *path, bool *ret_folder, struct gpo_error **reterr)
{
	static const char *const gplink[] = { "gPLink", NULL };
	const char *who = d->identity ? d->identity : "this account";
	struct gpo_sd *ds = NULL, *folder = NULL;
	size_t i;
	int rc;

	if (is_default_gpo(gpo->guid) || gpo->critical)
		return gpo_fail(mem_ctx, reterr, GPO_EACCES, "GPO '%s' %s is %s: gpo-cep never "
				"deletes it; nothing was changed", gpo->name, gpo->guid,
				is_default_gpo(gpo->guid) ? "one of the domain's two default GPOs"
							  : "a critical system object");
	rc = domain_read_sd(mem_ctx, d, gpo->dn, &ds, reterr);
	if (rc == 0 && !domain_granted(d, ds, DS_DELETE_TREE, false))
		return gpo_fail(mem_ctx, reterr, GPO_EACCES, "%s may not delete GPO %s: it lacks "
				"'Delete subtree' (DELETE_TREE) on its container (GPMC: 'Edit "
				"settings, delete, modify security'); nothing was changed", who,
				gpo->guid);
	for (i = 0; rc == 0 && i < gpo->n_links; i++) {
		char *missing = NULL;

		rc = domain_unwritable(mem_ctx, d, gpo->links[i].dn, gplink, &missing, reterr);
		if (rc == 0 && missing != NULL)
			return gpo_fail(mem_ctx, reterr, GPO_EACCES, "%s may not delete GPO %s: it "
					"lacks the right to remove its link from '%s' (write gPLink "
					"there); nothing was changed", who, gpo->guid,
					gpo->links[i].dn);
	}
	if (rc == 0)
		rc = domain_smb(mem_ctx, d, reterr);
	if (rc == 0) {
		rc = ad_smb_get_sd(mem_ctx, d->smb, path, &folder, reterr);
		*ret_folder = rc == 0;
		if (rc == GPO_ENOTFOUND) {
			if (reterr != NULL)
				*reterr = NULL;
			rc = 0;
		}
	}
	if (rc == 0 && folder != NULL &&
	    !domain_granted(d, folder, STD_DELETE | FILE_DELETE_CHILD, true))
		return gpo_fail(mem_ctx, reterr, GPO_EACCES, "%s may not delete GPO %s: it may "
				"not remove its SYSVOL folder %s; nothing was changed", who,
				gpo->guid, domain_unc_path(mem_ctx, d, gpo->guid));
	return rc;
}

/* Remove every link to `gpo_dn` from `targets`; the ones that failed, as text. */
static char *remove_links(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *gpo,
			  char *const *targets, size_t n)
{
	char *failed = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		struct gpo_error *err = NULL;

		if (gpo_domain_unlink(mem_ctx, d, gpo, targets[i], NULL, &err) != 0)
			failed = talloc_asprintf_append(failed, "%s'%s' (%s)", failed ? ", " : "",
							targets[i], err ? err->message : "failed");
	}
	return failed;
}

int gpo_domain_delete_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_gpo *g = talloc_zero(tmp, struct gpo_domain_gpo);
	char *path = domain_sysvol_path(tmp, d, gpo->guid), *failed = NULL, **targets;
	struct domain_lock *lock = NULL;
	bool folder = false;
	size_t i;
	int rc;

	if (g == NULL || path == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	*g = *gpo;
	targets = talloc_zero_array(tmp, char *, gpo->n_links + 1);
	for (i = 0; targets != NULL && i < gpo->n_links; i++)
		targets[i] = talloc_strdup(targets, gpo->links[i].dn);
	rc = targets ? may_delete(tmp, d, gpo, path, &folder, reterr) : gpo_oom(tmp, reterr);
	/* no update may be half-way through while the folder goes */
	if (rc == 0 && folder)
		rc = domain_lock_folder(tmp, d, path, &lock, reterr);
	if (rc == 0)
		rc = ad_ldap_delete(tmp, d->ldap, gpo->dn, true, reterr);
	if (rc != 0) {
		const char *why = reterr && *reterr ? (*reterr)->message : gpo_strerror(rc);

		if (strstr(why, "nothing was changed") == NULL)
			rc = gpo_fail(tmp, reterr, rc, "%s; nothing was changed", why);
		goto out;
	}
	/* the container is gone: from here on, what is left is an orphan */
	failed = remove_links(tmp, d, g, targets, gpo->n_links);
	if (folder)
		rc = ad_smb_remove_tree(tmp, d->smb, path, reterr);
	if (failed != NULL || rc != 0)
		rc = gpo_fail(tmp, reterr, GPO_EPARTIAL, "GPO %s's container was deleted, but %s%s%s"
			      "%s: 'gpo-cep delete --orphan %s' removes what is left", gpo->guid,
			      failed ? "its links on " : "", failed ? failed : "",
			      failed && rc != 0 ? " and " : "",
			      rc != 0 ? talloc_asprintf(tmp, "its SYSVOL folder could not be removed "
							"(%s)", reterr && *reterr ? (*reterr)->message
										 : gpo_strerror(rc))
				      : " remain", gpo->guid);
out:
	talloc_free(lock);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* --- orphans -------------------------------------------------------------- */

static struct gpo_domain_orphan *orphan_of(TALLOC_CTX *mem_ctx, struct gpo_domain_orphan **list,
					   size_t *n, const char *guid)
{
	struct gpo_domain_orphan *grown;
	size_t i;

	for (i = 0; i < *n; i++)
		if (ascii_strcasecmp((*list)[i].guid, guid) == 0)
			return &(*list)[i];
	grown = talloc_realloc(mem_ctx, *list, struct gpo_domain_orphan, *n + 1);
	if (grown == NULL)
		return NULL;
	*list = grown;
	grown[*n] = (struct gpo_domain_orphan){ 0 };
	memcpy(grown[*n].guid, guid, 38);
	return &grown[(*n)++];
}

/* The GUIDs that have a container. */
static int containers(TALLOC_CTX *mem_ctx, struct gpo_domain *d, char ***ret, size_t *ret_n,
		      struct gpo_error **reterr)
{
	static const char *const attrs[] = { "cn", NULL };
	struct ad_entry *e = NULL;
	size_t n = 0, i;
	int rc = ad_ldap_search(mem_ctx, d->ldap, domain_policies_dn(mem_ctx, d), 1,
				"(objectClass=groupPolicyContainer)", attrs, 0, &e, &n, reterr);

	*ret = talloc_zero_array(mem_ctx, char *, n + 1);
	for (i = 0; rc == 0 && *ret != NULL && i < n; i++) {
		char guid[39];

		if (gpo_guid_normalize(ad_entry_get(&e[i], "cn") ? ad_entry_get(&e[i], "cn") : "",
				       guid) == 0)
			(*ret)[(*ret_n)++] = talloc_strdup(*ret, guid);
	}
	return rc;
}

static bool known(char *const *guids, size_t n, const char *guid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ascii_strcasecmp(guids[i], guid) == 0)
			return true;
	return false;
}

/* The orphans found so far (on the caller's context), and the GUIDs that have a container. */
struct orphan_list {
	TALLOC_CTX *mem_ctx;
	struct gpo_domain_orphan *list;
	size_t count;
	char **have;
	size_t n_have;
};

/* SYSVOL folders named for a GPO that has no container. */
static int add_orphan_folders(struct orphan_list *ol, TALLOC_CTX *tmp,
			      const struct ad_smb_entry *folders, size_t n,
			      struct gpo_error **reterr)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		struct gpo_domain_orphan *o;
		char guid[39];

		if (!folders[i].is_dir || strlen(folders[i].name) != 38 ||
		    gpo_guid_normalize(folders[i].name, guid) != 0 ||
		    known(ol->have, ol->n_have, guid))
			continue;
		if ((o = orphan_of(ol->mem_ctx, &ol->list, &ol->count, guid)) == NULL)
			rc = gpo_oom(tmp, reterr);
		else
			o->folder = true;
	}
	return rc;
}

/* Links to a GPO that has no container, from the objects `e` with a gPLink. */
static int add_orphan_links(struct orphan_list *ol, TALLOC_CTX *tmp, const struct gpo_domain *d,
			    const struct ad_entry *e, size_t n, struct gpo_error **reterr)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		struct gplink *l = NULL;

		if (gplink_parse(tmp, ad_entry_get(&e[i], "gPLink"), &l) != 0)
			return gpo_oom(tmp, reterr);
		for (k = 0; rc == 0 && k < l->count; k++) {
			struct gpo_domain_orphan *o;
			char guid[39];

			if (!l->entries[k].is_link || l->entries[k].dn == NULL ||
			    !domain_gpo_dn_guid(d, l->entries[k].dn, guid) ||
			    known(ol->have, ol->n_have, guid))
				continue;
			o = orphan_of(ol->mem_ctx, &ol->list, &ol->count, guid);
			if (o != NULL)
				o->link_targets = talloc_realloc(ol->list, o->link_targets, char *,
								 o->n_links + 1);
			if (o == NULL || o->link_targets == NULL) {
				rc = gpo_oom(tmp, reterr);
				break;
			}
			o->link_targets[o->n_links++] = talloc_strdup(ol->list, e[i].dn);
		}
	}
	return rc;
}

int gpo_domain_list_orphans(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			    struct gpo_domain_orphan **ret_orphans, size_t *ret_count,
			    struct gpo_error **reterr)
{
	static const char *const attrs[] = { "gPLink", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct orphan_list ol = { .mem_ctx = mem_ctx };
	struct ad_smb_entry *folders = NULL;
	struct ad_entry *e = NULL;
	size_t n_folders = 0, n = 0;
	int rc;

	ol.list = talloc_zero_array(mem_ctx, struct gpo_domain_orphan, 1);
	rc = ol.list != NULL ? containers(tmp, d, &ol.have, &ol.n_have, reterr)
			     : gpo_oom(tmp, reterr);
	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	if (rc == 0)
		rc = ad_smb_list(tmp, d->smb, talloc_asprintf(tmp, "%s/Policies", d->realm),
				 &folders, &n_folders, reterr);
	if (rc == 0)
		rc = add_orphan_folders(&ol, tmp, folders, n_folders, reterr);
	if (rc == 0)
		rc = ad_ldap_search(tmp, d->ldap, d->base_dn, 2, "(gPLink=*)", attrs, 0, &e, &n,
				    reterr);
	if (rc == 0)
		rc = add_orphan_links(&ol, tmp, d, e, n, reterr);
	if (rc == 0) {
		*ret_orphans = ol.list;
		*ret_count = ol.count;
	} else {
		talloc_free(ol.list);
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* The right to remove each link to the orphan: GPO_EACCES before anything changes. */
static int may_unlink_all(TALLOC_CTX *tmp, struct gpo_domain *d,
			  const struct gpo_domain_orphan *o, struct gpo_error **reterr)
{
	static const char *const gplink[] = { "gPLink", NULL };
	size_t i;
	int rc;

	for (i = 0; i < o->n_links; i++) {
		char *missing = NULL;

		rc = domain_unwritable(tmp, d, o->link_targets[i], gplink, &missing, reterr);
		if (rc == 0 && missing != NULL)
			rc = gpo_fail(tmp, reterr, GPO_EACCES, "%s may not remove the link from "
				      "'%s'; nothing was changed",
				      d->identity ? d->identity : "this account",
				      o->link_targets[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int gpo_domain_delete_orphan(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *guid,
			     struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_orphan *orphans = NULL, *o = NULL;
	struct gpo_domain_gpo *g = NULL;
	struct gpo_error *err = NULL;
	size_t n = 0, i;
	char norm[39], *failed = NULL;
	int rc;

	if (gpo_guid_normalize(guid, norm) != 0) {
		talloc_free(tmp);
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "'%s' is not a GUID", guid);
	}
	rc = gpo_domain_find_gpo(tmp, d, norm, &g, &err);
	if (rc == 0) {
		rc = gpo_fail(tmp, reterr, GPO_EEXIST, "GPO %s has a container, so it is no orphan: "
			      "'gpo-cep delete --gpo %s' deletes it; nothing was changed", norm, norm);
		goto out;
	}
	if (rc != GPO_ENOTFOUND) {
		rc = gpo_fail(tmp, reterr, rc, "%s", err ? err->message : gpo_strerror(rc));
		goto out;
	}
	rc = gpo_domain_list_orphans(tmp, d, &orphans, &n, reterr);
	for (i = 0; rc == 0 && i < n; i++)
		if (strcmp(orphans[i].guid, norm) == 0)
			o = &orphans[i];
	if (rc == 0 && o == NULL) {
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "nothing is left of a GPO %s: no SYSVOL "
			      "folder, no link", norm);
		goto out;
	}
	if (rc != 0)
		goto out;
	/* the links name the container it had */
	g = talloc_zero(tmp, struct gpo_domain_gpo);
	if (g == NULL || (memcpy(g->guid, norm, sizeof(g->guid)),
			  g->dn = talloc_asprintf(g, "CN=%s,%s", norm,
						  domain_policies_dn(tmp, d))) == NULL) {
		rc = gpo_oom(tmp, reterr);
		goto out;
	}
	rc = may_unlink_all(tmp, d, o, reterr);
	if (rc != 0)
		goto out;
	failed = remove_links(tmp, d, g, o->link_targets, o->n_links);
	if (o->folder)
		rc = ad_smb_remove_tree(tmp, d->smb, domain_sysvol_path(tmp, d, norm), reterr);
	if (failed != NULL || rc != 0)
		rc = gpo_fail(tmp, reterr, GPO_EPARTIAL, "what is left of GPO %s was not all "
			      "removed: %s%s%s; run again", norm, failed ? "links on " : "",
			      failed ? failed : "",
			      rc != 0 ? " (the SYSVOL folder remains)" : "");
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
