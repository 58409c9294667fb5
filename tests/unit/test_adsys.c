/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The model of Ubuntu adsys's Registry.pol reader (gpo-cep/adsys.h): the
 * cases found by running adsys on gpo-cep's files, as named regressions,
 * and every REG_DWORD value class of the rules in doc/clients.md checked
 * against the model over a range of values and their neighbours.
 */
#include <gpo-cep.h>

#include "harness.h"

#define KEY "Software\\Policies\\Microsoft\\Cryptography\\PolicyServers\\abc"

static struct gpo_adsys_read *read_records(TALLOC_CTX *mem, const struct gpo_preg_file *f)
{
	struct gpo_adsys_read *r = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;

	if (gpo_preg_encode(mem, f, &bytes, &len, NULL) != 0 ||
	    gpo_adsys_read(mem, bytes, len, &r, NULL) != 0)
		return NULL;
	return r;
}

/* A Cost DWORD, followed by a URL record unless `last`. */
static struct gpo_adsys_read *cost_then(TALLOC_CTX *mem, uint32_t cost, bool last)
{
	struct gpo_preg_file *f = talloc_zero(mem, struct gpo_preg_file);

	gpo_preg_add_sz(f, KEY, "FriendlyName", GPO_REG_SZ, "first", NULL);
	gpo_preg_add_dword(f, KEY, "Cost", cost, NULL);
	if (!last)
		gpo_preg_add_sz(f, KEY "2", "URL", GPO_REG_SZ, "https://ca.example/x", NULL);
	return read_records(mem, f);
}

enum dword_class { READ_OK, REJECTED, SWALLOWS };

/* The rules of doc/clients.md, written independently of the model. */
static enum dword_class expected_class(uint32_t v, bool last)
{
	if ((v & 0xFFFF) == 0x005D || (v & 0xFFFFFF) == 0x005D00 || v == 0x005D0000 ||
	    v == 0x005D003B)
		return REJECTED;
	if (v < 0x10000 || (v >= 0x3B0000 && v <= 0x3BFFFF))
		return READ_OK;
	return last ? REJECTED : SWALLOWS;
}

static enum dword_class model_class(TALLOC_CTX *mem, uint32_t v, bool last)
{
	struct gpo_adsys_read *r = cost_then(mem, v, last);
	char want[16];

	snprintf(want, sizeof(want), "%lu", (unsigned long)v);
	if (r == NULL || r->rejected)
		return REJECTED;
	if (r->n_entries < 2 || strcmp(r->entries[1].text, want) != 0)
		return (enum dword_class)-1;
	return !last && r->n_entries == 2 ? SWALLOWS : READ_OK;
}

static void dword_classes(TALLOC_CTX *mem)
{
	static const uint32_t around[] = { 0, 0x5D, 0x5D00, 0xFFFF, 0x10000, 0x3B0000, 0x3B005D,
					   0x3BFFFF, 0x3C0000, 0x5D0000, 0x5D003B, 0x5D5D00,
					   0x7FFFFFFD, 0xFFFFFFFF, 0x1005D00, 0x105D0000 };
	size_t i, checked = 0, wrong = 0;
	uint32_t v;
	int d, last;

	for (last = 0; last < 2; last++) {
		for (i = 0; i < sizeof(around) / sizeof(around[0]); i++)
			for (d = -3; d <= 3; d++) {
				TALLOC_CTX *t = talloc_new(mem);

				v = around[i] + (uint32_t)d;
				checked++;
				if (model_class(t, v, last) != expected_class(v, last)) {
					if (wrong++ < 5)
						printf("# 0x%lX%s: model %d, rules %d\n", (unsigned long)v,
						       last ? " (last)" : "", model_class(t, v, last),
						       expected_class(v, last));
				}
				talloc_free(t);
			}
		/* every low-16 pattern with a high half of 0, 0x3B and 0x7FFF */
		for (v = 0; v < 0x30000; v += 7) {
			TALLOC_CTX *t = talloc_new(mem);
			uint32_t w = (v & 0xFFFF) | (uint32_t[]){ 0, 0x3B, 0x7FFF }[v >> 16] << 16;

			checked++;
			if (model_class(t, w, last) != expected_class(w, last) && wrong++ < 5)
				printf("# 0x%lX: differs\n", (unsigned long)w);
			talloc_free(t);
		}
	}
	is_int(wrong, 0, "%zu REG_DWORD values: the model reads each as the rules say", checked);
}

/* The cases found with adsys itself. */
static void regressions(TALLOC_CTX *mem)
{
	struct gpo_preg_file *f;
	struct gpo_adsys_read *r;
	static const uint8_t bin[] = { 1, 2, 0, 0 }; /* ends as adsys expects */

	r = cost_then(mem, 0x7FFFFFFD, false);
	ok(r && !r->rejected && r->n_entries == 2, "Cost 0x7FFFFFFD swallows the next server's URL");
	r = cost_then(mem, 0x7FFFFFFD, true);
	ok(r && r->rejected, "Cost 0x7FFFFFFD as the last record: the file is rejected");
	if (r != NULL && r->rejected)
		contains(r->reason, "ends inside a record", "and says why");
	r = cost_then(mem, 93, false);
	ok(r && r->rejected, "93 (expiry_notice_percent 93): 0 data bytes, the file is rejected");
	if (r != NULL && r->rejected)
		contains(r->reason, "cut to 0 data bytes", "a REG_DWORD cut short");
	r = cost_then(mem, 23808, false);
	ok(r && r->rejected, "23808 (0x5D00): 1 data byte, rejected");
	r = cost_then(mem, 0x5D0000, false);
	ok(r && r->rejected, "0x5D0000: 2 data bytes, rejected, not 'URL hidden'");
	r = cost_then(mem, 65535, false);
	ok(r && !r->rejected && r->n_entries == 3 && strcmp(r->entries[1].text, "65535") == 0,
	   "65535 reads whole");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, KEY, "FriendlyName", GPO_REG_SZ, "a;]b", NULL);
	gpo_preg_add_sz(f, KEY, "URL", GPO_REG_SZ, "LDAP:", NULL);
	r = read_records(mem, f);
	ok(r && !r->rejected && r->n_entries == 2, "FriendlyName 'a;]b': the file is read");
	if (r && r->n_entries == 2) {
		is_str(r->entries[0].text, "a;", "cut short after ';'");
		is_str(r->entries[1].text, "LDAP:", "the next record intact");
	}

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, KEY, "FriendlyName", GPO_REG_SZ, "]x[y", NULL);
	gpo_preg_add_sz(f, KEY, "URL", GPO_REG_SZ, "LDAP:", NULL);
	r = read_records(mem, f);
	ok(r && r->rejected, "FriendlyName ']x[y': cut at once, and the '[' after it rejects the file");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, KEY, "FriendlyName", GPO_REG_SZ, "]x", NULL);
	gpo_preg_add_sz(f, KEY, "URL", GPO_REG_SZ, "LDAP:", NULL);
	r = read_records(mem, f);
	ok(r && !r->rejected && r->n_entries == 2 && strcmp(r->entries[0].text, "") == 0,
	   "FriendlyName ']x': read as empty, the rest skipped to the next '['");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_raw(f, "Software\\Policies\\Vendor", "Blob", GPO_REG_BINARY, bin, 4, NULL);
	r = read_records(mem, f);
	ok(r && !r->rejected && r->n_entries == 1, "a REG_BINARY value: the file is read");
	if (r != NULL && r->n_entries == 1)
		contains(r->entries[0].error, "type 3", "the entry is an error naming its type");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_raw(f, "Software\\Microsoft\\SystemCertificates\\CA\\CRLs", "", GPO_REG_NONE,
			 NULL, 0, NULL);
	gpo_preg_add_sz(f, KEY, "URL", GPO_REG_SZ, "LDAP:", NULL);
	r = read_records(mem, f);
	ok(r && !r->rejected && r->n_entries == 2 && r->entries[0].error != NULL &&
	   r->entries[1].error == NULL && strcmp(r->entries[1].text, "LDAP:") == 0,
	   "a key stub (empty value name): an entry in error, the next record intact");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_raw(f, "Software\\Policies\\Vendor", "**del.Blob", GPO_REG_BINARY, bin, 4, NULL);
	gpo_preg_add_sz(f, "Software\\Policies\\Vendor", "**DeleteValues", GPO_REG_SZ, "a;b", NULL);
	r = read_records(mem, f);
	ok(r && !r->rejected && r->n_entries == 2 && r->entries[0].disabled &&
	   strcmp(r->entries[0].value, "Blob") == 0, "a **del. value is not converted");

	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, "Software\\Policies\\Ubuntu\\x", "metaValues", GPO_REG_SZ,
			"{\"y\": {\"empty\": \"fallback\"}}", NULL);
	gpo_preg_add_sz(f, "Software\\Policies\\Ubuntu\\x", "y", GPO_REG_SZ, "", NULL);
	r = read_records(mem, f);
	ok(r && !r->rejected && r->n_entries == 1 && strcmp(r->entries[0].text, "fallback") == 0,
	   "metaValues: no entry itself; an empty value reads as its Empty");
	f = talloc_zero(mem, struct gpo_preg_file);
	gpo_preg_add_sz(f, "Software\\Policies\\Ubuntu\\x", "metaValues", GPO_REG_SZ, "{not json", NULL);
	r = read_records(mem, f);
	ok(r && r->rejected, "metaValues that is not JSON rejects the file");

	{
		static const uint8_t truncated[] = { 'P', 'R', 'e', 'g', 1, 0, 0, 0, '[', 0, 'k', 0 };
		static const uint8_t empty_file[] = { 'P', 'R', 'e', 'g', 1, 0, 0, 0 };

		r = NULL;
		ok(gpo_adsys_read(mem, truncated, sizeof(truncated), &r, NULL) == 0 && r->rejected,
		   "a record without its end: rejected");
		r = NULL;
		ok(gpo_adsys_read(mem, empty_file, sizeof(empty_file), &r, NULL) == 0 &&
		   !r->rejected && r->n_entries == 0, "a header alone: read, nothing in it");
		r = NULL;
		ok(gpo_adsys_read(mem, empty_file, 4, &r, NULL) == 0 && r->rejected,
		   "a short header: rejected");
	}
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	regressions(mem);
	dword_classes(mem);
	talloc_free(mem);
	return tap_done();
}
