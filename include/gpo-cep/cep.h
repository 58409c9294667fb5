/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/cep.h - certificate enrollment settings <-> Registry.pol records.
 *
 * The encoder writes exactly the records, order and types the Windows Group
 * Policy editor writes (doc/registry-pol.md).  The decoder recognises them
 * in any Registry.pol and says which records it did not use.  Both pure.
 */
#ifndef GPO_CEP_CEP_H
#define GPO_CEP_CEP_H

#include <stdbool.h>
#include <talloc.h>

#include <gpo-cep/diag.h>
#include <gpo-cep/error.h>
#include <gpo-cep/policy.h>
#include <gpo-cep/preg.h>

#define GPO_CEP_KEY_CRYPTOGRAPHY "Software\\Policies\\Microsoft\\Cryptography"
#define GPO_CEP_KEY_POLICY_SERVERS GPO_CEP_KEY_CRYPTOGRAPHY "\\PolicyServers"
#define GPO_CEP_KEY_AUTOENROLLMENT GPO_CEP_KEY_CRYPTOGRAPHY "\\AutoEnrollment"
#define GPO_CEP_KEY_SYSTEM_CERTIFICATES "Software\\Policies\\Microsoft\\SystemCertificates"

/*
 * Records of one scope.  Every server must have its policy_id (see
 * gpo_cep_policy_check()); GPO_EINVAL otherwise.  A scope that configures
 * nothing gives an empty file.
 */
int gpo_cep_scope_encode(TALLOC_CTX *mem_ctx, const struct gpo_cep_scope *scope,
			 struct gpo_preg_file **ret_file, struct gpo_error **reterr);

/*
 * Read the certificate enrollment settings out of a decoded Registry.pol.
 * *ret_scope is NULL when the file holds none.  *ret_used (on mem_ctx) has
 * one entry per record, true for those the scope accounts for.  What does
 * not fit the model (a server without URL, flag bits without a name, a
 * subkey name that is not the URI's hash) becomes a warning in `notes`,
 * whose pointers use `pointer_prefix` ("/computer").
 */
int gpo_cep_scope_decode(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *file,
			 const char *pointer_prefix, struct gpo_cep_scope **ret_scope,
			 bool **ret_used, struct gpo_diags *notes);

#endif
