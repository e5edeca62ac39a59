/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files a run starts with, written before anything is submitted:
 * manifest.yaml (the config file as it was, byte for byte), defaults.yaml
 * (the site and user defaults it was loaded under, when there were any:
 * config_defaults.h), scenarios.jsonl, plan.json (the first wave) and
 * run.json (status running, with the manifest lock). Each is written
 * atomically.
 *
 * Tests: orchestrator/run/test/test_run_record.c,
 * orchestrator/run/test/test_run_local.c. */
#ifndef SCALABLE_RUN_START_H
#define SCALABLE_RUN_START_H

#include "config/config_file.h"
#include "lib/util/error.h"
#include "plan/plan.h"
#include "rundir/run_dir.h"
#include "rundir/run_record.h"

#define RUN_DEFAULTS_FILE "defaults.yaml"

/* Fills record (clear it with run_record_clear) and writes the files;
 * plan may be NULL (no plan.json). */
int run_start_files(const struct run_dir *run, const struct config *config,
		    const struct target *target, const struct plan *plan,
		    struct run_record *record, struct error *err);

#endif
