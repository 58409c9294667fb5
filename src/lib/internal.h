/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the library's modules; not installed. */
#ifndef GPO_CEP_INTERNAL_H
#define GPO_CEP_INTERNAL_H

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

/* ASCII-only case folding: registry names compare this way for our keys. */
static inline int ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static inline int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int ascii_strcasecmp(const char *a, const char *b);
int ascii_strncasecmp(const char *a, const char *b, size_t n);

#endif
