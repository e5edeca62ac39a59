#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Who calls whom, from the built objects (nm), in TAP: no two source files
# call each other in a circle, and no file calls a function of a higher
# folder (orchestrator/LAYERS) — what the include check cannot see when a
# function is declared by hand. Usage: calls.sh [BUILDDIR [SRCDIR]].
build=${1:-${SCALABLE_TEST_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)/_build}}
top=${2:-${SCALABLE_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
echo "1..2"
objects=$(cd "$build" && find common spank orchestrator -name '*.o' \
	! -path '*/test/*' ! -path '*/testing/*' ! -name 'default_template*' 2>/dev/null |
	grep -E '/\.libs/|orchestrator/cmd/scalable-' | sort)
if [ -z "$objects" ]; then
	echo "not ok 1 - no object files under $build: build first"
	echo "not ok 2 - (not checked)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One line per symbol: D|U <source file> <symbol>, the source named by its folder.
for o in $objects; do
	src=$(echo "$o" | sed -E 's|/\.libs/|/|; s|scalable-||; s|(libspank_parts_la-\|libscalable_common_la-)||; s|\.o$|.c|')
	nm "$build/$o" | awk -v f="$src" '$2 ~ /^[TDBRC]$/ { print "D", f, $3 } $1 == "U" { print "U", f, $2 }'
done > "$tmp/symbols"
awk '$1 == "D" { owner[$3] = $2 } $1 == "U" { use[++n] = $2 " " $3 }
     END { for (i = 1; i <= n; i++) { split(use[i], u, " "); if ((u[2] in owner) && owner[u[2]] != u[1]) print u[1], owner[u[2]] } }' \
	"$tmp/symbols" | sort -u > "$tmp/edges"
if tsort "$tmp/edges" >/dev/null 2>"$tmp/loops"; then
	echo "ok 1 - no circle of calls between source files ($(wc -l < "$tmp/edges") caller-callee pairs)"
else
	echo "not ok 1 - no circle of calls between source files"
	sed 's/^/# /' "$tmp/loops"
fi
layers=$(grep -v '^#' "$top/orchestrator/LAYERS" | grep .)
awk -v layers="$layers" '
BEGIN { n = split(layers, l, "\n"); for (i = 1; i <= n; i++) rank[l[i]] = i }
function folder(p,   d) {
	if (p ~ /^common\//) return "common"
	if (p ~ /^spank\//) return "spank"
	d = p; sub(/^orchestrator\//, "", d); sub(/\/[^\/]*$/, "", d); return d
}
{
	a = folder($1); b = folder($2)
	if (b == "common" || a == b) next
	if (a == "common" || (a == "spank") != (b == "spank")) { print $1 " calls into " $2; next }
	if (a == "spank") next
	if (rank[b] > rank[a]) print $1 " (" a ") calls into " $2 " (" b "), a higher folder"
}' "$tmp/edges" > "$tmp/up"
if [ -s "$tmp/up" ]; then
	echo "not ok 2 - no call climbs to a higher folder"
	sed 's/^/# /' "$tmp/up"
else
	echo "ok 2 - no call climbs to a higher folder"
fi
