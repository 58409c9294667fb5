/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep: configure the Certificate Enrollment Policy and Auto-Enrollment
 * Group Policy settings from Linux.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"

static const struct cmd commands[] = {
	{ "render", cmd_render, "write a policy as a GPO folder (GPT.INI, Registry.pol)",
	  &cli_spec_render },
	{ "show", cmd_show, "read a GPO folder or Registry.pol back into policy JSON",
	  &cli_spec_show },
	{ "lint", cmd_lint, "check a policy against what Windows, Samba and adsys accept",
	  &cli_spec_lint },
	{ "init", cmd_init, "print a policy template", &cli_spec_init },
	{ "probe", cmd_probe, "ask a policy server for its policy ID and templates (MS-XCEP)",
	  &cli_spec_probe },
	{ "create", cmd_create, "publish a policy as a new GPO in an AD domain", &cli_spec_create },
	{ "update", cmd_update, "change the certificate settings of an existing GPO",
	  &cli_spec_update },
	{ "apply", cmd_apply, "create the GPO or update it: for automation", &cli_spec_apply },
	{ "list", cmd_list, "list the GPOs of a domain with certificate enrollment settings",
	  &cli_spec_list },
	{ "link", cmd_link, "link a GPO to the domain or an OU", &cli_spec_link },
	{ "unlink", cmd_unlink, "remove a GPO's link", &cli_spec_unlink },
	{ "delete", cmd_delete, "remove a GPO from an AD domain", &cli_spec_delete },
	{ "acl", cmd_acl, "check a GPO's SYSVOL ACL against its container's; repair it",
	  &cli_spec_acl },
	{ "status", cmd_status, "compare a GPO on every DC of the domain with the baseline",
	  &cli_spec_status },
	{ "sync", cmd_sync, "copy GPO folders from the baseline DC to DCs that differ",
	  &cli_spec_sync },
	{ "permissions", cmd_permissions, "show or set who a GPO applies to and who may edit it",
	  &cli_spec_permissions },
	{ "connect", cmd_connect, "say which DC, transport and identity would be used; test them",
	  &cli_spec_connect },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/*
 * Not in --help: what the build and the tests read off the option tables.
 * "--completion SHELL" prints a completion script; "--options CMD" one line
 * per option of CMD ("--name VALUE" or "-U, --user USER"); "--complete
 * KIND" what a completion script asks the domain for (cli_complete.c).
 */
static int hidden(int argc, char **argv)
{
	const struct cli_spec *specs[N_COMMANDS + 1];
	const char *summaries[N_COMMANDS];
	const struct cli_opt *const *t;
	const struct cli_opt *o;
	size_t i;

	for (i = 0; i < N_COMMANDS; i++) {
		specs[i] = commands[i].spec;
		summaries[i] = commands[i].summary;
	}
	specs[N_COMMANDS] = NULL;
	if (strcmp(argv[1], "--completion") == 0 && argc == 3)
		return cli_completion(specs, summaries, argv[2], stdout) == 0 ? EXIT_OK
								   : cli_usage_error(NULL, "no such shell");
	for (i = 0; argc == 3 && i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, argv[2]) != 0)
			continue;
		for (t = commands[i].spec->tables; *t != NULL; t++)
			for (o = *t; o->name != NULL; o++)
				if (o->short_name != 0)
					printf("-%c, --%s%s%s\n", o->short_name, o->name,
					       o->value ? " " : "", o->value ? o->value : "");
				else
					printf("--%s%s%s\n", o->name, o->value ? " " : "",
					       o->value ? o->value : "");
		return EXIT_OK;
	}
	return cli_usage_error(NULL, "'%s' needs a command", argv[1]);
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: gpo-cep <command> [options] [arguments]\n"
		     "       gpo-cep (--help | --version)\n\n"
		     "Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'gpo-cep <command> --help' describes a command; "
		     "see also gpo-cep(1), gpo-cep-policy(5) and gpo-cep.conf(5).\n");
}

static int run(int argc, char **argv)
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
	if (strcmp(name, "--completion") == 0 || strcmp(name, "--options") == 0)
		return hidden(argc, argv);
	if (strcmp(name, "--complete") == 0)
		return cli_complete_values(argc, argv);
	if (strcmp(name, "help") == 0 && argc < 3) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < N_COMMANDS; i++) {
		char *help_argv[] = { argc > 2 ? argv[2] : NULL, (char *)"--help", NULL };

		if (strcmp(name, "help") == 0 && strcmp(commands[i].name, argv[2]) == 0)
			return commands[i].run(2, help_argv);
		if (strcmp(commands[i].name, name) == 0) {
			cli_json_begin(commands[i].spec, argc - 1, argv + 1);
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	if (strcmp(name, "help") == 0)
		name = argv[2];
	return cli_usage_error(NULL, "'%s' is not a gpo-cep command", name);
}

int main(int argc, char **argv)
{
	int status = cli_json_end(run(argc, argv));

	/* output that did not reach its file (a full disk, a closed pipe) is a failure */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write the output: %s", strerror(errno ? errno : EIO));
		if (status == EXIT_OK || status == EXIT_CHANGES)
			status = EXIT_FAILURE_;
	}
	return status;
}
