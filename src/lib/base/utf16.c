/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "utf16.h"

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c, min;
	size_t n, i;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

bool utf8_to_utf16le(struct buf *out, const char *s, size_t len, size_t *bad_at)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	uint8_t *o;
	uint32_t cp;

	/* at most two units per byte; write in place, no call per unit */
	if (len > SIZE_MAX / 2 || !buf_reserve(out, len * 2))
		return true; /* out->failed tells the caller */
	o = out->data + out->len;
	while (i < len) {
		if (u[i] < 0x80) {
			*o++ = u[i++];
			*o++ = 0;
			continue;
		}
		n = utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			*bad_at = i;
			return false;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			*o++ = (uint8_t)(0xD800 | cp >> 10);
			*o++ = (uint8_t)((0xD800 | cp >> 10) >> 8);
			*o++ = (uint8_t)(0xDC00 | (cp & 0x3FF));
			*o++ = (uint8_t)((0xDC00 | (cp & 0x3FF)) >> 8);
		} else {
			*o++ = (uint8_t)cp;
			*o++ = (uint8_t)(cp >> 8);
		}
		i += n;
	}
	out->len = (size_t)(o - out->data);
	return true;
}

size_t utf16le_to_utf8_into(char *out, const uint8_t *p, size_t units, size_t *bad_unit)
{
	char *o = out;
	size_t i;

	for (i = 0; i < units; i++) {
		uint32_t c = pull_u16le(p + 2 * i);

		if (c < 0x80) {
			*o++ = (char)c;
			continue;
		}
		if (c >= 0xD800 && c <= 0xDBFF) {
			uint32_t lo;

			if (i + 1 >= units)
				goto bad;
			lo = pull_u16le(p + 2 * (i + 1));
			if (lo < 0xDC00 || lo > 0xDFFF)
				goto bad;
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			i++;
		} else if (c >= 0xDC00 && c <= 0xDFFF) {
			goto bad;
		}
		if (c < 0x800) {
			*o++ = (char)(0xC0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			*o++ = (char)(0xE0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		} else {
			*o++ = (char)(0xF0 | c >> 18);
			*o++ = (char)(0x80 | (c >> 12 & 0x3F));
			*o++ = (char)(0x80 | (c >> 6 & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*o = '\0';
	return (size_t)(o - out);
bad:
	*bad_unit = i;
	return SIZE_MAX;
}

char *utf16le_to_utf8(TALLOC_CTX *mem_ctx, const uint8_t *p, size_t units,
		      size_t *bad_unit)
{
	/* each unit needs at most 3 bytes; a surrogate pair 4 for 2 units */
	char *out = talloc_array(mem_ctx, char, units * 3 + 1);

	if (out == NULL) {
		*bad_unit = SIZE_MAX;
		return NULL;
	}
	if (utf16le_to_utf8_into(out, p, units, bad_unit) == SIZE_MAX) {
		talloc_free(out);
		return NULL;
	}
	return out;
}
