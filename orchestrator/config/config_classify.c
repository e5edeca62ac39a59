/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify: extra rules mapping evidence (exit code, signal, Slurm state,
 * stderr pattern) to a failure class. */
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"
#include "lib/util/did_you_mean.h"

static int load_class(struct loader *L, const struct ynode *value, void *object)
{
	struct classify_rule *rule = object;

	if (want_kind(L, value, YNODE_SCALAR, "class") != 0)
		return -1;
	if (!failure_class_from_name(value->text, &rule->class))
		return fail_at(L, value, "unknown failure class '%s' (expected transient, "
			       "oom, preempted, timeout, node_fail, input_error, "
			       "dependency_error, runtime_error or output_missing)", value->text);
	return 0;
}

static int load_exit_code(struct loader *L, const struct ynode *value, void *object)
{
	struct classify_rule *rule = object;
	unsigned code;

	if (read_uint(L, value, 0, 255, &code) != 0)
		return -1;
	rule->exit_code = (int)code;
	rule->has_exit_code = true;
	return 0;
}

static const struct {
	const char *name;
	int number;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "ABRT", SIGABRT }, { "BUS", SIGBUS },   { "FPE", SIGFPE },   { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
	{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

/* signal: a number, or a name with or without SIG (KILL, SIGSEGV). */
static int load_signal(struct loader *L, const struct ynode *value, void *object)
{
	struct classify_rule *rule = object;
	const char *name;
	unsigned number;

	if (want_kind(L, value, YNODE_SCALAR, "signal") != 0)
		return -1;
	rule->has_signal = true;
	name = strncmp(value->text, "SIG", 3) == 0 ? value->text + 3 : value->text;
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		if (strcmp(name, signals[i].name) == 0) {
			rule->signal = signals[i].number;
			return 0;
		}
	}
	if (value->text[0] < '0' || value->text[0] > '9')
		return fail_at(L, value, "unknown signal '%s' (expected a number or a "
			       "name such as KILL, SEGV, TERM)", value->text);
	if (read_uint(L, value, 1, 64, &number) != 0)
		return -1;
	rule->signal = (int)number;
	return 0;
}

static const char *const slurm_states[] = {
	"BOOT_FAIL", "CANCELLED", "COMPLETED", "DEADLINE", "FAILED", "NODE_FAIL",
	"OUT_OF_MEMORY", "PREEMPTED", "REQUEUED", "TIMEOUT",
};

static int load_slurm_state(struct loader *L, const struct ynode *value, void *object)
{
	struct classify_rule *rule = object;
	size_t n = sizeof slurm_states / sizeof slurm_states[0];
	const char *hint;

	if (read_string(L, value, &rule->slurm_state) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rule->slurm_state, slurm_states[i]) == 0)
			return 0;
	hint = did_you_mean(value->text, slurm_states, n);
	return fail_at(L, value, "unknown Slurm state '%s' (%s%s%s)", value->text,
		       hint ? "did you mean '" : "expected a terminal state such as "
		       "FAILED, TIMEOUT, OUT_OF_MEMORY, PREEMPTED, NODE_FAIL",
		       hint ? hint : "", hint ? "'?" : "");
}

/* stderr: an extended regular expression, compiled now to catch mistakes. */
static int load_stderr(struct loader *L, const struct ynode *value, void *object)
{
	struct classify_rule *rule = object;
	char why[256];
	int rc;

	if (read_string(L, value, &rule->stderr_pattern) != 0)
		return -1;
	rc = regcomp(&rule->stderr_regex, rule->stderr_pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &rule->stderr_regex, why, sizeof why);
		free(rule->stderr_pattern);
		rule->stderr_pattern = NULL;
		return fail_at(L, value, "bad regular expression '%s': %s (expected a "
			       "POSIX extended regex)", value->text, why);
	}
	return 0;
}

static const struct field rule_fields[] = {
	{ "class", FIELD_CUSTOM, 0, 0, 0, load_class },
	{ "exit_code", FIELD_CUSTOM, 0, 0, 0, load_exit_code },
	{ "signal", FIELD_CUSTOM, 0, 0, 0, load_signal },
	{ "slurm_state", FIELD_CUSTOM, 0, 0, 0, load_slurm_state },
	{ "stderr", FIELD_CUSTOM, 0, 0, 0, load_stderr },
};

static int load_rule(struct loader *L, const struct ynode *map, struct classify_rule *rule)
{
	rule->line = map->line;
	if (load_fields(L, map, rule_fields, sizeof rule_fields / sizeof rule_fields[0],
			rule, "a classify rule") != 0)
		return -1;
	if (!ymap_get(map, "class"))
		return fail_at(L, map, "classify rule without class (expected class: "
			       "and at least one of exit_code, signal, slurm_state, stderr)");
	if (!rule->has_exit_code && !rule->has_signal && !rule->slurm_state &&
	    !rule->stderr_pattern)
		return fail_at(L, map, "classify rule matches nothing (expected at least "
			       "one of exit_code, signal, slurm_state, stderr)");
	return 0;
}

int load_classify(struct loader *L, const struct ynode *list)
{
	struct config *config = L->config;

	if (want_kind(L, list, YNODE_SEQUENCE, "classify") != 0)
		return -1;
	config->rules = calloc(list->n_child + 1, sizeof *config->rules);
	if (!config->rules) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < list->n_child; i++) {
		config->n_rules++;
		if (load_rule(L, list->child[i], &config->rules[i]) != 0)
			return -1;
	}
	return 0;
}

void free_classify(struct config *config)
{
	for (size_t i = 0; i < config->n_rules; i++) {
		free(config->rules[i].slurm_state);
		if (config->rules[i].stderr_pattern)
			regfree(&config->rules[i].stderr_regex);
		free(config->rules[i].stderr_pattern);
	}
	free(config->rules);
}
