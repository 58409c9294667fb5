#!/bin/bash
# Two Samba DCs of one domain, replicating AD but not SYSVOL (as Samba does):
# the PDC found through DNS, status against the baseline, sync, --sync and
# --wait-replicated, a DC edited by hand, a DC that is down.  Checked with
# independent tools: smbclient's copies of both folders, samba-tool gpo
# aclcheck on each DC, ldapsearch on each DC.  The suite starts its own
# two-DC lab (tests/lab/lab start --dcs 2) on MULTIDC_LAB_IP.
set -u
umask 077
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d)
. "$SRC/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_suite "the two-DC lab needs root"
need_tools smbclient ldapsearch samba-tool unshare
export LAB_IP=${MULTIDC_LAB_IP:-127.0.0.20}
unset LAB_DIR LAB_DC2_IP
lab() { "$SRC/tests/lab/lab" "$@"; }
trap 'lab stop >/dev/null 2>&1; rm -rf "$work"' EXIT
if ! lab_env=$(lab start --dcs 2 2>"$work/lab.err"); then
	cat "$work/lab.err" | sed 's/^/# /'
	echo "not ok 1 - the two-DC lab did not start"; echo "1..1"; exit 1
fi
eval "$lab_env"
lab_tools
tag=$$-$RANDOM
# a client in the lab's namespace: the DCs' names and SRV records resolve
G() { "$LAB_NSRUN" "$GPO_CEP" "$@"; }
# by name, not address: the DC each command talks to is the one DNS names
NAUTH=(--domain "$LAB_REALM" -U "$LAB_ADMIN" --password-file "$LAB_PASSWORD_FILE"
       --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF")
dc1=$LAB_FQDN ; dc2=$LAB_DC2_FQDN
smb_on() { # IP COMMAND: smbclient on one DC's sysvol
	smbclient -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$1/sysvol" -c "$2"
}
# the GPO folder of each DC fetched by smbclient, compared file by file
fetch() { # IP GUID DIR
	rm -rf "$3"; mkdir -p "$3" && (cd "$3" &&
		smb_on "$1" "prompt off; recurse on; cd $realm/Policies/$2; mget *" >/dev/null 2>&1)
}
same_folders() { # GUID
	fetch "$LAB_IP" "$1" "$work/f1" && fetch "$LAB_DC2_IP" "$1" "$work/f2" &&
		[ -n "$(ls -A "$work/f1")" ] && diff -r "$work/f1" "$work/f2" > "$work/diff"
}
ldap_on() { # IP ARGS: ldapsearch on one DC
	local ip=$1; shift
	LDAPTLS_CACERT="$LAB_CA_CERT" ldapsearch -LLL -o ldif-wrap=no -x -H "ldaps://$ip" \
		-D "$LAB_ADMIN_UPN" -y "$LAB_PASSWORD_FILE" "$@"
}
aclcheck_on() { gpo_aclcheck "$1" "$2"; } # IP GUID: samba-tool's aclcheck on that DC passes it
version_on() { # IP GUID: the versionNumber that DC holds (never empty: the checks compare it)
	ldap_on "$1" -b "CN=$2,CN=Policies,CN=System,$LAB_BASE_DN" -s base versionNumber |
		sed -n 's/^versionNumber: //p' | grep . || echo "no versionNumber on $1"
}
replicate() { lab replicate >/dev/null 2>&1; }
# list's members are the GPOs (or orphans) it lists
json() { /usr/bin/python3 -c "import json, sys; d = json.load(open('$work/out')); d = d.get('gpos', d.get('orphans')) if d.get('command') == 'list' else d; $1"; }

# --- which DC: the PDC emulator through DNS; --dc elsewhere warns ------------
G status "${NAUTH[@]}" --all --json > "$work/out" 2> "$work/err"; st=$?
check "status --all over both DCs, the DC found through DNS (exit 4 on a new lab, 0 once synced)" test "$st" = 4 -o "$st" = 0
check "  the baseline is the PDC emulator, dc1" json "assert d['baseline'] == '$dc1', d['baseline']"
check "  both DCs listed from the configuration partition, dc1 the PDC" json "
assert [(x['name'], x['pdc'], x['reachable']) for x in d['dcs']] == [('$dc1', True, True), ('$dc2', False, True)], d['dcs']"
check "  what differs: folders missing on dc2 (a joined Samba DC's SYSVOL is empty)" json "
rows = set((r['dc'], r['kind']) for g in d['gpos'] for r in g['differences'])
assert rows <= {('$dc2', 'folder-missing')}, rows"
expect 0 "sync --all copies them, making dc2's Policies folder" -- G sync "${NAUTH[@]}" --all
expect 0 "status --all: now the same" -- G status "${NAUTH[@]}" --all
check "  dc2's Policies folder has dc1's ACL" sh -c "
	smbcacls -s '$LAB_CLIENT_CONF' -A '$work/smb.auth' //$LAB_IP/sysvol $realm/Policies | sort > '$work/acl1' &&
	smbcacls -s '$LAB_CLIENT_CONF' -A '$work/smb.auth' //$LAB_DC2_IP/sysvol $realm/Policies | sort > '$work/acl2' &&
	[ -s '$work/acl1' ] && cmp -s '$work/acl1' '$work/acl2'"
sed "s/\"name\": \"[^\"]*\"/\"name\": \"multidc $tag\"/" "$SRC/templates/kerberos.json" > "$work/a.json"
expect 0 "create on dc2 (--dc names it)" -- G create "${NAUTH[@]}" --dc "$dc2" --name "on dc2 $tag" "$work/a.json"
grep_in err "warning: $dc2 is not the PDC emulator ($dc1)" "  warns that GPMC writes on the PDC"
replicate
expect 1 "sync of the GPO made on dc2: the baseline (dc1) has no folder to copy" -- G sync "${NAUTH[@]}" --gpo "on dc2 $tag"
grep_in err "has no SYSVOL folder" "  says so"
expect 0 "sync --baseline dc2 copies it the other way" -- G sync "${NAUTH[@]}" --gpo "on dc2 $tag" --baseline dc2
grep_in out "copied to $dc1" "  to dc1"
expect 0 "create without --dc" -- G create "${NAUTH[@]}" --json "$work/a.json"
no_grep_in err "not the PDC emulator" "  no warning: written on the PDC"
guid=$(json "print(d['guid'])" 2>/dev/null)
check "  its container is on dc1" test "$(version_on "$LAB_IP" "$guid")" -ge 1

# --- Samba: AD replicates, SYSVOL does not -----------------------------------
replicate
check "the container reached dc2 through AD replication" test "$(version_on "$LAB_DC2_IP" "$guid")" = "$(version_on "$LAB_IP" "$guid")"
check "  (a number, read on each DC)" test "$(version_on "$LAB_DC2_IP" "$guid")" -ge 1
expect 4 "status: a difference" -- G status "${NAUTH[@]}" --gpo "$guid"
grep_in out "$dc2: SYSVOL folder missing" "  dc2's folder is missing (no SYSVOL replication)"
no_grep_in out "$dc1: " "  nothing on the baseline"
expect 4 "status --json" -- G status "${NAUTH[@]}" --gpo "$guid" --json
check "  one row: folder-missing on dc2" json "
rows = d['gpos'][0]['differences']
assert [(r['dc'], r['kind']) for r in rows] == [('$dc2', 'folder-missing')], rows
assert not d['gpos'][0]['in_sync']"
expect 4 "sync --dry-run" -- G sync "${NAUTH[@]}" --gpo "$guid" --dry-run
grep_in out "would copy to $dc2" "  says what it would copy"
expect 4 "  and changes nothing" -- G status "${NAUTH[@]}" --gpo "$guid"
expect 0 "sync" -- G sync "${NAUTH[@]}" --gpo "$guid"
grep_in out "copied to $dc2" "  copied to dc2"
expect 0 "status: the same on both DCs" -- G status "${NAUTH[@]}" --gpo "$guid"
grep_in out "the same on 2 DCs" "  says so"
check "smbclient fetches the same files from both DCs" same_folders "$guid"
check "samba-tool gpo aclcheck on dc2 passes for the copied folder" aclcheck_on "$LAB_DC2_IP" "$guid"
expect 0 "gpo-cep acl on dc2: every file and folder inside inherits the folder's ACL" -- G acl "${NAUTH[@]}" --dc "$dc2" --gpo "$guid"
expect 0 "sync again: nothing to do" -- G sync "${NAUTH[@]}" --gpo "$guid"
grep_in out "$dc2: the baseline's files are there" "  says the copy is the baseline's"

# --- a DC's copy edited by hand ------------------------------------------------
printf '[General]\r\nVersion=99\r\n' > "$work/GPT.INI"
printf 'local note\r\n' > "$work/note.txt"
smb_on "$LAB_DC2_IP" "cd $realm/Policies/$guid; put $work/GPT.INI GPT.INI; put $work/note.txt note.txt" >/dev/null 2>&1
expect 4 "status after an edit on dc2's SYSVOL" -- G status "${NAUTH[@]}" --gpo "$guid"
grep_in out "$dc2: GPT.INI differs: Version 99" "  GPT.INI differs, with its version"
grep_in out "$dc2: note.txt is not on the baseline" "  the extra file is reported"
expect 0 "sync restores the baseline's files" -- G sync "${NAUTH[@]}" --gpo "$guid"
expect 4 "status: only the extra file is left (kept without --delete)" -- G status "${NAUTH[@]}" --gpo "$guid"
no_grep_in out "GPT.INI" "  GPT.INI is the baseline's again"
grep_in out "note.txt is not on the baseline" "  note.txt kept"
expect 0 "update --sync --wait-replicated with a file only dc2 has: kept, not waited for" -- G update "${NAUTH[@]}" --gpo "$guid" --sync --wait-replicated=60 "$work/a.json"
smb_on "$LAB_DC2_IP" "cd $realm/Policies/$guid; setmode note.txt +r" >/dev/null 2>&1
expect 0 "sync --delete (a read-only file among the removed)" -- G sync "${NAUTH[@]}" --gpo "$guid" --delete
expect 0 "status: the same" -- G status "${NAUTH[@]}" --gpo "$guid"
check "smbclient: the same files on both DCs" same_folders "$guid"

# --- two syncs at once, an interrupted sync ------------------------------------
smb_on "$LAB_DC2_IP" "cd $realm/Policies; put $work/note.txt $guid.gpo-cep-sync.lock" >/dev/null 2>&1
smb_on "$LAB_DC2_IP" "cd $realm/Policies/$guid; put $work/note.txt other.txt" >/dev/null 2>&1
printf 'gpo-cep lock\r\nhost=elsewhere\r\npid=1\r\nsince=%s\r\n' "$(date +%s)" > "$work/lock"
smb_on "$LAB_DC2_IP" "cd $realm/Policies; put $work/lock $guid.gpo-cep-sync.lock" >/dev/null 2>&1
expect 1 "sync while another sync holds the GPO's lock on dc2" -- G sync "${NAUTH[@]}" --gpo "$guid" --delete
grep_in err "being changed by another gpo-cep run" "  refused"
smb_on "$LAB_DC2_IP" "ls $realm/Policies/$guid/*" > "$work/ls" 2>&1
grep_in ls "other.txt" "  and nothing changed there"
smb_on "$LAB_DC2_IP" "cd $realm/Policies; del $guid.gpo-cep-sync.lock" >/dev/null 2>&1
expect 0 "once it is gone, sync --delete" -- G sync "${NAUTH[@]}" --gpo "$guid" --delete
# --- an interrupted sync is finished by the next run ---------------------------
smb_on "$LAB_DC2_IP" "cd $realm/Policies; rename $guid $guid.gpo-cep-old" >/dev/null 2>&1
expect 4 "status of a sync stopped between its renames" -- G status "${NAUTH[@]}" --gpo "$guid"
grep_in out "$dc2: SYSVOL folder missing" "  the folder is missing"
grep_in out "interrupted gpo-cep update or sync" "  and the leftover is named"
# status --all lists the Policies folder once instead of looking for leftovers per GPO
expect 4 "status --all --jobs 1 --json: the same leftover" -- G status "${NAUTH[@]}" --all --jobs 1 --json
check "  named there too, for that GPO alone" json "
kinds = {(g['guid'], x['kind']) for g in d['gpos'] for x in g['differences']}
assert ('$guid', 'unfinished') in kinds, kinds
assert [k for k in kinds if k[1] == 'unfinished'] == [('$guid', 'unfinished')], kinds"
# the shim goes to gpo-cep alone: unshare and sh would not take a sanitizer build's
rm -f "$work/calls"
"$LAB_NSRUN" /usr/bin/env LD_PRELOAD="$SHIM" FAULT_COUNT="$work/calls" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	"$GPO_CEP" status "${NAUTH[@]}" --all --jobs 1 >/dev/null 2>&1
check "  the Policies folder is listed once per DC" \
	test "$(grep -c " smb_opendir smb://[^/]*/sysvol/$realm/Policies\$" "$work/calls")" -eq 2
check "  and looked at per GPO only for the first GPO on each DC" \
	test "$(grep -c " smb_stat .*\.gpo-cep-old\$" "$work/calls")" -le 2
expect 0 "sync finishes it" -- G sync "${NAUTH[@]}" --gpo "$guid"
expect 0 "  status: the same" -- G status "${NAUTH[@]}" --gpo "$guid"
smb_on "$LAB_DC2_IP" "ls $realm/Policies/*" > "$work/ls" 2>&1
no_grep_in ls "gpo-cep-old\|gpo-cep-sync" "  no leftover in Policies"
smb_on "$LAB_DC2_IP" "cd $realm/Policies; mkdir $guid.gpo-cep-sync; put $work/note.txt $guid.gpo-cep-sync/half" >/dev/null 2>&1
expect 0 "a half-built copy is dropped" -- G sync "${NAUTH[@]}" --gpo "$guid"
smb_on "$LAB_DC2_IP" "ls $realm/Policies/*" > "$work/ls" 2>&1
no_grep_in ls "gpo-cep-sync" "  and removed"

# --- update --sync, --wait-replicated ----------------------------------------
sed 's/"cost": [0-9]*/"cost": 77/' "$work/a.json" > "$work/b.json"
expect 0 "update --sync --wait-replicated" -- G update "${NAUTH[@]}" --gpo "$guid" --sync --wait-replicated=60 "$work/b.json"
grep_in out "synced GPO $guid to $dc2" "  synced to dc2"
grep_in out "is the same on 2 DCs" "  and waited until both agree"
check "  dc2's AD version is dc1's" test "$(version_on "$LAB_DC2_IP" "$guid")" = "$(version_on "$LAB_IP" "$guid")"
check "  smbclient: the same files on both DCs" same_folders "$guid"
sed 's/"cost": [0-9]*/"cost": 78/' "$work/a.json" > "$work/c.json"
before=$(version_on "$LAB_IP" "$guid")
expect 5 "update --wait-replicated=4 without --sync: Samba never copies SYSVOL" -- G update "${NAUTH[@]}" --gpo "$guid" --wait-replicated=4 "$work/c.json"
grep_in err "has not reached every DC in 4 s" "  times out"
grep_in err "$dc2: Machine/Registry.pol differs" "  with the per-DC table"
grep_in err "add --sync" "  and the remedy"
check "  nothing was rolled back on dc1" test "$(version_on "$LAB_IP" "$guid")" -gt "$before"
expect 0 "sync --all brings every GPO to dc2 (the one created there too)" -- G sync "${NAUTH[@]}" --all
# the last update's AD change reaches dc2 when Samba's replication runs
# (seconds, unordered with the sync): brought forward, not left to a race
replicate
expect 0 "status --all: the same everywhere" -- G status "${NAUTH[@]}" --all

ou="OU=multidc-$tag,$LAB_BASE_DN"
samba-tool ou create "$ou" -H "$LAB_SAM_LDB" -s "$LAB_DC_CONF" >/dev/null 2>&1
sed "s/\"name\": \"[^\"]*\"/\"name\": \"multidc linked $tag\"/" "$work/a.json" > "$work/d.json"
expect 0 "create --sync --wait-replicated --link: linked once both DCs hold it" -- G create "${NAUTH[@]}" --sync --wait-replicated=60 --link "$ou" "$work/d.json"
grep_in out "is the same on 2 DCs" "  waited"
lguid=$(ldap_on "$LAB_IP" -b "CN=Policies,CN=System,$LAB_BASE_DN" -s one "(displayName=multidc linked $tag)" cn | sed -n 's/^cn: //p')
check "  the OU's gPLink names it" sh -c "LDAPTLS_CACERT='$LAB_CA_CERT' ldapsearch -LLL -o ldif-wrap=no -x -H 'ldaps://$LAB_IP' -D '$LAB_ADMIN_UPN' -y '$LAB_PASSWORD_FILE' -b '$ou' -s base gPLink | grep -qi '$lguid'"
check "  its folder is on dc2" same_folders "$lguid"
expect 0 "list --linked-to the OU" -- G list "${NAUTH[@]}" --all --linked-to "$ou" --json
check "  lists exactly that GPO" json "assert [g['name'] for g in d] == ['multidc linked $tag'], d"
expect 0 "  the same DN spelled another way" -- G list "${NAUTH[@]}" --all --linked-to "$(echo "$ou" | tr a-z A-Z | sed 's/,/, /g')" --json
check "  finds it too" json "assert [g['name'] for g in d] == ['multidc linked $tag'], d"
expect 2 "list --linked-to something that is not a DN" -- G list "${NAUTH[@]}" --linked-to "Servers"

# --- a DC that is down --------------------------------------------------------
lab stop-dc2 >/dev/null 2>&1
expect 1 "status with dc2 down" -- G status "${NAUTH[@]}" --gpo "$guid"
grep_in out "$dc2: cannot connect" "  names the DC"
expect 1 "status --json with dc2 down" -- G status "${NAUTH[@]}" --gpo "$guid" --json
check "  reachable: false, with the reason" json "
x = [x for x in d['dcs'] if x['name'] == '$dc2'][0]
assert x['reachable'] is False and x['error'], x"
expect 5 "update --wait-replicated=3 while dc2 is down: times out" -- G update "${NAUTH[@]}" --gpo "$guid" --sync --wait-replicated=3 "$work/a.json"
grep_in err "$dc2: not reached" "  naming the DC in the table"
lab start-dc2 >/dev/null 2>&1
replicate
expect 0 "after dc2 is back: update --sync --wait-replicated succeeds" -- G update "${NAUTH[@]}" --gpo "$guid" --sync --wait-replicated=60 "$work/a.json"
expect 0 "status --baseline dc2" -- G status "${NAUTH[@]}" --gpo "$guid" --baseline dc2 --json
check "  compares against dc2" json "assert d['baseline'] == '$dc2', d"
expect 2 "status --baseline of a DC that is not one" -- G status "${NAUTH[@]}" --gpo "$guid" --baseline nowhere

# --- delete on the PDC: dc2 keeps the folder (no SYSVOL replication) ---------
expect 0 "delete on the PDC" -- G delete "${NAUTH[@]}" --gpo "$guid"
replicate
expect 0 "list --orphans --dc dc2: the folder dc2 kept" -- G list "${NAUTH[@]}" --dc "$dc2" --orphans --json
check "  names the GPO" json "assert '$guid' in [o['guid'] for o in d], d"
expect 0 "delete --orphan --dc dc2 removes it" -- G delete "${NAUTH[@]}" --dc "$dc2" --orphan "$guid"
smb_on "$LAB_DC2_IP" "ls $realm/Policies/*" > "$work/ls" 2>&1
no_grep_in ls "$guid" "  gone from dc2's SYSVOL"
# --- a stale pdc SRV record: DNS names dc2, fSMORoleOwner names dc1 ---------
pdc_srv() { # FROM TO: point _ldap._tcp.pdc._msdcs at another DC
	PASSWD=$(cat "$LAB_PASSWORD_FILE") samba-tool dns update "$LAB_IP" "_msdcs.$realm" _ldap._tcp.pdc \
		SRV "$1 389 0 100" "$2 389 0 100" -U Administrator -s "$LAB_CLIENT_CONF" >/dev/null 2>&1
}
check "the pdc SRV record made stale: it names dc2" pdc_srv "$dc1" "$dc2"
sed "s/\"name\": \"[^\"]*\"/\"name\": \"stale pdc $tag\"/" "$work/a.json" > "$work/e.json"
expect 0 "create without --dc: DNS names dc2, the GPO is written on the PDC emulator" -- \
	G create "${NAUTH[@]}" --json "$work/e.json"
no_grep_in err "not the PDC emulator" "  no warning: it went to the PDC"
sguid=$(json "print(d['guid'])" 2>/dev/null)
# SYSVOL does not replicate between Samba DCs: the folder says which DC took the write
has_gpt_ini() { # IP GUID: smbclient lists the GPT.INI of that DC's copy (a listing row, not an error naming it)
	smb_on "$1" "ls $realm/Policies/$2/GPT.INI" 2>&1 | grep -qE '^ +GPT\.INI +[A-Z]* +[0-9]+ '
}
check "  its folder is on dc1 ($sguid)" has_gpt_ini "$LAB_IP" "$sguid"
no_gpt_ini() { ! has_gpt_ini "$@"; }
check "  and not on dc2" no_gpt_ini "$LAB_DC2_IP" "$sguid"
check "the pdc SRV record put back" pdc_srv "$dc2" "$dc1"

for g in "$lguid" "on dc2 $tag" "stale pdc $tag"; do
	G delete "${NAUTH[@]}" --gpo "$g" >/dev/null 2>&1
done
done_testing
