/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readers for Slurm's value formats (see slurm_fields.h). */
#include "slurm/slurm_fields.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/exit_codes.h"
#include "units.h"

#define MAX_ARRAY_TASKS 4000001u  /* Slurm's largest MaxArraySize */

bool slurm_parse_uint(const char *text, uint64_t *value)
{
	uint64_t v;

	if (!units_read_digits(&text, &v) || *text)
		return false;
	*value = v;
	return true;
}

bool slurm_parse_job_id(const char *text, uint32_t *id)
{
	uint64_t v;

	if (!slurm_parse_uint(text, &v) || v == 0 || v >= UINT32_MAX)
		return false;
	*id = (uint32_t)v;
	return true;
}

bool slurm_parse_exit_code(const char *text, int *exit_code, int *signal)
{
	uint64_t code, sig;

	if (!units_read_digits(&text, &code) || *text++ != ':' || !units_read_digits(&text, &sig) || *text ||
	    code > 255 || sig > 255)
		return false;
	*exit_code = (int)code;
	*signal = (int)sig;
	return true;
}

/* The multiplier of a size unit letter; 0 when it is none. */
static uint64_t unit_bytes(char unit)
{
	static const char units[] = "KMGTP";
	const char *at = unit ? strchr(units, toupper((unsigned char)unit)) : NULL;
	uint64_t bytes = 1;

	if (!unit)
		return 1;
	if (!at)
		return 0;
	for (const char *u = units; u <= at; u++)
		bytes *= 1024;
	return bytes;
}

/* Reads an optional ".digits" at *p as a fraction of one. */
static bool read_fraction(const char **p, double *fraction)
{
	double scale = 0.1;

	*fraction = 0;
	if (**p != '.')
		return true;
	if (!isdigit((unsigned char)*++*p))
		return false;
	for (; isdigit((unsigned char)**p); ++*p, scale /= 10)
		*fraction += (**p - '0') * scale;
	return true;
}

/* Not strtod: a decimal comma in the user's locale must not change it. */
bool slurm_parse_size(const char *text, char default_unit, uint64_t *bytes)
{
	const char *p = text;
	uint64_t whole, unit;
	double fraction, value;

	if (!units_read_digits(&p, &whole) || !read_fraction(&p, &fraction))
		return false;
	unit = unit_bytes(isalpha((unsigned char)*p) ? *p : default_unit);
	if (!unit)
		return false;
	if (isalpha((unsigned char)*p))
		p++;
	if (*p == 'n' || *p == 'c')
		p++;
	value = ((double)whole + fraction) * (double)unit;
	if (*p || value >= 18446744073709551615.0)
		return false;
	*bytes = (uint64_t)(value + 0.5);
	return true;
}

/* True for the words Slurm prints where a value is absent. */
static bool means_none(const char *text)
{
	return !*text || strcmp(text, "Unknown") == 0 || strcmp(text, "None") == 0 ||
	       strcmp(text, "N/A") == 0;
}

bool slurm_parse_time(const char *text, int64_t *seconds)
{
	struct tm tm = { .tm_isdst = -1 };
	uint64_t epoch;
	int used = 0;

	if (means_none(text)) {
		*seconds = 0;
		return true;
	}
	if (slurm_parse_uint(text, &epoch) && epoch <= INT64_MAX) {
		*seconds = (int64_t)epoch;
		return true;
	}
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || text[used])
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*seconds = (int64_t)mktime(&tm);
	return true;
}

/* True for the words Slurm prints for a limit that is not a number. */
static bool means_no_limit(const char *text)
{
	return !*text || strcmp(text, "UNLIMITED") == 0 || strcmp(text, "Partition_Limit") == 0;
}

bool slurm_parse_limit_minutes(const char *text, uint64_t *seconds)
{
	uint64_t minutes;

	if (means_no_limit(text)) {
		*seconds = 0;
		return true;
	}
	if (!slurm_parse_uint(text, &minutes) || minutes > UINT64_MAX / 60)
		return false;
	*seconds = minutes * 60;
	return true;
}

bool slurm_parse_clock(const char *text, uint64_t *seconds)
{
	uint64_t days = 0, part[3], total = 0;
	const char *p = text;
	int n = 0;

	if (means_no_limit(text)) {
		*seconds = 0;
		return true;
	}
	if (strchr(p, '-') && (!units_read_digits(&p, &days) || *p++ != '-'))
		return false;
	while (n < 3 && units_read_digits(&p, &part[n])) {
		n++;
		if (*p != ':')
			break;
		p++;
	}
	if (*p || n < 2 || days > 1000000)
		return false;
	for (int i = 0; i < n; i++)
		total = total * 60 + part[i];
	*seconds = days * 86400 + total;
	return true;
}

struct id_list {
	uint32_t *ids;
	size_t count, capacity;
};

static bool push_id(struct id_list *list, uint64_t id)
{
	if (list->count == MAX_ARRAY_TASKS || id >= UINT32_MAX)
		return false;
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 16;
		uint32_t *grown = realloc(list->ids, capacity * sizeof *grown);

		if (!grown)
			return false;
		list->ids = grown;
		list->capacity = capacity;
	}
	list->ids[list->count++] = (uint32_t)id;
	return true;
}

/* Reads "A", "A-B" or "A-B:S" at *p into list. */
static bool read_range(const char **p, struct id_list *list)
{
	uint64_t first, last, step = 1;

	if (!units_read_digits(p, &first))
		return false;
	last = first;
	if (**p == '-' && (++*p, !units_read_digits(p, &last)))
		return false;
	if (**p == ':' && (++*p, !units_read_digits(p, &step)))
		return false;
	if (last < first || step == 0 || last - first >= MAX_ARRAY_TASKS)
		return false;
	for (uint64_t id = first; id <= last; id += step)
		if (!push_id(list, id))
			return false;
	return true;
}

/* Skips an optional throttle "%N". */
static bool skip_throttle(const char **p)
{
	uint64_t throttle;

	return **p != '%' || (++*p, units_read_digits(p, &throttle));
}

bool slurm_parse_array_tasks(const char *text, uint32_t **ids, size_t *count)
{
	struct id_list list = { 0 };
	const char *p = text;
	bool bracketed = *p == '[', ok;

	p += bracketed;
	while ((ok = read_range(&p, &list)) && *p == ',')
		p++;
	ok = ok && skip_throttle(&p) && (!bracketed || *p++ == ']') && !*p;
	if (!ok) {
		free(list.ids);
		return false;
	}
	*ids = list.ids;
	*count = list.count;
	return true;
}

size_t slurm_split_fields(char *line, char sep, char **fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		fields[n++] = line;
		if (n == max || !(line = strchr(line, sep)))
			break;
		*line++ = '\0';
	}
	return n;
}

bool slurm_copy_value(const char *text, char **out)
{
	static const char *const nothing[] = { "", "None", "(null)", "None assigned", "N/A" };

	*out = NULL;
	for (size_t i = 0; i < sizeof nothing / sizeof nothing[0]; i++)
		if (strcmp(text, nothing[i]) == 0)
			return true;
	*out = strdup(text);
	return *out != NULL;
}

int slurm_parse_lines(const char *text,
		      int (*parse_line)(char *line, unsigned number, void *context, struct error *err),
		      void *context, struct error *err)
{
	char *copy = strdup(text ? text : ""), *cursor = copy, *line;
	unsigned number = 0;
	int status = 0;

	if (!copy) {
		error_system(err, "reading Slurm's output");
		return -1;
	}
	while (status == 0 && (line = strsep(&cursor, "\n"))) {
		number++;
		if (*line && strncmp(line, "CLUSTER: ", 9) != 0)
			status = parse_line(line, number, context, err);
	}
	free(copy);
	return status;
}

int slurm_bad_field(struct error *err, const char *program, unsigned line, const char *field,
		    const char *value)
{
	snprintf(err->text, sizeof err->text, "cannot read %s's output, line %u: bad %s \"%.200s\"",
		 program, line, field, value);
	err->exit_code = SCALABLE_EXIT_SYSTEM;
	return -1;
}
