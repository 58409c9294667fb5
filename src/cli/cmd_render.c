/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep render: policy JSON -> DIR/{GUID}/ with GPT.INI and Registry.pol. */
#include <getopt.h>
#include <string.h>

#include <nettle/sha2.h>

#include "cli_probe.h"

static const char render_help[] =
	"usage: gpo-cep render [options] POLICY.json -o DIR\n"
	"\n"
	"Write the policy as a GPO folder DIR/{GUID}/ holding GPT.INI,\n"
	"Machine/Registry.pol and User/Registry.pol, byte for byte what the\n"
	"Windows Group Policy editor writes.  Nothing is written on any error.\n"
	"\n"
	"  -o, --output DIR       folder to create the GPO folder in (required;\n"
	"                         made if missing, like mkdir DIR)\n"
	"      --guid GUID        the GPO's GUID (default: a new random one)\n"
	"      --forest-guid GUID policy ID for LDAP: servers without one: the\n"
	"                         forest root domain's objectGUID\n"
	"      --force            replace an existing DIR/{GUID}\n"
	"      --json             machine-readable output\n"
	CLI_PROBE_HELP
	"  -h, --help             show this help\n";

static void hex_sha256(const uint8_t *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xF];
	}
	out[64] = '\0';
}

static void print_result(const struct gpo_render *r, const char *path,
			 const struct gpo_diags *diags, bool json)
{
	json_object *doc, *files;
	size_t i;
	char sum[65];

	if (!json) {
		printf("wrote %s\n", path);
		for (i = 0; i < r->n_files; i++) {
			hex_sha256(r->files[i].data, r->files[i].len, sum);
			printf("  %-22s %6zu bytes  sha256 %s\n", r->files[i].path,
			       r->files[i].len, sum);
		}
		printf("version: %lu (user %u, machine %u)\n", (unsigned long)r->version,
		       gpo_version_user(r->version), gpo_version_machine(r->version));
		printf("gPCMachineExtensionNames: %s\n", r->machine_extension_names);
		printf("gPCUserExtensionNames: %s\n", r->user_extension_names);
		return;
	}
	doc = json_object_new_object();
	json_object_object_add(doc, "path", json_object_new_string(path));
	json_object_object_add(doc, "guid", json_object_new_string(r->guid));
	json_object_object_add(doc, "version", json_object_new_int64(r->version));
	json_object_object_add(doc, "gPCMachineExtensionNames",
			       json_object_new_string(r->machine_extension_names));
	json_object_object_add(doc, "gPCUserExtensionNames",
			       json_object_new_string(r->user_extension_names));
	files = json_object_new_array();
	for (i = 0; i < r->n_files; i++) {
		json_object *f = json_object_new_object();

		hex_sha256(r->files[i].data, r->files[i].len, sum);
		json_object_object_add(f, "path", json_object_new_string(r->files[i].path));
		json_object_object_add(f, "bytes", json_object_new_int64((int64_t)r->files[i].len));
		json_object_object_add(f, "sha256", json_object_new_string(sum));
		json_object_array_add(files, f);
	}
	json_object_object_add(doc, "files", files);
	json_object_object_add(doc, "findings", cli_diags_json(diags));
	cli_print_json(doc);
	json_object_put(doc);
}

int cmd_render(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "guid", required_argument, NULL, 'g' },
		{ "forest-guid", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_PROBE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *out_dir = NULL, *guid_arg = NULL, *forest = NULL;
	bool json = false, force = false;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_cep_policy *policy = NULL;
	struct gpo_render *render = NULL;
	struct gpo_diags *diags = gpo_diags_new(mem);
	struct gpo_error *err = NULL;
	struct cli_probe_args pa = { 0 };
	char guid[39], forest_norm[39], *path = NULL;
	int c, rc, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_dir = optarg;
			break;
		case 'g':
			guid_arg = optarg;
			break;
		case 'F':
			forest = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(render_help, stdout);
			talloc_free(mem);
			return EXIT_OK;
		default:
			status = EXIT_OK;
			if (cli_probe_option(&pa, c, optarg, &status)) {
				if (status != EXIT_OK) {
					talloc_free(mem);
					return status;
				}
				break;
			}
			talloc_free(mem);
			return cli_usage_error("render", "unknown or incomplete option");
		}
	}
	if (optind + 1 != argc || out_dir == NULL) {
		talloc_free(mem);
		return cli_usage_error("render", optind + 1 != argc
						 ? "expected exactly one POLICY.json"
						 : "missing -o DIR");
	}
	if (guid_arg != NULL && gpo_guid_normalize(guid_arg, guid) != 0) {
		talloc_free(mem);
		return cli_usage_error("render", "--guid '%s' is not a GUID", guid_arg);
	}
	if (guid_arg == NULL)
		gpo_guid_generate(guid);

	if (forest != NULL && gpo_guid_normalize(forest, forest_norm) != 0) {
		talloc_free(mem);
		return cli_usage_error("render", "--forest-guid '%s' is not a GUID", forest);
	}
	status = cli_load_policy(mem, argv[optind], &policy, diags);
	if (status == EXIT_OK)
		status = cli_probe_policy(mem, &pa, policy, diags, NULL);
	status = cli_finish_policy(policy, forest, argv[optind], diags, status);
	if (status != EXIT_OK) {
		talloc_free(mem);
		return status;
	}
	rc = gpo_render_policy(mem, policy, guid, &render, &err);
	if (rc == 0)
		rc = gpo_dir_write(mem, render, out_dir, force ? GPO_DIR_REPLACE : 0, &path,
				   &err);
	if (rc != 0) {
		status = cli_fail(err, rc == GPO_EINVAL ? GPO_EINVAL : GPO_EIO);
		talloc_free(mem);
		return status;
	}
	print_result(render, path, diags, json);
	talloc_free(mem);
	return EXIT_OK;
}
