/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep create: publish a policy as a new GPO in an AD domain. */
#include <string.h>

#include "cli_domain.h"
#include "cli_perm.h"
#include "cli_probe.h"
#include "cli_replica.h"

static const struct cli_opt create_opts[] = {
	CLI_VALUE("name", 0, 'n', "NAME", "the GPO's name (default: the policy's \"name\")"),
	CLI_COMPLETED("link", 0, 'l', "DN",
		  "link the GPO to the domain or an OU (repeatable);\n"
		  "every target is checked before the GPO is created", CLI_COMPLETE_TARGET),
	CLI_FLAG("dry-run", 0, 'r', "connect and check, print what would be written"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_create = {
	.name = "create",
	.usage = "gpo-cep create --domain REALM [options] POLICY.json",
	.about = "Create a GPO holding the policy: the groupPolicyContainer over LDAP, the\n"
		 "files over SMB into SYSVOL with the ACL derived from the container's, the\n"
		 "version and extension names last; then link it.  If a step fails, what was\n"
		 "created is removed again.  LDAP: servers without a policy_id get the forest\n"
		 "root domain's objectGUID.\n",
	.tables = { create_opts, cli_opts_link_flags, cli_opts_replication, cli_opts_domain,
		    cli_opts_probe, cli_opts_clients, cli_opts_help },
	.operands = CLI_COMPLETE_FILE,
};

struct create_args {
	struct cli_domain_args da;
	struct cli_probe_args pa;
	struct gpo_link_request req;
	struct cli_repl_args ra;
	const char *name, **links;
	size_t n_links;
	bool json, dry_run;
	struct cli_perm_policy *perms; /* the policy's "permissions", resolved; NULL: none */
};

static int take_option(void *ctx, int id, const char *value)
{
	struct create_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "create", id, value, &status))
		return status;
	switch (id) {
	case 'n':
		a->name = value;
		break;
	case 'l':
		a->links[a->n_links++] = value;
		break;
	case 'r':
		a->dry_run = true;
		break;
	case 'j':
		a->json = true;
		break;
	default:
		if (!cli_link_option(&a->req, "create", id, value, &status) &&
		    !cli_replication_option(&a->ra, "create", id, value, &status))
			if (!cli_clients_option("create", id, value, &status))
				cli_probe_option(&a->pa, "create", id, value, &status);
		break;
	}
	return status;
}

/* The policy file and the GPO's name; every error in the file before any connection. */
static int load(TALLOC_CTX *mem, struct create_args *a, const char *path,
		struct gpo_cep_policy **policy, struct gpo_diags *diags)
{
	struct gpo_error *err = NULL;
	int status = cli_load_policy(mem, path, policy, diags);

	if (status != EXIT_OK) {
		cli_finish_policy(*policy, NULL, path, diags, status);
		return status;
	}
	if (a->name != NULL && gpo_cep_check_gpo_name(mem, a->name, &err) != 0)
		return cli_usage_error("create", "--name: the name %s", err->message);
	if (a->name == NULL)
		a->name = (*policy)->name;
	if (a->name == NULL) {
		cli_print_diags(path, diags);
		return cli_usage_error("create", "no GPO name: give --name or \"name\" in the "
				       "policy");
	}
	return cli_check_server_ids(*policy, a->pa.enabled, path, diags);
}

/* Render the GPO and check every link target: a typo must not leave a GPO nobody asked for. */
static int prepare(TALLOC_CTX *mem, const struct create_args *a, struct gpo_domain *dom,
		   const struct gpo_cep_policy *policy, struct gpo_render **ret_render)
{
	struct gpo_error *err = NULL;
	char guid[39];
	size_t i;
	int rc;

	gpo_guid_generate(guid);
	rc = gpo_render_policy(mem, policy, guid, ret_render, &err);
	if (rc != 0)
		return cli_fail(err, rc);
	for (i = 0; i < a->n_links; i++) {
		rc = gpo_domain_check_link_target(mem, dom, a->links[i], &err);
		if (rc != 0) {
			rc = cli_fail(err, rc);
			cli_error("no GPO was created");
			return rc;
		}
	}
	return EXIT_OK;
}

/* --dry-run: what would be written, as lines or as one JSON document. */
static void print_dry_run(TALLOC_CTX *mem, const struct create_args *a, struct gpo_domain *dom,
			  const struct gpo_render *r, const struct gpo_diags *diags)
{
	json_object *doc, *links;
	size_t i;

	if (!a->json) {
		printf("would create GPO '%s' on %s (version: %s; its GUID is assigned when "
		       "it is created)\n", cli_safe(mem, a->name), gpo_domain_dc(dom),
		       cli_version_text(mem, r->version));
		cli_print_render(r);
		if (a->perms != NULL)
			cli_perm_policy_preview(mem, a->perms, NULL);
		for (i = 0; i < a->n_links; i++)
			printf("would link to %s\n", cli_safe(mem, a->links[i]));
		return;
	}
	doc = json_object_new_object();
	cli_json_dry_run(true);
	cli_json_changed(true);
	/* the GUID is assigned when the GPO is created */
	json_object_object_add(doc, "guid", NULL);
	json_object_object_add(doc, "name", json_object_new_string(a->name));
	json_object_object_add(doc, "dc", json_object_new_string(gpo_domain_dc(dom)));
	cli_render_json(doc, r);
	/* new links, as create --json shows them once made */
	links = json_object_new_array();
	for (i = 0; i < a->n_links; i++) {
		json_object *l = json_object_new_object();

		json_object_object_add(l, "dn", json_object_new_string(a->links[i]));
		json_object_object_add(l, "enforced",
				       json_object_new_boolean(a->req.enforced == GPO_LINK_ON));
		json_object_object_add(l, "disabled",
				       json_object_new_boolean(a->req.disabled == GPO_LINK_ON));
		json_object_array_add(links, l);
	}
	json_object_object_add(doc, "links", links);
	if (a->perms != NULL)
		cli_perm_policy_preview(mem, a->perms, doc);
	json_object_object_add(doc, "findings", cli_diags_json(diags));
	cli_print_json(doc);
	json_object_put(doc);
}

/* Create the GPO, link it, print it. */
static int create(TALLOC_CTX *mem, const struct create_args *a, struct gpo_domain *dom,
		  const struct gpo_render *render, const struct gpo_diags *diags)
{
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	size_t i;
	int rc = gpo_domain_create_gpo(mem, dom, a->name, render, &gpo, &err), status;

	if (rc != 0)
		return cli_fail(err, rc);
	/* from here on a failure leaves a GPO: --json names it */
	cli_json_changed(true);
	cli_json_set("guid", json_object_new_string(gpo->guid));
	cli_json_set("name", json_object_new_string(gpo->name));
	/* who it applies to before it is linked: a filtered GPO never reaches everyone */
	if (a->perms != NULL) {
		status = cli_perm_policy_new_gpo(mem, dom, a->da.o.realm, gpo, a->perms);
		if (status != EXIT_OK)
			return status;
	}
	/* on every DC before it is linked: a client finding no folder fails the GPO */
	status = cli_replicate(mem, "create", &a->ra, dom, gpo->guid, a->json);
	if (status != EXIT_OK) {
		cli_error("GPO '%s' %s was created on %s%s", a->name, gpo->guid, gpo_domain_dc(dom),
			  a->n_links ? ", not linked: link it once 'gpo-cep status' shows it "
				       "everywhere" : "");
		return status;
	}
	for (i = 0; i < a->n_links; i++) {
		rc = gpo_domain_link(mem, dom, gpo, a->links[i], &a->req, NULL, &err);
		if (rc != 0) {
			cli_fail(err, rc);
			cli_error("GPO '%s' %s was created, but not linked to %s: "
				  "'gpo-cep link --domain %s --gpo %s --target \"%s\"' links it",
				  a->name, gpo->guid, a->links[i], a->da.o.realm, gpo->guid,
				  a->links[i]);
			return EXIT_PARTIAL;
		}
	}
	if (a->json) {
		json_object *doc = cli_gpo_json(gpo);

		if (a->perms != NULL)
			json_object_object_add(doc, "permissions", cli_perms_json(mem, a->perms->after));
		json_object_object_add(doc, "findings", cli_diags_json(diags));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		printf("created ");
		cli_print_gpo(stdout, gpo);
		if (a->perms != NULL)
			cli_perm_policy_report(mem, a->perms, true, NULL);
	}
	return EXIT_OK;
}

int cmd_create(int argc, char **argv)
{
	struct create_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_cep_policy *policy = NULL;
	struct gpo_render *render = NULL;
	struct gpo_domain *dom = NULL;
	const char *path;
	struct cli_args args;
	int status = EXIT_OK;

	a.links = talloc_zero_array(mem, const char *, argc + 1);
	cli_args_init(&args, mem, &cli_spec_create, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 1) {
		status = cli_usage_error("create", "expected exactly one POLICY.json");
		goto out;
	}
	path = args.operands[0];
	status = cli_domain_settle(mem, "create", &a.da);
	if (status != EXIT_OK)
		goto out;
	if (a.da.o.realm == NULL) {
		status = cli_usage_error("create", "missing --domain REALM");
		goto out;
	}
	status = load(mem, &a, path, &policy, diags);
	if (status == EXIT_OK)
		status = cli_domain_connect(mem, "create", &a.da, &dom);
	if (status != EXIT_OK)
		goto out;
	status = cli_probe_policy(mem, &a.pa, policy, diags, NULL);
	status = cli_finish_policy(policy, gpo_domain_forest_guid(dom), path, diags, status);
	if (status == EXIT_OK)
		status = prepare(mem, &a, dom, policy, &render);
	/* every trustee resolved before anything is created */
	if (status == EXIT_OK && policy->permissions != NULL)
		status = cli_perm_policy_resolve(mem, dom, path, policy->permissions, &a.perms);
	if (status != EXIT_OK)
		goto out;
	if (a.dry_run)
		print_dry_run(mem, &a, dom, render, diags);
	else
		status = create(mem, &a, dom, render, diags);
out:
	talloc_free(mem);
	return status;
}
