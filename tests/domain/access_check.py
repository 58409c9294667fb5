#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Samba's own access check as an oracle for a GPO's SYSVOL ACL.

usage: access_check.py GUID USER...   (on the lab DC's machine, LAB_* set)

For each user, the token the DC builds from sam.ldb and, for every file
and folder of the GPO, the NT ACL straight from the DC's disk.  Prints one
line per user and item:

    USER PATH file=0x... dir_allowed=0x...

where file= is what Samba's access_check grants on the item (maximum
allowed) and dir_allowed= what the container grants, in file rights
(Samba's own ldapmask2filemask), with what its CREATOR OWNER entries give
where the user owns the item.  Exit status 1 when an item grants a user a
right that the container does not: SYSVOL must never give more than the
directory.
"""
import os
import sys

import ldb
import samba
from samba.auth import (AUTH_SESSION_INFO_AUTHENTICATED,
                        AUTH_SESSION_INFO_DEFAULT_GROUPS,
                        AUTH_SESSION_INFO_SIMPLE_PRIVILEGES, system_session,
                        user_session)
from samba.auth_util import system_session_unix
from samba.dcerpc import security
from samba.ndr import ndr_pack, ndr_unpack
from samba.ntacls import getntacl, ldapmask2filemask
from samba.param import LoadParm
from samba.samdb import SamDB
from samba.security import access_check

# rights every file ACL here may give beyond the mapped ones: SYNCHRONIZE
# comes with any read, and the owner's READ_CONTROL | WRITE_DAC
ALWAYS = 0x00100000


def granted(sd, token):
    try:
        return access_check(sd, token, security.SEC_FLAG_MAXIMUM_ALLOWED)
    except samba.NTSTATUSError:
        return 0


def main():
    guid, users = sys.argv[1], sys.argv[2:]
    lp = LoadParm()
    lp.load(os.environ["LAB_DC_CONF"])
    sam = SamDB(url=os.environ["LAB_SAM_LDB"], session_info=system_session(), lp=lp)
    base = os.environ["LAB_BASE_DN"]
    realm = os.environ["LAB_REALM"].lower()
    flags = (AUTH_SESSION_INFO_DEFAULT_GROUPS | AUTH_SESSION_INFO_AUTHENTICATED |
             AUTH_SESSION_INFO_SIMPLE_PRIVILEGES)
    res = sam.search("CN=%s,CN=Policies,CN=System,%s" % (guid, base), scope=ldb.SCOPE_BASE,
                     attrs=["nTSecurityDescriptor"])
    container = ndr_unpack(security.descriptor, res[0]["nTSecurityDescriptor"][0])
    # what the container gives the creator of a file or folder below it
    creator = 0
    for ace in container.dacl.aces:
        if str(ace.trustee) == security.SID_CREATOR_OWNER and ace.type == security.SEC_ACE_TYPE_ACCESS_ALLOWED:
            creator |= ace.access_mask
    root = os.path.join(lp.get("path", "sysvol"), realm, "Policies", guid)
    items = [root]
    for top, dirs, files in os.walk(root):
        items += [os.path.join(top, n) for n in sorted(dirs) + sorted(files)]
    bad = 0
    for user in users:
        found = sam.search(base, expression="(sAMAccountName=%s)" % ldb.binary_encode(user),
                           attrs=["dn"])
        token = user_session(sam, lp_ctx=lp, dn=str(found[0].dn),
                             session_info_flags=flags).security_token
        allowed = ldapmask2filemask(granted(container, token))
        for item in items:
            acl = getntacl(lp, item, system_session_unix(), direct_db_access=True)
            acl = ndr_unpack(security.descriptor, ndr_pack(acl))
            got = granted(acl, token)
            owns = any(str(sid) == str(acl.owner_sid) for sid in token.sids)
            extra = got & ~(allowed | ALWAYS | (ldapmask2filemask(creator) if owns else 0))
            rel = os.path.relpath(item, root)
            print("%s %s file=0x%08x dir_allowed=0x%08x%s" %
                  (user, rel, got, allowed, " MORE=0x%08x" % extra if extra else ""))
            bad += extra != 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
