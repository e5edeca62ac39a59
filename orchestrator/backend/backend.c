/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Picking a run's backend and passing calls to it (see backend.h). */
#include "backend/backend_impl.h"

#include <stdlib.h>
#include <string.h>

struct backend *backend_new(const struct backend_options *o, struct error *err)
{
	struct backend *b = calloc(1, sizeof *b);

	if (!b || !(b->run_dir = strdup(o->run_dir)) || !(b->run_id = strdup(o->run_id)) ||
	    !(b->project = strdup(o->project))) {
		error_system(err, "cannot start following the run");
		backend_free(b);
		return NULL;
	}
	b->o = *o;
	b->o.run_dir = b->run_dir;
	b->o.run_id = b->run_id;
	b->o.project = b->project;
	b->next_job_id = o->next_local_job_id ? o->next_local_job_id : 1;
	b->ops = o->provider == PROVIDER_SLURM ? &backend_slurm_ops : &backend_local_ops;
	if (o->provider == PROVIDER_LOCAL && backend_local_open(b, err) != 0) {
		backend_free(b);
		return NULL;
	}
	return b;
}

void backend_free(struct backend *b)
{
	if (!b)
		return;
	local_executor_free(b->executor);
	free(b->dropped);
	free(b->run_dir);
	free(b->run_id);
	free(b->project);
	free(b);
}

int backend_submit(struct backend *b, const struct plan *plan,
		       const struct plan_group *group, const struct plan_chunk *chunk,
		       uint32_t *job_id, struct error *err)
{
	return b->ops->submit(b, plan, group, chunk, job_id, err);
}

void backend_wait(struct backend *b, unsigned ms)
{
	b->ops->wait(b, ms);
}

int backend_poll(struct backend *b, struct tracker *t, struct error *err)
{
	return b->ops->poll(b, t, err);
}

void backend_polls_once(struct backend *b)
{
	b->polls_once = true;
}

int backend_cancel(struct backend *b, const uint32_t *ids, size_t n,
		       struct error *err)
{
	return b->ops->cancel(b, ids, n, err);
}

int backend_cancel_tasks(struct backend *b, const struct backend_array_task *tasks, size_t n,
			 struct error *err)
{
	return b->ops->cancel_tasks && n ? b->ops->cancel_tasks(b, tasks, n, err) : 0;
}

bool backend_holds_dependencies(const struct backend *b)
{
	return b && b->ops->cancel_tasks;
}

bool backend_busy(const struct backend *b)
{
	return b->ops->busy(b);
}

int backend_find_chunk(struct backend *b, const struct journal_submission *s,
			   uint32_t *job_id, struct error *err)
{
	*job_id = 0;
	return b->ops->find_chunk(b, s, job_id, err);
}
