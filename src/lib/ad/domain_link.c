/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Links: gPLink edited as data (gplink.h), every entry not ours written back
 * byte for byte, each change one compare-and-swap modify that the DC refuses
 * when another writer got there first; then read again and retried.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain_internal.h"
#include "gplink.h"
#include "internal.h"

#define CAS_ATTEMPTS 20

static int by_dn(const void *a, const void *b)
{
	return ascii_strcasecmp(*(char *const *)a, *(char *const *)b);
}

int gpo_domain_list_link_targets(TALLOC_CTX *mem_ctx, struct gpo_domain *d, char ***ret_dns,
				 size_t *ret_count, struct gpo_error **reterr)
{
	static const char *const no_attrs[] = { "1.1", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	char **dns = NULL;
	size_t n = 0, i;
	int rc = tmp ? 0 : GPO_ENOMEM;

	if (rc == 0)
		rc = ad_ldap_search(tmp, d->ldap, d->base_dn, 2,
				    "(|(objectClass=domainDNS)(objectClass=organizationalUnit))",
				    no_attrs, 0, &e, &n, reterr);
	if (rc == 0 && (dns = talloc_zero_array(tmp, char *, n + 1)) == NULL)
		rc = GPO_ENOMEM;
	for (i = 0; rc == 0 && i < n; i++)
		if ((dns[i] = talloc_steal(dns, e[i].dn)) == NULL)
			rc = GPO_ENOMEM;
	if (rc == 0) {
		/* the domain first, then the OUs by name: a DC returns them in no useful order */
		qsort(dns, n, sizeof(*dns), by_dn);
		for (i = 1; i < n; i++)
			if (ascii_strcasecmp(dns[i], d->base_dn) == 0) {
				char *domain = dns[i];

				memmove(dns + 1, dns, i * sizeof(*dns));
				dns[0] = domain;
			}
		*ret_dns = talloc_steal(mem_ctx, dns);
		*ret_count = n;
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_check_link_target(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
				 const char *target_dn, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "allowedAttributes", "allowedAttributesEffective",
					     NULL };
	static const char *const gplink[] = { "gPLink", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	const struct ad_attr *a;
	char *missing = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!gpo_dn_valid(target_dn)) {
		rc = gpo_fail(tmp, reterr, GPO_EINVAL, "link target '%s' is not a distinguished "
			      "name (e.g. OU=Servers,%s)", target_dn, d->base_dn);
		goto out;
	}
	rc = ad_ldap_search(tmp, d->ldap, target_dn, 0, "(objectClass=*)", attrs, 0, &e, &n, reterr);
	if (rc == 0 && n == 0)
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "link target '%s' does not exist",
			      target_dn);
	if (rc != 0)
		goto out;
	a = ad_entry_attr(&e[0], "allowedAttributes");
	for (i = 0; a != NULL && i < a->n_values; i++)
		if (ascii_strcasecmp((const char *)a->values[i], "gPLink") == 0)
			break;
	if (a == NULL || i == a->n_values) {
		rc = gpo_fail(tmp, reterr, GPO_ERROR, "link target '%s' cannot hold a link: only "
			      "a domain, an OU or a site can", target_dn);
		goto out;
	}
	rc = domain_unwritable(tmp, d, target_dn, gplink, &missing, reterr);
	if (rc == 0 && missing != NULL)
		rc = gpo_fail(tmp, reterr, GPO_EACCES, "%s may not link GPOs to '%s': it lacks the "
			      "right to write its gPLink attribute; nothing was changed",
			      d->identity ? d->identity
									   : "this account",
			      target_dn);
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* A short pause before another attempt, so that two writers do not collide again. */
static void back_off(int attempt)
{
	struct timespec ts = { 0, (long)(1 + rand() % 20) * (attempt + 1) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Apply `edit` to the current gPLink of `target` and write it with a
 * compare-and-swap, as often as another writer changes it meanwhile.
 * `edit` returns false when there is nothing to change.
 */
typedef int (*link_edit_fn)(struct gplink *l, const struct gpo_domain_gpo *gpo, void *arg,
			    bool *ret_change);

static int edit_gplink(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct gpo_domain_gpo *gpo,
		       const char *target, link_edit_fn edit, void *arg,
		       struct gpo_error **reterr)
{
	static const char *const attrs[] = { "gPLink", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	int attempt, rc = 0;

	for (attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
		struct ad_entry *e = NULL;
		struct gplink *l = NULL;
		const char *old;
		char *value;
		bool change = false;
		size_t n = 0;

		rc = ad_ldap_search(tmp, d->ldap, target, 0, "(objectClass=*)", attrs, 0, &e, &n,
				    reterr);
		if (rc == 0 && n == 0)
			rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "link target '%s' does not exist",
				      target);
		if (rc != 0)
			break;
		old = ad_entry_get(&e[0], "gPLink");
		rc = gplink_parse(tmp, old, &l);
		if (rc == 0)
			rc = edit(l, gpo, arg, &change);
		if (rc != 0 || !change)
			break;
		value = gplink_format(tmp, l);
		if (value == NULL) {
			rc = gpo_oom(tmp, reterr);
			break;
		}
		/* an empty gPLink is removed, as samba-tool and GPMC do */
		rc = ad_ldap_swap(tmp, d->ldap, target, "gPLink", old && old[0] ? old : NULL,
				  value[0] ? value : NULL, NULL, reterr);
		if (rc != GPO_ECONFLICT)
			break;
		back_off(attempt);
	}
	if (rc == GPO_ECONFLICT)
		rc = gpo_fail(tmp, reterr, GPO_ECONFLICT, "the links of '%s' kept changing under "
			      "gpo-cep (%d attempts): nothing was changed; run again", target,
			      CAS_ATTEMPTS);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

struct link_args {
	const struct gpo_link_request *req;
	struct gpo_link_change *change;
	bool remove;
};

static uint32_t wanted_options(uint32_t old, const struct gpo_link_request *req)
{
	uint32_t v = old;

	if (req->enforced == GPO_LINK_ON)
		v |= GPO_LINK_ENFORCED;
	else if (req->enforced == GPO_LINK_OFF)
		v &= ~GPO_LINK_ENFORCED;
	if (req->disabled == GPO_LINK_ON)
		v |= GPO_LINK_DISABLED;
	else if (req->disabled == GPO_LINK_OFF)
		v &= ~GPO_LINK_DISABLED;
	return v;
}

/* A new link: at req->order, or with the lowest precedence (the start of gPLink). */
static int add_link(struct gplink *l, const struct gpo_domain_gpo *gpo, struct link_args *a)
{
	size_t pos = gplink_position(l, a->req->order);
	int rc;

	a->change->added = true;
	a->change->new_options = wanted_options(0, a->req);
	rc = gplink_insert(l, pos, gpo->dn, a->change->new_options);
	a->change->new_order = gplink_order(l, pos);
	return rc;
}

/* Move an existing link when req->order asks for another place. */
static void move_link(struct gplink *l, const char *dn, long *i, struct link_args *a)
{
	unsigned now = gplink_order(l, (size_t)*i);

	a->change->old_order = a->change->new_order = now;
	if (a->req->order == 0 || a->req->order == now)
		return;
	gplink_move(l, (size_t)*i, a->req->order);
	*i = gplink_find(l, dn);
	a->change->new_order = gplink_order(l, (size_t)*i);
	a->change->order_changed = a->change->new_order != now;
}

static int edit_link(struct gplink *l, const struct gpo_domain_gpo *gpo, void *arg,
		     bool *ret_change)
{
	struct link_args *a = arg;
	long i = gplink_find(l, gpo->dn);
	uint32_t want;

	*a->change = (struct gpo_link_change){ 0 };
	if (a->remove) {
		a->change->removed = gplink_remove(l, gpo->dn) > 0;
		*ret_change = a->change->removed;
		return 0;
	}
	if (i < 0) {
		*ret_change = true;
		return add_link(l, gpo, a);
	}
	move_link(l, gpo->dn, &i, a);
	*ret_change = a->change->order_changed;
	if (!l->entries[i].options_ok) {
		/* options we cannot read are only changed when asked, and then set whole */
		if (a->req->enforced == GPO_LINK_KEEP && a->req->disabled == GPO_LINK_KEEP)
			return 0;
		want = wanted_options(0, a->req);
	} else {
		want = wanted_options(l->entries[i].options, a->req);
		a->change->old_options = l->entries[i].options;
	}
	a->change->new_options = want;
	if (l->entries[i].options_ok && want == l->entries[i].options)
		return 0;
	*ret_change = a->change->options_changed = true;
	return gplink_set_options(l, (size_t)i, want);
}

/* Keep the caller's view of the GPO's links current. */
static void note_link(struct gpo_domain_gpo *gpo, const char *target,
		      const struct gpo_link_change *c)
{
	struct gpo_domain_link *grown;
	size_t i;

	for (i = 0; i < gpo->n_links; i++) {
		if (!gpo_dn_equal(gpo->links[i].dn, target))
			continue;
		if (c->removed) {
			gpo->links[i] = gpo->links[--gpo->n_links];
		} else {
			gpo->links[i].options = c->new_options;
			gpo->links[i].options_known = true;
			gpo->links[i].order = c->new_order;
		}
		return;
	}
	if (!c->added)
		return;
	grown = talloc_realloc(gpo, gpo->links, struct gpo_domain_link, gpo->n_links + 1);
	if (grown == NULL)
		return; /* the link is made; only the report would lack it */
	gpo->links = grown;
	grown[gpo->n_links++] = (struct gpo_domain_link){ .dn = talloc_strdup(grown, target),
							  .options = c->new_options,
							  .options_known = true,
							  .order = c->new_order };
}

/* Check the target, then link or unlink with a compare-and-swap. */
static int change_link(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *gpo,
		       const char *target_dn, struct link_args *a,
		       struct gpo_link_change *ret_change, struct gpo_error **reterr)
{
	int rc = gpo_domain_check_link_target(mem_ctx, d, target_dn, reterr);

	if (rc == 0)
		rc = edit_gplink(mem_ctx, d, gpo, target_dn, edit_link, a, reterr);
	if (rc != 0)
		return rc;
	note_link(gpo, target_dn, a->change);
	if (ret_change != NULL)
		*ret_change = *a->change;
	return 0;
}

int gpo_domain_link(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *gpo,
		    const char *target_dn, const struct gpo_link_request *req,
		    struct gpo_link_change *ret_change, struct gpo_error **reterr)
{
	struct gpo_link_change change = { 0 };
	struct link_args a = { .req = req, .change = &change };

	return change_link(mem_ctx, d, gpo, target_dn, &a, ret_change, reterr);
}

int gpo_domain_unlink(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *gpo,
		      const char *target_dn, struct gpo_link_change *ret_change,
		      struct gpo_error **reterr)
{
	struct gpo_link_change change = { 0 };
	struct gpo_link_request keep = { 0 };
	struct link_args a = { .req = &keep, .change = &change, .remove = true };

	return change_link(mem_ctx, d, gpo, target_dn, &a, ret_change, reterr);
}
