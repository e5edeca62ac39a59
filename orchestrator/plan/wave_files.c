/* Writing a wave's scripts and tasks files into the run directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/wave_script.h"

/* mkdir -p: creates path and its missing parents. */
static int make_dirs(const char *path)
{
	char *copy = strdup(path);
	int rc = 0;

	if (!copy)
		return -1;
	for (char *p = copy + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(copy, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	return rc;
}

/* What one file of a wave is written from. */
struct wave_item {
	const struct plan *plan;
	const struct plan_group *group;
	const struct plan_chunk *chunk;   /* tasks files only */
};

typedef int (*item_writer)(const struct wave_item *item, FILE *file, struct error *err);

/* Writes a file through path.tmp and rename(2); write() fills it. */
static int write_atomically(const char *path, mode_t mode, item_writer write,
			    const struct wave_item *item, struct error *err)
{
	char *tmp;
	FILE *file;
	int rc;

	if (asprintf(&tmp, "%s.tmp", path) < 0) {
		error_system(err, "%s", path);
		return -1;
	}
	if (!(file = fopen(tmp, "w"))) {
		error_system(err, "cannot create %s", tmp);
		free(tmp);
		return -1;
	}
	rc = write(item, file, err);
	if (fclose(file) != 0 && rc == 0) {
		error_system(err, "cannot write %s", tmp);
		rc = -1;
	}
	if (rc == 0 && (chmod(tmp, mode) != 0 || rename(tmp, path) != 0)) {
		error_system(err, "cannot install %s", path);
		rc = -1;
	}
	if (rc != 0)
		remove(tmp);
	free(tmp);
	return rc;
}

static int write_script(const struct wave_item *item, FILE *file, struct error *err)
{
	struct strbuf text = { 0 };
	int rc = wave_script_render(item->plan, item->group, &text, err);

	if (rc == 0 && fwrite(text.text, 1, text.len, file) != text.len) {
		error_system(err, "cannot write %s", item->group->script_path);
		rc = -1;
	}
	strbuf_free(&text);
	return rc;
}

static int write_tasks(const struct wave_item *item, FILE *file, struct error *err)
{
	if (wave_tasks_write(item->plan, item->group, item->chunk, file) == 0)
		return 0;
	error_system(err, "cannot write %s", item->chunk->tasks_path);
	return -1;
}

/* Makes the directory of a chunk's --output file: it must be there before
 * the job starts, or Slurm fails the job. */
static int make_output_dir(const struct plan_chunk *chunk, struct error *err)
{
	char *dir = strdup(chunk->output), *slash = dir ? strrchr(dir, '/') : NULL;
	int rc = -1;

	if (slash) {
		*slash = '\0';
		rc = make_dirs(dir);
	}
	if (rc != 0)
		error_system(err, "cannot create %s", dir ? dir : chunk->output);
	free(dir);
	return rc;
}

/* Writes a group's tasks files (each with its --output directory), then its
 * script. */
static int write_group(const struct plan *plan, const struct plan_group *group,
		       struct error *err)
{
	struct wave_item item = { plan, group, NULL };

	for (size_t c = 0; c < group->n_chunks; c++) {
		item.chunk = &group->chunks[c];
		if (make_output_dir(item.chunk, err) != 0)
			return -1;
		if (write_atomically(item.chunk->tasks_path, 0644, write_tasks, &item, err) != 0)
			return -1;
	}
	return write_atomically(group->script_path, 0755, write_script, &item, err);
}

int plan_write_scripts(const struct plan *plan, struct error *err)
{
	char *scripts, *logs;
	int rc;

	if (asprintf(&scripts, "%s/scripts/%s", plan->run_dir, plan->wave) < 0)
		scripts = NULL;
	if (asprintf(&logs, "%s/logs", plan->run_dir) < 0)
		logs = NULL;
	rc = scripts && logs && make_dirs(scripts) == 0 && make_dirs(logs) == 0 ? 0 : -1;
	if (rc != 0)
		error_system(err, "cannot create %s", scripts ? scripts : plan->run_dir);
	for (size_t g = 0; rc == 0 && g < plan->n_groups; g++)
		rc = write_group(plan, &plan->groups[g], err);
	free(scripts);
	free(logs);
	return rc;
}
