/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a run's logs go (see log_paths.h). */
#include "plan/log_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "step_event.h"

/* The plugin's events follow the run's layout: one number for both. */
_Static_assert(RUN_LAYOUT_FLAT == STEP_EVENT_LAYOUT_FLAT &&
	       RUN_LAYOUT_FANNED == STEP_EVENT_LAYOUT_FANNED, "layouts of logs and events");

int run_layout_of(int recorded)
{
	return recorded == RUN_LAYOUT_FANNED ? RUN_LAYOUT_FANNED : RUN_LAYOUT_FLAT;
}

static int fits(int n, size_t len)
{
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int log_task_stem_text(int layout, const char *component, const char *index,
		       const char *bucket, const char *attempt, char *buf, size_t len)
{
	if (run_layout_of(layout) == RUN_LAYOUT_FLAT)
		return fits(snprintf(buf, len, "logs/%s-%s.%s", component, index, attempt), len);
	return fits(snprintf(buf, len, "logs/tasks/%s/%s/%s-%s.%s", component, bucket, component,
			     index, attempt), len);
}

int log_task_stem(int layout, const char *component, size_t index, unsigned attempt,
		  char *buf, size_t len)
{
	char i[32], b[32], a[16];

	snprintf(i, sizeof i, "%zu", index);
	snprintf(b, sizeof b, "%zu", index / LOG_BUCKET);
	snprintf(a, sizeof a, "%u", attempt);
	return log_task_stem_text(layout, component, i, b, a, buf, len);
}

int log_slurm_output_text(int layout, const char *component, size_t offset,
			  const char *array_job, const char *array_task, char *buf, size_t len)
{
	if (run_layout_of(layout) == RUN_LAYOUT_FLAT)
		return fits(snprintf(buf, len, "logs/slurm-%s_%s.out", array_job, array_task), len);
	return fits(snprintf(buf, len, "logs/slurm/%s/%zu/slurm-%s_%s.out", component, offset,
			     array_job, array_task), len);
}

int log_slurm_output(int layout, const char *component, size_t index, int64_t array_job,
		     int64_t array_task, char *buf, size_t len)
{
	char j[32], t[32];

	if (array_job < 0 || array_task < 0 || (uint64_t)array_task > index)
		return -1;
	snprintf(j, sizeof j, "%lld", (long long)array_job);
	snprintf(t, sizeof t, "%lld", (long long)array_task);
	return log_slurm_output_text(layout, component, index - (size_t)array_task, j, t, buf,
				     len);
}

char *log_pattern_escape(const char *path)
{
	size_t n = strlen(path);
	char *out, *q;

	for (const char *p = path; *p; p++)
		n += *p == '%';
	if (!(out = q = malloc(n + 1)))
		return NULL;
	for (const char *p = path; *p; p++) {
		*q++ = *p;
		if (*p == '%')
			*q++ = '%';
	}
	*q = '\0';
	return out;
}
