#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sizes that keep the code readable, in TAP, over the product's C files
# (common/, spank/, orchestrator/; not tests): no function over 56 lines
# (from the first line of its signature to its closing brace: the longest
# when the code was first laid out in folders) and no file over 500 lines.
top=${1:-${SCALABLE_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
cd "$top" || exit 1
max_function=56 max_file=500
files=$(find common spank orchestrator -name '*.[ch]' ! -path '*/test/*' ! -path '*/testing/*' | sort)
echo "1..2"
long=$(awk -v max="$max_function" '
FNR == 1 { n = 0 }
{ line[FNR] = $0 }
/^\{/ {
	start = FNR   # walk back over the signature
	while (start > 1 && line[start - 1] !~ /^[[:space:]]*$/ && line[start - 1] !~ /(;|\*\/|\})[[:space:]]*$/ &&
	       line[start - 1] !~ /^#/)
		start--
	open_at = start
}
/^\}/ && open_at {
	if (FNR - open_at + 1 > max) print FILENAME ":" open_at ": " FNR - open_at + 1 " lines"
	open_at = 0
}' $files)
if [ -n "$long" ]; then
	echo "not ok 1 - no function over $max_function lines"
	echo "$long" | sed 's/^/# /'
else
	echo "ok 1 - no function over $max_function lines"
fi
big=$(wc -l $files | awk -v max="$max_file" '$2 != "total" && $1 > max { print $2 ": " $1 " lines" }')
if [ -n "$big" ]; then
	echo "not ok 2 - no file over $max_file lines"
	echo "$big" | sed 's/^/# /'
else
	echo "ok 2 - no file over $max_file lines"
fi
