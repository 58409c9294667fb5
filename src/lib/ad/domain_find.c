/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding GPOs, their links and files; whether a GPO is complete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpo-cep/gptini.h>

#include "domain_internal.h"
#include "gplink.h"
#include "internal.h"

static int by_name(const void *a, const void *b)
{
	const struct gpo_domain_gpo *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->guid, y->guid);
}

bool domain_gpo_dn_guid(const struct gpo_domain *d, const char *dn, char out[39])
{
	char *policies = domain_policies_dn(NULL, d);
	const char *comma = strchr(dn, ',');
	bool ok = comma != NULL && ascii_strncasecmp(dn, "CN=", 3) == 0 && policies != NULL &&
		  gpo_dn_equal(comma + 1, policies);

	if (ok) {
		char *cn = talloc_strndup(policies, dn + 3, (size_t)(comma - dn - 3));

		ok = cn != NULL && gpo_guid_normalize(cn, out) == 0;
	}
	talloc_free(policies);
	return ok;
}

static int listed_by_guid(const void *a, const void *b)
{
	return strcmp(((const struct domain_listed *)a)->guid,
		      ((const struct domain_listed *)b)->guid);
}

bool domain_listed_guid(const struct gpo_domain *d, const char *guid,
			const struct domain_listed **ret)
{
	struct domain_listed key;

	*ret = NULL;
	if (d->listing == NULL || d->listing->ldap != d->ldap ||
	    d->listing->ldap_writes != ad_ldap_writes(d->ldap) ||
	    gpo_guid_normalize(guid, key.guid) != 0)
		return false;
	*ret = bsearch(&key, d->listing->gpo, d->listing->n, sizeof(key), listed_by_guid);
	return true;
}

const struct domain_listed *domain_listed(const struct gpo_domain *d, const char *dn)
{
	const struct domain_listed *found = NULL;
	char guid[39];

	if (domain_gpo_dn_guid(d, dn, guid))
		domain_listed_guid(d, guid, &found);
	return found;
}

static struct domain_listed *listed_mut(struct domain_listing *l, const char *guid)
{
	struct domain_listed key;

	snprintf(key.guid, sizeof(key.guid), "%s", guid);
	return bsearch(&key, l->gpo, l->n, sizeof(key), listed_by_guid);
}

/* The containers' descriptors and children, sorted by GUID, for domain_listed. */
static int read_listing(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const struct ad_entry *e,
			size_t n, bool children, struct domain_listing **ret,
			struct gpo_error **reterr)
{
	static const char *const attrs[] = { "cn", NULL };
	struct domain_listing *l = talloc_zero(mem_ctx, struct domain_listing);
	struct ad_entry *kids = NULL;
	size_t n_kids = 0, i;
	int rc = 0;

	if (l == NULL || (l->gpo = talloc_zero_array(l, struct domain_listed, n ? n : 1)) == NULL)
		return gpo_oom(mem_ctx, reterr);
	for (i = 0; i < n; i++) {
		const struct ad_attr *sd = ad_entry_attr(&e[i], "nTSecurityDescriptor");
		struct domain_listed *g = &l->gpo[l->n];

		if (gpo_guid_normalize(ad_entry_get(&e[i], "cn") ? ad_entry_get(&e[i], "cn") : "",
				       g->guid) != 0)
			continue;
		if (sd != NULL && sd->n_values == 1) {
			g->sd = talloc_memdup(l->gpo, sd->values[0], sd->lengths[0]);
			g->sd_len = sd->lengths[0];
		}
		g->have_gpo = domain_fill_gpo(l->gpo, &e[i], &g->gpo) == 0;
		l->n++;
	}
	qsort(l->gpo, l->n, sizeof(*l->gpo), listed_by_guid);
	/* every GPO's children in one search, not one per GPO */
	if (children)
		rc = ad_ldap_search(mem_ctx, d->ldap, domain_policies_dn(mem_ctx, d), 2,
				    "(&(objectClass=container)(|(cn=Machine)(cn=User)))", attrs, 0,
				    &kids, &n_kids, reterr);
	l->children_read = children;
	for (i = 0; rc == 0 && i < n_kids; i++) {
		const char *comma = strchr(kids[i].dn, ','), *cn = ad_entry_get(&kids[i], "cn");
		struct domain_listed *g;
		char guid[39];

		if (comma == NULL || cn == NULL || !domain_gpo_dn_guid(d, comma + 1, guid) ||
		    (g = listed_mut(l, guid)) == NULL)
			continue;
		g->user |= ascii_strcasecmp(cn, "User") == 0;
		g->machine |= ascii_strcasecmp(cn, "Machine") == 0;
	}
	l->ldap = d->ldap;
	l->ldap_writes = ad_ldap_writes(d->ldap);
	if (rc == 0)
		*ret = l;
	else
		talloc_free(l);
	return rc;
}

static int gpo_by_guid(const void *a, const void *b)
{
	return strcmp(((const struct gpo_domain_gpo *)a)->guid,
		      ((const struct gpo_domain_gpo *)b)->guid);
}

/*
 * The links to the GPOs `gpos` (sorted by GUID) held by the objects that
 * `filter` finds, appended to each GPO's links in the order AD lists them.
 */
static int add_links(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *filter,
		     struct gpo_domain_gpo *gpos, size_t n, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "gPLink", NULL };
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_entry *e = NULL;
	size_t n_e = 0, i, k;
	int rc = filter ? ad_ldap_search(tmp, d->ldap, d->base_dn, 2, filter, attrs, 0, &e, &n_e,
					 reterr)
			: gpo_oom(tmp, reterr);

	for (i = 0; rc == 0 && i < n_e; i++) {
		struct gplink *l = NULL;

		if (gplink_parse(tmp, ad_entry_get(&e[i], "gPLink"), &l) != 0) {
			rc = gpo_oom(tmp, reterr);
			break;
		}
		for (k = 0; rc == 0 && k < l->count; k++) {
			const struct gplink_entry *le = &l->entries[k];
			struct gpo_domain_gpo key, *g;
			struct gpo_domain_link *grown;

			if (!le->is_link || le->dn == NULL || !domain_gpo_dn_guid(d, le->dn, key.guid) ||
			    (g = bsearch(&key, gpos, n, sizeof(*gpos), gpo_by_guid)) == NULL)
				continue;
			grown = talloc_realloc(mem_ctx, g->links, struct gpo_domain_link,
					       g->n_links + 1);
			if (grown == NULL) {
				rc = gpo_oom(tmp, reterr);
				break;
			}
			g->links = grown;
			grown[g->n_links++] = (struct gpo_domain_link){
				.dn = talloc_strdup(grown, e[i].dn),
				.options = le->options,
				.options_known = le->options_ok,
				.order = gplink_order(l, k),
			};
		}
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* Every link to `g`, from the objects whose gPLink names its GUID. */
static int find_links(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct gpo_domain_gpo *g,
		      struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *filter = talloc_asprintf(tmp, "(gPLink=*%s*)", domain_filter_escape(tmp, g->guid));
	int rc = add_links(mem_ctx, d, filter, g, 1, reterr);

	talloc_free(tmp);
	return rc;
}

int gpo_domain_list_gpos(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 struct gpo_domain_gpo **ret_gpos, size_t *ret_count,
			 struct gpo_error **reterr)
{
	return gpo_domain_list_gpos_for(mem_ctx, d, GPO_DOMAIN_LISTING_FULL, ret_gpos, ret_count,
					reterr);
}

int gpo_domain_list_gpos_for(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			     enum gpo_domain_listing what, struct gpo_domain_gpo **ret_gpos,
			     size_t *ret_count, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char **attrs = NULL;
	struct ad_entry *e = NULL;
	struct domain_listing *listing = NULL;
	struct gpo_domain_gpo *gpos = NULL;
	size_t n = 0, n_attrs, i, k = 0;
	int rc;

	/* the descriptors come along: the checks that follow need them all */
	for (n_attrs = 0; domain_gpo_attrs[n_attrs] != NULL; n_attrs++)
		;
	attrs = talloc_zero_array(tmp, const char *, n_attrs + 2);
	if (attrs == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	memcpy(attrs, domain_gpo_attrs, n_attrs * sizeof(*attrs));
	attrs[n_attrs] = "nTSecurityDescriptor";
	rc = ad_ldap_search(tmp, d->ldap, domain_policies_dn(tmp, d), 1,
			    "(objectClass=groupPolicyContainer)", attrs, SD_OWNER_GROUP_DACL, &e, &n,
			    reterr);
	if (rc == 0)
		gpos = talloc_zero_array(mem_ctx, struct gpo_domain_gpo, n ? n : 1);
	for (i = 0; rc == 0 && gpos != NULL && i < n; i++)
		if (domain_fill_gpo(gpos, &e[i], &gpos[k]) == 0)
			k++;
	if (rc == 0 && gpos == NULL)
		rc = gpo_oom(mem_ctx, reterr);
	if (rc == 0) {
		qsort(gpos, k, sizeof(*gpos), gpo_by_guid);
		rc = add_links(gpos, d, "(gPLink=*)", gpos, k, reterr);
	}
	if (rc == 0)
		rc = read_listing(d, d, e, n, what != GPO_DOMAIN_LISTING_NO_CHILDREN, &listing,
				  reterr);
	/* the per-GPO checks need them: read now, they need no LDAP of their own (--jobs) */
	if (rc == 0)
		rc = domain_names(tmp, d, reterr);
	if (rc == 0) {
		talloc_free(d->listing);
		d->listing = listing;
		qsort(gpos, k, sizeof(*gpos), by_name);
		*ret_gpos = gpos;
		*ret_count = k;
	} else {
		talloc_free(gpos);
		talloc_free(listing);
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* "{GUID}" only: a name that looks like a GUID is still a name. */
static bool braced_guid(const char *which, char out[39])
{
	size_t n = strlen(which);

	return n == 38 && which[0] == '{' && which[37] == '}' && gpo_guid_normalize(which, out) == 0;
}

static int find(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *which, bool guid_ok,
		struct gpo_domain_gpo **ret_gpo, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_gpo *g;
	struct ad_entry *e = NULL;
	char guid[39], *filter;
	size_t n = 0, i;
	bool by_guid = guid_ok && braced_guid(which, guid);
	int rc;

	filter = by_guid ? talloc_asprintf(tmp, "(&(objectClass=groupPolicyContainer)(cn=%s))", guid)
			 : talloc_asprintf(tmp, "(&(objectClass=groupPolicyContainer)(displayName=%s))",
					   domain_filter_escape(tmp, which));
	rc = filter ? ad_ldap_search(tmp, d->ldap, domain_policies_dn(tmp, d), 1, filter,
				     domain_gpo_attrs, 0, &e, &n, reterr)
		    : gpo_oom(tmp, reterr);
	if (rc != 0)
		goto out;
	/* LDAP matches names without regard to case; a display name is taken as written */
	for (i = 0; !by_guid && i < n; i++)
		if (strcmp(ad_entry_get(&e[i], "displayName") ? ad_entry_get(&e[i], "displayName") : "",
			   which) != 0)
			e[i--] = e[--n];
	if (n == 0) {
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "no GPO %s%s%s in %s", by_guid ? "" : "'",
			      which, by_guid ? "" : "'", d->realm);
		goto out;
	}
	if (n > 1) {
		char *list = talloc_strdup(tmp, "");

		for (i = 0; list != NULL && i < n; i++)
			list = talloc_asprintf_append(list, "%s%s", i ? ", " : "",
						      ad_entry_get(&e[i], "cn"));
		rc = gpo_fail(tmp, reterr, GPO_EEXIST, "%zu GPOs are named '%s' (%s): give the "
			      "GUID in braces", n, which, list ? list : "");
		goto out;
	}
	g = talloc_zero(mem_ctx, struct gpo_domain_gpo);
	if (g == NULL || domain_fill_gpo(g, &e[0], g) != 0) {
		talloc_free(g);
		rc = gpo_fail(tmp, reterr, GPO_ERROR, "GPO '%s' has a malformed container", which);
		goto out;
	}
	rc = find_links(g, d, g, reterr);
	if (rc == 0)
		*ret_gpo = g;
	else
		talloc_free(g);
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int gpo_domain_find_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *which,
			struct gpo_domain_gpo **ret_gpo, struct gpo_error **reterr)
{
	return find(mem_ctx, d, which, true, ret_gpo, reterr);
}

int gpo_domain_find_gpo_by_name(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *name,
				struct gpo_domain_gpo **ret_gpo, struct gpo_error **reterr)
{
	return find(mem_ctx, d, name, false, ret_gpo, reterr);
}

static char *dup_or_null(TALLOC_CTX *mem_ctx, const char *s, bool *ok)
{
	char *copy = s ? talloc_strdup(mem_ctx, s) : NULL;

	*ok &= s == NULL || copy != NULL;
	return copy;
}

/* A copy of `v` on `mem_ctx`; false when out of memory. */
static bool copy_view(TALLOC_CTX *mem_ctx, const struct domain_view *v, struct domain_view *out)
{
	bool ok = true;
	int k;

	*out = *v;
	out->gpt_ini = dup_or_null(mem_ctx, v->gpt_ini, &ok);
	for (k = 0; k < 2; k++) {
		out->pol[k] = dup_or_null(mem_ctx, v->pol[k], &ok);
		out->scope_dir[k] = dup_or_null(mem_ctx, v->scope_dir[k], &ok);
	}
	return ok;
}

/* What gpo_domain_check_gpo saw, for a read of the same GPO right after. */
static void remember_check(struct gpo_domain *d, const char *guid, const struct domain_view *v,
			   const uint8_t *gpt_ini, size_t gpt_ini_len)
{
	struct domain_checked *c = d->smb ? talloc_zero(d, struct domain_checked) : NULL;

	TALLOC_FREE(d->checked);
	if (c == NULL || !copy_view(c, v, &c->view) ||
	    (gpt_ini != NULL && (c->gpt_ini = talloc_memdup(c, gpt_ini, gpt_ini_len)) == NULL)) {
		talloc_free(c);
		return; /* nothing remembered: the read reads again */
	}
	c->gpt_ini_len = gpt_ini_len;
	c->smb = d->smb;
	c->smb_writes = ad_smb_writes(d->smb);
	snprintf(c->guid, sizeof(c->guid), "%s", guid);
	d->checked = c;
}

/* The check of `guid` just made, when nothing was written since; else NULL. */
static const struct domain_checked *recall_check(const struct gpo_domain *d, const char *guid)
{
	const struct domain_checked *c = d->checked;

	return c != NULL && c->smb == d->smb && c->smb_writes == ad_smb_writes(d->smb) &&
			       strcmp(c->guid, guid) == 0
		       ? c
		       : NULL;
}

/*
 * Read the file `slot` from `smb_path` (which may be a file of an
 * interrupted update); its name is the final one, in the folder `dir`
 * (NULL: the GPO folder) as spelled there.
 */
static int read_slot(struct gpo_files *c, struct gpo_domain *d, const struct domain_checked *checked,
		     const char *smb_path, const char *dir, enum gpo_file_slot slot,
		     struct gpo_error **reterr)
{
	struct gpo_file *f = &c->file[slot];
	/* "gpt.ini" as spelled, without a suffix such as .gpo-cep-new */
	const char *base = slot == GPO_FILE_GPT_INI ? strrchr(smb_path, '/') + 1 : "Registry.pol";
	int base_len = slot == GPO_FILE_GPT_INI ? (int)strlen("GPT.INI") : (int)strlen(base);

	f->path = dir ? talloc_asprintf(c, "%s/%.*s", dir, base_len, base)
		      : talloc_asprintf(c, "%.*s", base_len, base);
	if (f->path == NULL)
		return gpo_oom(c, reterr);
	if (slot == GPO_FILE_GPT_INI && checked != NULL && checked->gpt_ini != NULL) {
		f->data = talloc_memdup(c, checked->gpt_ini, checked->gpt_ini_len);
		f->len = checked->gpt_ini_len;
		return f->data != NULL || f->len == 0 ? 0 : gpo_oom(c, reterr);
	}
	return ad_smb_read(c, d->smb, smb_path, GPO_FILE_MAX, &f->data, &f->len, reterr);
}

/* Registry.pol of scope k; named by a glance, it may be absent or stood for by another file. */
static int read_pol(struct gpo_files *c, struct gpo_domain *d, const struct domain_checked *checked,
		    const char *path, const struct domain_view *v, int k, struct gpo_error **reterr)
{
	struct gpo_file *f = &c->file[GPO_FILE_POL(k)];
	char *instead = NULL;
	int rc = read_slot(c, d, checked, v->pol[k], v->scope_dir[k], GPO_FILE_POL(k), reterr);

	if (rc != GPO_ENOTFOUND || !v->pol_unlisted[k])
		return rc;
	if (reterr != NULL)
		TALLOC_FREE(*reterr);
	TALLOC_FREE(f->path);
	rc = domain_view_scope(c, d, path, v->scope_dir[k], &instead, reterr);
	if (rc == 0 && instead != NULL)
		rc = read_slot(c, d, checked, instead, v->scope_dir[k], GPO_FILE_POL(k), reterr);
	return rc;
}

int gpo_domain_read_files(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			  const struct gpo_domain_gpo *gpo, struct gpo_files **ret_files,
			  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_files *c = talloc_zero(tmp, struct gpo_files);
	char *path = domain_sysvol_path(tmp, d, gpo->guid);
	const struct domain_checked *checked = NULL;
	struct domain_view v;
	int rc, k;

	if (c == NULL || path == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	rc = domain_smb(tmp, d, reterr);
	if (rc == 0 && (checked = recall_check(d, gpo->guid)) != NULL)
		rc = copy_view(tmp, &checked->view, &v) ? 0 : gpo_oom(tmp, reterr);
	else if (rc == 0)
		rc = domain_view_folder(tmp, d, path, &v, reterr);
	if (rc == 0 && !v.folder)
		rc = gpo_fail(tmp, reterr, GPO_ENOTFOUND, "GPO %s has no SYSVOL folder (%s): an "
			      "interrupted create? 'gpo-cep apply' completes it, 'gpo-cep delete' "
			      "removes it", gpo->guid, domain_unc_path(tmp, d, gpo->guid));
	c->folder = domain_unc_path(c, d, gpo->guid);
	if (rc == 0 && v.gpt_ini != NULL)
		rc = read_slot(c, d, checked, v.gpt_ini, NULL, GPO_FILE_GPT_INI, reterr);
	for (k = 0; rc == 0 && k < 2; k++)
		if (v.pol[k] != NULL)
			rc = read_pol(c, d, checked, path, &v, k, reterr);
	if (rc == 0)
		*ret_files = talloc_steal(mem_ctx, c);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* Whether the container has its CN=User and CN=Machine children. */
static int children_present(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
			    bool *ret_ok, struct gpo_error **reterr)
{
	static const char *const attrs[] = { "cn", NULL };
	const struct domain_listed *listed = domain_listed(d, dn);
	struct ad_entry *e = NULL;
	size_t n = 0, i;
	bool user = false, machine = false;
	int rc;

	if (listed != NULL && d->listing->children_read) {
		*ret_ok = listed->user && listed->machine;
		return 0;
	}
	rc = ad_ldap_search(mem_ctx, d->ldap, dn, 1, "(objectClass=container)", attrs, 0, &e, &n,
			    reterr);

	for (i = 0; rc == 0 && i < n; i++) {
		const char *cn = ad_entry_get(&e[i], "cn");

		user |= cn != NULL && ascii_strcasecmp(cn, "User") == 0;
		machine |= cn != NULL && ascii_strcasecmp(cn, "Machine") == 0;
	}
	*ret_ok = user && machine;
	return rc;
}

static void problem(struct gpo_domain_state *s, unsigned bit, const char *text)
{
	s->problems |= bit;
	s->description = talloc_asprintf_append(s->description, "%s%s",
						s->description[0] ? "; " : "", text);
}

/* GPT.INI's Version against the container's versionNumber; read problems are problems too. */
static void check_gpt_version(TALLOC_CTX *tmp, struct gpo_domain *d,
			      const struct gpo_domain_gpo *gpo, const struct domain_view *v,
			      struct gpo_domain_state *s, uint8_t **ret_data, size_t *ret_len)
{
	uint8_t *data = NULL;
	size_t len = 0;
	struct gpo_gptini *ini = NULL;
	uint32_t version = 0;
	bool read = ad_smb_read(tmp, d->smb, v->gpt_ini, GPO_FILE_MAX, &data, &len, NULL) == 0;

	if (read) {
		*ret_data = data;
		*ret_len = len;
	}
	if (read && gpo_gptini_parse(tmp, (const char *)data, len, &ini, NULL) == 0 &&
	    gpo_gptini_get_version(ini, &version, NULL) == 0) {
		s->have_gpt_version = true;
		s->gpt_version = version;
		if (version != gpo->version)
			problem(s, GPO_PROBLEM_VERSION,
				talloc_asprintf(tmp, "GPT.INI Version %lu, versionNumber %lu",
						(unsigned long)version,
						(unsigned long)gpo->version));
	} else {
		problem(s, GPO_PROBLEM_VERSION, "GPT.INI has no readable Version");
	}
}

int domain_folder_acl_same(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *dn,
			   const char *path, bool *ret_same, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_sd *want = NULL, *have = NULL;
	struct gpo_sd_diff *diff = NULL;
	int rc;

	rc = domain_wanted_fs_sd(tmp, d, dn, false, &want, reterr);
	if (rc == 0)
		rc = ad_smb_get_sd(tmp, d->smb, path, &have, reterr);
	if (rc == 0 && gpo_sd_compare_access(tmp, want, have, &diff) != 0)
		rc = gpo_oom(tmp, reterr);
	if (rc == 0)
		*ret_same = diff->same;
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

/* The SYSVOL folder's ACL against the one its container's descriptor asks for. */
static int check_folder_acl(TALLOC_CTX *tmp, struct gpo_domain *d,
			    const struct gpo_domain_gpo *gpo, const char *path,
			    struct gpo_domain_state *s, struct gpo_error **reterr)
{
	bool same = false;
	int rc = domain_folder_acl_same(tmp, d, gpo->dn, path, &same, reterr);

	if (rc == 0 && !same)
		problem(s, GPO_PROBLEM_ACL, "the SYSVOL folder's ACL is not the container's "
			"('gpo-cep acl' says how)");
	return rc;
}

/* Who may apply and read the GPO: the problems gpo-cep permissions refuses to cause. */
static int check_permissions(TALLOC_CTX *tmp, struct gpo_domain *d,
			     const struct gpo_domain_gpo *gpo, struct gpo_domain_state *s,
			     struct gpo_error **reterr)
{
	struct gpo_sd *sd = NULL;
	char *text = NULL;
	int rc = domain_names(tmp, d, reterr);

	if (rc == 0)
		rc = domain_read_sd(tmp, d, gpo->dn, &sd, reterr);
	if (rc == 0 && gpo_perm_check(tmp, sd, d->domain_sid, &s->permission_problems, &text) != 0)
		rc = gpo_oom(tmp, reterr);
	if (rc == 0 && s->permission_problems)
		problem(s, GPO_PROBLEM_PERMISSIONS, text);
	return rc;
}

int gpo_domain_check_gpo(TALLOC_CTX *mem_ctx, struct gpo_domain *d,
			 const struct gpo_domain_gpo *gpo, struct gpo_domain_state **ret_state,
			 struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_domain_state *s = talloc_zero(tmp, struct gpo_domain_state);
	char *path = domain_sysvol_path(tmp, d, gpo->guid);
	struct domain_view v;
	bool children = false;
	uint8_t *gpt_ini = NULL;
	size_t gpt_ini_len = 0;
	int rc;

	if (s == NULL || path == NULL || (s->description = talloc_strdup(s, "")) == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	rc = children_present(tmp, d, gpo->dn, &children, reterr);
	if (rc == 0)
		rc = domain_smb(tmp, d, reterr);
	if (rc == 0)
		rc = domain_glance_folder(tmp, d, path, &v, reterr);
	if (rc != 0)
		goto out;
	if (!children)
		problem(s, GPO_PROBLEM_NO_CHILDREN, "CN=User or CN=Machine missing in AD");
	if (!v.folder) {
		problem(s, GPO_PROBLEM_NO_FOLDER, "no SYSVOL folder");
	} else if (v.gpt_ini == NULL) {
		problem(s, GPO_PROBLEM_NO_GPT_INI, "no GPT.INI");
	} else {
		check_gpt_version(tmp, d, gpo, &v, s, &gpt_ini, &gpt_ini_len);
	}
	remember_check(d, gpo->guid, &v, gpt_ini, gpt_ini_len);
	if (v.folder) {
		rc = check_folder_acl(tmp, d, gpo, path, s, reterr);
		if (rc != 0)
			goto out;
	}
	rc = check_permissions(tmp, d, gpo, s, reterr);
	if (rc != 0)
		goto out;
	if (v.unfinished)
		problem(s, GPO_PROBLEM_INTERRUPTED, "files of an interrupted update");
	if (v.locked)
		problem(s, GPO_PROBLEM_LOCKED, "locked by a gpo-cep run (gpo-cep.lock)");
	if (s->description == NULL)
		rc = gpo_oom(tmp, reterr);
	else
		*ret_state = talloc_steal(mem_ctx, s);
out:
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
