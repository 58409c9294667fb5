#!/bin/bash
# Security filtering, delegation and link order on the lab DC, proved with
# Samba's own code: libgpo's ads_get_gpo_list (the client's Apply Group
# Policy and Read check, and the order it applies GPOs in), Samba's
# access_check and SDDL writer, samba-tool gpo aclcheck.  gpo_access.py
# holds the Python side.
set -u
umask 077
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d)
. "$SRC/tests/lib.sh"
need_lab
trap 'rm -rf "$work"' EXIT
lab_tools
tag=$$-$RANDOM
ou="OU=targeting-$tag,$LAB_BASE_DN"
group="Web Servers $tag"
access() { env LAB_DOMAIN="$LAB_DOMAIN" /usr/bin/python3 "$SRC/tests/domain/gpo_access.py" "$@"; }
# libgpo needs the DC by name: the lab's hosts and resolv.conf, its krb5.conf
in_lab_ns() { unshare -m -- sh -c 'mount --bind "$LAB_HOSTS_FILE" /etc/hosts &&
	mount --bind "$LAB_RESOLV_CONF" /etc/resolv.conf && exec "$@"' sh "$@"; }
applied_to() { # USER [PASSWORD-FILE]: the GUIDs Samba's client applies to USER, in its order
	rm -f "$work/list.ccache"
	in_lab_ns env KRB5_CONFIG="$LAB_KRB5_CONFIG" KRB5CCNAME="FILE:$work/list.ccache" \
		LAB_DOMAIN="$LAB_DOMAIN" /usr/bin/python3 "$SRC/tests/domain/gpo_access.py" list "$@" \
		> "$work/applied" || return 1
	awk '{print $1}' "$work/applied"
}
# a list that was really read (it always holds the local policy) that has the GPO, or not
gets() { applied_to "$1" ${3:+"$3"} > "$work/a.out" && grep -qx "$2" "$work/a.out"; }
misses() { applied_to "$1" ${3:+"$3"} > "$work/a.out" && grep -qx Local "$work/a.out" &&
	! grep -qx "$2" "$work/a.out"; }
gpo_guid() { ldap -b "CN=Policies,CN=System,$LAB_BASE_DN" -s one "(displayName=$1)" cn | sed -n 's/^cn: //p'; }
aclcheck_clean() { gpo_aclcheck "$LAB_IP" "$1"; } # GUID: samba-tool's aclcheck passes it
has_entries() { # GUID SDDL-ENTRY...: the container holds each, compared as Samba writes SDDL
	local g=$1; shift
	access dacl "$g" > "$work/dacl" && access norm "$@" > "$work/want" &&
		sort "$work/dacl" > "$work/dacl.sorted" && sort "$work/want" |
		comm -23 - "$work/dacl.sorted" | (! grep .)
}
lacks_entry() { access dacl "$1" > "$work/dacl" && ! grep -qxF "$(access norm "$2")" "$work/dacl"; }
uchanged() { ldap -b "CN=$1,CN=Policies,CN=System,$LAB_BASE_DN" -s base uSNChanged | sed -n 's/^uSNChanged: //p'; }

samba_tool ou create "$ou" >/dev/null 2>&1
samba_tool group add "$group" >/dev/null 2>&1
pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')Aa1!
for u in in out; do
	samba-tool user create "tg-$u-$$" "$pw" --userou="OU=targeting-$tag" -H "$LAB_SAM_LDB" \
		-s "$LAB_DC_CONF" >/dev/null 2>&1
done
# and two computers, the targets of computer policy
for c in in out; do
	samba-tool computer create "tgpc-$c-$$" --computerou="OU=targeting-$tag" -H "$LAB_SAM_LDB" \
		-s "$LAB_DC_CONF" >/dev/null 2>&1
done
samba_tool group addmembers "$group" "tg-in-$$,tgpc-in-$$\$" >/dev/null 2>&1
# the computers ask under their own credentials, as samba-gpupdate does
printf '%s\n' "$pw" > "$work/pc.pw"
for c in in out; do
	samba-tool user setpassword "tgpc-$c-$$\$" --newpassword="$pw" -H "$LAB_SAM_LDB" \
		-s "$LAB_DC_CONF" >/dev/null 2>&1
done
member=tg-in-$$ ; other=tg-out-$$ ; pc_in="tgpc-in-$$\$" ; pc_out="tgpc-out-$$\$"
apply_guid=edacfd8f-ffb3-11d1-b41d-00a0c968f939

# --- a new GPO: GPMC's levels, applied to everyone ---------------------------
sed "s/\"name\": \"[^\"]*\"/\"name\": \"targeting $tag\"/" "$SRC/templates/kerberos.json" > "$work/a.json"
expect 0 "create a GPO linked to an OU" -- "$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/a.json"
guid=$(gpo_guid "targeting $tag")
expect 0 "permissions --json" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" --json
check "  Authenticated Users: apply; Domain Admins: edit-security; no problem" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["permissions"]
t = {x["sid"]: x for x in d["trustees"]}
assert t["S-1-5-11"]["level"] == "apply" and t["S-1-5-11"]["apply"], t["S-1-5-11"]
da = [x for x in d["trustees"] if x["name"].endswith("\\Domain Admins")][0]
assert da["level"] == "edit-security", da
assert t["S-1-3-0"]["level"] == "custom" and t["S-1-3-0"]["custom_entries"], t["S-1-3-0"]
assert d["problems"] == [], d
' "$work/out"
check "Samba's client applies it to a user in the OU" gets "$member" "$guid"
check "  and to the other one" gets "$other" "$guid"

# --- security filtering: the group, Authenticated Users kept reading --------
expect 4 "--dry-run of filtering to the group" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--grant apply "$LAB_DOMAIN\\$group" --grant read "Authenticated Users" --dry-run
grep_in out "would change $LAB_DOMAIN\\\\$group: None -> Read, Apply" "  says what would change"
check "  and changes nothing" gets "$other" "$guid"
usn=$(uchanged "$guid")
expect 0 "filter to the group (GPMC's Add in the Scope tab, AU down to Read)" -- \
	"$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" --grant apply "$LAB_DOMAIN\\$group" --grant read AU
gsid=$("$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" --json | /usr/bin/python3 -c 'import json, sys
print([t["sid"] for t in json.load(sys.stdin)["permissions"]["trustees"] if t["name"].endswith(sys.argv[1])][0])' "$group")
check "the container holds GPMC's pair for the group, as Samba writes SDDL" \
	has_entries "$guid" "(A;CI;LCRPLORC;;;$gsid)" "(OA;CI;CR;$apply_guid;;$gsid)" "(A;CI;LCRPLORC;;;AU)"
check "  and Authenticated Users no longer has Apply" lacks_entry "$guid" "(OA;CI;CR;$apply_guid;;AU)"
check "  GPMC's other entries kept" has_entries "$guid" "(A;CI;LCRPLORC;;;ED)" \
	"(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)" "(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;EA)" \
	"(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)" "(A;CIIO;CCDCLCSWRPWPDTLOSDRCWDWO;;;CO)"
check "Samba's client applies it to the group's member" gets "$member" "$guid"
check "  and no longer to the user outside the group" misses "$other" "$guid"
check "  to the computer in the group, asking with its own credentials" gets "$pc_in" "$guid" "$work/pc.pw"
check "  and not to the computer outside it" misses "$pc_out" "$guid" "$work/pc.pw"
check "the computer outside may still read it: user policy reaches its users (MS16-072)" \
	test "$(access read "$pc_out" "$guid")" = yes
check "samba-tool gpo aclcheck passes" aclcheck_clean "$guid"
expect 0 "acl: the SYSVOL ACL follows the container" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid"
usn=$(uchanged "$guid")
expect 0 "the same again" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--grant apply "$group@$LAB_REALM" --grant read "NT AUTHORITY\\Authenticated Users"
grep_in out "nothing to change" "  says there is nothing to change"
check "  and writes nothing (uSNChanged unchanged)" test "$(uchanged "$guid")" = "$usn"

# --- deny ----------------------------------------------------------------------
expect 0 "deny the group Apply" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--deny-apply "$LAB_DOMAIN\\$group" --force
check "  GPMC's deny entry" has_entries "$guid" "(OD;CI;CR;$apply_guid;;$gsid)"
check "  Samba's client no longer applies it to the member" misses "$member" "$guid"
check "  nor to the computer in the group" misses "$pc_in" "$guid" "$work/pc.pw"
check "  samba-tool gpo aclcheck passes" aclcheck_clean "$guid"
expect 0 "apply again ends the deny" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--grant apply "$gsid"
check "  the member gets it again" gets "$member" "$guid"
check "  the deny is gone" lacks_entry "$guid" "(OD;CI;CR;$apply_guid;;$gsid)"

# --- guards: refused means nothing changed -------------------------------------
usn=$(uchanged "$guid")
expect 1 "revoking Authenticated Users' Read (the MS16-072 trap)" -- \
	"$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" --revoke "Authenticated Users"
grep_in err "MS16-072" "  says why"
grep_in err "nothing was changed" "  and that nothing was changed"
expect 1 "revoking the only Apply" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--revoke "$LAB_DOMAIN\\$group"
grep_in err "applies to nobody" "  says why"
check "  neither wrote anything" test "$(uchanged "$guid")" = "$usn"
expect 2 "an unknown trustee (invalid input)" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" --grant apply "Web Servers $$"
grep_in err "similar names: .*$group" "  suggests similar names"
expect 2 "a trustee of another domain" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--grant apply "OTHER\\$group"
expect 2 "an unknown level" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" --grant owner AU
check "  nothing written by any of them" test "$(uchanged "$guid")" = "$usn"
expect 0 "--force makes the change anyway" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--revoke "Authenticated Users" --force
expect 0 "list --json" -- "$GPO_CEP" list "${AUTH[@]}" --json
check "  flags the GPO: no-computer-read" /usr/bin/python3 -c '
import json, sys
g = {g["guid"]: g for g in json.load(open(sys.argv[1]))["gpos"]}[sys.argv[2]]
assert g["permission_problems"] == ["no-computer-read"] and "MS16-072" in g["problems"], g
' "$work/out" "$guid"
expect 0 "list" -- "$GPO_CEP" list "${AUTH[@]}"
grep_in out "note: .*MS16-072" "  says so in text"
expect 0 "permissions shows the problem" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid"
grep_in out "problem: .*Domain Computers may read" "  in words"
expect 0 "Authenticated Users reading again" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--grant read "Authenticated Users"

# --- delegation -------------------------------------------------------------------
expect 0 "delegate Edit settings to the group" -- "$GPO_CEP" permissions "${AUTH[@]}" --gpo "$guid" \
	--grant edit "$LAB_DOMAIN\\$group"
check "  GPMC's Edit entry, Apply kept" has_entries "$guid" "(A;CI;CCDCLCSWRPWPLORC;;;$gsid)" \
	"(OA;CI;CR;$apply_guid;;$gsid)"
check "  the Read entry replaced" lacks_entry "$guid" "(A;CI;LCRPLORC;;;$gsid)"
check "  the member still gets it" gets "$member" "$guid"
expect 0 "the member edits the GPO" -- "$GPO_CEP" update --domain "$LAB_REALM" --dc "$LAB_IP" \
	-U "$LAB_DOMAIN\\$member" --password-file <(printf '%s\n' "$pw") --ca-file "$LAB_CA_CERT" \
	--smb-conf "$LAB_CLIENT_CONF" --gpo "$guid" "$work/a.json"
check "samba-tool gpo aclcheck passes" aclcheck_clean "$guid"

# --- link order: what Samba's client applies last wins ----------------------------
for x in two three; do
	sed "s/\"name\": \"[^\"]*\"/\"name\": \"targeting $tag $x\"/" "$SRC/templates/kerberos.json" > "$work/$x.json"
	"$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/$x.json" >/dev/null 2>&1
done
g2=$(gpo_guid "targeting $tag two"); g3=$(gpo_guid "targeting $tag three")
ldap -b "$ou" -s base gPLink | sed -n 's/^gPLink: //p' > "$work/gplink"
check "new links go first in gPLink (the lowest precedence)" \
	grep -q "^\[LDAP://CN=$g3,[^]]*\]\[LDAP://CN=$g2,[^]]*\]\[LDAP://CN=$guid," "$work/gplink"
applied_to "$other" | grep -x -e "$guid" -e "$g2" -e "$g3" | tr '\n' ' ' > "$work/order"
check "Samba's client applies the OU's GPOs in gPLink order, the first created last" \
	test "$(cat "$work/order")" = "$g3 $g2 "
expect 0 "list --json gives each link's order" -- "$GPO_CEP" list "${AUTH[@]}" --json
check "  1 for the first created, 3 for the last" /usr/bin/python3 -c '
import json, sys
d = {g["guid"]: g for g in json.load(open(sys.argv[1]))["gpos"]}
order = lambda g: [l["order"] for l in d[g]["links"] if l["dn"].lower() == sys.argv[2].lower()]
assert order(sys.argv[3]) == [1] and order(sys.argv[4]) == [2] and order(sys.argv[5]) == [3], d
' "$work/out" "$ou" "$guid" "$g2" "$g3"
expect 0 "link --order 1 moves the last created to the highest precedence" -- \
	"$GPO_CEP" link "${AUTH[@]}" --gpo "$g3" --target "$ou" --order 1
grep_in out "moved from link order 3 to 1" "  says so"
applied_to "$member" | grep -x -e "$guid" -e "$g2" -e "$g3" | tr '\n' ' ' > "$work/order"
check "  Samba's client now applies it last" test "$(cat "$work/order")" = "$g2 $guid $g3 "
expect 0 "the same again" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$g3" --target "$ou" --order 1
grep_in out "link order 1: no change" "  no change"
sed "s/\"name\": \"[^\"]*\"/\"name\": \"targeting $tag four\"/" "$SRC/templates/kerberos.json" > "$work/four.json"
expect 0 "create --order 2" -- "$GPO_CEP" create "${AUTH[@]}" --link "$ou" --order 2 "$work/four.json"
g4=$(gpo_guid "targeting $tag four")
applied_to "$member" | grep -x -e "$guid" -e "$g2" -e "$g3" -e "$g4" | tr '\n' ' ' > "$work/order"
check "  it is applied just before the one at order 1" test "$(cat "$work/order")" = "$g2 $guid $g4 $g3 "
expect 2 "--order 0 is refused" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$g3" --target "$ou" --order 0

# --- the policy file's "permissions": create, update, apply ----------------------
perm_policy() { # FILE NAME PERMISSIONS-JSON
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["name"] = sys.argv[3]; d["permissions"] = json.loads(sys.argv[4])
json.dump(d, open(sys.argv[2], "w"), indent=2)' "$SRC/templates/kerberos.json" "$1" "$2" "$3"
}
fname="targeting $tag file"
perm_policy "$work/pf-unknown.json" "$fname" '{"apply_to": ["no such group '$$'"]}'
expect 2 "create with a trustee the domain does not know" -- "$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/pf-unknown.json"
grep_in err "pf-unknown.json: /permissions/apply_to/0: no account or group" "  names the file and the pointer"
check "  nothing was created" test -z "$(gpo_guid "$fname")"
perm_policy "$work/pf.json" "$fname" '{"apply_to": ["'"$LAB_DOMAIN\\\\$group"'"], "edit": ["'"$member@$LAB_REALM"'"]}'
expect 0 "create a GPO filtered to the group by its policy file" -- "$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/pf.json"
grep_in out "permissions changed: $LAB_DOMAIN.$group: None -> Read, Apply" "  says what it set"
fg=$(gpo_guid "$fname")
check "  Samba's client applies it to the member" gets "$member" "$fg"
check "  and not to the other user" misses "$other" "$fg"
check "  the container holds GPMC's entries" has_entries "$fg" "(A;CI;LCRPLORC;;;$gsid)" \
	"(OA;CI;CR;$apply_guid;;$gsid)" "(A;CI;LCRPLORC;;;AU)"
check "  samba-tool gpo aclcheck passes" aclcheck_clean "$fg"
usn=$(uchanged "$fg")
expect 0 "apply of the same file" -- "$GPO_CEP" apply "${AUTH[@]}" "$work/pf.json"
no_grep_in out "permissions" "  changes no permission"
check "  and writes nothing" test "$(uchanged "$fg")" = "$usn"
perm_policy "$work/pf2.json" "$fname" '{"apply_to": ["Authenticated Users"], "deny_apply": ["'"$gsid"'"]}'
expect 4 "update --dry-run of a file that filters to everyone again but denies the group" -- \
	"$GPO_CEP" update "${AUTH[@]}" --dry-run "$work/pf2.json"
grep_in out "permissions would change: Authenticated Users: Read -> Read, Apply" "  Authenticated Users back in the filter"
grep_in out "permissions would change: $LAB_DOMAIN.$group: .*denied Apply" "  the group denied"
check "  writes nothing" test "$(uchanged "$fg")" = "$usn"
expect 0 "update --json" -- "$GPO_CEP" update "${AUTH[@]}" --json "$work/pf2.json"
check "  the permission changes in JSON" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["changed"] and {c["name"]: c["after"] for c in d["permissions"]}.get("Authenticated Users") == "apply", d
' "$work/out"
check "  the other user gets it" gets "$other" "$fg"
check "  the member does not" misses "$member" "$fg"
expect 0 "show --domain reads the permissions back into the policy" -- "$GPO_CEP" show "${AUTH[@]}" --gpo "$fg"
cp "$work/out" "$work/shown.json"
check "  apply_to, deny_apply and the levels: SIDs, and names that are the same everywhere" /usr/bin/python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["permissions"]
assert p["apply_to"] == ["Authenticated Users"] and p["deny_apply"] == [sys.argv[2]], p
assert len(p["edit"]) == 1 and p["edit"][0].startswith("S-1-5-21-"), p
assert "SYSTEM" in p["edit_delete_modify_security"], p
' "$work/shown.json" "$gsid"
usn=$(uchanged "$fg")
expect 0 "update with what show printed" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$fg" "$work/shown.json"
no_grep_in out "permissions" "  changes no permission (a round trip)"
check "  and writes nothing" test "$(uchanged "$fg")" = "$usn"
perm_policy "$work/pf-edit.json" "$fname" '{"edit": ["'"$other@$LAB_REALM"'"]}'
expect 4 "a file that only delegates (no apply_to)" -- "$GPO_CEP" update "${AUTH[@]}" --dry-run "$work/pf-edit.json"
grep_in out "permissions would change: $LAB_DOMAIN.$other: None -> Edit settings" "  adds the editor"
no_grep_in out "Authenticated Users" "  and leaves the filter as it is"
perm_policy "$work/pf-both.json" "$fname" '{"apply_to": ["'"$LAB_DOMAIN\\\\$group"'"], "deny_apply": ["'"$gsid"'"]}'
expect 2 "a trustee in apply_to and deny_apply under two spellings" -- "$GPO_CEP" update "${AUTH[@]}" "$work/pf-both.json"
grep_in err "/permissions/deny_apply/0: '$gsid' is also in apply_to" "  is the file's contradiction, found by SID"
expect 1 "denying Authenticated Users while a group is filtered in" -- "$GPO_CEP" permissions "${AUTH[@]}" \
	--gpo "$fg" --deny-apply AU
grep_in err "denied Apply Group Policy, which wins over every allow: the GPO applies to nobody" "  is refused: nobody would get it"
perm_policy "$work/pf3.json" "$fname" '{"apply_to": []}'
usn=$(uchanged "$fg")
expect 2 "a file whose filter is empty" -- "$GPO_CEP" apply "${AUTH[@]}" "$work/pf3.json"
grep_in err "applies to nobody; nothing was changed" "  is refused"
check "  nothing was written" test "$(uchanged "$fg")" = "$usn"
"$GPO_CEP" delete "${AUTH[@]}" --gpo "$fg" >/dev/null 2>&1

# --- delegating GPO creation: a service account from a keytab, no password ------
svc=tg-svc-$$
samba-tool user create "$svc" "$pw" -H "$LAB_SAM_LDB" -s "$LAB_DC_CONF" >/dev/null 2>&1
samba_tool group addmembers "Group Policy Creator Owners" "$svc" >/dev/null 2>&1
samba-tool domain exportkeytab "$work/svc.keytab" --principal="$svc@$LAB_REALM" -s "$LAB_DC_CONF" >/dev/null 2>&1
as_svc() { in_lab_ns env KRB5_CONFIG="$LAB_KRB5_CONFIG" KRB5CCNAME="FILE:$work/svc.ccache" \
	KRB5_CLIENT_KTNAME="$work/svc.keytab" "$GPO_CEP" "$@" --domain "$LAB_REALM" --kerberos \
	--smb-conf "$LAB_CLIENT_CONF"; }
creators() { "$GPO_CEP" permissions "${AUTH[@]}" --json | /usr/bin/python3 -c 'import json, sys
print("\n".join(json.load(sys.stdin)["gpo_creators"]))'; }
gpco="$LAB_DOMAIN\Group Policy Creator Owners"
creators > "$work/creators.before"
"$GPO_CEP" permissions "${AUTH[@]}" --revoke-create-gpos "$gpco" >/dev/null 2>&1
sed "s/\"name\": \"[^\"]*\"/\"name\": \"targeting $tag svc\"/" "$SRC/templates/kerberos.json" > "$work/svc.json"
expect 1 "create by a Group Policy Creator Owners member before the grant (Samba provisions none)" -- \
	as_svc create "$work/svc.json"
grep_in err "lacks the right to create groupPolicyContainer objects (CreateChild)" "  names the missing right"
grep_in err "gpo-cep permissions --domain .* --create-gpos GROUP" "  and the command that grants it"
check "  nothing was created" test -z "$(gpo_guid "targeting $tag svc")"
expect 0 "permissions --create-gpos 'Group Policy Creator Owners'" -- \
	"$GPO_CEP" permissions "${AUTH[@]}" --create-gpos "$gpco"
grep_in out "Group Policy Creator Owners may now create GPOs" "  says so"
samba_tool dsacl get --objectdn="CN=Policies,CN=System,$LAB_BASE_DN" > "$work/policies.sddl" 2>&1
grep_in policies.sddl "(OA;;CC;f30e3bc2-9ff0-11d1-b603-0000f80367c1;;PA)" "  Windows' entry on CN=Policies, as samba-tool shows it"
expect 0 "  the same again" -- "$GPO_CEP" permissions "${AUTH[@]}" --create-gpos PA
grep_in out "already may create GPOs: no change" "  changes nothing"
expect 0 "the service account creates a GPO, Kerberos from its keytab" -- as_svc create "$work/svc.json"
sg=$(gpo_guid "targeting $tag svc")
check "  samba-tool gpo aclcheck passes" aclcheck_clean "$sg"
expect 0 "  acl: in sync" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$sg"
sed -i 's/"cost": 50/"cost": 41/' "$work/svc.json"
expect 0 "  and updates it" -- as_svc update "$work/svc.json"
expect 1 "  but not another's" -- as_svc update --gpo "$guid" "$work/svc.json"
grep_in err "lacks the right to write 'versionNumber'" "  the right named"
expect 1 "  nor deletes another's" -- as_svc delete --gpo "$guid"
expect 0 "  it deletes its own" -- as_svc delete --gpo "$sg"
expect 0 "--revoke-create-gpos" -- "$GPO_CEP" permissions "${AUTH[@]}" --revoke-create-gpos "$gpco"
grep_in out "may no longer create GPOs" "  says so"
grep -qxF "$gpco" "$work/creators.before" &&
	"$GPO_CEP" permissions "${AUTH[@]}" --create-gpos "$gpco" >/dev/null 2>&1
creators > "$work/creators.after"
check "who may create GPOs is as it was before the test" \
	sh -c 'sort "$1" > "$1.s"; sort "$2" > "$2.s"; cmp "$1.s" "$2.s"' sh "$work/creators.before" "$work/creators.after"
for g in "$guid" "$g2" "$g3" "$g4"; do "$GPO_CEP" delete "${AUTH[@]}" --gpo "$g" >/dev/null 2>&1; done
done_testing
