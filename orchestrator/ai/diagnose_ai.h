/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose --ai: the run's compact summary (diagnose_ai_summary) asked of
 * the chat-completions endpoint that the run's manifest.yaml (its ai:
 * section, the config as it was run) and the environment name
 * (ai_settings.h). A failure is never fatal: it is a reason to print.
 *
 * Tests: tests/cli/ai_notify.sh (diagnose --ai against servers on 127.0.0.1
 * that answer, fail, hang or redirect). */
#ifndef SCALABLE_DIAGNOSE_AI_H
#define SCALABLE_DIAGNOSE_AI_H

#include <jansson.h>

#include "diagnose/diagnose.h"

struct diagnose_ai {
	char *answer;         /* NULL when there is none: see why */
	char *model;
	char host[256];       /* the endpoint's host, for people */
	char why[1100];
};

/* Fills out (always; out->answer or out->why). */
void diagnose_ai_ask(const char *run_path, const struct diagnosis *dx,
		     struct diagnose_ai *out);
/* {"model", "host", "answer"} or {"error"}; NULL when memory runs out. */
json_t *diagnose_ai_json(const struct diagnose_ai *ai);
void diagnose_ai_clear(struct diagnose_ai *ai);

#endif
