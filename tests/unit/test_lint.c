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

#define K "https://ca.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"
#define C "https://ca.example.com/ADPolicyProvider_CEP_Certificate/service.svc/CEP"
#define CLEAN "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", " \
	      "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\", \"cost\": 100}, {\"uri\": \"" K "\", " \
	      "\"policy_id\": \"P\", \"cost\": 10}]}, \"auto_enrollment\": {}}}"

int main(void)
{
	static const char *ids[] = { "no-ldap-row", "samba-uri", "user-scope", "no-auto-enrollment",
				     "certificate-auth", "group-autoenroll-off", "adsys-last-record",
				     "adsys-merged-record", "ldap-autoenroll-off", "ldap-policy-id",
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
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\"}]}, "
		   "\"auto_enrollment\": {}, \"certificate_stores\": false}}", "adsys-last-record"), 1,
	       "file ending with Cost 0x7FFFFFFD");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\"}]}, "
		   "\"auto_enrollment\": {}}}", "adsys-merged-record"), 0,
	       "Cost 0x7FFFFFFD followed by a stub: adsys loses only the stub");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\"}, "
		   "{\"uri\": \"" K "\", \"policy_id\": \"P\"}]}, \"auto_enrollment\": {}}}",
		   "adsys-merged-record"), 1, "Cost 0x7FFFFFFD followed by the next server's URL");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\", \"cost\": 1}]}, "
		   "\"auto_enrollment\": {}, \"certificate_stores\": false}}", "adsys-last-record"), 0,
	       "a small cost is safe");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"autoenroll\": false}]}, \"auto_enrollment\": {}}}", "ldap-autoenroll-off"), 1,
	       "LDAP: row without autoenroll");
	is_int(has(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
		   "\"policy_id\": \"{09526129-aaaa-0000-0000-000000000000}\"}]}, \"auto_enrollment\": {}}}",
		   "ldap-policy-id"), 1, "lower-case LDAP: policy ID");
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
