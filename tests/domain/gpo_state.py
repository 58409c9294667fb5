#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Is a GPO whole?  Checks a local copy of its SYSVOL folder (smbclient mget)
against what the container says and what must survive any change.

usage: gpo_state.py FOLDER VERSION REFERENCE [KEEP...]
  FOLDER     the copy of the GPO's SYSVOL folder
  VERSION    the container's versionNumber
  REFERENCE  a JSON file: {"records": {"Machine": [[key, value, type, hex], ...], "User": ...},
             "files": [relative paths that must be there]}
Prints what is wrong and exits 1, or exits 0.  Written apart from gpo-cep's
own codec on purpose: an independent reading of Registry.pol.
"""
import json
import os
import re
import struct
import sys

LEFTOVER = re.compile(r"(\.gpo-cep-(new|old|tmp)$|^gpo-cep\.(lock|commit)$)")


def preg_records(data):
    """Registry.pol ([MS-GPREG] 2.1) as (key, value, type, data hex) tuples."""
    if data[:8] != b"PReg\x01\x00\x00\x00":
        raise ValueError("not a PReg file")
    out, pos = [], 8

    def text(end_sep):
        nonlocal pos
        start = pos
        while data[pos:pos + 2] != end_sep:
            pos += 2
            if pos > len(data):
                raise ValueError("record cut short")
        s = data[start:pos].decode("utf-16-le").rstrip("\x00")
        pos += 2
        return s

    while pos < len(data):
        if data[pos:pos + 2] != "[".encode("utf-16-le"):
            raise ValueError("no '[' at byte %d" % pos)
        pos += 2
        key = text(";".encode("utf-16-le"))
        value = text(";".encode("utf-16-le"))
        rtype, = struct.unpack_from("<I", data, pos)
        size, = struct.unpack_from("<I", data, pos + 6)
        pos += 12
        blob = data[pos:pos + size]
        pos += size
        if data[pos:pos + 2] != "]".encode("utf-16-le"):
            raise ValueError("no ']' after a record's data at byte %d" % pos)
        pos += 2
        out.append([key, value, rtype, blob.hex()])
    return out


def find(folder, rel):
    """`rel` in `folder` matched without regard to case, as SMB does."""
    here = folder
    for part in rel.split("/"):
        names = {n.lower(): n for n in os.listdir(here)} if os.path.isdir(here) else {}
        if part.lower() not in names:
            return None
        here = os.path.join(here, names[part.lower()])
    return here


def main():
    folder, version, reference = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
    problems = []
    for root, _, files in os.walk(folder):
        for f in files:
            if LEFTOVER.search(f):
                problems.append("left over: " + os.path.relpath(os.path.join(root, f), folder))
    gpt = find(folder, "GPT.INI")
    if gpt is None:
        problems.append("no GPT.INI")
    else:
        versions = re.findall(rb"(?im)^\s*version\s*=\s*(\d+)", open(gpt, "rb").read())
        if [int(v) for v in versions] != [version]:
            problems.append("GPT.INI Version %s, versionNumber %d" % (versions, version))
    for scope, want in reference.get("records", {}).items():
        path = find(folder, scope + "/Registry.pol")
        if path is None:
            problems.append("no %s/Registry.pol" % scope)
            continue
        try:
            have = preg_records(open(path, "rb").read())
        except ValueError as e:
            problems.append("%s/Registry.pol: %s" % (scope, e))
            continue
        for r in want:
            if r not in have:
                problems.append("%s/Registry.pol lost %s\\%s" % (scope, r[0], r[1]))
    for rel in reference.get("files", []):
        if find(folder, rel) is None:
            problems.append("lost " + rel)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
