/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep show: a GPO folder or a Registry.pol file back into policy JSON. */
#include <errno.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_domain.h"
#include "cli_perm.h"

static const struct cli_opt show_opts[] = {
	CLI_FLAG("raw", 0, 'r',
		  "print every record instead, as the JSON list\n"
		  "'samba-tool gpo load' takes"),
	CLI_WORDS("scope", 0, 's', "SCOPE",
		  "computer or user: the scope of a Registry.pol\n"
		  "file (default: from its folder, else computer)",
		  "computer user"),
	CLI_FLAG("json", 0, 'j',
		  "policy, version, findings and other records in one\n"
		  "JSON document"),
	CLI_WORDS("client", 0, 'c', "CLIENT",
		  "adsys: print each Registry.pol as Ubuntu adsys\n"
		  "reads it (doc/clients.md), or why it rejects it",
		  "adsys"),
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "with --domain: the GPO to read (its container\n"
		  "and links are printed on standard error, or in\n"
		  "the JSON document)", CLI_COMPLETE_GPO),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_show = {
	.name = "show",
	.usage = "gpo-cep show [--raw] [--scope computer|user] [--client adsys] [--json] PATH\n"
		 "gpo-cep show --domain REALM --gpo NAME|{GUID} [options]",
	.about = "Read a GPO folder (GPT.INI, Machine/ and User/Registry.pol) or one\n"
		 "Registry.pol file and print its certificate enrollment settings as policy\n"
		 "JSON.  Records outside those settings are reported on standard error.\n",
	.tables = { show_opts, cli_opts_domain, cli_opts_help },
	.operands = CLI_COMPLETE_FILE,
};

static const char *const class_name[] = { "MACHINE", "USER" };

static json_object *record_data_json(TALLOC_CTX *mem, const struct gpo_preg_record *r)
{
	json_object *arr;
	uint32_t dw;
	uint64_t qw;
	char *s, **list;
	size_t i, n;

	switch (r->type) {
	case GPO_REG_SZ:
	case GPO_REG_EXPAND_SZ:
		if (gpo_preg_get_sz(mem, r, &s, NULL) == 0)
			return json_object_new_string(s);
		break;
	case GPO_REG_DWORD:
	case GPO_REG_DWORD_BIG_ENDIAN:
		if (gpo_preg_get_dword(r, &dw) == 0)
			return json_object_new_int64(dw);
		break;
	case GPO_REG_QWORD:
		if (gpo_preg_get_qword(r, &qw) == 0)
			return json_object_new_uint64(qw);
		break;
	case GPO_REG_MULTI_SZ:
		if (gpo_preg_get_multi_sz(mem, r, &list, &n, NULL) == 0) {
			arr = json_object_new_array();
			for (i = 0; i < n; i++)
				json_object_array_add(arr, json_object_new_string(list[i]));
			return arr;
		}
		break;
	case GPO_REG_NONE:
		if (r->size == 0)
			return NULL;
		break;
	default:
		break;
	}
	/* REG_BINARY and the rest: a list of byte values, as samba-tool takes them */
	arr = json_object_new_array();
	for (i = 0; i < r->size; i++)
		json_object_array_add(arr, json_object_new_int(r->data[i]));
	return arr;
}

static json_object *record_json(TALLOC_CTX *mem, const struct gpo_preg_record *r,
				enum gpo_cep_scope_kind kind)
{
	json_object *o = json_object_new_object();
	const char *tn = gpo_reg_type_name(r->type);

	json_object_object_add(o, "keyname", json_object_new_string(r->key));
	json_object_object_add(o, "valuename", json_object_new_string(r->value));
	json_object_object_add(o, "class", json_object_new_string(class_name[kind]));
	json_object_object_add(o, "type", tn ? json_object_new_string(tn)
					     : json_object_new_int64(r->type));
	json_object_object_add(o, "data", record_data_json(mem, r));
	return o;
}

struct shown {
	const uint8_t *bytes[2];        /* each Registry.pol as read */
	size_t len[2];
	struct gpo_preg_file *file[2];
	bool *used[2];
	bool have_version;
	uint32_t version;
};

static int decode_pol(TALLOC_CTX *mem, const char *path, const uint8_t *data,
		      size_t len, enum gpo_cep_scope_kind kind, struct shown *sh,
		      struct gpo_cep_policy *policy, struct gpo_diags *notes)
{
	struct gpo_error *err = NULL;
	char prefix[16];
	int rc;

	sh->bytes[kind] = data;
	sh->len[kind] = len;
	rc = gpo_preg_decode(mem, data, len, &sh->file[kind], &err);
	if (rc != 0) {
		cli_error("'%s': %s", path, err ? err->message : gpo_strerror(rc));
		return rc == GPO_EINVAL ? EXIT_INVALID : EXIT_FAILURE_;
	}
	snprintf(prefix, sizeof(prefix), "/%s", gpo_cep_scope_name(kind));
	rc = gpo_cep_scope_decode(mem, sh->file[kind], prefix, &policy->scopes[kind],
				  &sh->used[kind], notes);
	if (rc != 0) {
		cli_error("out of memory");
		return EXIT_FAILURE_;
	}
	return EXIT_OK;
}

static int decode_contents(TALLOC_CTX *mem, const struct gpo_files *dc, struct shown *sh,
			   struct gpo_cep_policy *policy, struct gpo_diags *notes)
{
	struct gpo_gptini *ini = NULL;
	struct gpo_error *err = NULL;
	int k, rc, status;

	const struct gpo_file *gpt_ini = &dc->file[GPO_FILE_GPT_INI];

	if (gpt_ini->data != NULL) {
		rc = gpo_gptini_parse(mem, (const char *)gpt_ini->data, gpt_ini->len, &ini, &err);
		if (rc == 0)
			rc = gpo_gptini_get_version(ini, &sh->version, &err);
		if (rc != 0 && rc != GPO_ENOTFOUND) {
			cli_error("'%s': %s", gpo_files_path(mem, dc, GPO_FILE_GPT_INI), err->message);
			return EXIT_INVALID;
		}
		sh->have_version = rc == 0;
	}
	if (!sh->have_version)
		gpo_diags_add(notes, GPO_DIAG_WARNING, "no-version", NULL,
			      "the GPO folder has no GPT.INI Version: clients ignore a GPO at "
			      "version 0");
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		const struct gpo_file *f = &dc->file[GPO_FILE_POL(k)];

		if (f->data == NULL)
			continue;
		status = decode_pol(mem, gpo_files_path(mem, dc, GPO_FILE_POL(k)), f->data, f->len,
				    k, sh, policy, notes);
		if (status != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}

static enum gpo_cep_scope_kind scope_of_file(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return GPO_CEP_COMPUTER;
	for (n = 0; slash - n > path && slash[-(long)n - 1] != '/'; n++)
		;
	return n == 4 && strncasecmp(slash - 4, "User", 4) == 0 ? GPO_CEP_USER
							   : GPO_CEP_COMPUTER;
}

struct show_args {
	struct cli_domain_args da;
	const char *which, *scope, *client;
	bool raw, json;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct show_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "show", id, value, &status))
		return status;
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 'r':
		a->raw = true;
		break;
	case 's':
		a->scope = value;
		break;
	case 'j':
		a->json = true;
		break;
	case 'c':
		a->client = value;
		break;
	}
	return status;
}

static int check_args(const struct show_args *a, const struct cli_args *args)
{
	if (a->da.o.realm != NULL || a->which != NULL) {
		if (args->n_operands != 0 || a->which == NULL || a->da.o.realm == NULL)
			return cli_usage_error("show", "--domain and --gpo go together, without a "
					       "PATH");
	} else if (args->n_operands != 1) {
		return cli_usage_error("show", "expected exactly one PATH");
	}
	if (a->scope != NULL && strcmp(a->scope, "computer") != 0 && strcmp(a->scope, "user") != 0)
		return cli_usage_error("show", "--scope must be computer or user");
	if (a->client != NULL && strcmp(a->client, "adsys") != 0)
		return cli_usage_error("show", "--client: only adsys is modelled (doc/clients.md)");
	if (a->client != NULL && a->raw)
		return cli_usage_error("show", "--client and --raw do not go together");
	return EXIT_OK;
}

/* The GPO in the domain: its container, then its files. */
static int read_domain(TALLOC_CTX *mem, struct show_args *a, struct gpo_domain_gpo **ret_gpo,
		       struct shown *sh, struct gpo_cep_policy *policy, struct gpo_diags *notes)
{
	struct gpo_domain *dom = NULL;
	struct gpo_files *dc = NULL;
	struct gpo_domain_permissions *perms = NULL;
	struct gpo_error *err = NULL;
	int rc, status;

	a->da.read_only = true;
	status = cli_domain_connect(mem, "show", &a->da, &dom);
	if (status != EXIT_OK)
		return status;
	rc = gpo_domain_find_gpo(mem, dom, a->which, ret_gpo, &err);
	if (rc == 0)
		rc = gpo_domain_read_files(mem, dom, *ret_gpo, &dc, &err);
	/* who it applies to and who may edit it, as the policy file says it */
	if (rc == 0)
		rc = gpo_domain_read_permissions(mem, dom, *ret_gpo, &perms, &err);
	if (rc == 0 && cli_perm_policy_from_gpo(policy, perms, &policy->permissions) != 0)
		rc = GPO_ENOMEM;
	/* the GPO's display name, so that the output can be given to update as it is */
	if (rc == 0 && (policy->name = talloc_strdup(policy, (*ret_gpo)->name)) == NULL)
		rc = GPO_ENOMEM;
	if (rc != 0)
		return cli_fail(err, rc);
	return decode_contents(mem, dc, sh, policy, notes);
}

/* A GPO folder, or one Registry.pol file. */
static int read_path(TALLOC_CTX *mem, const struct show_args *a, const char *path,
		     struct shown *sh, struct gpo_cep_policy *policy, struct gpo_diags *notes)
{
	struct gpo_files *dc = NULL;
	struct gpo_error *err = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	struct stat st;
	int k, rc;

	if (stat(path, &st) != 0) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return EXIT_FAILURE_;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = gpo_dir_read(mem, path, &dc, &err);
		if (rc != 0)
			return cli_fail(err, rc);
		return decode_contents(mem, dc, sh, policy, notes);
	}
	rc = gpo_read_file(mem, path, 64u << 20, &data, &len, &err);
	if (rc != 0)
		return cli_fail(err, rc);
	k = a->scope ? (strcmp(a->scope, "user") == 0 ? GPO_CEP_USER : GPO_CEP_COMPUTER)
		     : scope_of_file(path);
	return decode_pol(mem, path, data, len, k, sh, policy, notes);
}

#define PRETTY (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

/* `text` with every line after the first indented by `indent` spaces, as json-c nests it. */
static void print_nested(const char *text, int indent)
{
	char *safe = gpo_json_escape_controls(NULL, text);
	const char *utf8 = cli_valid_utf8(safe, safe ? safe : text);
	const char *p = utf8 ? utf8 : safe ? safe : text;

	for (; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("%*s", indent, "");
	}
	talloc_free(safe);
}

/*
 * The records of both scopes (`sh->used` ones left out unless `all`) as the
 * elements of a pretty-printed array at `indent`, each written as it is
 * made: a record's JSON tree at a time, not the whole file's.  Byte for
 * byte what json-c prints for the whole array.
 */
static void print_records(TALLOC_CTX *mem, const struct shown *sh, bool all, int indent)
{
	bool first = true;
	size_t i;
	int k;

	fputs("[", stdout);
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		for (i = 0; sh->file[k] != NULL && i < sh->file[k]->count; i++) {
			TALLOC_CTX *one;
			json_object *o;

			if (!all && sh->used[k][i])
				continue;
			one = talloc_new(mem);
			o = record_json(one, &sh->file[k]->records[i], k);
			printf("%s\n%*s", first ? "" : ",", indent + 2, "");
			print_nested(json_object_to_json_string_ext(o, PRETTY), indent + 2);
			first = false;
			json_object_put(o);
			talloc_free(one);
		}
	}
	printf("\n%*s]", indent, "");
}

/* --raw: every record, as the JSON list samba-tool gpo load takes. */
static void print_raw(TALLOC_CTX *mem, const struct shown *sh)
{
	print_records(mem, sh, true, 0);
	putchar('\n');
}

/* --json: path, the GPO, version, policy, the other records (all with --raw), findings. */
static int print_json(TALLOC_CTX *mem, const char *path, const struct gpo_domain_gpo *gpo,
		      const struct shown *sh, const struct gpo_cep_policy *policy,
		      const struct gpo_diags *notes, bool raw)
{
	json_object *doc, *findings;
	struct gpo_error *err = NULL;
	const char *doc_text, *closing;
	char *text = NULL;

	if (gpo_cep_policy_to_json(mem, policy, &text, &err) != 0)
		return cli_fail(err, GPO_ENOMEM);
	/* the envelope's members first: the records stream after them */
	doc = cli_json_active() ? cli_json_open(EXIT_OK) : json_object_new_object();
	/* streamed below, once */
	json_object_object_del(doc, "findings");
	json_object_object_add(doc, "path", json_object_new_string(path));
	if (gpo != NULL)
		json_object_object_add(doc, "gpo", cli_gpo_json(gpo));
	if (sh->have_version)
		json_object_object_add(doc, "version", cli_version_json(sh->version));
	json_object_object_add(doc, "policy", json_tokener_parse(text));
	/* the document up to its last member, then the records as they are made */
	doc_text = json_object_to_json_string_ext(doc, PRETTY);
	closing = strrchr(doc_text, '}');
	findings = cli_diags_json(notes);
	print_nested(talloc_strndup(mem, doc_text, (size_t)(closing - doc_text - 1)), 0);
	printf(",\n  \"%s\": ", raw ? "records" : "other_records");
	print_records(mem, sh, raw, 2);
	fputs(",\n  \"findings\": ", stdout);
	print_nested(json_object_to_json_string_ext(findings, PRETTY), 2);
	fputs("\n}\n", stdout);
	json_object_put(findings);
	json_object_put(doc);
	return EXIT_OK;
}

/* The policy JSON on standard output, the records outside it named on standard error. */
static int print_text(TALLOC_CTX *mem, const char *path, const struct shown *sh,
		      const struct gpo_cep_policy *policy)
{
	struct gpo_error *err = NULL;
	char *text = NULL;
	size_t i, other = 0;
	int k;

	if (gpo_cep_policy_to_json(mem, policy, &text, &err) != 0)
		return cli_fail(err, GPO_ENOMEM);
	fputs(text, stdout);
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
		for (i = 0; sh->file[k] != NULL && i < sh->file[k]->count; i++)
			other += !sh->used[k][i];
	if (other == 0)
		return EXIT_OK;
	fprintf(stderr, "%s: note: %zu record%s outside the certificate enrollment settings, "
		"not part of the policy (--raw lists them):\n", path, other,
		other == 1 ? "" : "s");
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
		for (i = 0; sh->file[k] != NULL && i < sh->file[k]->count; i++)
			if (!sh->used[k][i])
				fprintf(stderr, "  %s: %s\\%s\n", class_name[k],
					cli_safe(mem, sh->file[k]->records[i].key),
					sh->file[k]->records[i].value[0]
						? cli_safe(mem, sh->file[k]->records[i].value)
						: "(default)");
	return EXIT_OK;
}

static json_object *adsys_entry_json(const struct gpo_adsys_entry *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "keyname", json_object_new_string(e->key));
	json_object_object_add(o, "valuename", json_object_new_string(e->value));
	json_object_object_add(o, "type", json_object_new_int(e->type));
	json_object_object_add(o, "offset", json_object_new_int64((int64_t)e->start));
	json_object_object_add(o, "disabled", json_object_new_boolean(e->disabled));
	json_object_object_add(o, "data", e->text ? json_object_new_string(e->text) : NULL);
	if (e->error != NULL)
		json_object_object_add(o, "error", json_object_new_string(e->error));
	return o;
}

/* One file as adsys reads it, as text or into `files`. */
static void print_adsys_file(TALLOC_CTX *mem, const struct gpo_adsys_read *r,
			     enum gpo_cep_scope_kind k, json_object *files)
{
	json_object *f, *entries;
	size_t i;

	if (files == NULL) {
		printf("%s Registry.pol as Ubuntu adsys reads it: ", class_name[k]);
		if (r->rejected) {
			printf("rejected at byte %zu: %s\n", r->reason_at, cli_safe(mem, r->reason));
			return;
		}
		printf("%zu entr%s\n", r->n_entries, r->n_entries == 1 ? "y" : "ies");
		for (i = 0; i < r->n_entries; i++) {
			const struct gpo_adsys_entry *e = &r->entries[i];

			printf("  %s\\%s = %s%s%s\n", cli_safe(mem, e->key), cli_safe(mem, e->value),
			       e->disabled ? "(disabled)" : e->text ? cli_safe(mem, e->text) : "",
			       e->error ? "  error: " : "", e->error ? cli_safe(mem, e->error) : "");
		}
		return;
	}
	f = json_object_new_object();
	entries = json_object_new_array();
	json_object_object_add(f, "scope", json_object_new_string(gpo_cep_scope_name(k)));
	json_object_object_add(f, "rejected", json_object_new_boolean(r->rejected));
	if (r->rejected) {
		json_object_object_add(f, "reason", json_object_new_string(r->reason));
		json_object_object_add(f, "reason_offset", json_object_new_int64((int64_t)r->reason_at));
	}
	for (i = 0; !r->rejected && i < r->n_entries; i++)
		json_object_array_add(entries, adsys_entry_json(&r->entries[i]));
	json_object_object_add(f, "entries", entries);
	json_object_array_add(files, f);
}

/* --client adsys: each Registry.pol as Ubuntu adsys's reader makes it. */
static int print_adsys(TALLOC_CTX *mem, const char *path, const struct shown *sh, bool json)
{
	json_object *doc = json ? json_object_new_object() : NULL;
	json_object *files = json ? json_object_new_array() : NULL;
	struct gpo_adsys_read *r = NULL;
	struct gpo_error *err = NULL;
	int k;

	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		if (sh->bytes[k] == NULL)
			continue;
		if (gpo_adsys_read(mem, sh->bytes[k], sh->len[k], &r, &err) != 0) {
			json_object_put(doc);
			json_object_put(files);
			return cli_fail(err, GPO_ENOMEM);
		}
		print_adsys_file(mem, r, k, files);
	}
	if (doc != NULL) {
		json_object_object_add(doc, "path", json_object_new_string(path));
		json_object_object_add(doc, "client", json_object_new_string("adsys"));
		json_object_object_add(doc, "files", files);
		cli_print_json(doc);
		json_object_put(doc);
	}
	return EXIT_OK;
}

int cmd_show(int argc, char **argv)
{
	struct show_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	struct gpo_domain_gpo *gpo = NULL;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_cep_policy *policy = talloc_zero(mem, struct gpo_cep_policy);
	struct gpo_diags *notes = gpo_diags_new(mem);
	struct shown sh = { 0 };
	const char *path;
	struct cli_args args;
	int status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_show, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	/* --gpo without a PATH reads a domain: its settings may come from elsewhere */
	if (a.which != NULL && args.n_operands == 0 &&
	    (status = cli_domain_settle(mem, "show", &a.da)) != EXIT_OK)
		goto out;
	if ((status = check_args(&a, &args)) != EXIT_OK)
		goto out;
	if (a.da.o.realm != NULL)
		status = read_domain(mem, &a, &gpo, &sh, policy, notes);
	else
		status = read_path(mem, &a, args.operands[0], &sh, policy, notes);
	if (status != EXIT_OK)
		goto out;
	if (a.raw && !a.json) {
		print_raw(mem, &sh);
		goto out;
	}
	path = gpo != NULL ? gpo->file_sys_path : args.operands[0];
	if (a.client != NULL) {
		status = print_adsys(mem, path, &sh, a.json);
		goto out;
	}
	if (gpo != NULL && (!sh.have_version || sh.version != gpo->version))
		gpo_diags_add(notes, GPO_DIAG_WARNING, "version-mismatch", NULL,
			      "versionNumber in AD is %lu but GPT.INI says %lu: clients may "
			      "not apply the GPO", (unsigned long)gpo->version,
			      (unsigned long)sh.version);
	cli_print_diags(path, notes);
	if (gpo != NULL && !a.json)
		cli_print_gpo(stderr, gpo);
	if (a.json)
		status = print_json(mem, path, gpo, &sh, policy, notes, a.raw);
	else
		status = print_text(mem, path, &sh, policy);
out:
	talloc_free(mem);
	return status;
}
