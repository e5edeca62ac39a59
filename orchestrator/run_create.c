/* A new run (see run_session.h): directory and lock, plan, scripts, the
 * first files, journal, tracker, backend. */
#include <stdlib.h>

#include "run_session.h"
#include "run_start.h"
#include "slurm_config.h"
#include "wave_script.h"

#define FIRST_WAVE "w001"

unsigned run_session_max_array_size(const struct target *target)
{
	unsigned asked;

	if (target->max_array_size)
		return target->max_array_size;
	if (target->provider == PROVIDER_SLURM && (asked = slurm_max_array_size()) > 0)
		return asked;
	return PLAN_DEFAULT_MAX_ARRAY_SIZE;
}

/* The first wave, planned and written under the run directory. */
static int plan_first_wave(struct run_session *s, struct plan **plan, struct error *err)
{
	struct plan_options o = {
		.target = s->target,
		.run_dir = s->run->path,
		.run_id = s->run->id,
		.wave = FIRST_WAVE,
		.max_array_size = run_session_max_array_size(s->target),
	};

	if (plan_initial(s->config, &o, plan, err) != 0)
		return -1;
	return plan_write_scripts(*plan, err);
}

int run_session_create(struct config *config, const struct target *target,
		       const char *runs_root, run_note_fn note, void *note_ctx,
		       struct run_session **out, struct plan **plan, struct error *err)
{
	struct run_session *s = run_session_new(note, note_ctx, err);
	char *root = runs_root ? NULL : runs_dir_default();

	*plan = NULL;
	if (!s) {
		free(root);
		config_free(config);
		return -1;
	}
	s->config = config;
	s->target = target;
	s->provider = target->provider;
	if (!runs_root && !root)
		error_system(err, "cannot find the runs directory");
	else if (run_dir_create(runs_root ? runs_root : root, config->project, "run", &s->run,
				err) == 0 &&
		 plan_first_wave(s, plan, err) == 0 &&
		 run_start_files(s->run, config, target, *plan, &s->record, err) == 0 &&
		 journal_open(s->run->path, &s->journal, err) == 0 &&
		 run_session_open_tracker(s, err) == 0 && run_session_open_backend(s, err) == 0) {
		free(root);
		*out = s;
		return 0;
	}
	free(root);
	plan_free(*plan);
	*plan = NULL;
	run_session_free(s);
	return -1;
}
