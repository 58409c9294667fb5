/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Test helper: append N unrelated records of every value type and special
 * value name to a Registry.pol file (made with gpo-cep's codec).
 *   add_records IN.pol OUT.pol N
 */
#include <stdio.h>
#include <stdlib.h>

#include <gpo-cep.h>

int main(int argc, char **argv)
{
	static const uint8_t bin[] = { 1, 2, 3 }, qword[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	static const uint8_t multi[] = { 'a', 0, 0, 0, 'b', 0, 0, 0, 0, 0 };
	static const uint8_t be[] = { 0x12, 0x34, 0x56, 0x78 };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_preg_file *f = NULL;
	struct gpo_error *err = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	FILE *out;
	int i, n;

	if (argc != 4)
		return 2;
	n = atoi(argv[3]);
	if (gpo_read_file(mem, argv[1], 1 << 26, &data, &len, &err) != 0 ||
	    gpo_preg_decode(mem, data, len, &f, &err) != 0) {
		fprintf(stderr, "%s\n", err ? err->message : "cannot read");
		return 1;
	}
	for (i = 0; i < n; i++) {
		char key[96];

		snprintf(key, sizeof(key), "Software\\Policies\\%s\\K%04d",
			 i % 2 ? "Vendor" : "Microsoft\\Alpha", i);
		switch (i % 12) {
		case 0: gpo_preg_add_sz(f, key, "S", GPO_REG_SZ, "text", NULL); break;
		case 1: gpo_preg_add_sz(f, key, "E", GPO_REG_EXPAND_SZ, "%SystemRoot%", NULL); break;
		case 2: gpo_preg_add_raw(f, key, "B", GPO_REG_BINARY, bin, 3, NULL); break;
		case 3: gpo_preg_add_dword(f, key, "D", (uint32_t)i * 65599u, NULL); break;
		case 4: gpo_preg_add_raw(f, key, "BE", GPO_REG_DWORD_BIG_ENDIAN, be, 4, NULL); break;
		case 5: gpo_preg_add_raw(f, key, "M", GPO_REG_MULTI_SZ, multi, sizeof(multi), NULL); break;
		case 6: gpo_preg_add_raw(f, key, "Q", GPO_REG_QWORD, qword, 8, NULL); break;
		case 7: gpo_preg_add_sz(f, key, "**DeleteValues", GPO_REG_SZ, "a;b", NULL); break;
		case 8: gpo_preg_add_sz(f, key, "**del.X", GPO_REG_SZ, " ", NULL); break;
		case 9: gpo_preg_add_sz(f, key, "**delvals.", GPO_REG_SZ, " ", NULL); break;
		case 10: gpo_preg_add_dword(f, key, "**SecureKey", 1, NULL); break;
		default: gpo_preg_add_raw(f, key, "", GPO_REG_NONE, NULL, 0, NULL); break;
		}
	}
	if (gpo_preg_encode(mem, f, &data, &len, &err) != 0 || (out = fopen(argv[2], "wb")) == NULL ||
	    fwrite(data, 1, len, out) != len || fclose(out) != 0)
		return 1;
	talloc_free(mem);
	return 0;
}
