#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""samba-tool gpo aclcheck, one GPO at a time.

samba-tool gpo aclcheck stops at the first GPO whose folder ACL differs
(a default GPO on a DC whose SYSVOL was copied differs in ACE order only),
so it never judges the GPOs after it: a test grepping its output for a GUID
would pass without a verdict.  This runs the same comparison with Samba's
own code (get_gpo_info, parse_unc, smb_connection, dsacl2fsacl) for each
GPO named, and prints one verdict per GPO.

usage: aclcheck.py DC-ADDRESS SMB-AUTH-FILE SMB-CONF GUID...
exit 0 when every GPO named exists and its folder ACL is what
samba-tool expects; 1 otherwise; 2 when the DC cannot be read.
"""
import sys

from samba import credentials, param
from samba.auth import system_session
from samba.dcerpc import security
from samba.ndr import ndr_unpack
from samba.netcmd.gpo import get_gpo_info, parse_unc, smb_connection
from samba.ntacls import dsacl2fsacl
from samba.samdb import SamDB


def verdict(samdb, lp, creds, dc, domain_sid, guid):
    """None when the GPO passes, else what is wrong."""
    msg = get_gpo_info(samdb, gpo=guid)
    if len(msg) != 1:
        return "no container"
    m = msg[0]
    _, service, sharepath = parse_unc(str(m["gPCFileSysPath"][0]))
    conn = smb_connection(dc, service, lp=lp, creds=creds)
    try:
        fs_sd = conn.get_acl(sharepath, security.SECINFO_OWNER | security.SECINFO_GROUP |
                             security.SECINFO_DACL, security.SEC_FLAG_MAXIMUM_ALLOWED)
    except Exception as e:
        return "the folder's ACL cannot be read (%s)" % e
    ds_sd = ndr_unpack(security.descriptor, m["nTSecurityDescriptor"][0]).as_sddl()
    want = dsacl2fsacl(ds_sd, domain_sid)
    got = fs_sd.as_sddl(domain_sid)
    return None if got == want else "Invalid GPO ACL %s, should be %s" % (got, want)


def main():
    if len(sys.argv) < 5:
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    dc, authfile, conf = sys.argv[1:4]
    lp = param.LoadParm()
    lp.load(conf)
    creds = credentials.Credentials()
    creds.guess(lp)
    creds.parse_file(authfile)
    try:
        samdb = SamDB("ldap://" + dc, credentials=creds, lp=lp, session_info=system_session())
        domain_sid = security.dom_sid(samdb.get_domain_sid())
    except Exception as e:
        print("cannot read %s: %s" % (dc, e))
        return 2
    bad = 0
    for guid in sys.argv[4:]:
        why = verdict(samdb, lp, creds, dc, domain_sid, guid)
        print("%s: %s" % (guid, why or "ok"))
        bad += why is not None
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
