# SPDX-License-Identifier: GPL-3.0-or-later
"""TAP for the interop tests, and the rule for a missing python3-samba:
skipped by hand (exit 77), a failure in CI (a skip once hid a missing
package)."""
import os
import sys

count = 0
failed = 0


def cannot_run(why, hint):
    if os.environ.get("CI") == "true":
        print("not ok 1 - cannot run: %s (a skip is a failure in CI)\n1..1" % why)
        sys.exit(1)
    print("1..0 # SKIP %s (%s)" % (why, hint))
    sys.exit(77)


def ok(cond, what, detail="", lines=20):
    global count, failed
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, what))
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:lines]:
            print("# " + line)
    return cond


def done():
    print("1..%d" % count)
    return 1 if failed else 0
