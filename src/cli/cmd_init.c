/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep init: print a policy template. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "templates.h"

static const struct {
	const char *alias;
	const char *name;
} aliases[] = {
	{ "ADPolicyProvider_CEP_Kerberos", "kerberos" },
	{ "ADPolicyProvider_CEP_UsernamePassword", "username-password" },
	{ "KeyBasedRenewal_ADPolicyProvider_CEP_Certificate", "key-based-renewal" },
	{ "LDAP:", "ldap-only" },
};

static const struct cli_opt init_opts[] = {
	CLI_WORDS("template", 't', 't', "NAME",
		  "the template to print (default: kerberos)",
		  "kerberos key-based-renewal ldap-only username-password "
		  "ADPolicyProvider_CEP_Kerberos ADPolicyProvider_CEP_UsernamePassword "
		  "KeyBasedRenewal_ADPolicyProvider_CEP_Certificate"),
	CLI_FLAG("list", 0, 'l', "list the templates with their policy names"),
	CLI_FLAG("json", 0, 'j', "with --list: a JSON array of {name, title}"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_init = {
	.name = "init",
	.usage = "gpo-cep init [--template NAME]\n"
		 "gpo-cep init --list [--json]",
	.about = "Print a policy template to start from (default: kerberos).  The IIS\n"
		 "application names work as template names too:\n"
		 "  ldap-only            the Active Directory policy (LDAP:) alone\n"
		 "  kerberos             ADPolicyProvider_CEP_Kerberos\n"
		 "  username-password    ADPolicyProvider_CEP_UsernamePassword\n"
		 "  key-based-renewal    KeyBasedRenewal_ADPolicyProvider_CEP_Certificate\n",
	.tables = { init_opts, cli_opts_help },
};

static int list_templates(bool json)
{
	json_object *arr = json ? json_object_new_array() : NULL;
	size_t i;

	for (i = 0; i < cli_n_templates; i++) {
		const struct cli_template *t = &cli_templates[i];

		if (arr == NULL) {
			printf("%-20s %s\n", t->name, t->title);
			continue;
		}
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(t->name));
		json_object_object_add(o, "title", json_object_new_string(t->title));
		json_object_array_add(arr, o);
	}
	if (arr != NULL) {
		cli_json_set("templates", arr);
	}
	return EXIT_OK;
}

static const struct cli_template *find_template(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			name = aliases[i].name;
	for (i = 0; i < cli_n_templates; i++)
		if (strcmp(cli_templates[i].name, name) == 0)
			return &cli_templates[i];
	return NULL;
}

struct init_args {
	const char *name;
	bool list, json;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct init_args *a = ctx;

	switch (id) {
	case 't':
		a->name = value;
		break;
	case 'l':
		a->list = true;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return EXIT_OK;
}

int cmd_init(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	const struct cli_template *t;
	struct init_args a = { .name = "kerberos" };
	struct cli_args args;
	int status;

	cli_args_init(&args, mem, &cli_spec_init, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status)) {
		talloc_free(mem);
		return status;
	}
	if (args.n_operands != 0) {
		talloc_free(mem);
		return cli_usage_error("init", "unexpected argument '%s'", args.operands[0]);
	}
	talloc_free(mem);
	if (a.list)
		return list_templates(a.json);
	if (a.json)
		return cli_usage_error("init", "--json goes with --list (a template is JSON already)");
	t = find_template(a.name);
	if (t == NULL)
		return cli_usage_error("init", "no template '%s' (gpo-cep init --list)", a.name);
	fwrite(t->json, 1, t->len, stdout);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_;
}
