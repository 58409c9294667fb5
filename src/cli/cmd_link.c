/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep link / unlink: a GPO's links to the domain or an OU. */
#include <string.h>

#include "cli_domain.h"

static const char link_help[] =
	"usage: gpo-cep link --domain REALM --gpo NAME|{GUID} --target DN [options]\n"
	"       gpo-cep unlink --domain REALM --gpo NAME|{GUID} --target DN [options]\n"
	"\n"
	"Link the GPO to a domain or OU (a new link gets the lowest precedence, as\n"
	"GPMC does; an existing link gets the new options), or remove the link.\n"
	"\n"
	"      --gpo NAME|GUID    the GPO\n"
	"      --target DN        the domain or OU\n"
	"      --enforced         link: enforced\n"
	"      --link-disabled    link: disabled\n"
	"      --json             machine-readable output\n"
	CLI_DOMAIN_HELP
	"  -h, --help             show this help\n";

static int run_link(int argc, char **argv, bool add)
{
	static const struct option opts[] = {
		{ "gpo", required_argument, NULL, 'g' },
		{ "target", required_argument, NULL, 't' },
		{ "enforced", no_argument, NULL, 'e' },
		{ "link-disabled", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_DOMAIN_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = add ? "link" : "unlink";
	struct cli_domain_args da = { .o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	const char *which = NULL, *target = NULL;
	unsigned options = 0;
	bool json = false;
	int c, rc, status = EXIT_OK;

	optind = 1;
	while ((c = cli_next_option(argc, argv, opts, &da, &status)) != -1) {
		switch (c) {
		case CLI_OPTION_ERROR:
			goto out;
		case 'g':
			which = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'e':
			options |= GPO_LINK_ENFORCED;
			break;
		case 'd':
			options |= GPO_LINK_DISABLED;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(link_help, stdout);
			goto out;
		default:
			status = cli_usage_error(cmd, "unknown or incomplete option");
			goto out;
		}
	}
	if (optind != argc || which == NULL || target == NULL) {
		status = cli_usage_error(cmd, "needs --gpo and --target");
		goto out;
	}
	if (!add && options != 0) {
		status = cli_usage_error(cmd, "--enforced and --link-disabled belong to link");
		goto out;
	}
	status = cli_domain_connect(mem, cmd, &da, &dom);
	if (status != EXIT_OK)
		goto out;
	rc = gpo_domain_find_gpo(mem, dom, which, &gpo, &err);
	if (rc == 0)
		rc = add ? gpo_domain_link(dom, gpo, target, options, &err)
			 : gpo_domain_unlink(dom, gpo, target, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	if (json) {
		json_object *doc = json_object_new_object();

		json_object_object_add(doc, "guid", json_object_new_string(gpo->guid));
		json_object_object_add(doc, "target", json_object_new_string(target));
		json_object_object_add(doc, "linked", json_object_new_boolean(add));
		if (add) {
			json_object_object_add(doc, "enforced",
					       json_object_new_boolean(options & GPO_LINK_ENFORCED));
			json_object_object_add(doc, "disabled",
					       json_object_new_boolean(options & GPO_LINK_DISABLED));
		}
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		printf("%s GPO '%s' %s %s %s\n", add ? "linked" : "unlinked", gpo->name, gpo->guid,
		       add ? "to" : "from", target);
	}
out:
	talloc_free(mem);
	return status;
}

int cmd_link(int argc, char **argv)
{
	return run_link(argc, argv, true);
}

int cmd_unlink(int argc, char **argv)
{
	return run_link(argc, argv, false);
}
