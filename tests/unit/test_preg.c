/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Registry.pol codec: layouts from [MS-GPREG] and the spec, hostile input. */
#include <stdlib.h>

#include <gpo-cep.h>

#include "harness.h"

/* Samba's ndr_pack of one REG_DWORD Software\Policies\Test / Val = 1 (spec 3.7). */
static const uint8_t samba_tiny[] = {
	0x50, 0x52, 0x65, 0x67, 0x01, 0x00, 0x00, 0x00, 0x5b, 0x00, 0x53, 0x00, 0x6f, 0x00,
	0x66, 0x00, 0x74, 0x00, 0x77, 0x00, 0x61, 0x00, 0x72, 0x00, 0x65, 0x00, 0x5c, 0x00,
	0x50, 0x00, 0x6f, 0x00, 0x6c, 0x00, 0x69, 0x00, 0x63, 0x00, 0x69, 0x00, 0x65, 0x00,
	0x73, 0x00, 0x5c, 0x00, 0x54, 0x00, 0x65, 0x00, 0x73, 0x00, 0x74, 0x00, 0x00, 0x00,
	0x3b, 0x00, 0x56, 0x00, 0x61, 0x00, 0x6c, 0x00, 0x00, 0x00, 0x3b, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x3b, 0x00, 0x04, 0x00, 0x00, 0x00, 0x3b, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x5d, 0x00,
};

static void test_tiny(TALLOC_CTX *mem)
{
	struct gpo_preg_file *f = talloc_zero(mem, struct gpo_preg_file), *d = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	uint32_t v = 0;

	ok(gpo_preg_add_dword(f, "Software\\Policies\\Test", "Val", 1, NULL) == 0, "add dword");
	ok(gpo_preg_encode(mem, f, &buf, &len, NULL) == 0, "encode one record");
	is_mem(buf, len, samba_tiny, sizeof(samba_tiny), "bytes equal Samba's ndr_pack");
	ok(gpo_preg_decode(mem, samba_tiny, sizeof(samba_tiny), &d, NULL) == 0, "decode it");
	is_int(d->count, 1, "one record");
	is_str(d->records[0].key, "Software\\Policies\\Test", "key name");
	is_str(d->records[0].value, "Val", "value name");
	ok(gpo_preg_get_dword(&d->records[0], &v) == 0 && v == 1, "dword value 1");
}

static void test_empty(TALLOC_CTX *mem)
{
	static const uint8_t header[] = { 'P', 'R', 'e', 'g', 1, 0, 0, 0 };
	struct gpo_preg_file *f = NULL, empty = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;

	ok(gpo_preg_decode(mem, header, sizeof(header), &f, NULL) == 0 && f->count == 0,
	   "a header-only file is a valid empty policy");
	ok(gpo_preg_encode(mem, &empty, &buf, &len, NULL) == 0, "encode empty");
	is_mem(buf, len, header, sizeof(header), "empty file is the 8-byte header");
}

/* Data layouts (spec 3.3, verified there against Samba). */
static void test_types(TALLOC_CTX *mem)
{
	static const uint8_t dword_le[] = { 0x78, 0x56, 0x34, 0x12 };
	static const uint8_t dword_be[] = { 0x12, 0x34, 0x56, 0x78 };
	static const uint8_t multi[] = { 0x61, 0, 0, 0, 0x62, 0, 0, 0, 0, 0 };
	static const uint8_t qword[] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	static const uint8_t expand[] = { '%', 0, 'x', 0, '%', 0, 0, 0 };
	static const uint8_t empty_sz[] = { 0, 0 };
	static const uint8_t binary[] = { 0xde, 0xad, 0xbe };
	static const uint8_t odd[] = { 1, 2, 3, 4, 5 };
	struct gpo_preg_file *f = talloc_zero(mem, struct gpo_preg_file), *d = NULL;
	uint8_t *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0, n = 0;
	char *s = NULL, **list = NULL;
	uint32_t v = 0;
	uint64_t q = 0;
	int rc = 0;

	rc |= gpo_preg_add_raw(f, "K", "dword", GPO_REG_DWORD, dword_le, 4, NULL);
	rc |= gpo_preg_add_raw(f, "K", "dword_be", GPO_REG_DWORD_BIG_ENDIAN, dword_be, 4, NULL);
	rc |= gpo_preg_add_raw(f, "K", "multi", GPO_REG_MULTI_SZ, multi, sizeof(multi), NULL);
	rc |= gpo_preg_add_raw(f, "K", "qword", GPO_REG_QWORD, qword, 8, NULL);
	rc |= gpo_preg_add_sz(f, "K", "expand", GPO_REG_EXPAND_SZ, "%x%", NULL);
	rc |= gpo_preg_add_sz(f, "K", "empty", GPO_REG_SZ, "", NULL);
	rc |= gpo_preg_add_raw(f, "K", "bin", GPO_REG_BINARY, binary, 3, NULL);
	rc |= gpo_preg_add_raw(f, "K\\Stub", "", GPO_REG_NONE, NULL, 0, NULL);
	rc |= gpo_preg_add_raw(f, "K", "unknown", 0x1234, odd, 5, NULL);
	rc |= gpo_preg_add_raw(f, "K", "link", GPO_REG_LINK, odd, 5, NULL);
	ok(rc == 0, "build a record of every type");
	is_mem(f->records[4].data, f->records[4].size, expand, sizeof(expand),
	       "REG_EXPAND_SZ '%%x%%' is 8 bytes with its NUL");
	is_mem(f->records[5].data, f->records[5].size, empty_sz, 2,
	       "an empty REG_SZ is one NUL (Samba refuses size 0)");
	ok(gpo_preg_encode(mem, f, &buf, &len, NULL) == 0, "encode every type");
	ok(gpo_preg_decode(mem, buf, len, &d, NULL) == 0, "decode every type");
	is_int(d->count, 10, "ten records back");
	ok(gpo_preg_encode(mem, d, &buf2, &len2, NULL) == 0, "re-encode");
	is_mem(buf2, len2, buf, len, "decode then encode is byte-identical");
	ok(gpo_preg_get_dword(&d->records[0], &v) == 0 && v == 0x12345678, "REG_DWORD LE");
	ok(gpo_preg_get_dword(&d->records[1], &v) == 0 && v == 0x12345678,
	   "REG_DWORD_BIG_ENDIAN");
	ok(gpo_preg_get_multi_sz(mem, &d->records[2], &list, &n, NULL) == 0 && n == 2 &&
		   strcmp(list[0], "a") == 0 && strcmp(list[1], "b") == 0 && list[2] == NULL,
	   "REG_MULTI_SZ [a, b]");
	ok(gpo_preg_get_qword(&d->records[3], &q) == 0 && q == 0x0102030405060708ull,
	   "REG_QWORD");
	ok(gpo_preg_get_sz(mem, &d->records[4], &s, NULL) == 0 && strcmp(s, "%x%") == 0,
	   "REG_EXPAND_SZ text");
	is_int(d->records[7].type, GPO_REG_NONE, "REG_NONE stub type");
	is_int(d->records[7].size, 0, "REG_NONE stub size");
	is_int(d->records[8].type, 0x1234, "unknown type kept");
	is_mem(d->records[8].data, d->records[8].size, odd, 5, "unknown type raw bytes kept");
	ok(gpo_preg_get_dword(&d->records[6], &v) != 0, "REG_BINARY is not a dword");
	is_str(gpo_reg_type_name(GPO_REG_DWORD_BIG_ENDIAN), "REG_DWORD_BIG_ENDIAN", "type name");
	is_int(gpo_reg_type_from_name("reg_multi_sz"), GPO_REG_MULTI_SZ, "type from name");
	is_int(gpo_reg_type_from_name("REG_BOGUS"), -1, "unknown type name");
}

static void test_names(TALLOC_CTX *mem)
{
	/* U+00FC and U+1F600 (a surrogate pair in UTF-16) */
	const char *key = "Software\\Schl\xC3\xBC" "ssel\\\xF0\x9F\x98\x80";
	struct gpo_preg_file *f = talloc_zero(mem, struct gpo_preg_file), *d = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;

	ok(gpo_preg_add_sz(f, key, "V", GPO_REG_SZ, "\xE2\x82\xAC", NULL) == 0,
	   "non-ASCII names and data");
	ok(gpo_preg_encode(mem, f, &buf, &len, NULL) == 0, "encode non-ASCII");
	ok(gpo_preg_decode(mem, buf, len, &d, NULL) == 0, "decode non-ASCII");
	is_str(d->records[0].key, key, "UTF-8 -> UTF-16 surrogates -> UTF-8");
	f->records[0].value = talloc_strdup(f, "bad\xC0\xAF");
	ok(gpo_preg_encode(mem, f, &buf, &len, NULL) == GPO_EINVAL,
	   "an overlong UTF-8 name is refused");
	f->records[0].value = talloc_strdup(f, "");
	f->records[0].key = talloc_strdup(f, "");
	ok(gpo_preg_encode(mem, f, &buf, &len, NULL) == GPO_EINVAL, "an empty key is refused");

	is_int(gpo_preg_special_of("**DeleteKeys"), GPO_PREG_DELETE_KEYS, "**DeleteKeys");
	is_int(gpo_preg_special_of("**deletevalues"), GPO_PREG_DELETE_VALUES, "**DeleteValues");
	is_int(gpo_preg_special_of("**del.Foo"), GPO_PREG_DEL, "**del.<name>");
	is_int(gpo_preg_special_of("**delvals."), GPO_PREG_DELVALS, "**delvals.");
	is_int(gpo_preg_special_of("**SecureKey"), GPO_PREG_SECURE_KEY, "**SecureKey");
	is_int(gpo_preg_special_of("**soft.Bar"), GPO_PREG_SOFT, "**soft.<name>");
	is_int(gpo_preg_special_of("**Comment:x"), GPO_PREG_OTHER_CONTROL, "other control");
	is_int(gpo_preg_special_of("*Flags"), GPO_PREG_PLAIN, "one star is plain");
}

struct bad_case {
	const char *what;
	const char *hex;  /* record bytes after the header, as hex pairs */
	const char *message;
	long offset;
};

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;

	while (*hex) {
		unsigned v;

		if (*hex == ' ') {
			hex++;
			continue;
		}
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static void test_hostile(TALLOC_CTX *mem)
{
	static const struct bad_case cases[] = {
		{ "missing '['", "5c00", "'[' expected", 8 },
		{ "key without NUL", "5b00 4b00 4b00", "key name has no NUL terminator", 10 },
		{ "empty key", "5b00 0000 3b00", "the key name is empty", 10 },
		{ "no ';' after key", "5b00 4b00 0000 5d00", "';' after the key name expected", 14 },
		{ "value without NUL", "5b00 4b00 0000 3b00 5600", "value name has no NUL", 16 },
		{ "truncated type", "5b00 4b00 0000 3b00 0000 3b00 0400", "type is missing", 20 },
		{ "truncated size", "5b00 4b00 0000 3b00 0000 3b00 04000000 3b00 04",
		  "size is missing", 26 },
		{ "size past the end",
		  "5b00 4b00 0000 3b00 0000 3b00 04000000 3b00 ff000000 3b00 01000000 5d00",
		  "runs past the end of the file", 32 },
		{ "missing ']'",
		  "5b00 4b00 0000 3b00 0000 3b00 04000000 3b00 04000000 3b00 01000000 5e00",
		  "']' expected", 36 },
		{ "truncated ']'",
		  "5b00 4b00 0000 3b00 0000 3b00 04000000 3b00 04000000 3b00 01000000 5d",
		  "']' missing", 36 },
		{ "odd REG_SZ",
		  "5b00 4b00 0000 3b00 0000 3b00 01000000 3b00 03000000 3b00 410000 5d00",
		  "REG_SZ data: odd byte count", 32 },
		{ "REG_SZ without NUL",
		  "5b00 4b00 0000 3b00 0000 3b00 01000000 3b00 02000000 3b00 4100 5d00",
		  "REG_SZ data: no NUL terminator", 32 },
		{ "empty REG_SZ",
		  "5b00 4b00 0000 3b00 0000 3b00 01000000 3b00 00000000 3b00 5d00",
		  "REG_SZ data: no NUL terminator", 32 },
		{ "REG_SZ with text after NUL",
		  "5b00 4b00 0000 3b00 0000 3b00 01000000 3b00 08000000 3b00 4100000042000000 5d00",
		  "text after the terminating NUL", 36 },
		{ "REG_DWORD of 3 bytes",
		  "5b00 4b00 0000 3b00 0000 3b00 04000000 3b00 03000000 3b00 010203 5d00",
		  "REG_DWORD data: size is not 4", 32 },
		{ "REG_QWORD of 4 bytes",
		  "5b00 4b00 0000 3b00 0000 3b00 0b000000 3b00 04000000 3b00 01020304 5d00",
		  "REG_QWORD data: size is not 8", 32 },
		{ "unpaired surrogate in key",
		  "5b00 00d8 0000 3b00 0000 3b00 04000000 3b00 04000000 3b00 01000000 5d00",
		  "unpaired surrogate", 10 },
		{ "lone low surrogate in data",
		  "5b00 4b00 0000 3b00 0000 3b00 01000000 3b00 04000000 3b00 00dc0000 5d00",
		  "REG_SZ data: unpaired surrogate", 32 },
		{ "trailing byte", "5b", "'[' missing", 8 },
	};
	uint8_t buf[256];
	size_t i;

	memcpy(buf, "PReg\1\0\0\0", 8);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gpo_preg_file *f = NULL;
		struct gpo_error *err = NULL;
		size_t n = 8 + unhex(cases[i].hex, buf + 8);
		int rc = gpo_preg_decode(mem, buf, n, &f, &err);

		ok(rc == GPO_EINVAL && err != NULL, "%s: refused", cases[i].what);
		contains(err ? err->message : NULL, cases[i].message, "%s: says why",
			 cases[i].what);
		is_int(err ? err->offset : -2, cases[i].offset, "%s: names the byte",
		       cases[i].what);
	}
	{
		struct gpo_error *err = NULL;
		struct gpo_preg_file *f = NULL;

		ok(gpo_preg_decode(mem, (const uint8_t *)"PReg", 4, &f, &err) == GPO_EINVAL,
		   "4-byte file refused");
		ok(gpo_preg_decode(mem, (const uint8_t *)"XReg\1\0\0\0", 8, &f, &err) ==
			   GPO_EINVAL, "bad signature refused (Samba accepts it)");
		contains(err->message, "signature", "bad signature message");
		ok(gpo_preg_decode(mem, (const uint8_t *)"PReg\2\0\0\0", 8, &f, &err) ==
			   GPO_EINVAL, "version 2 refused");
		contains(err->message, "version 2", "bad version message");
	}
}

/* Every prefix of a valid file but the whole must fail cleanly, never crash. */
static void test_truncations(TALLOC_CTX *mem, const uint8_t *data, size_t len)
{
	size_t cut, refused = 0, accepted = 0, in_range = 0;

	for (cut = 0; cut < len; cut++) {
		struct gpo_preg_file *f = NULL;
		struct gpo_error *err = NULL;
		/* a fresh heap copy, so ASan sees any read past the end */
		uint8_t *copy = talloc_memdup(mem, data, cut ? cut : 1);
		int rc = gpo_preg_decode(mem, copy, cut, &f, &err);

		if (rc == GPO_EINVAL)
			refused++;
		else if (rc == 0)
			accepted++;
		if (rc == 0 || (err && err->offset >= 0 && (size_t)err->offset <= cut))
			in_range++;
		talloc_free(copy);
	}
	/* a cut exactly between two records is itself a valid, shorter file */
	ok(refused + accepted == len, "every truncation is refused or a record boundary");
	ok(refused > len - 20, "truncations inside records are refused (%zu of %zu)", refused,
	   len);
	is_int(in_range, len, "every error offset lies inside the input");
}

static int load(TALLOC_CTX *mem, const char *path, uint8_t **data, size_t *len)
{
	return gpo_read_file(mem, path, 1 << 20, data, len, NULL);
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *golden = argc > 1 ? argv[1] : "tests/golden/spec-worked-example/Machine/Registry.pol";
	struct gpo_preg_file *f = NULL;
	uint8_t *data = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	uint32_t cost = 0;

	test_tiny(mem);
	test_empty(mem);
	test_types(mem);
	test_names(mem);
	test_hostile(mem);

	ok(load(mem, golden, &data, &len) == 0, "read the spec's worked example");
	ok(gpo_preg_decode(mem, data, len, &f, NULL) == 0, "decode it");
	is_int(f ? f->count : 0, 9, "nine records (spec 2)");
	if (f != NULL && f->count == 9) {
		is_str(f->records[0].value, "**DeleteKeys", "first record is **DeleteKeys");
		is_str(f->records[8].value, "Cost", "last record is Cost");
		ok(gpo_preg_get_dword(&f->records[8], &cost) == 0 && cost == 0x7FFFFFFD,
		   "Cost 0x7FFFFFFD");
		ok(f->records[2].key == f->records[1].key, "consecutive equal keys share a string");
	}
	ok(gpo_preg_encode(mem, f, &again, &again_len, NULL) == 0, "re-encode it");
	is_mem(again, again_len, data, len, "the worked example round-trips byte for byte");
	test_truncations(mem, data, len);

	/* every value type and special name, packed by Samba (tests/fuzz/corpus) */
	ok(load(mem, "tests/fuzz/corpus/preg/every-type.pol", &data, &len) == 0,
	   "read Samba's every-type file");
	ok(gpo_preg_decode(mem, data, len, &f, NULL) == 0 && f->count == 12,
	   "decode Samba's every-type file (12 records)");
	ok(gpo_preg_encode(mem, f, &again, &again_len, NULL) == 0, "re-encode it");
	is_mem(again, again_len, data, len, "Samba's bytes round-trip exactly");
	talloc_free(mem);
	return tap_done();
}
