/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SYSVOL over SMB with libsmbclient.  Private.  Errors go on the caller's
 * `mem_ctx`.  Every session requires signing (as Windows' hardened UNC paths
 * require for \\*\SYSVOL): a DC that cannot sign is an error.
 */
#ifndef GPO_CEP_AD_SMB_H
#define GPO_CEP_AD_SMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/domain.h>
#include <gpo-cep/error.h>
#include <gpo-cep/sd.h>

struct ad_smb;

struct ad_smb_entry {
	char *name;
	bool is_dir;
};

/* Paths below are share-relative with '/' separators: "realm/Policies/{GUID}/GPT.INI". */
int ad_smb_connect(TALLOC_CTX *mem_ctx, const char *host, const struct gpo_domain_options *o,
		   const char *password, struct ad_smb **ret, struct gpo_error **reterr);

/*
 * In a child process made by fork(): drop the connection inherited from the
 * parent without a word to the server (the parent still talks on it).  The
 * handle is left unusable; free it and connect anew.
 */
void ad_smb_forsake(struct ad_smb *s);

/* How many changes were tried through this handle: what was read before that may be stale. */
unsigned long ad_smb_writes(const struct ad_smb *s);

/* Make a folder; one that exists is fine. */
int ad_smb_mkdir(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		 struct gpo_error **reterr);

/*
 * Write a whole file.  `exclusive`: create it, GPO_EEXIST when it exists
 * (atomic on the server); otherwise an existing file is truncated.
 */
int ad_smb_write(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, const uint8_t *data,
		 size_t len, bool exclusive, struct gpo_error **reterr);

/* GPO_ENOTFOUND when the file does not exist. */
int ad_smb_read(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, size_t max,
		uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr);

/* The size of a file, or GPO_ENOTFOUND. */
int ad_smb_size(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, uint64_t *ret_size,
		struct gpo_error **reterr);

/*
 * Rename `from` to `to`, which must not exist: GPO_EEXIST when it does.
 * (libsmbclient would unlink an existing target first, leaving neither
 * name for a moment; this never asks it to.)
 */
int ad_smb_rename(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *from, const char *to,
		  struct gpo_error **reterr);

/* Remove a file; one that does not exist is fine. */
int ad_smb_unlink(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		  struct gpo_error **reterr);

/* Remove a folder and everything below it; a missing folder is fine. */
int ad_smb_remove_tree(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		       struct gpo_error **reterr);

/* The entries of a folder without "." and "..", or GPO_ENOTFOUND. */
int ad_smb_list(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		struct ad_smb_entry **ret_entries, size_t *ret_count, struct gpo_error **reterr);

/* The NT ACL of `path` as SMB shows it: owner, group and entries (gpo_sd_parse_smb_text). */
int ad_smb_get_sd(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		  struct gpo_sd **ret_sd, struct gpo_error **reterr);

/*
 * Set the NT security descriptor of a file or folder from SDDL, protected DACL and
 * object ACEs included.  libsmbclient's ACL attributes can express neither,
 * so this runs Samba's smbcacls (its absolute path chosen at build time)
 * with the same credentials (the password through a pipe, never on the
 * command line), the same signing requirement and an environment holding
 * nothing but what it needs.  Nothing inside is changed: smbcacls'
 * propagation keeps what an item holds of its own.
 */
int ad_smb_set_sddl(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, const char *sddl,
		    struct gpo_error **reterr);

/* The same in two halves, so that other work can run while smbcacls does. */
struct ad_smb_job;
int ad_smb_set_sddl_start(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
			  const char *sddl, struct ad_smb_job **ret_job,
			  struct gpo_error **reterr);
int ad_smb_set_sddl_finish(TALLOC_CTX *mem_ctx, struct ad_smb_job *job,
			   struct gpo_error **reterr);

#endif
