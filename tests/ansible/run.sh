#!/bin/bash
# The Ansible collection (contrib/ansible/gpo_cep): ansible-test sanity, and
# its module driven by a playbook against the lab DC (tests/ansible/playbook.yml),
# with Debian's ansible-core.
#
# ansible-test sanity runs here with --local: 7 of its 32 tests want a
# virtual environment whose pip it downloads, which a machine without
# network cannot.  Those 7 run as ansible-test runs them, with Debian's
# packaged tools and ansible-test's own scripts and settings: validate-modules
# (its validate.py), ansible-doc, pep8 (pycodestyle, its ignore list, 160
# columns), pylint (its collection.cfg), yamllint (its yamllinter.py),
# runtime-metadata (its script) and import.
set -u
umask 077
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d)
. "$SRC/tests/lib.sh"
trap 'rm -rf "$work"' EXIT
need_tools ansible-playbook ansible-test ansible-doc pylint yamllint
/usr/bin/python3 -c 'import voluptuous, pycodestyle' 2>/dev/null ||
	skip_suite "missing python3-voluptuous or python3-pycodestyle (scripts/deps installs them)"

# --- ansible-test sanity ---------------------------------------------------------------
coll="$work/collections/ansible_collections/gpo_cep/gpo_cep"
mkdir -p "$(dirname "$coll")"
cp -r "$SRC/contrib/ansible/gpo_cep" "$coll"
# ansible-test lists a collection's files through git
(cd "$coll" && git init -q . && git add -A) || { echo "Bail out! no git"; exit 1; }
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_LOCAL_TEMP="$work/tmp" HOME="$work"
module=plugins/modules/certificate_enrollment.py
sanity=/usr/lib/python3/dist-packages/ansible_test/_util/controller/sanity
venv_tests=(ansible-doc import pep8 pylint runtime-metadata validate-modules yamllint)
in_coll() { (cd "$coll" && "$@"); }
expect 0 "ansible-test sanity --local: the $(( $(in_coll ansible-test sanity --list-tests 2>/dev/null | wc -l) - ${#venv_tests[@]} )) tests that need no download" -- \
	in_coll ansible-test sanity --local --python "$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" "${venv_tests[@]/#/--skip-test=}"
validate() { in_coll /usr/bin/python3 "$sanity/validate-modules/validate.py" --format json --arg-spec \
	--collection ansible_collections/gpo_cep/gpo_cep --collection-version 0.1.0 "$module" > "$work/vm.json" &&
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); bad = [e for f in d.values() for e in f["errors"] + f["warnings"]]
print(bad); assert not bad' "$work/vm.json"; }
check "validate-modules: documentation, argument spec and code agree" validate
check "ansible-doc renders the module's documentation" sh -c \
	'ansible-doc -t module gpo_cep.gpo_cep.certificate_enrollment 2>&1 | grep -q "Certificate Enrollment Policy" && ! ansible-doc -t module gpo_cep.gpo_cep.certificate_enrollment 2>&1 | grep -q WARNING'
check "pep8: pycodestyle with ansible-test's settings" in_coll /usr/bin/python3 -m pycodestyle --max-line-length 160 \
	--ignore "$(grep -v '^#' "$sanity/pep8/current-ignore.txt" | grep . | paste -sd,)" "$module"
check "pylint with ansible-test's collection.cfg" in_coll env PYTHONPATH="$work/collections:$sanity/pylint/plugins" \
	pylint --rcfile "$sanity/pylint/config/collection.cfg" --load-plugins string_format --score n "$module"
yaml_clean() { in_coll /usr/bin/python3 "$sanity/yamllint/yamllinter.py" "$module" galaxy.yml meta/runtime.yml > "$work/yl.json" &&
	/usr/bin/python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))["messages"]; print(m); assert not m' "$work/yl.json"; }
check "yamllint: galaxy.yml, meta/runtime.yml and the module's YAML documentation" yaml_clean
check "runtime-metadata: meta/runtime.yml" sh -c 'cd "$1" && /usr/bin/python3 "$2/code-smell/runtime-metadata.py" meta/runtime.yml > "$3/rm.out" && [ ! -s "$3/rm.out" ]' \
	sh "$coll" "$sanity" "$work"
check "import: the module imports with only ansible's own libraries" env PYTHONPATH="$work/collections" \
	/usr/bin/python3 -c 'import ansible_collections.gpo_cep.gpo_cep.plugins.modules.certificate_enrollment as m; assert m.DOCUMENTATION and m.main'

# --- the playbook against the lab DC ------------------------------------------------
need_lab
lab_tools
tag=$$-$RANDOM
name="gpo-cep ansible $tag"
sed "s/\"name\": \"[^\"]*\"/\"name\": \"$name\"/" "$SRC/templates/kerberos.json" > "$work/v1.json"
sed 's/"cost": 50/"cost": 75/' "$work/v1.json" > "$work/v2.json"
# the play's results as JSON: a callback of our own (ansible-core has no json callback)
ANSIBLE_CALLBACK_PLUGINS="$SRC/tests/ansible/callback_plugins" ANSIBLE_STDOUT_CALLBACK=gpo_cep_results \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_NOCOLOR=1 \
	ansible-playbook -i localhost, "$SRC/tests/ansible/playbook.yml" \
	-e gpo_cep="$GPO_CEP" -e lab_realm="$LAB_REALM" -e lab_ip="$LAB_IP" \
	-e lab_password_file="$LAB_PASSWORD_FILE" -e lab_ca_cert="$LAB_CA_CERT" \
	-e lab_client_conf="$LAB_CLIENT_CONF" -e lab_base_dn="$LAB_BASE_DN" \
	-e policy_v1="$work/v1.json" -e policy_v2="$work/v2.json" -e "gpo_name='$name'" \
	> "$work/play.json" 2> "$work/play.err"
echo "# ansible-playbook exited $?"
# each task of the play, in order, as a TAP line
/usr/bin/python3 - "$work/play.json" "$n" "$work/play.err" <<'PY'
import json, sys
n = int(sys.argv[2])
try:
    play = json.load(open(sys.argv[1]))["plays"][0]
except (ValueError, KeyError, IndexError) as e:
    print("not ok %d - ansible-playbook printed no play result: %s" % (n + 1, e))
    for line in open(sys.argv[3], errors="replace").read().splitlines()[-15:]:
        print("# " + line)
    sys.exit(0)
for task in play["tasks"]:
    n += 1
    r = task["hosts"].get("localhost", {})
    failed = r.get("failed") and not task["task"]["name"].startswith("A policy with an error")
    print("%s %d - playbook: %s" % ("not ok" if failed else "ok", n, task["task"]["name"]))
    if failed:
        print("# " + json.dumps({k: r.get(k) for k in ("msg", "assertion", "error", "stderr")})[:1500])
PY
tasks=$(/usr/bin/python3 -c 'import json, sys
try: print(len(json.load(open(sys.argv[1]))["plays"][0]["tasks"]))
except Exception: print(1)' "$work/play.json")
bad=$(/usr/bin/python3 -c 'import json, sys
try:
    t = json.load(open(sys.argv[1]))["plays"][0]["tasks"]
    print(sum(1 for x in t if x["hosts"].get("localhost", {}).get("failed") and not x["task"]["name"].startswith("A policy with an error")))
except Exception: print(1)' "$work/play.json")
n=$((n + tasks)); failed=$((failed + bad))
check "the play ran all 20 tasks" test "$tasks" -eq 20
# an independent reader: the directory holds no container of that name any more
check "ldapsearch: no GPO named '$name' is left" sh -c '! grep -q "^displayName: $1\$" "$2"' sh "$name" \
	<(ldap -b "CN=Policies,CN=System,$LAB_BASE_DN" -s one "(displayName=$name)" displayName 2>&1)
done_testing
