/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/lint.h - what real clients do with a policy: Windows, Samba's
 * gp_cert_auto_enroll_ext and Ubuntu adsys (doc/clients.md).
 */
#ifndef GPO_CEP_LINT_H
#define GPO_CEP_LINT_H

#include <talloc.h>

#include <gpo-cep/diag.h>
#include <gpo-cep/error.h>
#include <gpo-cep/policy.h>

/* The clients lint models (doc/clients.md). */
enum gpo_cep_client {
	GPO_CEP_CLIENT_WINDOWS = 1 << 0,
	GPO_CEP_CLIENT_SAMBA = 1 << 1,   /* gp_cert_auto_enroll_ext, Samba 4.17 and later */
	GPO_CEP_CLIENT_ADSYS = 1 << 2,   /* Ubuntu adsys */
	GPO_CEP_CLIENTS_ALL = (1 << 3) - 1,
};

/*
 * Add a finding to `diags` for every setting that a client would ignore,
 * misread or refuse.  Each has a stable id (doc/gpo-cep.1 lists them).
 * `clients` (enum gpo_cep_client bits) are the clients the GPO is for: a
 * file one of them would reject or misread is an error; a finding that
 * concerns none of them is a note; the rest are warnings.  Returns
 * GPO_ENOMEM or 0.
 */
int gpo_cep_lint_for(const struct gpo_cep_policy *policy, unsigned clients,
		     struct gpo_diags *diags);

/* gpo_cep_lint_for() for every client. */
int gpo_cep_lint(const struct gpo_cep_policy *policy, struct gpo_diags *diags);

/*
 * Parse a comma-separated list of "windows", "samba", "adsys" (or "all")
 * into enum gpo_cep_client bits; GPO_EINVAL names the word it does not know.
 */
int gpo_cep_clients_parse(TALLOC_CTX *mem_ctx, const char *list, unsigned *ret_clients,
			  struct gpo_error **reterr);

/* Samba's pattern for https policy servers (it ignores the whole list if one fails). */
bool gpo_cep_samba_accepts_uri(const char *uri);

#endif
