#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every shell example of README.md and of the man pages, run as written.

The fenced ```sh blocks of README.md and the .nf/.fi blocks of the man pages'
EXAMPLES sections are cut into commands (a trailing backslash continues a
line) and run one by one, in order, each block's commands in one temporary
folder per document, against the lab DC.  The documents' example names are
replaced by the lab's: example.com by its realm, DC=example,DC=com by its
base DN, admin@EXAMPLE.COM by its administrator.  Nothing else changes: the
commands find the DC through DNS, authenticate with a Kerberos ticket and
take smb.conf and krb5.conf from /etc, as on an admin's workstation joined to
the domain.  For that the test runs in a private mount namespace where
/etc/hosts, /etc/resolv.conf, /etc/krb5.conf and /etc/samba/smb.conf are the
lab's, and ca.example.com is a CEP test server (tests/probe/cep_server.py,
the specification's example answer) with a Kerberos key from the lab's AD.

A command's expected exit status is 0, or N when its trailing comment says
"(exit N" (e.g. "# the diff (exit 4: changes pending)").  A block preceded by
"<!-- doctest: in the source tree -->" runs in the source tree instead of the
temporary folder.  Only `scripts/test`, the suite that runs this test, is
skipped.  TAP on standard output.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("SOURCE_ROOT", ".")
GPO_CEP = os.environ.get("GPO_CEP", "")
CEP_IP = "127.0.0.30"
DOCS = ["README.md", "doc/gpo-cep.1", "doc/gpo-cep-policy.5"]
SKIP = {"scripts/test": "the test suite that runs this test"}
# each document's GPOs are removed before the next one and at the end
EXAMPLE_GPOS = ["Certificate Enrollment (Kerberos)"]

n = 0
failed = 0


def tap(ok, what, detail=""):
    global n, failed
    n += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what), flush=True)
    if not ok:
        failed += 1
        for line in detail.splitlines()[-25:]:
            print("# " + line)


def bail(msg):
    print("Bail out! " + msg, flush=True)
    sys.exit(1)


def markdown_blocks(path):
    """(line, in_source_tree, text) of each ```sh block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, i, marker = [], 0, False
    while i < len(lines):
        if lines[i].strip() == "<!-- doctest: in the source tree -->":
            marker = True
        elif lines[i].startswith("```sh"):
            start, body = i + 1, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append((start + 1, marker, body))
            marker = False
        elif lines[i].strip():
            marker = False
        i += 1
    return blocks


def markdown_json(path):
    """(line, text) of each ```json block: policy examples."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        if lines[i].startswith("```json"):
            start, body = i + 2, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            out.append((start, "\n".join(body) + "\n"))
        i += 1
    return out


def man_json(path):
    """The .nf/.fi block of an EXAMPLE section that holds a policy."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, section, i = [], "", 0
    while i < len(lines):
        if lines[i].startswith(".SH "):
            section = lines[i][4:].strip('"')
        elif lines[i] == ".nf" and section == "EXAMPLE":
            start, body = i + 2, []
            i += 1
            while i < len(lines) and lines[i] != ".fi":
                body.append(roff_text(lines[i]))
                i += 1
            out.append((start, "\n".join(body) + "\n"))
        i += 1
    return out


def roff_text(line):
    line = line.replace("\\e", "\\").replace("\\-", "-").replace("\\(aq", "'")
    return line.replace("\\&", "")


def man_blocks(path):
    """The .nf/.fi blocks of the EXAMPLES section."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, section, i = [], "", 0
    while i < len(lines):
        if lines[i].startswith(".SH "):
            section = lines[i][4:].strip('"')
        elif lines[i] == ".nf" and section == "EXAMPLES":
            start, body = i + 1, []
            i += 1
            while i < len(lines) and lines[i] != ".fi":
                if not lines[i].startswith("."):
                    body.append(roff_text(lines[i]))
                i += 1
            blocks.append((start + 1, False, body))
        i += 1
    return blocks


def commands(first_line, body):
    """Join continued lines; (line number, command, expected status)."""
    out, cur, cur_line = [], "", None
    for k, line in enumerate(body):
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if cur_line is None:
            cur_line = first_line + k
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        cur += line
        m = re.search(r"#[^'\"]*\(exit (\d+)", cur)
        out.append((cur_line, cur.strip(), int(m.group(1)) if m else 0))
        cur, cur_line = "", None
    return out


def substitute(cmd, lab):
    """One pass, so that a replacement is never replaced again."""
    realm = lab["LAB_REALM"]
    table = {"DC=example,DC=com": lab["LAB_BASE_DN"],
             "admin@EXAMPLE.COM": "Administrator@" + realm,
             "EXAMPLE.COM": realm, "example.com": realm.lower()}
    return re.sub("|".join(re.escape(k) for k in table), lambda m: table[m.group(0)], cmd)


def without_comment(cmd):
    return re.sub(r"\s+#[^'\"]*$", "", cmd)


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def samba_tool(lab, *args):
    with open(lab["LAB_PASSWORD_FILE"]) as f:
        env = dict(os.environ, PASSWD=f.read().strip())
    return run(["samba-tool", *args, "-H", "ldap://" + lab["LAB_IP"], "-s",
                lab["LAB_CLIENT_CONF"], "-U", "Administrator"], env=env)


def setup_namespace(lab, work):
    """Make this mount namespace look like a workstation of the lab's domain."""
    hosts = os.path.join(work, "hosts")
    with open(lab["LAB_HOSTS_FILE"]) as f, open(hosts, "w") as out:
        out.write("127.0.0.1 localhost\n" + f.read())
        out.write("%s %s\n" % (CEP_IP, " ".join(cep_hosts(lab))))
    for src, dst in ((hosts, "/etc/hosts"), (lab["LAB_RESOLV_CONF"], "/etc/resolv.conf"),
                     (lab["LAB_KRB5_CONFIG"], "/etc/krb5.conf"),
                     (lab["LAB_CLIENT_CONF"], "/etc/samba/smb.conf")):
        if not os.path.exists(dst):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            open(dst, "a").close()
        r = run(["mount", "--bind", src, dst])
        if r.returncode != 0:
            bail("cannot bind %s over %s: %s" % (src, dst, r.stdout))


def cep_hosts(lab):
    """The CEP server's names: the commands' (substituted) and the templates' own."""
    return ["ca." + lab["LAB_REALM"].lower(), "ca.example.com"]


def start_cep_server(lab, work):
    """The CEP test server as https://ca.<realm>/ and https://ca.example.com/,
    with keys in the lab's KDC."""
    samba_tool(lab, "user", "create", "cep-docs", "--random-password")  # exists after a first run
    keytab = os.path.join(work, "http.keytab")
    for host in cep_hosts(lab):
        samba_tool(lab, "spn", "add", "HTTP/" + host, "cep-docs")
        r = run(["samba-tool", "domain", "exportkeytab", keytab, "--principal=HTTP/" + host,
                 "-s", lab["LAB_DC_CONF"]])
        if r.returncode != 0:
            bail("cannot export the CEP server's key: " + r.stdout)
    host = cep_hosts(lab)[0]
    ssl = lambda *a: run(["openssl", *a], cwd=work)
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Corp Test CA")
    ssl("x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der")
    with open(os.path.join(work, "server.ext"), "w") as f:
        f.write("subjectAltName=%s\nextendedKeyUsage=serverAuth\n"
                % ",".join("DNS:" + h for h in cep_hosts(lab)))
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=" + host)
    r = ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    if r.returncode != 0:
        bail("cannot make the CEP server's certificate: " + r.stdout)
    with open(os.path.join(work, "cep-password"), "w") as f:
        f.write("unused\n")
    log = open(os.path.join(work, "cep-server.out"), "w")
    proc = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(SRC, "tests/probe/cep_server.py"),
         "--listen", CEP_IP + ":443", "--cert", os.path.join(work, "server.pem"),
         "--key", os.path.join(work, "server.key"), "--client-ca", os.path.join(work, "ca.pem"),
         "--ca-der", os.path.join(work, "ca.der"),
         "--fixture", os.path.join(SRC, "tests/xcep/response.xml"),
         "--log", os.path.join(work, "cep-server.log"), "--dump-dir", work,
         "--password-file", os.path.join(work, "cep-password")],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, KRB5_KTNAME=keytab))
    for _ in range(100):
        if "PORT" in open(os.path.join(work, "cep-server.out")).read():
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    bail("the CEP test server did not start: " + open(os.path.join(work, "cep-server.out")).read())


def remove_example_gpos(env):
    for name in EXAMPLE_GPOS:
        run([GPO_CEP, "delete", "--domain", env["LAB_REALM"], "--gpo", name], env=env)


def main():
    lab = {k: v for k, v in os.environ.items() if k.startswith("LAB_")}
    if "LAB_IP" not in lab:
        if os.environ.get("LAB_REQUIRED"):
            print("not ok 1 - no lab DC although LAB_REQUIRED is set\n1..1")
            sys.exit(1)
        if os.environ.get("CI") == "true":
            print("not ok 1 - no lab DC (a skip is a failure in CI)\n1..1")
            sys.exit(1)
        print("1..0 # SKIP no lab DC (scripts/test starts one)")
        sys.exit(77)
    if os.environ.get("DOCTEST_NAMESPACE") != "1":
        os.execvpe("unshare", ["unshare", "-m", "--propagation", "private", "--",
                               sys.executable] + sys.argv,
                   dict(os.environ, DOCTEST_NAMESPACE="1"))
    for var in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy",
                "ALL_PROXY", "KRB5_CONFIG", "LDAPTLS_CACERT",
                # meson's, for the build under test: the examples run other
                # builds' programs too (bench/ uses build/), which find their
                # own library through their rpath as on a user's machine
                "LD_LIBRARY_PATH"):
        os.environ.pop(var, None)
    work = tempfile.mkdtemp(prefix="gpo-cep-docs-")
    server = None
    try:
        setup_namespace(lab, work)
        bindir = os.path.join(work, "bin")
        os.mkdir(bindir)
        os.symlink(os.path.abspath(GPO_CEP), os.path.join(bindir, "gpo-cep"))
        env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"],
                   KRB5CCNAME="FILE:" + os.path.join(work, "ccache"),
                   # smaller benchmark runs and a private install root
                   SIZES="10 100", BUDGET="2000", ROUNDS="1", MANY="2",
                   DESTDIR=os.path.join(work, "destdir"))
        with open(lab["LAB_PASSWORD_FILE"]) as pw:
            r = run(["kinit", "Administrator@" + lab["LAB_REALM"]], stdin=pw, env=env)
        if r.returncode != 0:
            bail("kinit failed: " + r.stdout)
        samba_tool(lab, "ou", "create", "OU=Servers," + lab["LAB_BASE_DN"])
        server = start_cep_server(lab, work)
        for doc in DOCS:
            remove_example_gpos(env)  # each document starts from the same domain
            path = os.path.join(SRC, doc)
            blocks = markdown_blocks(path) if doc.endswith(".md") else man_blocks(path)
            folder = os.path.join(work, os.path.basename(doc))
            os.mkdir(folder)
            shutil.copy(os.path.join(work, "ca.pem"), os.path.join(folder, "corp-ca.pem"))
            for first, in_source, body in blocks:
                for line, cmd, want in commands(first, body):
                    what = "%s:%d: %s" % (doc, line, cmd)
                    if without_comment(cmd) in SKIP:
                        # no test line (it would assert nothing), no skip
                        # (this very run is that command at work): a comment
                        print("# %s: not run again inside itself (%s)" %
                              (what, SKIP[without_comment(cmd)]), flush=True)
                        continue
                    with open(lab["LAB_PASSWORD_FILE"]) as pw:
                        r = run(["bash", "-o", "pipefail", "-c", substitute(cmd, lab)],
                                cwd=SRC if in_source else folder, env=env, stdin=pw)
                    tap(r.returncode == want, what + ("" if want == 0 else " (exit %d)" % want),
                        "exit %d, want %d\n%s" % (r.returncode, want, r.stdout))
            if not blocks and doc.endswith(".1"):
                tap(False, "%s has no EXAMPLES" % doc)
            # every policy shown is one gpo-cep takes
            shown = markdown_json(path) if doc.endswith(".md") else man_json(path)
            for line, text in shown:
                example = os.path.join(folder, "example-%d.json" % line)
                with open(example, "w") as f:
                    f.write(text)
                r = run([GPO_CEP, "lint", example], env=env)
                tap(r.returncode == 0, "%s:%d: the policy shown passes gpo-cep lint" % (doc, line),
                    r.stdout)
        remove_example_gpos(env)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait()
        run(["kdestroy"], env=dict(os.environ, KRB5CCNAME="FILE:" + os.path.join(work, "ccache")))
        shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % n)
    sys.exit(1 if failed else 0)


main()
