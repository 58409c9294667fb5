/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/merge.h - put certificate enrollment settings into an existing
 * Registry.pol without touching anything else.  Pure.
 *
 * For a scope with `enrollment_policy`, the `**DeleteKeys` record of
 * PolicyServers and every record of PolicyServers and below are replaced;
 * for `auto_enrollment`, the values of the AutoEnrollment key.  A setting the
 * scope does not name is left alone; one it sets to null (remove_*) is
 * removed.  `certificate_stores` true adds the store stubs that are missing;
 * false leaves existing ones.  Every other record keeps its bytes and its
 * place relative to the others.  New records go where the records they
 * replace were; in a file without them, where the editor's key order puts
 * them.
 */
#ifndef GPO_CEP_MERGE_H
#define GPO_CEP_MERGE_H

#include <stdbool.h>
#include <talloc.h>

#include <stdint.h>

#include <gpo-cep/error.h>
#include <gpo-cep/gpo.h>
#include <gpo-cep/policy.h>
#include <gpo-cep/preg.h>

/*
 * `existing` may be NULL (no file yet).  *ret_changed says whether the
 * result differs from `existing` record for record.  The result shares
 * names and data with `existing`: keep that alive as long as the result.
 */
int gpo_merge_scope(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *existing,
		  const struct gpo_cep_scope *scope, struct gpo_preg_file **ret_merged,
		  bool *ret_changed, struct gpo_error **reterr);

/*
 * What `update` would write to a GPO: the merged Registry.pol files, GPT.INI
 * with the new version (other keys kept), the extension names.  Pure.
 */
struct gpo_update_plan {
	struct gpo_files next;           /* the folder's files afterwards (folder NULL) */
	bool writes[GPO_FILE_SLOTS];     /* the files the plan replaces or creates */
	struct gpo_preg_file *old_pol[2]; /* by enum gpo_cep_scope_kind; NULL: no file */
	struct gpo_preg_file *new_pol[2];
	uint32_t old_version;            /* max of GPT.INI and AD, per half */
	uint32_t new_version;
	char *old_ext[2], *new_ext[2];   /* gPC{Machine,User}ExtensionNames */
	bool ext_changed;
	bool repair;                     /* GPT.INI and versionNumber disagreed */
	bool changed;                    /* anything at all to write */
};

/*
 * Plan the update of a GPO whose current files are `current` and whose AD
 * versionNumber and extension names are given (ad_version -1 and NULL names
 * for a local folder, whose extension names are not tracked).  A half whose Registry.pol changes gets
 * max(AD half, GPT.INI half) + 1, wrapping to 1 after 0xFFFF; the other half
 * keeps max(AD half, GPT.INI half).  Nothing changes when the merged files
 * equal the current ones and the extension names already list what the
 * settings need.
 */
int gpo_merge_plan_update(TALLOC_CTX *mem_ctx, const struct gpo_cep_policy *policy,
		    const struct gpo_files *current, int64_t ad_version,
		    const char *machine_ext, const char *user_ext,
		    struct gpo_update_plan **ret_plan, struct gpo_error **reterr);

#endif
