/* NULL-terminated string lists (see string_vec.h). */
#include "lib/util/string_vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void string_vec_add(struct string_vec *v, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (v->failed)
		return;
	if (v->n + 2 > v->capacity) {
		size_t capacity = v->capacity ? 2 * v->capacity : 32;
		char **grown = realloc(v->item, capacity * sizeof *grown);

		if (!grown) {
			v->failed = true;
			return;
		}
		v->item = grown;
		v->capacity = capacity;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		v->failed = true;
		return;
	}
	v->item[v->n++] = s;
	v->item[v->n] = NULL;
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
