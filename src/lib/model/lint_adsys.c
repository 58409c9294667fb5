/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What Ubuntu adsys makes of the Registry.pol a scope renders to: the
 * bytes are encoded as render writes them and read with the model of
 * adsys's reader (adsys.c); every record it would not read as written is
 * a finding at the policy field that made it.  A server without a policy
 * ID is checked with a placeholder of the same length (a braced GUID: its
 * characters never form the bytes adsys ends records at).
 */
#include <stdio.h>
#include <string.h>

#include <gpo-cep/adsys.h>
#include <gpo-cep/cep.h>

#include "internal.h"
#include "policy_internal.h"

#define PLACEHOLDER_ID "{00000000-0000-0000-0000-000000000000}"

/* The scope with a placeholder for every missing policy ID; NULL: out of memory. */
static struct gpo_cep_scope *with_placeholders(TALLOC_CTX *mem_ctx, const struct gpo_cep_scope *s)
{
	struct gpo_cep_scope *c = talloc_memdup(mem_ctx, s, sizeof(*s));
	struct gpo_cep_enrollment *e;
	size_t i;

	if (c == NULL || s->enrollment == NULL || s->enrollment->n_servers == 0)
		return c;
	e = talloc_memdup(c, s->enrollment, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->servers = talloc_memdup(e, s->enrollment->servers, e->n_servers * sizeof(*e->servers));
	if (e->servers == NULL)
		return NULL;
	for (i = 0; i < e->n_servers; i++)
		if (e->servers[i].policy_id == NULL)
			e->servers[i].policy_id = PLACEHOLDER_ID;
	c->enrollment = e;
	return c;
}

/* UTF-16 code units of a UTF-8 string. */
static size_t utf16_units(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n += ((unsigned char)*s >= 0xF0) ? 2 : 1;
	return n;
}

/* Where record i of f starts in its encoding: '[' key ';' value ';' type ';' size ';' data ']'. */
static size_t *record_starts(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *f)
{
	size_t *at = talloc_array(mem_ctx, size_t, f->count + 1), pos = 8, i;

	for (i = 0; at != NULL && i < f->count; i++) {
		at[i] = pos;
		pos += 2 + 2 * (utf16_units(f->records[i].key) + 1) + 2 +
		       2 * (utf16_units(f->records[i].value) + 1) + 2 + 4 + 2 + 4 + 2 +
		       f->records[i].size + 2;
	}
	if (at != NULL)
		at[f->count] = pos;
	return at;
}

/* The JSON pointer of the policy field a record comes from. */
static char *field_of(TALLOC_CTX *mem_ctx, const struct gpo_cep_scope *s, const char *scope,
		      const struct gpo_preg_record *r)
{
	static const char *const server_fields[][2] = {
		{ "URL", "uri" }, { "PolicyID", "policy_id" }, { "FriendlyName", "friendly_name" },
		{ "Flags", "autoenroll" }, { "AuthFlags", "auth" }, { "Cost", "cost" },
	};
	static const char *const ae_fields[][2] = {
		{ "AEPolicy", "enabled" }, { "OfflineExpirationPercent", "expiry_notice_percent" },
		{ "OfflineExpirationStoreNames", "expiry_notice_stores" },
	};
	size_t prefix = strlen(GPO_CEP_KEY_POLICY_SERVERS), i, j;
	char key[41];

	if (strncmp(r->key, GPO_CEP_KEY_POLICY_SERVERS "\\", prefix + 1) == 0 && s->enrollment) {
		for (i = 0; i < s->enrollment->n_servers; i++) {
			if (gpo_cep_server_key(s->enrollment->servers[i].uri, key) != 0 ||
			    strcmp(key, r->key + prefix + 1) != 0)
				continue;
			for (j = 0; j < ARRAY_SIZE(server_fields); j++)
				if (strcmp(r->value, server_fields[j][0]) == 0)
					return talloc_asprintf(mem_ctx, "/%s/enrollment_policy/"
							       "servers/%zu/%s", scope, i,
							       server_fields[j][1]);
			return talloc_asprintf(mem_ctx, "/%s/enrollment_policy/servers/%zu", scope, i);
		}
	}
	if (strcmp(r->key, GPO_CEP_KEY_POLICY_SERVERS) == 0)
		return talloc_asprintf(mem_ctx, "/%s/enrollment_policy", scope);
	if (strcmp(r->key, GPO_CEP_KEY_AUTOENROLLMENT) == 0) {
		for (j = 0; j < ARRAY_SIZE(ae_fields); j++)
			if (strcmp(r->value, ae_fields[j][0]) == 0)
				return talloc_asprintf(mem_ctx, "/%s/auto_enrollment/%s", scope,
						       ae_fields[j][1]);
		return talloc_asprintf(mem_ctx, "/%s/auto_enrollment", scope);
	}
	return talloc_asprintf(mem_ctx, "/%s", scope);
}

/* The URI of the server a record belongs to, for messages; NULL: none. */
static const char *server_of(const struct gpo_cep_scope *s, const struct gpo_preg_record *r)
{
	size_t prefix = strlen(GPO_CEP_KEY_POLICY_SERVERS), i;
	char key[41];

	if (strncmp(r->key, GPO_CEP_KEY_POLICY_SERVERS "\\", prefix + 1) != 0 || !s->enrollment)
		return NULL;
	for (i = 0; i < s->enrollment->n_servers; i++)
		if (gpo_cep_server_key(s->enrollment->servers[i].uri, key) == 0 &&
		    strcmp(key, r->key + prefix + 1) == 0)
			return s->enrollment->servers[i].uri;
	return NULL;
}

/* The record's value as adsys would print it (a DWORD in decimal); NULL for other types. */
static char *written_text(TALLOC_CTX *mem_ctx, const struct gpo_preg_record *r)
{
	uint32_t v;
	char *s = NULL;

	if (r->type == GPO_REG_DWORD && gpo_preg_get_dword(r, &v) == 0)
		return talloc_asprintf(mem_ctx, "%lu", (unsigned long)v);
	if (r->type == GPO_REG_SZ && gpo_preg_get_sz(mem_ctx, r, &s, NULL) == 0)
		return s;
	return NULL;
}

/* The index of the record of f that holds byte `at`, or f->count. */
static size_t record_at(const size_t *starts, size_t n, size_t at)
{
	size_t i = 0;

	while (i < n && at >= starts[i + 1])
		i++;
	return i;
}

static const char *const hint =
	"a value below 65536 other than 93 and 23808, or from 0x3B0000 to 0x3BFFFF, reads whole";

/* Each record adsys does not read as written: missing, or read with other data. */
static int compare(struct gpo_diags *d, enum gpo_diag_level level, TALLOC_CTX *tmp,
		   const struct gpo_cep_scope *s, const char *scope, const struct gpo_preg_file *f,
		   const size_t *starts, const struct gpo_adsys_read *r)
{
	size_t i, j = 0;
	int rc = 0;

	for (i = 0; rc == 0 && i < f->count; i++) {
		const struct gpo_preg_record *rec = &f->records[i];
		char *want = written_text(tmp, rec);

		if (rec->value[0] == '\0' || strncmp(rec->value, "**", 2) == 0 || want == NULL)
			continue; /* key stubs and control records: adsys applies none of them */
		while (j < r->n_entries && r->entries[j].start < starts[i])
			j++;
		if (j == r->n_entries || r->entries[j].start != starts[i]) {
			/* the finding is about the record that ran on: that is what to change */
			const struct gpo_adsys_entry *e = j > 0 ? &r->entries[j - 1] : NULL;
			size_t cause = e ? record_at(starts, f->count, e->start) : i;

			rc = gpo_diags_add(d, level, "adsys-misread",
					   field_of(tmp, s, scope, &f->records[cause < f->count ? cause : i]),
					   "Ubuntu adsys reads '%s' = %s on into the next record, which "
					   "it then does not see ('%s' = '%s' under %s): the value's bytes "
					   "do not end where adsys ends records; %s",
					   e ? e->value : "?", e && e->text ? e->text : "?", rec->value,
					   want, field_of(tmp, s, scope, rec), hint);
		} else if (r->entries[j].text != NULL && strcmp(r->entries[j].text, want) != 0) {
			rc = gpo_diags_add(d, level, "adsys-misread",
					   field_of(tmp, s, scope, rec),
					   "Ubuntu adsys reads '%s' as '%s', not '%s': the value holds "
					   "bytes (';]' or a leading ']') at which adsys ends a record",
					   rec->value, r->entries[j].text, want);
		}
	}
	return rc;
}

int lint_adsys_scope(struct gpo_diags *d, const struct gpo_cep_scope *scope,
		     enum gpo_cep_scope_kind kind, enum gpo_diag_level level)
{
	const char *name = gpo_cep_scope_name(kind);
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_cep_scope *s = tmp ? with_placeholders(tmp, scope) : NULL;
	struct gpo_preg_file *f = NULL;
	struct gpo_adsys_read *r = NULL;
	struct gpo_error *err = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0, *starts;
	int rc;

	if (s == NULL) {
		talloc_free(tmp);
		return GPO_ENOMEM;
	}
	if (gpo_cep_scope_encode(tmp, s, &f, &err) != 0 || gpo_preg_encode(tmp, f, &bytes, &len, &err) != 0) {
		rc = gpo_diags_add(d, GPO_DIAG_NOTE, "adsys-not-checked", talloc_asprintf(tmp, "/%s", name),
				   "what Ubuntu adsys reads was not checked: %s",
				   err ? err->message : "the scope cannot be encoded");
		talloc_free(tmp);
		return rc;
	}
	starts = record_starts(tmp, f);
	rc = starts ? gpo_adsys_read(tmp, bytes, len, &r, NULL) : GPO_ENOMEM;
	if (rc == 0 && r->rejected) {
		size_t i = record_at(starts, f->count, r->reason_at);
		const char *uri = i < f->count ? server_of(s, &f->records[i]) : NULL;

		rc = gpo_diags_add(d, level, "adsys-file-rejected",
				   i < f->count ? field_of(tmp, s, name, &f->records[i]) : "",
				   "Ubuntu adsys rejects the whole %s Registry.pol (%s)%s%s%s, which "
				   "fails its policy refresh for every GPO of the %s; %s",
				   kind == GPO_CEP_COMPUTER ? "Machine" : "User", r->reason,
				   uri ? " at the '" : "", uri ? f->records[i].value : "",
				   uri ? talloc_asprintf(tmp, "' value of %s", uri) : "",
				   kind == GPO_CEP_COMPUTER ? "computer" : "user", hint);
	} else if (rc == 0) {
		rc = compare(d, level, tmp, s, name, f, starts, r);
	}
	talloc_free(tmp);
	return rc;
}
