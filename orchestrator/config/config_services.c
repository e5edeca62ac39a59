/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notify and ai: the optional outside services a run may talk to. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/secret_env.h"
#include "config/config_loader.h"
#include "lib/http/http_post.h"

/* Fails unless the string at key is a URL http_post may call: https://, or
 * http:// to the loopback (http_post.h). */
static int check_url(struct loader *L, const struct ynode *map, const char *key,
		     const char *url)
{
	char why[128];

	if (!url || http_url_allowed(url, why, sizeof why))
		return 0;
	return fail_at(L, ymap_get(map, key), "'%s' is not a URL scalable may call: %s "
		       "(expected https://..., or http:// to the loopback)", url, why);
}

/* Fails when the timeout at key is 0. */
static int check_timeout(struct loader *L, const struct ynode *map, uint64_t timeout_s)
{
	if (timeout_s > 0 || !ymap_get(map, "timeout"))
		return 0;
	return fail_at(L, ymap_get(map, "timeout"), "timeout is 0 (expected at least 1s)");
}

static const struct field notify_fields[] = {
	{ "webhook", FIELD_STRING, offsetof(struct notify_config, webhook), 0, 0, NULL },
	{ "timeout", FIELD_DURATION, offsetof(struct notify_config, timeout_s), 0, 0, NULL },
};

int load_notify(struct loader *L, const struct ynode *map)
{
	struct notify_config *notify = &L->config->notify;

	if (load_fields(L, map, notify_fields, sizeof notify_fields / sizeof notify_fields[0],
			notify, "notify") != 0)
		return -1;
	return check_url(L, map, "webhook", notify->webhook) ||
	       check_timeout(L, map, notify->timeout_s) ? -1 : 0;
}

static const struct field ai_fields[] = {
	{ "url", FIELD_STRING, offsetof(struct ai_config, url), 0, 0, NULL },
	{ "model", FIELD_STRING, offsetof(struct ai_config, model), 0, 0, NULL },
	{ "api_key_env", FIELD_STRING, offsetof(struct ai_config, api_key_env), 0, 0, NULL },
	{ "api_key_file", FIELD_STRING, offsetof(struct ai_config, api_key_file), 0, 0, NULL },
	{ "timeout", FIELD_DURATION, offsetof(struct ai_config, timeout_s), 0, 0, NULL },
};

/* Whether name is a variable jobs and tools need (PATH, HOME, SLURM_*...):
 * kept out of every job's environment as a key would be, it would break
 * them all. */
static bool needed_by_jobs(const char *name)
{
	static const char *const exact[] = { "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG",
					     "TERM", "TMPDIR", "PWD", "TZ", "LD_LIBRARY_PATH",
					     "PYTHONPATH", "MODULEPATH" };
	static const char *const prefix[] = { "LC_", "SLURM_", "SBATCH_", "SALLOC_", "SRUN_",
					      "SCALABLE_RUN", "SCALABLE_TASK", "XDG_" };

	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (!strcmp(name, exact[i]))
			return true;
	for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
		if (!strncmp(name, prefix[i], strlen(prefix[i])))
			return true;
	return false;
}

int load_ai(struct loader *L, const struct ynode *map)
{
	struct ai_config *ai = &L->config->ai;

	if (load_fields(L, map, ai_fields, sizeof ai_fields / sizeof ai_fields[0], ai,
			"ai") != 0)
		return -1;
	if (ai->api_key_env && ai->api_key_file)
		return fail_at(L, ymap_get(map, "api_key_file"), "both api_key_env and "
			       "api_key_file (expected one place for the key)");
	if (ai->api_key_env && !is_plain_name(ai->api_key_env, ""))
		return fail_at(L, ymap_get(map, "api_key_env"), "'%s' is not an environment "
			       "variable name (expected the name, e.g. OPENAI_API_KEY, "
			       "never the key itself)", ai->api_key_env);
	if (ai->api_key_env && needed_by_jobs(ai->api_key_env))
		return fail_at(L, ymap_get(map, "api_key_env"), "$%s is needed by jobs and tools, "
			       "and the variable named here is kept out of every job (expected the "
			       "name of a variable that holds only the key, e.g. OPENAI_API_KEY)",
			       ai->api_key_env);
	/* the key it names must not reach sbatch nor a task */
	if (ai->api_key_env && secret_env_add(ai->api_key_env) != 0)
		return fail_at(L, ymap_get(map, "api_key_env"), "cannot keep $%s out of the "
			       "jobs' environment", ai->api_key_env);
	if (ai->api_key_file) {
		const char *home = getenv("HOME");
		char *resolved = NULL;

		/* ~/ is the user's home, as a shell would have it */
		if (strncmp(ai->api_key_file, "~/", 2) == 0 && home && *home) {
			if (asprintf(&resolved, "%s/%s", home, ai->api_key_file + 2) < 0)
				resolved = NULL;
		} else {
			resolved = config_relative_path(L->config, ai->api_key_file);
		}

		if (!resolved) {
			error_system(L->err, "%s", L->path);
			return -1;
		}
		free(ai->api_key_file);
		ai->api_key_file = resolved;
	}
	return check_url(L, map, "url", ai->url) || check_timeout(L, map, ai->timeout_s)
		       ? -1 : 0;
}

void config_services_clear(struct notify_config *notify, struct ai_config *ai)
{
	free(notify->webhook);
	free(ai->url);
	free(ai->model);
	free(ai->api_key_env);
	free(ai->api_key_file);
	memset(notify, 0, sizeof *notify);
	memset(ai, 0, sizeof *ai);
}

/* Loads the section key of root through load, when it is there. */
static int optional(struct loader *L, const struct ynode *root, const char *key,
		    int (*load)(struct loader *, const struct ynode *))
{
	const struct ynode *node = ymap_get(root, key);

	return node && !ynode_is_null(node) ? load(L, node) : 0;
}

int config_services_read(const char *path, const char *dir, struct notify_config *notify,
			 struct ai_config *ai, struct error *err)
{
	struct config config = { .path = (char *)path, .dir = (char *)dir };
	struct loader L = { .path = path, .config = &config, .err = err };
	struct ynode *root = NULL;
	int rc = 0;

	config.notify.timeout_s = NOTIFY_TIMEOUT_DEFAULT_S;
	config.ai.timeout_s = AI_TIMEOUT_DEFAULT_S;
	if (ytree_load(path, &root, err) != 0)
		return -1;
	if (root && root->kind == YNODE_MAPPING)
		rc = optional(&L, root, "notify", load_notify) ||
		     optional(&L, root, "ai", load_ai) ? -1 : 0;
	ytree_free(root);
	if (rc != 0) {
		config_services_clear(&config.notify, &config.ai);
		return -1;
	}
	*notify = config.notify;
	*ai = config.ai;
	return 0;
}
