/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep update / apply: change the certificate settings of an existing GPO
 * (in a domain or a local folder) and nothing else; apply creates the GPO
 * when it does not exist yet.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli_domain.h"
#include "cli_probe.h"

static const char update_help[] =
	"usage: gpo-cep update (--domain REALM --gpo NAME|{GUID} | --path DIR) [options] POLICY.json\n"
	"       gpo-cep apply (--domain REALM | --path DIR) [options] POLICY.json\n"
	"\n"
	"update replaces the certificate enrollment settings the policy names in an\n"
	"existing GPO and keeps every other record, byte for byte and in order; the\n"
	"changed half of the version goes up by one.  When nothing would change,\n"
	"nothing is written.  apply creates the GPO named in the policy (or the folder\n"
	"DIR, named {GUID}) when it does not exist, else updates it; its --link\n"
	"links are ensured, not duplicated.\n"
	"\n"
	"      --gpo NAME|GUID    update: the GPO (default: the policy's \"name\")\n"
	"      --path DIR         a local GPO folder instead of a domain\n"
	"      --link DN          apply: make sure the GPO is linked there (repeatable)\n"
	"      --enforced, --link-disabled  apply: options of new links\n"
	"      --dry-run          print what would change, write nothing; exit status\n"
	"                         0: no change, 4: changes pending\n"
	"      --detailed-exitcode  exit with 4 when a change was made\n"
	"      --json             machine-readable output\n"
	CLI_DOMAIN_HELP
	CLI_PROBE_HELP
	"  -h, --help             show this help\n";

enum { EXIT_CHANGES = 4 };

/* "KEY\VALUE = data" of a record, for the diff. */
static char *record_text(TALLOC_CTX *mem, const struct gpo_preg_record *r)
{
	const char *tn = gpo_reg_type_name(r->type);
	char *s = NULL;
	uint32_t v;

	if ((r->type == GPO_REG_SZ || r->type == GPO_REG_EXPAND_SZ) &&
	    gpo_preg_get_sz(mem, r, &s, NULL) == 0)
		s = talloc_asprintf(mem, "\"%s\"", s);
	else if (gpo_preg_get_dword(r, &v) == 0)
		s = talloc_asprintf(mem, "%lu (0x%lX)", (unsigned long)v, (unsigned long)v);
	else
		s = talloc_asprintf(mem, "%lu bytes", (unsigned long)r->size);
	return talloc_asprintf(mem, "%s\\%s = %s %s", r->key, r->value[0] ? r->value : "(default)",
			       tn ? tn : "type", s);
}

static bool touched(const struct gpo_preg_record *r)
{
	return strncasecmp(r->key, GPO_CEP_KEY_CRYPTOGRAPHY, strlen(GPO_CEP_KEY_CRYPTOGRAPHY)) == 0 ||
	       strncasecmp(r->key, GPO_CEP_KEY_SYSTEM_CERTIFICATES,
			   strlen(GPO_CEP_KEY_SYSTEM_CERTIFICATES)) == 0;
}

static bool in_file(const struct gpo_preg_file *f, const struct gpo_preg_record *r)
{
	size_t i;

	for (i = 0; f != NULL && i < f->count; i++) {
		const struct gpo_preg_record *o = &f->records[i];

		if (!touched(o))
			continue;
		if (strcmp(o->key, r->key) == 0 && strcmp(o->value, r->value) == 0 &&
		    o->type == r->type && o->size == r->size &&
		    (o->size == 0 || memcmp(o->data, r->data, o->size) == 0))
			return true;
	}
	return false;
}

/* The plan as lines "- old" / "+ new", or as JSON. */
static void print_plan(TALLOC_CTX *mem, const struct gpo_update_plan *p, const char *what,
		       bool dry_run, json_object *doc)
{
	static const char *const pol[] = { "Machine/Registry.pol", "User/Registry.pol" };
	static const char *const ext[] = { "gPCMachineExtensionNames", "gPCUserExtensionNames" };
	json_object *changes = doc ? json_object_new_array() : NULL;
	size_t i;
	int k, side;

	if (doc == NULL)
		printf("%s%s: %s\n", dry_run ? "would update " : "", what,
		       p->changed ? "changed" : "no change");
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		if (!p->pol_changed[k])
			continue;
		for (side = 0; side < 2; side++) {
			const struct gpo_preg_file *from = side ? p->new_pol[k] : p->old_pol[k];
			const struct gpo_preg_file *to = side ? p->old_pol[k] : p->new_pol[k];

			for (i = 0; from != NULL && i < from->count; i++) {
				char *t;

				/* merge changes these keys only: the rest needs no search */
				if (!touched(&from->records[i]) || in_file(to, &from->records[i]))
					continue;
				t = record_text(mem, &from->records[i]);
				if (doc != NULL) {
					json_object *c = json_object_new_object();

					json_object_object_add(c, "file", json_object_new_string(pol[k]));
					json_object_object_add(c, "change",
							       json_object_new_string(side ? "added" : "removed"));
					json_object_object_add(c, "record", json_object_new_string(t));
					json_object_array_add(changes, c);
				} else {
					printf("  %s %s: %s\n", side ? "+" : "-", pol[k], t);
				}
			}
		}
	}
	if (doc != NULL) {
		json_object_object_add(doc, "changed", json_object_new_boolean(p->changed));
		json_object_object_add(doc, "repair", json_object_new_boolean(p->repair));
		json_object_object_add(doc, "version_old", json_object_new_int64(p->old_version));
		json_object_object_add(doc, "version_new",
				       json_object_new_int64(p->changed ? p->new_version : p->old_version));
		for (k = 0; k < 2; k++)
			if (strcmp(p->old_ext[k], p->new_ext[k]) != 0)
				json_object_object_add(doc, ext[k], json_object_new_string(p->new_ext[k]));
		json_object_object_add(doc, "records", changes);
		return;
	}
	if (!p->changed)
		return;
	if (p->repair)
		printf("  GPT.INI and versionNumber disagreed (an earlier run stopped halfway, or "
		       "another tool): both are set\n");
	printf("  version: %lu -> %lu (GPT.INI and versionNumber)\n", (unsigned long)p->old_version,
	       (unsigned long)p->new_version);
	for (k = 0; k < 2; k++)
		if (strcmp(p->old_ext[k], p->new_ext[k]) != 0)
			printf("  %s: '%s' -> '%s'\n", ext[k], p->old_ext[k], p->new_ext[k]);
}

struct update_args {
	const char *cmd;
	const char *which;
	const char *path;
	const char **links;
	size_t n_links;
	unsigned link_options;
	bool dry_run, json, detailed;
};

static int update_path(TALLOC_CTX *mem, struct update_args *a, struct gpo_cep_policy *policy)
{
	struct gpo_dir_contents *cur = NULL;
	struct gpo_update_plan *plan = NULL;
	struct gpo_error *err = NULL;
	json_object *doc = a->json ? json_object_new_object() : NULL;
	int rc = gpo_dir_read(mem, a->path, &cur, &err);

	if (rc == 0)
		rc = gpo_plan_update(mem, policy, cur, -1, NULL, NULL, &plan, &err);
	if (rc == 0 && plan->changed && !a->dry_run)
		rc = gpo_dir_apply_plan(mem, cur, plan, &err);
	if (rc != 0) {
		json_object_put(doc);
		return cli_fail(err, rc);
	}
	if (doc != NULL)
		json_object_object_add(doc, "path", json_object_new_string(a->path));
	print_plan(mem, plan, a->path, a->dry_run, doc);
	if (doc != NULL) {
		cli_print_json(doc);
		json_object_put(doc);
	}
	return plan->changed && (a->dry_run || a->detailed) ? EXIT_CHANGES : EXIT_OK;
}

static int update_domain(TALLOC_CTX *mem, struct update_args *a, struct gpo_domain *dom,
			 struct gpo_domain_gpo *gpo, struct gpo_cep_policy *policy)
{
	struct gpo_dir_contents *cur = NULL;
	struct gpo_update_plan *plan = NULL;
	struct gpo_error *err = NULL;
	json_object *doc = a->json ? json_object_new_object() : NULL;
	bool linked_any = false;
	size_t i, j;
	int rc;

	rc = gpo_domain_read_files(mem, dom, gpo, &cur, &err);
	if (rc == 0)
		rc = gpo_plan_update(mem, policy, cur, gpo->version, gpo->machine_extension_names,
				     gpo->user_extension_names, &plan, &err);
	if (rc == 0 && plan->changed && !a->dry_run)
		rc = gpo_domain_apply_plan(dom, gpo, cur, plan, &err);
	for (i = 0; rc == 0 && i < a->n_links; i++) {
		for (j = 0; j < gpo->n_links; j++)
			if (strcasecmp(gpo->links[j].dn, a->links[i]) == 0)
				break;
		if (j < gpo->n_links)
			continue; /* ensured, not duplicated */
		linked_any = true;
		if (!a->dry_run)
			rc = gpo_domain_link(dom, gpo, a->links[i], a->link_options, &err);
		else if (doc == NULL)
			printf("would link to %s\n", a->links[i]);
	}
	if (rc != 0) {
		json_object_put(doc);
		return cli_fail(err, rc);
	}
	if (doc != NULL) {
		json_object_object_add(doc, "guid", json_object_new_string(gpo->guid));
		json_object_object_add(doc, "name", json_object_new_string(gpo->name));
		json_object_object_add(doc, "links_added", json_object_new_boolean(linked_any));
	}
	print_plan(mem, plan, talloc_asprintf(mem, "GPO '%s' %s", gpo->name, gpo->guid),
		   a->dry_run, doc);
	if (doc != NULL) {
		cli_print_json(doc);
		json_object_put(doc);
	}
	return (plan->changed || linked_any) && (a->dry_run || a->detailed) ? EXIT_CHANGES
									    : EXIT_OK;
}

static int run_update(int argc, char **argv, bool apply)
{
	static const struct option opts[] = {
		{ "gpo", required_argument, NULL, 'g' },
		{ "path", required_argument, NULL, 'p' },
		{ "link", required_argument, NULL, 'l' },
		{ "enforced", no_argument, NULL, 'e' },
		{ "link-disabled", no_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'r' },
		{ "detailed-exitcode", no_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_DOMAIN_OPTIONS,
		CLI_PROBE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct update_args a = { .cmd = apply ? "apply" : "update" };
	struct cli_domain_args da = { .o = GPO_DOMAIN_OPTIONS_INIT };
	struct cli_probe_args pa = { 0 };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_cep_policy *policy = NULL;
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	int c, rc, status = EXIT_OK;
	struct stat st;

	a.links = talloc_zero_array(mem, const char *, argc + 1);
	optind = 1;
	while ((c = cli_next_option(argc, argv, opts, &da, &status)) != -1) {
		switch (c) {
		case CLI_OPTION_ERROR:
			goto out;
		case 'g':
			a.which = optarg;
			break;
		case 'p':
			a.path = optarg;
			break;
		case 'l':
			a.links[a.n_links++] = optarg;
			break;
		case 'e':
			a.link_options |= GPO_LINK_ENFORCED;
			break;
		case 'd':
			a.link_options |= GPO_LINK_DISABLED;
			break;
		case 'r':
			a.dry_run = true;
			break;
		case 'x':
			a.detailed = true;
			break;
		case 'j':
			a.json = true;
			break;
		case 'h':
			fputs(update_help, stdout);
			goto out;
		default:
			if (cli_probe_option(&pa, c, optarg, &status)) {
				if (status != EXIT_OK)
					goto out;
				break;
			}
			status = cli_usage_error(a.cmd, "unknown or incomplete option");
			goto out;
		}
	}
	if (optind + 1 != argc) {
		status = cli_usage_error(a.cmd, "expected exactly one POLICY.json");
		goto out;
	}
	if ((a.path != NULL) == (da.o.realm != NULL)) {
		status = cli_usage_error(a.cmd, "give either --domain or --path");
		goto out;
	}
	if (a.path != NULL && (a.which != NULL || a.n_links > 0)) {
		status = cli_usage_error(a.cmd, "--gpo and --link belong to --domain");
		goto out;
	}
	status = cli_load_policy(mem, argv[optind], &policy, diags);
	if (status == EXIT_OK && a.which == NULL && a.path == NULL)
		a.which = policy->name;
	if (status == EXIT_OK && a.which == NULL && a.path == NULL) {
		cli_print_diags(argv[optind], diags);
		status = cli_usage_error(a.cmd, "no GPO: give --gpo or \"name\" in the policy");
		goto out;
	}
	if (status == EXIT_OK && da.o.realm != NULL)
		status = cli_domain_connect(mem, a.cmd, &da, &dom);
	if (status != EXIT_OK)
		goto out;
	if (status == EXIT_OK)
		status = cli_probe_policy(mem, &pa, policy, diags, NULL);
	status = cli_finish_policy(policy, dom ? gpo_domain_forest_guid(dom) : NULL, argv[optind],
				   diags, status);
	if (status != EXIT_OK)
		goto out;

	if (a.path != NULL) {
		if (stat(a.path, &st) != 0 && apply) {
			/* apply to a folder that is not there yet: render it */
			const char *base = strrchr(a.path, '/') ? strrchr(a.path, '/') + 1 : a.path;
			char *parent = talloc_strndup(mem, a.path, (size_t)(base - a.path));
			struct gpo_render *r = NULL;

			rc = gpo_render_policy(mem, policy, base, &r, &err);
			if (rc == 0 && !a.dry_run)
				rc = gpo_dir_write(mem, r, parent[0] ? parent : ".", 0, NULL, &err);
			if (rc != 0) {
				status = cli_fail(err, rc);
				goto out;
			}
			printf("%s%s: created\n", a.dry_run ? "would create " : "", a.path);
			status = a.dry_run || a.detailed ? EXIT_CHANGES : EXIT_OK;
			goto out;
		}
		status = update_path(mem, &a, policy);
		goto out;
	}
	rc = gpo_domain_find_gpo(mem, dom, a.which, &gpo, &err);
	if (rc == GPO_ENOTFOUND && apply) {
		struct gpo_render *r = NULL;
		char guid[39];
		size_t i;

		gpo_guid_generate(guid);
		rc = gpo_render_policy(mem, policy, guid, &r, &err);
		if (rc == 0 && a.dry_run) {
			printf("would create GPO '%s' (version %lu)\n", a.which, (unsigned long)r->version);
			status = EXIT_CHANGES;
			goto out;
		}
		if (rc == 0)
			rc = gpo_domain_create_gpo(mem, dom, a.which, r, &gpo, &err);
		for (i = 0; rc == 0 && i < a.n_links; i++)
			rc = gpo_domain_link(dom, gpo, a.links[i], a.link_options, &err);
		if (rc != 0) {
			status = cli_fail(err, rc);
			goto out;
		}
		if (a.json) {
			json_object *doc = cli_gpo_json(gpo);

			json_object_object_add(doc, "created", json_object_new_boolean(true));
			json_object_object_add(doc, "changed", json_object_new_boolean(true));
			cli_print_json(doc);
			json_object_put(doc);
		} else {
			printf("created ");
			cli_print_gpo(stdout, gpo);
		}
		status = a.detailed ? EXIT_CHANGES : EXIT_OK;
		goto out;
	}
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	status = update_domain(mem, &a, dom, gpo, policy);
out:
	talloc_free(mem);
	return status;
}

int cmd_update(int argc, char **argv)
{
	return run_update(argc, argv, false);
}

int cmd_apply(int argc, char **argv)
{
	return run_update(argc, argv, true);
}
