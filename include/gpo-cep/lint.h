/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/lint.h - what real clients do with a policy: Windows, Samba's
 * gp_cert_auto_enroll_ext and Ubuntu adsys (doc/clients.md).
 */
#ifndef GPO_CEP_LINT_H
#define GPO_CEP_LINT_H

#include <gpo-cep/diag.h>
#include <gpo-cep/policy.h>

/*
 * Add a warning to `diags` for every setting that a client would ignore,
 * misread or refuse.  Each warning has a stable id (doc/gpo-cep.1 lists
 * them).  Returns GPO_ENOMEM or 0.
 */
int gpo_cep_lint(const struct gpo_cep_policy *policy, struct gpo_diags *diags);

/* Samba's pattern for https policy servers (it ignores the whole list if one fails). */
bool gpo_cep_samba_accepts_uri(const char *uri);

#endif
