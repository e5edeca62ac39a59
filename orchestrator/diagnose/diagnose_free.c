/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Releasing a diagnosis: what it holds (dx_clear, also for the threads'
 * partial ones) and the diagnosis itself (see diagnose.h). */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

static void finding_clear(struct dx_finding *f)
{
	free(f->title);
	free(f->suggestion);
	json_decref(f->evidence);
	strbuf_free(&f->evidence_text);
}

void dx_clear(struct diagnosis *dx)
{
	for (size_t i = 0; i < dx->n_findings; i++)
		finding_clear(&dx->findings[i]);
	free(dx->findings);
	for (size_t c = 0; c < dx->n_comps; c++) {
		free(dx->comps[c].tasks);
		free(dx->comps[c].durations);
		free(dx->comps[c].peaks);
		dx_requests_free(&dx->comps[c].requests);
	}
	free(dx->comps);
	free(dx->attempts_by_worker);
	dx_groups_free(&dx->groups);
	dx_names_free(&dx->classes);
	dx_names_free(&dx->components);
	dx_names_free(&dx->workers);
	dx_scenarios_free(&dx->scen);
	dx_memory_free(dx->memory);
	run_record_clear(&dx->record);
	free(dx->run_path);
	memset(dx, 0, sizeof *dx);
}

void diagnose_free(struct diagnosis *dx)
{
	if (!dx)
		return;
	dx_clear(dx);
	free(dx);
}
