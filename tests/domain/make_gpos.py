#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Many GPOs at once, the way a domain that grew over years holds them, made
directly over LDAP and SMB with Samba's own bindings (not through gpo-cep):
for scale tests and benchmarks.

  make_gpos.py make DC SMB-AUTH SMB-CONF PREFIX COUNT FILES-DIR MACHINE-EXT USER-EXT
  make_gpos.py clone DC SMB-AUTH SMB-CONF PREFIX COUNT FILES-DIR MACHINE-EXT USER-EXT DC-CONF
  make_gpos.py remove DC SMB-AUTH SMB-CONF PREFIX

`make` adds COUNT groupPolicyContainers named "PREFIX 00001"... with their
User and Machine children, extension names and versionNumber 65537, and for
each a SYSVOL folder holding the files of FILES-DIR (GPT.INI,
Machine/Registry.pol, User/Registry.pol as `gpo-cep render` writes them)
with the ACL samba-tool gpo create gives it (dsacl2fsacl of the
container's descriptor).  One LDAP and one SMB connection for all.
`clone`, for a lab DC of one's own (root, on the DC's machine): the first
GPO is made as by `make`, the others are copies of it made on the DC
itself: the containers added to the DC's sam.ldb in one transaction with
the first one's descriptor, the folders copied with their ACLs (the
security.NTACL and POSIX ACL attributes, as cp -a keeps them).  About
50 times faster; what the DC serves is the same as `make` gives.
`remove` deletes every GPO whose name starts with PREFIX, folder and all.
Prints how many GPOs it made or removed.
"""
import os
import subprocess
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


def container(dn, name, realm, guid, machine_ext, user_ext):
    return {"dn": dn, "objectClass": "groupPolicyContainer", "displayName": name,
            "gPCFileSysPath": "\\\\%s\\SysVol\\%s\\Policies\\%s" % (realm, realm, guid),
            "gPCFunctionalityVersion": "2", "flags": "0", "versionNumber": "65537",
            "gPCMachineExtensionNames": machine_ext, "gPCUserExtensionNames": user_ext}


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
        samdb.add(container(dn, "%s %05d" % (prefix, i), realm, guid, machine_ext, user_ext))
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


def clone(samdb, conn, prefix, count, files, machine_ext, user_ext, dc_conf):
    make(samdb, conn, prefix, 1, files, machine_ext, user_ext)
    base, realm = policies(samdb), realm_of(samdb)
    first = samdb.search(base, scope=ldb.SCOPE_ONELEVEL, attrs=["cn", "nTSecurityDescriptor"],
                         expression="(displayName=%s 00001)" % ldb.binary_encode(prefix),
                         controls=["sd_flags:1:%d" % SECINFO])[0]
    sd = first["nTSecurityDescriptor"][0]
    lp = param.LoadParm()
    lp.load(dc_conf)
    local = SamDB(url=lp.samdb_url(), lp=lp, session_info=system_session())
    folder = os.path.join(lp.get("path", "sysvol"), realm, "Policies")
    exemplar = os.path.join(folder, str(first["cn"][0]))
    guids = ["{%s}" % str(uuid.uuid4()).upper() for _ in range(2, count + 1)]
    local.transaction_start()
    try:
        for i, guid in enumerate(guids, start=2):
            dn = "CN=%s,%s" % (guid, base)
            msg = container(dn, "%s %05d" % (prefix, i), realm, guid, machine_ext, user_ext)
            msg["nTSecurityDescriptor"] = sd
            local.add(msg)
            for child in ("User", "Machine"):
                local.add({"dn": "CN=%s,%s" % (child, dn), "objectClass": "container"})
    except Exception:
        local.transaction_cancel()
        raise
    local.transaction_commit()
    for guid in guids:
        subprocess.run(["cp", "-a", exemplar, os.path.join(folder, guid)], check=True)


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
    return len(found)


def main():
    if len(sys.argv) < 6 or sys.argv[1] not in ("make", "clone", "remove"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    samdb, conn = connect(*sys.argv[2:5])
    if sys.argv[1] == "make":
        prefix, count, files, machine_ext, user_ext = sys.argv[5:10]
        make(samdb, conn, prefix, int(count), files, machine_ext, user_ext)
        print(count)
    elif sys.argv[1] == "clone":
        prefix, count, files, machine_ext, user_ext, dc_conf = sys.argv[5:11]
        clone(samdb, conn, prefix, int(count), files, machine_ext, user_ext, dc_conf)
        print(count)
    else:
        print(remove(samdb, conn, sys.argv[5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
