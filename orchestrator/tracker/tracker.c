/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker's store of attempts: its tables and the maps that find them (see tracker.h). */
#include "tracker/tracker_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_BITS 40   /* scenario indices stay far below 2^40 */

/* The id of name in the table, added when new; -1 when out of memory. */
static int64_t intern(struct name_table *table, const char *name)
{
	char **names;

	for (size_t i = 0; i < table->count; i++)
		if (!strcmp(table->names[i], name))
			return (int64_t)i;
	names = realloc(table->names, (table->count + 1) * sizeof *names);
	if (!names)
		return -1;
	table->names = names;
	if (!(names[table->count] = strdup(name)))
		return -1;
	return (int64_t)table->count++;
}

const char *tracker_wave(struct tracker *t, const char *wave)
{
	int64_t id = intern(&t->waves, wave);

	return id < 0 ? NULL : t->waves.names[id];
}

static void free_names(struct name_table *table)
{
	for (size_t i = 0; i < table->count; i++)
		free(table->names[i]);
	free(table->names);
}

static uint64_t task_key(uint32_t component, size_t index)
{
	return (uint64_t)component << INDEX_BITS | (uint64_t)index;
}

static struct tracked_task *add_task(struct tracker *t, uint32_t component, size_t index)
{
	struct tracked_task *task = calloc(1, sizeof *task);

	if (!task)
		return NULL;
	if (t->n_all == t->cap_all) {
		size_t cap = t->cap_all ? 2 * t->cap_all : 256;
		struct tracked_task **all = realloc(t->all, cap * sizeof *all);

		if (!all) {
			free(task);
			return NULL;
		}
		t->all = all;
		t->cap_all = cap;
	}
	task->component = component;
	task->index = index;
	if (u64_map_put(&t->tasks, task_key(component, index), task) != 0) {
		free(task);
		return NULL;
	}
	t->all[t->n_all++] = task;
	return task;
}

static struct task_attempt *new_attempt(const struct tracker *t,
					const struct tracked_task *task, unsigned number)
{
	struct task_attempt *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->component = t->components.names[task->component];
	a->index = task->index;
	a->attempt = number;
	a->state = TASK_SUBMITTED;
	a->duration_s = -1;
	a->exit_code = a->signal = -1;
	a->max_rss_bytes = a->oom_kill_count = a->time_limit_s = -1;
	return a;
}

/* Makes room for attempt number in the task's table. */
static int reserve_attempt(struct tracked_task *task, unsigned number)
{
	struct task_attempt **grown;

	if (number <= task->n_attempts)
		return 0;
	grown = realloc(task->attempts, number * sizeof *grown);
	if (!grown)
		return -1;
	memset(grown + task->n_attempts, 0, (number - task->n_attempts) * sizeof *grown);
	task->attempts = grown;
	task->n_attempts = number;
	return 0;
}

void tracker_tally(struct tracker *t, const struct task_attempt *a, bool add)
{
	size_t *counters[] = { &t->totals.by_state[a->state], &t->totals.tasks,
			       &t->totals.awaiting_slurm, &t->not_final };
	bool final = task_state_is_final(a->state);
	bool counted[] = { true, true, a->end_seen && !final, !final };

	if (!a->latest)
		return;
	for (size_t i = 0; i < sizeof counted / sizeof *counted; i++)
		if (counted[i])
			*counters[i] = add ? *counters[i] + 1 : *counters[i] - 1;
}

/* A new attempt of task: the latest when it has the highest number. */
static struct task_attempt *add_attempt(struct tracker *t, struct tracked_task *task,
					unsigned number)
{
	struct task_attempt *latest = tracked_task_latest(task);
	struct task_attempt *a = new_attempt(t, task, number);

	if (!a)
		return NULL;
	task->attempts[number - 1] = a;
	if (latest && latest->attempt > number)
		return a;
	if (latest) {
		tracker_tally(t, latest, false);
		latest->latest = false;
	}
	a->latest = true;
	tracker_tally(t, a, true);
	return a;
}

struct task_attempt *tracker_attempt(struct tracker *t, const char *component, size_t index,
				     unsigned attempt, bool create)
{
	int64_t id = create ? intern(&t->components, component) : -1;
	struct tracked_task *task;

	for (size_t i = 0; !create && i < t->components.count; i++)
		if (!strcmp(t->components.names[i], component))
			id = (int64_t)i;
	if (id < 0 || attempt == 0)
		return NULL;
	task = u64_map_get(&t->tasks, task_key((uint32_t)id, index));
	if (!task && (!create || !(task = add_task(t, (uint32_t)id, index))))
		return NULL;
	if (attempt <= task->n_attempts && task->attempts[attempt - 1])
		return task->attempts[attempt - 1];
	if (!create || reserve_attempt(task, attempt) != 0)
		return NULL;
	return add_attempt(t, task, attempt);
}

const struct task_attempt *tracker_find(const struct tracker *t, const char *component,
					size_t index, unsigned attempt)
{
	return tracker_attempt((struct tracker *)t, component, index, attempt, false);
}

const struct task_attempt *tracker_latest(const struct tracker *t, const char *component,
					  size_t index)
{
	const struct tracked_task *task;

	for (size_t i = 0; i < t->components.count; i++) {
		if (strcmp(t->components.names[i], component) != 0)
			continue;
		task = u64_map_get(&t->tasks, task_key((uint32_t)i, index));
		return task ? tracked_task_latest(task) : NULL;
	}
	return NULL;
}

struct task_attempt *tracked_task_latest(const struct tracked_task *task)
{
	for (unsigned i = task->n_attempts; i-- > 0;)
		if (task->attempts[i])
			return task->attempts[i];
	return NULL;
}

static uint64_t array_key(uint32_t array_job_id, uint32_t array_task_id)
{
	return (uint64_t)array_job_id << 32 | array_task_id;
}

int tracker_index_job(struct tracker *t, struct task_attempt *a, uint32_t job_id)
{
	if (job_id == 0)
		return 0;
	a->job_id = job_id;
	return u64_map_put(&t->by_job, job_id, a);
}

/* The open count of an array, added when new; NULL when out of memory. */
static struct open_array *open_array(struct tracker *t, uint32_t array_job_id)
{
	uintptr_t at = (uintptr_t)u64_map_get(&t->open_index, array_job_id);

	if (at)
		return &t->open_arrays[at - 1];
	if (t->n_open_arrays == t->cap_open_arrays) {
		size_t cap = t->cap_open_arrays ? 2 * t->cap_open_arrays : 16;
		struct open_array *grown = realloc(t->open_arrays, cap * sizeof *grown);

		if (!grown)
			return NULL;
		t->open_arrays = grown;
		t->cap_open_arrays = cap;
	}
	if (u64_map_put(&t->open_index, array_job_id,
			(void *)(uintptr_t)(t->n_open_arrays + 1)) != 0)
		return NULL;
	t->open_arrays[t->n_open_arrays] = (struct open_array){ array_job_id, 0 };
	return &t->open_arrays[t->n_open_arrays++];
}

void tracker_count_open(struct tracker *t, const struct task_attempt *a, bool add)
{
	struct open_array *o;

	if (!a->array_job_id || task_state_is_final(a->state) || t->open_broken)
		return;
	if (!(o = open_array(t, a->array_job_id)))
		t->open_broken = true;
	else if (add)
		o->open++;
	else if (o->open > 0)
		o->open--;
}

int tracker_index_array(struct tracker *t, struct task_attempt *a, uint32_t array_job_id,
			uint32_t array_task_id)
{
	if (array_job_id == 0)
		return 0;
	tracker_count_open(t, a, false);
	a->array_job_id = array_job_id;
	a->array_task_id = array_task_id;
	tracker_count_open(t, a, true);
	return u64_map_put(&t->by_array, array_key(array_job_id, array_task_id), a);
}

struct task_attempt *tracker_by_array(const struct tracker *t, uint32_t array_job_id,
				      uint32_t array_task_id)
{
	return u64_map_get(&t->by_array, array_key(array_job_id, array_task_id));
}

struct task_attempt *tracker_by_job(const struct tracker *t, uint32_t job_id)
{
	return u64_map_get(&t->by_job, job_id);
}

struct tracker *tracker_new(const struct tracker_options *o, struct error *err)
{
	struct tracker *t = calloc(1, sizeof *t);
	char *events_dir = NULL;

	if (!t || !(t->run_dir = strdup(o->run_dir)) || !(t->run_id = strdup(o->run_id)) ||
	    !(t->provider = strdup(o->provider ? o->provider : "slurm")) ||
	    asprintf(&events_dir, "%s/events", o->run_dir) < 0 ||
	    !(t->events = event_tree_new(events_dir))) {
		errno = ENOMEM;
		error_system(err, "cannot track %s", o->run_dir);
		free(events_dir);
		tracker_free(t);
		return NULL;
	}
	free(events_dir);
	t->rules = o->rules;
	t->n_rules = o->n_rules;
	t->settle_on_end_event = o->settle_on_end_event;
	t->layout = o->layout;
	t->retry = o->retry;
	t->on_success = o->on_success;
	t->on_success_ctx = o->on_success_ctx;
	t->check_outputs = o->check_outputs;
	t->check_outputs_ctx = o->check_outputs_ctx;
	t->on_row = o->on_row;
	t->on_row_ctx = o->on_row_ctx;
	if (!o->read_only &&
	    !(t->telemetry = telemetry_open(o->run_dir, o->run_id, t->provider, err))) {
		tracker_free(t);
		return NULL;
	}
	return t;
}

static void free_attempt(struct task_attempt *a)
{
	if (!a)
		return;
	free(a->error_type);
	free(a->error_message);
	free(a->retry);
	free(a->skip);
	free(a);
}

static void free_packs(struct tracker *t)
{
	for (size_t i = 0; i < t->n_packs; i++) {
		free(t->all_packs[i]->members);
		free(t->all_packs[i]);
	}
	free(t->all_packs);
	u64_map_free(&t->packs);
	u64_map_free(&t->pack_jobs);
}

void tracker_free(struct tracker *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_all; i++) {
		for (unsigned a = 0; a < t->all[i]->n_attempts; a++)
			free_attempt(t->all[i]->attempts[a]);
		free(t->all[i]->attempts);
		free(t->all[i]);
	}
	for (size_t i = 0; i < t->n_orphans; i++)
		json_decref(t->orphans[i]);
	free(t->orphans);
	free(t->all);
	u64_map_free(&t->tasks);
	u64_map_free(&t->by_array);
	u64_map_free(&t->by_job);
	free_packs(t);
	u64_map_free(&t->open_index);
	free(t->open_arrays);
	free_names(&t->components);
	free_names(&t->waves);
	telemetry_close(t->telemetry);
	event_tree_free(t->events);
	free(t->run_dir);
	free(t->run_id);
	free(t->provider);
	free(t);
}
