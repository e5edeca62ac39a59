#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One scenario of tests/integration/pack.bats, packed with others in one
# array task: what it does depends only on its index and attempt, so the test
# knows every failure it injects and every retry it expects.
#
#   PACK_TRANSIENT   the index that exits 75 (EX_TEMPFAIL) on attempt 1
#   PACK_REAL_OOM    the index that allocates 90 MiB: a real cgroup OOM kill
#                    under --mem 64M, fine at 128M
#   PACK_TIMEOUT     the index that sleeps past its pack's walltime on
#                    attempt 1
#   PACK_HOLD        the index that, on attempt 1, creates marks/ready-I and
#                    waits for marks/go (up to 600 s): the test preempts its
#                    pack meanwhile
#
# Every execution first appends "index attempt array_job_array_task
# restart_count" to runs.log, so the test counts how often each scenario ran.
set -u
i=$SCALABLE_TASK_ID
attempt=$SCALABLE_ATTEMPT
echo "$i $attempt ${SLURM_ARRAY_JOB_ID:-}_${SLURM_ARRAY_TASK_ID:-} ${SLURM_RESTART_COUNT:-0}" >>runs.log
if [[ $i == "${PACK_TRANSIENT:-}" ]] && ((attempt == 1)); then
	echo "ConnectionError: scenario $i: Connection timed out (attempt $attempt)" >&2
	exit 75
fi
if [[ $i == "${PACK_REAL_OOM:-}" ]]; then
	python3 -c "import sys; x = b'x' * (90 << 20); print(len(x))" || exit
fi
if [[ $i == "${PACK_TIMEOUT:-}" ]] && ((attempt == 1)); then
	sleep 3600
fi
if [[ $i == "${PACK_HOLD:-}" ]] && ((attempt == 1)); then
	mkdir -p marks
	touch "marks/ready-$i"
	for ((waited = 0; waited < 600; waited++)); do
		[[ -e marks/go ]] && break
		sleep 1
	done
fi
echo "scenario $i attempt $attempt done"
