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

static void format_message(char *buf, size_t bufsz, const char *fmt, va_list ap)
{
	vsnprintf(buf, bufsz, fmt, ap);
}

void plugin_log_routine(const char *fmt, ...)
{
	if (current_level == PLUGIN_LOG_QUIET)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	format_message(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (current_level == PLUGIN_LOG_DEBUG)
		slurm_verbose("spank_scalable: %s", msg);
	else
		slurm_debug("spank_scalable: %s", msg);
}

void plugin_log_problem(const char *fmt, ...)
{
	if (current_level == PLUGIN_LOG_QUIET)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	format_message(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!problem_logged || current_level == PLUGIN_LOG_DEBUG)
		slurm_verbose("spank_scalable: %s", msg);
	else
		slurm_debug("spank_scalable: %s", msg);
	problem_logged = true;
}
