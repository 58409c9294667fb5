#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write MS-XCEP GetPoliciesResponse files of N templates and N template
OIDs, shaped like a Windows CEP's answer: every template points at its own
oID entry, carries a keyUsage and an extendedKeyUsage extension (named from
the answer's OID table) and one CA."""
import base64
import sys

X = "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"
KU = base64.b64encode(bytes.fromhex("030205a0")).decode()
EKU = base64.b64encode(bytes.fromhex("3014" "06082b06010505070302" "06082b06010505070301")).decode()

out_dir, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
for n in sizes:
    with open("%s/%d.xml" % (out_dir, n), "w", encoding="utf-8") as f:
        f.write('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                'xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>'
                '<a:Action s:mustUnderstand="1">%s/IPolicy/GetPoliciesResponse</a:Action>'
                '</s:Header><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                '<GetPoliciesResponse xmlns="%s"><response>'
                '<policyID>{5B3F2E0A-6C1D-4F7B-9A8E-2D4C6B8A0F13}</policyID>'
                '<policyFriendlyName>Bench</policyFriendlyName><nextUpdateHours>8</nextUpdateHours>'
                '<policiesNotChanged xsi:nil="true"/><policies>' % (X, X))
        for i in range(n):
            f.write('<policy><policyOIDReference>%d</policyOIDReference><cAs><cAReference>0'
                    '</cAReference></cAs><attributes><commonName>Template%d</commonName>'
                    '<policySchema>2</policySchema><permission><enroll>true</enroll>'
                    '<autoEnroll>false</autoEnroll></permission><privateKeyAttributes>'
                    '<minimalKeyLength>2048</minimalKeyLength><keySpec>1</keySpec>'
                    '</privateKeyAttributes><revision><majorRevision>100</majorRevision>'
                    '<minorRevision>%d</minorRevision></revision><extensions>'
                    '<extension><oIDReference>2</oIDReference><critical>true</critical>'
                    '<value>%s</value></extension><extension><oIDReference>1</oIDReference>'
                    '<critical>false</critical><value>%s</value></extension></extensions>'
                    '</attributes></policy>' % (100 + i, i, i % 7, KU, EKU))
        f.write('</policies></response><cAs><cA><uris><cAURI><clientAuthentication>2'
                '</clientAuthentication><uri>https://ca.example.com/CA_CES_Kerberos/service.svc/CES'
                '</uri><priority>1</priority><renewalOnly>false</renewalOnly></cAURI></uris>'
                '<certificate xsi:nil="true"/><enrollPermission>true</enrollPermission>'
                '<cAReferenceID>0</cAReferenceID></cA></cAs><oIDs>')
        # the template OIDs first: a name lookup that scans finds the EKUs last
        for i in range(n):
            f.write('<oID><value>1.3.6.1.4.1.311.21.8.1.2.3.%d</value><group>9</group>'
                    '<oIDReferenceID>%d</oIDReferenceID><defaultName>Template %d</defaultName>'
                    '</oID>' % (i, 100 + i, i))
        f.write('<oID><value>2.5.29.37</value><group>6</group><oIDReferenceID>1</oIDReferenceID>'
                '<defaultName>Enhanced Key Usage</defaultName></oID>'
                '<oID><value>2.5.29.15</value><group>6</group><oIDReferenceID>2</oIDReferenceID>'
                '<defaultName>Key Usage</defaultName></oID>'
                '<oID><value>1.3.6.1.5.5.7.3.2</value><group>7</group><oIDReferenceID>3'
                '</oIDReferenceID><defaultName>Client Authentication</defaultName></oID>'
                '<oID><value>1.3.6.1.5.5.7.3.1</value><group>7</group><oIDReferenceID>4'
                '</oIDReferenceID><defaultName>Server Authentication</defaultName></oID>'
                '</oIDs></GetPoliciesResponse></s:Body></s:Envelope>\n')
