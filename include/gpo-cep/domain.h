/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/domain.h - publishing GPOs in an Active Directory domain: the
 * groupPolicyContainer over LDAP, the files over SMB into SYSVOL, on one
 * domain controller.
 *
 * Every change first establishes, without changing anything, that it may
 * do all of it (the DC's effective rights, the SYSVOL folder's, critical
 * system objects); then it proceeds in an order where a failure part-way
 * leaves nothing worse than what the next run finishes or `delete`
 * removes.  Errors say what was and was not changed; GPO_EACCES means
 * nothing was, GPO_EPARTIAL means a change stopped part-way.
 * doc/domain.md describes each command's order and what a failure at each
 * step leaves behind.
 */
#ifndef GPO_CEP_DOMAIN_H
#define GPO_CEP_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>
#include <gpo-cep/sd.h>
#include <gpo-cep/permissions.h>
#include <gpo-cep/gpo.h>
#include <gpo-cep/replica.h>

enum gpo_domain_auth {
	GPO_DOMAIN_AUTH_AUTO = 0,     /* Kerberos when a ticket is in the cache, else a password */
	GPO_DOMAIN_AUTH_KERBEROS,     /* SASL GSSAPI for LDAP, Kerberos for SMB; needs the DC's name */
	GPO_DOMAIN_AUTH_PASSWORD,     /* simple bind over verified TLS, NTLM for SMB */
};

#define GPO_DOMAIN_OPTIONS_VERSION 1

struct gpo_domain_options {
	unsigned version;           /* GPO_DOMAIN_OPTIONS_VERSION */
	const char *realm;          /* the domain's DNS name; required */
	const char *dc;             /* DC host name or address; NULL: DNS SRV, PDC emulator first */
	enum gpo_domain_auth auth;
	const char *user;           /* "DOMAIN\\user" or "user@REALM" for password auth */
	const char *password;       /* copied, never kept: the caller wipes its own */
	const char *ca_file;        /* CA certificates for TLS; NULL: the system store */
	bool ldaps;                 /* ldaps:// on 636 instead of StartTLS on 389 */
	unsigned timeout;           /* seconds, for connecting and for each operation */
	const char *smb_conf;       /* smb.conf for the SMB client; NULL: the system's */
};

#define GPO_DOMAIN_OPTIONS_INIT { .version = GPO_DOMAIN_OPTIONS_VERSION, .timeout = 15 }

struct gpo_domain;

/*
 * Connect to a DC of the domain over LDAP (and SMB on first use), bind, and
 * read the domain's naming context, forest root GUID and the bound
 * identity's token (for the rights checks).  TLS 1.2 at least, always
 * verified.  The returned handle closes its connections when freed.  Errors
 * say which step failed: no DC found, DC unreachable, TLS verification, bad
 * credentials, expired or missing ticket.
 */
int gpo_domain_connect(TALLOC_CTX *mem_ctx, const struct gpo_domain_options *opts,
		       struct gpo_domain **ret_domain, struct gpo_error **reterr);

const char *gpo_domain_dc(const struct gpo_domain *d);

/* What a connection is, for gpo-cep connect.  Strings on the result. */
struct gpo_domain_info {
	const char *dc;          /* the DC, as connected to */
	const char *ldap_uri;    /* ldap://DC or ldaps://DC */
	const char *ldap_security; /* StartTLS, LDAPS or Kerberos (SASL GSSAPI), in words */
	const char *identity;    /* the bound account, "DOMAIN\name", from the session's token */
	const char *identity_sid;
	const char *sysvol;      /* \\DC\sysvol\REALM\Policies */
};

/*
 * The connection's DC, transport and identity, after testing SMB too: the
 * SYSVOL share over SMB2 or later with signing required, and its Policies
 * folder.  An error says which of them failed.
 */
int gpo_domain_describe(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			struct gpo_domain_info **ret_info, struct gpo_error **reterr);

/*
 * The PDC emulator's host name (its server object's dNSHostName), or NULL
 * when the role owner cannot be read; whether `d` is connected to it.
 * Writes belong there: GPMC makes them there, so edits do not race.
 */
const char *gpo_domain_pdc(const struct gpo_domain *d);
bool gpo_domain_on_pdc(const struct gpo_domain *d);

/*
 * In a child process made by fork(): leave the connections inherited from
 * the parent to the parent, without a word to the DC (the parent still
 * talks on them); SMB connects anew on first use, so that the child reads
 * SYSVOL on a connection of its own.  LDAP is unusable in the child
 * afterwards (a search fails with an error that says so; nothing reaches
 * the parent's stream); what was read over it before, such as the last
 * gpo_domain_list_gpos() (which reads what the per-GPO checks need),
 * still serves.
 */
int gpo_domain_after_fork(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr);

/* Another DC of the same domain, with the same options and credentials as `d`. */
int gpo_domain_connect_dc(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *dc,
			  struct gpo_domain **ret_domain, struct gpo_error **reterr);

/* A domain controller, from the configuration partition's nTDSDSA objects. */
struct gpo_domain_dc {
	char *name;          /* its server object's dNSHostName (else the server's name) */
	char *ntds_dn;       /* its NTDS Settings object */
	bool pdc;            /* it holds the PDC emulator role */
	bool connected;      /* `d` is connected to it */
};

/* Every DC of the domain, reachable or not: the PDC emulator first, then by name. */
int gpo_domain_list_dcs(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			struct gpo_domain_dc **ret_dcs, size_t *ret_count,
			struct gpo_error **reterr);

/*
 * The GPO `guid` as the DC of `d` holds it (gpo-cep/replica.h): its
 * container there (or none), every file and folder of its SYSVOL folder
 * there with a hash (`keep_data`: and the content, for a sync), and
 * whether that folder's ACL is the container's.  A missing container or
 * folder is a state, not an error.
 */
int gpo_domain_read_replica(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *guid,
			    bool keep_data, struct gpo_replica **ret_replica,
			    struct gpo_error **reterr);

/*
 * Make the SYSVOL folder of `base`'s GPO on the DC of `d` the baseline's
 * (`base` read with keep_data): every file and folder of the baseline,
 * those only this DC has kept unless `delete_extra`, the ACL derived from
 * this DC's container.  The copy is built beside the folder and swapped in
 * by renames, so that a complete folder is always there under the GPO's
 * name or, between the two renames, beside it; the next run finishes an
 * interrupted sync.  Nothing is done when the folders agree
 * (*ret_changed false) or the container has not reached this DC
 * (GPO_ENOTFOUND).  The rights to create and replace the folder are
 * checked first: GPO_EACCES, nothing changed.
 */
int gpo_domain_sync_replica(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			    const struct gpo_replica *base, bool delete_extra, bool *ret_changed,
			    struct gpo_error **reterr);
const char *gpo_domain_base_dn(const struct gpo_domain *d);
/* the forest root domain's objectGUID, "{...}" upper case: the LDAP: policy ID */
const char *gpo_domain_forest_guid(const struct gpo_domain *d);

/*
 * RFC 4514 DN equality as AD applies it: attribute types and values
 * compared without regard to ASCII case, spaces around ',', '+' and '='
 * ignored, escapes ("\,", "\2C") decoded.  A DN that does not parse equals
 * nothing.
 */
bool gpo_dn_equal(const char *a, const char *b);

/* Whether `dn` parses as a DN with at least one RDN. */
bool gpo_dn_valid(const char *dn);

#define GPO_LINK_DISABLED 1u
#define GPO_LINK_ENFORCED 2u

struct gpo_domain_link {
	char *dn;            /* the domain, OU or site */
	uint32_t options;    /* GPO_LINK_DISABLED | GPO_LINK_ENFORCED */
	bool options_known;  /* false: gPLink holds options gpo-cep cannot read */
	unsigned order;      /* GPMC's Link Order there: 1 = highest precedence, the
			      * last entry of gPLink, which clients apply last */
};

struct gpo_domain_gpo {
	char guid[39];
	char *dn;
	char *name;
	char *file_sys_path;
	uint32_t version;
	uint32_t flags;
	char *machine_extension_names;
	char *user_extension_names;
	bool critical;       /* isCriticalSystemObject: the domain's default GPOs */
	size_t n_links;
	struct gpo_domain_link *links;
};

/*
 * The GPO `which` names: a GUID in braces ("{31B2F340-...}", any case), or
 * else a display name, matched exactly.  GPO_ENOTFOUND when there is none;
 * GPO_EEXIST when a name is ambiguous (the message lists the candidates).
 */
int gpo_domain_find_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *which,
			struct gpo_domain_gpo **ret_gpo, struct gpo_error **reterr);

/* The GPO whose display name is `name`, even when that looks like a GUID (a policy's "name"). */
int gpo_domain_find_gpo_by_name(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
				struct gpo_domain_gpo **ret_gpo, struct gpo_error **reterr);

/* Every GPO of the domain, with its links, sorted by display name. */
int gpo_domain_list_gpos(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 struct gpo_domain_gpo **ret_gpos, size_t *ret_count,
			 struct gpo_error **reterr);

/* What a listing reads besides the containers, their links and the domain's names. */
enum gpo_domain_listing {
	/* every GPO's CN=Machine and CN=User children too: what gpo_domain_check_gpo needs */
	GPO_DOMAIN_LISTING_FULL = 0,
	/* not those (acl, status): one search fewer; a check then searches them per GPO */
	GPO_DOMAIN_LISTING_NO_CHILDREN = 1,
};

/* gpo_domain_list_gpos, reading what `what` says. */
int gpo_domain_list_gpos_for(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			     enum gpo_domain_listing what, struct gpo_domain_gpo **ret_gpos,
			     size_t *ret_count, struct gpo_error **reterr);

/* What is wrong with a GPO, as gpo_domain_check_gpo() finds it. */
enum gpo_domain_problem {
	GPO_PROBLEM_NO_FOLDER = 1 << 0,    /* no SYSVOL folder */
	GPO_PROBLEM_NO_GPT_INI = 1 << 1,   /* the folder has no GPT.INI */
	GPO_PROBLEM_NO_CHILDREN = 1 << 2,  /* CN=User or CN=Machine is missing */
	GPO_PROBLEM_VERSION = 1 << 3,      /* GPT.INI Version is not versionNumber */
	GPO_PROBLEM_INTERRUPTED = 1 << 4,  /* files of an interrupted update are there */
	GPO_PROBLEM_LOCKED = 1 << 5,       /* a gpo-cep run holds the folder's lock */
	GPO_PROBLEM_ACL = 1 << 6,          /* the folder's ACL is not the container's */
	GPO_PROBLEM_PERMISSIONS = 1 << 7,  /* the container's DACL has gpo_perm_check() problems */
};

/* The problems that make a GPO incomplete (the others are drift or a run at work). */
#define GPO_PROBLEMS_INCOMPLETE                                                    \
	(GPO_PROBLEM_NO_FOLDER | GPO_PROBLEM_NO_GPT_INI | GPO_PROBLEM_NO_CHILDREN | \
	 GPO_PROBLEM_VERSION | GPO_PROBLEM_INTERRUPTED)

struct gpo_domain_state {
	unsigned problems;      /* enum gpo_domain_problem bits; 0: complete */
	char *description;      /* what is missing, in words; "" when complete */
	bool have_gpt_version;
	uint32_t gpt_version;
	unsigned permission_problems; /* enum gpo_perm_problem bits */
};

/*
 * Whether a GPO is complete: container children, SYSVOL folder, GPT.INI
 * agreeing with versionNumber, no interrupted update.  An incomplete GPO
 * is finished by `apply` or removed by `delete`.
 */
int gpo_domain_check_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 const struct gpo_domain_gpo *gpo, struct gpo_domain_state **ret_state,
			 struct gpo_error **reterr);

/*
 * Create a GPO named `name` holding `render`'s files: the container with
 * its User and Machine children, the SYSVOL folder with the ACL derived
 * from the container's security descriptor, the files, and last the
 * version and extension names, so that a client never sees a version
 * whose files are missing.  The right to create GPOs is checked first.  If
 * a step fails, what was created is removed again; when that fails too
 * (GPO_EPARTIAL), the GPO is left incomplete and the message says how to
 * finish or remove it.  GPO_EEXIST when a GPO of that name exists (the
 * message says whether it is incomplete).
 */
int gpo_domain_create_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
			  const struct gpo_render *render, struct gpo_domain_gpo **ret_gpo,
			  struct gpo_error **reterr);

/*
 * Complete a GPO that an interrupted create left behind: the container's
 * children, the SYSVOL folder and its ACL (set when the GPO never got a
 * version, as a create that stopped leaves it; other ACL drift is for
 * gpo_domain_repair_acl).  Its files are then written by an update
 * (gpo_domain_apply_plan).  Nothing to do for a complete GPO.
 */
int gpo_domain_complete_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			    const struct gpo_domain_gpo *gpo, struct gpo_error **reterr);

/*
 * Read a GPO's files from SYSVOL; `folder` is the UNC path.  Files of an
 * interrupted update are read as the next update will leave them.
 */
int gpo_domain_read_files(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, struct gpo_files **ret_files,
			  struct gpo_error **reterr);

struct gpo_update_plan;

/*
 * Carry out an update plan (gpo-cep/merge.h) made from `current` and `gpo`.
 * Checks first that this identity may write the container's version and
 * extension names and the files; takes the folder's lock; finishes an
 * interrupted update; checks that neither the version in AD nor the files
 * changed since they were read (GPO_ECONFLICT: nothing written); replaces
 * the files crash-safely (doc/domain.md); then raises versionNumber in one
 * compare-and-swap modify with the extension names.
 */
int gpo_domain_apply_plan(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, const struct gpo_files *current,
			  const struct gpo_update_plan *plan, struct gpo_error **reterr);

/* A link option the caller wants set, cleared or left as the link has it. */
enum gpo_link_flag {
	GPO_LINK_KEEP = 0,
	GPO_LINK_ON,
	GPO_LINK_OFF,
};

struct gpo_link_request {
	enum gpo_link_flag enforced;
	enum gpo_link_flag disabled;
	unsigned order;        /* GPMC's Link Order, 1 = highest precedence; 0: a new
				* link gets the lowest, an existing one keeps its own */
};

/* What a link or unlink did. */
struct gpo_link_change {
	bool added;            /* a new link */
	bool removed;
	bool options_changed;  /* an existing link's options */
	uint32_t old_options, new_options;
	bool order_changed;    /* an existing link moved */
	unsigned old_order, new_order;
};

/*
 * Check that `target_dn` can take a link before anything is changed: a
 * DN (else GPO_EINVAL), an object that exists (GPO_ENOTFOUND), one that
 * holds gPLink, a domain, OU or site (GPO_ERROR), and that this identity
 * may write its gPLink (GPO_EACCES).
 */
int gpo_domain_check_link_target(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
				 const char *target_dn, struct gpo_error **reterr);

/*
 * What GPOs can be linked to below the domain: the domain itself, then
 * every OU, by DN in case-insensitive order (shell completion reads these).
 */
int gpo_domain_list_link_targets(TALLOC_CTX *mem_ctx, struct gpo_domain *d, char ***ret_dns,
				 size_t *ret_count, struct gpo_error **reterr);

/*
 * Link the GPO to `target_dn` with the lowest precedence, as GPMC does
 * (at the start of gPLink: clients apply its entries in order, the last
 * wins), or at req->order; or change an existing link's options and order
 * as `req` asks (absent flags keep the link's).  Every other entry of gPLink is written back byte for byte;
 * the change is one compare-and-swap modify, retried when another writer
 * got there first.  DNs compare as RFC 4514 says.  gpo->links is brought up
 * to date.
 */
int gpo_domain_link(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *gpo,
		    const char *target_dn, const struct gpo_link_request *req,
		    struct gpo_link_change *ret_change, struct gpo_error **reterr);

/* Remove the GPO's link from `target_dn` (ret_change->removed: there was one). */
int gpo_domain_unlink(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *gpo,
		      const char *target_dn, struct gpo_link_change *ret_change,
		      struct gpo_error **reterr);

/* One file or folder of a GPO whose ACL is not what the container calls for. */
struct gpo_domain_acl_item {
	char *path;               /* relative to the GPO folder; "" for the folder */
	char *problem;            /* what differs, in words */
};

/* A GPO's SYSVOL ACLs against the one its container's descriptor calls for. */
struct gpo_domain_acl {
	char *path;               /* \\dc\sysvol\realm\Policies\{GUID} */
	struct gpo_sd *want;      /* the container's descriptor as a folder ACL */
	char *want_sddl;
	struct gpo_sd_diff *diff; /* the folder's ACL against `want`; diff->same: in sync */
	size_t n_items;           /* every file and folder below that does not inherit it */
	struct gpo_domain_acl_item *items;
	bool same;                /* the folder and everything inside are in sync */
};

/*
 * Compare the folder's ACL with the container's and check that every file
 * and folder inside inherits it: the check behind `samba-tool gpo
 * aclcheck` (which looks at the folder alone), for one GPO, saying what
 * differs.  Drift comes from editing one side alone: the container's
 * delegation in GPMC or ldapmodify, a folder's or file's ACL in Explorer.
 */
int gpo_domain_check_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 const struct gpo_domain_gpo *gpo, struct gpo_domain_acl **ret_acl,
			 struct gpo_error **reterr);

/*
 * Set the folder's ACL from the container's descriptor and let everything
 * inside inherit it again.  Deny entries stay in their place; the
 * container's entries are put in the folder's order only where that cannot
 * change who may do what.  Checks first that this identity may change both
 * ACLs.  Only this GPO is touched.
 */
int gpo_domain_repair_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, struct gpo_error **reterr);

/* A GPO's permissions as GPMC's Delegation tab shows them (gpo-cep/permissions.h). */
struct gpo_domain_permissions {
	struct gpo_sd *sd;                 /* the container's descriptor, as read */
	struct gpo_sid domain_sid;
	size_t n_trustees;
	struct gpo_perm_trustee *trustees; /* in the order of their first entry */
	char **names;                      /* each one's "DOMAIN\name", well-known name or SID */
	unsigned problems;                 /* enum gpo_perm_problem bits */
	char *problem_text;                /* what they mean, in words; "" for none */
};

int gpo_domain_read_permissions(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
				const struct gpo_domain_gpo *gpo,
				struct gpo_domain_permissions **ret_perms,
				struct gpo_error **reterr);

/*
 * The SID of a trustee named as a SID ("S-1-5-21-..."), a well-known name
 * ("Authenticated Users", "NT AUTHORITY\SYSTEM", an SDDL alias such as
 * "DC"), "DOMAIN\name" (the domain's NetBIOS or DNS name), "name@realm"
 * (sAMAccountName or userPrincipalName) or a bare sAMAccountName.
 * *ret_name is how gpo-cep shows it.  GPO_ENOTFOUND, with names of this
 * domain that resemble it (ambiguous name resolution), when there is none;
 * GPO_EINVAL for a name of another domain.
 */
int gpo_domain_resolve_trustee(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *text,
			       struct gpo_sid *ret_sid, char **ret_name, struct gpo_error **reterr);

/*
 * Give the GPO's container the DACL of `want` (made from `perms->sd` with
 * gpo_perm_edit()), in the order SYSVOL needs where that changes no one's
 * access, and its SYSVOL folder and everything inside the ACL derived from
 * it.  Checked first, nothing changed otherwise: the container's DACL is
 * still the one read (GPO_ECONFLICT), this identity may change it
 * (WRITE_DAC) and every SYSVOL item's, now and under the new ACL
 * (GPO_EACCES).  When the folder step fails after the container was
 * written: GPO_EPARTIAL, and `gpo-cep acl --repair` finishes.
 */
int gpo_domain_set_permissions(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			       const struct gpo_domain_gpo *gpo,
			       const struct gpo_domain_permissions *perms, const struct gpo_sd *want,
			       struct gpo_error **reterr);

/*
 * The checks of gpo_domain_set_permissions() alone, writing nothing: for a
 * command that changes settings first, so that a missing right stops it
 * before any write.
 */
int gpo_domain_check_set_permissions(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
				     const struct gpo_domain_gpo *gpo,
				     const struct gpo_domain_permissions *perms,
				     const struct gpo_sd *want, struct gpo_error **reterr);

/*
 * Who may create GPOs: the trustees the DACL of CN=Policies,CN=System
 * allows to create groupPolicyContainer objects, named as
 * gpo_domain_read_permissions() names them.
 */
int gpo_domain_gpo_creators(TALLOC_CTX *mem_ctx, struct gpo_domain *d, char ***ret_names,
			    size_t *ret_count, struct gpo_error **reterr);

/*
 * Let `trustee` create GPOs, as Windows lets Group Policy Creator Owners
 * ((OA;;CC;f30e3bc2-9ff0-11d1-b603-0000f80367c1;;T) on CN=Policies,CN=System;
 * Samba 4.17 provisions none), or take that entry away (`grant` false).
 * WRITE_DAC there is checked first.  *ret_changed: the DACL was written.
 * The SYSVOL Policies folder must let the trustee create folders as well
 * (Samba's provisioning lets Group Policy Creator Owners).
 */
int gpo_domain_set_gpo_creator(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			       const struct gpo_sid *trustee, bool grant, bool *ret_changed,
			       struct gpo_error **reterr);

/*
 * Delete a GPO.  Refused for the domain's default GPOs and any critical
 * system object, and when this identity lacks a right for any step
 * (GPO_EACCES, nothing changed).  Then: the container with its children in
 * one tree delete, the links, the SYSVOL folder.  A failure after the
 * container is gone leaves at most links and a folder that
 * gpo_domain_delete_orphan() removes (GPO_EPARTIAL).
 */
int gpo_domain_delete_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, struct gpo_error **reterr);

/* What is left of a GPO whose container is gone. */
struct gpo_domain_orphan {
	char guid[39];
	bool folder;            /* its SYSVOL folder exists */
	size_t n_links;         /* links to it that remain */
	char **link_targets;
};

/* SYSVOL folders and gPLink entries of GPOs that have no container. */
int gpo_domain_list_orphans(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			    struct gpo_domain_orphan **ret_orphans, size_t *ret_count,
			    struct gpo_error **reterr);

/*
 * Remove what is left of GPO `guid`: links, then folder.  GPO_EEXIST while
 * a container exists; GPO_ENOTFOUND when nothing is left.
 */
int gpo_domain_delete_orphan(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *guid,
			     struct gpo_error **reterr);

#endif
