/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/preg.h - the Registry.pol ("PReg") codec, [MS-GPREG] 2.2.1.
 *
 * A file is the header "PReg" + version 1, then records
 *   '[' key NUL ';' value NUL ';' type ';' size ';' data ']'
 * in UTF-16LE with little-endian 32-bit type and size.  The codec is
 * general: it is not limited to certificate enrollment settings.
 *
 * Decoding keeps every record's data bytes exactly as found, so that
 * decode followed by encode reproduces any valid file byte for byte.
 * Key and value names are held as UTF-8.  Neither direction does I/O.
 */
#ifndef GPO_CEP_PREG_H
#define GPO_CEP_PREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>

enum gpo_reg_type {
	GPO_REG_NONE = 0,
	GPO_REG_SZ = 1,
	GPO_REG_EXPAND_SZ = 2,
	GPO_REG_BINARY = 3,
	GPO_REG_DWORD = 4,
	GPO_REG_DWORD_BIG_ENDIAN = 5,
	GPO_REG_LINK = 6,
	GPO_REG_MULTI_SZ = 7,
	GPO_REG_QWORD = 11,
};

/* The special value names of [MS-GPREG] 3.2.5.1.2, matched case-insensitively. */
enum gpo_preg_special {
	GPO_PREG_PLAIN = 0,      /* an ordinary value */
	GPO_PREG_DELETE_KEYS,    /* **DeleteKeys */
	GPO_PREG_DELETE_VALUES,  /* **DeleteValues */
	GPO_PREG_DEL,            /* **Del.<name> */
	GPO_PREG_DELVALS,        /* **DelVals. */
	GPO_PREG_SECURE_KEY,     /* **SecureKey */
	GPO_PREG_SOFT,           /* **soft.<name> */
	GPO_PREG_OTHER_CONTROL,  /* some other "**" name; clients skip it */
};

struct gpo_preg_record {
	char *key;      /* UTF-8, never NULL */
	char *value;    /* UTF-8, "" for a key's default value or a key stub */
	uint32_t type;  /* enum gpo_reg_type, or any other number as found */
	uint32_t size;  /* number of data bytes */
	uint8_t *data;  /* `size` bytes; NULL when size is 0 */
};

struct gpo_preg_file {
	size_t count;
	struct gpo_preg_record *records;
};

/*
 * Decode a whole file.  Strict: a bad signature or version, a truncated
 * record, a size past the end, a missing NUL or ']', a string that is not
 * valid UTF-16, and type-specific data that cannot be what its type says
 * (REG_SZ of odd length or without its NUL, REG_DWORD not 4 bytes, ...)
 * are each a GPO_EINVAL error whose `offset` points at the bad byte.
 * Never reads outside buf[0, len).  The result is allocated on mem_ctx.
 * Consecutive records with the same key share one key string: treat the
 * names as read-only; to change one, point it at a new string.
 */
int gpo_preg_decode(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
		    struct gpo_preg_file **ret_file, struct gpo_error **reterr);

/*
 * Encode records into a new buffer allocated on mem_ctx.  Fails with
 * GPO_EINVAL when a name is empty where the format forbids it (an empty
 * key), contains a character that cannot stand in a name, or is not
 * valid UTF-8.
 */
int gpo_preg_encode(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *file,
		    uint8_t **ret_buf, size_t *ret_len, struct gpo_error **reterr);

/* Classify a value name. */
enum gpo_preg_special gpo_preg_special_of(const char *value_name);

/* "REG_SZ" for 1 and so on; NULL for a type without a name. */
const char *gpo_reg_type_name(uint32_t type);

/* The inverse of gpo_reg_type_name(), case-insensitive; -1 if unknown. */
int gpo_reg_type_from_name(const char *name);

/*
 * Helpers that build a record's data in the canonical layout ([MS-GPREG]
 * 2.2.1, and what Windows writes).  Each appends one record to `file`,
 * copying key and value; they fail with GPO_EINVAL on invalid UTF-8.
 * An error is allocated on `file`.
 */
int gpo_preg_add_sz(struct gpo_preg_file *file, const char *key, const char *value,
		    uint32_t type, const char *string, struct gpo_error **reterr);
int gpo_preg_add_dword(struct gpo_preg_file *file, const char *key, const char *value,
		       uint32_t dword, struct gpo_error **reterr);
int gpo_preg_add_raw(struct gpo_preg_file *file, const char *key, const char *value,
		     uint32_t type, const uint8_t *data, uint32_t size,
		     struct gpo_error **reterr);

/*
 * Read typed data back.  gpo_preg_get_sz() gives the string of a REG_SZ or
 * REG_EXPAND_SZ up to its terminating NUL; gpo_preg_get_dword() the value
 * of a 4-byte REG_DWORD or REG_DWORD_BIG_ENDIAN; gpo_preg_get_qword() that
 * of an 8-byte REG_QWORD; gpo_preg_get_multi_sz() a NULL-terminated array
 * of strings.  Each fails with GPO_EINVAL when the record is not of that
 * shape.
 */
int gpo_preg_get_sz(TALLOC_CTX *mem_ctx, const struct gpo_preg_record *rec,
		    char **ret_string, struct gpo_error **reterr);
int gpo_preg_get_dword(const struct gpo_preg_record *rec, uint32_t *ret_dword);
int gpo_preg_get_qword(const struct gpo_preg_record *rec, uint64_t *ret_qword);
int gpo_preg_get_multi_sz(TALLOC_CTX *mem_ctx, const struct gpo_preg_record *rec,
			  char ***ret_strings, size_t *ret_count,
			  struct gpo_error **reterr);

#endif
