/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "hive.h"
#include "internal.h"
#include "utf16.h"

struct hive_value {
	char *name;
	uint32_t type;
	uint32_t size;
	uint8_t *data;
};

struct hive_key {
	char *name;     /* this component only */
	struct hive_value *values;
	size_t n_values;
	struct hive_key **subkeys;
	size_t n_subkeys;
};

struct hive {
	struct hive_key root;
};

struct hive *hive_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct hive);
}

int hive_name_cmp(const char *a, const char *b)
{
	/*
	 * The registry upper-cases both names and compares code units; for
	 * the ASCII names of policy keys that is this loop ('_' sorts after
	 * letters, a prefix before its extensions).
	 */
	for (;; a++, b++) {
		int ca = ascii_upper((unsigned char)*a), cb = ascii_upper((unsigned char)*b);

		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

static struct hive_key *child(struct hive *h, struct hive_key *k, const char *name,
			      size_t len)
{
	struct hive_key **n, *c;
	size_t i;

	for (i = 0; i < k->n_subkeys; i++) {
		c = k->subkeys[i];
		if (strlen(c->name) == len && ascii_strncasecmp(c->name, name, len) == 0)
			return c;
	}
	n = talloc_realloc(h, k->subkeys, struct hive_key *, k->n_subkeys + 1);
	if (n == NULL)
		return NULL;
	k->subkeys = n;
	c = talloc_zero(h, struct hive_key);
	if (c == NULL)
		return NULL;
	c->name = talloc_strndup(c, name, len);
	if (c->name == NULL)
		return NULL;
	k->subkeys[k->n_subkeys++] = c;
	return c;
}

static struct hive_key *lookup(struct hive *h, const char *path)
{
	struct hive_key *k = &h->root;
	const char *p = path;

	while (k != NULL && *p != '\0') {
		const char *end = strchr(p, '\\');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 0)
			return NULL; /* empty component: not a key name */
		k = child(h, k, p, len);
		p += len;
		if (*p == '\\')
			p++;
	}
	return k == &h->root ? NULL : k;
}

int hive_touch(struct hive *h, const char *path)
{
	return lookup(h, path) ? 0 : GPO_ENOMEM;
}

int hive_add(struct hive *h, const char *path, const char *value, uint32_t type,
	     const uint8_t *data, uint32_t size)
{
	struct hive_key *k = lookup(h, path);
	struct hive_value *n, *v;

	if (k == NULL)
		return GPO_ENOMEM;
	n = talloc_realloc(h, k->values, struct hive_value, k->n_values + 1);
	if (n == NULL)
		return GPO_ENOMEM;
	k->values = n;
	v = &k->values[k->n_values];
	*v = (struct hive_value){ .type = type, .size = size };
	v->name = talloc_strdup(h, value);
	if (size > 0)
		v->data = talloc_memdup(h, data, size);
	if (v->name == NULL || (size > 0 && v->data == NULL))
		return GPO_ENOMEM;
	k->n_values++;
	return 0;
}

int hive_add_sz(struct hive *h, const char *path, const char *value,
		const char *string)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct buf b;
	size_t bad_at;
	int rc = GPO_EINVAL;

	if (tmp == NULL)
		return GPO_ENOMEM;
	buf_init(&b, tmp);
	if (utf8_to_utf16le(&b, string, strlen(string), &bad_at)) {
		buf_push_u16le(&b, 0);
		rc = b.failed ? GPO_ENOMEM
			      : hive_add(h, path, value, GPO_REG_SZ, b.data, (uint32_t)b.len);
	}
	talloc_free(tmp);
	return rc;
}

int hive_add_dword(struct hive *h, const char *path, const char *value,
		   uint32_t dword)
{
	uint8_t le[4] = { (uint8_t)dword, (uint8_t)(dword >> 8), (uint8_t)(dword >> 16),
			  (uint8_t)(dword >> 24) };

	return hive_add(h, path, value, GPO_REG_DWORD, le, 4);
}

static int cmp_keys(const void *a, const void *b)
{
	const struct hive_key *ka = *(const struct hive_key *const *)a;
	const struct hive_key *kb = *(const struct hive_key *const *)b;

	return hive_name_cmp(ka->name, kb->name);
}

static int emit(struct hive_key *k, const char *path, struct gpo_preg_file *out)
{
	size_t i;
	int rc;

	for (i = 0; i < k->n_values; i++) {
		struct hive_value *v = &k->values[i];

		rc = gpo_preg_add_raw(out, path, v->name, v->type, v->data, v->size, NULL);
		if (rc != 0)
			return rc;
	}
	if (k->n_values == 0 && k->n_subkeys == 0)
		return gpo_preg_add_raw(out, path, "", GPO_REG_NONE, NULL, 0, NULL);
	if (k->n_subkeys > 1)
		qsort(k->subkeys, k->n_subkeys, sizeof(*k->subkeys), cmp_keys);
	for (i = 0; i < k->n_subkeys; i++) {
		char *sub = talloc_asprintf(NULL, "%s\\%s", path, k->subkeys[i]->name);

		if (sub == NULL)
			return GPO_ENOMEM;
		rc = emit(k->subkeys[i], sub, out);
		talloc_free(sub);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int hive_emit(struct hive *h, struct gpo_preg_file *out)
{
	size_t i;
	int rc;

	if (h->root.n_subkeys > 1)
		qsort(h->root.subkeys, h->root.n_subkeys, sizeof(*h->root.subkeys),
		      cmp_keys);
	for (i = 0; i < h->root.n_subkeys; i++) {
		rc = emit(h->root.subkeys[i], h->root.subkeys[i]->name, out);
		if (rc != 0)
			return rc;
	}
	return 0;
}
