/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gPLink values as data, and DNs compared as RFC 4514 says.  Private, pure.
 *
 * A gPLink value is "[LDAP://<GPO DN>;<options>]..." as GPMC writes it, but
 * other tools write other things: a link without ";options", spaces between
 * entries, "gc://" or lower-case "ldap://" prefixes, options out of range.
 * Links are data: every entry that is not changed is written back byte for
 * byte, whatever it holds, and so is everything between entries.
 */
#ifndef GPO_CEP_GPLINK_H
#define GPO_CEP_GPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/domain.h>

struct gplink_entry {
	char *raw;          /* the text as found ("[...]" or what lies between entries) */
	bool is_link;       /* a "[...]" entry */
	char *dn;           /* its DN after "LDAP://" (any case) or "gc://"; NULL if none */
	bool options_ok;    /* ";N" with N a decimal number below 2^32 */
	uint32_t options;   /* GPO_LINK_DISABLED | GPO_LINK_ENFORCED */
};

struct gplink {
	size_t count;
	struct gplink_entry *entries;
};

/* Split a gPLink value (NULL or "" for none); never fails on content. */
int gplink_parse(TALLOC_CTX *mem_ctx, const char *value, struct gplink **ret);

/* The value again: unchanged entries exactly as read, in order. */
char *gplink_format(TALLOC_CTX *mem_ctx, const struct gplink *l);

/* The index of the entry linking `gpo_dn`, or -1.  More than one: the first. */
long gplink_find(const struct gplink *l, const char *gpo_dn);

/* How many entries link `gpo_dn` (a value edited by hand may repeat one). */
size_t gplink_count(const struct gplink *l, const char *gpo_dn);

/* Add a link entry "[LDAP://dn;options]" at `pos` (0: first, count: last). */
int gplink_insert(struct gplink *l, size_t pos, const char *gpo_dn, uint32_t options);

/* Set an entry's options; its text is rewritten, its DN spelling kept. */
int gplink_set_options(struct gplink *l, size_t i, uint32_t options);

/* Remove every entry linking `gpo_dn`; the number removed. */
size_t gplink_remove(struct gplink *l, const char *gpo_dn);

/*
 * GPMC's Link Order of entry i: 1 for the last link entry of the value
 * (clients apply gPLink in string order, so the last one wins), counting up
 * towards the first.
 */
unsigned gplink_order(const struct gplink *l, size_t i);

/*
 * Where a link of Link Order `order` goes: before the link entry that now
 * has that order, or after the last one for order 1.  0, or more than the
 * links there are plus one: the lowest precedence, before the first link.
 */
size_t gplink_position(const struct gplink *l, unsigned order);

/* Move entry i, its text unchanged, to Link Order `order` (as gplink_position). */
int gplink_move(struct gplink *l, size_t i, unsigned order);

/* gpo_dn_equal() and gpo_dn_valid() are public: gpo-cep/domain.h */

#endif
