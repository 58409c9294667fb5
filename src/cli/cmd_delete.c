/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep delete: remove a GPO's links, container and SYSVOL folder. */
#include "cli_domain.h"

static const char delete_help[] =
	"usage: gpo-cep delete --domain REALM --gpo NAME|{GUID} [options]\n"
	"\n"
	"Remove the GPO's links, its groupPolicyContainer and its SYSVOL folder.\n"
	"\n"
	"      --gpo NAME|GUID    the GPO\n"
	"      --json             machine-readable output\n"
	CLI_DOMAIN_HELP
	"  -h, --help             show this help\n";

int cmd_delete(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gpo", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_DOMAIN_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_domain_args da = { .o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	const char *which = NULL;
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
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(delete_help, stdout);
			goto out;
		default:
			status = cli_usage_error("delete", "unknown or incomplete option");
			goto out;
		}
	}
	if (optind != argc || which == NULL) {
		status = cli_usage_error("delete", which ? "unexpected argument" : "missing --gpo");
		goto out;
	}
	status = cli_domain_connect(mem, "delete", &da, &dom);
	if (status != EXIT_OK)
		goto out;
	rc = gpo_domain_find_gpo(mem, dom, which, &gpo, &err);
	if (rc == 0)
		rc = gpo_domain_delete_gpo(dom, gpo, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	if (json) {
		json_object *doc = json_object_new_object();

		json_object_object_add(doc, "deleted", json_object_new_string(gpo->guid));
		json_object_object_add(doc, "name", json_object_new_string(gpo->name));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		printf("deleted GPO '%s' %s\n", gpo->name, gpo->guid);
	}
out:
	talloc_free(mem);
	return status;
}
