/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the library's modules; not installed. */
#ifndef GPO_CEP_INTERNAL_H
#define GPO_CEP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* talloc hangs results off const objects' memory; say so explicitly */
static inline void *discard_const(const void *p)
{
	return (void *)(uintptr_t)p;
}

/*
 * Store a new error in *reterr (when reterr is not NULL) and return code,
 * so that "return gpo_fail(...)" reads as one step.
 */
int gpo_fail_at(TALLOC_CTX *mem_ctx, struct gpo_error **reterr, int code,
		int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define gpo_fail(mem_ctx, reterr, code, ...) \
	gpo_fail_at(mem_ctx, reterr, code, -1, __VA_ARGS__)
int gpo_oom(TALLOC_CTX *mem_ctx, struct gpo_error **reterr);

/*
 * When rc says the call failed, move *reterr to mem_ctx if it was made on
 * another context (a scratch one about to be freed); returns rc, so that
 * "return gpo_error_keep(mem_ctx, reterr, rc)" ends a function.
 */
int gpo_error_keep(TALLOC_CTX *mem_ctx, struct gpo_error **reterr, int rc);

/* ASCII-only case folding: registry names compare this way for our keys. */
static inline int ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static inline int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * A name as it may be stored and printed: valid UTF-8, no control
 * character (C0, DEL, C1), at most `max` characters.  GPO_EINVAL with what
 * is wrong, worded to follow the name ("contains a control character (\x1b
 * at character 5)").
 */
int text_check_name(TALLOC_CTX *mem_ctx, const char *name, size_t max,
		    struct gpo_error **reterr);

/*
 * s fit to print: control characters and bytes that are not UTF-8 as
 * escapes (\n, \x1b, \u0085), cut to `max` characters ("...") unless
 * max is 0.  NULL when out of memory.
 */
char *text_escape(TALLOC_CTX *mem_ctx, const char *s, size_t max);

/* JSON text with DEL and C1 characters inside strings as \u00XX. */
char *text_json_escape_controls(TALLOC_CTX *mem_ctx, const char *json);

int ascii_strcasecmp(const char *a, const char *b);
int ascii_strncasecmp(const char *a, const char *b, size_t n);

#endif
