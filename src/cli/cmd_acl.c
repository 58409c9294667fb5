/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep acl: is a GPO's SYSVOL ACL the one its container calls for?  Repair it if asked. */
#include "cli_domain.h"
#include "cli_jobs.h"

static const struct cli_opt acl_opts[] = {
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "the GPO", CLI_COMPLETE_GPO),
	CLI_FLAG("all", 0, 'a', "every GPO of the domain"),
	CLI_FLAG("repair", 0, 'r', "set the folder's ACL where it differs"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_acl = {
	.name = "acl",
	.usage = "gpo-cep acl --domain REALM (--gpo NAME|{GUID} | --all) [--repair | --jobs N] "
		 "[options]",
	.about = "Compare the NT ACL of a GPO's SYSVOL folder with the one derived from its\n"
		 "container's security descriptor (what samba-tool gpo aclcheck checks) and\n"
		 "say what differs.  --repair sets the folder's ACL from the container's and\n"
		 "that of everything inside to what it inherits, item by item, also where\n"
		 "the NT ACLs agree (a Samba DC may keep file permissions that do not\n"
		 "follow them, which SMB cannot show); the container keeps its entries,\n"
		 "put in the folder's order (as create does) so that samba-tool gpo aclcheck\n"
		 "agrees.  Only the GPOs named are touched.  Exit status 4: a difference was\n"
		 "found and not repaired.\n",
	.tables = { acl_opts, cli_opts_jobs, cli_opts_domain, cli_opts_help },
};

static json_object *aces_json(TALLOC_CTX *mem, const struct gpo_ace *aces, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(gpo_ace_sddl(mem, &aces[i])));
	return a;
}

static void print_text(TALLOC_CTX *mem, const struct gpo_domain_gpo *g,
		       const struct gpo_domain_acl *acl, bool repaired, bool rewritten)
{
	const struct gpo_sd_diff *d = acl->diff;
	size_t i;

	if (acl->same) {
		printf("GPO '%s' %s: SYSVOL ACL matches its container%s\n", cli_safe(mem, g->name),
		       g->guid, rewritten ? "; written again on every item so that the DC's "
					     "file permissions follow it" : "");
		return;
	}
	printf("GPO '%s' %s: SYSVOL ACL %s its container's\n", cli_safe(mem, g->name), g->guid,
	       repaired ? "was set from" : "differs from");
	if (d->owner_differs)
		printf("  owner differs: want %s\n", gpo_sid_string(mem, acl->want->owner));
	if (d->group_differs)
		printf("  group differs: want %s\n", gpo_sid_string(mem, acl->want->group));
	for (i = 0; i < d->n_missing; i++)
		printf("  %s %s\n", repaired ? "added:  " : "missing:", gpo_ace_sddl(mem, &d->missing[i]));
	for (i = 0; i < d->n_extra; i++)
		printf("  %s %s\n", repaired ? "removed:" : "extra:  ", gpo_ace_sddl(mem, &d->extra[i]));
	for (i = 0; i < acl->n_items; i++)
		printf("  %s: %s%s\n", cli_safe(mem, acl->items[i].path), acl->items[i].problem,
		       repaired ? " (now inherits again)" : "");
}

static json_object *acl_json(TALLOC_CTX *mem, const struct gpo_domain_gpo *g,
			     const struct gpo_domain_acl *acl, bool repaired)
{
	json_object *o = json_object_new_object(), *items = json_object_new_array();
	const struct gpo_sd_diff *d = acl->diff;
	size_t i;

	json_object_object_add(o, "guid", json_object_new_string(g->guid));
	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "path", json_object_new_string(acl->path));
	json_object_object_add(o, "in_sync", json_object_new_boolean(acl->same));
	json_object_object_add(o, "repaired", json_object_new_boolean(repaired));
	json_object_object_add(o, "owner_differs", json_object_new_boolean(d->owner_differs));
	json_object_object_add(o, "group_differs", json_object_new_boolean(d->group_differs));
	json_object_object_add(o, "missing", aces_json(mem, d->missing, d->n_missing));
	json_object_object_add(o, "extra", aces_json(mem, d->extra, d->n_extra));
	for (i = 0; i < acl->n_items; i++) {
		json_object *it = json_object_new_object();

		json_object_object_add(it, "path", json_object_new_string(acl->items[i].path));
		json_object_object_add(it, "problem", json_object_new_string(acl->items[i].problem));
		json_object_array_add(items, it);
	}
	json_object_object_add(o, "inside", items);
	json_object_object_add(o, "want_sddl", json_object_new_string(acl->want_sddl));
	return o;
}

/* Check one GPO, repair it when asked; returns the exit status it calls for. */
static int one(TALLOC_CTX *mem, struct gpo_domain *dom, const struct gpo_domain_gpo *g,
	       bool repair, json_object *results)
{
	struct gpo_domain_acl *acl = NULL, *after = NULL;
	struct gpo_error *err = NULL;
	bool repaired = false;
	int rc;

	rc = gpo_domain_check_acl(mem, dom, g, &acl, &err);
	/*
	 * Written again even when the NT ACLs agree: Samba may hold POSIX
	 * ACLs that do not follow them (it leaves them as they were when an
	 * NT ACL with an object entry is set), and SMB shows only the NT ACL.
	 */
	if (rc == 0 && repair) {
		rc = gpo_domain_repair_acl(mem, dom, g, &err);
		/* read it back: smbcacls said yes, the folder must say so too */
		if (rc == 0)
			rc = gpo_domain_check_acl(mem, dom, g, &after, &err);
		if (rc == 0 && !after->same) {
			cli_error("the SYSVOL ACL of GPO %s still differs after setting it", g->guid);
			return EXIT_FAILURE_;
		}
		repaired = rc == 0 && !acl->same;
		if (repaired)
			cli_json_changed(true);
	}
	if (rc != 0)
		return cli_fail(err, rc);
	if (results != NULL)
		json_object_array_add(results, acl_json(mem, g, acl, repaired));
	else
		print_text(mem, g, acl, repaired, repair);
	return acl->same || repaired ? EXIT_OK : EXIT_CHANGES;
}

struct acl_run {
	TALLOC_CTX *mem;
	struct gpo_domain *dom;
	const struct gpo_domain_gpo *gpos;
	bool repair;
};

static int acl_nth(size_t i, void *arg, json_object *results)
{
	struct acl_run *r = arg;

	return one(r->mem, r->dom, &r->gpos[i], r->repair, results);
}

struct acl_args {
	struct cli_domain_args da;
	const char *which;
	unsigned jobs;
	bool json, all, repair;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct acl_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "acl", id, value, &status) ||
	    cli_jobs_option(&a->jobs, "acl", id, value, &status))
		return status;
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 'a':
		a->all = true;
		break;
	case 'r':
		a->repair = true;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return status;
}

int cmd_acl(int argc, char **argv)
{
	struct acl_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpos = NULL;
	struct gpo_error *err = NULL;
	json_object *results = NULL;
	struct cli_args args;
	size_t n = 0;
	int rc, status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_acl, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0 || (a.which == NULL) == !a.all) {
		status = cli_usage_error("acl", args.n_operands != 0 ? "unexpected argument"
								   : "give either --gpo or --all");
		goto out;
	}
	if (a.repair && a.jobs > 1) {
		status = cli_usage_error("acl", "--jobs is for reading: --repair writes one GPO at "
					 "a time");
		goto out;
	}
	a.da.read_only = !a.repair;
	status = cli_domain_connect(mem, "acl", &a.da, &dom);
	if (status != EXIT_OK)
		goto out;
	if (a.all) {
		/* the ACLs need the descriptors, not the containers' children */
		rc = gpo_domain_list_gpos_for(mem, dom, GPO_DOMAIN_LISTING_NO_CHILDREN, &gpos, &n,
					      &err);
	} else {
		rc = gpo_domain_find_gpo(mem, dom, a.which, &gpos, &err);
		n = 1;
	}
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	results = a.json ? json_object_new_array() : NULL;
	/* repairs stay on one connection, in order: what a fault interrupts is then plain */
	status = cli_jobs_each(&dom, 1, n, a.repair ? 1 : a.jobs, results, acl_nth,
			       &(struct acl_run){ mem, dom, gpos, a.repair });
	if (a.json) {
		json_object *doc = json_object_new_object();

		json_object_object_add(doc, "gpos", results);
		cli_print_json(doc);
		json_object_put(doc);
	}
out:
	talloc_free(mem);
	return status;
}
