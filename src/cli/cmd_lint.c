/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep lint: every error, and what real clients would do with the policy. */
#include <getopt.h>
#include <string.h>

#include "cli_probe.h"

static const char lint_help[] =
	"usage: gpo-cep lint [options] POLICY.json\n"
	"\n"
	"Report every error in the policy file, then warnings for what Windows,\n"
	"Samba and Ubuntu adsys clients would ignore, misread or refuse.\n"
	"\n"
	"      --offline          also require what offline rendering needs (a\n"
	"                         policy_id for every server, LDAP: included)\n"
	"      --strict           exit with status 3 when there are warnings\n"
	"      --json             findings as JSON\n"
	CLI_PROBE_HELP
	"                         lint --probe reports per server whether it was\n"
	"                         reachable, accepted the credentials, its policy ID\n"
	"                         and the templates it offers\n"
	"  -h, --help             show this help\n";

int cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_PROBE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_cep_policy *policy = NULL;
	bool json = false, strict = false, offline = false;
	struct cli_probe_args pa = { 0 };
	json_object *probes = NULL;
	int c, status = EXIT_OK, checked;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			offline = true;
			break;
		case 's':
			strict = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(lint_help, stdout);
			talloc_free(mem);
			return EXIT_OK;
		default:
			if (cli_probe_option(&pa, c, optarg, &status)) {
				if (status != EXIT_OK) {
					talloc_free(mem);
					return status;
				}
				break;
			}
			talloc_free(mem);
			return cli_usage_error("lint", "unknown or incomplete option");
		}
	}
	if (optind + 1 != argc) {
		talloc_free(mem);
		return cli_usage_error("lint", "expected exactly one POLICY.json");
	}
	status = cli_load_policy(mem, argv[optind], &policy, diags);
	if (status == EXIT_OK && pa.enabled) {
		/* failures are findings here: lint reports, it does not stop */
		probes = json_object_new_array();
		status = cli_probe_policy(mem, &pa, policy, diags, probes);
		if (status == EXIT_INVALID)
			status = EXIT_OK;
	}
	if (status == EXIT_OK) {
		checked = gpo_cep_policy_check(policy, offline ? GPO_CEP_CHECK_POLICY_IDS : 0,
					       diags);
		if (checked == GPO_ENOMEM || gpo_cep_lint(policy, diags) != 0) {
			cli_error("out of memory");
			talloc_free(mem);
			return EXIT_FAILURE_;
		}
		if (diags->errors > 0)
			status = EXIT_INVALID;
		else if (strict && diags->warnings > 0)
			status = EXIT_WARNINGS;
	}
	if (status == EXIT_FAILURE_) {
		json_object_put(probes);
		talloc_free(mem);
		return status;
	}
	if (json) {
		json_object *doc = json_object_new_object();

		json_object_object_add(doc, "file", json_object_new_string(argv[optind]));
		json_object_object_add(doc, "errors", json_object_new_int64((int64_t)diags->errors));
		json_object_object_add(doc, "warnings",
				       json_object_new_int64((int64_t)diags->warnings));
		json_object_object_add(doc, "findings", cli_diags_json(diags));
		if (probes != NULL)
			json_object_object_add(doc, "probes", probes);
		probes = NULL;
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		cli_print_diags(argv[optind], diags);
		fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", argv[optind], diags->errors,
			diags->errors == 1 ? "" : "s", diags->warnings,
			diags->warnings == 1 ? "" : "s");
	}
	json_object_put(probes);
	talloc_free(mem);
	return status;
}
