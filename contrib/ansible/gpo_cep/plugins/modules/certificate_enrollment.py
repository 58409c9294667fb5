#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: gpo-cep developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: certificate_enrollment
short_description: Certificate Enrollment Policy and Auto-Enrollment GPOs in an AD domain
version_added: "0.1.0"
description:
  - Makes a Group Policy Object of an Active Directory domain (Samba AD or
    Windows AD) hold the I(Certificate Services Client - Certificate
    Enrollment Policy) and I(Auto-Enrollment) settings of a gpo-cep policy,
    byte for byte what the Windows Group Policy editor writes, or removes
    the GPO.
  - Drives C(gpo-cep apply --json) and reads its JSON envelope
    (doc/json-output.md of gpo-cep); C(changed) is what gpo-cep reports, so
    a second run with the same policy reports no change.
  - Check mode runs C(gpo-cep apply --dry-run); diff mode shows the change
    in policy terms (JSON pointer, server URI, old and new value).
  - Passwords never reach the command line; use I(password_file),
    I(password) (passed in the environment), a Kerberos ticket cache
    (I(kerberos)), or a connection profile (gpo-cep.conf(5)).
author:
  - gpo-cep developers (@gpo-cep)
requirements:
  - gpo-cep on the managed host
options:
  state:
    description:
      - C(present) creates the GPO or updates its settings.
      - C(absent) deletes the GPO, its links and its SYSVOL folder.
    type: str
    choices: [present, absent]
    default: present
  policy:
    description:
      - The policy as data (gpo-cep-policy(5)), for example read with
        C(lookup('file', 'policy.json') | from_json).
      - Mutually exclusive with I(policy_file).
    type: dict
  policy_file:
    description:
      - A policy file on the managed host.
      - Mutually exclusive with I(policy).
    type: path
  name:
    description:
      - The GPO's display name.  Default for C(present) the policy's C(name);
        required for C(absent) unless I(guid) is given.
    type: str
  guid:
    description:
      - The GPO's GUID, C({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}), for
        C(absent) instead of I(name).
    type: str
  links:
    description:
      - Distinguished names of the domain or OUs the GPO is linked to.  Links
        are ensured, never duplicated; links not named are kept.
    type: list
    elements: str
    default: []
  enforced:
    description:
      - The I(links) enforced (C(true)) or not (C(false)); left as they are
        when not given.
    type: bool
  link_enabled:
    description:
      - The I(links) enabled (C(true)) or disabled (C(false)); left as they
        are when not given.
    type: bool
  profile:
    description:
      - A connection profile of gpo-cep.conf(5).
    type: str
  domain:
    description:
      - The domain's DNS name (realm).  Default from the profile, the
        environment, smb.conf or krb5.conf.
    type: str
  dc:
    description:
      - The domain controller (a name, for Kerberos).  Default the PDC
        emulator, found through DNS.
    type: str
  user:
    description:
      - The account to bind as (C(user) or C(user@REALM)).
    type: str
  password:
    description:
      - The account's password, passed to gpo-cep in its environment
        (GPO_CEP_PASSWORD), never on its command line.
    type: str
  password_file:
    description:
      - A file holding the password (mode 0600).
    type: path
  kerberos:
    description:
      - Bind with the Kerberos ticket cache instead of a password.
    type: bool
    default: false
  ca_file:
    description:
      - The CA certificate(s) that signed the DC's certificate (PEM).
    type: path
  smb_conf:
    description:
      - An smb.conf for the SMB client.
    type: path
  executable:
    description:
      - The gpo-cep program.
    type: path
    default: gpo-cep
notes:
  - Supports check mode and diff mode.
'''

EXAMPLES = r'''
- name: Certificate enrollment from the company CA, linked to the domain
  gpo_cep.gpo_cep.certificate_enrollment:
    profile: corp
    policy: "{{ lookup('file', 'cep-policy.json') | from_json }}"
    links:
      - DC=corp,DC=example,DC=com

- name: The same policy from a file on the host, with Kerberos
  gpo_cep.gpo_cep.certificate_enrollment:
    domain: corp.example.com
    dc: dc1.corp.example.com
    kerberos: true
    policy_file: /etc/gpo-cep/cep-policy.json

- name: Remove the GPO
  gpo_cep.gpo_cep.certificate_enrollment:
    profile: corp
    name: Certificate Enrollment (Kerberos)
    state: absent
'''

RETURN = r'''
changed:
  description: Whether the GPO was (in check mode, would be) changed.
  returned: always
  type: bool
gpo:
  description: The GPO's GUID and name.
  returned: when the GPO exists or was made
  type: dict
  sample: {"guid": "{31B2F340-016D-11D2-945F-00C04FB984F9}", "name": "Certificate Enrollment"}
changes:
  description: The change in policy terms (gpo-cep's policy change objects).
  returned: state=present
  type: list
  elements: dict
  sample: [{"change": "changed", "pointer": "/computer/enrollment_policy/servers/1/cost",
            "server": "https://ca1.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP",
            "old": 100, "new": 50}]
findings:
  description: What gpo-cep's checks found in the policy (warnings and notes).
  returned: state=present
  type: list
  elements: dict
result:
  description: gpo-cep's whole JSON envelope.
  returned: when gpo-cep ran
  type: dict
'''

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule


def connection_args(params):
    args = []
    for option, key in (('--profile', 'profile'), ('--domain', 'domain'), ('--dc', 'dc'),
                        ('-U', 'user'), ('--password-file', 'password_file'),
                        ('--ca-file', 'ca_file'), ('--smb-conf', 'smb_conf')):
        if params[key] is not None:
            args += [option, params[key]]
    if params['kerberos']:
        args.append('--kerberos')
    return args


def run(module, args):
    """gpo-cep ARGS --json: its envelope, or a failure naming what went wrong."""
    env = {}
    if module.params['password'] is not None:
        env['GPO_CEP_PASSWORD'] = module.params['password']
    rc, out, err = module.run_command([module.params['executable']] + args + ['--json'],
                                      environ_update=env)
    try:
        doc = json.loads(out)
    except ValueError:
        module.fail_json(msg='gpo-cep printed no JSON (exit %d): %s' % (rc, err.strip()),
                         rc=rc, stderr=err)
    if not doc.get('ok'):
        error = doc.get('error') or {}
        # a change that stopped part-way (a GPO created, its link refused) is a change
        module.fail_json(msg=error.get('message', 'gpo-cep failed (exit %d)' % rc),
                         changed=bool(doc.get('changed')), rc=rc, error=error, result=doc,
                         stderr=err)
    return doc


def diff_of(changes):
    before, after = [], []
    for c in changes:
        where = c['pointer'] + (' (%s)' % c['server'] if c.get('server') else '')
        if c['old'] is not None:
            before.append('%s: %s' % (where, json.dumps(c['old'], sort_keys=True)))
        if c['new'] is not None:
            after.append('%s: %s' % (where, json.dumps(c['new'], sort_keys=True)))
    return {'before': '\n'.join(before) + '\n' if before else '',
            'after': '\n'.join(after) + '\n' if after else '',
            'before_header': 'GPO settings', 'after_header': 'GPO settings'}


def present(module):
    params = module.params
    if not params['links'] and (params['enforced'] is not None
                                or params['link_enabled'] is not None):
        module.fail_json(msg='enforced and link_enabled set the options of the links: give links')
    args = ['apply'] + connection_args(params)
    if params['name'] is not None:
        args += ['--gpo', params['name']]
    for link in params['links']:
        args += ['--link', link]
    if params['enforced'] is not None:
        args.append('--enforced=%s' % ('yes' if params['enforced'] else 'no'))
    if params['link_enabled'] is not None:
        args.append('--link-enabled=%s' % ('yes' if params['link_enabled'] else 'no'))
    if module.check_mode:
        args.append('--dry-run')
    temp = None
    try:
        if params['policy'] is not None:
            fd, temp = tempfile.mkstemp(prefix='gpo-cep-', suffix='.json')
            with os.fdopen(fd, 'w') as f:
                json.dump(params['policy'], f)
            args.append(temp)
        else:
            args.append(params['policy_file'])
        doc = run(module, args)
    finally:
        if temp is not None:
            os.unlink(temp)
    changes = doc.get('changes', [])
    result = dict(changed=doc['changed'], result=doc, changes=changes,
                  findings=doc.get('findings', []))
    if doc.get('guid') or doc.get('name'):
        result['gpo'] = dict(guid=doc.get('guid'), name=doc.get('name'))
    if module._diff:
        # a GPO made (or, in check mode, to be made) has no "before"
        if 'created' in doc and doc['changed'] and not changes:
            result['diff'] = dict(before='', after='GPO %s\n' % doc.get('name'))
        else:
            result['diff'] = diff_of(changes)
    return result


def absent(module):
    params = module.params
    if params['guid'] and not params['guid'].startswith('{'):
        params['guid'] = '{%s}' % params['guid']
    which = params['guid'] or params['name']
    listed = run(module, ['list', '--all'] + connection_args(params))
    found = [g for g in listed.get('gpos', [])
             if (params['guid'] and g['guid'].upper() == params['guid'].upper())
             or (not params['guid'] and g['name'] == params['name'])]
    if not found:
        return dict(changed=False)
    if len(found) > 1:
        module.fail_json(msg="%d GPOs are named '%s': give guid" % (len(found), which))
    gpo = dict(guid=found[0]['guid'], name=found[0]['name'])
    result = dict(changed=True, gpo=gpo)
    if module._diff:
        result['diff'] = dict(before='GPO %s %s\n' % (gpo['name'], gpo['guid']), after='')
    if not module.check_mode:
        result['result'] = run(module, ['delete', '--gpo', gpo['guid']] + connection_args(params))
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            policy=dict(type='dict'),
            policy_file=dict(type='path'),
            name=dict(type='str'),
            guid=dict(type='str'),
            links=dict(type='list', elements='str', default=[]),
            enforced=dict(type='bool'),
            link_enabled=dict(type='bool'),
            profile=dict(type='str'),
            domain=dict(type='str'),
            dc=dict(type='str'),
            user=dict(type='str'),
            password=dict(type='str', no_log=True),
            password_file=dict(type='path'),
            kerberos=dict(type='bool', default=False),
            ca_file=dict(type='path'),
            smb_conf=dict(type='path'),
            executable=dict(type='path', default='gpo-cep'),
        ),
        mutually_exclusive=[('policy', 'policy_file'), ('password', 'password_file'),
                            ('kerberos', 'password'), ('kerberos', 'password_file')],
        required_if=[('state', 'present', ('policy', 'policy_file'), True),
                     ('state', 'absent', ('name', 'guid'), True)],
        supports_check_mode=True,
    )
    if module.params['executable'] == 'gpo-cep':
        module.params['executable'] = module.get_bin_path('gpo-cep', required=True)
    if module.params['state'] == 'present':
        result = present(module)
    else:
        result = absent(module)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
