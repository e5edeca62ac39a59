/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The field names of tasks.jsonl and failures.jsonl records (docs/design.md, "The
 * run directory"), each spelled once for the writers (telemetry.c) and every
 * reader, jansson-based (task_record.c, failure_record.c) or scanning
 * (diagnose). String literals, not variables: a scanner comparing keys with
 * them gets its lengths folded at compile time. Names are the contract: add,
 * never rename.
 *
 * No test of its own: names only; orchestrator/rundir/test/test_task_record.c
 * reads back what the writer wrote with them. */
#ifndef SCALABLE_RECORD_FIELDS_H
#define SCALABLE_RECORD_FIELDS_H

/* schema_version's value. */
#define TELEMETRY_SCHEMA_VERSION 1

/* In every record. */
#define RECORD_EVENT_TYPE "event_type"
#define RECORD_SCHEMA_VERSION "schema_version"
#define RECORD_RUN_ID "run_id"
#define RECORD_TASK_ID "task_id"
#define RECORD_TASK_NAME "task_name"
#define RECORD_COMPONENT "component"
#define RECORD_ATTEMPT "attempt"
#define RECORD_TIMESTAMP "timestamp"
#define RECORD_FAILURE_CLASS "failure_class"
#define RECORD_ERROR_TYPE "error_type"

/* event_type's values. */
#define RECORD_TYPE_TASK "task"
#define RECORD_TYPE_FAILURE "failure"

/* tasks.jsonl; failures.jsonl's details have job_id, exit_code, signal and
 * restart_count too. */
#define RECORD_TAG "tag"
#define RECORD_STATE "state"
#define RECORD_DURATION_S "duration_s"
#define RECORD_WORKER "worker"
#define RECORD_JOB_ID "job_id"
#define RECORD_ARRAY_JOB_ID "array_job_id"
#define RECORD_ARRAY_TASK_ID "array_task_id"
#define RECORD_EXIT_CODE "exit_code"
#define RECORD_SIGNAL "signal"
#define RECORD_MAX_RSS_BYTES "max_rss_bytes"
#define RECORD_REQUESTED_MEMORY_BYTES "requested_memory_bytes"
#define RECORD_REQUESTED_WALLTIME_S "requested_walltime_s"
#define RECORD_ERROR_MESSAGE "error_message"
#define RECORD_WAVE "wave"
#define RECORD_RESTART_COUNT "restart_count"
#define RECORD_NOT_STARTED "not_started"
#define RECORD_UPSTREAM "upstream"        /* a skipped row: the upstream task that failed */

/* failures.jsonl, at the top. */
#define RECORD_MESSAGE "message"
#define RECORD_PROVIDER "provider"
#define RECORD_DETAILS "details"

/* failures.jsonl, in details (besides task_id, attempt, job_id, exit_code,
 * signal, error_type and restart_count). */
#define RECORD_PHASE "phase"
#define RECORD_WORKER_ID "worker_id"
#define RECORD_SLURM_STATE "slurm_state"
#define RECORD_TRACEBACK "traceback"
#define RECORD_RETRY "retry"
#define RECORD_EVIDENCE "evidence"

#endif
