/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_run: reads a run directory and analyses it (see diagnose.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diagnose/diagnose_impl.h"
#include "lib/util/exit_codes.h"

/* Whether an orchestrator still follows a run that says it is running:
 * known only when the lock's holder wrote this host's name. */
static enum dx_orchestrator orchestrator_state(struct diagnosis *dx)
{
	char host[256] = "";

	if (dx->record.status != RUN_STATUS_RUNNING)
		return DX_ORCH_FINISHED;
	if (run_lock_read_holder(dx->run_path, &dx->holder) != 0 || dx->holder.pid <= 0)
		return DX_ORCH_UNKNOWN;
	gethostname(host, sizeof host - 1);
	if (strcmp(host, dx->holder.host) != 0)
		return DX_ORCH_UNKNOWN;
	/* the holder's pid may have been reused: "alive" can be wrong, "gone" cannot */
	return kill((pid_t)dx->holder.pid, 0) == 0 || errno == EPERM ? DX_ORCH_ALIVE
								  : DX_ORCH_GONE;
}

/* run.json: exit code 5 when there is none (not a run), 3 when unreadable. */
static int read_record(struct diagnosis *dx, struct error *err)
{
	char *path;
	int missing;

	if (asprintf(&path, "%s/%s", dx->run_path, RUN_RECORD_FILE) < 0) {
		error_system(err, "cannot read %s", dx->run_path);
		return -1;
	}
	missing = access(path, F_OK) != 0 && errno == ENOENT;
	free(path);
	if (missing) {
		error_usage(err, "%s is not a run: it has no %s", dx->run_path, RUN_RECORD_FILE);
		err->exit_code = SCALABLE_EXIT_NOT_FOUND;
		return -1;
	}
	if (run_record_read(dx->run_path, &dx->record, err) != 0) {
		err->exit_code = SCALABLE_EXIT_SYSTEM;
		return -1;
	}
	return 0;
}

/* The files, then outcomes, shared parameters and findings: each needs the
 * ones before. */
static int load_and_analyse(struct diagnosis *dx, struct error *err)
{
	if (read_record(dx, err) != 0)
		return -1;
	dx->orchestrator = orchestrator_state(dx);
	if (dx_load_records(dx, err) != 0)
		return -1;
	dx_read_plan(dx);
	if (dx_read_memory(dx, err) != 0)
		return -1;
	if (dx_outcomes(dx) != 0 || dx_shared(dx) != 0 || dx_findings(dx) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot diagnose %s", dx->run_path);
		return -1;
	}
	return 0;
}

int diagnose_run(const char *run_path, struct diagnosis **out, struct error *err)
{
	struct diagnosis *dx = calloc(1, sizeof *dx);

	if (!dx || !(dx->run_path = strdup(run_path))) {
		free(dx);
		error_system(err, "cannot diagnose %s", run_path);
		return -1;
	}
	if (load_and_analyse(dx, err) != 0) {
		diagnose_free(dx);
		return -1;
	}
	*out = dx;
	return 0;
}
