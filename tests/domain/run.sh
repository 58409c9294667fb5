#!/bin/bash
# Integration tests against the real Samba AD DC of tests/lab/lab, checked
# with independent tools: ldapsearch, smbclient, samba-tool, python3-samba.
# The lab's environment (LAB_*) must be set: scripts/test starts the lab.
set -u
umask 077   # password files must be private (gpo-cep refuses others)
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d)
. "$SRC/tests/lib.sh"
need_lab
trap 'rm -rf "$work"' EXIT
lab_tools
forest_guid=$(/usr/bin/python3 -c '
import base64, sys, uuid
for line in sys.stdin:
    if line.startswith("objectGUID:: "):
        print("{%s}" % str(uuid.UUID(bytes_le=base64.b64decode(line.split()[1]))).upper())
' < <(ldap -b "$LAB_BASE_DN" -s base objectGUID))

# --- create with a password over StartTLS ---------------------------------------
# names unique per run, so that runs from two builds or a failed run do not collide
tag=$$-$RANDOM
name="gpo-cep test $tag"
sed "s/\"name\": \"[^\"]*\"/\"name\": \"$name\"/" "$SRC/templates/kerberos.json" > "$work/policy.json"
expect 0 "create with password auth and a link" -- "$GPO_CEP" create "${AUTH[@]}" --link "$LAB_BASE_DN" --json "$work/policy.json"
guid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["guid"])' "$work/out" 2>/dev/null)
dn="CN=$guid,CN=Policies,CN=System,$LAB_BASE_DN"
ldap -b "$dn" -s base > "$work/gpc.ldif" 2>&1
grep_in gpc.ldif "^objectClass: groupPolicyContainer" "ldapsearch: a groupPolicyContainer"
grep_in gpc.ldif "^displayName: $name" "ldapsearch: displayName"
grep_in gpc.ldif "^gPCFileSysPath: \\\\\\\\$realm\\\\SysVol\\\\$realm\\\\Policies\\\\$guid" "ldapsearch: gPCFileSysPath"
grep_in gpc.ldif "^gPCFunctionalityVersion: 2" "ldapsearch: gPCFunctionalityVersion 2"
grep_in gpc.ldif "^flags: 0" "ldapsearch: flags 0"
grep_in gpc.ldif "^versionNumber: 65537" "ldapsearch: versionNumber 65537 (user 1, machine 1)"
grep_in gpc.ldif "^gPCMachineExtensionNames: \[{35378EAC-683F-11D2-A89A-00C04FBBCFA2}{53D6AB1D-2488-11D1-A28C-00C04FB94F17}\]\[{B1BE8D72-6EAC-11D2-A4EA-00C04F79F83A}{53D6AB1D-2488-11D1-A28C-00C04FB94F17}\]$" "ldapsearch: machine extension names"
grep_in gpc.ldif "^gPCUserExtensionNames: \[{35378EAC-683F-11D2-A89A-00C04FBBCFA2}{53D6AB1D-2488-11D1-A28C-00C04FB94F17}\]$" "ldapsearch: user extension names"
ldap -b "$dn" -s one dn > "$work/children" 2>&1
grep_in children "^dn: CN=User,$dn" "ldapsearch: CN=User child"
grep_in children "^dn: CN=Machine,$dn" "ldapsearch: CN=Machine child"
ldap -b "$LAB_BASE_DN" -s base gPLink > "$work/gplink" 2>&1
grep_in gplink "^gPLink: \[LDAP://CN=$guid,CN=Policies,CN=System,$LAB_BASE_DN;0\]" "the link is first in gPLink (lowest precedence: clients apply the last entry last)"

# the files: byte-equal to an offline render of the same policy and GUID
mkdir -p "$work/render" "$work/got/Machine" "$work/got/User"
"$GPO_CEP" render "$work/policy.json" -o "$work/render" --guid "$guid" --forest-guid "$forest_guid" >/dev/null 2>&1
smb -c "cd $realm/Policies/$guid; lcd $work/got; get GPT.INI; cd Machine; lcd Machine; get Registry.pol; cd ../User; lcd ../User; get Registry.pol" >/dev/null 2>&1
for f in GPT.INI Machine/Registry.pol User/Registry.pol; do
	check "smbclient: $f is byte-equal to render's" cmp "$work/render/$guid/$f" "$work/got/$f"
done
check "GPT.INI Version equals versionNumber" grep -q "^Version=65537" "$work/got/GPT.INI"
check "the LDAP: row carries the forest root GUID $forest_guid" \
	sh -c "'$GPO_CEP' show '$work/got/Machine/Registry.pol' | grep -q '\"policy_id\": \"$forest_guid\"'"

# Samba's tools see a complete GPO
samba_tool gpo show "$guid" > "$work/show" 2>&1
grep_in show "version *: 65537" "samba-tool gpo show: version"
samba_tool gpo getlink "$LAB_BASE_DN" > "$work/getlink" 2>&1
grep_in getlink "$guid" "samba-tool gpo getlink: linked"

# Samba's client-side processing, as the DC's machine account, reads the GPO
# through SYSVOL (and so through its ACL) and finds the enrollment server
mkdir -p "$work/bin"
printf '#!/bin/sh\nexit 0\n' > "$work/bin/cepces-submit"   # Samba 4.17 needs it on PATH
chmod +x "$work/bin/cepces-submit"
in_lab_ns() { unshare -m -- sh -c 'mount --bind "$LAB_HOSTS_FILE" /etc/hosts &&
	mount --bind "$LAB_RESOLV_CONF" /etc/resolv.conf && exec "$@"' sh "$@"; }
in_lab_ns env LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so NSS_WRAPPER_PASSWD="$LAB_PASSWD_FILE" \
	NSS_WRAPPER_GROUP=/etc/group SELFTEST_WINBINDD_SOCKET_DIR="$LAB_WINBINDD_DIR" \
	KRB5CCNAME="FILE:$work/machine.ccache" KRB5_CONFIG="$LAB_KRB5_CONFIG" PATH="$work/bin:$PATH" \
	samba-gpupdate --rsop -s "$LAB_DC_CONF" > "$work/rsop" 2>&1
check "samba-gpupdate --rsop (gp_cert_auto_enroll_ext) reads the enrollment server from the GPO" \
	sh -c "sed -n '/^GPO: $name\$/,/^GPO: /p' '$work/rsop' | grep -q 'Auto Enrollment Server \] = ca.example.com'"

# the SYSVOL ACL: Samba's dsacl2fsacl of the container's descriptor, as samba-tool gpo aclcheck
check "SYSVOL ACL: exactly Samba's dsacl2fsacl of the container's descriptor (samba-tool gpo aclcheck's comparison)" \
	gpo_aclcheck "$LAB_IP" "$guid"

# --- show, list, link, unlink -----------------------------------------------------------
expect 0 "show --domain --json" -- "$GPO_CEP" show "${AUTH[@]}" --gpo "$name" --json
check "show --domain reads back the policy that was published" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = d["policy"]
assert d["gpo"]["guid"] == sys.argv[2] and d["gpo"]["version"]["number"] == 65537, d["gpo"]
assert d["version"]["number"] == 65537
uris = [s["uri"] for s in p["computer"]["enrollment_policy"]["servers"]]
assert "LDAP:" in uris and len(uris) == 2, uris
assert p["computer"]["auto_enrollment"]["enabled"] and d["other_records"] == []
' "$work/out" "$guid"
"$GPO_CEP" show "${AUTH[@]}" --gpo "$guid" > "$work/shown.json" 2>/dev/null
mkdir -p "$work/again"
"$GPO_CEP" render "$work/shown.json" -o "$work/again" --guid "$guid" >/dev/null 2>&1
check "render(show --domain) gives the published bytes again" cmp "$work/again/$guid/Machine/Registry.pol" "$work/got/Machine/Registry.pol"
expect 0 "list --json" -- "$GPO_CEP" list "${AUTH[@]}" --json
check "list shows the GPO with its servers and link, and not the default GPOs" /usr/bin/python3 -c '
import json, sys
d = {g["guid"]: g for g in json.load(open(sys.argv[1]))["gpos"]}
g = d[sys.argv[2]]
assert g["certificate_enrollment"] and "LDAP:" in g["computer"], g
assert [(l["dn"], l["enforced"], l["disabled"]) for l in g["links"]] == [(sys.argv[3], False, False)], g
assert "{31B2F340-016D-11D2-945F-00C04FB984F9}" not in d, "Default Domain Policy listed"
' "$work/out" "$guid" "$LAB_BASE_DN"
expect 0 "list --all" -- "$GPO_CEP" list "${AUTH[@]}" --all
grep_in out "Default Domain Policy" "list --all shows every GPO"
samba_tool ou create "OU=gpo-cep-$tag,$LAB_BASE_DN" >/dev/null 2>&1
ou="OU=gpo-cep-$tag,$LAB_BASE_DN"
samba_tool gpo setlink "$ou" "{31B2F340-016D-11D2-945F-00C04FB984F9}" >/dev/null 2>&1
expect 0 "link to an OU, enforced" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$name" --target "$ou" --enforced
samba_tool gpo getlink "$ou" > "$work/getlink" 2>&1
grep_in getlink "$guid" "samba-tool gpo getlink: the OU link"
check "samba-tool: the link is enforced" sh -c "grep -A2 '$guid' '$work/getlink' | grep -q ENFORCE"
ldap -b "$ou" -s base gPLink > "$work/gplink" 2>&1
check "the OU's existing link is kept, the new one goes first" grep -q "^gPLink: \[LDAP://CN=$guid,[^]]*;2\]\[LDAP://CN={31B2F340-016D-11D2-945F-00C04FB984F9}[^]]*;0\]$" "$work/gplink"
expect 0 "link again with --link-disabled: only that option changes" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$name" --target "$ou" --link-disabled
grep_in out "changed from (enforced) to (enforced, disabled)" "  says what changed"
ldap -b "$ou" -s base gPLink > "$work/gplink" 2>&1
check "  one link, enforced and disabled" test "$(grep -o "$guid" "$work/gplink" | wc -l)" -eq 1 -a -n "$(grep "$guid,[^]]*;3\]" "$work/gplink")"
expect 0 "link again with --enforced=no" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$name" --target "$ou" --enforced=no
ldap -b "$ou" -s base gPLink > "$work/gplink" 2>&1
check "  one link, now only disabled" test "$(grep -o "$guid" "$work/gplink" | wc -l)" -eq 1 -a -n "$(grep "$guid,[^]]*;1\]" "$work/gplink")"
expect 0 "link again without options" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$name" --target "$ou"
grep_in out "is already linked to $ou, link order 2 (disabled): no change" "  keeps the link as it is and says so"
expect 0 "unlink" -- "$GPO_CEP" unlink "${AUTH[@]}" --gpo "$name" --target "$ou"
ldap -b "$ou" -s base gPLink > "$work/gplink" 2>&1
check "the link is gone, the other one stays" sh -c "! grep -q '$guid' '$work/gplink' && grep -q 31B2F340 '$work/gplink'"
check "show --domain prints the GPO's name: its output is a policy file for update" /usr/bin/python3 -c "
import json; assert json.load(open('$work/shown.json'))['name'] == '$name'"
expect 0 "update with show --domain's output as it is (no --gpo): no change" -- "$GPO_CEP" update "${AUTH[@]}" "$work/shown.json"
grep_in out "^GPO '$name' $guid: no change" "  found by that name, nothing to change"
expect 0 "update --link with the settings unchanged" -- "$GPO_CEP" update "${AUTH[@]}" --link "$ou" "$work/shown.json"
grep_in out "^GPO '$name' $guid: changed" "  the first line says changed: the link is a change"
grep_in out "^  linked to $ou" "  and names the new link"
"$GPO_CEP" unlink "${AUTH[@]}" --gpo "$name" --target "$ou" >/dev/null 2>&1
expect 1 "link to a target that does not exist" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$name" --target "OU=nowhere,$LAB_BASE_DN"
grep_in err "does not exist" "a missing target is named"
"$GPO_CEP" link "${AUTH[@]}" --gpo "$name" --target "$ou" >/dev/null 2>&1

# a GPO made by samba-tool, with Samba's lower-case extension names, is listed;
# one whose Registry.pol is corrupt is listed as unreadable and list fails
sguid=$(samba_tool gpo create "samba made $tag" 2>/dev/null | sed -n 's/.*created as \({[^}]*}\).*/\1/p')
sdn="CN=$sguid,CN=Policies,CN=System,$LAB_BASE_DN"
smb -c "mkdir $realm/Policies/$sguid/Machine; put $work/got/Machine/Registry.pol $realm/Policies/$sguid/Machine/Registry.pol" >/dev/null 2>&1
LDAPTLS_CACERT="$LAB_CA_CERT" ldapmodify -x -H "$LAB_LDAPS_URI" -D "$LAB_ADMIN_UPN" -y "$LAB_PASSWORD_FILE" >/dev/null 2>&1 <<LDIF
dn: $sdn
changetype: modify
replace: gPCMachineExtensionNames
gPCMachineExtensionNames: [{35378eac-683f-11d2-a89a-00c04fbbcfa2}]
LDIF
expect 0 "list finds a GPO with lower-case extension names" -- "$GPO_CEP" list "${AUTH[@]}"
grep_in out "$sguid" "  the samba-tool GPO is listed"
printf 'PReg\001\000\000\000[' > "$work/corrupt.pol"
smb -c "put $work/corrupt.pol $realm/Policies/$sguid/Machine/Registry.pol" >/dev/null 2>&1
expect 1 "list with a corrupt Registry.pol" -- "$GPO_CEP" list "${AUTH[@]}" --json
grep_in err "warning: GPO 'samba made $tag'" "  the corrupt GPO is named on stderr"
check "  and listed as unreadable, not dropped" /usr/bin/python3 -c '
import json, sys
d = {g["guid"]: g for g in json.load(open(sys.argv[1]))["gpos"]}
assert d[sys.argv[2]]["unreadable"] and not d[sys.argv[2]]["certificate_enrollment"]
' "$work/out" "$sguid"
samba_tool gpo del "$sguid" >/dev/null 2>&1

# --- update and apply ---------------------------------------------------------------------
ad_version() { ldap -b "$dn" -s base versionNumber | sed -n 's/^versionNumber: //p'; }
gpt_version() { smb -c "get $realm/Policies/$guid/GPT.INI $work/gpt.ini" >/dev/null 2>&1; sed -n 's/^Version *= *\([0-9]*\).*/\1/p' "$work/gpt.ini" | tr -d '\r'; }
machine_pol() { smb -c "get $realm/Policies/$guid/Machine/Registry.pol $1" >/dev/null 2>&1; }
# unrelated settings from Samba's own tool, and hundreds of every type from the codec
samba_tool gpo manage smb_conf set "$guid" "apply group policies" yes >/dev/null 2>&1
samba_tool gpo manage smb_conf set "$guid" "idmap config * : range" "2000-9999" >/dev/null 2>&1
machine_pol "$work/with_samba.pol"
"$ADD_RECORDS" "$work/with_samba.pol" "$work/unrelated.pol" 600
smb -c "put $work/unrelated.pol $realm/Policies/$guid/Machine/Registry.pol" >/dev/null 2>&1
v_before=$(ad_version)
sed 's/"cost": 50/"cost": 40/' "$work/policy.json" > "$work/policy2.json"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); d["user"]["enrollment_policy"]["servers"][1]["cost"] = 50
json.dump(d, open(sys.argv[1], "w"))' "$work/policy2.json"
expect 0 "update: one computer setting changes" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json"
grep_in out "^  /computer/enrollment_policy/servers/1/cost (https://.*): 50 -> 40\$" "the report shows the new cost in policy terms"
check "exactly the machine half went up by one" test "$(ad_version)" -eq $((v_before + 1))
check "GPT.INI equals versionNumber" test "$(gpt_version)" -eq "$(ad_version)"
machine_pol "$work/after.pol"
check "every unrelated record (Samba's and 600 of every type) is byte-identical and in order" /usr/bin/python3 - "$work/unrelated.pol" "$work/after.pol" <<'PY'
import sys
from samba.dcerpc import preg
from samba.ndr import ndr_unpack
def recs(p):
    f = ndr_unpack(preg.file, open(p, "rb").read())  # keep it alive: entries point into it
    return [(str(e.keyname), str(e.valuename), e.type, e.data) for e in f.entries]
cep = lambda r: r[0].startswith("Software\\Policies\\Microsoft\\Cryptography")
before, after = recs(sys.argv[1]), recs(sys.argv[2])
assert [r for r in before if not cep(r)] == [r for r in after if not cep(r)]
assert len([r for r in before if not cep(r)]) >= 602
assert any(r[1] == "Cost" and r[3] == 40 for r in after)
PY
ldap -b "$dn" -s base gPCMachineExtensionNames > "$work/ext" 2>&1
grep_in ext "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}" "extension names keep the registry CSE"
check "Samba's own extension names are kept and the groups stay sorted" /usr/bin/python3 -c '
import re, sys
v = open(sys.argv[1]).read().split("gPCMachineExtensionNames: ")[1].strip()
groups = re.findall(r"\[(\{[^}]*\})", v)
assert groups == sorted(groups) and "{B1BE8D72-6EAC-11D2-A4EA-00C04F79F83A}" in groups, v
' "$work/ext"
v_before=$(ad_version)
mtimes() { smb -c "allinfo $realm/Policies/$guid/Machine/Registry.pol; allinfo $realm/Policies/$guid/GPT.INI" 2>/dev/null | grep write_time; }
mtimes > "$work/mtimes.before"
sleep 1
expect 0 "update again with the same policy" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json"
mtimes > "$work/mtimes.after"
check "  and the files' modification times are unchanged" sh -c "test \$(wc -l < '$work/mtimes.before') -eq 2 && cmp '$work/mtimes.before' '$work/mtimes.after'"
grep_in out "no change" "the second run reports no change"
check "and writes nothing: versionNumber unchanged" test "$(ad_version)" -eq "$v_before"
machine_pol "$work/again.pol"
check "and the file bytes unchanged" cmp "$work/after.pol" "$work/again.pol"
expect 0 "apply with the same policy: no change" -- "$GPO_CEP" apply "${AUTH[@]}" --link "$LAB_BASE_DN" "$work/policy2.json"
ldap -b "$LAB_BASE_DN" -s base gPLink > "$work/gplink" 2>&1
check "apply ensures the link without duplicating it" test "$(grep -o "$guid" "$work/gplink" | wc -l)" -eq 1
expect 0 "update --dry-run with no change" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" --dry-run "$work/policy2.json"
expect 4 "update --dry-run with a change" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" --dry-run --json "$work/policy.json"
check "the dry-run JSON lists the record change and the versions" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["changed"] and d["version_new"]["number"] == d["version_old"]["number"] + 1, d
assert d["version_new"]["computer"] == d["version_old"]["computer"] + 1 and d["version_new"]["user"] == d["version_old"]["user"], d
assert [(c["pointer"], c["old"], c["new"]) for c in d["changes"]] == [("/computer/enrollment_policy/servers/1/cost", 40, 50)], d["changes"]
assert any(c["change"] == "added" and "Cost" in c["record"] for c in d["records"]), d["records"]
' "$work/out"
check "the dry run wrote nothing" test "$(ad_version)" -eq "$v_before"
# failures at the first write of each kind; the next run converges
count_calls "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json"
"$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json" >/dev/null 2>&1
for point in "smb_open .*gpo-cep-new" "smb_rename " "ldap_modify CN=\{"; do
	at=$(call_no "$point")
	expect_fail_of_update() { with_fault "$at" fail "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json"; }
	"$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json" >/dev/null 2>&1
	expect_fail_of_update >"$work/out" 2>"$work/err"; got=$?
	if [ "$got" -ne 0 ]; then pass "update failing at call $at ($point) fails (exit $got)"; else fail "update failing at call $at: exit 0"; fi
	expect 0 "  the next run converges" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json"
	check "  GPT.INI equals versionNumber" test "$(gpt_version)" -eq "$(ad_version)"
	expect 0 "  and a third run changes nothing" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json"
	grep_in out "no change" "  no change"
done
"$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json" >/dev/null 2>&1
# a concurrent edit between read and write: the run stopped after reading,
# another update lands, then the first goes on
v_before=$(ad_version)
count_calls "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json"
"$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json" >/dev/null 2>&1
at=$(call_no "smb_open .*gpo-cep.lock")
( with_fault "$at" stop "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json" > "$work/slow.out" 2> "$work/slow.err"; echo $? > "$work/slow.rc" ) &
slow=$!
for _ in $(seq 100); do pgrep -f -- "--gpo $name $work/policy.json" >/dev/null && [ "$(ps -o stat= -p "$(pgrep -f -- "--gpo $name $work/policy.json" | head -1)" | cut -c1)" = T ] && break; sleep 0.05; done
"$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$SRC/templates/ldap-only.json" >/dev/null 2>&1
pkill -CONT -f -- "--gpo $name $work/policy.json"
wait "$slow"
check "a concurrent edit between read and write is detected" grep -q "changed since it was read" "$work/slow.err"
check "  and the slow run fails" test "$(cat "$work/slow.rc")" -eq 1
"$GPO_CEP" show "${AUTH[@]}" --gpo "$guid" > "$work/after-race.json" 2>/dev/null
check "  and does not overwrite the other edit (the LDAP-only computer list)" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [s["uri"] for s in d["computer"]["enrollment_policy"]["servers"]] == ["LDAP:"], d
' "$work/after-race.json"
"$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json" >/dev/null 2>&1
expect 0 "a user scope switched off" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" --json - < <(echo '{"user": {"enrollment_policy": null, "auto_enrollment": null}}')
check "  the user half moved, the user records are gone" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["changed"] and d["version_new"]["user"] == d["version_old"]["user"] + 1, d
assert all(c["change"] == "removed" and c["file"] == "User/Registry.pol" for c in d["records"]), d["records"]
' "$work/out"
expect 0 "apply creates a GPO that does not exist, with its link" -- "$GPO_CEP" apply "${AUTH[@]}" --link "$LAB_BASE_DN" --json - < <(sed "s/$name/applied $tag/" "$work/policy.json")
aguid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["guid"])' "$work/out" 2>/dev/null)
expect 0 "apply it again: no change" -- "$GPO_CEP" apply "${AUTH[@]}" --link "$LAB_BASE_DN" - < <(sed "s/$name/applied $tag/" "$work/policy.json")
grep_in out "no change" "  reported as no change"
"$GPO_CEP" delete "${AUTH[@]}" --gpo "$aguid" >/dev/null 2>&1

# version edge cases: AD ahead of GPT.INI, and a machine half at 0xFFFF
LDAPTLS_CACERT="$LAB_CA_CERT" ldapmodify -x -H "$LAB_LDAPS_URI" -D "$LAB_ADMIN_UPN" -y "$LAB_PASSWORD_FILE" >/dev/null 2>&1 <<LDIF
dn: $dn
changetype: modify
replace: versionNumber
versionNumber: $(( (5 << 16) | 0xFFFF ))
LDIF
expect 0 "update when versionNumber (0x5FFFF) is ahead of GPT.INI" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json"
check "  the machine half wraps from 0xFFFF to 1; the user half (5 in AD) goes to 6" test "$(ad_version)" -eq $(( (6 << 16) | 1 ))
check "  GPT.INI equals versionNumber" test "$(gpt_version)" -eq "$(ad_version)"
expect 0 "  and the next run changes nothing" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json"
grep -q "no change" "$work/out" && pass "  no change" || fail "  no change after the wrap"

# the DC dies after the files are in place and before the version moves
count_calls "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json"
"$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy.json" >/dev/null 2>&1
at=$(call_no "ldap_modify CN=\{")
( with_fault "$at" stop "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json" > "$work/kill.out" 2> "$work/kill.err"; echo $? > "$work/kill.rc" ) &
slow=$!
for _ in $(seq 100); do p=$(pgrep -f -- "--gpo $name $work/policy2.json" | head -1); [ -n "$p" ] && [ "$(ps -o stat= -p "$p" | cut -c1)" = T ] && break; sleep 0.05; done
"$SRC/tests/lab/lab" stop >/dev/null 2>&1
pkill -CONT -f -- "--gpo $name $work/policy2.json"
wait "$slow"
check "an update whose DC dies before the version moves fails" test "$(cat "$work/kill.rc")" -ne 0
check "  and says the version was not raised" grep -q "versionNumber was not raised" "$work/kill.err"
eval "$("$SRC/tests/lab/lab" start)"
expect 0 "  after the DC is back, the next run finishes" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json"
check "  GPT.INI equals versionNumber" test "$(gpt_version)" -eq "$(ad_version)"
expect 0 "  and a third run changes nothing" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$name" "$work/policy2.json"
grep -q "no change" "$work/out" && pass "  no change" || fail "  no change after the DC came back"

# --- refusals: nothing may be created ---------------------------------------------
count_gpos() { ldap -b "CN=Policies,CN=System,$LAB_BASE_DN" -s one "(objectClass=groupPolicyContainer)" dn | grep -c '^dn:'; }
before=$(count_gpos)
expect 1 "create refuses a name that exists" -- "$GPO_CEP" create "${AUTH[@]}" "$work/policy.json"
grep_in err "use 'gpo-cep update'" "the refusal names update"
printf 'not-the-password\n' > "$work/wrong"
expect 1 "wrong password" -- "$GPO_CEP" create --domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_ADMIN" --password-file "$work/wrong" --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF" --name "other $tag" "$work/policy.json"
grep_in err "wrong user name or password" "wrong password is named"
expect 1 "unreachable DC" -- "$GPO_CEP" create --domain "$LAB_REALM" --dc 127.0.0.99 -U "$LAB_ADMIN" --password-file "$LAB_PASSWORD_FILE" --ca-file "$LAB_CA_CERT" --timeout 3 --name "other $tag" "$work/policy.json"
grep_in err "cannot reach the DC" "unreachable DC is named"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=other CA" -keyout "$work/other.key" -out "$work/other.pem" 2>/dev/null
expect 1 "a CA that did not sign the DC's certificate" -- "$GPO_CEP" create --domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_ADMIN" --password-file "$LAB_PASSWORD_FILE" --ca-file "$work/other.pem" --smb-conf "$LAB_CLIENT_CONF" --name "other $tag" "$work/policy.json"
grep_in err "the certificate of $LAB_IP is issued by '.*', which --ca-file $work/other.pem does not trust" \
	"TLS verification failure is named, with the certificate's issuer"
grep_in err "a Samba DC keeps the CA it made in /var/lib/samba/private/tls/ca.pem" "  and where a Samba DC keeps its CA"
expect 1 "the same over LDAPS" -- "$GPO_CEP" list --domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_ADMIN" --password-file "$LAB_PASSWORD_FILE" --ca-file "$work/other.pem" --smb-conf "$LAB_CLIENT_CONF" --ldaps
grep_in err "cannot reach the DC (ldaps://$LAB_IP): the certificate of $LAB_IP is issued by" "  named the same way"
expect 0 "-U Administrator, a bare name as samba-tool takes it (user@REALM)" -- "$GPO_CEP" list --domain "$LAB_REALM" --dc "$LAB_IP" -U Administrator --password-file "$LAB_PASSWORD_FILE" --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF"
samba-tool user create gpo-cep-nobody "Nobody-pw-9x!" -H "$LAB_SAM_LDB" -s "$LAB_DC_CONF" >/dev/null 2>&1 || true
printf 'Nobody-pw-9x!\n' > "$work/nobody"
expect 1 "a user without rights" -- "$GPO_CEP" create --domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_DOMAIN\\gpo-cep-nobody" --password-file "$work/nobody" --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF" --name "nobody $tag" "$work/policy.json"
grep_in err "may not create GPOs in $realm: it lacks the right to create groupPolicyContainer objects" "missing rights are named"
count_calls "$GPO_CEP" create "${AUTH[@]}" --name "rollback count $tag" "$work/policy.json"
"$GPO_CEP" delete "${AUTH[@]}" --gpo "rollback count $tag" >/dev/null 2>&1
before=$(count_gpos)
for point in "ldap_add CN=\{" "ldap_add CN=User" "smb_mkdir " "spawn " "smb_open .*gpo-cep-new" "ldap_modify CN=\{"; do
	at=$(call_no "$point")
	with_fault "$at" fail "$GPO_CEP" create "${AUTH[@]}" --name "rollback $at $tag" "$work/policy.json" >"$work/out" 2>"$work/err"; got=$?
	if [ "$got" -eq 1 ]; then pass "create failing at call $at ($point) fails (exit 1)"; else fail "create failing at call $at ($point): exit $got"; fi
	if [ "$point" != "ldap_add CN=\{" ]; then grep_in err "was removed: nothing was changed" "  the half-made GPO was removed"; fi
done
check "no GPO was left behind by any refusal" test "$(count_gpos)" -eq "$before"
smb -c "ls $realm/Policies/*" > "$work/folders" 2>&1
check "no SYSVOL folder was left behind" test "$(grep -c '^  {' "$work/folders")" -eq "$before"
expect 0 "dry run" -- "$GPO_CEP" create "${AUTH[@]}" --name "dry run $tag" --dry-run "$work/policy.json"
grep_in out "would create GPO 'dry run $tag'" "dry run says what it would do"
check "dry run created nothing" test "$(count_gpos)" -eq "$before"
expect 0 "create --dry-run --json" -- "$GPO_CEP" create "${AUTH[@]}" --name "dry run $tag" --dry-run --json --link "$LAB_BASE_DN" "$work/policy.json"
check "  JSON with the name, version, files and the link it would make" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == sys.argv[2] and d["version"]["number"] == 65537 and d["guid"] is None, d
assert {f["path"] for f in d["files"]} >= {"GPT.INI", "Machine/Registry.pol"}, d["files"]
assert all(len(f["sha256"]) == 64 and f["bytes"] > 0 for f in d["files"]), d["files"]
assert [l["dn"] for l in d["links"]] == [sys.argv[3]], d["links"]
' "$work/out" "dry run $tag" "$LAB_BASE_DN"
expect 4 "apply --dry-run --json of a GPO that does not exist" -- "$GPO_CEP" apply "${AUTH[@]}" --gpo "dry run $tag" --dry-run --json --link "$LAB_BASE_DN" "$work/policy.json"
check "  JSON: not created, the link pending" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["created"] is False and d["changed"] is True and d["name"] == sys.argv[2], d
assert d["links"] == [{"dn": sys.argv[3], "change": "pending"}], d["links"]
' "$work/out" "dry run $tag" "$LAB_BASE_DN"
check "  and still nothing created" test "$(count_gpos)" -eq "$before"

# --- Kerberos, and finding the DC through DNS ------------------------------------------
# A private mount namespace gives the lab's hosts and resolv.conf to the tools
# (works for sanitizer builds, unlike nss_wrapper).
in_lab() { unshare -m -- sh -c 'mount --bind "$LAB_HOSTS_FILE" /etc/hosts &&
	mount --bind "$LAB_RESOLV_CONF" /etc/resolv.conf && exec "$@"' sh "$@"; }
export KRB5_CONFIG="$LAB_KRB5_CONFIG" KRB5CCNAME="FILE:$work/ccache"
KAUTH=(--domain "$LAB_REALM" --kerberos --smb-conf "$LAB_CLIENT_CONF")
expect 1 "Kerberos without a ticket" -- in_lab "$GPO_CEP" create "${KAUTH[@]}" --dc "$LAB_FQDN" --name "krb $tag" "$work/policy.json"
grep_in err "no Kerberos ticket" "a missing ticket is named"
kinit "$LAB_ADMIN_UPN" < "$LAB_PASSWORD_FILE" >/dev/null 2>&1
expect 0 "create with Kerberos, the DC found through DNS SRV" -- in_lab "$GPO_CEP" create "${KAUTH[@]}" --name "gpo-cep krb $tag" --json "$work/policy.json"
kguid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["guid"])' "$work/out" 2>/dev/null)
check "the Kerberos GPO exists in LDAP" test -n "$(ldap -b "CN=$kguid,CN=Policies,CN=System,$LAB_BASE_DN" -s base dn 2>/dev/null)"
smb -c "ls $realm/Policies/$kguid/Machine/Registry.pol" > "$work/kls" 2>&1
check "the Kerberos GPO's files are in SYSVOL" grep -q "Registry.pol" "$work/kls"
expect 0 "delete with Kerberos" -- in_lab "$GPO_CEP" delete "${KAUTH[@]}" --dc "$LAB_FQDN" --gpo "$kguid"
expect 1 "no DC found for an unknown realm" -- in_lab "$GPO_CEP" create --domain nowhere.invalid --kerberos --name x "$work/policy.json"
grep_in err "no domain controller found for 'nowhere.invalid'" "a realm without DCs is named"
kdestroy >/dev/null 2>&1
kinit -l 2s "$LAB_ADMIN_UPN" < "$LAB_PASSWORD_FILE" >/dev/null 2>&1
sleep 3
expect 1 "an expired ticket" -- in_lab "$GPO_CEP" list "${KAUTH[@]}" --dc "$LAB_FQDN"
grep_in err "the Kerberos ticket has expired" "an expired ticket is named"
kdestroy >/dev/null 2>&1
unset KRB5CCNAME
expect 0 "LDAPS instead of StartTLS" -- "$GPO_CEP" list "${AUTH[@]}" --ldaps
expect 0 "connect: the lab DC's settings, tested" -- "$GPO_CEP" connect "${AUTH[@]}"
grep_in out "^ldap      ldap://$LAB_IP, StartTLS (TLS 1.2 or later, certificate verified)" "  LDAP over StartTLS, verified"
grep_in out "^bound as  .*Administrator (S-1-5-21-[0-9-]*-500)" "  the account the DC bound, with its SID"
grep_in out "signing required: readable" "  SYSVOL over SMB with signing required"
grep_in out "^ok " "  every step works"
expect 0 "connect --json" -- "$GPO_CEP" connect "${AUTH[@]}" --json
check "  {ok, pdc, identity.sid, sysvol, ldap_security}" /usr/bin/python3 -c "
import json
d = json.load(open('$work/out'))
assert d['ok'] is True and d['pdc'] is True and d['domain_from'] == '--domain', d
assert d['identity']['sid'].endswith('-500') and d['identity']['from'] == '-U', d
assert d['sysvol'].endswith('\\\\Policies') and d['ldap_security'].startswith('StartTLS'), d
assert '$LAB_IP' in d['addresses'] or d['dc'] == '$LAB_IP', d"
expect 0 "the password from GPO_CEP_PASSWORD" -- env GPO_CEP_PASSWORD="$(cat "$LAB_PASSWORD_FILE")" "$GPO_CEP" list --domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_ADMIN_UPN" --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF"

# --- completion: GPO names and link targets asked of the domain, as a profile connects ----
printf '[lab]\ndomain = %s\ndc = %s\nuser = %s\npassword-file = %s\nca-file = %s\nsmb-conf = %s\n' \
	"$LAB_REALM" "$LAB_IP" "$LAB_ADMIN" "$LAB_PASSWORD_FILE" "$LAB_CA_CERT" "$LAB_CLIENT_CONF" > "$work/lab.conf"
expect 0 "--complete gpos lab: the domain's GPO names" -- env GPO_CEP_CONFIG="$work/lab.conf" "$GPO_CEP" --complete gpos lab
grep_in out "^$name\$" "  this run's GPO among them"
grep_in out "^Default Domain Policy\$" "  and the provisioned ones"
expect 0 "--complete targets lab: the domain and its OUs" -- env GPO_CEP_CONFIG="$work/lab.conf" "$GPO_CEP" --complete targets lab
check "  the domain first, then OU=Domain Controllers" sh -c 'test "$(head -1 "$1")" = "$2" && grep -qi "^OU=Domain Controllers,$2\$" "$1"' sh "$work/out" "$LAB_BASE_DN"
bash_words() { # LINE: what bash completion offers at its end
	PATH="$(dirname "$GPO_CEP"):$PATH" GPO_CEP_CONFIG="$work/lab.conf" bash -c 'source /usr/share/bash-completion/bash_completion; source "$1"; COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<"$2"; [[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _gpo_cep; printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$BUILD_ROOT/completion/gpo-cep" "$1"
}
bash_words "gpo-cep show --profile lab --gpo gpo-cep" > "$work/out"
grep_in out "^${name// /\\\\ }\$" "bash: --gpo offers the GPO names, spaces escaped"
bash_words "gpo-cep link --profile lab --gpo x --target OU=Dom" > "$work/out"
grep_in out "^OU=Domain\\\\ Controllers,$LAB_BASE_DN\$" "bash: --target offers the OUs"
PATH="$(dirname "$GPO_CEP"):$PATH" GPO_CEP_CONFIG="$work/lab.conf" fish -c 'source $argv[1]; complete -C $argv[2]' \
	"$BUILD_ROOT/completion/gpo-cep.fish" "gpo-cep delete --profile=lab --gpo " | cut -f1 > "$work/out"
grep_in out "^$name\$" "fish: --gpo offers the GPO names"

# --- acl: the SYSVOL ACL against the container's ---------------------------------------
cacls() { smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$@"; }
expect 0 "acl: a GPO made by create is in sync" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$name"
grep_in out "SYSVOL ACL matches its container" "  says so"
expect 0 "acl --all: the domain's GPOs, the provisioned ones included" -- "$GPO_CEP" acl "${AUTH[@]}" --all --json
if /usr/bin/python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["gpos"]; assert len(g) >= 3 and all(x["in_sync"] for x in g), g' "$work/out"; then pass "  every GPO in sync, as JSON"; else fail "  acl --all --json"; fi
# drift on the folder: someone grants Everyone full control in Explorer
cacls "$realm/Policies/$guid" --add "ACL:S-1-1-0:ALLOWED/OI|CI/FULL" >/dev/null 2>&1
expect 4 "acl: an entry added to the folder is drift" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$name"
grep_in out "extra:   (A;OICI;0x001f01ff;;;S-1-1-0)" "  the extra entry in SDDL"
gpo_aclcheck "$LAB_IP" "$guid" > "$work/aclcheck" 2>&1
check "  samba-tool gpo aclcheck's comparison sees it too" grep -q "^$guid: Invalid GPO ACL" "$work/aclcheck"
# drift on the container: delegation to Domain Users edited in AD only
PASSWD=$(cat "$LAB_PASSWORD_FILE") samba-tool dsacl set --objectdn="$dn" --sddl="(A;CI;RPLCLORC;;;DU)" \
	-H "ldap://$LAB_IP" -s "$LAB_CLIENT_CONF" -U Administrator >/dev/null 2>&1
expect 4 "acl --json: and an entry added to the container" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid" --json
if /usr/bin/python3 - "$work/out" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["gpos"][0]
assert not g["in_sync"] and not g["repaired"]
assert g["extra"] == ["(A;OICI;0x001f01ff;;;S-1-1-0)"], g["extra"]
assert len(g["missing"]) == 1 and g["missing"][0].startswith("(A;OICI;0x001200a9;;;S-1-5-21-") and g["missing"][0].endswith("-513)"), g["missing"]
PY
then pass "  missing Domain Users read, extra Everyone full control"; else fail "  acl --json diff"; fi
expect 0 "acl --repair" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$name" --repair
grep_in out "added:   (A;OICI;0x001200a9;;;S-1-5-21-.*-513)" "  names what it added"
grep_in out "removed: (A;OICI;0x001f01ff;;;S-1-1-0)" "  and what it removed"
expect 0 "acl: in sync after the repair" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$name"
check "  samba-tool gpo aclcheck's comparison passes again" gpo_aclcheck "$LAB_IP" "$guid"
cacls "$realm/Policies/$guid/GPT.INI" > "$work/gptacl" 2>&1
check "  the files inside inherit the new entry (GPT.INI readable by Domain Users)" grep -q "Domain Users:ALLOWED/I/READ" "$work/gptacl"
check "  and lost the removed one" sh -c "! grep -q 'Everyone' '$work/gptacl'"
samba_tool dsacl get --objectdn="$dn" > "$work/sd" 2>&1
check "  the container keeps the Domain Users entry" grep -q "(A;CI;RPLCLORC;;;DU)" "$work/sd"
expect 0 "acl --repair when in sync changes nothing" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$name" --repair
grep_in out "matches its container" "  and says so"
expect 2 "acl needs --gpo or --all" -- "$GPO_CEP" acl "${AUTH[@]}"
expect 1 "acl of a GPO that does not exist" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "no such GPO"

# --- delete -----------------------------------------------------------------------------
expect 0 "delete by name" -- "$GPO_CEP" delete "${AUTH[@]}" --gpo "$name"
check "the container is gone" test -z "$(ldap -b "$dn" -s base dn 2>/dev/null)"
ldap -b "$LAB_BASE_DN" -s base gPLink > "$work/gplink" 2>&1
check "the domain link is gone" sh -c "! grep -q '$guid' '$work/gplink'"
ldap -b "$ou" -s base gPLink > "$work/gplink" 2>&1
check "the OU link is gone too" sh -c "! grep -q '$guid' '$work/gplink'"
smb -c "ls $realm/Policies/$guid" > "$work/gone" 2>&1
check "the SYSVOL folder is gone" grep -q "NT_STATUS_OBJECT_NAME_NOT_FOUND\|NT_STATUS_NO_SUCH_FILE\|NT_STATUS_OBJECT_PATH_NOT_FOUND" "$work/gone"
expect 1 "delete of a GPO that does not exist" -- "$GPO_CEP" delete "${AUTH[@]}" --gpo "$name"
grep_in err "no GPO '$name'" "not found is named"

done_testing
