/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTTP Negotiate with a TLS channel binding (negotiate.c). */
#ifndef GPO_CEP_NEGOTIATE_H
#define GPO_CEP_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>

struct gpo_negotiate;

/*
 * The first SPNEGO token for HTTP@host from the credential cache, bound to
 * the server's certificate (DER), as a whole "Authorization: Negotiate ..."
 * header line.  GPO_EAUTH when there is no ticket to be had.  The state is
 * on mem_ctx; free it to release the GSS-API context.
 */
int gpo_negotiate_start(TALLOC_CTX *mem_ctx, const char *host, const uint8_t *cert_der,
			size_t cert_len, struct gpo_negotiate **ret_n, char **ret_header,
			struct gpo_error **reterr);

/*
 * Check the server's answer token (base64, from "WWW-Authenticate:
 * Negotiate TOKEN"; NULL when it sent none): mutual authentication.
 */
int gpo_negotiate_finish(struct gpo_negotiate *n, const char *token_b64, const char *host,
			 TALLOC_CTX *mem_ctx, struct gpo_error **reterr);

#endif
