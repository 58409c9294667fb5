/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep list: the GPOs of a domain that carry certificate enrollment settings. */
#include <string.h>
#include <strings.h>

#include "cli_domain.h"
#include "cli_jobs.h"

static const struct cli_opt list_opts[] = {
	CLI_FLAG("all", 0, 'a', "every GPO of the domain"),
	CLI_FLAG("orphans", 0, 'o', "what is left of deleted GPOs: SYSVOL folders and\n"
				    "links without a container (delete --orphan removes them)"),
	CLI_COMPLETED("linked-to", 0, 'L', "DN", "only GPOs linked to the domain, OU or site DN",
		      CLI_COMPLETE_TARGET),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_list = {
	.name = "list",
	.usage = "gpo-cep list --domain REALM [--all | --orphans] [--linked-to DN] [--jobs N] "
		 "[options]",
	.about = "List the GPOs that carry certificate enrollment settings, with their\n"
		 "scopes, servers and links (--all: every GPO).  A GPO that is incomplete\n"
		 "(an interrupted create or update: no SYSVOL folder, no GPT.INI, versions\n"
		 "that disagree) is always listed, flagged with what is missing.\n",
	.tables = { list_opts, cli_opts_jobs, cli_opts_domain, cli_opts_help },
};

/* The certificate settings of one GPO, or NULL when it has none. */
static struct gpo_cep_policy *cep_of(TALLOC_CTX *mem, struct gpo_domain *dom,
				     const struct gpo_domain_gpo *g, bool *unreadable)
{
	struct gpo_cep_policy *p = talloc_zero(mem, struct gpo_cep_policy);
	struct gpo_files *dc = NULL;
	struct gpo_error *err = NULL;
	bool found = false;
	int k;

	/* only the registry extension applies Registry.pol (any case: Samba writes lower) */
	if (strcasestr(g->machine_extension_names, GPO_CSE_REGISTRY) == NULL &&
	    strcasestr(g->user_extension_names, GPO_CSE_REGISTRY) == NULL)
		return NULL;
	if (gpo_domain_read_files(mem, dom, g, &dc, &err) != 0) {
		/* a GPO we cannot read may well hold the settings: never drop it silently */
		cli_error("warning: cannot read the files of GPO '%s' %s: %s", g->name, g->guid,
			  err ? err->message : "unknown error");
		*unreadable = true;
		return NULL;
	}
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		struct gpo_preg_file *f = NULL;
		bool *used = NULL;

		const struct gpo_file *pol = &dc->file[GPO_FILE_POL(k)];

		if (pol->data == NULL)
			continue;
		if (gpo_preg_decode(mem, pol->data, pol->len, &f, &err) != 0) {
			cli_error("warning: GPO '%s' %s: %s: %s", g->name, g->guid,
				  gpo_files_path(mem, dc, GPO_FILE_POL(k)),
				  err ? err->message : "malformed");
			*unreadable = true;
			continue;
		}
		if (gpo_cep_scope_decode(mem, f, "", &p->scopes[k], &used, gpo_diags_new(mem)) == 0 &&
		    p->scopes[k] != NULL &&
		    (p->scopes[k]->enrollment != NULL || p->scopes[k]->auto_enrollment != NULL))
			found = true;
	}
	return found ? p : NULL;
}

static json_object *servers_json(const struct gpo_cep_policy *p, bool json,
				 enum gpo_cep_scope_kind k)
{
	json_object *arr = json ? json_object_new_array() : NULL;
	const struct gpo_cep_scope *s = p ? p->scopes[k] : NULL;
	size_t i;

	for (i = 0; s && s->enrollment && i < s->enrollment->n_servers; i++) {
		if (json)
			json_object_array_add(arr,
					      json_object_new_string(s->enrollment->servers[i].uri));
		else
			printf("    %s server %s (%s)\n", gpo_cep_scope_name(k),
			       s->enrollment->servers[i].uri,
			       gpo_cep_auth_name(s->enrollment->servers[i].auth));
	}
	return arr;
}

static int list_orphans(TALLOC_CTX *mem, struct gpo_domain *dom, bool json)
{
	struct gpo_domain_orphan *o = NULL;
	struct gpo_error *err = NULL;
	json_object *arr;
	size_t n = 0, i, k;
	int rc = gpo_domain_list_orphans(mem, dom, &o, &n, &err);

	if (rc != 0)
		return cli_fail(err, rc);
	arr = json ? json_object_new_array() : NULL;
	for (i = 0; i < n; i++) {
		if (json) {
			json_object *e = json_object_new_object(), *links = json_object_new_array();

			json_object_object_add(e, "guid", json_object_new_string(o[i].guid));
			json_object_object_add(e, "folder", json_object_new_boolean(o[i].folder));
			for (k = 0; k < o[i].n_links; k++)
				json_object_array_add(links, json_object_new_string(o[i].link_targets[k]));
			json_object_object_add(e, "links", links);
			json_object_array_add(arr, e);
			continue;
		}
		printf("%s  orphan:%s%s\n", o[i].guid, o[i].folder ? " SYSVOL folder" : "",
		       o[i].n_links ? (o[i].folder ? ", links" : " links") : "");
		for (k = 0; k < o[i].n_links; k++)
			printf("    linked from %s\n", cli_safe(mem, o[i].link_targets[k]));
	}
	if (json) {
		cli_json_set("orphans", arr);
	}
	return EXIT_OK;
}

struct list_args {
	struct cli_domain_args da;
	const char *linked_to;
	unsigned jobs;
	bool all, json, orphans;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct list_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "list", id, value, &status) ||
	    cli_jobs_option(&a->jobs, "list", id, value, &status))
		return status;
	switch (id) {
	case 'a':
		a->all = true;
		break;
	case 'o':
		a->orphans = true;
		break;
	case 'L':
		a->linked_to = value;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return status;
}

/* One GPO as a JSON object: guid, name, version, what it carries, problems, servers, links. */
static json_object *gpo_json(const struct gpo_domain_gpo *g, const struct gpo_cep_policy *p,
			     const struct gpo_domain_state *state, bool unreadable, bool incomplete)
{
	json_object *o = json_object_new_object(), *links = json_object_new_array();
	size_t j;
	int k;

	json_object_object_add(o, "guid", json_object_new_string(g->guid));
	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "version", cli_version_json(g->version));
	json_object_object_add(o, "certificate_enrollment", json_object_new_boolean(p != NULL));
	json_object_object_add(o, "unreadable", json_object_new_boolean(unreadable));
	json_object_object_add(o, "incomplete", json_object_new_boolean(incomplete));
	json_object_object_add(o, "problems", state && state->problems
						     ? json_object_new_string(state->description)
						     : NULL);
	json_object_object_add(o, "permission_problems",
			       cli_perm_problems_json(state ? state->permission_problems : 0));
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
		if (p != NULL && p->scopes[k] != NULL)
			json_object_object_add(o, gpo_cep_scope_name(k), servers_json(p, true, k));
	for (j = 0; j < g->n_links; j++)
		json_object_array_add(links, cli_link_json(&g->links[j]));
	json_object_object_add(o, "links", links);
	return o;
}

/* One GPO for people: a line, its problems, servers and links below it. */
static void print_gpo(TALLOC_CTX *mem, const struct gpo_domain_gpo *g,
		      const struct gpo_cep_policy *p, const struct gpo_domain_state *state,
		      bool unreadable, bool incomplete)
{
	size_t j;
	int k;

	printf("%s  %s  (version: %s)%s\n", g->guid, cli_safe(mem, g->name),
	       cli_version_text(mem, g->version), unreadable ? "  UNREADABLE" : "");
	if (state != NULL && state->problems)
		printf("    %s: %s\n", incomplete ? "INCOMPLETE" : "note", state->description);
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
		servers_json(p, false, k);
	for (j = 0; j < g->n_links; j++)
		printf("    linked to %s, link order %u%s\n", cli_safe(mem, g->links[j].dn),
		       g->links[j].order,
		       cli_link_options(g->links[j].options, g->links[j].options_known));
}

/*
 * One GPO, when it is to be listed: added to `arr` (--json) or printed.
 * False when it could not be read or checked.
 */
static bool list_one(TALLOC_CTX *mem, struct gpo_domain *dom, const struct gpo_domain_gpo *g,
		     bool all, json_object *arr)
{
	struct gpo_domain_state *state = NULL;
	struct gpo_cep_policy *p = NULL;
	struct gpo_error *err = NULL;
	bool unreadable = false, incomplete;

	if (gpo_domain_check_gpo(mem, dom, g, &state, &err) != 0) {
		cli_error("warning: cannot check GPO '%s' %s: %s", g->name, g->guid,
			  err ? err->message : "unknown error");
		unreadable = true;
	}
	incomplete = state != NULL && ((state->problems & GPO_PROBLEMS_INCOMPLETE) ||
				       ((state->problems & GPO_PROBLEM_ACL) && g->version == 0));
	if (!unreadable && !(state->problems & (GPO_PROBLEM_NO_FOLDER)))
		p = cep_of(mem, dom, g, &unreadable);
	if (p == NULL && !all && !unreadable && !incomplete)
		return true;
	if (arr != NULL)
		json_object_array_add(arr, gpo_json(g, p, state, unreadable, incomplete));
	else
		print_gpo(mem, g, p, state, unreadable, incomplete);
	return !unreadable;
}

static bool linked_to(const struct gpo_domain_gpo *g, const char *dn)
{
	size_t i;

	for (i = 0; i < g->n_links; i++)
		if (gpo_dn_equal(g->links[i].dn, dn))
			return true;
	return false;
}

struct list_run {
	TALLOC_CTX *mem;
	struct gpo_domain *dom;
	const struct gpo_domain_gpo *gpos;
	const char *linked_to;
	bool all;
};

/* One GPO of the listing (cli_jobs_fn): EXIT_FAILURE_ when it could not be read. */
static int list_nth(size_t i, void *arg, json_object *arr)
{
	struct list_run *r = arg;
	/* what one GPO needs goes with it: memory stays flat over thousands */
	TALLOC_CTX *one;
	bool ok = true;

	if (r->linked_to != NULL && !linked_to(&r->gpos[i], r->linked_to))
		return EXIT_OK;
	one = talloc_new(r->mem);
	if (one == NULL) {
		cli_error("out of memory at GPO '%s' %s", r->gpos[i].name, r->gpos[i].guid);
		return EXIT_FAILURE_;
	}
	ok = list_one(one, r->dom, &r->gpos[i], r->all, arr);
	talloc_free(one);
	return ok ? EXIT_OK : EXIT_FAILURE_;
}

int cmd_list(int argc, char **argv)
{
	struct list_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpos = NULL;
	struct gpo_error *err = NULL;
	json_object *arr = NULL;
	struct cli_args args;
	size_t n = 0;
	int rc, status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_list, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0) {
		status = cli_usage_error("list", "unexpected argument '%s'", args.operands[0]);
		goto out;
	}
	if (a.linked_to != NULL && (a.orphans || !gpo_dn_valid(a.linked_to))) {
		status = cli_usage_error("list", a.orphans ? "--linked-to lists GPOs, not orphans"
						     : "--linked-to: '%s' is not a DN", a.linked_to);
		goto out;
	}
	a.da.read_only = true;
	status = cli_domain_connect(mem, "list", &a.da, &dom);
	if (status != EXIT_OK)
		goto out;
	if (a.orphans) {
		status = list_orphans(mem, dom, a.json);
		goto out;
	}
	rc = gpo_domain_list_gpos(mem, dom, &gpos, &n, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	arr = a.json ? json_object_new_array() : NULL;
	/* a GPO that could not be read: the listing is incomplete, scripts must not take it
	 * for the whole truth */
	status = cli_jobs_each(&dom, 1, n, a.jobs, arr, list_nth,
			       &(struct list_run){ mem, dom, gpos, a.linked_to, a.all });
	if (a.json) {
		cli_json_set("gpos", arr);
	}
out:
	talloc_free(mem);
	return status;
}
