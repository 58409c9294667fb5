#!/bin/sh
# Every public header compiles on its own under -std=c11 -pedantic -Werror and
# pulls in nothing but libc and talloc (no json-c, libxml2, LDAP or SMB types).
set -u
SRC=${SOURCE_ROOT:-.}
CC=${CC:-cc}
n=0 ; failed=0
work=$(mktemp -d) ; trap 'rm -rf "$work"' EXIT
for h in "$SRC"/include/gpo-cep.h "$SRC"/include/gpo-cep/*.h "$BUILD_ROOT"/include/gpo-cep/version.h; do
	name=${h#"$SRC"/include/}; name=${name#"$BUILD_ROOT"/include/}
	n=$((n + 1))
	printf '#include <%s>\n#include <%s>\n' "$name" "$name" > "$work/t.c"
	if $CC -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only \
		-I"$SRC/include" -I"${BUILD_ROOT:?}/include" $(pkg-config --cflags talloc) "$work/t.c" 2>"$work/err"; then
		echo "ok $n - $name compiles alone, twice"
	else
		echo "not ok $n - $name"; sed 's/^/# /' "$work/err"; failed=$((failed + 1))
	fi
	n=$((n + 1))
	if grep -Eq '#include <(json-c|libxml|ldap|lber|libsmbclient|curl)' "$h"; then
		echo "not ok $n - $name includes a dependency's header"; failed=$((failed + 1))
	else
		echo "ok $n - $name exposes no dependency's types"
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
