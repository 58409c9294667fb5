/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Policy <-> records: the editor's order, disabled forms, decoding foreign files. */
#include <gpo-cep.h>

#include "harness.h"

static struct gpo_cep_policy *parse(TALLOC_CTX *mem, const char *json)
{
	struct gpo_cep_policy *p = NULL;

	gpo_cep_policy_parse(mem, json, strlen(json), &p, gpo_diags_new(mem));
	return p;
}

static struct gpo_preg_file *encode(TALLOC_CTX *mem, const char *json)
{
	struct gpo_cep_policy *p = parse(mem, json);
	struct gpo_preg_file *f = NULL;

	if (p == NULL || gpo_cep_scope_encode(mem, p->scopes[0], &f, NULL) != 0)
		return NULL;
	return f;
}

/* "key|value" of record i, for order checks. */
static char *rec(TALLOC_CTX *mem, const struct gpo_preg_file *f, size_t i)
{
	return i < f->count ? talloc_asprintf(mem, "%s|%s", f->records[i].key, f->records[i].value)
			    : NULL;
}

#define CRYPTO "Software\\Policies\\Microsoft\\Cryptography"
#define PS CRYPTO "\\PolicyServers"
#define LDAPKEY PS "\\37c9dc30f207f27f61a2f7c3aed598a6e2920b54"

#define AE CRYPTO "\\AutoEnrollment"
#define AE_ON "{\"computer\": {\"auto_enrollment\": {}, \"certificate_stores\": false}}"

static size_t count_id(const struct gpo_diags *d, const char *id, const char *text)
{
	size_t i, n = 0;

	for (i = 0; i < d->count; i++)
		n += strcmp(d->items[i].id, id) == 0 &&
		     (text == NULL || strstr(d->items[i].message, text) != NULL);
	return n;
}

/* What clients end up with, applying the records in order: never an invented setting. */
static void applied_in_order(TALLOC_CTX *mem)
{
	struct gpo_cep_scope *scope = NULL;
	struct gpo_diags *notes;
	struct gpo_preg_file *f;
	bool *used = NULL;

	f = encode(mem, AE_ON);
	gpo_preg_add_sz(f, CRYPTO, "**DeleteKeys", GPO_REG_SZ, AE, NULL);
	notes = gpo_diags_new(mem);
	ok(f && gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, notes) == 0 && scope == NULL,
	   "a later **DeleteKeys of AutoEnrollment: no auto-enrollment shown");
	is_int(count_id(notes, "deleted-later", "**DeleteKeys"), 3,
	       "each deleted value named with the record that deletes it");

	f = encode(mem, AE_ON);
	gpo_preg_add_sz(f, AE, "**Del.AEPolicy", GPO_REG_SZ, " ", NULL);
	notes = gpo_diags_new(mem);
	ok(f && gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, notes) == 0 && scope == NULL,
	   "a later **Del.AEPolicy: no auto-enrollment (the other values need it)");
	is_int(count_id(notes, "decode", "without an AEPolicy"), 2, "the orphaned values are named");

	f = encode(mem, AE_ON);
	gpo_preg_add_sz(f, "Software\\Policies\\Microsoft", "**DeleteKeys", GPO_REG_SZ,
			"Cryptography\\AutoEnrollment", NULL);
	ok(f && gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, gpo_diags_new(mem)) == 0 &&
	   scope == NULL, "a key named relative to the delete record's key is deleted too");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, CRYPTO, "**DeleteKeys", GPO_REG_SZ, AE, NULL);
	gpo_preg_add_dword(f, AE, "AEPolicy", 7, NULL);
	ok(gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, gpo_diags_new(mem)) == 0 &&
	   scope && scope->auto_enrollment && scope->auto_enrollment->enabled,
	   "a delete before the value: the value stands");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, AE, "AEPolicy", GPO_REG_SZ, "7", NULL);
	gpo_preg_add_dword(f, AE, "OfflineExpirationPercent", 10, NULL);
	notes = gpo_diags_new(mem);
	ok(gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, notes) == 0 && scope == NULL &&
	   !used[0] && !used[1], "AEPolicy as REG_SZ: no auto-enrollment invented, both listed apart");
	is_int(count_id(notes, "decode", "is REG_SZ, not REG_DWORD"), 1, "the wrong type is a finding");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, PS "\\abc", "URL", GPO_REG_SZ, "https://one.example/x", NULL);
	gpo_preg_add_sz(f, PS "\\abc", "URL", GPO_REG_SZ, "https://two.example/x", NULL);
	notes = gpo_diags_new(mem);
	ok(gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, notes) == 0 && scope &&
	   scope->enrollment->n_servers == 1 &&
	   strcmp(scope->enrollment->servers[0].uri, "https://two.example/x") == 0 && !used[0] &&
	   used[1], "two URL values in one key: the later one, as clients apply them");
	is_int(count_id(notes, "duplicate-value", "records 1 and 2"), 1, "the duplicate is a finding");

	f = encode(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\", "
			"\"policy_id\": \"{09526129-0000-0000-0000-000000000000}\"}]}, "
			"\"certificate_stores\": false}}");
	gpo_preg_add_sz(f, LDAPKEY, "**DeleteValues", GPO_REG_SZ, "Cost;Flags", NULL);
	notes = gpo_diags_new(mem);
	ok(f && gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, notes) == 0 && scope,
	   "a later **DeleteValues in a server key");
	is_int(count_id(notes, "deleted-later", NULL), 2, "Cost and Flags deleted, each named");
	is_int(count_id(notes, "decode", "no Cost value"), 1, "and the server then has no Cost");
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_preg_file *f;
	struct gpo_cep_scope *scope = NULL;
	bool *used = NULL;
	uint32_t v = 0;
	size_t i;

	f = encode(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": ["
			"{\"uri\": \"https://b.example/ADPolicyProvider_CEP_Kerberos/service.svc/CEP\","
			" \"policy_id\": \"P\", \"cost\": 1},"
			"{\"uri\": \"LDAP:\", \"policy_id\": \"{G}\", \"default\": true}]},"
			"\"auto_enrollment\": {}, \"certificate_stores\": true}}");
	ok(f != NULL, "encode two servers, auto-enrollment and the stores");
	if (f == NULL)
		return tap_done();
	is_int(f->count, 1 + 3 + 2 + 12 + 30, "48 records");
	is_str(rec(mem, f, 0), CRYPTO "|**DeleteKeys", "**DeleteKeys first");
	is_str(rec(mem, f, 1), CRYPTO "\\AutoEnrollment|AEPolicy",
	       "AutoEnrollment between **DeleteKeys and PolicyServers");
	is_str(rec(mem, f, 2), CRYPTO "\\AutoEnrollment|OfflineExpirationPercent", "then percent");
	is_str(rec(mem, f, 3), CRYPTO "\\AutoEnrollment|OfflineExpirationStoreNames",
	       "then store names (REG_SZ)");
	is_int(f->records[3].type, GPO_REG_SZ, "OfflineExpirationStoreNames is REG_SZ");
	ok(gpo_preg_get_dword(&f->records[1], &v) == 0 && v == 7, "AEPolicy 7");
	is_str(rec(mem, f, 4), PS "|", "PolicyServers default value");
	is_str(rec(mem, f, 5), PS "|Flags", "then root Flags");
	is_str(rec(mem, f, 6), LDAPKEY "|URL", "servers sorted by key: LDAP: (37c9...) first");
	{
		static const char *order[] = { "URL", "PolicyID", "FriendlyName", "Flags",
					       "AuthFlags", "Cost" };
		for (i = 0; i < 6; i++)
			is_str(f->records[6 + i].value, order[i], "server value %zu is %s", i, order[i]);
	}
	{
		char *def = NULL;

		ok(gpo_preg_get_sz(mem, &f->records[4], &def, NULL) == 0 && strcmp(def, "{G}") == 0,
		   "default value is the default server's policy ID");
	}
	is_str(rec(mem, f, 18), "Software\\Policies\\Microsoft\\SystemCertificates\\ACRS\\Certificates|",
	       "stubs after Cryptography, ACRS first");
	is_str(rec(mem, f, 18 + 3 * 2 + 1),
	       "Software\\Policies\\Microsoft\\SystemCertificates\\Disallowed\\CRLs|",
	       "Disallowed before DPNGRA, Certificates < CRLs < CTLs");
	is_str(rec(mem, f, 18 + 3 * 5), "Software\\Policies\\Microsoft\\SystemCertificates\\FVE_NKP\\Certificates|",
	       "FVE before FVE_NKP");
	is_int(f->records[47].type, GPO_REG_NONE, "stubs are REG_NONE");

	ok(gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, gpo_diags_new(mem)) == 0 &&
		   scope != NULL, "decode what we encoded");
	for (i = 0; i < f->count && used[i]; i++)
		;
	is_int(i, f->count, "every record is accounted for");
	ok(scope && scope->certificate_stores && scope->auto_enrollment &&
		   scope->enrollment->n_servers == 2, "scope comes back whole");
	ok(scope && scope->enrollment->servers[0].is_default &&
		   strcmp(scope->enrollment->servers[0].uri, "LDAP:") == 0,
	   "the default is the server whose ID is the default value");

	f = encode(mem, "{\"computer\": {\"enrollment_policy\": {\"enabled\": false, "
			"\"disable_user_servers\": true}, \"auto_enrollment\": {\"enabled\": false},"
			" \"certificate_stores\": false}}");
	ok(f != NULL && f->count == 3, "disabled: three records");
	if (f != NULL && f->count == 3) {
		is_str(rec(mem, f, 0), CRYPTO "|**DeleteKeys", "disabled: **DeleteKeys");
		is_str(rec(mem, f, 1), CRYPTO "\\AutoEnrollment|AEPolicy", "disabled: AEPolicy only");
		ok(gpo_preg_get_dword(&f->records[1], &v) == 0 && v == 0x8000, "AEPolicy 0x8000");
		is_str(rec(mem, f, 2), PS "|Flags", "disabled: PolicyServers Flags");
		ok(gpo_preg_get_dword(&f->records[2], &v) == 0 && v == 0x6, "Flags 0x2 | 0x4");
		ok(gpo_cep_scope_decode(mem, f, "/computer", &scope, &used, gpo_diags_new(mem)) == 0 &&
			   scope && !scope->enrollment->enabled &&
			   scope->enrollment->disable_user_servers && !scope->auto_enrollment->enabled,
		   "disabled forms decode back");
	}

	/* a foreign file: unrelated records stay unused, odd shapes become notes */
	{
		struct gpo_preg_file *g = talloc_zero(mem, struct gpo_preg_file);
		struct gpo_diags *notes = gpo_diags_new(mem);

		gpo_preg_add_sz(g, "Software\\Policies\\Other", "X", GPO_REG_SZ, "y", NULL);
		gpo_preg_add_sz(g, PS "\\abc", "URL", GPO_REG_SZ, "LDAP:", NULL);
		gpo_preg_add_dword(g, PS "\\abc", "Flags", 0x11, NULL);
		gpo_preg_add_dword(g, PS "\\abc", "AuthFlags", 2, NULL);
		gpo_preg_add_sz(g, PS "\\abc", "Extra", GPO_REG_SZ, "?", NULL);
		gpo_preg_add_sz(g, PS "\\def", "PolicyID", GPO_REG_SZ, "lonely", NULL);
		ok(gpo_cep_scope_decode(mem, g, "/computer", &scope, &used, notes) == 0 && scope,
		   "decode a file another tool wrote");
		ok(!used[0] && used[1] && used[2] && used[3] && !used[4] && used[5],
		   "unrelated records are reported unused");
		is_int(scope ? scope->enrollment->n_servers : 0, 1, "a key without URL is left out");
		ok(notes->warnings >= 4, "notes: hash, flags bit 0x1, no Cost, no PolicyID, no URL (%zu)",
		   notes->warnings);
	}
	applied_in_order(mem);
	talloc_free(mem);
	return tap_done();
}
