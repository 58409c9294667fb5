/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connection profiles of the configuration files (gpo-cep.conf(5)). */
#ifndef GPO_CEP_CLI_PROFILE_H
#define GPO_CEP_CLI_PROFILE_H

#include "cli.h"

/* One profile's settings; NULL, -1 or 0 for what it does not set. */
struct cli_profile {
	const char *name;
	const char *file;           /* the last file that set one of its keys */
	const char *domain, *dc, *user, *password_file, *ca_file, *smb_conf;
	int kerberos, ldaps;        /* 1 yes, 0 no, -1 not set */
	unsigned timeout;
};

/*
 * The profile `name` (NULL: $GPO_CEP_PROFILE, else "default"), read from
 * /etc/gpo-cep.conf and then ~/.config/gpo-cep/config, whose keys win (or
 * from $GPO_CEP_CONFIG alone).  *ret is NULL when no profile applies (no
 * "default").  An exit status; a bad file, a password in it or a named
 * profile that is missing print why (file:line) and give EXIT_INVALID.
 */
int cli_profile_load(TALLOC_CTX *mem, const char *name, struct cli_profile **ret);

/* The names of every profile of the configuration files, in the order they appear. */
int cli_profile_names(TALLOC_CTX *mem, char ***ret_names, size_t *ret_count);

/*
 * The realm of smb.conf's [global] (`smb_conf`, else the system's), else
 * krb5.conf's default_realm ($KRB5_CONFIG, else /etc/krb5.conf): the domain
 * when none is given; *ret_from says where it was found.  NULL: neither.
 */
const char *cli_default_realm(TALLOC_CTX *mem, const char *smb_conf, const char **ret_from);

#endif
