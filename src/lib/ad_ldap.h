/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small libldap wrapper for AD: bind, search, add, modify, delete. Private. */
#ifndef GPO_CEP_AD_LDAP_H
#define GPO_CEP_AD_LDAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/domain.h>
#include <gpo-cep/error.h>

struct ad_ldap;

/* One attribute of a search result: its values (binary-safe). */
struct ad_attr {
	const char *name;
	size_t n_values;
	uint8_t **values;   /* each NUL-terminated for convenience */
	size_t *lengths;
};

struct ad_entry {
	char *dn;
	size_t n_attrs;
	struct ad_attr *attrs;
};

int ad_ldap_connect(TALLOC_CTX *mem_ctx, const char *host, const struct gpo_domain_options *o,
		    const char *password, struct ad_ldap **ret, struct gpo_error **reterr);

/* scope: 0 base, 1 one level, 2 subtree.  `sd_flags` non-zero adds the SD flags control. */
int ad_ldap_search(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *base, int scope,
		   const char *filter, const char *const *attrs, unsigned sd_flags,
		   struct ad_entry **ret_entries, size_t *ret_count, struct gpo_error **reterr);

/* The first value of `name` as a string, or NULL. */
const char *ad_entry_get(const struct ad_entry *e, const char *name);
const struct ad_attr *ad_entry_attr(const struct ad_entry *e, const char *name);

/* attrs: NULL-terminated name/value pairs; a name may repeat for several values. */
int ad_ldap_add(struct ad_ldap *l, const char *dn, const char *const *pairs,
		struct gpo_error **reterr);
/* Replace each attribute with the one value given ("" or NULL value: delete it). */
int ad_ldap_replace(struct ad_ldap *l, const char *dn, const char *const *pairs,
		    struct gpo_error **reterr);
/*
 * Change `attr` from `old` to `new` in one modify (delete the old value, add
 * the new one), which the server refuses when the value is no longer `old`:
 * GPO_ECONFLICT.  `pairs` are replaced in the same operation.
 */
int ad_ldap_swap(struct ad_ldap *l, const char *dn, const char *attr, const char *old,
		 const char *new_value, const char *const *pairs, struct gpo_error **reterr);
/* Replace the DACL of `dn` (nTSecurityDescriptor with the SD flags control for the DACL). */
int ad_ldap_set_dacl(struct ad_ldap *l, const char *dn, const uint8_t *sd, size_t len,
		     struct gpo_error **reterr);
int ad_ldap_delete(struct ad_ldap *l, const char *dn, struct gpo_error **reterr);

/* "ldap://host" as connected, for messages. */
const char *ad_ldap_uri(const struct ad_ldap *l);

#endif
