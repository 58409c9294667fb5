/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>

#include <gpo-cep/error.h>

#include "internal.h"

const char *gpo_strerror(int code)
{
	switch (code) {
	case GPO_OK:
		return "success";
	case GPO_ENOMEM:
		return "out of memory";
	case GPO_EINVAL:
		return "invalid input";
	case GPO_ENOTFOUND:
		return "not found";
	case GPO_EEXIST:
		return "already exists";
	case GPO_EIO:
		return "input/output error";
	case GPO_ECONFLICT:
		return "changed by someone else meanwhile";
	case GPO_ENET:
		return "server unreachable";
	case GPO_EAUTH:
		return "authentication failed";
	case GPO_EPROTO:
		return "unexpected answer from the server";
	case GPO_EACCES:
		return "insufficient rights";
	case GPO_EPARTIAL:
		return "partly done";
	default:
		return "failure";
	}
}

int gpo_fail_at(TALLOC_CTX *mem_ctx, struct gpo_error **reterr, int code,
		int64_t offset, const char *fmt, ...)
{
	struct gpo_error *err;
	va_list ap;

	if (reterr == NULL)
		return code;
	err = talloc_zero(mem_ctx, struct gpo_error);
	if (err == NULL)
		return code;
	err->code = code;
	err->offset = offset;
	va_start(ap, fmt);
	err->message = talloc_vasprintf(err, fmt, ap);
	va_end(ap);
	if (err->message == NULL) {
		talloc_free(err);
		return code;
	}
	*reterr = err;
	return code;
}

int gpo_oom(TALLOC_CTX *mem_ctx, struct gpo_error **reterr)
{
	return gpo_fail_at(mem_ctx, reterr, GPO_ENOMEM, -1, "out of memory");
}

int gpo_error_keep(TALLOC_CTX *mem_ctx, struct gpo_error **reterr, int rc)
{
	if (rc != 0 && reterr != NULL && *reterr != NULL && talloc_parent(*reterr) != mem_ctx)
		talloc_steal(mem_ctx, *reterr);
	return rc;
}
