#!/bin/bash
# Golden tests: every tests/golden/NAME/ holds policy.json (template-NAME/
# takes templates/NAME.json instead, so that a template edit reaches its
# golden files), optional `args` (extra render options, e.g. --clients windows
# for the Windows editor's own bytes) and the expected GPO
# tree; scripts/regen-golden writes the trees again.  The rendered tree must
# equal it byte for byte, with no file more or less; rendering what `show`
# reads back must give the same bytes again.
set -u
GPO_CEP=${GPO_CEP:?} ; SRC=${SOURCE_ROOT:-.}
GUID='{31B2F340-016D-11D2-945F-00C04FB984F9}'
work=$(mktemp -d) ; trap 'rm -rf "$work"' EXIT
. "$SRC/tests/lib.sh"
tree() { (cd "$1" && find . -type f | sort); }
for dir in "$SRC"/tests/golden/*/; do
	name=$(basename "$dir")
	policy="$dir/policy.json"
	case $name in template-*) policy="$SRC/templates/${name#template-}.json";; esac
	args=$(cat "$dir/args" 2>/dev/null || true)
	out="$work/$name" ; mkdir -p "$out" "$out/again"
	# shellcheck disable=SC2086
	check "$name: renders" "$GPO_CEP" render "$policy" -o "$out" --guid "$GUID" $args
	got="$out/$GUID"
	exp=$(cd "$dir" && find . -type f ! -name policy.json ! -name args ! -name '*.txt' | sort)
	check "$name: the same files" test "$exp" = "$(tree "$got")"
	for f in $exp; do
		check "$name: $f byte for byte" cmp "$dir/$f" "$got/$f"
	done
	for f in $exp; do
		case $f in *Registry.pol)
			txt="$dir/$(echo "$f" | tr / _ | sed 's/^\._//').txt"
			if [ -f "$txt" ]; then
				"$GPO_CEP" show --raw "$got/$f" > "$work/raw.txt" 2>/dev/null
				check "$name: $f reads as $(basename "$txt")" cmp "$txt" "$work/raw.txt"
			fi;;
		esac
	done
	check "$name: show reads it back" sh -c "'$GPO_CEP' show '$got' > '$work/back.json'"
	check "$name: render(show(render(p))) is byte-identical" sh -c "
		'$GPO_CEP' render '$work/back.json' -o '$out/again' --guid '$GUID' $args >/dev/null 2>&1 &&
		diff -r '$got' '$out/again/$GUID'"
done
done_testing
