/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Environment variables that hold an API key (see secret_env.h). */
#include "lib/util/secret_env.h"

#include <stdlib.h>
#include <string.h>

#define SECRET_NAMES_MAX 8   /* a process loads a config or two */

static const char *const builtin[] = { "SCALABLE_AI_KEY", "OPENAI_API_KEY" };
static char *added[SECRET_NAMES_MAX];
static size_t n_added;

static bool names(const char *entry, const char *name)
{
	size_t len = strlen(name);

	return strncmp(entry, name, len) == 0 && (entry[len] == '=' || entry[len] == '\0');
}

int secret_env_add(const char *name)
{
	if (!name || !*name || secret_env_is(name))
		return 0;
	if (n_added == SECRET_NAMES_MAX)
		return -1;
	if (!(added[n_added] = strdup(name)))
		return -1;
	n_added++;
	return 0;
}

bool secret_env_is(const char *entry)
{
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (names(entry, builtin[i]))
			return true;
	for (size_t i = 0; i < n_added; i++)
		if (names(entry, added[i]))
			return true;
	return false;
}
