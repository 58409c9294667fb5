/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which records of a Registry.pol a client ends up with, as it applies
 * them in order: a value a later **DeleteKeys, **DeleteValues, **Del.NAME or
 * **DelVals. removes is not a setting, and of two records for one value the
 * later wins.  gpo_cep_scope_decode reads only what survives, so `show`
 * never reports a setting that clients delete (doc/registry-pol.md).
 */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep/cep.h>

#include "internal.h"
#include "policy_internal.h"

/* `key` is `parent` or below it. */
static bool key_under(const char *key, const char *parent, size_t n)
{
	return ascii_strncasecmp(key, parent, n) == 0 && (key[n] == '\0' || key[n] == '\\');
}

/* Whether `list` (';'-separated) holds `name`, case-insensitively, or a key above it. */
static bool in_list(const char *list, const char *name, bool keys, const char *base)
{
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ";"), b = strlen(base);

		if (n > 0 && !keys && strlen(name) == n && ascii_strncasecmp(name, p, n) == 0)
			return true;
		/* a key given in full, or relative to the record's own key */
		if (n > 0 && keys && (key_under(name, p, n) ||
				      (ascii_strncasecmp(name, base, b) == 0 && name[b] == '\\' &&
				       key_under(name + b + 1, p, n))))
			return true;
		if (p[n] == '\0')
			return false;
		p += n + 1;
	}
}

/* Whether the control record `del` removes the value `r`. */
static bool deletes(TALLOC_CTX *tmp, const struct gpo_preg_record *del,
		    const struct gpo_preg_record *r)
{
	enum gpo_preg_special kind = gpo_preg_special_of(del->value);
	bool same_key = ascii_strcasecmp(del->key, r->key) == 0;
	char *list = NULL;

	switch (kind) {
	case GPO_PREG_DELETE_KEYS:
	case GPO_PREG_DELETE_VALUES:
		if (del->type != GPO_REG_SZ || gpo_preg_get_sz(tmp, del, &list, NULL) != 0)
			return false;
		return kind == GPO_PREG_DELETE_KEYS ? in_list(list, r->key, true, del->key)
						    : same_key && in_list(list, r->value, false, "");
	case GPO_PREG_DEL:
		return same_key && ascii_strcasecmp(del->value + strlen("**Del."), r->value) == 0;
	case GPO_PREG_DELVALS:
		return same_key;
	default:
		return false;
	}
}

/* Record i's pointer into the policy, for the finding. */
static const char *where(const struct gpo_preg_record *r)
{
	size_t n = strlen(GPO_CEP_KEY_AUTOENROLLMENT);

	if (key_under(r->key, GPO_CEP_KEY_AUTOENROLLMENT, n))
		return "/auto_enrollment";
	return "/enrollment_policy";
}

/* A later control record removes each of our values that it names. */
static int find_deleted(TALLOC_CTX *tmp, const struct gpo_preg_file *f, bool *gone,
			struct gpo_diags *notes, const char *prefix)
{
	size_t n = strlen(GPO_CEP_KEY_CRYPTOGRAPHY), n_controls = 0, i, c;
	/* the control records, in file order: each value is compared with those alone */
	size_t *controls = talloc_array(tmp, size_t, f->count ? f->count : 1);

	if (controls == NULL)
		return GPO_ENOMEM;
	for (i = 0; i < f->count; i++)
		if (gpo_preg_special_of(f->records[i].value) != GPO_PREG_PLAIN)
			controls[n_controls++] = i;
	for (i = 0, c = 0; i < f->count; i++) {
		const struct gpo_preg_record *r = &f->records[i];
		size_t k;

		while (c < n_controls && controls[c] <= i)
			c++;
		if (!key_under(r->key, GPO_CEP_KEY_CRYPTOGRAPHY, n) ||
		    gpo_preg_special_of(r->value) != GPO_PREG_PLAIN)
			continue;
		for (k = c; k < n_controls && !gone[i]; k++) {
			size_t j = controls[k];

			if (!deletes(tmp, &f->records[j], r))
				continue;
			gone[i] = true;
			if (gpo_diags_add(notes, GPO_DIAG_WARNING, "deleted-later",
					  talloc_asprintf(tmp, "%s%s", prefix, where(r)),
					  "'%s\\%s' (record %zu) is deleted by the later record "
					  "'%s\\%s' (record %zu): clients do not apply it", r->key,
					  r->value[0] ? r->value : "(default)", i + 1,
					  f->records[j].key, f->records[j].value, j + 1) != 0)
				return GPO_ENOMEM;
		}
	}
	return 0;
}

struct named {
	const struct gpo_preg_record *r;
	size_t index;
};

/* By key, then value name, case-insensitively, then by place in the file. */
static int by_name(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = ascii_strcasecmp(x->r->key, y->r->key);

	if (c == 0)
		c = ascii_strcasecmp(x->r->value, y->r->value);
	return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Of two records for one of our values, the earlier is overridden: a finding, and gone. */
static int find_duplicates(TALLOC_CTX *tmp, const struct gpo_preg_file *f, bool *gone,
			   struct gpo_diags *notes, const char *prefix)
{
	size_t n = strlen(GPO_CEP_KEY_CRYPTOGRAPHY), count = 0, i;
	struct named *v = talloc_array(tmp, struct named, f->count ? f->count : 1);

	if (v == NULL)
		return GPO_ENOMEM;
	for (i = 0; i < f->count; i++)
		if (!gone[i] && key_under(f->records[i].key, GPO_CEP_KEY_CRYPTOGRAPHY, n) &&
		    gpo_preg_special_of(f->records[i].value) == GPO_PREG_PLAIN)
			v[count++] = (struct named){ &f->records[i], i };
	qsort(v, count, sizeof(*v), by_name);
	for (i = 0; i + 1 < count; i++) {
		const struct gpo_preg_record *a = v[i].r;

		if (ascii_strcasecmp(a->key, v[i + 1].r->key) != 0 ||
		    ascii_strcasecmp(a->value, v[i + 1].r->value) != 0)
			continue;
		gone[v[i].index] = true;
		if (gpo_diags_add(notes, GPO_DIAG_WARNING, "duplicate-value",
				  talloc_asprintf(tmp, "%s%s", prefix, where(a)),
				  "'%s\\%s' is set twice (records %zu and %zu): clients keep the "
				  "later one and the earlier is ignored", a->key,
				  a->value[0] ? a->value : "(default)", v[i].index + 1,
				  v[i + 1].index + 1) != 0)
			return GPO_ENOMEM;
	}
	return 0;
}

int cep_find_overridden(const struct gpo_preg_file *file, bool *gone, struct gpo_diags *notes,
			const char *prefix)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	int rc = tmp ? find_deleted(tmp, file, gone, notes, prefix) : GPO_ENOMEM;

	if (rc == 0)
		rc = find_duplicates(tmp, file, gone, notes, prefix);
	talloc_free(tmp);
	return rc;
}
