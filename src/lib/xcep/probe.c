/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * MS-XCEP GetPolicies over HTTPS with libcurl ([MS-XCEP] 2.1, [MS-WSTEP]
 * 3.1.1.1).  Every failure is turned into a message that names the likely
 * cause, because "HTTP 401" alone tells an admin nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <gnutls/gnutls.h>

#include <gpo-cep/probe.h>
#include <gpo-cep/version.h>

#include "internal.h"
#include "negotiate.h"
#include "xcep_internal.h"

/* More HTTP header bytes than an answer needs (WCF sends about 1 KiB). */
#define HEADERS_MAX (64u << 10)

struct exchange {
	TALLOC_CTX *mem;
	uint8_t *body;
	size_t len;
	size_t allocated;    /* of body */
	size_t cap;          /* the size limit */
	bool oversized;
	size_t header_bytes;
	bool headers_oversized;
	char *negotiate_token; /* from "WWW-Authenticate: Negotiate TOKEN" */
	char *host;
};

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
	struct exchange *x = userdata;
	size_t add = size * n;
	uint8_t *grown;

	if (add > x->cap - x->len) {
		x->oversized = true;
		return 0;
	}
	/* doubling: libcurl hands over a few KiB at a time, and copying grows quadratic */
	if (x->len + add + 1 > x->allocated) {
		size_t want = x->allocated ? x->allocated : 64 * 1024;

		while (want < x->len + add + 1)
			want *= 2;
		grown = talloc_realloc(x->mem, x->body, uint8_t, want);
		if (grown == NULL)
			return 0;
		x->body = grown;
		x->allocated = want;
	}
	memcpy(x->body + x->len, data, add);
	x->len += add;
	x->body[x->len] = '\0';
	return add;
}

/* Keeps the server's Negotiate answer token, for mutual authentication. */
static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
	static const char name[] = "WWW-Authenticate:";
	struct exchange *x = userdata;
	size_t len = size * n, i = sizeof(name) - 1;

	x->header_bytes += len;
	if (x->header_bytes > HEADERS_MAX) {
		x->headers_oversized = true;
		return 0;
	}
	if (len > i && strncasecmp(data, name, i) == 0) {
		while (i < len && (data[i] == ' ' || data[i] == '\t'))
			i++;
		if (len - i > 10 && strncasecmp(data + i, "Negotiate ", 10) == 0) {
			size_t end = len;

			i += 10;
			while (end > i && strchr(" \t\r\n", data[end - 1]) != NULL)
				end--;
			talloc_free(x->negotiate_token);
			x->negotiate_token = talloc_strndup(x->mem, data + i, end - i);
		}
	}
	return len;
}

/* Words of the server for a message: without control characters, at most `max` long. */
static const char *shown(TALLOC_CTX *mem_ctx, const char *s, size_t max)
{
	const char *e = gpo_xcep_escape(mem_ctx, s, max);

	return e ? e : "(out of memory)";
}

/* The readable start of an error page: tags dropped, white space collapsed. */
static char *snippet(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len)
{
	char *out = talloc_array(mem_ctx, char, 121);
	size_t i, n = 0;
	bool in_tag = false, space = false;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len && n < 117; i++) {
		unsigned char c = body[i];

		if (c == '<') {
			in_tag = true;
			space = n > 0;
		} else if (c == '>') {
			in_tag = false;
		} else if (!in_tag && isspace(c)) {
			space = n > 0;
		} else if (!in_tag && c >= 0x20 && c < 0x7F) {
			if (space)
				out[n++] = ' ';
			space = false;
			out[n++] = (char)c;
		}
	}
	if (i < len && n >= 117)
		n += (size_t)snprintf(out + n, 4, "...");
	out[n] = '\0';
	return out;
}

static const char *offered_schemes(TALLOC_CTX *mem_ctx, long avail)
{
	char *s = talloc_strdup(mem_ctx, "");

	if (avail & CURLAUTH_NEGOTIATE)
		s = talloc_asprintf_append(s, "%sNegotiate", *s ? ", " : "");
	if (s && (avail & CURLAUTH_NTLM))
		s = talloc_asprintf_append(s, "%sNTLM", *s ? ", " : "");
	if (s && (avail & CURLAUTH_BASIC))
		s = talloc_asprintf_append(s, "%sBasic", *s ? ", " : "");
	if (s && (avail & CURLAUTH_DIGEST))
		s = talloc_asprintf_append(s, "%sDigest", *s ? ", " : "");
	return s && *s ? s : "none that libcurl knows";
}

static int http_401(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *o,
		    const struct exchange *x, long avail, struct gpo_error **reterr)
{
	if (o->auth != GPO_CEP_AUTH_KERBEROS)
		return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
				"%s wants HTTP authentication (it offers %s): that is a kerberos "
				"endpoint, not %s", o->uri, offered_schemes(mem_ctx, avail),
				gpo_cep_auth_name(o->auth));
	if (!(avail & CURLAUTH_NEGOTIATE))
		return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
				"%s does not offer Kerberos (Negotiate) but %s: is it a kerberos "
				"endpoint?", o->uri, offered_schemes(mem_ctx, avail));
	return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
			"the server refused Kerberos: check the SPN for HTTP/%s (the account "
			"that runs the service must hold it) and your ticket", x->host);
}

/* http_error()'s answer for HTTP 500 with a SOAP body: a fault, for the parser to read */
#define SOAP_FAULT_FOLLOWS 1

/* An HTTP status other than 200 as an error that says what to check. */
static int http_error(TALLOC_CTX *mem_ctx, CURL *curl, const struct gpo_probe_options *o,
		      const struct exchange *x, long status, struct gpo_error **reterr)
{
	const char *type = NULL, *location = NULL;
	long avail = 0;
	char *text = snippet(mem_ctx, x->body, x->len);
	const char *sep = text && *text ? ": " : "";

	curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
	curl_easy_getinfo(curl, CURLINFO_HTTPAUTH_AVAIL, &avail);
	if (status >= 300 && status < 400) {
		curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"%s redirects (HTTP %ld) to %s: give the service's own address; "
				"clients do not follow redirects", o->uri, status,
				location ? shown(x->mem, location, 200) : "(no Location)");
	}
	switch (status) {
	case 401:
		return http_401(mem_ctx, o, x, avail, reterr);
	case 403:
		if (o->auth == GPO_CEP_AUTH_CERTIFICATE)
			return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
					"the server refused the client certificate (HTTP 403%s%s): "
					"it needs the Client Authentication EKU and must map to an "
					"account, except on a KeyBasedRenewal endpoint", sep, text);
		return gpo_fail(mem_ctx, reterr, GPO_EAUTH, "access denied by %s (HTTP 403%s%s)",
				o->uri, sep, text);
	case 404:
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"no service at %s (HTTP 404): check the path; AD CS publishes "
				"https://HOST/ADPolicyProvider_CEP_<auth>/service.svc/CEP", o->uri);
	case 415:
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"%s refused a SOAP 1.2 message (HTTP 415 Unsupported Media Type): "
				"it is not an MS-XCEP endpoint", o->uri);
	case 500:
		/* a SOAP fault comes as 500; anything else is the server's own trouble */
		if (type != NULL && strncasecmp(type, "application/soap+xml", 20) == 0)
			return SOAP_FAULT_FOLLOWS;
		break;
	default:
		break;
	}
	return gpo_fail(mem_ctx, reterr, GPO_EPROTO, "%s answered HTTP %ld%s%s", o->uri, status,
			sep, text);
}

/* A connection that failed during the TLS handshake, or broke in the exchange. */
static int connection_error(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *o,
			    const struct exchange *x, CURLcode cc, long status, const char *why,
			    struct gpo_error **reterr)
{
	/* GnuTLS' words for a protocol_version alert and for an old ServerHello */
	if (cc == CURLE_SSL_CONNECT_ERROR &&
	    (strcasestr(why, "protocol version") != NULL ||
	     strcasestr(why, "unsupported version") != NULL))
		return gpo_fail(mem_ctx, reterr, GPO_ENET,
				"%s speaks no TLS version from 1.2 on (%s): TLS 1.0 and "
				"1.1 are refused, enable TLS 1.2 on the server", x->host,
				why);
	if (status != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the answer of %s was cut short (HTTP %ld, %zu bytes "
				"arrived): %s", o->uri, status, x->len, why);
	if (o->auth == GPO_CEP_AUTH_CERTIFICATE)
		return gpo_fail(mem_ctx, reterr, GPO_EAUTH,
				"the TLS connection to %s failed: %s; the server most likely "
				"refused the client certificate (is it issued by a CA the "
				"server trusts?)", x->host, why);
	return gpo_fail(mem_ctx, reterr, GPO_ENET, "the TLS connection to %s failed: %s",
			x->host, why);
}

/* libcurl's "write error" and "out of memory": mostly an answer past our or its limits. */
static int refused_answer(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *o,
			  const struct exchange *x, CURLcode cc, struct gpo_error **reterr)
{
	if (cc == CURLE_WRITE_ERROR) {
		if (x->oversized)
			return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
					"the answer of %s exceeds %zu bytes: refused", o->uri,
					x->cap);
		if (x->headers_oversized)
			return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
					"the answer of %s has more than %u KiB of HTTP headers: "
					"refused", o->uri, HEADERS_MAX >> 10);
		return gpo_oom(mem_ctx, reterr);
	}
	/*
	 * libcurl 7.88 keeps a header line in a buffer capped at 100 KiB
	 * (CURL_MAX_HTTP_HEADER) and, past it, fails with this code and
	 * no message: "Out of memory" said the wrong thing.
	 */
	if (x->len == 0)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the answer of %s has an HTTP header line longer than "
				"libcurl accepts (100 KiB): refused", o->uri);
	return gpo_oom(mem_ctx, reterr);
}

/* A libcurl failure as an error that says what to check. */
static int transport_error(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *o,
			   const struct exchange *x, CURLcode cc, long status, const char *detail,
			   unsigned timeout, struct gpo_error **reterr)
{
	/* libcurl's and GnuTLS' words may quote the server */
	const char *why = shown(x->mem, detail[0] ? detail : curl_easy_strerror(cc), 0);

	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return gpo_fail(mem_ctx, reterr, GPO_ENET, "cannot resolve %s: %s", x->host, why);
	case CURLE_COULDNT_CONNECT:
		return gpo_fail(mem_ctx, reterr, GPO_ENET, "cannot connect to %s: %s", o->uri, why);
	case CURLE_OPERATION_TIMEDOUT:
		return gpo_fail(mem_ctx, reterr, GPO_ENET,
				"no complete answer from %s within %u s (--timeout)", o->uri, timeout);
	case CURLE_PEER_FAILED_VERIFICATION:
		return gpo_fail(mem_ctx, reterr, GPO_ENET,
				"cannot verify the TLS certificate of %s: %s; give the CA that "
				"issued it with --ca-file", x->host, why);
	case CURLE_SSL_CACERT_BADFILE:
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "cannot use the CA file '%s': %s",
				o->ca_file ? o->ca_file : "(system)", why);
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ENGINE_INITFAILED:
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"cannot use the client certificate '%s' or its key: %s",
				o->cert_file ? o->cert_file : "", why);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return connection_error(mem_ctx, o, x, cc, status, why, reterr);
	case CURLE_WRITE_ERROR:
	case CURLE_OUT_OF_MEMORY:
		return refused_answer(mem_ctx, o, x, cc, reterr);
	case CURLE_GOT_NOTHING:
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"%s closed the connection without an answer", o->uri);
	case CURLE_PARTIAL_FILE:
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the answer of %s was cut short (%zu bytes arrived): %s", o->uri,
				x->len, why);
	default:
		return gpo_fail(mem_ctx, reterr, GPO_ENET, "the request to %s failed: %s", o->uri,
				why);
	}
}

static int check_options(TALLOC_CTX *mem_ctx, struct gpo_probe_options *o,
			 struct gpo_error **reterr)
{
	if (o->version != GPO_PROBE_OPTIONS_VERSION)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "gpo_probe_options version %u, not %u",
				o->version, GPO_PROBE_OPTIONS_VERSION);
	if (o->uri != NULL && strcasecmp(o->uri, GPO_CEP_LDAP_URI) == 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"LDAP: is the Active Directory enrollment policy, read from the "
				"directory, not asked over HTTPS: its policy ID is the forest root "
				"domain's objectGUID");
	if (o->uri == NULL || strncasecmp(o->uri, "https://", 8) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"'%s' is not an https:// URI: policy servers are only asked over "
				"verified TLS", o->uri ? o->uri : "");
	if (o->auth == GPO_CEP_AUTH_UNSET)
		o->auth = gpo_cep_auth_from_uri(o->uri);
	switch (o->auth) {
	case GPO_CEP_AUTH_UNSET:
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"the URI names no AD CS application (ADPolicyProvider_CEP_Kerberos, "
				"..._UsernamePassword, ..._Certificate): give the authentication type");
	case GPO_CEP_AUTH_USERNAME_PASSWORD:
		if (o->username == NULL || o->password == NULL)
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					"a username_password endpoint needs a user name and a password");
		break;
	case GPO_CEP_AUTH_CERTIFICATE:
		if (o->cert_file == NULL)
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					"a certificate endpoint needs a client certificate");
		break;
	default:
		break;
	}
	/* libcurl's GnuTLS backend reports an unreadable file as a failed handshake */
	{
		const struct {
			const char *path, *what;
		} files[] = { { o->ca_file, "CA file" }, { o->cert_file, "client certificate" },
			      { o->key_file, "client key" } };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(files); i++) {
			FILE *f = files[i].path ? fopen(files[i].path, "re") : NULL;

			if (files[i].path != NULL && f == NULL)
				return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "cannot use the %s '%s': %s",
						files[i].what, files[i].path, strerror(errno));
			if (f != NULL)
				fclose(f);
		}
	}
	if (o->timeout == 0)
		o->timeout = GPO_PROBE_TIMEOUT_DEFAULT;
	if (o->max_response == 0)
		o->max_response = GPO_PROBE_MAX_RESPONSE_DEFAULT;
	return 0;
}

static char *uri_host(TALLOC_CTX *mem_ctx, const char *uri)
{
	CURLU *u = curl_url();
	char *host = NULL, *copy;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, uri, 0) == CURLUE_OK)
		curl_url_get(u, CURLUPART_HOST, &host, 0);
	copy = talloc_strdup(mem_ctx, host ? host : uri);
	curl_free(host);
	curl_url_cleanup(u);
	return copy;
}

/* Is the answer the one to our request?  RelatesTo is optional: the spec's example has none. */
static int check_addressing(TALLOC_CTX *mem_ctx, TALLOC_CTX *tmp,
			    const struct gpo_xcep_policies *p, const char *message_id,
			    struct gpo_error **reterr)
{
	if (p->action != NULL && strcmp(p->action, GPO_XCEP_RESPONSE_ACTION) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the answer's WS-Addressing Action is '%s', not GetPoliciesResponse",
				shown(tmp, p->action, 200));
	if (p->relates_to != NULL && strcasecmp(p->relates_to, message_id) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the answer relates to message %s, not to ours (%s)",
				shown(tmp, p->relates_to, 200), message_id);
	return 0;
}

/* Milliseconds left until `deadline`, at least 1: libcurl takes 0 for "no limit". */
static long ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 1 ? 1 : (long)ms;
}

/*
 * What every connection to the server gets: verified TLS 1.2 or later,
 * HTTP/1.1, and what is left of the probe's time: --timeout bounds the
 * whole probe, both connections and the reading of the answer.
 */
static void set_transport(CURL *curl, const struct gpo_probe_options *o,
			  const struct timespec *deadline, char *detail)
{
	curl_easy_setopt(curl, CURLOPT_URL, o->uri);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
	/* IIS does Windows authentication and certificate renegotiation over HTTP/1.1 only */
	curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	/* TLS 1.0 and 1.1 are broken; MS-WSTEP asks for 1.2, and a password rides on it */
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms_left(deadline));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms_left(deadline));
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "gpo-cep/" GPO_CEP_VERSION_STRING);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
	if (o->auth == GPO_CEP_AUTH_CERTIFICATE) {
		curl_easy_setopt(curl, CURLOPT_SSLCERT, o->cert_file);
		curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
		if (o->key_file != NULL)
			curl_easy_setopt(curl, CURLOPT_SSLKEY, o->key_file);
	}
}

/*
 * The server's certificate (DER), from a handshake of its own: the channel
 * binding must be in the first request, before any answer could show it.
 */
static int server_certificate(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *o,
			      const struct exchange *x, const struct timespec *deadline,
			      gnutls_datum_t *ret_der, struct gpo_error **reterr)
{
	char detail[CURL_ERROR_SIZE] = "";
	struct curl_certinfo *info = NULL;
	struct curl_slist *item;
	CURL *curl = curl_easy_init();
	CURLcode cc;
	int rc = GPO_EPROTO;

	if (curl == NULL)
		return gpo_oom(mem_ctx, reterr);
	set_transport(curl, o, deadline, detail);
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(curl, CURLOPT_CERTINFO, 1L);
	cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		rc = transport_error(mem_ctx, o, x, cc, 0, detail, o->timeout, reterr);
		curl_easy_cleanup(curl);
		return rc;
	}
	if (curl_easy_getinfo(curl, CURLINFO_CERTINFO, &info) == CURLE_OK && info != NULL &&
	    info->num_of_certs > 0) {
		for (item = info->certinfo[0]; item != NULL; item = item->next) {
			gnutls_datum_t pem;

			if (strncmp(item->data, "Cert:", 5) != 0)
				continue;
			pem.data = (unsigned char *)item->data + 5;
			pem.size = (unsigned)strlen(item->data + 5);
			if (gnutls_pem_base64_decode2("CERTIFICATE", &pem, ret_der) == 0)
				rc = 0;
			break;
		}
	}
	curl_easy_cleanup(curl);
	if (rc != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"cannot read the TLS certificate of %s for the channel binding",
				x->host);
	return 0;
}

/* The GetPolicies request; for a username_password endpoint it holds the password. */
static int build_request(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *o,
			 char *message_id, char **ret_xml, size_t *ret_len,
			 struct gpo_error **reterr)
{
	struct gpo_xcep_request_options req = { 0 };

	gpo_xcep_message_id(message_id);
	req.uri = o->uri;
	req.message_id = message_id;
	req.now = time(NULL);
	if (o->auth == GPO_CEP_AUTH_USERNAME_PASSWORD) {
		req.username = o->username;
		req.password = o->password;
	}
	return gpo_xcep_build_request(mem_ctx, &req, ret_xml, ret_len, reterr);
}

/* Our own Negotiate: never NTLM or Basic, always with a channel binding. */
static int start_negotiate(TALLOC_CTX *mem_ctx, TALLOC_CTX *tmp,
			   const struct gpo_probe_options *o, const struct exchange *x,
			   const struct timespec *deadline, struct curl_slist **headers,
			   struct gpo_negotiate **ret_negotiate, struct gpo_error **reterr)
{
	gnutls_datum_t der = { NULL, 0 };
	char *line = NULL;
	int rc;

	rc = server_certificate(mem_ctx, o, x, deadline, &der, reterr);
	if (rc == 0)
		rc = gpo_negotiate_start(tmp, x->host, der.data, der.size, ret_negotiate, &line,
					 reterr);
	gnutls_free(der.data);
	if (rc == 0 && (*headers = curl_slist_append(*headers, line)) == NULL)
		rc = gpo_oom(mem_ctx, reterr);
	return rc;
}

/* SOAP 1.2's content type, and no "Expect: 100-continue" wait before the body. */
static struct curl_slist *soap_headers(void)
{
	struct curl_slist *h;

	h = curl_slist_append(NULL, "Content-Type: application/soap+xml; charset=utf-8");
	return h ? curl_slist_append(h, "Expect:") : NULL;
}

/* POST the request; the answer's HTTP status, 0 when no status line arrived. */
static CURLcode post_request(CURL *curl, const struct gpo_probe_options *o, struct exchange *x,
			     const struct timespec *deadline, char *detail,
			     struct curl_slist *headers, char *xml, size_t xml_len,
			     long *ret_status)
{
	CURLcode cc;

	set_transport(curl, o, deadline, detail);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, xml);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)xml_len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, x);
	cc = curl_easy_perform(curl);
	/* the request may hold the password */
	explicit_bzero(xml, xml_len);
	/* non-zero once a status line arrived: later failures cut the answer short */
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, ret_status);
	return cc;
}

/*
 * An answer that is no SOAP message, or an HTTP status other than 200, as
 * an error; 0 for a SOAP message, which includes a fault (HTTP 500).
 */
static int check_answer(TALLOC_CTX *mem_ctx, TALLOC_CTX *tmp, CURL *curl,
			const struct gpo_probe_options *o, const struct exchange *x, long status,
			struct gpo_error **reterr)
{
	const char *type = NULL;
	int rc;

	curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
	if (status != 200) {
		rc = http_error(mem_ctx, curl, o, x, status, reterr);
		return rc == SOAP_FAULT_FOLLOWS ? 0 : rc;
	}
	if (type != NULL && strncasecmp(type, "text/html", 9) == 0) {
		char *text = snippet(tmp, x->body, x->len);

		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"%s answered with an HTML page, not a SOAP message: is it an "
				"MS-XCEP endpoint?%s%s", o->uri,
				text && *text ? " The page says: " : "", text ? text : "");
	}
	if (type != NULL && strcasestr(type, "xml") == NULL)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"%s answered with %s, not a SOAP message (application/soap+xml): "
				"is it an MS-XCEP endpoint?", o->uri, shown(tmp, type, 200));
	return 0;
}

/* The policies in the answer (parsed on tmp), if it is a 200 answer to our request. */
static int read_answer(TALLOC_CTX *mem_ctx, TALLOC_CTX *tmp, const struct gpo_probe_options *o,
		       const struct exchange *x, long status, const struct timespec *deadline,
		       const char *message_id, struct gpo_xcep_policies **ret,
		       struct gpo_error **reterr)
{
	int rc = xcep_parse_response_until(tmp, x->body, x->len, deadline, ret, reterr);

	if (rc == GPO_ENET)
		rc = gpo_fail(mem_ctx, reterr, GPO_ENET,
			      "the answer of %s could not be read within %u s (--timeout; %zu "
			      "bytes arrived)", o->uri, o->timeout, x->len);
	if (rc == 0 && status != 200)
		rc = gpo_fail(mem_ctx, reterr, GPO_EPROTO, "%s answered HTTP %ld with a policy",
			      o->uri, status);
	if (rc == 0)
		rc = check_addressing(mem_ctx, tmp, *ret, message_id, reterr);
	return rc;
}

int gpo_probe_server(TALLOC_CTX *mem_ctx, const struct gpo_probe_options *options,
		  struct gpo_xcep_policies **ret, struct gpo_error **reterr)
{
	struct gpo_probe_options o = *options;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct exchange x = { .mem = tmp };
	struct curl_slist *headers = NULL;
	struct gpo_xcep_policies *p = NULL;
	struct gpo_negotiate *negotiate = NULL;
	char detail[CURL_ERROR_SIZE] = "", message_id[GPO_XCEP_MESSAGE_ID_SIZE];
	struct timespec deadline;
	char *xml = NULL;
	size_t xml_len = 0;
	CURL *curl = NULL;
	CURLcode cc;
	long status = 0;
	int rc;

	if (tmp == NULL)
		return gpo_oom(mem_ctx, reterr);
	rc = check_options(mem_ctx, &o, reterr);
	if (rc != 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += o.timeout;
	x.cap = o.max_response;
	x.host = uri_host(tmp, o.uri);
	rc = build_request(tmp, &o, message_id, &xml, &xml_len, reterr);
	if (rc != 0)
		goto out;
	curl = curl_easy_init();
	headers = soap_headers();
	if (curl == NULL || headers == NULL || x.host == NULL) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	if (o.auth == GPO_CEP_AUTH_KERBEROS)
		rc = start_negotiate(mem_ctx, tmp, &o, &x, &deadline, &headers, &negotiate, reterr);
	if (rc != 0)
		goto out;
	cc = post_request(curl, &o, &x, &deadline, detail, headers, xml, xml_len, &status);
	if (cc != CURLE_OK)
		rc = transport_error(mem_ctx, &o, &x, cc, status, detail, o.timeout, reterr);
	else
		rc = check_answer(mem_ctx, tmp, curl, &o, &x, status, reterr);
	if (rc == 0 && negotiate != NULL && status == 200)
		rc = gpo_negotiate_finish(negotiate, x.negotiate_token, x.host, mem_ctx, reterr);
	if (rc == 0)
		rc = read_answer(mem_ctx, tmp, &o, &x, status, &deadline, message_id, &p, reterr);
	if (rc == 0)
		*ret = talloc_steal(mem_ctx, p);
out:
	/* also when the exchange never started */
	if (xml != NULL)
		explicit_bzero(xml, xml_len);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	/* errors of the request builder, the parser and Negotiate are on tmp */
	gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
