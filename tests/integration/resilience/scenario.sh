#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One scenario of tests/integration/resilience.bats: what it does depends only
# on its index (SCALABLE_TASK_ID), its attempt (SCALABLE_ATTEMPT) and the
# RESIL_* lists below (set in the component's env), so every failure the test
# injects, and every retry it expects, is known in advance.
#
#   RESIL_OOM_EVERY=N      index % N == 0: prints "OOM: scenario I exceeded
#                          memory limit" and exits 1, on every attempt (0: none)
#   RESIL_TRANSIENT        indices that exit 75 (EX_TEMPFAIL) on attempt 1
#   RESIL_HOLD             indices that, on attempt RESIL_HOLD_ATTEMPT (default
#                          2) and before any requeue by Slurm, create
#                          marks/ready-I and wait for marks/go (up to
#                          RESIL_HOLD_S seconds, default 600): the test preempts
#                          them or kills their node meanwhile
#   RESIL_TIMEOUT          indices that sleep past any walltime after that attempt
#   RESIL_REAL_OOM         indices that allocate RESIL_REAL_OOM_MIB (default 90)
#                          MiB: a real cgroup OOM kill under a smaller --mem
#   RESIL_MODULE           indices that import a module that does not exist
#
# Every attempt first appends "index attempt job restart_count" to runs.log,
# so the test counts how often each scenario really ran.
set -u
i=$SCALABLE_TASK_ID
attempt=$SCALABLE_ATTEMPT
echo "$i $attempt ${SLURM_JOB_ID:-local} ${SLURM_RESTART_COUNT:-0}" >>runs.log

# in_list LIST: whether index i is in the blank-separated LIST.
in_list() {
	[[ " $1 " == *" $i "* ]]
}

oom_every=${RESIL_OOM_EVERY:-0}
hold_attempt=${RESIL_HOLD_ATTEMPT:-2}
if ((oom_every > 0 && i % oom_every == 0)); then
	echo "OOM: scenario $i exceeded memory limit" >&2
	exit 1
fi
if in_list "${RESIL_TRANSIENT:-}" && ((attempt == 1)); then
	echo "ConnectionError: scenario $i: Connection timed out (attempt $attempt)" >&2
	exit 75
fi
if in_list "${RESIL_HOLD:-}" && ((attempt == hold_attempt && ${SLURM_RESTART_COUNT:-0} == 0)); then
	mkdir -p marks
	touch "marks/ready-$i"
	for ((waited = 0; waited < ${RESIL_HOLD_S:-600}; waited++)); do
		[[ -e marks/go ]] && break
		sleep 1
	done
fi
if in_list "${RESIL_TIMEOUT:-}" && ((attempt > hold_attempt)); then
	sleep 3600
fi
if in_list "${RESIL_REAL_OOM:-}"; then
	python3 -c "import sys; x = b'x' * (int(sys.argv[1]) << 20); print(len(x))" \
		"${RESIL_REAL_OOM_MIB:-90}" || exit
fi
if in_list "${RESIL_MODULE:-}"; then
	python3 -c "import scalable_resilience_missing_module" || exit
fi
echo "scenario $i attempt $attempt done"
