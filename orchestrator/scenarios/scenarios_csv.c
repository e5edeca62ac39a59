/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scenario sets from a CSV file: a header row of parameter names, then one
 * row per scenario. RFC 4180: fields may be quoted, "" is a quote inside
 * quotes, quoted fields may span lines; LF or CRLF line ends; blank lines
 * are skipped. Every error names the CSV file's line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenarios/param_name.h"
#include "scenarios/scenarios.h"

/* One record: its fields as NUL-terminated strings inside text. */
struct record {
	char *text;
	size_t len, capacity;
	size_t *start;       /* offset of each field in text */
	unsigned *column;    /* column of each field */
	size_t n, fields_capacity;
	unsigned line;
};

struct csv_reader {
	const char *path;
	const char *p, *end;
	unsigned line, column;
	struct error *err;
};

static int put_char(struct record *rec, char c)
{
	if (rec->len == rec->capacity) {
		size_t capacity = rec->capacity ? 2 * rec->capacity : 256;
		char *grown = realloc(rec->text, capacity);

		if (!grown)
			return -1;
		rec->text = grown;
		rec->capacity = capacity;
	}
	rec->text[rec->len++] = c;
	return 0;
}

/* Opens a new field at the reader's position. */
static int start_field(struct record *rec, const struct csv_reader *r)
{
	if (rec->n == rec->fields_capacity) {
		size_t capacity = rec->fields_capacity ? 2 * rec->fields_capacity : 16;
		size_t *start = realloc(rec->start, capacity * sizeof *start);
		unsigned *column;

		if (!start)
			return -1;
		rec->start = start;
		column = realloc(rec->column, capacity * sizeof *column);
		if (!column)
			return -1;
		rec->column = column;
		rec->fields_capacity = capacity;
	}
	rec->start[rec->n] = rec->len;
	rec->column[rec->n] = r->column;
	rec->n++;
	return 0;
}

/* Moves past one character, keeping line and column. */
static char advance(struct csv_reader *r)
{
	char c = *r->p++;

	if (c == '\n') {
		r->line++;
		r->column = 1;
	} else {
		r->column++;
	}
	return c;
}

static bool at_record_end(const struct csv_reader *r)
{
	return r->p == r->end || *r->p == '\n' ||
	       (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n');
}

/* Reads a quoted field's content, the reader being on its opening quote. */
static int read_quoted(struct csv_reader *r, struct record *rec)
{
	unsigned line = r->line, column = r->column;

	advance(r);
	for (;;) {
		if (r->p == r->end) {
			error_at(r->err, r->path, line, column,
				 "unterminated quoted field (expected a closing \")");
			return -1;
		}
		if (*r->p == '"') {
			advance(r);
			if (r->p == r->end || *r->p != '"')
				break;
		}
		if (put_char(rec, advance(r)) != 0)
			return -1;
	}
	if (!at_record_end(r) && *r->p != ',') {
		error_at(r->err, r->path, r->line, r->column,
			 "text after a closing quote (expected , or the end of the line)");
		return -1;
	}
	return 0;
}

/* Reads an unquoted field up to a comma or the end of the line. */
static int read_plain(struct csv_reader *r, struct record *rec)
{
	while (!at_record_end(r) && *r->p != ',') {
		if (*r->p == '"' || *r->p == '\0') {
			error_at(r->err, r->path, r->line, r->column,
				 "%s inside an unquoted field (expected the field in "
				 "double quotes, with \"\" for a quote)",
				 *r->p ? "a quote" : "a NUL byte");
			return -1;
		}
		if (put_char(rec, advance(r)) != 0)
			return -1;
	}
	return 0;
}

/* Reads one record; returns 1 when one was read, 0 at the end, -1 on error. */
static int read_record(struct csv_reader *r, struct record *rec)
{
	while (r->p < r->end && (*r->p == '\n' || (*r->p == '\r' && at_record_end(r))))
		advance(r);   /* blank lines */
	if (r->p == r->end)
		return 0;
	rec->len = rec->n = 0;
	rec->line = r->line;
	for (;;) {
		int rc;

		if (start_field(rec, r) != 0)
			return -1;
		rc = r->p < r->end && *r->p == '"' ? read_quoted(r, rec) : read_plain(r, rec);
		if (rc != 0 || put_char(rec, '\0') != 0)
			return -1;
		if (r->p == r->end || *r->p != ',')
			break;
		advance(r);
	}
	if (r->p < r->end && *r->p == '\r')
		advance(r);
	if (r->p < r->end)
		advance(r);
	return 1;
}

static const char *field(const struct record *rec, size_t i)
{
	return rec->text + rec->start[i];
}

/* Checks the header's names: identifiers, none twice (ignoring case). */
static int check_header(const struct csv_reader *r, const struct record *rec)
{
	if (rec->n > SCENARIOS_MAX_PARAMS) {
		error_at(r->err, r->path, rec->line, rec->column[SCENARIOS_MAX_PARAMS],
			 "the header has " SCENARIOS_TOO_MANY_PARAMS);
		return -1;
	}
	for (size_t i = 0; i < rec->n; i++) {
		const char *problem = param_name_problem(field(rec, i));

		if (problem) {
			error_at(r->err, r->path, rec->line, rec->column[i],
				 "bad parameter name '%s' in the header (%s)",
				 field(rec, i), problem);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcasecmp(field(rec, i), field(rec, j)) == 0) {
				error_at(r->err, r->path, rec->line, rec->column[i],
					 "parameter '%s' repeats column %zu of the header "
					 "(expected names that differ beyond case)",
					 field(rec, i), j + 1);
				return -1;
			}
		}
	}
	return 0;
}

/* Builds the scenario set from the header and the rows after it. */
static int read_table(struct csv_reader *r, struct record *rec,
		      struct scenario_set **out)
{
	const char **names, **values;
	struct scenario_set *set;
	int rc;

	if ((rc = read_record(r, rec)) <= 0) {
		if (rc == 0)
			error_at(r->err, r->path, 1, 1,
				 "empty CSV file (expected a header row of parameter names)");
		return -1;
	}
	if (check_header(r, rec) != 0)
		return -1;
	names = malloc(rec->n * sizeof *names);
	values = malloc(rec->n * sizeof *values);
	for (size_t i = 0; names && i < rec->n; i++)
		names[i] = field(rec, i);
	set = names && values ? scenarios_new_table(SCENARIOS_CSV, names, rec->n) : NULL;
	free(names);
	if (!set) {
		free(values);
		error_system(r->err, "%s", r->path);
		return -1;
	}
	while ((rc = read_record(r, rec)) > 0) {
		if (rec->n != scenarios_param_count(set)) {
			error_at(r->err, r->path, rec->line, 1,
				 "row has %zu fields (expected %zu, as in the header)",
				 rec->n, scenarios_param_count(set));
			rc = -1;
			break;
		}
		for (size_t i = 0; i < rec->n; i++)
			values[i] = field(rec, i);
		if (scenarios_table_add_row(set, values) != 0) {
			error_at(r->err, r->path, rec->line, 1, "too many rows (at most %u)",
				 SCENARIOS_MAX);
			rc = -1;
			break;
		}
	}
	free(values);
	if (rc == 0 && scenarios_count(set) == 0) {
		error_at(r->err, r->path, r->line, 1,
			 "no rows after the header (expected one row per scenario)");
		rc = -1;
	}
	if (rc != 0) {
		scenarios_free(set);
		return -1;
	}
	*out = set;
	return 0;
}

/* The whole file in a malloc'd buffer. */
static char *slurp(const char *path, size_t *len, struct error *err)
{
	FILE *file = fopen(path, "rb");
	char *text = NULL;
	size_t size = 0;

	if (!file) {
		error_system(err, "cannot open %s", path);
		return NULL;
	}
	for (;;) {
		char *grown = realloc(text, size + 65536);
		size_t n;

		if (!grown) {
			free(text);
			fclose(file);
			error_system(err, "%s", path);
			return NULL;
		}
		text = grown;
		n = fread(text + size, 1, 65536, file);
		size += n;
		if (n < 65536)
			break;
	}
	if (ferror(file)) {
		error_system(err, "cannot read %s", path);
		free(text);
		text = NULL;
	}
	fclose(file);
	*len = size;
	return text;
}

int scenarios_load_csv(const char *path, struct scenario_set **out, struct error *err)
{
	struct record rec = { 0 };
	struct csv_reader r = { .path = path, .line = 1, .column = 1, .err = err };
	size_t len;
	char *text = slurp(path, &len, err);
	int rc;

	if (!text)
		return -1;
	r.p = text;
	r.end = text + len;
	rc = read_table(&r, &rec, out);
	free(rec.text);
	free(rec.start);
	free(rec.column);
	free(text);
	return rc;
}
