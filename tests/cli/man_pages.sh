#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages against the program, in TAP: scalable(1) names every command
# that `scalable --help` lists and every long option of each command's
# --help; scalable.yaml(5) names every key the config loader accepts (the
# field tables of orchestrator/config/config_*.c). A new command, option or key
# without its documentation fails here.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
# The man pages as configure made them from docs/*.in.
builddir=${SCALABLE_TEST_BUILDDIR:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
man1=$builddir/docs/scalable.1
man5=$builddir/docs/scalable.yaml.5

# The man page's text with roff's escapes for '-' undone.
sed 's/\\-/-/g' "$man1" >man1.txt
sed 's/\\-/-/g' "$man5" >man5.txt

commands=$("$scalable" --help | awk '/^commands:/ {on = 1; next} on && /^$/ {on = 0} on {print $1}')
keys=$(grep -ho '{ "[a-z_]*", FIELD_' "$srcdir"/orchestrator/config/config_*.c | sed 's/{ "\([a-z_]*\)".*/\1/' | sort -u)
# Keys read outside the field tables: the top level, scenario kinds, classify matchers.
keys="$keys version project targets default_target components scenarios retry classify notify ai matrix list range csv"

total=0
for c in $commands; do
	total=$((total + 1))
	opts=$("$scalable" "$c" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
	for o in $opts; do total=$((total + 1)); done
done
for k in $keys; do total=$((total + 1)); done
[ -n "$commands" ] && [ "$total" -gt 20 ] || { echo "1..0 # SKIP could not list commands"; exit 1; }
echo "1..$total"

for c in $commands; do
	holds "scalable(1) documents the command $c" man1.txt ".B $c"
	for o in $("$scalable" "$c" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		holds "scalable(1) documents $c $o" man1.txt "$o"
	done
done
# A key counts as documented where a .B/.BR/.TP line names it as a word.
grep -E '^\.(B|BR|BI|IB|TP)( |$)' man5.txt >man5.keys
for k in $keys; do
	n=$((n + 1))
	if grep -qw -- "$k" man5.keys; then
		echo "ok $n - scalable.yaml(5) documents the key $k"
	else
		echo "not ok $n - scalable.yaml(5) documents the key $k: no .B line names it"
	fi
done
