/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SYSVOL ACLs from the container's descriptor: derived, set, checked on the
 * folder and everything inside, repaired without ever granting more than
 * the container does.
 */
#include <string.h>

#include "domain_internal.h"
#include "internal.h"
#include "sd_internal.h"

int domain_wanted_fs_sd(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *container_dn,
			bool canonicalize, struct gpo_sd **ret_fs, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_sd *ds = NULL, *canon = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	bool changed = false;
	int rc = domain_read_sd(tmp, d, container_dn, &ds, reterr);

	/*
	 * smbcacls sorts a file ACL; samba-tool gpo aclcheck then wants the
	 * container in the same order.  The container is rewritten in that
	 * order only when that cannot change who may do what (allow entries
	 * only; gpo_sd_canonical_for_sysvol refuses otherwise).
	 */
	if (rc == 0 && canonicalize &&
	    gpo_sd_canonical_for_sysvol(tmp, ds, &canon, &changed) == 0 && changed) {
		canon->owner = NULL;
		canon->group = NULL;
		rc = gpo_sd_encode(tmp, canon, &bytes, &len);
		if (rc == 0)
			rc = ad_ldap_set_dacl(tmp, d->ldap, container_dn, bytes, len, reterr);
		/* read back: the DC may add or merge entries of its own */
		if (rc == 0)
			rc = domain_read_sd(tmp, d, container_dn, &ds, reterr);
	}
	if (rc == 0)
		rc = gpo_sd_ds_to_fs(mem_ctx, ds, ret_fs);
	if (rc == GPO_ENOMEM)
		rc = gpo_oom(tmp, reterr);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/*
 * `fs` without the owner and group the item already has: setting either
 * needs WRITE_OWNER (or a privilege) even when it stays the same, which a
 * delegate who created the GPO, as owner, does not have.
 */
static int only_what_differs(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			     const struct gpo_sd *have, const struct gpo_sd *fs,
			     struct gpo_sd **ret, struct gpo_error **reterr)
{
	struct gpo_sd *out = talloc_memdup(mem_ctx, fs, sizeof(*fs)), *read = NULL;
	int rc = 0;

	if (out == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (have == NULL && (fs->owner != NULL || fs->group != NULL)) {
		rc = ad_smb_get_sd(mem_ctx, d->smb, path, &read, reterr);
		have = read;
	}
	if (rc != 0)
		return rc;
	if (have && out->owner && have->owner && gpo_sid_equal(out->owner, have->owner))
		out->owner = NULL;
	if (have && out->group && have->group && gpo_sid_equal(out->group, have->group))
		out->group = NULL;
	*ret = out;
	return 0;
}

int domain_set_folder_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			  const struct gpo_sd *have, const struct gpo_sd *want,
			  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_sd *plain = NULL, *fs = NULL;
	char *sddl_plain = NULL, *sddl = NULL;
	int rc = only_what_differs(tmp, d, path, have, want, &fs, reterr);

	if (rc != 0)
		goto out;
	rc = gpo_sd_without_object_aces(tmp, fs, &plain);
	sddl_plain = rc == 0 ? gpo_sd_sddl(tmp, plain) : NULL;
	sddl = gpo_sd_sddl(tmp, fs);
	if (sddl_plain == NULL || sddl == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	/*
	 * Samba keeps a folder's POSIX ACL as it was when the NT ACL holds an
	 * object entry (the container's "Apply Group Policy" always is one), so
	 * that the users it names could not write there.  The ACL without its
	 * object entries (which grant nothing on files) goes first and brings
	 * the POSIX ACL up to date; the whole ACL follows.
	 */
	rc = ad_smb_set_sddl(tmp, d->smb, path, sddl_plain, reterr);
	if (rc == 0 && strcmp(sddl_plain, sddl) != 0)
		rc = ad_smb_set_sddl(tmp, d->smb, path, sddl, reterr);
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

struct acl_item {
	char *path;
	struct gpo_sd *have;
	struct gpo_sd *want;
};

struct acl_tree {
	struct acl_item *items;
	size_t n;
};

static int add_item(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct acl_tree *t,
		    const char *path, struct gpo_sd *want, struct gpo_error **reterr)
{
	struct acl_item *grown = talloc_realloc(mem_ctx, t->items, struct acl_item, t->n + 1);
	int rc;

	if (grown == NULL)
		return gpo_oom(mem_ctx, reterr);
	t->items = grown;
	grown[t->n].path = talloc_strdup(grown, path);
	grown[t->n].want = want;
	rc = ad_smb_get_sd(grown, d->smb, path, &grown[t->n].have, reterr);
	if (rc == 0)
		t->n++;
	return rc;
}

/* Every item below `dir`, what it has and what it is to inherit from `parent`. */
static int collect_tree(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct acl_tree *t,
			const char *dir, const struct gpo_sd *parent, int depth,
			struct gpo_error **reterr)
{
	struct ad_smb_entry *e = NULL;
	size_t n = 0, i;
	int rc = ad_smb_list(mem_ctx, d->smb, dir, &e, &n, reterr);

	if (rc == 0 && depth > 16)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "'%s' is nested more than 16 "
				"folders deep: not a GPO folder", dir);
	for (i = 0; rc == 0 && i < n; i++) {
		char *path = talloc_asprintf(mem_ctx, "%s/%s", dir, e[i].name);
		struct acl_item *it;
		struct gpo_sd *want = NULL;

		rc = path ? add_item(mem_ctx, d, t, path, NULL, reterr) : gpo_oom(mem_ctx, reterr);
		if (rc != 0)
			break;
		it = &t->items[t->n - 1];
		if (sd_inherit(t->items, parent, it->have->owner, e[i].is_dir, &want) != 0)
			return gpo_oom(mem_ctx, reterr);
		it->want = want;
		if (e[i].is_dir)
			rc = collect_tree(mem_ctx, d, t, path, want, depth + 1, reterr);
	}
	return rc;
}

/* The share path as users see it: \\dc\sysvol\realm\... */
static char *unc(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *path)
{
	char *s = talloc_asprintf(mem_ctx, "\\\\%s\\sysvol\\%s", d->dc, path), *p;

	for (p = s; p != NULL && *p; p++)
		if (*p == '/')
			*p = '\\';
	return s;
}

/* Read every item and check the right to change each one, changing nothing. */
static int plan_tree(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		     const struct gpo_sd *fs, struct acl_tree *t, struct gpo_error **reterr)
{
	const char *who = d->identity ? d->identity : "this account";
	size_t i;
	int rc = add_item(mem_ctx, d, t, path, discard_const(fs), reterr);

	if (rc == 0)
		rc = collect_tree(mem_ctx, d, t, path, fs, 0, reterr);
	for (i = 0; rc == 0 && i < t->n; i++) {
		if (!domain_granted(d, t->items[i].have, STD_WRITE_DAC, true))
			rc = gpo_fail(mem_ctx, reterr, GPO_EACCES, "%s may not change the ACL of "
				      "%s (WRITE_DAC on it): nothing was changed", who,
				      unc(mem_ctx, d, t->items[i].path));
		/* the right must last through both steps of every item */
		else if (!domain_granted(d, t->items[i].want, STD_WRITE_DAC, true))
			rc = gpo_fail(mem_ctx, reterr, GPO_EACCES, "%s may change the ACL of %s "
				      "only through entries that the container does not hold, so "
				      "it would lose that right half-way (give it 'Modify "
				      "security' on the GPO): nothing was changed", who,
				      unc(mem_ctx, d, t->items[i].path));
	}
	return rc;
}

static int apply_tree(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct acl_tree *t,
		      struct gpo_error **reterr)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < t->n; i++) {
		rc = domain_set_folder_acl(mem_ctx, d, t->items[i].path, t->items[i].have,
					   t->items[i].want, reterr);
		if (rc != 0 && i > 0)
			rc = gpo_fail(mem_ctx, reterr, GPO_EPARTIAL, "%s; the ACL of %zu of the %zu "
				      "items was set, the others are as they were (run 'gpo-cep "
				      "acl --repair' again)", (*reterr)->message, i, t->n);
	}
	return rc;
}

int domain_set_tree_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			const struct gpo_sd *fs, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct acl_tree t = { NULL, 0 };
	int rc = plan_tree(tmp, d, path, fs, &t, reterr);

	if (rc == 0)
		rc = apply_tree(tmp, d, &t, reterr);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/*
 * The entries a child inherits from `parent`: for a folder those with
 * container inherit (and object inherit, kept for further down), for a file
 * those with object inherit; CREATOR OWNER becomes the child's owner.
 */
static bool inherits(const struct gpo_ace *p, bool child_is_dir)
{
	return child_is_dir ? (p->flags & (GPO_ACE_CONTAINER_INHERIT | GPO_ACE_OBJECT_INHERIT)) != 0
			    : (p->flags & GPO_ACE_OBJECT_INHERIT) != 0;
}

/* Whether a child entry is one its parent hands down (type, rights and trustee). */
static bool from_parent(const struct gpo_ace *c, const struct gpo_sd *parent,
			const struct gpo_sid *child_owner, bool child_is_dir)
{
	const struct gpo_sid creator_owner = { .revision = 1, .n_sub = 1, .authority = 3,
					       .sub = { 0 } };
	size_t i;

	for (i = 0; i < parent->n_aces; i++) {
		const struct gpo_ace *p = &parent->aces[i];
		bool co = gpo_sid_equal(&p->trustee, &creator_owner);

		if (!inherits(p, child_is_dir) || p->type != c->type || p->mask != c->mask)
			continue;
		if (gpo_sid_equal(&p->trustee, &c->trustee) ||
		    (co && child_owner != NULL && gpo_sid_equal(child_owner, &c->trustee)))
			return true;
	}
	return false;
}

/* Whether `sd` holds an entry like `want` (type, rights, trustee; CREATOR OWNER as the owner). */
static bool holds(const struct gpo_sd *sd, const struct gpo_ace *want, bool inherit_only)
{
	const struct gpo_sid creator_owner = { .revision = 1, .n_sub = 1, .authority = 3,
					       .sub = { 0 } };
	bool co = gpo_sid_equal(&want->trustee, &creator_owner) && !inherit_only;
	size_t i;

	for (i = 0; i < sd->n_aces; i++) {
		const struct gpo_ace *a = &sd->aces[i];

		if (a->type != want->type || a->mask != want->mask ||
		    ((a->flags & GPO_ACE_INHERIT_ONLY) != 0) != inherit_only)
			continue;
		if (gpo_sid_equal(&a->trustee, &want->trustee) ||
		    (co && sd->owner != NULL && gpo_sid_equal(&a->trustee, sd->owner)))
			return true;
	}
	return false;
}

/*
 * What is wrong with one item below the folder, or NULL.  Samba does not
 * always mark inherited entries as such, so the test is what the entries
 * say: every one must be what the parent hands down, and everything the
 * parent hands down must be there.
 */
static char *item_problem(TALLOC_CTX *mem_ctx, const struct gpo_sd *have,
			  const struct gpo_sd *parent, bool is_dir)
{
	size_t i;

	for (i = 0; i < have->n_aces; i++) {
		const struct gpo_ace *a = &have->aces[i];

		/* an object entry grants nothing on a file */
		if (a->type == GPO_ACE_ALLOWED_OBJECT || a->type == GPO_ACE_DENIED_OBJECT)
			continue;
		if (!from_parent(a, parent, have->owner, is_dir))
			return talloc_asprintf(mem_ctx, "an entry the folder does not hand down: %s",
					       gpo_ace_sddl(mem_ctx, a));
	}
	for (i = 0; i < parent->n_aces; i++) {
		const struct gpo_ace *p = &parent->aces[i];

		if (p->type == GPO_ACE_ALLOWED_OBJECT || p->type == GPO_ACE_DENIED_OBJECT ||
		    !inherits(p, is_dir) || (p->flags & GPO_ACE_NO_PROPAGATE))
			continue;
		/* a file gets the entry itself; a folder also keeps passing it down */
		if (!holds(have, p, false) &&
		    !(is_dir && holds(have, p, true) && (p->flags & GPO_ACE_INHERIT_ONLY) == 0 &&
		      !(p->flags & GPO_ACE_CONTAINER_INHERIT)))
			return talloc_asprintf(mem_ctx, "lacks an entry the folder hands down: %s",
					       gpo_ace_sddl(mem_ctx, p));
	}
	return NULL;
}

/* Check every file and folder below `dir` against its parent's ACL. */
static int check_tree(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *root,
		      const char *rel, const struct gpo_sd *parent, struct gpo_domain_acl *acl,
		      int depth, struct gpo_error **reterr)
{
	struct ad_smb_entry *e = NULL;
	char *dir = talloc_asprintf(mem_ctx, "%s%s%s", root, rel[0] ? "/" : "", rel);
	size_t n = 0, i;
	int rc = dir ? ad_smb_list(mem_ctx, d->smb, dir, &e, &n, reterr) : gpo_oom(mem_ctx, reterr);

	for (i = 0; rc == 0 && i < n && depth < 16; i++) {
		char *child_rel = talloc_asprintf(mem_ctx, "%s%s%s", rel, rel[0] ? "/" : "",
						  e[i].name);
		struct gpo_sd *have = NULL;
		char *why;

		rc = child_rel ? ad_smb_get_sd(mem_ctx, d->smb,
					       talloc_asprintf(mem_ctx, "%s/%s", root, child_rel),
					       &have, reterr)
			       : gpo_oom(mem_ctx, reterr);
		if (rc != 0)
			break;
		why = item_problem(mem_ctx, have, parent, e[i].is_dir);
		if (why != NULL) {
			struct gpo_domain_acl_item *grown =
				talloc_realloc(acl, acl->items, struct gpo_domain_acl_item,
					       acl->n_items + 1);

			if (grown == NULL)
				return gpo_oom(mem_ctx, reterr);
			acl->items = grown;
			grown[acl->n_items].path = talloc_steal(grown, child_rel);
			grown[acl->n_items].problem = talloc_steal(grown, why);
			acl->n_items++;
		}
		if (e[i].is_dir)
			rc = check_tree(mem_ctx, d, root, child_rel, have, acl, depth + 1, reterr);
	}
	return rc;
}

int gpo_domain_check_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 const struct gpo_domain_gpo *gpo, struct gpo_domain_acl **ret_acl,
			 struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_acl *acl = talloc_zero(tmp, struct gpo_domain_acl);
	char *path = domain_sysvol_path(tmp, d, gpo->guid);
	struct gpo_sd *have = NULL;
	int rc;

	if (acl == NULL || path == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	acl->path = domain_unc_path(acl, d, gpo->guid);
	rc = domain_wanted_fs_sd(acl, d, gpo->dn, false, &acl->want, reterr);
	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	if (rc == 0)
		rc = ad_smb_get_sd(acl, d->smb, path, &have, reterr);
	if (rc == 0 && gpo_sd_compare_access(acl, acl->want, have, &acl->diff) != 0)
		rc = gpo_oom(tmp, reterr);
	/* inside, against what the folder really hands down */
	if (rc == 0)
		rc = check_tree(tmp, d, path, "", have, acl, 0, reterr);
	if (rc == 0 && (acl->want_sddl = gpo_sd_sddl(acl, acl->want)) == NULL)
		rc = gpo_oom(tmp, reterr);
	if (rc == 0) {
		acl->same = acl->diff->same && acl->n_items == 0;
		*ret_acl = talloc_steal(mem_ctx, acl);
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_repair_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *path = domain_sysvol_path(tmp, d, gpo->guid);
	struct gpo_sd *ds = NULL, *canon = NULL, *want = NULL;
	struct acl_tree t = { NULL, 0 };
	bool reorder = false;
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc = domain_read_sd(tmp, d, gpo->dn, &ds, reterr);

	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	if (rc != 0)
		goto out;
	/*
	 * smbcacls sorts a file ACL; samba-tool gpo aclcheck then wants the
	 * container in the same order, which is written only where that
	 * cannot change who may do what.
	 */
	if (gpo_sd_canonical_for_sysvol(tmp, ds, &canon, &reorder) != 0)
		reorder = false;
	/* rights first: nothing is changed unless all of it may be */
	if (reorder && !domain_granted(d, ds, STD_WRITE_DAC, false)) {
		rc = gpo_fail(tmp, reterr, GPO_EACCES, "%s may not change the permissions of GPO "
			      "%s's container (WRITE_DAC, 'Modify security' in GPMC): nothing "
			      "was changed", d->identity ? d->identity : "this account", gpo->guid);
		goto out;
	}
	rc = gpo_sd_ds_to_fs(tmp, reorder ? canon : ds, &want);
	if (rc != 0) {
		rc = gpo_oom(tmp, reterr);
		goto out;
	}
	rc = plan_tree(tmp, d, path, want, &t, reterr);
	if (rc == 0 && reorder) {
		canon->owner = NULL;
		canon->group = NULL;
		rc = gpo_sd_encode(tmp, canon, &bytes, &len);
		rc = rc == 0 ? ad_ldap_set_dacl(tmp, d->ldap, gpo->dn, bytes, len, reterr)
			     : gpo_oom(tmp, reterr);
	}
	/* what is inside inherits again: the files are not left with the old entries */
	if (rc == 0) {
		rc = apply_tree(tmp, d, &t, reterr);
		if (rc != 0 && reorder)
			rc = gpo_fail(tmp, reterr, GPO_EPARTIAL, "%s; the container's entries "
				      "were put in the order Windows keeps (no one's access "
				      "changed)", (*reterr)->message);
	}
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* Whether two descriptors hold the same DACL, entry for entry. */
static bool same_dacl(const struct gpo_sd *a, const struct gpo_sd *b)
{
	struct gpo_sd x = *a, y = *b;
	uint8_t *bx = NULL, *by = NULL;
	size_t lx = 0, ly = 0;
	bool same;

	x.owner = x.group = y.owner = y.group = NULL;
	x.control = y.control = 0;
	same = gpo_sd_encode(NULL, &x, &bx, &lx) == 0 && gpo_sd_encode(NULL, &y, &by, &ly) == 0 &&
	       lx == ly && memcmp(bx, by, lx) == 0;
	talloc_free(bx);
	talloc_free(by);
	return same;
}

/* The container's new DACL in the order SYSVOL needs, and the folder ACL it gives. */
static int dacl_to_write(TALLOC_CTX *mem_ctx, const struct gpo_sd *want, struct gpo_sd **ret_ds,
			 struct gpo_sd **ret_fs)
{
	struct gpo_sd *canon = NULL;
	bool reorder = false;

	/* smbcacls sorts the folder's ACL; aclcheck wants the container in that order */
	if (gpo_sd_canonical_for_sysvol(mem_ctx, want, &canon, &reorder) != 0)
		canon = NULL;
	*ret_ds = canon ? canon : discard_const(want);
	return gpo_sd_ds_to_fs(mem_ctx, *ret_ds, ret_fs);
}

static int set_container_dacl(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			      const struct gpo_domain_gpo *gpo, const struct gpo_sd *ds,
			      struct gpo_error **reterr)
{
	struct gpo_sd bare = *ds;
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc;

	bare.owner = bare.group = NULL;
	if (gpo_sd_encode(mem_ctx, &bare, &bytes, &len) != 0)
		return gpo_oom(mem_ctx, reterr);
	rc = ad_ldap_set_dacl(mem_ctx, d->ldap, gpo->dn, bytes, len, reterr);
	if (rc == GPO_ENET)
		rc = gpo_fail(mem_ctx, reterr, GPO_EPARTIAL, "%s: the container's permissions may "
			      "or may not have been changed, the SYSVOL folder's were not (look "
			      "with 'gpo-cep permissions', then run it again or 'gpo-cep acl "
			      "--repair')", (*reterr)->message);
	return rc;
}

int domain_write_dacl(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		      const struct gpo_sd *have, const struct gpo_sd *want, bool check_only,
		      struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *who = d->identity ? d->identity : "this account";
	char *path = domain_sysvol_path(tmp, d, gpo->guid);
	struct gpo_sd *now = NULL, *ds = NULL, *fs = NULL;
	struct acl_tree t = { NULL, 0 };
	int rc = domain_read_sd(tmp, d, gpo->dn, &now, reterr);

	if (rc == 0 && !same_dacl(now, have))
		rc = gpo_fail(tmp, reterr, GPO_ECONFLICT, "the permissions of GPO %s changed "
			      "while gpo-cep was working: nothing was changed; run again",
			      gpo->guid);
	if (rc == 0 && !domain_granted(d, now, STD_WRITE_DAC, false))
		rc = gpo_fail(tmp, reterr, GPO_EACCES, "%s may not change the permissions of GPO "
			      "%s's container (WRITE_DAC: 'Edit settings, delete, modify "
			      "security' in GPMC): nothing was changed", who, gpo->guid);
	if (rc == 0 && (path == NULL || dacl_to_write(tmp, want, &ds, &fs) != 0))
		rc = gpo_oom(tmp, reterr);
	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	/* every SYSVOL item may be changed, now and under the new ACL: checked before any write */
	if (rc == 0)
		rc = plan_tree(tmp, d, path, fs, &t, reterr);
	if (rc == 0 && check_only)
		goto out;
	if (rc == 0)
		rc = set_container_dacl(tmp, d, gpo, ds, reterr);
	if (rc == 0) {
		rc = apply_tree(tmp, d, &t, reterr);
		if (rc != 0)
			rc = gpo_fail(tmp, reterr, GPO_EPARTIAL, "%s; the container's permissions "
				      "were changed (run 'gpo-cep acl --repair --gpo %s' to bring "
				      "SYSVOL in line)",
				      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc),
				      gpo->guid);
	}
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
