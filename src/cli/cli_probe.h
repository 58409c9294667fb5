/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Asking policy servers: the probe command and --probe of the others. */
#ifndef GPO_CEP_CLI_PROBE_H
#define GPO_CEP_CLI_PROBE_H

#include <stdbool.h>

#include "cli.h"
#include "cli_opt.h"

struct cli_probe_args {
	bool enabled;              /* --probe */
	const char *user;          /* for username_password servers */
	const char *password_file;
	const char *cert_file;     /* for certificate servers */
	const char *key_file;
	const char *ca_file;
	unsigned timeout;
};

/* --probe and its credentials, for render, create, update, apply and lint */
extern const struct cli_opt cli_opts_probe[];

/*
 * Consume one of cli_opts_probe (`cmd` for messages); false when `c` is not
 * one of them.  A bad value prints a usage error and sets *status.
 */
bool cli_probe_option(struct cli_probe_args *a, const char *cmd, int c, const char *arg,
		      int *status);

/*
 * With --probe: ask every https server of the policy once and take its
 * answer (gpo_xcep_take_answer).  A server that cannot be asked is
 * printed and gives EXIT_FAILURE_; a contradicted policy_id is a finding in
 * `diags` and gives EXIT_INVALID.  With `report` (lint), failures are
 * findings too, and each server's result is appended to the array.
 */
int cli_probe_policy(TALLOC_CTX *mem_ctx, struct cli_probe_args *a,
		     struct gpo_cep_policy *policy, struct gpo_diags *diags, json_object *report);

/* An answer as JSON (probe --json, lint --probe --json). */
json_object *cli_probe_json(const struct gpo_xcep_policies *p);

/* "network", "authentication", ... : the kind of a probe failure for scripts. */
const char *cli_probe_error_kind(int code);

#endif
