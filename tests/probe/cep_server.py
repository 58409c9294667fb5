#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A certificate enrollment policy (MS-XCEP) test server for gpo-cep probe.

No open-source CEP server can run here, so this double plays one.  It is
strict where Windows' CEP (WCF behind IIS) is strict and answers with the
specification's example response or real-shaped variants:

  /ADPolicyProvider_CEP_Kerberos/service.svc/CEP          HTTP Negotiate (GSSAPI acceptor)
  /Hardened_CEP_Kerberos/service.svc/CEP                  ... with a TLS channel binding required
  /Forged_CEP_Kerberos/service.svc/CEP                    ... answering with a forged reply token
  /ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP  WS-Security UsernameToken
  /ADPolicyProvider_CEP_Certificate/service.svc/CEP       TLS client certificate
  /KeyBasedRenewal_ADPolicyProvider_CEP_Certificate/...   TLS client certificate
  /anonymous/service.svc/CEP                              no credentials
  /<case>/service.svc/CEP                                 a failure or variant, see CASES
  /big<N>/service.svc/CEP                                 the WCF-shaped answer with N templates

Every request is checked as WCF would: POST, HTTP/1.1, SOAP 1.2 content
type, a:Action GetPolicies, a:To equal to the URL, a urn:uuid MessageID,
requestFilter with client and server version 0.  One line per request goes
to the log for the tests to assert on.  Prints "PORT n" when it listens.
"""
import argparse
import base64
import datetime
import hashlib
import http.server
import os
import re
import socketserver
import ssl
import sys
import threading
import time
import xml.etree.ElementTree as ET

S = "http://www.w3.org/2003/05/soap-envelope"
A = "http://www.w3.org/2005/08/addressing"
X = "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"
O = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
U = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
ACTION = X + "/IPolicy/GetPolicies"
SOAP_TYPE = "application/soap+xml; charset=utf-8"
POLICY_ID = "{083C7011-1D0A-4855-885D-AC945184658C}"
WCF_POLICY_ID = "{5B3F2E0A-6C1D-4F7B-9A8E-2D4C6B8A0F13}"

# DER of the extensions the WCF-shaped answer carries (RFC 5280)
KEY_USAGE = bytes.fromhex("030205a0")  # digitalSignature, keyEncipherment
EKU = bytes.fromhex("3014" "06082b06010505070302" "06082b06010505070301")  # client, server auth

args = None
SERVER_DER = b""  # the server's certificate, for the channel binding
log_lock = threading.Lock()


def log(line):
    with log_lock, open(args.log, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def fault(code, subcode, reason, relates_to=""):
    sub = ""
    if subcode:
        sub = (f'<s:Subcode><s:Value xmlns:a="http://docs.oasis-open.org/wss/2004/01/'
               f'oasis-200401-wss-wssecurity-secext-1.0.xsd">{subcode}</s:Value></s:Subcode>')
    return (f'<s:Envelope xmlns:s="{S}" xmlns:a="{A}"><s:Header>'
            f'<a:Action s:mustUnderstand="1">http://www.w3.org/2005/08/addressing/soap/fault</a:Action>'
            f'<a:RelatesTo>{relates_to}</a:RelatesTo></s:Header><s:Body><s:Fault>'
            f'<s:Code><s:Value>{code}</s:Value>{sub}</s:Code>'
            f'<s:Reason><s:Text xml:lang="en-US">{reason}</s:Text></s:Reason>'
            f'</s:Fault></s:Body></s:Envelope>').encode()


def iis_page(status, title):
    return (f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            f'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n<html><head>'
            f'<title>IIS 10.0 Detailed Error - {status}</title></head><body><div id="content">'
            f'<h1>Server Error</h1><h2>{title}</h2></div></body></html>').encode()


def spec_response(relates_to):
    """The specification's example response, with the RelatesTo WCF adds."""
    with open(args.fixture, encoding="utf-8") as f:
        text = f.read()
    return text.replace("</a:Action>", f"</a:Action><a:RelatesTo>{relates_to}</a:RelatesTo>",
                        1).encode()


def wcf_response(relates_to, n_templates=3):
    """What a Windows CEP sends: RelatesTo, ActivityId, an empty friendly name,
    flags above 2^31, real certificates and extensions, localised names."""
    with open(args.ca_der, "rb") as f:
        ca = base64.b64encode(f.read()).decode()
    ku = base64.b64encode(KEY_USAGE).decode()
    eku = base64.b64encode(EKU).decode()
    policies = []
    for i in range(n_templates):
        policies.append(f"""<policy><policyOIDReference>{100 + i}</policyOIDReference>
<cAs><cAReference>0</cAReference></cAs><attributes><commonName>Machine{i}</commonName>
<policySchema>2</policySchema><certificateValidity><validityPeriodSeconds>31536000</validityPeriodSeconds>
<renewalPeriodSeconds>3628800</renewalPeriodSeconds></certificateValidity>
<permission><enroll>true</enroll><autoEnroll>true</autoEnroll></permission>
<privateKeyAttributes><minimalKeyLength>2048</minimalKeyLength><keySpec>1</keySpec>
<keyUsageProperty xsi:nil="true"/><permissions xsi:nil="true"/><algorithmOIDReference xsi:nil="true"/>
<cryptoProviders><provider>Microsoft RSA SChannel Cryptographic Provider</provider></cryptoProviders>
</privateKeyAttributes><revision><majorRevision>100</majorRevision><minorRevision>4</minorRevision></revision>
<supersededPolicies xsi:nil="true"/><privateKeyFlags>16842752</privateKeyFlags>
<subjectNameFlags>2793406464</subjectNameFlags><enrollmentFlags>32</enrollmentFlags>
<generalFlags>2147549248</generalFlags><hashAlgorithmOIDReference xsi:nil="true"/>
<rARequirements xsi:nil="true"/><keyArchivalAttributes xsi:nil="true"/>
<extensions><extension><oIDReference>7</oIDReference><critical>true</critical><value>{ku}</value></extension>
<extension><oIDReference>6</oIDReference><critical>false</critical><value>
{eku}
</value></extension></extensions></attributes></policy>""")
    oids = "".join(f"""<oID><value>1.3.6.1.4.1.311.21.8.1.2.3.{i}</value><group>9</group>
<oIDReferenceID>{100 + i}</oIDReferenceID><defaultName>Ordinateur n° {i}</defaultName></oID>"""
                   for i in range(n_templates))
    return f"""<s:Envelope xmlns:s="{S}" xmlns:a="{A}"><s:Header>
<a:Action s:mustUnderstand="1">{X}/IPolicy/GetPoliciesResponse</a:Action>
<ActivityId CorrelationId="7b1c0e44-2f1a-4f77-9d3e-5a0c2b1e9f00" xmlns="http://schemas.microsoft.com/2004/09/ServiceModel/Diagnostics">00000000-0000-0000-0000-000000000000</ActivityId>
<a:RelatesTo>{relates_to}</a:RelatesTo></s:Header>
<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<GetPoliciesResponse xmlns="{X}"><response><policyID>{WCF_POLICY_ID}</policyID>
<policyFriendlyName/><nextUpdateHours>8</nextUpdateHours><policiesNotChanged xsi:nil="true"/>
<policies>{"".join(policies)}</policies></response>
<cAs><cA><uris><cAURI><clientAuthentication>2</clientAuthentication>
<uri>https://localhost/Test-CA_CES_Kerberos/service.svc/CES</uri><priority>1</priority>
<renewalOnly>false</renewalOnly></cAURI><cAURI><clientAuthentication>8</clientAuthentication>
<uri>https://localhost/Test-CA_CES_Certificate/service.svc/CES</uri><priority>2</priority>
<renewalOnly>true</renewalOnly></cAURI></uris><certificate>{ca}</certificate>
<enrollPermission>true</enrollPermission><cAReferenceID>0</cAReferenceID></cA></cAs>
<oIDs><oID><value>2.5.29.37</value><group>6</group><oIDReferenceID>6</oIDReferenceID>
<defaultName>Enhanced Key Usage</defaultName></oID><oID><value>2.5.29.15</value><group>6</group>
<oIDReferenceID>7</oIDReferenceID><defaultName>Key Usage</defaultName></oID>
<oID><value>1.3.6.1.5.5.7.3.2</value><group>7</group><oIDReferenceID>8</oIDReferenceID>
<defaultName>Client Authentication</defaultName></oID>{oids}</oIDs>
</GetPoliciesResponse></s:Body></s:Envelope>""".encode()


# Answers that carry what no policy may store, or what a terminal would act on
HOSTILE = {
    # a newline, CR, tab, DEL and C1's CSI in the friendly name, template
    # names, display names and URIs (XML 1.0 cannot carry ESC itself)
    "ctlname": [("<policyFriendlyName/>",
                 "<policyFriendlyName>Evil\nName&#13;\t\x7f\u009b31mRed</policyFriendlyName>"),
                ("<commonName>Machine0</commonName>", "<commonName>Mach\tine\u009b2J0</commonName>"),
                ("Ordinateur n° 1<", "Line\nbreak\x7f<"),
                ("<uri>https://localhost/Test-CA_CES_Kerberos/service.svc/CES</uri>",
                 "<uri>https://localhost/&#13;\u0085CES</uri>")],
    "badid": [(WCF_POLICY_ID, "{5B3F2E0A-6C1D-4F7B-9A8E-2D4C6B8A0F13}&#13;\u009b2J")],
    "notguid": [(WCF_POLICY_ID, "Contoso Policy")],
    "unbraced": [(WCF_POLICY_ID, WCF_POLICY_ID[1:-1].lower())],
    "longname": [("<policyFriendlyName/>",
                  "<policyFriendlyName>" + "N" * (8 << 20) + "</policyFriendlyName>")],
    "twoids": [("</policyID>", "</policyID><policyID>{00000000-0000-0000-0000-000000000001}</policyID>")],
}


def hostile_response(case, relates_to):
    data = wcf_response(relates_to).decode()
    for old, new in HOSTILE[case]:
        assert old in data, old
        data = data.replace(old, new, 1)
    return data.encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""

    def log_message(self, fmt, *a):
        pass

    def flush_note(self):
        """The request's log line, written before the answer so that a
        client that has its answer always finds the line."""
        if self.note is not None:
            log(" ".join(self.note))
            self.note = None

    def send(self, status, body, ctype=SOAP_TYPE, headers=()):
        with open(os.path.join(args.dump_dir, "last-response.xml"), "wb") as f:
            f.write(body)
        self.flush_note()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.send(405, iis_page("405.0", "Method Not Allowed"), "text/html")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(os.path.join(args.dump_dir, "last-request.xml"), "wb") as f:
            f.write(body)
        path = self.path.split("?")[0]
        m = re.match(r"^/([^/]+)/service\.svc/CEP$", path, re.I)
        case = m.group(1).lower() if m else ""
        peer = self.connection.getpeercert()
        auth_header = self.headers.get("Authorization", "")
        note = [f"{self.command} {path}", f"http={self.request_version}",
                f"authorization={auth_header.split(' ')[0] or '-'}",
                f"client-cert={'yes' if peer else 'no'}", f"tls={self.connection.version()}"]
        self.note = note
        try:
            self.handle_case(case, body, peer, auth_header, note)
        finally:
            self.flush_note()

    def check_request(self, body, note):
        """The request as WCF would check it; returns (MessageID, error text)."""
        if not self.headers.get("Content-Type", "").startswith("application/soap+xml"):
            return "", "content type " + self.headers.get("Content-Type", "")
        if self.request_version != "HTTP/1.1":
            return "", "not HTTP/1.1"
        try:
            env = ET.fromstring(body)
        except ET.ParseError as e:
            return "", f"not XML: {e}"
        header = env.find(f"{{{S}}}Header")
        action = header.find(f"{{{A}}}Action") if header is not None else None
        to = header.find(f"{{{A}}}To") if header is not None else None
        mid = header.find(f"{{{A}}}MessageID") if header is not None else None
        # the URL as the client addressed it, as WCF compares it
        url = f"https://{self.headers.get('Host', '')}{self.path}"
        gp = env.find(f"{{{S}}}Body/{{{X}}}GetPolicies")
        if action is None or action.text != ACTION or action.get(f"{{{S}}}mustUnderstand") != "1":
            return "", "bad a:Action"
        if to is None or to.text != url:
            return "", f"a:To {to.text if to is not None else None} is not {url}"
        if mid is None or not re.match(r"^urn:uuid:[0-9a-f-]{36}$", mid.text or ""):
            return "", "bad a:MessageID"
        if gp is None:
            return mid.text, "no GetPolicies"
        cv = gp.find(f"{{{X}}}requestFilter/{{{X}}}clientVersion")
        sv = gp.find(f"{{{X}}}requestFilter/{{{X}}}serverVersion")
        if cv is None or sv is None or cv.text != "0" or sv.text != "0":
            return mid.text, "requestFilter versions are not 0"
        note.append("request=valid")
        return mid.text, None

    def username_token(self, body, note):
        env = ET.fromstring(body)
        sec = env.find(f"{{{S}}}Header/{{{O}}}Security")
        if sec is None or sec.get(f"{{{S}}}mustUnderstand") != "1":
            return "no wsse:Security header"
        created = sec.find(f"{{{U}}}Timestamp/{{{U}}}Created")
        expires = sec.find(f"{{{U}}}Timestamp/{{{U}}}Expires")
        if created is None or expires is None:
            return "no Timestamp"
        now = datetime.datetime.now(datetime.timezone.utc)
        c = datetime.datetime.strptime(created.text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)
        if abs((now - c).total_seconds()) > 300:
            return "Timestamp outside the clock-skew window"
        user = sec.find(f"{{{O}}}UsernameToken/{{{O}}}Username")
        pw = sec.find(f"{{{O}}}UsernameToken/{{{O}}}Password")
        note.append(f"user={user.text if user is not None else '-'}")
        if pw is None or not (pw.get("Type") or "").endswith("#PasswordText"):
            return "no PasswordText"
        if user is None or user.text != args.user or pw.text != args.password:
            return "wrong user name or password"
        return None

    def negotiate(self, auth_header, note, require_binding):
        """Returns (ok, headers) after a GSSAPI accept of the SPNEGO token,
        checking the TLS channel binding (RFC 5929 tls-server-end-point) as
        IIS with Extended Protection does: "when supported" checks a binding
        the client sends, "required" refuses a token without one."""
        import gssapi
        import gssapi.raw
        if not auth_header.startswith("Negotiate "):
            return False, [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM")]
        binding = gssapi.raw.ChannelBindings(
            application_data=b"tls-server-end-point:" + hashlib.sha256(SERVER_DER).digest())
        try:
            ctx = gssapi.SecurityContext(creds=gssapi.Credentials(usage="accept"), usage="accept",
                                         channel_bindings=binding)
            out = ctx.step(base64.b64decode(auth_header[10:]))
        except Exception as e:  # a rejected token: IIS says 401 again
            note.append(f"gssapi-error={type(e).__name__}")
            return False, [("WWW-Authenticate", "Negotiate")]
        if not ctx.complete:
            return False, [("WWW-Authenticate", "Negotiate")]
        bound = gssapi.RequirementFlag.channel_bound in ctx.actual_flags
        note.append(f"principal={ctx.initiator_name} channel-bound={'yes' if bound else 'no'}")
        if require_binding and not bound:
            return False, [("WWW-Authenticate", "Negotiate")]
        headers = []
        if out:
            headers.append(("WWW-Authenticate", "Negotiate " + base64.b64encode(out).decode()))
        return True, headers

    def handle_case(self, case, body, peer, auth_header, note):
        headers = []
        if case in ("adpolicyprovider_cep_kerberos", "hardened_cep_kerberos", "forged_cep_kerberos"):
            ok, headers = self.negotiate(auth_header, note, case == "hardened_cep_kerberos")
            if case == "forged_cep_kerberos":  # an answer token that is not the server's
                headers = [("WWW-Authenticate", "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==")]
            if not ok:
                return self.send(401, iis_page("401.1", "Unauthorized"), "text/html", headers)
        elif case in ("adpolicyprovider_cep_certificate",
                      "keybasedrenewal_adpolicyprovider_cep_certificate"):
            if not peer:
                return self.send(403, iis_page("403.7", "Forbidden: Client certificate required"),
                                 "text/html")
            note.append("subject=" + ",".join(f"{k}={v}" for rdn in peer["subject"] for k, v in rdn))
        elif case == "html401":
            return self.send(401, iis_page("401.2", "Unauthorized: Access is denied"),
                             "text/html", [("WWW-Authenticate", "Negotiate"),
                                           ("WWW-Authenticate", "NTLM")])
        elif case == "bigheader":  # one header line of 200 KiB
            return self.send(200, spec_response(""), headers=[("X-Padding", "x" * (200 << 10))])
        elif case == "manyheaders":  # 100 header lines of 1 KiB
            return self.send(200, spec_response(""),
                             headers=[(f"X-Padding-{i}", "x" * 1024) for i in range(100)])
        elif case == "ctltype":  # a content type that would colour a terminal
            return self.send(200, b"OK", "text/\x1b[31mred\x1b[0m\x9b2J")
        elif case == "notfound":
            return self.send(404, iis_page("404.0", "Not Found"), "text/html")
        elif case == "unsupported":
            return self.send(415, b"", "text/html")
        elif case == "redirect":
            return self.send(302, b"", "text/html",
                             [("Location", "https://localhost/elsewhere/service.svc/CEP")])
        elif case == "html500":
            return self.send(500, iis_page("500.19", "Internal Server Error"), "text/html")
        elif case == "html200":
            return self.send(200, b"<html><head><title>Welcome</title></head><body>IIS Windows"
                                  b" Server</body></html>", "text/html")
        elif case == "slow":
            # logged now: a line written after the client gave up would land
            # in a later test's count
            self.flush_note()
            time.sleep(args.slow)
        elif case == "truncated":
            data = spec_response("x")
            self.flush_note()
            self.send_response(200)
            self.send_header("Content-Type", SOAP_TYPE)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        elif case == "oversized":
            self.flush_note()
            self.send_response(200)
            self.send_header("Content-Type", SOAP_TYPE)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<!--" + b" " * (1 << 20) + b"-->"
            try:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                for _ in range(args.oversized_mib):
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                note.append("client-hung-up")
            self.close_connection = True
            return
        mid, error = self.check_request(body, note)
        if error:
            note.append(f"request-error={error!r}")
            return self.send(400, fault("s:Sender", "", error, mid))
        if case == "adpolicyprovider_cep_usernamepassword":
            error = self.username_token(body, note)
            if error:
                note.append(f"refused={error!r}")
                return self.send(500, fault("s:Sender", "a:FailedAuthentication",
                                            "At least one security token in the message could "
                                            "not be validated.", mid))
        elif auth_header:
            note.append("unexpected-authorization")
        if case == "ctlfault":  # a fault whose words would move a terminal's cursor
            return self.send(500, fault("s:Receiver", "a:Evil\u009b2J",
                                        "line one\nline two\r\u009b31mred\x7f", mid))
        if case == "fault":
            return self.send(500, fault("s:Receiver", "a:InternalServiceFault",
                                        "The server was unable to process the request due to "
                                        "an internal error.", mid))
        if case == "textplain":
            return self.send(200, b"OK", "text/plain")
        if case == "soap11":
            return self.send(200, b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
                                  b'envelope/"><soap:Body/></soap:Envelope>', "text/xml")
        if case == "garbage":
            return self.send(200, b"this is not XML at all")
        if case == "wrongns":
            return self.send(200, spec_response(mid).replace(X.encode(), b"urn:wrong"))
        if case == "truncatedxml":
            data = spec_response(mid)
            return self.send(200, data[:len(data) - 200])
        if case == "otherrequest":
            return self.send(200, spec_response("urn:uuid:00000000-0000-0000-0000-000000000000"))
        if case == "wcf":
            return self.send(200, wcf_response(mid), headers=headers)
        if case == "big":
            return self.send(200, wcf_response(mid, 300), headers=headers)
        if case in HOSTILE:
            return self.send(200, hostile_response(case, mid), headers=headers)
        if re.fullmatch(r"big\d{1,6}", case):  # /big20000/: that many templates
            return self.send(200, wcf_response(mid, int(case[3:])), headers=headers)
        data = spec_response(mid)
        if case == "utf16":
            return self.send(200, b"\xff\xfe" + data.decode().encode("utf-16-le"),
                             "application/soap+xml; charset=utf-16")
        if case == "bom":
            return self.send(200, b"\xef\xbb\xbf" + data, "application/soap+xml")
        if case == "chunked":
            self.flush_note()
            self.send_response(200)
            self.send_header("Content-Type", SOAP_TYPE)
            self.send_header("Transfer-Encoding", "chunked")
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            for i in range(0, len(data), 700):
                part = data[i:i + 700]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        return self.send(200, data, headers=headers)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        conn, addr = super().get_request()  # the TLS handshake is done here
        if args.tls_max:  # an outdated server logs every handshake that succeeded
            log(f"handshake tls={conn.version()}")
        return conn, addr


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--client-ca", required=True)
    p.add_argument("--ca-der", required=True)
    p.add_argument("--fixture", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--dump-dir", required=True, help="the last request and response go here")
    p.add_argument("--user", default="EXAMPLE\\alice")
    p.add_argument("--password-file", required=True)
    p.add_argument("--slow", type=float, default=5.0)
    p.add_argument("--oversized-mib", type=int, default=40)
    p.add_argument("--listen", default="127.0.0.1:0", help="ADDRESS:PORT (0: any free port)")
    p.add_argument("--tls-max", choices=["1.0", "1.1"],
                   help="speak no TLS above this version (an outdated server)")
    args = p.parse_args()
    global SERVER_DER
    with open(args.cert, encoding="ascii") as f:
        SERVER_DER = ssl.PEM_cert_to_DER_cert(f.read())
    with open(args.password_file, encoding="utf-8") as f:
        args.password = f.readline().rstrip("\r\n")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    ctx.load_verify_locations(args.client_ca)
    ctx.verify_mode = ssl.CERT_OPTIONAL  # IIS asks; the endpoint decides
    if args.tls_max:
        # OpenSSL 3 offers TLS 1.0 and 1.1 only at security level 0
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1}[args.tls_max]
    host, _, port = args.listen.rpartition(":")
    srv = Server((host, int(port)), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(f"PORT {srv.server_address[1]}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
