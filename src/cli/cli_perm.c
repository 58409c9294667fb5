/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A GPO's permissions for people and scripts, shared by the permissions
 * command and the policy file's "permissions" in create, update and apply.
 */
#include <string.h>

#include "cli_perm.h"

/* "Read, Apply (security filtering)", with what GPMC's level leaves out. */
char *cli_perm_level_text(TALLOC_CTX *mem, const struct gpo_perm_trustee *t)
{
	char *s = talloc_strdup(mem, gpo_perm_level_title(t->level));

	if (t->level == GPO_PERM_CUSTOM && t->gpmc != GPO_PERM_NONE)
		s = talloc_asprintf_append(s, " (%s%s)", gpo_perm_level_title(t->gpmc),
					   t->apply && t->gpmc != GPO_PERM_APPLY ? ", Apply" : "");
	else if (t->level == GPO_PERM_CUSTOM && t->apply)
		s = talloc_strdup_append(s, " (Apply without Read)");
	else if (t->apply && t->level != GPO_PERM_APPLY)
		s = talloc_strdup_append(s, ", Apply (security filtering)");
	if (t->deny_apply)
		s = talloc_strdup_append(s, ", denied Apply");
	return s;
}

const struct gpo_perm_trustee *cli_perm_find(const struct gpo_perm_trustee *t, size_t n,
						   const struct gpo_sid *sid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (gpo_sid_equal(&t[i].sid, sid))
			return &t[i];
	return NULL;
}

json_object *cli_perm_aces_json(TALLOC_CTX *mem, const struct gpo_ace *aces, size_t n,
			      const struct gpo_sid *dom)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(gpo_perm_ace_sddl(mem, &aces[i], dom)));
	return a;
}

static json_object *cli_perm_trustee_json(TALLOC_CTX *mem, const struct gpo_perm_trustee *t,
				 const char *name, const struct gpo_sid *dom)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "sid", json_object_new_string(gpo_sid_string(mem, &t->sid)));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "level", json_object_new_string(gpo_perm_level_name(t->level)));
	json_object_object_add(o, "gpmc_level",
			       json_object_new_string(gpo_perm_level_name(t->gpmc)));
	json_object_object_add(o, "apply", json_object_new_boolean(t->apply));
	json_object_object_add(o, "deny_apply", json_object_new_boolean(t->deny_apply));
	json_object_object_add(o, "entries", cli_perm_aces_json(mem, t->aces, t->n_aces, dom));
	json_object_object_add(o, "custom_entries", cli_perm_aces_json(mem, t->custom, t->n_custom, dom));
	return o;
}

json_object *cli_perms_json(TALLOC_CTX *mem, const struct gpo_domain_permissions *p)
{
	json_object *o = json_object_new_object(), *list = json_object_new_array();
	size_t i;

	for (i = 0; i < p->n_trustees; i++)
		json_object_array_add(list, cli_perm_trustee_json(mem, &p->trustees[i], p->names[i],
							 &p->domain_sid));
	json_object_object_add(o, "trustees", list);
	json_object_object_add(o, "problems", cli_perm_problems_json(p->problems));
	json_object_object_add(o, "problem_text", json_object_new_string(p->problem_text));
	return o;
}

void cli_print_perms(TALLOC_CTX *mem, const struct gpo_domain_gpo *g,
			const struct gpo_domain_permissions *p)
{
	size_t i, k;

	printf("GPO '%s' %s\n", cli_safe(mem, g->name), g->guid);
	for (i = 0; i < p->n_trustees; i++) {
		const struct gpo_perm_trustee *t = &p->trustees[i];

		printf("  %-40s %s\n", cli_safe(mem, p->names[i]), cli_perm_level_text(mem, t));
		for (k = 0; k < t->n_custom; k++)
			printf("  %-40s   custom: %s\n", "",
			       gpo_perm_ace_sddl(mem, &t->custom[k], &p->domain_sid));
	}
	if (p->problems)
		printf("  problem: %s\n", p->problem_text);
}


static bool has_ace(const struct gpo_perm_trustee *t, const struct gpo_ace *a)
{
	size_t i;

	for (i = 0; t != NULL && i < t->n_aces; i++)
		if (t->aces[i].type == a->type && t->aces[i].flags == a->flags &&
		    t->aces[i].mask == a->mask && t->aces[i].object_flags == a->object_flags &&
		    memcmp(t->aces[i].object_type, a->object_type, 16) == 0 &&
		    memcmp(t->aces[i].inherited_type, a->inherited_type, 16) == 0)
			return true;
	return false;
}

static void diff_entries(TALLOC_CTX *mem, const struct gpo_perm_trustee *from,
			 const struct gpo_perm_trustee *to, struct gpo_sd *out)
{
	size_t i;

	*out = (struct gpo_sd){ 0 };
	out->aces = talloc_zero_array(mem, struct gpo_ace, from ? from->n_aces + 1 : 1);
	for (i = 0; from != NULL && out->aces != NULL && i < from->n_aces; i++)
		if (!has_ace(to, &from->aces[i]))
			out->aces[out->n_aces++] = from->aces[i];
}

/* Every trustee whose entries differ between `before` and `after`. */
struct cli_perm_change *cli_perm_diff(TALLOC_CTX *mem, const struct gpo_domain_permissions *before,
				      const struct gpo_domain_permissions *after, size_t *ret_n)
{
	size_t cap = before->n_trustees + after->n_trustees, n = 0, i;
	struct cli_perm_change *c = talloc_zero_array(mem, struct cli_perm_change, cap + 1);

	for (i = 0; c != NULL && i < cap; i++) {
		bool from_before = i < before->n_trustees;
		const struct gpo_perm_trustee *t = from_before ? &before->trustees[i]
							       : &after->trustees[i - before->n_trustees];
		struct cli_perm_change *x = &c[n];

		if (!from_before && cli_perm_find(before->trustees, before->n_trustees, &t->sid))
			continue;
		x->sid = t->sid;
		x->name = from_before ? before->names[i] : after->names[i - before->n_trustees];
		x->before = cli_perm_find(before->trustees, before->n_trustees, &t->sid);
		x->after = cli_perm_find(after->trustees, after->n_trustees, &t->sid);
		diff_entries(c, x->after, x->before, &x->added);
		diff_entries(c, x->before, x->after, &x->removed);
		if (x->added.n_aces > 0 || x->removed.n_aces > 0)
			n++;
	}
	*ret_n = n;
	return c;
}

static const char *level_or_none(TALLOC_CTX *mem, const struct gpo_perm_trustee *t)
{
	return t ? cli_perm_level_text(mem, t) : "None";
}

void cli_print_perm_changes(TALLOC_CTX *mem, const struct cli_perm_change *c, size_t n,
			  const struct gpo_sid *dom, bool done)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		printf("%s %s: %s -> %s\n", done ? "changed" : "would change",
		       cli_safe(mem, c[i].name), level_or_none(mem, c[i].before),
		       level_or_none(mem, c[i].after));
		for (k = 0; k < c[i].removed.n_aces; k++)
			printf("  - %s\n", gpo_perm_ace_sddl(mem, &c[i].removed.aces[k], dom));
		for (k = 0; k < c[i].added.n_aces; k++)
			printf("  + %s\n", gpo_perm_ace_sddl(mem, &c[i].added.aces[k], dom));
	}
}

json_object *cli_perm_changes_json(TALLOC_CTX *mem, const struct cli_perm_change *c, size_t n,
				 const struct gpo_sid *dom)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "sid", json_object_new_string(gpo_sid_string(mem, &c[i].sid)));
		json_object_object_add(o, "name", json_object_new_string(c[i].name));
		json_object_object_add(o, "before", json_object_new_string(
			c[i].before ? gpo_perm_level_name(c[i].before->level) : "none"));
		json_object_object_add(o, "after", json_object_new_string(
			c[i].after ? gpo_perm_level_name(c[i].after->level) : "none"));
		json_object_object_add(o, "removed", cli_perm_aces_json(mem, c[i].removed.aces,
							       c[i].removed.n_aces, dom));
		json_object_object_add(o, "added", cli_perm_aces_json(mem, c[i].added.aces,
							     c[i].added.n_aces, dom));
		json_object_array_add(a, o);
	}
	return a;
}


/* A trustee's name: as read, or as a change named it. */
static char *name_of(TALLOC_CTX *mem, const struct gpo_domain_permissions *before,
		     const struct gpo_sid *sids, char **names, size_t n, const struct gpo_sid *sid)
{
	size_t i;

	for (i = 0; i < before->n_trustees; i++)
		if (gpo_sid_equal(&before->trustees[i].sid, sid))
			return before->names[i];
	for (i = 0; i < n; i++)
		if (gpo_sid_equal(&sids[i], sid))
			return names[i];
	return gpo_sid_string(mem, sid);
}

int cli_perm_after(TALLOC_CTX *mem, const struct gpo_domain_permissions *before,
		   struct gpo_sd *sd, const struct gpo_sid *sids, char **names, size_t n,
		   struct gpo_domain_permissions **ret)
{
	struct gpo_domain_permissions *after = talloc_zero(mem, struct gpo_domain_permissions);
	size_t i;

	if (after == NULL)
		return GPO_ENOMEM;
	*after = *before;
	after->sd = sd;
	if (gpo_perm_read(after, sd, &after->trustees, &after->n_trustees) != 0 ||
	    gpo_perm_check(after, sd, &before->domain_sid, &after->problems,
			   &after->problem_text) != 0 ||
	    !(after->names = talloc_zero_array(after, char *, after->n_trustees + 1)))
		return GPO_ENOMEM;
	for (i = 0; i < after->n_trustees; i++)
		after->names[i] = name_of(after, before, sids, names, n, &after->trustees[i].sid);
	*ret = after;
	return 0;
}

/* One list of the policy's trustees as SIDs; an unknown one names the file and pointer. */
static int resolve_list(TALLOC_CTX *mem, struct gpo_domain *dom, const char *path,
			const struct gpo_cep_permissions *p, enum gpo_cep_perm_list k,
			struct cli_perm_policy *pp)
{
	struct gpo_error *err = NULL;
	size_t i;
	int rc;

	for (i = 0; i < p->n[k]; i++) {
		struct gpo_sid *sid = &pp->sids[pp->n];

		rc = gpo_domain_resolve_trustee(mem, dom, p->trustees[k][i], sid,
						&pp->names[pp->n], &err);
		if (rc != 0) {
			cli_error("%s: /permissions/%s/%zu: %s", path, gpo_cep_perm_list_name(k), i,
				  err ? err->message : gpo_strerror(rc));
			/* a name the domain does not know is the file's fault */
			return rc == GPO_EINVAL || rc == GPO_ENOTFOUND || rc == GPO_EEXIST
				       ? EXIT_INVALID : EXIT_FAILURE_;
		}
		pp->n++;
	}
	return EXIT_OK;
}

/* A trustee filtered in and denied at once, however each is spelled: the file contradicts itself. */
static int no_contradiction(const char *path, const struct gpo_cep_permissions *p,
			    const struct cli_perm_policy *pp, const size_t *start)
{
	size_t i, j;

	for (j = 0; j < p->n[GPO_CEP_PERM_DENY_APPLY]; j++) {
		const struct gpo_sid *deny = &pp->sids[start[GPO_CEP_PERM_DENY_APPLY] + j];

		for (i = 0; i < p->n[GPO_CEP_PERM_APPLY_TO]; i++) {
			if (!gpo_sid_equal(deny, &pp->sids[start[GPO_CEP_PERM_APPLY_TO] + i]))
				continue;
			cli_error("%s: /permissions/deny_apply/%zu: '%s' is also in apply_to (as "
				  "'%s'): a trustee is either filtered in or denied", path, j,
				  p->trustees[GPO_CEP_PERM_DENY_APPLY][j],
				  p->trustees[GPO_CEP_PERM_APPLY_TO][i]);
			return EXIT_INVALID;
		}
	}
	return EXIT_OK;
}

int cli_perm_policy_resolve(TALLOC_CTX *mem, struct gpo_domain *dom, const char *path,
			    const struct gpo_cep_permissions *p, struct cli_perm_policy **ret)
{
	struct cli_perm_policy *pp = talloc_zero(mem, struct cli_perm_policy);
	size_t total = 1, k, start[GPO_CEP_PERM_LISTS];
	int status = EXIT_OK;

	for (k = 0; k < GPO_CEP_PERM_LISTS; k++)
		total += p->n[k];
	if (pp == NULL || !(pp->sids = talloc_zero_array(pp, struct gpo_sid, total)) ||
	    !(pp->names = talloc_zero_array(pp, char *, total)))
		return cli_fail(NULL, GPO_ENOMEM);
	for (k = 0; status == EXIT_OK && k < GPO_CEP_PERM_LISTS; k++) {
		start[k] = pp->n;
		status = resolve_list(pp, dom, path, p, k, pp);
	}
	if (status != EXIT_OK)
		return status;
	/* apply_to left out: the filter stays (a new GPO's is Authenticated Users, as GPMC's) */
	pp->w.apply_given = p->given[GPO_CEP_PERM_APPLY_TO];
	pp->w.apply_to = &pp->sids[start[GPO_CEP_PERM_APPLY_TO]];
	pp->w.n_apply_to = p->n[GPO_CEP_PERM_APPLY_TO];
	status = no_contradiction(path, p, pp, start);
	if (status != EXIT_OK)
		return status;
	pp->w.deny_apply = &pp->sids[start[GPO_CEP_PERM_DENY_APPLY]];
	pp->w.n_deny_apply = p->n[GPO_CEP_PERM_DENY_APPLY];
	pp->w.deny_given = p->given[GPO_CEP_PERM_DENY_APPLY];
	for (k = 0; k < 3; k++) {
		pp->w.at_least[k] = &pp->sids[start[GPO_CEP_PERM_READ + k]];
		pp->w.n_at_least[k] = p->n[GPO_CEP_PERM_READ + k];
	}
	*ret = pp;
	return EXIT_OK;
}

int cli_perm_policy_plan(TALLOC_CTX *mem, struct gpo_domain *dom, const struct gpo_domain_gpo *g,
			 struct cli_perm_policy *pp)
{
	struct gpo_error *err = NULL;
	struct gpo_sd *sd = NULL;
	bool changed = false;
	int rc = gpo_domain_read_permissions(pp, dom, g, &pp->before, &err);

	if (rc != 0)
		return cli_fail(err, rc);
	if (gpo_perm_make(pp, pp->before->sd, &pp->w, &sd, &changed) != 0 ||
	    cli_perm_after(pp, pp->before, sd, pp->sids, pp->names, pp->n, &pp->after) != 0)
		return cli_fail(NULL, GPO_ENOMEM);
	pp->changes = cli_perm_diff(pp, pp->before, pp->after, &pp->n_changes);
	if (pp->n_changes > 0 && (pp->after->problems & ~pp->before->problems)) {
		cli_error("refused: the policy's permissions would leave GPO %s so that %s; "
			  "nothing was changed (gpo-cep permissions --force makes such a change)",
			  g->guid, pp->after->problem_text);
		return EXIT_INVALID;
	}
	/* the rights for the DACL and SYSVOL before the settings are written */
	rc = pp->n_changes > 0 ? gpo_domain_check_set_permissions(mem, dom, g, pp->before,
								  pp->after->sd, &err)
			       : 0;
	return rc == 0 ? EXIT_OK : cli_fail(err, rc);
}

int cli_perm_policy_write(TALLOC_CTX *mem, struct gpo_domain *dom, const struct gpo_domain_gpo *g,
			  const struct cli_perm_policy *pp)
{
	struct gpo_error *err = NULL;
	int rc;

	if (pp->n_changes == 0)
		return EXIT_OK;
	rc = gpo_domain_set_permissions(mem, dom, g, pp->before, pp->after->sd, &err);
	return rc == 0 ? EXIT_OK : cli_fail(err, rc);
}

void cli_perm_policy_report(TALLOC_CTX *mem, const struct cli_perm_policy *pp, bool done,
			    json_object *doc)
{
	size_t i, k;

	if (doc != NULL) {
		json_object_object_add(doc, "permissions", cli_perm_changes_json(
					       mem, pp->changes, pp->n_changes,
					       &pp->before->domain_sid));
		return;
	}
	for (i = 0; i < pp->n_changes; i++) {
		const struct cli_perm_change *c = &pp->changes[i];

		printf("  %s %s: %s -> %s\n", done ? "permissions changed:" : "permissions would change:",
		       cli_safe(mem, c->name), level_or_none(mem, c->before),
		       level_or_none(mem, c->after));
		for (k = 0; k < c->removed.n_aces; k++)
			printf("    - %s\n", gpo_perm_ace_sddl(mem, &c->removed.aces[k],
							  &pp->before->domain_sid));
		for (k = 0; k < c->added.n_aces; k++)
			printf("    + %s\n", gpo_perm_ace_sddl(mem, &c->added.aces[k],
							  &pp->before->domain_sid));
	}
}

int cli_perm_policy_new_gpo(TALLOC_CTX *mem, struct gpo_domain *dom, const char *realm,
			    const struct gpo_domain_gpo *g, struct cli_perm_policy *pp)
{
	struct gpo_error *err = NULL;
	int status = cli_perm_policy_plan(mem, dom, g, pp), rc;

	if (status == EXIT_OK)
		status = cli_perm_policy_write(mem, dom, g, pp);
	if (status == EXIT_OK)
		return EXIT_OK;
	/* not linked yet: removing it leaves the domain as it was */
	rc = gpo_domain_delete_gpo(mem, dom, g, &err);
	if (rc == 0) {
		cli_error("GPO '%s' %s was removed again: nothing was changed", g->name, g->guid);
		return status;
	}
	cli_fail(err, rc);
	cli_error("GPO '%s' %s was created, not linked, with the default permissions, and could "
		  "not be removed: 'gpo-cep delete --domain %s --gpo %s' removes it", g->name,
		  g->guid, realm, g->guid);
	return EXIT_PARTIAL;
}

void cli_perm_policy_preview(TALLOC_CTX *mem, const struct cli_perm_policy *pp, json_object *doc)
{
	static const char *const lists[] = { "apply_to", "deny_apply", "read", "edit",
					     "edit_delete_modify_security" };
	const struct gpo_sid *sids[5] = { pp->w.apply_to, pp->w.deny_apply, pp->w.at_least[0],
					  pp->w.at_least[1], pp->w.at_least[2] };
	size_t ns[5] = { pp->w.n_apply_to, pp->w.n_deny_apply, pp->w.n_at_least[0],
			 pp->w.n_at_least[1], pp->w.n_at_least[2] };
	json_object *o = doc ? json_object_new_object() : NULL;
	size_t k, i;

	for (k = 0; k < 5; k++) {
		json_object *list = o ? json_object_new_array() : NULL;

		if (ns[k] == 0 && (k != 0 || !pp->w.apply_given))
			continue;
		if (o == NULL)
			printf("would set permissions: %s", lists[k]);
		for (i = 0; i < ns[k]; i++) {
			const char *name = pp->names[sids[k] + i - pp->sids];

			if (list != NULL)
				json_object_array_add(list, json_object_new_string(name));
			else
				printf("%s'%s'", i ? ", " : " ", cli_safe(mem, name));
		}
		if (o != NULL)
			json_object_object_add(o, lists[k], list);
		else
			printf("%s\n", ns[k] ? "" : " nobody");
	}
	if (o != NULL)
		json_object_object_add(doc, "permissions", o);
}

/* The SID `name` stands for offline: a SID, a well-known name or a --sid mapping. */
static bool offline_sid(const char *name, const char *const *map, size_t n_map,
			struct gpo_sid *ret)
{
	size_t i, len;

	if (gpo_sid_from_string(name, ret) == 0 || gpo_perm_well_known(name, NULL, ret) == 0)
		return true;
	for (i = 0; i < n_map; i++) {
		len = strcspn(map[i], "=");
		if (strlen(name) == len && strncasecmp(name, map[i], len) == 0)
			return gpo_sid_from_string(map[i] + len + 1, ret) == 0;
	}
	return false;
}

int cli_perm_policy_offline(TALLOC_CTX *mem, const char *path, const struct gpo_cep_permissions *p,
			    const char *const *map, size_t n_map, json_object *doc)
{
	json_object *o = doc ? json_object_new_object() : NULL;
	int status = EXIT_OK;
	size_t k, i;

	for (k = 0; k < GPO_CEP_PERM_LISTS; k++) {
		json_object *list = o && p->given[k] ? json_object_new_array() : NULL;

		for (i = 0; i < p->n[k]; i++) {
			struct gpo_sid sid;

			if (!offline_sid(p->trustees[k][i], map, n_map, &sid)) {
				cli_error("%s: /permissions/%s/%zu: '%s' is a name, and render works "
					  "offline: give its SID, or --sid '%s=S-1-5-21-...'", path,
					  gpo_cep_perm_list_name(k), i,
					  cli_safe(mem, p->trustees[k][i]),
					  cli_safe(mem, p->trustees[k][i]));
				status = EXIT_INVALID;
			} else if (list != NULL) {
				json_object_array_add(list, json_object_new_string(
								    gpo_sid_string(mem, &sid)));
			}
		}
		if (list != NULL)
			json_object_object_add(o, gpo_cep_perm_list_name(k), list);
	}
	if (o != NULL && status == EXIT_OK)
		json_object_object_add(doc, "permissions", o);
	else
		json_object_put(o);
	return status;
}

/* Add `name` to list k of `p`. */
static int add_trustee(struct gpo_cep_permissions *p, enum gpo_cep_perm_list k, const char *name)
{
	char **grown = talloc_realloc(p, p->trustees[k], char *, p->n[k] + 2);

	if (grown == NULL)
		return GPO_ENOMEM;
	p->trustees[k] = grown;
	grown[p->n[k]] = talloc_strdup(grown, name);
	grown[++p->n[k]] = NULL;
	p->given[k] = true;
	return grown[p->n[k] - 1] ? 0 : GPO_ENOMEM;
}

int cli_perm_policy_from_gpo(TALLOC_CTX *mem, const struct gpo_domain_permissions *perms,
			     struct gpo_cep_permissions **ret)
{
	struct gpo_cep_permissions *p = talloc_zero(mem, struct gpo_cep_permissions);
	size_t i, k;
	int rc = p ? 0 : GPO_ENOMEM;

	/* filter and denies are exact lists: present, even empty */
	for (k = GPO_CEP_PERM_APPLY_TO; p != NULL && k <= GPO_CEP_PERM_DENY_APPLY; k++)
		p->given[k] = (p->trustees[k] = talloc_zero_array(p, char *, 1)) != NULL;
	for (i = 0; rc == 0 && i < perms->n_trustees; i++) {
		const struct gpo_perm_trustee *t = &perms->trustees[i];
		/* a SID, which renames do not change and render takes offline; a name only
		 * where it means the same in every domain */
		const char *name = gpo_perm_well_known_name(&t->sid, NULL);

		if (name == NULL)
			name = gpo_sid_string(p, &t->sid);

		if (t->apply && !t->deny_apply)
			rc = add_trustee(p, GPO_CEP_PERM_APPLY_TO, name);
		if (rc == 0 && t->deny_apply)
			rc = add_trustee(p, GPO_CEP_PERM_DENY_APPLY, name);
		if (rc == 0 && t->gpmc == GPO_PERM_READ)
			rc = add_trustee(p, GPO_CEP_PERM_READ, name);
		if (rc == 0 && t->gpmc == GPO_PERM_EDIT)
			rc = add_trustee(p, GPO_CEP_PERM_EDIT, name);
		if (rc == 0 && t->gpmc == GPO_PERM_EDIT_SECURITY)
			rc = add_trustee(p, GPO_CEP_PERM_EDIT_SECURITY, name);
	}
	if (rc == 0)
		*ret = p;
	return rc;
}
