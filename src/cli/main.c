/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep: configure the Certificate Enrollment Policy and Auto-Enrollment
 * Group Policy settings from Linux.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cmd commands[] = {
	{ "render", cmd_render, "write a policy as a GPO folder (GPT.INI, Registry.pol)" },
	{ "show", cmd_show, "read a GPO folder or Registry.pol back into policy JSON" },
	{ "lint", cmd_lint, "check a policy against what Windows, Samba and adsys accept" },
	{ "init", cmd_init, "print a policy template" },
	{ "probe", cmd_probe, "ask a policy server for its policy ID and templates (MS-XCEP)" },
	{ "create", cmd_create, "publish a policy as a new GPO in an AD domain" },
	{ "update", cmd_update, "change the certificate settings of an existing GPO" },
	{ "apply", cmd_apply, "create the GPO or update it: for automation" },
	{ "list", cmd_list, "list the GPOs of a domain with certificate enrollment settings" },
	{ "link", cmd_link, "link a GPO to the domain or an OU" },
	{ "unlink", cmd_unlink, "remove a GPO's link" },
	{ "delete", cmd_delete, "remove a GPO from an AD domain" },
	{ "acl", cmd_acl, "check a GPO's SYSVOL ACL against its container's; repair it" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: gpo-cep <command> [options] [arguments]\n"
		     "       gpo-cep (--help | --version)\n\n"
		     "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'gpo-cep <command> --help' describes a command; "
		     "see also gpo-cep(1) and gpo-cep-policy(5).\n");
}

int main(int argc, char **argv)
{
	const char *name;
	size_t i;

	if (argc < 2)
		return cli_usage_error(NULL, "no command given");
	name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("gpo-cep %s\n", GPO_CEP_VERSION_STRING);
		return EXIT_OK;
	}
	if (strcmp(name, "help") == 0 && argc < 3) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char *help_argv[] = { argc > 2 ? argv[2] : NULL, (char *)"--help", NULL };

		if (strcmp(name, "help") == 0 && strcmp(commands[i].name, argv[2]) == 0)
			return commands[i].run(2, help_argv);
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	if (strcmp(name, "help") == 0)
		name = argv[2];
	return cli_usage_error(NULL, "'%s' is not a gpo-cep command", name);
}
