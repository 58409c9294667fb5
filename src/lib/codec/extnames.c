/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep/extnames.h>
#include <gpo-cep/guid.h>

#include "internal.h"

/* A braced GUID at s (38 characters), copied upper-case into out. */
static bool take_guid(const char *s, char out[39])
{
	char bare[37];

	if (s[0] != '{' || strlen(s) < 38 || s[37] != '}')
		return false;
	memcpy(bare, s + 1, 36);
	bare[36] = '\0';
	return gpo_guid_normalize(bare, out) == 0;
}

static struct gpo_ext_group *find_group(struct gpo_extnames *n, const char *cse)
{
	size_t i;

	for (i = 0; i < n->n_groups; i++)
		if (strcmp(n->groups[i].cse, cse) == 0)
			return &n->groups[i];
	return NULL;
}

static int add_tool(struct gpo_extnames *n, struct gpo_ext_group *g, const char *tool)
{
	size_t i;

	for (i = 0; i < g->n_tools; i++)
		if (strcmp(g->tools[i], tool) == 0)
			return 0;
	g->tools = talloc_realloc_size(n, g->tools, (g->n_tools + 1) * sizeof(*g->tools));
	if (g->tools == NULL)
		return GPO_ENOMEM;
	memcpy(g->tools[g->n_tools++], tool, 39);
	return 0;
}

static struct gpo_ext_group *add_group(struct gpo_extnames *n, const char *cse)
{
	struct gpo_ext_group *g = find_group(n, cse);

	if (g != NULL)
		return g;
	g = talloc_realloc(n, n->groups, struct gpo_ext_group, n->n_groups + 1);
	if (g == NULL)
		return NULL;
	n->groups = g;
	g = &n->groups[n->n_groups++];
	*g = (struct gpo_ext_group){ 0 };
	memcpy(g->cse, cse, 39);
	return g;
}

int gpo_extnames_parse(TALLOC_CTX *mem_ctx, const char *value,
		       struct gpo_extnames **ret_names, struct gpo_error **reterr)
{
	struct gpo_extnames *n = talloc_zero(NULL, struct gpo_extnames);
	const char *p = value ? value : "";
	char guid[39];

	if (n == NULL)
		return gpo_oom(mem_ctx, reterr);
	while (*p != '\0') {
		struct gpo_ext_group *g;

		if (*p != '[' || !take_guid(p + 1, guid))
			goto bad;
		g = add_group(n, guid);
		if (g == NULL)
			goto oom;
		p += 39;
		while (*p == '{') {
			if (!take_guid(p, guid))
				goto bad;
			if (add_tool(n, g, guid) != 0)
				goto oom;
			p += 38;
		}
		if (*p != ']')
			goto bad;
		p++;
	}
	*ret_names = talloc_steal(mem_ctx, n);
	return 0;
bad:
	talloc_free(n);
	return gpo_fail_at(mem_ctx, reterr, GPO_EINVAL, p - value,
			   "malformed extension names at character %ld: expected "
			   "'[{CSE-GUID}{tool-GUID}...]' groups", (long)(p - value));
oom:
	talloc_free(n);
	return gpo_oom(mem_ctx, reterr);
}

int gpo_extnames_add(struct gpo_extnames *n, const char *cse, const char *tool)
{
	char c[39], t[39];
	struct gpo_ext_group *g;

	if (!take_guid(cse, c) || (tool != NULL && !take_guid(tool, t)))
		return GPO_EINVAL;
	g = add_group(n, c);
	if (g == NULL)
		return GPO_ENOMEM;
	return tool != NULL ? add_tool(n, g, t) : 0;
}

bool gpo_extnames_contains(const struct gpo_extnames *have,
			   const struct gpo_extnames *want)
{
	size_t i, j, k;

	for (i = 0; i < want->n_groups; i++) {
		const struct gpo_ext_group *w = &want->groups[i];
		const struct gpo_ext_group *h = find_group(discard_const(have), w->cse);

		if (h == NULL)
			return false;
		for (j = 0; j < w->n_tools; j++) {
			for (k = 0; k < h->n_tools; k++)
				if (strcmp(h->tools[k], w->tools[j]) == 0)
					break;
			if (k == h->n_tools)
				return false;
		}
	}
	return true;
}

static int cmp_guid(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

char *gpo_extnames_format(TALLOC_CTX *mem_ctx, const struct gpo_extnames *names)
{
	struct gpo_extnames *n = discard_const(names);
	char *out = talloc_strdup(mem_ctx, "");
	size_t i, j;

	/*
	 * Clients stop at the first CSE out of order ([MS-GPOL] 2.2.4); the
	 * GUIDs are upper case here, so byte order is the required order.
	 */
	if (n->n_groups > 1)
		qsort(n->groups, n->n_groups, sizeof(*n->groups), cmp_guid);
	for (i = 0; out != NULL && i < n->n_groups; i++) {
		struct gpo_ext_group *g = &n->groups[i];

		if (g->n_tools > 1)
			qsort(g->tools, g->n_tools, sizeof(*g->tools), cmp_guid);
		out = talloc_asprintf_append_buffer(out, "[%s", g->cse);
		for (j = 0; out != NULL && j < g->n_tools; j++)
			out = talloc_asprintf_append_buffer(out, "%s", g->tools[j]);
		if (out != NULL)
			out = talloc_asprintf_append_buffer(out, "]");
	}
	return out;
}
