/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Registry.pol codec.  Format: [MS-GPREG] 2.2.1; the byte-level notes in
 * doc/registry-pol.md
 */
#include <stdarg.h>
#include <string.h>

#include <gpo-cep/preg.h>

#include "buf.h"
#include "internal.h"
#include "utf16.h"

#define PREG_SIGNATURE "PReg"
#define PREG_VERSION 1
#define PREG_HEADER_SIZE 8

static const char *const type_names[] = {
	[0] = "REG_NONE",
	[1] = "REG_SZ",
	[2] = "REG_EXPAND_SZ",
	[3] = "REG_BINARY",
	[4] = "REG_DWORD",
	[5] = "REG_DWORD_BIG_ENDIAN",
	[6] = "REG_LINK",
	[7] = "REG_MULTI_SZ",
	[8] = "REG_RESOURCE_LIST",
	[9] = "REG_FULL_RESOURCE_DESCRIPTOR",
	[10] = "REG_RESOURCE_REQUIREMENTS_LIST",
	[11] = "REG_QWORD",
};

const char *gpo_reg_type_name(uint32_t type)
{
	return type < ARRAY_SIZE(type_names) ? type_names[type] : NULL;
}

int gpo_reg_type_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(type_names); i++)
		if (ascii_strcasecmp(name, type_names[i]) == 0)
			return (int)i;
	return -1;
}

enum gpo_preg_special gpo_preg_special_of(const char *v)
{
	if (v[0] != '*' || v[1] != '*')
		return GPO_PREG_PLAIN;
	if (ascii_strcasecmp(v, "**DeleteKeys") == 0)
		return GPO_PREG_DELETE_KEYS;
	if (ascii_strcasecmp(v, "**DeleteValues") == 0)
		return GPO_PREG_DELETE_VALUES;
	if (ascii_strcasecmp(v, "**DelVals.") == 0)
		return GPO_PREG_DELVALS;
	if (ascii_strcasecmp(v, "**SecureKey") == 0)
		return GPO_PREG_SECURE_KEY;
	if (ascii_strncasecmp(v, "**Del.", 6) == 0)
		return GPO_PREG_DEL;
	if (ascii_strncasecmp(v, "**soft.", 7) == 0)
		return GPO_PREG_SOFT;
	return GPO_PREG_OTHER_CONTROL;
}

/* ---- decoding ---------------------------------------------------------- */

struct reader {
	TALLOC_CTX *mem_ctx;
	const uint8_t *buf;
	size_t len;
	size_t pos;
	struct gpo_error **reterr;
	/* where the previous record's key name was, to share equal keys */
	size_t prev_key_start;
	size_t prev_key_units;
	/*
	 * One allocation holds every name and data byte of the file: UTF-8
	 * needs at most 3 bytes per 2-byte UTF-16 unit, so 1.5 times the input
	 * always suffices.  Per-record allocations cost more than the parse.
	 */
	char *pool;
	size_t pool_used;
};

static int bad(struct reader *r, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every decoding error names the byte it is about, at the end of the message. */
static int bad(struct reader *r, size_t at, const char *fmt, ...)
{
	char *what;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	what = talloc_vasprintf(NULL, fmt, ap);
	va_end(ap);
	if (what == NULL)
		return gpo_oom(r->mem_ctx, r->reterr);
	rc = gpo_fail_at(r->mem_ctx, r->reterr, GPO_EINVAL, (int64_t)at,
			 "%s at byte offset %llu", what, (unsigned long long)at);
	talloc_free(what);
	return rc;
}

static int expect_char(struct reader *r, uint16_t ch, const char *what)
{
	if (r->len - r->pos < 2)
		return bad(r, r->pos, "truncated record: %s missing", what);
	if (pull_u16le(r->buf + r->pos) != ch)
		return bad(r, r->pos, "malformed record: %s expected", what);
	r->pos += 2;
	return 0;
}

/*
 * Read a NUL-terminated UTF-16LE name; on success *units is its length in
 * code units and r->pos is past the NUL.
 */
static int scan_name(struct reader *r, const char *what, size_t *ret_start,
		     size_t *ret_units)
{
	size_t start = r->pos, p = r->pos;

	while (p + 1 < r->len) {
		if (r->buf[p] == 0 && r->buf[p + 1] == 0) {
			*ret_start = start;
			*ret_units = (p - start) / 2;
			r->pos = p + 2;
			return 0;
		}
		p += 2;
	}
	return bad(r, start, "truncated record: %s has no NUL terminator; it starts",
		   what);
}

static char *name_to_utf8(struct reader *r, size_t start, size_t units, const char *what,
			  int *rc)
{
	size_t bad_unit = 0;
	char *s = r->pool + r->pool_used;
	size_t n = utf16le_to_utf8_into(s, r->buf + start, units, &bad_unit);

	if (n != SIZE_MAX) {
		r->pool_used += n + 1;
		return s;
	}
	*rc = bad(r, start + 2 * bad_unit, "invalid UTF-16 in %s: unpaired surrogate", what);
	return NULL;
}

static int check_utf16(struct reader *r, const uint8_t *p, size_t units, size_t at,
		       const char *type_name)
{
	size_t i;

	for (i = 0; i < units; i++) {
		uint16_t c = pull_u16le(p + 2 * i);

		if (c >= 0xD800 && c <= 0xDBFF) {
			uint16_t lo = i + 1 < units ? pull_u16le(p + 2 * (i + 1)) : 0;

			if (lo < 0xDC00 || lo > 0xDFFF)
				break;
			i++;
		} else if (c >= 0xDC00 && c <= 0xDFFF) {
			break;
		}
	}
	if (i >= units)
		return 0;
	return bad(r, at + 2 * i, "invalid UTF-16 in %s data: unpaired surrogate",
		   type_name);
}

/* The data must be able to be what its type says (see preg.h). */
static int check_data(struct reader *r, uint32_t type, const uint8_t *d,
		      uint32_t size, size_t at)
{
	const char *tn = gpo_reg_type_name(type);
	size_t units = size / 2, i;
	int rc;

	switch (type) {
	case GPO_REG_SZ:
	case GPO_REG_EXPAND_SZ:
	case GPO_REG_MULTI_SZ:
		if (size % 2 != 0)
			return bad(r, at, "malformed %s data: odd byte count", tn);
		if (size == 0 || pull_u16le(d + size - 2) != 0)
			return bad(r, at, "malformed %s data: no NUL terminator", tn);
		if (type == GPO_REG_MULTI_SZ)
			return check_utf16(r, d, units, at, tn);
		for (i = 0; i < units && pull_u16le(d + 2 * i) != 0; i++)
			;
		rc = check_utf16(r, d, i, at, tn);
		if (rc != 0)
			return rc;
		for (; i < units; i++)
			if (pull_u16le(d + 2 * i) != 0)
				return bad(r, at + 2 * i, "malformed %s data: text after "
					   "the terminating NUL", tn);
		return 0;
	case GPO_REG_DWORD:
	case GPO_REG_DWORD_BIG_ENDIAN:
		if (size != 4)
			return bad(r, at, "malformed %s data: size is not 4", tn);
		return 0;
	case GPO_REG_QWORD:
		if (size != 8)
			return bad(r, at, "malformed %s data: size is not 8", tn);
		return 0;
	default:
		return 0;
	}
}

/* A record's type and size, each followed by ';'. */
static int scan_type_and_size(struct reader *r, uint32_t *ret_type, uint32_t *ret_size)
{
	int rc;

	if (r->len - r->pos < 4)
		return bad(r, r->pos, "truncated record: the type is missing");
	*ret_type = pull_u32le(r->buf + r->pos);
	r->pos += 4;
	if ((rc = expect_char(r, ';', "';' after the type")) != 0)
		return rc;
	if (r->len - r->pos < 4)
		return bad(r, r->pos, "truncated record: the size is missing");
	*ret_size = pull_u32le(r->buf + r->pos);
	r->pos += 4;
	return expect_char(r, ';', "';' after the size");
}

static int decode_record(struct reader *r, struct gpo_preg_record *prev,
			 struct gpo_preg_record *rec)
{
	size_t key_start, key_units, val_start, val_units, data_at;
	uint32_t size = 0;
	int rc = 0;

	if ((rc = expect_char(r, '[', "'['")) != 0)
		return rc;
	if ((rc = scan_name(r, "key name", &key_start, &key_units)) != 0)
		return rc;
	if (key_units == 0)
		return bad(r, key_start, "malformed record: the key name is empty");
	if ((rc = expect_char(r, ';', "';' after the key name")) != 0)
		return rc;
	if ((rc = scan_name(r, "value name", &val_start, &val_units)) != 0)
		return rc;
	if ((rc = expect_char(r, ';', "';' after the value name")) != 0)
		return rc;
	if ((rc = scan_type_and_size(r, &rec->type, &size)) != 0)
		return rc;
	data_at = r->pos;
	if (size > r->len - r->pos)
		return gpo_fail_at(r->mem_ctx, r->reterr, GPO_EINVAL, (int64_t)data_at,
				   "truncated record: data size %lu at byte offset %llu "
				   "runs past the end of the file (%llu bytes left)",
				   (unsigned long)size, (unsigned long long)data_at,
				   (unsigned long long)(r->len - r->pos));
	if ((rc = check_data(r, rec->type, r->buf + data_at, size, data_at)) != 0)
		return rc;
	r->pos += size;
	if ((rc = expect_char(r, ']', "']'")) != 0)
		return rc;

	/* consecutive records usually share their key: share the string too */
	if (prev != NULL && r->prev_key_units == key_units &&
	    memcmp(r->buf + r->prev_key_start, r->buf + key_start, 2 * key_units) == 0) {
		rec->key = prev->key;
	} else {
		rec->key = name_to_utf8(r, key_start, key_units, "key name", &rc);
		if (rec->key == NULL)
			return rc;
	}
	rec->value = name_to_utf8(r, val_start, val_units, "value name", &rc);
	if (rec->value == NULL)
		return rc;
	r->prev_key_start = key_start;
	r->prev_key_units = key_units;
	rec->size = size;
	rec->data = NULL;
	if (size > 0) {
		rec->data = (uint8_t *)r->pool + r->pool_used;
		memcpy(rec->data, r->buf + data_at, size);
		r->pool_used += size;
	}
	return 0;
}

/* The 8-byte header: "PReg" and version 1. */
static int check_header(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
			struct gpo_error **reterr)
{
	if (len < PREG_HEADER_SIZE)
		return gpo_fail_at(mem_ctx, reterr, GPO_EINVAL, 0,
				   "not a Registry.pol file: %zu bytes is too short for "
				   "the 8-byte PReg header", len);
	if (memcmp(buf, PREG_SIGNATURE, 4) != 0)
		return gpo_fail_at(mem_ctx, reterr, GPO_EINVAL, 0,
				   "not a Registry.pol file: signature is not 'PReg' at "
				   "byte offset 0");
	if (pull_u32le(buf + 4) != PREG_VERSION)
		return gpo_fail_at(mem_ctx, reterr, GPO_EINVAL, 4,
				   "unsupported Registry.pol version %lu at byte offset 4 "
				   "(only version 1 exists)",
				   (unsigned long)pull_u32le(buf + 4));
	return 0;
}

int gpo_preg_decode(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
		    struct gpo_preg_file **ret_file, struct gpo_error **reterr)
{
	struct reader r = { .mem_ctx = mem_ctx, .buf = buf, .len = len,
			    .pos = PREG_HEADER_SIZE, .reterr = reterr };
	struct gpo_preg_file *file;
	size_t cap = 0;
	int rc;

	rc = check_header(mem_ctx, buf, len, reterr);
	if (rc != 0)
		return rc;
	file = talloc_zero(NULL, struct gpo_preg_file);
	if (file == NULL)
		return gpo_oom(mem_ctx, reterr);
	r.pool = talloc_size(file, len + len / 2 + 1);
	/* the smallest record is 26 bytes; most are far larger */
	cap = len / 64 + 16;
	file->records = talloc_array(file, struct gpo_preg_record, cap);
	if (r.pool == NULL || file->records == NULL) {
		talloc_free(file);
		return gpo_oom(mem_ctx, reterr);
	}
	while (r.pos < len) {
		struct gpo_preg_record *prev = NULL;

		if (file->count == cap) {
			struct gpo_preg_record *n;

			cap = cap ? cap * 2 : 16;
			n = talloc_realloc(file, file->records, struct gpo_preg_record, cap);
			if (n == NULL) {
				rc = gpo_oom(mem_ctx, reterr);
				goto fail;
			}
			file->records = n;
		}
		if (file->count > 0)
			prev = &file->records[file->count - 1];
		rc = decode_record(&r, prev, &file->records[file->count]);
		if (rc != 0) {
			if (reterr != NULL && *reterr != NULL)
				(*reterr)->message = talloc_asprintf_append(
					(*reterr)->message, " (record %zu)", file->count + 1);
			goto fail;
		}
		file->count++;
	}
	*ret_file = talloc_steal(mem_ctx, file);
	return 0;
fail:
	talloc_free(file);
	return rc;
}

/* ---- encoding ---------------------------------------------------------- */

/* Append c as UTF-16LE; the caller reserved the room. */
static inline uint8_t *put_u16(uint8_t *o, uint16_t c)
{
	o[0] = (uint8_t)c;
	o[1] = (uint8_t)(c >> 8);
	return o + 2;
}

static inline uint8_t *put_u32(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t)v;
	o[1] = (uint8_t)(v >> 8);
	o[2] = (uint8_t)(v >> 16);
	o[3] = (uint8_t)(v >> 24);
	return o + 4;
}

/* The previous record's key: its string, and where its UTF-16 bytes are in the output. */
struct key_bytes {
	const char *key;
	size_t start, len;
};

/*
 * Record i (counted from 0) as "[key;value;type;size;data]".  Running out
 * of memory only sets b->failed, for the caller to report.
 */
static int encode_record(TALLOC_CTX *mem_ctx, struct buf *b, const struct gpo_preg_record *rec,
			 size_t i, struct key_bytes *prev, struct gpo_error **reterr)
{
	const char *value = rec->value ? rec->value : "";
	size_t bad_at = 0;
	uint8_t *o;

	if (rec->key == NULL || rec->key[0] == '\0')
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"record %zu: the key name is empty", i + 1);
	if (rec->size > 0 && rec->data == NULL)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"record %zu: size %lu but no data", i + 1,
				(unsigned long)rec->size);
	buf_push_u16le(b, '[');
	if (rec->key == prev->key) {
		/* shared key string (see decode): copy the bytes we made */
		if (buf_reserve(b, prev->len)) {
			memcpy(b->data + b->len, b->data + prev->start, prev->len);
			b->len += prev->len;
		}
	} else {
		prev->start = b->len;
		if (!utf8_to_utf16le(b, rec->key, strlen(rec->key), &bad_at))
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "record %zu: key name "
					"is not valid UTF-8 at byte %zu", i + 1, bad_at);
		prev->len = b->len - prev->start;
		prev->key = rec->key;
	}
	if (!buf_reserve(b, 4))
		return 0;
	put_u16(put_u16(b->data + b->len, 0), ';');
	b->len += 4;
	if (!utf8_to_utf16le(b, value, strlen(value), &bad_at))
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "record %zu: value name is "
				"not valid UTF-8 at byte %zu", i + 1, bad_at);
	if (!buf_reserve(b, 2 + 2 + 4 + 2 + 4 + 2 + (size_t)rec->size + 2))
		return 0;
	o = b->data + b->len;
	o = put_u16(o, 0);
	o = put_u16(o, ';');
	o = put_u32(o, rec->type);
	o = put_u16(o, ';');
	o = put_u32(o, rec->size);
	o = put_u16(o, ';');
	if (rec->size > 0)
		memcpy(o, rec->data, rec->size);
	o += rec->size;
	o = put_u16(o, ']');
	b->len = (size_t)(o - b->data);
	return 0;
}

int gpo_preg_encode(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *file,
		    uint8_t **ret_buf, size_t *ret_len, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct key_bytes prev = { NULL, 0, 0 };
	struct buf b;
	size_t i;
	int rc;

	if (tmp == NULL)
		return gpo_oom(mem_ctx, reterr);
	buf_init(&b, tmp);
	buf_push_str(&b, PREG_SIGNATURE);
	buf_push_u32le(&b, PREG_VERSION);
	for (i = 0; i < file->count && !b.failed; i++) {
		rc = encode_record(mem_ctx, &b, &file->records[i], i, &prev, reterr);
		if (rc != 0)
			goto out;
	}
	if (b.failed) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	*ret_buf = talloc_steal(mem_ctx, b.data);
	*ret_len = b.len;
	rc = 0;
out:
	talloc_free(tmp);
	return rc;
}

/* ---- building and reading records ---------------------------------------- */

static struct gpo_preg_record *append(struct gpo_preg_file *file)
{
	struct gpo_preg_record *n;
	size_t cap = file->records == NULL ? 0
			: talloc_get_size(file->records) / sizeof(*file->records);

	if (file->count == cap) {
		cap = cap ? cap * 2 : 16;
		n = talloc_realloc(file, file->records, struct gpo_preg_record, cap);
		if (n == NULL)
			return NULL;
		file->records = n;
	}
	n = &file->records[file->count];
	*n = (struct gpo_preg_record){ 0 };
	return n;
}

int gpo_preg_add_raw(struct gpo_preg_file *file, const char *key, const char *value,
		     uint32_t type, const uint8_t *data, uint32_t size,
		     struct gpo_error **reterr)
{
	struct gpo_preg_record *rec;

	if (!utf8_valid(key, strlen(key)) || !utf8_valid(value, strlen(value)))
		return gpo_fail(file, reterr, GPO_EINVAL,
				"key or value name is not valid UTF-8");
	rec = append(file);
	if (rec == NULL)
		return gpo_oom(file, reterr);
	rec->key = talloc_strdup(file->records, key);
	rec->value = talloc_strdup(file->records, value);
	rec->type = type;
	rec->size = size;
	if (size > 0)
		rec->data = talloc_memdup(file->records, data, size);
	if (rec->key == NULL || rec->value == NULL || (size > 0 && rec->data == NULL))
		return gpo_oom(file, reterr);
	file->count++;
	return 0;
}

int gpo_preg_add_sz(struct gpo_preg_file *file, const char *key, const char *value,
		    uint32_t type, const char *string, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct buf b;
	size_t bad_at;
	int rc;

	if (tmp == NULL)
		return gpo_oom(file, reterr);
	buf_init(&b, tmp);
	if (!utf8_to_utf16le(&b, string, strlen(string), &bad_at)) {
		rc = gpo_fail(file, reterr, GPO_EINVAL,
			      "string data for '%s' is not valid UTF-8", value);
		goto out;
	}
	buf_push_u16le(&b, 0);
	if (b.failed || b.len > UINT32_MAX) {
		rc = gpo_oom(file, reterr);
		goto out;
	}
	rc = gpo_preg_add_raw(file, key, value, type, b.data, (uint32_t)b.len, reterr);
out:
	talloc_free(tmp);
	return rc;
}

int gpo_preg_add_dword(struct gpo_preg_file *file, const char *key, const char *value,
		       uint32_t dword, struct gpo_error **reterr)
{
	uint8_t le[4] = { (uint8_t)dword, (uint8_t)(dword >> 8), (uint8_t)(dword >> 16),
			  (uint8_t)(dword >> 24) };

	return gpo_preg_add_raw(file, key, value, GPO_REG_DWORD, le, 4, reterr);
}

int gpo_preg_get_sz(TALLOC_CTX *mem_ctx, const struct gpo_preg_record *rec,
		    char **ret_string, struct gpo_error **reterr)
{
	size_t units, n, bad_unit = 0;
	char *s;

	if (rec->type != GPO_REG_SZ && rec->type != GPO_REG_EXPAND_SZ)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "'%s' is not a string value",
				rec->value);
	if (rec->size % 2 != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"'%s' string data has an odd byte count", rec->value);
	units = rec->size / 2;
	for (n = 0; n < units && pull_u16le(rec->data + 2 * n) != 0; n++)
		;
	s = utf16le_to_utf8(mem_ctx, rec->data, n, &bad_unit);
	if (s == NULL)
		return bad_unit == SIZE_MAX
			       ? gpo_oom(mem_ctx, reterr)
			       : gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					  "'%s' string data is not valid UTF-16",
					  rec->value);
	*ret_string = s;
	return 0;
}

int gpo_preg_get_dword(const struct gpo_preg_record *rec, uint32_t *ret_dword)
{
	if (rec->size != 4)
		return GPO_EINVAL;
	if (rec->type == GPO_REG_DWORD)
		*ret_dword = pull_u32le(rec->data);
	else if (rec->type == GPO_REG_DWORD_BIG_ENDIAN)
		*ret_dword = pull_u32be(rec->data);
	else
		return GPO_EINVAL;
	return 0;
}

int gpo_preg_get_qword(const struct gpo_preg_record *rec, uint64_t *ret_qword)
{
	if (rec->type != GPO_REG_QWORD || rec->size != 8)
		return GPO_EINVAL;
	*ret_qword = pull_u64le(rec->data);
	return 0;
}

int gpo_preg_get_multi_sz(TALLOC_CTX *mem_ctx, const struct gpo_preg_record *rec,
			  char ***ret_strings, size_t *ret_count,
			  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp;
	char **list;
	size_t units, start, i, count = 0;

	if (rec->type != GPO_REG_MULTI_SZ || rec->size % 2 != 0 || rec->size < 2 ||
	    pull_u16le(rec->data + rec->size - 2) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"'%s' is not a well-formed REG_MULTI_SZ value", rec->value);
	tmp = talloc_new(NULL);
	list = talloc_array(tmp, char *, 1);
	if (list == NULL)
		goto oom;
	/* drop the list terminator; what remains is NUL-terminated strings */
	units = rec->size / 2 - 1;
	if (units > 0 && pull_u16le(rec->data + 2 * (units - 1)) != 0)
		units++; /* no extra terminator: the last NUL ends the last string */
	for (start = 0, i = 0; i < units; i++) {
		size_t bad_unit = 0;
		char *s;

		if (pull_u16le(rec->data + 2 * i) != 0)
			continue;
		s = utf16le_to_utf8(tmp, rec->data + 2 * start, i - start, &bad_unit);
		if (s == NULL) {
			if (bad_unit == SIZE_MAX)
				goto oom;
			talloc_free(tmp);
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					"'%s' string data is not valid UTF-16", rec->value);
		}
		list = talloc_realloc(tmp, list, char *, count + 2);
		if (list == NULL)
			goto oom;
		list[count++] = s;
		start = i + 1;
	}
	list[count] = NULL;
	*ret_strings = talloc_steal(mem_ctx, list);
	for (i = 0; i < count; i++)
		talloc_steal(list, list[i]);
	*ret_count = count;
	talloc_free(tmp);
	return 0;
oom:
	talloc_free(tmp);
	return gpo_oom(mem_ctx, reterr);
}
