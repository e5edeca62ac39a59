/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "plugin_log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <slurm/spank.h>

static enum plugin_log_level current_level = PLUGIN_LOG_VERBOSE;
static bool problem_logged;

void plugin_log_set_level(enum plugin_log_level level)
{
	current_level = level;
	problem_logged = false;
}

/* Formats the message and hands it to slurm_verbose or slurm_debug, prefixed. */
__attribute__((format(printf, 2, 0)))
static void log_message(bool at_verbose, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (at_verbose)
		slurm_verbose("spank_scalable: %s", msg);
	else
		slurm_debug("spank_scalable: %s", msg);
}

void plugin_log_routine(const char *fmt, ...)
{
	if (current_level == PLUGIN_LOG_QUIET)
		return;
	va_list ap;
	va_start(ap, fmt);
	log_message(current_level == PLUGIN_LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void plugin_log_problem(const char *fmt, ...)
{
	if (current_level == PLUGIN_LOG_QUIET)
		return;
	va_list ap;
	va_start(ap, fmt);
	log_message(!problem_logged || current_level == PLUGIN_LOG_DEBUG, fmt, ap);
	va_end(ap);
	problem_logged = true;
}
