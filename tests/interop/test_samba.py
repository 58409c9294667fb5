#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop with Samba (Debian's python3-samba) as an independent oracle.

1. Samba's NDR Registry.pol parser reads every file gpo-cep writes and packs it
   back byte for byte, with the same records `gpo-cep show --raw` reports.
2. Samba's client-side gp_cert_auto_enroll_ext turns gpo-cep's computer output
   into the endpoints the policy names.
3. gpo-cep reads Samba's own CEP test fixture (samba.tests.gpo).
4. The samba-uri lint agrees with Samba's endpoint regular expression.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

from tap import cannot_run, done, ok

try:
    from samba.dcerpc import preg
    from samba.ndr import ndr_pack, ndr_unpack
    import requests  # noqa: F401 (samba.tests.gpo needs it)
except ImportError as e:
    cannot_run(e, "scripts/deps installs python3-samba and python3-requests")

GPO_CEP = os.environ["GPO_CEP"]
SRC = os.environ.get("SOURCE_ROOT", ".")
GUID = "{31B2F340-016D-11D2-945F-00C04FB984F9}"
FOREST = "{09526129-1F43-4F3B-8A4C-1B3C5D7E9F01}"


def run(*args, stdin=None):
    return subprocess.run([GPO_CEP, *args], capture_output=True, text=True, input=stdin)


def render(policy_path, out):
    # a golden case's extra render options (--clients windows for the editor's bytes)
    args_file = os.path.join(os.path.dirname(policy_path), "args")
    extra = open(args_file).read().split() if os.path.exists(args_file) else []
    r = run("render", policy_path, "-o", out, "--guid", GUID, "--forest-guid", FOREST, "--force",
            *extra)
    return r, os.path.join(out, GUID)


def samba_records(data):
    f = ndr_unpack(preg.file, data)
    recs = []
    for e in f.entries:
        d = e.data
        if isinstance(d, bytes):
            d = list(d)
        recs.append((e.keyname, e.valuename, e.type, d))
    return f, recs


def our_records(path):
    r = run("show", "--raw", path)
    recs = []
    for e in json.loads(r.stdout):
        t = e["type"]
        t = t if isinstance(t, int) else {"REG_NONE": 0, "REG_SZ": 1, "REG_EXPAND_SZ": 2,
                                          "REG_BINARY": 3, "REG_DWORD": 4,
                                          "REG_DWORD_BIG_ENDIAN": 5, "REG_MULTI_SZ": 7,
                                          "REG_QWORD": 11}[t]
        recs.append((e["keyname"], e["valuename"], t, e["data"]))
    return recs


def policies():
    for p in sorted(glob.glob(os.path.join(SRC, "templates", "*.json")) +
                    glob.glob(os.path.join(SRC, "tests", "golden", "*", "policy.json"))):
        yield p


work = tempfile.mkdtemp()

# 1. Samba's parser reads what we write, byte for byte
for p in policies():
    name = os.path.relpath(p, SRC)
    out = os.path.join(work, name.replace("/", "_"))
    os.makedirs(out)
    r, gpo = render(p, out)
    ok(r.returncode == 0, "%s: renders" % name, r.stderr)
    for scope in ("Machine", "User"):
        pol = os.path.join(gpo, scope, "Registry.pol")
        if not os.path.exists(pol):
            continue
        data = open(pol, "rb").read()
        try:
            f, recs = samba_records(data)
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            ok(False, "%s %s: Samba's NDR parser reads it" % (name, scope), e)
            continue
        ok(True, "%s %s: Samba's NDR parser reads it (%d records)" % (name, scope, len(recs)))
        ok(ndr_pack(f) == data, "%s %s: Samba re-packs it byte for byte" % (name, scope))
        ours = our_records(pol)
        ok(ours == recs, "%s %s: gpo-cep show --raw reads the same records as Samba" % (name, scope),
           "\n".join("%r\n%r" % (a, b) for a, b in zip(ours, recs) if a != b))

# Samba's packing of every value type and special name reads the same in gpo-cep
every = os.path.join(SRC, "tests", "fuzz", "corpus", "preg", "every-type.pol")
f, recs = samba_records(open(every, "rb").read())
ours = our_records(every)
for rec in recs:
    if rec[2] == 7:  # MULTI_SZ: Samba gives bytes, gpo-cep a list of strings
        rec_strings = bytes(rec[3]).decode("utf-16-le").rstrip("\0").split("\0")
        match = [o for o in ours if o[1] == rec[1]]
        ok(match and match[0][3] == rec_strings, "every-type: REG_MULTI_SZ reads as %r" % rec_strings)
    else:
        ok(rec in ours, "every-type: %s (type %d) reads as Samba reads it" % (rec[1] or "(stub)", rec[2]),
           "%r not in ours" % (rec,))

# 2. Samba's client-side extension reads our computer scope as intended
from samba.gp import gp_cert_auto_enroll_ext as cae  # noqa: E402

for template, want in (("kerberos", "Kerberos"), ("username-password", "UsernamePassword")):
    out = os.path.join(work, "cae-" + template)
    os.makedirs(out)
    r, gpo = render(os.path.join(SRC, "templates", template + ".json"), out)
    f = ndr_unpack(preg.file, open(os.path.join(gpo, "Machine", "Registry.pol"), "rb").read())
    groups = cae.obtain_end_point_information(f.entries)
    eps = {g[0]["PolicyID"]: g for g in groups} if isinstance(groups, list) else {}
    ok(set(eps.keys()) == {FOREST, "{083C7011-1D0A-4855-885D-AC945184658C}"},
       "%s: Samba groups the endpoints by policy ID" % template, eps)
    https = eps.get("{083C7011-1D0A-4855-885D-AC945184658C}", [{}])[0]
    ok(https.get("hostname") == "ca.example.com" and https.get("auth") == want and
       https.get("name") == "ca-example-com-CA" and https.get("Cost") == 50,
       "%s: Samba reads host, auth %s, CA name and cost" % (template, want), https)
    ldap = eps.get(FOREST, [{}])[0]
    ok(ldap.get("URL") == "LDAP:" and ldap.get("Flags", 0) & 0x10 and ldap.get("AuthFlags") == 2,
       "%s: Samba reads the LDAP: row with autoenroll and Kerberos" % template, ldap)
    ae = [e for e in f.entries if e.valuename == "AEPolicy"]
    ok(len(ae) == 1 and ae[0].data == 7, "%s: AEPolicy 7 is what Samba enrolls on" % template)

# The key-based renewal template breaks Samba's pattern: Samba drops every endpoint,
# exactly what our samba-uri warning says.
out = os.path.join(work, "cae-kbr")
os.makedirs(out)
r, gpo = render(os.path.join(SRC, "templates", "key-based-renewal.json"), out)
f = ndr_unpack(preg.file, open(os.path.join(gpo, "Machine", "Registry.pol"), "rb").read())
ok(not cae.obtain_end_point_information(f.entries),
   "key-based renewal: Samba discards the whole endpoint list")
ok("[samba-uri]" in r.stderr, "key-based renewal: gpo-cep warned about it")

# 3. Samba's own CEP fixture, as its test suite builds it, read by gpo-cep
from samba.gp_parse.gp_pol import GPPolParser  # noqa: E402
os.environ.setdefault("REALM", "lab.example.com")  # samba.tests.gpo reads it at import
from samba.tests import gpo as samba_gpo_tests  # noqa: E402
import xml.etree.ElementTree as etree  # noqa: E402

parser = GPPolParser()
parser.load_xml(etree.fromstring(samba_gpo_tests.advanced_enroll_reg_pol.strip() %
                                 ((FOREST.encode(),) * 4)))
fixture = os.path.join(work, "samba-fixture.pol")
open(fixture, "wb").write(ndr_pack(parser.pol_file))
r = run("show", "--json", "--scope", "computer", fixture)
doc = json.loads(r.stdout) if r.returncode == 0 else {}
servers = doc.get("policy", {}).get("computer", {}).get("enrollment_policy", {}).get("servers", [])
ok(r.returncode == 0 and len(servers) == 4, "Samba's fixture: four servers", r.stderr)
ok([s["auth"] for s in servers] == ["kerberos", "certificate", "kerberos", "kerberos"] and
   [s["cost"] for s in servers] == [2147483645, 10, 1, 1],
   "Samba's fixture: auth types and costs", servers)
ae = doc.get("policy", {}).get("computer", {}).get("auto_enrollment", {})
ok(ae.get("expiry_notice_percent") == 25 and ae.get("update_templates") and ae.get("renew_expired"),
   "Samba's fixture: auto-enrollment", ae)
ok(sum("is not the hash of its URL" in f["message"] for f in doc.get("findings", [])) == 3,
   "Samba's fixture: the three hand-edited server keys are flagged (spec 1.8)", doc.get("findings"))
ok(doc.get("other_records") == [], "Samba's fixture: every record is understood")

# 4. the samba-uri lint matches Samba's own regular expression
uris = [
    "https://ca.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
    "HTTPS://CA.EXAMPLE.COM/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
    "Https://ca.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
    "https://ca.example.com:443/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
    "https://ca.example.com/ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP/x",
    "https://ca.example.com/ADPolicyProvider_CEP_Kerberos/serviceXsvc/CEP",
    "https://ca.example.com/adpolicyprovider_cep_kerberos/service.svc/CEP",
    "https://ca.example.com/KeyBasedRenewal_ADPolicyProvider_CEP_Certificate/service.svc/CEP",
    "https://ca.example.com/MyCA_CEP_Kerberos/service.svc/CEP",
    "https://[::1]/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
    "https://pki.example.net/ejbca/msae/CEPService?alias",
]
for uri in uris:
    policy = {"computer": {"enrollment_policy": {"servers": [
        {"uri": "LDAP:"}, {"uri": uri, "policy_id": "P", "auth": "kerberos"}]},
        "auto_enrollment": {}}}
    if "Certificate" in uri:
        policy["computer"]["enrollment_policy"]["servers"][1]["auth"] = "certificate"
    if "UsernamePassword" in uri:
        policy["computer"]["enrollment_policy"]["servers"][1]["auth"] = "username_password"
    r = run("lint", "--json", "-", stdin=json.dumps(policy))
    findings = json.loads(r.stdout)["findings"] if r.stdout else []
    warned = any(f["id"] == "samba-uri" for f in findings)
    accepted = re.match(cae.endpoint_re, uri) is not None
    ok(warned == (not accepted), "samba-uri agrees with Samba's regex for %s (Samba %s)" %
       (uri, "accepts" if accepted else "rejects"), r.stderr)

sys.exit(done())
