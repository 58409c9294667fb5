/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "cli.h"

#define POLICY_FILE_MAX (1u << 20)

const char *cli_safe(TALLOC_CTX *mem_ctx, const char *s)
{
	char *out;

	if (s == NULL)
		return "";
	/* control characters (C0, DEL, C1) and bytes that are not UTF-8, escaped */
	out = gpo_xcep_escape(mem_ctx, s, 0);
	return out ? out : "(out of memory)";
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	/* names from a GPO, a DC or a server: never raw control characters on a terminal */
	va_start(ap, fmt);
	msg = talloc_vasprintf(NULL, fmt, ap);
	va_end(ap);
	fprintf(stderr, "gpo-cep: %s\n", msg ? cli_safe(msg, msg) : "out of memory");
	cli_json_error_line(msg ? msg : "out of memory", false);
	talloc_free(msg);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = talloc_vasprintf(NULL, fmt, ap);
	va_end(ap);
	/* a hidden option (--complete) has no help of its own */
	bool own_help = cmd != NULL && cmd[0] != '-';

	fprintf(stderr, "gpo-cep%s%s: %s\nTry 'gpo-cep %s%s--help'.\n", cmd ? " " : "",
		cmd ? cmd : "", msg ? cli_safe(msg, msg) : "out of memory", own_help ? cmd : "",
		own_help ? " " : "");
	cli_json_error_line(msg ? msg : "out of memory", true);
	talloc_free(msg);
	return EXIT_INVALID;
}

int cli_fail(const struct gpo_error *err, int code)
{
	cli_error("%s", err != NULL ? err->message : gpo_strerror(code));
	switch (code) {
	case GPO_EINVAL:
		return EXIT_INVALID;
	case GPO_EPARTIAL:
		return EXIT_PARTIAL;
	default:
		return EXIT_FAILURE_;
	}
}

static const char *level_name(enum gpo_diag_level level)
{
	return level == GPO_DIAG_ERROR ? "error" : level == GPO_DIAG_WARNING ? "warning"
									  : "note";
}

void cli_print_diags(const char *source, const struct gpo_diags *d)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t i;

	if (cli_json_active() && !cli_json_has("findings"))
		cli_json_set("findings", cli_diags_json(d));

	for (i = 0; i < d->count; i++) {
		const struct gpo_diag *g = &d->items[i];

		if (g->line > 0)
			fprintf(stderr, "%s:%u:%u: ", source, g->line, g->column);
		else if (g->pointer != NULL)
			fprintf(stderr, "%s: %s: ", source, g->pointer[0] ? g->pointer : "/");
		else
			fprintf(stderr, "%s: ", source);
		fprintf(stderr, "%s: %s [%s]\n", level_name(g->level), cli_safe(tmp, g->message),
			g->id);
	}
	talloc_free(tmp);
}

json_object *cli_diags_json(const struct gpo_diags *d)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; arr != NULL && i < d->count; i++) {
		const struct gpo_diag *g = &d->items[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "level", json_object_new_string(level_name(g->level)));
		json_object_object_add(o, "id", json_object_new_string(g->id));
		if (g->pointer != NULL)
			json_object_object_add(o, "pointer", json_object_new_string(g->pointer));
		if (g->line > 0) {
			json_object_object_add(o, "line", json_object_new_int((int)g->line));
			json_object_object_add(o, "column", json_object_new_int((int)g->column));
		}
		json_object_object_add(o, "message", json_object_new_string(g->message));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The length of the UTF-8 sequence at s, 0 when it is not one (RFC 3629). */
static size_t utf8_length(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	n = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
	    : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* overlong, surrogates, above U+10FFFF */
	if ((n == 3 && s[0] == 0xE0 && s[1] < 0xA0) || (n == 3 && s[0] == 0xED && s[1] >= 0xA0) ||
	    (n == 4 && s[0] == 0xF0 && s[1] < 0x90) || (n == 4 && s[0] == 0xF4 && s[1] >= 0x90))
		return 0;
	return n;
}

/*
 * JSON text whose strings hold bytes that are not UTF-8 (a path, a name
 * from a GPO): each such byte as the text \xNN, as cli_safe shows it, so
 * that the document is UTF-8 a strict parser takes.
 */
char *cli_valid_utf8(TALLOC_CTX *mem_ctx, const char *s)
{
	size_t len = strlen(s), i = 0, n, o = 0;
	char *out;

	/* one pass, one allocation: list --all --json is megabytes */
	while (i < len && (n = utf8_length((const unsigned char *)s + i)) != 0)
		i += n;
	if (i == len)
		return talloc_strndup(mem_ctx, s, len);
	out = talloc_size(mem_ctx, 5 * len + 1); /* each byte at most "\\xNN" */
	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i += n ? n : 1) {
		n = utf8_length((const unsigned char *)s + i);
		if (n == 0) {
			o += (size_t)snprintf(out + o, 6, "\\\\x%02X", (unsigned char)s[i]);
		} else {
			memcpy(out + o, s + i, n);
			o += n;
		}
	}
	out[o] = '\0';
	return out;
}

void cli_print_json(json_object *doc)
{
	if (cli_json_active()) {
		/* a member of the envelope main() prints */
		if (json_object_is_type(doc, json_type_object)) {
			json_object_object_foreach(doc, key, value)
				cli_json_set(key, json_object_get(value));
		} else {
			cli_json_set("items", json_object_get(doc));
		}
		return;
	}
	const char *s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_SPACED |
								JSON_C_TO_STRING_NOSLASHESCAPE);
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *safe = s ? gpo_json_escape_controls(tmp, s) : NULL;
	char *utf8 = cli_valid_utf8(tmp, safe ? safe : s ? s : "");

	puts(utf8 ? utf8 : safe ? safe : s ? s : "");
	talloc_free(tmp);
}

static int read_stdin(TALLOC_CTX *mem_ctx, uint8_t **ret, size_t *ret_len)
{
	uint8_t *buf = talloc_size(mem_ctx, POLICY_FILE_MAX + 1);
	size_t len = 0;

	if (buf == NULL)
		return GPO_ENOMEM;
	while (len <= POLICY_FILE_MAX) {
		ssize_t n = read(STDIN_FILENO, buf + len, POLICY_FILE_MAX + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return GPO_EIO;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > POLICY_FILE_MAX)
		return GPO_EINVAL;
	*ret = buf;
	*ret_len = len;
	return 0;
}

int cli_load_policy(TALLOC_CTX *mem_ctx, const char *path,
		    struct gpo_cep_policy **ret_policy, struct gpo_diags *diags)
{
	struct gpo_error *err = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	if (strcmp(path, "-") == 0) {
		rc = read_stdin(mem_ctx, &data, &len);
		if (rc != 0) {
			cli_error("cannot read the policy from standard input: %s",
				  rc == GPO_EINVAL ? "more than 1 MiB" : strerror(errno));
			return rc == GPO_EINVAL ? EXIT_INVALID : EXIT_FAILURE_;
		}
	} else {
		rc = gpo_read_file(mem_ctx, path, POLICY_FILE_MAX, &data, &len, &err);
		if (rc != 0)
			return cli_fail(err, rc == GPO_EINVAL ? GPO_EINVAL : GPO_EIO);
	}
	rc = gpo_cep_policy_parse(mem_ctx, (const char *)data, len, ret_policy, diags);
	if (rc == GPO_ENOMEM) {
		cli_error("out of memory");
		return EXIT_FAILURE_;
	}
	return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

const struct cli_opt cli_opts_clients[] = {
	CLI_WORDS("clients", 0, 0x210, "LIST",
		  "the clients the GPO is for: windows, samba, adsys\n"
		  "or all, comma-separated (default all); what one\n"
		  "of them would reject or misread is an error",
		  "all windows samba adsys windows,samba"),
	CLI_OPT_END,
};

unsigned cli_clients = GPO_CEP_CLIENTS_ALL;

bool cli_clients_option(const char *cmd, int id, const char *value, int *status)
{
	struct gpo_error *err = NULL;

	if (id != 0x210)
		return false;
	if (gpo_cep_clients_parse(NULL, value, &cli_clients, &err) != 0)
		*status = cli_usage_error(cmd, "--clients: %s", err ? err->message : "invalid");
	talloc_free(err);
	return true;
}

char *cli_version_text(TALLOC_CTX *mem, uint32_t version)
{
	return talloc_asprintf(mem, "user %u, computer %u", gpo_version_user(version),
			       gpo_version_machine(version));
}

int cli_check_server_ids(struct gpo_cep_policy *policy, bool probing, const char *source,
			 struct gpo_diags *diags)
{
	/* --probe asks the servers after connecting; without it a missing ID fails now */
	if (probing || gpo_cep_policy_check(policy, GPO_CEP_CHECK_SERVER_IDS, diags) == 0)
		return EXIT_OK;
	return cli_finish_policy(policy, NULL, source, diags, EXIT_INVALID);
}

int cli_finish_policy(struct gpo_cep_policy *policy, const char *forest_guid,
		      const char *source, struct gpo_diags *diags, int status)
{
	struct gpo_error *err = NULL;

	if (status == EXIT_OK && forest_guid != NULL &&
	    gpo_cep_policy_fill_ldap_id(policy, forest_guid, &err) != 0) {
		cli_error("%s", err ? err->message : "bad forest GUID");
		talloc_free(err);
		status = EXIT_INVALID;
	}
	if (status == EXIT_OK &&
	    gpo_cep_policy_check(policy, GPO_CEP_CHECK_POLICY_IDS, diags) != 0)
		status = EXIT_INVALID;
	if (status == EXIT_OK && gpo_cep_lint_for(policy, cli_clients, diags) != 0) {
		cli_error("out of memory while checking '%s'", source);
		status = EXIT_FAILURE_;
	}
	/* a file a client the GPO is for would reject or misread */
	if (status == EXIT_OK && diags->errors > 0)
		status = EXIT_INVALID;
	cli_print_diags(source, diags);
	if (status == EXIT_INVALID && diags->errors > 0)
		cli_error("%zu error%s in '%s': nothing written", diags->errors,
			  diags->errors == 1 ? "" : "s", source);
	return status;
}

bool cli_parse_seconds(const char *cmd, const char *option, const char *arg, unsigned *ret)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (arg[0] == '\0' || arg[0] == '-' || *end != '\0' || v == 0 || v > 3600) {
		cli_usage_error(cmd, "%s takes seconds from 1 to 3600", option);
		return false;
	}
	*ret = (unsigned)v;
	return true;
}

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

void cli_print_render(const struct gpo_render *r)
{
	char sum[65];
	size_t i;

	for (i = 0; i < GPO_FILE_SLOTS; i++) {
		const struct gpo_file *f = &r->files.file[i];

		if (f->data == NULL)
			continue;
		hex_sha256(f->data, f->len, sum);
		printf("  %-22s %6zu bytes  sha256 %s\n", f->path, f->len, sum);
	}
	printf("version: user %u, computer %u (versionNumber %lu)\n", gpo_version_user(r->version),
	       gpo_version_machine(r->version), (unsigned long)r->version);
	printf("gPCMachineExtensionNames: %s\n", r->machine_extension_names);
	printf("gPCUserExtensionNames: %s\n", r->user_extension_names);
}

void cli_render_json(json_object *doc, const struct gpo_render *r)
{
	json_object *files = json_object_new_array();
	char sum[65];
	size_t i;

	json_object_object_add(doc, "version", cli_version_json(r->version));
	json_object_object_add(doc, "gPCMachineExtensionNames",
			       json_object_new_string(r->machine_extension_names));
	json_object_object_add(doc, "gPCUserExtensionNames",
			       json_object_new_string(r->user_extension_names));
	for (i = 0; i < GPO_FILE_SLOTS; i++) {
		const struct gpo_file *file = &r->files.file[i];
		json_object *f;

		if (file->data == NULL)
			continue;
		f = json_object_new_object();
		hex_sha256(file->data, file->len, sum);
		json_object_object_add(f, "path", json_object_new_string(file->path));
		json_object_object_add(f, "bytes", json_object_new_int64((int64_t)file->len));
		json_object_object_add(f, "sha256", json_object_new_string(sum));
		json_object_array_add(files, f);
	}
	json_object_object_add(doc, "files", files);
}
