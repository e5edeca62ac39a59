#!/bin/sh
# The scalable command line, in TAP: help and version, init, validate and
# plan on what init wrote, their --json output, and usage errors (exit 2).
scalable=${SCALABLE_BIN:?set by make check (tests/unit/orchestrator.am)}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..18"

# check DESCRIPTION EXPECTED-RC COMMAND...: runs COMMAND, compares its exit code.
check() {
	description=$1 expected=$2
	shift 2
	"$@" >out 2>err
	rc=$?
	n=$((n + 1))
	if [ "$rc" -eq "$expected" ]; then
		echo "ok $n - $description"
	else
		echo "not ok $n - $description: exit code $rc, not $expected"
		sed 's/^/# /' err
	fi
}

# holds DESCRIPTION FILE TEXT: FILE contains TEXT.
holds() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: no '$3' in $2"
		sed 's/^/# /' "$2"
	fi
}

check "--help" 0 "$scalable" --help
holds "--help lists the exit codes" out "2  bad usage or invalid config"
check "--version" 0 "$scalable" --version
check "an unknown command is bad usage" 2 "$scalable" frobnicate
check "no command is bad usage" 2 "$scalable"
check "validate without a config is bad usage" 2 "$scalable" validate
check "init writes an example" 0 "$scalable" init
check "init refuses to overwrite" 2 "$scalable" init
check "the example validates" 0 "$scalable" validate
holds "validate summarises the scenarios" out "scenarios  6 (matrix: region, year)"
check "validate --json" 0 "$scalable" validate --json scalable.yaml
holds "validate --json says valid" out '"valid": true'
check "plan for the slurm target" 0 "$scalable" plan --target hpc --max-array-size 4
holds "plan cuts chunks below MaxArraySize with an offset" out "SCALABLE_INDEX_OFFSET=4"
check "plan --json" 0 "$scalable" plan --json --max-array-size 1001
holds "plan --json counts the submissions" out '"submissions": 1'
check "plan for an unknown target is bad usage" 2 "$scalable" plan --target nowhere
check "a bad --max-array-size is bad usage" 2 "$scalable" plan --max-array-size 0
[ -e .scalable ] && echo "# a .scalable directory was made" && exit 1
exit 0
