#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One version, AC_INIT's in configure.ac, everywhere it is said, in TAP:
# `scalable --version`, the three man pages made from docs/*.in, run.json's
# and the local target's step events' "producer", and the plugin's producer
# and line at load (the string in spank_scalable.so). A version written by
# hand anywhere fails here when AC_INIT's changes.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
srcdir=${SCALABLE_TEST_SRCDIR:?set by make check (build-aux/unit-tests.am)}
builddir=${SCALABLE_TEST_BUILDDIR:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..10"

# AC_INIT([scalable], [VERSION], ...): the second argument.
version=$(sed -n 's/^AC_INIT(\[scalable\], \[\([^]]*\)\].*/\1/p' "$srcdir/configure.ac")
check "configure.ac's AC_INIT names a version" 0 test -n "$version"

"$scalable" --version >out 2>&1
equals "scalable --version says AC_INIT's version" "$(head -1 out | cut -d' ' -f1-2)" "scalable $version"

for page in scalable.1 scalable.yaml.5 spank_scalable.8; do
	equals "$page says AC_INIT's version" \
		"$(sed -n '/^\.TH/{s/.*"scalable \([^"]*\)".*/\1/p;q;}' "$builddir/docs/$page")" "$version"
done

# A run on the local target (init's example): its records name their producer.
export SCALABLE_RUNS_DIR="$work/runs"
"$scalable" init >/dev/null 2>&1
check "a run on the local target completes" 0 "$scalable" run --target local
run_dir=$(ls -d "$work"/runs/run-* 2>/dev/null | head -1)
holds "run.json's producer is scalable $version" "$run_dir/run.json" "\"producer\": \"scalable $version\""
cat "$run_dir"/events/*.jsonl "$run_dir"/events/*/*/*.jsonl >events 2>/dev/null
lines=$(wc -l <events)
equals "every local step event's producer is scalable $version (of $lines)" \
	"$(grep -c "\"producer\":\"scalable $version\"" events)" "$([ "$lines" -gt 0 ] && echo "$lines")"

# The plugin, when built (not with configure --disable-plugin): the producer
# of its events and its line at load are this one string, and no other.
plugin=$builddir/spank/.libs/spank_scalable.so
if grep -q '^SPANK_SUBDIR = spank' "$builddir/Makefile"; then
	strings -a "$plugin" | grep -E '^spank_scalable [0-9]' | sort -u >said
	equals "spank_scalable.so says AC_INIT's version, and no other" "$(cat said)" "spank_scalable $version"
	check "spank_scalable.so logs its version at load" 0 grep -q "%s loaded" "$plugin"
else
	echo "ok $((n + 1)) # SKIP no plugin in this build (configure --disable-plugin)"
	echo "ok $((n + 2)) # SKIP no plugin in this build (configure --disable-plugin)"
fi
