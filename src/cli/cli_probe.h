/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Asking policy servers: the probe command and --probe of the others. */
#ifndef GPO_CEP_CLI_PROBE_H
#define GPO_CEP_CLI_PROBE_H

#include <stdbool.h>

#include "cli.h"

struct cli_probe_args {
	bool enabled;              /* --probe */
	const char *user;          /* for username_password servers */
	const char *password_file;
	const char *cert_file;     /* for certificate servers */
	const char *key_file;
	const char *ca_file;
	unsigned timeout;
};

#define CLI_PROBE_OPTIONS                                                  \
	{ "probe", no_argument, NULL, 0x200 },                             \
	{ "probe-user", required_argument, NULL, 0x201 },                  \
	{ "probe-password-file", required_argument, NULL, 0x202 },         \
	{ "probe-cert", required_argument, NULL, 0x203 },                  \
	{ "probe-key", required_argument, NULL, 0x204 },                   \
	{ "probe-ca-file", required_argument, NULL, 0x205 },               \
	{ "probe-timeout", required_argument, NULL, 0x206 }

#define CLI_PROBE_HELP                                                                    \
	"      --probe            ask every https policy server for its policy (MS-XCEP\n"   \
	"                         GetPolicies): fill missing policy_id and friendly_name,\n" \
	"                         refuse a policy_id the server contradicts\n"               \
	"      --probe-user USER  user for username_password servers; the password\n"        \
	"                         from --probe-password-file, $GPO_CEP_PROBE_PASSWORD\n"    \
	"                         or a prompt\n"                                             \
	"      --probe-password-file F\n"                                                    \
	"                         read that password from the first line of F\n"            \
	"      --probe-cert FILE  client certificate (PEM) for certificate servers\n"        \
	"      --probe-key FILE   its private key (PEM; default: in --probe-cert)\n"         \
	"      --probe-ca-file F  CAs that issued the servers' TLS certificates (default:\n" \
	"                         the system's)\n"                                           \
	"      --probe-timeout S  seconds per server (30)\n"

/* Consume one of CLI_PROBE_OPTIONS; false when `c` is not one of them. */
bool cli_probe_option(struct cli_probe_args *a, int c, const char *arg, int *status);

/*
 * With --probe: ask every https server of the policy once and take its
 * answer (gpo_cep_server_take_probe).  A server that cannot be asked is
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
