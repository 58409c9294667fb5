/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep permissions: who a GPO applies to and who may edit it, as GPMC shows and sets it. */
#include <string.h>

#include "cli_domain.h"
#include "cli_perm.h"

#define MAX_CHANGES 64

static const struct cli_opt permissions_opts[] = {
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "the GPO", CLI_COMPLETE_GPO),
	CLI_WORDS("grant", 0, 'G', "LEVEL=TRUSTEE",
		  "give TRUSTEE a GPMC level: read, apply (security\n"
		  "filtering: Read and Apply Group Policy), edit or\n"
		  "edit-security; also two words (--grant apply TRUSTEE)",
		  "read apply edit edit-security"),
	CLI_VALUE("revoke", 0, 'R', "TRUSTEE", "remove TRUSTEE's GPMC entries, deny included"),
	CLI_VALUE("deny-apply", 0, 'D', "TRUSTEE", "deny TRUSTEE Apply Group Policy"),
	CLI_VALUE("create-gpos", 0, 'C', "TRUSTEE",
		  "let TRUSTEE create GPOs in the domain (without --gpo)"),
	CLI_VALUE("revoke-create-gpos", 0, 'X', "TRUSTEE", "take that right away again"),
	CLI_FLAG("force", 0, 'f', "make a change that leaves a problem behind"),
	CLI_FLAG("dry-run", 0, 'n', "show the change, make none (exit status 4: one is due)"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_permissions = {
	.name = "permissions",
	.usage = "gpo-cep permissions --domain REALM --gpo NAME|{GUID} [--grant LEVEL=TRUSTEE]... "
		 "[--revoke TRUSTEE]... [--deny-apply TRUSTEE]... [options]\n"
		 "gpo-cep permissions --domain REALM [--create-gpos TRUSTEE]... "
		 "[--revoke-create-gpos TRUSTEE]... [options]",
	.about = "Show the GPO's trustees with their GPMC permission level (Read; Apply, i.e.\n"
		 "security filtering; Edit settings; Edit settings, delete, modify security;\n"
		 "Custom, with the entries), or change them with exactly the entries GPMC\n"
		 "writes, keeping every other entry, then set the SYSVOL ACL from the\n"
		 "container's.  A trustee is DOMAIN\\name, name@realm, a SID or a well-known\n"
		 "name (\"Authenticated Users\").  Refused without --force: a change that\n"
		 "leaves nobody with Apply, a half-set filter (Apply without Read), or no Read\n"
		 "for Authenticated Users, Everyone or Domain Computers (since MS16-072 user\n"
		 "settings then stop applying).  Nothing is written when nothing changes.\n"
		 "Without --gpo: who may create GPOs (create groupPolicyContainer objects in\n"
		 "CN=Policies,CN=System), changed with --create-gpos and --revoke-create-gpos\n"
		 "as Windows grants it to Group Policy Creator Owners (Samba does not).\n",
	.tables = { permissions_opts, cli_opts_domain, cli_opts_help },
};

struct perm_op {
	enum gpo_perm_op op;
	enum gpo_perm_level level;
	const char *trustee;
};

struct perm_args {
	struct cli_domain_args da;
	struct cli_args *args;
	const char *which;
	struct perm_op ops[MAX_CHANGES];
	size_t n_ops;
	const char *creators[MAX_CHANGES];
	bool creator_grant[MAX_CHANGES];
	size_t n_creators;
	bool json, dry_run, force;
};

/* --grant LEVEL TRUSTEE or --grant LEVEL=TRUSTEE */
static int take_grant(struct perm_args *a, const char *value)
{
	const char *eq = strchr(value, '=');
	char *level = eq ? talloc_strndup(a->args->operands, value, (size_t)(eq - value))
			 : talloc_strdup(a->args->operands, value);
	struct perm_op *op = &a->ops[a->n_ops];

	if (eq != NULL) {
		op->trustee = eq + 1;
	} else if (a->args->next < a->args->argc && a->args->argv[a->args->next][0] != '-') {
		op->trustee = a->args->argv[a->args->next++];
	} else {
		return cli_usage_error("permissions", "--grant needs a level and a trustee "
				       "(--grant apply 'LAB\\Web Servers')");
	}
	if (level == NULL || gpo_perm_level_parse(level, &op->level) != 0)
		return cli_usage_error("permissions", "--grant: unknown level '%s' (read, apply, "
				       "edit or edit-security)", level ? cli_safe(level, level) : "");
	if (op->trustee[0] == '\0')
		return cli_usage_error("permissions", "--grant %s: the trustee is empty", level);
	op->op = GPO_PERM_GRANT;
	a->n_ops++;
	return EXIT_OK;
}

static int take_option(void *ctx, int id, const char *value)
{
	struct perm_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "permissions", id, value, &status))
		return status;
	if ((id == 'G' || id == 'R' || id == 'D') && a->n_ops == MAX_CHANGES)
		return cli_usage_error("permissions", "more than %d changes in one run",
				       MAX_CHANGES);
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 'C':
	case 'X':
		if (a->n_creators == MAX_CHANGES || value[0] == '\0')
			return cli_usage_error("permissions", value[0] ? "too many changes"
								      : "the trustee is empty");
		a->creator_grant[a->n_creators] = id == 'C';
		a->creators[a->n_creators++] = value;
		break;
	case 'G':
		return take_grant(a, value);
	case 'R':
	case 'D':
		if (value[0] == '\0')
			return cli_usage_error("permissions", "the trustee is empty");
		a->ops[a->n_ops++] = (struct perm_op){
			.op = id == 'R' ? GPO_PERM_REVOKE : GPO_PERM_DENY_APPLY, .trustee = value };
		break;
	case 'f':
		a->force = true;
		break;
	case 'n':
		a->dry_run = true;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return status;
}

/* A trustee the domain does not know (or of another domain) is invalid input: exit 2. */
static int trustee_fail(const struct gpo_error *err, int rc)
{
	int status = cli_fail(err, rc);

	return rc == GPO_ENOTFOUND || rc == GPO_EEXIST ? EXIT_INVALID : status;
}

/* Each change's trustee as a SID and a name; prints why not. */
static int resolve_all(TALLOC_CTX *mem, struct gpo_domain *dom, const struct perm_args *a,
		       struct gpo_sid *sids, char **names)
{
	struct gpo_error *err = NULL;
	size_t i;
	int rc;

	for (i = 0; i < a->n_ops; i++) {
		rc = gpo_domain_resolve_trustee(mem, dom, a->ops[i].trustee, &sids[i], &names[i],
						&err);
		if (rc != 0)
			return trustee_fail(err, rc);
	}
	return EXIT_OK;
}

/* The permissions as they will be: each change applied to the descriptor read. */
static int plan(TALLOC_CTX *mem, struct gpo_domain *dom, const struct perm_args *a,
		const struct gpo_domain_permissions *before, struct gpo_domain_permissions **ret)
{
	struct gpo_domain_permissions *after = NULL;
	struct gpo_sid *sids = talloc_zero_array(mem, struct gpo_sid, a->n_ops + 1);
	char **names = talloc_zero_array(mem, char *, a->n_ops + 1);
	struct gpo_sd *sd = before->sd;
	size_t i;
	int status;

	if (sids == NULL || names == NULL)
		return cli_fail(NULL, GPO_ENOMEM);
	status = resolve_all(mem, dom, a, sids, names);
	for (i = 0; status == EXIT_OK && i < a->n_ops; i++) {
		bool changed = false;

		if (gpo_perm_edit(mem, sd, &sids[i], a->ops[i].op, a->ops[i].level, &sd,
				  &changed) != 0)
			return cli_fail(NULL, GPO_ENOMEM);
	}
	if (status != EXIT_OK)
		return status;
	if (cli_perm_after(mem, before, sd, sids, names, a->n_ops, &after) != 0)
		return cli_fail(NULL, GPO_ENOMEM);
	*ret = after;
	return EXIT_OK;
}

static void print_json(TALLOC_CTX *mem, const struct gpo_domain_gpo *g,
		       const struct gpo_domain_permissions *p, const struct cli_perm_change *c,
		       size_t n, bool asked)
{
	json_object *doc = json_object_new_object();

	json_object_object_add(doc, "guid", json_object_new_string(g->guid));
	json_object_object_add(doc, "name", json_object_new_string(g->name));
	if (asked) {
		json_object_object_add(doc, "changed", json_object_new_boolean(n > 0));
		json_object_object_add(doc, "changes", cli_perm_changes_json(mem, c, n, &p->domain_sid));
	}
	json_object_object_add(doc, "permissions", cli_perms_json(mem, p));
	cli_print_json(doc);
	json_object_put(doc);
}

/* Make the changes asked for, after the guards; returns the exit status. */
static int change(TALLOC_CTX *mem, struct gpo_domain *dom, const struct perm_args *a,
		  const struct gpo_domain_gpo *g, const struct gpo_domain_permissions *before)
{
	struct gpo_domain_permissions *after = NULL, *now = NULL;
	struct cli_perm_change *c;
	struct gpo_error *err = NULL;
	size_t n = 0;
	int status = plan(mem, dom, a, before, &after), rc;

	if (status != EXIT_OK)
		return status;
	c = cli_perm_diff(mem, before, after, &n);
	if (n > 0 && (after->problems & ~before->problems) && !a->force) {
		cli_error("refused: after this change, %s (GPO %s); nothing was changed "
			  "(--force makes the change anyway)", after->problem_text, g->guid);
		return EXIT_FAILURE_;
	}
	if (n == 0 || a->dry_run) {
		if (a->json)
			print_json(mem, g, after, c, n, true);
		else if (n == 0)
			printf("GPO '%s' %s: nothing to change\n", cli_safe(mem, g->name), g->guid);
		else
			cli_print_perm_changes(mem, c, n, &after->domain_sid, false);
		return n > 0 ? EXIT_CHANGES : EXIT_OK;
	}
	rc = gpo_domain_set_permissions(mem, dom, g, before, after->sd, &err);
	/* read back what the DC holds now */
	if (rc == 0)
		rc = gpo_domain_read_permissions(mem, dom, g, &now, &err);
	if (rc != 0)
		return cli_fail(err, rc);
	c = cli_perm_diff(mem, before, now, &n);
	if (a->json) {
		print_json(mem, g, now, c, n, true);
	} else {
		cli_print_perm_changes(mem, c, n, &now->domain_sid, true);
		cli_print_perms(mem, g, now);
	}
	return EXIT_OK;
}

static bool named(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void print_creators(TALLOC_CTX *mem, const struct perm_args *a, char **names, size_t n,
			   json_object *changes)
{
	json_object *doc, *list;
	size_t i;

	if (!a->json) {
		printf("may create GPOs in %s:\n", a->da.o.realm);
		for (i = 0; i < n; i++)
			printf("  %s\n", cli_safe(mem, names[i]));
		return;
	}
	doc = json_object_new_object();
	list = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(list, json_object_new_string(names[i]));
	json_object_object_add(doc, "gpo_creators", list);
	if (changes != NULL)
		json_object_object_add(doc, "changes", changes);
	cli_print_json(doc);
	json_object_put(doc);
}

static const char *creator_change(bool grant, bool changed, bool dry_run, bool creator)
{
	if (!changed && !grant && creator)
		return "may create GPOs through entries other than the one --create-gpos adds, "
		       "which --revoke-create-gpos leaves alone: no change";
	if (!changed)
		return grant ? "already may create GPOs: no change"
			     : "already may not create GPOs: no change";
	if (dry_run)
		return grant ? "would be allowed to create GPOs" : "would no longer create GPOs";
	return grant ? "may now create GPOs" : "may no longer create GPOs";
}

/* --create-gpos and --revoke-create-gpos, in order; then who may create GPOs. */
static int change_creators(TALLOC_CTX *mem, struct gpo_domain *dom, const struct perm_args *a)
{
	json_object *changes = a->json ? json_object_new_array() : NULL;
	struct gpo_error *err = NULL;
	char **names = NULL;
	size_t n = 0, i;
	bool pending = false;
	int rc = gpo_domain_gpo_creators(mem, dom, &names, &n, &err);

	for (i = 0; rc == 0 && i < a->n_creators; i++) {
		struct gpo_sid sid;
		char *name = NULL;
		bool grant = a->creator_grant[i], changed;

		rc = gpo_domain_resolve_trustee(mem, dom, a->creators[i], &sid, &name, &err);
		if (rc != 0) {
			json_object_put(changes);
			return trustee_fail(err, rc);
		}
		changed = grant != named(names, n, name);
		if (changed && !a->dry_run)
			rc = gpo_domain_set_gpo_creator(mem, dom, &sid, grant, &changed, &err);
		if (rc != 0)
			break;
		pending |= changed;
		if (changes != NULL) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "name", json_object_new_string(name));
			json_object_object_add(o, "create_gpos", json_object_new_boolean(grant));
			json_object_object_add(o, "changed", json_object_new_boolean(changed));
			json_object_array_add(changes, o);
		} else {
			printf("%s %s\n", cli_safe(mem, name),
			       creator_change(grant, changed, a->dry_run, named(names, n, name)));
		}
		if (changed && !a->dry_run)
			rc = gpo_domain_gpo_creators(mem, dom, &names, &n, &err);
	}
	if (rc != 0) {
		json_object_put(changes);
		return cli_fail(err, rc);
	}
	cli_json_changed(pending);
	print_creators(mem, a, names, n, changes);
	return a->dry_run && pending ? EXIT_CHANGES : EXIT_OK;
}

int cmd_permissions(int argc, char **argv)
{
	struct perm_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_gpo *g = NULL;
	struct gpo_domain_permissions *before = NULL;
	struct gpo_error *err = NULL;
	struct cli_args args;
	int rc, status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_permissions, argc, argv);
	a.args = &args;
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0 || (a.which == NULL && a.n_ops > 0) ||
	    (a.which != NULL && a.n_creators > 0)) {
		status = cli_usage_error("permissions", args.n_operands != 0 ? "unexpected argument"
						: a.which == NULL ? "--grant, --revoke and --deny-apply need --gpo"
								  : "--create-gpos and --revoke-create-gpos "
								    "take no --gpo");
		goto out;
	}
	a.da.read_only = a.dry_run || (a.n_ops == 0 && a.n_creators == 0);
	status = cli_domain_connect(mem, "permissions", &a.da, &dom);
	if (status != EXIT_OK)
		goto out;
	if (a.which == NULL) {
		status = change_creators(mem, dom, &a);
		goto out;
	}
	rc = gpo_domain_find_gpo(mem, dom, a.which, &g, &err);
	if (rc == 0)
		rc = gpo_domain_read_permissions(mem, dom, g, &before, &err);
	if (rc != 0) {
		status = cli_fail(err, rc);
		goto out;
	}
	if (a.n_ops > 0)
		status = change(mem, dom, &a, g, before);
	else if (a.json)
		print_json(mem, g, before, NULL, 0, false);
	else
		cli_print_perms(mem, g, before);
out:
	talloc_free(mem);
	return status;
}
