/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client behaviour warnings: each fires on its case and not on a clean policy. */
#include <gpo-cep.h>

#include "harness.h"

static int has(TALLOC_CTX *mem, const char *json, const char *id)
{
	struct gpo_cep_policy *p = NULL;
	struct gpo_diags *d = gpo_diags_new(mem);
	size_t i;
	int n = 0;

	if (gpo_cep_policy_parse(mem, json, strlen(json), &p, d) != 0)
		return -1;
	gpo_cep_lint(p, d);
	for (i = 0; i < d->count; i++)
		n += strcmp(d->items[i].id, id) == 0;
	return n;
}

/* The pointer of the first finding `id`, or NULL. */
static const char *pointer_of(TALLOC_CTX *mem, const char *json, const char *id)
{
	struct gpo_cep_policy *p = NULL;
	struct gpo_diags *d = gpo_diags_new(mem);
	size_t i;

	if (gpo_cep_policy_parse(mem, json, strlen(json), &p, d) != 0)
		return NULL;
	gpo_cep_lint(p, d);
	for (i = 0; i < d->count; i++)
		if (strcmp(d->items[i].id, id) == 0)
			return d->items[i].pointer;
	return NULL;
}

#define K "https://ca.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"
#define C "https://ca.example.com/ADPolicyProvider_CEP_Certificate/service.svc/CEP"
#define CLEAN "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", " \
	      "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\", \"cost\": 100}, {\"uri\": \"" K "\", " \
	      "\"policy_id\": \"P\", \"cost\": 10}]}, \"auto_enrollment\": {}}}"

int main(void)
{
	static const char *ids[] = { "no-ldap-row", "samba-uri", "user-scope", "no-auto-enrollment",
				     "certificate-auth", "group-autoenroll-off", "adsys-file-rejected",
				     "adsys-misread", "adsys-not-checked", "ldap-autoenroll-off", "ldap-policy-id",
				     "empty-scope", "empty-policy" };
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		is_int(has(mem, CLEAN, ids[i]), 0, "clean policy: no %s", ids[i]);
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"" K
		   "\", \"policy_id\": \"P\"}]}, \"auto_enrollment\": {}}}", "no-ldap-row"), 1,
	       "https without LDAP:");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
		   "{\"uri\": \"https://ca.example.com:8443/ADPolicyProvider_CEP_Kerberos/service.svc/CEP\","
		   " \"policy_id\": \"P\"}]}, \"auto_enrollment\": {}}}", "samba-uri"), 1,
	       "a port breaks Samba's pattern");
	is_int(has(mem, "{\"user\": {\"auto_enrollment\": {}}}", "user-scope"), 1, "user scope");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}]}}}",
		   "no-auto-enrollment"), 1, "computer without auto-enrollment");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}]},"
		   " \"auto_enrollment\": {\"update_templates\": false}}}", "no-auto-enrollment"), 1,
	       "auto-enrollment without update_templates");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
		   "{\"uri\": \"" C "\", \"policy_id\": \"P\"}]}, \"auto_enrollment\": {}}}",
		   "certificate-auth"), 1, "certificate authentication");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
		   "{\"uri\": \"" K "\", \"policy_id\": \"P\", \"cost\": 5}, {\"uri\": \"" C
		   "\", \"policy_id\": \"P\", \"cost\": 1, \"autoenroll\": false}]},"
		   " \"auto_enrollment\": {}}}", "group-autoenroll-off"), 1,
	       "cheapest endpoint of a group has autoenroll off");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
		   "{\"uri\": \"" K "\", \"policy_id\": \"P\", \"cost\": 1, \"autoenroll\": false}, "
		   "{\"uri\": \"" C "\", \"policy_id\": \"P\", \"cost\": 1}]},"
		   " \"auto_enrollment\": {}}}", "group-autoenroll-off"), 1,
	       "equal cost: Kerberos is tried first");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\", \"cost\": 2147483645}]}, "
		   "\"auto_enrollment\": {}, \"certificate_stores\": false}}", "adsys-file-rejected"), 1,
	       "file ending with Cost 0x7FFFFFFD");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\", \"cost\": 2147483645}]}, "
		   "\"auto_enrollment\": {}}}", "adsys-misread"), 0,
	       "Cost 0x7FFFFFFD followed by a stub: adsys loses only the stub");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\", \"cost\": 2147483645}, "
		   "{\"uri\": \"" K "\", \"policy_id\": \"P\"}]}, \"auto_enrollment\": {}}}",
		   "adsys-misread"), 1, "Cost 0x7FFFFFFD followed by the next server's URL");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\", \"cost\": 1}]}, "
		   "\"auto_enrollment\": {}, \"certificate_stores\": false}}", "adsys-file-rejected"), 0,
	       "a small cost is safe");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"autoenroll\": false}]}, \"auto_enrollment\": {}}}", "ldap-autoenroll-off"), 1,
	       "LDAP: row without autoenroll");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-aaaa-0000-0000-000000000000}\"}]}, \"auto_enrollment\": {}}}",
		   "ldap-policy-id"), 1, "lower-case LDAP: policy ID");
	is_str(pointer_of(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
			  "\"cost\": 2147483645}, {\"uri\": \"" K "\", \"policy_id\": \"P\"}]}, "
			  "\"auto_enrollment\": {}}}", "adsys-misread"),
	       "/computer/enrollment_policy/servers/0/cost",
	       "a swallowed record: the finding points at the cost that runs on, not at the URL");
	/* what adsys reads, checked on the encoded bytes of both scopes */
	is_str(pointer_of(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": "
			  "\"LDAP:\", \"cost\": 2147483645}]}, \"auto_enrollment\": {}, "
			  "\"certificate_stores\": false}}",
			  "adsys-file-rejected"), "/computer/enrollment_policy/servers/0/cost",
	       "no policy_id: checked all the same (a placeholder), pointing at the cost");
	is_int(has(mem, "{\"computer\": {\"auto_enrollment\": {\"expiry_notice_percent\": 93}, "
		   "\"certificate_stores\": false}}", "adsys-file-rejected"), 1,
	       "expiry_notice_percent 93: a REG_DWORD cut to nothing rejects the file");
	is_int(has(mem, "{\"computer\": {\"auto_enrollment\": {\"expiry_notice_percent\": 10}}}",
		   "adsys-file-rejected") + has(mem, "{\"computer\": {\"auto_enrollment\": "
		   "{\"expiry_notice_percent\": 10}}}", "adsys-misread"), 0,
	       "expiry_notice_percent 10: read whole");
	is_str(pointer_of(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": "
			  "\"LDAP:\", \"friendly_name\": \"a;]b\"}]}, \"auto_enrollment\": {}}}",
			  "adsys-misread"), "/computer/enrollment_policy/servers/0/friendly_name",
	       "friendly name 'a;]b': read cut short");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": "
		   "\"LDAP:\", \"friendly_name\": \"x;y\", \"cost\": 1}]}, \"auto_enrollment\": {}}}",
		   "adsys-misread"), 0, "a ';' alone is no false alarm");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": "
		   "\"LDAP:\", \"friendly_name\": \"]x[y\", \"cost\": 1}]}, \"auto_enrollment\": {}}}",
		   "adsys-file-rejected"), 1, "friendly name ']x[y': the '[' rejects the file");
	is_int(has(mem, "{\"user\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"cost\": 2147483645}]}, \"certificate_stores\": false}}", "adsys-file-rejected"), 1,
	       "User/Registry.pol is checked too");
	/* the defaults every client reads whole */
	{
		const char *tpl = "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
				  "{\"uri\": \"" K "\"}, {\"uri\": \"" C "\"}]}, "
				  "\"auto_enrollment\": {}, \"certificate_stores\": false}, "
				  "\"user\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}]}, "
				  "\"certificate_stores\": false}}";

		is_int(has(mem, tpl, "adsys-file-rejected") + has(mem, tpl, "adsys-misread"), 0,
		       "default costs, LDAP: last in both files: adsys reads everything");
	}
	/* adsys (cepces mode) enrolls from the first qualifying group only */
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
		   "{\"uri\": \"" K "\", \"policy_id\": \"{00000000-0000-0000-0000-00000000000A}\"}]}, "
		   "\"auto_enrollment\": {}}}", "adsys-first-group"), 1,
	       "two groups that enroll: adsys uses the first only");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
		   "{\"uri\": \"" K "\", \"policy_id\": \"{00000000-0000-0000-0000-00000000000A}\", "
		   "\"autoenroll\": false}]}, \"auto_enrollment\": {}}}", "adsys-first-group"), 0,
	       "a group whose first server does not enroll does not count");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\"}, {\"uri\": \"" K "\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\"}]}, \"auto_enrollment\": {}}}",
		   "adsys-first-group"), 0, "one group: no finding");
	/* the clients the GPO is for decide the level */
	{
		const char *js = "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": "
				 "\"LDAP:\", \"cost\": 2147483645}, {\"uri\": \"https://ca.example."
				 "com:8443/ADPolicyProvider_CEP_Kerberos/service.svc/CEP\"}]}, "
				 "\"auto_enrollment\": {}, \"certificate_stores\": false}}";
		struct gpo_cep_policy *p = NULL;
		struct gpo_diags *d;
		unsigned c = 0;
		size_t j;
		int want[3][2] = { { GPO_CEP_CLIENTS_ALL, GPO_DIAG_ERROR },
				   { GPO_CEP_CLIENT_WINDOWS | GPO_CEP_CLIENT_SAMBA, GPO_DIAG_NOTE },
				   { GPO_CEP_CLIENT_ADSYS, GPO_DIAG_ERROR } };
		int k;

		for (k = 0; k < 3; k++) {
			int level = -1, uri_level = -1;

			d = gpo_diags_new(mem);
			if (gpo_cep_policy_parse(mem, js, strlen(js), &p, d) == 0)
				gpo_cep_lint_for(p, (unsigned)want[k][0], d);
			for (j = 0; j < d->count; j++) {
				if (strcmp(d->items[j].id, "adsys-misread") == 0)
					level = d->items[j].level;
				if (strcmp(d->items[j].id, "samba-uri") == 0)
					uri_level = d->items[j].level;
			}
			is_int(level, want[k][1], "clients 0x%x: adsys-misread at level %d", want[k][0],
			       want[k][1]);
			is_int(uri_level, want[k][0] & GPO_CEP_CLIENT_SAMBA ? GPO_DIAG_WARNING
									   : GPO_DIAG_NOTE,
			       "clients 0x%x: samba-uri a warning only when Samba is named", want[k][0]);
		}
		ok(gpo_cep_clients_parse(mem, "windows,adsys", &c, NULL) == 0 &&
		   c == (GPO_CEP_CLIENT_WINDOWS | GPO_CEP_CLIENT_ADSYS), "clients parse");
		ok(gpo_cep_clients_parse(mem, "all", &c, NULL) == 0 && c == GPO_CEP_CLIENTS_ALL,
		   "all clients");
		ok(gpo_cep_clients_parse(mem, "windows,", &c, NULL) == GPO_EINVAL &&
		   gpo_cep_clients_parse(mem, "", &c, NULL) == GPO_EINVAL &&
		   gpo_cep_clients_parse(mem, "Windows", &c, NULL) == GPO_EINVAL,
		   "an empty or unknown client name is refused");
	}
	is_int(has(mem, "{\"user\": {}}", "empty-scope"), 1, "empty user scope");
	is_int(has(mem, "{}", "empty-policy"), 1, "empty policy");

	ok(gpo_cep_samba_accepts_uri(K), "Samba accepts the AD CS form");
	ok(gpo_cep_samba_accepts_uri("HTTPS://h/ADPolicyProvider_CEP_X/serviceXsvc/CEP/more"),
	   "re.match: prefix match, '.' is any character");
	ok(!gpo_cep_samba_accepts_uri("Https://h/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"),
	   "mixed-case scheme refused");
	ok(!gpo_cep_samba_accepts_uri("https://h_1/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"),
	   "underscore in host refused");
	ok(!gpo_cep_samba_accepts_uri(
		   "https://h/KeyBasedRenewal_ADPolicyProvider_CEP_Certificate/service.svc/CEP"),
	   "key-based renewal refused");
	talloc_free(mem);
	return tap_done();
}
