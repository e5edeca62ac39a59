#!/bin/sh
# scalable diagnose on the command line, in TAP: finding a run (latest, id,
# 8-hex suffix, path, a bare directory name), the report and --json, the
# --ai notice, and the exit codes (2 usage, 3 I/O, 5 no such run).
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..22"

# lacks DESCRIPTION FILE TEXT: FILE does not contain TEXT.
lacks() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "not ok $n - $1: '$3' in $2"
	else
		echo "ok $n - $1"
	fi
}

id=run-20260101T000000Z-energy-0badcafe
run=runs/$id
mkdir -p "$run"
export SCALABLE_RUNS_DIR="$work/runs"
printf '{"event_type":"run","schema_version":1,"run_id":"%s","project_name":"energy","target_name":"hpc","provider_name":"slurm","manifest_lock":"%064d","source_manifest_path":"/x/scalable.yaml","started_at":"2026-01-01T00:00:00.000Z","finished_at":"2026-01-01T01:00:00.000Z","status":"failed","summary":null}\n' "$id" 0 >"$run/run.json"
task() {  # task INDEX ATTEMPT STATE NODE [CLASS MESSAGE]
	printf '{"event_type":"task","task_id":%s,"component":"model","attempt":%s,"state":"%s","duration_s":5.0,"worker":"%s","max_rss_bytes":1073741824,"requested_memory_bytes":1073741824,"failure_class":%s,"error_message":%s}\n' \
		"$1" "$2" "$3" "$4" "${5:-null}" "${6:-null}" >>"$run/tasks.jsonl"
}
failure() {  # failure INDEX CLASS MESSAGE NODE
	printf '{"event_type":"failure","failure_class":"%s","message":"%s","task_id":%s,"component":"model","attempt":1,"details":{"worker_id":"%s","exit_code":1,"traceback":"%s"}}\n' \
		"$2" "$3" "$1" "$4" "$3" >>"$run/failures.jsonl"
}
for i in 0 1 2 3 4 5 6 7 8 9; do
	case $i in
	0|7) failure $i oom "OOM: scenario $i exceeded memory limit" c12
	     task $i 1 failed c12 '"oom"' "\"OOM: scenario $i exceeded memory limit\"" ;;
	3) failure $i dependency_error "ModuleNotFoundError: No module named 'pandas'" c01
	   task $i 1 failed c01 '"dependency_error"' '"x"' ;;
	*) task $i 1 succeeded c0$((i % 3 + 1)) ;;
	esac
done

check "diagnose --help" 0 "$scalable" diagnose --help
holds "--help names --run-id" out "--run-id ID"
check "the latest run by default" 0 "$scalable" diagnose
holds "the report counts failures and categories" out "⚠ 3 failures detected across 2 categories:"
holds "the report numbers its findings" out "1. [critical] OOM — 2 occurrences"
holds "the OOM pattern" out "Pattern: OOM: scenario <N> exceeded memory limit"
holds "the OOM size: 1G + 25% is 2G" out "increase model memory to 2G"
lacks "no colours when stdout is no terminal" out "$(printf '\033')"
check "--latest" 0 "$scalable" diagnose --latest
check "--run-id by the 8-hex suffix" 0 "$scalable" diagnose --run-id 0badcafe
check "a run directory by path" 0 "$scalable" diagnose "$run"
check "a run directory by its bare name" 0 sh -c "cd runs && '$scalable' diagnose $id"
check "--json" 0 "$scalable" diagnose --json --run-id "$id"
holds "--json has the findings" out '"suggested_memory": "2G"'
check "--ai shows the heuristic report" 0 "$scalable" diagnose --ai
holds "--ai says why there is no AI analysis" err "no AI analysis: no endpoint"
check "an unknown run" 5 "$scalable" diagnose --run-id deadbeef
check "a directory that is no run" 5 "$scalable" diagnose "$work/runs"
check "a run and --latest" 2 "$scalable" diagnose --latest "$run"
check "a bad option" 2 "$scalable" diagnose --frobnicate
mv "$run/failures.jsonl" failures.keep && mkdir "$run/failures.jsonl"
check "an unreadable failures.jsonl is an I/O error" 3 "$scalable" diagnose "$run"
rmdir "$run/failures.jsonl" && mv failures.keep "$run/failures.jsonl"
SCALABLE_RUNS_DIR="$work/none" check "no runs at all" 5 "$scalable" diagnose
exit 0
