#!/bin/bash
# A domain of 2 500 GPOs (1 100 under the sanitizers), on a lab DC of the
# suite's own (destroyed at the end): list, status and acl see every one.  A
# Windows DC answers an unpaged search with at most MaxPageSize (1 000)
# entries; Samba answers with all, and 4 times faster than paged, so gpo-cep
# pages unless the root DSE names Samba.  The calls gpo-cep makes (tests/fault's
# counting pass) show which: one search on Samba; on a DC that answers as
# Windows does (the shim hides vendorName and cuts unpaged answers short),
# pages of 1 000, and every GPO still listed.
# The GPOs are made by make_gpos.py clone (one over LDAP and SMB, the
# others copied on the DC), not by gpo-cep.
set -u
umask 077
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d)
. "$SRC/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_suite "the lab needs root"
need_tools smbclient ldapsearch samba-tool
# the sanitizer build (scripts/build's build-asan) walks the same paged code
# with 1 100 GPOs, two pages, in a third of the time
case ${BUILD_ROOT:-} in *-asan) COUNT=${SCALE_GPOS:-1100} ;; *) COUNT=${SCALE_GPOS:-2500} ;; esac
export LAB_IP=${SCALE_LAB_IP:-127.0.0.30}
unset LAB_DIR
lab() { "$SRC/tests/lab/lab" "$@"; }
trap 'lab destroy >/dev/null 2>&1; rm -rf "$work"' EXIT
if ! lab_env=$(lab start 2>"$work/lab.err"); then
	sed 's/^/# /' "$work/lab.err"
	echo "not ok 1 - the lab did not start"; echo "1..1"; exit 1
fi
eval "$lab_env"
lab_tools
G() { "$GPO_CEP" "$@"; }
# list's members are the GPOs (or orphans) it lists
json() { /usr/bin/python3 -c "import json, sys; d = json.load(open('$work/out')); d = d.get('gpos', d.get('orphans')) if d.get('command') == 'list' else d; $1"; }

"$GPO_CEP" init --template kerberos > "$work/policy.json"
"$GPO_CEP" render "$work/policy.json" -o "$work/files" --guid '{00000000-0000-0000-0000-000000000001}' \
	--forest-guid 09526129-1F43-4F3B-8A4C-1B3C5D7E9F01 --json > "$work/render.json" 2>/dev/null
ext() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/render.json" "$1"; }
check "$COUNT GPOs: one made over LDAP and SMB, cloned on the DC (make_gpos.py clone)" \
	sh -c '"$@" | grep -qx "$0"' "$COUNT" \
	/usr/bin/python3 "$SRC/tests/domain/make_gpos.py" clone "$LAB_IP" "$work/smb.auth" "$LAB_CLIENT_CONF" scale \
	"$COUNT" "$work/files/{00000000-0000-0000-0000-000000000001}" "$(ext gPCMachineExtensionNames)" \
	"$(ext gPCUserExtensionNames)" "$LAB_DC_CONF"

# the calls gpo-cep makes, written down by the fault shim (which changes nothing here)
counted() { LD_PRELOAD=$SHIM FAULT_COUNT="$work/calls" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$@"; }
rm -f "$work/calls"
expect 0 "list --all --json, its calls counted" -- counted "$GPO_CEP" list "${AUTH[@]}" --all --json
check "  lists all $COUNT, and the 2 default GPOs" json "
made = [g for g in d if g['name'].startswith('scale ')]
assert len(made) == $COUNT and len(d) == $COUNT + 2, (len(made), len(d))"
check "  each complete, none flagged" json "
bad = [g['name'] for g in d if g['incomplete'] or g['unreadable'] or g['problems']]
assert not bad, bad[:5]"
check "  sorted by display name" json "
names = [g['name'] for g in d]
assert names == sorted(names), names[:5]"
gpo_searches() { # [paged]: how many times the Policies container's GPOs were searched
	grep -c "^[0-9]* ldap_search CN=Policies,CN=System,$LAB_BASE_DN (objectClass=groupPolicyContainer)${1:+ $1}\$" \
		"$work/calls"
}
check "  Samba (its root DSE names it): the GPOs in one unpaged search" \
	test "$(gpo_searches)" -eq 1 -a "$(gpo_searches paged)" -eq 0
# per GPO nothing is asked of AD: the searches do not grow with the GPOs
check "  $(grep -c ' ldap_search ' "$work/calls") LDAP searches in all (25 at most)" \
	test "$(grep -c ' ldap_search ' "$work/calls")" -le 25
# what a Windows DC answers, which no open-source DC gives: the shim hides the
# root DSE's vendorName and ends an unpaged search of over 1 000 entries in
# sizeLimitExceeded (MaxPageSize); more than 1 000 GPOs are needed for that
pages=$(( (COUNT + 2 + 999) / 1000 ))
dcs="windows limited"; [ $((COUNT + 2)) -gt 1000 ] || dcs=
for dc in $dcs; do
	rm -f "$work/calls"
	if [ $dc = windows ]; then
		expect 0 "list --all --json on a DC like Windows (no vendorName, MaxPageSize 1 000)" -- \
			env FAULT_NO_VENDOR=1 FAULT_PAGE_LIMIT=1000 LD_PRELOAD="$SHIM" FAULT_COUNT="$work/calls" \
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$GPO_CEP" list "${AUTH[@]}" --all --json
		check "  the GPOs read in $pages pages of 1 000, none unpaged" \
			test "$(gpo_searches paged)" -eq $pages -a "$(gpo_searches)" -eq 0
	else
		expect 0 "list --all --json on a Samba DC that limits unpaged answers to 1 000" -- \
			env FAULT_PAGE_LIMIT=1000 LD_PRELOAD="$SHIM" FAULT_COUNT="$work/calls" \
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$GPO_CEP" list "${AUTH[@]}" --all --json
		check "  one unpaged search cut short, then the GPOs in $pages pages" \
			test "$(gpo_searches paged)" -eq $pages -a "$(gpo_searches)" -eq 1
		check "  the children then in pages at once (no unpaged try)" \
			sh -c '! grep -q "(cn=User)))\$" "$0" && grep -q "(cn=User))) paged\$" "$0"' "$work/calls"
	fi
	check "  all $COUNT and the 2 default GPOs listed, each complete" json "
assert len(d) == $COUNT + 2, len(d)
bad = [g['name'] for g in d if g['incomplete'] or g['unreadable'] or g['problems']]
assert not bad, bad[:5]"
	check "  $(grep -c ' ldap_search ' "$work/calls") LDAP searches in all (pages included, 30 at most)" \
		test "$(grep -c ' ldap_search ' "$work/calls")" -le 30
done
expect 0 "list (certificate GPOs only, the default)" -- G list "${AUTH[@]}" --json
check "  all $COUNT carry the settings" json "assert len(d) == $COUNT, len(d)"
expect 0 "status --all --json: one DC, every GPO the same" -- G status "${AUTH[@]}" --all --json
check "  $((COUNT + 2)) GPOs, no difference" json "
assert len(d['gpos']) == $COUNT + 2, len(d['gpos'])
assert all(g['in_sync'] for g in d['gpos'])"
expect 0 "acl --all --json: every folder's ACL derived from its container" -- G acl "${AUTH[@]}" --all --json
check "  $((COUNT + 2)) GPOs in sync" json "
assert len(d['gpos']) == $COUNT + 2, len(d['gpos'])
assert all(g['in_sync'] for g in d['gpos'])"
# Samba's own verdict on copies: the first GPO, one in the middle, the last
sample=$(/usr/bin/python3 -c "import json; g = [g['guid'] for g in json.load(open('$work/out'))['gpos']]
print(g[0], g[len(g) // 2], g[-1])")
check "  samba-tool gpo aclcheck's comparison agrees ($sample)" gpo_aclcheck "$LAB_IP" $sample
# --jobs: one connection and several print the same, warnings and exit status too
same_jobs() { # COMMAND OPTIONS...
	local c=$1 o j
	shift
	for o in "$@"; do
		for j in 1 4; do
			# shellcheck disable=SC2086
			G "$c" "${AUTH[@]}" $o --jobs $j > "$work/jobs$j" 2> "$work/jobs$j.err"
			echo "exit $?" >> "$work/jobs$j"
		done
		cmp "$work/jobs1" "$work/jobs4" && cmp "$work/jobs1.err" "$work/jobs4.err" || return 1
	done
}
check "list: --jobs 4 prints what --jobs 1 does, text and JSON" same_jobs list --all "--all --json"
# the same replay serves their text: JSON only, for time
for c in status acl; do
	check "$c: --jobs 4 prints what --jobs 1 does" same_jobs $c "--all --json"
done
rm -f "$work/calls"
expect 0 "list --all --jobs 4, its calls counted" -- counted "$GPO_CEP" list "${AUTH[@]}" --all --jobs 4
conns=$(grep -c " smb_stat smb://$LAB_IP/sysvol\$" "$work/calls")
check "  SYSVOL read over 4 connections ($conns)" test "$conns" -eq 4
reads=$(grep -c " smb_open .*/Machine/Registry.pol\$" "$work/calls")
check "  each GPO's Machine/Registry.pol read once ($reads)" test "$reads" -eq "$COUNT"
check "  the LDAP searches made once (the workers make none)" \
	test "$(grep -c ' ldap_search ' "$work/calls")" -le 25
# acl and status compare copies: the containers' children are not read
for c in acl status; do
	rm -f "$work/calls"
	expect 0 "$c --all, its calls counted" -- counted "$GPO_CEP" $c "${AUTH[@]}" --all
	check "  no search for the containers' CN=Machine and CN=User children" \
		sh -c '! grep -q "ldap_search .*(cn=Machine)" "$0"' "$work/calls"
done
# list still reads the children: a container without CN=User is flagged, on any connection
victim=$(echo "$sample" | cut -d' ' -f2)   # the middle one: a clone
printf 'dn: CN=User,CN=%s,CN=Policies,CN=System,%s\nchangetype: delete\n' "$victim" "$LAB_BASE_DN" |
	ldap_modify >/dev/null 2>&1
for j in 1 4; do
	expect 0 "list --all --json --jobs $j with CN=User of $victim deleted" -- \
		G list "${AUTH[@]}" --all --json --jobs $j
	check "  that GPO alone is incomplete: CN=User or CN=Machine missing" json "
bad = [g['guid'] for g in d if g['incomplete']]
assert bad == ['$victim'], bad
assert 'CN=User or CN=Machine missing' in [g for g in d if g['guid'] == '$victim'][0]['problems']"
done
# a worker that dies: named, its GPOs missing, exit 1, the other runs' output whole
"$GPO_CEP" list "${AUTH[@]}" --all --json --jobs 4 > "$work/out" 2> "$work/err" &
parent=$!
worker=
# all three workers forked (the parent reads the first run itself), then the newest killed
for _ in $(seq 1 400); do
	[ "$(pgrep -P "$parent" | wc -l)" -ge 3 ] && break
	sleep 0.02
done
worker=$(pgrep -n -P "$parent")
[ -n "$worker" ] && kill -9 "$worker"
wait "$parent"
got=$?
total=$((COUNT + 2))
check "list --jobs 4 with a worker killed: exit 1 (got $got)" test "$got" -eq 1
lost=$(sed -n 's/^gpo-cep: the process reading GPOs \([0-9]*\) to \([0-9]*\) was killed by signal 9 (Killed): they are missing from the output$/\1 \2/p' "$work/err")
check "  names the GPOs it lost ($lost), a run of a quarter" sh -c 'total=$1; set -- $0; [ $# -eq 2 ] &&
	[ $(($2 - $1 + 1)) -ge $((total / 4)) ] && [ $(($2 - $1 + 1)) -le $((total / 4 + 1)) ]' "$lost" "$total"
first=${lost% *}; last=${lost#* }
check "  lists every GPO of the other runs, none of its own" json "
assert len(d) == $total - ($last - $first + 1), len(d)"
done_testing
