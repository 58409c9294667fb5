/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HTTP Negotiate (RFC 4559) with a TLS channel binding (RFC 5929
 * tls-server-end-point), done with GSS-API directly.
 *
 * Why not libcurl's Negotiate: before 8.10 libcurl sends no channel binding,
 * and IIS with Extended Protection set to "Required" (what hardened AD CS
 * servers use; Windows Server 2025 turns it on) refuses such tickets.
 * Windows clients always bind.  The binding is the hash of the server's
 * certificate, which does not depend on the TLS connection, so it can be
 * computed from a first handshake and sent on the request that follows.
 */
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "internal.h"
#include "negotiate.h"

/* 1.3.6.1.5.5.2 */
static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };
/* 1.2.840.113554.1.2.2 */
static gss_OID_desc krb5_oid = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };

struct gpo_negotiate {
	gss_ctx_id_t ctx;
	gss_name_t target;
	struct gss_channel_bindings_struct bindings;
	uint8_t binding[21 + 64]; /* "tls-server-end-point:" + hash */
};

static int destroy(struct gpo_negotiate *n)
{
	OM_uint32 minor;

	if (n->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &n->ctx, GSS_C_NO_BUFFER);
	if (n->target != GSS_C_NO_NAME)
		gss_release_name(&minor, &n->target);
	return 0;
}

/* The GSS-API's own words for a failure: the mechanism's message when there is one. */
static char *gss_message(TALLOC_CTX *mem_ctx, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 m, ctx = 0;
	gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
	char *s;

	if (minor != 0)
		gss_display_status(&m, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &text);
	else
		gss_display_status(&m, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &text);
	s = talloc_strndup(mem_ctx, text.value ? text.value : "unknown GSS-API failure",
			   text.value ? text.length : strlen("unknown GSS-API failure"));
	gss_release_buffer(&m, &text);
	return s;
}

/*
 * Why there is no token.  SPNEGO says only that it "cannot find mechanisms
 * to negotiate" when Kerberos has no credentials; asking Kerberos itself
 * gives the words an admin can act on ("No Kerberos credentials available
 * (default cache: FILE:/tmp/krb5cc_0)", "Server not found in Kerberos
 * database").
 */
static char *kerberos_reason(TALLOC_CTX *mem_ctx, gss_name_t target, OM_uint32 major,
			     OM_uint32 minor)
{
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	OM_uint32 m, kmajor, kminor = 0;
	char *why;

	kmajor = gss_init_sec_context(&kminor, GSS_C_NO_CREDENTIAL, &ctx, target, &krb5_oid, 0, 0,
				      GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, &out, NULL,
				      NULL);
	why = GSS_ERROR(kmajor) ? gss_message(mem_ctx, kmajor, kminor)
				: gss_message(mem_ctx, major, minor);
	gss_release_buffer(&m, &out);
	if (ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&m, &ctx, GSS_C_NO_BUFFER);
	return why;
}

/*
 * RFC 5929 4.1: the certificate's own signature hash, except that MD5 and
 * SHA-1 become SHA-256.
 */
static int end_point_hash(const uint8_t *der, size_t len, uint8_t *out, size_t *out_len)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	gnutls_digest_algorithm_t dig = GNUTLS_DIG_SHA256;
	int sign, rc = -1;

	if (gnutls_x509_crt_init(&crt) != 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) == 0) {
		sign = gnutls_x509_crt_get_signature_algorithm(crt);
		if (sign > 0) {
			dig = gnutls_sign_get_hash_algorithm((gnutls_sign_algorithm_t)sign);
			if (dig == GNUTLS_DIG_UNKNOWN || dig == GNUTLS_DIG_MD5 ||
			    dig == GNUTLS_DIG_SHA1)
				dig = GNUTLS_DIG_SHA256;
		}
		if (gnutls_hash_get_len(dig) <= 64 && gnutls_hash_fast(dig, der, len, out) == 0) {
			*out_len = gnutls_hash_get_len(dig);
			rc = 0;
		}
	}
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* The channel binding: "tls-server-end-point:" and the certificate's hash; -1 if unreadable. */
static int set_binding(struct gpo_negotiate *n, const uint8_t *cert_der, size_t cert_len)
{
	static const char prefix[] = "tls-server-end-point:";
	size_t hash_len = 0;

	memcpy(n->binding, prefix, sizeof(prefix) - 1);
	if (end_point_hash(cert_der, cert_len, n->binding + sizeof(prefix) - 1, &hash_len) != 0)
		return -1;
	n->bindings.application_data.value = n->binding;
	n->bindings.application_data.length = sizeof(prefix) - 1 + hash_len;
	return 0;
}

int gpo_negotiate_start(TALLOC_CTX *mem_ctx, const char *host, const uint8_t *cert_der,
			size_t cert_len, struct gpo_negotiate **ret_n, char **ret_header,
			struct gpo_error **reterr)
{
	struct gpo_negotiate *n = talloc_zero(mem_ctx, struct gpo_negotiate);
	gss_buffer_desc name, out = GSS_C_EMPTY_BUFFER;
	/* delegate only where the KDC says the service may be trusted, as Windows does */
	OM_uint32 major, minor, flags = GSS_C_MUTUAL_FLAG | GSS_C_DELEG_POLICY_FLAG;
	gnutls_datum_t raw, b64 = { NULL, 0 };
	char *service;

	if (n == NULL)
		return gpo_oom(mem_ctx, reterr);
	talloc_set_destructor(n, destroy);
	if (set_binding(n, cert_der, cert_len) != 0) {
		talloc_free(n);
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"cannot read the server's TLS certificate for the channel binding");
	}
	service = talloc_asprintf(n, "HTTP@%s", host);
	if (service == NULL) {
		talloc_free(n);
		return gpo_oom(mem_ctx, reterr);
	}
	name.value = service;
	name.length = strlen(service);
	major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &n->target);
	if (!GSS_ERROR(major)) {
		major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &n->ctx, n->target,
					     &spnego_oid, flags, 0, &n->bindings, GSS_C_NO_BUFFER,
					     NULL, &out, NULL, NULL);
	}
	if (GSS_ERROR(major) || out.length == 0) {
		char *why = kerberos_reason(mem_ctx, n->target, major, minor);

		gss_release_buffer(&minor, &out);
		talloc_free(n);
		return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
				"no Kerberos service ticket for HTTP/%s (%s): run kinit (or set "
				"KRB5CCNAME; a machine uses its keytab) and check that the SPN "
				"HTTP/%s exists", host, why ? why : "", host);
	}
	raw.data = out.value;
	raw.size = (unsigned)out.length;
	if (gnutls_base64_encode2(&raw, &b64) != 0) {
		gss_release_buffer(&minor, &out);
		talloc_free(n);
		return gpo_oom(mem_ctx, reterr);
	}
	gss_release_buffer(&minor, &out);
	*ret_header = talloc_asprintf(mem_ctx, "Authorization: Negotiate %.*s", (int)b64.size,
				      (const char *)b64.data);
	gnutls_free(b64.data);
	if (*ret_header == NULL) {
		talloc_free(n);
		return gpo_oom(mem_ctx, reterr);
	}
	*ret_n = n;
	return 0;
}

int gpo_negotiate_finish(struct gpo_negotiate *n, const char *token_b64, const char *host,
			 TALLOC_CTX *mem_ctx, struct gpo_error **reterr)
{
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	gnutls_datum_t b64, raw = { NULL, 0 };
	OM_uint32 major, minor;

	if (token_b64 == NULL)
		return 0; /* IIS sends the mutual-authentication token; others may not */
	b64.data = (unsigned char *)token_b64;
	b64.size = (unsigned)strlen(token_b64);
	if (gnutls_base64_decode2(&b64, &raw) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
				"the server's Negotiate answer is not base64");
	in.value = raw.data;
	in.length = raw.size;
	major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &n->ctx, n->target, &spnego_oid,
				     GSS_C_MUTUAL_FLAG, 0, &n->bindings, &in, NULL, &out, NULL,
				     NULL);
	gnutls_free(raw.data);
	gss_release_buffer(&minor, &out);
	if (GSS_ERROR(major)) {
		char *why = gss_message(mem_ctx, major, minor);

		return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
				"the Kerberos answer of HTTP/%s does not verify (%s): the answer "
				"may not come from the server the ticket is for", host,
				why ? why : "");
	}
	return 0;
}
