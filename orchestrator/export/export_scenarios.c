/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenarios.jsonl into one column of values per parameter, and each
 * parameter's type over all scenarios: int64 when every value is an
 * integer, double when every value is a number (integers among them),
 * boolean when every value is true or false, else string (a parameter of
 * mixed kinds is a string). An empty or missing value is null and does not
 * count. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"

#define VALUE_MAX 4096

static bool is_int(const char *s)
{
	char *end;

	if (!(isdigit((unsigned char)*s) || ((*s == '-' || *s == '+') && isdigit((unsigned char)s[1]))))
		return false;
	errno = 0;
	(void)strtoll(s, &end, 10);
	return !*end && errno != ERANGE;
}

static bool is_number(const char *s)
{
	char *end;
	double d;

	if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.'))
		return false;  /* no nan, inf or hex words */
	d = strtod(s, &end);
	return !*end && isfinite(d);
}

static bool is_bool(const char *s)
{
	return !strcmp(s, "true") || !strcmp(s, "false") || !strcmp(s, "True") ||
	       !strcmp(s, "False") || !strcmp(s, "TRUE") || !strcmp(s, "FALSE");
}

static void note_kind(struct ex_param *p, const char *s)
{
	if (is_int(s))
		p->seen_int = true;
	else if (is_number(s))
		p->seen_double = true;
	else if (is_bool(s))
		p->seen_bool = true;
	else
		p->seen_string = true;
}

/* The parameter named key, added when new (NULL when out of memory). */
static struct ex_param *param_of(struct ex_run *run, struct jspan key)
{
	struct ex_param *params, *p;

	for (size_t i = 0; i < run->n_params; i++)
		if (jscan_key_is(key, run->params[i].name))
			return &run->params[i];
	if (!(params = realloc(run->params, (run->n_params + 1) * sizeof *params)))
		return NULL;
	run->params = params;
	p = &params[run->n_params];
	memset(p, 0, sizeof *p);
	if (!(p->name = strndup(key.p, key.len)))
		return NULL;
	if (run->n_scenarios && !(p->values = malloc(run->n_scenarios * sizeof *p->values)))
		return NULL;
	for (size_t i = 0; i < run->n_scenarios; i++)
		p->values[i] = EX_NO_TEXT;
	run->n_params++;
	return p;
}

/* Makes room for scenario index in every parameter's column. */
static int grow_to(struct ex_run *run, size_t index)
{
	size_t n = run->n_scenarios;

	if (index < n)
		return 0;
	for (size_t i = 0; i < run->n_params; i++) {
		uint64_t *v = realloc(run->params[i].values, (index + 1) * sizeof *v);

		if (!v)
			return -1;
		for (size_t k = n; k <= index; k++)
			v[k] = EX_NO_TEXT;
		run->params[i].values = v;
	}
	run->n_scenarios = index + 1;
	return 0;
}

static int on_value(struct ex_run *run, size_t index, struct jspan key, struct jspan v)
{
	char buf[VALUE_MAX];
	struct ex_param *p = param_of(run, key);
	size_t n = 0;

	if (!p)
		return -1;
	if (jscan_is_string(v)) {
		if (!jscan_string(v, buf, sizeof buf, &n))
			return 0;
	} else if (v.len && v.len < sizeof buf && !jscan_is_null(v) && v.p[0] != '{' &&
		   v.p[0] != '[') {
		memcpy(buf, v.p, n = v.len);  /* a number or boolean as written */
	}
	buf[n] = '\0';
	if (!n)
		return 0;  /* null */
	note_kind(p, buf);
	p->values[index] = ex_text_add(&run->text, buf, n, &run->oom);
	return run->oom ? -1 : 0;
}

static int scenario_line(const char *line, size_t len, uint64_t offset, void *ctx)
{
	struct ex_run *run = ctx;
	struct jspan k, v;
	struct jscan js, params;
	int64_t index = -1;

	(void)offset;
	if (!jscan_begin(&js, (struct jspan){ line, len }))
		return 0;
	while (jscan_next(&js, &k, &v)) {
		if (jscan_key_is(k, "index") && jscan_int(v, &index) && index >= 0 &&
		    index < DX_TASK_ID_MAX) {
			if (grow_to(run, (size_t)index) != 0)
				return -1;
		} else if (jscan_key_is(k, "parameters") && index >= 0 && index < DX_TASK_ID_MAX &&
			   jscan_enter(&js, &params)) {
			while (jscan_next(&params, &k, &v))
				if (on_value(run, (size_t)index, k, v) != 0)
					return -1;
		}
	}
	return 0;
}

static enum ex_param_type type_of(const struct ex_param *p)
{
	if (p->seen_string || (p->seen_bool && (p->seen_int || p->seen_double)))
		return EX_PARAM_STRING;
	if (p->seen_bool)
		return EX_PARAM_BOOL;
	if (p->seen_double)
		return EX_PARAM_DOUBLE;
	return p->seen_int ? EX_PARAM_INT64 : EX_PARAM_STRING;
}

int ex_load_scenarios(struct ex_run *run, struct error *err)
{
	char *path;
	int rc;

	if (asprintf(&path, "%s/scenarios.jsonl", run->path) < 0) {
		error_system(err, "cannot export %s", run->path);
		return -1;
	}
	rc = dx_read_lines(path, scenario_line, run, &run->scenarios_file, err);
	free(path);
	for (size_t i = 0; i < run->n_params; i++)
		run->params[i].type = type_of(&run->params[i]);
	return rc;
}
