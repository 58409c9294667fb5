/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep init: print a policy template. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char init_help[] =
	"usage: gpo-cep init [--template NAME]\n"
	"       gpo-cep init --list\n"
	"\n"
	"Print a policy template to start from (default: kerberos).  The IIS\n"
	"application names work as template names too:\n"
	"  ldap-only            the Active Directory policy (LDAP:) alone\n"
	"  kerberos             ADPolicyProvider_CEP_Kerberos\n"
	"  username-password    ADPolicyProvider_CEP_UsernamePassword\n"
	"  key-based-renewal    KeyBasedRenewal_ADPolicyProvider_CEP_Certificate\n"
	"\n"
	"      --template NAME    the template to print\n"
	"      --list             list the installed templates\n"
	"      --json             with --list: the names as a JSON array (a template\n"
	"                         is JSON already)\n"
	"  -h, --help             show this help\n";

static const struct {
	const char *alias;
	const char *name;
} aliases[] = {
	{ "ADPolicyProvider_CEP_Kerberos", "kerberos" },
	{ "ADPolicyProvider_CEP_UsernamePassword", "username-password" },
	{ "KeyBasedRenewal_ADPolicyProvider_CEP_Certificate", "key-based-renewal" },
	{ "LDAP:", "ldap-only" },
};

static int sort_names(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(json_object *const *)a),
		      json_object_get_string(*(json_object *const *)b));
}

static int list_templates(bool json)
{
	DIR *d = opendir(cli_template_dir());
	json_object *arr = json ? json_object_new_array() : NULL;
	struct dirent *e;

	if (d == NULL) {
		cli_error("cannot open the template folder '%s': %s", cli_template_dir(),
			  strerror(errno));
		return EXIT_FAILURE_;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		if (arr != NULL)
			json_object_array_add(arr, json_object_new_string_len(e->d_name,
									      (int)(n - 5)));
		else
			printf("%.*s\n", (int)(n - 5), e->d_name);
	}
	closedir(d);
	if (arr != NULL) {
		json_object_array_sort(arr, sort_names);
		cli_print_json(arr);
		json_object_put(arr);
	}
	return EXIT_OK;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "kerberos";
	bool list = false, json = false;
	TALLOC_CTX *mem;
	struct gpo_error *err = NULL;
	uint8_t *data = NULL;
	size_t len = 0, i;
	char *path;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			name = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(init_help, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("init", "unknown or incomplete option");
		}
	}
	if (optind != argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
	if (list)
		return list_templates(json);
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			name = aliases[i].name;
	if (name[0] == '\0' || strchr(name, '/') != NULL || name[0] == '.')
		return cli_usage_error("init", "'%s' is not a template name", name);
	mem = talloc_new(NULL);
	path = talloc_asprintf(mem, "%s/%s.json", cli_template_dir(), name);
	rc = gpo_read_file(mem, path, 1u << 20, &data, &len, &err);
	if (rc == GPO_ENOTFOUND) {
		talloc_free(mem);
		return cli_usage_error("init", "no template '%s' (gpo-cep init --list)", name);
	}
	if (rc != 0) {
		rc = cli_fail(err, rc);
		talloc_free(mem);
		return rc;
	}
	fwrite(data, 1, len, stdout);
	talloc_free(mem);
	return EXIT_OK;
}
