/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep probe: what Windows' "Validate Server" asks a policy server (MS-XCEP GetPolicies). */
#include <getopt.h>
#include <string.h>

#include "cli_domain.h"
#include "cli_probe.h"

static const char probe_help[] =
	"usage: gpo-cep probe [options] URI\n"
	"\n"
	"Ask a certificate enrollment policy server for its policy, as the Windows\n"
	"editor's \"Validate Server\" does, and print its policy ID, friendly name,\n"
	"certificate templates and CAs.  The answer is what the identity that asks\n"
	"may see: a machine may be offered other templates.\n"
	"\n"
	"      --auth TYPE        kerberos, username_password, certificate or anonymous\n"
	"                         (default: what the URI's IIS application implies)\n"
	"  -U, --user USER        user for username_password (DOMAIN\\user or\n"
	"                         user@REALM), with the password from --password-file,\n"
	"                         $GPO_CEP_PASSWORD or a prompt\n"
	"      --password-file F  read the password from the first line of F\n"
	"      --cert FILE        client certificate (PEM) for certificate endpoints\n"
	"      --key FILE         its private key (PEM; default: in --cert)\n"
	"      --ca-file F        CAs that issued the server's TLS certificate (default:\n"
	"                         the system's); verification cannot be turned off\n"
	"      --timeout S        seconds for the whole probe, reading the answer\n"
	"                         included (30)\n"
	"      --json             machine-readable output\n"
	"  -h, --help             show this help\n"
	"\n"
	"Kerberos uses the ticket cache (kinit, $KRB5CCNAME) for HTTP/HOST of the URI.\n";

static void print_template(const struct gpo_xcep_template *t)
{
	size_t j;

	printf("  %s", t->common_name ? t->common_name : "(no common name)");
	if (t->display_name != NULL)
		printf("  \"%s\"", t->display_name);
	printf("\n      oid %s, schema %u, revision %u.%u, enroll %s, autoenroll %s\n",
	       t->oid ? t->oid : "(none)", (unsigned)t->schema_version,
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
			       t->ekus[j].name ? t->ekus[j].name : t->ekus[j].oid);
	}
	if (t->n_cas > 0) {
		printf("; CA");
		for (j = 0; j < t->n_cas; j++)
			printf("%s%u", j ? ", " : " ", (unsigned)t->ca_refs[j]);
	}
	printf("\n");
}

static void print_answer(const char *uri, enum gpo_cep_auth auth, const struct gpo_xcep_policies *p)
{
	size_t i, j;

	printf("policy server   %s (%s)\n", uri, gpo_cep_auth_name(auth));
	printf("policy ID       %s\n", p->policy_id);
	printf("friendly name   %s\n", p->friendly_name[0] ? p->friendly_name : "(none)");
	if (p->next_update_hours >= 0)
		printf("next update     %lld hours\n", (long long)p->next_update_hours);
	printf("templates       %zu\n", p->n_templates);
	for (i = 0; i < p->n_templates; i++)
		print_template(&p->templates[i]);
	printf("CAs             %zu\n", p->n_cas);
	for (i = 0; i < p->n_cas; i++) {
		const struct gpo_xcep_ca *ca = &p->cas[i];

		printf("  [%u] %s%s%s%s\n", (unsigned)ca->reference,
		       ca->subject ? ca->subject : "(certificate not decodable)",
		       ca->sha1 ? " (SHA-1 " : "", ca->sha1 ? ca->sha1 : "", ca->sha1 ? ")" : "");
		printf("      enroll %s\n", ca->enroll_permission ? "yes" : "no");
		for (j = 0; j < ca->n_uris; j++) {
			const struct gpo_xcep_ca_uri *u = &ca->uris[j];
			const char *name = gpo_cep_auth_name((enum gpo_cep_auth)u->auth);

			printf("      %s (%s, priority %u%s)\n", u->uri ? u->uri : "(no URI)",
			       name ? name : "unknown authentication", (unsigned)u->priority,
			       u->renewal_only ? ", renewal only" : "");
		}
	}
	if (p->n_templates == 0)
		printf("(no templates: none is published, or this identity may not enroll "
		       "for any)\n");
}

int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "auth", required_argument, NULL, 'a' },
		{ "user", required_argument, NULL, 'U' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca-file", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_probe_options o = { 0 };
	struct gpo_xcep_policies *answer = NULL;
	struct gpo_error *err = NULL;
	const char *password_file = NULL;
	char *password = NULL;
	bool json = false;
	int c, rc, status = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "U:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.auth = gpo_cep_auth_from_name(optarg);
			if (o.auth == GPO_CEP_AUTH_UNSET) {
				talloc_free(mem);
				return cli_usage_error("probe", "--auth '%s': expected kerberos, "
							"username_password, certificate or "
							"anonymous", optarg);
			}
			break;
		case 'U':
			o.username = optarg;
			break;
		case 'P':
			password_file = optarg;
			break;
		case 'c':
			o.cert_file = optarg;
			break;
		case 'k':
			o.key_file = optarg;
			break;
		case 'C':
			o.ca_file = optarg;
			break;
		case 't':
			if (!cli_parse_seconds("--timeout", optarg, &o.timeout)) {
				talloc_free(mem);
				return EXIT_INVALID;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(probe_help, stdout);
			talloc_free(mem);
			return EXIT_OK;
		default:
			talloc_free(mem);
			return cli_usage_error("probe", "unknown or incomplete option");
		}
	}
	if (optind + 1 != argc) {
		talloc_free(mem);
		return cli_usage_error("probe", "expected exactly one URI");
	}
	/* the library checks the rest; the user is needed before a password prompt */
	o.uri = argv[optind];
	if (o.auth == GPO_CEP_AUTH_UNSET)
		o.auth = gpo_cep_auth_from_uri(o.uri);
	if (o.auth == GPO_CEP_AUTH_USERNAME_PASSWORD) {
		if (o.username == NULL) {
			talloc_free(mem);
			return cli_usage_error("probe", "a username_password endpoint needs -U USER");
		}
		password = cli_read_password(mem, password_file, "--password-file",
					     "GPO_CEP_PASSWORD", o.username, &status);
		if (password == NULL) {
			talloc_free(mem);
			return status;
		}
		o.password = password;
	} else if (o.username != NULL || password_file != NULL) {
		talloc_free(mem);
		return cli_usage_error("probe", "-U and --password-file are for username_password "
					"endpoints, this one is %s", gpo_cep_auth_name(o.auth));
	}

	rc = gpo_cep_probe(mem, &o, &answer, &err);
	if (password != NULL)
		explicit_bzero(password, strlen(password));
	if (rc != 0) {
		if (json) {
			json_object *doc = json_object_new_object(), *e = json_object_new_object();

			json_object_object_add(doc, "uri", json_object_new_string(o.uri));
			json_object_object_add(e, "kind",
					       json_object_new_string(cli_probe_error_kind(rc)));
			json_object_object_add(e, "message", json_object_new_string(
				err ? err->message : gpo_strerror(rc)));
			json_object_object_add(doc, "error", e);
			cli_print_json(doc);
			json_object_put(doc);
		}
		cli_error("%s", err ? err->message : gpo_strerror(rc));
		talloc_free(mem);
		return rc == GPO_EINVAL ? EXIT_INVALID : EXIT_FAILURE_;
	}
	if (json) {
		json_object *doc = cli_probe_json(answer);

		json_object_object_add(doc, "uri", json_object_new_string(o.uri));
		json_object_object_add(doc, "auth", json_object_new_string(gpo_cep_auth_name(o.auth)));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		print_answer(o.uri, o.auth, answer);
	}
	talloc_free(mem);
	return EXIT_OK;
}
