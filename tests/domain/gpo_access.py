#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Samba's own code as the oracle for GPO targeting (on the lab DC's machine, LAB_* set).

  gpo_access.py list USER [PASSWORD-FILE]
                                 the GPOs Samba's client (libgpo's ads_get_gpo_list, which
                                 checks Apply Group Policy and Read for USER's token) applies
                                 to USER, in the order it applies them: "GUID NAME" lines;
                                 with PASSWORD-FILE, under USER's own credentials (a
                                 computer's, as samba-gpupdate binds), else Administrator's
  gpo_access.py read ACCOUNT GUID
                                 "yes" when Samba's access_check lets ACCOUNT's token (built
                                 from sam.ldb) read GPO GUID's container, else "no"
  gpo_access.py dacl GUID        the container's DACL as Samba writes SDDL, one entry a line
  gpo_access.py norm SDDL-ACE... each entry as Samba writes it (GPMC's spellings in, Samba's out)

`list` goes over LDAP to the DC by name (call it in the lab's namespace, as
tests/domain/targeting.sh does).
"""
import os
import re
import sys

import ldb
from samba import credentials, param
from samba.auth import (AUTH_SESSION_INFO_AUTHENTICATED,
                        AUTH_SESSION_INFO_DEFAULT_GROUPS,
                        AUTH_SESSION_INFO_SIMPLE_PRIVILEGES, system_session,
                        user_session)
from samba.dcerpc import security
from samba.ndr import ndr_unpack
from samba.samdb import SamDB
from samba.security import access_check

# LIST_CONTENTS | READ_PROP | READ_CONTROL: what libgpo's gpo_sec wants to read a GPO
READ = security.SEC_ADS_LIST | security.SEC_ADS_READ_PROP | security.SEC_STD_READ_CONTROL


def samdb():
    lp = param.LoadParm()
    lp.load(os.environ["LAB_DC_CONF"])
    return SamDB(url=os.environ["LAB_SAM_LDB"], session_info=system_session(), lp=lp), lp


def container(sam, guid):
    dn = "CN=%s,CN=Policies,CN=System,%s" % (guid, os.environ["LAB_BASE_DN"])
    res = sam.search(dn, scope=ldb.SCOPE_BASE, attrs=["nTSecurityDescriptor"])
    return ndr_unpack(security.descriptor, res[0]["nTSecurityDescriptor"][0])


def entries(sddl):
    """The DACL's entries: 'O:..D:PAI(A;..)(OA;..)S:..' -> ['(A;..)', '(OA;..)']"""
    dacl = sddl[sddl.index("D:"):]
    if "S:" in dacl:
        dacl = dacl[:dacl.index("S:")]
    return re.findall(r"\([^)]*\)", dacl)


def gpo_list(user, password_file=None):
    from samba.gp.gpclass import get_gpo_list
    lp = param.LoadParm()
    lp.load(os.environ["LAB_CLIENT_CONF"])
    creds = credentials.Credentials()
    creds.guess(lp)
    creds.set_username(user if password_file else "Administrator")
    creds.set_password(open(password_file or os.environ["LAB_PASSWORD_FILE"]).read().strip())
    creds.set_domain(os.environ["LAB_DOMAIN"])
    for g in get_gpo_list(os.environ["LAB_FQDN"], creds, lp, user):
        print(g.name, g.display_name)


def can_read(account, guid):
    sam, lp = samdb()
    found = sam.search(os.environ["LAB_BASE_DN"],
                       expression="(sAMAccountName=%s)" % ldb.binary_encode(account), attrs=["dn"])
    flags = (AUTH_SESSION_INFO_DEFAULT_GROUPS | AUTH_SESSION_INFO_AUTHENTICATED |
             AUTH_SESSION_INFO_SIMPLE_PRIVILEGES)
    token = user_session(sam, lp_ctx=lp, dn=str(found[0].dn), session_info_flags=flags).security_token
    try:
        access_check(container(sam, guid), token, READ)
        print("yes")
    except Exception:
        print("no")


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "list":
        gpo_list(*args[:2])
    elif mode == "read":
        can_read(args[0], args[1])
    elif mode == "dacl":
        sam, _ = samdb()
        domain_sid = security.dom_sid(sam.get_domain_sid())
        print("\n".join(entries(container(sam, args[0]).as_sddl(domain_sid))))
    elif mode == "norm":
        sam, _ = samdb()
        domain_sid = security.dom_sid(sam.get_domain_sid())
        for ace in args:
            sd = security.descriptor.from_sddl("D:" + ace, domain_sid)
            print(entries(sd.as_sddl(domain_sid))[0])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
