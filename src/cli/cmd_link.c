/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep link / unlink: a GPO's links to the domain or an OU. */
#include <string.h>

#include "cli_replica.h"

static const struct cli_opt link_opts[] = {
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "the GPO", CLI_COMPLETE_GPO),
	CLI_COMPLETED("target", 0, 't', "DN", "the domain or OU", CLI_COMPLETE_TARGET),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

static const char link_about[] =
	"Link the GPO to a domain or OU, or change an existing link's options (only\n"
	"those given: --enforced alone leaves 'disabled' as it is), or remove the\n"
	"link.  Every other link there is kept byte for byte.\n";

const struct cli_spec cli_spec_link = {
	.name = "link",
	.usage = "gpo-cep link --domain REALM --gpo NAME|{GUID} --target DN [options]",
	.about = link_about,
	.tables = { link_opts, cli_opts_link_flags, cli_opts_replication, cli_opts_domain,
		    cli_opts_help },
};

const struct cli_spec cli_spec_unlink = {
	.name = "unlink",
	.usage = "gpo-cep unlink --domain REALM --gpo NAME|{GUID} --target DN [options]",
	.about = link_about,
	.tables = { link_opts, cli_opts_domain, cli_opts_help },
};

struct link_args {
	struct cli_domain_args da;
	struct gpo_link_request req;
	struct cli_repl_args ra;
	const char *cmd, *which, *target;
	bool json, flags;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct link_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, a->cmd, id, value, &status))
		return status;
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 't':
		a->target = value;
		break;
	case 'j':
		a->json = true;
		break;
	default:
		if (cli_replication_option(&a->ra, a->cmd, id, value, &status))
			break;
		cli_link_option(&a->req, a->cmd, id, value, &status);
		a->flags = true;
		break;
	}
	return status;
}

/* What changed, for people or as JSON. */
static void print_result(TALLOC_CTX *mem, const struct link_args *a, bool add,
			 const struct gpo_domain_gpo *gpo, const struct gpo_link_change *change)
{
	if (a->json) {
		json_object *doc = json_object_new_object(), *link = json_object_new_object();

		json_object_object_add(doc, "guid", json_object_new_string(gpo->guid));
		json_object_object_add(doc, "name", json_object_new_string(gpo->name));
		json_object_object_add(doc, "linked", json_object_new_boolean(add));
		json_object_object_add(doc, "changed",
				       json_object_new_boolean(change->added || change->removed ||
							       change->options_changed ||
							       change->order_changed));
		/* the link object of list and show: what it is now (unlink: what it was) */
		json_object_object_add(link, "dn", json_object_new_string(a->target));
		if (add) {
			uint32_t o = change->new_options;

			json_object_object_add(link, "enforced",
					       json_object_new_boolean(o & GPO_LINK_ENFORCED));
			json_object_object_add(link, "disabled",
					       json_object_new_boolean(o & GPO_LINK_DISABLED));
			json_object_object_add(link, "order",
					       json_object_new_int((int)change->new_order));
		}
		json_object_object_add(doc, "link", link);
		cli_print_json(doc);
		json_object_put(doc);
	} else if (add && change->added) {
		printf("linked GPO '%s' %s to %s, link order %u%s\n", cli_safe(mem, gpo->name),
		       gpo->guid, cli_safe(mem, a->target), change->new_order,
		       cli_link_options(change->new_options, true));
	} else if (add && (change->options_changed || change->order_changed)) {
		if (change->order_changed)
			printf("GPO '%s' %s: link to %s moved from link order %u to %u\n",
			       cli_safe(mem, gpo->name), gpo->guid, cli_safe(mem, a->target),
			       change->old_order, change->new_order);
		if (!change->options_changed)
			return;
		printf("GPO '%s' %s: link to %s changed from%s to%s\n", cli_safe(mem, gpo->name),
		       gpo->guid, cli_safe(mem, a->target),
		       change->old_options ? cli_link_options(change->old_options, true)
					   : " (plain)",
		       change->new_options ? cli_link_options(change->new_options, true)
					   : " (plain)");
	} else if (add) {
		printf("GPO '%s' %s is already linked to %s, link order %u%s: no change\n",
		       cli_safe(mem, gpo->name), gpo->guid, cli_safe(mem, a->target),
		       change->new_order, cli_link_options(change->new_options, true));
	} else if (change->removed) {
		printf("unlinked GPO '%s' %s from %s\n", cli_safe(mem, gpo->name), gpo->guid,
		       cli_safe(mem, a->target));
	} else {
		printf("GPO '%s' %s is not linked to %s: no change\n", cli_safe(mem, gpo->name),
		       gpo->guid, cli_safe(mem, a->target));
	}
}

static int run_link(int argc, char **argv, bool add)
{
	const struct cli_spec *spec = add ? &cli_spec_link : &cli_spec_unlink;
	const char *cmd = spec->name;
	struct link_args a = { .cmd = cmd, .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	struct gpo_link_change change = { 0 };
	struct cli_args args;
	int rc, status = EXIT_OK;

	cli_args_init(&args, mem, spec, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0 || a.which == NULL || a.target == NULL) {
		status = cli_usage_error(cmd, "needs --gpo and --target");
		goto out;
	}
	if (!add && a.flags) {
		status = cli_usage_error(cmd, "--enforced, --link-disabled, --link-enabled and "
					 "--order belong to link");
		goto out;
	}
	status = cli_domain_connect(mem, cmd, &a.da, &dom);
	if (status != EXIT_OK)
		goto out;
	rc = gpo_domain_find_gpo(mem, dom, a.which, &gpo, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	/* the GPO on every DC first: a link to a GPO a DC lacks fails there */
	status = add ? cli_replicate(mem, cmd, &a.ra, dom, gpo->guid, a.json) : EXIT_OK;
	if (status != EXIT_OK) {
		cli_error("GPO %s was not linked to %s", gpo->guid, a.target);
		goto out;
	}
	if (rc == 0)
		rc = add ? gpo_domain_link(mem, dom, gpo, a.target, &a.req, &change, &err)
			 : gpo_domain_unlink(mem, dom, gpo, a.target, &change, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	print_result(mem, &a, add, gpo, &change);
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
