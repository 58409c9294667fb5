/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Creating a GPO: rights first; then the container (version 0), its
 * children, the SYSVOL folder and its ACL, the files, and the version and
 * extension names last.  A failure removes what was made; when that fails
 * too, the GPO is left incomplete, which list shows, apply finishes and
 * delete removes.
 */
#include <string.h>

#include "domain_internal.h"
#include "internal.h"

#define GPC_FUNCTIONALITY_VERSION "2"

/* The right to create GPOs: CreateChild of groupPolicyContainer on CN=Policies. */
static int may_create(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "allowedChildClassesEffective", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *policies = domain_policies_dn(tmp, d);
	const struct ad_attr *a;
	struct ad_entry *e = NULL;
	size_t n = 0, i = 0;
	int rc = ad_ldap_search(tmp, d->ldap, policies, 0, "(objectClass=*)", attrs, 0, &e, &n,
				reterr);

	a = rc == 0 && n == 1 ? ad_entry_attr(&e[0], "allowedChildClassesEffective") : NULL;
	for (i = 0; a != NULL && i < a->n_values; i++)
		if (ascii_strcasecmp((const char *)a->values[i], "groupPolicyContainer") == 0)
			break;
	if (rc == 0 && (a == NULL || i == a->n_values))
		rc = gpo_fail(tmp, reterr, GPO_EACCES,
			      "%s may not create GPOs in %s: it lacks the right to create "
			      "groupPolicyContainer objects (CreateChild) in %s; Samba AD does not "
			      "grant it even to Group Policy Creator Owners: a domain admin can, with "
			      "'gpo-cep permissions --domain %s --create-gpos GROUP'; nothing was "
			      "changed", d->identity ? d->identity : "this account", d->realm, policies,
			      d->realm);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* A GPO of that name: "use update", or "finish or remove the incomplete one". */
static int name_taken(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
		      struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_gpo *existing = NULL;
	struct gpo_domain_state *state = NULL;
	struct gpo_error *err = NULL;
	int rc = gpo_domain_find_gpo_by_name(tmp, d, name, &existing, &err);

	if (rc == GPO_ENOTFOUND)
		rc = 0;
	else if (rc == GPO_EEXIST)
		rc = gpo_fail(mem_ctx, reterr, GPO_EEXIST, "%s", err->message);
	else if (rc != 0)
		rc = gpo_fail(mem_ctx, reterr, rc, "%s", err->message);
	else if (gpo_domain_check_gpo(tmp, d, existing, &state, NULL) == 0 &&
		 ((state->problems & GPO_PROBLEMS_INCOMPLETE) ||
		  ((state->problems & GPO_PROBLEM_ACL) && existing->version == 0)))
		rc = gpo_fail(mem_ctx, reterr, GPO_EEXIST,
			      "an incomplete GPO named '%s' exists (%s: %s): 'gpo-cep apply' "
			      "finishes it, 'gpo-cep delete --gpo %s' removes it", name,
			      existing->guid, state->description, existing->guid);
	else
		rc = gpo_fail(mem_ctx, reterr, GPO_EEXIST, "a GPO named '%s' exists (%s): use "
			      "'gpo-cep update' to change it", name, existing->guid);
	talloc_free(tmp);
	return rc;
}

/*
 * Add the container.  A connection that broke while the add was out leaves
 * it unknown whether the DC made it: look, and say so.
 */
static int add_container(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
			 const char *name, const char *unc, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "cn", NULL };
	const char *const gpc[] = {
		"objectClass", "groupPolicyContainer",
		"displayName", name,
		"gPCFileSysPath", unc,
		"gPCFunctionalityVersion", GPC_FUNCTIONALITY_VERSION,
		"flags", "0",
		"versionNumber", "0",
		NULL,
	};
	struct ad_entry *e = NULL;
	size_t n = 0;
	int rc = ad_ldap_add(mem_ctx, d->ldap, dn, gpc, reterr);

	if (rc != GPO_ENET)
		return rc;
	if (ad_ldap_search(mem_ctx, d->ldap, dn, 0, "(objectClass=*)", attrs, 0, &e, &n, NULL) == 0)
		return n == 1 ? 0 : rc; /* it landed after all, or it did not */
	return gpo_fail(mem_ctx, reterr, GPO_EPARTIAL,
			"%s; the GPO '%s' may have been created as %s before the DC stopped "
			"answering: 'gpo-cep list' shows it as incomplete if it was, 'gpo-cep "
			"apply' then finishes it and 'gpo-cep delete' removes it",
			reterr && *reterr ? (*reterr)->message : gpo_strerror(rc), name, dn);
}

/* CN=User and CN=Machine, those missing. */
static int add_children(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
			struct gpo_error **reterr)
{
	static const char *const names[] = { "User", "Machine" };
	static const char *const attrs[] = { "cn", NULL };
	const char *const container[] = { "objectClass", "container", NULL };
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < 2; i++) {
		char *child = talloc_asprintf(mem_ctx, "CN=%s,%s", names[i], dn);
		struct ad_entry *e = NULL;
		size_t n = 0;

		if (child == NULL)
			return gpo_oom(mem_ctx, reterr);
		rc = ad_ldap_search(mem_ctx, d->ldap, child, 0, "(objectClass=*)", attrs, 0, &e, &n,
				    reterr);
		if (rc == 0 && n == 0)
			rc = ad_ldap_add(mem_ctx, d->ldap, child, container, reterr);
	}
	return rc;
}

/* The folder with the container's ACL, and its scope folders. */
static int make_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		       bool canonicalize, struct gpo_error **reterr)
{
	char *path = domain_sysvol_path(mem_ctx, d, gpo->guid);
	struct gpo_sd *fs = NULL;
	int rc = path ? domain_wanted_fs_sd(mem_ctx, d, gpo->dn, canonicalize, &fs, reterr)
		      : gpo_oom(mem_ctx, reterr);

	if (rc == 0)
		rc = ad_smb_mkdir(mem_ctx, d->smb, path, reterr);
	/* before anything is created inside, so that it inherits */
	if (rc == 0)
		rc = domain_set_folder_acl(mem_ctx, d, path, NULL, fs, reterr);
	if (rc == 0)
		rc = ad_smb_mkdir(mem_ctx, d->smb, talloc_asprintf(mem_ctx, "%s/Machine", path),
				  reterr);
	if (rc == 0)
		rc = ad_smb_mkdir(mem_ctx, d->smb, talloc_asprintf(mem_ctx, "%s/User", path), reterr);
	return rc;
}

/* The folder's ACL from the container, passed down to what is inside. */
static int set_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		   struct gpo_error **reterr)
{
	struct gpo_sd *fs = NULL;
	int rc = domain_wanted_fs_sd(mem_ctx, d, gpo->dn, true, &fs, reterr);

	if (rc == 0)
		rc = domain_set_tree_acl(mem_ctx, d, domain_sysvol_path(mem_ctx, d, gpo->guid), fs,
					 reterr);
	return rc;
}

/* Remove a half-made GPO: the container in one tree delete, then the folder. */
static int undo_create(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
		       const char *guid, struct gpo_error **reterr)
{
	int rc = ad_ldap_delete(mem_ctx, d->ldap, dn, true, reterr);

	if (rc == GPO_ENOTFOUND)
		rc = 0;
	if (rc == 0 && d->smb != NULL)
		rc = ad_smb_remove_tree(mem_ctx, d->smb, domain_sysvol_path(mem_ctx, d, guid), reterr);
	return rc;
}

/* Files into the new folder, under its lock, then version and extension names. */
static int write_content(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			 const struct gpo_render *render, struct gpo_error **reterr)
{
	char *path = domain_sysvol_path(mem_ctx, d, gpo->guid);
	char *version = talloc_asprintf(mem_ctx, "%lu", (unsigned long)render->version);
	struct domain_lock *lock = NULL;
	int rc;

	if (path == NULL || version == NULL)
		return gpo_oom(mem_ctx, reterr);
	rc = domain_lock_folder(mem_ctx, d, path, &lock, reterr);
	if (rc == 0)
		rc = domain_replace_files(mem_ctx, d, path, &render->files, NULL, reterr);
	talloc_free(lock);
	/* the version last: clients see it only with every file in place */
	if (rc == 0) {
		const char *const mods[] = {
			"versionNumber", version,
			"gPCMachineExtensionNames", render->machine_extension_names,
			"gPCUserExtensionNames", render->user_extension_names,
			NULL,
		};

		rc = ad_ldap_replace(mem_ctx, d->ldap, gpo->dn, mods, reterr);
	}
	return rc;
}

/* Whether a second GPO of the same name was created meanwhile. */
static int unique_name(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
		       struct gpo_error **reterr)
{
	struct gpo_domain_gpo *g = NULL;
	int rc = gpo_domain_find_gpo_by_name(mem_ctx, d, name, &g, reterr);

	if (rc == GPO_EEXIST)
		return gpo_fail(mem_ctx, reterr, GPO_EEXIST, "another GPO named '%s' was created "
				"at the same time", name);
	return rc;
}

/* The GPO to create, as list would show it once made; NULL when out of memory. */
static struct gpo_domain_gpo *new_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
				      const char *name, const struct gpo_render *render)
{
	struct gpo_domain_gpo *g = talloc_zero(mem_ctx, struct gpo_domain_gpo);

	if (g == NULL)
		return NULL;
	memcpy(g->guid, render->guid, sizeof(g->guid));
	g->dn = talloc_asprintf(g, "CN=%s,%s", g->guid, domain_policies_dn(mem_ctx, d));
	g->name = talloc_strdup(g, name);
	g->file_sys_path = talloc_asprintf(g, "\\\\%s\\SysVol\\%s\\Policies\\%s", d->realm,
					   d->realm, g->guid);
	g->machine_extension_names = talloc_strdup(g, render->machine_extension_names);
	g->user_extension_names = talloc_strdup(g, render->user_extension_names);
	g->version = render->version;
	if (g->dn == NULL || g->name == NULL || g->file_sys_path == NULL ||
	    g->machine_extension_names == NULL || g->user_extension_names == NULL)
		return NULL;
	return g;
}

int gpo_domain_create_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
			  const struct gpo_render *render, struct gpo_domain_gpo **ret_gpo,
			  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_gpo *g;
	struct gpo_error *err = NULL, *undo_err = NULL;
	bool created = false;
	int rc;

	if (gpo_cep_check_gpo_name(tmp, name, &err) != 0) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "the GPO name %s", err->message);
		talloc_free(tmp);
		return rc;
	}
	g = new_gpo(tmp, d, name, render);
	if (g == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	/* nothing is changed before these pass */
	rc = name_taken(tmp, d, name, &err);
	if (rc == 0)
		rc = may_create(tmp, d, &err);
	if (rc == 0)
		rc = domain_smb(tmp, d, &err);
	if (rc != 0)
		goto fail;

	rc = add_container(tmp, d, g->dn, name, g->file_sys_path, &err);
	if (rc == GPO_EPARTIAL)
		goto fail;
	created = rc == 0;
	if (rc == 0)
		rc = unique_name(tmp, d, name, &err);
	if (rc == 0)
		rc = add_children(tmp, d, g->dn, &err);
	if (rc == 0)
		rc = make_folder(tmp, d, g, true, &err);
	if (rc == 0)
		rc = write_content(tmp, d, g, render, &err);
	if (rc == 0) {
		*ret_gpo = talloc_steal(mem_ctx, g);
		talloc_free(tmp);
		return 0;
	}
fail:
	if (created && undo_create(tmp, d, g->dn, g->guid, &undo_err) != 0)
		rc = gpo_fail(mem_ctx, reterr, GPO_EPARTIAL,
			      "%s; removing the half-made GPO %s failed too (%s): it is left "
			      "incomplete; 'gpo-cep apply' finishes it, 'gpo-cep delete --gpo %s' "
			      "removes it", err ? err->message : gpo_strerror(rc), g->guid,
			      undo_err ? undo_err->message : gpo_strerror(rc), g->guid);
	else if (created)
		rc = gpo_fail(mem_ctx, reterr, rc, "%s (the half-made GPO %s was removed: nothing "
			      "was changed)", err ? err->message : gpo_strerror(rc), g->guid);
	else
		rc = gpo_fail(mem_ctx, reterr, rc, "%s", err ? err->message : gpo_strerror(rc));
	talloc_free(tmp);
	return rc;
}

int gpo_domain_complete_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			    const struct gpo_domain_gpo *gpo, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_state *state = NULL;
	int rc = gpo_domain_check_gpo(tmp, d, gpo, &state, reterr);

	if (rc == 0 && (state->problems & GPO_PROBLEM_NO_CHILDREN))
		rc = add_children(tmp, d, gpo->dn, reterr);
	/* the container's DACL put in smbcacls' order, as create does: same rights */
	if (rc == 0 && (state->problems & GPO_PROBLEM_NO_FOLDER))
		rc = make_folder(tmp, d, gpo, true, reterr);
	/* a create that stopped before its folder had the container's ACL */
	else if (rc == 0 && (state->problems & GPO_PROBLEM_ACL) &&
		 (gpo->version == 0 || (state->problems & GPO_PROBLEM_NO_GPT_INI)))
		rc = set_acl(tmp, d, gpo, reterr);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
