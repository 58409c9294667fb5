#!/bin/bash
# update and apply on local GPO folders: lossless merge, idempotency,
# versions (wrap at 0xFFFF, GPT.INI kept), dry-run diff and exit statuses.
set -u
umask 077   # password files must be private (gpo-cep refuses others)
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.} ; ADD_RECORDS=${ADD_RECORDS:?}
work=$(mktemp -d) ; trap 'rm -rf "$work"' EXIT
. "$SRC/tests/lib.sh"
GUID='{31B2F340-016D-11D2-945F-00C04FB984F9}'
G="$work/gpo/$GUID"
# edge costs (0 and 4294967295) that Ubuntu adsys misreads: every command here
# writes for Windows clients (--clients windows); the refusal is tested at the end
POLICY="$SRC/tests/golden/edge-flags/policy.json"
mkdir -p "$work/gpo"
"$GPO_CEP" render --clients windows "$POLICY" -o "$work/gpo" --guid "$GUID" >/dev/null 2>&1
# other settings in the same file, and a GPT.INI with other keys, as Samba writes it
"$ADD_RECORDS" "$G/Machine/Registry.pol" "$work/mixed.pol" 500
mkdir -p "$G/MACHINE.tmp" && rmdir "$G/MACHINE.tmp"
cp "$work/mixed.pol" "$G/Machine/Registry.pol"
printf '[General]\nVersion = 7\ndisplayName = Ma politique\nExtra=kept\n\n' > "$G/GPT.INI"

expect 0 "update with the same settings" -- "$GPO_CEP" update --clients windows --path "$G" "$POLICY"
grep -q "no change" "$work/out" && pass "  no change" || fail "  no change"
check "  nothing written" cmp "$work/mixed.pol" "$G/Machine/Registry.pol"
sed 's/"cost": 100/"cost": 7/' "$POLICY" > "$work/p2.json"
expect 4 "dry run of a change" -- "$GPO_CEP" update --clients windows --path "$G" --dry-run "$work/p2.json"
grep -q "^  /computer/enrollment_policy/servers/0/cost (LDAP:): 100 -> 7$" "$work/out" && pass "  the diff names the change in policy terms" || fail "  diff"
no_grep_in out "REG_DWORD" "  and no records"
expect 4 "--raw: the same change as records" -- "$GPO_CEP" update --clients windows --path "$G" --dry-run --raw "$work/p2.json"
grep -q "+ Machine/Registry.pol: .*Cost = REG_DWORD 7" "$work/out" && pass "  the record diff names the change" || fail "  record diff"
expect 4 "--json: the change in both terms" -- "$GPO_CEP" update --clients windows --path "$G" --dry-run --json "$work/p2.json"
check "  changes: the policy member, old and new; records: the Cost records" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["changes"] == [{"change": "changed", "pointer": "/computer/enrollment_policy/servers/0/cost",
                         "server": "LDAP:", "old": 100, "new": 7}], d["changes"]
assert sorted(c["change"] for c in d["records"]) == ["added", "removed"], d["records"]
assert d["version_new"]["computer"] == d["version_old"]["computer"] + 1, d
' "$work/out"
check "  the dry run wrote nothing" cmp "$work/mixed.pol" "$G/Machine/Registry.pol"
expect 0 "update with a change" -- "$GPO_CEP" update --clients windows --path "$G" "$work/p2.json"
check "GPT.INI: machine half 7 -> 8, other lines and LF kept" cmp "$G/GPT.INI" <(printf '[General]\nVersion=8\ndisplayName = Ma politique\nExtra=kept\n\n')
check "every unrelated record kept, same bytes, same order" /usr/bin/python3 - "$work/mixed.pol" "$G/Machine/Registry.pol" <<'PY'
import sys
from samba.dcerpc import preg
from samba.ndr import ndr_unpack
def recs(p):
    f = ndr_unpack(preg.file, open(p, "rb").read())
    return [(str(e.keyname), str(e.valuename), e.type, e.data) for e in f.entries]
cep = lambda r: r[0].startswith("Software\\Policies\\Microsoft\\Cryptography")
a, b = recs(sys.argv[1]), recs(sys.argv[2])
assert [r for r in a if not cep(r)] == [r for r in b if not cep(r)] and len([r for r in a if not cep(r)]) == 500
PY
expect 4 "--detailed-exitcode: no change is 0, a change 4" -- "$GPO_CEP" update --clients windows --path "$G" --detailed-exitcode "$POLICY"
expect 0 "  and no change afterwards is 0" -- "$GPO_CEP" update --clients windows --path "$G" --detailed-exitcode "$POLICY"
printf '[General]\r\nVersion=%d\r\n' $(( (3 << 16) | 0xFFFF )) > "$G/GPT.INI"
expect 0 "update at machine version 0xFFFF" -- "$GPO_CEP" update --clients windows --path "$G" "$work/p2.json"
check "  the machine half wraps to 1, the user half stays" grep -q "^Version=$(( (3 << 16) | 1 ))" "$G/GPT.INI"
expect 0 "switch the computer enrollment policy off (null)" -- "$GPO_CEP" update --clients windows --path "$G" --json - < <(echo '{"computer": {"enrollment_policy": null}}')
check "  every enrollment record is gone, 500 others stay" /usr/bin/python3 - "$G/Machine/Registry.pol" <<'PY'
import sys
from samba.dcerpc import preg
from samba.ndr import ndr_unpack
f = ndr_unpack(preg.file, open(sys.argv[1], "rb").read())
keys = [str(e.keyname) for e in f.entries]
assert not any("PolicyServers" in k for k in keys) and any(k.endswith("AutoEnrollment") for k in keys)
PY
expect 0 "a user scope to a folder without User/Registry.pol" -- "$GPO_CEP" update --clients windows --path "$G" - < <(echo '{"user": {"auto_enrollment": {}}}')
check "  User/Registry.pol now exists" test -s "$G/User/Registry.pol"
check "  the user half moved" grep -q "^Version=$(( (4 << 16) | 2 ))" "$G/GPT.INI"
expect 0 "apply creates a missing {GUID} folder" -- "$GPO_CEP" apply --clients windows --path "$work/gpo/{11111111-2222-3333-4444-555555555555}" "$POLICY"
check "  with its files" test -s "$work/gpo/{11111111-2222-3333-4444-555555555555}/Machine/Registry.pol"
expect 0 "apply again: no change" -- "$GPO_CEP" apply --clients windows --path "$work/gpo/{11111111-2222-3333-4444-555555555555}" "$POLICY"
grep -q "no change" "$work/out" && pass "  reported" || fail "  reported"
cat > "$work/auth1.json" <<'J'
{"computer": {"enrollment_policy": {"servers": [{"uri": "LDAP:", "policy_id": "{A}"},
  {"uri": "https://pki.example.net/ejbca/msae/CEPService?alias", "auth": "kerberos", "policy_id": "E"},
  {"uri": "https://old.example.net/ADPolicyProvider_CEP_Kerberos/service.svc/CEP", "policy_id": "O"}]}}}
J
expect 0 "three servers" -- "$GPO_CEP" update --clients windows --path "$G" "$work/auth1.json"
cat > "$work/auth2.json" <<'J'
{"computer": {"enrollment_policy": {"servers": [{"uri": "LDAP:", "policy_id": "{A}"},
  {"uri": "https://pki.example.net/ejbca/msae/CEPService?alias", "auth": "certificate", "policy_id": "E"}]}}}
J
expect 4 "dry run: change one server's auth type and remove another" -- "$GPO_CEP" update --clients windows --path "$G" --dry-run "$work/auth2.json"
grep -qF -- '/computer/enrollment_policy/servers/1/auth (https://pki.example.net/ejbca/msae/CEPService?alias): "kerberos" -> "certificate"' "$work/out" && pass "  the diff shows the auth type kerberos -> certificate" || fail "  auth diff"
grep -qE -- "^  /computer/enrollment_policy/servers/[0-9]: server https://old.example.net/ADPolicyProvider_CEP_Kerberos/service.svc/CEP removed$" "$work/out" && pass "  and the removed server, by URI" || fail "  removed server"
no_grep_in out "^  /user" "  the user half, which the policy does not name, is not in it"
# a URI in other case names the same registry key: its uri changes, no server comes or goes
sed 's#https://pki.example.net/ejbca#HTTPS://PKI.example.net/ejbca#' "$work/auth2.json" > "$work/auth3.json"
expect 4 "dry run: a server's URI in capitals" -- "$GPO_CEP" update --clients windows --path "$G" --dry-run --json "$work/auth3.json"
check "  the same server, its uri changed (and its auth), pointers into the policy file" /usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["changes"]
uri = [x for x in c if x["pointer"].endswith("/uri")]
assert [(x["pointer"], x["new"]) for x in uri] == [("/computer/enrollment_policy/servers/1/uri", "HTTPS://PKI.example.net/ejbca/msae/CEPService?alias")], c
assert not [x for x in c if x["change"] == "added"], c' "$work/out"
expect 4 "the same with --raw" -- "$GPO_CEP" update --clients windows --path "$G" --dry-run --raw "$work/auth2.json"
grep -q -- "- Machine/Registry.pol: .*AuthFlags = REG_DWORD 2" "$work/out" && grep -q -- "+ Machine/Registry.pol: .*AuthFlags = REG_DWORD 8" "$work/out" && pass "  the records show AuthFlags 2 -> 8" || fail "  AuthFlags diff"
grep -q -- "- Machine/Registry.pol: .*URL = REG_SZ \"https://old.example.net" "$work/out" && pass "  and the removed server's records" || fail "  removed server records"
expect 0 "apply that change" -- "$GPO_CEP" update --clients windows --path "$G" "$work/auth2.json"
"$GPO_CEP" show "$G" > "$work/shown.json" 2>/dev/null
check "  show reads two servers, the second with certificate auth" /usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["computer"]["enrollment_policy"]["servers"]
assert sorted((x["uri"][:12], x["auth"]) for x in s) == [("LDAP:", "kerberos"), ("https://pki.", "certificate")], s
' "$work/shown.json"
expect 2 "update needs --domain or --path" -- "$GPO_CEP" update --clients windows "$POLICY"
expect 2 "--path with --gpo" -- "$GPO_CEP" update --clients windows --path "$G" --gpo x "$POLICY"
expect 1 "update of a folder that does not exist" -- "$GPO_CEP" update --clients windows --path "$work/none" "$POLICY"
printf 'PReg\001\000\000\000[' > "$G/Machine/Registry.pol"
expect 2 "a corrupt Registry.pol is refused, not overwritten" -- "$GPO_CEP" update --clients windows --path "$G" "$work/p2.json"
check "  it is left as it was" cmp "$G/Machine/Registry.pol" <(printf 'PReg\001\000\000\000[')

# links below the folder given are never followed (a write through one would
# replace a file gpo-cep never read)
L="$work/linked"; mkdir -p "$work/elsewhere"
"$GPO_CEP" render --clients windows "$POLICY" -o "$work" --guid '{21111111-2222-3333-4444-555555555555}' >/dev/null 2>&1
mv "$work/{21111111-2222-3333-4444-555555555555}" "$L"
cp "$L/Machine/Registry.pol" "$work/elsewhere/Registry.pol"
"$ADD_RECORDS" "$work/elsewhere/Registry.pol" "$work/elsewhere/Registry.pol" 5 >/dev/null 2>&1
cp "$work/elsewhere/Registry.pol" "$work/foreign.pol"
rm -r "$L/Machine" && ln -s "$work/elsewhere" "$L/Machine"
expect 2 "update --path with Machine a symbolic link" -- "$GPO_CEP" update --clients windows --path "$L" "$work/p2.json"
grep -q "'$L/Machine' is a symbolic link: gpo-cep follows none inside a GPO folder" "$work/err" && pass "  says which link" || fail "  message"
check "  the file behind the link is untouched" cmp "$work/elsewhere/Registry.pol" "$work/foreign.pol"
rm "$L/Machine" && mkdir "$L/Machine" && ln -s "$work/foreign.pol" "$L/Machine/Registry.pol"
expect 2 "update --path with Registry.pol a symbolic link" -- "$GPO_CEP" update --clients windows --path "$L" "$work/p2.json"
check "  the file behind it is untouched" cmp "$work/elsewhere/Registry.pol" "$work/foreign.pol"
rm "$L/Machine/Registry.pol"; ln -s "$work/foreign.pol" "$L/gpt.ini.x"; mv "$L/GPT.INI" "$work/gpt.saved"; mv "$L/gpt.ini.x" "$L/GPT.INI"
expect 2 "update --path with GPT.INI a symbolic link" -- "$GPO_CEP" update --clients windows --path "$L" "$work/p2.json"
check "  the file behind it is untouched" cmp "$work/elsewhere/Registry.pol" "$work/foreign.pol"
mkdir -p "$work/r"; ln -s "$work/elsewhere" "$work/r/{31111111-2222-3333-4444-555555555555}"
expect 2 "render --force onto a symbolic link" -- "$GPO_CEP" render --clients windows --force "$POLICY" -o "$work/r" --guid '{31111111-2222-3333-4444-555555555555}'
check "  the folder behind it is untouched" cmp "$work/elsewhere/Registry.pol" "$work/foreign.pol"
# apply of a folder that is not there: --json says what it would do, then did
G3="$work/new/{31B2F340-016D-11D2-945F-00C04FB984F9}"; mkdir -p "$work/new"
expect 4 "apply --path --dry-run --json of a missing folder" -- "$GPO_CEP" apply --clients windows --path "$G3" --dry-run --json "$POLICY"
check "  JSON: not created, a change" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["ok"], d["changed"], d["dry_run"], d["exit_status"]) == (True, True, True, 4), d
assert (d["path"], d["created"]) == (sys.argv[2], False), d
' "$work/out" "$G3"
check "  and nothing written" test ! -e "$G3"
expect 0 "apply --path --json creates it" -- "$GPO_CEP" apply --clients windows --path "$G3" --json "$POLICY"
check "  JSON: created" /usr/bin/python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["created"] is True
' "$work/out"
# a folder it may not write into: every new file is written before any
# replaces an old one, so nothing changes (root without the capabilities
# that override file permissions)
/usr/bin/python3 - "$SRC/templates/kerberos.json" "$work/both.json" "$work/both2.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for scope in ("computer", "user"):
    for s in p[scope]["enrollment_policy"]["servers"]:
        if s["uri"] == "LDAP:":
            s["policy_id"] = "{09526129-1F43-4F3B-8A4C-1B3C5D7E9F01}"
json.dump(p, open(sys.argv[2], "w"))
for scope in ("computer", "user"):
    for s in p[scope]["enrollment_policy"]["servers"]:
        s["cost"] = 41
json.dump(p, open(sys.argv[3], "w"))
PY
G4="$work/ro/{31B2F340-016D-11D2-945F-00C04FB984F9}"; mkdir -p "$work/ro"
"$GPO_CEP" render --clients windows "$work/both.json" -o "$work/ro" --guid '{31B2F340-016D-11D2-945F-00C04FB984F9}' >/dev/null 2>&1
snapshot() { (cd "$G4" && find . -type f | sort | xargs sha1sum) > "$1"; }
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	snapshot "$work/ro.before"
	chmod 555 "$G4/User"
	expect 1 "update of a folder whose User/ it may not write" -- setpriv --bounding-set=-dac_override,-dac_read_search "$GPO_CEP" update --clients windows --path "$G4" "$work/both2.json"
	grep_in err "Permission denied: nothing was changed" "  says that nothing was changed"
	snapshot "$work/ro.after"
	check "  and nothing was: GPT.INI and both Registry.pol as they were, no temporary file" cmp "$work/ro.before" "$work/ro.after"
	chmod 755 "$G4/User"
	expect 0 "once it may, the same update" -- setpriv --bounding-set=-dac_override,-dac_read_search "$GPO_CEP" update --clients windows --path "$G4" "$work/both2.json"
	snapshot "$work/ro.after"
	check "  changes GPT.INI and both Registry.pol" test "$(diff "$work/ro.before" "$work/ro.after" | grep -c '^>')" -eq 3
	check "  and leaves no temporary file" test -z "$(find "$G4" -name '*gpo-cep-tmp*')"
else
	skip "update of a folder it may not write" "needs root to drop its capabilities"
fi
# for every client (the default) a policy adsys would misread is refused, the folder untouched
before=$(cd "$G" && find . -type f -exec sha256sum {} + | sort)
expect 2 "update for every client of a policy adsys misreads" -- "$GPO_CEP" update --path "$G" "$POLICY"
grep_in err "error: Ubuntu adsys" "  the refusal names adsys"
check "  and changes nothing" test "$before" = "$(cd "$G" && find . -type f -exec sha256sum {} + | sort)"
done_testing
