#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion (contrib/completion/scalable), in TAP: sourced in bash,
# COMPREPLY for commands, each command's options (every long option its
# --help names), run ids from `scalable runs --ids`, --run-id's and
# --format's values.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
export SCALABLE_RUNS_DIR="$work/runs" SCALABLE_SITE_DEFAULTS= SCALABLE_USER_DEFAULTS=
# shellcheck source=../../contrib/completion/scalable
. "$srcdir/contrib/completion/scalable"

# complete WORDS...: COMPREPLY for the command line WORDS (the last one is
# being completed), one a line, sorted.
complete_line() {
	COMP_WORDS=("$scalable" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_scalable
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

commands=$("$scalable" --help | awk '/^commands:/ {on = 1; next} on && /^$/ {on = 0} on {print $1}')
total=6
for c in $commands; do
	for o in $("$scalable" "$c" --help | grep -o -- '^ \+\(-[a-zA-Z], \)\?--[a-z][a-z-]*' | grep -o -- '--[a-z-]*'); do
		total=$((total + 1))
	done
done
echo "1..$((total + 4))"

equals "complete -F _scalable is set for scalable" "$(complete -p scalable)" \
	"complete -o filenames -F _scalable scalable"
equals "every command" "$(complete_line '' | grep -v '^-' | tr '\n' ' ')" \
	"$(printf '%s\n' $commands | sort | tr '\n' ' ')"
equals "a command from its start" "$(complete_line st)" "status"
equals "-V and --version" "$(complete_line - | grep -c -e '^-V$' -e '^--version$')" 2
equals "status's options" "$(complete_line status --j)" "--json"
equals "report --format's values" "$(complete_line report --format '' | tr '\n' ' ')" \
	"html json md "
for c in $commands; do
	offered=$(complete_line "$c" --)
	for o in $("$scalable" "$c" --help | grep -o -- '^ \+\(-[a-zA-Z], \)\?--[a-z][a-z-]*' | grep -o -- '--[a-z-]*'); do
		n=$((n + 1))
		if grep -qx -- "$o" <<<"$offered"; then
			echo "ok $n - $c $o is completed"
		else
			echo "not ok $n - $c $o is completed: offered $(echo $offered)"
		fi
	done
done

cat >scalable.yaml <<'YAML'
version: 1
project: completion
targets:
  local: {provider: local}
components:
  model: {command: "true"}
YAML
"$scalable" run >/dev/null 2>&1
id=$(ls runs)
check "runs --ids" 0 "$scalable" runs --ids
equals "runs --ids prints the id alone" "$(cat out)" "$id"
equals "a run id for status" "$(complete_line status '')" "$id"
equals "a run id for --run-id, from its start" "$(complete_line report --run-id run-)" "$id"
