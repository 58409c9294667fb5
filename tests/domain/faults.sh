#!/bin/bash
# No data loss, whatever stops a command: create, update, apply, delete, link,
# unlink and acl --repair against the lab DC, each failed at every libldap,
# libsmbclient and posix_spawn call in turn and killed before and after every
# call that changes something (tests/fault/fault.c, counted by a dry pass),
# then run again; afterwards nothing unrelated may be lost (records of both
# Registry.pol files, other files of the folder, other links, byte for byte),
# GPT.INI must equal versionNumber, list must flag nothing, nothing may be
# left that no command removes, and samba-tool gpo aclcheck must pass.  For
# create and update, the DC is also stopped and restarted at every call that
# changes something.  FAULT_SAMPLE=N tries every N-th point only, starting
# FAULT_OFFSET points later (scripts/test takes the offset from the commit,
# so that successive commits try other points); FAULT_DC_RESTARTS=0 leaves
# out the DC restarts.  The whole campaign: FAULT_SAMPLE=1 (about 15 min).
#
# The fail and kill points are shared out among FAULT_WORKERS processes
# (default 2), each with its own OU and GPOs; the DC restarts, which would
# disturb them, and the checks over the whole domain come after them.
set -u
umask 077
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d)
. "$SRC/tests/lib.sh"
need_lab
trap 'rm -rf "$work"' EXIT
lab_tools
SAMPLE=${FAULT_SAMPLE:-1}
OFFSET=${FAULT_OFFSET:-0}
RESTARTS=${FAULT_DC_RESTARTS:-1}
WORKERS=${FAULT_WORKERS:-2}
WORKER=${FAULT_WORKER:-}         # set in a worker: its number from 0
SHARED=${FAULT_SHARED:-$work}     # where workers leave the GPOs and OUs they made
G=("$GPO_CEP")
WRITES='^[0-9]+ (ldap_add|ldap_modify|ldap_delete|smb_rename|smb_unlink|smb_mkdir|smb_rmdir|spawn|smb_write|smb_open .*gpo-cep[.-])'
tag=$$-$RANDOM
ou="OU=faults-$tag,$LAB_BASE_DN"
samba_tool ou create "$ou" >/dev/null 2>&1
# which process and point made what: a leftover found at the end is traced here
who=driver; [ -z "$WORKER" ] || who="worker $((WORKER + 1))"
trace() { echo "$who, point ${points:-0}: $*" >> "$SHARED/trace.${WORKER:-d}"; }
trace "OU $ou"
# other links on the OU, some in forms only hand edits make: kept byte for byte
foreign="[ldap://cn={31B2F340-016D-11D2-945F-00C04FB984F9},cn=policies,cn=system,$LAB_BASE_DN;-1] [LDAP://CN=Someone Else,$LAB_BASE_DN][gc://cn={6AC1786C-016F-11D2-945F-00C04fB984F9},cn=policies,cn=system,$LAB_BASE_DN;0]"
ldap_modify >/dev/null 2>&1 <<LDIF
dn: $ou
changetype: modify
replace: gPLink
gPLink: $foreign
LDIF
sed "s/\"name\": \"[^\"]*\"/\"name\": \"NAME\"/" "$SRC/templates/kerberos.json" > "$work/a.json"
sed 's/"cost": 50/"cost": 40/' "$work/a.json" > "$work/b.json"
policy() { sed "s/\"name\": \"NAME\"/\"name\": \"$2\"/" "$work/$1.json" > "$work/$1-$3.json"; echo "$work/$1-$3.json"; }

gpo_guid() { ldap -b "CN=Policies,CN=System,$LAB_BASE_DN" -s one "(displayName=$1)" cn | sed -n 's/^cn: //p'; }
ad_version() { ldap -b "CN=$1,CN=Policies,CN=System,$LAB_BASE_DN" -s base versionNumber 2>/dev/null | sed -n 's/^versionNumber: //p'; }
ou_gplink() { ldap -b "$ou" -s base gPLink | sed -n 's/^gPLink: //p;s/^gPLink:: //p'; }

# Unrelated content: records in both Registry.pol files, other files in the folder
enrich() { # GUID
	local g=$1 k
	mkdir -p "$work/enrich"
	for k in Machine User; do
		smb -c "get $realm/Policies/$g/$k/Registry.pol $work/enrich/$k.pol" >/dev/null 2>&1
		"$ADD_RECORDS" "$work/enrich/$k.pol" "$work/enrich/$k.new" 5 >/dev/null 2>&1
		smb -c "put $work/enrich/$k.new $realm/Policies/$g/$k/Registry.pol" >/dev/null 2>&1
	done
	printf '[Unicode]\r\nUnicode=yes\r\n[Version]\r\nsignature="$CHICAGO$"\r\nRevision=1\r\n' > "$work/enrich/GptTmpl.inf"
	printf '@echo off\r\n' > "$work/enrich/run.cmd"
	smb -c "mkdir $realm/Policies/$g/Machine/Microsoft; mkdir \"$realm/Policies/$g/Machine/Microsoft/Windows NT\";
		mkdir \"$realm/Policies/$g/Machine/Microsoft/Windows NT/SecEdit\";
		put $work/enrich/GptTmpl.inf \"$realm/Policies/$g/Machine/Microsoft/Windows NT/SecEdit/GptTmpl.inf\";
		mkdir $realm/Policies/$g/Machine/Scripts; put $work/enrich/run.cmd $realm/Policies/$g/Machine/Scripts/run.cmd" >/dev/null 2>&1
	# what must survive: the records added (not the certificate ones) and the files
	/usr/bin/python3 - "$work/enrich" "$SRC/tests/domain" > "$work/reference.json" <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[2])
from gpo_state import preg_records
d = sys.argv[1]
ref = {"records": {}, "files": ["Machine/Microsoft/Windows NT/SecEdit/GptTmpl.inf", "Machine/Scripts/run.cmd"]}
for k in ("Machine", "User"):
    old = preg_records(open(os.path.join(d, k + ".pol"), "rb").read())
    new = preg_records(open(os.path.join(d, k + ".new"), "rb").read())
    ref["records"][k] = [r for r in new if r not in old]
print(json.dumps(ref))
PY
}

# The state after a command and its rerun: the GPO whole, or gone.
whole() { # GUID: prints what is wrong
	local g=$1 v
	v=$(ad_version "$g")
	[ -n "$v" ] || { echo "no container"; return 1; }
	ldap -b "CN=$g,CN=Policies,CN=System,$LAB_BASE_DN" -s one dn | grep -c '^dn:' | grep -qx 2 ||
		{ echo "CN=User or CN=Machine missing"; return 1; }
	rm -rf "$work/snap"; mkdir -p "$work/snap"
	smb -c "prompt OFF; recurse ON; cd $realm/Policies/$g; lcd $work/snap; mget *" >/dev/null 2>&1
	/usr/bin/python3 "$SRC/tests/domain/gpo_state.py" "$work/snap" "$v" "$work/reference.json"
}
gone() { # GUID
	local g=$1
	[ -z "$(ad_version "$g")" ] || { echo "the container is still there"; return 1; }
	! smb -c "ls $realm/Policies/$g" 2>/dev/null | grep -q "^  $g" || { echo "the folder is still there"; return 1; }
}
links_ok() { # GUID present|absent: the OU's other links byte for byte, ours once or not at all
	local g=$1 want=$2 v
	v=$(ou_gplink)
	case $v in *"$foreign"*) ;; *) echo "the OU's other links changed: $v"; return 1;; esac
	local ours=$(grep -o "$g" <<<"$v" | wc -l)
	if [ "$want" = present ] && [ "$ours" -ne 1 ]; then echo "$ours links of ours: $v"; return 1; fi
	if [ "$want" = absent ] && [ "$ours" -ne 0 ]; then echo "our link is still there: $v"; return 1; fi
}
listed_whole() { # GUID...: one list of the domain flags none of them, and has them all
	"$GPO_CEP" list "${AUTH[@]}" --all --json > "$work/list.json" 2>/dev/null
	/usr/bin/python3 -c '
import json, sys
listed = {g["guid"]: g for g in json.load(open(sys.argv[1]))["gpos"]}
for guid in sys.argv[2:]:
    g = listed.get(guid)
    if g is None:
        print("%s is not listed" % guid)
    elif g["incomplete"] or g["unreadable"]:
        print("list flags %s: %s" % (guid, g["problems"]))
' "$work/list.json" "$@"
}

# the next run succeeds and leaves what $verify wants; else what is wrong, in $work/problem
converges() {
	if ! $rerun >"$work/rerun.out" 2>"$work/rerun.err"; then
		{ echo "the rerun failed:"; cat "$work/rerun.err"; } > "$work/problem"
	else
		$verify > "$work/problem" 2>&1
	fi
}
# one injection point: run, rerun, check; $points counts them
points=0 before_writes=0
inject() { # LABEL AT MODE SETUP VERIFY RERUN -- command...
	local label=$1 at=$2 mode=$3 setup=$4 verify=$5 rerun=$6 rc; shift 7
	points=$((points + 1))
	[ $(( (points + OFFSET) % SAMPLE )) -eq 0 ] || return 0
	[ $(( (points + OFFSET) / SAMPLE % WORKERS )) -eq "${WORKER:-0}" ] || return 0
	$setup
	rm -f "$work/inj.calls"
	FAULT_COUNT="$work/inj.calls" with_fault "$at" "$mode" "$@" >"$work/inj.out" 2>"$work/inj.err"
	rc=$?
	: > "$work/problem"
	# a failure says what happened: never a silent non-zero exit
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 137 ] && [ ! -s "$work/inj.err" ]; then
		echo "exit $rc without a message" > "$work/problem"
	elif [ "$rc" -ne 0 ] && [ "$mode" != kill-after ] &&
		! grep -v "^$at " "$work/inj.calls" | grep -qE "$WRITES"; then
		# it stopped before any call that changes something happened: the
		# domain is as the setup left it, and the next point starts from there
		unchanged=1 before_writes=$((before_writes + 1))
	else
		unchanged=0
		converges
	fi
	if [ -s "$work/problem" ]; then
		cp "$work/problem" "$work/out"; cat "$work/inj.err" > "$work/err"
		fail "$label: $mode at call $at ($(sed -n "${at}p" "$work/calls.$label" | cut -d' ' -f2-))"
	fi
}

# Every point of a command: fail at each call, kill before and after each write.
campaign() { # LABEL VERIFY RERUN SETUP -- command...
	local label=$1 verify=$2 rerun=$3 setup=$4 total at first
	shift 5
	$setup; count_calls "$@"; $rerun >/dev/null 2>&1
	cp "$work/calls" "$work/calls.$label"
	total=$(wc -l < "$work/calls.$label")
	first=$points before_writes=0
	for at in $(seq 1 "$total"); do
		inject "$label" "$at" fail "$setup" "$verify" "$rerun" -- "$@"
	done
	for at in $(grep -E "$WRITES" "$work/calls.$label" | cut -d' ' -f1); do
		# killed before this write is killed after the one before it, when that
		# was a write too: the same state, tried once
		if [ "$at" -eq 1 ] || ! sed -n "$((at - 1))p" "$work/calls.$label" | grep -qE "$WRITES"; then
			inject "$label" "$at" kill "$setup" "$verify" "$rerun" -- "$@"
		fi
		inject "$label" "$at" kill-after "$setup" "$verify" "$rerun" -- "$@"
	done
	pass "$label: $((points - first)) injection points ($total calls, $(grep -cE "$WRITES" "$work/calls.$label") of them writes; $before_writes tried stopped it before any write)$([ "$SAMPLE" -gt 1 ] && echo "; 1 in $SAMPLE tried, from offset $OFFSET"); worker $((WORKER + 1)) of $WORKERS tried its share"
}

# The DC stopped and started again at every write.
restarts() { # LABEL VERIFY RERUN SETUP -- command...
	local label=$1 verify=$2 rerun=$3 setup=$4 at pid tries=0 state
	shift 5
	[ "$RESTARTS" -eq 1 ] || return 0
	$setup; count_calls "$@"; $rerun >/dev/null 2>&1
	cp "$work/calls" "$work/calls.$label-dc"
	for at in $(grep -E "$WRITES" "$work/calls.$label-dc" | cut -d' ' -f1); do
		tries=$((tries + 1))
		[ $(( (tries + OFFSET) % SAMPLE )) -eq 0 ] || continue
		$setup
		env LD_PRELOAD="$SHIM" FAULT_AT="$at" FAULT_MODE=stop \
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$@" >"$work/inj.out" 2>"$work/inj.err" &
		pid=$!
		# until it stops at the call (or ends without reaching it): up to a minute
		for _ in $(seq 1200); do
			state=$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)
			[ "$state" = T ] || [ -z "$state" ] && break
			sleep 0.05
		done
		"$SRC/tests/lab/lab" stop >/dev/null 2>&1
		eval "$("$SRC/tests/lab/lab" start 2>/dev/null)"
		# resumed, also if it stopped only now: never left waiting for ever
		while state=$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1) && [ -n "$state" ]; do
			[ "$state" = T ] && kill -CONT "$pid" 2>/dev/null
			[ "$state" = Z ] && break
			sleep 0.1
		done
		wait "$pid"
		: > "$work/problem"
		converges
		if [ -s "$work/problem" ]; then
			cp "$work/problem" "$work/out"; cat "$work/inj.err" > "$work/err"
			fail "$label: DC restarted at call $at ($(sed -n "${at}p" "$work/calls.$label-dc" | cut -d' ' -f2-))"
		fi
	done
	pass "$label: the DC stopped and restarted at each of $tries writes$([ "$SAMPLE" -gt 1 ] && echo "; 1 in $SAMPLE tried, from offset $OFFSET")"
}

# --- what the campaigns run -------------------------------------------------
# update and apply, on a GPO with unrelated content and links
name="faults $tag"
setup_gpo() {
	policy a "$name" base >/dev/null
	"$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/a-base.json" >/dev/null 2>&1
	guid=$(gpo_guid "$name")
	trace "GPO $guid ($name)"
	enrich "$guid"
}
# each point changes the cost, so that there is always something to write
flip=a unchanged=0
flip_policy() {
	# after a point that changed nothing the GPO still differs from cur.json
	[ "$unchanged" = 1 ] && [ -f "$work/cur.json" ] && return
	flip=$([ "$flip" = a ] && echo b || echo a); policy "$flip" "$name" base >/dev/null; cp "$work/$flip-base.json" "$work/cur.json"; }
update_rerun() { "$GPO_CEP" update "${AUTH[@]}" --gpo "$guid" "$work/cur.json"; }
apply_rerun() { "$GPO_CEP" apply "${AUTH[@]}" --link "$ou" "$work/cur.json"; }
gpo_verify() { whole "$guid" && links_ok "$guid" present; }

# link and unlink
unlink_first() { "$GPO_CEP" unlink "${AUTH[@]}" --gpo "$guid" --target "$ou" >/dev/null 2>&1; }
link_first() { "$GPO_CEP" link "${AUTH[@]}" --gpo "$guid" --target "$ou" >/dev/null 2>&1; }
link_rerun() { "$GPO_CEP" link "${AUTH[@]}" --gpo "$guid" --target "$ou"; }
unlink_rerun() { "$GPO_CEP" unlink "${AUTH[@]}" --gpo "$guid" --target "$ou"; }
linked_verify() { links_ok "$guid" present; }
unlinked_verify() { links_ok "$guid" absent; }

# acl --repair of a folder whose ACL drifted
drift() { smbcacls -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$realm/Policies/$guid" \
	-a "ACL:S-1-1-0:ALLOWED/OI|CI/FULL" >/dev/null 2>&1; }
acl_rerun() { "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid" --repair; }
acl_verify() { "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid" >/dev/null 2>&1 || { echo "acl still differs"; return 1; }
	whole "$guid" && links_ok "$guid" present; }

# create: finished by apply, or removed
k=0
created=()
create_setup() { k=$((k + 1)); cname="faults create $tag $k"; policy a "$cname" new >/dev/null; cp "$work/a-new.json" "$work/new.json"; }
create_rerun() {
	# create again: it was made, or it says an incomplete one exists; apply finishes it
	"$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/new.json" ||
		"$GPO_CEP" apply "${AUTH[@]}" --link "$ou" "$work/new.json"
}
create_verify() {
	local g
	g=$(gpo_guid "$cname")
	[ -n "$g" ] || { echo "no GPO '$cname' after the rerun"; return 1; }
	created+=("$g")
	trace "created $g ($cname)"
	printf '{"records": {}, "files": []}' > "$work/empty-ref.json"
	cp "$work/reference.json" "$work/reference.saved"; cp "$work/empty-ref.json" "$work/reference.json"
	whole "$g" && links_ok "$g" present; local rc=$?
	cp "$work/reference.saved" "$work/reference.json"
	return $rc
}

# delete: gone whole, or an orphan delete --orphan removes
dname="faults delete $tag"
delete_setup() {
	policy a "$dname" del >/dev/null
	"$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/a-del.json" >/dev/null 2>&1
	dguid=$(gpo_guid "$dname")
	trace "to delete: $dguid"
}
delete_rerun() {
	# the GPO again, else what is left of it, else nothing is left: all fine
	"$GPO_CEP" delete "${AUTH[@]}" --gpo "$dguid" 2>/dev/null && return 0
	"$GPO_CEP" delete "${AUTH[@]}" --orphan "$dguid" 2>"$work/orphan.err" && return 0
	grep -q "nothing is left of a GPO" "$work/orphan.err" || { cat "$work/orphan.err" >&2; return 1; }
}
delete_verify() { gone "$dguid" && links_ok "$dguid" absent; }

# --- a worker: its share of the fail and kill points -------------------------
if [ -n "$WORKER" ]; then
	setup_gpo
	campaign update gpo_verify update_rerun flip_policy -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$guid" "$work/cur.json"
	campaign apply gpo_verify apply_rerun flip_policy -- "$GPO_CEP" apply "${AUTH[@]}" --link "$ou" "$work/cur.json"
	campaign link linked_verify link_rerun unlink_first -- "$GPO_CEP" link "${AUTH[@]}" --gpo "$guid" --target "$ou"
	campaign unlink unlinked_verify unlink_rerun link_first -- "$GPO_CEP" unlink "${AUTH[@]}" --gpo "$guid" --target "$ou"
	link_first
	campaign acl-repair acl_verify acl_rerun drift -- "$GPO_CEP" acl "${AUTH[@]}" --gpo "$guid" --repair
	campaign create create_verify create_rerun create_setup -- "$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/new.json"
	campaign delete delete_verify delete_rerun delete_setup -- "$GPO_CEP" delete "${AUTH[@]}" --gpo "$dname"
	# for the checks over the whole domain, and the clean-up
	printf '%s\n' "${created[@]}" "$guid" > "$SHARED/gpos.$WORKER"
	echo "$ou" > "$SHARED/ou.$WORKER"
	done_testing
	exit
fi

# --- the driver: the workers at once, then what would disturb them ------------
"$GPO_CEP" list "${AUTH[@]}" --orphans --json > "$work/orphans.before" 2>/dev/null || echo '{"orphans": []}' > "$work/orphans.before"
for w in $(seq 0 $((WORKERS - 1))); do
	FAULT_WORKER=$w FAULT_SHARED="$work" bash "${BASH_SOURCE[0]}" > "$work/worker.$w" 2>&1 &
	wpid[$w]=$!
done
for w in $(seq 0 $((WORKERS - 1))); do
	wait "${wpid[$w]}"; rc=$?
	# their lines, numbered as ours
	while IFS= read -r line; do
		case $line in
		"ok "*) pass "worker $((w + 1)): ${line#ok * - }" ;;
		"not ok "*) n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - worker $((w + 1)): ${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		"1.."*) ;;
		*) echo "# $line" ;;
		esac
	done < "$work/worker.$w"
	grep -q "^1\.\." "$work/worker.$w" || { : > "$work/err"; : > "$work/out"; fail "worker $((w + 1)) stopped early (exit $rc)"; }
done

# the DC stopped and restarted at every write of update and create
setup_gpo
restarts update gpo_verify update_rerun flip_policy -- "$GPO_CEP" update "${AUTH[@]}" --gpo "$guid" "$work/cur.json"
restarts create create_verify create_rerun create_setup -- "$GPO_CEP" create "${AUTH[@]}" --link "$ou" "$work/new.json"

# --- what is left: list flags nothing, Samba's own check passes, no orphans ---
all=("${created[@]}" "$guid")
for f in "$work"/gpos.*; do [ -f "$f" ] && mapfile -t -O "${#all[@]}" all < "$f"; done
list_clean() { listed_whole "$@" > "$work/listed"; cat "$work/listed"; [ ! -s "$work/listed" ]; }
check "list flags none of the ${#all[@]} GPOs the campaigns created or changed" list_clean "${all[@]}"
check "samba-tool gpo aclcheck's comparison passes on every GPO the campaigns left" \
	gpo_aclcheck "$LAB_IP" "${all[@]}"
"$GPO_CEP" list "${AUTH[@]}" --orphans --json > "$work/orphans.json" 2>"$work/orphans.err"
# only what this run left counts: an earlier run's leftovers failed that run
check "nothing is left that no command removes (list --orphans shows nothing new)" /usr/bin/python3 -c '
import json, sys
before = {o["guid"] for o in json.load(open(sys.argv[1]))["orphans"]}
new = [o for o in json.load(open(sys.argv[2]))["orphans"] if o["guid"] not in before]
for o in new:
    print("left:", o)
    for t in sys.argv[3:]:
        for line in open(t):
            if o["guid"] in line or any(l.split(",")[0][3:] in line for l in o["links"]):
                print("  trace:", line.rstrip())
assert new == []
' "$work/orphans.before" "$work/orphans.json" "$work"/trace.*
for g in "${all[@]}"; do "$GPO_CEP" delete "${AUTH[@]}" --gpo "$g" >/dev/null 2>&1; done
ous_gone() {
	local o
	for o in $(cat "$work"/ou.*) "$ou"; do
		samba_tool ou delete "$o" || return 1
	done
}
check "the OUs the campaigns made are removed" ous_gone
done_testing
