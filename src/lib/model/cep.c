/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Certificate enrollment settings <-> Registry.pol records.  The records and
 * their order are the Windows editor's (doc/registry-pol.md: the hive in
 * hive.c gives the order, this file gives the content.
 */
#include <stdio.h>
#include <string.h>

#include <gpo-cep/cep.h>

#include "hive.h"
#include "internal.h"
#include "policy_internal.h"

static const char *const cert_stores[] = {
	"ACRS", "CA", "Disallowed", "DPNGRA", "FVE", "FVE_NKP",
	"Root", "Trust", "TrustedPeople", "TrustedPublisher",
};
static const char *const cert_store_parts[] = { "Certificates", "CRLs", "CTLs" };
#define N_STORE_STUBS (ARRAY_SIZE(cert_stores) * ARRAY_SIZE(cert_store_parts))

static uint32_t server_flags(const struct gpo_cep_server *s)
{
	return (s->autoenroll ? GPO_CEP_FLAG_AUTOENROLL : 0) |
	       (s->client_id ? GPO_CEP_FLAG_CLIENT_ID : 0) |
	       (s->allow_untrusted_ca ? GPO_CEP_FLAG_ALLOW_UNTRUSTED_CA : 0);
}

/* Collects hive insertions; the first failure sticks. */
struct emitter {
	struct hive *h;
	int rc;
};

static void put_sz(struct emitter *em, const char *key, const char *value, const char *s)
{
	if (em->rc == 0)
		em->rc = hive_add_sz(em->h, key, value, s);
}

static void put_dword(struct emitter *em, const char *key, const char *value, uint32_t v)
{
	if (em->rc == 0)
		em->rc = hive_add_dword(em->h, key, value, v);
}

static void encode_enrollment(struct emitter *em, const struct gpo_cep_enrollment *e)
{
	uint32_t root_flags = e->disable_user_servers ? GPO_CEP_ROOT_DISABLE_USER_SERVERS : 0;
	const struct gpo_cep_server *def = NULL;
	size_t i;

	/* the editor clears the whole list first, so removed servers go away */
	put_sz(em, GPO_CEP_KEY_CRYPTOGRAPHY, "**DeleteKeys", GPO_CEP_KEY_POLICY_SERVERS);
	if (!e->enabled) {
		put_dword(em, GPO_CEP_KEY_POLICY_SERVERS, "Flags",
			  root_flags | GPO_CEP_ROOT_DISABLE_GP_LIST);
		return;
	}
	for (i = 0; i < e->n_servers && def == NULL; i++)
		if (e->servers[i].is_default)
			def = &e->servers[i];
	if (def == NULL && e->n_servers > 0)
		def = &e->servers[0];
	if (def != NULL)
		put_sz(em, GPO_CEP_KEY_POLICY_SERVERS, "", def->policy_id);
	put_dword(em, GPO_CEP_KEY_POLICY_SERVERS, "Flags", root_flags);
	for (i = 0; i < e->n_servers && em->rc == 0; i++) {
		const struct gpo_cep_server *s = &e->servers[i];
		char name[41], key[sizeof(GPO_CEP_KEY_POLICY_SERVERS) + 42];

		em->rc = gpo_cep_server_key(s->uri, name);
		snprintf(key, sizeof(key), "%s\\%s", GPO_CEP_KEY_POLICY_SERVERS, name);
		put_sz(em, key, "URL", s->uri);
		put_sz(em, key, "PolicyID", s->policy_id);
		put_sz(em, key, "FriendlyName", s->friendly_name);
		put_dword(em, key, "Flags", server_flags(s));
		put_dword(em, key, "AuthFlags", (uint32_t)s->auth);
		put_dword(em, key, "Cost", s->cost);
	}
}

static void encode_autoenroll(struct emitter *em, const struct gpo_cep_autoenroll *a)
{
	uint32_t policy = (a->update_templates ? GPO_CEP_AE_UPDATE_TEMPLATES : 0) |
			  (a->renew_expired ? GPO_CEP_AE_RENEW_EXPIRED : 0);

	if (!a->enabled) {
		put_dword(em, GPO_CEP_KEY_AUTOENROLLMENT, "AEPolicy", GPO_CEP_AE_DISABLED);
		return;
	}
	put_dword(em, GPO_CEP_KEY_AUTOENROLLMENT, "AEPolicy", policy);
	put_dword(em, GPO_CEP_KEY_AUTOENROLLMENT, "OfflineExpirationPercent",
		  a->expiry_notice_percent);
	put_sz(em, GPO_CEP_KEY_AUTOENROLLMENT, "OfflineExpirationStoreNames",
	       a->expiry_notice_stores);
}

static const char *missing_field(const struct gpo_cep_scope *scope)
{
	size_t i;

	if (scope->enrollment == NULL || !scope->enrollment->enabled)
		return NULL;
	for (i = 0; i < scope->enrollment->n_servers; i++) {
		const struct gpo_cep_server *s = &scope->enrollment->servers[i];

		if (s->uri == NULL)
			return "uri";
		if (s->policy_id == NULL)
			return "policy_id";
		if (s->friendly_name == NULL)
			return "friendly_name";
	}
	if (scope->auto_enrollment != NULL && scope->auto_enrollment->expiry_notice_stores == NULL)
		return "expiry_notice_stores";
	return NULL;
}

int gpo_cep_scope_encode(TALLOC_CTX *mem_ctx, const struct gpo_cep_scope *scope,
			 struct gpo_preg_file **ret_file, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp;
	struct gpo_preg_file *file;
	struct emitter em = { 0 };
	const char *missing = missing_field(scope);
	size_t i, j;
	int rc;

	if (missing != NULL)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"cannot encode the policy: a value has no '%s'", missing);
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return gpo_oom(mem_ctx, reterr);
	em.h = hive_new(tmp);
	file = talloc_zero(tmp, struct gpo_preg_file);
	if (em.h == NULL || file == NULL) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	if (scope->enrollment != NULL)
		encode_enrollment(&em, scope->enrollment);
	if (scope->auto_enrollment != NULL)
		encode_autoenroll(&em, scope->auto_enrollment);
	for (i = 0; scope->certificate_stores && i < ARRAY_SIZE(cert_stores); i++) {
		for (j = 0; j < ARRAY_SIZE(cert_store_parts) && em.rc == 0; j++) {
			char key[128];

			snprintf(key, sizeof(key), "%s\\%s\\%s", GPO_CEP_KEY_SYSTEM_CERTIFICATES,
				 cert_stores[i], cert_store_parts[j]);
			em.rc = hive_touch(em.h, key);
		}
	}
	if (em.rc != 0) {
		rc = em.rc == GPO_EINVAL
			     ? gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					"cannot encode the policy: a string is not valid UTF-8")
			     : gpo_oom(mem_ctx, reterr);
		goto out;
	}
	rc = hive_emit(em.h, file);
	if (rc != 0) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	*ret_file = talloc_steal(mem_ctx, file);
out:
	talloc_free(tmp);
	return rc;
}

/* ---- decoding ------------------------------------------------------------- */

struct decoder {
	TALLOC_CTX *mem;
	const char *prefix;
	struct gpo_diags *notes;
	int rc;
};

static void note(struct decoder *dc, const char *ptr_suffix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct decoder *dc, const char *ptr_suffix, const char *fmt, ...)
{
	char *ptr = talloc_asprintf(dc->mem, "%s%s", dc->prefix, ptr_suffix);
	va_list ap;

	va_start(ap, fmt);
	if (ptr == NULL || gpo_diags_addv(dc->notes, GPO_DIAG_WARNING, "decode", ptr, fmt,
					  ap) != 0)
		dc->rc = GPO_ENOMEM;
	va_end(ap);
}

/* `key` below `parent`, one component deeper; the rest in *child. */
static bool is_child_of(const char *key, const char *parent, const char **child)
{
	size_t n = strlen(parent);

	if (ascii_strncasecmp(key, parent, n) != 0 || key[n] != '\\' || key[n + 1] == '\0')
		return false;
	*child = key + n + 1;
	return strchr(*child, '\\') == NULL;
}

/* A value of ours stored with another type: clients ignore it, and so does the policy. */
static void wrong_type(struct decoder *dc, const char *ptr, const struct gpo_preg_record *r)
{
	static const char *const dwords[] = { "Flags", "AuthFlags", "Cost", "AEPolicy",
					      "OfflineExpirationPercent" };
	static const char *const strings[] = { "URL", "PolicyID", "FriendlyName",
					       "OfflineExpirationStoreNames" };
	const char *want = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dwords); i++)
		if (strcmp(r->value, dwords[i]) == 0)
			want = "REG_DWORD";
	for (i = 0; i < ARRAY_SIZE(strings); i++)
		if (strcmp(r->value, strings[i]) == 0)
			want = "REG_SZ";
	if (want != NULL)
		note(dc, ptr, "'%s\\%s' is %s, not %s: clients ignore it, and it is listed "
		     "with the other records", r->key, r->value,
		     gpo_reg_type_name(r->type) ? gpo_reg_type_name(r->type) : "of an unknown type",
		     want);
}

struct server_slot {
	const char *subkey;
	struct gpo_cep_server srv;
	bool has_url, has_cost, has_flags, has_auth;
	uint32_t flags;
	uint32_t auth;
};

static struct server_slot *slot_for(struct decoder *dc, struct server_slot **slots,
				    size_t *n, const char *subkey)
{
	struct server_slot *s;
	size_t i;

	for (i = 0; i < *n; i++)
		if (ascii_strcasecmp((*slots)[i].subkey, subkey) == 0)
			return &(*slots)[i];
	s = talloc_realloc(dc->mem, *slots, struct server_slot, *n + 1);
	if (s == NULL) {
		dc->rc = GPO_ENOMEM;
		return NULL;
	}
	*slots = s;
	s = &s[(*n)++];
	*s = (struct server_slot){ .subkey = subkey, .srv.cost = GPO_CEP_COST_WINDOWS };
	return s;
}

static bool take_sz(struct decoder *dc, const struct gpo_preg_record *r, char **out)
{
	if (r->type != GPO_REG_SZ || gpo_preg_get_sz(dc->mem, r, out, NULL) != 0)
		return false;
	return true;
}

static bool take_dword(const struct gpo_preg_record *r, uint32_t *out)
{
	return r->type == GPO_REG_DWORD && gpo_preg_get_dword(r, out) == 0;
}

/* Record i is a server value; consume it into its slot. */
static bool decode_server_value(struct decoder *dc, struct server_slot *s,
				const struct gpo_preg_record *r)
{
	if (strcmp(r->value, "URL") == 0 && take_sz(dc, r, &s->srv.uri))
		return s->has_url = true;
	if (strcmp(r->value, "PolicyID") == 0 && take_sz(dc, r, &s->srv.policy_id))
		return true;
	if (strcmp(r->value, "FriendlyName") == 0 && take_sz(dc, r, &s->srv.friendly_name))
		return true;
	if (strcmp(r->value, "Flags") == 0 && take_dword(r, &s->flags))
		return s->has_flags = true;
	if (strcmp(r->value, "AuthFlags") == 0 && take_dword(r, &s->auth))
		return s->has_auth = true;
	if (strcmp(r->value, "Cost") == 0 && take_dword(r, &s->srv.cost))
		return s->has_cost = true;
	wrong_type(dc, "/enrollment_policy", r);
	return false;
}

static void finish_server(struct decoder *dc, struct server_slot *s, size_t index)
{
	char ptr[64], expect[41];
	uint32_t known = GPO_CEP_FLAG_AUTOENROLL | GPO_CEP_FLAG_CLIENT_ID |
			 GPO_CEP_FLAG_ALLOW_UNTRUSTED_CA;

	snprintf(ptr, sizeof(ptr), "/enrollment_policy/servers/%zu", index);
	s->srv.autoenroll = s->flags & GPO_CEP_FLAG_AUTOENROLL;
	s->srv.client_id = s->flags & GPO_CEP_FLAG_CLIENT_ID;
	s->srv.allow_untrusted_ca = s->flags & GPO_CEP_FLAG_ALLOW_UNTRUSTED_CA;
	if (s->flags & ~known)
		note(dc, ptr, "server key '%s': Flags bits 0x%lX have no name in the "
		     "policy format and are left out", s->subkey,
		     (unsigned long)(s->flags & ~known));
	if (!s->has_flags)
		note(dc, ptr, "server key '%s' has no Flags value", s->subkey);
	if (!s->has_cost)
		note(dc, ptr, "server key '%s' has no Cost value; Samba clients fail "
		     "on it", s->subkey);
	if (s->srv.policy_id == NULL)
		note(dc, ptr, "server key '%s' has no PolicyID value", s->subkey);
	switch (s->auth) {
	case GPO_CEP_AUTH_ANONYMOUS:
	case GPO_CEP_AUTH_KERBEROS:
	case GPO_CEP_AUTH_USERNAME_PASSWORD:
	case GPO_CEP_AUTH_CERTIFICATE:
		s->srv.auth = (enum gpo_cep_auth)s->auth;
		break;
	default:
		s->srv.auth = gpo_cep_auth_from_uri(s->srv.uri);
		note(dc, ptr, "server key '%s': AuthFlags %lu is not one authentication "
		     "type%s", s->subkey, (unsigned long)s->auth,
		     s->srv.auth ? "; using the one its URI names" : "");
	}
	if (gpo_cep_server_key(s->srv.uri, expect) == 0 &&
	    ascii_strcasecmp(expect, s->subkey) != 0)
		note(dc, ptr, "server key '%s' is not the hash of its URL ('%s'): not "
		     "written by the Windows editor; gpo-cep writes the hash", s->subkey,
		     expect);
	if (s->srv.friendly_name == NULL)
		s->srv.friendly_name = talloc_strdup(dc->mem, "");
}

static const char *store_stub(const struct gpo_preg_record *r, size_t *index)
{
	const char *rest;
	size_t i, j;

	if (r->type != GPO_REG_NONE || r->size != 0 || r->value[0] != '\0')
		return NULL;
	if (ascii_strncasecmp(r->key, GPO_CEP_KEY_SYSTEM_CERTIFICATES "\\",
			      sizeof(GPO_CEP_KEY_SYSTEM_CERTIFICATES)) != 0)
		return NULL;
	rest = r->key + sizeof(GPO_CEP_KEY_SYSTEM_CERTIFICATES);
	for (i = 0; i < ARRAY_SIZE(cert_stores); i++) {
		size_t n = strlen(cert_stores[i]);

		if (ascii_strncasecmp(rest, cert_stores[i], n) != 0 || rest[n] != '\\')
			continue;
		for (j = 0; j < ARRAY_SIZE(cert_store_parts); j++)
			if (ascii_strcasecmp(rest + n + 1, cert_store_parts[j]) == 0) {
				*index = i * ARRAY_SIZE(cert_store_parts) + j;
				return rest;
			}
	}
	return NULL;
}

/* The auto-enrollment settings, made on the first value understood. */
static struct gpo_cep_autoenroll *autoenroll_of(struct decoder *dc, struct gpo_cep_scope *scope)
{
	struct gpo_cep_autoenroll *a = scope->auto_enrollment;

	if (a != NULL)
		return a;
	a = scope->auto_enrollment = talloc_zero(dc->mem, struct gpo_cep_autoenroll);
	if (a == NULL || (a->expiry_notice_stores = talloc_strdup(a, "MY")) == NULL) {
		dc->rc = GPO_ENOMEM;
		return NULL;
	}
	a->enabled = true;
	a->expiry_notice_percent = 10;
	return a;
}

static void take_aepolicy(struct decoder *dc, struct gpo_cep_autoenroll *a, uint32_t v)
{
	a->enabled = !(v & GPO_CEP_AE_DISABLED);
	a->update_templates = v & GPO_CEP_AE_UPDATE_TEMPLATES;
	a->renew_expired = (v & GPO_CEP_AE_RENEW_EXPIRED) == GPO_CEP_AE_RENEW_EXPIRED;
	if (a->enabled && (v & ~(GPO_CEP_AE_UPDATE_TEMPLATES | GPO_CEP_AE_RENEW_EXPIRED)))
		note(dc, "/auto_enrollment", "AEPolicy bits 0x%lX have no name in "
		     "the policy format and are left out", (unsigned long)v);
	else if (a->enabled && (v & GPO_CEP_AE_RENEW_EXPIRED) && !a->renew_expired)
		note(dc, "/auto_enrollment", "AEPolicy 0x%lX sets only one of the "
		     "two renew bits (0x2, 0x4); read as renew_expired false",
		     (unsigned long)v);
}

/* An AutoEnrollment value; only with an AEPolicy DWORD (`have_policy`) is it a setting. */
static void decode_autoenroll(struct decoder *dc, struct gpo_cep_scope *scope,
			      const struct gpo_preg_record *r, bool have_policy, bool *used)
{
	struct gpo_cep_autoenroll *a;
	uint32_t v;
	char *s = NULL;

	if (strcmp(r->value, "AEPolicy") == 0 && take_dword(r, &v)) {
		if ((a = autoenroll_of(dc, scope)) != NULL)
			take_aepolicy(dc, a, v);
	} else if (strcmp(r->value, "OfflineExpirationPercent") == 0 && take_dword(r, &v)) {
		if (have_policy && (a = autoenroll_of(dc, scope)) != NULL)
			a->expiry_notice_percent = v;
	} else if (strcmp(r->value, "OfflineExpirationStoreNames") == 0 && take_sz(dc, r, &s)) {
		if (have_policy && (a = autoenroll_of(dc, scope)) != NULL)
			a->expiry_notice_stores = talloc_steal(a, s);
	} else {
		wrong_type(dc, "/auto_enrollment", r);
		return;
	}
	*used = scope->auto_enrollment != NULL;
	if (!*used)
		note(dc, "/auto_enrollment", "'%s' without an AEPolicy REG_DWORD: clients do "
		     "not auto-enroll, and it is listed with the other records", r->value);
}

/* Whether a DWORD AEPolicy that clients keep is in the file. */
static bool has_aepolicy(const struct gpo_preg_file *file, const bool *gone)
{
	size_t i;

	for (i = 0; i < file->count; i++)
		if (!gone[i] && ascii_strcasecmp(file->records[i].key, GPO_CEP_KEY_AUTOENROLLMENT) == 0 &&
		    strcmp(file->records[i].value, "AEPolicy") == 0 &&
		    file->records[i].type == GPO_REG_DWORD)
			return true;
	return false;
}

/* What the records say of the enrollment policy, gathered before it is built. */
struct enrollment_found {
	bool any;               /* a record of the enrollment policy was used */
	struct server_slot *slots;
	size_t n_slots;
	char *default_id;
	uint32_t root_flags;
	bool have_root_flags;
};

/*
 * Each record into its place: the enrollment policy's into `ef`, the rest
 * into `scope`; used[i] says whether record i was understood.
 */
static int decode_records(struct decoder *dc, struct gpo_cep_scope *scope,
			  const struct gpo_preg_file *file, bool *used, struct enrollment_found *ef)
{
	size_t i, stubs = 0, stub_at[N_STORE_STUBS];
	bool seen_stub[N_STORE_STUBS] = { false }, have_policy;
	bool *gone = talloc_zero_array(dc->mem, bool, file->count ? file->count : 1);

	/* what a client ends up with: later deletes and duplicates applied */
	if (gone == NULL || cep_find_overridden(file, gone, dc->notes, dc->prefix) != 0)
		return GPO_ENOMEM;
	have_policy = has_aepolicy(file, gone);
	for (i = 0; i < file->count; i++) {
		const struct gpo_preg_record *r = &file->records[i];
		const char *child;
		size_t stub;
		char *data = NULL;

		if (gone[i])
			continue;
		if (ascii_strcasecmp(r->key, GPO_CEP_KEY_CRYPTOGRAPHY) == 0 &&
		    gpo_preg_special_of(r->value) == GPO_PREG_DELETE_KEYS &&
		    take_sz(dc, r, &data) &&
		    ascii_strcasecmp(data, GPO_CEP_KEY_POLICY_SERVERS) == 0) {
			used[i] = ef->any = true;
		} else if (ascii_strcasecmp(r->key, GPO_CEP_KEY_POLICY_SERVERS) == 0) {
			if (r->value[0] == '\0' && take_sz(dc, r, &ef->default_id))
				used[i] = ef->any = true;
			else if (strcmp(r->value, "Flags") == 0 && take_dword(r, &ef->root_flags))
				used[i] = ef->any = ef->have_root_flags = true;
		} else if (is_child_of(r->key, GPO_CEP_KEY_POLICY_SERVERS, &child)) {
			struct server_slot *s = slot_for(dc, &ef->slots, &ef->n_slots, child);

			if (s == NULL)
				return GPO_ENOMEM;
			used[i] = decode_server_value(dc, s, r);
			ef->any |= used[i];
		} else if (ascii_strcasecmp(r->key, GPO_CEP_KEY_AUTOENROLLMENT) == 0) {
			decode_autoenroll(dc, scope, r, have_policy, &used[i]);
		} else if (store_stub(r, &stub) != NULL && !seen_stub[stub]) {
			seen_stub[stub] = true;
			stub_at[stub] = i;
			stubs++;
		}
		if (dc->rc != 0)
			return GPO_ENOMEM;
	}
	talloc_free(gone);
	if (stubs == N_STORE_STUBS) {
		scope->certificate_stores = true;
		for (i = 0; i < N_STORE_STUBS; i++)
			used[stub_at[i]] = true;
	}
	return 0;
}

/*
 * The server whose policy ID is the default one; the first when the policy
 * is enabled and a default ID is given that no server has.
 */
static void pick_default(struct decoder *dc, struct gpo_cep_enrollment *e, const char *default_id)
{
	size_t i, n = e->n_servers;

	for (i = 0; default_id != NULL && i < n; i++) {
		if (e->servers[i].policy_id != NULL &&
		    strcmp(e->servers[i].policy_id, default_id) == 0) {
			e->servers[i].is_default = true;
			break;
		}
	}
	if (e->enabled && n > 0 && i == n) {
		if (default_id != NULL)
			note(dc, "/enrollment_policy", "the default policy ID '%s' "
			     "belongs to no server; the first is taken as default",
			     default_id);
		e->servers[0].is_default = true;
	}
}

/* scope->enrollment from what the records said of it; servers without a URL are left out. */
static int build_enrollment(struct decoder *dc, struct gpo_cep_scope *scope,
			    const struct enrollment_found *ef)
{
	struct gpo_cep_enrollment *e;
	size_t n = 0, i;

	e = scope->enrollment = talloc_zero(scope, struct gpo_cep_enrollment);
	if (e == NULL)
		return GPO_ENOMEM;
	e->enabled = !(ef->root_flags & GPO_CEP_ROOT_DISABLE_GP_LIST);
	e->disable_user_servers = ef->root_flags & GPO_CEP_ROOT_DISABLE_USER_SERVERS;
	if (!ef->have_root_flags)
		note(dc, "/enrollment_policy", "PolicyServers has no Flags value");
	if (ef->root_flags & ~(GPO_CEP_ROOT_DISABLE_GP_LIST | GPO_CEP_ROOT_DISABLE_USER_SERVERS))
		note(dc, "/enrollment_policy", "PolicyServers Flags bits 0x%lX have "
		     "no name in the policy format and are left out",
		     (unsigned long)ef->root_flags);
	e->servers = talloc_zero_array(e, struct gpo_cep_server, ef->n_slots ? ef->n_slots : 1);
	if (e->servers == NULL)
		return GPO_ENOMEM;
	for (i = 0; i < ef->n_slots; i++) {
		struct server_slot *slot = &ef->slots[i];

		if (!slot->has_url) {
			note(dc, "/enrollment_policy", "server key '%s' has no URL "
			     "value and is left out", slot->subkey);
			continue;
		}
		finish_server(dc, slot, n);
		e->servers[n] = slot->srv;
		talloc_steal(e->servers, e->servers[n].uri);
		talloc_steal(e->servers, e->servers[n].policy_id);
		talloc_steal(e->servers, e->servers[n].friendly_name);
		n++;
	}
	e->n_servers = n;
	if (!e->enabled && n > 0)
		note(dc, "/enrollment_policy", "the policy is disabled but lists %zu "
		     "servers; clients ignore them", n);
	pick_default(dc, e, ef->default_id);
	if (e->enabled && n == 0)
		note(dc, "/enrollment_policy", "the policy is enabled but lists no "
		     "server");
	return 0;
}

int gpo_cep_scope_decode(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *file,
			 const char *pointer_prefix, struct gpo_cep_scope **ret_scope,
			 bool **ret_used, struct gpo_diags *notes)
{
	struct decoder dc = { .prefix = pointer_prefix, .notes = notes };
	struct enrollment_found ef = { 0 };
	struct gpo_cep_scope *scope;
	bool *used, found;

	scope = talloc_zero(NULL, struct gpo_cep_scope);
	if (scope == NULL)
		return GPO_ENOMEM;
	dc.mem = scope;
	used = talloc_zero_array(scope, bool, file->count ? file->count : 1);
	if (used == NULL || decode_records(&dc, scope, file, used, &ef) != 0)
		goto oom;
	found = ef.any || scope->auto_enrollment != NULL || scope->certificate_stores;
	if (ef.any && build_enrollment(&dc, scope, &ef) != 0)
		goto oom;
	if (dc.rc != 0)
		goto oom;
	talloc_steal(mem_ctx, used);
	*ret_used = used;
	if (found) {
		*ret_scope = talloc_steal(mem_ctx, scope);
		talloc_free(ef.slots);
		return 0;
	}
	*ret_scope = NULL;
	talloc_free(scope);
	return 0;
oom:
	talloc_free(scope);
	return GPO_ENOMEM;
}
