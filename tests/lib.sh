# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the shell test suites: TAP helpers and the lab's tools.
# Source it after setting `work` (a scratch folder).
lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
n=0 ; failed=0 ; skipped=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; failed=$((failed + 1)); sed 's/^/# /' "$work/err" "$work/out" 2>/dev/null | head -20; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP ${2:-}"; skipped=$((skipped + 1)); }
# expect STATUS DESCRIPTION -- command...: run, check the exit status
expect() {
	local want=$1 d=$2 why; shift 3
	"$@" >"$work/out" 2>"$work/err"; local got=$?
	# every gpo-cep --json run, whatever its exit status: the envelope of doc/output.schema.json
	if json_asked "$@" && ! why=$(/usr/bin/python3 "$lib_dir/json_envelope.py" "$got" "$work/out"); then
		fail "$d: exit $got; --json output: $why"; return
	fi
	if [ "$got" -eq "$want" ]; then pass "$d (exit $want)"; else fail "$d: exit $got, want $want"; fi
}
# json_asked COMMAND...: a gpo-cep command line with --json (and no --help)
json_asked() {
	local arg cli=false json=false
	for arg in "$@"; do
		case $arg in
		*/gpo-cep|G|probe) cli=true ;;
		--json) json=true ;;
		--help|-h|--) return 1 ;;
		esac
	done
	$cli && $json
}
# check DESCRIPTION command...: passes when the command succeeds
check() {
	local d=$1; shift
	if "$@" >"$work/check" 2>&1; then pass "$d"; else cp "$work/check" "$work/out"; : >"$work/err"; fail "$d"; fi
}
grep_in() { if grep -q -- "$2" "$work/$1"; then pass "$3"; else fail "$3: no '$2' in $1"; fi; }
no_grep_in() { if ! grep -q -- "$2" "$work/$1"; then pass "$3"; else fail "$3: '$2' in $1"; fi; }
done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }

# A suite that cannot run here: skipped when run by hand (exit 77, which
# meson counts as skipped), a failure with CI=true (a skipped suite once
# hid a missing package).
skip_suite() { # REASON
	if [ "${CI:-}" = true ]; then
		echo "not ok 1 - cannot run: $1 (a skip is a failure in CI)"; echo "1..1"; exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 77
}
# need_tools PROGRAM...: each on PATH (or an absolute path that exists)
need_tools() {
	local t missing=()
	for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
	[ ${#missing[@]} -eq 0 ] || skip_suite "missing ${missing[*]} (scripts/deps installs them)"
}
# A suite that needs the lab: scripts/test always starts one.
need_lab() {
	if [ -z "${LAB_IP:-}" ] && [ -n "${LAB_REQUIRED:-}" ]; then
		echo "not ok 1 - no lab DC although LAB_REQUIRED is set"; echo "1..1"; exit 1
	fi
	[ -n "${LAB_IP:-}" ] || skip_suite "no lab DC (scripts/test starts one)"
	need_tools smbclient smbcacls ldapsearch ldapmodify samba-tool
}

# The lab's independent tools, with its credentials from files only.
lab_tools() {
	printf 'username = Administrator\npassword = %s\ndomain = %s\n' "$(cat "$LAB_PASSWORD_FILE")" "$LAB_DOMAIN" > "$work/smb.auth"
	chmod 600 "$work/smb.auth"
	realm=$(echo "$LAB_REALM" | tr A-Z a-z)
	AUTH=(--domain "$LAB_REALM" --dc "$LAB_IP" -U "$LAB_ADMIN" --password-file "$LAB_PASSWORD_FILE"
	      --ca-file "$LAB_CA_CERT" --smb-conf "$LAB_CLIENT_CONF")
}
ldap() { LDAPTLS_CACERT="$LAB_CA_CERT" ldapsearch -LLL -o ldif-wrap=no -x -H "$LAB_LDAPS_URI" \
	-D "$LAB_ADMIN_UPN" -y "$LAB_PASSWORD_FILE" "$@"; }
ldap_modify() { LDAPTLS_CACERT="$LAB_CA_CERT" ldapmodify -x -H "$LAB_LDAPS_URI" \
	-D "$LAB_ADMIN_UPN" -y "$LAB_PASSWORD_FILE" "$@"; }
smb() { smbclient -s "$LAB_CLIENT_CONF" -A "$work/smb.auth" "//$LAB_IP/sysvol" "$@"; }
# samba-tool gpo aclcheck's comparison for each GPO named, on the DC named
# (tests/domain/aclcheck.py: samba-tool itself stops at the first GPO that differs)
gpo_aclcheck() { /usr/bin/python3 "${SOURCE_ROOT:-.}/tests/domain/aclcheck.py" "$1" "$work/smb.auth" \
	"$LAB_CLIENT_CONF" "${@:2}"; }
samba_tool() { PASSWD=$(cat "$LAB_PASSWORD_FILE") samba-tool "$@" -H "ldap://$LAB_IP" -s "$LAB_CLIENT_CONF" -U Administrator; }

# Fault injection from outside (tests/fault/fault.c): count a command's calls,
# then make the N-th fail, kill the process there, or stop it.
SHIM=${FAULT_SHIM:-}
count_calls() { rm -f "$work/calls"; LD_PRELOAD=$SHIM FAULT_COUNT="$work/calls" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$@" >/dev/null 2>&1; }
call_no() { grep -E -m1 -- "$1" "$work/calls" | cut -d' ' -f1; }   # PATTERN: the first such call
with_fault() { local at=$1 mode=$2; shift 2   # N MODE command...
	LD_PRELOAD=$SHIM FAULT_AT=$at FAULT_MODE=$mode \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$@"; }
# the calls that change something on the DC
WRITES='^[0-9]+ (ldap_add|ldap_modify|ldap_delete|smb_rename|smb_unlink|smb_mkdir|smb_rmdir|spawn|smb_write) '
