/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Strict UTF-8 <-> UTF-16LE conversion.  Private to the library.
 * Overlong forms, surrogates encoded in UTF-8, code points past U+10FFFF
 * and unpaired UTF-16 surrogates are all rejected.
 */
#ifndef GPO_CEP_UTF16_H
#define GPO_CEP_UTF16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "buf.h"

/*
 * Append `s` (UTF-8, `len` bytes) as UTF-16LE code units, without a
 * terminator.  Returns false on invalid UTF-8; *bad_at then holds the
 * byte index of the first bad byte.
 */
bool utf8_to_utf16le(struct buf *out, const char *s, size_t len, size_t *bad_at);

/*
 * Convert `units` UTF-16LE code units at p into a new NUL-terminated UTF-8
 * string on mem_ctx.  Returns NULL on an unpaired surrogate (*bad_unit is
 * its index) or when memory runs out (*bad_unit is SIZE_MAX).
 */
char *utf16le_to_utf8(TALLOC_CTX *mem_ctx, const uint8_t *p, size_t units,
		      size_t *bad_unit);

/*
 * The same into `out`, which has room for 3 * units + 1 bytes; returns the
 * length written (without the NUL), or SIZE_MAX on an unpaired surrogate.
 */
size_t utf16le_to_utf8_into(char *out, const uint8_t *p, size_t units, size_t *bad_unit);

/* Decode one UTF-8 sequence; returns its length or 0 when invalid. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* True when `s` is valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

#endif
