/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The backends' insides: one table of operations per provider
 * (backend_slurm.c, backend_local.c), picked by backend.c. */
#ifndef SCALABLE_BACKEND_IMPL_H
#define SCALABLE_BACKEND_IMPL_H

#include "local/local_executor.h"
#include "backend/backend.h"

struct backend_ops {
	int (*submit)(struct backend *b, const struct plan *plan,
		      const struct plan_group *group, const struct plan_chunk *chunk,
		      uint32_t *job_id, struct error *err);
	void (*wait)(struct backend *b, unsigned ms);
	int (*poll)(struct backend *b, struct tracker *t, struct error *err);
	int (*cancel)(struct backend *b, const uint32_t *ids, size_t n, struct error *err);
	bool (*busy)(const struct backend *b);
	int (*cancel_tasks)(struct backend *b, const struct backend_array_task *tasks, size_t n,
			    struct error *err);  /* NULL: none held (local) */
	int (*find_chunk)(struct backend *b, const struct journal_submission *s,
			  uint32_t *job_id, struct error *err);
};

struct backend {
	const struct backend_ops *ops;
	struct backend_options o;
	char *run_dir, *run_id, *project;    /* copies of o's */
	/* slurm */
	bool accounting_missing;   /* sacct said so: scontrol from now on */
	bool accounting_down;      /* sacct cannot reach slurmdbd: said once until it can */
	bool squeue_failing;       /* said once until it answers again */
	bool polls_once;           /* backend_polls_once: no grace across polls */
	/* local */
	struct local_executor *executor;
	struct job_record *dropped;    /* tasks cancelled before they started */
	size_t n_dropped, cap_dropped;
	uint32_t next_job_id;
	size_t local_left;         /* tasks queued or running at the last look */
};

extern const struct backend_ops backend_slurm_ops;
extern const struct backend_ops backend_local_ops;

/* Opens the local executor (local target); 0 or -1 with err. */
int backend_local_open(struct backend *b, struct error *err);
/* The poll of the Slurm backend (backend_slurm_poll.c). */
int backend_slurm_poll(struct backend *b, struct tracker *t, struct error *err);
/* Says text once through the note callback (backend_note.c). */
void backend_note(const struct backend *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
