/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/extnames.h - gPCMachineExtensionNames / gPCUserExtensionNames:
 * groups "[{CSE}{tool}...]" sorted by CSE GUID ([MS-GPOL] 2.2.4).
 */
#ifndef GPO_CEP_EXTNAMES_H
#define GPO_CEP_EXTNAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <talloc.h>

#include <gpo-cep/error.h>

/* The client-side extension that applies Registry.pol. */
#define GPO_CSE_REGISTRY "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}"
/* The EFS recovery extension; the editor lists it for Public Key Policies. */
#define GPO_CSE_EFS_RECOVERY "{B1BE8D72-6EAC-11D2-A4EA-00C04F79F83A}"
/* The Public Key Policies ("Certificates") editor extension. */
#define GPO_TOOL_PUBLIC_KEY_POLICIES "{53D6AB1D-2488-11D1-A28C-00C04FB94F17}"

struct gpo_ext_group {
	char cse[39];
	size_t n_tools;
	char (*tools)[39];
};

struct gpo_extnames {
	size_t n_groups;
	struct gpo_ext_group *groups;
};

/*
 * Parse an attribute value.  NULL or "" is an empty list.  GUIDs are
 * brought to upper case.  GPO_EINVAL, with the offending offset, when the
 * value breaks the syntax.
 */
int gpo_extnames_parse(TALLOC_CTX *mem_ctx, const char *value,
		       struct gpo_extnames **ret_names, struct gpo_error **reterr);

/* Ensure the pair (cse, tool) is listed; tool may be NULL. */
int gpo_extnames_add(struct gpo_extnames *names, const char *cse, const char *tool);

/* True when every pair of `want` is in `have`. */
bool gpo_extnames_contains(const struct gpo_extnames *have,
			   const struct gpo_extnames *want);

/*
 * The attribute value: groups sorted by CSE GUID, tools sorted within a
 * group, upper-case braced GUIDs; "" for an empty list.
 */
char *gpo_extnames_format(TALLOC_CTX *mem_ctx, const struct gpo_extnames *names);

#endif
