/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A local task's environment (local_task_env.h) keeps the orchestrator's
 * API keys out, as sbatch's environment does (secret_env.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/util/secret_env.h"
#include "local/local_task_env.h"

static void api_keys_are_not_inherited(void **state)
{
	char *inherited[] = { "PATH=/bin", "SCALABLE_AI_KEY=k1", "OPENAI_API_KEY=k2",
			      "TEAM_KEY=k3", "TEAM_KEYS=kept", NULL };
	struct local_task_slurm_vars v = { .job_id = 5, .array_job_id = 5, .array_task_id = 0,
					   .task_count = 1, .job_name = "j", .node = "n",
					   .submit_dir = "/s" };
	char **env;

	(void)state;
	assert_int_equal(secret_env_add("TEAM_KEY"), 0);   /* a config's ai.api_key_env */
	env = local_task_env_build(inherited, NULL, NULL, &v);
	assert_non_null(env);
	assert_null(local_task_env_get(env, "SCALABLE_AI_KEY"));
	assert_null(local_task_env_get(env, "OPENAI_API_KEY"));
	assert_null(local_task_env_get(env, "TEAM_KEY"));
	assert_string_equal(local_task_env_get(env, "TEAM_KEYS"), "kept");
	assert_string_equal(local_task_env_get(env, "PATH"), "/bin");
	local_task_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(api_keys_are_not_inherited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
