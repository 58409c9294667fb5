/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lossless merge: unrelated records untouched, idempotent, editor's order. */
#include <gpo-cep.h>

#include "harness.h"

static struct gpo_cep_scope *scope_of(TALLOC_CTX *mem, const char *json)
{
	struct gpo_cep_policy *p = NULL;

	if (gpo_cep_policy_parse(mem, json, strlen(json), &p, gpo_diags_new(mem)) != 0)
		return NULL;
	gpo_cep_policy_fill_ldap_id(p, "09526129-1F43-4F3B-8A4C-1B3C5D7E9F01", NULL);
	return p->scopes[GPO_CEP_COMPUTER];
}

static bool is_cep(const struct gpo_preg_record *r)
{
	return strncmp(r->key, "Software\\Policies\\Microsoft\\Cryptography",
		       strlen("Software\\Policies\\Microsoft\\Cryptography")) == 0;
}

/* A file of `n` unrelated records of every type and special name, around CEP records. */
static struct gpo_preg_file *foreign(TALLOC_CTX *mem, int n)
{
	struct gpo_preg_file *f = talloc_zero(mem, struct gpo_preg_file);
	static const uint8_t bin[] = { 1, 2, 3 }, qw[8] = { 1 }, multi[] = { 'a', 0, 0, 0, 0, 0 };
	char key[128];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Software\\Policies\\%s\\K%03d", i % 2 ? "Vendor" : "Microsoft\\Alpha", i);
		switch (i % 9) {
		case 0: gpo_preg_add_sz(f, key, "S", GPO_REG_SZ, "text", NULL); break;
		case 1: gpo_preg_add_dword(f, key, "D", (uint32_t)i * 65599u, NULL); break;
		case 2: gpo_preg_add_raw(f, key, "B", GPO_REG_BINARY, bin, 3, NULL); break;
		case 3: gpo_preg_add_raw(f, key, "Q", GPO_REG_QWORD, qw, 8, NULL); break;
		case 4: gpo_preg_add_raw(f, key, "M", GPO_REG_MULTI_SZ, multi, sizeof(multi), NULL); break;
		case 5: gpo_preg_add_sz(f, key, "**DeleteValues", GPO_REG_SZ, "a;b", NULL); break;
		case 6: gpo_preg_add_sz(f, key, "**del.X", GPO_REG_SZ, " ", NULL); break;
		case 7: gpo_preg_add_raw(f, key, "", GPO_REG_NONE, NULL, 0, NULL); break;
		default: gpo_preg_add_raw(f, key, "U", 0x4242, bin, 3, NULL); break;
		}
	}
	/* a stale enrollment list with a server that must go away */
	gpo_preg_add_sz(f, "Software\\Policies\\Microsoft\\Cryptography", "**DeleteKeys", GPO_REG_SZ,
			"Software\\Policies\\Microsoft\\Cryptography\\PolicyServers", NULL);
	gpo_preg_add_sz(f, "Software\\Policies\\Microsoft\\Cryptography\\PolicyServers\\old", "URL",
			GPO_REG_SZ, "https://old.example/ADPolicyProvider_CEP_Kerberos/service.svc/CEP", NULL);
	gpo_preg_add_sz(f, "Software\\Policies\\Microsoft\\Windows\\Z", "After", GPO_REG_SZ, "z", NULL);
	return f;
}

#define LDAP_ONLY "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}]}, " \
		  "\"certificate_stores\": false}}"

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_preg_file *f = foreign(mem, 300), *m = NULL, *m2 = NULL, *g = NULL;
	struct gpo_cep_scope *s;
	uint8_t *buf = NULL, *want = NULL;
	size_t len = 0, want_len = 0, i, k;
	bool changed = false, ok_order = true;

	s = scope_of(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": \"LDAP:\"}, "
			  "{\"uri\": \"https://ca1.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP\", "
			  "\"policy_id\": \"P\"}]}, \"auto_enrollment\": {}, \"certificate_stores\": false}}");
	ok(s && gpo_merge_scope(mem, f, s, &m, &changed, NULL) == 0 && changed, "merge into a foreign file");
	k = 0;
	for (i = 0; m && i < m->count; i++) {
		if (is_cep(&m->records[i]))
			continue;
		while (k < f->count && is_cep(&f->records[k]))
			k++;
		if (k >= f->count || m->records[i].key != f->records[k].key ||
		    m->records[i].data != f->records[k].data || m->records[i].size != f->records[k].size ||
		    strcmp(m->records[i].value, f->records[k].value) != 0)
			ok_order = false;
		k++;
	}
	while (k < f->count && is_cep(&f->records[k]))
		k++;
	ok(ok_order && k == f->count, "all 301 unrelated records kept, same bytes, same order");
	for (i = 0; m && i < m->count; i++)
		if (strstr(m->records[i].key, "\\old") != NULL)
			break;
	ok(m && i == m->count, "the stale server is gone");
	for (i = 0; m && i < m->count && !is_cep(&m->records[i]); i++)
		;
	is_str(m && i < m->count ? m->records[i].value : NULL, "**DeleteKeys",
	       "the new block starts where the old one was, with **DeleteKeys");
	is_str(m && i + 1 < m->count ? m->records[i + 1].value : NULL, "AEPolicy",
	       "then the auto-enrollment values");
	is_str(m ? m->records[m->count - 1].key : NULL, "Software\\Policies\\Microsoft\\Windows\\Z",
	       "what came after stays after");
	ok(gpo_merge_scope(mem, m, s, &m2, &changed, NULL) == 0 && !changed,
	   "merging the same settings again changes nothing");

	/* into nothing: exactly what render writes (the spec's Windows-like file) */
	s = scope_of(mem, "{\"computer\": {\"enrollment_policy\": {\"servers\": [{\"uri\": "
			  "\"https://ca1.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP\", "
			  "\"policy_id\": \"{0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}\", "
			  "\"friendly_name\": \"Example CEP\", \"cost\": 2147483645}]}}}");
	ok(gpo_merge_scope(mem, NULL, s, &m, &changed, NULL) == 0 && changed, "merge into no file");
	ok(gpo_preg_encode(mem, m, &buf, &len, NULL) == 0 &&
		   gpo_read_file(mem, "tests/golden/spec-windowslike/Machine/Registry.pol", 1 << 20,
				 &want, &want_len, NULL) == 0, "encode it");
	is_mem(buf, len, want, want_len, "equals the spec's Windows-like file, stubs included");

	/* only auto-enrollment: the server list stays */
	s = scope_of(mem, "{\"computer\": {\"auto_enrollment\": {\"enabled\": false}, "
			  "\"certificate_stores\": false}}");
	ok(gpo_merge_scope(mem, f, s, &m, &changed, NULL) == 0, "merge auto-enrollment only");
	for (i = 0, k = 0; m && i < m->count; i++)
		k += strstr(m->records[i].key, "\\old") != NULL;
	is_int(k, 1, "the enrollment list is left alone");

	/* null removes */
	s = scope_of(mem, "{\"computer\": {\"enrollment_policy\": null, \"certificate_stores\": false}}");
	ok(gpo_merge_scope(mem, f, s, &m, &changed, NULL) == 0 && changed, "enrollment_policy null");
	for (i = 0, k = 0; m && i < m->count; i++)
		k += is_cep(&m->records[i]);
	is_int(k, 0, "every enrollment record is removed");
	is_int(m ? m->count : 0, f->count - 2, "and nothing else");

	/* a foreign file without CEP records: the block goes in key order */
	g = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(g, "Software\\Policies\\Microsoft\\Alpha", "A", GPO_REG_SZ, "a", NULL);
	gpo_preg_add_sz(g, "Software\\Policies\\Microsoft\\Windows", "W", GPO_REG_SZ, "w", NULL);
	s = scope_of(mem, LDAP_ONLY);
	ok(gpo_merge_scope(mem, g, s, &m, &changed, NULL) == 0 && changed, "merge into a file without CEP");
	is_str(m ? m->records[1].value : NULL, "**DeleteKeys", "after Alpha");
	is_str(m ? m->records[m->count - 1].key : NULL, "Software\\Policies\\Microsoft\\Windows",
	       "before Windows");
	s = scope_of(mem, "{\"computer\": {\"certificate_stores\": true}}");
	ok(gpo_merge_scope(mem, m, s, &m2, &changed, NULL) == 0 && changed && m2->count == m->count + 30,
	   "certificate_stores adds the 30 stubs");
	is_str(m2 ? m2->records[m2->count - 1].key : NULL, "Software\\Policies\\Microsoft\\Windows",
	       "the stubs go in key order too");
	talloc_free(mem);
	return tap_done();
}
