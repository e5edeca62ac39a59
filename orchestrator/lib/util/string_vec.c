/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NULL-terminated string lists (see string_vec.h). */
#include "lib/util/string_vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void string_vec_take(struct string_vec *v, char *item)
{
	if (!item || v->failed) {
		v->failed = true;
		free(item);
		return;
	}
	if (v->n + 2 > v->capacity) {
		size_t capacity = v->capacity ? 2 * v->capacity : 32;
		char **grown = realloc(v->item, capacity * sizeof *grown);

		if (!grown) {
			v->failed = true;
			free(item);
			return;
		}
		v->item = grown;
		v->capacity = capacity;
	}
	v->item[v->n++] = item;
	v->item[v->n] = NULL;
}

void string_vec_add(struct string_vec *v, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	if (v->failed)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	string_vec_take(v, n < 0 ? NULL : s);
}

char **string_vec_finish(struct string_vec *v)
{
	if (v->failed) {
		for (size_t i = 0; i < v->n; i++)
			free(v->item[i]);
		free(v->item);
		return NULL;
	}
	/* nothing added is no failure: an empty list, only its NULL */
	return v->item ? v->item : calloc(1, sizeof *v->item);
}

void string_vec_free(char **items)
{
	for (size_t i = 0; items && items[i]; i++)
		free(items[i]);
	free(items);
}
