/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The nodes of a partition, asked of sinfo once (see slurm_commands.h). A
 * node_fail retry must not exclude the last node a partition has. */
#include "slurm/slurm_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slurm/slurm_invoke.h"
#include "lib/util/strbuf.h"

/* Whether the comma-separated list holds name (len bytes). */
static bool joined_has(const char *list, const char *name, size_t len)
{
	for (const char *at = list; at && *at;) {
		size_t n = strcspn(at, ",");

		if (n == len && strncmp(at, name, len) == 0)
			return true;
		at += n + (at[n] == ',');
	}
	return false;
}

int slurm_parse_partition_nodes(const char *text, const char *partition, char **nodes,
				struct error *err)
{
	struct strbuf out = { 0 };
	size_t line_no = 0;

	*nodes = NULL;
	for (const char *line = text ? text : ""; *line;) {
		size_t len = strcspn(line, "\n"), node_len = strcspn(line, "|\n");
		const char *part = line + node_len + 1;
		size_t part_len = len > node_len ? len - node_len - 1 : 0;
		bool is_default = part_len && part[part_len - 1] == '*';

		line_no++;
		if (len && (node_len >= len || node_len == 0)) {
			strbuf_free(&out);
			snprintf(err->text, sizeof err->text,
				 "sinfo line %zu is not \"node|partition\": %.*s", line_no,
				 (int)(len < 200 ? len : 200), line);
			return SLURM_FAILED;
		}
		part_len -= is_default;
		if (len && (partition ? strlen(partition) == part_len &&
					strncmp(part, partition, part_len) == 0 : is_default) &&
		    !joined_has(out.text, line, node_len) &&
		    strbuf_printf(&out, "%s%.*s", out.len ? "," : "", (int)node_len, line) != 0) {
			strbuf_free(&out);
			error_system(err, "reading sinfo's nodes");
			return SLURM_FAILED;
		}
		line += len + (line[len] == '\n');
	}
	*nodes = out.text ? out.text : strdup("");
	return *nodes ? SLURM_OK : SLURM_FAILED;
}

int slurm_partition_nodes(const char *partition, unsigned timeout_s, char **nodes,
			  struct error *err)
{
	const char *argv[] = { "sinfo", "-h", "-N", "-o", "%N|%P", NULL };
	struct command_result r;
	int status = SLURM_FAILED;

	*nodes = NULL;
	if (slurm_invoke(argv, slurm_read_env, timeout_s, &r, err) == 0)
		status = slurm_parse_partition_nodes(r.out.text, partition, nodes, err);
	command_result_free(&r);
	return status;
}
