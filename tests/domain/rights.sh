#!/bin/bash
# Check before you touch: every destructive command run by users with each
# GPMC delegation level (read, edit settings, edit + delete + modify
# security, nothing) succeeds exactly where the rights allow it and
# otherwise changes nothing (LDAP and SYSVOL snapshots identical) and names
# the missing right; the default GPOs are never deleted; concurrent link and
# unlink runs lose nothing; a regression test for each defect of issue #10
# that needs a DC.
set -u
umask 077
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d)
. "$SRC/tests/lib.sh"
need_lab
trap 'rm -rf "$work"' EXIT
lab_tools
tag=$$-$RANDOM
ou="OU=rights-$tag,$LAB_BASE_DN"
samba_tool ou create "$ou" >/dev/null 2>&1
sed "s/\"name\": \"[^\"]*\"/\"name\": \"rights $tag\"/" "$SRC/templates/kerberos.json" > "$work/a.json"
sed 's/"cost": 50/"cost": 40/' "$work/a.json" > "$work/b.json"
gpo_guid() { ldap -b "CN=Policies,CN=System,$LAB_BASE_DN" -s one "(displayName=$1)" cn | sed -n 's/^cn: //p'; }
gplink_of() { ldap -b "$1" -s base gPLink | sed -n 's/^gPLink: //p'; }
# COUNT PATTERN DN: the OU's gPLink holds PATTERN exactly COUNT times
links_count() { [ "$(gplink_of "$3" | grep -o -- "$2" | wc -l)" -eq "$1" ]; }
exists() { ldap -b "$1" -s base dn 2>/dev/null | grep -q '^dn:'; }
gone() { ! exists "$1"; }
count_of() { [ "$(grep -o -- "$2" <<<"$1" | wc -l)" -eq "$3" ]; }   # TEXT PATTERN N
contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }    # TEXT PART
link_options() { gplink_of "$3" | grep -q -- "$1[^]]*;$2\]"; }      # GUID OPTIONS DN
folder_gone() { smb -c "ls $realm/Policies/$1" 2>&1 | grep -q 'NT_STATUS_OBJECT_NAME_NOT_FOUND\|NT_STATUS_NO_SUCH_FILE'; }

# A snapshot of everything a command could touch: the container and its
# children (attributes and descriptor), the links on the domain and the OU,
# the SYSVOL folder (names, sizes, contents, ACL).
snapshot() { # GUID FILE
	local g=$1 out=$2
	{
		ldap -b "CN=$g,CN=Policies,CN=System,$LAB_BASE_DN" -s sub -E '!1.2.840.113556.1.4.801=::MAMCAQc=' \
			'*' nTSecurityDescriptor 2>&1 | grep -v '^\(uSNChanged\|whenChanged\|dSCorePropagationData\):'
		ldap -b "$LAB_BASE_DN" -s base gPLink 2>&1
		ldap -b "$ou" -s base gPLink 2>&1
		rm -rf "$work/snapdir"; mkdir -p "$work/snapdir"
		smb -c "prompt OFF; recurse ON; cd $realm/Policies/$g; lcd $work/snapdir; mget *" >/dev/null 2>&1
		(cd "$work/snapdir" && find . -type f | sort | xargs -r md5sum)
		smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$realm/Policies/$g" 2>&1
	} > "$out"
}
unchanged() { # GUID BEFORE: nothing differs
	snapshot "$1" "$work/after.snap"
	diff "$2" "$work/after.snap"
}

# --- users with GPMC's delegation levels on one GPO ---------------------------
"$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/a.json" >/dev/null 2>&1
guid=$(gpo_guid "rights $tag")
dn="CN=$guid,CN=Policies,CN=System,$LAB_BASE_DN"
pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')Aa1!
printf '%s\n' "$pw" > "$work/user.pw"
declare -A sid
for u in read edit full none; do
	samba-tool user create "rt-$u-$$" "$pw" -H "$LAB_SAM_LDB" -s "$LAB_DC_CONF" >/dev/null 2>&1
	sid[$u]=$(ldap -b "$LAB_BASE_DN" "(sAMAccountName=rt-$u-$$)" objectSid | sed -n 's/^objectSid:: //p' |
		/usr/bin/python3 -c 'import base64,sys
b=base64.b64decode(sys.stdin.read()); n=b[1]
print("S-%d-%d" % (b[0], int.from_bytes(b[2:8], "big")) + "".join("-%d" % int.from_bytes(b[8+4*i:12+4*i], "little") for i in range(n)))')
done
# the ACE forms GPMC writes (issue #13's table)
samba_tool dsacl set --objectdn="$dn" --sddl="(A;CI;LCRPLORC;;;${sid[read]})" >/dev/null 2>&1
samba_tool dsacl set --objectdn="$dn" --sddl="(A;CI;CCDCLCSWRPWPLORC;;;${sid[edit]})" >/dev/null 2>&1
samba_tool dsacl set --objectdn="$dn" --sddl="(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;${sid[full]})" >/dev/null 2>&1
# the folder follows the container (as GPMC keeps it): the delegates can write SYSVOL
expect 0 "the folder's ACL follows the delegations" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid" --repair
as() { # USER command...: a domain command as that user
	local u=$1 cmd=$2; shift 2
	"$GPO_CEP" "$cmd" --domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_DOMAIN\\rt-$u-$$" \
		--password-file "$work/user.pw" --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF" "$@"
}
# refused and nothing changed, the right named
refused() { # DESCRIPTION RIGHT-PATTERN USER command...
	local d=$1 right=$2 u=$3; shift 3
	snapshot "$guid" "$work/before.snap"
	as "$u" "$@" >"$work/out" 2>"$work/err"; local rc=$?
	if [ "$rc" -eq 1 ]; then pass "$d: refused (exit 1)"; else fail "$d: exit $rc, want 1"; fi
	grep_in err "$right" "  names what is missing"
	grep_in err "nothing was changed" "  says nothing was changed"
	check "  and nothing was: LDAP and SYSVOL as before" unchanged "$guid" "$work/before.snap"
}
for u in read none; do
	refused "update as a $u user" "lacks the right to write 'versionNumber'" "$u" update --gpo "$guid" "$work/b.json"
	refused "apply as a $u user" "lacks the right to write 'versionNumber'" "$u" apply "$work/b.json"
	refused "delete as a $u user" "'Delete subtree' (DELETE_TREE)" "$u" delete --gpo "$guid"
done
refused "delete by an 'Edit settings' delegate (issue #10 defect 2)" "'Delete subtree' (DELETE_TREE)" edit delete --gpo "$guid"
# security filtering and delegation need 'modify security' (WRITE_DAC) on the container
for u in read edit none; do
	refused "permissions --grant as a $u user" "may not change the permissions of GPO .* (WRITE_DAC" \
		"$u" permissions --gpo "$guid" --grant apply "Domain Computers"
done
# a policy file whose settings and permissions change: the missing right stops it before
# the settings are written
/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["permissions"] = {"apply_to": ["Authenticated Users", "Domain Computers"]}
json.dump(d, open(sys.argv[2], "w"))' "$work/b.json" "$work/b-perm.json"
refused "update of settings and permissions by an 'Edit settings' delegate" \
	"may not change the permissions of GPO .* (WRITE_DAC" edit update --gpo "$guid" "$work/b-perm.json"
# a difference to repair that gives none of them a right
smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$realm/Policies/$guid" \
	-a "ACL:S-1-5-32-545:ALLOWED/OI|CI/READ" >/dev/null 2>&1
for u in read edit none; do
	refused "acl --repair as a $u user" "may not change the ACL of" "$u" acl --gpo "$guid" --repair
done
# one that gives everyone the right to change the ACL: gone after the first step
smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$realm/Policies/$guid" \
	-a "ACL:S-1-1-0:ALLOWED/OI|CI/FULL" >/dev/null 2>&1
refused "acl --repair by a user whom only the difference lets change the ACL" \
	"would lose that right half-way" read acl --gpo "$guid" --repair
for u in read edit full none; do
	refused "link by a $u user (GPO rights do not reach the OU)" "lacks the right to write its gPLink" "$u" link --gpo "$guid" --target "$LAB_BASE_DN"
done
expect 0 "acl --repair by an 'Edit settings, delete, modify security' delegate" -- as full acl --gpo "$guid" --repair
expect 0 "permissions --grant by an 'Edit settings, delete, modify security' delegate" -- \
	as full permissions --gpo "$guid" --grant read "Domain Computers"
grep_in out "changed .*Domain Computers: None -> Read" "  says what it changed"
expect 0 "  the GPO's SYSVOL ACL follows: acl in sync" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid"
expect 0 "update by an 'Edit settings' delegate" -- as edit update --gpo "$guid" "$work/b.json"
grep_in out "changed" "  it changes the GPO"
expect 0 "apply by an 'Edit settings, delete, modify security' delegate" -- as full apply "$work/a.json"
expect 0 "  the GPO is whole: acl in sync" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid"
refused "delete by that delegate while the GPO is linked to an OU it may not change" \
	"lacks the right to remove its link from '$ou'" full delete --gpo "$guid"
# GPMC's "Link GPOs" on the OU: gPLink and gPOptions
samba_tool dsacl set --objectdn="$ou" \
	--sddl="(OA;;RPWP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;;${sid[full]})(OA;;RPWP;f30e3bbf-9ff0-11d1-b603-0000f80367c1;;${sid[full]})" >/dev/null 2>&1
expect 0 "delete by it once it may link GPOs to the OU" -- as full delete --gpo "$guid"
check "  the container is gone" gone "$dn"
check "  so is the link" links_count 0 "$guid" "$ou"
check "  and the folder" folder_gone "$guid"

# --- deny entries: what the directory denies, SYSVOL denies too ---------------
sed "s/\"name\": \"[^\"]*\"/\"name\": \"rights $tag deny\"/" "$work/a.json" > "$work/deny.json"
"$GPO_CEP" create "${AUTH[@]}" "$work/deny.json" >/dev/null 2>&1
dg=$(gpo_guid "rights $tag deny")
ddn="CN=$dg,CN=Policies,CN=System,$LAB_BASE_DN"
samba_tool dsacl set --objectdn="$ddn" --sddl="(A;CI;CCDCLCSWRPWPLORC;;;${sid[edit]})" >/dev/null 2>&1
samba_tool dsacl set --objectdn="$ddn" --sddl="(A;CI;CCDCLCSWRPWPLORC;;;${sid[full]})" >/dev/null 2>&1
# samba-tool puts it first: a deny before the allow, as Windows orders them
samba_tool dsacl set --objectdn="$ddn" --sddl="(D;CI;WP;;;${sid[edit]})" >/dev/null 2>&1
# the container's DACL as Samba writes SDDL, one entry a line
dacl() { /usr/bin/python3 "$SRC/tests/domain/gpo_access.py" dacl "$dg"; }
dacl > "$work/dacl.before"
expect 0 "acl --repair of a GPO whose container denies a delegate writing" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$dg" --repair
dacl > "$work/dacl.after"
check "  the container's deny stays first, before every allow" \
	sh -c 'head -1 "$1" | grep -q "^(D;CI;WP;;;" && head -1 "$2" | grep -q "^(D;CI;WP;;;"' sh \
	"$work/dacl.before" "$work/dacl.after"
check "  and it keeps every entry (only the allows may be put in SYSVOL's order)" \
	sh -c 'sort "$1" > "$1.s"; sort "$2" > "$2.s"; cmp "$1.s" "$2.s"' sh "$work/dacl.before" "$work/dacl.after"
check "  Samba's access check: on no file or folder does a user get more than the container gives" \
	"$SRC/tests/domain/access_check.py" "$dg" "rt-read-$$" "rt-edit-$$" "rt-full-$$" "rt-none-$$"
cp "$work/check" "$work/access"
# FILE_READ_DATA 0x1 without FILE_WRITE_DATA 0x2 and FILE_APPEND_DATA 0x4
may_read_not_write() { local m; m=$(sed -n "s|^$1 $2 file=\(0x[0-9a-f]*\).*|\1|p" "$work/access")
	[ -n "$m" ] && (( (m & 1) && !(m & 6) )); }
check "  the denied delegate may read Registry.pol, not write it" may_read_not_write "rt-edit-$$" Machine/Registry.pol
may_write() { local m; m=$(sed -n "s|^$1 $2 file=\(0x[0-9a-f]*\).*|\1|p" "$work/access")
	[ -n "$m" ] && (( m & 2 )); }
check "  the other delegate may write it" may_write "rt-full-$$" Machine/Registry.pol
as_smb() { # USER command: smbclient as that user
	printf 'username = rt-%s-%s\npassword = %s\ndomain = %s\n' "$1" "$$" "$pw" "$LAB_DOMAIN" > "$work/$1.auth"
	smbclient -s "$LAB_CLIENT_CONF" -A "$work/$1.auth" "//$LAB_IP/sysvol" -c "$2"
}
echo probe > "$work/probe.txt"
as_smb edit "put $work/probe.txt $realm/Policies/$dg/Machine/probe.txt" > "$work/out" 2>&1
grep_in out "NT_STATUS_ACCESS_DENIED" "  a real SMB write by the denied delegate is refused"
as_smb full "put $work/probe.txt $realm/Policies/$dg/Machine/probe.txt" > "$work/out" 2>&1
no_grep_in out "NT_STATUS_" "  and one by the other delegate succeeds (the DC's file permissions follow)"
# explicit entries inside the folder: reported, and gone after a repair
smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$realm/Policies/$dg/Machine/Registry.pol" \
	-a "ACL:S-1-1-0:ALLOWED/0x0/FULL" >/dev/null 2>&1
smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$realm/Policies/$dg/Machine" \
	-a "ACL:S-1-5-32-545:ALLOWED/OI|CI/FULL" >/dev/null 2>&1
expect 4 "acl of a GPO with full control for Everyone on Machine/Registry.pol and for Users on Machine" -- \
	"$GPO_CEP" acl "${AUTH[@]}" --gpo "$dg"
grep_in out "Machine/Registry.pol: an entry the folder does not hand down: (A;;0x001f01ff;;;S-1-1-0)" "  reports the file's entry"
grep_in out "Machine: an entry the folder does not hand down: (A;OICI;0x001f01ff;;;S-1-5-32-545)" "  and the folder's"
expect 0 "acl --repair" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$dg" --repair
expect 0 "  in sync afterwards" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$dg"
check "  and Samba's access check agrees: nobody gets more than the container gives" \
	"$SRC/tests/domain/access_check.py" "$dg" "rt-read-$$" "rt-none-$$" "Guest"
"$GPO_CEP" delete "${AUTH[@]}" --gpo "$dg" >/dev/null 2>&1

# an allow before a deny: Windows would not write it, gpo-cep does not reorder it
"$GPO_CEP" create "${AUTH[@]}" "$work/deny.json" >/dev/null 2>&1
dg=$(gpo_guid "rights $tag deny")
ddn="CN=$dg,CN=Policies,CN=System,$LAB_BASE_DN"
samba_tool dsacl set --objectdn="$ddn" --sddl="(D;CI;WP;;;${sid[edit]})" >/dev/null 2>&1
samba_tool dsacl set --objectdn="$ddn" --sddl="(A;CI;CCDCLCSWRPWPLORC;;;${sid[edit]})" >/dev/null 2>&1
dacl > "$work/dacl.before"
expect 0 "acl --repair of a container with an allow before a deny" -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$dg" --repair
check "  the container keeps its order (which decides what the delegate may do)" sh -c "test \"\$1\" = \"\$(cat '$work/dacl.before')\"" - "$(dacl)"
check "  Samba's access check: no item gives more than the container" \
	"$SRC/tests/domain/access_check.py" "$dg" "rt-edit-$$" "rt-read-$$"
"$GPO_CEP" delete "${AUTH[@]}" --gpo "$dg" >/dev/null 2>&1

# --- the default GPOs: never deleted, nothing touched --------------------------
for g in "{31B2F340-016D-11D2-945F-00C04FB984F9}" "{6AC1786C-016F-11D2-945F-00C04FB984F9}"; do
	snapshot "$g" "$work/before.snap"
	expect 1 "delete of default GPO $g is refused (issue #10 defect 1)" -- "$GPO_CEP" delete "${AUTH[@]}" --gpo "$g"
	grep_in err "one of the domain's two default GPOs: gpo-cep never deletes it; nothing was changed" "  says why and that nothing changed"
	check "  its container, links and folder are as before" unchanged "$g" "$work/before.snap"
done
expect 1 "delete 'Default Domain Policy' by name" -- "$GPO_CEP" delete "${AUTH[@]}" --gpo "Default Domain Policy"
grep_in err "gpo-cep never deletes it" "  refused the same way"

# --- a name that looks like a GUID is a name (defect 5) ------------------------
sed 's/"name": "[^"]*"/"name": "31b2f340-016d-11d2-945f-00c04fb984f9"/' "$work/a.json" > "$work/guidname.json"
expect 4 "apply --dry-run of a policy named like the Default Domain Policy's GUID" -- "$GPO_CEP" apply "${AUTH[@]}" --dry-run "$work/guidname.json"
grep_in out "would create GPO '31b2f340-016d-11d2-945f-00c04fb984f9'" "  would create a new GPO of that name"
no_grep_in out "Default Domain Policy" "  and does not touch the Default Domain Policy"
sed 's/"name": "[^"]*"/"name": "{31B2F340-016D-11D2-945F-00C04FB984F9}"/' "$work/a.json" > "$work/bracename.json"
expect 4 "even with braces, a policy's name is a display name" -- "$GPO_CEP" apply "${AUTH[@]}" --dry-run "$work/bracename.json"
grep_in out "would create GPO '{31B2F340-016D-11D2-945F-00C04FB984F9}'" "  would create a new GPO"
expect 1 "update --gpo without braces looks for that display name" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "31B2F340-016D-11D2-945F-00C04FB984F9" --dry-run "$work/a.json"
grep_in err "no GPO '31B2F340-016D-11D2-945F-00C04FB984F9'" "  and finds none"

# --- links: concurrency, DN spellings, targets (defect 10, 13) -----------------
"$GPO_CEP" create "${AUTH[@]}" "$work/a.json" >/dev/null 2>&1
guid=$(gpo_guid "rights $tag")
others=()
for i in 1 2 3 4 5; do
	sed "s/\"name\": \"[^\"]*\"/\"name\": \"rights $tag other $i\"/" "$work/a.json" > "$work/o$i.json"
	"$GPO_CEP" create "${AUTH[@]}" "$work/o$i.json" >/dev/null 2>&1
	others+=("$(gpo_guid "rights $tag other $i")")
done
foreign="[ldap://cn={31B2F340-016D-11D2-945F-00C04FB984F9},cn=policies,cn=system,$LAB_BASE_DN;-1] [LDAP://CN=Someone Else,$LAB_BASE_DN]"
ldap_modify >/dev/null 2>&1 <<LDIF
dn: $ou
changetype: modify
replace: gPLink
gPLink: $foreign
LDIF
# 10 runs at once: link five GPOs, unlink and link again: every link there once
for g in "${others[@]}"; do
	"$GPO_CEP" link "${AUTH[@]}" --gpo "$g" --target "$ou" >/dev/null 2>&1 &
	"$GPO_CEP" link "${AUTH[@]}" --gpo "$g" --target "$ou" --enforced >/dev/null 2>&1 &
done
wait
v=$(ldap -b "$ou" -s base gPLink | sed -n 's/^gPLink: //p')
ok_all=1
for g in "${others[@]}"; do [ "$(grep -o "$g" <<<"$v" | wc -l)" -eq 1 ] || ok_all=0; done
check "10 concurrent link runs: each of the 5 GPOs linked exactly once" test "$ok_all" -eq 1
check "  every link enforced (the second run of each changed the first one's link, not lost it)" count_of "$v" ';2\]' 5
check "  the other entries byte for byte" contains "$v" "$foreign"
for g in "${others[@]}"; do
	"$GPO_CEP" unlink "${AUTH[@]}" --gpo "$g" --target "$ou" >/dev/null 2>&1 &
done
"$GPO_CEP" link "${AUTH[@]}" --gpo "$guid" --target "$ou" >/dev/null 2>&1 &
wait
v=$(ldap -b "$ou" -s base gPLink | sed -n 's/^gPLink: //p')
check "6 concurrent runs (5 unlink, 1 link): only the new link (first: the lowest precedence) and the others remain" \
	test "$v" = "[LDAP://CN=$guid,CN=Policies,CN=System,$LAB_BASE_DN;0]$foreign"
spaced=$(sed 's/,/, /g' <<<"$ou")
expect 0 "apply --link with the OU spelled with spaces after the commas" -- "$GPO_CEP" apply "${AUTH[@]}" --link "$spaced" "$work/a.json"
check "  the existing link is recognised: still one" links_count 1 "$guid" "$ou"
"$GPO_CEP" link "${AUTH[@]}" --gpo "$guid" --target "$ou" --link-disabled >/dev/null 2>&1
expect 0 "apply --link of an admin-disabled link" -- "$GPO_CEP" apply "${AUTH[@]}" --link "$(tr a-z A-Z <<<"$ou")" "$work/a.json"
check "  the link stays disabled (;1)" link_options "$guid" 1 "$ou"
expect 0 "link with the DN in another case" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$guid" --target "$spaced"
grep_in out "already linked" "  says it is already linked"
check "  no second link" links_count 1 "$guid" "$ou"
expect 2 "link --target ''" -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$guid" --target ""
grep_in err "is not a distinguished name" "  is refused as no DN (it was sent as a rootDSE modify)"
expect 2 "create --link to a DN that does not parse" -- "$GPO_CEP" create "${AUTH[@]}" --name "rights $tag bad link" --link "Servers" "$work/a.json"
grep_in err "link target 'Servers' is not a distinguished name" "  says so"
grep_in err "no GPO was created" "  and creates no GPO"
check "  indeed none" test -z "$(gpo_guid "rights $tag bad link")"
expect 1 "create --link to an OU that does not exist, in --dry-run too" -- "$GPO_CEP" create "${AUTH[@]}" --name "rights $tag bad link" --dry-run --link "OU=Nope,$LAB_BASE_DN" "$work/a.json"
grep_in err "link target 'OU=Nope,$LAB_BASE_DN' does not exist" "  names the target"
expect 1 "create --link to a user object" -- "$GPO_CEP" create "${AUTH[@]}" --name "rights $tag bad link" --link "CN=Administrator,CN=Users,$LAB_BASE_DN" "$work/a.json"
grep_in err "cannot hold a link: only a domain, an OU or a site can" "  says it cannot hold a link"
check "  and no GPO was created" test -z "$(gpo_guid "rights $tag bad link")"
expect 0 "unlink of a link that does not exist" -- "$GPO_CEP" unlink "${AUTH[@]}" --gpo "$guid" --target "$LAB_BASE_DN"
grep_in out "is not linked to $LAB_BASE_DN: no change" "  says so, not 'unlinked'"

# --- orphans: what a failed delete leaves, and delete --orphan -----------------
# the calls of deleting a GPO linked to the OU, then the same again failing there
"$GPO_CEP" delete "${AUTH[@]}" --gpo "rights $tag other 1" >/dev/null 2>&1
"$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/o1.json" >/dev/null 2>&1
count_calls "$GPO_CEP" delete "${AUTH[@]}" --gpo "rights $tag other 1"
"$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/o1.json" >/dev/null 2>&1
og=$(gpo_guid "rights $tag other 1")
at=$(call_no "ldap_modify OU=")
check "the delete of a linked GPO changes the OU's gPLink" test -n "$at"
with_fault "$at" fail "$GPO_CEP" delete "${AUTH[@]}" --gpo "$og" >"$work/out" 2>"$work/err"
check "a delete that fails after the container is gone exits 5 (partial)" test $? -eq 5
grep_in err "container was deleted, but its links on '$ou'" "  says what was done and what remains"
grep_in err "gpo-cep delete --orphan $og" "  and how to finish"
expect 0 "list --orphans" -- "$GPO_CEP" list "${AUTH[@]}" --orphans
grep_in out "$og  orphan: links" "  shows the link left (the folder went after it)"
grep_in out "linked from $ou" "  and where"
expect 0 "delete --orphan" -- "$GPO_CEP" delete "${AUTH[@]}" --orphan "$og"
"$GPO_CEP" list "${AUTH[@]}" --orphans > "$work/out" 2>&1
no_grep_in out "$og" "  nothing is left"
check "  the OU's other links are as they were" contains "$(gplink_of "$ou")" "$foreign"
expect 1 "delete --orphan of a GPO that exists" -- "$GPO_CEP" delete "${AUTH[@]}" --orphan "$guid"
grep_in err "has a container, so it is no orphan" "  is refused"

# --- an update interrupted by gpo-cep 0.1 (its .gpo-cep-tmp left, the file gone) ---
smb -c "get $realm/Policies/$guid/Machine/Registry.pol $work/legacy.pol" >/dev/null 2>&1
"$ADD_RECORDS" "$work/legacy.pol" "$work/legacy.new" 5 >/dev/null 2>&1
smb -c "put $work/legacy.new $realm/Policies/$guid/Machine/Registry.pol.gpo-cep-tmp; del $realm/Policies/$guid/Machine/Registry.pol" >/dev/null 2>&1
# list glances at the folder's own names (no mark there) and names
# Machine/Registry.pol unlisted: finding it absent, it looks into Machine/
expect 0 "list --all --json with Machine/Registry.pol gone and 0.1's copy there" -- "$GPO_CEP" list "${AUTH[@]}" --all --json
check "  the GPO's computer settings are read from that copy" /usr/bin/python3 -c '
import json, sys
g = [g for g in json.load(open(sys.argv[1]))["gpos"] if g["guid"] == sys.argv[2]][0]
assert g.get("computer") and not g["unreadable"], g' "$work/out" "$guid"
expect 0 "update after gpo-cep 0.1 was killed between unlink and rename (defect 3)" -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$guid" "$work/b.json"
smb -c "get $realm/Policies/$guid/Machine/Registry.pol $work/after.pol" >/dev/null 2>&1
check "  the 5 unrelated records of the complete temporary file are kept" /usr/bin/python3 -c '
import sys
sys.path.insert(0, sys.argv[3])
from gpo_state import preg_records
old = preg_records(open(sys.argv[1], "rb").read()); new = preg_records(open(sys.argv[2], "rb").read())
added = [r for r in old if not r[0].startswith("Software\\Policies\\Microsoft\\Cryptography")]
assert len(added) >= 5 and all(r in new for r in added), (len(added), added[:2])
' "$work/legacy.new" "$work/after.pol" "$SRC/tests/domain"
smb -c "ls $realm/Policies/$guid/Machine/*" > "$work/out" 2>&1
no_grep_in out "gpo-cep-tmp" "  and the temporary file is gone"
# the same glance when nothing stands in for the file: its scope is simply absent
smb -c "del $realm/Policies/$guid/Machine/Registry.pol" >/dev/null 2>&1
expect 0 "list --all --json with Machine/Registry.pol gone and nothing in its place" -- "$GPO_CEP" list "${AUTH[@]}" --all --json
check "  the GPO is listed, readable, without computer settings" /usr/bin/python3 -c '
import json, sys
g = [g for g in json.load(open(sys.argv[1]))["gpos"] if g["guid"] == sys.argv[2]][0]
assert "computer" not in g and not g["unreadable"], g' "$work/out" "$guid"
smb -c "put $work/after.pol $realm/Policies/$guid/Machine/Registry.pol" >/dev/null 2>&1

# --- secrets: smbcacls gets a scrubbed environment (defect 13) ------------------
count_calls env GPO_CEP_PASSWORD="$(cat "$LAB_PASSWORD_FILE")" "$GPO_CEP" acl --domain "$LAB_REALM" \
	--dc "$LAB_IP" -U "$LAB_ADMIN" --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF" --gpo "$guid" --repair
check "acl --repair with the password in GPO_CEP_PASSWORD" true
if ! grep -q "GPO_CEP_PASSWORD\|$(cat "$LAB_PASSWORD_FILE")" "$work/calls"; then pass "  the password appears in no call"; else fail "  the password leaked into a call"; fi
smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$realm/Policies/$guid" \
	-a "ACL:S-1-1-0:ALLOWED/OI|CI/FULL" >/dev/null 2>&1
# what smbcacls is given, as the kernel sees its execve (strace): an
# LD_PRELOAD wrapper would not see posix_spawn in the sanitizer build, whose
# runtime in the executable intercepts it first (and LeakSanitizer cannot
# run under ptrace: off for this one run)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" GPO_CEP_PASSWORD="$(cat "$LAB_PASSWORD_FILE")" \
	strace -f -qq -v -s 65536 -e trace=execve -e signal=none -o "$work/strace" \
	"$GPO_CEP" acl --domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_ADMIN" --ca-file "$LAB_CA_CERT" \
	--smb-conf "$LAB_CLIENT_CONF" --gpo "$guid" --repair >/dev/null 2>&1
grep 'execve("[^"]*smbcacls"' "$work/strace" > "$work/child.exec"
check "  smbcacls was run" test -s "$work/child.exec"
if ! grep -q "GPO_CEP_PASSWORD\|$(cat "$LAB_PASSWORD_FILE")" "$work/child.exec"; then pass "  smbcacls' environment holds neither the variable nor the password"; else fail "  smbcacls got the password in its environment"; fi
grep_in child.exec '"PATH=/usr/sbin:/usr/bin:/sbin:/bin"' "  and a fixed PATH"
check "  smbcacls is run by its absolute path" grep -q '^[0-9]* *execve("/' "$work/child.exec"

# --- SMB signing: the session gpo-cep holds is signed -------------------------
count_calls "$GPO_CEP" show "${AUTH[@]}" --gpo "$guid"
at=$(call_no "smb_open ")
# a simple command in the background: $! is gpo-cep itself, which the shim stops
LD_PRELOAD=$SHIM FAULT_AT=$at FAULT_MODE=stop ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	"$GPO_CEP" show "${AUTH[@]}" --gpo "$guid" >/dev/null 2>&1 &
spid=$!
for _ in $(seq 100); do [ "$(ps -o stat= -p "$spid" | cut -c1)" = T ] && break; sleep 0.05; done
smbstatus -s "$LAB_DC_CONF" -b > "$work/out" 2>&1
kill -CONT "$spid"; wait "$spid"
check "the SYSVOL session is signed (smbstatus shows a signing algorithm for it)" grep -Eq 'AES-128-(G|C)MAC|HMAC' "$work/out"

# --- no test hooks in what ships ----------------------------------------------
lib=$(ldd "$GPO_CEP" | sed -n 's/.*libgpo-cep.so.0 => \([^ ]*\).*/\1/p')
for f in "$GPO_CEP" "$lib"; do
	if ! strings "$f" | grep -q "GPO_CEP_FAIL\|GPO_CEP_PAUSE\|test hook"; then pass "$(basename "$f") holds no test hooks"; else fail "$(basename "$f") holds a test hook"; fi
done

for g in "$guid" "${others[@]}"; do "$GPO_CEP" delete "${AUTH[@]}" --gpo "$g" >/dev/null 2>&1; done
for u in read edit full none; do samba-tool user delete "rt-$u-$$" -H "$LAB_SAM_LDB" -s "$LAB_DC_CONF" >/dev/null 2>&1; done
samba_tool ou delete "$ou" >/dev/null 2>&1
done_testing
