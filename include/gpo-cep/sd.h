/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/sd.h - Windows security descriptors, as far as a GPO needs them:
 * parse the self-relative form AD returns for nTSecurityDescriptor, derive
 * the SYSVOL folder's NT ACL from it the way Samba does (dsacl2fsacl), and
 * print SDDL.  Pure: no I/O.
 */
#ifndef GPO_CEP_SD_H
#define GPO_CEP_SD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>

#define GPO_SD_DACL_PRESENT 0x0004u
#define GPO_SD_DACL_AUTO_INHERITED 0x0400u
#define GPO_SD_DACL_PROTECTED 0x1000u

#define GPO_ACE_ALLOWED 0
#define GPO_ACE_DENIED 1
#define GPO_ACE_ALLOWED_OBJECT 5
#define GPO_ACE_DENIED_OBJECT 6

#define GPO_ACE_OBJECT_INHERIT 0x01u
#define GPO_ACE_CONTAINER_INHERIT 0x02u
#define GPO_ACE_NO_PROPAGATE 0x04u
#define GPO_ACE_INHERIT_ONLY 0x08u
#define GPO_ACE_INHERITED 0x10u

struct gpo_sid {
	uint8_t revision;
	uint8_t n_sub;
	uint64_t authority;     /* 48 bits */
	uint32_t sub[15];
};

struct gpo_ace {
	uint8_t type;
	uint8_t flags;
	uint32_t mask;
	uint32_t object_flags;  /* object ACEs: 1 = object type, 2 = inherited type */
	uint8_t object_type[16];
	uint8_t inherited_type[16];
	struct gpo_sid trustee;
};

struct gpo_sd {
	uint8_t revision;
	uint16_t control;
	struct gpo_sid *owner;  /* NULL when absent */
	struct gpo_sid *group;
	size_t n_aces;          /* the DACL; the SACL is not kept */
	struct gpo_ace *aces;
};

/* Parse a self-relative security descriptor.  GPO_EINVAL on any bad offset or size. */
int gpo_sd_parse(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len, struct gpo_sd **ret_sd,
		 struct gpo_error **reterr);

/*
 * The SYSVOL ACL for a GPO whose container has the DS descriptor `ds`:
 * owner, group and control copied; allowed (and allowed-object) ACEs kept
 * except for BUILTIN\Pre-Windows 2000 Compatible Access, made to inherit to
 * files and folders (CREATOR OWNER inherit-only), DS rights mapped to file
 * rights (read property + list contents = read/execute, write property =
 * write, standard rights kept).  That is Samba's dsacl2fsacl, which
 * `samba-tool gpo aclcheck` compares against, with one difference: deny
 * entries (and object denies, as plain denies of the mapped rights) are
 * kept in their place, where dsacl2fsacl drops them and so grants on
 * SYSVOL what the directory denies.  For a container with deny entries,
 * aclcheck therefore reports a difference that gpo-cep does not "repair".
 */
int gpo_sd_ds_to_fs(TALLOC_CTX *mem_ctx, const struct gpo_sd *ds, struct gpo_sd **ret_fs);

/*
 * The self-relative form of `sd` (owner, group and DACL; no SACL), on
 * mem_ctx.  The ACL revision is 4 when it holds object ACEs, else 2.
 */
int gpo_sd_encode(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, uint8_t **ret_buf,
		  size_t *ret_len);

/*
 * Samba's smbcacls (and libsmbclient) sort a file ACL and drop duplicate
 * entries before setting it; `samba-tool gpo aclcheck` then compares the
 * result with dsacl2fsacl of the container's descriptor, order included.
 * This finds the container DACL, with the same rights, whose file form is
 * already in that order and free of duplicates: explicit entries sorted as
 * smbcacls sorts them, an entry dropped only when a kept one grants the same
 * rights on at least the same objects.  *ret_changed is false when `ds` is
 * already in that form.  GPO_EINVAL when it cannot be done without changing
 * who may do what (then the descriptor is left as it is).
 */
int gpo_sd_canonical_for_sysvol(TALLOC_CTX *mem_ctx, const struct gpo_sd *ds,
				struct gpo_sd **ret_ds, bool *ret_changed);

/*
 * `sd` without its object entries: what grants the same on files, where an
 * object entry means nothing.  (Samba does not bring a folder's POSIX ACL
 * up to date when its NT ACL holds an object entry, so gpo-cep sets this
 * first and the whole ACL after it.)
 */
int gpo_sd_without_object_aces(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd,
			       struct gpo_sd **ret_sd);

/*
 * The rights `sd` grants a token (its SIDs), entries evaluated in order as
 * Windows does: deny before a later allow, owner's implicit READ_CONTROL and
 * WRITE_DAC unless an OWNER RIGHTS entry applies, generic rights mapped for
 * a file (`file`) or a directory object.  Entries for one property or
 * extended right (object entries with a type) are left out: they decide
 * nothing about a right on the object as a whole.
 */
uint32_t gpo_sd_granted(const struct gpo_sd *sd, const struct gpo_sid *token, size_t n_token,
			bool file);

/* A SID from its binary form (exactly `len` bytes) or from "S-1-5-...". */
int gpo_sid_from_bytes(const uint8_t *buf, size_t len, struct gpo_sid *ret_sid);
int gpo_sid_from_string(const char *text, struct gpo_sid *ret_sid);
bool gpo_sid_equal(const struct gpo_sid *a, const struct gpo_sid *b);

/* DS access mask -> file access mask (Samba's ldapmask2filemask). */
uint32_t gpo_sd_ds_mask_to_file(uint32_t ds_mask);

/* "S-1-5-21-..." */
char *gpo_sid_string(TALLOC_CTX *mem_ctx, const struct gpo_sid *sid);

/* SDDL with numeric SIDs and hex rights: "O:S-1-...G:S-1-...D:P(A;OICI;0x001f01ff;;;S-1-...)" */
char *gpo_sd_sddl(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd);

/*
 * Parse the text libsmbclient gives for the "system.nt_sec_desc.*" extended
 * attribute ("REVISION:1,OWNER:S-...,GROUP:S-...,ACL:S-...:0/3/0x001f01ff,...",
 * numeric SIDs).  SMB shows neither the control flags nor the GUIDs of object
 * entries: the result has a present DACL and no GUIDs.
 */
int gpo_sd_parse_smb_text(TALLOC_CTX *mem_ctx, const char *text, struct gpo_sd **ret_sd,
			  struct gpo_error **reterr);

/* How two file security descriptors differ in what they grant. */
struct gpo_sd_diff {
	bool same;             /* nothing below differs */
	bool owner_differs;
	bool group_differs;
	size_t n_missing;      /* entries of `want` that `have` lacks */
	struct gpo_ace *missing;
	size_t n_extra;        /* entries of `have` that `want` lacks */
	struct gpo_ace *extra;
};

/*
 * Compare the access two descriptors grant: owner, group and the entries as
 * a set (type, flags, rights, trustee).  Order, repeats, control flags and
 * object GUIDs are left aside: smbcacls sorts and drops repeats, and SMB
 * shows neither flags nor GUIDs.  Exact for ACLs of allow entries, which
 * is all dsacl2fsacl produces; a deny entry in `have` is always a difference.
 */
int gpo_sd_compare_access(TALLOC_CTX *mem_ctx, const struct gpo_sd *want,
			  const struct gpo_sd *have, struct gpo_sd_diff **ret_diff);

/* One entry as SDDL: "(A;OICI;0x001f01ff;;;S-1-...)" */
char *gpo_ace_sddl(TALLOC_CTX *mem_ctx, const struct gpo_ace *ace);

#endif
