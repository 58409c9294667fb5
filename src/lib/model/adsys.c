/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A Registry.pol as Ubuntu adsys reads it: a model of its reader, written
 * from the reader's observable behaviour (gpo-cep/adsys.h, doc/clients.md).
 * Two passes, as adsys has them: the scanner ends and splits every record
 * (any failure rejects the file), then every value is converted (any value
 * it cannot convert rejects the file).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <gpo-cep/adsys.h>
#include <gpo-cep/preg.h>

#include "internal.h"

/* adsys's bufio.Scanner holds at most this much of one record */
#define ADSYS_MAX_TOKEN 65536

/* One record as the scanner cut it: the five fields, data up to the cut. */
struct cut {
	const uint8_t *field[5];
	size_t field_len[5];
	size_t start, end;
};

struct reader {
	struct gpo_adsys_read *r;
	struct cut *cuts;     /* pass 1's records, for pass 2 */
	size_t n_cuts;
};

static bool window_is(const uint8_t *p, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return p[0] == a && p[1] == b && p[2] == c && p[3] == d;
}

static bool ends_record(const uint8_t *p)
{
	return window_is(p, 0, 0, ']', 0) || window_is(p, ';', 0, ']', 0);
}

static int reject(struct gpo_adsys_read *r, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reject(struct gpo_adsys_read *r, size_t at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r->reason = talloc_vasprintf(r, fmt, ap);
	va_end(ap);
	r->rejected = true;
	r->reason_at = at;
	return r->reason ? 0 : -1;
}

/*
 * UTF-16LE to UTF-8 as Go's utf16.Decode does: an unpaired surrogate is
 * U+FFFD, never an error; one trailing U+0000 dropped.  Text stops at an
 * embedded U+0000 (`nul_as`, if not 0, replaces it instead).
 */
static char *decode_utf16(TALLOC_CTX *mem_ctx, const uint8_t *p, size_t len, char nul_as)
{
	size_t units = len / 2, i, o = 0;
	char *s = talloc_array(mem_ctx, char, units * 3 + 1);

	if (s == NULL)
		return NULL;
	if (units > 0 && p[2 * units - 2] == 0 && p[2 * units - 1] == 0)
		units--;
	for (i = 0; i < units; i++) {
		uint32_t c = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;

		if (c >= 0xD800 && c < 0xDC00 && i + 1 < units) {
			uint32_t lo = p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;

			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else {
				c = 0xFFFD;
			}
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		if (c == 0 && nul_as == 0)
			break;
		if (c == 0)
			s[o++] = nul_as;
		else if (c < 0x80)
			s[o++] = (char)c;
		else if (c < 0x800) {
			s[o++] = (char)(0xC0 | c >> 6);
			s[o++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			s[o++] = (char)(0xE0 | c >> 12);
			s[o++] = (char)(0x80 | (c >> 6 & 0x3F));
			s[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			s[o++] = (char)(0xF0 | c >> 18);
			s[o++] = (char)(0x80 | (c >> 12 & 0x3F));
			s[o++] = (char)(0x80 | (c >> 6 & 0x3F));
			s[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	s[o] = '\0';
	return s;
}

/* Split a record at 00 00 3B 00, at most five fields (Go's bytes.SplitN). */
static size_t split_fields(struct cut *c, const uint8_t *p, size_t len)
{
	size_t n = 0, from = 0, i;

	for (i = 0; n < 4 && i + 4 <= len; i++) {
		if (!window_is(p + i, 0, 0, ';', 0))
			continue;
		c->field[n] = p + from;
		c->field_len[n++] = i - from;
		from = i + 4;
		i += 3;
	}
	c->field[n] = p + from;
	c->field_len[n++] = len - from;
	return n;
}

/*
 * The next record from `pos`: skip to a '[' (any byte offset), end at the
 * first end window after it.  *ret_pos is where the next one is sought;
 * returns 1 with a record in *c, 0 at the end of the file, -1 rejected.
 */
static int next_record(struct gpo_adsys_read *r, const uint8_t *data, size_t len, size_t *pos,
		       struct cut *c)
{
	const uint8_t *p = data + *pos;
	size_t n = len - *pos, s = 0, i;

	if (n == 0)
		return 0;
	while (s + 1 < n && !(p[s] == '[' && p[s + 1] == 0))
		s++;
	for (i = s + 2; i + 3 < n; i++) {
		if (!ends_record(p + i))
			continue;
		if (i + 4 - s > ADSYS_MAX_TOKEN)
			break;
		c->start = *pos + s;
		c->end = *pos + i + 4;
		*pos = c->end;
		if (split_fields(c, p + s + 2, i - s) != 5)
			return reject(r, c->start, "a record has fewer than five fields "
				      "separated by 00 00 3B 00 before the bytes that end it"), -1;
		return 1;
	}
	if (i + 3 < n)
		reject(r, *pos + s, "a record runs over %d bytes before the bytes adsys ends "
		       "records with (its scanner's limit)", ADSYS_MAX_TOKEN);
	else
		reject(r, *pos + s, "the file ends inside a record: no 00 00 5D 00 or "
		       "3B 00 5D 00 after the last '['");
	return -1;
}

/* Key, value name and type of a cut record: 0, -1 rejected or out of memory. */
static int take_names(struct gpo_adsys_read *r, const struct cut *c, struct gpo_adsys_entry *e)
{
	if (c->field_len[0] % 2 != 0 || c->field_len[1] % 2 != 0)
		return reject(r, c->start, "a key or value name of odd length is not UTF-16"), -1;
	e->key = decode_utf16(r, c->field[0], c->field_len[0], '\0');
	e->value = decode_utf16(r, c->field[1], c->field_len[1], '\0');
	if (e->key == NULL || e->value == NULL)
		return -1;
	if (e->key[0] == '\0')
		return reject(r, c->start, "a record with an empty key"), -1;
	if (e->value[0] == '\0')
		e->error = talloc_asprintf(r, "'%s' has an empty value name", e->key);
	if (c->field_len[2] != 2)
		return reject(r, c->start, "the type field of '%s\\%s' is cut to %zu bytes, "
			      "not 2", e->key, e->value, c->field_len[2]), -1;
	e->type = c->field[2][0];
	e->start = c->start;
	e->end = c->end;
	return 0;
}

/* Pass 1: every record ended and split as the scanner does. */
static int scan(struct reader *rd, const uint8_t *data, size_t len)
{
	size_t pos = 8, cap = 0;
	int got;

	if (len < 8 || memcmp(data, "PReg\x01\0\0\0", 8) != 0)
		return reject(rd->r, 0, len == 0 ? "the file is empty"
					: "the file does not start with PReg version 1");
	for (;;) {
		struct cut c;

		got = next_record(rd->r, data, len, &pos, &c);
		if (got <= 0)
			return rd->r->reason == NULL && got < 0 ? -1 : 0;
		if (rd->n_cuts == cap) {
			cap = cap ? 2 * cap : 16;
			rd->cuts = talloc_realloc(rd->r, rd->cuts, struct cut, cap);
			if (rd->cuts == NULL)
				return -1;
		}
		rd->cuts[rd->n_cuts++] = c;
	}
}

/*
 * A metaValues or basic value: a JSON object of objects whose Empty, Meta
 * and Strategy members are strings.  Returns the object (NULL for an empty
 * text or JSON null); *ok false when adsys could not decode it.
 */
static json_object *meta_json(TALLOC_CTX *tmp, const struct cut *c, bool *ok)
{
	char *text = decode_utf16(tmp, c->field[4], c->field_len[4], '\0');
	json_tokener *tok;
	json_object *o = NULL;
	const char *t = text;

	*ok = text != NULL && c->field_len[4] % 2 == 0;
	while (*ok && (*t == ' ' || (*t >= '\t' && *t <= '\r')))
		t++;
	if (!*ok || *t == '\0')
		return NULL;
	tok = json_tokener_new();
	if (tok == NULL)
		return *ok = false, NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	*ok = json_tokener_get_error(tok) == json_tokener_success &&
	      (o == NULL || json_object_is_type(o, json_type_object));
	json_tokener_free(tok);
	if (*ok && o != NULL) {
		json_object_object_foreach(o, name, member) {
			(void)name;
			if (member == NULL)
				continue;
			if (!json_object_is_type(member, json_type_object)) {
				*ok = false;
				break;
			}
			json_object_object_foreach(member, field, v) {
				if ((strcasecmp(field, "Empty") == 0 || strcasecmp(field, "Meta") == 0 ||
				     strcasecmp(field, "Strategy") == 0) &&
				    v != NULL && !json_object_is_type(v, json_type_string))
					*ok = false;
			}
		}
	}
	if (!*ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* What metaValues says a value that converts to "" reads as. */
static const char *meta_empty(json_object *metas, const char *value)
{
	json_object *m = NULL;
	const char *empty = "";

	if (metas == NULL || !json_object_object_get_ex(metas, value, &m) || m == NULL)
		return empty;
	json_object_object_foreach(m, field, v)
		if (strcasecmp(field, "Empty") == 0 && v != NULL)
			empty = json_object_get_string(v);
	return empty;
}

/* Convert the data of one enabled value; false when adsys rejects the file. */
static bool convert(struct gpo_adsys_read *r, const struct cut *c, struct gpo_adsys_entry *e,
		    json_object *metas)
{
	const uint8_t *d = c->field[4];
	size_t n = c->field_len[4];

	switch (e->type) {
	case GPO_REG_SZ:
	case GPO_REG_MULTI_SZ:
		if (n % 2 != 0)
			return reject(r, c->start, "'%s\\%s' is a string of odd length (%zu "
				      "bytes) as cut", e->key, e->value, n), false;
		e->text = decode_utf16(r, d, n, e->type == GPO_REG_MULTI_SZ ? '\n' : '\0');
		if (e->text != NULL && e->text[0] == '\0')
			e->text = talloc_strdup(r, meta_empty(metas, e->value));
		return e->text != NULL;
	case GPO_REG_DWORD:
		if (n < 4)
			return reject(r, c->start, "'%s\\%s' is a REG_DWORD cut to %zu data "
				      "bytes", e->key, e->value, n), false;
		e->text = talloc_asprintf(r, "%lu", (unsigned long)(d[0] | (uint32_t)d[1] << 8 |
								   (uint32_t)d[2] << 16 |
								   (uint32_t)d[3] << 24));
		return e->text != NULL;
	default:
		e->error = talloc_asprintf(r, "'%s\\%s' has type %u, which adsys does not "
					   "convert", e->key, e->value, e->type);
		return e->error != NULL;
	}
}

/*
 * The special names adsys gives meaning to: metaValues (no entry; marks
 * the key's values disabled with a DISABLED member) and basic (read as
 * "all" with no data).  Returns 0 to convert the data, 1 when the record
 * makes no entry, 2 when the entry is complete, -1 when the file is
 * rejected or memory ran out.
 */
static int special(struct gpo_adsys_read *r, const struct cut *c, struct gpo_adsys_entry *e,
		   json_object **metas, bool *container_disabled)
{
	bool container = strcmp(e->value, "metaValues") == 0, ok = true;
	json_object *o;

	if (!container && strcmp(e->value, "basic") != 0) {
		e->disabled |= *container_disabled;
		return 0;
	}
	if (container)
		*container_disabled = e->disabled;
	if (e->type != GPO_REG_SZ) {
		if (!container) {
			json_object_put(*metas);
			*metas = NULL;
		}
		return 1;
	}
	o = meta_json(r, c, &ok);
	if (!ok)
		return reject(r, c->start, "'%s\\%s' is not the JSON adsys expects there",
			      e->key, e->value), -1;
	json_object_put(*metas);
	*metas = o;
	if (o != NULL && json_object_object_get_ex(o, "DISABLED", NULL))
		*(container ? container_disabled : &e->disabled) = true;
	if (container)
		return 1;
	/* a single policy: read as "all", its text what metaValues says an empty one is */
	e->value = talloc_strdup(r, "all");
	if (e->value != NULL && !e->disabled)
		e->text = talloc_strdup(r, meta_empty(*metas, "all"));
	return e->value == NULL || (!e->disabled && e->text == NULL) ? -1 : 2;
}

/* Pass 2: every value converted, as adsys does before it uses any; -1: no memory. */
static int convert_all(struct reader *rd)
{
	struct gpo_adsys_read *r = rd->r;
	json_object *metas = NULL;
	bool container_disabled = false;
	size_t i;
	int rc = 0;

	r->entries = talloc_zero_array(r, struct gpo_adsys_entry, rd->n_cuts ? rd->n_cuts : 1);
	if (r->entries == NULL)
		return -1;
	for (i = 0; rc >= 0 && i < rd->n_cuts; i++) {
		const struct cut *c = &rd->cuts[i];
		struct gpo_adsys_entry *e = &r->entries[r->n_entries];

		rc = take_names(r, c, e);
		if (rc < 0)
			break;
		e->disabled = strncmp(e->value, "**del.", 6) == 0;
		if (e->disabled)
			e->value += 6;
		rc = special(r, c, e, &metas, &container_disabled);
		if (rc == 0 && !e->disabled && !convert(r, c, e, metas))
			rc = -1;
		if (rc == 0 || rc == 2)
			r->n_entries++;
	}
	json_object_put(metas);
	return rc < 0 && !r->rejected ? -1 : 0;
}

int gpo_adsys_read(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
		   struct gpo_adsys_read **ret_read, struct gpo_error **reterr)
{
	struct reader rd = { .r = talloc_zero(NULL, struct gpo_adsys_read) };

	if (rd.r == NULL || scan(&rd, data, len) != 0 || (!rd.r->rejected && convert_all(&rd) != 0) ||
	    (rd.r->rejected && rd.r->reason == NULL)) {
		talloc_free(rd.r);
		return gpo_oom(mem_ctx, reterr);
	}
	talloc_free(rd.cuts);
	*ret_read = talloc_steal(mem_ctx, rd.r);
	return 0;
}
