/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The policy file format, version 1 (doc/gpo-cep-policy.5).  The library's
 * only user of json-c: strings are copied into the talloc model and the
 * JSON tree is dropped before returning.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <gpo-cep/policy.h>

#include "internal.h"
#include "policy_internal.h"
#include "utf16.h"

#define POLICY_FORMAT_VERSION 1
#define JSON_MAX_DEPTH 32

struct loader {
	TALLOC_CTX *mem;        /* where the model lives */
	struct gpo_diags *d;
	int rc;                 /* GPO_ENOMEM once memory ran out */
};

static void report(struct loader *l, const char *id, const char *ptr, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static void report(struct loader *l, const char *id, const char *ptr, const char *fmt,
		   ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (gpo_diags_addv(l->d, GPO_DIAG_ERROR, id, ptr, fmt, ap) != 0)
		l->rc = GPO_ENOMEM;
	va_end(ap);
}

static char *ptr_join(struct loader *l, const char *ptr, const char *key)
{
	char *p = talloc_asprintf(l->mem, "%s/%s", ptr, key);

	if (p == NULL)
		l->rc = GPO_ENOMEM;
	return p ? p : discard_const("");
}

static const char *json_kind(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_string:
		return "a string";
	case json_type_array:
		return "an array";
	default:
		return "an object";
	}
}

static void check_keys(struct loader *l, json_object *obj, const char *ptr,
		       const char *const *allowed)
{
	json_object_object_foreach(obj, key, val) {
		const char *best = NULL;
		size_t i, best_d = 3;
		char *list;

		(void)val;
		for (i = 0; allowed[i] != NULL; i++) {
			size_t dist;

			if (strcmp(key, allowed[i]) == 0)
				break;
			dist = policy_edit_distance(key, allowed[i]);
			if (dist < best_d) {
				best_d = dist;
				best = allowed[i];
			}
		}
		if (allowed[i] != NULL)
			continue;
		if (best != NULL) {
			report(l, "unknown-key", ptr_join(l, ptr, key),
			       "unknown key '%s': did you mean '%s'?", key, best);
			continue;
		}
		list = talloc_strdup(l->mem, allowed[0]);
		for (i = 1; list != NULL && allowed[i] != NULL; i++)
			list = talloc_asprintf_append(list, ", %s", allowed[i]);
		report(l, "unknown-key", ptr_join(l, ptr, key),
		       "unknown key '%s' (expected one of: %s)", key, list ? list : "");
	}
}

/* The member `key` of obj when present; NULL otherwise.  JSON null counts as present. */
static json_object *member(json_object *obj, const char *key, bool *present)
{
	json_object *v = NULL;

	*present = json_object_object_get_ex(obj, key, &v);
	return v;
}

static bool get_bool(struct loader *l, json_object *obj, const char *ptr,
		     const char *key, bool def)
{
	bool present;
	json_object *v = member(obj, key, &present);

	if (!present)
		return def;
	if (!json_object_is_type(v, json_type_boolean)) {
		report(l, "type", ptr_join(l, ptr, key), "expected true or false, got %s",
		       json_kind(v));
		return def;
	}
	return json_object_get_boolean(v);
}

static char *get_string(struct loader *l, json_object *obj, const char *ptr,
			const char *key, TALLOC_CTX *ctx)
{
	bool present;
	json_object *v = member(obj, key, &present);
	const char *s;
	char *copy;

	if (!present)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		report(l, "type", ptr_join(l, ptr, key), "expected a string, got %s",
		       json_kind(v));
		return NULL;
	}
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s)) {
		report(l, "type", ptr_join(l, ptr, key), "string contains a NUL character");
		return NULL;
	}
	if (s[0] == '\0') {
		report(l, "empty", ptr_join(l, ptr, key), "must not be empty");
		return NULL;
	}
	/* json-c lets UTF-8-encoded surrogates and "\ud800" escapes through */
	if (!utf8_valid(s, strlen(s))) {
		report(l, "type", ptr_join(l, ptr, key),
		       "string is not valid Unicode (a lone surrogate?)");
		return NULL;
	}
	copy = talloc_strdup(ctx, s);
	if (copy == NULL)
		l->rc = GPO_ENOMEM;
	return copy;
}

/*
 * A name people read: no control characters (a newline or an escape
 * sequence in a GPO's name ends up on every admin's terminal) and at most
 * `max` characters.  NULL after a report.
 */
static char *get_name(struct loader *l, json_object *obj, const char *ptr, const char *key,
		      size_t max, TALLOC_CTX *ctx)
{
	char *s = get_string(l, obj, ptr, key, ctx);
	struct gpo_error *e = NULL;

	/* names reach terminals, logs and GPMC: no control character */
	if (s != NULL && text_check_name(l->mem, s, max, &e) != 0) {
		report(l, "name", ptr_join(l, ptr, key), "the %s %s", key,
		       e ? e->message : "is not valid");
		talloc_free(s);
		return NULL;
	}
	return s;
}

static uint32_t get_uint(struct loader *l, json_object *obj, const char *ptr,
			 const char *key, uint32_t max, uint32_t def)
{
	bool present;
	json_object *v = member(obj, key, &present);
	int64_t i;
	uint64_t u;

	if (!present)
		return def;
	if (!json_object_is_type(v, json_type_int)) {
		report(l, "type", ptr_join(l, ptr, key), "expected an integer from 0 to "
		       "%lu, got %s", (unsigned long)max,
		       json_object_is_type(v, json_type_double) ? "a fraction"
								 : json_kind(v));
		return def;
	}
	i = json_object_get_int64(v);
	u = json_object_get_uint64(v);
	if (i < 0 || u > max) {
		report(l, "range", ptr_join(l, ptr, key),
		       "%s is out of range: expected an integer from 0 to %lu",
		       json_object_to_json_string(v), (unsigned long)max);
		return def;
	}
	return (uint32_t)u;
}

static json_object *get_object(struct loader *l, json_object *obj, const char *ptr,
			       const char *key, bool *present)
{
	json_object *v = member(obj, key, present);

	if (!*present || v == NULL)
		return NULL;
	if (!json_object_is_type(v, json_type_object)) {
		report(l, "type", ptr_join(l, ptr, key), "expected an object, got %s",
		       json_kind(v));
		return NULL;
	}
	return v;
}

/*
 * The server's authentication type against the one its URI names; taken
 * from the URI when the file gives none.
 */
static void check_server_auth(struct loader *l, const char *ptr, struct gpo_cep_server *srv,
			      const char *auth)
{
	enum gpo_cep_auth inferred = gpo_cep_auth_from_uri(srv->uri);

	if (auth != NULL && srv->auth != GPO_CEP_AUTH_UNSET && inferred != GPO_CEP_AUTH_UNSET &&
	    srv->auth != inferred) {
		report(l, "auth-mismatch", ptr_join(l, ptr, "auth"),
		       "'%s' contradicts the URI, which %s: a client configured with "
		       "the wrong type cannot use the service", auth,
		       policy_uri_is_ldap(srv->uri)
			       ? "is the Active Directory policy and takes kerberos"
			       : talloc_asprintf(l->mem, "names an IIS application for %s",
						 gpo_cep_auth_name(inferred)));
	} else if (auth == NULL) {
		srv->auth = inferred;
		if (inferred == GPO_CEP_AUTH_UNSET)
			report(l, "missing-auth", ptr,
			       "missing 'auth': the URI names no AD CS application "
			       "(..._CEP_Kerberos, ..._CEP_UsernamePassword, "
			       "..._CEP_Certificate) to infer it from");
	}
}

/* No friendly name given: the Active Directory policy's, or the URI's host. */
static void default_friendly_name(struct loader *l, struct gpo_cep_server *srv,
				  size_t host_start, size_t host_len, TALLOC_CTX *ctx)
{
	srv->friendly_name_default = true;
	srv->friendly_name = policy_uri_is_ldap(srv->uri)
				     ? talloc_strdup(ctx, GPO_CEP_LDAP_FRIENDLY_NAME)
				     : talloc_strndup(ctx, srv->uri + host_start, host_len);
	if (srv->friendly_name == NULL)
		l->rc = GPO_ENOMEM;
}

static void load_server(struct loader *l, json_object *o, const char *ptr,
			struct gpo_cep_server *srv, TALLOC_CTX *ctx)
{
	static const char *const keys[] = { "uri", "auth", "policy_id", "friendly_name",
					     "default", "autoenroll", "client_id",
					     "allow_untrusted_ca", "cost", NULL };
	size_t host_start = 0, host_len = 0;
	const char *why;
	char *auth;

	check_keys(l, o, ptr, keys);
	srv->uri = get_string(l, o, ptr, "uri", ctx);
	srv->policy_id = get_string(l, o, ptr, "policy_id", ctx);
	srv->friendly_name = get_string(l, o, ptr, "friendly_name", ctx);
	if (srv->friendly_name != NULL) {
		struct gpo_error *e = NULL;

		/* the rule a server's name is held to as well */
		if (gpo_cep_check_friendly_name(l->mem, srv->friendly_name, &e) != 0)
			report(l, "friendly-name", ptr_join(l, ptr, "friendly_name"),
			       "the friendly name %s", e ? e->message : "is not valid");
	}
	srv->is_default = get_bool(l, o, ptr, "default", false);
	srv->autoenroll = get_bool(l, o, ptr, "autoenroll", true);
	srv->client_id = get_bool(l, o, ptr, "client_id", false);
	srv->allow_untrusted_ca = get_bool(l, o, ptr, "allow_untrusted_ca", false);
	srv->cost = get_uint(l, o, ptr, "cost", UINT32_MAX,
			     srv->uri != NULL && policy_uri_is_ldap(srv->uri)
				     ? GPO_CEP_COST_DEFAULT_LDAP : GPO_CEP_COST_DEFAULT_HTTPS);
	auth = get_string(l, o, ptr, "auth", l->mem);
	if (auth != NULL) {
		srv->auth = gpo_cep_auth_from_name(auth);
		if (srv->auth == GPO_CEP_AUTH_UNSET)
			report(l, "auth", ptr_join(l, ptr, "auth"),
			       "'%s' is not an authentication type (expected one of: "
			       "kerberos, username_password, certificate, anonymous)", auth);
	}

	if (srv->uri == NULL) {
		bool present;

		if (member(o, "uri", &present) == NULL && !present)
			report(l, "missing-key", ptr, "missing required key 'uri'");
		return;
	}
	why = policy_check_uri(srv->uri, &host_start, &host_len);
	if (why != NULL) {
		report(l, "uri", ptr_join(l, ptr, "uri"), "'%s' %s", srv->uri, why);
		return;
	}
	if (policy_uri_is_ldap(srv->uri))
		strcpy(srv->uri, GPO_CEP_LDAP_URI); /* same length: any case in, LDAP: out */
	check_server_auth(l, ptr, srv, auth);
	if (srv->friendly_name == NULL)
		default_friendly_name(l, srv, host_start, host_len, ctx);
}

/*
 * The servers of an enabled policy, each checked against those before it;
 * the first is the default when none is marked.
 */
static void load_servers(struct loader *l, struct gpo_cep_enrollment *e, json_object *servers,
			 const char *sptr)
{
	size_t i, j, defaults = 0;

	for (i = 0; i < e->n_servers; i++) {
		json_object *so = json_object_array_get_idx(servers, i);
		char *p = talloc_asprintf(l->mem, "%s/%zu", sptr, i);

		if (p == NULL) {
			l->rc = GPO_ENOMEM;
			return;
		}
		if (!json_object_is_type(so, json_type_object)) {
			report(l, "type", p, "expected a server object, got %s", json_kind(so));
			continue;
		}
		load_server(l, so, p, &e->servers[i], e->servers);
		if (e->servers[i].is_default && ++defaults == 2)
			report(l, "default", ptr_join(l, p, "default"),
			       "a second server is marked default: at most one per scope");
		for (j = 0; j < i && e->servers[i].uri != NULL; j++)
			if (e->servers[j].uri != NULL &&
			    ascii_strcasecmp(e->servers[j].uri, e->servers[i].uri) == 0)
				report(l, "duplicate-uri", ptr_join(l, p, "uri"),
				       "the same URI as %s/%zu/uri (URIs compare without "
				       "regard to case: they name one registry key)", sptr, j);
	}
	if (defaults == 0)
		e->servers[0].is_default = true;
}

static struct gpo_cep_enrollment *load_enrollment(struct loader *l, json_object *o,
						  const char *ptr)
{
	static const char *const keys[] = { "enabled", "disable_user_servers", "servers",
					    NULL };
	struct gpo_cep_enrollment *e = talloc_zero(l->mem, struct gpo_cep_enrollment);
	const char *sptr = ptr_join(l, ptr, "servers");
	json_object *servers = NULL;
	bool present;
	size_t n = 0;

	if (e == NULL) {
		l->rc = GPO_ENOMEM;
		return NULL;
	}
	check_keys(l, o, ptr, keys);
	e->enabled = get_bool(l, o, ptr, "enabled", true);
	e->disable_user_servers = get_bool(l, o, ptr, "disable_user_servers", false);
	servers = member(o, "servers", &present);
	if (present && !json_object_is_type(servers, json_type_array)) {
		report(l, "type", sptr, "expected an array of servers, got %s",
		       json_kind(servers));
		return e;
	}
	if (present)
		n = json_object_array_length(servers);
	if (!e->enabled) {
		if (n > 0)
			report(l, "servers-when-disabled", sptr,
			       "servers are not written when the enrollment policy is "
			       "disabled: remove them or set 'enabled' to true");
		return e;
	}
	if (n == 0) {
		report(l, "no-servers", present ? sptr : ptr,
		       "an enabled enrollment policy needs at least one server in "
		       "'servers' (use \"uri\": \"LDAP:\" for Active Directory)");
		return e;
	}
	e->servers = talloc_zero_array(e, struct gpo_cep_server, n);
	if (e->servers == NULL) {
		l->rc = GPO_ENOMEM;
		return e;
	}
	e->n_servers = n;
	load_servers(l, e, servers, sptr);
	return e;
}

static struct gpo_cep_autoenroll *load_autoenroll(struct loader *l, json_object *o,
						  const char *ptr)
{
	static const char *const keys[] = { "enabled", "update_templates",
					    "renew_expired", "expiry_notice_percent",
					    "expiry_notice_stores", NULL };
	struct gpo_cep_autoenroll *a = talloc_zero(l->mem, struct gpo_cep_autoenroll);

	if (a == NULL) {
		l->rc = GPO_ENOMEM;
		return NULL;
	}
	check_keys(l, o, ptr, keys);
	a->enabled = get_bool(l, o, ptr, "enabled", true);
	a->update_templates = get_bool(l, o, ptr, "update_templates", true);
	a->renew_expired = get_bool(l, o, ptr, "renew_expired", true);
	a->expiry_notice_percent = get_uint(l, o, ptr, "expiry_notice_percent", 100, 10);
	a->expiry_notice_stores = get_string(l, o, ptr, "expiry_notice_stores", a);
	if (a->expiry_notice_stores == NULL)
		a->expiry_notice_stores = talloc_strdup(a, "MY");
	if (a->expiry_notice_stores == NULL)
		l->rc = GPO_ENOMEM;
	return a;
}

static struct gpo_cep_scope *load_scope(struct loader *l, json_object *o,
					enum gpo_cep_scope_kind kind)
{
	static const char *const keys[] = { "enrollment_policy", "auto_enrollment",
					    "certificate_stores", NULL };
	char *ptr = talloc_asprintf(l->mem, "/%s", gpo_cep_scope_name(kind));
	struct gpo_cep_scope *s = talloc_zero(l->mem, struct gpo_cep_scope);
	json_object *v;
	bool present;

	if (s == NULL || ptr == NULL) {
		l->rc = GPO_ENOMEM;
		return NULL;
	}
	check_keys(l, o, ptr, keys);
	v = get_object(l, o, ptr, "enrollment_policy", &present);
	if (v != NULL)
		s->enrollment = load_enrollment(l, v, ptr_join(l, ptr, "enrollment_policy"));
	else if (present && member(o, "enrollment_policy", &present) == NULL)
		s->remove_enrollment = true;
	v = get_object(l, o, ptr, "auto_enrollment", &present);
	if (v != NULL)
		s->auto_enrollment = load_autoenroll(l, v, ptr_join(l, ptr, "auto_enrollment"));
	else if (present && member(o, "auto_enrollment", &present) == NULL)
		s->remove_auto_enrollment = true;
	s->certificate_stores = get_bool(l, o, ptr, "certificate_stores",
					 kind == GPO_CEP_COMPUTER);
	return s;
}

/* 1-based line and column (in characters) of byte `offset`. */
static void position(const char *text, size_t len, size_t offset, unsigned *line,
		     unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static int syntax_error(struct gpo_diags *d, const char *text, size_t len, size_t offset,
			const char *what)
{
	unsigned line, col;
	int rc;

	position(text, len, offset, &line, &col);
	rc = gpo_diags_add(d, GPO_DIAG_ERROR, "syntax", NULL, "%s", what);
	if (rc != 0)
		return rc;
	d->items[d->count - 1].line = line;
	d->items[d->count - 1].column = col;
	return GPO_EINVAL;
}

/* ---- duplicate keys -------------------------------------------------------
 * json-c keeps the last of two equal keys without a word, so a policy with
 * "uri" twice would silently lose one.  The text is valid JSON by now, so a
 * small scanner can look for them, with where they are.
 */
struct dupes {
	const char *text;
	size_t len;
	size_t pos;
	unsigned depth;
	struct gpo_diags *d;
	int rc;
};

struct key_at {
	char *key;      /* decoded */
	size_t offset;  /* of its opening quote */
};

static bool json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_ws(struct dupes *s)
{
	while (s->pos < s->len && json_ws(s->text[s->pos]))
		s->pos++;
}

/* After a member or element: past a ',', or stop at `close`; anything else ends the scan. */
static bool next_item(struct dupes *s, char close)
{
	skip_ws(s);
	if (s->pos < s->len && s->text[s->pos] == ',') {
		s->pos++;
		return true;
	}
	if (s->pos < s->len && s->text[s->pos] == close)
		return true;
	s->pos = s->len; /* not the JSON json-c accepted: never loop on it */
	return false;
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* A string at s->pos (a quote), decoded to UTF-8 on mem_ctx; s->pos moves past it. */
static char *scan_string(TALLOC_CTX *mem_ctx, struct dupes *s)
{
	char *out = talloc_array(mem_ctx, char, 1);
	size_t n = 0;

	for (s->pos++; out != NULL && s->pos < s->len && s->text[s->pos] != '"'; s->pos++) {
		char buf[4];
		size_t k = 1;
		unsigned cp;

		buf[0] = s->text[s->pos];
		if (buf[0] == '\\' && s->pos + 1 < s->len) {
			char e = s->text[++s->pos];

			buf[0] = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r'
			       : e == 't' ? '\t' : e;
			if (e == 'u' && s->pos + 4 < s->len) {
				cp = hex4(s->text + s->pos + 1);
				s->pos += 4;
				if (cp >= 0xD800 && cp < 0xDC00 && s->pos + 6 < s->len &&
				    s->text[s->pos + 1] == '\\' && s->text[s->pos + 2] == 'u') {
					cp = 0x10000 + ((cp - 0xD800) << 10) +
					     (hex4(s->text + s->pos + 3) - 0xDC00);
					s->pos += 6;
				}
				if (cp < 0x80) {
					buf[0] = (char)cp;
				} else if (cp < 0x800) {
					buf[0] = (char)(0xC0 | cp >> 6);
					buf[1] = (char)(0x80 | (cp & 0x3F));
					k = 2;
				} else if (cp < 0x10000) {
					buf[0] = (char)(0xE0 | cp >> 12);
					buf[1] = (char)(0x80 | (cp >> 6 & 0x3F));
					buf[2] = (char)(0x80 | (cp & 0x3F));
					k = 3;
				} else {
					buf[0] = (char)(0xF0 | cp >> 18);
					buf[1] = (char)(0x80 | (cp >> 12 & 0x3F));
					buf[2] = (char)(0x80 | (cp >> 6 & 0x3F));
					buf[3] = (char)(0x80 | (cp & 0x3F));
					k = 4;
				}
			}
		}
		out = talloc_realloc(mem_ctx, out, char, n + k + 1);
		if (out != NULL)
			memcpy(out + n, buf, k);
		n += k;
	}
	s->pos++;
	if (out != NULL)
		out[n] = '\0';
	else
		s->rc = GPO_ENOMEM;
	return out;
}

/* `key` as a JSON pointer token (RFC 6901: ~ and / escaped). */
static char *pointer_token(TALLOC_CTX *mem_ctx, const char *key)
{
	char *t = talloc_strdup(mem_ctx, "");

	for (; t != NULL && *key; key++)
		t = *key == '~' ? talloc_strdup_append(t, "~0")
		  : *key == '/' ? talloc_strdup_append(t, "~1")
				: talloc_strndup_append(t, key, 1);
	return t;
}

static int by_key_then_offset(const void *a, const void *b)
{
	const struct key_at *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void scan_value(struct dupes *s, const char *ptr);

static void scan_object(struct dupes *s, const char *ptr)
{
	TALLOC_CTX *tmp = talloc_new(s->d);
	struct key_at *keys = NULL;
	size_t n = 0, i;

	s->pos++;
	for (;;) {
		struct key_at k;

		skip_ws(s);
		if (s->pos >= s->len || s->text[s->pos] == '}' || s->rc != 0 || tmp == NULL)
			break;
		if (s->text[s->pos] != '"') {
			s->pos = s->len;
			break;
		}
		k.offset = s->pos;
		k.key = scan_string(tmp, s);
		keys = talloc_realloc(tmp, keys, struct key_at, n + 1);
		if (k.key == NULL || keys == NULL) {
			s->rc = GPO_ENOMEM;
			break;
		}
		keys[n++] = k;
		skip_ws(s);
		if (s->pos >= s->len || s->text[s->pos] != ':') {
			s->pos = s->len;
			break;
		}
		s->pos++;
		scan_value(s, talloc_asprintf(tmp, "%s/%s", ptr, pointer_token(tmp, k.key)));
		if (!next_item(s, '}'))
			break;
	}
	s->pos++;
	if (n > 1 && s->rc == 0)
		qsort(keys, n, sizeof(*keys), by_key_then_offset);
	for (i = 1; i < n && s->rc == 0; i++) {
		unsigned line, col, first_line, first_col;

		if (strcmp(keys[i].key, keys[i - 1].key) != 0)
			continue;
		position(s->text, s->len, keys[i].offset, &line, &col);
		position(s->text, s->len, keys[i - 1].offset, &first_line, &first_col);
		/* the first of each run names where the key was first */
		while (i + 1 < n && strcmp(keys[i + 1].key, keys[i].key) == 0)
			i++;
		if (gpo_diags_add(s->d, GPO_DIAG_ERROR, "duplicate-key",
				  talloc_asprintf(tmp, "%s/%s", ptr, pointer_token(tmp, keys[i].key)),
				  "'%s' appears more than once in this object (first at %u:%u): "
				  "JSON readers keep only one of them", keys[i].key, first_line,
				  first_col) != 0) {
			s->rc = GPO_ENOMEM;
			break;
		}
		s->d->items[s->d->count - 1].line = line;
		s->d->items[s->d->count - 1].column = col;
	}
	talloc_free(tmp);
}

static void scan_value(struct dupes *s, const char *ptr)
{
	size_t index = 0;

	skip_ws(s);
	if (s->pos >= s->len || ptr == NULL) {
		s->rc = s->rc ? s->rc : ptr == NULL ? GPO_ENOMEM : 0;
		return;
	}
	/* json-c allowed JSON_MAX_DEPTH; deeper means the scan lost its way */
	if (s->depth > JSON_MAX_DEPTH) {
		s->pos = s->len;
		return;
	}
	switch (s->text[s->pos]) {
	case '{':
		s->depth++;
		scan_object(s, ptr);
		s->depth--;
		return;
	case '[':
		s->pos++;
		s->depth++;
		for (;;) {
			char *item;

			skip_ws(s);
			if (s->pos >= s->len || s->text[s->pos] == ']' || s->rc != 0)
				break;
			item = talloc_asprintf(s->d, "%s/%zu", ptr, index++);
			scan_value(s, item);
			talloc_free(item);
			if (!next_item(s, ']'))
				break;
		}
		s->depth--;
		s->pos++;
		return;
	case '"':
		talloc_free(scan_string(NULL, s));
		return;
	default:
		/* a number or a literal; at least one character, so that every loop moves */
		do
			s->pos++;
		while (s->pos < s->len && !json_ws(s->text[s->pos]) &&
		       strchr(",]}", s->text[s->pos]) == NULL);
		return;
	}
}

/* Report every key that appears twice in one object; GPO_EINVAL when there is one. */
static int check_duplicate_keys(const char *text, size_t len, size_t start, struct gpo_diags *d)
{
	struct dupes s = { .text = text, .len = len, .pos = start, .d = d };
	size_t errors = d->errors;

	scan_value(&s, "");
	if (s.rc != 0)
		return s.rc;
	return d->errors > errors ? GPO_EINVAL : 0;
}

/*
 * The JSON value of `text`: one object, after a UTF-8 byte order mark if
 * there is one.  A syntax error is reported in `diags`.
 */
static int parse_root(const char *text, size_t len, struct gpo_diags *diags,
		      json_object **ret_root)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	json_object *root;
	size_t end;

	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (tok == NULL)
		return GPO_ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* a UTF-8 byte order mark is not JSON, but editors on Windows add one */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		root = json_tokener_parse_ex(tok, text + 3, (int)(len - 3));
		end = json_tokener_get_parse_end(tok) + 3;
	} else {
		root = json_tokener_parse_ex(tok, text, (int)len);
		end = json_tokener_get_parse_end(tok);
	}
	jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (len > INT32_MAX)
		return syntax_error(diags, text, len, 0, "file is too large");
	if (jerr == json_tokener_continue || (root == NULL && jerr == json_tokener_success))
		return syntax_error(diags, text, len, len,
				    "unexpected end of input: the JSON value is incomplete");
	if (jerr != json_tokener_success)
		return syntax_error(diags, text, len, end,
				    talloc_asprintf(diags, "invalid JSON: %s",
						    json_tokener_error_desc(jerr)));
	while (end < len && json_ws(text[end]))
		end++;
	if (end < len) {
		json_object_put(root);
		return syntax_error(diags, text, len, end,
				    "invalid JSON: more data after the policy object");
	}
	if (!json_object_is_type(root, json_type_object)) {
		gpo_diags_add(diags, GPO_DIAG_ERROR, "type", "",
			      "expected a policy object at the top level, got %s",
			      json_kind(root));
		json_object_put(root);
		return GPO_EINVAL;
	}
	*ret_root = root;
	return 0;
}

static const char *const perm_list_names[GPO_CEP_PERM_LISTS] = {
	"apply_to", "deny_apply", "read", "edit", "edit_delete_modify_security",
};

const char *gpo_cep_perm_list_name(enum gpo_cep_perm_list list)
{
	return (unsigned)list < GPO_CEP_PERM_LISTS ? perm_list_names[list] : "";
}

/* One list of trustees: names people read, so no control characters. */
static void load_trustees(struct loader *l, json_object *o, const char *ptr,
			  struct gpo_cep_permissions *p, enum gpo_cep_perm_list k)
{
	const char *key = perm_list_names[k];
	char *at = ptr_join(l, ptr, key);
	bool present;
	json_object *v = member(o, key, &present);
	size_t i, n;

	if (!present)
		return;
	if (!json_object_is_type(v, json_type_array)) {
		report(l, "type", at, "expected an array of trustees (\"DOMAIN\\group\", "
		       "\"group@realm\" or a SID), got %s", json_kind(v));
		return;
	}
	n = json_object_array_length(v);
	p->given[k] = true;
	p->trustees[k] = talloc_zero_array(p, char *, n + 1);
	if (p->trustees[k] == NULL) {
		l->rc = GPO_ENOMEM;
		return;
	}
	for (i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(v, i);
		char *index = talloc_asprintf(l->mem, "%zu", i);
		json_object *wrap = json_object_new_object();

		/* get_name reads a member: wrap the item so that its pointer is at/i */
		json_object_object_add(wrap, index, json_object_get(item));
		p->trustees[k][p->n[k]] = get_name(l, wrap, at, index, GPO_CEP_NAME_MAX, p);
		if (p->trustees[k][p->n[k]] != NULL)
			p->n[k]++;
		json_object_put(wrap);
	}
}

static struct gpo_cep_permissions *load_permissions(struct loader *l, json_object *o)
{
	static const char *const keys[] = { "apply_to", "deny_apply", "read", "edit",
					    "edit_delete_modify_security", NULL };
	struct gpo_cep_permissions *p = talloc_zero(l->mem, struct gpo_cep_permissions);
	size_t k, i, j;

	if (p == NULL) {
		l->rc = GPO_ENOMEM;
		return NULL;
	}
	check_keys(l, o, "/permissions", keys);
	for (k = 0; k < GPO_CEP_PERM_LISTS; k++)
		load_trustees(l, o, "/permissions", p, k);
	/* allowed and denied at once: the deny would win, and the file contradict itself */
	for (i = 0; i < p->n[GPO_CEP_PERM_APPLY_TO]; i++)
		for (j = 0; j < p->n[GPO_CEP_PERM_DENY_APPLY]; j++)
			if (strcasecmp(p->trustees[GPO_CEP_PERM_APPLY_TO][i],
				       p->trustees[GPO_CEP_PERM_DENY_APPLY][j]) == 0)
				report(l, "permissions", talloc_asprintf(l->mem,
				       "/permissions/deny_apply/%zu", j),
				       "'%s' is also in apply_to: a trustee is either filtered "
				       "in or denied", p->trustees[GPO_CEP_PERM_DENY_APPLY][j]);
	return p;
}

/* The policy object's members: version, $schema, $comment, name and the two scopes. */
static void load_policy(struct loader *l, json_object *root, struct gpo_cep_policy *policy)
{
	static const char *const keys[] = { "$schema", "$comment", "version", "name", "computer",
					    "user", "permissions", NULL };
	json_object *v;
	bool present;
	int k;

	check_keys(l, root, "", keys);
	if (get_uint(l, root, "", "version", UINT32_MAX, POLICY_FORMAT_VERSION) !=
	    POLICY_FORMAT_VERSION)
		report(l, "version", "/version",
		       "this is gpo-cep policy format version 1; the file wants another");
	v = member(root, "$schema", &present);
	if (present && !json_object_is_type(v, json_type_string))
		report(l, "type", "/$schema", "expected a string, got %s", json_kind(v));
	/* for people, as in JSON Schema: read and not kept */
	v = member(root, "$comment", &present);
	if (present && !json_object_is_type(v, json_type_string) &&
	    !json_object_is_type(v, json_type_array))
		report(l, "type", "/$comment", "expected a string or an array of strings, got %s",
		       json_kind(v));
	/* AD's displayName holds at most 256 characters */
	policy->name = get_name(l, root, "", "name", GPO_CEP_NAME_MAX, policy);
	v = get_object(l, root, "", "permissions", &present);
	if (v != NULL)
		policy->permissions = load_permissions(l, v);
	else if (present && member(root, "permissions", &present) == NULL)
		report(l, "type", "/permissions", "expected an object, got null (leave it out "
		       "to keep the GPO's permissions)");
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		v = get_object(l, root, "", gpo_cep_scope_name(k), &present);
		if (v != NULL)
			policy->scopes[k] = load_scope(l, v, k);
		else if (present && member(root, gpo_cep_scope_name(k), &present) == NULL)
			report(l, "type", ptr_join(l, "", gpo_cep_scope_name(k)),
			       "expected an object, got null (leave the scope out "
			       "instead)");
	}
}

int gpo_cep_policy_parse(TALLOC_CTX *mem_ctx, const char *text, size_t len,
			 struct gpo_cep_policy **ret_policy, struct gpo_diags *diags)
{
	struct loader l = { .d = diags };
	struct gpo_cep_policy *policy;
	json_object *root = NULL;
	size_t errors_before = diags->errors;
	int rc;

	rc = parse_root(text, len, diags, &root);
	if (rc != 0)
		return rc;
	if (check_duplicate_keys(text, len, len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0,
				 diags) == GPO_ENOMEM) {
		json_object_put(root);
		return GPO_ENOMEM;
	}
	policy = talloc_zero(NULL, struct gpo_cep_policy);
	if (policy == NULL) {
		json_object_put(root);
		return GPO_ENOMEM;
	}
	l.mem = policy;
	load_policy(&l, root, policy);
	json_object_put(root);
	if (l.rc != 0 || diags->errors > errors_before) {
		talloc_free(policy);
		return l.rc != 0 ? l.rc : GPO_EINVAL;
	}
	*ret_policy = talloc_steal(mem_ctx, policy);
	return 0;
}

/* ---- policy -> JSON ------------------------------------------------------ */

static int add(json_object *o, const char *key, json_object *v)
{
	if (v == NULL)
		return GPO_ENOMEM;
	return json_object_object_add(o, key, v) == 0 ? 0 : GPO_ENOMEM;
}

static json_object *server_json(const struct gpo_cep_server *s)
{
	json_object *o = json_object_new_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= add(o, "uri", json_object_new_string(s->uri));
	rc |= add(o, "auth", json_object_new_string(gpo_cep_auth_name(s->auth)
							    ? gpo_cep_auth_name(s->auth)
							    : "unset"));
	if (s->policy_id != NULL)
		rc |= add(o, "policy_id", json_object_new_string(s->policy_id));
	rc |= add(o, "friendly_name", json_object_new_string(s->friendly_name));
	rc |= add(o, "default", json_object_new_boolean(s->is_default));
	rc |= add(o, "autoenroll", json_object_new_boolean(s->autoenroll));
	rc |= add(o, "client_id", json_object_new_boolean(s->client_id));
	rc |= add(o, "allow_untrusted_ca", json_object_new_boolean(s->allow_untrusted_ca));
	rc |= add(o, "cost", json_object_new_int64(s->cost));
	if (rc != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *scope_json(const struct gpo_cep_scope *s)
{
	json_object *o = json_object_new_object(), *e, *arr;
	int rc = 0;
	size_t i;

	if (o == NULL)
		return NULL;
	if (s->enrollment != NULL) {
		e = json_object_new_object();
		rc |= add(o, "enrollment_policy", e);
		if (e != NULL) {
			rc |= add(e, "enabled", json_object_new_boolean(s->enrollment->enabled));
			rc |= add(e, "disable_user_servers",
				  json_object_new_boolean(s->enrollment->disable_user_servers));
			if (s->enrollment->enabled) {
				arr = json_object_new_array();
				rc |= add(e, "servers", arr);
				for (i = 0; arr != NULL && i < s->enrollment->n_servers; i++) {
					json_object *so = server_json(&s->enrollment->servers[i]);

					if (so == NULL || json_object_array_add(arr, so) != 0)
						rc |= GPO_ENOMEM;
				}
			}
		}
	}
	if (s->auto_enrollment != NULL) {
		const struct gpo_cep_autoenroll *a = s->auto_enrollment;

		e = json_object_new_object();
		rc |= add(o, "auto_enrollment", e);
		if (e != NULL) {
			rc |= add(e, "enabled", json_object_new_boolean(a->enabled));
			rc |= add(e, "update_templates",
				  json_object_new_boolean(a->update_templates));
			rc |= add(e, "renew_expired", json_object_new_boolean(a->renew_expired));
			rc |= add(e, "expiry_notice_percent",
				  json_object_new_int64(a->expiry_notice_percent));
			rc |= add(e, "expiry_notice_stores",
				  json_object_new_string(a->expiry_notice_stores));
		}
	}
	rc |= add(o, "certificate_stores", json_object_new_boolean(s->certificate_stores));
	if (rc != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *permissions_json(const struct gpo_cep_permissions *p)
{
	json_object *o = json_object_new_object();
	size_t k, i;

	for (k = 0; o != NULL && k < GPO_CEP_PERM_LISTS; k++) {
		json_object *list;

		if (!p->given[k])
			continue;
		list = json_object_new_array();
		for (i = 0; list != NULL && i < p->n[k]; i++)
			json_object_array_add(list, json_object_new_string(p->trustees[k][i]));
		json_object_object_add(o, perm_list_names[k], list);
	}
	return o;
}

int gpo_cep_policy_to_json(TALLOC_CTX *mem_ctx, const struct gpo_cep_policy *policy,
			   char **ret_text, struct gpo_error **reterr)
{
	json_object *root = json_object_new_object();
	const char *s;
	char *text;
	int rc = 0, k;

	if (root == NULL)
		return gpo_oom(mem_ctx, reterr);
	rc |= add(root, "version", json_object_new_int(POLICY_FORMAT_VERSION));
	if (policy->name != NULL)
		rc |= add(root, "name", json_object_new_string(policy->name));
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
		if (policy->scopes[k] != NULL)
			rc |= add(root, gpo_cep_scope_name(k), scope_json(policy->scopes[k]));
	if (policy->permissions != NULL)
		rc |= add(root, "permissions", permissions_json(policy->permissions));
	s = rc == 0 ? json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_SPACED |
								   JSON_C_TO_STRING_NOSLASHESCAPE)
		    : NULL;
	text = s ? gpo_json_escape_controls(mem_ctx, s) : NULL;
	text = text ? talloc_strdup_append(text, "\n") : NULL;
	json_object_put(root);
	if (text == NULL)
		return gpo_oom(mem_ctx, reterr);
	*ret_text = text;
	return 0;
}
