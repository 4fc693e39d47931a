#!/bin/sh
# The shared library's ABI: it exports exactly the names include/gro.h
# declares with GRO_API, each with the symbol version of the node of
# src/libgro.map that lists it (names added since the last release in its
# newest node), its soname is libgro.so.MAJOR, and a program linked against
# it runs.
# Usage: abi_test.sh HEADER MAP BUILDDIR [LINKED_PROGRAM]
HDR=$1
MAP=$2
B=$3
PROG=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

ver() { sed -n "s/^#define GRO_VERSION_$1[ 	]*\([0-9]*\).*/\1/p" "$HDR"; }
MAJOR=$(ver MAJOR)
VERSION=$MAJOR.$(ver MINOR).$(ver PATCH)
SO=$B/libgro.so.$VERSION
# The map's nodes, oldest first, and the newest one.
sed -n 's/^\([A-Z0-9_.]*\) *{.*/\1/p' "$MAP" >"$T/nodes"
NEWEST=$(tail -1 "$T/nodes")
# Each name of the map with its node: "name node".
awk '/^[A-Z0-9_.]* *{/ { node = $1 } /^[ \t]*[A-Za-z_][A-Za-z0-9_]*;/ { sub(/;.*/, ""); print $1, node }' \
	"$MAP" | sort >"$T/map_nodes"
# A release adds its names to the newest node; the names of this header's
# minor version that are new are those not in an older node, and they must
# sit in the newest one. A node inherits the one before it.
prev=""
while read -r n; do
	if [ -n "$prev" ]; then
		if grep -q "^} *$prev *;" "$MAP" && awk -v n="$n" -v p="$prev" '
			$0 ~ "^"n" *{" { inside = 1 } inside && /^}/ { found = ($0 ~ "} *"p" *;"); exit }
			END { exit !found }' "$MAP"; then ok
		else bad "node $n of $MAP does not inherit $prev"; fi
	fi
	prev=$n
done <"$T/nodes"

# Names declared with GRO_API: a function's name is the last word before
# its '(', an object's the last word before its '[' or ';'. Declarations
# fit on their first line up to that point.
grep '^GRO_API ' "$HDR" | sed 's/[([;].*//; s/.*[ *]//' | sort -u >"$T/header"
[ -s "$T/header" ] || bad "no GRO_API declaration found in $HDR"

# A declaration at the start of a line without GRO_API would be neither
# exported nor caught above.
bare=$(grep -E '^(extern |const |unsigned |signed |void |int |long |size_t |u?int[0-9]+_t |struct [a-z_]+ \*)[^;{]*[(;[]' "$HDR" |
	grep -v '^typedef' | sed 's/[([;].*//; s/.*[ *]//' | tr '\n' ' ')
if [ -n "$bare" ]; then bad "declared in $HDR without GRO_API: $bare"; else ok; fi

# Names the map lists (its global part).
sed -n '/global:/,/local:/p' "$MAP" | sed -n 's/^[ 	]*\([A-Za-z_][A-Za-z0-9_]*\);.*/\1/p' | sort -u >"$T/map"

if [ ! -f "$SO" ]; then
	bad "$SO is missing (make all builds it)"
else
	ok
	nm -D --defined-only "$SO" >"$T/nm" || bad "nm -D $SO failed"
	# The version node itself is an absolute symbol, not a name of the API.
	awk '$2 != "A" { print $3 }' "$T/nm" | sed 's/@.*//' | sort -u >"$T/exported"

	# Exports against the header, both ways.
	extra=$(comm -13 "$T/header" "$T/exported" | tr '\n' ' ')
	missing=$(comm -23 "$T/header" "$T/exported" | tr '\n' ' ')
	[ -z "$extra" ] || bad "exported by $SO but not declared with GRO_API in $HDR: $extra"
	[ -z "$missing" ] || bad "declared with GRO_API in $HDR but not exported by $SO: $missing"
	[ -n "$extra$missing" ] || ok

	# Every export carries the version of the map's node that lists it,
	# and every node of the map is defined.
	awk '$2 != "A" { split($3, a, "@@"); print a[1], (a[2] == "" ? "-" : a[2]) }' "$T/nm" |
		sort >"$T/exp_nodes"
	wrong=$(join -a 1 -e none -o 0,1.2,2.2 "$T/exp_nodes" "$T/map_nodes" |
		awk '$2 != $3 { printf "%s@%s (map: %s) ", $1, $2, $3 }')
	if [ -n "$wrong" ]; then bad "exported with a version other than its node's: $wrong"; else ok; fi
	for n in $(cat "$T/nodes"); do
		if awk -v n="$n" '$2 == "A" && $3 == n { f = 1 } END { exit !f }' "$T/nm"; then ok
		else bad "version node $n is not defined by $SO"; fi
	done
	# A released node never changes: its names are frozen in
	# tests/abi/released/NODE, so a name added since can only be in the
	# newest node, which is still open. That one is named after a version
	# no later than the header's.
	for n in $(sed '$d' "$T/nodes"); do
		frozen=$(dirname "$0")/released/$n
		if [ ! -f "$frozen" ]; then bad "node $n is not the newest but $frozen is missing"; continue; fi
		awk -v n="$n" '$2 == n { print $1 }' "$T/map_nodes" >"$T/node_names"
		if sort "$frozen" | cmp -s - "$T/node_names"; then ok
		else bad "released node $n of $MAP differs from $frozen: $(sort "$frozen" | comm -3 - "$T/node_names" | tr -d '\t' | tr '\n' ' ')"; fi
	done
	newest_ver=$(echo "$NEWEST" | sed -n 's/^LIBGRO_\([0-9]*\)\.*\([0-9]*\)$/\1 \2/p')
	if [ -n "$newest_ver" ] && echo "$newest_ver" | awk -v M="$MAJOR" -v m="$(ver MINOR)" \
		'{ exit !($1 < M || ($1 == M && ($2 == "" ? 0 : $2) <= m)) }'; then ok
	else bad "the newest node $NEWEST of $MAP is not a version up to $MAJOR.$(ver MINOR)"; fi

	# The soname is the major version.
	soname=$(readelf -d "$SO" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
	if [ "$soname" = "libgro.so.$MAJOR" ]; then ok; else bad "soname of $SO is '$soname', expected libgro.so.$MAJOR"; fi

	# The links a runtime loader and a linker look for.
	for l in "libgro.so.$MAJOR" libgro.so; do
		if [ -L "$B/$l" ] && [ "$(readlink -f "$B/$l")" = "$(readlink -f "$SO")" ]; then ok
		else bad "$B/$l is not a link to $(basename "$SO")"; fi
	done
fi

# The map and the header name the same functions (a name the map lacks
# would be local, one the header lacks would be exported only if visible).
extra=$(comm -13 "$T/header" "$T/map" | tr '\n' ' ')
missing=$(comm -23 "$T/header" "$T/map" | tr '\n' ' ')
[ -z "$extra" ] || bad "listed in $MAP but not declared with GRO_API in $HDR: $extra"
[ -z "$missing" ] || bad "declared with GRO_API in $HDR but not listed in $MAP: $missing"
[ -n "$extra$missing" ] || ok

# A program linked with -lgro loads this library and runs.
if [ -n "$PROG" ]; then
	if readelf -d "$PROG" | grep -q "NEEDED.*\[libgro.so.$MAJOR\]"; then ok
	else bad "$PROG does not need libgro.so.$MAJOR"; fi
	if out=$("$PROG" 2>&1); then ok; else bad "$PROG failed: $out"; fi
fi

echo "abi: $pass passed, $fail failed"
[ "$fail" = 0 ]
