/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/adsys.h - a Registry.pol as Ubuntu adsys reads it.
 *
 * adsys (internal/ad/registry/registry.go, as of 2026) does
 * not use the size field of a record: it ends a record at the first
 * 4-byte window 00 00 5D 00 or 3B 00 5D 00 after its '[', splits it at
 * 00 00 3B 00, and then converts every value of the file; one value it
 * cannot convert fails the whole file, which fails the policy refresh of
 * the computer or user.  This is a model of that reader, written from its
 * behaviour (doc/clients.md), so that lint can say what adsys will make
 * of the bytes gpo-cep writes.
 */
#ifndef GPO_CEP_ADSYS_H
#define GPO_CEP_ADSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>

/* One record as adsys ends and converts it. */
struct gpo_adsys_entry {
	char *key;          /* the key, '\' as in the file */
	char *value;        /* the value name, without "**del." */
	bool disabled;      /* the name had "**del.": no data converted */
	uint8_t type;       /* the low byte of the type field: all adsys keeps */
	char *text;         /* the converted data (a DWORD in decimal); NULL if disabled */
	char *error;        /* adsys keeps the entry with this error (an empty value
			       name, a type it does not convert): it is not applied */
	size_t start, end;  /* bytes [start, end) of the file, from '[' to after ']' */
};

struct gpo_adsys_read {
	bool rejected;      /* adsys fails the whole file */
	char *reason;       /* why, when rejected */
	size_t reason_at;   /* the byte offset the reason is about */
	size_t n_entries;   /* what it read (all of it is dropped when rejected) */
	struct gpo_adsys_entry *entries;
};

/*
 * Read `data` as adsys does.  A file adsys rejects is a result
 * (`rejected`), not an error: GPO_ENOMEM is the only failure.
 */
int gpo_adsys_read(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
		   struct gpo_adsys_read **ret_read, struct gpo_error **reterr);

#endif
