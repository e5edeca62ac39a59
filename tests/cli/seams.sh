#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The test seams (SCALABLE_CRASH_AT, SCALABLE_DIAGNOSE_CHUNK), in TAP: in a
# build with them (configure --enable-test-seams, as contrib/build does) an
# armed seam says so on stderr, once; in a build without them a set variable
# is said to be ignored and kills nothing. Either way no task and no sbatch
# ever sees the variables: the task here and a stand-in sbatch on PATH write
# their environment to a file.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0


# lacks DESCRIPTION FILE TEXT: FILE exists and does not contain TEXT.
lacks() {
	n=$((n + 1))
	if [ -f "$2" ] && ! grep -qF -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: '$3' in $2 (or no $2)"
		[ -f "$2" ] && grep -F -- "$3" "$2" | sed 's/^/# /'
	fi
}

# One scenario on the local target; its task writes its environment down.
cat >scalable.yaml <<YAML
version: 1
project: seams
targets:
  local: {provider: local, local: {concurrency: 1}}
  hpc: {provider: slurm, partition: batch}
components:
  model: {command: "env > '$work/task.env'"}
scenarios:
  range: {name: n, start: 0, stop: 0}
YAML
# A stand-in sbatch: writes its environment down and refuses the job.
mkdir bin
cat >bin/sbatch <<SH
#!/bin/sh
env > '$work/sbatch.env'
echo "sbatch: error: stand-in" >&2
exit 1
SH
chmod +x bin/sbatch
export SCALABLE_RUNS_DIR="$work/runs" SEAMS_MARKER=present

check "--version" 0 "$scalable" --version
if grep -qF "(test seams compiled in)" out; then
	# Armed at points and counts it never reaches: the run completes.
	check "an armed run completes" 0 env SCALABLE_CRASH_AT=task_row:1000 \
		SCALABLE_DIAGNOSE_CHUNK=1500 "$scalable" run --target local
	holds "stderr says the crash seam is armed" err \
		"scalable: test seam armed: SCALABLE_CRASH_AT=task_row:1000"
	equals "and says it once" "$(grep -c 'test seam armed: SCALABLE_CRASH_AT' err)" 1
	check "the seam kills where it is told to" 137 env SCALABLE_CRASH_AT=intent \
		"$scalable" run --target local
	check "diagnose with SCALABLE_DIAGNOSE_CHUNK" 0 env SCALABLE_DIAGNOSE_CHUNK=1500 \
		"$scalable" diagnose --latest
	holds "stderr says the chunk seam is armed" err \
		"scalable: test seam armed: SCALABLE_DIAGNOSE_CHUNK=1500"
else
	check "a run with SCALABLE_CRASH_AT completes: nothing kills it" 0 \
		env SCALABLE_CRASH_AT=intent SCALABLE_DIAGNOSE_CHUNK=1500 "$scalable" run --target local
	holds "stderr says the crash seam is ignored" err \
		"scalable: SCALABLE_CRASH_AT ignored: this build has no test seams"
	holds "and the chunk seam" err \
		"scalable: SCALABLE_DIAGNOSE_CHUNK ignored: this build has no test seams"
	lacks "it does not say a seam is armed" err "test seam armed"
fi
rm -f task.env
check "a run with both variables set" 0 env SCALABLE_CRASH_AT=closed:1000 \
	SCALABLE_DIAGNOSE_CHUNK=1500 "$scalable" run --target local
holds "the task saw the submitting environment" task.env SEAMS_MARKER=present
lacks "but not SCALABLE_CRASH_AT" task.env SCALABLE_CRASH_AT
lacks "nor SCALABLE_DIAGNOSE_CHUNK" task.env SCALABLE_DIAGNOSE_CHUNK
check "a Slurm run whose sbatch refuses it fails" 3 env PATH="$work/bin:$PATH" \
	SCALABLE_CRASH_AT=closed:1000 SCALABLE_DIAGNOSE_CHUNK=1500 "$scalable" run --target hpc
holds "sbatch saw the submitting environment (--export=ALL)" sbatch.env SEAMS_MARKER=present
lacks "but not SCALABLE_CRASH_AT" sbatch.env SCALABLE_CRASH_AT
lacks "nor SCALABLE_DIAGNOSE_CHUNK" sbatch.env SCALABLE_DIAGNOSE_CHUNK
echo "1..$n"
