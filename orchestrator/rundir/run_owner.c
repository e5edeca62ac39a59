/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whose a run is (see run_owner.h). */
#include "rundir/run_owner.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/exit_codes.h"

bool run_owned(const char *root, const char *id)
{
	struct stat st;
	char *path;
	bool yes;

	if (asprintf(&path, "%s/%s", root, id) < 0)
		return false;
	/* lstat: a symlink planted by someone else is theirs, whatever it names */
	yes = lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid();
	free(path);
	return yes;
}

int run_check_owner(const struct run_dir *run, const char *command, struct error *err)
{
	struct stat st;

	if (stat(run->path, &st) != 0) {
		error_system(err, "%s", run->path);
		return -1;
	}
	if (st.st_uid == getuid())
		return 0;
	error_usage(err, "%s refuses %s: the run directory belongs to uid %lu, not to you "
		    "(uid %lu); only its owner may %s it", command ? command : "scalable",
		    run->path, (unsigned long)st.st_uid, (unsigned long)getuid(),
		    command ? command : "change");
	err->exit_code = SCALABLE_EXIT_NOT_FOUND;
	return -1;
}

int runs_root_check(const char *root, struct error *err)
{
	struct stat st;
	const char *why = NULL;

	if (stat(root, &st) != 0) {
		error_system(err, "cannot check the runs directory %s", root);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		why = "is not a directory";
	else if (st.st_uid != getuid() && st.st_uid != 0)
		why = "belongs to another user, who could replace your runs";
	else if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		why = "can be written by group or others without the sticky bit (chmod +t): "
		      "they could replace your runs";
	if (!why)
		return 0;
	error_usage(err, "the runs directory %s %s; set SCALABLE_RUNS_DIR to a directory of "
		    "your own", root, why);
	return -1;
}

void run_list_note_foreign(const char *root, const struct run_list *list)
{
	static bool said;  /* a command may list the runs more than once */

	if (list->foreign == 0 || said)
		return;
	said = true;
	fprintf(stderr, "scalable: skipped %zu run%s in %s owned by other users (%s%s)\n",
		list->foreign, list->foreign == 1 ? "" : "s", root, list->foreign_first,
		list->foreign > 1 ? ", ..." : "");
}
