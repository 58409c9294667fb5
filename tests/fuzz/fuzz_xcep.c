/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the MS-XCEP GetPoliciesResponse parser.  Any input is
 * parsed or refused with a message; a parsed answer always has a policy ID.
 */
#include <stdlib.h>

#include <libxml/parser.h>

#include <gpo-cep.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_xcep_policies *p = NULL;
	struct gpo_error *err = NULL;

	if (gpo_xcep_parse_response(mem, data, size, &p, &err) == 0) {
		if (p->policy_id == NULL || p->policy_id[0] == '\0' || p->friendly_name == NULL)
			abort();
	} else if (err == NULL || err->message == NULL) {
		abort();
	}
	talloc_free(mem);
	xmlResetLastError();
	return 0;
}
