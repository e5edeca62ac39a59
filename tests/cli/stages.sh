#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Stages (after:, after: all) end to end on the local target, in TAP: a
# three-stage sweep of 20 scenarios (prepare -> model -> post, and an
# aggregate after: all) with input errors injected in each stage. From
# tasks.jsonl: every downstream attempt started after its upstream scenario
# succeeded, the downstream scenarios of a failure are skipped with the
# upstream and its class, the aggregate saw exactly the succeeded list;
# then the input is fixed and `scalable resume` runs the failed ones and,
# after them, the skipped ones and the aggregate again.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is missing (it reads tasks.jsonl here)"
	exit 0
fi
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..30"

cat >scalable.yaml <<'YAML'
version: 1
project: stages
targets:
  local: {provider: local, local: {concurrency: 4}}
scenarios:
  range: {name: i, start: 0, stop: 19}
components:
  prepare: {command: "sh ./task.sh prepare {{ i }}"}
  model: {command: "sh ./task.sh model {{ i }}", after: [prepare]}
  post: {command: "sh ./task.sh post {{ i }}", after: [model]}
  aggregate:
    command: 'cp "$SCALABLE_SUCCEEDED_FILE" "agg.$SCALABLE_ATTEMPT.jsonl"; test {{ succeeded_file }} = "$SCALABLE_SUCCEEDED_FILE"'
    after: all
    when: any_succeeded
YAML
# Until ./fixed exists: prepare fails for 3 and 11, model for 7 and 15, post for 18 (exit 65).
cat >task.sh <<'SH'
case "$1-$2" in
prepare-3|prepare-11|model-7|model-15|post-18)
	if [ ! -e fixed ]; then echo "bad input for $1 $2" >&2; exit 65; fi ;;
esac
echo "$1 $2 ok"
SH
export SCALABLE_RUNS_DIR="$work/runs"

check "plan shows the stages" 0 "$scalable" plan --target local
holds "stage 1 is model, after prepare" out "stage 1: model (after prepare;"
holds "stage 3 is the fan-in" out "stage 3: aggregate (after: all, when any_succeeded"
check "the run fails (failed and skipped tasks)" 1 "$scalable" run --target local
holds "its last line counts the skipped" out "61 tasks, 50 succeeded, 5 failed, 0 cancelled, 6 skipped"
run=$(ls -d "$SCALABLE_RUNS_DIR"/run-*)
cat >check.py <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1] + "/tasks.jsonl")]
what = sys.argv[2]
latest = {}
for r in rows:
    k = (r["component"], r["task_id"])
    if k not in latest or r["attempt"] >= latest[k]["attempt"]:
        latest[k] = r
after = {"model": ["prepare"], "post": ["model"]}
def state(c):
    return sorted(i for (k, i), r in latest.items() if k == c and r["state"] == what)
if what == "order":
    # every start of a downstream attempt comes after its upstream's success
    bad = 0
    for r in rows:
        if r["state"] != "running" or r["component"] not in after:
            continue
        for u in after[r["component"]]:
            ok = [x["timestamp"] for x in rows if x["component"] == u and
                  x["task_id"] == r["task_id"] and x["state"] == "succeeded"]
            if not ok or min(ok) > r["timestamp"]:
                bad += 1
    print(bad)
elif what == "reasons":
    for (k, i), r in sorted(latest.items()):
        if r["state"] == "skipped":
            u = r["upstream"]
            print("%s-%d<-%s:%s:%s" % (k, i, u["task_name"], u["state"], u["failure_class"]))
elif what == "succeeded-list":
    seen = sorted((x["component"], x["task_id"]) for x in map(json.loads, open(sys.argv[3])))
    want = sorted(k for k, r in latest.items()
                  if k[0] != "aggregate" and r["state"] == "succeeded")
    print("same" if seen == want else "differs: %s vs %s" % (seen, want))
else:
    for c in ("prepare", "model", "post", "aggregate"):
        print(c, " ".join(map(str, state(c))))
PY
st() { python3 check.py "$run" "$@"; }
equals "failed: prepare 3 11, model 7 15, post 18" "$(st failed | tr '\n' ';')" \
	"prepare 3 11;model 7 15;post 18;aggregate ;"
equals "skipped: model 3 11, post 3 7 11 15" "$(st skipped | tr '\n' ';')" \
	"prepare ;model 3 11;post 3 7 11 15;aggregate ;"
equals "each skipped names its upstream, its state and class" "$(st reasons | tr '\n' ' ')" \
	"model-3<-prepare-3:failed:input_error model-11<-prepare-11:failed:input_error post-3<-model-3:skipped:None post-7<-model-7:failed:input_error post-11<-model-11:skipped:None post-15<-model-15:failed:input_error "
equals "no downstream attempt started before its upstream succeeded" "$(st order)" 0
equals "the aggregate ran once" "$(st succeeded | grep aggregate)" "aggregate 0"
check "it saw the succeeded file" 0 test -s agg.1.jsonl
equals "which lists exactly the succeeded scenarios" "$(st succeeded-list agg.1.jsonl)" same
equals "49 of them" "$(wc -l <agg.1.jsonl | tr -d ' ')" 49
check "the file is in the run directory" 0 cmp agg.1.jsonl "$run/stages/aggregate.succeeded.jsonl"
check "skipped rows have no failures.jsonl row" 1 grep -q '"upstream_failed"' "$run/failures.jsonl"
check "run.json is failed" 0 grep -q '"status": "failed"' "$run/run.json"
check "its summary counts 6 skipped" 0 grep -q '"skipped": 6' "$run/run.json"
check "status" 0 "$scalable" status --latest
holds "status counts the skipped" out "61: 50 succeeded, 5 failed, 6 skipped"
check "diagnose" 0 "$scalable" diagnose --latest
holds "diagnose counts the skipped on their own" out "6 skipped"
check "report" 0 "$scalable" report --latest --format md
holds "the report counts them" out "skipped"
check "report --json" 0 "$scalable" report --latest --json
cp out report.json
check "its timeline has them as their own outcome" 0 python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
n = sum(b.get("skipped", 0) for c in d["components"] for b in c["timeline"])
sys.exit(0 if n == 6 else 1)' report.json

touch fixed
check "resume completes the run" 0 "$scalable" resume --latest
holds "resume said what it resubmitted" out "5 tasks in wave"
equals "nothing failed or skipped any more" "$(st succeeded | tr '\n' ';')" \
	"prepare $(seq -s ' ' 0 19);model $(seq -s ' ' 0 19);post $(seq -s ' ' 0 19);aggregate 0;"
equals "still no downstream attempt before its upstream" "$(st order)" 0
equals "the aggregate ran again, on all 60" "$(wc -l <agg.2.jsonl | tr -d ' ')" 60
