/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenarios.jsonl as a table (see dx_scenario_line): {"index": I,
 * "parameters": {name: value}} per line. Per parameter: its distinct
 * values (up to DX_PARAM_VALUES) with their counts, each scenario's value,
 * and, while every value is a number, each value's number (each
 * scenario's, past DX_PARAM_VALUES distinct values); diagnose_shared.c
 * then looks the failing scenarios up without reading the file again. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_scan.h"

#define VALUE_MAX 256

/* Reads a value as text: a string decoded, anything else as written. */
static bool value_text(struct jspan v, char *buf, size_t len, size_t *n)
{
	if (jscan_is_string(v))
		return jscan_string(v, buf, len, n);
	if (v.len == 0 || v.len >= len || v.p[0] == '{' || v.p[0] == '[')
		return false;
	memcpy(buf, v.p, v.len);
	buf[v.len] = '\0';
	*n = v.len;
	return true;
}

static bool as_number(const char *text, double *out)
{
	char *end;
	double d;

	if (!((*text >= '0' && *text <= '9') || *text == '-' || *text == '.'))
		return false;  /* most values are words: no strtod for them */
	d = strtod(text, &end);
	if (*end || !isfinite(d))
		return false;
	*out = d;
	return true;
}

/* The value's id + 1 among the parameter's values (counted); DX_VALUE_OTHER
 * past the cap; 0 when memory ran out. */
static uint16_t count_value(struct dx_param *p, const char *text, size_t n)
{
	uint32_t id = dx_names_find(&p->values, text, n);

	if (id == DX_NO_ID) {
		if (p->values.count >= DX_PARAM_VALUES)
			return DX_VALUE_OTHER;
		if ((id = dx_names_id(&p->values, text, n)) == DX_NO_ID)
			return 0;
	}
	if (dx_grow((void **)&p->counts, &p->n_counts, id, sizeof *p->counts))
		return 0;
	p->counts[id]++;
	return (uint16_t)(id + 1);
}

/* Stops keeping numbers: a value is not one. */
static void not_numeric(struct dx_param *p)
{
	p->not_numeric = true;
	free(p->value_numbers);
	free(p->numbers);
	p->value_numbers = p->numbers = NULL;
	p->n_value_numbers = p->n_numbers = 0;
}

/* The first scenario past the cap: the numbers of the ones before move
 * from their value ids to a number per scenario. */
static int numbers_per_scenario(struct dx_param *p, size_t index)
{
	if (dx_grow((void **)&p->numbers, &p->n_numbers, index, sizeof *p->numbers))
		return -1;
	for (size_t i = 0; i < p->n_by_scenario && i < index; i++) {
		uint16_t id = p->by_scenario[i];

		if (id && id != DX_VALUE_OTHER)
			p->numbers[i] = p->value_numbers[id - 1];
	}
	return 0;
}

/* Keeps the number of a value (per value id; per scenario past the cap)
 * while every value of the parameter is a number. */
static int keep_number(struct dx_param *p, size_t index, uint16_t id, const char *text)
{
	double d;

	if (p->not_numeric)
		return 0;
	if (!as_number(text, &d)) {
		not_numeric(p);
		return 0;
	}
	if (id != DX_VALUE_OTHER) {
		if (dx_grow((void **)&p->value_numbers, &p->n_value_numbers, id - 1u,
			    sizeof *p->value_numbers))
			return -1;
		p->value_numbers[id - 1] = d;
		if (!p->numbers)
			return 0;
	} else if (!p->numbers && numbers_per_scenario(p, index) != 0) {
		return -1;
	}
	if (dx_grow((void **)&p->numbers, &p->n_numbers, index, sizeof *p->numbers))
		return -1;
	p->numbers[index] = d;
	return 0;
}

bool dx_scenario_number(const struct dx_param *p, size_t index, double *number)
{
	uint16_t id = index < p->n_by_scenario ? p->by_scenario[index] : 0;

	if (p->not_numeric || !id)
		return false;
	if (p->numbers && index < p->n_numbers)
		*number = p->numbers[index];
	else if (id != DX_VALUE_OTHER && id - 1u < p->n_value_numbers)
		*number = p->value_numbers[id - 1];
	else
		return false;
	return true;
}

/* The id of a parameter name, added (up to DX_PARAMS) when new. */
static uint32_t param_id(struct dx_scenarios *s, struct jspan key)
{
	char name[DX_NAME_MAX];
	size_t n;
	uint32_t id;

	if (!jscan_string((struct jspan){ key.p - 1, key.len + 2 }, name, sizeof name, &n) ||
	    memchr(name, '\0', n))
		return DX_NO_ID;  /* "a\u0000b" names no parameter */
	if ((id = dx_names_find(&s->names, name, n)) != DX_NO_ID || s->names.count >= DX_PARAMS)
		return id;
	return dx_names_id(&s->names, name, n);
}

/* One parameter of scenario index. */
static int on_param(struct dx_scenarios *s, size_t index, struct jspan key, struct jspan value)
{
	char text[VALUE_MAX];
	uint32_t id = param_id(s, key);
	struct dx_param *p;
	uint16_t value_id;
	size_t n;

	if (id == DX_NO_ID || !value_text(value, text, sizeof text, &n) || memchr(text, 0, n))
		return 0;
	p = &s->params[id];
	if (dx_grow((void **)&p->by_scenario, &p->n_by_scenario, index, sizeof *p->by_scenario) ||
	    !(value_id = count_value(p, text, n)) || keep_number(p, index, value_id, text) != 0)
		return -1;
	if (!p->by_scenario[index])
		p->known++;
	p->by_scenario[index] = value_id;
	return 0;
}

int dx_scenario_line(const char *line, size_t len, uint64_t offset, void *scenarios)
{
	struct dx_scenarios *s = scenarios;
	struct jspan k, v;
	struct jscan js, params;
	int64_t index = -1;

	(void)offset;
	if (!jscan_begin(&js, (struct jspan){ line, len })) {
		s->stats.skipped++;
		return 0;
	}
	while (jscan_next(&js, &k, &v)) {
		if (jscan_key_is(k, "index") && jscan_int(v, &index) && index >= 0 &&
		    index < DX_TASK_ID_MAX) {
			s->count++;
		} else if (jscan_key_is(k, "parameters") && index >= 0 && index < DX_TASK_ID_MAX &&
			   jscan_enter(&js, &params)) {
			while (jscan_next(&params, &k, &v))
				if (on_param(s, (size_t)index, k, v) != 0)
					return -1;
		}
	}
	return 0;
}

void dx_scenarios_free(struct dx_scenarios *s)
{
	for (size_t i = 0; i < DX_PARAMS; i++) {
		dx_names_free(&s->params[i].values);
		free(s->params[i].counts);
		free(s->params[i].by_scenario);
		free(s->params[i].value_numbers);
		free(s->params[i].numbers);
	}
	dx_names_free(&s->names);
	memset(s, 0, sizeof *s);
}
