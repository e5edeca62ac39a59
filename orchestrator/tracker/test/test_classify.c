/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classification: each class from each kind of evidence, the order the
 * sources are asked in, user rules first, and the message and error_type
 * taken from stderr. */
#include <jansson.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tracker/classify.h"
#include "plan/log_paths.h"
#include "tracker/attempt_logs.h"
#include "test/tmpdir.h"

/* Evidence with nothing known but an end event that exited 1. */
static struct failure_evidence exited(int code)
{
	struct failure_evidence ev = {
		.has_end_event = true, .exit_code = code, .signal = 0, .oom_kill_count = 0,
		.inferred_cause = "exited", .elapsed_s = 10, .time_limit_s = 3600,
	};

	return ev;
}

struct expectation {
	enum failure_class failure_class;
	const char *decided_by;
	const char *message;      /* NULL: not checked */
	const char *error_type;   /* NULL: not checked; "": none */
};

static void check(const struct classify_rule *rules, size_t n, const struct failure_evidence *ev,
		  struct expectation want)
{
	struct classification c;
	const char *by;

	assert_int_equal(classify_failure(rules, n, ev, &c), 0);
	by = json_string_value(json_object_get(c.evidence, "decided_by"));
	if (c.failure_class != want.failure_class || strcmp(by, want.decided_by) != 0)
		fail_msg("got %s by %s, want %s by %s (message %s)",
			 failure_class_name(c.failure_class), by,
			 failure_class_name(want.failure_class), want.decided_by, c.message);
	if (want.message)
		assert_string_equal(c.message, want.message);
	if (want.error_type)
		assert_string_equal(c.error_type, want.error_type);
	classification_clear(&c);
}

static void slurm_states_decide(void **state)
{
	static const struct {
		const char *state;
		enum failure_class class;
		const char *prefix;
	} table[] = {
		{ "OUT_OF_MEMORY", FAILURE_OOM, "OOM: " },
		{ "TIMEOUT", FAILURE_TIMEOUT, "TIMEOUT: " },
		{ "DEADLINE", FAILURE_TIMEOUT, "TIMEOUT: " },
		{ "PREEMPTED", FAILURE_PREEMPTED, "PREEMPTED: " },
		{ "NODE_FAIL", FAILURE_NODE_FAIL, "NODE_FAIL: " },
		{ "BOOT_FAIL", FAILURE_NODE_FAIL, "NODE_FAIL: " },
	};

	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		struct failure_evidence ev = exited(137);
		struct classification c;

		ev.slurm_state = table[i].state;
		ev.stderr_tail = "step 400 of 1000\n";  /* the program's line says nothing */
		assert_int_equal(classify_failure(NULL, 0, &ev, &c), 0);
		assert_int_equal(c.failure_class, table[i].class);
		assert_true(!strncmp(c.message, table[i].prefix, strlen(table[i].prefix)));
		assert_string_equal(c.error_type, "");
		classification_clear(&c);
	}
}

static void the_end_event_decides(void **state)
{
	struct failure_evidence ev = exited(137);

	(void)state;
	ev.oom_kill_count = 2;
	check(NULL, 0, &ev, (struct expectation){ FAILURE_OOM, "end_event",
		"OOM: killed for exceeding its memory limit", "" });
	ev = exited(137);
	ev.inferred_cause = "oom";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_OOM, "end_event", NULL, NULL });
	ev = exited(143);
	ev.inferred_cause = "timeout?";
	ev.elapsed_s = 3600;
	check(NULL, 0, &ev, (struct expectation){ FAILURE_TIMEOUT, "end_event", NULL, NULL });
	ev.elapsed_s = 100;  /* far from the limit: a plain kill */
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default",
		"exit code 143", NULL });
}

static void slurmstepd_banners_decide(void **state)
{
	struct failure_evidence ev = exited(143);

	(void)state;
	ev.slurm_output_tail = "slurmstepd: error: *** JOB 1234 ON n1 CANCELLED AT "
			       "2026-01-01T00:00:00 DUE TO TIME LIMIT ***\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_TIMEOUT, "banner",
		"TIMEOUT: reached its time limit", NULL });
	ev.slurm_output_tail = "slurmstepd: error: *** JOB 1234 ON n1 CANCELLED AT "
			       "2026-01-01T00:00:00 DUE TO PREEMPTION ***\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_PREEMPTED, "banner", NULL, NULL });
	ev.slurm_output_tail = "slurmstepd: error: Detected 1 oom_kill event in StepId=5.batch.\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_OOM, "banner", NULL, NULL });
}

static void exit_codes_decide(void **state)
{
	static const struct {
		int code;
		enum failure_class class;
	} table[] = {
		{ 75, FAILURE_TRANSIENT },        { 65, FAILURE_INPUT_ERROR },
		{ 126, FAILURE_DEPENDENCY_ERROR }, { 127, FAILURE_DEPENDENCY_ERROR },
	};

	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		struct failure_evidence ev = exited(table[i].code);

		check(NULL, 0, &ev, (struct expectation){ table[i].class, "exit_code", NULL, NULL });
	}
	{
		/* the program's own exit code outranks what its stderr mentions */
		struct failure_evidence ev = exited(75);

		ev.stderr_tail = "MemoryError\n";
		check(NULL, 0, &ev, (struct expectation){ FAILURE_TRANSIENT, "exit_code",
			"MemoryError", NULL });
	}
}

static void stderr_patterns_decide(void **state)
{
	static const struct {
		int code;
		const char *text;
		enum failure_class class;
		const char *error_type;
	} table[] = {
		{ 1, "Traceback (most recent call last):\n  File \"m.py\", line 1, in <module>\n"
		     "    import foo\nModuleNotFoundError: No module named 'foo'\n",
		  FAILURE_DEPENDENCY_ERROR, "ModuleNotFoundError" },
		{ 1, "ImportError: libfoo.so: cannot open shared object file\n",
		  FAILURE_DEPENDENCY_ERROR, "ImportError" },
		{ 1, "run.sh: line 3: model: command not found\n", FAILURE_DEPENDENCY_ERROR, "" },
		{ 1, "curl: (28) Connection timed out after 30001 milliseconds\n",
		  FAILURE_TRANSIENT, "" },
		{ 1, "ConnectionResetError: [Errno 104] Connection reset by peer\n",
		  FAILURE_TRANSIENT, "ConnectionResetError" },
		{ 1, "TimeoutError: the server did not answer\n", FAILURE_TRANSIENT, "TimeoutError" },
		{ 1, "socket.gaierror: [Errno -3] Temporary failure in name resolution\n",
		  FAILURE_TRANSIENT, "" },
		{ 1, "MemoryError\n", FAILURE_OOM, "" },
		{ 1, "OOM: scenario 7 exceeded memory limit\n", FAILURE_OOM, "" },
		{ 1, "error: Out of memory while allocating the grid\n", FAILURE_OOM, "" },
		{ 137, "run.sh: line 2:  4242 Killed  python model.py\n", FAILURE_OOM, "" },
		{ 1, "FileNotFoundError: [Errno 2] No such file or directory: 'in.csv'\n",
		  FAILURE_INPUT_ERROR, "FileNotFoundError" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		struct failure_evidence ev = exited(table[i].code);

		ev.stderr_tail = table[i].text;
		check(NULL, 0, &ev, (struct expectation){ table[i].class, "stderr", NULL,
			table[i].error_type });
	}
}

static void patterns_need_their_context(void **state)
{
	struct failure_evidence ev = exited(1);

	(void)state;
	ev.stderr_tail = "run.sh: line 2:  4242 Killed  python model.py\n";  /* not SIGKILL */
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default", NULL, NULL });
	ev.stderr_tail = "ZOOM level out of range\n";  /* OOM inside a word */
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default", NULL, NULL });
	/* the last error line decides, not one the program got over */
	ev.stderr_tail = "TimeoutError: retrying in 5 s\nretry ok\n"
			 "ModuleNotFoundError: No module named 'x'\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_DEPENDENCY_ERROR, "stderr", NULL,
		"ModuleNotFoundError" });
}

static void a_step_that_never_ended_is_a_node_failure(void **state)
{
	struct failure_evidence ev = { .exit_code = -1, .signal = -1, .oom_kill_count = -1,
				       .elapsed_s = -1, .time_limit_s = -1 };

	(void)state;
	check(NULL, 0, &ev, (struct expectation){ FAILURE_NODE_FAIL, "no_end_event",
		"NODE_FAIL: the step never ended and Slurm no longer knows the job", "" });
	ev.slurm_state = "FAILED";  /* Slurm knows it failed: not a node failure */
	ev.exit_code = 2;
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default",
		"exit code 2", NULL });
}

/* What a terminal would show of the last line, whatever the task printed:
 * after a progress bar's last \r, without colours, as valid UTF-8 (a
 * Latin-1 byte read from a log is '?', a long line is cut on a whole
 * character), and read_file_tail hands over no byte that is not UTF-8. */
static void messages_of_hostile_output(void **state)
{
	struct failure_evidence ev = exited(1);
	char long_line[1200], *dir = tmpdir_create(), path[4200], *tail;
	struct classification c;
	json_t *message;

	(void)state;
	ev.stderr_tail = " 10%\r 50%\r100%\rsolver failed\r\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default",
		"solver failed", "" });
	ev.stderr_tail = "\033[1;31mERROR\033[0m: bad \033]0;title\007input\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default",
		"ERROR: bad input", "" });
	for (size_t i = 0; i + 3 < sizeof long_line; i += 2)
		memcpy(long_line + i, "\xc3\xa9", 2);   /* é, 2 bytes each */
	long_line[sizeof long_line - 3] = 'x';       /* odd: the cut falls inside an é */
	long_line[sizeof long_line - 2] = '\n';
	long_line[sizeof long_line - 1] = '\0';
	ev.stderr_tail = long_line + 1;   /* starts with a stray continuation byte */
	assert_int_equal(classify_failure(NULL, 0, &ev, &c), 0);
	assert_non_null(message = json_string(c.message));   /* NULL: not UTF-8 */
	json_decref(message);
	assert_string_equal(c.message + strlen(c.message) - 2, "\xc3\xa9");  /* a whole é */
	classification_clear(&c);
	tmpdir_write(dir, "task.err", "caf\xe9 failed\n");
	snprintf(path, sizeof path, "%s/task.err", dir);
	assert_non_null(tail = read_file_tail(path, 1024));
	assert_string_equal(tail, "caf? failed\n");
	free(tail);
	tmpdir_remove(dir);
}

static void messages_and_error_types(void **state)
{
	struct failure_evidence ev = exited(1);

	(void)state;
	ev.stderr_tail = "Traceback (most recent call last):\n  File \"m.py\", line 9, in run\n"
			 "    raise RuntimeError(f\"scenario {n} diverged\")\n"
			 "RuntimeError: scenario 12 diverged\n\n"
			 "slurmstepd: error: task 0 exited\nsrun: error: n1: task 0: Exited\n  \n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default",
		"RuntimeError: scenario 12 diverged", "RuntimeError" });
	ev.stderr_tail = "Traceback (most recent call last):\n  File \"m.py\", line 3\n"
			 "KeyboardInterrupt\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default",
		"KeyboardInterrupt", "KeyboardInterrupt" });
	ev.stderr_tail = "numpy.linalg.LinAlgError: Singular matrix\n";
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default", NULL,
		"numpy.linalg.LinAlgError" });
	ev.stderr_tail = "warning: ignoring x\nDone: 3 of 5\n";  /* no exception */
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default",
		"Done: 3 of 5", "" });
	ev.stderr_tail = NULL;
	ev.signal = SIGSEGV;
	ev.exit_code = 139;
	check(NULL, 0, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default", NULL, "" });
}

static struct classify_rule make_rule(enum failure_class class, unsigned line)
{
	struct classify_rule r = { .class = class, .line = line };

	return r;
}

static void rule_stderr(struct classify_rule *r, const char *pattern)
{
	r->stderr_pattern = (char *)pattern;
	assert_int_equal(regcomp(&r->stderr_regex, pattern, REG_EXTENDED | REG_NOSUB), 0);
}

static void user_rules_come_first(void **state)
{
	struct classify_rule rules[4];
	struct failure_evidence ev = exited(3);
	struct classification c;

	(void)state;
	rules[0] = make_rule(FAILURE_TRANSIENT, 10);
	rules[0].slurm_state = "TIMEOUT";
	rules[1] = make_rule(FAILURE_INPUT_ERROR, 12);
	rules[1].has_exit_code = true;
	rules[1].exit_code = 3;
	rules[2] = make_rule(FAILURE_TRANSIENT, 14);
	rule_stderr(&rules[2], "[Dd]isk quota");
	rules[3] = make_rule(FAILURE_OOM, 16);
	rules[3].has_exit_code = true;
	rules[3].exit_code = 9;
	rules[3].has_signal = true;
	rules[3].signal = SIGKILL;

	ev.stderr_tail = "MemoryError\n";  /* a built-in pattern would say oom */
	check(rules, 4, &ev, (struct expectation){ FAILURE_INPUT_ERROR, "rule", "MemoryError",
		NULL });
	ev = exited(1);
	ev.slurm_state = "TIMEOUT";  /* the built-in table would say timeout */
	check(rules, 4, &ev, (struct expectation){ FAILURE_TRANSIENT, "rule", NULL, NULL });
	ev = exited(1);
	ev.slurm_output_tail = "write failed: Disk quota exceeded\n";
	check(rules, 4, &ev, (struct expectation){ FAILURE_TRANSIENT, "rule", NULL, NULL });
	ev = exited(9);  /* exit code matches, signal does not: every matcher must */
	check(rules, 4, &ev, (struct expectation){ FAILURE_RUNTIME_ERROR, "default", NULL, NULL });
	ev.signal = SIGKILL;
	assert_int_equal(classify_failure(rules, 4, &ev, &c), 0);
	assert_int_equal(c.failure_class, FAILURE_OOM);
	assert_int_equal(json_integer_value(json_object_get(c.evidence, "rule_line")), 16);
	classification_clear(&c);
	regfree(&rules[2].stderr_regex);
}

static void the_evidence_is_kept(void **state)
{
	struct failure_evidence ev = exited(1);
	struct classification c;

	(void)state;
	ev.slurm_state = "OUT_OF_MEMORY";
	ev.slurm_reason = "OutOfMemory";
	ev.oom_kill_count = 1;
	assert_int_equal(classify_failure(NULL, 0, &ev, &c), 0);
	assert_string_equal(json_string_value(json_object_get(c.evidence, "decided_by")),
			    "slurm_state");
	assert_string_equal(json_string_value(json_object_get(c.evidence, "matched")),
			    "OUT_OF_MEMORY");
	assert_string_equal(json_string_value(json_object_get(c.evidence, "slurm_reason")),
			    "OutOfMemory");
	assert_int_equal(json_integer_value(json_object_get(c.evidence, "oom_kill_count")), 1);
	assert_int_equal(json_integer_value(json_object_get(c.evidence, "exit_code")), 1);
	assert_true(json_is_true(json_object_get(c.evidence, "end_event")));
	classification_clear(&c);
}

static void log_tails(void **state)
{
	char *tail;

	(void)state;
	tail = traceback_tail("a\nb\nc\n");
	assert_string_equal(tail, "a\nb\nc");
	free(tail);
	assert_null(traceback_tail(NULL));
	assert_true(line_is_noise("   \t", 4));
	assert_true(line_is_noise("slurmstepd: error: x", 20));
	assert_false(line_is_noise("OOM: x", 6));
}

/* A long log is read from its end, from a whole line on; NULs do not cut it. */
static void long_logs_are_read_from_the_end(void **state)
{
	char *dir = tmpdir_create(), path[4200], *tail, *slurm;
	FILE *file;

	(void)state;
	snprintf(path, sizeof path, "%s/model-3.2.err", dir);
	file = fopen(path, "w");
	for (int i = 0; i < 10000; i++)
		fprintf(file, "progress line %05d\n", i);
	fputc('\0', file);
	fputs("MemoryError: grid too large\n", file);
	fclose(file);
	tail = read_file_tail(path, FAILURE_TAIL_MAX);
	assert_non_null(tail);
	assert_true(strlen(tail) <= FAILURE_TAIL_MAX);
	assert_true(!strncmp(tail, "progress line ", 14));
	assert_non_null(strstr(tail, "MemoryError: grid too large"));
	free(tail);
	tmpdir_write(dir, "run/logs/model-3.2.err", "x\n");
	tmpdir_write(dir, "run/logs/slurm-77_3.out", "banner\n");
	snprintf(path, sizeof path, "%s/run", dir);
	attempt_logs_read(path, 0, "model", 3, 2, 77, 3, &tail, &slurm);  /* layout 1 */
	assert_string_equal(tail, "x\n");
	assert_string_equal(slurm, "banner\n");
	free(tail);
	free(slurm);
	attempt_logs_read(path, 0, "model", 4, 1, -1, -1, &tail, &slurm);
	assert_null(tail);
	assert_null(slurm);
	/* layout 2: index 1003 ran as task 2 of a chunk at offset 1001 */
	tmpdir_write(dir, "run/logs/tasks/model/1/model-1003.2.err", "fanned\n");
	tmpdir_write(dir, "run/logs/slurm/model/1001/slurm-77_2.out", "fanned banner\n");
	attempt_logs_read(path, RUN_LAYOUT_FANNED, "model", 1003, 2, 77, 2, &tail, &slurm);
	assert_string_equal(tail, "fanned\n");
	assert_string_equal(slurm, "fanned banner\n");
	free(tail);
	free(slurm);
	attempt_logs_read(path, RUN_LAYOUT_FANNED, "model", 3, 2, 77, 3, &tail, &slurm);
	assert_null(tail);   /* a layout 1 file is not where layout 2 looks */
	assert_null(slurm);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slurm_states_decide),
		cmocka_unit_test(the_end_event_decides),
		cmocka_unit_test(slurmstepd_banners_decide),
		cmocka_unit_test(exit_codes_decide),
		cmocka_unit_test(stderr_patterns_decide),
		cmocka_unit_test(patterns_need_their_context),
		cmocka_unit_test(a_step_that_never_ended_is_a_node_failure),
		cmocka_unit_test(messages_and_error_types),
		cmocka_unit_test(messages_of_hostile_output),
		cmocka_unit_test(user_rules_come_first),
		cmocka_unit_test(the_evidence_is_kept),
		cmocka_unit_test(log_tails),
		cmocka_unit_test(long_logs_are_read_from_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
