/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the Registry.pol decoder.  Any input must decode or be
 * refused cleanly; whatever decodes must encode back to the same bytes, and
 * whatever decodes must be readable by the CEP decoder.
 */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	} else if (err == NULL || err->offset < 0 || (size_t)err->offset > size) {
		abort(); /* every refusal says where */
	}
	talloc_free(mem);
	return 0;
}
