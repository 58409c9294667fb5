/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep list: the GPOs of a domain that carry certificate enrollment settings. */
#include <string.h>
#include <strings.h>

#include "cli_domain.h"

static const char list_help[] =
	"usage: gpo-cep list --domain REALM [--all] [--json] [options]\n"
	"\n"
	"List the GPOs that carry certificate enrollment settings, with their\n"
	"scopes, servers and links (--all: every GPO).\n"
	"\n"
	"      --all              every GPO of the domain\n"
	"      --json             machine-readable output\n"
	CLI_DOMAIN_HELP
	"  -h, --help             show this help\n";

/* The certificate settings of one GPO, or NULL when it has none. */
static struct gpo_cep_policy *cep_of(TALLOC_CTX *mem, struct gpo_domain *dom,
				     const struct gpo_domain_gpo *g, bool *unreadable)
{
	struct gpo_cep_policy *p = talloc_zero(mem, struct gpo_cep_policy);
	struct gpo_dir_contents *dc = NULL;
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

		if (dc->pol[k] == NULL)
			continue;
		if (gpo_preg_decode(mem, dc->pol[k], dc->pol_len[k], &f, &err) != 0) {
			cli_error("warning: GPO '%s' %s: %s: %s", g->name, g->guid,
				  dc->pol_path[k], err ? err->message : "malformed");
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

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_DOMAIN_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_domain_args da = { .o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpos = NULL;
	struct gpo_error *err = NULL;
	json_object *arr = NULL;
	bool all = false, json = false, any_unreadable = false;
	size_t n = 0, i, j;
	int c, rc, k, status = EXIT_OK;

	optind = 1;
	while ((c = cli_next_option(argc, argv, opts, &da, &status)) != -1) {
		switch (c) {
		case CLI_OPTION_ERROR:
			goto out;
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(list_help, stdout);
			goto out;
		default:
			status = cli_usage_error("list", "unknown or incomplete option");
			goto out;
		}
	}
	if (optind != argc) {
		status = cli_usage_error("list", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	status = cli_domain_connect(mem, "list", &da, &dom);
	if (status != EXIT_OK)
		goto out;
	rc = gpo_domain_list_gpos(mem, dom, &gpos, &n, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	arr = json ? json_object_new_array() : NULL;
	for (i = 0; i < n; i++) {
		const struct gpo_domain_gpo *g = &gpos[i];
		bool unreadable = false;
		struct gpo_cep_policy *p = cep_of(mem, dom, g, &unreadable);

		any_unreadable |= unreadable;
		if (p == NULL && !all && !unreadable)
			continue;
		if (json) {
			json_object *o = json_object_new_object(), *links = json_object_new_array();

			json_object_object_add(o, "guid", json_object_new_string(g->guid));
			json_object_object_add(o, "name", json_object_new_string(g->name));
			json_object_object_add(o, "version", json_object_new_int64(g->version));
			json_object_object_add(o, "certificate_enrollment", json_object_new_boolean(p != NULL));
			json_object_object_add(o, "unreadable", json_object_new_boolean(unreadable));
			for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
				if (p != NULL && p->scopes[k] != NULL)
					json_object_object_add(o, gpo_cep_scope_name(k),
							       servers_json(p, true, k));
			for (j = 0; j < g->n_links; j++)
				json_object_array_add(links, json_object_new_string(g->links[j].dn));
			json_object_object_add(o, "links", links);
			json_object_array_add(arr, o);
			continue;
		}
		printf("%s  %s  (version %lu)%s\n", g->guid, g->name, (unsigned long)g->version,
		       unreadable ? "  UNREADABLE" : "");
		for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
			servers_json(p, false, k);
		for (j = 0; j < g->n_links; j++)
			printf("    linked to %s\n", g->links[j].dn);
	}
	if (json) {
		cli_print_json(arr);
		json_object_put(arr);
	}
	/* the listing is incomplete: scripts must not take it for the whole truth */
	if (any_unreadable)
		status = EXIT_FAILURE_;
out:
	talloc_free(mem);
	return status;
}
