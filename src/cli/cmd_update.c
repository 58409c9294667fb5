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
#include "cli_perm.h"
#include "cli_policy_diff.h"
#include "cli_probe.h"
#include "cli_replica.h"

static const struct cli_opt update_opts[] = {
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "update: the GPO (default: the policy's \"name\")",
		      CLI_COMPLETE_GPO),
	CLI_DIR("path", 0, 'p', "DIR", "a local GPO folder instead of a domain"),
	CLI_VALUE("forest-guid", 0, 'F', "GUID",
		  "with --path: the forest root domain's objectGUID, the\n"
		  "policy ID of an LDAP: server that has none"),
	CLI_COMPLETED("link", 0, 'l', "DN", "make sure the GPO is linked there (repeatable)",
		      CLI_COMPLETE_TARGET),
	CLI_FLAG("dry-run", 0, 'r',
		  "print what would change, write nothing; exit status\n"
		  "0: no change, 4: changes pending"),
	CLI_FLAG("detailed-exitcode", 0, 'x', "exit with 4 when a change was made"),
	CLI_FLAG("raw", 0, 0x410,
		  "the changes as Registry.pol records, not as policy\n"
		  "file members"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

static const char update_about[] =
	"update replaces the certificate enrollment settings the policy names in an\n"
	"existing GPO and keeps every other record, byte for byte and in order; the\n"
	"changed half of the version goes up by one.  When nothing would change,\n"
	"nothing is written.  apply creates the GPO named in the policy (or the folder\n"
	"DIR, named {GUID}) when it does not exist, else updates it; its --link\n"
	"links are ensured, not duplicated.\n";

const struct cli_spec cli_spec_update = {
	.name = "update",
	.usage = "gpo-cep update (--domain REALM [--gpo NAME|{GUID}] | --path DIR) [options] "
		 "POLICY.json",
	.about = update_about,
	.tables = { update_opts, cli_opts_link_flags, cli_opts_replication, cli_opts_domain,
		    cli_opts_probe, cli_opts_clients, cli_opts_help },
	.operands = CLI_COMPLETE_FILE,
};

const struct cli_spec cli_spec_apply = {
	.name = "apply",
	.usage = "gpo-cep apply (--domain REALM | --path DIR) [options] POLICY.json",
	.about = update_about,
	.tables = { update_opts, cli_opts_link_flags, cli_opts_replication, cli_opts_domain,
		    cli_opts_probe, cli_opts_clients, cli_opts_help },
	.operands = CLI_COMPLETE_FILE,
};

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

/*
 * The plan as lines "- old" / "+ new", or as JSON; `changed` says whether
 * anything changes at all (links and permissions too), for the first line.
 */
static void print_plan(TALLOC_CTX *mem, const struct gpo_update_plan *p, const char *what,
		       bool dry_run, bool changed, bool raw, const struct gpo_cep_policy *policy,
		       json_object *doc)
{
	static const char *const pol[] = { "Machine/Registry.pol", "User/Registry.pol" };
	static const char *const ext[] = { "gPCMachineExtensionNames", "gPCUserExtensionNames" };
	json_object *records = doc ? json_object_new_array() : NULL;
	json_object *changes = cli_policy_changes(mem, p, policy);
	/* records the policy model does not hold (or --raw): shown as records */
	bool as_records = raw || changes == NULL || json_object_array_length(changes) == 0;
	size_t i;
	int k, side;

	if (doc == NULL)
		printf("%s%s: %s\n", dry_run ? "would update " : "", what,
		       changed ? "changed" : "no change");
	if (doc == NULL && !as_records)
		cli_print_policy_changes(mem, changes);
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		if (!p->writes[GPO_FILE_POL(k)])
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
					json_object_array_add(records, c);
				} else if (as_records) {
					/* the file's text, whoever wrote it: escaped */
					printf("  %s %s: %s\n", side ? "+" : "-", pol[k],
					       cli_safe(mem, t));
				}
			}
		}
	}
	if (doc != NULL) {
		json_object_object_add(doc, "changed", json_object_new_boolean(p->changed));
		json_object_object_add(doc, "repair", json_object_new_boolean(p->repair));
		json_object_object_add(doc, "version_old", cli_version_json(p->old_version));
		json_object_object_add(doc, "version_new", cli_version_json(
					       p->changed ? p->new_version : p->old_version));
		for (k = 0; k < 2; k++)
			if (strcmp(p->old_ext[k], p->new_ext[k]) != 0)
				json_object_object_add(doc, ext[k], json_object_new_string(p->new_ext[k]));
		json_object_object_add(doc, "changes", changes ? changes : json_object_new_array());
		json_object_object_add(doc, "records", records);
		return;
	}
	json_object_put(changes);
	if (!p->changed)
		return;
	if (p->repair)
		printf("  GPT.INI and versionNumber disagreed (an earlier run stopped halfway, or "
		       "another tool): both are set\n");
	printf("  version: %s -> %s (GPT.INI and versionNumber %lu -> %lu)\n",
	       cli_version_text(mem, p->old_version), cli_version_text(mem, p->new_version),
	       (unsigned long)p->old_version, (unsigned long)p->new_version);
	for (k = 0; k < 2; k++)
		if (strcmp(p->old_ext[k], p->new_ext[k]) != 0)
			printf("  %s: '%s' -> '%s'\n", ext[k], cli_safe(mem, p->old_ext[k]),
			       cli_safe(mem, p->new_ext[k]));
}

struct update_args {
	const char *cmd;
	const char *which;
	const char *path;
	const char *forest;         /* --forest-guid, with --path */
	const char **links;
	size_t n_links;
	struct gpo_link_request link;
	bool link_flags;           /* --enforced and the like were given */
	bool by_name;              /* `which` is the policy's name, never a GUID */
	bool dry_run, json, detailed, raw;
	const char *completed;     /* apply: what an interrupted create left, finished */
	struct cli_perm_policy *perms; /* the policy's "permissions", resolved; NULL: none */
	struct cli_domain_args da;
	struct cli_probe_args pa;
	struct cli_repl_args ra;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct update_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, a->cmd, id, value, &status))
		return status;
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 'p':
		a->path = value;
		break;
	case 'F':
		a->forest = value;
		break;
	case 'l':
		a->links[a->n_links++] = value;
		break;
	case 'r':
		a->dry_run = true;
		break;
	case 'x':
		a->detailed = true;
		break;
	case 0x410:
		a->raw = true;
		break;
	case 'j':
		a->json = true;
		break;
	default:
		if (cli_link_option(&a->link, a->cmd, id, value, &status))
			a->link_flags = true;
		else if (cli_replication_option(&a->ra, a->cmd, id, value, &status))
			break;
		else
			if (!cli_clients_option(a->cmd, id, value, &status))
				cli_probe_option(&a->pa, a->cmd, id, value, &status);
		break;
	}
	return status;
}

static int update_path(TALLOC_CTX *mem, struct update_args *a, struct gpo_cep_policy *policy)
{
	struct gpo_files *cur = NULL;
	struct gpo_update_plan *plan = NULL;
	struct gpo_error *err = NULL;
	json_object *doc = a->json ? json_object_new_object() : NULL;
	int rc = gpo_dir_read(mem, a->path, &cur, &err);

	if (rc == 0)
		rc = gpo_merge_plan_update(mem, policy, cur, -1, NULL, NULL, &plan, &err);
	if (rc == 0 && plan->changed && !a->dry_run)
		rc = gpo_dir_apply_plan(mem, cur, plan, &err);
	if (rc != 0) {
		json_object_put(doc);
		return cli_fail(err, rc);
	}
	if (doc != NULL)
		json_object_object_add(doc, "path", json_object_new_string(a->path));
	print_plan(mem, plan, a->path, a->dry_run, plan->changed, a->raw, policy, doc);
	if (doc != NULL) {
		cli_print_json(doc);
		json_object_put(doc);
	}
	return plan->changed && (a->dry_run || a->detailed) ? EXIT_CHANGES : EXIT_OK;
}

/* What --link would do to one target, without doing it. */
static bool link_pending(const struct gpo_domain_gpo *gpo, const char *target,
			 const struct gpo_link_request *req)
{
	size_t j;

	for (j = 0; j < gpo->n_links; j++) {
		const struct gpo_domain_link *l = &gpo->links[j];
		uint32_t want = l->options;

		if (!gpo_dn_equal(l->dn, target))
			continue;
		if (req->enforced != GPO_LINK_KEEP)
			want = req->enforced == GPO_LINK_ON ? want | GPO_LINK_ENFORCED
							    : want & ~GPO_LINK_ENFORCED;
		if (req->disabled != GPO_LINK_KEEP)
			want = req->disabled == GPO_LINK_ON ? want | GPO_LINK_DISABLED
							    : want & ~GPO_LINK_DISABLED;
		if (req->order != 0 && req->order != l->order)
			return true;
		return !l->options_known ? req->enforced || req->disabled : want != l->options;
	}
	return true;
}

/* Ensure the links; what changed, as lines (appended to *text) and JSON. */
static int ensure_links(TALLOC_CTX *mem, struct update_args *a, struct gpo_domain *dom,
			struct gpo_domain_gpo *gpo, json_object *changes, bool *ret_changed,
			char **text)
{
	struct gpo_error *err = NULL;
	size_t i;
	int rc;

	for (i = 0; i < a->n_links; i++) {
		struct gpo_link_change c = { 0 };
		const char *what;

		if (a->dry_run) {
			if (!link_pending(gpo, a->links[i], &a->link))
				continue;
			*ret_changed = true;
			what = "would link";
		} else {
			rc = gpo_domain_link(mem, dom, gpo, a->links[i], &a->link, &c, &err);
			if (rc != 0)
				return cli_fail(err, rc);
			if (!c.added && !c.options_changed && !c.order_changed)
				continue;
			*ret_changed = true;
			what = c.added		 ? "linked to"
			       : c.options_changed ? "link options changed on"
						   : "link moved on";
		}
		if (changes != NULL) {
			json_object *o = json_object_new_object();

			/* the link object of list and show, and what happened to it */
			json_object_object_add(o, "dn", json_object_new_string(a->links[i]));
			if (!a->dry_run) {
				json_object_object_add(o, "enforced", json_object_new_boolean(
							       c.new_options & GPO_LINK_ENFORCED));
				json_object_object_add(o, "disabled", json_object_new_boolean(
							       c.new_options & GPO_LINK_DISABLED));
				json_object_object_add(o, "order", json_object_new_int((int)c.new_order));
			}
			json_object_object_add(o, "change", json_object_new_string(
								    a->dry_run ? "pending"
								    : c.added  ? "added"
								    : c.options_changed ? "options"
											: "order"));
			json_object_array_add(changes, o);
		} else {
			*text = talloc_asprintf_append(*text, "  %s %s%s\n", what,
						       cli_safe(mem, a->links[i]),
						       a->dry_run ? ""
								  : cli_link_options(c.new_options,
										     true));
		}
	}
	return EXIT_OK;
}

static int check_link_targets(TALLOC_CTX *mem, const struct update_args *a,
			      struct gpo_domain *dom)
{
	struct gpo_error *err = NULL;
	size_t i;
	int rc;

	for (i = 0; i < a->n_links; i++) {
		rc = gpo_domain_check_link_target(mem, dom, a->links[i], &err);
		if (rc != 0)
			return cli_fail(err, rc);
	}
	return EXIT_OK;
}

static int update_domain(TALLOC_CTX *mem, struct update_args *a, struct gpo_domain *dom,
			 struct gpo_domain_gpo *gpo, struct gpo_cep_policy *policy)
{
	struct gpo_files *cur = NULL;
	struct gpo_update_plan *plan = NULL;
	struct gpo_error *err = NULL;
	json_object *doc = a->json ? json_object_new_object() : NULL;
	json_object *link_changes = doc ? json_object_new_array() : NULL;
	bool linked = false, perm_changed = false;
	char *link_text = talloc_strdup(mem, "");
	int rc, status;

	cli_json_set("guid", json_object_new_string(gpo->guid));
	cli_json_set("name", json_object_new_string(gpo->name));
	/* every link target first: a typo must not follow a written update */
	status = check_link_targets(mem, a, dom);
	/* the permissions' guards too, before anything is written */
	if (status == EXIT_OK && a->perms != NULL)
		status = cli_perm_policy_plan(mem, dom, gpo, a->perms);
	rc = status != EXIT_OK ? 0 : gpo_domain_read_files(mem, dom, gpo, &cur, &err);
	if (status == EXIT_OK && rc == 0)
		rc = gpo_merge_plan_update(mem, policy, cur, gpo->version, gpo->machine_extension_names,
				     gpo->user_extension_names, &plan, &err);
	/* also without a change: it finishes what an interrupted run left */
	if (status == EXIT_OK && rc == 0 && !a->dry_run)
		rc = gpo_domain_apply_plan(mem, dom, gpo, cur, plan, &err);
	if (status == EXIT_OK && rc == 0 && plan->changed)
		cli_json_changed(true);
	if (status == EXIT_OK && rc == 0 && !a->dry_run && a->perms != NULL) {
		status = cli_perm_policy_write(mem, dom, gpo, a->perms);
		if (status != EXIT_OK && plan->changed)
			cli_error("the settings of GPO %s were updated, its permissions not: run "
				  "the same command again", gpo->guid);
	}
	if (status != EXIT_OK || rc != 0) {
		json_object_put(doc);
		json_object_put(link_changes);
		return status != EXIT_OK ? status : cli_fail(err, rc);
	}
	perm_changed = a->perms != NULL && a->perms->n_changes > 0;
	/* the other DCs hold the new settings before any new link points at them */
	if (!a->dry_run && (status = cli_replicate(mem, a->cmd, &a->ra, dom, gpo->guid,
						   a->json)) != EXIT_OK) {
		/* what was written stays in the envelope */
		if (doc != NULL)
			print_plan(mem, plan, "", false, plan->changed, a->raw, policy, doc);
		if (doc != NULL)
			cli_print_json(doc);
		json_object_put(doc);
		json_object_put(link_changes);
		return status;
	}
	if (doc != NULL) {
		json_object_object_add(doc, "guid", json_object_new_string(gpo->guid));
		json_object_object_add(doc, "name", json_object_new_string(gpo->name));
	}
	/* the links last, as before; their lines after the settings', under one first line */
	status = ensure_links(mem, a, dom, gpo, link_changes, &linked, &link_text);
	print_plan(mem, plan, talloc_asprintf(mem, "GPO '%s' %s", cli_safe(mem, gpo->name),
					      gpo->guid), a->dry_run,
		   plan->changed || linked || perm_changed, a->raw, policy, doc);
	if (a->perms != NULL)
		cli_perm_policy_report(mem, a->perms, !a->dry_run, doc);
	if (link_text != NULL)
		fputs(link_text, stdout);
	if (doc != NULL) {
		json_object_object_add(doc, "links", link_changes);
		if (a->completed != NULL)
			json_object_object_add(doc, "completed", json_object_new_string(a->completed));
		json_object_object_add(doc, "changed", json_object_new_boolean(
					       plan->changed || linked || perm_changed ||
					       a->completed != NULL));
		/* on failure too: the envelope says what was done before it */
		cli_print_json(doc);
		json_object_put(doc);
	}
	if (status != EXIT_OK)
		return status;
	return (plan->changed || linked || perm_changed || a->completed != NULL) &&
			       (a->dry_run || a->detailed)
		       ? EXIT_CHANGES : EXIT_OK;
}

/* apply --dry-run of a GPO that does not exist yet */
static void print_would_create(TALLOC_CTX *mem, const struct update_args *a,
			       const struct gpo_render *r)
{
	json_object *doc, *links;
	size_t i;

	if (!a->json) {
		printf("would create GPO '%s' (version: %s; its GUID is assigned when it is "
		       "created)\n", cli_safe(mem, a->which), cli_version_text(mem, r->version));
		if (a->perms != NULL)
			cli_perm_policy_preview(mem, a->perms, NULL);
		for (i = 0; i < a->n_links; i++)
			printf("  would link to %s\n", cli_safe(mem, a->links[i]));
		return;
	}
	doc = json_object_new_object();
	links = json_object_new_array();
	json_object_object_add(doc, "name", json_object_new_string(a->which));
	json_object_object_add(doc, "created", json_object_new_boolean(false));
	json_object_object_add(doc, "version_new", cli_version_json(r->version));
	for (i = 0; i < a->n_links; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "dn", json_object_new_string(a->links[i]));
		json_object_object_add(o, "change", json_object_new_string("pending"));
		json_object_array_add(links, o);
	}
	json_object_object_add(doc, "links", links);
	if (a->perms != NULL)
		cli_perm_policy_preview(mem, a->perms, doc);
	json_object_object_add(doc, "changed", json_object_new_boolean(true));
	cli_print_json(doc);
	json_object_put(doc);
}

/* apply of a GPO that does not exist yet: create it, link it. */
static int apply_create(TALLOC_CTX *mem, struct update_args *a, struct gpo_domain *dom,
			struct gpo_cep_policy *policy)
{
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_render *r = NULL;
	struct gpo_error *err = NULL;
	char guid[39];
	size_t i;
	int rc;

	for (i = 0; i < a->n_links; i++) {
		rc = gpo_domain_check_link_target(mem, dom, a->links[i], &err);
		if (rc != 0) {
			rc = cli_fail(err, rc);
			cli_error("no GPO was created");
			return rc;
		}
	}
	gpo_guid_generate(guid);
	rc = gpo_render_policy(mem, policy, guid, &r, &err);
	if (rc == 0 && a->dry_run) {
		print_would_create(mem, a, r);
		return EXIT_CHANGES;
	}
	if (rc == 0)
		rc = gpo_domain_create_gpo(mem, dom, a->which, r, &gpo, &err);
	if (rc != 0)
		return cli_fail(err, rc);
	/* from here on a failure leaves a GPO: --json names it */
	cli_json_changed(true);
	cli_json_set("guid", json_object_new_string(gpo->guid));
	cli_json_set("name", json_object_new_string(gpo->name));
	/* who it applies to before it is linked: a filtered GPO never reaches everyone */
	if (a->perms != NULL) {
		int status = cli_perm_policy_new_gpo(mem, dom, a->da.o.realm, gpo, a->perms);

		if (status != EXIT_OK)
			return status;
	}
	rc = cli_replicate(mem, a->cmd, &a->ra, dom, gpo->guid, a->json);
	if (rc != EXIT_OK) {
		cli_error("GPO '%s' %s was created on %s%s", a->which, gpo->guid, gpo_domain_dc(dom),
			  a->n_links ? ", not linked: run the same command again to link it" : "");
		return rc;
	}
	for (i = 0; i < a->n_links; i++) {
		rc = gpo_domain_link(mem, dom, gpo, a->links[i], &a->link, NULL, &err);
		if (rc != 0) {
			cli_fail(err, rc);
			cli_error("GPO '%s' %s was created, but not linked to %s: run the same "
				  "command again (apply ensures its links), or 'gpo-cep link "
				  "--domain %s --gpo %s --target \"%s\"'", a->which, gpo->guid,
				  a->links[i], a->da.o.realm, gpo->guid, a->links[i]);
			return EXIT_PARTIAL;
		}
	}
	if (a->json) {
		json_object *doc = cli_gpo_json(gpo);

		json_object_object_add(doc, "created", json_object_new_boolean(true));
		json_object_object_add(doc, "changed", json_object_new_boolean(true));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		printf("created ");
		cli_print_gpo(stdout, gpo);
	}
	return a->detailed ? EXIT_CHANGES : EXIT_OK;
}

/* apply of a GPO an interrupted create left: its folder and children first. */
static int apply_complete(TALLOC_CTX *mem, struct update_args *a, struct gpo_domain *dom,
			  const struct gpo_domain_gpo *gpo)
{
	struct gpo_domain_state *state = NULL;
	struct gpo_error *err = NULL;
	int rc = gpo_domain_check_gpo(mem, dom, gpo, &state, &err);

	if (rc == 0 && ((state->problems & (GPO_PROBLEM_NO_FOLDER | GPO_PROBLEM_NO_CHILDREN)) ||
			((state->problems & GPO_PROBLEM_ACL) &&
			 (gpo->version == 0 || (state->problems & GPO_PROBLEM_NO_GPT_INI))))) {
		/* --json says it in the update's document */
		a->completed = talloc_steal(mem, state->description);
		if (a->dry_run) {
			if (!a->json)
				printf("would complete GPO '%s' %s (%s)\n", cli_safe(mem, gpo->name),
				       gpo->guid, state->description);
			return EXIT_OK;
		}
		rc = gpo_domain_complete_gpo(mem, dom, gpo, &err);
		if (rc == 0)
			cli_json_changed(true);
		if (rc == 0 && !a->json)
			printf("completed GPO '%s' %s (%s)\n", cli_safe(mem, gpo->name), gpo->guid,
			       state->description);
	}
	return rc == 0 ? EXIT_OK : cli_fail(err, rc);
}

static int check_args(const struct update_args *a, const struct cli_args *args)
{
	if (args->n_operands != 1)
		return cli_usage_error(a->cmd, "expected exactly one POLICY.json");
	if ((a->path != NULL) == (a->da.o.realm != NULL))
		return cli_usage_error(a->cmd, "give either --domain or --path");
	if (a->path != NULL && (a->which != NULL || a->n_links > 0 || a->link_flags ||
				a->ra.sync || a->ra.wait))
		return cli_usage_error(a->cmd, "--gpo, --link, the link options, --sync and "
				       "--wait-replicated belong to --domain");
	if (a->link_flags && a->n_links == 0)
		return cli_usage_error(a->cmd, "the link options go with --link DN");
	if (a->forest != NULL && a->path == NULL)
		return cli_usage_error(a->cmd, "--forest-guid goes with --path: a domain gives "
				       "its own");
	return EXIT_OK;
}

/* The policy file, and the GPO it names; every error in the file before any connection. */
static int load(TALLOC_CTX *mem, struct update_args *a, const char *path,
		struct gpo_cep_policy **policy, struct gpo_diags *diags)
{
	int status = cli_load_policy(mem, path, policy, diags);

	if (status != EXIT_OK) {
		cli_finish_policy(*policy, NULL, path, diags, status);
		return status;
	}
	if (a->which == NULL && a->path == NULL) {
		/* a policy's name is a display name, whatever it looks like */
		a->which = (*policy)->name;
		a->by_name = true;
	}
	if (a->which == NULL && a->path == NULL) {
		cli_print_diags(path, diags);
		return cli_usage_error(a->cmd, "no GPO: give --gpo or \"name\" in the policy");
	}
	return cli_check_server_ids(*policy, a->pa.enabled, path, diags);
}

/* --path: update the folder; apply renders it when it is not there yet. */
static int update_folder(TALLOC_CTX *mem, struct update_args *a, struct gpo_cep_policy *policy,
			 bool apply)
{
	const char *base;
	struct gpo_render *r = NULL;
	struct gpo_error *err = NULL;
	char *parent, *path = talloc_strdup(mem, a->path), guid[39];
	size_t len = strlen(path);
	struct stat st;
	int rc;

	/* DIR/{guid}/ as DIR/{GUID}: the name the folder gets, found again next time */
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (apply && gpo_guid_normalize(base, guid) == 0 && strcmp(base, guid) != 0)
		path = talloc_asprintf(mem, "%.*s%s", (int)(base - path), path, guid);
	a->path = path;
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (stat(a->path, &st) == 0 || !apply)
		return update_path(mem, a, policy);
	parent = talloc_strndup(mem, a->path, (size_t)(base - a->path));
	rc = gpo_render_policy(mem, policy, base, &r, &err);
	if (rc == 0 && !a->dry_run)
		rc = gpo_dir_write(mem, r, parent[0] ? parent : ".", 0, NULL, &err);
	if (rc != 0)
		return cli_fail(err, rc);
	if (a->json) {
		json_object *doc = json_object_new_object();

		json_object_object_add(doc, "path", json_object_new_string(a->path));
		json_object_object_add(doc, "created", json_object_new_boolean(!a->dry_run));
		json_object_object_add(doc, "changed", json_object_new_boolean(true));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		printf("%s%s: created\n", a->dry_run ? "would create " : "", a->path);
	}
	return a->dry_run || a->detailed ? EXIT_CHANGES : EXIT_OK;
}

/* --domain: update the GPO; apply creates it, or completes what a create left. */
static int update_in_domain(TALLOC_CTX *mem, struct update_args *a, struct gpo_domain *dom,
			    struct gpo_cep_policy *policy, bool apply)
{
	struct gpo_domain_gpo *gpo = NULL;
	struct gpo_error *err = NULL;
	int status = EXIT_OK;
	int rc = a->by_name ? gpo_domain_find_gpo_by_name(mem, dom, a->which, &gpo, &err)
			    : gpo_domain_find_gpo(mem, dom, a->which, &gpo, &err);

	if (rc == GPO_ENOTFOUND && apply)
		return apply_create(mem, a, dom, policy);
	if (rc != 0)
		return cli_fail(err, rc);
	if (apply)
		status = apply_complete(mem, a, dom, gpo);
	if (status == EXIT_OK)
		status = update_domain(mem, a, dom, gpo, policy);
	return status;
}

static int run_update(int argc, char **argv, bool apply)
{
	const struct cli_spec *spec = apply ? &cli_spec_apply : &cli_spec_update;
	struct update_args a = { .cmd = spec->name, .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_cep_policy *policy = NULL;
	struct gpo_domain *dom = NULL;
	const char *path;
	struct cli_args args;
	int status = EXIT_OK;

	a.links = talloc_zero_array(mem, const char *, argc + 1);
	cli_args_init(&args, mem, spec, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	/* without --path the GPO is in a domain: its settings may come from elsewhere */
	if (a.path == NULL && (status = cli_domain_settle(mem, a.cmd, &a.da)) != EXIT_OK)
		goto out;
	if ((status = check_args(&a, &args)) != EXIT_OK)
		goto out;
	path = args.operands[0];
	status = load(mem, &a, path, &policy, diags);
	if (status == EXIT_OK && a.da.o.realm != NULL)
		status = cli_domain_connect(mem, a.cmd, &a.da, &dom);
	if (status != EXIT_OK)
		goto out;
	status = cli_probe_policy(mem, &a.pa, policy, diags, NULL);
	status = cli_finish_policy(policy, dom ? gpo_domain_forest_guid(dom) : a.forest, path,
				   diags, status);
	if (status != EXIT_OK)
		goto out;
	/* every trustee of the policy's permissions resolved before anything is written */
	if (a.path == NULL && policy->permissions != NULL)
		status = cli_perm_policy_resolve(mem, dom, path, policy->permissions, &a.perms);
	if (a.path != NULL && policy->permissions != NULL)
		fprintf(stderr, "%s: /permissions: note: a folder has no container: the "
			"permissions are for a domain GPO (--domain) and were left aside\n", path);
	if (status != EXIT_OK)
		goto out;
	if (a.path != NULL)
		status = update_folder(mem, &a, policy, apply);
	else
		status = update_in_domain(mem, &a, dom, policy, apply);
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
