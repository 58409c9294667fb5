/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An in-memory registry hive that serialises the way the Windows Group
 * Policy editor saves Registry.pol (doc/registry-pol.md, "Record order"):
 * depth first; a key's values in insertion order before its subkeys;
 * subkeys in case-insensitive order of each path component; a key with
 * neither values nor subkeys becomes one REG_NONE stub record.  A key keeps
 * the spelling it was first created with.  Private to the library.
 */
#ifndef GPO_CEP_HIVE_H
#define GPO_CEP_HIVE_H

#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>
#include <gpo-cep/preg.h>

struct hive;

struct hive *hive_new(TALLOC_CTX *mem_ctx);

/* Create the key `path` (components separated by '\') and its parents. */
int hive_touch(struct hive *h, const char *path);

/* Add a value to `path`, creating the key; the data is copied. */
int hive_add(struct hive *h, const char *path, const char *value, uint32_t type,
	     const uint8_t *data, uint32_t size);
int hive_add_sz(struct hive *h, const char *path, const char *value,
		const char *string);
int hive_add_dword(struct hive *h, const char *path, const char *value,
		   uint32_t dword);

/* Append the serialised records to `out`; 0, GPO_ENOMEM or GPO_EINVAL (bad UTF-8). */
int hive_emit(struct hive *h, struct gpo_preg_file *out);

/* Compare two key name components the way the registry orders them. */
int hive_name_cmp(const char *a, const char *b);

#endif
