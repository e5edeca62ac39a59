#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What a task prints cannot stop the orchestrator, in TAP, on the local
# target: one scenario per kind of hostile stderr (a Latin-1 byte, a NUL, ANSI
# colours, a \r progress bar, 70 KB of binary garbage, a single 50 MB line,
# a run of two-byte characters cut by the 64 KB tail). Each fails, as its
# exit code says; `scalable run` exits 1 (failed tasks), never 3; every
# failure has its record, every record is JSON in UTF-8, each message says
# what a terminal would have shown; `watch` on the closed run agrees.
# Before the fix, the Latin-1 byte alone made `run` exit 3 ("cannot format a
# record for .../failures.jsonl") and every `watch` after it too.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..13"

cat >scalable.yaml <<'YAML'
version: 1
project: hostile
targets:
  local: {provider: local, local: {concurrency: 2}}
components:
  talk: {command: "sh ./task.sh {{ kind }}"}
scenarios:
  list:
    - {kind: latin1}
    - {kind: nul}
    - {kind: ansi}
    - {kind: progress}
    - {kind: garbage}
    - {kind: bigline}
    - {kind: cutchar}
YAML
cat >task.sh <<'SH'
case $1 in
latin1) printf 'caf\351 failed\n' >&2 ;;
nul) printf 'before\000after failed\n' >&2 ;;
ansi) printf '\033[1;31mred failure\033[0m\n' >&2 ;;
progress) printf ' 10%%\r 50%%\rdied at 50%%\n' >&2 ;;
garbage) LC_ALL=C awk 'BEGIN { for (i = 0; i < 70000; i++) printf "%c", (i * 37 + 11) % 256 }' >&2 ;;
bigline) head -c 52428800 /dev/zero | tr '\0' 'x' >&2 ;;
cutchar) LC_ALL=C awk 'BEGIN { printf "x"; for (i = 0; i < 40000; i++) printf "\303\251"; print "" }' >&2 ;;
esac
exit 1
SH
export SCALABLE_RUNS_DIR="$work/runs"

check "the run ends with its tasks failed (1), not a system error (3)" 1 \
	timeout 300 "$scalable" run --target local
run=$(ls -d "$SCALABLE_RUNS_DIR"/run-*)
python3 - "$run" >report.txt <<'PY'
import json, sys
run = sys.argv[1]
def rows(name):
    out = []
    with open(f"{run}/{name}", "rb") as f:
        for raw in f:
            out.append(json.loads(raw.decode("utf-8")))  # strict: not UTF-8 raises
    return out
failures = rows("failures.jsonl")
tasks = rows("tasks.jsonl")
print("failures", len(failures))
print("failed tasks", sum(1 for t in tasks if t.get("state") == "failed"))
kinds = ["latin1", "nul", "ansi", "progress", "garbage", "bigline", "cutchar"]
for f in failures:
    print("message", kinds[f["task_id"]], repr(f["message"])[:80])
    assert "\x1b" not in f["message"] and "\r" not in f["message"], f["message"]
PY
equals "every record is JSON in UTF-8" "$?" 0
holds "one failure record per scenario" report.txt "failures 7"
holds "seven failed tasks" report.txt "failed tasks 7"
holds "a Latin-1 byte is shown as ?" report.txt "message latin1 'caf? failed'"
holds "a NUL is shown as a space" report.txt "message nul 'before after failed'"
holds "colours are dropped" report.txt "message ansi 'red failure'"
holds "a progress bar shows its last state" report.txt "message progress 'died at 50%'"
holds "binary garbage still has a message" report.txt "message garbage '"
holds "a 50 MB line is cut to a message" report.txt "message bigline 'xxxx"
holds "a cut character is not half kept" report.txt "message cutchar 'éé"
check "watch on the closed run agrees: failed tasks (1)" 1 timeout 60 "$scalable" watch --latest
check "diagnose reads the run" 0 timeout 60 "$scalable" diagnose --latest
