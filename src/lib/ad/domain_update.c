/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Updating a GPO: rights first, then under the folder's lock: finish an
 * interrupted update, check nothing changed since the plan was made, replace
 * the files crash-safely, and raise versionNumber last with a
 * compare-and-swap.
 */
#include <stdio.h>
#include <string.h>

#include <gpo-cep/merge.h>

#include "domain_internal.h"
#include "internal.h"

static bool same_bytes(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	return la == lb && (la == 0 || (a != NULL && b != NULL && memcmp(a, b, la) == 0));
}

/* Whether this identity may do all of the update; nothing is changed here. */
static int may_update(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		      const char *path, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "versionNumber", "gPCMachineExtensionNames",
					     "gPCUserExtensionNames", NULL };
	struct gpo_sd *folder = NULL;
	char *missing = NULL;
	int rc = domain_unwritable(mem_ctx, d, gpo->dn, attrs, &missing, reterr);

	if (rc == 0 && missing != NULL)
		return gpo_fail(mem_ctx, reterr, GPO_EACCES,
				"%s may not change GPO %s: it lacks the right to write %s of its "
				"container (GPMC: 'Edit settings'); nothing was changed",
				d->identity ? d->identity : "this account", gpo->guid, missing);
	if (rc == 0)
		rc = ad_smb_get_sd(mem_ctx, d->smb, path, &folder, reterr);
	if (rc == GPO_ENOTFOUND)
		return gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND, "GPO %s has no SYSVOL folder: "
				"'gpo-cep apply' completes it", gpo->guid);
	if (rc == 0 && !domain_granted(d, folder, FILE_ADD_FILE | FILE_DELETE_CHILD, true))
		return gpo_fail(mem_ctx, reterr, GPO_EACCES,
				"%s may not replace the files of %s (it needs to add files and "
				"delete them in the GPO's SYSVOL folder); nothing was changed",
				d->identity ? d->identity : "this account",
				domain_unc_path(mem_ctx, d, gpo->guid));
	return rc;
}

/* Files as they are now against what the plan was made from. */
static int unchanged(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		     const struct gpo_files *current, struct gpo_error **reterr)
{
	struct gpo_domain_gpo *now = NULL;
	struct gpo_files *again = NULL;
	bool same = true;
	int rc = gpo_domain_find_gpo(mem_ctx, d, gpo->guid, &now, reterr), slot;

	if (rc == 0)
		rc = gpo_domain_read_files(mem_ctx, d, now, &again, reterr);
	if (rc != 0)
		return rc;
	for (slot = 0; slot < GPO_FILE_SLOTS; slot++)
		same &= same_bytes(again->file[slot].data, again->file[slot].len,
				   current->file[slot].data, current->file[slot].len);
	if (now->version != gpo->version || !same)
		return gpo_fail(mem_ctx, reterr, GPO_ECONFLICT, "GPO %s changed since it was read "
				"(version %lu, now %lu): nothing was written; run again", gpo->guid,
				(unsigned long)gpo->version, (unsigned long)now->version);
	return 0;
}

/* The files of the plan, named as the folder spells them now; missing scope folders made. */
static int plan_files(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		      const struct gpo_update_plan *plan, struct gpo_files *files,
		      struct gpo_error **reterr)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	struct domain_view v;
	int rc = domain_view_folder(mem_ctx, d, path, &v, reterr), k;

	if (rc != 0)
		return rc;
	*files = plan->next;
	if (v.gpt_ini != NULL)
		files->file[GPO_FILE_GPT_INI].path = strrchr(v.gpt_ini, '/') + 1;
	for (k = 0; rc == 0 && k < 2; k++) {
		const char *dir = v.scope_dir[k] ? v.scope_dir[k] : scope_dir[k];

		if (!plan->writes[GPO_FILE_POL(k)])
			continue;
		/* keep the spelling the folder has (Samba's provisioning writes MACHINE) */
		if (v.scope_dir[k] == NULL)
			rc = ad_smb_mkdir(mem_ctx, d->smb, talloc_asprintf(mem_ctx, "%s/%s", path, dir),
					  reterr);
		files->file[GPO_FILE_POL(k)].path = talloc_asprintf(mem_ctx, "%s/Registry.pol", dir);
	}
	return rc;
}

/*
 * Nothing to change in the settings, but an earlier run may have stopped
 * half-way: the plan was made from what its files will be, so finish them
 * (and drop a lock whose holder is gone).  A lock a live run holds: its
 * business.
 */
static int finish_interrupted(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			      struct gpo_error **reterr)
{
	struct domain_lock *lock = NULL;
	struct domain_view v;
	char *done = NULL;
	int rc = domain_smb(mem_ctx, d, reterr);

	if (rc == 0)
		rc = domain_view_folder(mem_ctx, d, path, &v, reterr);
	if (rc != 0 || !v.folder || (!v.unfinished && !v.locked))
		return rc;
	rc = domain_lock_folder(mem_ctx, d, path, &lock, reterr);
	if (rc == GPO_ECONFLICT && !v.unfinished) {
		if (reterr != NULL)
			*reterr = NULL;
		return 0;
	}
	if (rc == 0)
		rc = domain_recover_folder(mem_ctx, d, path, &done, reterr);
	talloc_free(lock);
	return rc;
}

int gpo_domain_apply_plan(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, const struct gpo_files *current,
			  const struct gpo_update_plan *plan, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *path = domain_sysvol_path(tmp, d, gpo->guid), *recovered = NULL;
	char old_version[16], new_version[16];
	struct domain_lock *lock = NULL;
	struct gpo_files files;
	int rc = 0;

	if (!plan->changed) {
		rc = path ? finish_interrupted(tmp, d, path, reterr) : gpo_oom(tmp, reterr);
		rc = gpo_error_keep(mem_ctx, reterr, rc);
		talloc_free(tmp);
		return rc;
	}
	rc = path ? domain_smb(tmp, d, reterr) : gpo_oom(tmp, reterr);
	if (rc == 0)
		rc = may_update(tmp, d, gpo, path, reterr);
	if (rc == 0)
		rc = domain_lock_folder(tmp, d, path, &lock, reterr);
	if (rc == 0)
		rc = domain_recover_folder(tmp, d, path, &recovered, reterr);
	if (rc == 0)
		rc = unchanged(tmp, d, gpo, current, reterr);
	if (rc == 0)
		rc = plan_files(tmp, d, path, plan, &files, reterr);
	if (rc == 0)
		rc = domain_replace_files(tmp, d, path, &files, plan->writes, reterr);
	if (rc != 0)
		goto out;
	snprintf(old_version, sizeof(old_version), "%lu", (unsigned long)gpo->version);
	snprintf(new_version, sizeof(new_version), "%lu", (unsigned long)plan->new_version);
	{
		const char *const mods[] = {
			"gPCMachineExtensionNames", plan->new_ext[GPO_CEP_COMPUTER],
			"gPCUserExtensionNames", plan->new_ext[GPO_CEP_USER],
			NULL,
		};

		rc = ad_ldap_swap(tmp, d->ldap, gpo->dn, "versionNumber", old_version, new_version,
				  mods, reterr);
	}
	if (rc != 0)
		rc = gpo_fail(tmp, reterr, GPO_EPARTIAL, "%s; the files are in place but "
			      "versionNumber was not raised: run again to finish (GPT.INI is ahead, "
			      "so the next run sets both)",
			      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
out:
	talloc_free(lock);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
