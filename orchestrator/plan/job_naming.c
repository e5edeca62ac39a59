/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keys, comments and names of a run's Slurm jobs (see job_naming.h). */
#include "plan/job_naming.h"

#include <stdio.h>
#include <string.h>

#define COMMENT_PREFIX "scalable:"

int job_naming_chunk_key(const char *wave, const char *group, size_t offset, char *buf,
			 size_t len)
{
	int n = snprintf(buf, len, "%s/%s/%zu", wave, group, offset);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int job_naming_comment(const char *run_id, const char *key, char *buf, size_t len)
{
	int n = snprintf(buf, len, COMMENT_PREFIX "%s:%s", run_id, key);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *job_naming_key_in_comment(const char *comment, const char *run_id)
{
	size_t prefix = strlen(COMMENT_PREFIX), n = strlen(run_id);

	if (!comment || strncmp(comment, COMMENT_PREFIX, prefix) != 0 ||
	    strncmp(comment + prefix, run_id, n) != 0 || comment[prefix + n] != ':' ||
	    !comment[prefix + n + 1])
		return NULL;
	return comment + prefix + n + 1;
}

/* The run id's random suffix (its last 8 hex digits), or the whole id. */
static const char *chunk_run_tag(const char *run_id)
{
	const char *dash = strrchr(run_id, '-');

	return dash && strlen(dash + 1) == 8 && strspn(dash + 1, "0123456789abcdef") == 8
		       ? dash + 1
		       : run_id;
}

int job_naming_chunk_name(const char *project, const char *run_id, const char *wave,
			  const char *group, size_t offset, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.%s.%s.%zu.%s", project, group, wave, offset,
			 chunk_run_tag(run_id));

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int job_naming_sweeper_name(const char *project, const char *run_id, char *buf, size_t len)
{
	const char *dash = strrchr(run_id, '-');
	int n = snprintf(buf, len, "%s.sweeper.%s", project, dash ? dash + 1 : run_id);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}
