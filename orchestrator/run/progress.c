/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress of a followed run (see progress.h). */
#include "run/progress.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/strbuf.h"
#include "lib/util/u64_map.h"

#define BAR_WIDTH 24

struct progress {
	FILE *out;
	bool tty, color, bar_drawn;
	struct tracker_counts last;
	bool have_last;
	bool line_pending;          /* not a terminal: a change not printed yet */
	bool finished;              /* the bar is done: notes go below it */
	time_t last_line;
	time_t started;
	size_t final_at_start;
	struct u64_map shown;       /* failed attempts already printed */
	size_t failure_lines, failures_unshown;
	size_t failed_changes;      /* tracker_failed_changes when last looked */
	size_t memory_changes;      /* tracker_memory_changes when last looked */
	struct u64_map warned;      /* attempts whose 90 % was said */
	char pressure[160];         /* "  memory: 2 above 80 % (worst ...)", or "" */
};

/* The order states are shown in, and their colours. */
static const struct {
	enum task_state state;
	const char *color;
} shown_states[] = {
	{ TASK_SUCCEEDED, "\033[32m" }, { TASK_FAILED, "\033[31m" },
	{ TASK_CANCELLED, "\033[33m" }, { TASK_RUNNING, "\033[36m" },
	{ TASK_SUBMITTED, "" },         { TASK_REQUEUED, "\033[35m" },
	{ TASK_CACHED, "\033[32m" },   { TASK_SKIPPED, "\033[33m" },
};

struct progress *progress_new(FILE *out)
{
	struct progress *p = calloc(1, sizeof *p);
	const char *no_color = getenv("NO_COLOR");

	if (!p)
		return NULL;
	p->out = out;
	p->tty = isatty(fileno(out));
	p->color = p->tty && !(no_color && *no_color);
	p->started = time(NULL);
	return p;
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	u64_map_free(&p->shown);
	u64_map_free(&p->warned);
	free(p);
}

static void clear_bar(struct progress *p)
{
	if (p->tty && p->bar_drawn)
		fputs("\r\033[K", p->out);
	p->bar_drawn = false;
}

static size_t final_count(const struct tracker_counts *c)
{
	return c->by_state[TASK_SUCCEEDED] + c->by_state[TASK_FAILED] +
	       c->by_state[TASK_CANCELLED] + c->by_state[TASK_CACHED] +
	       c->by_state[TASK_SKIPPED];
}

/* "1h02m", "3m20s", "12s" */
static void format_duration(long s, char *buf, size_t len)
{
	if (s >= 3600)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
	else
		snprintf(buf, len, "%lds", s);
}

/* Remaining time at the pace since following began; "" when unknown. */
static void eta(const struct progress *p, const struct tracker_counts *c, char *buf,
		size_t len)
{
	size_t done = final_count(c), since = done - p->final_at_start;
	long elapsed = (long)(time(NULL) - p->started);
	char d[32];

	buf[0] = '\0';
	if (done >= c->tasks || since == 0 || elapsed < 3)
		return;
	format_duration((long)((double)(c->tasks - done) * (double)elapsed / (double)since), d,
			sizeof d);
	snprintf(buf, len, "  ETA %s", d);
}

static void append_counts(const struct progress *p, const struct tracker_counts *c,
			  struct strbuf *line)
{
	bool first = true;

	for (size_t i = 0; i < sizeof shown_states / sizeof shown_states[0]; i++) {
		size_t n = c->by_state[shown_states[i].state];

		if (!n)
			continue;
		bool paint = p->color && *shown_states[i].color;

		strbuf_printf(line, "%s%s%zu %s%s", first ? "" : ", ",
			      paint ? shown_states[i].color : "", n,
			      task_state_name(shown_states[i].state), paint ? "\033[0m" : "");
		first = false;
	}
}

static void append_bar(const struct tracker_counts *c, struct strbuf *line)
{
	size_t filled = c->tasks ? final_count(c) * BAR_WIDTH / c->tasks : 0;

	strbuf_puts(line, "[");
	for (size_t i = 0; i < BAR_WIDTH; i++)
		strbuf_puts(line, i < filled ? "#" : ".");
	strbuf_puts(line, "] ");
}

/* The terminal's width; 80 when it does not say. */
static size_t terminal_width(const struct progress *p)
{
	struct winsize ws;

	if (ioctl(fileno(p->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* The status line: clock (log) or bar (terminal), counts, ETA. */
static void compose(const struct progress *p, const struct tracker_counts *c, bool bar,
		    bool color, struct strbuf *line)
{
	struct progress plain = *p;
	size_t done = final_count(c);
	char clock[16], left[48];
	time_t now = time(NULL);
	struct tm tm;

	plain.color = color;
	eta(p, c, left, sizeof left);
	if (bar)
		append_bar(c, line);
	else if (!p->tty && localtime_r(&now, &tm) && strftime(clock, sizeof clock, "%H:%M:%S", &tm))
		strbuf_printf(line, "%s ", clock);
	strbuf_printf(line, "%zu/%zu done (%zu%%): ", done, c->tasks,
		      c->tasks ? done * 100 / c->tasks : 100);
	append_counts(&plain, c, line);
	strbuf_puts(line, left);
	strbuf_puts(line, p->pressure);
}

/* On a terminal the line must fit its width, or \r cannot redraw it: the
 * bar goes first, then the colours, then the end of the text. */
static void compose_to_fit(const struct progress *p, const struct tracker_counts *c,
			   struct strbuf *line)
{
	size_t width = terminal_width(p) - 1;
	struct strbuf plain = { 0 };
	bool bar = true;

	compose(p, c, true, false, &plain);
	if (plain.len > width) {
		bar = false;
		strbuf_free(&plain);
		compose(p, c, false, false, &plain);
	}
	if (plain.len <= width) {
		compose(p, c, bar, p->color, line);
	} else {
		strbuf_append(line, plain.text, width);
	}
	strbuf_free(&plain);
}

static void draw(struct progress *p, const struct tracker_counts *c)
{
	struct strbuf line = { 0 };

	if (p->tty)
		compose_to_fit(p, c, &line);
	else
		compose(p, c, false, false, &line);
	clear_bar(p);
	fprintf(p->out, p->tty ? "%s" : "%s\n", line.text ? line.text : "");
	p->bar_drawn = p->tty;
	p->line_pending = false;
	p->last_line = time(NULL);
	fflush(p->out);
	strbuf_free(&line);
}

void progress_note(struct progress *p, const char *text)
{
	clear_bar(p);
	fprintf(p->out, "%s\n", text);
	if (p->have_last && p->tty && !p->finished)
		draw(p, &p->last);
	fflush(p->out);
}

void progress_note_cb(void *ctx, const char *text)
{
	progress_note(ctx, text);
}

/* One line per failed attempt not shown yet (the first few of them). */
static void show_failure(const struct task_attempt *a, bool latest, void *ctx)
{
	struct progress *p = ctx;
	char text[1024];

	(void)latest;
	if (a->state != TASK_FAILED || u64_map_get(&p->shown, (uintptr_t)a) ||
	    u64_map_put(&p->shown, (uintptr_t)a, (void *)a) != 0)
		return;
	if (p->failure_lines >= PROGRESS_MAX_FAILURE_LINES) {
		p->failures_unshown++;
		return;
	}
	p->failure_lines++;
	snprintf(text, sizeof text, "%sfailed%s %s-%zu (attempt %u): %s: %s",
		 p->color ? "\033[31m" : "", p->color ? "\033[0m" : "", a->component, a->index,
		 a->attempt, failure_class_name(a->failure_class),
		 a->error_message ? a->error_message : "");
	clear_bar(p);
	fprintf(p->out, "%s\n", text);
}

/* One line per attempt the first time it is sampled at 90 % (also when its
 * end came in the same poll: the samples of a task that ended before a
 * re-attach are never read again). */
static void warn_memory(const struct task_attempt *a, bool latest, void *ctx)
{
	struct progress *p = ctx;
	char text[512];

	(void)latest;
	if (!a->memory.above_90_at[0] ||
	    u64_map_get(&p->warned, (uintptr_t)a) ||
	    u64_map_put(&p->warned, (uintptr_t)a, (void *)a) != 0)
		return;
	snprintf(text, sizeof text, "%swarning%s %s-%zu (attempt %u) reached %.1f %% of its memory "
		 "limit on %s", p->color ? "\033[33m" : "", p->color ? "\033[0m" : "",
		 a->component, a->index, a->attempt, a->memory.percent,
		 a->memory.node[0] ? a->memory.node : "?");
	clear_bar(p);
	fprintf(p->out, "%s\n", text);
}

/* The running attempts at 80 % of their limit, for the status line. */
static void update_pressure(struct progress *p, const struct tracker *t)
{
	json_t *view = tracker_memory_pressure_json(t);
	json_t *worst = json_array_get(json_object_get(view, "worst"), 0);
	json_int_t n = json_integer_value(json_object_get(view, "above_80"));

	p->pressure[0] = '\0';
	if (n > 0)
		snprintf(p->pressure, sizeof p->pressure, "  memory: %lld above 80 %% (worst %s "
			 "%.1f %%)", (long long)n,
			 json_string_value(json_object_get(worst, "task")),
			 json_number_value(json_object_get(worst, "percent")));
	json_decref(view);
}

void progress_update(struct progress *p, const struct tracker *t)
{
	struct tracker_counts c;
	char pressure[sizeof p->pressure];

	tracker_counts(t, NULL, &c);
	memcpy(pressure, p->pressure, sizeof pressure);
	if (tracker_memory_changes(t) != p->memory_changes) {
		p->memory_changes = tracker_memory_changes(t);
		tracker_foreach(t, warn_memory, p);
	}
	if (p->memory_changes)  /* a sample can move it without a change of counts */
		update_pressure(p, t);
	bool pressure_moved = strcmp(pressure, p->pressure) != 0;

	if (!p->have_last)
		p->final_at_start = final_count(&c);
	if (p->have_last && !memcmp(&c, &p->last, sizeof c) && !pressure_moved) {
		/* a terminal: the ETA moves on, once a second; a log: what
		 * was held back in the last line's second is due now */
		if ((p->tty || p->line_pending) && time(NULL) != p->last_line)
			draw(p, &c);
		return;
	}
	if (tracker_failed_changes(t) != p->failed_changes) {
		p->failed_changes = tracker_failed_changes(t);
		tracker_foreach(t, show_failure, p);
	}
	p->last = c;
	p->have_last = true;
	/* a log gets at most a line a second, and always the last state */
	if (!p->tty && time(NULL) == p->last_line && final_count(&c) < c.tasks) {
		p->line_pending = true;
		return;
	}
	draw(p, &c);
}

void progress_finish(struct progress *p)
{
	char text[160];

	if (p->line_pending)
		draw(p, &p->last);
	if (p->failures_unshown) {
		snprintf(text, sizeof text, "... and %zu more failed attempt(s): "
			 "see `scalable status` or failures.jsonl", p->failures_unshown);
		p->failures_unshown = 0;
		progress_note(p, text);
	}
	if (p->tty && p->bar_drawn)
		fputc('\n', p->out);
	p->bar_drawn = false;
	p->finished = true;
	fflush(p->out);
}
