#!/bin/sh
# The shared library exports exactly the public API: the functions declared
# in include/gpo-cep/ (static inline helpers aside), the version script
# src/lib/libgpo-cep.map, and what `nm -D` finds in the built library are
# the same three lists.  One version number: meson's, in --version, the
# header, the pkg-config file and the man pages.
set -u
SRC=${SOURCE_ROOT:-.} ; BUILD=${BUILD_ROOT:?} ; GPO_CEP=${GPO_CEP:?}
n=0 ; failed=0
work=$(mktemp -d) ; trap 'rm -rf "$work"' EXIT
check() { # description, command...
	n=$((n + 1)); d=$1; shift
	if "$@" >"$work/out" 2>&1; then echo "ok $n - $d"
	else echo "not ok $n - $d"; sed 's/^/# /' "$work/out" | head -20; failed=$((failed + 1)); fi
}
/usr/bin/python3 - "$SRC/include/gpo-cep" > "$work/declared" <<'PY'
import os, re, sys
names, inline = set(), set()
for f in sorted(os.listdir(sys.argv[1])):
    text = open(os.path.join(sys.argv[1], f)).read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    inline |= set(re.findall(r"static\s+inline\b[^;{(]*?\b(gpo_\w+)\s*\(", text))
    names |= set(re.findall(r"\b(gpo_\w+)\s*\(", text))
print("\n".join(sorted(names - inline)))
PY
sed -n 's/^\t\(gpo_[a-z0-9_]*\);$/\1/p' "$SRC/src/lib/libgpo-cep.map" | sort > "$work/map"
lib=$(ls "$BUILD"/src/lib/libgpo-cep.so.* | head -1)
nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort > "$work/nm"
nm -D --defined-only "$lib" | awk '$2 != "T" && $2 != "A" { print }' > "$work/other"
check "every public function is in the version script" diff "$work/declared" "$work/map"
check "the library exports exactly the version script's functions" diff "$work/map" "$work/nm"
check "the library exports no data or other symbols" test ! -s "$work/other"
check "the symbols carry the version GPO_CEP_0" sh -c "nm -D --defined-only '$lib' | awk '\$2 == \"T\" && \$3 !~ /@@GPO_CEP_0\$/ { bad = 1 } END { exit bad }'"
sed -n 's/^ \(gpo_[a-z0-9_]*\)@GPO_CEP_0 .*/\1/p' "$SRC/debian/libgpo-cep0.symbols" > "$work/deb"
check "debian/libgpo-cep0.symbols lists the same functions" diff "$work/map" "$work/deb"
check "the shared object's name is libgpo-cep.so.0" sh -c "objdump -p '$lib' | grep -q 'SONAME *libgpo-cep.so.0\$'"

# one version number
version=$(sed -n "s/^ *version : '\([0-9.]*\)',$/\1/p" "$SRC/meson.build" | head -1)
check "meson.build has a version ($version)" test -n "$version"
check "--version prints it" sh -c "'$GPO_CEP' --version | grep -qx 'gpo-cep $version'"
check "the Debian package has it" sh -c "head -1 '$SRC/debian/changelog' | grep -q '^gpo-cep ($version)'"
check "the pkg-config file has it" grep -qx "Version: $version" "$BUILD/meson-private/gpo-cep.pc"
# only the shared library ships: a Requires.private would make pkg-config
# want every dependency's -dev package before it gives even --cflags
check "the pkg-config file requires talloc alone" sh -c "grep -qx 'Requires: talloc' '$BUILD/meson-private/gpo-cep.pc' && ! grep -q '^Requires.private' '$BUILD/meson-private/gpo-cep.pc'"
for man in "$BUILD"/doc/*.[0-9]; do
	check "$(basename "$man") has it" grep -q "\"gpo-cep $version\"" "$man"
done
check "the library's gpo_cep_version() says it" sh -c "'$BUILD/tests/abi_version' | grep -qx '$version'"
echo "1..$n"
[ "$failed" -eq 0 ]
