/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Model helpers shared by policy.c, policy_json.c, cep.c and lint.c. */
#ifndef GPO_CEP_POLICY_INTERNAL_H
#define GPO_CEP_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <gpo-cep/diag.h>
#include <gpo-cep/policy.h>
#include <gpo-cep/preg.h>

bool policy_uri_is_ldap(const char *uri);

/*
 * NULL when `uri` is an acceptable policy server URI, else what is wrong
 * with it ("must use https: ...").  For https URIs, the host's position.
 */
const char *policy_check_uri(const char *uri, size_t *host_start, size_t *host_len);

/* Levenshtein distance, capped: for "did you mean" hints. */
size_t policy_edit_distance(const char *a, const char *b);

/*
 * Findings about what Ubuntu adsys reads from the Registry.pol `scope`
 * renders to (lint_adsys.c), at `level` (an error when the GPO is for
 * adsys).  GPO_ENOMEM or 0.
 */
int lint_adsys_scope(struct gpo_diags *d, const struct gpo_cep_scope *scope,
		     enum gpo_cep_scope_kind kind, enum gpo_diag_level level);

/*
 * Mark in `gone` (one per record, false on entry) the values under the
 * certificate keys that a client does not end up with: removed by a later
 * delete record, or overridden by a later record for the same value; a
 * finding for each (pointers under `prefix`).  GPO_ENOMEM or 0.
 */
int cep_find_overridden(const struct gpo_preg_file *file, bool *gone, struct gpo_diags *notes,
			const char *prefix);

#endif
