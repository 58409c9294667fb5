/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the Registry.pol decoder.  Any input must decode or be
 * refused cleanly; whatever decodes must encode back to the same bytes, and
 * whatever decodes must be readable by the CEP decoder, whose policy prints
 * as JSON without a raw control character (what show and list print) and
 * whose names escape to text without one.  The adsys reader model takes
 * any input too: a result or a rejection with its reason inside the file,
 * every entry within the bytes it came from.
 */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep.h>

static void check_adsys(TALLOC_CTX *mem, const uint8_t *data, size_t size)
{
	struct gpo_adsys_read *r = NULL;
	size_t i;

	if (gpo_adsys_read(mem, data, size, &r, NULL) != 0)
		abort(); /* only memory can fail */
	if (r->rejected && (r->reason == NULL || r->reason_at > size))
		abort();
	for (i = 0; i < r->n_entries; i++)
		if (r->entries[i].start >= r->entries[i].end || r->entries[i].end > size ||
		    r->entries[i].key == NULL || r->entries[i].value == NULL)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No C0 but newline, no DEL, no C1 (UTF-8 C2 80 to C2 9F). */
static bool printable(const char *s, bool newline_ok)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; u[i] != '\0'; i++)
		if ((u[i] < 0x20 && !(newline_ok && u[i] == '\n')) || u[i] == 0x7F ||
		    (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F))
			return false;
	return true;
}

static void check_printed(TALLOC_CTX *mem, struct gpo_cep_scope *scope)
{
	struct gpo_cep_policy policy = { .name = NULL, .scopes = { scope, NULL } };
	char *json = NULL;
	size_t i;

	if (scope == NULL)
		return; /* nothing of ours in the file */
	if (gpo_cep_policy_to_json(mem, &policy, &json, NULL) != 0 || !printable(json, true))
		abort();
	for (i = 0; scope->enrollment != NULL && i < scope->enrollment->n_servers; i++) {
		const struct gpo_cep_server *s = &scope->enrollment->servers[i];
		const char *fields[] = { s->uri, s->friendly_name, s->policy_id };
		size_t k;

		for (k = 0; k < 3; k++)
			if (fields[k] != NULL && !printable(gpo_xcep_escape(mem, fields[k], 0), false))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_preg_file *f = NULL;
	struct gpo_error *err = NULL;
	struct gpo_cep_scope *scope = NULL;
	bool *used = NULL;
	uint8_t *out = NULL;
	size_t len = 0;

	if (gpo_preg_decode(mem, data, size, &f, &err) == 0) {
		if (gpo_preg_encode(mem, f, &out, &len, NULL) != 0 || len != size ||
		    memcmp(out, data, size) != 0)
			abort(); /* decode -> encode must be the identity */
		if (gpo_cep_scope_decode(mem, f, "/computer", &scope, &used,
					 gpo_diags_new(mem)) != 0)
			abort();
		check_printed(mem, scope);
	} else if (err == NULL || err->offset < 0 || (size_t)err->offset > size) {
		abort(); /* every refusal says where */
	}
	check_adsys(mem, data, size);
	talloc_free(mem);
	return 0;
}
