/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep delete: remove a GPO (container, links, SYSVOL folder), or what is left of one. */
#include "cli_domain.h"

static const struct cli_opt delete_opts[] = {
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "the GPO", CLI_COMPLETE_GPO),
	CLI_VALUE("orphan", 0, 'o', "{GUID}",
		  "remove what is left of a GPO whose container is gone\n"
		  "(its links and SYSVOL folder; see list --orphans)"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_delete = {
	.name = "delete",
	.usage = "gpo-cep delete --domain REALM --gpo NAME|{GUID} [options]\n"
		 "gpo-cep delete --domain REALM --orphan {GUID} [options]",
	.about = "Delete a GPO: its container (with its children, in one step), then its\n"
		 "links, then its SYSVOL folder.  Every right is checked first; the\n"
		 "domain's two default GPOs are never deleted.  A failure after the\n"
		 "container is gone leaves an orphan that --orphan removes.\n",
	.tables = { delete_opts, cli_opts_domain, cli_opts_help },
};

struct delete_args {
	struct cli_domain_args da;
	const char *which, *orphan;
	bool json;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct delete_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "delete", id, value, &status))
		return status;
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 'o':
		a->orphan = value;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return status;
}

int cmd_delete(int argc, char **argv)
{
	struct delete_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	struct cli_args args;
	int rc, status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_delete, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0) {
		status = cli_usage_error("delete", "unexpected argument '%s'", args.operands[0]);
		goto out;
	}
	if ((a.which == NULL) == (a.orphan == NULL)) {
		status = cli_usage_error("delete", "give either --gpo or --orphan");
		goto out;
	}
	status = cli_domain_connect(mem, "delete", &a.da, &dom);
	if (status != EXIT_OK)
		goto out;
	if (a.orphan != NULL) {
		rc = gpo_domain_delete_orphan(mem, dom, a.orphan, &err);
	} else {
		rc = gpo_domain_find_gpo(mem, dom, a.which, &gpo, &err);
		if (rc == 0)
			rc = gpo_domain_delete_gpo(mem, dom, gpo, &err);
	}
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	cli_json_changed(true);
	if (a.json) {
		json_object *doc = json_object_new_object();

		json_object_object_add(doc, "deleted", json_object_new_string(gpo ? gpo->guid : a.orphan));
		json_object_object_add(doc, "name", gpo ? json_object_new_string(gpo->name) : NULL);
		cli_print_json(doc);
		json_object_put(doc);
	} else if (gpo != NULL) {
		printf("deleted GPO '%s' %s\n", cli_safe(mem, gpo->name), gpo->guid);
	} else {
		printf("removed what was left of GPO %s\n", cli_safe(mem, a.orphan));
	}
out:
	talloc_free(mem);
	return status;
}
