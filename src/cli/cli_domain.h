/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connection options shared by the domain commands. */
#ifndef GPO_CEP_CLI_DOMAIN_H
#define GPO_CEP_CLI_DOMAIN_H

#include <stdbool.h>

#include "cli.h"
#include "cli_opt.h"

struct cli_domain_args {
	struct gpo_domain_options o;
	const char *password_file;
	bool read_only;  /* the command only reads: no warning when --dc is not the PDC */
	const char *profile;      /* --profile */
	bool timeout_set;         /* --timeout given */
	bool settled;             /* cli_domain_settle ran */
	const char *realm_from;   /* where the domain, the DC and who binds came from */
	const char *dc_from;
	const char *identity_from;
	const char *profile_used; /* "profile 'NAME' (FILE)", when one applied */
};

/* --domain, --dc, -U and the rest, for every domain command */
extern const struct cli_opt cli_opts_domain[];

/*
 * Consume one of cli_opts_domain (`cmd` for messages); false when `c` is not
 * one of them.  A bad value prints a usage error and sets *status.
 */
bool cli_domain_option(struct cli_domain_args *a, const char *cmd, int c, const char *arg,
		       int *status);

/*
 * The password, from the first line of `password_file` ("-": standard
 * input), the environment variable `env_name` or a prompt on the terminal
 * (in that order).  A file that group or others may read is refused, as ssh
 * refuses such a key.  NULL after printing why (none of them: naming
 * `file_option` and `env_name`; an unreadable or readable-by-others file),
 * with *status set.  Wipe it after use.
 */
char *cli_read_password(TALLOC_CTX *mem_ctx, const char *password_file, const char *file_option,
			const char *env_name, const char *user, int *status);

/*
 * Fill what the command line left out: the environment (GPO_CEP_DOMAIN,
 * GPO_CEP_DC, GPO_CEP_USER, GPO_CEP_CA_FILE), then the profile, then the
 * realm of smb.conf or krb5.conf.  Once; an exit status (a bad profile).
 */
int cli_domain_settle(TALLOC_CTX *mem, const char *cmd, struct cli_domain_args *a);

/* Read the password when one is needed, connect; prints errors, returns an exit status. */
int cli_domain_connect(TALLOC_CTX *mem_ctx, const char *cmd, struct cli_domain_args *a,
		       struct gpo_domain **ret_domain);

/* enum gpo_perm_problem bits as ["no-apply", "half-filter", "no-computer-read"] */
json_object *cli_perm_problems_json(unsigned problems);

/* A GPO's container and links as a JSON object. */
json_object *cli_gpo_json(const struct gpo_domain_gpo *g);

/* One link: {dn, enforced, disabled} (null when gPLink holds options gpo-cep cannot read). */
json_object *cli_link_json(const struct gpo_domain_link *l);

/* " (enforced)", " (disabled)" and so on, or "" for a plain link. */
const char *cli_link_options(uint32_t options, bool known);

/*
 * --enforced[=yes|no] and the like: `value` NULL or "yes" sets, "no" clears
 * (`invert`: --link-enabled sets "disabled" off).  False after a usage error.
 */
bool cli_link_flag(const char *cmd, const char *option, const char *value, bool invert,
		   enum gpo_link_flag *ret);

/* --order N: a Link Order from 1; false after a usage error. */
bool cli_link_order(const char *cmd, const char *value, unsigned *ret);

/* The link options of create, update and apply (and link itself). */
extern const struct cli_opt cli_opts_link_flags[];

/* Consume one of cli_opts_link_flags; false when `c` is not one of them. */
bool cli_link_option(struct gpo_link_request *req, const char *cmd, int c, const char *value,
		     int *status);

/* A GPO's container and links, for people. */
void cli_print_gpo(FILE *out, const struct gpo_domain_gpo *g);

#endif
