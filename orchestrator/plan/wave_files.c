/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a wave's scripts and tasks files into the run directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/exit_codes.h"
#include "lib/util/make_dirs.h"
#include "lib/util/private_path.h"
#include "plan/log_paths.h"
#include "plan/wave_script.h"

/* What one file of a wave is written from. */
struct wave_item {
	const struct plan *plan;
	const struct plan_group *group;
	const struct plan_chunk *chunk;   /* tasks files only */
};

typedef int (*item_writer)(const struct wave_item *item, FILE *file, struct error *err);

/* A new file at tmp, never through a symlink nor into a file that was
 * there (a leftover of a crash is removed first); NULL on error. */
static FILE *create_new(const char *tmp, mode_t mode)
{
	int fd;
	FILE *file;

	if (unlink(tmp) != 0 && errno != ENOENT)
		return NULL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if (fchmod(fd, mode) != 0 || !(file = fdopen(fd, "w"))) {
		close(fd);
		return NULL;
	}
	return file;
}

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
	if (!(file = create_new(tmp, mode))) {
		error_system(err, "cannot create %s", tmp);
		free(tmp);
		return -1;
	}
	rc = write(item, file, err);
	if (fclose(file) != 0 && rc == 0) {
		error_system(err, "cannot write %s", tmp);
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
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
 * the job starts, or Slurm fails the job. (chunk->output is a pattern, its
 * run directory escaped: the path is made again.) */
static int make_output_dir(const struct plan *plan, const struct plan_group *group,
			   const struct plan_chunk *chunk, struct error *err)
{
	char rel[4096], *dir;
	int rc;

	if (log_slurm_output_text(plan->layout, group->component->name, chunk->offset, "%A",
				  "%a", rel, sizeof rel) != 0 ||
	    asprintf(&dir, "%s/%s", plan->run_dir, rel) < 0) {
		error_system(err, "cannot create the directory of %s", chunk->output);
		return -1;
	}
	*strrchr(dir, '/') = '\0';  /* rel holds one at least */
	if ((rc = make_dirs(dir, 0755)) != 0)
		error_system(err, "cannot create %s", dir);
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
		if (make_output_dir(plan, group, item.chunk, err) != 0)
			return -1;
		if (write_atomically(item.chunk->tasks_path, 0644, write_tasks, &item, err) != 0)
			return -1;
	}
	return write_atomically(group->script_path, 0755, write_script, &item, err);
}

/* 0 when dir is a directory of ours that nobody else can write: sbatch
 * runs what is in it. */
static int check_private_dir(const char *dir, struct error *err)
{
	struct stat st;

	if (private_path(dir, &st) && S_ISDIR(st.st_mode))
		return 0;
	if (!st.st_mode) {
		error_system(err, "cannot check %s", dir);
		return -1;
	}
	error_usage(err, "refusing to write job scripts into %s: it must be a directory of "
		    "yours (uid %lu) that group and others cannot write; it is %s of uid %lu, "
		    "mode %04o", dir, (unsigned long)getuid(),
		    S_ISDIR(st.st_mode) ? "a directory" : "not a directory",
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
	err->exit_code = SCALABLE_EXIT_SYSTEM;
	return -1;
}

/* Makes scripts/<wave>/ (0755 less the umask) and checks it and scripts/. */
static int make_scripts_dir(const char *scripts, struct error *err)
{
	char *parent = strdup(scripts), *slash = parent ? strrchr(parent, '/') : NULL;
	int rc = -1;

	if (!slash || make_dirs(scripts, 0755) != 0) {
		error_system(err, "cannot create %s", scripts);
	} else {
		*slash = '\0';
		if (check_private_dir(parent, err) == 0)
			rc = check_private_dir(scripts, err);
	}
	free(parent);
	return rc;
}

int plan_write_scripts(const struct plan *plan, struct error *err)
{
	char *scripts, *logs;
	int rc;

	if (asprintf(&scripts, "%s/scripts/%s", plan->run_dir, plan->wave) < 0)
		scripts = NULL;
	if (asprintf(&logs, "%s/logs", plan->run_dir) < 0)
		logs = NULL;
	if (!scripts || !logs) {
		error_system(err, "cannot create %s", plan->run_dir);
		rc = -1;
	} else if ((rc = make_scripts_dir(scripts, err)) == 0 && make_dirs(logs, 0755) != 0) {
		error_system(err, "cannot create %s", logs);
		rc = -1;
	}
	for (size_t g = 0; rc == 0 && g < plan->n_groups; g++)
		rc = write_group(plan, &plan->groups[g], err);
	free(scripts);
	free(logs);
	return rc;
}
