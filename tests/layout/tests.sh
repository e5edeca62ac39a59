#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Tests beside the code, in TAP: every module (a header of common/, spank/
# or orchestrator/, not an _impl.h) has its own test/test_<module>.c beside
# it, or says in its header comment which tests cover it ("Tests: FILE, ...",
# each file existing) or why it has none ("No test of its own: WHY").
top=${1:-${SCALABLE_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
cd "$top" || exit 1
echo "1..1"
bad=$(for h in $(find common spank orchestrator -name '*.h' ! -path '*/test/*' ! -path '*/testing/*' \
		! -name '*_impl.h' | sort); do
	dir=$(dirname "$h") stem=$(basename "$h" .h)
	[ -e "$dir/test/test_$stem.c" ] && continue
	# The first comment block, on one line.
	comment=$(grep -v 'SPDX-License-Identifier' "$h" | awk '/\*\// { print; exit } { print }' | tr '\n' ' ' | sed 's/[[:space:]]*\*[[:space:]]/ /g')
	case $comment in
	*"No test of its own: "?*) continue ;;
	*"Tests: "*)
		files=$(echo "$comment" | sed 's/.*Tests: //; s/ (.*//; s/\. *\*\/.*//; s/\.$//' | tr ',' ' ')
		missing=
		for f in $files; do [ -e "$f" ] || missing="$missing $f"; done
		[ -z "$missing" ] || echo "$h: its Tests: line names what does not exist:$missing"
		;;
	*) echo "$h: no $dir/test/test_$stem.c, and its header says neither 'Tests: ...' nor 'No test of its own: ...'" ;;
	esac
done)
if [ -n "$bad" ]; then
	echo "not ok 1 - every module has its test, or says which tests cover it or why none"
	echo "$bad" | sed 's/^/# /'
else
	echo "ok 1 - every module has its test, or says which tests cover it or why none"
fi
