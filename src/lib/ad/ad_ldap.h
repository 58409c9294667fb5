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

/*
 * scope: 0 base, 1 one level, 2 subtree.  `sd_flags` non-zero adds the SD
 * flags control.  Searches below the base are paged (RFC 2696), so that a DC
 * with a size limit (Windows: MaxPageSize 1000) still returns everything;
 * unpaged first after ad_ldap_unpaged_first().
 * A base that does not exist gives no entries, not an error.
 */
int ad_ldap_search(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *base, int scope,
		   const char *filter, const char *const *attrs, unsigned sd_flags,
		   struct ad_entry **ret_entries, size_t *ret_count, struct gpo_error **reterr);

/* The first value of `name` as a string, or NULL. */
const char *ad_entry_get(const struct ad_entry *e, const char *name);
const struct ad_attr *ad_entry_attr(const struct ad_entry *e, const char *name);

/*
 * Writes.  Errors go on `mem_ctx`.  GPO_ENET means the connection failed
 * while the request was out: it may or may not have been carried out, and
 * the caller must look before it says which.  GPO_EACCES: the DC refused
 * for want of a right.
 */

/* pairs: NULL-terminated name/value pairs; a name may repeat for several values. */
int ad_ldap_add(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, const char *const *pairs,
		struct gpo_error **reterr);
/* Replace each attribute with the one value given ("" or NULL value: delete it). */
int ad_ldap_replace(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn,
		    const char *const *pairs, struct gpo_error **reterr);
/*
 * Change the single-valued `attr` from exactly `old` (NULL: absent) to
 * `new_value` (NULL: remove it) in one modify, which the DC refuses when the
 * value is no longer `old`: GPO_ECONFLICT.  `pairs` are replaced in the
 * same operation (may be NULL).
 */
int ad_ldap_swap(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, const char *attr,
		 const char *old, const char *new_value, const char *const *pairs,
		 struct gpo_error **reterr);
/*
 * In a child process made by fork(): the connection inherited from the
 * parent is made to fail every call here (its socket becomes /dev/null,
 * read-only), so that nothing the child does reaches the parent's stream.
 * False when that could not be done: the child must not go on.
 */
bool ad_ldap_forsake(struct ad_ldap *l);

/*
 * Search below a base unpaged first (`yes`): for a DC whose root DSE says
 * it is Samba, which has no page limit.  An answer that shows a limit
 * turns paging back on for the connection.
 */
void ad_ldap_unpaged_first(struct ad_ldap *l, bool yes);
/* How many writes were tried on this connection: what was read before that may be stale. */
unsigned long ad_ldap_writes(const struct ad_ldap *l);
/* Replace the DACL of `dn` (nTSecurityDescriptor with the SD flags control for the DACL). */
int ad_ldap_set_dacl(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, const uint8_t *sd,
		     size_t len, struct gpo_error **reterr);
/*
 * Delete `dn`; with `tree`, its children too in one operation (the tree
 * delete control), which the DC carries out whole or not at all.  An
 * object that does not exist: GPO_ENOTFOUND.
 */
int ad_ldap_delete(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, bool tree,
		   struct gpo_error **reterr);

/* "ldap://host" as connected, for messages. */
const char *ad_ldap_uri(const struct ad_ldap *l);

#endif
