/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connection options shared by the domain commands. */
#ifndef GPO_CEP_CLI_DOMAIN_H
#define GPO_CEP_CLI_DOMAIN_H

#include <getopt.h>
#include <stdbool.h>

#include "cli.h"

struct cli_domain_args {
	struct gpo_domain_options o;
	const char *password_file;
};

#define CLI_DOMAIN_OPTIONS                                                 \
	{ "domain", required_argument, NULL, 0x100 },                      \
	{ "dc", required_argument, NULL, 0x101 },                          \
	{ "user", required_argument, NULL, 'U' },                          \
	{ "password-file", required_argument, NULL, 0x102 },               \
	{ "kerberos", no_argument, NULL, 0x103 },                          \
	{ "ca-file", required_argument, NULL, 0x104 },                     \
	{ "ldaps", no_argument, NULL, 0x105 },                             \
	{ "smb-conf", required_argument, NULL, 0x106 },                    \
	{ "timeout", required_argument, NULL, 0x107 }

#define CLI_DOMAIN_HELP                                                                   \
	"      --domain REALM     the AD domain (DNS name); required\n"                     \
	"      --dc HOST          the DC to use for LDAP and SMB (default: DNS SRV,\n"      \
	"                         the PDC emulator first)\n"                                \
	"      --kerberos         authenticate with the Kerberos ticket cache (the\n"       \
	"                         default without -U); needs the DC's host name\n"          \
	"  -U, --user USER        DOMAIN\\user or user@REALM, with the password from\n"     \
	"                         --password-file, $GPO_CEP_PASSWORD or a prompt\n"         \
	"      --password-file F  read the password from the first line of F\n"             \
	"      --ca-file F        CA certificates to verify the DC's TLS certificate\n"     \
	"      --ldaps            LDAPS on port 636 instead of StartTLS on 389\n"            \
	"      --smb-conf F       smb.conf for the SMB client (default: the system's)\n"   \
	"      --timeout S        seconds for connecting and for each operation (15)\n"

/* Consume one of CLI_DOMAIN_OPTIONS; false when `c` is not one of them. */
bool cli_domain_option(struct cli_domain_args *a, int c, const char *arg, int *status);

/*
 * getopt_long for a domain command: takes in the CLI_DOMAIN_OPTIONS itself
 * and returns the command's own options, -1 at the end, or
 * CLI_OPTION_ERROR after a bad domain option (*status says which exit).
 */
#define CLI_OPTION_ERROR (-2)
int cli_next_option(int argc, char **argv, const struct option *opts, struct cli_domain_args *a,
		    int *status);

/*
 * The password, from the first line of `password_file`, the environment
 * variable `env_name` or a prompt on the terminal (in that order).  NULL
 * after printing why (none of them: naming `file_option` and `env_name`; an
 * unreadable file), with *status set.  Wipe it after use.
 */
char *cli_read_password(TALLOC_CTX *mem_ctx, const char *password_file, const char *file_option,
			const char *env_name, const char *user, int *status);

/* Read the password when one is needed, connect; prints errors, returns an exit status. */
int cli_domain_connect(TALLOC_CTX *mem_ctx, const char *cmd, struct cli_domain_args *a,
		       struct gpo_domain **ret_domain);

/* A GPO's container and links as a JSON object. */
json_object *cli_gpo_json(const struct gpo_domain_gpo *g);

/* A GPO's container and links, for people. */
void cli_print_gpo(FILE *out, const struct gpo_domain_gpo *g);

#endif
