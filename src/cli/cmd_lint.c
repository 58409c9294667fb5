/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep lint: every error, and what real clients would do with the policy. */
#include <string.h>
#include <strings.h>

#include "cli_probe.h"

static const struct cli_opt lint_opts[] = {
	CLI_FLAG("offline", 0, 'o',
		  "check what render needs, not what create needs (a\n"
		  "policy_id for LDAP: too)"),
	CLI_VALUE("forest-guid", 0, 'F', "GUID",
		  "the forest root domain's objectGUID: the policy ID of\n"
		  "an LDAP: server that has none, as render takes it"),
	CLI_FLAG("strict", 0, 's', "exit with status 3 when there are warnings"),
	CLI_FLAG("json", 0, 'j', "findings as JSON"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_lint = {
	.name = "lint",
	.usage = "gpo-cep lint [--offline] [--forest-guid GUID] [--strict] [--json] [options] "
		 "POLICY.json",
	.about = "Report every error in the policy file, then warnings for what Windows,\n"
		 "Samba and Ubuntu adsys clients would ignore, misread or refuse.  With\n"
		 "--probe, per server: whether it was reachable, accepted the credentials,\n"
		 "its policy ID and the templates it offers.\n",
	.tables = { lint_opts, cli_opts_probe, cli_opts_clients, cli_opts_help },
	.operands = CLI_COMPLETE_FILE,
};

struct lint_args {
	bool json, strict, offline;
	const char *forest;
	struct cli_probe_args pa;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct lint_args *a = ctx;
	int status = EXIT_OK;

	switch (id) {
	case 'o':
		a->offline = true;
		break;
	case 's':
		a->strict = true;
		break;
	case 'F': {
		char norm[39];

		if (gpo_guid_normalize(value, norm) != 0)
			status = cli_usage_error("lint", "--forest-guid '%s' is not a GUID", value);
		a->forest = value;
		break;
	}
	case 'j':
		a->json = true;
		break;
	default:
		if (!cli_clients_option("lint", id, value, &status))
			cli_probe_option(&a->pa, "lint", id, value, &status);
		break;
	}
	return status;
}

/*
 * Which findings stood on a guess: an LDAP: server without a policy ID gets
 * the forest root domain's objectGUID from create, which lint offline does
 * not know.  The checks that compare or encode policy IDs used a placeholder.
 */
static int placeholder_notes(const struct gpo_cep_policy *policy, struct gpo_diags *diags)
{
	const struct gpo_cep_enrollment *e;
	char pointer[80];
	size_t i;
	int k;

	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		e = policy->scopes[k] ? policy->scopes[k]->enrollment : NULL;
		for (i = 0; e != NULL && i < e->n_servers; i++) {
			if (e->servers[i].policy_id != NULL || strcasecmp(e->servers[i].uri, "LDAP:") != 0)
				continue;
			snprintf(pointer, sizeof(pointer), "/%s/enrollment_policy/servers/%zu",
				 gpo_cep_scope_name(k), i);
			if (gpo_diags_add(diags, GPO_DIAG_NOTE, "forest-guid-placeholder", pointer,
					  "this LDAP: server's policy ID is the forest root domain's "
					  "objectGUID, which create reads from the domain: the checks "
					  "that compare or encode policy IDs (adsys-first-group, "
					  "adsys-file-rejected) used '{forest GUID}' in its place; "
					  "--forest-guid GUID checks them with the real one") != 0)
				return GPO_ENOMEM;
		}
	}
	return 0;
}

/* create's checks, render's with --offline; the status by what they found. */
static int check(const struct lint_args *a, struct gpo_cep_policy *policy, struct gpo_diags *diags)
{
	int checked;

	/* a GUID already (take_option): only memory can fail here */
	if (a->forest != NULL && gpo_cep_policy_fill_ldap_id(policy, a->forest, NULL) != 0) {
		cli_error("out of memory");
		return EXIT_FAILURE_;
	}
	/* what create refuses, lint reports: every https server's policy ID (--probe fills them) */
	checked = gpo_cep_policy_check(policy, a->offline ? GPO_CEP_CHECK_POLICY_IDS
							      : GPO_CEP_CHECK_SERVER_IDS,
					   diags);

	if (checked == GPO_ENOMEM || gpo_cep_lint_for(policy, cli_clients, diags) != 0) {
		cli_error("out of memory");
		return EXIT_FAILURE_;
	}
	if (a->forest == NULL && placeholder_notes(policy, diags) != 0) {
		cli_error("out of memory");
		return EXIT_FAILURE_;
	}
	if (diags->errors > 0)
		return EXIT_INVALID;
	if (a->strict && diags->warnings > 0)
		return EXIT_WARNINGS;
	return EXIT_OK;
}

/* The findings with their count on standard error, or one JSON document (takes `probes`). */
static void report(const struct lint_args *a, const char *path, const struct gpo_diags *diags,
		   json_object *probes)
{
	json_object *doc;

	if (!a->json) {
		cli_print_diags(path, diags);
		fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", path, diags->errors,
			diags->errors == 1 ? "" : "s", diags->warnings,
			diags->warnings == 1 ? "" : "s");
		json_object_put(probes);
		return;
	}
	doc = json_object_new_object();
	json_object_object_add(doc, "file", json_object_new_string(path));
	json_object_object_add(doc, "errors", json_object_new_int64((int64_t)diags->errors));
	json_object_object_add(doc, "warnings", json_object_new_int64((int64_t)diags->warnings));
	json_object_object_add(doc, "findings", cli_diags_json(diags));
	if (probes != NULL)
		json_object_object_add(doc, "probes", probes);
	cli_print_json(doc);
	json_object_put(doc);
}

int cmd_lint(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_cep_policy *policy = NULL;
	struct lint_args a = { 0 };
	struct cli_args args;
	json_object *probes = NULL;
	const char *path;
	int status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_lint, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 1) {
		status = cli_usage_error("lint", "expected exactly one POLICY.json");
		goto out;
	}
	path = args.operands[0];
	status = cli_load_policy(mem, path, &policy, diags);
	/* a file that could not be read at all: its error is printed, there is no count */
	if (status != EXIT_OK && diags->count == 0)
		goto out;
	if (status == EXIT_OK && a.pa.enabled) {
		/* failures are findings here: lint reports, it does not stop */
		probes = json_object_new_array();
		status = cli_probe_policy(mem, &a.pa, policy, diags, probes);
		if (status == EXIT_INVALID)
			status = EXIT_OK;
	}
	if (status == EXIT_OK)
		status = check(&a, policy, diags);
	if (status == EXIT_FAILURE_)
		json_object_put(probes);
	else
		report(&a, path, diags, probes);
out:
	talloc_free(mem);
	return status;
}
