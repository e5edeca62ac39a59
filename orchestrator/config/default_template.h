/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The template a component uses when it names none: generated at build
 * time from templates/default.sbatch.tmpl, so the binary needs no data files.
 *
 * No test of its own: generated text; orchestrator/plan/test/test_plan.c
 * renders and runs it. */
#ifndef SCALABLE_DEFAULT_TEMPLATE_H
#define SCALABLE_DEFAULT_TEMPLATE_H

extern const char default_template_text[];
extern const char default_template_origin[];

#endif
