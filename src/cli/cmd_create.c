/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep create: publish a policy as a new GPO in an AD domain. */
#include <string.h>

#include "cli_domain.h"
#include "cli_probe.h"

static const char create_help[] =
	"usage: gpo-cep create --domain REALM [options] POLICY.json\n"
	"\n"
	"Create a GPO holding the policy: the groupPolicyContainer over LDAP, the\n"
	"files over SMB into SYSVOL with the ACL derived from the container's, the\n"
	"version and extension names last; then link it.  If a step fails, what was\n"
	"created is removed again.  LDAP: servers without a policy_id get the forest\n"
	"root domain's objectGUID.\n"
	"\n"
	"      --name NAME        the GPO's name (default: the policy's \"name\")\n"
	"      --link DN          link the GPO to the domain or an OU (repeatable),\n"
	"                         with the lowest precedence, as GPMC does\n"
	"      --enforced         make the new links enforced\n"
	"      --link-disabled    make the new links disabled\n"
	"      --dry-run          connect and check, print what would be written\n"
	"      --json             machine-readable output\n"
	CLI_DOMAIN_HELP
	CLI_PROBE_HELP
	"  -h, --help             show this help\n";

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "link", required_argument, NULL, 'l' },
		{ "enforced", no_argument, NULL, 'e' },
		{ "link-disabled", no_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_DOMAIN_OPTIONS,
		CLI_PROBE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_domain_args da = { .o = GPO_DOMAIN_OPTIONS_INIT };
	struct cli_probe_args pa = { 0 };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_cep_policy *policy = NULL;
	struct gpo_render *render = NULL;
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	const char *name = NULL, **links = talloc_zero_array(mem, const char *, argc + 1);
	bool json = false, dry_run = false;
	unsigned link_options = 0;
	size_t n_links = 0, i;
	char guid[39];
	int c, rc, status = EXIT_OK;

	optind = 1;
	while ((c = cli_next_option(argc, argv, opts, &da, &status)) != -1) {
		switch (c) {
		case CLI_OPTION_ERROR:
			goto out;
		case 'n':
			name = optarg;
			break;
		case 'l':
			links[n_links++] = optarg;
			break;
		case 'e':
			link_options |= GPO_LINK_ENFORCED;
			break;
		case 'd':
			link_options |= GPO_LINK_DISABLED;
			break;
		case 'r':
			dry_run = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(create_help, stdout);
			goto out;
		default:
			if (cli_probe_option(&pa, c, optarg, &status)) {
				if (status != EXIT_OK)
					goto out;
				break;
			}
			status = cli_usage_error("create", "unknown or incomplete option");
			goto out;
		}
	}
	if (optind + 1 != argc) {
		status = cli_usage_error("create", "expected exactly one POLICY.json");
		goto out;
	}
	if (da.o.realm == NULL) {
		status = cli_usage_error("create", "missing --domain REALM");
		goto out;
	}
	status = cli_load_policy(mem, argv[optind], &policy, diags);
	if (status == EXIT_OK && name == NULL)
		name = policy->name;
	if (status == EXIT_OK && name == NULL) {
		cli_print_diags(argv[optind], diags);
		status = cli_usage_error("create", "no GPO name: give --name or \"name\" in the policy");
		goto out;
	}
	if (status == EXIT_OK)
		status = cli_domain_connect(mem, "create", &da, &dom);
	if (status != EXIT_OK)
		goto out;
	if (status == EXIT_OK)
		status = cli_probe_policy(mem, &pa, policy, diags, NULL);
	status = cli_finish_policy(policy, gpo_domain_forest_guid(dom), argv[optind], diags, status);
	if (status != EXIT_OK)
		goto out;
	gpo_guid_generate(guid);
	rc = gpo_render_policy(mem, policy, guid, &render, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	if (dry_run) {
		printf("would create GPO '%s' as %s on %s (version %lu)\n", name, guid,
		       gpo_domain_dc(dom), (unsigned long)render->version);
		for (i = 0; i < render->n_files; i++)
			printf("  %s (%zu bytes)\n", render->files[i].path, render->files[i].len);
		printf("gPCMachineExtensionNames: %s\ngPCUserExtensionNames: %s\n",
		       render->machine_extension_names, render->user_extension_names);
		for (i = 0; i < n_links; i++)
			printf("would link to %s\n", links[i]);
		goto out;
	}
	rc = gpo_domain_create_gpo(mem, dom, name, render, &gpo, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	for (i = 0; i < n_links; i++) {
		rc = gpo_domain_link(dom, gpo, links[i], link_options, &err);
		if (rc != 0) {
			cli_error("GPO %s was created, but linking it failed", gpo->guid);
			status = cli_fail(err, rc);
			goto out;
		}
	}
	if (json) {
		json_object *doc = cli_gpo_json(gpo);

		json_object_object_add(doc, "findings", cli_diags_json(diags));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		printf("created ");
		cli_print_gpo(stdout, gpo);
	}
out:
	talloc_free(mem);
	return status;
}
