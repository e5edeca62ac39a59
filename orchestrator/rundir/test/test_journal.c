/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journal.jsonl: intents before sbatch, answers after; replay after a crash
 * tells submitted chunks (with job ids) from uncertain ones, and the writer
 * refuses to submit a chunk twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "rundir/journal.h"
#include "test/tmpdir.h"

static const struct plan_task tasks[] = { { 7, 2 }, { 14, 2 }, { 21, 3 } };

static struct journal_intent chunk_intent(const char *wave, const char *group, size_t offset)
{
	struct journal_intent in = {
		.wave = wave, .group = group, .component = "model", .offset = offset,
		.array = "7,14,21", .tasks = tasks, .n_tasks = 3,
		.resources = { 2, 4096ull << 20, 3600 }, .begin_delay_s = 30,
	};

	return in;
}

static struct journal *open_journal(const char *dir)
{
	struct journal *j;
	struct error err;

	if (journal_open(dir, &j, &err) != 0)
		fail_msg("%s", err.text);
	return j;
}

static void intent_then_answer_replays(void **state)
{
	char *dir = tmpdir_create(), key[JOURNAL_KEY_MAX];
	struct journal_intent in = chunk_intent("w002", "model", 0);
	struct journal *j = open_journal(dir);
	const struct journal_submission *s;
	struct journal_replay r;
	struct error err;

	(void)state;
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	assert_string_equal(key, "w002/model/0");
	assert_int_equal(journal_submitted(j, key, 4242, &err), 0);
	assert_int_equal(journal_wave_done(j, "w002", &err), 0);
	journal_close(j);
	assert_int_equal(tmpdir_count_lines(dir, "journal.jsonl"), 3);

	assert_int_equal(journal_replay(dir, &r, &err), 0);
	assert_int_equal(r.count, 1);
	s = journal_find(&r, "w002/model/0");
	assert_non_null(s);
	assert_int_equal(s->state, JOURNAL_SUBMITTED);
	assert_int_equal(s->job_id, 4242);
	assert_string_equal(s->component, "model");
	assert_string_equal(s->array, "7,14,21");
	assert_int_equal(s->n_tasks, 3);
	assert_int_equal(s->tasks[2].index, 21);
	assert_int_equal(s->tasks[2].attempt, 3);
	assert_int_equal(s->resources.memory_bytes, 4096ull << 20);
	assert_int_equal(s->begin_delay_s, 30);
	assert_true(journal_wave_is_done(&r, "w002"));
	assert_false(journal_wave_is_done(&r, "w001"));
	assert_int_equal(r.last_wave, 2);
	assert_int_equal(r.skipped_lines, 0);
	journal_replay_free(&r);
	tmpdir_remove(dir);
}

/* kill -9 between the intent and sbatch's answer, in another process. */
static void an_intent_without_answer_is_uncertain(void **state)
{
	char *dir = tmpdir_create(), key[JOURNAL_KEY_MAX];
	struct journal_intent in = chunk_intent("w001", "model", 1001);
	const struct journal_submission **uncertain;
	struct journal *j;
	struct error err;
	int status;
	pid_t child;

	(void)state;
	child = fork();
	if (child == 0) {
		struct journal *mine;

		if (journal_open(dir, &mine, &err) != 0 ||
		    journal_intent(mine, &in, key, &err) != 0)
			_exit(1);
		_exit(0);  /* never answers: sbatch's reply was lost */
	}
	waitpid(child, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	j = open_journal(dir);
	assert_int_equal(journal_uncertain(journal_state(j), &uncertain), 1);
	assert_string_equal(uncertain[0]->key, "w001/model/1001");
	free(uncertain);
	/* it may be queued: no second intent until Slurm has been asked */
	assert_int_equal(journal_intent(j, &in, key, &err), -1);
	assert_non_null(strstr(err.text, "may already be queued"));
	/* Slurm has no job with that key: absent, and it can go again */
	assert_int_equal(journal_absent(j, "w001/model/1001", &err), 0);
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	assert_int_equal(journal_submitted(j, key, 99, &err), 0);
	assert_int_equal(journal_uncertain(journal_state(j), &uncertain), 0);
	free(uncertain);
	journal_close(j);
	tmpdir_remove(dir);
}

static void a_submitted_chunk_is_never_submitted_again(void **state)
{
	char *dir = tmpdir_create(), key[JOURNAL_KEY_MAX];
	struct journal_intent in = chunk_intent("w001", "model", 0);
	struct journal *j = open_journal(dir);
	struct error err;

	(void)state;
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	assert_int_equal(journal_submitted(j, key, 17, &err), 0);
	journal_close(j);
	j = open_journal(dir);  /* after a restart too */
	assert_int_equal(journal_intent(j, &in, key, &err), -1);
	assert_non_null(strstr(err.text, "already submitted as job 17"));
	/* another chunk of the same wave is fine */
	in.offset = 1001;
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	journal_close(j);
	tmpdir_remove(dir);
}

static void a_refused_submission_may_be_retried(void **state)
{
	char *dir = tmpdir_create(), key[JOURNAL_KEY_MAX];
	struct journal_intent in = chunk_intent("w001", "model", 0);
	struct journal *j = open_journal(dir);
	const struct journal_submission *s;
	struct error err;

	(void)state;
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	assert_int_equal(journal_submit_failed(j, key, "sbatch: error: invalid partition", &err), 0);
	s = journal_find(journal_state(j), key);
	assert_int_equal(s->state, JOURNAL_SUBMIT_FAILED);
	assert_string_equal(s->error, "sbatch: error: invalid partition");
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	assert_int_equal(journal_find(journal_state(j), key)->state, JOURNAL_UNCERTAIN);
	assert_int_equal(journal_submitted(j, "w009/model/0", 3, &err), -1);  /* no intent */
	assert_non_null(strstr(err.text, "no intent for chunk w009/model/0"));
	assert_int_equal(journal_closed(j, "failed", &err), 0);
	assert_true(journal_state(j)->closed);
	assert_string_equal(journal_state(j)->closed_status, "failed");
	journal_close(j);
	tmpdir_remove(dir);
}

/* A chunk refused for a limit is deferred: replayed as such, intended
 * again under the same key, and submitted once. */
static void a_deferred_chunk_keeps_its_key(void **state)
{
	char *dir = tmpdir_create(), key[JOURNAL_KEY_MAX], again[JOURNAL_KEY_MAX];
	struct journal_intent in = chunk_intent("w001", "model", 1000);
	struct journal *j = open_journal(dir);
	struct journal_replay r;
	struct error err;

	(void)state;
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	assert_int_equal(journal_deferred(j, key, "QOSMaxSubmitJobPerUserLimit", &err), 0);
	journal_close(j);
	assert_int_equal(journal_replay(dir, &r, &err), 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.submissions[0].state, JOURNAL_DEFERRED);
	assert_string_equal(r.submissions[0].error, "QOSMaxSubmitJobPerUserLimit");
	assert_int_equal(r.skipped_lines, 0);
	journal_replay_free(&r);
	j = open_journal(dir);
	assert_int_equal(journal_intent(j, &in, again, &err), 0);
	assert_string_equal(key, again);
	assert_int_equal(journal_submitted(j, again, 77, &err), 0);
	assert_int_equal(journal_state(j)->count, 1);
	assert_int_equal(journal_intent(j, &in, again, &err), -1);
	journal_close(j);
	tmpdir_remove(dir);
}

static void a_torn_record_is_skipped_and_cut(void **state)
{
	char *dir = tmpdir_create(), key[JOURNAL_KEY_MAX], path[4096];
	struct journal_intent in = chunk_intent("w001", "model", 0);
	struct journal *j = open_journal(dir);
	struct journal_replay r;
	struct error err;
	FILE *file;

	(void)state;
	assert_int_equal(journal_intent(j, &in, key, &err), 0);
	journal_close(j);
	snprintf(path, sizeof path, "%s/journal.jsonl", dir);
	file = fopen(path, "a");
	fputs("{\"event_type\":\"journal\",\"record\":\"submitted\",\"key\":\"w001/mo", file);
	fclose(file);
	assert_int_equal(journal_replay(dir, &r, &err), 0);
	assert_int_equal(r.skipped_lines, 1);
	assert_int_equal(r.submissions[0].state, JOURNAL_UNCERTAIN);
	journal_replay_free(&r);
	j = open_journal(dir);
	assert_int_equal(journal_submitted(j, key, 5, &err), 0);
	journal_close(j);
	assert_int_equal(tmpdir_count_lines(dir, "journal.jsonl"), 2);
	assert_int_equal(journal_replay(dir, &r, &err), 0);
	assert_int_equal(r.skipped_lines, 0);
	assert_int_equal(r.submissions[0].job_id, 5);
	journal_replay_free(&r);
	tmpdir_remove(dir);
}

/* A packed chunk's intent says how many scenarios an array task runs; an
 * unpacked one says nothing and reads back as 1. */
static void a_packed_intent_keeps_its_pack(void **state)
{
	char *dir = tmpdir_create(), key[JOURNAL_KEY_MAX], *text;
	struct journal_intent packed = chunk_intent("w001", "model", 0), plain = packed;
	struct journal *j = open_journal(dir);
	struct journal_replay r;
	struct error err;

	(void)state;
	packed.pack = 2;
	packed.array = "0-1";
	plain.group = "other";
	assert_int_equal(journal_intent(j, &packed, key, &err), 0);
	assert_int_equal(journal_intent(j, &plain, key, &err), 0);
	assert_int_equal(journal_state(j)->submissions[0].pack, 2);
	journal_close(j);
	text = tmpdir_read(dir, "journal.jsonl");
	assert_non_null(strstr(text, "\"pack\":2"));
	assert_null(strstr(strchr(text, '\n') + 1, "\"pack\""));
	assert_int_equal(journal_replay(dir, &r, &err), 0);
	assert_int_equal(journal_find(&r, "w001/model/0")->pack, 2);
	assert_int_equal(journal_find(&r, "w001/other/0")->pack, 1);
	journal_replay_free(&r);
	free(text);
	tmpdir_remove(dir);
}

/* Chunk keys and comments: plan/test/test_job_naming.c. */
static void wave_names(void **state)
{
	char buf[JOURNAL_KEY_MAX];

	(void)state;
	journal_wave_name(3, buf, sizeof buf);
	assert_string_equal(buf, "w003");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intent_then_answer_replays),
		cmocka_unit_test(an_intent_without_answer_is_uncertain),
		cmocka_unit_test(a_submitted_chunk_is_never_submitted_again),
		cmocka_unit_test(a_refused_submission_may_be_retried),
		cmocka_unit_test(a_deferred_chunk_keeps_its_key),
		cmocka_unit_test(a_torn_record_is_skipped_and_cut),
		cmocka_unit_test(a_packed_intent_keeps_its_pack),
		cmocka_unit_test(wave_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
