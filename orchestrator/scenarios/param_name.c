/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rules for parameter names (see param_name.h). */
#include "scenarios/param_name.h"

#include <ctype.h>
#include <string.h>

const char *const builtin_placeholders[] = {
	"attempt", "command", "component", "cpus", "memory", "memory_mb",
	"project", "run_dir", "setup", "succeeded_file", "task_id", "walltime", "walltime_s", NULL,
};

bool is_identifier(const char *name)
{
	if (!(isalpha((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (const char *p = name + 1; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

bool is_builtin_placeholder(const char *name)
{
	for (const char *const *b = builtin_placeholders; *b; b++)
		if (strcmp(*b, name) == 0)
			return true;
	return false;
}

const char *param_name_problem(const char *name)
{
	if (strlen(name) > PARAM_NAME_MAX)
		return "longer than 128 characters (expected a shorter name)";
	if (!is_identifier(name))
		return "expected an identifier: letters, digits and _, not starting "
		       "with a digit; it becomes SCALABLE_PARAM_<NAME>";
	if (is_builtin_placeholder(name))
		return "the name of a built-in placeholder; expected another name";
	return NULL;
}
