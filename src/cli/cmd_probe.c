/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep probe: what Windows' "Validate Server" asks a policy server (MS-XCEP GetPolicies). */
#include <string.h>

#include "cli_domain.h"
#include "cli_probe.h"

static const struct cli_opt probe_opts[] = {
	CLI_WORDS("auth", 0, 'a', "TYPE",
		  "kerberos, username_password, certificate or anonymous\n"
		  "(default: what the URI's IIS application implies)",
		  "kerberos username_password certificate anonymous"),
	CLI_VALUE("user", 'U', 'U', "USER",
		  "user for username_password (DOMAIN\\user or\n"
		  "user@REALM), with the password from --password-file,\n"
		  "$GPO_CEP_PASSWORD or a prompt"),
	CLI_FILE("password-file", 0, 'P', "F",
		  "read the password from the first line of F\n"
		  "(mode 0600 or stricter; - for standard input)"),
	CLI_FILE("cert", 0, 'c', "FILE", "client certificate (PEM) for certificate endpoints"),
	CLI_FILE("key", 0, 'k', "FILE", "its private key (PEM; default: in --cert)"),
	CLI_FILE("ca-file", 0, 'C', "F",
		  "CAs that issued the server's TLS certificate (default:\n"
		  "the system's); verification cannot be turned off"),
	CLI_VALUE("timeout", 0, 't', "S", "seconds for the whole probe, reading the answer\n"
		  "included (30)"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_probe = {
	.name = "probe",
	.usage = "gpo-cep probe [--auth TYPE] [options] URI",
	.about = "Ask a certificate enrollment policy server for its policy, as the Windows\n"
		 "editor's \"Validate Server\" does, and print its policy ID, friendly name,\n"
		 "certificate templates and CAs.  The answer is what the identity that asks\n"
		 "may see: a machine may be offered other templates.  Kerberos uses the\n"
		 "ticket cache (kinit, $KRB5CCNAME) for HTTP/HOST of the URI.\n",
	.tables = { probe_opts, cli_opts_help },
};

/*
 * A string the server sent, fit for a terminal: its control characters
 * escaped (a name with ESC [ could rewrite the screen), at most `max`
 * characters (0: all), NULL as `none`.
 */
static const char *esc_max(TALLOC_CTX *mem, const char *s, size_t max, const char *none)
{
	const char *e;

	if (s == NULL)
		return none;
	e = gpo_xcep_escape(mem, s, max);
	return e ? e : "(out of memory)";
}

static const char *esc(TALLOC_CTX *mem, const char *s, const char *none)
{
	return esc_max(mem, s, 0, none);
}

static void print_template(TALLOC_CTX *mem, const struct gpo_xcep_template *t)
{
	size_t j;

	printf("  %s", esc(mem, t->common_name, "(no common name)"));
	if (t->display_name != NULL)
		printf("  \"%s\"", esc(mem, t->display_name, ""));
	printf("\n      oid %s, schema %u, revision %u.%u, enroll %s, autoenroll %s\n",
	       esc(mem, t->oid, "(none)"), (unsigned)t->schema_version,
	       (unsigned)t->major_revision, (unsigned)t->minor_revision, t->enroll ? "yes" : "no",
	       t->autoenroll ? "yes" : "no");
	printf("      key");
	if (t->min_key_length)
		printf(" %u bits", (unsigned)t->min_key_length);
	if (t->key_spec == 1 || t->key_spec == 2)
		printf(" %s", t->key_spec == 1 ? "exchange" : "signature");
	if (t->n_key_usages > 0) {
		printf("; usage");
		for (j = 0; j < t->n_key_usages; j++)
			printf("%s%s", j ? ", " : " ", t->key_usages[j]);
	}
	if (t->n_ekus > 0) {
		printf("; extended");
		for (j = 0; j < t->n_ekus; j++)
			printf("%s%s", j ? ", " : " ",
			       esc(mem, t->ekus[j].name ? t->ekus[j].name : t->ekus[j].oid, ""));
	}
	if (t->n_cas > 0) {
		printf("; CA");
		for (j = 0; j < t->n_cas; j++)
			printf("%s%u", j ? ", " : " ", (unsigned)t->ca_refs[j]);
	}
	printf("\n");
}

/*
 * Whether the answer's policy ID and friendly name could go into a policy,
 * as --probe checks them: NULL, or why not ("the policy ID ... is not a
 * GUID ...") on mem.
 */
static const char *invalid_value(TALLOC_CTX *mem, const struct gpo_xcep_policies *p,
				 struct gpo_error **id_err, struct gpo_error **name_err)
{
	const char *why = NULL;
	bool bad_id, bad_name;

	*id_err = *name_err = NULL;
	bad_id = gpo_xcep_check_policy_id(mem, p->policy_id, id_err) != 0;
	bad_name = gpo_cep_check_friendly_name(mem, p->friendly_name, name_err) != 0;
	if (bad_id)
		why = talloc_asprintf(mem, "the server's policy ID '%s' %s",
				      esc(mem, p->policy_id, ""),
				      *id_err ? (*id_err)->message : "is not valid");
	else if (bad_name)
		why = talloc_asprintf(mem, "the server's friendly name '%s' %s",
				      esc_max(mem, p->friendly_name, 64, ""),
				      *name_err ? (*name_err)->message : "is not valid");
	else
		return NULL;
	return why ? why : "the server's answer is not valid";
}

static void print_answer(TALLOC_CTX *mem, const char *uri, enum gpo_cep_auth auth,
			 const struct gpo_xcep_policies *p, const struct gpo_error *id_err,
			 const struct gpo_error *name_err)
{
	size_t i, j;

	printf("policy server   %s (%s)\n", uri, gpo_cep_auth_name(auth));
	printf("policy ID       %s%s%s%s\n", esc(mem, p->policy_id, ""),
	       id_err ? "  (invalid: it " : "", id_err ? id_err->message : "", id_err ? ")" : "");
	/* a name too long to store is shown as far as it could be stored */
	printf("friendly name   %s%s%s%s\n",
	       p->friendly_name[0] ? esc_max(mem, p->friendly_name, GPO_CEP_FRIENDLY_NAME_MAX, "")
				   : "(none)",
	       name_err ? "  (invalid: it " : "", name_err ? name_err->message : "",
	       name_err ? ")" : "");
	if (p->next_update_hours >= 0)
		printf("next update     %lld hours\n", (long long)p->next_update_hours);
	printf("templates       %zu\n", p->n_templates);
	for (i = 0; i < p->n_templates; i++)
		print_template(mem, &p->templates[i]);
	printf("CAs             %zu\n", p->n_cas);
	for (i = 0; i < p->n_cas; i++) {
		const struct gpo_xcep_ca *ca = &p->cas[i];

		printf("  [%u] %s%s%s%s\n", (unsigned)ca->reference,
		       esc(mem, ca->subject, "(certificate not decodable)"),
		       ca->sha1 ? " (SHA-1 " : "", ca->sha1 ? ca->sha1 : "", ca->sha1 ? ")" : "");
		printf("      enroll %s\n", ca->enroll_permission ? "yes" : "no");
		for (j = 0; j < ca->n_uris; j++) {
			const struct gpo_xcep_ca_uri *u = &ca->uris[j];
			const char *name = gpo_cep_auth_name((enum gpo_cep_auth)u->auth);

			printf("      %s (%s, priority %u%s)\n", esc(mem, u->uri, "(no URI)"),
			       name ? name : "unknown authentication", (unsigned)u->priority,
			       u->renewal_only ? ", renewal only" : "");
		}
	}
	if (p->n_templates == 0)
		printf("(no templates: none is published, or this identity may not enroll "
		       "for any)\n");
}

struct probe_args {
	struct gpo_probe_options o;
	const char *password_file;
	bool json;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct probe_args *a = ctx;

	switch (id) {
	case 'a':
		a->o.auth = gpo_cep_auth_from_name(value);
		if (a->o.auth == GPO_CEP_AUTH_UNSET)
			return cli_usage_error("probe", "--auth '%s': expected kerberos, "
					       "username_password, certificate or anonymous",
					       value);
		break;
	case 'U':
		if (strchr(value, '%') != NULL)
			return cli_usage_error("probe", "-U takes a user name only, never a "
					       "password (the text after '%%' was not used): "
					       "use --password-file, $GPO_CEP_PASSWORD or the "
					       "prompt");
		a->o.username = value;
		break;
	case 'P':
		a->password_file = value;
		break;
	case 'c':
		a->o.cert_file = value;
		break;
	case 'k':
		a->o.key_file = value;
		break;
	case 'C':
		a->o.ca_file = value;
		break;
	case 't':
		if (!cli_parse_seconds("probe", "--timeout", value, &a->o.timeout))
			return EXIT_INVALID;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return EXIT_OK;
}

/*
 * The URI, its authentication and the password it needs; the library checks
 * the rest.  The user is needed before a password prompt.
 */
static int credentials(TALLOC_CTX *mem, struct probe_args *a, const char *uri,
		       char **ret_password)
{
	int status = EXIT_OK;

	a->o.uri = uri;
	if (a->o.auth == GPO_CEP_AUTH_UNSET)
		a->o.auth = gpo_cep_auth_from_uri(uri);
	if (a->o.auth != GPO_CEP_AUTH_USERNAME_PASSWORD) {
		if (a->o.username != NULL || a->password_file != NULL)
			return cli_usage_error("probe", "-U and --password-file are for "
					       "username_password endpoints, this one is %s",
					       gpo_cep_auth_name(a->o.auth));
		return EXIT_OK;
	}
	if (a->o.username == NULL)
		return cli_usage_error("probe", "a username_password endpoint needs -U USER");
	*ret_password = cli_read_password(mem, a->password_file, "--password-file",
					  "GPO_CEP_PASSWORD", a->o.username, &status);
	a->o.password = *ret_password;
	return status;
}

/* A probe that failed: the error, also as JSON with --json. */
static int failed(const struct probe_args *a, int rc, const struct gpo_error *err)
{
	if (a->json) {
		json_object *doc = json_object_new_object(), *e = json_object_new_object();

		json_object_object_add(doc, "uri", json_object_new_string(a->o.uri));
		json_object_object_add(e, "kind", json_object_new_string(cli_probe_error_kind(rc)));
		json_object_object_add(e, "message", json_object_new_string(
			err ? err->message : gpo_strerror(rc)));
		json_object_object_add(doc, "error", e);
		cli_print_json(doc);
		json_object_put(doc);
	}
	cli_error("%s", err ? err->message : gpo_strerror(rc));
	return rc == GPO_EINVAL ? EXIT_INVALID : EXIT_FAILURE_;
}

/* The answer, shown either way; but an answer --probe would refuse is a failure. */
static int answered(TALLOC_CTX *mem, const struct probe_args *a,
		    const struct gpo_xcep_policies *answer)
{
	struct gpo_error *id_err = NULL, *name_err = NULL;
	const char *invalid = invalid_value(mem, answer, &id_err, &name_err);

	if (a->json) {
		json_object *doc = cli_probe_json(answer);

		json_object_object_add(doc, "uri", json_object_new_string(a->o.uri));
		json_object_object_add(doc, "auth",
				       json_object_new_string(gpo_cep_auth_name(a->o.auth)));
		if (invalid != NULL) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "kind", json_object_new_string(
				cli_probe_error_kind(GPO_EPROTO)));
			json_object_object_add(e, "message", json_object_new_string(invalid));
			json_object_object_add(doc, "error", e);
		}
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		print_answer(mem, a->o.uri, a->o.auth, answer, id_err, name_err);
	}
	if (invalid == NULL)
		return EXIT_OK;
	cli_error("%s: it cannot go into a policy", invalid);
	return EXIT_FAILURE_;
}

int cmd_probe(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct probe_args a = { .o = GPO_PROBE_OPTIONS_INIT };
	struct gpo_xcep_policies *answer = NULL;
	struct gpo_error *err = NULL;
	char *password = NULL;
	struct cli_args args;
	int rc, status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_probe, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 1) {
		status = cli_usage_error("probe", "expected exactly one URI");
		goto out;
	}
	status = credentials(mem, &a, args.operands[0], &password);
	if (status != EXIT_OK)
		goto out;
	cli_json_step("connect");
	rc = gpo_probe_server(mem, &a.o, &answer, &err);
	if (password != NULL)
		explicit_bzero(password, strlen(password));
	status = rc != 0 ? failed(&a, rc, err) : answered(mem, &a, answer);
out:
	talloc_free(mem);
	return status;
}
