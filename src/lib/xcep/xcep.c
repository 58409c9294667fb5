/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MS-XCEP GetPoliciesResponse, [MS-XCEP] 3.1.4.1.2.2 and 3.1.4.1.3. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <gpo-cep/guid.h>
#include <gpo-cep/xcep.h>

#include "internal.h"
#include "xcep_internal.h"

#define SOAP_NS "http://www.w3.org/2003/05/soap-envelope"
#define SOAP11_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define WSA_NS "http://www.w3.org/2005/08/addressing"

static bool is(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *ns, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c != NULL; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

static bool nil(const xmlNode *n)
{
	xmlChar *v = n ? xmlGetNsProp(n, (const xmlChar *)"nil", (const xmlChar *)XSI_NS) : NULL;
	bool yes = v != NULL && (strcmp((char *)v, "true") == 0 || strcmp((char *)v, "1") == 0);

	xmlFree(v);
	return yes;
}

/* The text of an element, trimmed, on mem_ctx; NULL when absent or nil. */
static char *text(TALLOC_CTX *mem_ctx, const xmlNode *n)
{
	xmlChar *c;
	char *s, *start, *end;

	if (n == NULL || nil(n))
		return NULL;
	c = xmlNodeGetContent(n);
	s = talloc_strdup(mem_ctx, c ? (const char *)c : "");
	xmlFree(c);
	if (s == NULL)
		return NULL;
	for (start = s; *start == ' ' || *start == '\t' || *start == '\r' || *start == '\n'; start++)
		;
	end = start + strlen(start);
	while (end > start && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	*end = '\0';
	memmove(s, start, (size_t)(end - start) + 1);
	return s;
}

/* An unsigned 32-bit number: flags above 2^31 are common and not negative. */
static bool u32(const xmlNode *n, uint32_t *out)
{
	char buf[32], *end;
	xmlChar *c;
	unsigned long long v;

	if (n == NULL || nil(n))
		return false;
	c = xmlNodeGetContent(n);
	snprintf(buf, sizeof(buf), "%s", c ? (const char *)c : "");
	xmlFree(c);
	errno = 0;
	v = strtoull(buf, &end, 10);
	while (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t')
		end++;
	if (buf[0] == '\0' || buf[0] == '-' || *end != '\0' || errno != 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool boolean(const xmlNode *n)
{
	char *t = text(NULL, n);
	bool yes = t != NULL && (strcmp(t, "true") == 0 || strcmp(t, "1") == 0);

	talloc_free(t);
	return yes;
}

static size_t count(const xmlNode *n, const char *name)
{
	xmlNode *c;
	size_t k = 0;

	for (c = n ? n->children : NULL; c != NULL; c = c->next)
		k += is(c, GPO_XCEP_NS, name);
	return k;
}

/*
 * The only child `name` of n in `ns` (NULL when none): a second one is an
 * error, since which of them counts would be a guess.
 */
static int only_child(TALLOC_CTX *mem_ctx, const xmlNode *n, const char *ns, const char *name,
		      xmlNode **ret, struct gpo_error **reterr)
{
	xmlNode *c;
	size_t k = 0;

	*ret = NULL;
	for (c = n ? n->children : NULL; c != NULL; c = c->next) {
		if (!is(c, ns, name))
			continue;
		if (k++ == 0)
			*ret = c;
	}
	if (k > 1)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the response has %zu %s elements where MS-XCEP allows one", k, name);
	return 0;
}

/*
 * What bounds one parse: the caller's deadline (a probe's --timeout covers
 * reading the answer too) and the shapes refused because libxml2 2.9 reads
 * them in quadratic time.
 */
struct bounds {
	const struct timespec *deadline;  /* CLOCK_MONOTONIC; NULL: none */
	unsigned ticks;
	bool expired;
	const char *refused;              /* the error message, when refused */
};

/* True once the deadline has passed; looks at the clock every 64 calls. */
static bool late(struct bounds *b)
{
	struct timespec now;

	if (b->expired)
		return true;
	if (b->deadline == NULL || (b->ticks++ & 63) != 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	b->expired = now.tv_sec > b->deadline->tv_sec ||
		     (now.tv_sec == b->deadline->tv_sec && now.tv_nsec >= b->deadline->tv_nsec);
	return b->expired;
}

/*
 * Base64 text (whitespace allowed) to bytes, with GnuTLS's allocator.
 * False when absent, nil or not base64: the specification's own examples
 * elide their values, and a summary must not fail on what it only shows.
 */
static bool base64_value(const xmlNode *n, gnutls_datum_t *out)
{
	char *t = text(NULL, n), *w, *r;
	gnutls_datum_t in;
	bool ok;

	if (t == NULL)
		return false;
	for (w = r = t; *r != '\0'; r++)
		if (strchr(" \t\r\n", *r) == NULL)
			*w++ = *r;
	*w = '\0';
	in.data = (unsigned char *)t;
	in.size = (unsigned)(w - t);
	ok = in.size > 0 && gnutls_base64_decode2(&in, out) == 0;
	talloc_free(t);
	return ok;
}

/* The CA certificate's subject and SHA-1 thumbprint, for pinning and for people. */
static int describe_certificate(TALLOC_CTX *mem_ctx, struct gpo_xcep_ca *ca, const xmlNode *n)
{
	gnutls_datum_t der = { NULL, 0 }, dn = { NULL, 0 };
	gnutls_x509_crt_t crt = NULL;
	unsigned char digest[20];
	size_t size = sizeof(digest), i;
	int rc = 0;

	if (!base64_value(n, &der))
		return 0;
	if (gnutls_x509_crt_init(&crt) == 0 &&
	    gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER) == 0) {
		if (gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0) {
			ca->subject = talloc_strndup(mem_ctx, (const char *)dn.data, dn.size);
			rc = ca->subject ? 0 : GPO_ENOMEM;
		}
		if (rc == 0 && gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA1, digest, &size) == 0 &&
		    size == sizeof(digest)) {
			ca->sha1 = talloc_array(mem_ctx, char, 2 * sizeof(digest) + 1);
			if (ca->sha1 == NULL)
				rc = GPO_ENOMEM;
			for (i = 0; ca->sha1 != NULL && i < sizeof(digest); i++)
				snprintf(ca->sha1 + 2 * i, 3, "%02x", digest[i]);
		}
	}
	gnutls_free(dn.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_free(der.data);
	return rc;
}

static int parse_cas(struct gpo_xcep_policies *p, const xmlNode *cas, struct bounds *b)
{
	xmlNode *c, *u;
	size_t i = 0;

	p->cas = talloc_zero_array(p, struct gpo_xcep_ca, count(cas, "cA") + 1);
	if (p->cas == NULL)
		return GPO_ENOMEM;
	for (c = cas ? cas->children : NULL; c != NULL; c = c->next) {
		struct gpo_xcep_ca *ca;
		xmlNode *uris;
		size_t j = 0;

		if (!is(c, GPO_XCEP_NS, "cA"))
			continue;
		if (late(b))
			return GPO_ENET;
		ca = &p->cas[i++];
		u32(child(c, GPO_XCEP_NS, "cAReferenceID"), &ca->reference);
		ca->enroll_permission = boolean(child(c, GPO_XCEP_NS, "enrollPermission"));
		uris = child(c, GPO_XCEP_NS, "uris");
		ca->uris = talloc_zero_array(p->cas, struct gpo_xcep_ca_uri, count(uris, "cAURI") + 1);
		if (ca->uris == NULL)
			return GPO_ENOMEM;
		for (u = uris ? uris->children : NULL; u != NULL; u = u->next) {
			struct gpo_xcep_ca_uri *cu;

			if (!is(u, GPO_XCEP_NS, "cAURI"))
				continue;
			cu = &ca->uris[j++];
			u32(child(u, GPO_XCEP_NS, "clientAuthentication"), &cu->auth);
			u32(child(u, GPO_XCEP_NS, "priority"), &cu->priority);
			cu->renewal_only = boolean(child(u, GPO_XCEP_NS, "renewalOnly"));
			cu->uri = text(ca->uris, child(u, GPO_XCEP_NS, "uri"));
		}
		ca->n_uris = j;
		if (describe_certificate(p->cas, ca, child(c, GPO_XCEP_NS, "certificate")) != 0)
			return GPO_ENOMEM;
	}
	p->n_cas = i;
	return 0;
}

/*
 * The answer's oIDs, indexed once: templates and extensions point at them by
 * oIDReferenceID, EKUs are named by value.  Scanning the list per lookup
 * made a parse quadratic (20 000 templates: 40 s).  Where keys repeat, the
 * first in document order wins, as a scan would have found it.
 */
struct oid_entry {
	uint32_t ref;
	size_t pos;
	char *value;  /* NULL when absent or nil */
	char *name;   /* defaultName; NULL likewise */
};

struct oid_index {
	struct oid_entry *by_ref;    /* sorted by ref, one per ref */
	size_t n_by_ref;
	struct oid_entry *by_value;  /* with a value and a name, sorted by value, one per value */
	size_t n_by_value;
};

static int by_ref_cmp(const void *a, const void *b)
{
	const struct oid_entry *x = a, *y = b;

	if (x->ref != y->ref)
		return x->ref < y->ref ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int by_value_cmp(const void *a, const void *b)
{
	const struct oid_entry *x = a, *y = b;
	int c = strcmp(x->value, y->value);

	if (c != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sorts `n` entries with `cmp` and keeps the first of each run that `same` joins. */
static size_t sort_unique(struct oid_entry *e, size_t n, int (*cmp)(const void *, const void *),
			  bool (*same)(const struct oid_entry *, const struct oid_entry *))
{
	size_t i, k = 0;

	if (n == 0)
		return 0;
	qsort(e, n, sizeof(*e), cmp);
	for (i = 1; i < n; i++)
		if (!same(&e[k], &e[i]))
			e[++k] = e[i];
	return k + 1;
}

static bool same_ref(const struct oid_entry *a, const struct oid_entry *b)
{
	return a->ref == b->ref;
}

static bool same_value(const struct oid_entry *a, const struct oid_entry *b)
{
	return strcmp(a->value, b->value) == 0;
}

static int index_oids(struct oid_index *idx, const xmlNode *oids, struct bounds *b)
{
	size_t n = count(oids, "oID"), pos = 0;
	xmlNode *o;

	idx->by_ref = talloc_array(idx, struct oid_entry, n + 1);
	idx->by_value = talloc_array(idx, struct oid_entry, n + 1);
	if (idx->by_ref == NULL || idx->by_value == NULL)
		return GPO_ENOMEM;
	for (o = oids ? oids->children : NULL; o != NULL; o = o->next) {
		struct oid_entry e = { .pos = pos++ };
		xmlNode *v, *d;

		if (!is(o, GPO_XCEP_NS, "oID"))
			continue;
		if (late(b))
			return GPO_ENET;
		v = child(o, GPO_XCEP_NS, "value");
		d = child(o, GPO_XCEP_NS, "defaultName");
		e.value = text(idx, v);
		e.name = text(idx, d);
		if ((e.value == NULL && v != NULL && !nil(v)) || (e.name == NULL && d != NULL && !nil(d)))
			return GPO_ENOMEM;
		if (u32(child(o, GPO_XCEP_NS, "oIDReferenceID"), &e.ref))
			idx->by_ref[idx->n_by_ref++] = e;
		if (e.value != NULL && e.name != NULL)
			idx->by_value[idx->n_by_value++] = e;
	}
	idx->n_by_ref = sort_unique(idx->by_ref, idx->n_by_ref, by_ref_cmp, same_ref);
	idx->n_by_value = sort_unique(idx->by_value, idx->n_by_value, by_value_cmp, same_value);
	return 0;
}

/* The oID entry whose oIDReferenceID is `ref`; NULL when none. */
static const struct oid_entry *find_oid(const struct oid_index *idx, uint32_t ref)
{
	size_t lo = 0, hi = idx->n_by_ref;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (idx->by_ref[mid].ref == ref)
			return &idx->by_ref[mid];
		if (idx->by_ref[mid].ref < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The name the answer gives the OID `value`; NULL when none. */
static const char *oid_name(const struct oid_index *idx, const char *value)
{
	size_t lo = 0, hi = idx->n_by_value;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(idx->by_value[mid].value, value);

		if (c == 0)
			return idx->by_value[mid].name;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

#define OID_KEY_USAGE "2.5.29.15"
#define OID_EXT_KEY_USAGE "2.5.29.37"

static int key_usages(TALLOC_CTX *mem_ctx, struct gpo_xcep_template *t, const gnutls_datum_t *der)
{
	/* RFC 5280 names, in its bit order */
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature" },
		{ GNUTLS_KEY_NON_REPUDIATION, "nonRepudiation" },
		{ GNUTLS_KEY_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ GNUTLS_KEY_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ GNUTLS_KEY_KEY_AGREEMENT, "keyAgreement" },
		{ GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign" },
		{ GNUTLS_KEY_CRL_SIGN, "cRLSign" },
		{ GNUTLS_KEY_ENCIPHER_ONLY, "encipherOnly" },
		{ GNUTLS_KEY_DECIPHER_ONLY, "decipherOnly" },
	};
	unsigned bits = 0;
	size_t i;

	if (gnutls_x509_ext_import_key_usage(der, &bits) != 0)
		return 0;
	t->key_usages = talloc_zero_array(mem_ctx, const char *, ARRAY_SIZE(names) + 1);
	if (t->key_usages == NULL)
		return GPO_ENOMEM;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (bits & names[i].bit)
			t->key_usages[t->n_key_usages++] = names[i].name;
	return 0;
}

static int ext_key_usages(TALLOC_CTX *mem_ctx, struct gpo_xcep_template *t,
			  const gnutls_datum_t *der, const struct oid_index *oids)
{
	gnutls_x509_key_purposes_t purposes = NULL;
	gnutls_datum_t oid;
	unsigned k;
	int rc = 0;

	if (gnutls_x509_key_purpose_init(&purposes) != 0)
		return GPO_ENOMEM;
	if (gnutls_x509_ext_import_key_purposes(der, purposes, 0) != 0)
		goto out;
	for (k = 0; gnutls_x509_key_purpose_get(purposes, k, &oid) == 0; k++)
		;
	t->ekus = talloc_zero_array(mem_ctx, struct gpo_xcep_eku, k + 1);
	if (t->ekus == NULL) {
		rc = GPO_ENOMEM;
		goto out;
	}
	for (k = 0; rc == 0 && gnutls_x509_key_purpose_get(purposes, k, &oid) == 0; k++) {
		struct gpo_xcep_eku *e = &t->ekus[t->n_ekus++];
		const char *name;

		e->oid = talloc_strndup(t->ekus, (const char *)oid.data, oid.size);
		if (e->oid == NULL) {
			rc = GPO_ENOMEM;
			break;
		}
		/* the response's own name for it, in its language */
		name = oid_name(oids, e->oid);
		if (name != NULL && (e->name = talloc_strdup(t->ekus, name)) == NULL)
			rc = GPO_ENOMEM;
	}
out:
	gnutls_x509_key_purpose_deinit(purposes);
	return rc;
}

/* The template's keyUsage and extendedKeyUsage extensions, when decodable. */
static int parse_extensions(TALLOC_CTX *mem_ctx, struct gpo_xcep_template *t,
			    const xmlNode *exts, const struct oid_index *oids)
{
	xmlNode *e;
	int rc = 0;

	for (e = exts ? exts->children : NULL; rc == 0 && e != NULL; e = e->next) {
		gnutls_datum_t der = { NULL, 0 };
		const struct oid_entry *o;
		uint32_t ref;

		if (!is(e, GPO_XCEP_NS, "extension") ||
		    !u32(child(e, GPO_XCEP_NS, "oIDReference"), &ref))
			continue;
		o = find_oid(oids, ref);
		if (o == NULL || o->value == NULL)
			continue;
		/* only these two are decoded: skip the base64 of the others */
		if (!(strcmp(o->value, OID_KEY_USAGE) == 0 && t->key_usages == NULL) &&
		    !(strcmp(o->value, OID_EXT_KEY_USAGE) == 0 && t->ekus == NULL))
			continue;
		if (base64_value(child(e, GPO_XCEP_NS, "value"), &der)) {
			if (strcmp(o->value, OID_KEY_USAGE) == 0)
				rc = key_usages(mem_ctx, t, &der);
			else
				rc = ext_key_usages(mem_ctx, t, &der, oids);
		}
		gnutls_free(der.data);
	}
	return rc;
}

static int parse_policies(struct gpo_xcep_policies *p, const xmlNode *policies,
			  const struct oid_index *oids, struct bounds *b)
{
	xmlNode *c, *r;
	size_t i = 0;

	p->templates = talloc_zero_array(p, struct gpo_xcep_template,
					 count(policies, "policy") + 1);
	if (p->templates == NULL)
		return GPO_ENOMEM;
	for (c = policies ? policies->children : NULL; c != NULL; c = c->next) {
		struct gpo_xcep_template *t;
		xmlNode *attrs, *perm, *cas;
		const struct oid_entry *oid;
		uint32_t ref;
		size_t j = 0;

		if (!is(c, GPO_XCEP_NS, "policy"))
			continue;
		if (late(b))
			return GPO_ENET;
		t = &p->templates[i++];
		attrs = child(c, GPO_XCEP_NS, "attributes");
		t->common_name = text(p->templates, child(attrs, GPO_XCEP_NS, "commonName"));
		u32(child(attrs, GPO_XCEP_NS, "policySchema"), &t->schema_version);
		perm = child(attrs, GPO_XCEP_NS, "permission");
		t->enroll = boolean(child(perm, GPO_XCEP_NS, "enroll"));
		t->autoenroll = boolean(child(perm, GPO_XCEP_NS, "autoEnroll"));
		if (u32(child(c, GPO_XCEP_NS, "policyOIDReference"), &ref) &&
		    (oid = find_oid(oids, ref)) != NULL) {
			if ((oid->value && !(t->oid = talloc_strdup(p->templates, oid->value))) ||
			    (oid->name && !(t->display_name = talloc_strdup(p->templates, oid->name))))
				return GPO_ENOMEM;
		}
		u32(child(child(attrs, GPO_XCEP_NS, "revision"), GPO_XCEP_NS, "majorRevision"),
		    &t->major_revision);
		u32(child(child(attrs, GPO_XCEP_NS, "revision"), GPO_XCEP_NS, "minorRevision"),
		    &t->minor_revision);
		u32(child(child(attrs, GPO_XCEP_NS, "privateKeyAttributes"), GPO_XCEP_NS,
			  "minimalKeyLength"), &t->min_key_length);
		u32(child(child(attrs, GPO_XCEP_NS, "privateKeyAttributes"), GPO_XCEP_NS, "keySpec"),
		    &t->key_spec);
		if (parse_extensions(p->templates, t, child(attrs, GPO_XCEP_NS, "extensions"),
				     oids) != 0)
			return GPO_ENOMEM;
		cas = child(c, GPO_XCEP_NS, "cAs");
		t->ca_refs = talloc_zero_array(p->templates, uint32_t, count(cas, "cAReference") + 1);
		if (t->ca_refs == NULL)
			return GPO_ENOMEM;
		for (r = cas ? cas->children : NULL; r != NULL; r = r->next)
			if (is(r, GPO_XCEP_NS, "cAReference") && u32(r, &t->ca_refs[j]))
				j++;
		t->n_cas = j;
	}
	p->n_templates = i;
	return 0;
}

/* The local part of a QName such as "a:FailedAuthentication". */
static const char *local_name(const char *qname)
{
	const char *colon = qname ? strrchr(qname, ':') : NULL;

	return colon ? colon + 1 : qname ? qname : "";
}

/*
 * A SOAP 1.2 fault as an error: its code, subcode and reason.  WS-Security
 * faults are GPO_EAUTH: WCF answers a wrong UsernameToken (or one outside its
 * clock-skew window) with them.
 */
static int fault_error(TALLOC_CTX *mem_ctx, const xmlNode *fault, struct gpo_error **reterr)
{
	static const char *const security[] = { "FailedAuthentication", "InvalidSecurity",
						"InvalidSecurityToken", "SecurityTokenUnavailable",
						"MessageExpired" };
	const xmlNode *code = child(fault, SOAP_NS, "Code");
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *value = text(tmp, child(code, SOAP_NS, "Value"));
	char *sub = text(tmp, child(child(code, SOAP_NS, "Subcode"), SOAP_NS, "Value"));
	char *reason = text(tmp, child(child(fault, SOAP_NS, "Reason"), SOAP_NS, "Text"));
	int err = GPO_ERROR;
	size_t i;

	for (i = 0; sub != NULL && i < ARRAY_SIZE(security); i++)
		if (strcmp(local_name(sub), security[i]) == 0)
			err = GPO_EAUTH;
	/* the server's words, shown without its control characters */
	value = value ? gpo_xcep_escape(tmp, value, 0) : NULL;
	sub = sub ? gpo_xcep_escape(tmp, sub, 0) : NULL;
	reason = reason ? gpo_xcep_escape(tmp, reason, 0) : NULL;
	gpo_fail(mem_ctx, reterr, err, "the server answered with a SOAP fault: %s%s%s%s%s%s",
		 value ? value : "(no code)", sub ? " / " : "", sub ? sub : "",
		 reason ? ": " : "", reason ? reason : "",
		 err == GPO_EAUTH ? " (the server refused the WS-Security credentials: check the "
				    "user name, the password and this machine's clock)" : "");
	talloc_free(tmp);
	return err;
}

#define XML_CHUNK (16u << 10)
/*
 * libxml2 2.9 checks the attributes of a tag against each other, and links
 * each into the tree, in quadratic time: 100 000 attributes in one tag take
 * minutes.  An answer needs a handful; a tag is read only once it is
 * complete, so the input it holds up is bounded too.
 */
#define XML_ATTRIBUTES_MAX 64
#define XML_PENDING_MAX (64u << 10)

static void start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			  const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			  int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxt *ctxt = ctx;
	struct bounds *b = ctxt->_private;

	if (nb_namespaces + nb_attributes > XML_ATTRIBUTES_MAX) {
		b->refused = "the response has an element with more than 64 attributes: refused";
		xmlStopParser(ctxt);
		return;
	}
	if (late(b)) {
		xmlStopParser(ctxt);
		return;
	}
	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
			      nb_attributes, nb_defaulted, attributes);
}

/* Stops before the declarations: entities are what a DTD would bring. */
static void internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
			    const xmlChar *system_id)
{
	xmlParserCtxt *ctxt = ctx;
	struct bounds *b = ctxt->_private;

	b->refused = "the response has a document type declaration: refused (entities)";
	xmlStopParser(ctxt);
}

/*
 * The body as a tree, pushed to libxml2 in chunks so that the deadline is
 * checked as it reads and no tag, comment or processing instruction longer
 * than XML_PENDING_MAX is ever parsed.  No network, no entity substitution.
 */
static int read_xml(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len, struct bounds *b,
		    xmlDoc **ret_doc, struct gpo_error **reterr)
{
	xmlSAXHandler sax;
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	size_t off = len < 4 ? len : 4;  /* enough to tell the encoding */
	int rc = 0;

	memset(&sax, 0, sizeof(sax));
	xmlSAXVersion(&sax, 2);
	sax.startElementNs = start_element;
	sax.internalSubset = internal_subset;
	ctxt = xmlCreatePushParserCtxt(&sax, NULL, (const char *)body, (int)off, "response.xml");
	if (ctxt == NULL)
		return gpo_oom(mem_ctx, reterr);
	ctxt->_private = b;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_NOCDATA);
	for (;;) {
		size_t n = len - off < XML_CHUNK ? len - off : XML_CHUNK;
		bool last = off + n == len;

		xmlParseChunk(ctxt, body ? (const char *)body + off : NULL, (int)n, last);
		off += n;
		if (last || b->refused != NULL || late(b) || !ctxt->wellFormed)
			break;
		/* what libxml2 holds back is one unfinished tag, comment or PI */
		if (ctxt->input != NULL && ctxt->input->end - ctxt->input->cur > XML_PENDING_MAX) {
			b->refused = "the response has a tag, comment or processing instruction "
				     "longer than 64 KiB: refused";
			break;
		}
	}
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (b->expired) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ENET, "the response could not be read in time");
	} else if (b->refused != NULL) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EPROTO, "%s", b->refused);
	} else if (!ctxt->wellFormed || doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char *m = talloc_strdup(mem_ctx, e && e->message ? e->message : "");
		const char *shown = NULL;
		size_t k = m ? strlen(m) : 0;

		/* libxml2 ends its messages with a newline, and may quote the document */
		while (k > 0 && (m[k - 1] == '\n' || m[k - 1] == ' '))
			m[--k] = '\0';
		if (k > 0)
			shown = gpo_xcep_escape(m, m, 0);
		rc = gpo_fail(mem_ctx, reterr, GPO_EPROTO, "the response is not XML%s%s",
			      shown ? ": " : "", shown ? shown : "");
		talloc_free(m);
	}
	if (rc == 0)
		*ret_doc = doc;
	else
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

int gpo_xcep_parse_response(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
			    struct gpo_xcep_policies **ret, struct gpo_error **reterr)
{
	return xcep_parse_response_until(mem_ctx, body, len, NULL, ret, reterr);
}

/* The document's SOAP 1.2 envelope; a DTD and a SOAP 1.1 envelope are refused. */
static int check_envelope(TALLOC_CTX *mem_ctx, xmlDoc *doc, xmlNode **ret_env,
			  struct gpo_error **reterr)
{
	xmlNode *env;

	if (doc->intSubset != NULL || doc->extSubset != NULL)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the response has a document type declaration: refused (entities)");
	env = xmlDocGetRootElement(doc);
	if (is(env, SOAP11_NS, "Envelope"))
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the response is a SOAP 1.1 envelope: MS-XCEP servers answer in "
				"SOAP 1.2 (is this a policy server?)");
	if (!is(env, SOAP_NS, "Envelope"))
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"the response is not a SOAP 1.2 envelope (root element '%s')",
				env ? (const char *)env->name : "");
	*ret_env = env;
	return 0;
}

/*
 * The body's GetPoliciesResponse, its response, and that one's policyID
 * and policyFriendlyName, each there at most once; or the server's fault.
 */
static int find_response(TALLOC_CTX *mem_ctx, xmlNode *env, xmlNode **resp, xmlNode **r,
			 xmlNode **id, xmlNode **name, struct gpo_error **reterr)
{
	xmlNode *bodyn = child(env, SOAP_NS, "Body"), *fault;
	int rc;

	if ((fault = child(bodyn, SOAP_NS, "Fault")) != NULL)
		return fault_error(mem_ctx, fault, reterr);
	rc = only_child(mem_ctx, bodyn, GPO_XCEP_NS, "GetPoliciesResponse", resp, reterr);
	if (rc == 0)
		rc = only_child(mem_ctx, *resp, GPO_XCEP_NS, "response", r, reterr);
	if (rc == 0)
		rc = only_child(mem_ctx, *r, GPO_XCEP_NS, "policyID", id, reterr);
	if (rc == 0)
		rc = only_child(mem_ctx, *r, GPO_XCEP_NS, "policyFriendlyName", name, reterr);
	if (rc != 0)
		return rc;
	if (*r == NULL)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO,
				"no GetPoliciesResponse/response in the %s namespace", GPO_XCEP_NS);
	return 0;
}

/* The answer's CAs and policies, their oIDs indexed once; GPO_ENET past the deadline. */
static int read_entries(struct gpo_xcep_policies *p, const xmlNode *resp, const xmlNode *r,
			struct bounds *b)
{
	struct oid_index *oids = talloc_zero(p, struct oid_index);
	int rc = oids ? index_oids(oids, child(resp, GPO_XCEP_NS, "oIDs"), b) : GPO_ENOMEM;

	if (rc == 0)
		rc = parse_cas(p, child(resp, GPO_XCEP_NS, "cAs"), b);
	if (rc == 0)
		rc = parse_policies(p, child(r, GPO_XCEP_NS, "policies"), oids, b);
	talloc_free(oids);
	return rc;
}

int xcep_parse_response_until(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
			      const struct timespec *deadline, struct gpo_xcep_policies **ret,
			      struct gpo_error **reterr)
{
	struct bounds b = { .deadline = deadline };
	struct gpo_xcep_policies *p = NULL;
	xmlDoc *doc = NULL;
	xmlNode *env = NULL, *resp = NULL, *r = NULL, *id = NULL, *name = NULL;
	uint32_t hours;
	int rc;

	if (len > INT32_MAX)
		return gpo_fail(mem_ctx, reterr, GPO_EPROTO, "the response is too large");
	rc = read_xml(mem_ctx, body, len, &b, &doc, reterr);
	if (rc != 0)
		return rc;
	rc = check_envelope(mem_ctx, doc, &env, reterr);
	if (rc == 0)
		rc = find_response(mem_ctx, env, &resp, &r, &id, &name, reterr);
	if (rc != 0)
		goto out;
	p = talloc_zero(NULL, struct gpo_xcep_policies);
	if (p == NULL) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	p->action = text(p, child(child(env, SOAP_NS, "Header"), WSA_NS, "Action"));
	p->relates_to = text(p, child(child(env, SOAP_NS, "Header"), WSA_NS, "RelatesTo"));
	p->policy_id = text(p, id);
	if (p->policy_id == NULL || p->policy_id[0] == '\0') {
		rc = gpo_fail(mem_ctx, reterr, GPO_EPROTO, "the response has no policyID");
		goto out;
	}
	p->friendly_name = text(p, name);
	if (p->friendly_name == NULL)
		p->friendly_name = talloc_strdup(p, "");
	p->next_update_hours = u32(child(r, GPO_XCEP_NS, "nextUpdateHours"), &hours) ? (int64_t)hours : -1;
	p->not_changed = boolean(child(r, GPO_XCEP_NS, "policiesNotChanged"));
	rc = read_entries(p, resp, r, &b);
	if (rc == GPO_ENET) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ENET, "the response could not be read in time");
		goto out;
	}
	if (rc != 0) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	*ret = talloc_steal(mem_ctx, p);
	p = NULL;
	rc = 0;
out:
	talloc_free(p);
	xmlFreeDoc(doc);
	return rc;
}

#define WSSE_NS "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
#define WSU_NS "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
#define GETPOLICIES_ACTION \
	"http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPolicies"

static xmlNode *add(xmlNode *parent, xmlNs *ns, const char *name, const char *content)
{
	return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)content);
}

static void set_nil(xmlNode *n, xmlNs *xsi)
{
	xmlNewNsProp(n, xsi, (const xmlChar *)"nil", (const xmlChar *)"true");
}

static void timestamp(char out[32], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

void gpo_xcep_message_id(char out[GPO_XCEP_MESSAGE_ID_SIZE])
{
	char guid[39];
	char *c;

	gpo_guid_generate(guid);
	snprintf(out, GPO_XCEP_MESSAGE_ID_SIZE, "urn:uuid:%.36s", guid + 1);
	for (c = out; *c; c++)
		*c = (char)ascii_lower((unsigned char)*c);
}

/* The WS-Security header: a timestamp and the UsernameToken; its Password element, to wipe. */
static xmlNode *add_security(xmlNode *head, xmlNs *s, const struct gpo_xcep_request_options *o)
{
	xmlNode *sec, *ts, *tok, *pw;
	xmlNs *wsse, *wsu;
	char created[32], expires[32];

	sec = xmlNewChild(head, NULL, (const xmlChar *)"Security", NULL);
	wsse = xmlNewNs(sec, (const xmlChar *)WSSE_NS, (const xmlChar *)"o");
	wsu = xmlNewNs(sec, (const xmlChar *)WSU_NS, (const xmlChar *)"u");
	xmlSetNs(sec, wsse);
	xmlNewNsProp(sec, s, (const xmlChar *)"mustUnderstand", (const xmlChar *)"1");
	ts = xmlNewChild(sec, wsu, (const xmlChar *)"Timestamp", NULL);
	xmlNewNsProp(ts, wsu, (const xmlChar *)"Id", (const xmlChar *)"_0");
	timestamp(created, o->now);
	timestamp(expires, o->now + 300);
	add(ts, wsu, "Created", created);
	add(ts, wsu, "Expires", expires);
	tok = xmlNewChild(sec, wsse, (const xmlChar *)"UsernameToken", NULL);
	xmlNewNsProp(tok, wsu, (const xmlChar *)"Id", (const xmlChar *)"uuid-1");
	add(tok, wsse, "Username", o->username);
	pw = add(tok, wsse, "Password", o->password ? o->password : "");
	xmlNewProp(pw, (const xmlChar *)"Type",
		   (const xmlChar *)"http://docs.oasis-open.org/wss/2004/01/"
				    "oasis-200401-wss-username-token-profile-1.0#PasswordText");
	return pw;
}

/* The body: GetPolicies with no last update, language or OID filter, versions 0. */
static void add_body(xmlNode *env, xmlNs *s)
{
	xmlNode *body, *gp, *client, *filter;
	xmlNs *xsi, *ep;

	body = xmlNewChild(env, s, (const xmlChar *)"Body", NULL);
	xsi = xmlNewNs(body, (const xmlChar *)XSI_NS, (const xmlChar *)"xsi");
	gp = xmlNewChild(body, NULL, (const xmlChar *)"GetPolicies", NULL);
	ep = xmlNewNs(gp, (const xmlChar *)GPO_XCEP_NS, NULL);
	xmlSetNs(gp, ep);
	client = xmlNewChild(gp, ep, (const xmlChar *)"client", NULL);
	set_nil(xmlNewChild(client, ep, (const xmlChar *)"lastUpdate", NULL), xsi);
	set_nil(xmlNewChild(client, ep, (const xmlChar *)"preferredLanguage", NULL), xsi);
	filter = xmlNewChild(gp, ep, (const xmlChar *)"requestFilter", NULL);
	set_nil(xmlNewChild(filter, ep, (const xmlChar *)"policyOIDs", NULL), xsi);
	add(filter, ep, "clientVersion", "0");
	add(filter, ep, "serverVersion", "0");
}

int gpo_xcep_build_request(TALLOC_CTX *mem_ctx, const struct gpo_xcep_request_options *o,
			   char **ret_xml, size_t *ret_len, struct gpo_error **reterr)
{
	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *env, *head, *n, *pw = NULL;
	xmlNs *s, *a;
	xmlChar *text = NULL;
	char id[48];
	int size = 0;

	if (doc == NULL || o->uri == NULL)
		goto fail;
	if (o->message_id == NULL)
		gpo_xcep_message_id(id);
	else
		snprintf(id, sizeof(id), "%s", o->message_id);
	env = xmlNewNode(NULL, (const xmlChar *)"Envelope");
	xmlDocSetRootElement(doc, env);
	s = xmlNewNs(env, (const xmlChar *)SOAP_NS, (const xmlChar *)"s");
	a = xmlNewNs(env, (const xmlChar *)WSA_NS, (const xmlChar *)"a");
	xmlSetNs(env, s);
	head = xmlNewChild(env, s, (const xmlChar *)"Header", NULL);
	n = add(head, a, "Action", GETPOLICIES_ACTION);
	xmlNewNsProp(n, s, (const xmlChar *)"mustUnderstand", (const xmlChar *)"1");
	add(head, a, "MessageID", id);
	n = xmlNewChild(head, a, (const xmlChar *)"ReplyTo", NULL);
	add(n, a, "Address", "http://www.w3.org/2005/08/addressing/anonymous");
	n = add(head, a, "To", o->uri);
	xmlNewNsProp(n, s, (const xmlChar *)"mustUnderstand", (const xmlChar *)"1");
	if (o->username != NULL)
		pw = add_security(head, s, o);
	add_body(env, s);
	xmlDocDumpMemoryEnc(doc, &text, &size, "UTF-8");
	if (text == NULL)
		goto fail;
	*ret_xml = talloc_strndup(mem_ctx, (const char *)text, (size_t)size);
	/* the buffer and the tree may hold the password */
	explicit_bzero(text, (size_t)size);
	xmlFree(text);
	if (pw != NULL && pw->children != NULL && pw->children->content != NULL)
		explicit_bzero(pw->children->content, strlen((char *)pw->children->content));
	xmlFreeDoc(doc);
	if (*ret_xml == NULL)
		return gpo_oom(mem_ctx, reterr);
	*ret_len = (size_t)size;
	return 0;
fail:
	xmlFreeDoc(doc);
	return gpo_fail(mem_ctx, reterr, o->uri ? GPO_ENOMEM : GPO_EINVAL,
			o->uri ? "out of memory" : "no policy server URI");
}

int gpo_xcep_check_policy_id(TALLOC_CTX *mem_ctx, const char *id, struct gpo_error **reterr)
{
	char guid[39];

	if (gpo_guid_normalize(id, guid) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"is not a GUID (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX, braces optional)");
	return 0;
}

/*
 * The answer's policy ID and friendly name checked as the policy format
 * checks its own: an error at `pointer`/field naming the server when one is
 * not fit to store.  Returns 0, GPO_EPROTO or GPO_ENOMEM.
 */
static int check_answer(const struct gpo_cep_server *server,
			const struct gpo_xcep_policies *answer, const char *pointer,
			struct gpo_diags *diags)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct gpo_error *e = NULL;
	const char *field = NULL, *what = NULL, *value = NULL;
	int rc = 0;

	if (tmp == NULL)
		return GPO_ENOMEM;
	if (gpo_xcep_check_policy_id(tmp, answer->policy_id, &e) != 0) {
		field = "policy_id";
		what = "policyID";
		value = answer->policy_id;
	} else if (gpo_cep_check_friendly_name(tmp, answer->friendly_name, &e) != 0) {
		field = "friendly_name";
		what = "policyFriendlyName";
		value = answer->friendly_name;
	}
	if (field != NULL) {
		char *at = talloc_asprintf(tmp, "%s/%s", pointer, field);
		char *shown = gpo_xcep_escape(tmp, value, 64);

		rc = GPO_EPROTO;
		if (e == NULL || at == NULL || shown == NULL ||
		    gpo_diags_add(diags, GPO_DIAG_ERROR, "probe-invalid-answer", at,
				  "the policy server %s sent %s '%s', which %s: refused",
				  server->uri, what, shown, e->message) != 0)
			rc = GPO_ENOMEM;
	}
	talloc_free(tmp);
	return rc;
}

int gpo_xcep_take_answer(TALLOC_CTX *mem_ctx, struct gpo_cep_server *server,
			      const struct gpo_xcep_policies *answer,
			      const char *pointer, struct gpo_diags *diags)
{
	char *at;
	int rc;

	/* a server's values are held to the rules of the policy file's */
	rc = check_answer(server, answer, pointer, diags);
	if (rc != 0)
		return rc;
	if (server->policy_id != NULL && strcmp(server->policy_id, answer->policy_id) != 0) {
		at = talloc_asprintf(diags, "%s/policy_id", pointer);
		if (at == NULL ||
		    gpo_diags_add(diags, GPO_DIAG_ERROR, "policy-id-mismatch", at,
				  "policy_id '%s' is not the server's '%s'%s: clients group "
				  "endpoints by it, so they would treat this server as another "
				  "policy; drop policy_id to take the server's",
				  server->policy_id, answer->policy_id,
				  strcasecmp(server->policy_id, answer->policy_id) == 0
					  ? " (it differs in letter case, which clients do not ignore)"
					  : "") != 0)
			return GPO_ENOMEM;
		return GPO_EINVAL;
	}
	if (server->policy_id == NULL) {
		server->policy_id = talloc_strdup(mem_ctx, answer->policy_id);
		if (server->policy_id == NULL)
			return GPO_ENOMEM;
	}
	/* Microsoft's CEP sends an empty name unless its admin set one: keep ours then */
	if (server->friendly_name_default && answer->friendly_name[0] != '\0') {
		char *name = talloc_strdup(mem_ctx, answer->friendly_name);

		if (name == NULL)
			return GPO_ENOMEM;
		/* the old name stays with its owner: the struct is public */
		server->friendly_name = name;
		server->friendly_name_default = false;
	}
	return 0;
}

char *gpo_xcep_escape(TALLOC_CTX *mem_ctx, const char *s, size_t max)
{
	return text_escape(mem_ctx, s, max);
}
