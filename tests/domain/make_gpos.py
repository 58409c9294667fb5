#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Many GPOs at once, the way a domain that grew over years holds them, made
directly over LDAP and SMB with Samba's own bindings (not through gpo-cep):
for scale tests and benchmarks.

  make_gpos.py make DC SMB-AUTH SMB-CONF PREFIX COUNT FILES-DIR MACHINE-EXT USER-EXT
  make_gpos.py remove DC SMB-AUTH SMB-CONF PREFIX

`make` adds COUNT groupPolicyContainers named "PREFIX 00001"... with their
User and Machine children, extension names and versionNumber 65537, and for
each a SYSVOL folder holding the files of FILES-DIR (GPT.INI,
Machine/Registry.pol, User/Registry.pol as `gpo-cep render` writes them)
with the ACL samba-tool gpo create gives it (dsacl2fsacl of the
container's descriptor).  One LDAP and one SMB connection for all.
`remove` deletes every GPO whose name starts with PREFIX, folder and all.
Prints how many GPOs it made or removed.
"""
import os
import sys
import uuid

import ldb
from samba import credentials, param
from samba.auth import system_session
from samba.dcerpc import security
from samba.ndr import ndr_unpack
from samba.netcmd.gpo import smb_connection
from samba.ntacls import dsacl2fsacl
from samba.samdb import SamDB

SECINFO = security.SECINFO_OWNER | security.SECINFO_GROUP | security.SECINFO_DACL


def connect(dc, authfile, conf):
    lp = param.LoadParm()
    lp.load(conf)
    creds = credentials.Credentials()
    creds.guess(lp)
    creds.parse_file(authfile)
    samdb = SamDB("ldap://" + dc, credentials=creds, lp=lp, session_info=system_session())
    return samdb, smb_connection(dc, "sysvol", lp, creds)


def policies(samdb):
    dn = samdb.get_default_basedn()
    dn.add_child(ldb.Dn(samdb, "CN=Policies,CN=System"))
    return dn


def realm_of(samdb):
    return samdb.domain_dns_name().lower()


def make(samdb, conn, prefix, count, files, machine_ext, user_ext):
    base, realm = policies(samdb), realm_of(samdb)
    sid = security.dom_sid(samdb.get_domain_sid())
    blobs = {}
    for rel in ("GPT.INI", "Machine/Registry.pol", "User/Registry.pol"):
        path = os.path.join(files, rel)
        if os.path.exists(path):
            blobs[rel] = open(path, "rb").read()
    for i in range(1, count + 1):
        guid = "{%s}" % str(uuid.uuid4()).upper()
        dn = "CN=%s,%s" % (guid, base)
        samdb.add({"dn": dn, "objectClass": "groupPolicyContainer",
                   "displayName": "%s %05d" % (prefix, i),
                   "gPCFileSysPath": "\\\\%s\\SysVol\\%s\\Policies\\%s" % (realm, realm, guid),
                   "gPCFunctionalityVersion": "2", "flags": "0", "versionNumber": "65537",
                   "gPCMachineExtensionNames": machine_ext,
                   "gPCUserExtensionNames": user_ext})
        for child in ("User", "Machine"):
            samdb.add({"dn": "CN=%s,%s" % (child, dn), "objectClass": "container"})
        sd = samdb.search(dn, scope=ldb.SCOPE_BASE, attrs=["nTSecurityDescriptor"],
                          controls=["sd_flags:1:%d" % SECINFO])[0]["nTSecurityDescriptor"][0]
        fs = dsacl2fsacl(ndr_unpack(security.descriptor, sd).as_sddl(), sid, as_sddl=False)
        folder = "%s\\Policies\\%s" % (realm, guid)
        conn.mkdir(folder)
        conn.set_acl(folder, fs, SECINFO)
        for sub in ("Machine", "User"):
            conn.mkdir(folder + "\\" + sub)
        for rel, data in blobs.items():
            conn.savefile(folder + "\\" + rel.replace("/", "\\"), data)
    print(count)


def remove(samdb, conn, prefix):
    base, realm = policies(samdb), realm_of(samdb)
    found = samdb.search(base, scope=ldb.SCOPE_ONELEVEL,
                         expression="(displayName=%s *)" % ldb.binary_encode(prefix),
                         attrs=["cn"])
    for m in found:
        guid = str(m["cn"][0])
        samdb.delete(m.dn, ["tree_delete:1"])
        try:
            conn.deltree("%s\\Policies\\%s" % (realm, guid))
        except Exception:
            pass
    print(len(found))


def main():
    if len(sys.argv) < 6 or sys.argv[1] not in ("make", "remove"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    samdb, conn = connect(*sys.argv[2:5])
    if sys.argv[1] == "make":
        prefix, count, files, machine_ext, user_ext = sys.argv[5:10]
        make(samdb, conn, prefix, int(count), files, machine_ext, user_ext)
    else:
        remove(samdb, conn, sys.argv[5])
    return 0


if __name__ == "__main__":
    sys.exit(main())
