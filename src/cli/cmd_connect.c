/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep connect: which DC, transport, trust anchors and identity a command would use; tested. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli_domain.h"

static const struct cli_opt connect_opts[] = {
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_connect = {
	.name = "connect",
	.usage = "gpo-cep connect [--domain REALM] [--json] [options]",
	.about = "Say which domain, DC, LDAP transport, TLS trust anchors, identity and\n"
		 "SMB settings the domain commands would use with these options (and\n"
		 "where each came from: the command line, the environment, a profile of\n"
		 "gpo-cep.conf(5), smb.conf or krb5.conf), then test them: bind over LDAP,\n"
		 "ask the DC who that is, open SYSVOL with SMB signing required.\n"
		 "Exit status 0 when every step works, 1 when one fails (named).\n",
	.tables = { connect_opts, cli_opts_domain, cli_opts_help },
};

struct connect_args {
	struct cli_domain_args da;
	bool json;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct connect_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "connect", id, value, &status))
		return status;
	if (id == 'j')
		a->json = true;
	return status;
}

/* The addresses `host` resolves to, as a JSON array of strings. */
static json_object *addresses(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL, *p;
	json_object *arr = json_object_new_array();
	char text[NI_MAXHOST];

	if (host == NULL || getaddrinfo(host, NULL, &hints, &ai) != 0)
		return arr;
	for (p = ai; p != NULL; p = p->ai_next)
		if (getnameinfo(p->ai_addr, p->ai_addrlen, text, sizeof(text), NULL, 0,
				NI_NUMERICHOST) == 0)
			json_object_array_add(arr, json_object_new_string(text));
	freeaddrinfo(ai);
	return arr;
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* What the options say, before any connection. */
static json_object *settings(const struct cli_domain_args *a)
{
	json_object *o = json_object_new_object(), *id = json_object_new_object();
	bool kerberos = a->o.auth == GPO_DOMAIN_AUTH_KERBEROS || a->o.user == NULL;

	json_object_object_add(o, "profile", str_or_null(a->profile_used));
	json_object_object_add(o, "domain", str_or_null(a->o.realm));
	json_object_object_add(o, "domain_from", str_or_null(a->realm_from));
	json_object_object_add(o, "dc", str_or_null(a->o.dc));
	json_object_object_add(o, "dc_from", json_object_new_string(
					      a->dc_from ? a->dc_from : "DNS (the PDC emulator first)"));
	json_object_object_add(o, "ca_file", str_or_null(a->o.ca_file));
	json_object_object_add(o, "smb_conf", str_or_null(a->o.smb_conf));
	json_object_object_add(id, "auth", json_object_new_string(kerberos ? "kerberos"
									    : "password"));
	json_object_object_add(id, "user", str_or_null(a->o.user));
	json_object_object_add(id, "from", json_object_new_string(
					       a->identity_from ? a->identity_from
								: "the Kerberos ticket cache (no -U)"));
	json_object_object_add(o, "identity", id);
	return o;
}

/* What the connection turned out to be. */
static void tested(json_object *o, struct gpo_domain *dom, const struct gpo_domain_info *info)
{
	json_object *id = NULL;

	json_object_object_add(o, "dc", json_object_new_string(info->dc));
	json_object_object_add(o, "pdc", json_object_new_boolean(gpo_domain_on_pdc(dom)));
	json_object_object_add(o, "addresses", addresses(info->dc));
	json_object_object_add(o, "ldap_uri", json_object_new_string(info->ldap_uri));
	json_object_object_add(o, "ldap_security", json_object_new_string(info->ldap_security));
	if (json_object_object_get_ex(o, "identity", &id)) {
		json_object_object_add(id, "name", json_object_new_string(info->identity));
		json_object_object_add(id, "sid", json_object_new_string(info->identity_sid));
	}
	json_object_object_add(o, "sysvol", json_object_new_string(info->sysvol));
	json_object_object_add(o, "smb", json_object_new_string("SMB2 or later, signing required"));
}

static const char *field(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && v != NULL ? json_object_get_string(v)
								   : NULL;
}

static void print_text(TALLOC_CTX *mem, json_object *o)
{
	json_object *id = NULL, *addr = NULL;
	const char *pdc = field(o, "pdc");
	size_t i;

	json_object_object_get_ex(o, "identity", &id);
	printf("domain    %s (%s)\n", cli_safe(mem, field(o, "domain")), field(o, "domain_from"));
	if (field(o, "profile") != NULL)
		printf("profile   %s\n", cli_safe(mem, field(o, "profile")));
	printf("dc        %s (%s%s)\n", field(o, "dc") ? cli_safe(mem, field(o, "dc")) : "?",
	       field(o, "dc_from"),
	       pdc == NULL ? "" : strcmp(pdc, "true") == 0 ? "; the PDC emulator"
							    : "; not the PDC emulator");
	if (json_object_object_get_ex(o, "addresses", &addr))
		for (i = 0; i < json_object_array_length(addr); i++)
			printf("address   %s\n", json_object_get_string(json_object_array_get_idx(addr, i)));
	if (field(o, "ldap_uri") != NULL)
		printf("ldap      %s, %s\n", field(o, "ldap_uri"), field(o, "ldap_security"));
	printf("tls ca    %s\n", field(o, "ca_file") ? cli_safe(mem, field(o, "ca_file"))
					      : "the system's trust store");
	printf("identity  %s, %s bind (%s)\n",
	       field(id, "user") ? cli_safe(mem, field(id, "user")) : "the ticket's principal",
	       field(id, "auth"), field(id, "from"));
	if (field(id, "name") != NULL)
		printf("bound as  %s (%s)\n", cli_safe(mem, field(id, "name")), field(id, "sid"));
	if (field(o, "sysvol") != NULL)
		printf("sysvol    %s, %s: readable\n", cli_safe(mem, field(o, "sysvol")),
		       field(o, "smb"));
}

int cmd_connect(int argc, char **argv)
{
	struct connect_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_domain *dom = NULL;
	struct gpo_domain_info *info = NULL;
	struct gpo_error *err = NULL;
	json_object *o = NULL;
	struct cli_args args;
	int rc, status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_connect, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0) {
		status = cli_usage_error("connect", "unexpected argument '%s'", args.operands[0]);
		goto out;
	}
	a.da.read_only = true;
	status = cli_domain_settle(mem, "connect", &a.da);
	if (status != EXIT_OK)
		goto out;
	o = settings(&a.da);
	status = cli_domain_connect(mem, "connect", &a.da, &dom);
	if (status == EXIT_OK) {
		rc = gpo_domain_describe(mem, dom, &info, &err);
		if (rc == 0)
			tested(o, dom, info);
		else
			status = cli_fail(err, rc);
	}
	/* a usage error (no domain anywhere) has nothing to show */
	if (status == EXIT_INVALID)
		goto out;
	json_object_object_add(o, "ok", json_object_new_boolean(status == EXIT_OK));
	if (a.json) {
		cli_print_json(o);
	} else {
		print_text(mem, o);
		if (status == EXIT_OK)
			printf("ok        the LDAP bind, the account it is and SYSVOL over SMB all work\n");
	}
out:
	json_object_put(o);
	talloc_free(mem);
	return status;
}
