/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Model helpers shared by policy.c, policy_json.c, cep.c and lint.c. */
#ifndef GPO_CEP_POLICY_INTERNAL_H
#define GPO_CEP_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <gpo-cep/policy.h>

bool policy_uri_is_ldap(const char *uri);

/*
 * NULL when `uri` is an acceptable policy server URI, else what is wrong
 * with it ("must use https: ...").  For https URIs, the host's position.
 */
const char *policy_check_uri(const char *uri, size_t *host_start, size_t *host_len);

/* Levenshtein distance, capped: for "did you mean" hints. */
size_t policy_edit_distance(const char *a, const char *b);

#endif
