/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classifying a failed attempt (see classify.h for the order of sources). */
#include "tracker/classify.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/util/utf8_text.h"
#include "tracker/attempt_logs.h"
#include "tracker/job_record.h"

#define PATTERN_LINES 30   /* meaningful stderr lines searched, from the end */

struct verdict {
	enum failure_class failure_class;
	const char *decided_by;
	char matched[256];
	unsigned rule_line;
	bool external;         /* Slurm or the kernel ended it, not the program */
};

struct inputs {
	const struct classify_rule *rules;
	size_t n_rules;
	const struct failure_evidence *ev;
};

typedef bool (*classifier)(const struct inputs *in, struct verdict *v);

static bool decide(struct verdict *v, enum failure_class class, const char *by,
		   bool external, const char *matched)
{
	v->failure_class = class;
	v->decided_by = by;
	v->external = external;
	snprintf(v->matched, sizeof v->matched, "%s", matched ? matched : "");
	return true;
}

static bool known(const char *text)
{
	return text && *text;
}

static bool regex_hits(const regex_t *re, const char *text)
{
	return text && regexec(re, text, 0, NULL, 0) == 0;
}

static bool rule_matches(const struct classify_rule *r, const struct failure_evidence *ev)
{
	if (r->has_exit_code && ev->exit_code != r->exit_code)
		return false;
	if (r->has_signal && ev->signal != r->signal)
		return false;
	if (r->slurm_state && !(known(ev->slurm_state) &&
				job_state_is(ev->slurm_state, r->slurm_state)))
		return false;
	return !r->stderr_pattern || regex_hits(&r->stderr_regex, ev->stderr_tail) ||
	       regex_hits(&r->stderr_regex, ev->slurm_output_tail);
}

static bool by_rule(const struct inputs *in, struct verdict *v)
{
	for (size_t i = 0; i < in->n_rules; i++) {
		const struct classify_rule *r = &in->rules[i];

		if (rule_matches(r, in->ev)) {
			v->rule_line = r->line;
			return decide(v, r->class, "rule", false, r->stderr_pattern);
		}
	}
	return false;
}

static bool by_slurm_state(const struct inputs *in, struct verdict *v)
{
	static const struct {
		const char *state;
		enum failure_class class;
	} table[] = {
		{ "OUT_OF_MEMORY", FAILURE_OOM },    { "TIMEOUT", FAILURE_TIMEOUT },
		{ "DEADLINE", FAILURE_TIMEOUT },     { "PREEMPTED", FAILURE_PREEMPTED },
		{ "NODE_FAIL", FAILURE_NODE_FAIL },  { "BOOT_FAIL", FAILURE_NODE_FAIL },
	};
	const char *state = in->ev->slurm_state;

	for (size_t i = 0; known(state) && i < sizeof table / sizeof table[0]; i++)
		if (job_state_is(state, table[i].state))
			return decide(v, table[i].class, "slurm_state", true, table[i].state);
	return false;
}

static bool by_end_event(const struct inputs *in, struct verdict *v)
{
	const struct failure_evidence *ev = in->ev;
	char text[64];

	if (ev->oom_kill_count > 0) {
		snprintf(text, sizeof text, "oom_kill_count=%lld", (long long)ev->oom_kill_count);
		return decide(v, FAILURE_OOM, "end_event", true, text);
	}
	if (ev->inferred_cause && !strcmp(ev->inferred_cause, "oom"))
		return decide(v, FAILURE_OOM, "end_event", true, "inferred_cause=oom");
	return false;
}

/* The line of text holding needle, trimmed, into buf. */
static bool find_line(const char *text, const char *needle, char *buf, size_t len)
{
	const char *hit = text ? strstr(text, needle) : NULL, *start, *end;

	if (!hit)
		return false;
	for (start = hit; start > text && start[-1] != '\n'; start--)
		;
	end = strchrnul(hit, '\n');
	snprintf(buf, len, "%.*s", (int)(end - start), start);
	return true;
}

static bool by_banner(const struct inputs *in, struct verdict *v)
{
	static const struct {
		const char *text;
		enum failure_class class;
	} banners[] = {
		{ "DUE TO TIME LIMIT", FAILURE_TIMEOUT },
		{ "DUE TO PREEMPTION", FAILURE_PREEMPTED },
		{ "DUE TO NODE FAILURE", FAILURE_NODE_FAIL },
		{ "oom_kill event", FAILURE_OOM },
		{ "oom-kill", FAILURE_OOM },
	};
	const char *logs[] = { in->ev->slurm_output_tail, in->ev->stderr_tail };
	char line[256];

	for (size_t l = 0; l < 2; l++)
		for (size_t b = 0; b < sizeof banners / sizeof banners[0]; b++)
			if (find_line(logs[l], banners[b].text, line, sizeof line))
				return decide(v, banners[b].class, "banner", true, line);
	return false;
}

/* "timeout?": killed by TERM or KILL at the limit, which a plain scancel
 * could also be; taken only with no Slurm state saying otherwise. */
static bool by_elapsed(const struct inputs *in, struct verdict *v)
{
	const struct failure_evidence *ev = in->ev;

	if (!ev->inferred_cause || strcmp(ev->inferred_cause, "timeout?") != 0)
		return false;
	if (ev->elapsed_s >= 0 && ev->time_limit_s > 0 &&
	    ev->elapsed_s < 0.95 * (double)ev->time_limit_s)
		return false;
	return decide(v, FAILURE_TIMEOUT, "end_event", true, "inferred_cause=timeout?");
}

static bool by_exit_code(const struct inputs *in, struct verdict *v)
{
	char text[32];

	snprintf(text, sizeof text, "exit_code=%d", in->ev->exit_code);
	switch (in->ev->exit_code) {
	case 75:  /* EX_TEMPFAIL */
		return decide(v, FAILURE_TRANSIENT, "exit_code", false, text);
	case 65:  /* EX_DATAERR */
		return decide(v, FAILURE_INPUT_ERROR, "exit_code", false, text);
	case 126: /* found but not executable */
	case 127: /* not found */
		return decide(v, FAILURE_DEPENDENCY_ERROR, "exit_code", false, text);
	default:
		return false;
	}
}

enum pattern_flags {
	PATTERN_WORD = 1,       /* not inside a longer word */
	PATTERN_NOCASE = 2,
	PATTERN_KILLED = 4,     /* only with exit 137 or SIGKILL */
};

static const struct pattern {
	const char *text;
	enum failure_class class;
	unsigned flags;
} patterns[] = {
	{ "ModuleNotFoundError", FAILURE_DEPENDENCY_ERROR, 0 },
	{ "ImportError", FAILURE_DEPENDENCY_ERROR, 0 },
	{ "No module named", FAILURE_DEPENDENCY_ERROR, 0 },
	{ "command not found", FAILURE_DEPENDENCY_ERROR, 0 },
	{ "error while loading shared libraries", FAILURE_DEPENDENCY_ERROR, 0 },
	{ "Lmod has detected the following error", FAILURE_DEPENDENCY_ERROR, 0 },
	{ "Connection timed out", FAILURE_TRANSIENT, PATTERN_NOCASE },
	{ "Connection reset", FAILURE_TRANSIENT, PATTERN_NOCASE },
	{ "Connection refused", FAILURE_TRANSIENT, PATTERN_NOCASE },
	{ "ConnectionError", FAILURE_TRANSIENT, 0 },
	{ "ConnectionResetError", FAILURE_TRANSIENT, 0 },
	{ "ConnectionRefusedError", FAILURE_TRANSIENT, 0 },
	{ "TimeoutError", FAILURE_TRANSIENT, 0 },
	{ "Temporary failure in name resolution", FAILURE_TRANSIENT, 0 },
	{ "Network is unreachable", FAILURE_TRANSIENT, 0 },
	{ "Stale file handle", FAILURE_TRANSIENT, 0 },
	{ "MemoryError", FAILURE_OOM, 0 },
	{ "OOM", FAILURE_OOM, PATTERN_WORD },
	{ "Out of memory", FAILURE_OOM, PATTERN_NOCASE },
	{ "Cannot allocate memory", FAILURE_OOM, 0 },
	{ "std::bad_alloc", FAILURE_OOM, 0 },
	{ "Killed", FAILURE_OOM, PATTERN_WORD | PATTERN_KILLED },
	{ "FileNotFoundError", FAILURE_INPUT_ERROR, 0 },
	{ "JSONDecodeError", FAILURE_INPUT_ERROR, 0 },
	{ "invalid input", FAILURE_INPUT_ERROR, PATTERN_NOCASE },
};

/* Where needle occurs in line[0..len) with the pattern's rules; NULL if not. */
static bool line_has(const char *line, size_t len, const struct pattern *p)
{
	size_t n = strlen(p->text);

	for (size_t i = 0; i + n <= len; i++) {
		bool same = p->flags & PATTERN_NOCASE ? !strncasecmp(line + i, p->text, n)
						      : !strncmp(line + i, p->text, n);

		if (!same)
			continue;
		if (!(p->flags & PATTERN_WORD))
			return true;
		if ((i == 0 || !isalnum((unsigned char)line[i - 1])) &&
		    (i + n == len || !isalnum((unsigned char)line[i + n])))
			return true;
	}
	return false;
}

static bool was_killed(const struct failure_evidence *ev)
{
	return ev->exit_code == 137 || ev->signal == SIGKILL;
}

/* The first pattern the line holds, or NULL. */
static const struct pattern *line_pattern(const char *line, size_t len,
					  const struct failure_evidence *ev)
{
	for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
		if ((!(patterns[i].flags & PATTERN_KILLED) || was_killed(ev)) &&
		    line_has(line, len, &patterns[i]))
			return &patterns[i];
	return NULL;
}

static bool by_stderr_pattern(const struct inputs *in, struct verdict *v)
{
	const char *text = in->ev->stderr_tail, *end, *line;
	unsigned seen = 0;
	size_t len;

	for (end = text ? text + strlen(text) : NULL; end && seen < PATTERN_LINES;) {
		const struct pattern *p;

		for (line = end; line > text && line[-1] != '\n'; line--)
			;
		len = (size_t)(end - line);
		end = line > text ? line - 1 : NULL;
		if (line_is_noise(line, len))
			continue;
		seen++;
		if ((p = line_pattern(line, len, in->ev)) != NULL)
			return decide(v, p->class, "stderr", false, p->text);
	}
	return false;
}

static bool by_missing_end(const struct inputs *in, struct verdict *v)
{
	if (in->ev->has_end_event || known(in->ev->slurm_state))
		return false;
	return decide(v, FAILURE_NODE_FAIL, "no_end_event", true,
		      "the step never ended and Slurm no longer knows the job");
}

static const classifier chain[] = {
	by_rule, by_slurm_state, by_end_event, by_banner, by_elapsed,
	by_exit_code, by_stderr_pattern, by_missing_end,
};

/* The message when the program's own last line will not do. */
static void cause_message(const struct verdict *v, const struct failure_evidence *ev,
			  char *buf, size_t len)
{
	switch (v->failure_class) {
	case FAILURE_OOM:
		snprintf(buf, len, "OOM: killed for exceeding its memory limit");
		return;
	case FAILURE_TIMEOUT:
		snprintf(buf, len, "TIMEOUT: reached its time limit");
		return;
	case FAILURE_PREEMPTED:
		snprintf(buf, len, "PREEMPTED: preempted by Slurm for another job");
		return;
	case FAILURE_NODE_FAIL:
		snprintf(buf, len, ev->has_end_event || known(ev->slurm_state)
			 ? "NODE_FAIL: its node failed"
			 : "NODE_FAIL: the step never ended and Slurm no longer knows the job");
		return;
	default:
		break;
	}
	if (ev->signal > 0)
		snprintf(buf, len, "killed by signal %d (%s)", ev->signal, strsignal(ev->signal));
	else if (ev->exit_code >= 0)
		snprintf(buf, len, "exit code %d", ev->exit_code);
	else
		snprintf(buf, len, "failed without an exit status");
}

static json_t *int_or_null(long long value)
{
	return value < 0 ? json_null() : json_integer(value);
}

static json_t *evidence_json(const struct verdict *v, const struct failure_evidence *ev)
{
	/* what Slurm and the task said may not be UTF-8: json_text */
	json_t *json = json_pack("{s:s, s:o, s:o?, s:o?, s:b, s:o, s:o, s:o, s:s?, s:o, s:o}",
				 "decided_by", v->decided_by, "matched", json_text(v->matched),
				 "slurm_state", json_text(known(ev->slurm_state) ? ev->slurm_state : NULL),
				 "slurm_reason",
				 json_text(known(ev->slurm_reason) ? ev->slurm_reason : NULL),
				 "end_event", ev->has_end_event,
				 "exit_code", int_or_null(ev->exit_code),
				 "signal", int_or_null(ev->signal),
				 "oom_kill_count", int_or_null(ev->oom_kill_count),
				 "inferred_cause", ev->inferred_cause,
				 "elapsed_s", ev->elapsed_s < 0 ? json_null() : json_real(ev->elapsed_s),
				 "time_limit_s", int_or_null(ev->time_limit_s));

	if (json && v->rule_line)
		json_object_set_new(json, "rule_line", json_integer(v->rule_line));
	return json;
}

int classify_failure(const struct classify_rule *rules, size_t n_rules,
		     const struct failure_evidence *ev, struct classification *out)
{
	struct inputs in = { rules, n_rules, ev };
	struct verdict v = { 0 };
	bool decided = false;

	for (size_t i = 0; !decided && i < sizeof chain / sizeof chain[0]; i++)
		decided = chain[i](&in, &v);
	if (!decided)
		decide(&v, FAILURE_RUNTIME_ERROR, "default", false, NULL);
	memset(out, 0, sizeof *out);
	out->failure_class = v.failure_class;
	if (v.external || !last_meaningful_line(ev->stderr_tail, out->message,
						sizeof out->message))
		cause_message(&v, ev, out->message, sizeof out->message);
	if (!v.external && !exception_name(ev->stderr_tail, out->error_type,
					   sizeof out->error_type))
		out->error_type[0] = '\0';
	out->evidence = evidence_json(&v, ev);
	return out->evidence ? 0 : -1;
}

void classification_clear(struct classification *c)
{
	json_decref(c->evidence);
	c->evidence = NULL;
}
