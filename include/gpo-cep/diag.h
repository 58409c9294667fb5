/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/diag.h - a list of findings (errors and warnings) about an input,
 * each with where it is: a line and column for syntax, a JSON pointer
 * (RFC 6901) for meaning.  Checks collect every finding instead of
 * stopping at the first, so that one run shows a user everything to fix.
 */
#ifndef GPO_CEP_DIAG_H
#define GPO_CEP_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <talloc.h>

enum gpo_diag_level {
	GPO_DIAG_ERROR,
	GPO_DIAG_WARNING,
	GPO_DIAG_NOTE,
};

struct gpo_diag {
	enum gpo_diag_level level;
	const char *id;       /* stable short name, e.g. "auth-mismatch" */
	char *pointer;        /* JSON pointer, "" for the whole document, or NULL */
	unsigned line;        /* 1-based; 0 when not known */
	unsigned column;      /* 1-based; 0 when not known */
	char *message;        /* git grammar: lower case, no final full stop */
};

struct gpo_diags {
	size_t count;
	struct gpo_diag *items;
	size_t errors;
	size_t warnings;
};

/* An empty list on mem_ctx; NULL when out of memory. */
struct gpo_diags *gpo_diags_new(TALLOC_CTX *mem_ctx);

/* Append a finding; returns GPO_ENOMEM or 0. */
int gpo_diags_add(struct gpo_diags *d, enum gpo_diag_level level, const char *id,
		  const char *pointer, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int gpo_diags_addv(struct gpo_diags *d, enum gpo_diag_level level, const char *id,
		   const char *pointer, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

#endif
