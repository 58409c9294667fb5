/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef GPO_CEP_CLI_POLICY_DIFF_H
#define GPO_CEP_CLI_POLICY_DIFF_H

#include <json-c/json.h>

#include <gpo-cep.h>

/*
 * An update plan's changes in policy terms: an array of {change: added |
 * removed | changed, pointer: the JSON pointer into `policy`, the policy
 * file (for what is removed: into the old settings as show reads them),
 * server: its URI or null, old, new}.
 * NULL when out of memory.
 */
json_object *cli_policy_changes(TALLOC_CTX *mem_ctx, const struct gpo_update_plan *plan,
				const struct gpo_cep_policy *policy);

/* Those changes as lines: "  POINTER (URI): OLD -> NEW". */
void cli_print_policy_changes(TALLOC_CTX *mem_ctx, json_object *changes);

#endif
