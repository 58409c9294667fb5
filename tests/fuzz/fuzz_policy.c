/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the policy JSON loader.  An accepted policy must print as
 * JSON that loads to the same JSON again, hold no control character in a
 * name, and lint and encode without crashing.
 */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No C0, DEL or C1 (UTF-8 C2 80 to C2 9F): names reach terminals and logs. */
static bool no_control(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; s != NULL && u[i] != '\0'; i++)
		if (u[i] < 0x20 || u[i] == 0x7F || (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F))
			return false;
	return true;
}

static bool names_clean(const struct gpo_cep_policy *p)
{
	size_t i;
	int k;

	if (!no_control(p->name))
		return false;
	for (k = 0; k < 2; k++)
		for (i = 0; p->scopes[k] && p->scopes[k]->enrollment &&
			    i < p->scopes[k]->enrollment->n_servers; i++)
			if (!no_control(p->scopes[k]->enrollment->servers[i].friendly_name))
				return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_diags *d = gpo_diags_new(mem);
	struct gpo_cep_policy *p = NULL, *q = NULL;
	char *a = NULL, *b = NULL;
	int k;

	if (gpo_cep_policy_parse(mem, (const char *)data, size, &p, d) == 0) {
		if (gpo_cep_policy_to_json(mem, p, &a, NULL) != 0 ||
		    gpo_cep_policy_parse(mem, a, strlen(a), &q, gpo_diags_new(mem)) != 0 ||
		    gpo_cep_policy_to_json(mem, q, &b, NULL) != 0 || strcmp(a, b) != 0)
			abort(); /* print -> load -> print must be stable */
		if (!names_clean(p))
			abort(); /* a name with a control character is refused */
		gpo_cep_lint(p, d);
		gpo_cep_policy_fill_ldap_id(p, "09526129-1F43-4F3B-8A4C-1B3C5D7E9F01", NULL);
		for (k = 0; k < 2; k++) {
			struct gpo_preg_file *f = NULL;
			uint8_t *buf = NULL;
			size_t len = 0;

			if (p->scopes[k] == NULL ||
			    gpo_cep_policy_check(p, GPO_CEP_CHECK_POLICY_IDS, gpo_diags_new(mem)) != 0)
				continue;
			if (gpo_cep_scope_encode(mem, p->scopes[k], &f, NULL) != 0 ||
			    gpo_preg_encode(mem, f, &buf, &len, NULL) != 0)
				abort(); /* a checked policy always encodes */
		}
	} else if (d->errors == 0) {
		abort(); /* a refusal always says why */
	}
	talloc_free(mem);
	return 0;
}
