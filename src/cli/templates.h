/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The policy templates of `gpo-cep init`, embedded at build time from templates/. */
#ifndef GPO_CEP_CLI_TEMPLATES_H
#define GPO_CEP_CLI_TEMPLATES_H

#include <stddef.h>

struct cli_template {
	const char *name;    /* the file name without .json: "kerberos" */
	const char *title;   /* the template's "name" */
	size_t len;
	const char *json;    /* the file's bytes */
};

/* sorted by name */
extern const struct cli_template cli_templates[];
extern const size_t cli_n_templates;

#endif
