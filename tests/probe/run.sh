#!/bin/bash
# gpo-cep probe and --probe against the MS-XCEP test server (cep_server.py):
# HTTPS with a test CA, a throw-away MIT Kerberos KDC on loopback for
# Negotiate, a WS-Security UsernameToken check and TLS client certificates.
set -u
umask 077   # password files must be private (gpo-cep refuses others)
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
# the test server is on loopback: a proxy from the environment must not see it
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
. "$SRC/tests/lib.sh"
bail() { echo "Bail out! $1"; exit 1; }
need_tools openssl kdb5_util krb5kdc kadmin.local curl
no_controls() { # DESCRIPTION FILE...: not one control character (C0 but newline, DEL, C1) printed
	if /usr/bin/python3 - "${@:2}" <<'PY'
import re, sys
bad = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
for f in sys.argv[1:]:
    m = bad.search(open(f, "rb").read())
    if m:
        sys.exit(f"{f}: {m.group()!r} at byte {m.start()}")
PY
	then pass "$1"; else fail "$1"; fi
}
last_log() { tail -n 1 "$work/server.log"; }
log_has() { # PATTERN DESCRIPTION: the server's line for the last request
	if last_log | grep -q -- "$1"; then pass "$2"; else fail "$2: server saw '$(last_log)'"; fi
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- a test PKI: a CA for the server and good clients, another for a rogue client
cd "$work" || exit 1
ssl() { openssl "$@" >/dev/null 2>&1 || bail "openssl $1 failed"; }
ssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=gpo-cep Test CA/O=Example"
ssl x509 -in ca.pem -outform DER -out ca.der
ssl req -x509 -newkey rsa:2048 -nodes -keyout rogue-ca.key -out rogue-ca.pem -days 2 -subj "/CN=Rogue CA"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
ssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
ssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
printf 'extendedKeyUsage=clientAuth\n' >client.ext
ssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=host1.example.com"
ssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 -extfile client.ext
cat client.pem client.key >client-with-key.pem
ssl req -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.csr -subj "/CN=intruder"
ssl x509 -req -in rogue.csr -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -out rogue.pem -days 2 -extfile client.ext
cd - >/dev/null || exit 1

# --- a throw-away MIT KDC on loopback: realm XCEP.TEST, alice and HTTP/localhost
kdc_port=$(free_port)
mkdir "$work/kdc"
cat >"$work/krb5.conf" <<EOF
[libdefaults]
	default_realm = XCEP.TEST
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	udp_preference_limit = 1
[realms]
	XCEP.TEST = {
		kdc = 127.0.0.1:$kdc_port
	}
[domain_realm]
	localhost = XCEP.TEST
EOF
cat >"$work/kdc/kdc.conf" <<EOF
[kdcdefaults]
	kdc_ports = $kdc_port
	kdc_tcp_ports = $kdc_port
[realms]
	XCEP.TEST = {
		database_name = $work/kdc/principal
		key_stash_file = $work/kdc/stash
		acl_file = $work/kdc/kadm5.acl
	}
[logging]
	kdc = FILE:$work/kdc/kdc.log
EOF
export KRB5_CONFIG="$work/krb5.conf" KRB5_KDC_PROFILE="$work/kdc/kdc.conf"
export KRB5CCNAME="FILE:$work/cc"
kpw=$(head -c 18 /dev/urandom | base64)
kdb5_util create -s -r XCEP.TEST -P "$kpw" >/dev/null 2>&1 || bail "kdb5_util create failed"
kadmin.local -q "addprinc -pw $kpw alice" >/dev/null 2>&1 || bail "addprinc alice failed"
kadmin.local -q "addprinc -randkey HTTP/localhost" >/dev/null 2>&1 || bail "addprinc HTTP failed"
kadmin.local -q "ktadd -k $work/http.keytab HTTP/localhost" >/dev/null 2>&1 || bail "ktadd failed"
krb5kdc -n -P "$work/kdc/pid" >/dev/null 2>&1 &
pids+=($!)

# --- the CEP server
printf 'S3cret&<pa"ss>\n' >"$work/cep-password"
printf 'wrong\n' >"$work/wrong-password"
start_server() { # NAME [options...]: logs to $work/NAME.log, sets $port
	local name=$1; shift
	KRB5_KTNAME="$work/http.keytab" /usr/bin/python3 "$SRC/tests/probe/cep_server.py" \
		--cert "$work/server.pem" --key "$work/server.key" --client-ca "$work/ca.pem" \
		--ca-der "$work/ca.der" --fixture "$SRC/tests/xcep/response.xml" --log "$work/$name.log" \
		--password-file "$work/cep-password" --dump-dir "$work" "$@" >"$work/$name.port" 2>"$work/$name.err" &
	pids+=($!)
	for _ in $(seq 50); do grep -q PORT "$work/$name.port" && break; sleep 0.1; done
	port=$(sed -n 's/^PORT //p' "$work/$name.port")
	[ -n "$port" ] || bail "the CEP test server $name did not start: $(cat "$work/$name.err")"
}
start_server server --slow 4
base="https://localhost:$port"
KERB="$base/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"
UPW="$base/ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP"
CERT="$base/ADPolicyProvider_CEP_Certificate/service.svc/CEP"
KBR="$base/KeyBasedRenewal_ADPolicyProvider_CEP_Certificate/service.svc/CEP"
ID='{083C7011-1D0A-4855-885D-AC945184658C}'
CA=(--ca-file "$work/ca.pem")
probe() { "$GPO_CEP" probe "$@"; }
for _ in $(seq 50); do [ -s "$work/kdc/pid" ] && break; sleep 0.1; done

# --- anonymous and the answer itself
expect 0 "anonymous probe of the specification's example" -- probe --auth anonymous "${CA[@]}" "$base/anonymous/service.svc/CEP"
grep_in out "policy ID       $ID" "prints the policy ID"
grep_in out "friendly name   Contoso Enrollment Policy" "prints the friendly name"
grep_in out "next update     8 hours" "prints the next update"
grep_in out '^  EFS  "Basic EFS"' "prints the template and its display name"
grep_in out "oid 1.3.6.1.4.1.311.21.8.3800100.3166153.13323660.9808540.8334961.78.1.6, schema 1, revision 3.1" "template OID, schema, revision"
grep_in out "key 2048 bits exchange" "key summary"
grep_in out "EntRootCA_CES_Kerberos/service.svc/CES (kerberos, priority 1)" "CA enrollment URIs with their authentication"
log_has "request=valid" "the server found the request valid (Action, To, MessageID, requestFilter 0/0)"
log_has "http=HTTP/1.1" "HTTP/1.1"
log_has "authorization=- client-cert=no" "anonymous sends no credentials"
# the schema of [MS-XCEP] 6.2, checked by xmllint: an independent validator
xsd_valid() { # FILE ELEMENT DESCRIPTION: the element, cut out of its SOAP envelope
	/usr/bin/python3 - "$work/$1" "$2" "$work/cut.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
X = "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"
el = ET.parse(sys.argv[1]).getroot().find(f".//{{{X}}}{sys.argv[2]}")
ET.ElementTree(el).write(sys.argv[3], xml_declaration=True, encoding="utf-8")
PY
	if xmllint --noout --nonet --schema "$SRC/tests/xcep/xcep.xsd" "$work/cut.xml" >"$work/xsd.log" 2>&1; then
		pass "$3"; else fail "$3: $(head -3 "$work/xsd.log")"; fi
}
xsd_valid last-request.xml GetPolicies "the GetPolicies request is valid against the MS-XCEP schema"
expect 0 "probe --json" -- probe --auth anonymous --json "${CA[@]}" "$base/anonymous/service.svc/CEP"
if /usr/bin/python3 - "$work/out" "$ID" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["policy_id"] == sys.argv[2] and d["auth"] == "anonymous"
assert d["friendly_name"] == "Contoso Enrollment Policy" and d["next_update_hours"] == 8
t = d["templates"][0]
assert t["common_name"] == "EFS" and t["display_name"] == "Basic EFS" and t["schema_version"] == 1
assert t["revision"] == "3.1" and t["minimal_key_length"] == 2048 and t["key_spec"] == "exchange"
assert [u["auth"] for u in d["cas"][0]["uris"]] == ["certificate", "username_password", "kerberos"]
PY
then pass "--json carries the answer"; else fail "--json carries the answer"; fi

# a real-shaped answer: RelatesTo/ActivityId, empty friendly name, flags > 2^31, DER values
expect 0 "a WCF-shaped answer" -- probe --auth anonymous --json "${CA[@]}" "$base/wcf/service.svc/CEP"
if /usr/bin/python3 - "$work/out" "$work/ca.pem" <<'PY'
import json, ssl, hashlib, sys
d = json.load(open(sys.argv[1]))
assert d["friendly_name"] == "" and len(d["templates"]) == 3
t = d["templates"][0]
assert t["display_name"] == "Ordinateur n° 0", t["display_name"]
assert t["key_usage"] == ["digitalSignature", "keyEncipherment"], t["key_usage"]
assert t["extended_key_usage"] == [{"oid": "1.3.6.1.5.5.7.3.2", "name": "Client Authentication"},
                                   {"oid": "1.3.6.1.5.5.7.3.1", "name": None}], t["extended_key_usage"]
ca = d["cas"][0]
der = ssl.PEM_cert_to_DER_cert(open(sys.argv[2]).read())
assert ca["sha1"] == hashlib.sha1(der).hexdigest(), ca["sha1"]
assert "CN=gpo-cep Test CA" in ca["subject"], ca["subject"]
assert ca["uris"][1]["renewal_only"] is True and ca["uris"][1]["auth"] == "certificate"
assert ca["enroll_permission"] is True
PY
then pass "key usage, EKUs named from the answer's OIDs, CA subject and thumbprint, renewalOnly"; else fail "WCF-shaped answer decoded"; fi
xsd_valid last-response.xml GetPoliciesResponse "the test server's WCF-shaped answer is valid against the MS-XCEP schema"
expect 0 "text output of the WCF-shaped answer" -- probe --auth anonymous "${CA[@]}" "$base/wcf/service.svc/CEP"
grep_in out "friendly name   (none)" "an empty friendly name is shown as none"
grep_in out "usage digitalSignature, keyEncipherment; extended Client Authentication, 1.3.6.1.5.5.7.3.1" "key usage summary in text"
expect 0 "300 templates" -- probe --auth anonymous --json "${CA[@]}" "$base/big/service.svc/CEP"
if /usr/bin/python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["templates"]) == 300' "$work/out"; then pass "all 300 templates"; else fail "all 300 templates"; fi
# 31 MB: a quadratic parse (each template scanning every oID) took minutes here
expect 0 "20 000 templates and as many OIDs, --timeout 60" -- probe --auth anonymous --timeout 60 "${CA[@]}" "$base/big20000/service.svc/CEP"
grep_in out "^templates       20000$" "  counted"
if [ "$(grep -c '^  Machine[0-9]*  "Ordinateur n° [0-9]*"$' "$work/out")" -eq 20000 ] &&
	grep -q '^  Machine19999  "Ordinateur n° 19999"$' "$work/out"; then
	pass "  each listed with its display name, the last one too"
else
	fail "  listed: $(grep -c '^  Machine' "$work/out")"
fi
for v in chunked bom utf16; do
	expect 0 "a $v body" -- probe --auth anonymous "${CA[@]}" "$base/$v/service.svc/CEP"
	grep_in out "policy ID       $ID" "the $v body parses"
done

# --- Kerberos: HTTP Negotiate with the ticket cache
rm -f "$work/cc"
expect 1 "Kerberos without a ticket" -- probe "${CA[@]}" "$KERB"
grep_in err "no Kerberos service ticket for HTTP/localhost (No Kerberos credentials available (default cache: FILE:$work/cc)): run kinit" "no ticket: Kerberos' own reason, says to run kinit"
grep_in err "check that the SPN HTTP/localhost exists" "  and names the SPN"
printf '%s\n' "$kpw" | kinit alice >/dev/null 2>&1 || bail "kinit alice failed"
expect 0 "Kerberos with alice's ticket" -- probe "${CA[@]}" "$KERB"
grep_in out "policy ID       $ID" "the Kerberos endpoint answers"
log_has "authorization=Negotiate" "the first POST carries Negotiate"
log_has "principal=alice@XCEP.TEST" "the server authenticated alice"
log_has "channel-bound=yes" "the ticket is bound to the server's TLS certificate (tls-server-end-point)"
HARD="$base/Hardened_CEP_Kerberos/service.svc/CEP"
expect 0 "Kerberos to a server that requires Extended Protection (channel binding)" -- probe "${CA[@]}" "$HARD"
log_has "channel-bound=yes" "  accepted with the binding"
expect 1 "a Kerberos reply token that does not verify (mutual authentication)" -- probe "${CA[@]}" "$base/Forged_CEP_Kerberos/service.svc/CEP"
grep_in err "the Kerberos answer of HTTP/localhost does not verify" "  is refused, not trusted"
# the test server's check can fail: curl 7.88's Negotiate sends no channel binding
if curl -s -o /dev/null -w '%{http_code}' --negotiate -u : --cacert "$work/ca.pem" -H 'Content-Type: application/soap+xml' -d x "$HARD" >"$work/out" 2>&1 &&
	grep -q '^401$' "$work/out" && last_log | grep -q "channel-bound=no"; then
	pass "  a Negotiate token without a binding is refused there (curl 7.88: 401)"
else
	fail "  a token without a binding: curl got $(cat "$work/out"), server saw '$(last_log)'"
fi
if [ "$(grep -c "POST /ADPolicyProvider_CEP_Kerberos\|POST /Hardened" "$work/server.log")" -eq 3 ]; then pass "  one POST per probe (two probes, one curl): the token goes with the first"; else fail "  POSTs: $(grep -c "POST /ADPolicyProvider_CEP_Kerberos\|POST /Hardened" "$work/server.log")"; fi
if ! grep -q "authorization=NTLM\|authorization=Basic" "$work/server.log"; then pass "never NTLM or Basic"; else fail "NTLM or Basic was sent"; fi
KRB5CCNAME="FILE:$work/other-cc" expect 1 "Kerberos with an empty KRB5CCNAME" -- probe "${CA[@]}" "$KERB"
grep_in err "no Kerberos service ticket" "  says there is no ticket"
expect 1 "Kerberos to a name without an SPN" -- probe "${CA[@]}" "https://127.0.0.1:$port/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"
grep_in err "no Kerberos service ticket for HTTP/127.0.0.1 (.*not found in Kerberos database.*)" "  the KDC's reason and the SPN it lacks"
expect 1 "the Kerberos endpoint probed anonymously" -- probe --auth anonymous "${CA[@]}" "$KERB"
grep_in err "wants HTTP authentication (it offers Negotiate, NTLM): that is a kerberos endpoint, not anonymous" "  says it is a kerberos endpoint"

# --- username and password: WS-Security UsernameToken
expect 0 "UsernameToken with the right password" -- probe -U 'EXAMPLE\alice' --password-file "$work/cep-password" "${CA[@]}" "$UPW"
grep_in out "policy ID       $ID" "the UsernamePassword endpoint answers"
xsd_valid last-request.xml GetPolicies "  the request with a UsernameToken is valid against the schema too"
grep_in last-request.xml 'S3cret&amp;&lt;pa"ss&gt;</o:Password>' "  the password, XML-escaped, is in the UsernameToken (inside TLS)"
log_has "user=EXAMPLE\\\\alice" "the server read the user from the UsernameToken"
log_has "authorization=-" "no HTTP authentication header with a UsernameToken"
GPO_CEP_PASSWORD=$(cat "$work/cep-password") expect 0 "the password from GPO_CEP_PASSWORD" -- probe -U 'EXAMPLE\alice' "${CA[@]}" "$UPW"
expect 1 "UsernameToken with a wrong password" -- probe -U 'EXAMPLE\alice' --password-file "$work/wrong-password" "${CA[@]}" "$UPW"
grep_in err "FailedAuthentication" "  the fault's subcode"
grep_in err "refused the WS-Security credentials: check the user name, the password" "  what to check"
expect 2 "username_password without -U" -- probe "${CA[@]}" "$UPW"
grep_in err "needs -U USER" "  says -U is needed"
if ! grep -q "S3cret" "$work/err" "$work/out"; then pass "the password is never printed"; else fail "the password was printed"; fi

# --- client certificates
expect 0 "a TLS client certificate" -- probe --cert "$work/client.pem" --key "$work/client.key" "${CA[@]}" "$CERT"
grep_in out "policy ID       $ID" "the Certificate endpoint answers"
log_has "subject=commonName=host1.example.com" "the server saw the client certificate"
expect 0 "certificate and key in one file, KeyBasedRenewal endpoint" -- probe --cert "$work/client-with-key.pem" "${CA[@]}" "$KBR"
log_has "client-cert=yes" "the KeyBasedRenewal endpoint saw the certificate"
expect 1 "a client certificate from an untrusted CA" -- probe --cert "$work/rogue.pem" --key "$work/rogue.key" "${CA[@]}" "$CERT"
grep_in err "refused the client certificate" "  says the server refused the certificate"
expect 1 "the Certificate endpoint without a certificate" -- probe --auth anonymous "${CA[@]}" "$CERT"
grep_in err "access denied by .* (HTTP 403: .*Client certificate required" "  403 with the page's words"
expect 2 "certificate auth without --cert" -- probe "${CA[@]}" "$CERT"
expect 2 "an unreadable client certificate" -- probe --cert "$work/missing.pem" "${CA[@]}" "$CERT"
grep_in err "cannot use the client certificate '$work/missing.pem'" "  names the file"

# --- TLS verification
expect 1 "a server certificate from an unknown CA (system store)" -- probe --auth anonymous "$base/anonymous/service.svc/CEP"
grep_in err "cannot verify the TLS certificate of localhost" "  says the certificate is not verified"
grep_in err "give the CA that issued it with --ca-file" "  says how to fix it"
expect 1 "a server certificate from another CA" -- probe --auth anonymous --ca-file "$work/rogue-ca.pem" "$base/anonymous/service.svc/CEP"
grep_in err "cannot verify the TLS certificate" "  refused"
expect 2 "an unreadable CA file" -- probe --auth anonymous --ca-file "$work/missing-ca.pem" "$base/anonymous/service.svc/CEP"
grep_in err "cannot use the CA file" "  names the CA file"
expect 2 "plain http is refused" -- probe --auth anonymous "http://localhost:$port/anonymous/service.svc/CEP"
grep_in err "not an https:// URI" "  says https only"
if ! grep -qi 'insecure\|VERIFYPEER, 0\|VERIFYHOST, 0' "$SRC/src/lib/xcep/probe.c"; then pass "no way to turn TLS verification off"; else fail "probe.c can turn verification off"; fi

# --- TLS 1.2 at least: an outdated server is refused in the handshake, before any request
for v in 1.0 1.1; do
	start_server "tls$v" --tls-max "$v"
	old="https://localhost:$port"
	expect 1 "a server that speaks TLS $v at most, anonymous" -- probe --auth anonymous "${CA[@]}" "$old/anonymous/service.svc/CEP"
	grep_in err "localhost speaks no TLS version from 1.2 on (.*protocol version): TLS 1.0 and 1.1 are refused" "  refused, and the message says it is the TLS version"
	expect 1 "a server that speaks TLS $v at most, username_password" -- probe -U 'EXAMPLE\alice' --password-file "$work/cep-password" "${CA[@]}" "$old/ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP"
	grep_in err "speaks no TLS version from 1.2 on" "  refused likewise"
	expect 1 "a server that speaks TLS $v at most, kerberos (the channel-binding handshake)" -- probe "${CA[@]}" "$old/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"
	grep_in err "speaks no TLS version from 1.2 on" "  refused likewise"
	if [ ! -s "$work/tls$v.log" ]; then pass "  no handshake succeeded, no request reached the server: the password was never sent"
	else fail "  the server got: $(head -3 "$work/tls$v.log")"; fi
done

# --- what servers answer when things go wrong
expect 1 "a SOAP fault" -- probe --auth anonymous "${CA[@]}" "$base/fault/service.svc/CEP"
grep_in err "SOAP fault: s:Receiver / a:InternalServiceFault: The server was unable to process" "  code, subcode and reason"
expect 1 "an IIS HTML error page (500)" -- probe --auth anonymous "${CA[@]}" "$base/html500/service.svc/CEP"
grep_in err "answered HTTP 500: IIS 10.0 Detailed Error - 500.19 Server Error Internal Server Error" "  the status and the page's words"
expect 1 "an HTML page with 200" -- probe --auth anonymous "${CA[@]}" "$base/html200/service.svc/CEP"
grep_in err "answered with an HTML page, not a SOAP message" "  says it is not SOAP"
expect 1 "404" -- probe --auth anonymous "${CA[@]}" "$base/notfound/service.svc/CEP"
grep_in err "no service at .* (HTTP 404): check the path" "  says to check the path"
expect 1 "415" -- probe --auth anonymous "${CA[@]}" "$base/unsupported/service.svc/CEP"
grep_in err "HTTP 415 Unsupported Media Type): it is not an MS-XCEP endpoint" "  names the media type"
expect 1 "a redirect" -- probe --auth anonymous "${CA[@]}" "$base/redirect/service.svc/CEP"
grep_in err "redirects (HTTP 302) to https://localhost/elsewhere/service.svc/CEP" "  is not followed and named"
expect 1 "401 for an anonymous probe" -- probe --auth anonymous "${CA[@]}" "$base/html401/service.svc/CEP"
grep_in err "wants HTTP authentication (it offers Negotiate, NTLM)" "  lists the offered schemes"
expect 1 "a body cut short" -- probe --auth anonymous "${CA[@]}" "$base/truncated/service.svc/CEP"
grep_in err "was cut short" "  says so"
expect 1 "truncated XML" -- probe --auth anonymous "${CA[@]}" "$base/truncatedxml/service.svc/CEP"
grep_in err "the response is not XML" "  says it is not XML"
expect 1 "an oversized answer" -- probe --auth anonymous --timeout 300 "${CA[@]}" "$base/oversized/service.svc/CEP"
grep_in err "exceeds 33554432 bytes: refused" "  stops at the size cap"
expect 1 "a body that is not XML" -- probe --auth anonymous "${CA[@]}" "$base/garbage/service.svc/CEP"
grep_in err "the response is not XML" "  says it is not XML"
expect 1 "a text/plain answer" -- probe --auth anonymous "${CA[@]}" "$base/textplain/service.svc/CEP"
grep_in err "answered with text/plain, not a SOAP message (application/soap+xml)" "  names the content type"
expect 1 "a SOAP 1.1 answer" -- probe --auth anonymous "${CA[@]}" "$base/soap11/service.svc/CEP"
grep_in err "a SOAP 1.1 envelope: MS-XCEP servers answer in SOAP 1.2" "  says SOAP 1.1"
expect 1 "the wrong namespace" -- probe --auth anonymous "${CA[@]}" "$base/wrongns/service.svc/CEP"
grep_in err "no GetPoliciesResponse/response in the http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy namespace" "  names the expected namespace"
expect 1 "an answer to another request" -- probe --auth anonymous "${CA[@]}" "$base/otherrequest/service.svc/CEP"
grep_in err "relates to message urn:uuid:00000000-0000-0000-0000-000000000000, not to ours" "  RelatesTo is checked"
start=$(date +%s)
expect 1 "a slow server" -- probe --auth anonymous --timeout 1 "${CA[@]}" "$base/slow/service.svc/CEP"
grep_in err "no complete answer from .* within 1 s" "  times out and says so"
[ $(( $(date +%s) - start )) -le 3 ] && pass "  within the timeout" || fail "  took $(( $(date +%s) - start )) s"
expect 1 "nobody listening" -- probe --auth anonymous "${CA[@]}" "https://localhost:$(free_port)/x/service.svc/CEP"
grep_in err "cannot connect to" "  says it cannot connect"
expect 1 "an unknown host" -- probe --auth anonymous "${CA[@]}" "https://cep.invalid/x/service.svc/CEP"
grep_in err "cannot resolve cep.invalid" "  names the host"
expect 1 "--json on failure" -- probe --auth anonymous --json "${CA[@]}" "$base/fault/service.svc/CEP"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"]["kind"]=="fault" and "InternalServiceFault" in d["error"]["message"]' "$work/out"; then pass "  a JSON error object with its kind"; else fail "  JSON error"; fi
expect 2 "LDAP: is not probed" -- probe LDAP:
grep_in err "LDAP: is the Active Directory enrollment policy" "  and says what it is"
expect 2 "no URI" -- probe
expect 2 "a URI without an AD CS application name needs --auth" -- probe "${CA[@]}" "$base/anonymous/service.svc/CEP"
expect 2 "a bad --auth" -- probe --auth basic "$KERB"
expect 2 "a bad --timeout" -- probe --timeout 0 "$KERB"

# --- hostile answers: what a policy may not store, what a terminal would act on
A=(--auth anonymous "${CA[@]}")
expect 1 "control characters in the friendly name, template names, display names, URIs" -- probe "${A[@]}" "$base/ctlname/service.svc/CEP"
no_controls "  not one of them reaches the terminal" "$work/out" "$work/err"
grep_in out '^friendly name   Evil\\nName\\r\\t\\x7f\\u009b31mRed  (invalid: it contains a control character (\\n at character 5))$' "  the friendly name escaped and marked invalid"
grep_in out '^  Mach\\tine\\u009b2J0  "Ordinateur n° 0"$' "  a template name escaped"
grep_in out '^  Machine1  "Line\\nbreak\\x7f"$' "  a display name escaped"
grep_in out '^      https://localhost/\\r\\u0085CES (kerberos' "  a CA URI escaped"
grep_in err "the server's friendly name 'Evil\\\\nName.*' contains a control character (\\\\n at character 5): it cannot go into a policy" "  the exit status and error say why"
expect 1 "the same with --json" -- probe "${A[@]}" --json "$base/ctlname/service.svc/CEP"
if /usr/bin/python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["friendly_name"] == "Evil\nName\r\t\x7f\x9b31mRed", repr(d["friendly_name"])
assert d["templates"][0]["common_name"] == "Mach\tine\x9b2J0"
assert d["error"]["kind"] == "protocol" and "control character" in d["error"]["message"]
PY
then pass "  valid JSON with the values as sent and the error"; else fail "  JSON of a hostile answer"; fi
expect 1 "a policy ID that is not a GUID, with control characters" -- probe "${A[@]}" "$base/badid/service.svc/CEP"
no_controls "  none reaches the terminal" "$work/out" "$work/err"
grep_in out '^policy ID       {5B3F2E0A-6C1D-4F7B-9A8E-2D4C6B8A0F13}\\r\\u009b2J  (invalid: it is not a GUID' "  shown escaped and marked invalid"
expect 1 "a policy ID that is a name" -- probe "${A[@]}" "$base/notguid/service.svc/CEP"
grep_in err "policy ID 'Contoso Policy' is not a GUID (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX, braces optional)" "  is not a GUID"
expect 0 "a GUID without braces, lower case" -- probe "${A[@]}" "$base/unbraced/service.svc/CEP"
grep_in out '^policy ID       5b3f2e0a-6c1d-4f7b-9a8e-2d4c6b8a0f13$' "  is a policy ID, shown as sent"
expect 1 "an 8 MiB friendly name" -- probe "${A[@]}" "$base/longname/service.svc/CEP"
grep_in out "^friendly name   N\{1024\}\.\.\.  (invalid: it is 8388608 characters long, more than 1024)$" "  shown as far as it could be stored, marked invalid"
if [ "$(stat -c %s "$work/out")" -lt 4096 ]; then pass "  not printed whole"; else fail "  printed $(stat -c %s "$work/out") bytes"; fi
expect 1 "two policyID elements" -- probe "${A[@]}" "$base/twoids/service.svc/CEP"
grep_in err "the response has 2 policyID elements where MS-XCEP allows one" "  a protocol error, not a guess"
expect 1 "a SOAP fault with control characters" -- probe "${A[@]}" "$base/ctlfault/service.svc/CEP"
no_controls "  none reaches the terminal" "$work/err"
grep_in err 'SOAP fault: s:Receiver / a:Evil\\u009b2J: line one\\nline two\\n\\u009b31mred\\x7f$' "  the fault's words escaped"
expect 1 "a content type with ESC" -- probe "${A[@]}" "$base/ctltype/service.svc/CEP"
no_controls "  it does not reach the terminal" "$work/err"
grep_in err 'answered with text/\\x1b\[31mred\\x1b\[0m\\x9b2J, not a SOAP message' "  escaped"
expect 1 "an HTTP header line of 200 KiB" -- probe "${A[@]}" "$base/bigheader/service.svc/CEP"
grep_in err "has an HTTP header line longer than libcurl accepts (100 KiB): refused" "  is reported as what it is"
no_grep_in err "Out of memory" "  not as running out of memory"
expect 1 "100 HTTP header lines of 1 KiB" -- probe "${A[@]}" "$base/manyheaders/service.svc/CEP"
grep_in err "has more than 64 KiB of HTTP headers: refused" "  stops at our cap"

# --- --probe on render, lint, update, apply
policy() { # FILE URI [policy_id] [friendly_name]: one computer-scope server
	local extra=""
	[ -n "${3:-}" ] && extra="$extra, \"policy_id\": \"$3\""
	[ -n "${4:-}" ] && extra="$extra, \"friendly_name\": \"$4\""
	cat >"$1" <<EOF
{ "version": 1, "name": "probe test",
  "computer": { "enrollment_policy": { "servers": [
    { "uri": "$2", "default": true$extra } ] } } }
EOF
}
PA=(--probe --probe-ca-file "$work/ca.pem")
policy "$work/fill.json" "$KERB"
expect 2 "render without policy_id and without --probe" -- "$GPO_CEP" render "$work/fill.json" -o "$work/r0"
mkdir -p "$work/r1" "$work/r2" "$work/r3"
expect 0 "render --probe fills the policy ID and friendly name" -- "$GPO_CEP" render "${PA[@]}" --guid '{11111111-2222-3333-4444-555555555555}' "$work/fill.json" -o "$work/r1"
expect 0 "  show reads them back" -- "$GPO_CEP" show "$work/r1/{11111111-2222-3333-4444-555555555555}"
grep_in out "\"policy_id\": \"$ID\"" "  policy_id from the server"
grep_in out '"friendly_name": "Contoso Enrollment Policy"' "  friendly_name from the server"
policy "$work/given.json" "$KERB" "$ID" "Our Name"
expect 0 "render --probe keeps a matching policy ID and the given name" -- "$GPO_CEP" render "${PA[@]}" --guid '{11111111-2222-3333-4444-555555555555}' "$work/given.json" -o "$work/r2"
"$GPO_CEP" show "$work/r2/{11111111-2222-3333-4444-555555555555}" >"$work/out" 2>&1
grep_in out '"friendly_name": "Our Name"' "  the file's friendly_name wins"
policy "$work/wcf.json" "$base/wcf/service.svc/CEP"
sed -i 's/"default": true/"default": true, "auth": "anonymous"/' "$work/wcf.json"
expect 0 "render --probe with a server that sends no friendly name" -- "$GPO_CEP" render "${PA[@]}" --guid '{11111111-2222-3333-4444-555555555555}' "$work/wcf.json" -o "$work/r3"
"$GPO_CEP" show "$work/r3/{11111111-2222-3333-4444-555555555555}" >"$work/out" 2>&1
grep_in out '"friendly_name": "localhost"' "  keeps the host name as friendly_name"
grep_in out '"policy_id": "{5B3F2E0A-6C1D-4F7B-9A8E-2D4C6B8A0F13}"' "  takes that server's policy ID"
policy "$work/wrong.json" "$KERB" '{00000000-1111-2222-3333-444444444444}'
mkdir -p "$work/r4"
expect 2 "render --probe with a contradicted policy_id" -- "$GPO_CEP" render "${PA[@]}" "$work/wrong.json" -o "$work/r4"
grep_in err "/computer/enrollment_policy/servers/0/policy_id: error: policy_id '{00000000-1111-2222-3333-444444444444}' is not the server's '$ID'" "  names the file, the pointer and both IDs"
[ -z "$(ls -A "$work/r4")" ] && pass "  nothing written" || fail "  something was written"
policy "$work/case.json" "$KERB" '{083c7011-1d0a-4855-885d-ac945184658c}'
expect 2 "a policy_id that differs in case only" -- "$GPO_CEP" render "${PA[@]}" "$work/case.json" -o "$work/r4"
grep_in err "differs in letter case" "  says so"
# a value unfit for the policy: exit 1, the server, the field and why, nothing written
for c in ctlname:friendly_name:'contains a control character (\\n at character 5)' \
	longname:friendly_name:"is 8388608 characters long, more than 1024" \
	badid:policy_id:"is not a GUID (.*)"; do
	IFS=: read -r case field why <<<"$c"
	policy "$work/$case.json" "$base/$case/service.svc/CEP"
	sed -i 's/"default": true/"default": true, "auth": "anonymous"/' "$work/$case.json"
	rm -rf "$work/r5"; mkdir -p "$work/r5"
	expect 1 "render --probe with a server whose $field $why" -- "$GPO_CEP" render "${PA[@]}" "$work/$case.json" -o "$work/r5"
	grep_in err "servers/0/$field: error: the policy server $base/$case/service.svc/CEP sent .*, which $why: refused \[probe-invalid-answer\]" "  names the server, the field and what is wrong"
	no_controls "  without a control character" "$work/err"
	[ -z "$(ls -A "$work/r5")" ] && pass "  nothing written" || fail "  something was written"
done
policy "$work/unbraced.json" "$base/unbraced/service.svc/CEP"
sed -i 's/"default": true/"default": true, "auth": "anonymous"/' "$work/unbraced.json"
expect 0 "render --probe with a GUID without braces" -- "$GPO_CEP" render "${PA[@]}" --guid '{11111111-2222-3333-4444-555555555559}' "$work/unbraced.json" -o "$work/r3"
"$GPO_CEP" show "$work/r3/{11111111-2222-3333-4444-555555555559}" >"$work/out" 2>&1
grep_in out '"policy_id": "5b3f2e0a-6c1d-4f7b-9a8e-2d4c6b8a0f13"' "  stores it as the server sent it"
expect 2 "lint --probe of a server with a control character in its name" -- "$GPO_CEP" lint "${PA[@]}" "$work/ctlname.json"
grep_in err "servers/0/friendly_name: error: the policy server .* contains a control character .*\[probe-invalid-answer\]" "  a finding"
no_controls "  without a control character" "$work/err"
policy "$work/upw.json" "$UPW"
expect 0 "render --probe with a UsernamePassword server" -- "$GPO_CEP" render "${PA[@]}" --probe-user 'EXAMPLE\alice' --probe-password-file "$work/cep-password" --guid '{11111111-2222-3333-4444-555555555556}' "$work/upw.json" -o "$work/r1"
expect 2 "render --probe with a UsernamePassword server and no user" -- "$GPO_CEP" render "${PA[@]}" "$work/upw.json" -o "$work/r4"
grep_in err "give --probe-user" "  says to give --probe-user"
GPO_CEP_PROBE_PASSWORD=wrong expect 1 "render --probe with a wrong password" -- "$GPO_CEP" render "${PA[@]}" --probe-user 'EXAMPLE\alice' "$work/upw.json" -o "$work/r4"
grep_in err "^gpo-cep: --probe: the server answered with a SOAP fault" "  the probe failure is reported"
[ -z "$(ls -A "$work/r4")" ] && pass "  nothing written" || fail "  something was written"
policy "$work/cert.json" "$CERT"
expect 0 "render --probe with a Certificate server" -- "$GPO_CEP" render "${PA[@]}" --probe-cert "$work/client.pem" --probe-key "$work/client.key" --guid '{11111111-2222-3333-4444-555555555557}' "$work/cert.json" -o "$work/r1"

# both scopes name the same server: one exchange
cat >"$work/both.json" <<EOF
{ "version": 1, "name": "both",
  "computer": { "enrollment_policy": { "servers": [ { "uri": "$KERB", "default": true } ] } },
  "user": { "enrollment_policy": { "servers": [ { "uri": "$KERB", "default": true } ] } } }
EOF
before=$(wc -l <"$work/server.log")
expect 0 "render --probe, the same server in both scopes" -- "$GPO_CEP" render "${PA[@]}" --guid '{11111111-2222-3333-4444-555555555558}' "$work/both.json" -o "$work/r1"
# only this server's lines: another test's request must not count here
asked=$(tail -n +$((before + 1)) "$work/server.log" | grep -c "^POST /${KERB#https://*/} " || true)
[ "$asked" -eq 1 ] && pass "  asked once" || fail "  asked $asked times"

# lint --probe: a report per server, failures as findings
cat >"$work/lint.json" <<EOF
{ "version": 1, "name": "lint",
  "computer": { "enrollment_policy": { "servers": [
    { "uri": "LDAP:", "default": true },
    { "uri": "$KERB" },
    { "uri": "$CERT" },
    { "uri": "$base/fault/service.svc/CEP", "auth": "anonymous", "policy_id": "{AAAAAAAA-0000-0000-0000-000000000000}" } ] } } }
EOF
expect 2 "lint --probe with two failing servers" -- "$GPO_CEP" lint "${PA[@]}" --probe-cert "$work/rogue.pem" --probe-key "$work/rogue.key" "$work/lint.json"
grep_in err "servers/1: note: the server answered to kerberos: policy ID $ID, 1 template offered \[probe\]" "  a note for the server that answered"
grep_in err "servers/2: error: .*refused the client certificate" "  the certificate server refusing a rogue certificate"
grep_in err "servers/3: error: the server answered with a SOAP fault" "  the faulting server"
expect 2 "lint --probe --json" -- "$GPO_CEP" lint "${PA[@]}" --probe-cert "$work/rogue.pem" --probe-key "$work/rogue.key" --json "$work/lint.json"
if /usr/bin/python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["pointer"].rsplit("/", 1)[1]: x for x in d["probes"]}
assert p["1"]["reachable"] and p["1"]["authenticated"] and p["1"]["templates"][0]["common_name"] == "EFS"
assert p["2"]["reachable"] and not p["2"]["authenticated"] and p["2"]["error"]["kind"] == "authentication"
assert p["3"]["reachable"] and p["3"]["authenticated"] and p["3"]["error"]["kind"] == "fault"
assert "0" not in p  # LDAP: is not probed
PY
then pass "  reachable / authenticated / policy ID / templates per server"; else fail "  lint --probe --json report"; fi
expect 2 "lint --probe without the certificate a server needs" -- "$GPO_CEP" lint "${PA[@]}" --json "$work/lint.json"
if /usr/bin/python3 -c 'import json,sys; p=[x for x in json.load(open(sys.argv[1]))["probes"] if x["pointer"].endswith("/2")][0]; assert p["reachable"] is None and p["error"]["kind"] == "usage" and "--probe-cert" in p["error"]["message"]' "$work/out"; then pass "  not asked: reachable is null, the error says --probe-cert"; else fail "  not asked"; fi
expect 0 "lint --probe of a policy whose server answers" -- "$GPO_CEP" lint "${PA[@]}" --probe-cert "$work/client.pem" --probe-key "$work/client.key" "$work/fill.json"

# update and apply on a local folder
mkdir -p "$work/u"
expect 0 "apply --probe creates a folder" -- "$GPO_CEP" apply "${PA[@]}" --path "$work/u/{22222222-2222-3333-4444-555555555555}" "$work/fill.json"
"$GPO_CEP" show "$work/u/{22222222-2222-3333-4444-555555555555}" >"$work/out" 2>&1
grep_in out "\"policy_id\": \"$ID\"" "  with the server's policy ID"
expect 0 "update --probe is idempotent" -- "$GPO_CEP" update "${PA[@]}" --detailed-exitcode --path "$work/u/{22222222-2222-3333-4444-555555555555}" "$work/fill.json"
expect 2 "update --probe refuses a contradicted ID" -- "$GPO_CEP" update "${PA[@]}" --path "$work/u/{22222222-2222-3333-4444-555555555555}" "$work/wrong.json"
grep_in err "policy-id-mismatch" "  with the finding's id"

# --- create --probe in a real domain (the lab DC), when there is one
if [ -n "${LAB_IP:-}" ]; then
	DOM=(--domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_ADMIN" --password-file "$LAB_PASSWORD_FILE"
	     --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF")
	PU=(--probe-user 'EXAMPLE\alice')
	name="probe-test-$$"
	cat >"$work/dom.json" <<EOF
{ "version": 1, "name": "$name",
  "computer": { "enrollment_policy": { "servers": [
    { "uri": "LDAP:", "default": true }, { "uri": "$KERB" }, { "uri": "$UPW" } ] },
    "auto_enrollment": {} } }
EOF
	expect 1 "create --probe with a wrong CEP password" -- "$GPO_CEP" create "${DOM[@]}" "${PA[@]}" "${PU[@]}" --probe-password-file "$work/wrong-password" "$work/dom.json"
	expect 0 "  list the domain's GPOs" -- "$GPO_CEP" list "${DOM[@]}" --all
	grep_in out "Default Domain Policy" "  the list is real"
	no_grep_in out "$name" "  no GPO was created"
	expect 0 "create --probe: Kerberos and UsernamePassword servers, the DC with a password" -- "$GPO_CEP" create "${DOM[@]}" "${PA[@]}" "${PU[@]}" --probe-password-file "$work/cep-password" "$work/dom.json"
	expect 0 "  show --domain reads it back" -- "$GPO_CEP" show "${DOM[@]}" --gpo "$name" --json
	if /usr/bin/python3 - "$work/out" "$ID" "$KERB" "$UPW" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
servers = {s["uri"]: s for s in d["policy"]["computer"]["enrollment_policy"]["servers"]}
assert servers[sys.argv[3]]["policy_id"] == sys.argv[2], servers
assert servers[sys.argv[4]]["policy_id"] == sys.argv[2]
assert servers[sys.argv[3]]["friendly_name"] == "Contoso Enrollment Policy"
PY
	then pass "  the published GPO has the server's policy ID and friendly name"; else fail "  published policy IDs"; fi
	expect 0 "  apply --probe again changes nothing" -- "$GPO_CEP" apply "${DOM[@]}" "${PA[@]}" "${PU[@]}" --probe-password-file "$work/cep-password" --detailed-exitcode "$work/dom.json"
	expect 0 "  delete it" -- "$GPO_CEP" delete "${DOM[@]}" --gpo "$name"
elif [ -n "${LAB_REQUIRED:-}" ]; then
	fail "no lab DC although LAB_REQUIRED is set"
elif [ "${CI:-}" = true ]; then
	fail "apply --probe on a domain: no lab DC (a skip is a failure in CI)"
else
	skip "apply --probe on a domain" "no lab DC (scripts/test starts one)"
fi

done_testing
