#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The orchestrator's own writes failing, in TAP (as root; skipped otherwise):
# a local run on a 512 KiB tmpfs fills it and stops with exit 3 and a message
# naming the file and the errno text, with every JSONL line whole but a torn
# last one and no task process left; `watch` on the tmpfs remounted read-only
# stops the same way and changes nothing; remounted bigger, `watch` completes
# the run with every scenario succeeded. Then a run directory made read-only
# mid-run (as nobody: root writes anyway) stops the run at its close with
# exit 3 naming run.json, and `watch` closes it once it is writable again.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
plan=30
echo "1..$plan"
skip_all() {
	i=0
	while [ "$i" -lt "$plan" ]; do
		i=$((i + 1))
		echo "ok $i # SKIP $1"
	done
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root (tmpfs mounts, a second user)"
work=$(mktemp -d) || exit 1
mnt=$work/mnt
cleanup() {
	umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$work" || exit 1
mkdir "$mnt"
mount -t tmpfs -o size=512k,mode=0755 scalable-test "$mnt" 2>/dev/null || skip_all "cannot mount a tmpfs here"
n=0
marker="scalable-disk-full-$$"
export SCALABLE_RUNS_DIR="$mnt/runs"

# matches DESCRIPTION FILE ERE: a line of FILE matches the extended regex.
matches() {
	n=$((n + 1))
	if grep -qE -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: nothing matches '$3' in $2"
		sed 's/^/# /' "$2"
	fi
}
# whole_lines RUN_DIR: every line of every JSONL file is a JSON object, but
# a torn last line (no newline) which readers skip.
whole_lines() {
	timeout 60 python3 - "$1" <<'PY'
import glob, json, sys
bad = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.jsonl")):
    data = open(path, "rb").read()
    lines = data.split(b"\n")
    for number, line in enumerate(lines[:-1], 1):  # lines[-1]: the torn tail or ""
        try:
            ok = isinstance(json.loads(line), dict)
        except ValueError:
            ok = False
        if not ok:
            print("%s:%d: not a JSON object: %r" % (path, number, line[:120]))
            bad += 1
sys.exit(1 if bad else 0)
PY
}
# no_task_left: no process with the marker in its command line survives
# (waiting up to 30 s for one being killed to go).
none_with_marker() {
	! pgrep -f "[s]${marker#s}" >/dev/null
}
no_task_left() {
	wait_until 30 none_with_marker
}
# succeeded_all RUN_DIR N: scenarios 0..N-1 each have a succeeded row.
succeeded_all() {
	timeout 60 python3 - "$1/tasks.jsonl" "$2" <<'PY'
import json, sys
done = set()
for line in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    row = json.loads(line)
    if row["state"] == "succeeded":
        done.add(row["task_id"])
missing = set(range(int(sys.argv[2]))) - done
print("# not succeeded: %s" % sorted(missing)[:20]) if missing else None
sys.exit(1 if missing else 0)
PY
}
# digest DIR: one line per file under DIR with its checksum.
digest() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 md5sum)
}

# Each task takes a moment, so some run whenever the disk fills up; they
# write nothing themselves (their own output would fail on a full disk).
# Tasks the stop left unfinished are settled as after a crash (node_fail,
# retried): no backoff here.
cat >task.sh <<'SH'
sleep 0.05
SH
cat >scalable.yaml <<YAML
version: 1
project: diskfull
targets:
  local: {provider: local, local: {concurrency: 4}}
components:
  model: {command: "sh ./task.sh $marker"}
scenarios:
  range: {name: n, start: 0, stop: 299}
retry:
  node_fail: {backoff: {initial: 0s}}
YAML

check "a run that fills its disk stops with exit 3" 3 timeout 300 "$scalable" run
run=$(ls -d "$mnt"/runs/run-* 2>/dev/null | head -1)
matches "the message names the file and says the disk is full" err \
	"^scalable: cannot [a-z ]+ $mnt/runs/run-[^ ]*: No space left on device$"
check "every JSONL line is whole, but a torn last one" 0 whole_lines "$run"
check "run.json is whole" 0 python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$run/run.json"
check "and still says running" 0 grep -q '"status": "running"' "$run/run.json"
check "no task process is left" 0 no_task_left
check "no temporary file is left" 0 test -z "$(find "$run" -name '*.tmp')"

digest "$run" >before
mount -o remount,ro "$mnt"
check "watch on a read-only file system stops with exit 3" 3 timeout 120 "$scalable" watch "${run##*/}"
matches "naming the file and saying it is read-only" err \
	"^scalable: cannot [a-z ]+ $mnt/runs/run-[^ ]*: Read-only file system$"
digest "$run" >after
check "and changes nothing" 0 cmp -s before after

mount -o remount,rw,size=64m "$mnt"
check "with space again, watch completes the run" 0 timeout 300 "$scalable" watch "${run##*/}"
holds "it says so" out "completed: 300 tasks, 300 succeeded"
check "run.json is completed" 0 grep -q '"status": "completed"' "$run/run.json"
check "every scenario has a succeeded row" 0 succeeded_all "$run" 300
check "every JSONL line is whole, but a torn last one" 0 whole_lines "$run"
check "the journal is closed once" 0 test "$(grep -c '"record":"closed"' "$run/journal.jsonl")" -eq 1
check "no task process is left" 0 no_task_left

# The disk fills up while tasks run (a filler file beside the runs): the
# tasks that started before keep their step events (a page of their own on
# tmpfs); 12 end and the orchestrator cannot record them all (exit 3) while
# 4 still run. Those 4 are killed as the orchestrator leaves, which is not
# their failure: `watch`, once the filler is gone, runs them again.
umount "$mnt" && mount -t tmpfs -o size=1m,mode=0755 scalable-test "$mnt" || exit 1
cat >gated.sh <<'SH'
i=0
gate=open-gate-a
[ "$1" -ge 12 ] && gate=open-gate-b
while [ ! -e "$gate" ] && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
SH
sed -e 's/stop: 299/stop: 15/' -e 's/concurrency: 4/concurrency: 16/' \
	-e "s|sh ./task.sh|sh ./gated.sh {{ n }}|" scalable.yaml >gated.yaml
timeout 120 "$scalable" run gated.yaml >out 2>err &
pid=$!
all_running() {
	[ "$(grep -c '"state":"running"' "$mnt"/runs/run-*/tasks.jsonl 2>/dev/null)" = 16 ]
}
check "16 tasks run" 0 wait_until 60 all_running
run=$(ls -d "$mnt"/runs/run-*)
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
touch open-gate-a
wait "$pid"
rc=$?
n=$((n + 1))
if [ "$rc" -eq 3 ]; then echo "ok $n - 12 tasks end on a full disk: exit 3"; else echo "not ok $n - the run exits $rc, not 3"; sed 's/^/# /' err; fi
matches "the message names tasks.jsonl" err "^scalable: cannot append to $run/tasks.jsonl: No space left on device$"
check "no task process is left" 0 no_task_left
rm "$mnt/filler"
touch open-gate-b
check "with the filler gone, watch completes the run" 0 timeout 120 "$scalable" watch "${run##*/}"
check "every scenario has a succeeded row" 0 succeeded_all "$run" 16
check "no task was killed by signal 15 (the orchestrator's leaving)" 1 grep -q '"signal":15' "$run/tasks.jsonl"

# A run directory made read-only while its tasks run, as nobody (root
# would write anyway). The tasks wait for a gate file, at most 60 s.
ro=$work/ro
mkdir "$ro" && chmod 755 "$work" && chown nobody "$ro" && cd "$ro" || exit 1
cat >gate.sh <<'SH'
i=0
while [ ! -e open-gate ] && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
SH
sed -e 's/stop: 299/stop: 3/' -e 's/task.sh/gate.sh/' ../scalable.yaml >scalable.yaml
export SCALABLE_RUNS_DIR="$ro/runs"
as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
$as_nobody timeout 120 "$scalable" run >out 2>err &
pid=$!
running_rows() {
	[ "$(grep -c '"state":"running"' "$ro"/runs/run-*/tasks.jsonl 2>/dev/null)" = 4 ]
}
check "its four tasks run" 0 wait_until 60 running_rows
run=$(ls -d "$ro"/runs/run-*)
chmod 555 "$run"
touch open-gate
wait "$pid"
rc=$?
n=$((n + 1))
if [ "$rc" -eq 3 ]; then echo "ok $n - the run stops at its close with exit 3"; else echo "not ok $n - the run exits $rc, not 3"; fi
matches "the message names run.json and says why" err \
	"^scalable: cannot write $run/run.json: Permission denied$"
check "every JSONL line is whole, but a torn last one" 0 whole_lines "$run"
chmod 755 "$run"
check "writable again, watch closes the run" 0 $as_nobody timeout 120 "$scalable" watch "${run##*/}"
check "run.json is completed" 0 grep -q '"status": "completed"' "$run/run.json"
[ "$n" -eq "$plan" ] || echo "# $n checks, plan $plan"
exit 0
