/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_domain.h"
#include "cli_probe.h"

const struct cli_opt cli_opts_probe[] = {
	CLI_FLAG("probe", 0, 0x200,
		  "ask every https policy server for its policy (MS-XCEP\n"
		  "GetPolicies): fill missing policy_id and friendly_name,\n"
		  "refuse a policy_id the server contradicts"),
	CLI_VALUE("probe-user", 0, 0x201, "USER",
		  "user for username_password servers; the password\n"
		  "from --probe-password-file, $GPO_CEP_PROBE_PASSWORD\n"
		  "or a prompt"),
	CLI_FILE("probe-password-file", 0, 0x202, "F",
		  "read that password from the first line of F\n"
		  "(mode 0600 or stricter; - for standard input)"),
	CLI_FILE("probe-cert", 0, 0x203, "FILE",
		  "client certificate (PEM) for certificate servers"),
	CLI_FILE("probe-key", 0, 0x204, "FILE", "its private key (PEM; default: in --probe-cert)"),
	CLI_FILE("probe-ca-file", 0, 0x205, "F",
		  "CAs that issued the servers' TLS certificates (default:\n"
		  "the system's)"),
	CLI_VALUE("probe-timeout", 0, 0x206, "S", "seconds per server (30)"),
	CLI_OPT_END,
};

bool cli_probe_option(struct cli_probe_args *a, const char *cmd, int c, const char *arg,
		      int *status)
{
	switch (c) {
	case 0x200:
		a->enabled = true;
		return true;
	case 0x201:
		/* USER%PASSWORD, as for -U: refused without repeating what follows '%' */
		if (strchr(arg, '%') != NULL) {
			*status = cli_usage_error(cmd, "--probe-user takes a user name only, never "
						  "a password (the text after '%%' was not "
						  "used): give it with --probe-password-file, "
						  "$GPO_CEP_PROBE_PASSWORD or the prompt");
			return true;
		}
		a->user = arg;
		return true;
	case 0x202:
		a->password_file = arg;
		return true;
	case 0x203:
		a->cert_file = arg;
		return true;
	case 0x204:
		a->key_file = arg;
		return true;
	case 0x205:
		a->ca_file = arg;
		return true;
	case 0x206:
		if (!cli_parse_seconds(cmd, "--probe-timeout", arg, &a->timeout))
			*status = EXIT_INVALID;
		return true;
	default:
		return false;
	}
}

const char *cli_probe_error_kind(int code)
{
	switch (code) {
	case GPO_EINVAL:
		return "usage";
	case GPO_ENET:
		return "network";
	case GPO_EAUTH:
		return "authentication";
	case GPO_EPROTO:
		return "protocol";
	case GPO_ERROR:
		return "fault";
	default:
		return "internal";
	}
}

static json_object *string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static const char *key_spec_name(uint32_t spec)
{
	return spec == 1 ? "exchange" : spec == 2 ? "signature" : NULL;
}

json_object *cli_probe_json(const struct gpo_xcep_policies *p)
{
	json_object *doc = json_object_new_object(), *templates, *cas;
	char revision[24];
	size_t i, j;

	json_object_object_add(doc, "policy_id", json_object_new_string(p->policy_id));
	json_object_object_add(doc, "friendly_name", json_object_new_string(p->friendly_name));
	json_object_object_add(doc, "next_update_hours", p->next_update_hours < 0 ? NULL
					: json_object_new_int64(p->next_update_hours));
	templates = json_object_new_array();
	for (i = 0; i < p->n_templates; i++) {
		const struct gpo_xcep_template *t = &p->templates[i];
		json_object *o = json_object_new_object(), *ku = json_object_new_array(),
			    *eku = json_object_new_array(), *refs = json_object_new_array();

		json_object_object_add(o, "common_name", string_or_null(t->common_name));
		json_object_object_add(o, "display_name", string_or_null(t->display_name));
		json_object_object_add(o, "oid", string_or_null(t->oid));
		json_object_object_add(o, "schema_version", json_object_new_int64(t->schema_version));
		snprintf(revision, sizeof(revision), "%u.%u", (unsigned)t->major_revision,
			 (unsigned)t->minor_revision);
		json_object_object_add(o, "revision", json_object_new_string(revision));
		json_object_object_add(o, "enroll", json_object_new_boolean(t->enroll));
		json_object_object_add(o, "autoenroll", json_object_new_boolean(t->autoenroll));
		json_object_object_add(o, "minimal_key_length",
				       t->min_key_length ? json_object_new_int64(t->min_key_length) : NULL);
		json_object_object_add(o, "key_spec", string_or_null(key_spec_name(t->key_spec)));
		for (j = 0; j < t->n_key_usages; j++)
			json_object_array_add(ku, json_object_new_string(t->key_usages[j]));
		json_object_object_add(o, "key_usage", ku);
		for (j = 0; j < t->n_ekus; j++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "oid", json_object_new_string(t->ekus[j].oid));
			json_object_object_add(e, "name", string_or_null(t->ekus[j].name));
			json_object_array_add(eku, e);
		}
		json_object_object_add(o, "extended_key_usage", eku);
		for (j = 0; j < t->n_cas; j++)
			json_object_array_add(refs, json_object_new_int64(t->ca_refs[j]));
		json_object_object_add(o, "cas", refs);
		json_object_array_add(templates, o);
	}
	json_object_object_add(doc, "templates", templates);
	cas = json_object_new_array();
	for (i = 0; i < p->n_cas; i++) {
		const struct gpo_xcep_ca *ca = &p->cas[i];
		json_object *o = json_object_new_object(), *uris = json_object_new_array();

		json_object_object_add(o, "reference", json_object_new_int64(ca->reference));
		json_object_object_add(o, "subject", string_or_null(ca->subject));
		json_object_object_add(o, "sha1", string_or_null(ca->sha1));
		json_object_object_add(o, "enroll_permission",
				       json_object_new_boolean(ca->enroll_permission));
		for (j = 0; j < ca->n_uris; j++) {
			const struct gpo_xcep_ca_uri *u = &ca->uris[j];
			json_object *uo = json_object_new_object();
			const char *auth = gpo_cep_auth_name((enum gpo_cep_auth)u->auth);

			json_object_object_add(uo, "uri", string_or_null(u->uri));
			json_object_object_add(uo, "auth", auth ? json_object_new_string(auth)
							       : json_object_new_int64(u->auth));
			json_object_object_add(uo, "priority", json_object_new_int64(u->priority));
			json_object_object_add(uo, "renewal_only",
					       json_object_new_boolean(u->renewal_only));
			json_object_array_add(uris, uo);
		}
		json_object_object_add(o, "uris", uris);
		json_object_array_add(cas, o);
	}
	json_object_object_add(doc, "cas", cas);
	return doc;
}

struct probed {
	const char *uri;
	enum gpo_cep_auth auth;
	int rc;
	struct gpo_xcep_policies *answer;
	struct gpo_error *err;
};

/* One exchange per URI and authentication type, however often the policy names it. */
static struct probed *probe_once(TALLOC_CTX *mem_ctx, struct cli_probe_args *a,
				 struct probed **cache, size_t *n_cache,
				 const struct gpo_cep_server *s, char **password, int *status)
{
	struct gpo_probe_options o = {
		.version = GPO_PROBE_OPTIONS_VERSION,
		.uri = s->uri,
		.auth = s->auth,
		.cert_file = a->cert_file,
		.key_file = a->key_file,
		.ca_file = a->ca_file,
		.timeout = a->timeout,
	};
	struct probed *p, *grown;
	size_t i;

	for (i = 0; i < *n_cache; i++)
		if (strcmp((*cache)[i].uri, s->uri) == 0 && (*cache)[i].auth == s->auth)
			return &(*cache)[i];
	if (s->auth == GPO_CEP_AUTH_USERNAME_PASSWORD && a->user != NULL) {
		if (*password == NULL)
			*password = cli_read_password(mem_ctx, a->password_file,
						      "--probe-password-file",
						      "GPO_CEP_PROBE_PASSWORD", a->user, status);
		if (*password == NULL)
			return NULL;
		o.username = a->user;
		o.password = *password;
	}
	grown = talloc_realloc(mem_ctx, *cache, struct probed, *n_cache + 1);
	if (grown == NULL)
		return NULL;
	*cache = grown;
	p = &grown[(*n_cache)++];
	*p = (struct probed){ .uri = s->uri, .auth = s->auth };
	p->rc = gpo_probe_server(mem_ctx, &o, &p->answer, &p->err);
	if (p->rc == GPO_EINVAL && s->auth == GPO_CEP_AUTH_USERNAME_PASSWORD && a->user == NULL)
		p->err->message = talloc_asprintf(p->err, "%s: give --probe-user", p->err->message);
	else if (p->rc == GPO_EINVAL && s->auth == GPO_CEP_AUTH_CERTIFICATE && a->cert_file == NULL)
		p->err->message = talloc_asprintf(p->err, "%s: give --probe-cert", p->err->message);
	return p;
}

static json_object *report_entry(const char *pointer, const struct probed *p)
{
	json_object *o = p->rc == 0 ? cli_probe_json(p->answer) : json_object_new_object();
	bool reachable = p->rc == 0 || p->rc == GPO_EAUTH || p->rc == GPO_EPROTO ||
			 p->rc == GPO_ERROR;

	json_object_object_add(o, "pointer", json_object_new_string(pointer));
	json_object_object_add(o, "uri", json_object_new_string(p->uri));
	json_object_object_add(o, "auth", json_object_new_string(gpo_cep_auth_name(p->auth)));
	/* not asked at all (missing credentials): neither true nor false */
	json_object_object_add(o, "reachable", p->rc == GPO_EINVAL ? NULL
					: json_object_new_boolean(reachable));
	json_object_object_add(o, "authenticated", p->rc == GPO_EINVAL ? NULL
					: json_object_new_boolean(reachable && p->rc != GPO_EAUTH));
	if (p->rc != 0) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "kind",
				       json_object_new_string(cli_probe_error_kind(p->rc)));
		json_object_object_add(e, "message", json_object_new_string(
			p->err ? p->err->message : gpo_strerror(p->rc)));
		json_object_object_add(o, "error", e);
	}
	return o;
}

int cli_probe_policy(TALLOC_CTX *mem_ctx, struct cli_probe_args *a,
		     struct gpo_cep_policy *policy, struct gpo_diags *diags, json_object *report)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct probed *cache = NULL;
	size_t n_cache = 0, i;
	char *password = NULL;
	bool stop = false;
	int status = EXIT_OK, k;

	if (!a->enabled || tmp == NULL) {
		talloc_free(tmp);
		return tmp == NULL ? EXIT_FAILURE_ : EXIT_OK;
	}
	for (k = 0; k < 2 && !stop; k++) {
		struct gpo_cep_scope *scope = policy->scopes[k];
		struct gpo_cep_enrollment *e = scope ? scope->enrollment : NULL;

		for (i = 0; e != NULL && i < e->n_servers && !stop; i++) {
			struct gpo_cep_server *s = &e->servers[i];
			char *ptr = talloc_asprintf(tmp, "/%s/enrollment_policy/servers/%zu",
						    gpo_cep_scope_name((enum gpo_cep_scope_kind)k), i);
			struct probed *p;
			const char *id;
			int rc, st = EXIT_OK;

			if (strncasecmp(s->uri, "https://", 8) != 0)
				continue;
			if (ptr == NULL) {
				cli_error("out of memory");
				status = EXIT_FAILURE_;
				stop = true;
				continue;
			}
			p = probe_once(tmp, a, &cache, &n_cache, s, &password, &st);
			if (st != EXIT_OK || p == NULL) {
				status = p == NULL && st == EXIT_OK ? EXIT_FAILURE_ : st;
				stop = true;
				continue;
			}
			if (report != NULL)
				json_object_array_add(report, report_entry(ptr, p));
			if (p->rc != 0 && report != NULL) {
				gpo_diags_add(diags, GPO_DIAG_ERROR, "probe-failed", ptr, "%s",
					      p->err ? p->err->message : gpo_strerror(p->rc));
				status = EXIT_INVALID;
				continue;
			}
			if (p->rc != 0) {
				cli_error("--probe: %s", p->err ? p->err->message
								 : gpo_strerror(p->rc));
				/* missing credentials are a usage error, the rest a failure */
				status = p->rc == GPO_EINVAL ? EXIT_INVALID : EXIT_FAILURE_;
				stop = true;
				continue;
			}
			id = gpo_xcep_escape(tmp, p->answer->policy_id, 64);
			if (report != NULL)
				gpo_diags_add(diags, GPO_DIAG_NOTE, "probe", ptr,
					      "the server answered%s%s: policy ID %s, %zu "
					      "template%s offered", s->auth == GPO_CEP_AUTH_ANONYMOUS
					      ? "" : " to ", s->auth == GPO_CEP_AUTH_ANONYMOUS ? ""
					      : gpo_cep_auth_name(s->auth),
					      id ? id : "?",
					      p->answer->n_templates,
					      p->answer->n_templates == 1 ? "" : "s");
			rc = gpo_xcep_take_answer(policy, s, p->answer, ptr, diags);
			if (rc == GPO_ENOMEM || (rc == GPO_EPROTO && report == NULL)) {
				/* a value unfit to store: the server failed, nothing is written */
				status = EXIT_FAILURE_;
				stop = true;
			} else if (rc != 0) {
				/* a contradicted policy_id, or lint: go on, report all */
				status = EXIT_INVALID;
			}
		}
	}
	if (password != NULL)
		explicit_bzero(password, strlen(password));
	talloc_free(tmp);
	return status;
}
