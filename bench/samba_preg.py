#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The baseline: Samba's NDR Registry.pol parser from python3-samba
(ndr_unpack / ndr_pack of samba.dcerpc.preg.file), timed like preg_bench."""
import json
import resource
import sys
import time

from samba.dcerpc import preg
from samba.ndr import ndr_pack, ndr_unpack

path, iterations = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
t0 = time.monotonic()
for _ in range(iterations):
    f = ndr_unpack(preg.file, data)
    records = f.num_entries
dec = (time.monotonic() - t0) / iterations
t0 = time.monotonic()
for _ in range(iterations):
    out = ndr_pack(f)
enc = (time.monotonic() - t0) / iterations
assert out == data, "Samba did not re-pack the file identically"
print(json.dumps({"impl": "samba-ndr", "records": records, "bytes": len(data),
                  "iterations": iterations, "decode_s": dec, "encode_s": enc,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
