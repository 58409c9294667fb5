#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The library's layers hold: no file includes a header of a layer it may not use.

The layers and what each may use are read from src/lib/meson.build (the
same list gives each layer's include path); the public headers in
include/gpo-cep/ are flat, so which layer each belongs to is listed here,
and a new public header must be added to the list.  TAP on standard output.
"""
import os
import re
import sys

SRC = os.environ.get("SOURCE_ROOT", ".")
LIB = os.path.join(SRC, "src", "lib")
PUBLIC = {
    "error": "base", "diag": "base", "version": "base", "guid": "base",
    "preg": "codec", "gptini": "codec", "extnames": "codec", "sd": "codec",
    "permissions": "codec",
    "policy": "model", "cep": "model", "lint": "model", "adsys": "model",
    "gpo": "gpo", "merge": "gpo", "replica": "gpo",
    "xcep": "xcep", "probe": "xcep",
    "domain": "ad",
}
n = 0
failed = 0


def tap(ok, what, detail=""):
    global n, failed
    n += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what))
    if not ok:
        failed += 1
        for line in detail.splitlines():
            print("# " + line)


meson = open(os.path.join(LIB, "meson.build")).read()
may_use = {}
for name, uses in re.findall(r"\['(\w+)', \[([^\]]*)\], \[", meson):
    may_use[name] = re.findall(r"'(\w+)'", uses)
tap(len(may_use) >= 6 and all(k in v for k, v in may_use.items()),
    "src/lib/meson.build names the layers and what each may use: %s" %
    ", ".join("%s(%s)" % (k, " ".join(v)) for k, v in may_use.items()))

headers = [re.sub(r"\.h(\.in)?$", "", h) for h in os.listdir(os.path.join(SRC, "include", "gpo-cep"))
           if re.search(r"\.h(\.in)?$", h)]
unknown = sorted(set(headers) - set(PUBLIC))
tap(not unknown, "every public header has a layer", "not listed: %s" % unknown)

folders = sorted(d for d in os.listdir(LIB) if os.path.isdir(os.path.join(LIB, d)))
tap(folders == sorted(may_use), "every folder of src/lib is a layer", "folders %s" % folders)

# where each private header lives
private = {}
for layer in folders:
    for f in os.listdir(os.path.join(LIB, layer)):
        if f.endswith(".h"):
            private[f] = layer

INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)


def check(path, layer):
    return check_text(open(path).read(), layer)


def check_text(text, layer):
    bad = []
    for kind, name in INCLUDE.findall(text):
        if kind == "<" and name.startswith("gpo-cep/"):
            other = PUBLIC.get(os.path.basename(name)[:-2])
        elif kind == '"':
            other = private.get(name)
            if other is None:
                bad.append("%s: no such private header" % name)
                continue
        else:
            continue
        if other is not None and other not in may_use.get(layer, []):
            bad.append("%s (layer %s)" % (name, other))
    return bad


for layer in folders:
    for f in sorted(os.listdir(os.path.join(LIB, layer))):
        if f.endswith((".c", ".h")):
            bad = check(os.path.join(LIB, layer, f), layer)
            tap(not bad, "%s/%s includes only what %s may use" % (layer, f, layer),
                "\n".join(bad))
for h in sorted(os.listdir(os.path.join(SRC, "include", "gpo-cep"))):
    if h.endswith(".h"):
        layer = PUBLIC.get(h[:-2])
        bad = check(os.path.join(SRC, "include", "gpo-cep", h), layer) if layer else []
        tap(not bad, "include/gpo-cep/%s (%s) includes only what %s may use" % (h, layer, layer),
            "\n".join(bad))

# the check itself: a codec reaching for the domain layer is caught
caught = check_text('#include <gpo-cep/domain.h>\n#include "ad_ldap.h"\n', "codec")
tap(len(caught) == 2, "a codec including gpo-cep/domain.h or ad_ldap.h would be refused",
    "\n".join(caught))

print("1..%d" % n)
sys.exit(1 if failed else 0)
