/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What an update changes, in the policy file's terms: the settings before
 * and after, each read back from its Registry.pol as `show` reads it,
 * compared member by member.  Servers are matched by URI, not position: a
 * server moved up the list is not "every field of two servers changed".
 */
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_policy_diff.h"

struct diff {
	TALLOC_CTX *mem;
	json_object *changes;
	const struct gpo_cep_enrollment *file; /* the policy file's servers of this scope */
};

static void add_change(struct diff *d, const char *pointer, const char *server,
		       json_object *old, json_object *new)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "change", json_object_new_string(
		old == NULL ? "added" : new == NULL ? "removed" : "changed"));
	json_object_object_add(c, "pointer", json_object_new_string(pointer));
	json_object_object_add(c, "server", server ? json_object_new_string(server) : NULL);
	json_object_object_add(c, "old", json_object_get(old));
	json_object_object_add(c, "new", json_object_get(new));
	json_object_array_add(d->changes, c);
}

static const char *uri_of(json_object *server)
{
	json_object *uri;

	return json_object_object_get_ex(server, "uri", &uri) ? json_object_get_string(uri) : NULL;
}

static json_object *server_by_uri(json_object *servers, const char *uri, size_t *ret_index)
{
	size_t i, n = json_object_array_length(servers);

	for (i = 0; uri != NULL && i < n; i++) {
		json_object *s = json_object_array_get_idx(servers, i);
		const char *u = uri_of(s);

		/* a URI names one registry key whatever its case */
		if (u != NULL && strcasecmp(u, uri) == 0) {
			*ret_index = i;
			return s;
		}
	}
	return NULL;
}

static void diff_value(struct diff *d, const char *pointer, const char *server,
		       const char *member, json_object *old, json_object *new);

/* Where the policy file has the server: its index there (settings read back keep no order). */
static size_t file_index(const struct diff *d, const char *uri, size_t read_back)
{
	size_t i;

	for (i = 0; d->file != NULL && uri != NULL && i < d->file->n_servers; i++)
		if (strcasecmp(d->file->servers[i].uri, uri) == 0)
			return i;
	return read_back;
}

static void diff_servers(struct diff *d, const char *pointer, json_object *old, json_object *new)
{
	size_t i, j, n_old = json_object_array_length(old), n_new = json_object_array_length(new);

	for (j = 0; j < n_new; j++) {
		json_object *s = json_object_array_get_idx(new, j), *was;
		const char *uri = uri_of(s);
		const char *at = talloc_asprintf(d->mem, "%s/%zu", pointer, file_index(d, uri, j));

		was = server_by_uri(old, uri, &i);
		if (was == NULL)
			add_change(d, at, uri, NULL, s);
		else
			diff_value(d, at, uri, NULL, was, s);
	}
	for (i = 0; i < n_old; i++) {
		json_object *s = json_object_array_get_idx(old, i);

		if (server_by_uri(new, uri_of(s), &j) == NULL)
			add_change(d, talloc_asprintf(d->mem, "%s/%zu", pointer, i), uri_of(s), s,
				   NULL);
	}
}

static void diff_object(struct diff *d, const char *pointer, const char *server,
			json_object *old, json_object *new)
{
	json_object *other;

	json_object_object_foreach(old, key, value)
	{
		const char *at = talloc_asprintf(d->mem, "%s/%s", pointer, key);

		if (json_object_object_get_ex(new, key, &other))
			diff_value(d, at, server, key, value, other);
		else
			add_change(d, at, server, value, NULL);
	}
	json_object_object_foreach(new, nkey, nvalue)
	{
		if (!json_object_object_get_ex(old, nkey, NULL))
			add_change(d, talloc_asprintf(d->mem, "%s/%s", pointer, nkey), server, NULL,
				   nvalue);
	}
}

static void diff_value(struct diff *d, const char *pointer, const char *server,
		       const char *member, json_object *old, json_object *new)
{
	if (json_object_is_type(old, json_type_object) && json_object_is_type(new, json_type_object))
		diff_object(d, pointer, server, old, new);
	else if (member != NULL && strcmp(member, "servers") == 0 &&
		 json_object_is_type(old, json_type_array) && json_object_is_type(new, json_type_array))
		diff_servers(d, pointer, old, new);
	else if (!json_object_equal(old, new))
		add_change(d, pointer, server, old, new);
}

/* One half's settings as the policy file writes them; NULL members when it has none. */
static json_object *settings_json(TALLOC_CTX *mem, struct gpo_preg_file *const pol[2])
{
	struct gpo_cep_policy *policy = talloc_zero(mem, struct gpo_cep_policy);
	struct gpo_diags *notes = gpo_diags_new(mem);
	struct gpo_error *err = NULL;
	char *text = NULL;
	bool *used;
	int k;

	if (policy == NULL || notes == NULL)
		return NULL;
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++)
		if (pol[k] != NULL &&
		    gpo_cep_scope_decode(mem, pol[k], "", &policy->scopes[k], &used, notes) != 0)
			return NULL;
	if (gpo_cep_policy_to_json(mem, policy, &text, &err) != 0)
		return NULL;
	return json_tokener_parse(text);
}

json_object *cli_policy_changes(TALLOC_CTX *mem_ctx, const struct gpo_update_plan *plan,
				const struct gpo_cep_policy *policy)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	json_object *old = tmp ? settings_json(tmp, plan->old_pol) : NULL;
	json_object *new = old ? settings_json(tmp, plan->new_pol) : NULL;
	struct diff d = { tmp, NULL, NULL };
	int k;

	if (new != NULL) {
		d.changes = json_object_new_array();
		for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
			const char *scope = gpo_cep_scope_name(k);
			json_object *o = NULL, *n = NULL;
			char pointer[16];

			/* a half the plan does not write keeps its settings */
			if (!plan->writes[GPO_FILE_POL(k)])
				continue;
			json_object_object_get_ex(old, scope, &o);
			json_object_object_get_ex(new, scope, &n);
			snprintf(pointer, sizeof(pointer), "/%s", scope);
			d.file = policy && policy->scopes[k] ? policy->scopes[k]->enrollment : NULL;
			if (o != NULL || n != NULL)
				diff_value(&d, pointer, NULL, scope, o, n);
		}
	}
	json_object_put(old);
	json_object_put(new);
	talloc_free(tmp);
	return d.changes;
}

static const char *value_text(TALLOC_CTX *mem, json_object *v)
{
	if (v == NULL)
		return "(none)";
	return cli_safe(mem, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
}

void cli_print_policy_changes(TALLOC_CTX *mem_ctx, json_object *changes)
{
	size_t i, n = json_object_array_length(changes);

	for (i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(changes, i), *v;
		const char *server = NULL, *pointer, *change;
		json_object *old = NULL, *new = NULL;

		json_object_object_get_ex(c, "pointer", &v);
		pointer = json_object_get_string(v);
		json_object_object_get_ex(c, "change", &v);
		change = json_object_get_string(v);
		if (json_object_object_get_ex(c, "server", &v) && v != NULL)
			server = cli_safe(mem_ctx, json_object_get_string(v));
		json_object_object_get_ex(c, "old", &old);
		json_object_object_get_ex(c, "new", &new);
		/* a whole server: its URI says which */
		if (server != NULL && strcmp(change, "changed") != 0 &&
		    json_object_is_type(old ? old : new, json_type_object))
			printf("  %s: server %s %s\n", pointer, server, change);
		else
			printf("  %s%s%s%s: %s -> %s\n", pointer, server ? " (" : "",
			       server ? server : "", server ? ")" : "", value_text(mem_ctx, old),
			       value_text(mem_ctx, new));
	}
}
