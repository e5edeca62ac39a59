/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parameter names: they become template placeholders and environment
 * variables SCALABLE_PARAM_<NAME uppercased>, so they must be identifiers,
 * must not shadow a built-in placeholder, and must differ in more than case. */
#ifndef SCALABLE_PARAM_NAME_H
#define SCALABLE_PARAM_NAME_H

#include <stdbool.h>

#define PARAM_NAME_MAX 128

/* NULL when name is a usable parameter name, else why it is not. */
const char *param_name_problem(const char *name);
/* True for [A-Za-z_][A-Za-z0-9_]*. */
bool is_identifier(const char *name);
/* True for the names templates provide themselves (cpus, task_id, ...). */
bool is_builtin_placeholder(const char *name);
/* The built-in placeholder names, NULL-terminated. */
extern const char *const builtin_placeholders[];

#endif
