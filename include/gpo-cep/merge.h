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

#include <gpo-cep/error.h>
#include <gpo-cep/policy.h>
#include <gpo-cep/preg.h>

/*
 * `existing` may be NULL (no file yet).  *ret_changed says whether the
 * result differs from `existing` record for record.  The result shares
 * names and data with `existing`: keep that alive as long as the result.
 */
int gpo_cep_merge(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *existing,
		  const struct gpo_cep_scope *scope, struct gpo_preg_file **ret_merged,
		  bool *ret_changed, struct gpo_error **reterr);

#endif
