/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text from elsewhere: shown without control characters, checked before it is stored. */
#include <stdio.h>
#include <string.h>

#include <gpo-cep/error.h>

#include "internal.h"
#include "utf16.h"

/* C0, DEL and C1: what a terminal may act on instead of showing */
static bool control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*
 * One character of s (len bytes left) into out (room for 7): itself, or its
 * escape when it is a control character or not UTF-8.  Returns the bytes of
 * s it took.
 */
static size_t escape_char(char out[7], const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	if (n == 0) {
		snprintf(out, 7, "\\x%02x", s[0]);
		return 1;
	}
	if (cp == '\n' || cp == '\r' || cp == '\t')
		snprintf(out, 7, "\\%c", cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
	else if (cp < 0x20 || cp == 0x7F)
		snprintf(out, 7, "\\x%02x", (unsigned)cp);
	else if (control(cp))
		snprintf(out, 7, "\\u%04x", (unsigned)cp);
	else {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return n;
}

char *text_escape(TALLOC_CTX *mem_ctx, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, chars = 0, k;
	/* an escape is at most 4 bytes per byte it stands for */
	char *out = talloc_array(mem_ctx, char, 4 * len + 4), *o = out;

	if (out == NULL)
		return NULL;
	while (i < len) {
		char one[7];

		if (max != 0 && chars == max) {
			memcpy(o, "...", 3);
			o += 3;
			break;
		}
		i += escape_char(one, u + i, len - i);
		k = strlen(one);
		memcpy(o, one, k);
		o += k;
		chars++;
	}
	*o = '\0';
	return out;
}

int text_check_name(TALLOC_CTX *mem_ctx, const char *name, size_t max,
		    struct gpo_error **reterr)
{
	const unsigned char *u = (const unsigned char *)name;
	size_t len = strlen(name), i = 0, chars = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode(u + i, len - i, &cp);
		if (n == 0)
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "is not valid UTF-8");
		if (control(cp)) {
			char one[7];

			escape_char(one, u + i, len - i);
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					"contains a control character (%s at character %zu)", one,
					chars + 1);
		}
		i += n;
		chars++;
	}
	if (chars > max)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "is %zu characters long, more than %zu",
				chars, max);
	return 0;
}

char *text_json_escape_controls(TALLOC_CTX *mem_ctx, const char *json)
{
	const unsigned char *u = (const unsigned char *)json;
	size_t len = strlen(json), i;
	/* six bytes for each one or two it stands for */
	char *out = talloc_array(mem_ctx, char, 6 * len + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned cp = 0;

		/* structural JSON is ASCII: these bytes are inside strings */
		if (u[i] == 0x7F)
			cp = 0x7F;
		else if (u[i] == 0xC2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
			cp = u[++i];
		if (cp != 0)
			o += sprintf(o, "\\u%04x", cp);
		else
			*o++ = (char)u[i];
	}
	*o = '\0';
	return out;
}
