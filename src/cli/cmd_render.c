/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep render: policy JSON -> DIR/{GUID}/ with GPT.INI and Registry.pol. */
#include <string.h>

#include "cli_perm.h"
#include "cli_probe.h"

static const struct cli_opt render_opts[] = {
	CLI_DIR("output", 'o', 'o', "DIR",
		  "folder to create the GPO folder in (required;\n"
		  "made if missing, like mkdir DIR)"),
	CLI_VALUE("guid", 0, 'g', "GUID", "the GPO's GUID (default: a new random one)"),
	CLI_VALUE("forest-guid", 0, 'F', "GUID",
		  "policy ID for LDAP: servers without one: the\n"
		  "forest root domain's objectGUID"),
	CLI_VALUE("sid", 0, 'S', "NAME=SID",
		  "the SID a trustee of the policy's permissions\n"
		  "stands for (render does not ask a DC); repeatable"),
	CLI_FLAG("force", 0, 'f', "replace an existing DIR/{GUID}"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_render = {
	.name = "render",
	.usage = "gpo-cep render [options] POLICY.json -o DIR",
	.about = "Write the policy as a GPO folder DIR/{GUID}/ holding GPT.INI,\n"
		 "Machine/Registry.pol and User/Registry.pol, byte for byte what the\n"
		 "Windows Group Policy editor writes.  Nothing is written on any error.\n",
	.tables = { render_opts, cli_opts_probe, cli_opts_clients, cli_opts_help },
	.operands = CLI_COMPLETE_FILE,
};

static void print_result(const struct gpo_render *r, const char *path,
			 const struct gpo_diags *diags, json_object *doc)
{
	if (doc == NULL) {
		printf("wrote %s\n", path);
		cli_print_render(r);
		return;
	}
	json_object_object_add(doc, "path", json_object_new_string(path));
	json_object_object_add(doc, "guid", json_object_new_string(r->guid));
	cli_render_json(doc, r);
	json_object_object_add(doc, "findings", cli_diags_json(diags));
	cli_json_changed(true);
	cli_print_json(doc);
}

struct render_args {
	const char *out_dir, *guid, *forest;
	bool json, force;
	struct cli_probe_args pa;
	const char **sids;         /* --sid NAME=SID */
	size_t n_sids;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct render_args *a = ctx;
	int status = EXIT_OK;

	switch (id) {
	case 'o':
		a->out_dir = value;
		break;
	case 'g':
		a->guid = value;
		break;
	case 'F':
		a->forest = value;
		break;
	case 'S': {
		struct gpo_sid sid;
		const char *eq = strchr(value, '=');

		if (eq == NULL || eq == value || gpo_sid_from_string(eq + 1, &sid) != 0)
			return cli_usage_error("render", "--sid takes NAME=SID "
					       "(\"LAB\\Web Servers=S-1-5-21-...-1105\"), not '%s'",
					       value);
		a->sids[a->n_sids++] = value;
		break;
	}
	case 'f':
		a->force = true;
		break;
	case 'j':
		a->json = true;
		break;
	default:
		if (!cli_clients_option("render", id, value, &status))
			cli_probe_option(&a->pa, "render", id, value, &status);
		break;
	}
	return status;
}

int cmd_render(int argc, char **argv)
{
	struct render_args a = { 0 };
	const char *path_arg;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_cep_policy *policy = NULL;
	struct gpo_render *render = NULL;
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_error *err = NULL;
	struct cli_args args;
	char guid[39], forest_norm[39], *path = NULL;
	json_object *doc = NULL;
	int rc, status = EXIT_OK;

	a.sids = talloc_zero_array(mem, const char *, argc + 1);
	cli_args_init(&args, mem, &cli_spec_render, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status)) {
		talloc_free(mem);
		return status;
	}
	if (args.n_operands != 1 || a.out_dir == NULL) {
		talloc_free(mem);
		return cli_usage_error("render", args.n_operands != 1
						 ? "expected exactly one POLICY.json"
						 : "missing -o DIR");
	}
	path_arg = args.operands[0];
	if (a.guid != NULL && gpo_guid_normalize(a.guid, guid) != 0) {
		talloc_free(mem);
		return cli_usage_error("render", "--guid '%s' is not a GUID", a.guid);
	}
	if (a.guid == NULL)
		gpo_guid_generate(guid);

	if (a.forest != NULL && gpo_guid_normalize(a.forest, forest_norm) != 0) {
		talloc_free(mem);
		return cli_usage_error("render", "--forest-guid '%s' is not a GUID", a.forest);
	}
	status = cli_load_policy(mem, path_arg, &policy, diags);
	if (status == EXIT_OK)
		status = cli_probe_policy(mem, &a.pa, policy, diags, NULL);
	status = cli_finish_policy(policy, a.forest, path_arg, diags, status);
	if (status != EXIT_OK) {
		talloc_free(mem);
		return status;
	}
	doc = a.json ? json_object_new_object() : NULL;
	if (policy->permissions != NULL &&
	    (status = cli_perm_policy_offline(mem, path_arg, policy->permissions, a.sids, a.n_sids,
					      doc)) != EXIT_OK) {
		json_object_put(doc);
		talloc_free(mem);
		return status;
	}
	rc = gpo_render_policy(mem, policy, guid, &render, &err);
	if (rc == 0)
		rc = gpo_dir_write(mem, render, a.out_dir, a.force ? GPO_DIR_REPLACE : 0, &path,
				   &err);
	if (rc != 0) {
		status = cli_fail(err, rc == GPO_EINVAL ? GPO_EINVAL : GPO_EIO);
		json_object_put(doc);
		talloc_free(mem);
		return status;
	}
	print_result(render, path, diags, doc);
	json_object_put(doc);
	talloc_free(mem);
	return EXIT_OK;
}
