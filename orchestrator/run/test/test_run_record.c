/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.json: its fields, written atomically (a failed write leaves the old
 * file whole), read back, closed with a summary; the manifest lock (same
 * for the same config however formatted, different when a value or a
 * template changes); and the files a run starts with. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rundir/manifest_digest.h"
#include "testing/orch_helpers.h"
#include "plan/log_paths.h"
#include "plan/plan.h"
#include "rundir/run_dir.h"
#include "rundir/run_record.h"
#include "run/run_start.h"
#include "test/tmpdir.h"

static const char config_yaml[] =
	"# a sweep\n"
	"version: 1\n"
	"project: energy\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model:\n"
	"    template: model.sbatch.tmpl\n"
	"    memory: 16G\n"
	"    cpus: 2\n"
	"scenarios:\n"
	"  matrix:\n"
	"    region: [north, south]\n"
	"    year: [2030, 2040]\n";

/* The same config: other comments, key order, quoting and size spelling. */
static const char same_config_yaml[] =
	"project: \"energy\"\n"
	"version: 1\n"
	"scenarios:\n"
	"  matrix: {region: [north, south], year: ['2030', '2040']}\n"
	"components:\n"
	"  model: {cpus: 2, memory: 16384M, template: model.sbatch.tmpl}\n"
	"targets:\n"
	"  here:\n"
	"    provider: local\n";

static const char template_text[] =
	"#!/bin/bash\n#SBATCH --job-name=model\npython model.py {{ region }} {{ year }}\n";

static struct run_record sample_record(void)
{
	struct run_record r = { 0 };

	r.run_id = strdup("run-20260101T000000Z-energy-0badcafe");
	r.project_name = strdup("energy");
	r.target_name = strdup("hpc");
	r.provider_name = strdup("slurm");
	r.source_manifest_path = strdup("/home/u/energy/scalable.yaml");
	memset(r.manifest_digest, 'a', 64);
	r.manifest_lock_version = MANIFEST_DIGEST_VERSION;
	r.layout = 2;
	strcpy(r.started_at, "2026-01-01T00:00:00.000Z");
	r.status = RUN_STATUS_RUNNING;
	return r;
}

static json_t *load_json(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return json_load_file(path, 0, NULL);
}

static void run_json_has_the_contract_fields(void **state)
{
	static const char *const fields[] = {
		"event_type", "schema_version", "run_id", "project_name", "target_name",
		"provider_name", "manifest_lock", "manifest_lock_version", "layout",
		"source_manifest_path", "started_at",
		"finished_at", "status", "summary", "producer",
	};
	char *dir = tmpdir_create();
	struct run_record r = sample_record(), back;
	struct error err;
	json_t *json;

	(void)state;
	assert_int_equal(run_record_write(dir, &r, &err), 0);
	json = load_json(dir, "run.json");
	assert_non_null(json);
	assert_int_equal(json_object_size(json), sizeof fields / sizeof fields[0]);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		assert_non_null(json_object_get(json, fields[i]));
	assert_int_equal(json_integer_value(json_object_get(json, "schema_version")),
			 RUN_SCHEMA_VERSION);
	assert_string_equal(json_string_value(json_object_get(json, "status")), "running");
	assert_true(json_is_null(json_object_get(json, "finished_at")));
	assert_true(json_is_null(json_object_get(json, "summary")));
	json_decref(json);
	assert_int_equal(run_record_read(dir, &back, &err), 0);
	assert_string_equal(back.run_id, r.run_id);
	assert_string_equal(back.manifest_digest, r.manifest_digest);
	assert_int_equal(back.manifest_lock_version, MANIFEST_DIGEST_VERSION);
	assert_int_equal(back.layout, 2);
	assert_string_equal(back.finished_at, "");
	assert_int_equal(back.status, RUN_STATUS_RUNNING);
	run_record_clear(&back);
	run_record_clear(&r);
	tmpdir_remove(dir);
}

static void closing_adds_the_summary_and_the_end(void **state)
{
	char *dir = tmpdir_create();
	struct run_record r = sample_record(), back;
	struct error err;

	(void)state;
	assert_int_equal(run_record_write(dir, &r, &err), 0);
	assert_int_equal(run_record_close(dir, &r, RUN_STATUS_FAILED,
					  json_pack("{s:i}", "tasks", 3), &err), 0);
	assert_int_equal(run_record_read(dir, &back, &err), 0);
	assert_int_equal(back.status, RUN_STATUS_FAILED);
	assert_int_equal(strlen(back.finished_at), 24);
	assert_int_equal(json_integer_value(json_object_get(back.summary, "tasks")), 3);
	run_record_clear(&back);
	run_record_clear(&r);
	tmpdir_remove(dir);
}

/* A write that cannot finish leaves the previous run.json as it was. */
static void a_failed_write_leaves_the_old_file(void **state)
{
	char *dir = tmpdir_create(), *before, *after, tmp[4096];
	struct run_record r = sample_record();
	struct error err;

	(void)state;
	assert_int_equal(run_record_write(dir, &r, &err), 0);
	before = tmpdir_read(dir, "run.json");
	snprintf(tmp, sizeof tmp, "%s/run.json.tmp", dir);
	assert_int_equal(mkdir(tmp, 0755), 0);  /* the temporary file cannot be made */
	r.status = RUN_STATUS_COMPLETED;
	assert_int_equal(run_record_write(dir, &r, &err), -1);
	assert_non_null(strstr(err.text, "run.json"));
	after = tmpdir_read(dir, "run.json");
	assert_string_equal(before, after);
	rmdir(tmp);
	assert_int_equal(run_record_write(dir, &r, &err), 0);
	assert_int_equal(access(tmp, F_OK), -1);  /* no temporary file left behind */
	free(before);
	free(after);
	run_record_clear(&r);
	tmpdir_remove(dir);
}

static void a_broken_run_json_is_reported(void **state)
{
	char *dir = tmpdir_create();
	struct run_record r;
	struct error err;

	(void)state;
	assert_int_equal(run_record_read(dir, &r, &err), -1);
	assert_non_null(strstr(err.text, "run.json"));
	tmpdir_write(dir, "run.json", "{\"run_id\": 3}");
	assert_int_equal(run_record_read(dir, &r, &err), -1);
	assert_non_null(strstr(err.text, "missing or has the wrong type"));
	tmpdir_write(dir, "run.json", "{\"run_id\": ");
	assert_int_equal(run_record_read(dir, &r, &err), -1);
	assert_non_null(strstr(err.text, "run.json:1:"));
	tmpdir_remove(dir);
}

/* A run.json from before manifest_lock_version: its lock is of version 1.
 * A version that is not a positive integer is refused. */
static void the_manifest_lock_version_defaults_to_1(void **state)
{
	char *dir = tmpdir_create(), *text, *edited;
	struct run_record r = sample_record(), back;
	struct error err;
	json_t *json;

	(void)state;
	r.manifest_lock_version = 0;  /* not set: not written */
	assert_int_equal(run_record_write(dir, &r, &err), 0);
	text = tmpdir_read(dir, "run.json");
	assert_null(strstr(text, "manifest_lock_version"));
	assert_int_equal(run_record_read(dir, &back, &err), 0);
	assert_int_equal(back.manifest_lock_version, 1);
	run_record_clear(&back);
	json = json_loads(text, 0, NULL);
	json_object_set_new(json, "manifest_lock_version", json_string("1"));
	edited = json_dumps(json, 0);
	tmpdir_write(dir, "run.json", edited);
	assert_int_equal(run_record_read(dir, &back, &err), -1);
	assert_non_null(strstr(err.text, "missing or has the wrong type"));
	free(edited);
	json_decref(json);
	free(text);
	run_record_clear(&r);
	tmpdir_remove(dir);
}

/* A run.json from before layouts were versioned has none: layout 1. */
static void a_run_without_a_layout_is_of_layout_1(void **state)
{
	char *dir = tmpdir_create(), *text;
	struct run_record r = sample_record(), back;
	struct error err;

	(void)state;
	r.layout = 0;
	assert_int_equal(run_record_write(dir, &r, &err), 0);
	text = tmpdir_read(dir, "run.json");
	assert_null(strstr(text, "layout"));
	assert_int_equal(run_record_read(dir, &back, &err), 0);
	assert_int_equal(back.layout, 0);
	assert_int_equal(run_layout_of(back.layout), RUN_LAYOUT_FLAT);
	run_record_clear(&back);
	free(text);
	run_record_clear(&r);
	tmpdir_remove(dir);
}

static void lock_of(const char *yaml, const char *template, char hex[SHA256_HEX_SIZE])
{
	char *dir = tmpdir_create();
	struct config *config;
	struct error err;

	tmpdir_write(dir, "model.sbatch.tmpl", template);
	config = load_config_text(dir, yaml);
	if (manifest_digest(config, hex, &err) != 0)
		fail_msg("manifest_digest: %s", err.text);
	config_free(config);
	tmpdir_remove(dir);
}

static void the_manifest_digest_ignores_formatting_only(void **state)
{
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE], c[SHA256_HEX_SIZE], d[SHA256_HEX_SIZE];
	char *changed = strdup(config_yaml);

	(void)state;
	lock_of(config_yaml, template_text, a);
	assert_int_equal(strlen(a), 64);
	lock_of(same_config_yaml, template_text, b);
	assert_string_equal(a, b);
	*strstr(changed, "2040") = '3';  /* year 3040: another scenario */
	lock_of(changed, template_text, c);
	assert_string_not_equal(a, c);
	lock_of(config_yaml, "#!/bin/bash\npython model.py {{ region }} {{ year }} --fast\n", d);
	assert_string_not_equal(a, d);
	free(changed);
}

static void the_canonical_manifest_is_sorted_and_compact(void **state)
{
	char *dir = tmpdir_create(), *text;
	struct config *config;
	struct error err;
	json_t *manifest;

	(void)state;
	tmpdir_write(dir, "model.sbatch.tmpl", template_text);
	config = load_config_text(dir, config_yaml);
	manifest = manifest_canonical_json(config, &err);
	assert_non_null(manifest);
	text = json_dumps(manifest, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(strstr(text, "{\"ai\":{"));
	assert_non_null(strstr(text, "\"memory_bytes\":17179869184"));
	assert_non_null(strstr(text, "\"kind\":\"matrix\""));
	assert_null(strstr(text, "scalable.yaml"));  /* where the file lives is not in it */
	free(text);
	json_decref(manifest);
	config_free(config);
	tmpdir_remove(dir);
}

/* The permission bits of dir/name ("" for dir itself). */
static mode_t mode_of(const char *dir, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s%s%s", dir, *name ? "/" : "", name);
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* The mode of manifest.yaml in a new run of config_yaml + extra. */
static mode_t manifest_mode_with(const char *extra)
{
	char *dir = tmpdir_create(), *root, *text;
	struct run_record record;
	struct run_dir *run;
	struct config *config;
	struct error err;
	mode_t mode;

	umask(022);
	tmpdir_write(dir, "model.sbatch.tmpl", template_text);
	assert_true(asprintf(&text, "%s%s", config_yaml, extra) > 0);
	config = load_config_text(dir, text);
	assert_true(asprintf(&root, "%s/runs", dir) > 0);
	assert_int_equal(run_dir_create(root, config->project, "run", &run, &err), 0);
	if (run_start_files(run, config, config_target(config, NULL), NULL, &record, &err) != 0)
		fail_msg("%s", err.text);
	mode = mode_of(run->path, "manifest.yaml");
	run_record_clear(&record);
	run_dir_free(run);
	config_free(config);
	free(root);
	free(text);
	tmpdir_remove(dir);
	return mode;
}

/* A webhook's URL or where the AI key is: for the owner's eyes only. */
static void a_manifest_with_a_webhook_or_ai_is_private(void **state)
{
	(void)state;
	assert_int_equal(manifest_mode_with("notify: {webhook: \"https://hooks.example/T0/B0/x\"}\n"),
			 0600);
	assert_int_equal(manifest_mode_with("ai: {url: \"https://ai.example/v1\", model: m, "
					    "api_key_env: MY_KEY}\n"), 0600);
	assert_int_equal(manifest_mode_with(""), 0644);
}

static void a_run_starts_with_its_files(void **state)
{
	char *dir = tmpdir_create(), *root, *copy;
	struct plan_options options = { .wave = "w001", .max_array_size = 1001 };
	struct run_record record, back;
	struct plan *plan;
	struct run_dir *run;
	struct config *config;
	struct error err;
	char lock[SHA256_HEX_SIZE], plan_path[4200];

	(void)state;
	umask(022);
	tmpdir_write(dir, "model.sbatch.tmpl", template_text);
	config = load_config_text(dir, config_yaml);
	assert_true(asprintf(&root, "%s/runs", dir) > 0);
	assert_int_equal(run_dir_create(root, config->project, "run", &run, &err), 0);
	options.target = config_target(config, NULL);
	options.run_dir = run->path;
	options.run_id = run->id;
	assert_int_equal(plan_initial(config, &options, &plan, &err), 0);
	if (run_start_files(run, config, options.target, plan, &record, &err) != 0)
		fail_msg("%s", err.text);
	copy = tmpdir_read(run->path, "manifest.yaml");
	assert_string_equal(copy, config_yaml);
	assert_int_equal(mode_of(root, ""), 0700);              /* made private */
	assert_int_equal(mode_of(run->path, "manifest.yaml"), 0644);  /* nothing secret */
	assert_int_equal(tmpdir_count_lines(run->path, "scenarios.jsonl"), 4);
	snprintf(plan_path, sizeof plan_path, "%s/plan.json", run->path);
	assert_int_equal(access(plan_path, F_OK), 0);
	assert_int_equal(run_record_read(run->path, &back, &err), 0);
	assert_string_equal(back.run_id, run->id);
	assert_string_equal(back.project_name, "energy");
	assert_string_equal(back.target_name, "here");
	assert_string_equal(back.provider_name, "local");
	assert_int_equal(back.status, RUN_STATUS_RUNNING);
	assert_non_null(strstr(back.source_manifest_path, "/scalable.yaml"));
	assert_int_equal(manifest_digest(config, lock, &err), 0);
	assert_string_equal(back.manifest_digest, lock);
	assert_int_equal(back.manifest_lock_version, MANIFEST_DIGEST_VERSION);
	run_record_clear(&back);
	run_record_clear(&record);
	free(copy);
	plan_free(plan);
	run_dir_free(run);
	config_free(config);
	free(root);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_json_has_the_contract_fields),
		cmocka_unit_test(closing_adds_the_summary_and_the_end),
		cmocka_unit_test(a_failed_write_leaves_the_old_file),
		cmocka_unit_test(a_broken_run_json_is_reported),
		cmocka_unit_test(the_manifest_lock_version_defaults_to_1),
		cmocka_unit_test(a_run_without_a_layout_is_of_layout_1),
		cmocka_unit_test(the_manifest_digest_ignores_formatting_only),
		cmocka_unit_test(the_canonical_manifest_is_sorted_and_compact),
		cmocka_unit_test(a_run_starts_with_its_files),
		cmocka_unit_test(a_manifest_with_a_webhook_or_ai_is_private),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
