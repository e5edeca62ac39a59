/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers from `scontrol show config`, read once per command. */
#include "slurm/slurm_config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "slurm/slurm_invoke.h"

#define CONFIG_TIMEOUT_S 30u

/* The value of "key = N" if line holds it (N in 1..max), else 0. */
static unsigned number_in_line(const char *line, const char *key, unsigned long max)
{
	size_t key_len = strlen(key);
	const char *p = line;
	char *end;
	unsigned long value;

	if (strncmp(p, key, key_len) != 0)
		return 0;
	p += key_len;
	p += strspn(p, " \t");
	if (*p++ != '=')
		return 0;
	p += strspn(p, " \t");
	value = strtoul(p, &end, 10);
	if (end == p || (*end != '\0' && !isspace((unsigned char)*end)) || value == 0 ||
	    value > max)
		return 0;
	return (unsigned)value;
}

unsigned parse_config_number(const char *text, const char *key, unsigned long max)
{
	for (const char *line = text; line; line = strchr(line, '\n')) {
		unsigned value;

		line += *line == '\n';
		if ((value = number_in_line(line, key, max)) > 0)
			return value;
	}
	return 0;
}

unsigned parse_max_array_size(const char *text)
{
	return parse_config_number(text, "MaxArraySize", 4000001);
}

/* scontrol's output, asked once per process (a command); NULL when scontrol
 * is missing or failed. */
static const char *config_text(void)
{
	static bool asked;
	static char *text;
	const char *argv[] = { "scontrol", "show", "config", NULL };
	struct command_result r;
	struct error err = { 0 };

	if (asked)
		return text;
	asked = true;
	if (slurm_invoke(argv, slurm_read_env, CONFIG_TIMEOUT_S, &r, &err) == 0 && r.out.text)
		text = strdup(r.out.text);
	command_result_free(&r);
	return text;
}

unsigned slurm_max_array_size(void)
{
	const char *text = config_text();

	return text ? parse_max_array_size(text) : 0;
}

unsigned slurm_max_job_count(void)
{
	const char *text = config_text();

	return text ? parse_config_number(text, "MaxJobCount", 4294967295ul) : 0;
}
