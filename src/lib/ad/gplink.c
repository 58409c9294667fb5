/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gPLink values and DN comparison (gplink.h). */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep/domain.h>

#include "gplink.h"
#include "internal.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * One attribute type and value in a canonical form: the type lower-cased,
 * "=", the value with escapes decoded and ASCII lower-cased, then re-escaped
 * so that ',' '+' '=' '\' inside values stay unambiguous.  Returns the text
 * after the value, at ',' '+' or the end; NULL when it does not parse.
 */
static const char *canonical_ava(const char *p, char **out)
{
	const char *type;
	size_t tlen, end_spaces = 0;

	while (*p == ' ')
		p++;
	type = p;
	while (*p != '\0' && *p != '=' && *p != ',' && *p != '+' && *p != ' ')
		p++;
	tlen = (size_t)(p - type);
	while (*p == ' ')
		p++;
	if (tlen == 0 || *p != '=')
		return NULL;
	p++;
	while (*p == ' ')
		p++;
	*out = talloc_asprintf_append(*out, "%.*s=", (int)tlen, type);
	if (*out == NULL)
		return NULL;
	{
		size_t k, start = strlen(*out) - tlen - 1;

		for (k = start; k < start + tlen; k++)
			(*out)[k] = (char)ascii_lower((unsigned char)(*out)[k]);
	}
	for (;;) {
		int c = (unsigned char)*p;

		if (c == '\0' || c == ',' || c == '+' || c == ';')
			break;
		if (c == '\\') {
			int h1 = hexval((unsigned char)p[1]), h2 = h1 >= 0 ? hexval((unsigned char)p[2]) : -1;

			if (h1 >= 0 && h2 >= 0) {
				c = h1 * 16 + h2;
				p += 3;
			} else if (p[1] != '\0') {
				c = (unsigned char)p[1];
				p += 2;
			} else {
				return NULL;
			}
			end_spaces = 0;
		} else {
			p++;
			/* an unescaped space at the end of a value is not part of it */
			end_spaces = c == ' ' ? end_spaces + 1 : 0;
		}
		c = ascii_lower(c);
		*out = strchr(",+=\\\"<>#; ", c) != NULL
			       ? talloc_asprintf_append(*out, "\\%02x", c)
			       : talloc_asprintf_append(*out, "%c", c);
		if (*out == NULL)
			return NULL;
	}
	if (end_spaces > 0)
		(*out)[strlen(*out) - 3 * end_spaces] = '\0'; /* each was written "\20" */
	return p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The canonical form of a DN: RDNs in order, each RDN's AVAs sorted. */
static char *canonical_dn(TALLOC_CTX *mem_ctx, const char *dn)
{
	char *out = talloc_strdup(mem_ctx, "");
	const char *p = dn;
	size_t n_rdn = 0;

	if (dn == NULL || out == NULL)
		return NULL;
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		talloc_free(out);
		return NULL;
	}
	for (;;) {
		char *avas[16];
		size_t n = 0, i;

		do {
			char *one = talloc_strdup(out, "");

			if (n == 16 || one == NULL ||
			    (p = canonical_ava(p + (n > 0 ? 1 : 0), &one)) == NULL) {
				talloc_free(out);
				return NULL;
			}
			avas[n++] = one;
		} while (*p == '+');
		qsort(avas, n, sizeof(avas[0]), cmp_str);
		for (i = 0; i < n; i++)
			out = talloc_asprintf_append(out, "%s%s", i ? "+" : n_rdn ? "," : "", avas[i]);
		if (out == NULL)
			return NULL;
		n_rdn++;
		if (*p == '\0')
			return out;
		if (*p != ',' && *p != ';') {
			talloc_free(out);
			return NULL;
		}
		p++;
	}
}

bool gpo_dn_equal(const char *a, const char *b)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *ca = canonical_dn(tmp, a), *cb = canonical_dn(tmp, b);
	bool same = ca != NULL && cb != NULL && strcmp(ca, cb) == 0;

	talloc_free(tmp);
	return same;
}

bool gpo_dn_valid(const char *dn)
{
	char *c = canonical_dn(NULL, dn);
	bool ok = c != NULL;

	talloc_free(c);
	return ok;
}

static int push_entry(struct gplink *l, const char *text, size_t len, bool is_link)
{
	struct gplink_entry *e = talloc_realloc(l, l->entries, struct gplink_entry, l->count + 1);

	if (e == NULL)
		return GPO_ENOMEM;
	l->entries = e;
	e = &e[l->count++];
	*e = (struct gplink_entry){ .is_link = is_link };
	e->raw = talloc_strndup(l->entries, text, len);
	if (e->raw == NULL)
		return GPO_ENOMEM;
	if (is_link) {
		/* "[" scheme "//" dn [";" options] "]" */
		const char *body = text + 1, *end = text + len - 1, *semi, *dn;

		semi = memrchr(body, ';', (size_t)(end - body));
		if (ascii_strncasecmp(body, "LDAP://", 7) == 0)
			dn = body + 7;
		else if (ascii_strncasecmp(body, "GC://", 5) == 0)
			dn = body + 5;
		else
			dn = NULL;
		if (dn != NULL) {
			const char *dn_end = semi != NULL && semi > dn ? semi : end;

			e->dn = talloc_strndup(l->entries, dn, (size_t)(dn_end - dn));
			if (e->dn == NULL)
				return GPO_ENOMEM;
		}
		if (semi != NULL && semi + 1 < end) {
			unsigned long long v = 0;
			const char *q;

			for (q = semi + 1; q < end && *q >= '0' && *q <= '9' && v <= 0xFFFFFFFFull; q++)
				v = v * 10 + (unsigned)(*q - '0');
			if (q == end && v <= 0xFFFFFFFFull) {
				e->options_ok = true;
				e->options = (uint32_t)v;
			}
		}
	}
	return 0;
}

int gplink_parse(TALLOC_CTX *mem_ctx, const char *value, struct gplink **ret)
{
	struct gplink *l = talloc_zero(mem_ctx, struct gplink);
	const char *p = value ? value : "";
	int rc = 0;

	if (l == NULL)
		return GPO_ENOMEM;
	while (rc == 0 && *p != '\0') {
		const char *open = strchr(p, '['), *close;

		if (open == NULL) {
			rc = push_entry(l, p, strlen(p), false);
			break;
		}
		if (open > p)
			rc = push_entry(l, p, (size_t)(open - p), false);
		close = strchr(open, ']');
		if (rc != 0)
			break;
		if (close == NULL) {
			rc = push_entry(l, open, strlen(open), false);
			break;
		}
		rc = push_entry(l, open, (size_t)(close - open) + 1, true);
		p = close + 1;
	}
	if (rc != 0) {
		talloc_free(l);
		return rc;
	}
	*ret = l;
	return 0;
}

char *gplink_format(TALLOC_CTX *mem_ctx, const struct gplink *l)
{
	char *s = talloc_strdup(mem_ctx, "");
	size_t i;

	for (i = 0; s != NULL && i < l->count; i++)
		s = talloc_strdup_append(s, l->entries[i].raw);
	return s;
}

long gplink_find(const struct gplink *l, const char *gpo_dn)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (l->entries[i].is_link && l->entries[i].dn != NULL &&
		    gpo_dn_equal(l->entries[i].dn, gpo_dn))
			return (long)i;
	return -1;
}

size_t gplink_count(const struct gplink *l, const char *gpo_dn)
{
	size_t i, n = 0;

	for (i = 0; i < l->count; i++)
		if (l->entries[i].is_link && l->entries[i].dn != NULL &&
		    gpo_dn_equal(l->entries[i].dn, gpo_dn))
			n++;
	return n;
}

int gplink_insert(struct gplink *l, size_t pos, const char *gpo_dn, uint32_t options)
{
	char *text = talloc_asprintf(l, "[LDAP://%s;%lu]", gpo_dn, (unsigned long)options);
	struct gplink_entry *e;
	int rc;

	if (text == NULL || pos > l->count)
		return GPO_ENOMEM;
	rc = push_entry(l, text, strlen(text), true);
	talloc_free(text);
	if (rc != 0)
		return rc;
	e = l->entries;
	if (pos < l->count - 1) {
		struct gplink_entry added = e[l->count - 1];

		memmove(&e[pos + 1], &e[pos], (l->count - 1 - pos) * sizeof(*e));
		e[pos] = added;
	}
	return 0;
}

int gplink_set_options(struct gplink *l, size_t i, uint32_t options)
{
	struct gplink_entry *e = &l->entries[i];
	const char *body = e->raw + 1;
	size_t scheme = ascii_strncasecmp(body, "GC://", 5) == 0 ? 5 : 7;
	char *text = talloc_asprintf(l->entries, "[%.*s%s;%lu]", (int)scheme, body, e->dn,
				     (unsigned long)options);

	if (text == NULL)
		return GPO_ENOMEM;
	talloc_free(e->raw);
	e->raw = text;
	e->options = options;
	e->options_ok = true;
	return 0;
}

size_t gplink_remove(struct gplink *l, const char *gpo_dn)
{
	size_t i, k = 0, removed = 0;

	for (i = 0; i < l->count; i++) {
		struct gplink_entry *e = &l->entries[i];

		if (e->is_link && e->dn != NULL && gpo_dn_equal(e->dn, gpo_dn)) {
			removed++;
			continue;
		}
		l->entries[k++] = *e;
	}
	l->count = k;
	return removed;
}

unsigned gplink_order(const struct gplink *l, size_t i)
{
	unsigned order = 1;
	size_t k;

	/* clients apply gPLink in string order, the last entry last: it wins */
	for (k = i + 1; k < l->count; k++)
		if (l->entries[k].is_link)
			order++;
	return order;
}

size_t gplink_position(const struct gplink *l, unsigned order)
{
	size_t links = 0, i, want;

	for (i = 0; i < l->count; i++)
		if (l->entries[i].is_link)
			links++;
	if (order == 0 || order > links + 1)
		order = (unsigned)links + 1;
	/* order 1 goes after every link; links + 1 before the first */
	want = links - (order - 1);
	for (i = 0; i < l->count; i++)
		if (l->entries[i].is_link && want-- == 0)
			return i;
	return l->count;
}

int gplink_move(struct gplink *l, size_t i, unsigned order)
{
	struct gplink_entry e = l->entries[i];
	size_t pos;

	memmove(&l->entries[i], &l->entries[i + 1], (l->count - i - 1) * sizeof(e));
	l->count--;
	pos = gplink_position(l, order);
	memmove(&l->entries[pos + 1], &l->entries[pos], (l->count - pos) * sizeof(e));
	l->entries[pos] = e;
	l->count++;
	return 0;
}
