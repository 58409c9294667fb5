/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the NT ACL text libsmbclient hands over for a SYSVOL
 * folder (a server's answer), and the comparison `gpo-cep acl` makes with it.
 */
#include <stdlib.h>
#include <string.h>

#include <gpo-cep.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *text = talloc_strndup(mem, (const char *)data, size);
	struct gpo_sd *sd = NULL;
	struct gpo_sd_diff *diff = NULL;
	struct gpo_error *err = NULL;

	if (text != NULL && gpo_sd_parse_smb_text(mem, text, &sd, &err) == 0) {
		/* against itself: always the same access */
		if (gpo_sd_compare_access(mem, sd, sd, &diff) != 0 || !diff->same)
			abort();
		if (gpo_sd_sddl(mem, sd) == NULL)
			abort();
	} else if (text != NULL && (err == NULL || err->message == NULL)) {
		abort();
	}
	talloc_free(mem);
	return 0;
}
