/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manifest digest pinned: a fixed config (this YAML, this template,
 * these scenarios) has one canonical manifest and one digest, asserted
 * literally, so a change of the code that would change the manifest_lock of
 * every existing run cannot pass unnoticed.
 *
 * If a test here fails, the change moved every run's digest: a re-attached
 * run (`watch`, `resume`) would take its config for changed. Either undo it,
 * or make it on purpose: bump MANIFEST_DIGEST_VERSION, add the migration,
 * and pin the new values (docs/run-directory.md, "Versions of the digest
 * and the cache key", says how). The canonical text is pinned beside the
 * digest so that a reviewer sees what moved. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rundir/manifest_digest.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

static const char pinned_yaml[] =
	"version: 1\n"
	"project: pinned\n"
	"targets:\n"
	"  hpc:\n"
	"    provider: slurm\n"
	"    partition: batch\n"
	"    account: climate\n"
	"    walltime: \"04:00:00\"\n"
	"    throttle: 50\n"
	"    sbatch_options: [--constraint=avx2]\n"
	"  laptop:\n"
	"    provider: local\n"
	"    local: {concurrency: 4, memory: 8G}\n"
	"default_target: hpc\n"
	"components:\n"
	"  model:\n"
	"    template: model.sbatch.tmpl\n"
	"    command: ./simulate --region {{ region }} --year {{ year }}\n"
	"    setup: [module load python/3.11]\n"
	"    env: {OMP_NUM_THREADS: \"4\"}\n"
	"    cpus: 4\n"
	"    memory: 16G\n"
	"    walltime: \"02:00:00\"\n"
	"    cache: true\n"
	"    inputs: [data/demand.csv]\n"
	"  report: {command: echo report, cache: true}\n"
	"scenarios:\n"
	"  matrix:\n"
	"    region: [north, south]\n"
	"    year: [2030, 2040]\n"
	"retry:\n"
	"  oom: {max_attempts: 2, memory_cap: 64G}\n"
	"classify:\n"
	"  - {class: input_error, exit_code: 3}\n";

static const char pinned_template[] =
	"#!/bin/bash\n#SBATCH --job-name={{ component }}\n{{ setup }}\n{{ command }}\n";

/* The canonical manifest of pinned_yaml, as manifest_digest hashes it. */
static const char pinned_canonical[] =
	"{\"ai\":{\"api_key_env\":null,\"api_key_file\":null,\"model\":null,\"timeout_s\":60,"
	"\"url\":null},\"classify\":[{\"class\":\"input_error\",\"exit_code\":3,"
	"\"slurm_state\":null,\"stderr\":null}],\"components\":[{\"cache\":true,"
	"\"command\":\"./simulate --region {{ region }} --year {{ year }}\",\"cpus\":4,"
	"\"env\":[[\"OMP_NUM_THREADS\",\"4\"]],\"inputs\":[\"data/demand.csv\"],"
	"\"memory_bytes\":17179869184,\"name\":\"model\",\"setup\":[\"module load python/3.11\"],"
	"\"template_sha256\":\"256a2d0d4cfa12ea2383254dd143f1e08eab2843a015525c6103f91aa5e237ad\","
	"\"walltime_s\":7200},{\"cache\":true,\"command\":\"echo report\",\"cpus\":1,\"env\":[],"
	"\"inputs\":[],\"memory_bytes\":0,\"name\":\"report\",\"setup\":[],"
	"\"template_sha256\":\"default\",\"walltime_s\":0}],\"default_target\":\"hpc\","
	"\"manifest_schema_version\":1,\"notify\":{\"timeout_s\":10,\"webhook\":null},"
	"\"project\":\"pinned\",\"retry\":{\"dependency_error\":{\"backoff\":{\"factor\":2.0,"
	"\"initial_s\":0,\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":1,"
	"\"memory_cap_bytes\":0,\"memory_factor\":1.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":1.0},\"input_error\":{\"backoff\":{\"factor\":2.0,\"initial_s\":0,"
	"\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":1,"
	"\"memory_cap_bytes\":0,\"memory_factor\":1.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":1.0},\"node_fail\":{\"backoff\":{\"factor\":2.0,\"initial_s\":60,"
	"\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":3,"
	"\"memory_cap_bytes\":0,\"memory_factor\":1.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":1.0},\"oom\":{\"backoff\":{\"factor\":2.0,\"initial_s\":0,"
	"\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":2,"
	"\"memory_cap_bytes\":68719476736,\"memory_factor\":2.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":1.0},\"preempted\":{\"backoff\":{\"factor\":2.0,\"initial_s\":60,"
	"\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":0,"
	"\"memory_cap_bytes\":0,\"memory_factor\":1.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":1.0},\"runtime_error\":{\"backoff\":{\"factor\":2.0,\"initial_s\":0,"
	"\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":1,"
	"\"memory_cap_bytes\":0,\"memory_factor\":1.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":1.0},\"timeout\":{\"backoff\":{\"factor\":2.0,\"initial_s\":0,"
	"\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":3,"
	"\"memory_cap_bytes\":0,\"memory_factor\":1.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":2.0},\"transient\":{\"backoff\":{\"factor\":2.0,\"initial_s\":30,"
	"\"jitter\":0.10000000000000001,\"max_s\":3600},\"max_attempts\":4,"
	"\"memory_cap_bytes\":0,\"memory_factor\":1.0,\"walltime_cap_s\":0,"
	"\"walltime_factor\":1.0}},\"scenarios\":{\"count\":4,\"kind\":\"matrix\","
	"\"parameters\":[\"region\",\"year\"],"
	"\"sha256\":\"6e34b0888b9735901be0f2528277ccec7205e69deca36658da47ac2880961452\"},"
	"\"targets\":[{\"account\":\"climate\",\"local_concurrency\":0,\"local_memory_bytes\":0,"
	"\"max_array_size\":0,\"name\":\"hpc\",\"partition\":\"batch\",\"poll_interval_s\":30,"
	"\"provider\":\"slurm\",\"qos\":null,\"requeue\":false,"
	"\"sbatch_options\":[\"--constraint=avx2\"],\"throttle\":50,\"walltime_s\":14400},"
	"{\"account\":null,\"local_concurrency\":4,\"local_memory_bytes\":8589934592,"
	"\"max_array_size\":0,\"name\":\"laptop\",\"partition\":null,\"poll_interval_s\":30,"
	"\"provider\":\"local\",\"qos\":null,\"requeue\":false,\"sbatch_options\":[],"
	"\"throttle\":0,\"walltime_s\":0}],\"version\":1}";

/* Its sha256: run.json's manifest_lock for this config. */
static const char pinned_digest[] =
	"d1e8371ad11dc14c167ad1c33b59a0aa91d0137612b06af221de0559cebd1ff4";

static struct config *load_pinned(char **dir)
{
	*dir = tmpdir_create();
	tmpdir_write(*dir, "model.sbatch.tmpl", pinned_template);
	return load_config_text(*dir, pinned_yaml);
}

static void the_canonical_manifest_is_pinned(void **state)
{
	char *dir, *text;
	struct config *config = load_pinned(&dir);
	struct error err;
	json_t *manifest;

	(void)state;
	manifest = manifest_canonical_json(config, &err);
	if (!manifest)
		fail_msg("manifest_canonical_json: %s", err.text);
	text = json_dumps(manifest, JSON_COMPACT | JSON_SORT_KEYS);
	/* If this changes, bump MANIFEST_DIGEST_VERSION, add the migration and pin
	 * the new text with the new version (docs/run-directory.md says how). */
	assert_int_equal(MANIFEST_DIGEST_VERSION, 1);
	assert_string_equal(text, pinned_canonical);
	free(text);
	json_decref(manifest);
	config_free(config);
	tmpdir_remove(dir);
}

static void the_manifest_digest_is_pinned(void **state)
{
	char *dir, hex[SHA256_HEX_SIZE];
	struct config *config = load_pinned(&dir);
	struct error err;

	(void)state;
	if (manifest_digest(config, hex, &err) != 0)
		fail_msg("manifest_digest: %s", err.text);
	/* If this changes, bump MANIFEST_DIGEST_VERSION, add the migration and pin
	 * the new digest with the new version (docs/run-directory.md says how). */
	assert_int_equal(MANIFEST_DIGEST_VERSION, 1);
	assert_string_equal(hex, pinned_digest);
	config_free(config);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_canonical_manifest_is_pinned),
		cmocka_unit_test(the_manifest_digest_is_pinned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
