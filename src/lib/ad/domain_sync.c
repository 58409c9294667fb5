/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Copying a GPO's SYSVOL folder from the baseline DC to another, for
 * domains without SYSVOL replication (Samba).  The copy is built beside
 * the folder ({GUID}.gpo-cep-sync), given the ACL the container calls for,
 * and swapped in with two renames ({GUID} to {GUID}.gpo-cep-old, the copy
 * to {GUID}); the old folder goes last.  Whatever stops it, one complete
 * folder exists under one of those names, and the next run finishes:
 * an old folder beside a complete copy means the swap was under way.
 */
#include <string.h>

#include "domain_internal.h"
#include "internal.h"

struct sync_paths {
	char *folder, *staging, *old, *unc;
	char *policies;   /* the folder above */
	char *lock;       /* a sync's lock, beside the folder: one sync of a GPO at a time */
};

/* Finish a swap that was under way, or drop a copy that never got that far. */
static int recover(TALLOC_CTX *tmp, struct gpo_domain *d, const struct sync_paths *p,
		   bool *ret_recovered, struct gpo_error **reterr)
{
	int rc = 0;

	*ret_recovered = false;
	if (domain_sysvol_exists(d, p->old)) {
		/* the copy was complete before the old folder was moved aside */
		if (!domain_sysvol_exists(d, p->folder) && domain_sysvol_exists(d, p->staging))
			rc = ad_smb_rename(tmp, d->smb, p->staging, p->folder, reterr);
		else if (!domain_sysvol_exists(d, p->folder))
			rc = ad_smb_rename(tmp, d->smb, p->old, p->folder, reterr);
		if (rc == 0)
			rc = ad_smb_remove_tree(tmp, d->smb, p->old, reterr);
		*ret_recovered = true;
	}
	if (rc == 0 && domain_sysvol_exists(d, p->staging)) {
		rc = ad_smb_remove_tree(tmp, d->smb, p->staging, reterr);
		*ret_recovered = true;
	}
	if (rc != 0)
		return gpo_fail(tmp, reterr, rc, "cannot finish an interrupted sync of %s: %s",
				p->unc, reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
	return 0;
}

/* What must change: files of the baseline that differ here, extras when deleting, the ACL. */
static bool needs_sync(const struct gpo_replica_diff *diffs, size_t n, bool delete_extra)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (diffs[i].kind) {
		case GPO_REPLICA_NO_FOLDER:
		case GPO_REPLICA_FILE_MISSING:
		case GPO_REPLICA_FILE_DIFFERS:
		case GPO_REPLICA_ACL:
		case GPO_REPLICA_UNFINISHED:
			return true;
		case GPO_REPLICA_FILE_EXTRA:
			if (delete_extra)
				return true;
			break;
		default:
			break;
		}
	return false;
}

/*
 * A DC joined to a Samba domain has no Policies folder until something
 * copies one: make it with the baseline's ACL (removed again if that fails).
 */
static int ensure_policies(TALLOC_CTX *tmp, struct gpo_domain *d, const struct gpo_replica *base,
			   const struct sync_paths *p, struct gpo_error **reterr)
{
	const char *policies = p->policies;
	int rc;

	if (domain_sysvol_exists(d, policies))
		return 0;
	if (base->policies_sddl == NULL)
		return gpo_fail(tmp, reterr, GPO_EINVAL, "%s has no Policies folder, and the "
				"baseline's ACL for one was not read", d->dc);
	rc = ad_smb_mkdir(tmp, d->smb, policies, reterr);
	if (rc == 0) {
		rc = ad_smb_set_sddl(tmp, d->smb, policies, base->policies_sddl, reterr);
		if (rc != 0)
			ad_smb_remove_tree(tmp, d->smb, policies, NULL);
	}
	return rc;
}

/* May this identity make the copy and swap it in?  Checked before anything is changed. */
static int check_rights(TALLOC_CTX *tmp, struct gpo_domain *d, const struct gpo_replica *have,
			const struct sync_paths *p, struct gpo_error **reterr)
{
	struct gpo_sd *parent = NULL, *folder = NULL;
	int rc = ad_smb_get_sd(tmp, d->smb, p->policies, &parent, reterr);

	if (rc == 0 && have->folder)
		rc = ad_smb_get_sd(tmp, d->smb, p->folder, &folder, reterr);
	if (rc != 0)
		return rc;
	if (!domain_granted(d, parent, FILE_ADD_SUBDIR | FILE_ADD_FILE, true))
		return gpo_fail(tmp, reterr, GPO_EACCES, "%s may not create folders in the "
				"Policies folder of %s: nothing was changed there", d->identity,
				d->dc);
	if (have->folder && !domain_granted(d, folder, STD_DELETE, true) &&
	    !domain_granted(d, parent, FILE_DELETE_CHILD, true))
		return gpo_fail(tmp, reterr, GPO_EACCES, "%s may not replace %s (it needs Delete "
				"on the folder): nothing was changed there", d->identity, p->unc);
	return 0;
}

static int copy_in(TALLOC_CTX *tmp, struct gpo_domain *d, const char *staging,
		   const struct gpo_replica_file *f, const uint8_t *data, size_t len,
		   struct gpo_error **reterr)
{
	char *to = talloc_asprintf(tmp, "%s/%s", staging, f->path);

	if (to == NULL)
		return gpo_oom(tmp, reterr);
	if (f->is_dir)
		return ad_smb_mkdir(tmp, d->smb, to, reterr);
	return ad_smb_write(tmp, d->smb, to, data ? data : (const uint8_t *)"", len, true, reterr);
}

static bool in_base(const struct gpo_replica *base, const char *path)
{
	size_t i;

	for (i = 0; i < base->n_files; i++)
		if (ascii_strcasecmp(base->files[i].path, path) == 0)
			return true;
	return false;
}

/* The baseline's files, and (unless deleting) the ones only this DC has, into the copy. */
static int build_copy(TALLOC_CTX *tmp, struct gpo_domain *d, const struct gpo_replica *base,
		      const struct gpo_replica *have, bool delete_extra,
		      const struct sync_paths *p, struct gpo_error **reterr)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < base->n_files; i++) {
		const struct gpo_replica_file *f = &base->files[i];

		if (!f->is_dir && f->data == NULL && f->size > 0)
			return gpo_fail(tmp, reterr, GPO_EINVAL, "the baseline's copy of %s was "
					"read without its content", f->path);
		rc = copy_in(tmp, d, p->staging, f, f->data, f->size, reterr);
	}
	/* parents come before their children in path order, here as on the baseline */
	for (i = 0; rc == 0 && !delete_extra && i < have->n_files; i++) {
		const struct gpo_replica_file *f = &have->files[i];
		char *from = talloc_asprintf(tmp, "%s/%s", p->folder, f->path);
		uint8_t *data = NULL;
		size_t len = 0;

		if (in_base(base, f->path))
			continue;
		if (from == NULL)
			return gpo_oom(tmp, reterr);
		if (!f->is_dir)
			rc = ad_smb_read(tmp, d->smb, from, GPO_FILE_MAX, &data, &len, reterr);
		if (rc == 0)
			rc = copy_in(tmp, d, p->staging, f, data, len, reterr);
	}
	return rc;
}

/* Move the old folder aside and the copy into its place; undo the first if the second fails. */
static int swap_in(TALLOC_CTX *tmp, struct gpo_domain *d, bool had_folder,
		   const struct sync_paths *p, struct gpo_error **reterr)
{
	int rc;

	if (!had_folder)
		return ad_smb_rename(tmp, d->smb, p->staging, p->folder, reterr);
	rc = ad_smb_rename(tmp, d->smb, p->folder, p->old, reterr);
	if (rc != 0)
		return rc;
	rc = ad_smb_rename(tmp, d->smb, p->staging, p->folder, reterr);
	if (rc != 0 && ad_smb_rename(tmp, d->smb, p->old, p->folder, NULL) != 0)
		return gpo_fail(tmp, reterr, GPO_EPARTIAL, "%s; the folder is at %s%s and the "
				"new copy at %s%s: run sync again to finish",
				reterr && *reterr ? (*reterr)->message : gpo_strerror(rc), p->unc,
				DOMAIN_SYNC_OLD, p->unc, DOMAIN_SYNC_NEW);
	return rc;
}

static int make_paths(TALLOC_CTX *tmp, struct gpo_domain *d, const char *guid,
		      struct sync_paths *p)
{
	p->folder = domain_sysvol_path(tmp, d, guid);
	p->unc = domain_unc_path(tmp, d, guid);
	p->staging = p->folder ? talloc_asprintf(tmp, "%s%s", p->folder, DOMAIN_SYNC_NEW) : NULL;
	p->old = p->folder ? talloc_asprintf(tmp, "%s%s", p->folder, DOMAIN_SYNC_OLD) : NULL;
	p->lock = p->folder ? talloc_asprintf(tmp, "%s.gpo-cep-sync.lock", p->folder) : NULL;
	p->policies = p->folder ? talloc_strndup(tmp, p->folder, strrchr(p->folder, '/') - p->folder)
				: NULL;
	return p->folder && p->unc && p->staging && p->old && p->lock && p->policies ? 0
										      : GPO_ENOMEM;
}

/* Copy, set the ACL on the copy, swap it in; `have` is this DC's copy as it is. */
static int replace_folder(TALLOC_CTX *tmp, struct gpo_domain *d, const struct gpo_replica *base,
			  const struct gpo_replica *have, bool delete_extra,
			  const struct sync_paths *p, struct domain_lock **sync_lock,
			  struct gpo_error **reterr)
{
	struct domain_lock *lock = NULL;
	struct gpo_sd *fs = NULL;
	char *dn = talloc_asprintf(tmp, "CN=%s,%s", base->guid, domain_policies_dn(tmp, d));
	int rc = dn ? ensure_policies(tmp, d, base, p, reterr) : gpo_oom(tmp, reterr);

	if (rc == 0 && *sync_lock == NULL)
		rc = domain_lock_file(tmp, d, p->lock, p->unc, sync_lock, reterr);
	if (rc == 0)
		rc = check_rights(tmp, d, have, p, reterr);

	if (rc == 0)
		rc = domain_wanted_fs_sd(tmp, d, dn, false, &fs, reterr);
	/* an update running here (gpo-cep --dc) must not be swapped away under it */
	if (rc == 0 && have->folder)
		rc = domain_lock_folder(tmp, d, p->folder, &lock, reterr);
	/*
	 * The copy's ACL before anything is put inside: what is created there
	 * inherits it (NT ACL and POSIX ACL alike), one smbcacls run for the
	 * folder instead of two for every item
	 */
	if (rc == 0)
		rc = ad_smb_mkdir(tmp, d->smb, p->staging, reterr);
	if (rc == 0)
		rc = domain_set_folder_acl(tmp, d, p->staging, NULL, fs, reterr);
	if (rc == 0)
		rc = build_copy(tmp, d, base, have, delete_extra, p, reterr);
	if (rc == 0)
		rc = swap_in(tmp, d, have->folder, p, reterr);
	if (rc != 0 && rc != GPO_EPARTIAL) {
		ad_smb_remove_tree(tmp, d->smb, p->staging, NULL);
		return gpo_fail(tmp, reterr, rc, "%s; nothing was changed in %s",
				reterr && *reterr ? (*reterr)->message : gpo_strerror(rc), p->unc);
	}
	if (rc == 0 && have->folder) {
		/* the lock file went with the old folder */
		talloc_set_destructor(lock, NULL);
		rc = ad_smb_remove_tree(tmp, d->smb, p->old, reterr);
		if (rc != 0)
			rc = gpo_fail(tmp, reterr, GPO_EPARTIAL, "%s; the new copy is in place, "
				      "the old one is left at %s%s: run sync again to remove it",
				      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc),
				      p->unc, DOMAIN_SYNC_OLD);
	}
	return rc;
}

int gpo_domain_sync_replica(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			    const struct gpo_replica *base, bool delete_extra, bool *ret_changed,
			    struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_replica *have = NULL;
	struct gpo_replica_diff *diffs = NULL;
	struct domain_lock *lock = NULL;
	struct sync_paths p;
	bool recovered = false;
	size_t n = 0;
	int rc = make_paths(tmp, d, base->guid, &p);

	*ret_changed = false;
	if (rc != 0)
		rc = gpo_oom(tmp, reterr);
	else if (!base->folder || base->unfinished)
		rc = gpo_fail(tmp, reterr, GPO_EINVAL, "GPO %s on the baseline %s has %s: nothing "
			      "to copy (finish it there first)", base->guid, base->dc,
			      base->folder ? "an unfinished update" : "no SYSVOL folder");
	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	/* one sync of a GPO at a time: another's copy in the making is not a leftover */
	if (rc == 0 && domain_sysvol_exists(d, p.policies)) {
		rc = domain_lock_file(tmp, d, p.lock, p.unc, &lock, reterr);
		if (rc == 0)
			rc = recover(tmp, d, &p, &recovered, reterr);
	}
	if (rc == 0)
		rc = gpo_domain_read_replica(tmp, d, base->guid, false, &have, reterr);
	if (rc == 0 && !have->in_ad)
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "GPO %s is not in AD on %s yet "
			      "(replication pending): nothing was changed there; sync again later",
			      base->guid, d->dc);
	if (rc == 0 && gpo_replica_compare(tmp, base, have, &diffs, &n) != 0)
		rc = gpo_oom(tmp, reterr);
	if (rc == 0 && needs_sync(diffs, n, delete_extra)) {
		rc = replace_folder(tmp, d, base, have, delete_extra, &p, &lock, reterr);
		*ret_changed = rc == 0 || rc == GPO_EPARTIAL;
	}
	*ret_changed = *ret_changed || recovered;
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
