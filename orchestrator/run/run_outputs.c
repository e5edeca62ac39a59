/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A run's checks of its components' outputs (see run_outputs.h). */
#include "run/run_outputs.h"

#include <string.h>

#include "lib/template/template.h"
#include "rundir/task_outputs.h"

const struct component *run_component(const struct run_session *s, const char *name)
{
	for (size_t c = 0; s->config && name && c < s->config->n_components; c++)
		if (strcmp(s->config->components[c].name, name) == 0)
			return &s->config->components[c];
	return NULL;
}

int run_outputs_check(const struct task_attempt *ended, void *ctx, json_t **missing,
		      struct error *err)
{
	const struct run_session *s = ctx;
	const struct component *c = run_component(s, ended->component);
	struct task_place place;

	*missing = NULL;
	if (!c || !c->outputs.count)
		return 0;
	place = (struct task_place){ s->config, c, ended->index, ended->attempt, s->run->path };
	return task_outputs_check(&place, missing, NULL, err);
}

/* Whether a pattern of c names the run's directory. */
static bool in_run_dir(const struct component *c)
{
	for (size_t i = 0; i < c->outputs.count; i++)
		if (template_uses(c->output_templates[i], "run_dir"))
			return true;
	return false;
}

int run_outputs_present(const struct run_session *s, const struct component *c,
			const struct task_attempt *a, bool *present, struct error *err)
{
	struct task_place place = { s->config, c, a->index, a->attempt, s->run->path };
	json_t *missing = NULL;

	*present = true;
	/* a cached task's files are in its source run's directory, not this one's */
	if (!c->outputs.count || (a->state == TASK_CACHED && in_run_dir(c)))
		return 0;
	if (task_outputs_check(&place, &missing, NULL, err) != 0)
		return -1;
	*present = missing == NULL;
	json_decref(missing);
	return 0;
}
