/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the domain modules share: the connection, paths, rights.  Private. */
#ifndef GPO_CEP_DOMAIN_INTERNAL_H
#define GPO_CEP_DOMAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/domain.h>
#include <gpo-cep/sd.h>

#include "ad_ldap.h"
#include "ad_smb.h"

#define GPO_FILE_MAX (64u << 20)

/* A sync's copy of a GPO folder while it is built, and the folder it replaces */
#define DOMAIN_SYNC_NEW ".gpo-cep-sync"
#define DOMAIN_SYNC_OLD ".gpo-cep-old"
#define SD_OWNER_GROUP_DACL 7

/* DS access rights ([MS-ADTS] 5.1.3.2) and file rights */
#define DS_CREATE_CHILD 0x00000001u
#define DS_DELETE_CHILD 0x00000002u
#define DS_DELETE_TREE 0x00000040u
#define STD_DELETE 0x00010000u
#define STD_WRITE_DAC 0x00040000u
#define FILE_ADD_FILE 0x00000002u
#define FILE_ADD_SUBDIR 0x00000004u
#define FILE_DELETE_CHILD 0x00000040u

/* The two GPOs every domain has and no tool may delete. */
#define DEFAULT_DOMAIN_POLICY "{31B2F340-016D-11D2-945F-00C04FB984F9}"
#define DEFAULT_DC_POLICY "{6AC1786C-016F-11D2-945F-00C04FB984F9}"

/*
 * What gpo_domain_list_gpos read besides the GPOs, for the checks that
 * follow it, so that they ask the DC nothing per GPO: each container's
 * descriptor and whether it has its CN=User and CN=Machine children.
 * Trusted only on the connection it was read on, while nothing was written
 * through it since (ad_ldap_writes).
 */
struct domain_listed {
	char guid[39];
	uint8_t *sd;          /* nTSecurityDescriptor as read (owner, group, DACL); NULL if unread */
	size_t sd_len;
	bool user, machine;   /* the children found */
	bool have_gpo;        /* gpo holds the container as listed */
	struct gpo_domain_gpo gpo; /* without its links */
};

struct domain_listing {
	const struct ad_ldap *ldap;
	unsigned long ldap_writes;
	size_t n;
	struct domain_listed *gpo; /* sorted by GUID */
	bool children_read;        /* their user and machine are known */
};

struct gpo_domain {
	struct gpo_domain_options o;
	char *password;       /* kept for SMB and smbcacls; wiped by the destructor */
	char *dc;
	char *realm;          /* lower case */
	char *base_dn;
	char *forest_guid;
	struct ad_ldap *ldap;
	struct ad_smb *smb;   /* connected on first use */
	struct gpo_sid *token; /* the bound identity's SIDs (rootDSE tokenGroups) */
	size_t n_token;
	char *identity;       /* who that is, for messages */
	struct gpo_sid *domain_sid; /* read on first use (domain_names) */
	char *netbios;        /* the domain's NetBIOS name, read with it; NULL if none */
	char *config_dn;      /* the configuration naming context */
	char *ntds_dn;        /* this DC's nTDSDSA object (rootDSE dsServiceName) */
	char *pdc_ntds_dn;    /* the PDC emulator's (fSMORoleOwner), NULL if unreadable */
	char *pdc;            /* its host name (dNSHostName), NULL if unreadable */
	struct domain_listing *listing; /* from the last gpo_domain_list_gpos, or NULL */
	struct domain_checked *checked; /* from the last gpo_domain_check_gpo, or NULL */
	struct domain_policies_names *policies_names; /* domain_replica.c, or NULL */
	unsigned long replica_reads;   /* gpo_domain_read_replica calls */
};

/* What the last listing read of the GPO `dn`, when it may still be trusted; else NULL. */
const struct domain_listed *domain_listed(const struct gpo_domain *d, const char *dn);

/*
 * Whether the listing of the last gpo_domain_list_gpos still stands (no
 * LDAP write since through this handle); *ret: the container of `guid` in
 * it, NULL when AD had none.
 */
bool domain_listed_guid(const struct gpo_domain *d, const char *guid,
			const struct domain_listed **ret);

/* The GUID of a GPO DN of this domain ("CN={...},CN=Policies,CN=System,<base>"). */
bool domain_gpo_dn_guid(const struct gpo_domain *d, const char *dn, char out[39]);

/* The host name of the DC whose nTDSDSA object is `ntds_dn` (its server's dNSHostName). */
int domain_dc_host(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *ntds_dn,
		   char **ret_host, struct gpo_error **reterr);

/* Whether the folder's ACL (SMB path) is the one the container `dn` calls for. */
int domain_folder_acl_same(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
			   const char *path, bool *ret_same, struct gpo_error **reterr);

/* Read the domain's SID and NetBIOS name into `d`, once. */
int domain_names(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr);

/*
 * Write `want`'s DACL to the GPO's container and derive its SYSVOL ACL on
 * the folder and everything inside (domain_acl.c): the rights for every
 * step are checked first, the container is written only when its DACL is
 * still `have`'s.  With `check_only`, the checks alone.
 */
int domain_write_dacl(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		      const struct gpo_sd *have, const struct gpo_sd *want, bool check_only,
		      struct gpo_error **reterr);

/* SMB to the same DC, connected on first use. */
int domain_smb(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_error **reterr);

char *domain_policies_dn(TALLOC_CTX *mem_ctx, const struct gpo_domain *d);
/* "realm/Policies/{GUID}": the GPO's folder, share-relative */
char *domain_sysvol_path(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *guid);
/* "\\dc\sysvol\realm\Policies\{GUID}": the same, for messages */
char *domain_unc_path(TALLOC_CTX *mem_ctx, const struct gpo_domain *d, const char *guid);

/* RFC 4515 escaping of a value inside a filter. */
char *domain_filter_escape(TALLOC_CTX *mem_ctx, const char *v);

/* The descriptor of `dn` (owner, group, DACL). */
int domain_read_sd(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
		   struct gpo_sd **ret_sd, struct gpo_error **reterr);

/* Whether the bound identity holds every right of `want` on `sd` (file or DS rights). */
bool domain_granted(const struct gpo_domain *d, const struct gpo_sd *sd, uint32_t want,
		    bool file);

/*
 * The attributes of `dn` this identity may not write (allowedAttributesEffective),
 * as a text "'a', 'b'", or NULL when it may write them all.
 */
int domain_unwritable(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
		      const char *const *attrs, char **ret_missing, struct gpo_error **reterr);

/* Read the container attributes into a gpo_domain_gpo. */
int domain_fill_gpo(TALLOC_CTX *mem_ctx, const struct ad_entry *e, struct gpo_domain_gpo *g);
extern const char *const domain_gpo_attrs[];

/*
 * The SYSVOL ACL a GPO's folder should have, from its container's
 * descriptor; with `canonicalize`, the container's DACL is first put in
 * smbcacls' order (when that cannot change who may do what).
 */
int domain_wanted_fs_sd(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *container_dn,
			bool canonicalize, struct gpo_sd **ret_fs, struct gpo_error **reterr);

/*
 * Set one item's ACL to `fs`: first without its object entries, so that
 * Samba brings the POSIX ACL up to date, then whole, so that the NT ACL is
 * exactly `fs`.  The owner and group are set only where they differ from
 * the item's (`have`; NULL: read it).
 */
int domain_set_folder_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			  const struct gpo_sd *have, const struct gpo_sd *fs,
			  struct gpo_error **reterr);

/*
 * Set a GPO folder's ACL to `fs` and that of everything inside to what it
 * inherits, item by item (Samba leaves the POSIX ACL of an item whose NT
 * ACL holds an object entry as it was, and smbcacls' propagation keeps an
 * item's own entries).  Every item is read and the right to change it
 * (WRITE_DAC, now and under the new ACL) checked before the first is
 * changed: GPO_EACCES then, nothing changed.  A failure part-way is
 * GPO_EPARTIAL, saying how many items were set.
 */
int domain_set_tree_acl(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			const struct gpo_sd *fs, struct gpo_error **reterr);

/*
 * The GPO folder lock: "gpo-cep.lock" created exclusively in the folder,
 * naming host, process and time.  One left by a process of this host that
 * is gone, or older than ten minutes, is taken over.  Freeing the lock
 * removes the file.
 */
struct domain_lock;
int domain_lock_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		       struct domain_lock **ret_lock, struct gpo_error **reterr);
/* The same with the lock file `file`, for what `path` names. */
int domain_lock_file(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *file,
		     const char *path, struct domain_lock **ret_lock, struct gpo_error **reterr);

/*
 * Finish or undo a file replacement that was interrupted (see
 * domain_replace_files); `*ret_done` says what was done ("" when there was
 * nothing to do).  Needs the lock.
 */
int domain_recover_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			  char **ret_done, struct gpo_error **reterr);

/*
 * Replace files in a GPO folder so that at every instant either the old or
 * the new complete set can be recovered, whatever stops the process: every
 * new file is written as NAME.gpo-cep-new and its size checked; then the
 * commit mark "gpo-cep.commit" is created, each file renamed to
 * NAME.gpo-cep-old and its new one into place; then the old ones are
 * removed, and the mark.  The mark (or a ".gpo-cep-old") means every
 * ".gpo-cep-new" is complete and the next run rolls forward; without it,
 * ".gpo-cep-new" files may be incomplete and are removed.  A refusal while
 * renaming is undone.  Needs the lock.  GPO_EPARTIAL when the connection
 * broke half-way (the next run finishes).  The files written are those of
 * `files` that `writes` names (NULL: every file present), in slot order,
 * each at its path below `path`.
 */
int domain_replace_files(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			 const struct gpo_files *files, const bool writes[GPO_FILE_SLOTS],
			 struct gpo_error **reterr);

/* A GPO folder as it will be once an interrupted update is recovered. */
struct domain_view {
	bool folder;          /* the folder exists */
	char *gpt_ini;        /* the file to read for GPT.INI, or NULL */
	char *pol[2];         /* the same for Machine/ and User/Registry.pol */
	char *scope_dir[2];   /* "Machine" or "MACHINE" as spelled, or NULL */
	bool pol_unlisted[2]; /* pol[k] named, its folder not listed: it may be absent */
	bool unfinished;      /* files of an interrupted update are there */
	bool locked;          /* a lock file is there */
};

/* Every folder listed: what an update, holding the lock, must see. */
int domain_view_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		       struct domain_view *ret, struct gpo_error **reterr);

/*
 * For reading without the lock: one listing, the folder's own, when it
 * shows no update under way or interrupted (else domain_view_folder).
 * Registry.pol files are then named unlisted (pol_unlisted); when one is
 * absent, domain_view_scope says what stands for it.
 */
int domain_glance_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			 struct domain_view *ret, struct gpo_error **reterr);

/* The file standing for `scope_dir`/Registry.pol in a folder without update marks, or NULL. */
int domain_view_scope(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		      const char *scope_dir, char **ret_pol, struct gpo_error **reterr);

/*
 * The folder as gpo_domain_check_gpo saw it, for a gpo_domain_read_files
 * of the same GPO right after (list reads each GPO so): the view and
 * GPT.INI's bytes.  Trusted only while nothing was written through the
 * SMB handle since (ad_smb_writes); a read after taking a lock never uses it.
 */
struct domain_checked {
	const struct ad_smb *smb;
	unsigned long smb_writes;
	char guid[39];
	struct domain_view view;
	uint8_t *gpt_ini;     /* its bytes, or NULL when unread */
	size_t gpt_ini_len;
};

/* Whether a file or folder is there (false also when it cannot be read). */
bool domain_sysvol_exists(struct gpo_domain *d, const char *path);

/* "Machine" or "MACHINE" as the folder has it, or NULL when it has none. */
char *domain_find_subfolder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			    const char *name);

/*
 * "LAB\name" for an account of this domain, a well-known name, or the SID
 * as text (domain_names first); NULL with *rc set on an error.
 */
char *domain_trustee_name(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_sid *sid,
			  struct gpo_error **reterr, int *rc);

#endif
