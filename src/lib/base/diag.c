/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <gpo-cep/diag.h>
#include <gpo-cep/error.h>

#include "internal.h"

struct gpo_diags *gpo_diags_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct gpo_diags);
}

int gpo_diags_addv(struct gpo_diags *d, enum gpo_diag_level level, const char *id,
		   const char *pointer, const char *fmt, va_list ap)
{
	struct gpo_diag *n, *item;
	size_t cap = d->items == NULL ? 0 : talloc_get_size(d->items) / sizeof(*d->items);

	if (d->count == cap) {
		n = talloc_realloc(d, d->items, struct gpo_diag, cap ? cap * 2 : 8);
		if (n == NULL)
			return GPO_ENOMEM;
		d->items = n;
	}
	item = &d->items[d->count];
	*item = (struct gpo_diag){ .level = level, .id = id };
	item->message = talloc_vasprintf(d->items, fmt, ap);
	if (item->message == NULL)
		return GPO_ENOMEM;
	if (pointer != NULL) {
		item->pointer = talloc_strdup(d->items, pointer);
		if (item->pointer == NULL)
			return GPO_ENOMEM;
	}
	d->count++;
	if (level == GPO_DIAG_ERROR)
		d->errors++;
	else if (level == GPO_DIAG_WARNING)
		d->warnings++;
	return 0;
}

int gpo_diags_add(struct gpo_diags *d, enum gpo_diag_level level, const char *id,
		  const char *pointer, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = gpo_diags_addv(d, level, id, pointer, fmt, ap);
	va_end(ap);
	return rc;
}
