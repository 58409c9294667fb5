/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MS-XCEP GetPoliciesResponse, [MS-XCEP] 3.1.4.1.2.2 and 3.1.4.1.3. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <gpo-cep/gpo.h>
#include <gpo-cep/xcep.h>

#include "internal.h"

#define SOAP_NS "http://www.w3.org/2003/05/soap-envelope"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

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

static int parse_cas(struct gpo_xcep_policies *p, const xmlNode *cas)
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
		ca = &p->cas[i++];
		u32(child(c, GPO_XCEP_NS, "cAReferenceID"), &ca->reference);
		ca->enroll_permission = boolean(child(child(c, GPO_XCEP_NS, "enrollPermission"),
						      GPO_XCEP_NS, "enroll"));
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
			cu->uri = text(ca->uris, child(u, GPO_XCEP_NS, "uri"));
		}
		ca->n_uris = j;
	}
	p->n_cas = i;
	return 0;
}

/* The oID entry whose oIDReferenceID is `ref`. */
static xmlNode *find_oid(const xmlNode *oids, uint32_t ref)
{
	xmlNode *o;
	uint32_t r;

	for (o = oids ? oids->children : NULL; o != NULL; o = o->next)
		if (is(o, GPO_XCEP_NS, "oID") && u32(child(o, GPO_XCEP_NS, "oIDReferenceID"), &r) &&
		    r == ref)
			return o;
	return NULL;
}

static int parse_policies(struct gpo_xcep_policies *p, const xmlNode *policies,
			  const xmlNode *oids)
{
	xmlNode *c, *r;
	size_t i = 0;

	p->templates = talloc_zero_array(p, struct gpo_xcep_template,
					 count(policies, "policy") + 1);
	if (p->templates == NULL)
		return GPO_ENOMEM;
	for (c = policies ? policies->children : NULL; c != NULL; c = c->next) {
		struct gpo_xcep_template *t;
		xmlNode *attrs, *perm, *cas, *oid;
		uint32_t ref;
		size_t j = 0;

		if (!is(c, GPO_XCEP_NS, "policy"))
			continue;
		t = &p->templates[i++];
		attrs = child(c, GPO_XCEP_NS, "attributes");
		t->common_name = text(p->templates, child(attrs, GPO_XCEP_NS, "commonName"));
		u32(child(attrs, GPO_XCEP_NS, "policySchema"), &t->schema_version);
		perm = child(attrs, GPO_XCEP_NS, "permission");
		t->enroll = boolean(child(perm, GPO_XCEP_NS, "enroll"));
		t->autoenroll = boolean(child(perm, GPO_XCEP_NS, "autoEnroll"));
		if (u32(child(c, GPO_XCEP_NS, "policyOIDReference"), &ref) &&
		    (oid = find_oid(oids, ref)) != NULL) {
			t->oid = text(p->templates, child(oid, GPO_XCEP_NS, "value"));
			t->display_name = text(p->templates, child(oid, GPO_XCEP_NS, "defaultName"));
		}
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

int gpo_xcep_parse_response(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
			    struct gpo_xcep_policies **ret, struct gpo_error **reterr)
{
	struct gpo_xcep_policies *p = NULL;
	xmlDoc *doc = NULL;
	xmlNode *env, *bodyn, *resp, *r, *fault;
	uint32_t hours;
	int rc;

	if (len > INT32_MAX)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "the response is too large");
	/* no network, no entity substitution; DTDs are refused below */
	doc = xmlReadMemory((const char *)body, (int)len, "response.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_NOCDATA);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();

		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "the response is not XML%s%s",
			      e && e->message ? ": " : "", e && e->message ? e->message : "");
		if (reterr && *reterr) {
			/* libxml2 ends its messages with a newline */
			char *m = (*reterr)->message;
			size_t n = strlen(m);

			while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
				m[--n] = '\0';
		}
		return rc;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL,
			      "the response has a document type declaration: refused (entities)");
		goto out;
	}
	env = xmlDocGetRootElement(doc);
	if (!is(env, SOAP_NS, "Envelope")) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "the response is not a SOAP 1.2 "
			      "envelope (root element '%s')", env ? (const char *)env->name : "");
		goto out;
	}
	bodyn = child(env, SOAP_NS, "Body");
	if ((fault = child(bodyn, SOAP_NS, "Fault")) != NULL) {
		char *code = text(NULL, child(child(fault, SOAP_NS, "Code"), SOAP_NS, "Value"));
		char *sub = text(NULL, child(child(child(fault, SOAP_NS, "Code"), SOAP_NS, "Subcode"),
					     SOAP_NS, "Value"));
		char *reason = text(NULL, child(child(fault, SOAP_NS, "Reason"), SOAP_NS, "Text"));

		rc = gpo_fail(mem_ctx, reterr, GPO_ERROR, "the server answered with a SOAP fault: "
			      "%s%s%s%s%s", code ? code : "(no code)", sub ? " / " : "",
			      sub ? sub : "", reason ? ": " : "", reason ? reason : "");
		talloc_free(code);
		talloc_free(sub);
		talloc_free(reason);
		goto out;
	}
	resp = child(bodyn, GPO_XCEP_NS, "GetPoliciesResponse");
	r = child(resp, GPO_XCEP_NS, "response");
	if (r == NULL) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "no GetPoliciesResponse/response in the "
			      "%s namespace", GPO_XCEP_NS);
		goto out;
	}
	p = talloc_zero(NULL, struct gpo_xcep_policies);
	if (p == NULL) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	p->policy_id = text(p, child(r, GPO_XCEP_NS, "policyID"));
	if (p->policy_id == NULL || p->policy_id[0] == '\0') {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "the response has no policyID");
		goto out;
	}
	p->friendly_name = text(p, child(r, GPO_XCEP_NS, "policyFriendlyName"));
	if (p->friendly_name == NULL)
		p->friendly_name = talloc_strdup(p, "");
	p->next_update_hours = u32(child(r, GPO_XCEP_NS, "nextUpdateHours"), &hours) ? (int64_t)hours : -1;
	p->not_changed = boolean(child(r, GPO_XCEP_NS, "policiesNotChanged"));
	rc = parse_cas(p, child(resp, GPO_XCEP_NS, "cAs"));
	if (rc == 0)
		rc = parse_policies(p, child(r, GPO_XCEP_NS, "policies"),
				    child(resp, GPO_XCEP_NS, "oIDs"));
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

#define WSA_NS "http://www.w3.org/2005/08/addressing"
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

int gpo_xcep_build_request(TALLOC_CTX *mem_ctx, const struct gpo_xcep_request_options *o,
			   char **ret_xml, size_t *ret_len, struct gpo_error **reterr)
{
	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *env, *head, *body, *n, *gp, *client, *filter, *pw = NULL;
	xmlNs *s, *a, *xsi, *ep;
	xmlChar *text = NULL;
	char id[48], created[32], expires[32];
	int size = 0;

	if (doc == NULL || o->uri == NULL)
		goto fail;
	if (o->message_id == NULL) {
		char guid[39];

		gpo_guid_generate(guid);
		snprintf(id, sizeof(id), "urn:uuid:%.36s", guid + 1);
		for (char *c = id; *c; c++)
			*c = (char)ascii_lower((unsigned char)*c);
	} else {
		snprintf(id, sizeof(id), "%s", o->message_id);
	}
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
	if (o->username != NULL) {
		xmlNode *sec, *ts, *tok;
		xmlNs *wsse, *wsu;

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
		n = pw = add(tok, wsse, "Password", o->password ? o->password : "");
		xmlNewProp(n, (const xmlChar *)"Type",
			   (const xmlChar *)"http://docs.oasis-open.org/wss/2004/01/"
					    "oasis-200401-wss-username-token-profile-1.0#PasswordText");
	}
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
