/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the MS-XCEP GetPoliciesResponse parser.  Any input is
 * parsed or refused with a message; a parsed answer always has a policy ID.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <gpo-cep.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_xcep_policies *p = NULL;
	struct gpo_error *err = NULL;

	if (gpo_xcep_parse_response(mem, data, size, &p, &err) == 0) {
		size_t i, j, sum = 0;

		if (p->policy_id == NULL || p->policy_id[0] == '\0' || p->friendly_name == NULL)
			abort();
		/* every counted element is there: ASan sees a count that overshoots */
		for (i = 0; i < p->n_templates; i++) {
			const struct gpo_xcep_template *t = &p->templates[i];

			for (j = 0; j < t->n_key_usages; j++)
				sum += strlen(t->key_usages[j]);
			for (j = 0; j < t->n_ekus; j++)
				sum += strlen(t->ekus[j].oid);
			for (j = 0; j < t->n_cas; j++)
				sum += t->ca_refs[j];
		}
		for (i = 0; i < p->n_cas; i++)
			for (j = 0; j < p->cas[i].n_uris; j++)
				sum += p->cas[i].uris[j].auth;
		if (sum == (size_t)-1)
			abort();
	} else if (err == NULL || err->message == NULL) {
		abort();
	}
	talloc_free(mem);
	xmlResetLastError();
	return 0;
}
