#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs `scalable validate` on every tests/fixtures/bad-configs/*.yaml and
# checks, in TAP: exit code 2, exactly one line on stderr naming the place
# given by the sibling .expect file ("[FILE:]LINE:COL WORDS"; FILE defaults
# to the .yaml itself) and containing its words, and no run directory made.
srcdir=${SCALABLE_TEST_SRCDIR:?set by make check (tests/Makefile.am)}
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
fixtures="$srcdir/tests/fixtures/bad-configs"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

set -- "$fixtures"/*.yaml
echo "1..$#"
n=0
for config in "$@"; do
	n=$((n + 1))
	name=$(basename "$config" .yaml)
	read -r place words < "$fixtures/$name.expect"
	case $place in
	*:*:*) where="/$place: error: " ;;
	*) where="/$name.yaml:$place: error: " ;;
	esac
	(cd "$work" && "$scalable" validate "$config") >"$work/out" 2>"$work/err"
	rc=$?
	lines=$(wc -l < "$work/err")
	problem=
	[ "$rc" -eq 2 ] || problem="exit code $rc, not 2"
	[ -z "$problem" ] && [ "$lines" -ne 1 ] && problem="$lines lines on stderr, not 1"
	[ -z "$problem" ] && ! grep -qF -- "$where" "$work/err" && problem="no '$where'"
	[ -z "$problem" ] && ! grep -qF -- "$words" "$work/err" && problem="no '$words'"
	[ -z "$problem" ] && [ -e "$work/.scalable" ] && problem="a .scalable directory was made"
	if [ -z "$problem" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name: $problem"
		sed 's/^/# stderr: /' "$work/err"
	fi
	rm -rf "$work/.scalable"
done
