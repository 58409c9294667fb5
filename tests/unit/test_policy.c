/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The policy file format: defaults, inference, every error with its place. */
#include <gpo-cep.h>

#include "harness.h"

static struct gpo_diags *last;

static struct gpo_cep_policy *parse(TALLOC_CTX *mem, const char *json)
{
	struct gpo_cep_policy *p = NULL;

	last = gpo_diags_new(mem);
	if (gpo_cep_policy_parse(mem, json, strlen(json), &p, last) != 0)
		return NULL;
	return p;
}

/* The policy must be refused with an error at `pointer` saying `says`. */
static void refused(TALLOC_CTX *mem, const char *json, const char *pointer, const char *says)
{
	struct gpo_cep_policy *p = parse(mem, json);
	size_t i;
	int found = 0;

	ok(p == NULL && last->errors > 0, "refused: %s", says);
	for (i = 0; i < last->count; i++)
		if (last->items[i].level == GPO_DIAG_ERROR && last->items[i].pointer &&
		    strcmp(last->items[i].pointer, pointer) == 0 &&
		    strstr(last->items[i].message, says) != NULL)
			found = 1;
	ok(found, "  at %s", pointer);
	if (!found)
		for (i = 0; i < last->count; i++)
			printf("#   have %s: %s\n", last->items[i].pointer ? last->items[i].pointer : "-",
			       last->items[i].message);
}

#define SERVER(x) "{\"computer\": {\"enrollment_policy\": {\"servers\": [" x "]}}}"
#define KERB "https://ca.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"
#define S0 "/computer/enrollment_policy/servers/0"

static void test_defaults(TALLOC_CTX *mem)
{
	struct gpo_cep_policy *p = parse(mem, SERVER("{\"uri\": \"ldap:\"}, {\"uri\": \"" KERB
						     "\", \"policy_id\": \"X\"}"));
	struct gpo_cep_server *s;

	ok(p != NULL, "a minimal policy parses");
	if (p == NULL)
		return;
	ok(p->scopes[GPO_CEP_USER] == NULL, "absent user scope stays absent");
	ok(p->scopes[GPO_CEP_COMPUTER]->certificate_stores, "certificate_stores defaults on for computer");
	ok(p->scopes[GPO_CEP_COMPUTER]->auto_enrollment == NULL, "auto_enrollment not configured");
	ok(p->scopes[GPO_CEP_COMPUTER]->enrollment->enabled, "enabled by default");
	s = p->scopes[GPO_CEP_COMPUTER]->enrollment->servers;
	is_str(s[0].uri, "LDAP:", "any case of LDAP: is written LDAP:");
	is_int(s[0].auth, GPO_CEP_AUTH_KERBEROS, "LDAP: is kerberos");
	is_str(s[0].friendly_name, "Active Directory Enrollment Policy", "LDAP: friendly name");
	ok(s[0].policy_id == NULL, "LDAP: policy_id left for the domain");
	ok(s[0].is_default && !s[1].is_default, "first server is the default");
	is_int(s[0].cost, 0x3BFFFF, "LDAP: default cost 0x3BFFFF: adsys reads it whole, after https");
	is_int(s[1].cost, 0xFFFF, "https default cost 0xFFFF");
	ok(s[0].autoenroll && !s[0].client_id && !s[0].allow_untrusted_ca, "default flags");
	is_int(s[1].auth, GPO_CEP_AUTH_KERBEROS, "auth inferred from _CEP_Kerberos");
	is_str(s[1].friendly_name, "ca.example.com", "friendly name defaults to the host");

	p = parse(mem, "{\"user\": {\"auto_enrollment\": {}}}");
	ok(p && !p->scopes[GPO_CEP_USER]->certificate_stores, "certificate_stores off for user");
	ok(p && p->scopes[GPO_CEP_USER]->auto_enrollment->update_templates &&
		   p->scopes[GPO_CEP_USER]->auto_enrollment->renew_expired &&
		   p->scopes[GPO_CEP_USER]->auto_enrollment->expiry_notice_percent == 10 &&
		   strcmp(p->scopes[GPO_CEP_USER]->auto_enrollment->expiry_notice_stores, "MY") == 0,
	   "auto-enrollment defaults");
	p = parse(mem, "\xEF\xBB\xBF{\"computer\": {\"enrollment_policy\": null}}");
	ok(p && p->scopes[0]->enrollment == NULL && p->scopes[0]->remove_enrollment,
	   "null means not configured / remove; a BOM is accepted");
}

static void test_inference(void)
{
	static const struct {
		const char *uri;
		enum gpo_cep_auth auth;
	} cases[] = {
		{ "LDAP:", GPO_CEP_AUTH_KERBEROS },
		{ KERB, GPO_CEP_AUTH_KERBEROS },
		{ "https://h/ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP",
		  GPO_CEP_AUTH_USERNAME_PASSWORD },
		{ "https://h/ADPolicyProvider_CEP_Certificate/service.svc/CEP", GPO_CEP_AUTH_CERTIFICATE },
		{ "https://h/KeyBasedRenewal_ADPolicyProvider_CEP_Certificate/service.svc/CEP",
		  GPO_CEP_AUTH_CERTIFICATE },
		{ "HTTPS://H:8443/adpolicyprovider_cep_kerberos/service.svc/cep", GPO_CEP_AUTH_KERBEROS },
		{ "https://h/MyCA_CEP_UsernamePassword/service.svc/CEP", GPO_CEP_AUTH_USERNAME_PASSWORD },
		{ "https://pki.example.net/ejbca/msae/CEPService?alias", GPO_CEP_AUTH_UNSET },
		{ "https://h/x?ADPolicyProvider_CEP_Kerberos", GPO_CEP_AUTH_UNSET },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(gpo_cep_auth_from_uri(cases[i].uri), cases[i].auth, "auth of %s", cases[i].uri);
}

static void test_server_key(void)
{
	char key[41];

	ok(gpo_cep_server_key("LDAP:", key) == 0, "hash LDAP:");
	is_str(key, "37c9dc30f207f27f61a2f7c3aed598a6e2920b54",
	       "LDAP: key matches three Windows-written GPOs");
	gpo_cep_server_key("https://ca1.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
			   key);
	is_str(key, "6b5547709b1067e948ba78eba10d590e773f439a", "the worked example's key");
	gpo_cep_server_key("HTTPS://CA1.EXAMPLE.COM/ADPOLICYPROVIDER_CEP_KERBEROS/SERVICE.SVC/CEP",
			   key);
	is_str(key, "6b5547709b1067e948ba78eba10d590e773f439a", "any case, same key");
	gpo_cep_server_key("https://pki.example.net/ejbca/msae/CEPService?alias", key);
	is_str(key, "dc032f3a68521c2445e1e161da81503bddce17a7", "third-party tool's key");
}

static void test_errors(TALLOC_CTX *mem)
{
	refused(mem, SERVER("{\"uri\": \"ldap:\", \"autoenrol\": true}"), S0 "/autoenrol",
		"did you mean 'autoenroll'?");
	refused(mem, "{\"computr\": {}}", "/computr", "did you mean 'computer'?");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"frobnicate\": 1}"), S0 "/frobnicate",
		"expected one of: uri, auth");
	refused(mem, SERVER("{\"uri\": \"" KERB "\", \"auth\": \"certificate\"}"), S0 "/auth",
		"contradicts the URI");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"auth\": \"anonymous\"}"), S0 "/auth",
		"takes kerberos");
	refused(mem, SERVER("{\"uri\": \"https://pki.example.net/ejbca/msae/CEPService?alias\"}"),
		S0, "missing 'auth'");
	refused(mem, SERVER("{\"uri\": \"" KERB "\", \"auth\": \"ntlm\"}"), S0 "/auth",
		"is not an authentication type");
	refused(mem, SERVER("{\"uri\": \"http://h/ADPolicyProvider_CEP_Kerberos/service.svc/CEP\"}"),
		S0 "/uri", "must use https");
	refused(mem, SERVER("{\"uri\": \"ftp://h/\"}"), S0 "/uri", "must be 'LDAP:' or an https://");
	refused(mem, SERVER("{\"uri\": \"https://u:p@h/ADPolicyProvider_CEP_Kerberos/x\"}"),
		S0 "/uri", "user information");
	refused(mem, SERVER("{\"uri\": \"https://h:99999/ADPolicyProvider_CEP_Kerberos/x\"}"),
		S0 "/uri", "port");
	refused(mem, SERVER("{\"uri\": \"https://h\\u00e9/ADPolicyProvider_CEP_Kerberos/x\"}"),
		S0 "/uri", "must be ASCII");
	refused(mem, SERVER("{\"uri\": \"https:///ADPolicyProvider_CEP_Kerberos/x\"}"), S0 "/uri",
		"no host name");
	refused(mem, SERVER("{\"auth\": \"kerberos\"}"), S0, "missing required key 'uri'");
	refused(mem, SERVER("{\"uri\": \"LDAP:\"}, {\"uri\": \"ldap:\"}"),
		"/computer/enrollment_policy/servers/1/uri", "the same URI as");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"default\": true}, {\"uri\": \"" KERB
			    "\", \"default\": true}"),
		"/computer/enrollment_policy/servers/1/default", "at most one per scope");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"cost\": 4294967296}"), S0 "/cost",
		"out of range");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"cost\": -1}"), S0 "/cost", "out of range");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"cost\": 1.5}"), S0 "/cost", "got a fraction");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"cost\": \"1\"}"), S0 "/cost", "got a string");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"autoenroll\": 1}"), S0 "/autoenroll",
		"expected true or false");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"policy_id\": \"\"}"), S0 "/policy_id",
		"must not be empty");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"friendly_name\": \"a\\u0000b\"}"),
		S0 "/friendly_name", "NUL");
	/* the rules a server's friendly name is held to, too */
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"friendly_name\": \"a\\nb\"}"),
		S0 "/friendly_name", "contains a control character (\\n at character 2)");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"friendly_name\": \"a\\u001bb\"}"),
		S0 "/friendly_name", "control character (\\x1b at character 2)");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"friendly_name\": \"\\u0085\"}"),
		S0 "/friendly_name", "control character (\\u0085 at character 1)");
	{
		char *json = talloc_asprintf(mem, SERVER("{\"uri\": \"LDAP:\", \"friendly_name\": "
						     "\"%0*d\"}"), (int)GPO_CEP_FRIENDLY_NAME_MAX + 1, 0);

		refused(mem, json, S0 "/friendly_name", "is 1025 characters long, more than 1024");
		json = talloc_asprintf(mem, SERVER("{\"uri\": \"LDAP:\", \"friendly_name\": "
					      "\"%0*d\u00e9\"}"), (int)GPO_CEP_FRIENDLY_NAME_MAX - 1, 0);
		ok(parse(mem, json) != NULL, "1024 characters (one of two bytes) are fine");
	}
	refused(mem, SERVER("\"LDAP:\""), S0, "expected a server object");
	refused(mem, SERVER("{\"uri\": \"LDAP:\", \"policy_id\": \"\xED\xA0\x80\"}"),
		S0 "/policy_id", "not valid Unicode");
	refused(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": []}}}",
		"/computer/enrollment_policy/servers", "at least one server");
	refused(mem, "{\"computer\": {\"enrollment_policy\": {}}}", "/computer/enrollment_policy",
		"at least one server");
	refused(mem, "{\"computer\": {\"enrollment_policy\": {\"enabled\": false, \"servers\": "
		     "[{\"uri\": \"LDAP:\"}]}}}",
		"/computer/enrollment_policy/servers", "not written when the enrollment policy is disabled");
	refused(mem, "{\"user\": {\"auto_enrollment\": {\"expiry_notice_percent\": 101}}}",
		"/user/auto_enrollment/expiry_notice_percent", "from 0 to 100");
	refused(mem, "{\"version\": 2}", "/version", "format version 1");
	refused(mem, "{\"user\": null}", "/user", "leave the scope out");
	refused(mem, "{\"user\": []}", "/user", "expected an object");
	refused(mem, "[]", "", "expected a policy object");

	/* every error at once, not only the first */
	parse(mem, "{\"name\": 1, \"computer\": {\"enrollment_policy\": {\"servers\": "
		   "[{\"uri\": \"http://x/\"}, {\"cost\": true}]}}, \"bogus\": 0}");
	is_int(last->errors, 5, "five independent errors reported together");
}

static void syntax(TALLOC_CTX *mem, const char *json, unsigned line, unsigned col,
		   const char *says)
{
	ok(parse(mem, json) == NULL && last->count == 1, "syntax error: %s", says);
	if (last->count == 1) {
		ok(last->items[0].line == line && last->items[0].column == col,
		   "  at %u:%u (got %u:%u)", line, col, last->items[0].line, last->items[0].column);
		contains(last->items[0].message, says, "  message");
	}
}

static void test_syntax(TALLOC_CTX *mem)
{
	syntax(mem, "{\n  \"name\": \"x\",\n  \"user\": {,}\n}", 3, 12, "invalid JSON");
	syntax(mem, "{\"name\": \"x\",}", 1, 14, "invalid JSON");
	syntax(mem, "{\"name\": \"x\"} {}", 1, 15, "invalid JSON");
	syntax(mem, "{\"name\": ", 1, 10, "unexpected end of input");
	syntax(mem, "", 1, 1, "unexpected end of input");
	syntax(mem, "{\"name\": \"\xC3\x28\"}", 1, 12, "invalid JSON");
	syntax(mem, "{/* c */}", 1, 2, "invalid JSON");
}

static void test_to_json(TALLOC_CTX *mem)
{
	const char *in = "{\"name\": \"N\", \"computer\": {\"enrollment_policy\": {"
			 "\"disable_user_servers\": true, \"servers\": [{\"uri\": \"LDAP:\", "
			 "\"policy_id\": \"{A}\"}, {\"uri\": \"" KERB "\", \"policy_id\": \"P\", "
			 "\"default\": true, \"client_id\": true, \"allow_untrusted_ca\": true, "
			 "\"autoenroll\": false, \"cost\": 7}]}, \"auto_enrollment\": {"
			 "\"renew_expired\": false, \"expiry_notice_percent\": 0}}, "
			 "\"user\": {\"enrollment_policy\": {\"enabled\": false}}}";
	struct gpo_cep_policy *p = parse(mem, in), *q;
	char *a = NULL, *b = NULL;

	ok(p && gpo_cep_policy_to_json(mem, p, &a, NULL) == 0, "policy to JSON");
	q = a ? parse(mem, a) : NULL;
	ok(q && gpo_cep_policy_to_json(mem, q, &b, NULL) == 0, "the JSON parses back");
	is_str(b, a, "to_json(parse(to_json(p))) is stable");
	contains(a, "\"uri\": \"https://ca.example.com/", "slashes are not escaped");
	contains(a, "\"cost\": 7", "explicit values");
	ok(q && q->scopes[0]->enrollment->servers[1].is_default &&
		   !q->scopes[0]->enrollment->servers[0].is_default, "default survives");
}

static void test_fill(TALLOC_CTX *mem)
{
	struct gpo_cep_policy *p = parse(mem, SERVER("{\"uri\": \"LDAP:\"}, {\"uri\": \"" KERB "\"}"));
	struct gpo_diags *d = gpo_diags_new(mem);

	ok(p && gpo_cep_policy_check(p, GPO_CEP_CHECK_POLICY_IDS, d) == GPO_EINVAL &&
		   d->errors == 2, "offline check wants both policy IDs");
	ok(p && gpo_cep_policy_fill_ldap_id(p, "09526129-aaaa-bbbb-cccc-0123456789ab", NULL) == 0,
	   "fill LDAP: with the forest GUID");
	is_str(p ? p->scopes[0]->enrollment->servers[0].policy_id : NULL,
	       "{09526129-AAAA-BBBB-CCCC-0123456789AB}", "braced, upper case");
	ok(p && p->scopes[0]->enrollment->servers[1].policy_id == NULL, "https row untouched");
	ok(p && gpo_cep_policy_fill_ldap_id(p, "not-a-guid", NULL) == GPO_EINVAL,
	   "a non-GUID is refused");
	d = gpo_diags_new(mem);
	ok(p && gpo_cep_policy_check(p, GPO_CEP_CHECK_POLICY_IDS, d) == GPO_EINVAL &&
		   d->errors == 1 && strcmp(d->items[0].pointer,
					    "/computer/enrollment_policy/servers/1") == 0,
	   "only the https row is still missing");
	ok(p && gpo_cep_policy_check(p, 0, gpo_diags_new(mem)) == 0,
	   "without the offline flag a missing ID is fine");
}

static void test_duplicate_keys(TALLOC_CTX *mem)
{
	const struct gpo_diag *g;

	refused(mem, SERVER("{\"uri\": \"" KERB "\", \"cost\": 1, \"cost\": 2}"), S0 "/cost",
		"'cost' appears more than once in this object (first at 1:")
	;
	g = last->count ? &last->items[0] : NULL;
	ok(g && g->line == 1 && g->column > 1 && strcmp(g->id, "duplicate-key") == 0,
	   "  with the line and column of the second");
	/* an escape is the same key: json-c would keep one silently */
	refused(mem, SERVER("{\"uri\": \"" KERB "\", \"\\u0075ri\": \"LDAP:\"}"), S0 "/uri",
		"'uri' appears more than once");
	refused(mem, "{\"version\": 1, \"a/b~\": 1, \"a/b~\": 2}", "/a~1b~0",
		"appears more than once");
	refused(mem, "\xEF\xBB\xBF{\"name\": \"x\",\n \"name\": \"y\"}", "/name",
		"(first at 1:3)");
	ok(last->count && last->items[0].line == 2 && last->items[0].column == 2,
	   "  after a byte order mark, at 2:2");
	{
		size_t k, dupes = 0;

		parse(mem, SERVER("{\"uri\": \"" KERB "\", \"policy_id\": \"X\"}, "
				  "{\"uri\": \"https://ca2.example.com/ADPolicyProvider_CEP_Kerberos/"
				  "service.svc/CEP\", \"policy_id\": \"Y\"}"));
		for (k = 0; k < last->count; k++)
			dupes += strcmp(last->items[k].id, "duplicate-key") == 0;
		is_int(last->errors, 0, "two servers with the same keys parse");
		is_int(dupes, 0, "equal keys in different objects are not duplicates");
	}
	ok(parse(mem, "{\"name\": \"\\ud83d\\ude00\", \"\\ud83d\\ude00\": 1, "
		      "\"\xF0\x9F\x98\x80\": 2}") == NULL &&
		   last->count > 0 && strstr(last->items[0].message, "more than once"),
	   "a surrogate pair escape equals its UTF-8 spelling");
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	test_defaults(mem);
	test_inference();
	test_server_key();
	test_errors(mem);
	test_syntax(mem);
	test_to_json(mem);
	test_fill(mem);
	test_duplicate_keys(mem);
	talloc_free(mem);
	return tap_done();
}
