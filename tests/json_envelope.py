#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""json_envelope.py STATUS FILE: FILE (a command's stdout with --json) is one
JSON document, valid against doc/output.schema.json, whose exit_status is
STATUS, with no member twice in an object.  Silent and 0 when it is; the
reason on stdout and 1 when not."""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "doc",
                      "output.schema.json")


def once(pairs):
    """A member twice in one object: a reader keeps one of them, which is a lie."""
    keys = [k for k, _ in pairs]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError("members twice in one object: %s" % ", ".join(dup))
    return dict(pairs)


def main():
    status, path = int(sys.argv[1]), sys.argv[2]
    text = open(path, encoding="utf-8").read()
    try:
        doc = json.loads(text, object_pairs_hook=once)
    except ValueError as e:
        print("not one JSON document (%s): %r" % (e, text[:200]))
        return 1
    try:
        jsonschema.validate(doc, json.load(open(SCHEMA)),
                            cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as e:
        print("%s at /%s" % (e.message, "/".join(str(p) for p in e.absolute_path)))
        return 1
    if doc["exit_status"] != status:
        print("exit_status %s, but the command exited %d" % (doc["exit_status"], status))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
