/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A NULL-terminated list of malloc'd strings (an argv, an environment)
 * built by appending formatted items; a failure is remembered and checked
 * once, when the list is handed over. */
#ifndef SCALABLE_STRING_VEC_H
#define SCALABLE_STRING_VEC_H

#include <stdbool.h>
#include <stddef.h>

struct string_vec {
	char **item;
	size_t n, capacity;
	bool failed;
};

/* Appends item, taking it over (NULL, or a failure to grow, is remembered
 * as a failure and item freed). */
void string_vec_take(struct string_vec *v, char *item);
/* Appends a formatted string; a failure is remembered, not returned. */
void string_vec_add(struct string_vec *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the list over, or frees it and returns NULL if anything failed. */
char **string_vec_finish(struct string_vec *v);
/* Frees a list string_vec_finish handed over (NULL: nothing). */
void string_vec_free(char **items);

#endif
