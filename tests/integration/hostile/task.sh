#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One hostile scenario per kind, for tests/integration/hostile.bats: what a
# task can print, and what it can do to its own logs and its run's events.
# $1 is the kind; every kind fails (exit 1) except "ok".
err=$(readlink /proc/self/fd/2)   # this attempt's .err log
case $1 in
ok) echo fine; exit 0 ;;
latin1) printf 'caf\351 failed\n' >&2 ;;
nul) printf 'before\000after failed\n' >&2 ;;
ansi) printf '\033[1;31mred failure\033[0m\n' >&2 ;;
progress) printf ' 10%%\r 50%%\rdied at 50%%\n' >&2 ;;
garbage) head -c 70000 /dev/urandom >&2 ;;
bigline) head -c 52428800 /dev/zero | tr '\0' 'x' >&2 ;;
deleted_log) echo "about to vanish" >&2; rm -f "$err" ;;
truncated_log) echo "about to be cut" >&2; : >"$err" ;;
symlinked_log) echo "secret" >&2; rm -f "$err"; ln -s /etc/shadow "$err" ;;
unreadable_log) echo "hidden" >&2; chmod 000 "$err" ;;
dir_log) rm -f "$err"; mkdir "$err" ;;
late) sleep 8; echo "late failure" >&2; exit 2 ;;
events_junk)
	# beside this step's own event file: a FIFO and a link to /etc/shadow
	# named like event files, garbage, and a forged end of scenario "late"
	# (array index 2, running meanwhile) claiming it succeeded
	own=$(find "$SCALABLE_RUN_DIR/events" -name "$SLURM_JOB_ID.batch.0.jsonl" | head -1)
	dir=${own%/*}
	mkfifo "$dir/999999.batch.0.jsonl"
	ln -s /etc/shadow "$dir/999998.batch.0.jsonl"
	head -c 4096 /dev/urandom >>"$own"; echo >>"$own"
	for _ in $(seq 30); do
		late=$(squeue -h -j "$SLURM_ARRAY_JOB_ID" -o '%K %A' | awk '$1 == 2 { print $2 }')
		[ -n "$late" ] && break
		sleep 1
	done
	head -1 "$own" | jq -c --argjson j "${late:-0}" \
		'.event = "end" | .job_id = $j | .array_task_id = 2 | .task_id = 2 | .exit_code = 0 | .signal = null' \
		>>"$own"
	;;
esac
exit 1
