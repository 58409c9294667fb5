/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GetPoliciesResponse parser on the specification's examples and on hostile input. */
#include <libxml/parser.h>

#include <gpo-cep.h>

#include "harness.h"
#include "xcep_internal.h"

static struct gpo_error *last;

static struct gpo_xcep_policies *parse(TALLOC_CTX *mem, const char *xml, size_t len)
{
	struct gpo_xcep_policies *p = NULL;

	last = NULL;
	if (gpo_xcep_parse_response(mem, (const uint8_t *)xml, len, &p, &last) != 0)
		return NULL;
	return p;
}

#define ENV_HEAD "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
#define ENV_TAIL "</s:Body></s:Envelope>"
#define RESP(x) ENV_HEAD "<GetPoliciesResponse xmlns=\"" GPO_XCEP_NS "\"><response>" x \
		"</response></GetPoliciesResponse>" ENV_TAIL

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_xcep_policies *p;
	uint8_t *data = NULL, *u16;
	size_t len = 0, i, u16_len;
	const char *s;

	ok(gpo_read_file(mem, "tests/xcep/response.xml", 1 << 20, &data, &len, NULL) == 0,
	   "read the specification's example response");
	p = parse(mem, (const char *)data, len);
	ok(p != NULL, "parse it");
	if (p != NULL) {
		is_str(p->policy_id, "{083C7011-1D0A-4855-885D-AC945184658C}", "policyID");
		is_str(p->friendly_name, "Contoso Enrollment Policy", "policyFriendlyName");
		is_int(p->next_update_hours, 8, "nextUpdateHours");
		ok(!p->not_changed, "policiesNotChanged nil is false");
		is_int(p->n_templates, 1, "one template");
		is_str(p->n_templates ? p->templates[0].common_name : NULL, "EFS", "template common name");
		is_str(p->n_templates ? p->templates[0].display_name : NULL, "Basic EFS",
		       "display name from its OID entry");
		ok(p->n_templates && p->templates[0].oid &&
			   strncmp(p->templates[0].oid, "1.3.6.1.4.1.311.21.8.", 21) == 0,
		   "template OID");
		ok(p->n_templates && p->templates[0].enroll && !p->templates[0].autoenroll,
		   "permissions");
		is_int(p->n_templates ? p->templates[0].schema_version : 0, 1, "schema version");
		is_int(p->n_cas, 1, "one CA");
		is_int(p->n_cas ? p->cas[0].n_uris : 0, 3, "three enrollment URIs");
		ok(p->n_cas && p->cas[0].enroll_permission, "enrollPermission true");
		ok(p->n_cas && p->cas[0].n_uris == 3 && p->cas[0].uris[0].auth == 8 &&
			   p->cas[0].uris[1].auth == 4 && p->cas[0].uris[2].auth == 2,
		   "their authentication types 8, 4, 2");
		contains(p->n_cas ? p->cas[0].uris[2].uri : NULL, "_CES_Kerberos/service.svc/CES",
			 "the Kerberos CES URI");
	}
	/* the same document as UTF-16LE with a byte order mark (its "…" included) */
	u16 = talloc_size(mem, 2 + 2 * len);
	u16[0] = 0xFF;
	u16[1] = 0xFE;
	for (i = 0, u16_len = 2; i < len; u16_len += 2) {
		unsigned cp = data[i++];

		if (cp >= 0xE0 && i + 1 < len) { /* three-byte UTF-8: the BMP is enough here */
			cp = (cp & 0x0F) << 12 | (data[i] & 0x3Fu) << 6 | (data[i + 1] & 0x3Fu);
			i += 2;
		} else if (cp >= 0xC0 && i < len) {
			cp = (cp & 0x1F) << 6 | (data[i++] & 0x3Fu);
		}
		u16[u16_len] = (uint8_t)cp;
		u16[u16_len + 1] = (uint8_t)(cp >> 8);
	}
	ok(memchr(data, 0xE2, len) != NULL, "the example holds non-ASCII text (U+2026)");
	p = parse(mem, (const char *)u16, u16_len);
	is_str(p ? p->policy_id : NULL, "{083C7011-1D0A-4855-885D-AC945184658C}",
	       "UTF-16 with a byte order mark");

	ok(gpo_read_file(mem, "tests/xcep/response-not-changed.xml", 1 << 20, &data, &len, NULL) == 0,
	   "read the 'not changed' example");
	p = parse(mem, (const char *)data, len);
	ok(p && p->not_changed && p->n_templates == 0 && p->n_cas == 0,
	   "policiesNotChanged true, no templates, no CAs");

	s = RESP("<policyID>X</policyID><nextUpdateHours>4294967295</nextUpdateHours>");
	p = parse(mem, s, strlen(s));
	is_int(p ? p->next_update_hours : 0, 4294967295LL, "a value above 2^31 is unsigned");
	ok(p && strcmp(p->friendly_name, "") == 0, "no friendly name is an empty one");
	s = ENV_HEAD "<s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason>"
		     "<s:Text xml:lang=\"en-US\">The request is not valid.</s:Text></s:Reason>"
		     "</s:Fault>" ENV_TAIL;
	ok(parse(mem, s, strlen(s)) == NULL && last && last->code == GPO_ERROR, "a SOAP fault");
	contains(last ? last->message : NULL, "SOAP fault: s:Receiver: The request is not valid.",
		 "  with its code and reason");
	s = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
	    "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
	    RESP("<policyID>&lol2;</policyID>");
	ok(parse(mem, s, strlen(s)) == NULL && last && last->code == GPO_EPROTO,
	   "a document type declaration (entity expansion) is refused");
	contains(last ? last->message : NULL, "document type", "  and says so");
	s = "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"http://127.0.0.1:9/x.dtd\">" RESP("<policyID>X</policyID>");
	ok(parse(mem, s, strlen(s)) == NULL, "an external DTD is refused, never fetched");
	s = "<html><body>Server Error</body></html>";
	ok(parse(mem, s, strlen(s)) == NULL && last && strstr(last->message, "not a SOAP 1.2"),
	   "an HTML error page");
	s = "not xml at all";
	ok(parse(mem, s, strlen(s)) == NULL && last && strstr(last->message, "not XML"), "non-XML");
	s = ENV_HEAD "<GetPoliciesResponse xmlns=\"urn:wrong\"><response><policyID>X</policyID>"
		     "</response></GetPoliciesResponse>" ENV_TAIL;
	ok(parse(mem, s, strlen(s)) == NULL && last && strstr(last->message, "namespace"),
	   "the wrong namespace");
	/* WS-Security faults are authentication failures */
	s = ENV_HEAD "<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value "
		     "xmlns:a=\"urn:x\">a:FailedAuthentication</s:Value></s:Subcode></s:Code>"
		     "<s:Reason><s:Text>no</s:Text></s:Reason></s:Fault>" ENV_TAIL;
	ok(parse(mem, s, strlen(s)) == NULL && last && last->code == GPO_EAUTH,
	   "a FailedAuthentication fault is GPO_EAUTH");
	contains(last ? last->message : NULL, "check the user name, the password and this machine's clock",
		 "  and says what to check");
	/* key usage from DER extensions, EKUs named from the answer's own OID table */
	s = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
	    "xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header>"
	    "<a:Action>" GPO_XCEP_RESPONSE_ACTION "</a:Action><a:RelatesTo>urn:uuid:1</a:RelatesTo>"
	    "</s:Header><s:Body><GetPoliciesResponse xmlns=\"" GPO_XCEP_NS "\"><response>"
	    "<policyID>P</policyID><policies><policy><policyOIDReference>1</policyOIDReference>"
	    "<attributes><commonName>T</commonName><revision><majorRevision>100</majorRevision>"
	    "<minorRevision>4</minorRevision></revision><privateKeyAttributes>"
	    "<minimalKeyLength>4096</minimalKeyLength><keySpec>2</keySpec></privateKeyAttributes>"
	    "<extensions><extension><oIDReference>2</oIDReference><value>AwIFoA==</value></extension>"
	    "<extension><oIDReference>3</oIDReference><value>MBQGCCsGAQUF\nBwMCBggrBgEFBQcDAQ==</value>"
	    "</extension><extension><oIDReference>3</oIDReference><value>not base64!</value></extension>"
	    "</extensions></attributes></policy></policies></response><cAs><cA><certificate>MIID…w==</certificate>"
	    "<cAReferenceID>0</cAReferenceID></cA></cAs><oIDs>"
	    "<oID><value>1.2.3</value><group>9</group><oIDReferenceID>1</oIDReferenceID></oID>"
	    "<oID><value>2.5.29.15</value><group>6</group><oIDReferenceID>2</oIDReferenceID></oID>"
	    "<oID><value>2.5.29.37</value><group>6</group><oIDReferenceID>3</oIDReferenceID></oID>"
	    "<oID><value>1.3.6.1.5.5.7.3.2</value><group>7</group><oIDReferenceID>4</oIDReferenceID>"
	    "<defaultName>Client Authentication</defaultName></oID></oIDs>"
	    "</GetPoliciesResponse></s:Body></s:Envelope>";
	p = parse(mem, s, strlen(s));
	ok(p != NULL, "a response with DER extensions");
	if (p != NULL && p->n_templates == 1) {
		const struct gpo_xcep_template *t = &p->templates[0];

		is_str(p->action, GPO_XCEP_RESPONSE_ACTION, "WS-Addressing Action");
		is_str(p->relates_to, "urn:uuid:1", "WS-Addressing RelatesTo");
		ok(t->major_revision == 100 && t->minor_revision == 4, "revision 100.4");
		ok(t->min_key_length == 4096 && t->key_spec == 2, "minimal key length and key spec");
		ok(t->n_key_usages == 2 && strcmp(t->key_usages[0], "digitalSignature") == 0 &&
			   strcmp(t->key_usages[1], "keyEncipherment") == 0,
		   "keyUsage bits decoded (base64 DER)");
		ok(t->n_ekus == 2 && strcmp(t->ekus[0].oid, "1.3.6.1.5.5.7.3.2") == 0 &&
			   t->ekus[0].name && strcmp(t->ekus[0].name, "Client Authentication") == 0 &&
			   strcmp(t->ekus[1].oid, "1.3.6.1.5.5.7.3.1") == 0 && t->ekus[1].name == NULL,
		   "EKUs decoded across a line break, named from the answer's OIDs");
		ok(p->n_cas == 1 && p->cas[0].subject == NULL && p->cas[0].sha1 == NULL,
		   "an elided certificate is shown as undecodable, not an error");
	} else {
		ok(0, "the template is there");
	}
	/* the oID index: where keys repeat, the first in document order wins, as a scan found it */
	{
		const char *x = ENV_HEAD "<GetPoliciesResponse xmlns=\"" GPO_XCEP_NS "\"><response>"
			"<policyID>P</policyID><policies>"
			"<policy><policyOIDReference>7</policyOIDReference><attributes>"
			"<extensions><extension><oIDReference>3</oIDReference>"
			"<value>MBQGCCsGAQUFBwMCBggrBgEFBQcDAQ==</value></extension></extensions>"
			"</attributes></policy>"
			"<policy><policyOIDReference>8</policyOIDReference></policy>"
			"<policy><policyOIDReference>99</policyOIDReference></policy></policies>"
			"</response><oIDs>"
			"<oID><value>1.3.6.1.5.5.7.3.2</value><oIDReferenceID>20</oIDReferenceID>"
			"<defaultName xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/></oID>"
			"<oID><value>1.2.7</value><oIDReferenceID>7</oIDReferenceID><defaultName>First</defaultName></oID>"
			"<oID><value>2.5.29.37</value><oIDReferenceID>3</oIDReferenceID></oID>"
			"<oID><value>1.2.7.2</value><oIDReferenceID>7</oIDReferenceID><defaultName>Second</defaultName></oID>"
			"<oID><value>1.3.6.1.5.5.7.3.2</value><oIDReferenceID>21</oIDReferenceID><defaultName>Client</defaultName></oID>"
			"<oID><value>1.3.6.1.5.5.7.3.2</value><oIDReferenceID>22</oIDReferenceID><defaultName>Later</defaultName></oID>"
			"<oID><value>1.2.8</value><oIDReferenceID>8</oIDReferenceID></oID>"
			"<oID><value>1.3.6.1.5.5.7.3.1</value><defaultName>No reference</defaultName></oID>"
			"</oIDs></GetPoliciesResponse>" ENV_TAIL;

		p = parse(mem, x, strlen(x));
		ok(p != NULL && p->n_templates == 3, "templates pointing at repeated, missing and unnamed oIDs");
		if (p != NULL && p->n_templates == 3) {
			is_str(p->templates[0].oid, "1.2.7", "a repeated oIDReferenceID: the first entry's value");
			is_str(p->templates[0].display_name, "First", "  and its name");
			ok(p->templates[0].n_ekus == 2, "EKUs through a reference to 2.5.29.37");
			is_str(p->templates[0].n_ekus == 2 ? p->templates[0].ekus[0].name : NULL, "Client",
			       "an EKU named by the first entry of its value that has a name");
			is_str(p->templates[0].n_ekus == 2 ? p->templates[0].ekus[1].name : NULL,
			       "No reference", "  an entry without oIDReferenceID still names");
			ok(p->templates[1].oid && strcmp(p->templates[1].oid, "1.2.8") == 0 &&
				   p->templates[1].display_name == NULL, "an entry without defaultName: no display name");
			ok(p->templates[2].oid == NULL && p->templates[2].display_name == NULL,
			   "a dangling reference: neither");
		}
	}
	/* a deadline: probes give the parse what is left of --timeout */
	{
		struct timespec past, future;
		struct gpo_error *e = NULL;
		char *big;
		size_t k;

		clock_gettime(CLOCK_MONOTONIC, &past);
		future = past;
		past.tv_sec -= 1;
		future.tv_sec += 3600;
		gpo_read_file(mem, "tests/xcep/response.xml", 1 << 20, &data, &len, NULL);
		p = NULL;
		ok(xcep_parse_response_until(mem, data, len, &future, &p, &e) == 0 && p &&
			   p->n_templates == 1, "a deadline not reached: the answer");
		p = NULL;
		ok(xcep_parse_response_until(mem, data, len, &past, &p, &e) == GPO_ENET && p == NULL,
		   "a deadline passed: GPO_ENET, no answer");
		contains(e ? e->message : NULL, "could not be read in time", "  and says so");
		big = talloc_strdup(mem, ENV_HEAD "<GetPoliciesResponse xmlns=\"" GPO_XCEP_NS
				    "\"><response><policyID>P</policyID><policies>");
		for (k = 0; big != NULL && k < 5000; k++)
			big = talloc_asprintf_append(big, "<policy><policyOIDReference>%zu"
						     "</policyOIDReference></policy>", k);
		big = talloc_asprintf_append(big, "</policies></response></GetPoliciesResponse>" ENV_TAIL);
		e = NULL;
		ok(big && xcep_parse_response_until(mem, (const uint8_t *)big, strlen(big), &past, &p,
						    &e) == GPO_ENET, "  also for an answer read in many chunks");
		ok(big && xcep_parse_response_until(mem, (const uint8_t *)big, strlen(big), &future, &p,
						    NULL) == 0 && p->n_templates == 5000,
		   "  which parses given the time");
	}
	/* shapes libxml2 2.9 reads in quadratic time are refused, in bounded time */
	{
		char *x = talloc_strdup(mem, ENV_HEAD "<GetPoliciesResponse xmlns=\"" GPO_XCEP_NS "\"");
		int k;

		for (k = 0; k < 64; k++)
			x = talloc_asprintf_append(x, " a%d=\"\"", k);
		x = talloc_asprintf_append(x, "><response><policyID>P</policyID></response>"
					   "</GetPoliciesResponse>" ENV_TAIL);
		ok(x && parse(mem, x, strlen(x)) == NULL && last &&
			   strstr(last->message, "more than 64 attributes"),
		   "an element with 64 attributes and a namespace declaration is refused");
		x = talloc_strdup(mem, RESP("<policyID>P</policyID>"));
		ok(x && parse(mem, x, strlen(x)) != NULL, "  fewer are fine");
		x = talloc_asprintf(mem, "%s<!--%*s-->", RESP("<policyID>P</policyID>"), 100 << 10, "");
		ok(x && parse(mem, x, strlen(x)) == NULL && last &&
			   strstr(last->message, "longer than 64 KiB"),
		   "a comment of 100 KiB is refused (a tag that long: 15 000 attributes)");
		x = talloc_asprintf(mem, RESP("<policyID>P</policyID><policyFriendlyName>%*s"
					      "</policyFriendlyName>"), 4 << 20, "x");
		p = x ? parse(mem, x, strlen(x)) : NULL;
		ok(p && strlen(p->friendly_name) == 1, "a text of 4 MiB is read in pieces, not refused");
	}
	/* what an answer means for a server of a policy */
	{
		struct gpo_cep_server srv = { .uri = (char *)"https://h/x", .friendly_name = (char *)"h",
					      .friendly_name_default = true };
		struct gpo_xcep_policies ans = { .policy_id = (char *)"{0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}",
						 .friendly_name = (char *)"Name" };
		struct gpo_diags *d = gpo_diags_new(mem);

		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == 0 &&
			   strcmp(srv.policy_id, "{0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}") == 0 &&
			   strcmp(srv.friendly_name, "Name") == 0,
		   "a missing policy_id and a default friendly name are taken from the answer");
		ans.friendly_name = (char *)"Other";
		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == 0 &&
			   strcmp(srv.friendly_name, "Name") == 0, "a friendly name once set is kept");
		srv.friendly_name_default = true;
		ans.friendly_name = (char *)"";
		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == 0 &&
			   strcmp(srv.friendly_name, "Name") == 0, "an empty answer name keeps ours");
		ans.policy_id = (char *)"{0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0}";
		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == GPO_EINVAL &&
			   d->errors == 1 && strcmp(d->items[0].pointer, "/computer/x/policy_id") == 0 &&
			   strstr(d->items[0].message, "letter case") != NULL,
		   "a contradicted policy_id is an error at its pointer");
	}
	/* values as sent, checked before they are stored, escaped before they are shown */
	s = RESP("<policyID>{083C7011-1D0A-4855-885D-AC945184658C}</policyID>"
		 "<policyID>{00000000-0000-0000-0000-000000000001}</policyID>");
	ok(parse(mem, s, strlen(s)) == NULL && last && last->code == GPO_EPROTO &&
		   strstr(last->message, "2 policyID elements where MS-XCEP allows one"),
	   "a second policyID is a protocol error, not a guess");
	s = RESP("<policyID>{083C7011-1D0A-4855-885D-AC945184658C}</policyID>"
		 "<policyFriendlyName>A</policyFriendlyName><policyFriendlyName>B</policyFriendlyName>");
	ok(parse(mem, s, strlen(s)) == NULL && last && strstr(last->message, "2 policyFriendlyName"),
	   "so is a second policyFriendlyName");
	s = ENV_HEAD "<GetPoliciesResponse xmlns=\"" GPO_XCEP_NS "\"><response><policyID>P</policyID>"
		     "</response><response><policyID>Q</policyID></response></GetPoliciesResponse>" ENV_TAIL;
	ok(parse(mem, s, strlen(s)) == NULL && last && strstr(last->message, "2 response elements"),
	   "and a second response");
	s = RESP("<policyID>x&#13;y&#10;z\x7f\xc2\x9b</policyID><policyFriendlyName>a&#9;b</policyFriendlyName>");
	p = parse(mem, s, strlen(s));
	is_str(p ? p->policy_id : NULL, "x\ry\nz\x7f\xc2\x9b", "control characters arrive as sent");
	is_str(p ? gpo_xcep_escape(mem, p->policy_id, 0) : NULL, "x\\ry\\nz\\x7f\\u009b",
	       "  and are escaped to be shown (CR, LF, DEL, C1)");
	is_str(gpo_xcep_escape(mem, "\x1b[2J\tok \xc3\xa9 \xff", 0), "\\x1b[2J\\tok \xc3\xa9 \\xff",
	       "ESC, tab, UTF-8 kept, a byte that is not UTF-8");
	is_str(gpo_xcep_escape(mem, "abc\xc3\xa9" "def", 4), "abc\xc3\xa9...", "at most 4 characters");
	is_str(gpo_xcep_escape(mem, "abcd", 4), "abcd", "  no dots when that is all");
	ok(gpo_xcep_check_policy_id(mem, "{083C7011-1D0A-4855-885D-AC945184658C}", NULL) == 0 &&
		   gpo_xcep_check_policy_id(mem, "083c7011-1d0a-4855-885d-ac945184658c", NULL) == 0,
	   "a policy ID is a GUID, braces optional, either case");
	{
		struct gpo_error *e = NULL;

		ok(gpo_xcep_check_policy_id(mem, "Contoso Policy", &e) == GPO_EINVAL && e &&
			   strstr(e->message, "is not a GUID"), "a name is not a policy ID");
		ok(gpo_xcep_check_policy_id(mem, "{083C7011-1D0A-4855-885D-AC945184658C}\n", NULL) ==
			   GPO_EINVAL, "  nor a GUID with a newline");
	}
	{
		struct gpo_cep_server srv = { .uri = (char *)"https://h/x", .friendly_name = (char *)"h",
					      .friendly_name_default = true };
		struct gpo_xcep_policies ans = { .policy_id = (char *)"not\na guid",
						 .friendly_name = (char *)"Name" };
		struct gpo_diags *d = gpo_diags_new(mem);
		char *huge = talloc_zero_size(mem, (8 << 20) + 1);

		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == GPO_EPROTO &&
			   srv.policy_id == NULL && d->errors == 1 &&
			   strcmp(d->items[0].pointer, "/computer/x/policy_id") == 0 &&
			   strcmp(d->items[0].id, "probe-invalid-answer") == 0,
		   "a policy ID that is not a GUID is not taken: an error at its pointer");
		contains(d->count ? d->items[0].message : NULL,
			 "the policy server https://h/x sent policyID 'not\\na guid', which is not a GUID",
			 "  naming the server, escaped");
		ans.policy_id = (char *)"{083C7011-1D0A-4855-885D-AC945184658C}";
		ans.friendly_name = (char *)"Evil\x1b[31m";
		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == GPO_EPROTO &&
			   srv.policy_id == NULL && strcmp(srv.friendly_name, "h") == 0 && d->errors == 2 &&
			   strcmp(d->items[1].pointer, "/computer/x/friendly_name") == 0,
		   "a friendly name with ESC is not taken");
		contains(d->count > 1 ? d->items[1].message : NULL,
			 "'Evil\\x1b[31m', which contains a control character (\\x1b at character 5)",
			 "  and says which character");
		memset(huge, 'N', 8 << 20);
		ans.friendly_name = huge;
		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == GPO_EPROTO &&
			   d->errors == 3 && strstr(d->items[2].message, "8388608 characters long, more than 1024") &&
			   strlen(d->items[2].message) < GPO_CEP_FRIENDLY_NAME_MAX + 400,
		   "an 8 MiB friendly name is not taken, nor quoted whole");
		ans.friendly_name = talloc_asprintf(mem, "%0*d", (int)GPO_CEP_FRIENDLY_NAME_MAX, 7);
		ok(gpo_xcep_take_answer(mem, &srv, &ans, "/computer/x", d) == 0 &&
			   srv.policy_id && strcmp(srv.friendly_name, ans.friendly_name) == 0,
		   "1024 characters are taken");
	}
	s = RESP("<policyID></policyID>");
	ok(parse(mem, s, strlen(s)) == NULL && last && strstr(last->message, "no policyID"),
	   "an empty policyID");
	s = RESP("<policyID>X</policyID>");
	ok(parse(mem, s, strlen(s) - 10) == NULL, "a truncated body");
	{
		struct gpo_xcep_request_options o = {
			.uri = "https://ca.example.com/ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP?a=1&b=2",
			.message_id = "urn:uuid:5fb5f6fd-4709-414b-8afa-0c05f6686d1c",
			.username = "EXAMPLE\\alice",
			.password = "p&w<d>\"",
			.now = 1238028531, /* 2009-03-26T00:48:51Z */
		};
		char *xml = NULL;
		size_t xml_len = 0;
		xmlDoc *doc;

		ok(gpo_xcep_build_request(mem, &o, &xml, &xml_len, NULL) == 0, "build a GetPolicies request");
		contains(xml, "<a:Action s:mustUnderstand=\"1\">http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPolicies</a:Action>",
			 "Action, mustUnderstand, no whitespace");
		contains(xml, "<a:To s:mustUnderstand=\"1\">https://ca.example.com/ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP?a=1&amp;b=2</a:To>",
			 "To, escaped");
		contains(xml, "<a:MessageID>urn:uuid:5fb5f6fd-4709-414b-8afa-0c05f6686d1c</a:MessageID>", "MessageID");
		contains(xml, "<a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address>", "ReplyTo anonymous");
		contains(xml, "<clientVersion>0</clientVersion>", "requestFilter clientVersion 0");
		contains(xml, "<serverVersion>0</serverVersion>", "requestFilter serverVersion 0");
		contains(xml, "<lastUpdate xsi:nil=\"true\"/>", "lastUpdate nil");
		contains(xml, "<u:Created>2009-03-26T00:48:51.000Z</u:Created>", "Timestamp Created in UTC");
		contains(xml, "<u:Expires>2009-03-26T00:53:51.000Z</u:Expires>", "Expires five minutes later");
		contains(xml, "<o:Username>EXAMPLE\\alice</o:Username>", "UsernameToken user");
		contains(xml, "p&amp;w&lt;d&gt;\"</o:Password>", "the password escaped");
		doc = xmlReadMemory(xml, (int)xml_len, NULL, NULL, XML_PARSE_NONET);
		ok(doc != NULL, "the request is well-formed XML");
		if (doc != NULL) {
			xmlNode *root = xmlDocGetRootElement(doc);

			ok(root && root->ns && strcmp((char *)root->ns->href,
						     "http://www.w3.org/2003/05/soap-envelope") == 0,
			   "a SOAP 1.2 envelope");
			xmlFreeDoc(doc);
		}
		o.username = NULL;
		o.message_id = NULL;
		ok(gpo_xcep_build_request(mem, &o, &xml, &xml_len, NULL) == 0 && strstr(xml, "o:Security") == NULL &&
			   strstr(xml, "o:Password") == NULL, "without a user: no WS-Security header");
		ok(xml && strstr(xml, "<a:MessageID>urn:uuid:") && !strstr(xml, "5fb5f6fd"),
		   "a new random MessageID");
		o.uri = NULL;
		ok(gpo_xcep_build_request(mem, &o, &xml, &xml_len, NULL) == GPO_EINVAL, "no URI is refused");
	}
	talloc_free(mem);
	return tap_done();
}
