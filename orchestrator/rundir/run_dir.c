/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Creating, finding and listing run directories (see run_dir.h). */
#include "rundir/run_dir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/atomic_file.h"
#include "lib/util/make_dirs.h"
#include "lib/util/exit_codes.h"
#include "rundir/run_lock.h"
#include "rundir/run_owner.h"
#include "rundir/run_record.h"

#define STAMP_LEN 16   /* YYYYMMDDTHHMMSSZ */
#define HEX_LEN 8
#define CREATE_TRIES 16

static const char *const run_subdirs[] = { "events", "scripts", "logs" };

char *runs_dir_default(void)
{
	const char *dir = getenv("SCALABLE_RUNS_DIR");
	char cwd[PATH_MAX], *path;

	if (!dir || !*dir)
		dir = RUNS_DIR_DEFAULT;
	if (dir[0] == '/')
		return strdup(dir);
	if (!getcwd(cwd, sizeof cwd) || asprintf(&path, "%s/%s", cwd, dir) < 0)
		return NULL;
	return path;
}

static int path_char(int c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-';
}

void run_project_for_path(const char *project, char *buf, size_t len)
{
	size_t n = 0, max = len - 1 < RUN_PROJECT_MAX ? len - 1 : RUN_PROJECT_MAX;

	for (const char *p = project ? project : ""; *p && n < max; p++) {
		if (n == 0 && *p == '.')
			continue;
		buf[n++] = path_char((unsigned char)*p) ? *p : '_';
	}
	buf[n] = '\0';
	if (n == 0)
		snprintf(buf, len, "project");
}

int run_id_format(const char *project, time_t when, uint32_t random, char *buf, size_t len)
{
	char name[RUN_PROJECT_MAX + 1], stamp[STAMP_LEN + 1];
	struct tm tm;
	int n;

	if (!gmtime_r(&when, &tm) || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
		return -1;
	run_project_for_path(project, name, sizeof name);
	n = snprintf(buf, len, "run-%s-%s-%08x", stamp, name, random);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int run_id_valid(const char *name)
{
	size_t len = strlen(name);

	if (len < 4 + STAMP_LEN + 1 + 1 + 1 + HEX_LEN || strncmp(name, "run-", 4) != 0)
		return 0;
	for (size_t i = 0; i < STAMP_LEN; i++) {
		char c = name[4 + i];
		int want_letter = i == 8 || i == STAMP_LEN - 1;

		if (want_letter ? !isupper((unsigned char)c) : !isdigit((unsigned char)c))
			return 0;
	}
	if (name[4 + STAMP_LEN] != '-' || name[len - HEX_LEN - 1] != '-')
		return 0;
	for (size_t i = len - HEX_LEN; i < len; i++)
		if (!isxdigit((unsigned char)name[i]))
			return 0;
	return 1;
}

static struct run_dir *run_dir_new(const char *root, const char *id)
{
	struct run_dir *run = calloc(1, sizeof *run);

	if (!run)
		return NULL;
	run->lock_fd = -1;
	run->root = strdup(root);
	run->id = strdup(id);
	if (!run->root || !run->id || asprintf(&run->path, "%s/%s", root, id) < 0) {
		run->path = NULL;
		run_dir_free(run);
		return NULL;
	}
	return run;
}

void run_dir_free(struct run_dir *run)
{
	if (!run)
		return;
	run_lock_release(run->lock_fd);
	free(run->root);
	free(run->path);
	free(run->id);
	free(run);
}

int run_dir_lock(struct run_dir *run, const char *command, struct error *err)
{
	if (run->lock_fd >= 0)
		return 0;
	run->lock_fd = run_lock_take(run->path, command, err);
	return run->lock_fd >= 0 ? 0 : -1;
}

/* mkdir of a fresh run directory: 1 made, 0 the name was taken, -1 error. */
static int make_run_path(struct run_dir *run)
{
	char *sub;

	if (mkdir(run->path, 0755) != 0)
		return errno == EEXIST ? 0 : -1;
	for (size_t i = 0; i < sizeof run_subdirs / sizeof run_subdirs[0]; i++) {
		/* events/ too is 0755 less the umask: the jobs write there as the
		 * orchestrator's own user, so nobody else needs to. */
		if (asprintf(&sub, "%s/%s", run->path, run_subdirs[i]) < 0)
			return -1;
		int rc = mkdir(sub, 0755);

		free(sub);
		if (rc != 0)
			return -1;
	}
	return 1;
}

/* A new run id not yet present under root, created on disk. */
static int create_unique(const char *root, const char *project, struct run_dir **out,
			 struct error *err)
{
	for (int tries = 0; tries < CREATE_TRIES; tries++) {
		char id[RUN_ID_MAX];
		uint32_t random;
		struct run_dir *run;
		int made;

		if (getrandom(&random, sizeof random, 0) != sizeof random ||
		    run_id_format(project, time(NULL), random, id, sizeof id) != 0 ||
		    !(run = run_dir_new(root, id))) {
			error_system(err, "cannot name a new run under %s", root);
			return -1;
		}
		if ((made = make_run_path(run)) == 1) {
			*out = run;
			return 0;
		}
		if (made < 0)
			error_system(err, "cannot create %s", run->path);
		run_dir_free(run);
		if (made < 0)
			return -1;
	}
	errno = EEXIST;
	error_system(err, "cannot find a free run name under %s", root);
	return -1;
}

int run_dir_create(const char *root, const char *project, const char *command,
		   struct run_dir **out, struct error *err)
{
	struct run_dir *run;

	/* private: a runs directory to share is one its owner made so */
	if (make_dirs(root, 0700) != 0) {
		error_system(err, "cannot create the runs directory %s", root);
		return -1;
	}
	if (runs_root_check(root, err) != 0 || create_unique(root, project, &run, err) != 0)
		return -1;
	if (run_dir_lock(run, command, err) != 0) {
		run_dir_free(run);
		return -1;
	}
	fsync_parent_dir(run->path);
	*out = run;
	return 0;
}

/* Orders run ids by time stamp, then by the whole name. */
static int compare_ids(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int by_time = strncmp(x + 4, y + 4, STAMP_LEN);

	return by_time ? by_time : strcmp(x, y);
}

static int list_add(struct run_list *list, const char *id)
{
	char **ids = realloc(list->ids, (list->count + 1) * sizeof *ids);

	if (!ids)
		return -1;
	list->ids = ids;
	if (!(ids[list->count] = strdup(id)))
		return -1;
	list->count++;
	return 0;
}

/* Adds id when it is the caller's run, else counts it as foreign. */
static int list_add_owned(const char *root, struct run_list *list, const char *id)
{
	if (run_owned(root, id))
		return list_add(list, id);
	if (list->foreign++ == 0 && !(list->foreign_first = strdup(id)))
		return -1;
	return 0;
}

/* A run and when it started, for ordering the runs of one second. */
struct dated_run {
	char *id;
	char started_at[RFC3339_BUFSZ];   /* "" without a readable run.json */
};

static int compare_dated(const void *a, const void *b)
{
	const struct dated_run *x = a, *y = b;
	int by_start = strcmp(x->started_at, y->started_at);

	return by_start ? by_start : strcmp(x->id, y->id);
}

/* run.json's started_at of root/id, "" when it has none. */
static void started_at_of(const char *root, const char *id, char *buf, size_t len)
{
	struct run_record record;
	struct error err;
	char *path;

	buf[0] = '\0';
	if (asprintf(&path, "%s/%s", root, id) < 0)
		return;
	if (run_record_read(path, &record, &err) == 0) {
		snprintf(buf, len, "%s", record.started_at);
		run_record_clear(&record);
	}
	free(path);
}

/* The n runs of one second at ids, put in the order they started: by
 * started_at (milliseconds; fixed width, so as text), then by id. */
static int order_one_second(const char *root, char **ids, size_t n)
{
	struct dated_run *runs = calloc(n, sizeof *runs);

	if (!runs)
		return -1;
	for (size_t i = 0; i < n; i++) {
		runs[i].id = ids[i];
		started_at_of(root, ids[i], runs[i].started_at, sizeof runs[i].started_at);
	}
	qsort(runs, n, sizeof *runs, compare_dated);
	for (size_t i = 0; i < n; i++)
		ids[i] = runs[i].id;
	free(runs);
	return 0;
}

/* A sorted list's runs that share a time stamp, each group in start order
 * (run.json is read only for those). */
static int order_same_seconds(const char *root, struct run_list *list)
{
	for (size_t i = 0, j; i < list->count; i = j) {
		for (j = i + 1; j < list->count &&
		     !strncmp(list->ids[i] + 4, list->ids[j] + 4, STAMP_LEN); j++)
			;
		if (j - i > 1 && order_one_second(root, list->ids + i, j - i) != 0)
			return -1;
	}
	return 0;
}

int run_dir_list(const char *root, struct run_list *out, struct error *err)
{
	DIR *dir = opendir(root);
	struct dirent *entry;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (!dir) {
		if (errno == ENOENT)
			return 0;
		error_system(err, "cannot read the runs directory %s", root);
		return -1;
	}
	while (rc == 0 && (entry = readdir(dir)) != NULL)
		if (run_id_valid(entry->d_name))
			rc = list_add_owned(root, out, entry->d_name);
	closedir(dir);
	if (rc != 0) {
		error_system(err, "cannot list %s", root);
		run_list_free(out);
		return -1;
	}
	if (out->count > 1)
		qsort(out->ids, out->count, sizeof *out->ids, compare_ids);
	if (order_same_seconds(root, out) != 0) {
		error_system(err, "cannot list %s", root);
		run_list_free(out);
		return -1;
	}
	return 0;
}

void run_list_free(struct run_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->ids[i]);
	free(list->ids);
	free(list->foreign_first);
	memset(list, 0, sizeof *list);
}

/* A run given by its path: root and id come from the path itself. */
static int find_by_path(const char *spec, struct run_dir **out, struct error *err)
{
	char *real = realpath(spec, NULL), *slash;
	struct stat st;

	if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		error_usage(err, "no run directory at %s", spec);
		err->exit_code = SCALABLE_EXIT_NOT_FOUND;
		free(real);
		return -1;
	}
	slash = strrchr(real, '/');
	*slash = '\0';
	*out = run_dir_new(slash == real ? "/" : real, slash + 1);
	free(real);
	if (!*out) {
		error_system(err, "%s", spec);
		return -1;
	}
	return 0;
}

/* Whether name (without a '/') is a directory here holding run.json: a run
 * named by its path, as `scalable status run-...` from the runs directory. */
static bool names_local_run(const char *name)
{
	char *path;
	bool yes;

	if (asprintf(&path, "%s/run.json", name) < 0)
		return false;
	yes = access(path, F_OK) == 0;
	free(path);
	return yes;
}

static int find_by_path_in_cwd(const char *name, struct run_dir **out, struct error *err)
{
	char *path;
	int rc;

	if (asprintf(&path, "./%s", name) < 0) {
		error_system(err, "%s", name);
		return -1;
	}
	rc = find_by_path(path, out, err);
	free(path);
	return rc;
}

/* Whether id is what spec names: the id, a prefix of it, or its suffix. */
static int id_matches(const char *id, const char *spec)
{
	size_t len = strlen(id), n = strlen(spec);

	if (strncmp(id, spec, n) == 0)
		return 1;
	return n == HEX_LEN && len > n && id[len - n - 1] == '-' && !strcmp(id + len - n, spec);
}

/* Picks the one run of list that spec names. */
static int pick_match(const char *root, const struct run_list *list, const char *spec,
		      const char **found, struct error *err)
{
	size_t matches = 0;

	for (size_t i = 0; i < list->count; i++) {
		if (!strcmp(list->ids[i], spec)) {
			*found = list->ids[i];
			return 0;
		}
		if (id_matches(list->ids[i], spec) && matches++ == 0)
			*found = list->ids[i];
	}
	if (matches == 1)
		return 0;
	if (matches == 0) {
		error_usage(err, "no run '%s' in %s (`scalable runs` lists them)", spec, root);
		err->exit_code = SCALABLE_EXIT_NOT_FOUND;
	} else {
		error_usage(err, "'%s' names %zu runs in %s, %s among them: give more of "
			    "the run id", spec, matches, root, *found);
	}
	return -1;
}

int run_dir_find(const char *root, const char *spec, struct run_dir **out,
		 struct error *err)
{
	struct run_list list;
	const char *found = NULL;
	int rc;

	if (!spec || !*spec) {
		error_usage(err, "which run? give a run id or path, or --latest");
		return -1;
	}
	if (strchr(spec, '/'))
		return find_by_path(spec, out, err);
	if (names_local_run(spec))
		return find_by_path_in_cwd(spec, out, err);
	if (run_dir_list(root, &list, err) != 0)
		return -1;
	run_list_note_foreign(root, &list);
	rc = pick_match(root, &list, spec, &found, err);
	if (rc == 0 && !(*out = run_dir_new(root, found))) {
		error_system(err, "%s", spec);
		rc = -1;
	}
	run_list_free(&list);
	return rc;
}

int run_dir_latest(const char *root, struct run_dir **out, struct error *err)
{
	struct run_list list;
	int rc = 0;

	if (run_dir_list(root, &list, err) != 0)
		return -1;
	run_list_note_foreign(root, &list);
	if (list.count == 0) {
		error_usage(err, "no runs in %s yet", root);
		err->exit_code = SCALABLE_EXIT_NOT_FOUND;
		rc = -1;
	} else if (!(*out = run_dir_new(root, list.ids[list.count - 1]))) {
		error_system(err, "%s", root);
		rc = -1;
	}
	run_list_free(&list);
	return rc;
}

int run_dir_resolve(const char *root, const char *spec, struct run_dir **out,
		    struct error *err)
{
	char *own = root ? NULL : runs_dir_default();
	int rc;

	if (!root && !own) {
		error_system(err, "cannot find the runs directory");
		return -1;
	}
	rc = spec ? run_dir_find(root ? root : own, spec, out, err)
		  : run_dir_latest(root ? root : own, out, err);
	free(own);
	return rc;
}
