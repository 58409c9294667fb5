/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A GPO's permissions for people and scripts: shared by the permissions
 * command and the policy file's "permissions" in create, update and apply.
 */
#ifndef GPO_CEP_CLI_PERM_H
#define GPO_CEP_CLI_PERM_H

#include "cli_domain.h"

/* One trustee's change: what it was, what it becomes, the entries added and removed. */
struct cli_perm_change {
	struct gpo_sid sid;
	const char *name;
	const struct gpo_perm_trustee *before, *after;
	struct gpo_sd added, removed;
};

/* "Read, Apply (security filtering)", with what GPMC's level leaves out. */
char *cli_perm_level_text(TALLOC_CTX *mem, const struct gpo_perm_trustee *t);
const struct gpo_perm_trustee *cli_perm_find(const struct gpo_perm_trustee *t, size_t n,
					     const struct gpo_sid *sid);
json_object *cli_perm_aces_json(TALLOC_CTX *mem, const struct gpo_ace *aces, size_t n,
				const struct gpo_sid *dom);
/* {trustees: [...], problems, problem_text} */
json_object *cli_perms_json(TALLOC_CTX *mem, const struct gpo_domain_permissions *p);
void cli_print_perms(TALLOC_CTX *mem, const struct gpo_domain_gpo *g,
		     const struct gpo_domain_permissions *p);
/* Every trustee whose entries differ between `before` and `after`. */
struct cli_perm_change *cli_perm_diff(TALLOC_CTX *mem, const struct gpo_domain_permissions *before,
				      const struct gpo_domain_permissions *after, size_t *ret_n);
void cli_print_perm_changes(TALLOC_CTX *mem, const struct cli_perm_change *c, size_t n,
			    const struct gpo_sid *dom, bool done);
json_object *cli_perm_changes_json(TALLOC_CTX *mem, const struct cli_perm_change *c, size_t n,
				   const struct gpo_sid *dom);

/*
 * `before` with its DACL replaced by `sd`: trustees, problems, and names as
 * `before` has them or, for new trustees, as names[] gives sids[].
 * GPO_ENOMEM or 0.
 */
int cli_perm_after(TALLOC_CTX *mem, const struct gpo_domain_permissions *before,
		   struct gpo_sd *sd, const struct gpo_sid *sids, char **names, size_t n,
		   struct gpo_domain_permissions **ret);

/* A policy file's "permissions" against one GPO. */
struct cli_perm_policy {
	struct gpo_perm_wanted w;
	struct gpo_sid *sids;     /* every trustee the file names, resolved */
	char **names;
	size_t n;
	struct gpo_domain_permissions *before, *after;  /* cli_perm_policy_plan */
	struct cli_perm_change *changes;
	size_t n_changes;
};

/*
 * Resolve every trustee of `p` over LDAP, before anything is written: an
 * unknown one is an error naming the file and its JSON pointer (exit 2).
 * Prints errors; returns an exit status.
 */
int cli_perm_policy_resolve(TALLOC_CTX *mem, struct gpo_domain *dom, const char *path,
			    const struct gpo_cep_permissions *p, struct cli_perm_policy **ret);

/*
 * What the file's permissions change on GPO `g` (pp->changes), refused
 * (exit 2, nothing written) when that leaves a problem the GPO did not have.
 */
int cli_perm_policy_plan(TALLOC_CTX *mem, struct gpo_domain *dom, const struct gpo_domain_gpo *g,
			 struct cli_perm_policy *pp);

/* Write the planned DACL and SYSVOL ACL; nothing when nothing changes. */
int cli_perm_policy_write(TALLOC_CTX *mem, struct gpo_domain *dom, const struct gpo_domain_gpo *g,
			  const struct cli_perm_policy *pp);

/*
 * The file's permissions on a GPO just created, before it is linked: on a
 * refusal or a failure the GPO is deleted again (nothing changed), and if
 * that fails too, exit 5 says what is left and how to remove it.
 */
int cli_perm_policy_new_gpo(TALLOC_CTX *mem, struct gpo_domain *dom, const char *realm,
			    const struct gpo_domain_gpo *g, struct cli_perm_policy *pp);

/* The file's permissions, for a GPO not yet created: {apply_to: [names], ...} or a line. */
void cli_perm_policy_preview(TALLOC_CTX *mem, const struct cli_perm_policy *pp, json_object *doc);

/*
 * render: the file's trustees must stand for SIDs offline (a SID, a
 * well-known name, or NAME=SID from `map`); each other one is an error
 * naming the file and pointer (exit 2).  With `doc`: "permissions" as SIDs.
 */
int cli_perm_policy_offline(TALLOC_CTX *mem, const char *path, const struct gpo_cep_permissions *p,
			    const char *const *map, size_t n_map, json_object *doc);

/*
 * A GPO's permissions as the policy file's "permissions" (show --domain):
 * apply_to and deny_apply exact, every trustee at its GPMC level, named by
 * its SID unless it is well known in every domain ("SYSTEM"); applied
 * again, they change nothing, and render takes them offline.  GPO_ENOMEM or 0.
 */
int cli_perm_policy_from_gpo(TALLOC_CTX *mem, const struct gpo_domain_permissions *perms,
			     struct gpo_cep_permissions **ret);

/* The changes as lines ("  permissions changed: ...") or as doc's "permissions" array. */
void cli_perm_policy_report(TALLOC_CTX *mem, const struct cli_perm_policy *pp, bool done,
			    json_object *doc);

#endif
