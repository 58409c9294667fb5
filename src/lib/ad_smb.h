/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SYSVOL over SMB with libsmbclient.  Private. */
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

/* Paths below are share-relative with '/' separators: "realm/Policies/{GUID}/GPT.INI". */
int ad_smb_connect(TALLOC_CTX *mem_ctx, const char *host, const struct gpo_domain_options *o,
		   const char *password, struct ad_smb **ret, struct gpo_error **reterr);
int ad_smb_mkdir(struct ad_smb *s, const char *path, struct gpo_error **reterr);
int ad_smb_write(struct ad_smb *s, const char *path, const uint8_t *data, size_t len,
		 struct gpo_error **reterr);
/* GPO_ENOTFOUND when the file does not exist. */
int ad_smb_read(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, size_t max,
		uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr);
/*
 * Rename `from` over `to`.  libsmbclient's rename does not replace: it
 * removes the target and renames again, so `to` is missing for one round trip.
 */
int ad_smb_rename(struct ad_smb *s, const char *from, const char *to,
		  struct gpo_error **reterr);
int ad_smb_unlink(struct ad_smb *s, const char *path);
/* Remove a folder and everything below it; a missing folder is fine. */
int ad_smb_remove_tree(struct ad_smb *s, const char *path, struct gpo_error **reterr);
/* Entry names of a folder (files and folders), or GPO_ENOTFOUND. */
int ad_smb_list(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, char ***ret_names,
		size_t *ret_count, struct gpo_error **reterr);
/* The NT ACL of `path` as SMB shows it: owner, group and entries (gpo_sd_parse_smb_text). */
int ad_smb_get_sd(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		  struct gpo_sd **ret_sd, struct gpo_error **reterr);

/*
 * Set the NT security descriptor of a folder from SDDL, protected DACL and
 * object ACEs included.  libsmbclient's ACL attributes can express neither,
 * so this runs Samba's smbcacls with the same credentials (the password
 * through a pipe, never on the command line).  With `propagate`, what is
 * inside inherits the new entries (smbcacls --propagate-inheritance).
 */
int ad_smb_set_sddl(struct ad_smb *s, const char *path, const char *sddl, bool propagate,
		    struct gpo_error **reterr);

/* The same in two halves, so that other work can run while smbcacls does. */
struct ad_smb_job;
int ad_smb_set_sddl_start(struct ad_smb *s, const char *path, const char *sddl, bool propagate,
			  struct ad_smb_job **ret_job, struct gpo_error **reterr);
int ad_smb_set_sddl_finish(struct ad_smb *s, struct ad_smb_job *job, struct gpo_error **reterr);

#endif
