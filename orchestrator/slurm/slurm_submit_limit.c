/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The site's cap on a user's queued jobs (see slurm_submit_limit.h). */
#include "slurm/slurm_submit_limit.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slurm/slurm_config.h"
#include "slurm/slurm_invoke.h"

#define SACCTMGR_TIMEOUT_S 30u
#define MAX_FIELDS 4

/* The lesser of two limits where 0 means none. */
static unsigned least(unsigned a, unsigned b)
{
	return a == 0 || (b != 0 && b < a) ? b : a;
}

/* Splits the line at line (up to its newline) at '|' into copies in
 * field[] (each at most 127 bytes); returns how many. */
static unsigned split_line(const char *line, char field[MAX_FIELDS][128])
{
	unsigned n = 0;

	while (n < MAX_FIELDS) {
		size_t len = strcspn(line, "|\n");

		snprintf(field[n++], 128, "%.*s", (int)len, line);
		if (line[len] != '|')
			break;
		line += len + 1;
	}
	return n;
}

/* A limit field: a positive number, else 0 (empty: none). */
static unsigned limit_field(const char *text)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	return end != text && *end == '\0' && v <= 4294967295ul ? (unsigned)v : 0;
}

unsigned parse_assoc_submit_limit(const char *text, const char *user, char *qos_out,
				  unsigned qos_len)
{
	char field[MAX_FIELDS][128];
	unsigned limit = 0;
	bool first = true;

	if (qos_len)
		qos_out[0] = '\0';
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (split_line(line, field) < 4 || strcmp(field[0], user) != 0)
			continue;
		limit = least(least(limit, limit_field(field[1])), limit_field(field[2]));
		if (first && qos_len)
			snprintf(qos_out, qos_len, "%s", field[3]);
		first = false;
	}
	return limit;
}

unsigned parse_qos_submit_limit(const char *text, const char *qos)
{
	char field[MAX_FIELDS][128];

	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (split_line(line, field) >= 3 && strcmp(field[0], qos) == 0)
			return least(limit_field(field[1]), limit_field(field[2]));
	}
	return 0;
}

/* sacctmgr's output for argv, or NULL (free it). */
static char *sacctmgr(const char *const *argv)
{
	struct command_result r;
	struct error err = { 0 };
	char *text = NULL;

	if (slurm_invoke(argv, NULL, SACCTMGR_TIMEOUT_S, &r, &err) == 0 && r.out.text)
		text = strdup(r.out.text);
	command_result_free(&r);
	return text;
}

unsigned slurm_submit_limit(const char *qos)
{
	const struct passwd *pw = getpwuid(getuid());
	char where[300], default_qos[128] = "";
	const char *assoc_argv[] = { "sacctmgr", "-n", "-P", "show", "assoc", where,
				     "format=user,maxsubmit,grpsubmit,defaultqos", NULL };
	const char *qos_argv[] = { "sacctmgr", "-n", "-P", "show", "qos",
				   "format=name,maxsubmitpu,grpsubmit", NULL };
	unsigned limit = slurm_max_job_count() / 2;  /* see slurm_submit_limit.h */
	char *text;

	if (!pw)
		return limit;
	snprintf(where, sizeof where, "users=%s", pw->pw_name);
	if ((text = sacctmgr(assoc_argv))) {
		limit = least(limit, parse_assoc_submit_limit(text, pw->pw_name, default_qos,
							      sizeof default_qos));
		free(text);
	}
	if (!qos)
		qos = default_qos[0] ? default_qos : "normal";
	if ((text = sacctmgr(qos_argv))) {
		limit = least(limit, parse_qos_submit_limit(text, qos));
		free(text);
	}
	return limit;
}
