/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/permissions.h - who a GPO applies to and who may edit it, as
 * GPMC's Scope and Delegation tabs show it: the groupPolicyContainer's DACL
 * read as GPMC permission levels per trustee, and edited with exactly the
 * entries GPMC writes for a level.  Pure: no I/O.
 *
 * The entries, for trustee T (MS-GPOL 3.2.5.1.6, GPMC):
 *   Read                                   (A;CI;LCRPLORC;;;T)
 *   Apply (security filtering)             Read + (OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;T)
 *   Edit settings                          (A;CI;CCDCLCSWRPWPLORC;;;T)
 *   Edit settings, delete, modify security (A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;T)
 *   Deny apply                             (OD;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;T)
 * GPMC's default DACL also gives Domain Admins the last mask on the
 * container alone, (A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA): read as part of that
 * level.  Every other entry is "custom": shown, never changed.
 */
#ifndef GPO_CEP_PERMISSIONS_H
#define GPO_CEP_PERMISSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>
#include <gpo-cep/sd.h>

#define GPO_PERM_MASK_READ 0x00020094u          /* LC RP LO RC */
#define GPO_PERM_MASK_EDIT 0x000200BFu          /* + CC DC SW WP */
#define GPO_PERM_MASK_EDIT_SECURITY 0x000F00FFu /* + DT SD WD WO */
#define GPO_PERM_MASK_CONTROL_ACCESS 0x00000100u
#define GPO_PERM_APPLY_GUID "edacfd8f-ffb3-11d1-b41d-00a0c968f939"

/* GPMC's levels, lowest first; a trustee's level is the highest its entries give. */
enum gpo_perm_level {
	GPO_PERM_NONE = 0,
	GPO_PERM_READ,
	GPO_PERM_APPLY,          /* Read and Apply Group Policy: security filtering */
	GPO_PERM_EDIT,
	GPO_PERM_EDIT_SECURITY,  /* Edit settings, delete, modify security */
	GPO_PERM_CUSTOM,         /* entries no level explains */
};

/* "read", "apply", "edit", "edit-security", "custom", "none" */
const char *gpo_perm_level_name(enum gpo_perm_level level);
/* GPMC's words: "Edit settings, delete, modify security" */
const char *gpo_perm_level_title(enum gpo_perm_level level);
/* The level a name above means; GPO_EINVAL for "custom", "none" and anything else. */
int gpo_perm_level_parse(const char *name, enum gpo_perm_level *ret_level);

struct gpo_perm_trustee {
	struct gpo_sid sid;
	enum gpo_perm_level level;  /* GPO_PERM_CUSTOM when any entry is custom */
	enum gpo_perm_level gpmc;   /* the level its GPMC-form entries give, custom ones aside */
	bool apply;                 /* allowed Apply Group Policy */
	bool deny_apply;            /* denied Apply Group Policy */
	size_t n_aces;              /* every entry naming it, in DACL order */
	struct gpo_ace *aces;
	size_t n_custom;            /* of those, the ones no level explains */
	struct gpo_ace *custom;
};

/* Every trustee the DACL names, in the order of its first entry. */
int gpo_perm_read(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd,
		  struct gpo_perm_trustee **ret_trustees, size_t *ret_count);

enum gpo_perm_op {
	GPO_PERM_GRANT,       /* give `level` (see below) */
	GPO_PERM_REVOKE,      /* remove every GPMC-form entry of the trustee, deny included */
	GPO_PERM_DENY_APPLY,  /* add the deny of Apply Group Policy */
	GPO_PERM_REVOKE_APPLY,/* remove its Apply Group Policy; Read and edit levels stay */
	GPO_PERM_REVOKE_DENY, /* remove its deny of Apply Group Policy */
};

/*
 * The DACL with one change for `trustee`; *ret_changed is false when it
 * already was so (then *ret_sd is a copy).  Granting:
 *   read            Read alone: replaces an edit level, ends Apply;
 *   apply           adds Apply, with Read unless an edit level already
 *                   reads, and removes a deny of Apply;
 *   edit, edit-security
 *                   replaces the trustee's read or edit level; Apply stays.
 * An entry replaced keeps its place; a new allow entry goes after the
 * last explicit entry, a new deny after the last explicit deny (before
 * every allow: Windows' canonical order).  Custom and inherited entries
 * stay as they are.  GPO_EINVAL for a level that cannot be granted.
 */
int gpo_perm_edit(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, const struct gpo_sid *trustee,
		  enum gpo_perm_op op, enum gpo_perm_level level, struct gpo_sd **ret_sd,
		  bool *ret_changed);

/* What a policy file's "permissions" ask for, its trustees as SIDs. */
struct gpo_perm_wanted {
	const struct gpo_sid *apply_to;    /* exactly these may apply it, when apply_given */
	size_t n_apply_to;
	bool apply_given;
	const struct gpo_sid *deny_apply;  /* exactly these are denied it, when deny_given */
	size_t n_deny_apply;
	bool deny_given;
	const struct gpo_sid *at_least[3]; /* Read, Edit settings, Edit/delete/modify security */
	size_t n_at_least[3];
};

/*
 * The DACL as `w` asks: with apply_given, trustees with Apply that apply_to
 * does not name lose it and keep their Read (a filter that drops Authenticated Users so
 * leaves them reading: no MS16-072 trap); those it names get Apply (and
 * Read); with deny_given, the denies are exactly deny_apply's; each
 * at_least trustee is raised to that level when its own is lower (Apply
 * counts as Read), never lowered.  Everything else stays, as
 * gpo_perm_edit() keeps it.  *ret_changed false: nothing to do.
 */
int gpo_perm_make(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, const struct gpo_perm_wanted *w,
		  struct gpo_sd **ret_sd, bool *ret_changed);

/* States in which a GPO does not do what its permissions seem to say. */
enum gpo_perm_problem {
	GPO_PERM_NO_APPLY = 1 << 0,        /* no trustee may apply it, or Authenticated Users
					    * or Everyone are denied it: it applies to nobody */
	GPO_PERM_HALF_FILTER = 1 << 1,     /* a trustee has Apply without Read: it never applies */
	GPO_PERM_NO_COMPUTER_READ = 1 << 2,/* neither Authenticated Users, Everyone nor Domain
					    * Computers may read it: since MS16-072 user
					    * settings stop applying */
};

/*
 * The problems of a DACL.  `domain_sid` (may be NULL) names Domain
 * Computers (its RID 515).  *ret_text says what each problem means, in
 * words; "" when there is none.
 */
int gpo_perm_check(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, const struct gpo_sid *domain_sid,
		   unsigned *ret_problems, char **ret_text);

/*
 * An entry as SDDL in GPMC's spelling: rights as letters in bit order, the
 * well-known SIDs (and those of `domain_sid`, may be NULL) as aliases:
 * "(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)".
 */
char *gpo_perm_ace_sddl(TALLOC_CTX *mem_ctx, const struct gpo_ace *ace,
			const struct gpo_sid *domain_sid);

/*
 * A well-known trustee's SID from its name: "Authenticated Users",
 * "NT AUTHORITY\Authenticated Users", "Everyone", "SYSTEM", "CREATOR OWNER",
 * "ENTERPRISE DOMAIN CONTROLLERS" or an SDDL alias ("AU", "DA", ...; the
 * domain's need `domain_sid`), any case.  GPO_ENOTFOUND when it is none.
 */
int gpo_perm_well_known(const char *name, const struct gpo_sid *domain_sid,
			struct gpo_sid *ret_sid);

/*
 * Creating GPOs: the right to create groupPolicyContainer objects in
 * CN=Policies,CN=System, as Windows grants it to Group Policy Creator
 * Owners: (OA;;CC;f30e3bc2-9ff0-11d1-b603-0000f80367c1;;T).
 */
#define GPO_PERM_GPC_CLASS_GUID "f30e3bc2-9ff0-11d1-b603-0000f80367c1"

/* The trustees whose explicit allow entries let them create groupPolicyContainer objects. */
int gpo_perm_creators(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, struct gpo_sid **ret_sids,
		      size_t *ret_count);

/*
 * Add (`grant`) or remove that entry for `trustee`; *ret_changed false when
 * there was nothing to do.  Removing takes only that exact entry: a
 * broader grant (CreateChild of every class) is the DACL's own, and stays.
 */
int gpo_perm_edit_creator(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd,
			  const struct gpo_sid *trustee, bool grant, struct gpo_sd **ret_sd,
			  bool *ret_changed);

/* The well-known name of a SID ("Authenticated Users", "Domain Admins"), or NULL. */
const char *gpo_perm_well_known_name(const struct gpo_sid *sid, const struct gpo_sid *domain_sid);

#endif
