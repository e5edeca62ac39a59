/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running one Slurm command (see slurm_invoke.h). */
#include "slurm/slurm_invoke.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util/exit_codes.h"
#include "slurm/slurm_commands.h"
#include "lib/util/strbuf.h"

#define MAX_OUTPUT ((size_t)512 << 20)  /* scontrol lists every job of a cluster */
#define MAX_TIMEOUT_S 86400u             /* its milliseconds fit an unsigned */

const char *const slurm_read_env[] = { "SLURM_TIME_FORMAT=%s", "SLURM_BITSTR_LEN=0", NULL };

bool slurm_line_contains(const char *line, const char *word)
{
	size_t n = strcspn(line, "\n"), w = strlen(word);

	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(line + i, word, w) == 0)
			return true;
	return false;
}

/* Copies the line at line (up to its newline) into buf. */
static void copy_line(const char *line, char *buf, size_t len)
{
	size_t n = strcspn(line, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
}

void slurm_error_line(const char *text, char *buf, size_t len)
{
	const char *first = NULL;

	buf[0] = '\0';
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (slurm_line_contains(line, "error")) {
			copy_line(line, buf, len);
			return;
		}
		if (!first && *line && *line != '\n')
			first = line;
	}
	if (first)
		copy_line(first, buf, len);
}

/* "squeue failed (exited with status 1): <error line>" into err. */
static void describe_failure(const char *program, const struct command_result *r,
			     const struct command_options *o, struct error *err)
{
	char how[600], line[400];

	command_describe(r, o, how, sizeof how);
	if (r->end == COMMAND_NOT_RUN) {
		snprintf(err->text, sizeof err->text, "%s", how);
	} else {
		slurm_error_line(r->err.text ? r->err.text : r->out.text, line, sizeof line);
		snprintf(err->text, sizeof err->text, "%s failed (%s)%s%s", program, how,
			 *line ? ": " : "", line);
	}
	err->exit_code = SCALABLE_EXIT_SYSTEM;
}

int slurm_invoke(const char *const *argv, const char *const *env, unsigned timeout_s,
	      struct command_result *result, struct error *err)
{
	unsigned seconds = timeout_s ? timeout_s : SLURM_DEFAULT_TIMEOUT_S;
	struct command_options o = {
		.env = env,
		.timeout_ms = (seconds < MAX_TIMEOUT_S ? seconds : MAX_TIMEOUT_S) * 1000u,
		.max_output = MAX_OUTPUT,
	};

	command_run(argv, &o, result);
	if (command_succeeded(result) && !result->out_truncated)
		return 0;
	if (command_succeeded(result)) {
		snprintf(err->text, sizeof err->text, "%s printed more than %zu MiB", argv[0],
			 MAX_OUTPUT >> 20);
		err->exit_code = SCALABLE_EXIT_SYSTEM;
	} else {
		describe_failure(argv[0], result, &o, err);
	}
	return -1;
}

char *slurm_id_list(const char *prefix, const uint32_t *ids, size_t n)
{
	struct strbuf sb = { 0 };

	if (strbuf_puts(&sb, prefix) != 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strbuf_printf(&sb, "%s%u", i ? "," : "", (unsigned)ids[i]) != 0) {
			strbuf_free(&sb);
			return NULL;
		}
	return strbuf_release(&sb);
}
