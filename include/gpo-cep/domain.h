/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/domain.h - publishing GPOs in an Active Directory domain: the
 * groupPolicyContainer over LDAP, the files over SMB into SYSVOL, on one
 * domain controller.
 */
#ifndef GPO_CEP_DOMAIN_H
#define GPO_CEP_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>
#include <gpo-cep/sd.h>
#include <gpo-cep/gpo.h>

enum gpo_domain_auth {
	GPO_AUTH_AUTO = 0,     /* Kerberos when a ticket is in the cache, else a password */
	GPO_AUTH_KERBEROS,     /* SASL GSSAPI for LDAP, Kerberos for SMB; needs the DC's name */
	GPO_AUTH_PASSWORD,     /* simple bind over verified TLS, NTLM for SMB */
};

#define GPO_DOMAIN_OPTIONS_VERSION 1

struct gpo_domain_options {
	unsigned version;           /* GPO_DOMAIN_OPTIONS_VERSION */
	const char *realm;          /* the domain's DNS name; required */
	const char *dc;             /* DC host name or address; NULL: DNS SRV, PDC emulator first */
	enum gpo_domain_auth auth;
	const char *user;           /* "DOMAIN\\user" or "user@REALM" for password auth */
	char *password;             /* wiped by gpo_domain_connect(), whatever happens */
	const char *ca_file;        /* CA certificates for TLS; NULL: the system store */
	bool ldaps;                 /* ldaps:// on 636 instead of StartTLS on 389 */
	unsigned timeout;           /* seconds, for connecting and for each operation */
	const char *smb_conf;       /* smb.conf for the SMB client; NULL: the system's */
};

#define GPO_DOMAIN_OPTIONS_INIT { .version = GPO_DOMAIN_OPTIONS_VERSION, .timeout = 15 }

struct gpo_domain;

/*
 * Connect to a DC of the domain over LDAP (and SMB on first use), bind, and
 * read the domain's naming context, SID and forest root GUID.  The returned
 * handle closes its connections when freed.  Errors say which step failed:
 * no DC found, DC unreachable, TLS verification, bad credentials, expired
 * or missing ticket.
 */
int gpo_domain_connect(TALLOC_CTX *mem_ctx, struct gpo_domain_options *opts,
		       struct gpo_domain **ret_domain, struct gpo_error **reterr);

const char *gpo_domain_dc(const struct gpo_domain *d);
const char *gpo_domain_base_dn(const struct gpo_domain *d);
/* the forest root domain's objectGUID, "{...}" upper case: the LDAP: policy ID */
const char *gpo_domain_forest_guid(const struct gpo_domain *d);

struct gpo_domain_link {
	char *dn;          /* the domain, OU or site */
	unsigned options;  /* 1 = disabled, 2 = enforced */
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
	size_t n_links;
	struct gpo_domain_link *links;
};

/*
 * The GPO whose GUID (with or without braces) or display name is `which`.
 * GPO_ENOTFOUND when there is none; GPO_EEXIST when a name is ambiguous.
 */
int gpo_domain_find_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *which,
			struct gpo_domain_gpo **ret_gpo, struct gpo_error **reterr);

/* Every GPO of the domain, with its links. */
int gpo_domain_list_gpos(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 struct gpo_domain_gpo **ret_gpos, size_t *ret_count,
			 struct gpo_error **reterr);

/*
 * Create a GPO named `name` holding `render`'s files: the container and
 * its User and Machine children, the SYSVOL folder with the ACL derived
 * from the container's security descriptor, the files, and last the
 * version and extension names, so that a client never sees a version
 * whose files are missing.  If any step fails, what was created is removed
 * again.  GPO_EEXIST when a GPO of that name exists.
 */
int gpo_domain_create_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
			  const struct gpo_render *render, struct gpo_domain_gpo **ret_gpo,
			  struct gpo_error **reterr);

/* Read a GPO's files from SYSVOL (see struct gpo_dir_contents). */
int gpo_domain_read_files(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo,
			  struct gpo_dir_contents **ret_contents, struct gpo_error **reterr);

#define GPO_LINK_DISABLED 1u
#define GPO_LINK_ENFORCED 2u

/*
 * Link the GPO to `target_dn` (domain or OU) with the lowest precedence,
 * as GPMC does; an existing link gets the new options, and gpo->links is
 * brought up to date.  Unlink removes it.
 */
int gpo_domain_link(struct gpo_domain *d, struct gpo_domain_gpo *gpo,
		    const char *target_dn, unsigned options, struct gpo_error **reterr);
int gpo_domain_unlink(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		      const char *target_dn, struct gpo_error **reterr);

struct gpo_update_plan;

/*
 * Carry out an update plan (gpo/merge.h) made from `current` and `gpo`:
 * first check that neither the version in AD nor the files changed since
 * they were read (GPO_ECONFLICT otherwise), upload each changed file under a
 * temporary name and rename it into place, GPT.INI last, then raise
 * versionNumber in one compare-and-swap modify together with the extension
 * names.  A failure before the version moves leaves files that the next run
 * repairs; the error says which step failed.
 */
int gpo_domain_apply_plan(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			  const struct gpo_dir_contents *current,
			  const struct gpo_update_plan *plan, struct gpo_error **reterr);

/* A GPO's SYSVOL folder ACL against the one its container's descriptor calls for. */
struct gpo_domain_acl {
	char *path;               /* \\dc\sysvol\realm\Policies\{GUID} */
	struct gpo_sd *want;      /* dsacl2fsacl of the container's nTSecurityDescriptor */
	char *want_sddl;
	struct gpo_sd_diff *diff; /* diff->same: in sync */
};

/*
 * Compare the folder's ACL with the container's (gpo_sd_compare_access):
 * the check behind `samba-tool gpo aclcheck`, for one GPO, saying what
 * differs.  Drift comes from editing one side alone: the container's
 * delegation in GPMC or ldapmodify, the folder's ACL in Explorer.
 */
int gpo_domain_check_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 const struct gpo_domain_gpo *gpo, struct gpo_domain_acl **ret_acl,
			 struct gpo_error **reterr);

/*
 * Set the folder's ACL from the container's descriptor and let everything
 * inside inherit it again.  The container is the authority: its entries are
 * kept, only put in the order smbcacls gives the folder (as create does),
 * so that samba-tool gpo aclcheck agrees afterwards.  Only this GPO is
 * touched.
 */
int gpo_domain_repair_acl(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			  struct gpo_error **reterr);

/* Remove the GPO's links, its container and its SYSVOL folder. */
int gpo_domain_delete_gpo(struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
			  struct gpo_error **reterr);

/*
 * Test hook: fail the named step of gpo_domain_create_gpo() ("ldap-add",
 * "smb-mkdir", "smb-acl", "smb-write", "ldap-version") to exercise the
 * rollback.  Read from the environment variable GPO_CEP_FAIL_STEP only when
 * the library was built with tests; a no-op otherwise.
 */

#endif
