/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/gptini.h - GPT.INI, the version file at the root of a GPO's
 * SYSVOL folder ([MS-GPOL] 2.2.4).
 *
 * Reading accepts what Windows and Samba write: CRLF or LF, spaces around
 * '=', a missing final newline, any other keys and sections.  A parsed
 * file re-encodes byte for byte except for the lines that were changed.
 */
#ifndef GPO_CEP_GPTINI_H
#define GPO_CEP_GPTINI_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>

/* Version = user version << 16 | machine version, in GPT.INI and in AD. */
static inline uint32_t gpo_version_make(uint16_t user, uint16_t machine)
{
	return (uint32_t)user << 16 | machine;
}

static inline uint16_t gpo_version_user(uint32_t v)
{
	return (uint16_t)(v >> 16);
}

static inline uint16_t gpo_version_machine(uint32_t v)
{
	return (uint16_t)(v & 0xFFFF);
}

/*
 * The next version of one half: +1, and 1 again after 0xFFFF
 * ([MS-GPOL] 3.3.4.5).
 */
static inline uint16_t gpo_version_next(uint16_t half)
{
	return half == 0xFFFF ? 1 : (uint16_t)(half + 1);
}

/*
 * The GPT.INI of a new GPO exactly as Windows writes it:
 * "[General]\r\nVersion=N\r\ndisplayName=New Group Policy Object\r\n".
 */
char *gpo_gptini_new_text(TALLOC_CTX *mem_ctx, uint32_t version);

struct gpo_gptini;

int gpo_gptini_parse(TALLOC_CTX *mem_ctx, const char *text, size_t len,
		     struct gpo_gptini **ret_ini, struct gpo_error **reterr);

/*
 * The value of `key` in `section` (both case-insensitive, spaces around
 * the value removed), or NULL.
 */
const char *gpo_gptini_get(const struct gpo_gptini *ini, const char *section,
			   const char *key);

/*
 * [General] Version as a number.  GPO_ENOTFOUND when there is none,
 * GPO_EINVAL when it is not a number from 0 to 4294967295.
 */
int gpo_gptini_get_version(const struct gpo_gptini *ini, uint32_t *ret_version,
			   struct gpo_error **reterr);

/* Set [General] Version, adding the section or the key when missing. */
int gpo_gptini_set_version(struct gpo_gptini *ini, uint32_t version);

/* The file's bytes, on mem_ctx. */
int gpo_gptini_encode(TALLOC_CTX *mem_ctx, const struct gpo_gptini *ini,
		      char **ret_text, size_t *ret_len);

#endif
