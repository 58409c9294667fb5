/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep status: is a GPO the same on every DC of the domain as on the baseline? */
#include <string.h>

#include "cli_jobs.h"
#include "cli_replica.h"

static const struct cli_opt status_opts[] = {
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "the GPO", CLI_COMPLETE_GPO),
	CLI_FLAG("all", 0, 'a', "every GPO of the domain"),
	CLI_VALUE("baseline", 0, 'b', "DC", "compare with this DC (default: the PDC emulator)"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_status = {
	.name = "status",
	.usage = "gpo-cep status --domain REALM (--gpo NAME|{GUID} | --all) [--baseline DC] "
		 "[--jobs N] [options]",
	.about = "Compare a GPO on every DC of the domain (the configuration partition's\n"
		 "NTDS Settings objects, reachable or not) with the baseline DC, as GPMC's\n"
		 "Status tab does: the container's version and extension names in AD,\n"
		 "every file of the SYSVOL folder (by SHA-1), GPT.INI's version, and the\n"
		 "folder's ACL against the container's on each DC.  A row per difference.\n"
		 "Exit status 4: a difference; 1: a DC could not be reached (named).\n",
	.tables = { status_opts, cli_opts_jobs, cli_opts_domain, cli_opts_help },
};

struct status_args {
	struct cli_domain_args da;
	const char *which, *baseline;
	unsigned jobs;
	bool json, all;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct status_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "status", id, value, &status) ||
	    cli_jobs_option(&a->jobs, "status", id, value, &status))
		return status;
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 'a':
		a->all = true;
		break;
	case 'b':
		a->baseline = value;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return status;
}

static int one(TALLOC_CTX *mem, const struct cli_dcs *dcs, const struct cli_gpo_ref *g,
	       json_object *results)
{
	struct cli_copies c;

	if (cli_copies_read(mem, dcs, g->guid, false, &c) != 0)
		return EXIT_FAILURE_;
	if (results != NULL) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "guid", json_object_new_string(g->guid));
		json_object_object_add(o, "name", json_object_new_string(g->name));
		cli_copies_json(o, dcs, &c);
		json_object_array_add(results, o);
	} else if (c.differences == 0 && c.unreadable == 0) {
		printf("GPO '%s' %s: the same on %zu DC%s\n", cli_safe(mem, g->name), g->guid,
		       dcs->n - dcs->unreachable, dcs->n - dcs->unreachable == 1 ? "" : "s");
	} else {
		printf("GPO '%s' %s: %zu difference%s\n", cli_safe(mem, g->name), g->guid,
		       c.differences + c.unreadable, c.differences + c.unreadable == 1 ? "" : "s");
		cli_copies_print(stdout, mem, dcs, &c);
	}
	if (c.unreadable > 0)
		return EXIT_FAILURE_;
	return c.differences > 0 ? EXIT_CHANGES : EXIT_OK;
}

struct status_run {
	TALLOC_CTX *mem;
	const struct cli_dcs *dcs;
	const struct cli_gpo_ref *refs;
};

static int status_nth(size_t i, void *arg, json_object *results)
{
	struct status_run *r = arg;

	return one(r->mem, r->dcs, &r->refs[i], results);
}

int cmd_status(int argc, char **argv)
{
	struct status_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cli_gpo_ref *refs = NULL;
	json_object *results = NULL;
	struct gpo_domain **doms;
	struct cli_dcs dcs;
	struct cli_args args;
	size_t n = 0, i;
	int status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_status, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0 || (a.which == NULL) == !a.all) {
		status = cli_usage_error("status", args.n_operands != 0 ? "unexpected argument"
								      : "give either --gpo or --all");
		goto out;
	}
	status = cli_dcs_start(mem, "status", &a.da, a.baseline, a.which, &dcs, &refs, &n);
	if (status != EXIT_OK)
		goto out;
	results = a.json ? json_object_new_array() : NULL;
	if (!a.json)
		cli_print_dcs(mem, &dcs);
	doms = talloc_array(mem, struct gpo_domain *, dcs.n);
	for (i = 0; doms != NULL && i < dcs.n; i++)
		doms[i] = dcs.dc[i].dom;
	if (doms == NULL) {
		cli_error("out of memory");
		status = EXIT_FAILURE_;
		goto out;
	}
	status = cli_jobs_each(doms, dcs.n, n, a.jobs, results, status_nth,
			       &(struct status_run){ mem, &dcs, refs });
	if (dcs.unreachable > 0)
		status = EXIT_FAILURE_;
	if (a.json)
		cli_dcs_print_json(&dcs, results);
out:
	talloc_free(mem);
	return status;
}
