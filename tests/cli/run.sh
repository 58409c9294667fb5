#!/bin/bash
# CLI tests: help, exit statuses, error messages, nothing written on failure.
set -u
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
work=$(mktemp -d) ; trap 'rm -rf "$work"' EXIT
. "$SRC/tests/lib.sh"
GUID='{31B2F340-016D-11D2-945F-00C04FB984F9}'
# the spec's worked example: the Windows editor's bytes, Cost 0x7FFFFFFD included,
# which Ubuntu adsys misreads, so it is rendered for Windows clients (--clients windows)
POLICY="$SRC/tests/golden/spec-worked-example/policy.json"
# connection settings come from the command line only, whatever this machine's configuration
unset GPO_CEP_DOMAIN GPO_CEP_DC GPO_CEP_USER GPO_CEP_CA_FILE GPO_CEP_PROFILE GPO_CEP_PASSWORD
export GPO_CEP_CONFIG=/dev/null KRB5_CONFIG=/dev/null

expect 0 "gpo-cep --help" -- "$GPO_CEP" --help
grep_in out "render" "--help lists render"
expect 0 "gpo-cep --version" -- "$GPO_CEP" --version
expect 2 "no command" -- "$GPO_CEP"
expect 2 "unknown command" -- "$GPO_CEP" frobnicate
grep_in err "'frobnicate' is not a gpo-cep command" "unknown command says so"
for cmd in render show lint init probe create update apply list link unlink delete acl; do
	expect 0 "$cmd --help" -- "$GPO_CEP" "$cmd" --help
	grep_in out "^\(usage:\)\? *gpo-cep $cmd " "$cmd --help prints its usage to stdout"
	expect 0 "help $cmd" -- "$GPO_CEP" help "$cmd"
	grep_in out "^\(usage:\)\? *gpo-cep $cmd " "help $cmd is $cmd --help"
	expect 2 "$cmd --bogus" -- "$GPO_CEP" "$cmd" --bogus
	grep_in err "Try 'gpo-cep $cmd --help'" "$cmd usage error points at --help"
	if [ "$(cat "$work/err")" = "gpo-cep $cmd: unknown option '--bogus'
Try 'gpo-cep $cmd --help'." ]; then pass "  one message, prefixed 'gpo-cep $cmd:'"; else fail "  $cmd --bogus: not exactly one message"; fi
	# the man page documents every command
	grep_in_man() { grep -q "^\.SS \"gpo-cep \(.*, \)\?$cmd" "$SRC/doc/gpo-cep.1"; }
	if grep_in_man; then pass "gpo-cep(1) documents $cmd"; else fail "gpo-cep(1) lacks $cmd"; fi
done

# domain commands: usage errors need no DC
expect 2 "create without --domain" -- "$GPO_CEP" create "$POLICY"
grep_in err "missing --domain REALM" "create names the missing --domain"
expect 2 "delete without --gpo" -- "$GPO_CEP" delete --domain example.com
expect 2 "link without --target" -- "$GPO_CEP" link --domain example.com --gpo x
expect 2 "unlink --enforced" -- "$GPO_CEP" unlink --domain example.com --gpo x --target DC=x --enforced
expect 2 "show --domain without --gpo" -- "$GPO_CEP" show --domain example.com
expect 2 "a password file without a user" -- "$GPO_CEP" list --domain example.com --password-file /dev/null
grep_in err "a password needs a user" "a password without a user is named"
expect 2 "bad --timeout" -- "$GPO_CEP" list --domain example.com --timeout 0
grep_in err "^gpo-cep list: --timeout takes seconds from 1 to 3600$" "  names the command"
grep_in err "^Try 'gpo-cep list --help'.$" "  and points at its --help"
for bad in 0 x 65 -1 2x; do
	expect 2 "bad --jobs $bad" -- "$GPO_CEP" list --domain example.com --jobs "$bad"
done
grep_in err "jobs takes a number of connections from 1 to 64, not '2x'" "  says what it takes"
expect 2 "acl --repair --jobs 2: a repair writes one GPO at a time" -- \
	"$GPO_CEP" acl --domain example.com --all --repair --jobs 2
grep_in err "\-\-repair writes one GPO at a time" "  says so"
expect 2 "sync takes no --jobs" -- "$GPO_CEP" sync --domain example.com --all --jobs 2
expect 2 "bad --probe-timeout" -- "$GPO_CEP" render --clients windows --probe-timeout 0 "$POLICY" -o "$work/x"
grep_in err "^gpo-cep render: --probe-timeout takes seconds from 1 to 3600$" "  names the command"
expect 2 "bad probe --timeout" -- "$GPO_CEP" probe --timeout 3601 https://x.invalid/
grep_in err "^gpo-cep probe: --timeout takes seconds from 1 to 3600$" "  names the command"
if ! grep -q -- '--password[ =]' "$SRC"/src/cli/*.c; then pass "no --password option: passwords never go on the command line"; else fail "a --password option exists"; fi
expect 2 "-U without a password source and no terminal" -- sh -c "printf 'x\n' | '$GPO_CEP' list --domain example.com --dc 127.0.0.1 -U someone"
grep_in err "no password for 'someone'" "a missing password source is named"

# options are matched exactly; a secret given by mistake is never repeated
no_secret() { # DESCRIPTION: the secret word is in neither output
	if ! grep -q "S3cretWord" "$work/err" "$work/out"; then pass "$1"; else fail "$1: the secret was printed"; fi
}
expect 2 "--password SECRET is not an abbreviation of --password-file" -- "$GPO_CEP" list --domain example.com -U u --password S3cretWord
grep_in err "unknown option '--password': a password is never an option" "  says why"
no_secret "  the secret is not repeated"
expect 2 "--pass=SECRET" -- "$GPO_CEP" list --domain example.com -U u --pass=S3cretWord
no_secret "  the secret is not repeated"
expect 2 "--password-f (an abbreviation) is refused" -- "$GPO_CEP" list --domain example.com -U u --password-f /dev/null
grep_in err "options are never abbreviated): did you mean '--password-file'" "  and the full name suggested"
expect 2 "-U DOM\\user%SECRET" -- "$GPO_CEP" list --domain example.com -U 'DOM\u%S3cretWord'
grep_in err "-U takes a user name only, never a password" "  says why"
no_secret "  the secret is not repeated"
expect 2 "probe -U user%SECRET" -- "$GPO_CEP" probe -U 'u%S3cretWord' https://x.invalid/
no_secret "  the secret is not repeated"
expect 2 "--probe-pass SECRET" -- "$GPO_CEP" render --clients windows --probe-pass S3cretWord "$POLICY" -o "$work/x"
no_secret "  the secret is not repeated"
expect 2 "--probe-user user%SECRET" -- "$GPO_CEP" render --clients windows --probe --probe-user 'u%S3cretWord' "$POLICY" -o "$work/x"
grep_in err "--probe-user takes a user name only, never a password" "  says why"
no_secret "  the secret is not repeated"
for typed in "-H:use --dc" "-k:use --kerberos" "-W:use --domain" "-s:use --smb-conf"; do
	expect 2 "samba-tool's ${typed%%:*}" -- "$GPO_CEP" list --domain example.com "${typed%%:*}" x
	grep_in err "unknown option '${typed%%:*}': ${typed#*:}" "  gets a hint: ${typed#*:}"
done
expect 2 "a flag with a value" -- "$GPO_CEP" render --clients windows --json=yes "$POLICY" -o "$work/x"
grep_in err "option '--json' takes no value" "  says so"
expect 2 "an option without its value" -- "$GPO_CEP" render --clients windows "$POLICY" -o
grep_in err "option '-o' needs a value (DIR)" "  names the option and its value"
printf 'S3cretWord\n' > "$work/pw-open"; chmod 644 "$work/pw-open"
expect 2 "a password file others may read" -- "$GPO_CEP" list --domain example.com --dc 127.0.0.1 -U someone --password-file "$work/pw-open"
grep_in err "may be read by its group and others (mode 0644): allow only its owner (chmod 600" "  refused like ssh refuses such a key"
no_secret "  the secret is not repeated"
chmod 640 "$work/pw-open"
expect 2 "a password file its group may read" -- "$GPO_CEP" list --domain example.com --dc 127.0.0.1 -U someone --password-file "$work/pw-open"
grep_in err "may be read by its group" "  refused"

# connecting: the first step that fails is named (nothing listens on 127.0.0.99)
printf 'S3cretWord\n' > "$work/pw"; chmod 600 "$work/pw"
conn=(list --domain example.com -U someone --password-file "$work/pw" --timeout 3)
expect 1 "a DC where nothing listens" -- "$GPO_CEP" "${conn[@]}" --dc 127.0.0.99
grep_in err "cannot reach the DC (ldap://127.0.0.99): nothing listens on 127.0.0.99 port 389 (connection refused)" \
	"  says nothing listens on port 389"
expect 1 "the same with --ldaps" -- "$GPO_CEP" "${conn[@]}" --dc 127.0.0.99 --ldaps
grep_in err "nothing listens on 127.0.0.99 port 636" "  port 636"
expect 1 "a --dc that does not resolve" -- "$GPO_CEP" "${conn[@]}" --dc dc1.nowhere.invalid
grep_in err "the name 'dc1.nowhere.invalid' does not resolve" "  says so"
expect 1 "a short --dc that does not resolve" -- "$GPO_CEP" "${conn[@]}" --dc nowhere-dc
grep_in err "does not resolve .*: give the DC's full DNS name" "  asks for the full name"
expect 2 "a --ca-file that does not exist" -- "$GPO_CEP" "${conn[@]}" --dc 127.0.0.99 --ca-file "$work/nope.pem"
grep_in err "cannot read --ca-file '$work/nope.pem': No such file or directory" "  named, before connecting"
expect 2 "the same with LDAPTLS_CACERT set: the option is not dropped for it" -- \
	env LDAPTLS_CACERT=/etc/ssl/certs/ca-certificates.crt "$GPO_CEP" "${conn[@]}" --dc 127.0.0.99 --ca-file "$work/nope.pem"
grep_in err "cannot read --ca-file" "  refused all the same"
printf 'not a certificate\n' > "$work/not.pem"
expect 2 "a --ca-file that holds no PEM certificate" -- "$GPO_CEP" "${conn[@]}" --dc 127.0.0.99 --ca-file "$work/not.pem"
grep_in err "holds no PEM certificate" "  says so"
expect 2 "Kerberos with an address for --dc" -- "$GPO_CEP" list --domain example.com --dc 127.0.0.99 --kerberos
grep_in err "Kerberos needs the DC's DNS name, not an address (127.0.0.99)" "  explained before connecting"
expect 2 "--kerberos with -U" -- "$GPO_CEP" list --domain example.com --dc dc1.example.com --kerberos -U someone
grep_in err "give one or the other" "  refused: two identities"
expect 2 "--kerberos with --password-file" -- "$GPO_CEP" list --domain example.com --kerberos --password-file "$work/pw"
grep_in err "password-file names a user" "  refused too"

# connection profiles (gpo-cep.conf(5)): command line > environment > profile
cat > "$work/profiles.conf" <<EOF
# a comment
[default]
domain = example.com
dc = 127.0.0.99
user = someone
password-file = $work/pw
timeout = 3

[unresolved]
domain = example.com
dc = dc1.nowhere.invalid
user = someone
password-file = $work/pw

[ticket]
domain = example.com
dc = 127.0.0.99
kerberos = yes
EOF
with_conf() { env GPO_CEP_CONFIG="$work/profiles.conf" "$@"; }
expect 1 "list with nothing but the default profile" -- with_conf "$GPO_CEP" list
grep_in err "cannot reach the DC (ldap://127.0.0.99): nothing listens" "  its domain, DC, user and password file used"
expect 1 "--profile unresolved" -- with_conf "$GPO_CEP" list --profile unresolved
grep_in err "the name 'dc1.nowhere.invalid' does not resolve" "  that profile's DC"
expect 1 "GPO_CEP_PROFILE=unresolved" -- with_conf env GPO_CEP_PROFILE=unresolved "$GPO_CEP" list
grep_in err "dc1.nowhere.invalid" "  selects the profile too"
expect 1 "--dc on the command line wins over the profile" -- with_conf "$GPO_CEP" list --dc nowhere-dc
grep_in err "the name 'nowhere-dc' does not resolve" "  the command line's DC"
expect 1 "GPO_CEP_DC wins over the profile" -- with_conf env GPO_CEP_DC=dc2.nowhere.invalid "$GPO_CEP" list
grep_in err "the name 'dc2.nowhere.invalid' does not resolve" "  the environment's DC"
expect 2 "a profile with kerberos = yes: its ticket, and an address is refused" -- with_conf "$GPO_CEP" list --profile ticket
grep_in err "Kerberos needs the DC's DNS name, not an address (127.0.0.99)" "  Kerberos came from the profile"
expect 1 "-U on the command line replaces the profile's kerberos" -- with_conf "$GPO_CEP" list --profile ticket -U someone --password-file "$work/pw"
grep_in err "nothing listens on 127.0.0.99 port 389" "  a password bind over StartTLS"
expect 2 "a profile that is not there" -- with_conf "$GPO_CEP" list --profile nope
grep_in err "no profile 'nope' in $work/profiles.conf (there are: default, unresolved, ticket)" "  names the profiles there are"
printf '[default]\ndomain = example.com\npassword = S3cretWord\n' > "$work/secret.conf"
expect 2 "a password in a profile" -- env GPO_CEP_CONFIG="$work/secret.conf" "$GPO_CEP" list
grep_in err "$work/secret.conf:3: a password is never kept in a profile: give password-file" "  refused, file:line"
no_secret "  the password is not repeated"
printf '[default]\nca_file = /x.pem\n' > "$work/typo.conf"
expect 2 "a key with a typo" -- env GPO_CEP_CONFIG="$work/typo.conf" "$GPO_CEP" list
grep_in err "$work/typo.conf:2: unknown key 'ca_file': did you mean 'ca-file'?" "  file:line and the nearest key"
printf '[default]\nkerberos = maybe\n' > "$work/bool.conf"
expect 2 "kerberos = maybe" -- env GPO_CEP_CONFIG="$work/bool.conf" "$GPO_CEP" list
grep_in err "$work/bool.conf:2: kerberos: yes or no expected" "  says what is expected"
printf '[other]\nkerberos = yes\nuser = u\n[default]\ndomain = x\n' > "$work/two.conf"
expect 2 "kerberos and a user in one profile" -- env GPO_CEP_CONFIG="$work/two.conf" "$GPO_CEP" list --profile other
grep_in err "kerberos = yes with user names two identities" "  refused"
expect 2 "GPO_CEP_CONFIG naming a file that is not there" -- env GPO_CEP_CONFIG="$work/none.conf" "$GPO_CEP" list
grep_in err "cannot read the configuration '$work/none.conf'" "  named"
mkdir -p "$work/xdg/gpo-cep"
printf '[default]\ndomain = example.com\ndc = dc3.nowhere.invalid\nuser = u\npassword-file = %s\n' "$work/pw" > "$work/xdg/gpo-cep/config"
expect 1 "~/.config/gpo-cep/config (XDG_CONFIG_HOME)" -- env -u GPO_CEP_CONFIG XDG_CONFIG_HOME="$work/xdg" "$GPO_CEP" list
grep_in err "dc3.nowhere.invalid" "  read"
expect 1 "connect with the default profile, nothing listening: what it would use, then why not" -- with_conf "$GPO_CEP" connect
grep_in out "^domain    example.com (profile 'default' ($work/profiles.conf))" "  the domain, from the profile"
grep_in out "^dc        127.0.0.99 (profile 'default'" "  the DC, from the profile"
grep_in out "^identity  someone, password bind (profile 'default'" "  who binds, from the profile"
grep_in out "^tls ca    the system's trust store" "  the trust anchors"
grep_in err "nothing listens on 127.0.0.99 port 389" "  and the step that failed"
expect 1 "connect --json, the DC from GPO_CEP_DC" -- with_conf env GPO_CEP_DC=dc9.nowhere.invalid "$GPO_CEP" connect --json
check "  {ok: false, dc_from: GPO_CEP_DC, domain_from: the profile}" /usr/bin/python3 -c "
import json, sys
d = json.load(open('$work/out'))
assert d['ok'] is False and d['dc'] == 'dc9.nowhere.invalid' and d['dc_from'] == 'GPO_CEP_DC', d
assert d['domain_from'].startswith(\"profile 'default'\") and d['identity']['auth'] == 'password', d"
expect 2 "connect with no domain anywhere" -- "$GPO_CEP" connect --dc 127.0.0.99 -U u --password-file "$work/pw"
grep_in err "missing --domain REALM" "  a usage error"
expect 1 "GPO_CEP_DOMAIN, GPO_CEP_DC and GPO_CEP_USER, no options" -- env GPO_CEP_DOMAIN=example.com GPO_CEP_DC=127.0.0.99 \
	GPO_CEP_USER=someone GPO_CEP_PASSWORD=S3cretWord "$GPO_CEP" list --timeout 3
grep_in err "nothing listens on 127.0.0.99 port 389" "  a password bind to that DC: all three used"
expect 2 "GPO_CEP_CA_FILE naming a file that is not there" -- env GPO_CEP_CA_FILE="$work/nope.pem" "$GPO_CEP" "${conn[@]}" --dc 127.0.0.99
grep_in err "cannot read --ca-file '$work/nope.pem'" "  used, and refused before connecting"
printf '[other]\ntimeout = abc\n[default]\ndomain = example.com\n' > "$work/other.conf"
expect 2 "a bad value in a profile that is not used" -- env GPO_CEP_CONFIG="$work/other.conf" "$GPO_CEP" list
grep_in err "$work/other.conf:2: timeout: whole seconds from 1 to 3600 expected" "  refused all the same, file:line"
mkdir -p "$work/conf-dir"
expect 2 "GPO_CEP_CONFIG naming a directory" -- env GPO_CEP_CONFIG="$work/conf-dir" "$GPO_CEP" list
grep_in err "cannot read the configuration '$work/conf-dir': Is a directory" "  says so"
printf '\357\273\277[default]\ndomain = example.com\ndc = dc4.nowhere.invalid\nuser = u\npassword-file = %s\n' "$work/pw" > "$work/bom.conf"
expect 1 "a configuration file with Notepad's byte order mark" -- env GPO_CEP_CONFIG="$work/bom.conf" "$GPO_CEP" list
grep_in err "dc4.nowhere.invalid" "  read as if it had none"
printf '[default]\ndomain = example.com\npassword-file = %s\n' "$work/pw" > "$work/nouser.conf"
expect 2 "a profile's password-file without a user" -- env GPO_CEP_CONFIG="$work/nouser.conf" "$GPO_CEP" list
grep_in err "password-file without user names nobody to bind as" "  refused, as --password-file without -U is"
for dc in "" "ldap://dc1.example.com" "[::1]" "dc1.example.com:389"; do
	expect 2 "--dc '$dc'" -- "$GPO_CEP" list --domain example.com --dc "$dc" -U u --password-file "$work/pw"
	grep_in err "takes a host name or an address, without a scheme, brackets or port" "  refused"
done
expect 2 "Kerberos with --dc 127.1 (an address too)" -- "$GPO_CEP" list --domain example.com --dc 127.1 --kerberos
grep_in err "Kerberos needs the DC's DNS name, not an address" "  refused"
printf '{"version": 1, "name": "x", "computer": {"enrollment_policy": {"servers": [{"uri": "LDAP:"}, {"uri": "https://ca1.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP", "policy_id": "083c7011-1d0a-4855-885d-ac945184658c"}]}, "auto_enrollment": {}}}' > "$work/tid.json"
expect 0 "the templates' policy ID without braces, in lower case" -- "$GPO_CEP" lint "$work/tid.json"
grep_in err "template-policy-id" "  flagged all the same"
expect 0 "lint --offline --forest-guid: LDAP:'s ID given as render takes it" -- "$GPO_CEP" lint --offline --forest-guid 09526129-1F43-4F3B-8A4C-1B3C5D7E9F01 "$SRC/templates/ldap-only.json"
expect 2 "lint --forest-guid that is not a GUID" -- "$GPO_CEP" lint --forest-guid xyz "$SRC/templates/ldap-only.json"
grep_in err "--forest-guid 'xyz' is not a GUID" "  refused"
# the domain from smb.conf's realm or krb5.conf's default_realm
printf '[global]\n\trealm = FROM.SMB.CONF\n' > "$work/realm-smb.conf"
expect 1 "no --domain: smb.conf's realm" -- "$GPO_CEP" list --smb-conf "$work/realm-smb.conf" --dc 127.0.0.99 -U u --password-file "$work/pw"
no_grep_in err "missing --domain" "  taken as the domain"
printf '[libdefaults]\n\tdefault_realm = FROM.KRB5.CONF\n' > "$work/krb5.conf"
expect 1 "no --domain: krb5.conf's default_realm" -- env KRB5_CONFIG="$work/krb5.conf" "$GPO_CEP" list --dc 127.0.0.99 -U u --password-file "$work/pw"
no_grep_in err "missing --domain" "  taken as the domain"
printf '[libdefaults]\n\tdefault_realm = ATHENA.MIT.EDU\n' > "$work/krb5.conf"
expect 2 "no --domain, krb5.conf's ATHENA.MIT.EDU (Debian's unanswered example)" -- env KRB5_CONFIG="$work/krb5.conf" "$GPO_CEP" list --dc 127.0.0.99 -U u --password-file "$work/pw"
grep_in err "missing --domain REALM" "  is no domain"

# a bad policy file: every command says why, before connecting anywhere
printf '{"version": 1, "name": "x", "permision": 1, "computer": {}}' > "$work/typo.json"
for cmd in create update apply; do
	expect 2 "$cmd with an unknown key in the policy" -- "$GPO_CEP" $cmd --domain nowhere.invalid --dc 127.0.0.1 --kerberos "$work/typo.json"
	grep_in err "/permision: error: unknown key 'permision'" "  $cmd names the key and its pointer"
	grep_in err "1 error in '$work/typo.json': nothing written" "  and counts the errors"
done
printf '{"version": 1, "name": ""}' > "$work/empty-name.json"
expect 2 "create with an empty name" -- "$GPO_CEP" create --domain nowhere.invalid --kerberos "$work/empty-name.json"
grep_in err '/name: error: must not be empty' "  says the name is empty"
printf '{"version": 1, "name": "red\\u001b[31m\\ttab\\nline"}' > "$work/ctl.json"
expect 2 "a name with control characters" -- "$GPO_CEP" lint "$work/ctl.json"
grep_in err "/name: error: the name contains a control character (\\\\x1b at character 4)" "  is refused, the character named"
if ! grep -q "$(printf '\033')" "$work/err" "$work/out"; then pass "  no raw escape character printed"; else fail "  a raw escape character was printed"; fi
printf '{"version": 1, "name": "next\u0085line"}' > "$work/c1.json"
expect 2 "a name with a C1 control character (U+0085)" -- "$GPO_CEP" lint "$work/c1.json"
grep_in err "control character (\\\\u0085 at character 5)" "  is refused too"
expect 2 "create --name with a control character" -- "$GPO_CEP" create --domain nowhere.invalid --kerberos --name "$(printf 'a\033b')" "$SRC/templates/kerberos.json"
grep_in err "--name: the name contains a control character (\\\\x1b at character 2)" "  is refused before connecting"
head -c 1100000 /dev/zero | tr '\0' ' ' > "$work/big.json"
expect 2 "lint of a policy over 1 MiB" -- "$GPO_CEP" lint "$work/big.json"
grep_in err "is larger than 1048576 bytes" "  says so"
if ! grep -q "0 errors" "$work/err"; then pass "  and does not claim 0 errors"; else fail "  claims 0 errors"; fi

# completion: generated from the same tables as the parser
bash -n "$BUILD_ROOT/completion/gpo-cep" >"$work/out" 2>"$work/err" && pass "the bash completion parses" || fail "the bash completion does not parse"
complete_words() { # LINE: what bash completion offers at its end
	bash -c 'source /usr/share/bash-completion/bash_completion; source "$1"; COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<"$2"; [[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _gpo_cep; printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$BUILD_ROOT/completion/gpo-cep" "$1"
}
for cmd in render show lint init probe create update apply list link unlink delete acl; do
	"$GPO_CEP" --options "$cmd" | sed 's/^-., //; s/ .*//' | sort > "$work/table"
	complete_words "gpo-cep $cmd --" | sed "s/=$//" | sort > "$work/completed"
	if [ -s "$work/table" ] && diff -q "$work/table" "$work/completed" >/dev/null; then pass "completion of '$cmd --' offers exactly its options"; else fail "completion of '$cmd --'"; diff "$work/table" "$work/completed" | head -5; fi
done
complete_words "gpo-cep init --template k" > "$work/out"
grep_in out "^kerberos$" "completion of --template offers the templates"
complete_words "gpo-cep show --scope " > "$work/out"
if [ "$(tr '\n' ' ' < "$work/out")" = "computer user " ]; then pass "completion of --scope offers computer and user"; else fail "completion of --scope: $(cat "$work/out")"; fi
complete_words "gpo-cep cr" > "$work/out"
grep_in out "^create$" "completion of a command name"
# zsh and fish: generated from the same tables
check "the zsh completion parses" zsh -n "$BUILD_ROOT/completion/_gpo-cep"
check "the fish completion parses" fish -n "$BUILD_ROOT/completion/gpo-cep.fish"
fish_words() { fish -c 'source $argv[1]; complete -C $argv[2]' "$BUILD_ROOT/completion/gpo-cep.fish" "$1" | cut -f1; }
for cmd in render lint create update list link acl permissions connect; do
	"$GPO_CEP" --options "$cmd" | sed 's/^-., //; s/ .*//' | sort > "$work/table"
	fish_words "gpo-cep $cmd --" | sed "s/=$//" | sort -u > "$work/completed"
	if [ -s "$work/table" ] && diff -q "$work/table" "$work/completed" >/dev/null; then pass "fish: '$cmd --' offers exactly its options"; else fail "fish: '$cmd --'"; diff "$work/table" "$work/completed" | head -5; fi
	# zsh: each option of the table has its spec in the command's _arguments
	awk -v c="$cmd" '$0 == "\t" c ")" {on = 1; next} on && /;;$/ {exit} on' "$BUILD_ROOT/completion/_gpo-cep" |
		sed -n "s/^\t\t\t'\*\('{-.,\)\{0,1\}\(--[a-z-]*\).*/\2/p" | sort -u > "$work/zsh"
	if [ -s "$work/zsh" ] && diff -q "$work/table" "$work/zsh" >/dev/null; then pass "zsh: '$cmd' has exactly its options"; else fail "zsh: '$cmd'"; diff "$work/table" "$work/zsh" | head -5; fi
done
fish_words "gpo-cep show --scope " > "$work/out"
if [ "$(tr '\n' ' ' < "$work/out")" = "computer user " ]; then pass "fish: --scope offers computer and user"; else fail "fish: --scope: $(cat "$work/out")"; fi
fish_words "gpo-cep cr" > "$work/out"
grep_in out "^create$" "fish: a command name"
fish_words "gpo-cep update --enforced=" > "$work/out"
check "fish: --enforced= offers yes and no, no files" test "$(tr '\n' ' ' < "$work/out")" = "--enforced=no --enforced=yes "
# profiles: the configuration files' sections, for --profile
printf '[default]\ndomain = a.example.com\n[lab two]\n' > "$work/bad.conf"
printf '[default]\ndomain = a.example.com\n[corp]\ndc = dc1.corp.example.com\n[lab-2]\n' > "$work/prof.conf"
expect 0 "--complete profiles lists the profiles" -- env GPO_CEP_CONFIG="$work/prof.conf" "$GPO_CEP" --complete profiles
check "  default, corp, lab-2, in order" test "$(tr '\n' ' ' < "$work/out")" = "default corp lab-2 "
expect 2 "--complete profiles of a bad file: nothing, and why on stderr" -- env GPO_CEP_CONFIG="$work/bad.conf" "$GPO_CEP" --complete profiles
check "  nothing on stdout" test ! -s "$work/out"
PATH_WITH_GPO_CEP="$(dirname "$GPO_CEP"):$PATH"
GPO_CEP_CONFIG="$work/prof.conf" PATH=$PATH_WITH_GPO_CEP complete_words "gpo-cep list --profile " > "$work/out"
check "bash: --profile offers the profiles" test "$(tr '\n' ' ' < "$work/out")" = "default corp lab-2 "
GPO_CEP_CONFIG="$work/prof.conf" PATH=$PATH_WITH_GPO_CEP fish_words "gpo-cep list --profile " > "$work/out"
check "fish: --profile offers the profiles (fish sorts them)" test "$(tr '\n' ' ' < "$work/out")" = "corp default lab-2 "
printf '[nowhere]\ndomain = example.com\ndc = 127.0.0.99\nuser = someone\npassword-file = %s\ntimeout = 3\n[nopass]\ndomain = example.com\ndc = 127.0.0.99\nuser = someone\n' "$work/pw" > "$work/conn.conf"
expect 1 "--complete gpos with no DC there: fails, nothing on stdout" -- env GPO_CEP_CONFIG="$work/conn.conf" "$GPO_CEP" --complete gpos nowhere
check "  nothing on stdout" test ! -s "$work/out"
expect 2 "--complete targets of a profile without a password file: no prompt, a refusal" -- env GPO_CEP_CONFIG="$work/conn.conf" "$GPO_CEP" --complete targets nopass
expect 2 "--complete of something else" -- "$GPO_CEP" --complete users

# render
mkdir "$work/o"
mkdir "$work/refused"
expect 2 "render for every client (the default) of a file adsys rejects" -- "$GPO_CEP" render "$POLICY" -o "$work/refused" --guid "$GUID"
grep_in err "error: Ubuntu adsys rejects the whole Machine Registry.pol" "the refusal names the client and the consequence"
grep_in err "servers/0/cost: error" "the refusal points at the cost"
grep_in err "reads whole \[adsys-file-rejected\]" "the refusal says which values work"
grep_in err "nothing written" "the refusal says nothing was written"
if [ -z "$(ls -A "$work/refused")" ]; then pass "refused: nothing written"; else fail "refused: something written"; fi
expect 2 "lint for every client: the same error" -- "$GPO_CEP" lint "$POLICY"
expect 0 "lint --clients windows,samba: a note" -- "$GPO_CEP" lint --clients windows,samba "$POLICY"
grep_in err "note: Ubuntu adsys rejects" "a finding about a client not named is a note"
expect 2 "--clients with an unknown client" -- "$GPO_CEP" lint --clients windows,macos "$POLICY"
grep_in err "unknown client 'macos'" "an unknown client is named"
expect 0 "render the worked example" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/o" --guid "$GUID"
grep_in out "gPCMachineExtensionNames: \[{35378EAC-683F-11D2-A89A-00C04FBBCFA2}{53D6AB1D-2488-11D1-A28C-00C04FB94F17}\]\[{B1BE8D72-6EAC-11D2-A4EA-00C04F79F83A}{53D6AB1D-2488-11D1-A28C-00C04FB94F17}\]" "render prints the extension names"
grep_in err "adsys-file-rejected" "render passes on lint warnings"
# show --client adsys: the worked example ends with Cost 0x7FFFFFFD, which adsys cannot end
expect 0 "show --client adsys" -- "$GPO_CEP" show --client adsys "$work/o/$GUID"
grep_in out "^MACHINE Registry.pol as Ubuntu adsys reads it: rejected at byte" "show --client adsys: the file is rejected, with the byte"
expect 0 "show --client adsys --json" -- "$GPO_CEP" show --client adsys --json "$work/o/$GUID/Machine/Registry.pol"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["files"][0]; assert d["client"]=="adsys" and f["scope"]=="computer" and f["rejected"] and "ends inside a record" in f["reason"] and f["entries"]==[]' "$work/out"; then pass "show --client adsys --json: rejected, with the reason"; else fail "show --client adsys --json: $(cat "$work/out")"; fi
mkdir "$work/tk"
expect 0 "render the Kerberos template" -- "$GPO_CEP" render "$SRC/templates/kerberos.json" -o "$work/tk" --guid "$GUID" --forest-guid "{09526129-1F43-4F3B-8A4C-1B3C5D7E9F01}"
no_grep_in err "adsys-file-rejected\|adsys-misread" "the Kerberos template: adsys reads it whole (default costs)"
grep_in err "adsys-first-group" "the Kerberos template: adsys (cepces mode) uses the LDAP: group only, said"
expect 0 "show --client adsys of the template" -- "$GPO_CEP" show --client adsys --json "$work/tk/$GUID"
if /usr/bin/python3 - "$work/out" "$work/tk/$GUID" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
files = {f["scope"]: f for f in d["files"]}
assert set(files) == {"computer", "user"}, files.keys()
for f in files.values():
    assert not f["rejected"], f
    costs = [e["data"] for e in f["entries"] if e["valuename"] == "Cost"]
    urls = [e["data"] for e in f["entries"] if e["valuename"] == "URL"]
    assert sorted(costs) == ["3932159", "50"], costs
    assert len(urls) == 2 and "LDAP:" in urls, urls
PY
then pass "show --client adsys: the template's both files read whole, every URL and cost"; else fail "show --client adsys of the template: $(head -c 600 "$work/out")"; fi
expect 2 "show --client windows: not modelled" -- "$GPO_CEP" show --client windows "$work/o/$GUID"
grep_in err "only adsys is modelled" "show --client: says which clients are modelled"
expect 1 "render onto an existing GPO" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/o" --guid "$GUID"
grep_in err "exists: give --force" "existing GPO: says how to replace"
expect 0 "render --force replaces" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/o" --guid "$GUID" --force
expect 0 "render --json" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/o" --guid "$GUID" --force --json
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]=={"number": 1, "user": 0, "computer": 1} and d["files"][1]["sha256"]=="5adc55b4e780e5373d43cb2cc518ac2c3f048b112289054e24f5e6580eef5da9"' "$work/out"; then pass "render --json is JSON with the file hashes"; else fail "render --json"; fi
expect 0 "render a generated GUID" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/o"
if ls "$work/o" | grep -qE '^\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$'; then pass "generated GUID is upper case, braced, random (v4)"; else fail "generated GUID"; fi

# bad input: the right status, a precise message, nothing written
mkdir "$work/empty"
printf '{\n  "computer": {\n    "enrollment_policy": {"servers": [{"uri": "LDAP:",}]}\n  }\n}\n' > "$work/syntax.json"
expect 2 "JSON syntax error" -- "$GPO_CEP" render "$work/syntax.json" -o "$work/empty"
grep_in err "syntax.json:3:55: error: invalid JSON" "syntax error has file:line:column"
cat > "$work/bad.json" <<'J'
{"computer": {"enrollment_policy": {"servers": [
  {"uri": "https://ca.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP", "auth": "certificate"},
  {"uri": "http://x/", "autoenrol": true}]}}}
J
expect 2 "semantic errors" -- "$GPO_CEP" render "$work/bad.json" -o "$work/empty"
grep_in err "bad.json: /computer/enrollment_policy/servers/0/auth: error: 'certificate' contradicts" "error has the JSON pointer"
grep_in err "/computer/enrollment_policy/servers/1/autoenrol: error: unknown key 'autoenrol': did you mean 'autoenroll'?" "typo gets a suggestion"
grep_in err "/computer/enrollment_policy/servers/1/uri: error: 'http://x/' must use https" "every error at once"
grep_in err "3 errors in" "error count"
if [ -z "$(ls -A "$work/empty")" ]; then pass "nothing written on error"; else fail "files left behind"; fi
expect 2 "missing policy_id offline" -- "$GPO_CEP" render "$SRC/templates/kerberos.json" -o "$work/empty"
grep_in err "forest-guid" "missing LDAP: policy ID names --forest-guid"
# update --path takes the --forest-guid its advice names
"$GPO_CEP" render "$SRC/templates/ldap-only.json" -o "$work/fg" --guid "$GUID" \
	--forest-guid 09526129-1F43-4F3B-8A4C-1B3C5D7E9F01 >/dev/null 2>&1
expect 2 "update --path, LDAP: without its policy ID" -- "$GPO_CEP" update --path "$work/fg/$GUID" "$SRC/templates/ldap-only.json"
grep_in err "(--forest-guid)" "  names --forest-guid"
expect 0 "update --path --forest-guid: the option it names exists" -- "$GPO_CEP" update --path "$work/fg/$GUID" \
	--forest-guid 09526129-1f43-4f3b-8a4c-1b3c5d7e9f01 "$SRC/templates/ldap-only.json"
grep_in out "no change" "  the same forest GUID: nothing to change"
expect 2 "update --domain --forest-guid" -- "$GPO_CEP" update --domain example.com --forest-guid 09526129-1F43-4F3B-8A4C-1B3C5D7E9F01 "$SRC/templates/ldap-only.json"
grep_in err "goes with --path: a domain gives its own" "  refused: the domain's is used"
if [ -z "$(ls -A "$work/empty")" ]; then pass "nothing written when a policy ID is missing"; else fail "files left behind"; fi
expect 1 "missing input file" -- "$GPO_CEP" render "$work/nope.json" -o "$work/empty"
grep_in err "cannot open '$work/nope.json'" "missing file named"
expect 0 "render -o DIR makes DIR when its parent exists (like mkdir)" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/made" --guid "$GUID"
if [ -f "$work/made/$GUID/GPT.INI" ]; then pass "  the GPO folder is in the new DIR"; else fail "  no GPO folder in the new DIR"; fi
expect 1 "render -o DIR/SUB when DIR does not exist" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/nope/sub"
grep_in err "cannot create the output folder '$work/nope/sub': its parent folder does not exist" "  says the parent is missing"
if [ ! -e "$work/nope" ]; then pass "  nothing made"; else fail "  a folder was made"; fi
expect 2 "a bad policy with a new -o DIR" -- "$GPO_CEP" render "$SRC/templates/kerberos.json" -o "$work/new2"
if [ ! -e "$work/new2" ]; then pass "  DIR not made on error"; else fail "  DIR made although nothing was rendered"; fi
expect 1 "render again into the same DIR" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/made" --guid "$GUID"
grep_in err "exists: give --force" "  an existing GPO folder is not replaced"
expect 2 "bad --guid" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/empty" --guid xyz
expect 2 "render without -o" -- "$GPO_CEP" render --clients windows "$POLICY"
chmod 555 "$work/empty"
if [ "$(id -u)" -ne 0 ]; then
	expect 1 "read-only output folder" -- "$GPO_CEP" render --clients windows "$POLICY" -o "$work/empty"
fi
chmod 755 "$work/empty"
expect 0 "render from standard input" -- sh -c "'$GPO_CEP' render --clients windows - -o '$work/empty' --guid '$GUID' < '$POLICY'"

# show
expect 0 "show a GPO folder" -- "$GPO_CEP" show "$work/o/$GUID"
grep_in out '"policy_id": "{0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}"' "show prints the policy"
expect 0 "show --json" -- "$GPO_CEP" show --json "$work/o/$GUID"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]["computer"]==1 and d["other_records"]==[]' "$work/out"; then pass "show --json has version and no other records"; else fail "show --json"; fi
printf 'PReg\001\000\000\000[\000' > "$work/trunc.pol"
expect 2 "show a truncated Registry.pol" -- "$GPO_CEP" show "$work/trunc.pol"
grep_in err "truncated record: key name has no NUL terminator; it starts at byte offset 10" "decoder error has the byte offset"
expect 1 "show a missing path" -- "$GPO_CEP" show "$work/none"
expect 2 "show --scope bogus" -- "$GPO_CEP" show --scope bogus "$work/trunc.pol"

# lint
expect 0 "lint a template" -- "$GPO_CEP" lint "$SRC/templates/ldap-only.json"
expect 0 "lint the kerberos template: its example policy ID is flagged" -- "$GPO_CEP" lint "$SRC/templates/kerberos.json"
grep_in err "/computer/enrollment_policy/servers/1/policy_id: warning: {083C7011-1D0A-4855-885D-AC945184658C} is the example policy ID of gpo-cep's templates" \
	"  at the server's policy_id, with the probe that gives the real one"
expect 3 "lint --strict with warnings" -- "$GPO_CEP" lint --clients windows --strict "$POLICY"
expect 0 "lint with warnings only" -- "$GPO_CEP" lint --clients windows "$POLICY"
expect 2 "lint errors" -- "$GPO_CEP" lint "$work/bad.json"
expect 2 "lint --offline wants policy IDs" -- "$GPO_CEP" lint --offline "$SRC/templates/ldap-only.json"
# lint says what create will say: an https server needs its policy ID, LDAP:'s comes from the domain
printf '{"version": 1, "name": "x", "computer": {"enrollment_policy": {"servers": [{"uri": "LDAP:"}, {"uri": "https://ca1.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP"}]}, "auto_enrollment": {}}}' > "$work/no-id.json"
expect 2 "lint: an https server without its policy ID, as create refuses it" -- "$GPO_CEP" lint "$work/no-id.json"
grep_in err "/computer/enrollment_policy/servers/1: error: 'policy_id' is required: the ID https://ca1.example.com/ADPolicyProvider_CEP_Kerberos/service.svc/CEP reports ('gpo-cep probe https://ca1" \
	"  the server's pointer, its URI and the command that asks it"
no_grep_in err "servers/0: error" "  LDAP:'s ID is the domain's, no error"
grep_in err "1 error" "  one error"
expect 2 "create refuses the same file for the same reason, before connecting" -- "$GPO_CEP" create --domain nowhere.invalid --kerberos "$work/no-id.json"
grep_in err "servers/1: error: 'policy_id' is required" "  the same finding"
expect 2 "lint --offline: LDAP:'s policy ID too, as render wants it" -- "$GPO_CEP" lint --offline "$work/no-id.json"
grep_in err "servers/0: error: 'policy_id' is required for LDAP:" "  LDAP: as well"
expect 0 "lint --json" -- "$GPO_CEP" lint --clients windows --json "$POLICY"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["errors"]==0 and "no-ldap-row" in [f["id"] for f in d["findings"]]' "$work/out"; then pass "lint --json lists findings with ids"; else fail "lint --json"; fi

# init
for t in kerberos username-password key-based-renewal ldap-only ADPolicyProvider_CEP_Kerberos; do
	expect 0 "init --template $t" -- "$GPO_CEP" init --template "$t"
	expect 0 "  the template passes lint" -- sh -c "'$GPO_CEP' init --template '$t' | '$GPO_CEP' lint -"
done
expect 2 "init unknown template" -- "$GPO_CEP" init --template nope
expect 2 "init path traversal" -- "$GPO_CEP" init --template ../x
expect 0 "init --list" -- "$GPO_CEP" init --list
grep_in out "key-based-renewal" "--list names the templates"
expect 0 "init --list --json" -- "$GPO_CEP" init --list --json
if /usr/bin/python3 -c 'import json,sys; assert [t["name"] for t in json.load(open(sys.argv[1]))["templates"]] == ["kerberos","key-based-renewal","ldap-only","username-password"]' "$work/out"; then pass "init --list --json is a sorted JSON array"; else fail "init --list --json"; fi
# every file of templates/ is built in, byte for byte
for f in "$SRC"/templates/*.json; do
	t=$(basename "$f" .json)
	expect 0 "init --template $t" -- "$GPO_CEP" init --template "$t"
	if cmp -s "$f" "$work/out"; then pass "  the built-in $t is templates/$t.json"; else fail "  the built-in $t differs from templates/$t.json"; fi
done
expect 0 "init from another folder (no template folder needed)" -- sh -c "cd / && '$GPO_CEP' init --template ldap-only"

# the JSON Schema accepts every template and golden policy and rejects a typo
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	for f in "$SRC"/templates/*.json "$SRC"/tests/golden/*/policy.json; do
		expect 0 "schema accepts $(basename "$(dirname "$f")")/$(basename "$f")" -- /usr/bin/python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$SRC/doc/policy.schema.json" "$f"
	done
	expect 1 "schema rejects an unknown key" -- /usr/bin/python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$SRC/doc/policy.schema.json" "$work/bad.json"
fi
# text from a file someone else wrote is printed escaped, never raw to the terminal
/usr/bin/python3 - "$work/evil.pol" <<'PY'
import struct, sys
def u(s): return s.encode("utf-16-le") + b"\0\0"
def rec(k, v, t, d): return ("[".encode("utf-16-le") + u(k) + ";".encode("utf-16-le") + u(v) +
    ";".encode("utf-16-le") + struct.pack("<I", t) + ";".encode("utf-16-le") +
    struct.pack("<I", len(d)) + ";".encode("utf-16-le") + d + "]".encode("utf-16-le"))
open(sys.argv[1], "wb").write(b"PReg" + struct.pack("<I", 1) +
    rec("Software\\Policies\\Foo\x1b[31m\rEVIL", "Bar\x1b]0;t\x07", 1, u("x\x1b[0m")))
PY
# the policy's permissions offline: render takes SIDs, well-known names and --sid
/usr/bin/python3 - "$SRC/templates/kerberos.json" "$work" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["permissions"] = {"apply_to": ["LAB\\Web Servers", "S-1-5-21-1-2-3-1105"],
                    "read": ["Authenticated Users"], "edit": ["alice@lab.example.com"]}
json.dump(d, open(sys.argv[2] + "/perm.json", "w"), indent=2)
d["permissions"] = {"apply_to": ["X"], "deny_apply": ["x"], "owner": ["Y"]}
json.dump(d, open(sys.argv[2] + "/perm-bad.json", "w"), indent=2)
d["permissions"] = {"apply_to": "LAB\\Web Servers"}
json.dump(d, open(sys.argv[2] + "/perm-type.json", "w"), indent=2)
PY
FG="{09526129-1F43-4F3B-8A4C-1B3C5D7E9F01}"
expect 2 "render of a policy whose permissions name trustees by name" -- "$GPO_CEP" render "$work/perm.json" -o "$work/perm" --forest-guid "$FG"
grep_in err "perm.json: /permissions/apply_to/0: 'LAB.Web Servers' is a name" "  names the file, the pointer and the trustee"
grep_in err "/permissions/edit/0: 'alice@lab.example.com'" "  every one of them"
check "  and writes nothing" test ! -e "$work/perm"
expect 0 "render with --sid for each name" -- "$GPO_CEP" render "$work/perm.json" -o "$work/perm" --forest-guid "$FG" --json \
	--sid 'LAB\Web Servers=S-1-5-21-1-2-3-1104' --sid 'ALICE@LAB.EXAMPLE.COM=S-1-5-21-1-2-3-1106'
check "  --json gives the trustees as SIDs (well-known names too, names any case)" /usr/bin/python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["permissions"]
assert p == {"apply_to": ["S-1-5-21-1-2-3-1104", "S-1-5-21-1-2-3-1105"], "read": ["S-1-5-11"],
             "edit": ["S-1-5-21-1-2-3-1106"]}, p
' "$work/out"
expect 2 "render --sid without a SID" -- "$GPO_CEP" render "$work/perm.json" -o "$work/perm2" --sid 'LAB\Web Servers=nobody'
expect 2 "lint of contradicting and unknown permission lists" -- "$GPO_CEP" lint "$work/perm-bad.json"
grep_in err "/permissions/owner: error: unknown key 'owner'" "  the unknown list, by pointer"
grep_in err "/permissions/deny_apply/0: error: 'x' is also in apply_to" "  a trustee both filtered in and denied"
expect 2 "lint of a trustee list that is a string" -- "$GPO_CEP" lint "$work/perm-type.json"
grep_in err "/permissions/apply_to: error: expected an array of trustees" "  says what was expected"
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	expect 0 "the JSON Schema accepts the permissions" -- /usr/bin/python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$SRC/doc/policy.schema.json" "$work/perm.json"
	expect 1 "  and rejects an unknown list" -- /usr/bin/python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$SRC/doc/policy.schema.json" "$work/perm-bad.json"
fi
# --- --json: one envelope on stdout on every exit path (doc/json-output.md) -----------
# expect checks each --json run against doc/output.schema.json; these name the path
envelope() { # KIND STEP [PYTHON]: the error of the last --json run, and more
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); e = d["error"]
assert (d["ok"], e["kind"], e["step"]) == (False, sys.argv[2], sys.argv[3]), d
assert e["message"] and not e["message"].startswith("gpo-cep:"), e
exec(sys.argv[4])' "$work/out" "$1" "$2" "${3:-}"
}
for c in render show lint init probe create update apply list link unlink delete acl status sync permissions connect; do
	expect 2 "$c --json with an unknown option: JSON on stdout" -- "$GPO_CEP" $c --json --bogus
	check "  error: usage, step options, the message as on stderr" envelope usage options \
		'assert d["command"] == "'$c'" and "unknown option" in e["message"], e'
done
expect 0 "--help with --json prints the help" -- "$GPO_CEP" list --json --help
grep_in out "^usage: gpo-cep list" "  and nothing else"
"$GPO_CEP" init > "$work/env-policy.json"
printf '{"computer": {"enrollment_policy": {"servers": [{"uri": 5}]}}}\n' > "$work/env-bad.json"
to_nowhere=(--domain example.com --dc 127.0.0.99 -U someone --password-file "$work/pw" --timeout 3)
for c in "create --name x" "update --gpo x" "apply"; do
	expect 2 "${c%% *} --json of a bad policy file" -- "$GPO_CEP" $c "${to_nowhere[@]}" --json "$work/env-bad.json"
	check "  error: invalid-input, step input, the findings by pointer" envelope invalid-input input \
		'assert [f["pointer"] for f in d["findings"] if f["level"] == "error"] == ["/computer/enrollment_policy/servers/0/uri"], d["findings"]'
done
expect 2 "create --dry-run --json of a bad policy file says dry_run" -- "$GPO_CEP" create --name x "${to_nowhere[@]}" --dry-run --json "$work/env-bad.json"
check "  dry_run true, changed false" envelope invalid-input input 'assert d["dry_run"] and not d["changed"], d'
for c in "create --name x $work/env-policy.json" "update --gpo x $work/env-policy.json" \
	"apply $work/env-policy.json" "list" "link --gpo x --target DC=example,DC=com" \
	"unlink --gpo x --target DC=example,DC=com" "delete --gpo x" "acl --all" "status --all" \
	"sync --all" "permissions --gpo x" "show --gpo x" "connect"; do
	expect 1 "${c%% *} --json with no DC there" -- "$GPO_CEP" $c "${to_nowhere[@]}" --json
	check "  error: failure, step connect, naming the cause; nothing changed" envelope failure connect \
		'assert "127.0.0.99" in e["message"] and not d["changed"], e'
done
expect 2 "lint --json of a bad file" -- "$GPO_CEP" lint --json "$work/env-bad.json"
check "  error: invalid-input, the findings" envelope invalid-input input 'assert d["errors"] == 1, d'
expect 3 "lint --strict --json with warnings" -- "$GPO_CEP" lint --strict --json "$work/env-policy.json"
check "  error: warnings, the count in the message" envelope warnings input \
	'assert e["message"] == "%d warnings, and --strict" % d["warnings"], e'
expect 1 "show --json of a folder that is not there" -- "$GPO_CEP" show --json "$work/nowhere"
check "  error: failure, step input" envelope failure input
expect 1 "show --json of a path that is not UTF-8: the document is" -- "$GPO_CEP" show --json "$work/bad$(printf '\377')"
check "  the byte as \\xFF in the message" envelope failure input 'assert "bad\\xff" in e["message"].lower(), e'
expect 2 "init --json without --list: a usage error found after the options, at step options" -- "$GPO_CEP" init --json
check "  error: usage, step options" envelope usage options
expect 2 "lint --json of a bad file from standard input" -- sh -c '"$0" lint --json - < "$1"' "$GPO_CEP" "$work/env-bad.json"
check "  the message counts the errors" envelope invalid-input input 'assert e["message"] == "1 error in the policy file", e'
mkdir -p "$work/dashdir"
expect 0 "render -o --json: a folder named --json is not the option" -- sh -c 'cd "$1" && "$0" render --forest-guid "{09526129-1F43-4F3B-8A4C-1B3C5D7E9F01}" "$2" -o --json' "$GPO_CEP" "$work/dashdir" "$work/env-policy.json"
grep_in out "^wrote " "  the text report, no envelope"
expect 0 "render --json: ok, changed (files written), the version's halves" -- "$GPO_CEP" render --json --forest-guid '{09526129-1F43-4F3B-8A4C-1B3C5D7E9F01}' "$work/env-policy.json" -o "$work/env-out"
check "  the envelope" /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert (d["format"], d["command"], d["ok"], d["changed"], d["dry_run"], d["error"]) == (1, "render", True, True, False, None), d
assert d["version"] == {"number": 65537, "user": 1, "computer": 1}, d["version"]
assert list(d)[:7] == ["format", "command", "ok", "changed", "dry_run", "exit_status", "error"], list(d)' "$work/out"
expect 0 "show --json streams its records after the envelope" -- "$GPO_CEP" show --json --raw "$work/env-out/"*
check "  ok, not changed, the records; every member once" /usr/bin/python3 -c 'import json, sys
def once(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)
json.load(open(sys.argv[1]), object_pairs_hook=once)
d = json.load(open(sys.argv[1]))
assert (d["command"], d["ok"], d["changed"]) == ("show", True, False) and len(d["records"]) > 10, d' "$work/out"
expect 0 "show of a Registry.pol with escape sequences in a foreign record" -- "$GPO_CEP" show "$work/evil.pol"
grep_in err 'Foo\\x1b\[31m\\rEVIL' "  names the record escaped"
check "  and prints no control character" sh -c "! LC_ALL=C grep -q \"\$(printf '\\033')\" '$work/err' '$work/out'"
done_testing
