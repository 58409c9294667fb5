#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write Registry.pol files of N records, packed by Samba, shaped like real
policies: per key a REG_SZ, two REG_DWORDs, a REG_EXPAND_SZ, a REG_MULTI_SZ
and an empty key stub, the records of 20 keys sharing a parent."""
import sys

from samba.dcerpc import preg
from samba.ndr import ndr_pack

out_dir, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
for n in sizes:
    entries = []
    i = 0
    while len(entries) < n:
        key = "Software\\Policies\\Vendor%d\\Product\\Setting%05d" % (i // 20, i)
        for name, typ, data in (("Name", 1, "value number %d" % i), ("Enabled", 4, i & 1),
                                ("Level", 4, i * 7919 & 0xFFFFFFFF), ("Path", 2, "%%ProgramFiles%%\\v%d" % i),
                                ("List", 7, ("a%d\0b%d\0\0" % (i, i)).encode("utf-16-le")),
                                ("", 0, None)):
            if len(entries) == n:
                break
            e = preg.entry()
            e.keyname = key + ("\\Stub" if typ == 0 else "")
            e.valuename = name
            e.type = typ
            e.data = data
            entries.append(e)
        i += 1
    f = preg.file()
    f.entries = entries
    f.num_entries = len(entries)
    open("%s/%d.pol" % (out_dir, n), "wb").write(ndr_pack(f))
