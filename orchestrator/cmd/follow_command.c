/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Following a run to its end for `run` and `watch` (see follow_command.h). */
#include "cmd/follow_command.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "lib/util/exit_codes.h"
#include "lib/util/interrupt.h"
#include "run/run_close.h"
#include "run/run_follow.h"

struct progress *follow_progress_new(bool json)
{
	return progress_new(json ? stderr : stdout);
}

static void say(const struct follow_command *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A line of its own above the progress. */
static void say(const struct follow_command *c, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	progress_note(c->progress, text);
}

void follow_print_json(const struct run_session *s, const char *outcome)
{
	struct run_record r;
	struct error err;
	json_t *out;

	if (run_record_read(s->run->path, &r, &err) != 0)
		memset(&r, 0, sizeof r);
	out = json_pack("{s:s, s:s, s:s, s:s, s:O?}", "run_id", s->run->id, "run_dir",
			s->run->path, "outcome", outcome, "status",
			r.run_id ? run_status_name(r.status) : "unknown", "summary", r.summary);
	if (out)
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts("");
	json_decref(out);
	run_record_clear(&r);
}

/* One line: "completed: 200 tasks, 200 succeeded". */
static void say_closed(const struct follow_command *c, const struct run_session *s,
		       enum run_status status)
{
	struct tracker_counts n;
	char cached[48] = "";

	tracker_counts(s->tracker, NULL, &n);
	if (n.by_state[TASK_CACHED])
		snprintf(cached, sizeof cached, " (%zu cached)", n.by_state[TASK_CACHED]);
	char skipped[48] = "";

	if (n.by_state[TASK_SKIPPED])  /* a later stage's, after an upstream failed */
		snprintf(skipped, sizeof skipped, ", %zu skipped", n.by_state[TASK_SKIPPED]);
	say(c, "run %s %s: %zu tasks, %zu succeeded%s, %zu failed, %zu cancelled%s", s->run->id,
	    run_status_name(status), n.tasks, n.by_state[TASK_SUCCEEDED] + n.by_state[TASK_CACHED],
	    cached, n.by_state[TASK_FAILED], n.by_state[TASK_CANCELLED], skipped);
	say(c, "run directory: %s", s->run->path);
	if (status == RUN_STATUS_FAILED)
		say(c, "what failed: scalable status %s", s->run->id);
}

static int close_finished(const struct follow_command *c, struct run_session *s)
{
	enum run_status status = run_final_status(s);
	struct error err;

	if (run_session_close(s, status, &err) != 0)
		return cli_fail(&err);
	progress_finish(c->progress);
	say_closed(c, s, status);
	if (c->json)
		follow_print_json(s, "finished");
	if (s->submit_failures)
		return SCALABLE_EXIT_SYSTEM;
	return status == RUN_STATUS_COMPLETED ? SCALABLE_EXIT_OK : SCALABLE_EXIT_FAILED;
}

static int cancel_now(const struct follow_command *c, struct run_session *s,
		      const char *why)
{
	struct error err;
	char path[4096];

	progress_finish(c->progress);
	say(c, "%s: cancelling the run's %s ...", why,
	    s->provider == PROVIDER_LOCAL ? "local tasks" : "jobs");
	if (run_session_cancel(s, &err) != 0)
		return cli_fail(&err);
	snprintf(path, sizeof path, "%s/%s", s->run->path, RUN_CANCEL_FILE);
	unlink(path);  /* the request is answered */
	say_closed(c, s, RUN_STATUS_CANCELLED);
	if (c->json)
		follow_print_json(s, "cancelled");
	return SCALABLE_EXIT_FAILED;
}

/* Stops following and leaves the jobs to Slurm. */
static int detach(const struct follow_command *c, struct run_session *s, int signo)
{
	progress_finish(c->progress);
	say(c, "detached from %s; its jobs keep running.", s->run->id);
	say(c, "re-attach with: scalable watch %s", s->run->id);
	if (c->json)
		follow_print_json(s, "detached");
	return 128 + signo;
}

int follow_command(struct run_session *s, const struct follow_command *c)
{
	struct follow_options o = {
		.poll_interval_s = c->poll_interval_s,
		.poll_at_once = c->poll_at_once,
		.progress = c->progress,
	};
	enum follow_end end;
	struct error err;
	int signo, rc;

	interrupt_install();
	if (run_follow(s, &o, &end, &err) != 0) {
		progress_finish(c->progress);
		return cli_fail(&err);
	}
	switch (end) {
	case FOLLOW_FINISHED:
		return close_finished(c, s);
	case FOLLOW_CANCEL_REQUESTED:
		return cancel_now(c, s, "`scalable cancel` asked");
	case FOLLOW_INTERRUPTED:
		break;
	}
	signo = interrupt_last_signal();
	if (s->provider == PROVIDER_SLURM)
		return detach(c, s, signo);
	rc = cancel_now(c, s, "interrupted (local tasks cannot outlive scalable)");
	return rc == SCALABLE_EXIT_FAILED ? 128 + signo : rc;
}

int follow_command_option(const char *command, int opt, const char *arg,
			  struct follow_command *c)
{
	if (opt == 'j') {
		c->json = true;
		return 1;
	}
	if (opt != 'p')
		return 0;
	return cli_poll_interval(command, arg, &c->poll_interval_s) ? 1 : -1;
}
