/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A GPO container's DACL as GPMC permission levels, and edited as GPMC edits it. */
#include <string.h>
#include <strings.h>

#include <gpo-cep/permissions.h>

#include "internal.h"
#include "sd_internal.h"

/* edacfd8f-ffb3-11d1-b41d-00a0c968f939 as it is on the wire */
static const uint8_t apply_guid[16] = { 0x8f, 0xfd, 0xac, 0xed, 0xb3, 0xff, 0xd1, 0x11,
					0xb4, 0x1d, 0x00, 0xa0, 0xc9, 0x68, 0xf9, 0x39 };

/* LIST_CONTENTS | READ_PROP | READ_CONTROL: what a client needs to read a GPO (libgpo) */
#define READ_NEEDED 0x00020014u

enum kind {
	K_CUSTOM,
	K_READ,
	K_EDIT,
	K_EDIT_SECURITY,
	K_EDIT_SECURITY_THIS, /* GPMC's Domain Admins entry for the container alone */
	K_APPLY,
	K_DENY_APPLY,
};

#define BIT(k) (1u << (k))
#define LEVEL_KINDS (BIT(K_READ) | BIT(K_EDIT) | BIT(K_EDIT_SECURITY) | BIT(K_EDIT_SECURITY_THIS))

static enum kind kind_of(const struct gpo_ace *a)
{
	bool apply_right = a->mask == GPO_PERM_MASK_CONTROL_ACCESS && a->object_flags == 1 &&
			   memcmp(a->object_type, apply_guid, 16) == 0;

	if (a->type == GPO_ACE_ALLOWED && a->flags == GPO_ACE_CONTAINER_INHERIT) {
		if (a->mask == GPO_PERM_MASK_READ)
			return K_READ;
		if (a->mask == GPO_PERM_MASK_EDIT)
			return K_EDIT;
		if (a->mask == GPO_PERM_MASK_EDIT_SECURITY)
			return K_EDIT_SECURITY;
	}
	if (a->type == GPO_ACE_ALLOWED && a->flags == 0 && a->mask == GPO_PERM_MASK_EDIT_SECURITY)
		return K_EDIT_SECURITY_THIS;
	if (a->type == GPO_ACE_ALLOWED_OBJECT && a->flags == GPO_ACE_CONTAINER_INHERIT &&
	    apply_right)
		return K_APPLY;
	if (a->type == GPO_ACE_DENIED_OBJECT && a->flags == GPO_ACE_CONTAINER_INHERIT &&
	    apply_right)
		return K_DENY_APPLY;
	return K_CUSTOM;
}

static const struct {
	enum gpo_perm_level level;
	const char *name, *title;
} levels[] = {
	{ GPO_PERM_NONE, "none", "None" },
	{ GPO_PERM_READ, "read", "Read" },
	{ GPO_PERM_APPLY, "apply", "Read, Apply (security filtering)" },
	{ GPO_PERM_EDIT, "edit", "Edit settings" },
	{ GPO_PERM_EDIT_SECURITY, "edit-security", "Edit settings, delete, modify security" },
	{ GPO_PERM_CUSTOM, "custom", "Custom" },
};

const char *gpo_perm_level_name(enum gpo_perm_level level)
{
	return (size_t)level < ARRAY_SIZE(levels) ? levels[level].name : "custom";
}

const char *gpo_perm_level_title(enum gpo_perm_level level)
{
	return (size_t)level < ARRAY_SIZE(levels) ? levels[level].title : "Custom";
}

int gpo_perm_level_parse(const char *name, enum gpo_perm_level *ret_level)
{
	size_t i;

	for (i = GPO_PERM_READ; i <= GPO_PERM_EDIT_SECURITY; i++) {
		if (strcmp(name, levels[i].name) == 0) {
			*ret_level = levels[i].level;
			return 0;
		}
	}
	return GPO_EINVAL;
}

static bool explicit(const struct gpo_ace *a)
{
	return !(a->flags & GPO_ACE_INHERITED);
}

/* The trustee's level from the kinds of its entries; the custom ones aside. */
static void settle_level(struct gpo_perm_trustee *t, unsigned kinds)
{
	t->apply = kinds & BIT(K_APPLY);
	t->deny_apply = kinds & BIT(K_DENY_APPLY);
	if (kinds & BIT(K_EDIT_SECURITY))
		t->gpmc = GPO_PERM_EDIT_SECURITY;
	else if (kinds & BIT(K_EDIT))
		t->gpmc = GPO_PERM_EDIT;
	else if (kinds & BIT(K_READ))
		t->gpmc = t->apply ? GPO_PERM_APPLY : GPO_PERM_READ;
	else
		t->gpmc = GPO_PERM_NONE;
	/* GPMC shows Custom for anything beyond its forms, a deny, or Apply without Read */
	t->level = t->gpmc;
	if (t->n_custom > 0 || t->deny_apply || (t->apply && t->gpmc == GPO_PERM_NONE))
		t->level = GPO_PERM_CUSTOM;
}

static int add_entry(struct gpo_perm_trustee *t, const struct gpo_ace *a, bool custom)
{
	struct gpo_ace **list = custom ? &t->custom : &t->aces;
	size_t *n = custom ? &t->n_custom : &t->n_aces;
	struct gpo_ace *grown = talloc_realloc(NULL, *list, struct gpo_ace, *n + 1);

	if (grown == NULL)
		return GPO_ENOMEM;
	grown[(*n)++] = *a;
	*list = grown;
	return 0;
}

/* The trustee of `sid` in list[0..*n), added when new. */
static struct gpo_perm_trustee *trustee_for(struct gpo_perm_trustee **list, size_t *n,
					    const struct gpo_sid *sid)
{
	struct gpo_perm_trustee *grown;
	size_t i;

	for (i = 0; i < *n; i++)
		if (gpo_sid_equal(&(*list)[i].sid, sid))
			return &(*list)[i];
	grown = talloc_realloc(NULL, *list, struct gpo_perm_trustee, *n + 1);
	if (grown == NULL)
		return NULL;
	*list = grown;
	grown[*n] = (struct gpo_perm_trustee){ .sid = *sid };
	return &grown[(*n)++];
}

int gpo_perm_read(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd,
		  struct gpo_perm_trustee **ret_trustees, size_t *ret_count)
{
	struct gpo_perm_trustee *list = talloc_array(mem_ctx, struct gpo_perm_trustee, 0);
	unsigned *kinds = talloc_zero_array(list, unsigned, sd->n_aces + 1);
	size_t n = 0, i;

	if (list == NULL || kinds == NULL)
		goto oom;
	for (i = 0; i < sd->n_aces; i++) {
		const struct gpo_ace *a = &sd->aces[i];
		struct gpo_perm_trustee *t = trustee_for(&list, &n, &a->trustee);
		enum kind k = explicit(a) ? kind_of(a) : K_CUSTOM;

		if (t == NULL || add_entry(t, a, false) != 0 ||
		    (k == K_CUSTOM && add_entry(t, a, true) != 0))
			goto oom;
		kinds[t - list] |= BIT(k);
	}
	for (i = 0; i < n; i++) {
		/* the container-only entry is Domain Admins' in GPMC's form, not alone */
		if ((kinds[i] & BIT(K_EDIT_SECURITY_THIS)) && !(kinds[i] & BIT(K_EDIT_SECURITY)))
			for (size_t j = 0; j < list[i].n_aces; j++)
				if (kind_of(&list[i].aces[j]) == K_EDIT_SECURITY_THIS &&
				    add_entry(&list[i], &list[i].aces[j], true) != 0)
					goto oom;
		talloc_steal(list, list[i].aces);
		talloc_steal(list, list[i].custom);
		settle_level(&list[i], kinds[i]);
	}
	talloc_free(kinds);
	*ret_trustees = list;
	*ret_count = n;
	return 0;
oom:
	for (i = 0; list != NULL && i < n; i++) {
		talloc_free(list[i].aces);
		talloc_free(list[i].custom);
	}
	talloc_free(list);
	return GPO_ENOMEM;
}

static struct gpo_ace make_ace(uint8_t type, uint32_t mask, bool object,
			       const struct gpo_sid *trustee)
{
	struct gpo_ace a = { .type = type, .flags = GPO_ACE_CONTAINER_INHERIT, .mask = mask,
			     .trustee = *trustee };

	if (object) {
		a.object_flags = 1;
		memcpy(a.object_type, apply_guid, 16);
	}
	return a;
}

static uint32_t level_mask(enum gpo_perm_level level)
{
	switch (level) {
	case GPO_PERM_READ:
	case GPO_PERM_APPLY:
		return GPO_PERM_MASK_READ;
	case GPO_PERM_EDIT:
		return GPO_PERM_MASK_EDIT;
	case GPO_PERM_EDIT_SECURITY:
		return GPO_PERM_MASK_EDIT_SECURITY;
	default:
		return 0;
	}
}

/* What one change removes, puts in place of the first level entry, and adds. */
struct change {
	unsigned remove;          /* kinds of the trustee's entries to remove */
	bool replace_level;       /* the first removed level entry becomes `level_ace` */
	struct gpo_ace level_ace;
	size_t n_add;             /* entries to add when the trustee lacks them */
	struct gpo_ace add[2];
};

static void plan_change(struct change *c, const struct gpo_sid *t, enum gpo_perm_op op,
			enum gpo_perm_level level, unsigned have)
{
	*c = (struct change){ 0 };
	if (op == GPO_PERM_REVOKE) {
		c->remove = LEVEL_KINDS | BIT(K_APPLY) | BIT(K_DENY_APPLY);
	} else if (op == GPO_PERM_REVOKE_APPLY) {
		c->remove = BIT(K_APPLY);
	} else if (op == GPO_PERM_REVOKE_DENY) {
		c->remove = BIT(K_DENY_APPLY);
	} else if (op == GPO_PERM_DENY_APPLY) {
		if (!(have & BIT(K_DENY_APPLY)))
			c->add[c->n_add++] = make_ace(GPO_ACE_DENIED_OBJECT,
						      GPO_PERM_MASK_CONTROL_ACCESS, true, t);
	} else if (level == GPO_PERM_APPLY) {
		c->remove = BIT(K_DENY_APPLY);
		if (!(have & (BIT(K_READ) | BIT(K_EDIT) | BIT(K_EDIT_SECURITY))))
			c->add[c->n_add++] = make_ace(GPO_ACE_ALLOWED, GPO_PERM_MASK_READ, false, t);
		if (!(have & BIT(K_APPLY)))
			c->add[c->n_add++] = make_ace(GPO_ACE_ALLOWED_OBJECT,
						      GPO_PERM_MASK_CONTROL_ACCESS, true, t);
	} else {
		enum kind want = level == GPO_PERM_READ ? K_READ
				 : level == GPO_PERM_EDIT ? K_EDIT : K_EDIT_SECURITY;

		/* the other levels go, and Read alone ends Apply; an edit level keeps it */
		c->remove = (LEVEL_KINDS & ~BIT(want)) | (level == GPO_PERM_READ ? BIT(K_APPLY) : 0);
		/* GPMC's container-only entry belongs with the top level, and stays with it */
		if (want == K_EDIT_SECURITY)
			c->remove &= ~BIT(K_EDIT_SECURITY_THIS);
		/* entries already in the level's form stay, repeats too */
		c->replace_level = !(have & BIT(want));
		c->level_ace = make_ace(GPO_ACE_ALLOWED, level_mask(level), false, t);
	}
}

/* Where a new entry goes: a deny before the first explicit allow, an allow after the last explicit entry. */
static size_t insert_at(const struct gpo_ace *aces, size_t n, bool deny)
{
	size_t i, last = 0;

	for (i = 0; i < n; i++) {
		if (!explicit(&aces[i]))
			continue;
		if (deny && aces[i].type != GPO_ACE_DENIED && aces[i].type != GPO_ACE_DENIED_OBJECT)
			return i;
		last = i + 1;
	}
	return last;
}

static void insert(struct gpo_ace *aces, size_t *n, const struct gpo_ace *a)
{
	bool deny = a->type == GPO_ACE_DENIED || a->type == GPO_ACE_DENIED_OBJECT;
	size_t at = insert_at(aces, *n, deny);

	memmove(&aces[at + 1], &aces[at], (*n - at) * sizeof(*aces));
	aces[at] = *a;
	(*n)++;
}

static unsigned kinds_of(const struct gpo_sd *sd, const struct gpo_sid *t)
{
	unsigned kinds = 0;
	size_t i;

	for (i = 0; i < sd->n_aces; i++)
		if (explicit(&sd->aces[i]) && gpo_sid_equal(&sd->aces[i].trustee, t))
			kinds |= BIT(kind_of(&sd->aces[i]));
	return kinds;
}

int gpo_perm_edit(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, const struct gpo_sid *trustee,
		  enum gpo_perm_op op, enum gpo_perm_level level, struct gpo_sd **ret_sd,
		  bool *ret_changed)
{
	struct gpo_sd *out;
	struct change c;
	size_t i, n = 0;
	bool placed = false;

	if (op == GPO_PERM_GRANT && level_mask(level) == 0)
		return GPO_EINVAL;
	plan_change(&c, trustee, op, level, kinds_of(sd, trustee));
	out = talloc_memdup(mem_ctx, sd, sizeof(*sd));
	if (out == NULL || !(out->aces = talloc_array(out, struct gpo_ace, sd->n_aces + 3))) {
		talloc_free(out);
		return GPO_ENOMEM;
	}
	for (i = 0; i < sd->n_aces; i++) {
		const struct gpo_ace *a = &sd->aces[i];
		enum kind k = kind_of(a);

		if (!explicit(a) || !gpo_sid_equal(&a->trustee, trustee) ||
		    !(c.remove & BIT(k))) {
			out->aces[n++] = *a;
			continue;
		}
		if (c.replace_level && !placed && (BIT(k) & LEVEL_KINDS)) {
			out->aces[n++] = c.level_ace;
			placed = true;
		}
	}
	if (c.replace_level && !placed)
		insert(out->aces, &n, &c.level_ace);
	for (i = 0; i < c.n_add; i++)
		insert(out->aces, &n, &c.add[i]);
	out->n_aces = n;
	*ret_changed = n != sd->n_aces;
	for (i = 0; !*ret_changed && i < n; i++)
		*ret_changed = !sd_ace_equal(&out->aces[i], &sd->aces[i]);
	*ret_sd = out;
	return 0;
}

static bool sid_is(const struct gpo_sid *s, uint64_t authority, size_t n, const uint32_t *sub)
{
	return s->authority == authority && s->n_sub == n && memcmp(s->sub, sub, n * 4) == 0;
}

/* A domain SID's RID `rid`. */
static bool domain_rid_is(const struct gpo_sid *s, const struct gpo_sid *domain, uint32_t rid)
{
	return domain != NULL && s->n_sub == domain->n_sub + 1 &&
	       s->authority == domain->authority &&
	       memcmp(s->sub, domain->sub, domain->n_sub * 4) == 0 && s->sub[domain->n_sub] == rid;
}

static const struct well_known {
	const char *alias, *name;
	uint64_t authority;
	size_t n_sub;       /* 0: a RID of the domain, in sub[0] */
	uint32_t sub[2];
} well_known[] = {
	{ "AU", "Authenticated Users", 5, 1, { 11 } },
	{ "WD", "Everyone", 1, 1, { 0 } },
	{ "SY", "SYSTEM", 5, 1, { 18 } },
	{ "CO", "CREATOR OWNER", 3, 1, { 0 } },
	{ "ED", "ENTERPRISE DOMAIN CONTROLLERS", 5, 1, { 9 } },
	{ "PS", "SELF", 5, 1, { 10 } },
	{ "AN", "ANONYMOUS LOGON", 5, 1, { 7 } },
	{ "BA", "Administrators", 5, 2, { 32, 544 } },
	{ "BU", "Users", 5, 2, { 32, 545 } },
	{ "RU", "Pre-Windows 2000 Compatible Access", 5, 2, { 32, 554 } },
	{ "DA", "Domain Admins", 5, 0, { 512 } },
	{ "DU", "Domain Users", 5, 0, { 513 } },
	{ "DG", "Domain Guests", 5, 0, { 514 } },
	{ "DC", "Domain Computers", 5, 0, { 515 } },
	{ "DD", "Domain Controllers", 5, 0, { 516 } },
	{ "CA", "Cert Publishers", 5, 0, { 517 } },
	{ "SA", "Schema Admins", 5, 0, { 518 } },
	{ "EA", "Enterprise Admins", 5, 0, { 519 } },
	{ "PA", "Group Policy Creator Owners", 5, 0, { 520 } },
};

static bool well_known_is(const struct well_known *w, const struct gpo_sid *s,
			  const struct gpo_sid *domain)
{
	if (w->n_sub == 0)
		return domain_rid_is(s, domain, w->sub[0]);
	return sid_is(s, w->authority, w->n_sub, w->sub);
}

const char *gpo_perm_well_known_name(const struct gpo_sid *sid, const struct gpo_sid *domain_sid)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(well_known); i++)
		if (well_known_is(&well_known[i], sid, domain_sid))
			return well_known[i].name;
	return NULL;
}

int gpo_perm_well_known(const char *name, const struct gpo_sid *domain_sid,
			struct gpo_sid *ret_sid)
{
	const char *nt = "NT AUTHORITY\\", *builtin = "BUILTIN\\";
	size_t i;

	if (strncasecmp(name, nt, strlen(nt)) == 0)
		name += strlen(nt);
	else if (strncasecmp(name, builtin, strlen(builtin)) == 0)
		name += strlen(builtin);
	for (i = 0; i < ARRAY_SIZE(well_known); i++) {
		const struct well_known *w = &well_known[i];
		struct gpo_sid s = { .revision = 1, .authority = w->authority };

		if (strcasecmp(name, w->alias) != 0 && strcasecmp(name, w->name) != 0)
			continue;
		if (w->n_sub == 0) {
			if (domain_sid == NULL)
				return GPO_ENOTFOUND;
			s = *domain_sid;
			s.sub[s.n_sub++] = w->sub[0];
		} else {
			s.n_sub = (uint8_t)w->n_sub;
			memcpy(s.sub, w->sub, sizeof(w->sub));
		}
		*ret_sid = s;
		return 0;
	}
	return GPO_ENOTFOUND;
}

static const char *alias_of(const struct gpo_sid *sid, const struct gpo_sid *domain)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(well_known); i++)
		if (well_known_is(&well_known[i], sid, domain))
			return well_known[i].alias;
	return NULL;
}

static char *rights_letters(TALLOC_CTX *mem_ctx, uint32_t mask)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} rights[] = {
		{ 0x1, "CC" }, { 0x2, "DC" }, { 0x4, "LC" }, { 0x8, "SW" }, { 0x10, "RP" },
		{ 0x20, "WP" }, { 0x40, "DT" }, { 0x80, "LO" }, { 0x100, "CR" },
		{ 0x10000, "SD" }, { 0x20000, "RC" }, { 0x40000, "WD" }, { 0x80000, "WO" },
		{ 0x10000000, "GA" }, { 0x20000000, "GX" }, { 0x40000000, "GW" },
		{ 0x80000000, "GR" },
	};
	char *s = talloc_strdup(mem_ctx, "");
	uint32_t left = mask;
	size_t i;

	for (i = 0; s != NULL && i < ARRAY_SIZE(rights); i++) {
		if (mask & rights[i].bit) {
			s = talloc_strdup_append(s, rights[i].name);
			left &= ~rights[i].bit;
		}
	}
	if (s != NULL && left != 0) {
		talloc_free(s);
		s = talloc_asprintf(mem_ctx, "0x%08lx", (unsigned long)mask);
	}
	return s;
}

char *gpo_perm_ace_sddl(TALLOC_CTX *mem_ctx, const struct gpo_ace *a,
			const struct gpo_sid *domain_sid)
{
	static const char *const types[] = { "A", "D", NULL, NULL, NULL, "OA", "OD" };
	static const char *const flag_names[] = { "OI", "CI", "NP", "IO", "ID" };
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *type = a->type < ARRAY_SIZE(types) ? types[a->type] : NULL;
	const char *who = alias_of(&a->trustee, domain_sid);
	char flags[16] = "";
	char *s = NULL;
	size_t f;

	for (f = 0; f < ARRAY_SIZE(flag_names); f++)
		if (a->flags & (1u << f))
			strcat(flags, flag_names[f]);
	if (tmp != NULL)
		s = talloc_asprintf(mem_ctx, "(%s;%s;%s;%s;%s;%s)",
				    type ? type : talloc_asprintf(tmp, "0x%02x", a->type), flags,
				    rights_letters(tmp, a->mask),
				    (a->object_flags & 1) ? sd_guid_string(tmp, a->object_type) : "",
				    (a->object_flags & 2) ? sd_guid_string(tmp, a->inherited_type) : "",
				    who ? who : gpo_sid_string(tmp, &a->trustee));
	talloc_free(tmp);
	return s;
}

/* Whether the allow entries naming `sid` let it read the container. */
static bool reads(const struct gpo_sd *sd, const struct gpo_sid *sid)
{
	uint32_t granted = 0;
	size_t i;

	for (i = 0; i < sd->n_aces; i++) {
		const struct gpo_ace *a = &sd->aces[i];

		if (a->type == GPO_ACE_ALLOWED && !(a->flags & GPO_ACE_INHERIT_ONLY) &&
		    gpo_sid_equal(&a->trustee, sid))
			granted |= a->mask & GPO_PERM_MASK_EDIT_SECURITY;
		if (a->type == GPO_ACE_ALLOWED && (a->mask & 0x10000000u) &&
		    !(a->flags & GPO_ACE_INHERIT_ONLY) && gpo_sid_equal(&a->trustee, sid))
			granted |= READ_NEEDED; /* GENERIC_ALL */
	}
	return (granted & READ_NEEDED) == READ_NEEDED;
}

static bool computers_read(const struct gpo_sd *sd, const struct gpo_sid *domain_sid)
{
	struct gpo_sid au = { .revision = 1, .authority = 5, .n_sub = 1, .sub = { 11 } };
	struct gpo_sid everyone = { .revision = 1, .authority = 1, .n_sub = 1, .sub = { 0 } };
	struct gpo_sid computers;

	if (reads(sd, &au) || reads(sd, &everyone))
		return true;
	if (domain_sid == NULL)
		return false;
	computers = *domain_sid;
	computers.sub[computers.n_sub++] = 515;
	return reads(sd, &computers);
}

/* Authenticated Users or Everyone: a deny for them reaches every client. */
static bool everybody(const struct gpo_sid *s)
{
	static const uint32_t au[] = { 11 }, world[] = { 0 };

	return sid_is(s, 5, 1, au) || sid_is(s, 1, 1, world);
}

int gpo_perm_check(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, const struct gpo_sid *domain_sid,
		   unsigned *ret_problems, char **ret_text)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_perm_trustee *t = NULL;
	size_t n = 0, i;
	unsigned problems = GPO_PERM_NO_APPLY;
	const char *everyone_denied = NULL;
	char *text;

	if (tmp == NULL || gpo_perm_read(tmp, sd, &t, &n) != 0)
		goto oom;
	text = talloc_strdup(tmp, "");
	for (i = 0; i < n; i++) {
		if (t[i].apply && !t[i].deny_apply)
			problems &= ~GPO_PERM_NO_APPLY;
		/* every client is one of these, and a deny wins over any allow */
		if (t[i].deny_apply && everybody(&t[i].sid))
			everyone_denied = gpo_perm_well_known_name(&t[i].sid, NULL);
		if (t[i].apply && !t[i].deny_apply && !reads(sd, &t[i].sid)) {
			const char *name = gpo_perm_well_known_name(&t[i].sid, domain_sid);

			problems |= GPO_PERM_HALF_FILTER;
			text = talloc_asprintf_append(text, "%s%s has Apply Group Policy but not "
						      "Read: the filter is half set and the GPO "
						      "never applies through it",
						      text && *text ? "; " : "",
						      name ? name : gpo_sid_string(tmp, &t[i].sid));
		}
	}
	if (text != NULL && everyone_denied != NULL)
		text = talloc_asprintf_append(text, "%s%s are denied Apply Group Policy, which "
					      "wins over every allow: the GPO applies to nobody",
					      *text ? "; " : "", everyone_denied);
	else if (text != NULL && (problems & GPO_PERM_NO_APPLY))
		text = talloc_asprintf_append(text, "%sno trustee has Apply Group Policy: the "
					      "GPO applies to nobody", *text ? "; " : "");
	if (everyone_denied != NULL)
		problems |= GPO_PERM_NO_APPLY;
	if (text != NULL && !computers_read(sd, domain_sid)) {
		problems |= GPO_PERM_NO_COMPUTER_READ;
		text = talloc_asprintf_append(text, "%sneither Authenticated Users, Everyone nor "
					      "Domain Computers may read the GPO: since MS16-072 "
					      "clients read user policy as the computer, and its "
					      "user settings stop applying", *text ? "; " : "");
	}
	if (text == NULL)
		goto oom;
	*ret_problems = problems;
	*ret_text = talloc_steal(mem_ctx, text);
	talloc_free(tmp);
	return 0;
oom:
	talloc_free(tmp);
	return GPO_ENOMEM;
}

/* f30e3bc2-9ff0-11d1-b603-0000f80367c1, groupPolicyContainer's schemaIDGUID, on the wire */
static const uint8_t gpc_class[16] = { 0xc2, 0x3b, 0x0e, 0xf3, 0xf0, 0x9f, 0xd1, 0x11,
				       0xb6, 0x03, 0x00, 0x00, 0xf8, 0x03, 0x67, 0xc1 };

static bool creates_gpos(const struct gpo_ace *a)
{
	bool object = a->type == GPO_ACE_ALLOWED_OBJECT && (a->object_flags & 1);

	if (a->flags & GPO_ACE_INHERIT_ONLY || !(a->mask & 0x1u))
		return false;
	if (a->type == GPO_ACE_ALLOWED)
		return true;
	return object && memcmp(a->object_type, gpc_class, 16) == 0;
}

static bool is_creator_entry(const struct gpo_ace *a, const struct gpo_sid *t)
{
	return a->type == GPO_ACE_ALLOWED_OBJECT && a->flags == 0 && a->mask == 0x1u &&
	       a->object_flags == 1 && memcmp(a->object_type, gpc_class, 16) == 0 &&
	       gpo_sid_equal(&a->trustee, t);
}

int gpo_perm_creators(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, struct gpo_sid **ret_sids,
		      size_t *ret_count)
{
	struct gpo_sid *sids = talloc_zero_array(mem_ctx, struct gpo_sid, sd->n_aces + 1);
	size_t n = 0, i, k;

	if (sids == NULL)
		return GPO_ENOMEM;
	for (i = 0; i < sd->n_aces; i++) {
		if (!creates_gpos(&sd->aces[i]))
			continue;
		for (k = 0; k < n && !gpo_sid_equal(&sids[k], &sd->aces[i].trustee); k++)
			;
		if (k == n)
			sids[n++] = sd->aces[i].trustee;
	}
	*ret_sids = sids;
	*ret_count = n;
	return 0;
}

int gpo_perm_edit_creator(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd,
			  const struct gpo_sid *trustee, bool grant, struct gpo_sd **ret_sd,
			  bool *ret_changed)
{
	struct gpo_sd *out = talloc_memdup(mem_ctx, sd, sizeof(*sd));
	struct gpo_ace entry = { .type = GPO_ACE_ALLOWED_OBJECT, .mask = 0x1u, .object_flags = 1,
				 .trustee = *trustee };
	size_t i, n = 0;
	bool had = false;

	if (out == NULL || !(out->aces = talloc_array(out, struct gpo_ace, sd->n_aces + 1))) {
		talloc_free(out);
		return GPO_ENOMEM;
	}
	memcpy(entry.object_type, gpc_class, 16);
	for (i = 0; i < sd->n_aces; i++) {
		if (is_creator_entry(&sd->aces[i], trustee) && explicit(&sd->aces[i])) {
			had = true;
			if (!grant)
				continue;
		}
		out->aces[n++] = sd->aces[i];
	}
	if (grant && !had)
		insert(out->aces, &n, &entry);
	out->n_aces = n;
	*ret_changed = grant != had;
	*ret_sd = out;
	return 0;
}

static bool listed(const struct gpo_sid *list, size_t n, const struct gpo_sid *sid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (gpo_sid_equal(&list[i], sid))
			return true;
	return false;
}

/* One change on *sd, kept on `mem_ctx`; *changed accumulates. */
static int step(TALLOC_CTX *mem_ctx, struct gpo_sd **sd, const struct gpo_sid *t,
		enum gpo_perm_op op, enum gpo_perm_level level, bool *changed)
{
	struct gpo_sd *next = NULL;
	bool c = false;
	int rc = gpo_perm_edit(mem_ctx, *sd, t, op, level, &next, &c);

	if (rc == 0) {
		*sd = next;
		*changed |= c;
	}
	return rc;
}

/* How far a trustee's GPMC level reads and edits: Apply counts as Read. */
static int rank(enum gpo_perm_level level)
{
	return level == GPO_PERM_APPLY ? GPO_PERM_READ : (int)level;
}

/* Who has Apply (or a deny) that the file does not name: it goes. */
static int drop_unlisted(TALLOC_CTX *mem_ctx, struct gpo_sd **sd, const struct gpo_perm_wanted *w,
			 bool *changed)
{
	struct gpo_perm_trustee *t = NULL;
	size_t n = 0, i;
	int rc = gpo_perm_read(mem_ctx, *sd, &t, &n);

	for (i = 0; rc == 0 && i < n; i++) {
		if (w->apply_given && t[i].apply && !listed(w->apply_to, w->n_apply_to, &t[i].sid))
			rc = step(mem_ctx, sd, &t[i].sid, GPO_PERM_REVOKE_APPLY, GPO_PERM_NONE,
				  changed);
		if (rc == 0 && w->deny_given && t[i].deny_apply &&
		    !listed(w->deny_apply, w->n_deny_apply, &t[i].sid))
			rc = step(mem_ctx, sd, &t[i].sid, GPO_PERM_REVOKE_DENY, GPO_PERM_NONE,
				  changed);
	}
	return rc;
}

/* Each at_least trustee up to its level, never down. */
static int raise_levels(TALLOC_CTX *mem_ctx, struct gpo_sd **sd, const struct gpo_perm_wanted *w,
			bool *changed)
{
	static const enum gpo_perm_level at_least[3] = { GPO_PERM_READ, GPO_PERM_EDIT,
							 GPO_PERM_EDIT_SECURITY };
	size_t k, i, j;
	int rc = 0;

	for (k = 0; rc == 0 && k < 3; k++) {
		for (i = 0; rc == 0 && i < w->n_at_least[k]; i++) {
			struct gpo_perm_trustee *t = NULL;
			size_t n = 0;
			int have = GPO_PERM_NONE;

			rc = gpo_perm_read(mem_ctx, *sd, &t, &n);
			for (j = 0; rc == 0 && j < n; j++)
				if (gpo_sid_equal(&t[j].sid, &w->at_least[k][i]))
					have = rank(t[j].gpmc);
			if (rc == 0 && have < (int)at_least[k])
				rc = step(mem_ctx, sd, &w->at_least[k][i], GPO_PERM_GRANT,
					  at_least[k], changed);
		}
	}
	return rc;
}

int gpo_perm_make(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, const struct gpo_perm_wanted *w,
		  struct gpo_sd **ret_sd, bool *ret_changed)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_sd *cur = discard_const(sd);
	bool changed = false;
	size_t i;
	int rc = tmp ? drop_unlisted(tmp, &cur, w, &changed) : GPO_ENOMEM;

	for (i = 0; rc == 0 && i < w->n_apply_to; i++)
		rc = step(tmp, &cur, &w->apply_to[i], GPO_PERM_GRANT, GPO_PERM_APPLY, &changed);
	for (i = 0; rc == 0 && w->deny_given && i < w->n_deny_apply; i++)
		rc = step(tmp, &cur, &w->deny_apply[i], GPO_PERM_DENY_APPLY, GPO_PERM_NONE,
			  &changed);
	if (rc == 0)
		rc = raise_levels(tmp, &cur, w, &changed);
	if (rc == 0) {
		struct gpo_sd *out = talloc_memdup(mem_ctx, cur, sizeof(*cur));

		if (out == NULL || (cur->n_aces && !(out->aces = talloc_memdup(
				out, cur->aces, cur->n_aces * sizeof(*cur->aces))))) {
			talloc_free(out);
			rc = GPO_ENOMEM;
		} else {
			/* steps may undo each other: what counts is the result */
			changed = out->n_aces != sd->n_aces;
			for (i = 0; !changed && i < out->n_aces; i++)
				changed = !sd_ace_equal(&out->aces[i], &sd->aces[i]);
			*ret_sd = out;
			*ret_changed = changed;
		}
	}
	talloc_free(tmp);
	return rc;
}
