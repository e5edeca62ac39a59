/* The backends' insides: one table of operations per provider
 * (run_backend_slurm.c, run_backend_local.c), picked by run_backend.c. */
#ifndef SCALABLE_RUN_BACKEND_IMPL_H
#define SCALABLE_RUN_BACKEND_IMPL_H

#include "local_executor.h"
#include "run_backend.h"

struct run_backend_ops {
	int (*submit)(struct run_backend *b, const struct plan *plan,
		      const struct plan_group *group, const struct plan_chunk *chunk,
		      uint32_t *job_id, struct error *err);
	void (*wait)(struct run_backend *b, unsigned ms);
	int (*poll)(struct run_backend *b, struct tracker *t, struct error *err);
	int (*cancel)(struct run_backend *b, const uint32_t *ids, size_t n, struct error *err);
	bool (*busy)(const struct run_backend *b);
	int (*find_chunk)(struct run_backend *b, const struct journal_submission *s,
			  uint32_t *job_id, struct error *err);
};

struct run_backend {
	const struct run_backend_ops *ops;
	struct run_backend_options o;
	char *run_dir, *run_id, *project;    /* copies of o's */
	/* slurm */
	bool accounting_missing;   /* sacct said so: scontrol from now on */
	bool squeue_failing;       /* said once until it answers again */
	/* local */
	struct local_executor *executor;
	struct job_record *dropped;    /* tasks cancelled before they started */
	size_t n_dropped, cap_dropped;
	uint32_t next_job_id;
	size_t local_left;         /* tasks queued or running at the last look */
};

extern const struct run_backend_ops run_backend_slurm_ops;
extern const struct run_backend_ops run_backend_local_ops;

/* Opens the local executor (local target); 0 or -1 with err. */
int run_backend_local_open(struct run_backend *b, struct error *err);
/* The poll of the Slurm backend (slurm_poll.c). */
int slurm_poll_run(struct run_backend *b, struct tracker *t, struct error *err);
/* Says text once through the note callback. */
void run_backend_note(const struct run_backend *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
