#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What lint says adsys reads, against an independent prediction, for
generated policies.

Each policy (both scopes; costs and expiry percents from every REG_DWORD
class of doc/clients.md and their neighbours; friendly names with ']', ';'
and '[') is rendered for Windows (--clients windows, so that every file is
written).  Each Registry.pol is then read by Samba's own NDR parser
(python3-samba), which must find every record as the policy says, and its
records, in file order, go through this file's own statement of adsys's
rules (not gpo-cep's model): which records adsys does not see, which strings
it cuts, whether it rejects the file.  That prediction must equal both what
`gpo-cep lint` reports (adsys-file-rejected, adsys-misread, per scope) and
what `gpo-cep show --client adsys` reads.  TAP on standard output.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

from tap import cannot_run, done, ok

try:
    from samba.dcerpc import preg
    from samba.ndr import ndr_unpack
except ImportError as e:
    cannot_run(e, "scripts/deps installs python3-samba")

GPO_CEP = os.environ["GPO_CEP"]
GUID = "{31B2F340-016D-11D2-945F-00C04FB984F9}"
FOREST = "{09526129-1F43-4F3B-8A4C-1B3C5D7E9F01}"
N = int(os.environ.get("ADSYS_DIFF_POLICIES", "600"))
REG_SZ, REG_DWORD = 1, 4


# --- adsys's rules, stated from doc/clients.md --------------------------------

def dword_class(v):
    """'ok', 'rejected' (cut short) or 'runs-on' (into the next record)."""
    if v & 0xFFFF == 0x5D or v & 0xFFFFFF == 0x5D00 or v in (0x5D0000, 0x5D003B):
        return "rejected"
    if v < 0x10000 or 0x3B0000 <= v <= 0x3BFFFF:
        return "ok"
    return "runs-on"


def string_cut(s):
    """(what adsys reads, what it skips after the cut) or None when read whole."""
    if s.startswith("]"):
        return "", s[1:]
    i = s.find(";]")
    if i >= 0:
        return s[:i + 1], s[i + 2:]
    return None


def predict(records):
    """For records (key, value, type, data) in file order: (rejected, misread),
    misread being the (key, value) of records adsys does not read as written."""
    misread = set()
    i = 0
    while i < len(records):
        key, value, typ, data = records[i]
        if typ == REG_DWORD:
            cls = dword_class(data)
            if cls == "rejected":
                return True, misread
            if cls == "runs-on":
                # on to the end of the next record that ends normally; none: rejected
                j = i + 1
                while j < len(records) and records[j][2] == REG_DWORD and \
                        dword_class(records[j][3]) != "ok":
                    misread.add(records[j][:2])
                    j += 1
                if j == len(records):
                    return True, misread
                misread.add(records[j][:2])
                i = j + 1
                continue
        elif typ == REG_SZ and value and not value.startswith("**"):
            cut = string_cut(data)
            if cut is not None:
                misread.add((key, value))
                if "[" in cut[1]:
                    return True, misread
        i += 1
    return False, misread


# --- generated policies -------------------------------------------------------

DWORDS = [0, 1, 50, 92, 93, 94, 0x5C, 0x5D00 - 1, 0x5D00, 0x5D01, 0xFFFF, 0x10000, 0x3AFFFF,
          0x3B0000, 0x3B005D, 0x3BFFFF, 0x3C0000, 0x5D0000, 0x5D003B, 0x7FFFFFFD, 0xFFFFFFFF,
          0x15D00, 0x105D, 0x1005D]
NAMES = ["Plain", "a;]b", "]x", "]x[y", "a;]b[c", "x;y", "[z", "z]", "a]b;", "caf\u00e9 ;] \u20ac"]
URIS = ["https://ca%d.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
        "https://ca%d.example.com/ADPolicyProvider_CEP_UsernamePassword/service.svc/CEP"]


def server(rnd, n):
    s = {"uri": rnd.choice(URIS) % n, "policy_id": "{083C7011-1D0A-4855-885D-AC945184658C}"}
    if rnd.random() < 0.8:
        s["cost"] = rnd.choice(DWORDS) if rnd.random() < 0.7 else rnd.randrange(1 << 32)
    if rnd.random() < 0.5:
        s["friendly_name"] = rnd.choice(NAMES)
    return s


def scope(rnd, computer):
    servers = [server(rnd, n) for n in range(rnd.randrange(0, 4))]
    if rnd.random() < 0.7:
        ldap = {"uri": "LDAP:"}
        if rnd.random() < 0.6:
            ldap["cost"] = rnd.choice(DWORDS)
        servers.insert(rnd.randrange(len(servers) + 1), ldap)
    sc = {"certificate_stores": rnd.random() < 0.3}
    if servers:
        sc["enrollment_policy"] = {"servers": servers}
    if computer or rnd.random() < 0.5:
        ae = {}
        if rnd.random() < 0.6:
            ae["expiry_notice_percent"] = rnd.choice([0, 10, 50, 93, 99, 100])
        sc["auto_enrollment"] = ae
    return sc


def policy(rnd):
    p = {}
    if rnd.random() < 0.9:
        p["computer"] = scope(rnd, True)
    if rnd.random() < 0.5 or not p:
        p["user"] = scope(rnd, False)
    return p


def run(*args):
    return subprocess.run([GPO_CEP, *args], capture_output=True, text=True)


def lint_findings(path):
    """{scope: (rejected, number of adsys-misread)} from lint --json."""
    doc = json.loads(run("lint", "--json", path).stdout)
    out = {}
    for f in doc["findings"]:
        if f["id"] in ("adsys-file-rejected", "adsys-misread"):
            sc = f["pointer"].split("/")[1]
            rej, n = out.get(sc, (False, 0))
            out[sc] = (rej or f["id"] == "adsys-file-rejected",
                       n + (f["id"] == "adsys-misread"))
    return out


def main():
    rnd = random.Random(int(os.environ.get("ADSYS_DIFF_SEED", "12")))
    work = tempfile.mkdtemp()
    mismatches = []
    samba_bad = []
    show_bad = []
    files = rejected_files = misread_records = 0
    for n in range(N):
        p = policy(rnd)
        path = os.path.join(work, "p.json")
        with open(path, "w") as fh:
            json.dump(p, fh)
        out = os.path.join(work, "o%d" % n)
        os.mkdir(out)
        r = run("render", "--clients", "windows", path, "-o", out, "--guid", GUID,
                "--forest-guid", FOREST)
        if r.returncode != 0:
            mismatches.append((p, "render failed: " + r.stderr[-300:]))
            continue
        lint = lint_findings(path)
        shown = json.loads(run("show", "--client", "adsys", "--json",
                               os.path.join(out, GUID)).stdout)
        shown = {f["scope"]: f for f in shown["files"]}
        for sc, sub in (("computer", "Machine"), ("user", "User")):
            pol = os.path.join(out, GUID, sub, "Registry.pol")
            if not os.path.exists(pol):
                continue
            files += 1
            f = ndr_unpack(preg.file, open(pol, "rb").read())
            records = [(e.keyname, e.valuename, e.type, e.data) for e in f.entries]
            # Samba reads by the size fields: every cost as the policy gives it
            want_costs = sorted(s.get("cost", 0x3BFFFF if s["uri"] == "LDAP:" else 0xFFFF)
                                for s in p[sc].get("enrollment_policy", {}).get("servers", []))
            got_costs = sorted(d for k, v, t, d in records if v == "Cost")
            if want_costs != got_costs:
                samba_bad.append((p, sc, want_costs, got_costs))
            rejected, misread = predict(records)
            # key stubs and control records: adsys applies none, lint reports none
            misread = {m for m in misread if m[1] and not m[1].startswith("**")}
            rejected_files += rejected
            misread_records += len(misread)
            got = lint.get(sc, (False, 0))
            want = (rejected, 0 if rejected else len(misread))
            if got != want:
                mismatches.append((p, sc, "lint %s, rules %s" % (got, want), sorted(misread)))
            s = shown.get(sc)
            if s is None or s["rejected"] != rejected:
                show_bad.append((p, sc, "show rejected=%s, rules %s" %
                                 (s and s["rejected"], rejected)))
            elif not rejected:
                seen = {(e["keyname"], e["valuename"]) for e in s["entries"]}
                for k, v, t, d in records:
                    if not v or v.startswith("**") or t not in (REG_SZ, REG_DWORD):
                        continue
                    want_seen = (k, v) not in misread or (t == REG_SZ and string_cut(d))
                    if ((k, v) in seen) != bool(want_seen):
                        show_bad.append((p, sc, "show %s %s: seen=%s" % (k, v, (k, v) in seen)))
    ok(not samba_bad, "%d files: Samba's parser reads every cost as the policy gives it"
       % files, samba_bad[:3])
    ok(not mismatches, "%d policies, %d files (%d rejected, %d records misread): lint's adsys "
       "findings equal the rules' prediction" % (N, files, rejected_files, misread_records),
       "\n".join(repr(m) for m in mismatches[:4]))
    ok(not show_bad, "show --client adsys sees exactly the records the rules say it sees",
       "\n".join(repr(m) for m in show_bad[:4]))
    ok(rejected_files > N // 20 and misread_records > N // 20,
       "the generated policies reach every outcome (%d rejected files, %d misread records)"
       % (rejected_files, misread_records))
    subprocess.run(["rm", "-rf", work])
    return done()


sys.exit(main())
