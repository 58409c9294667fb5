/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the MS-XCEP GetPoliciesResponse parser.  Any input is
 * parsed or refused with a message; a parsed answer always has a policy ID;
 * its strings escaped hold no control character; what --probe would take
 * from it passes the checks a policy file's values pass.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <gpo-cep.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The escaped form of s: no C0, no DEL, no C1. */
static void shown(TALLOC_CTX *mem, const char *s)
{
	const unsigned char *e;

	if (s == NULL)
		return;
	e = (const unsigned char *)gpo_xcep_escape(mem, s, 0);
	for (; e != NULL && *e != '\0'; e++)
		if (*e < 0x20 || *e == 0x7F || (e[0] == 0xC2 && e[1] >= 0x80 && e[1] <= 0x9F))
			abort();
}

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
		shown(mem, p->policy_id);
		shown(mem, p->friendly_name);
		for (i = 0; i < p->n_templates; i++) {
			shown(mem, p->templates[i].common_name);
			shown(mem, p->templates[i].display_name);
			for (j = 0; j < p->templates[i].n_ekus; j++)
				shown(mem, p->templates[i].ekus[j].name);
		}
		for (i = 0; i < p->n_cas; i++)
			for (j = 0; j < p->cas[i].n_uris; j++)
				shown(mem, p->cas[i].uris[j].uri);
		{
			struct gpo_cep_server srv = { .uri = (char *)"https://h/x",
						      .friendly_name = (char *)"h",
						      .friendly_name_default = true };
			struct gpo_diags *d = gpo_diags_new(mem);
			int rc = gpo_xcep_take_answer(mem, &srv, p, "/x", d);

			/* what is taken is what a policy file could hold */
			if (rc == 0 && (gpo_xcep_check_policy_id(mem, srv.policy_id, NULL) != 0 ||
					gpo_cep_check_friendly_name(mem, srv.friendly_name, NULL) != 0))
				abort();
			if (rc != 0 && rc != GPO_EPROTO && rc != GPO_ENOMEM)
				abort();
		}
	} else if (err == NULL || err->message == NULL) {
		abort();
	}
	talloc_free(mem);
	xmlResetLastError();
	return 0;
}
