/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ex_load: run.json (the run id), plan.json (the components and their
 * configured memory), then scenarios.jsonl, tasks.jsonl and failures.jsonl
 * (see export_impl.h). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/export_impl.h"
#include "lib/util/exit_codes.h"
#include "rundir/run_record.h"

static int fail_oom(struct ex_run *run, struct error *err)
{
	errno = ENOMEM;
	error_system(err, "cannot export %s", run->path);
	return -1;
}

/* run.json: exit code 5 when there is none (not a run), 3 when unreadable. */
static int read_run_id(struct ex_run *run, struct error *err)
{
	struct run_record record = { 0 };
	char *path;
	int missing;

	if (asprintf(&path, "%s/%s", run->path, RUN_RECORD_FILE) < 0)
		return fail_oom(run, err);
	missing = access(path, F_OK) != 0 && errno == ENOENT;
	free(path);
	if (missing) {
		error_usage(err, "%s is not a run: it has no %s", run->path, RUN_RECORD_FILE);
		err->exit_code = SCALABLE_EXIT_NOT_FOUND;
		return -1;
	}
	if (run_record_read(run->path, &record, err) != 0) {
		err->exit_code = SCALABLE_EXIT_SYSTEM;
		return -1;
	}
	run->run_id = record.run_id;
	record.run_id = NULL;
	run_record_clear(&record);
	return 0;
}

/* Remembers a component's configured memory request (-1: unknown). */
static int set_memory(struct ex_run *run, uint32_t id, int64_t bytes)
{
	if (id >= run->n_comp_memory) {
		size_t n = id + 16;
		int64_t *m = realloc(run->comp_memory, n * sizeof *m);

		if (!m)
			return -1;
		for (size_t i = run->n_comp_memory; i < n; i++)
			m[i] = -1;
		run->comp_memory = m, run->n_comp_memory = n;
	}
	run->comp_memory[id] = bytes;
	return 0;
}

/* plan.json's components, in order: their ids come first, so tables list
 * components as the config does. A run without a plan has none. */
static int read_plan(struct ex_run *run, struct error *err)
{
	char *path;
	json_t *plan, *comps, *c;
	size_t i;

	if (asprintf(&path, "%s/plan.json", run->path) < 0)
		return fail_oom(run, err);
	plan = json_load_file(path, 0, NULL);
	free(path);
	comps = json_object_get(plan, "components");
	if (json_array_size(comps) &&
	    !(run->plan_comps = calloc(json_array_size(comps), sizeof *run->plan_comps)))
		goto oom;
	json_array_foreach(comps, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *memory = json_object_get(c, "memory_bytes");
		uint32_t id;

		if (!name || !*name)
			continue;
		if ((id = dx_names_id(&run->names, name, strlen(name))) == DX_NO_ID ||
		    set_memory(run, id, json_integer_value(memory) > 0 ? json_integer_value(memory) : -1))
			goto oom;
		run->plan_comps[run->n_plan_comps++] = id;
	}
	json_decref(plan);
	return 0;
oom:
	json_decref(plan);
	return fail_oom(run, err);
}

int ex_load(struct ex_run *run, const char *path, struct error *err)
{
	memset(run, 0, sizeof *run);
	run->path = path;
	if (read_run_id(run, err) != 0 || read_plan(run, err) != 0 ||
	    ex_load_scenarios(run, err) != 0 || ex_load_attempts(run, err) != 0 ||
	    ex_load_failures(run, err) != 0)
		return -1;
	if (run->oom || ex_make_tasks(run) != 0)
		return fail_oom(run, err);
	return 0;
}

void ex_free(struct ex_run *run)
{
	free(run->run_id);
	dx_names_free(&run->names);
	free(run->text.bytes);
	free(run->plan_comps);
	free(run->comp_memory);
	for (size_t p = 0; p < run->n_params; p++) {
		free(run->params[p].name);
		free(run->params[p].values);
	}
	free(run->params);
	free(run->attempts);
	u64_map_free(&run->by_key);
	free(run->failures);
	free(run->tasks);
	memset(run, 0, sizeof *run);
}
