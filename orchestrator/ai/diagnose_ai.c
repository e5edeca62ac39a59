/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose --ai (see diagnose_ai.h). */
#include "ai/diagnose_ai.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ai/ai_chat.h"
#include "ai/ai_settings.h"
#include "config/config_file.h"
#include "lib/http/http_post.h"
#include "lib/util/private_path.h"
#include "rundir/run_record.h"

#define UNTRUSTED_NOTE "the run's manifest.yaml (or its directory) is not yours or " \
	"others can write it: its ai.url and key settings are not used"

/* A manifest that someone else wrote, or can write, must not choose where
 * the caller's key goes: its url and key location are dropped. */
static bool drop_untrusted(const char *run_path, const char *manifest, struct ai_config *ai)
{
	if (private_path(run_path, NULL) && private_path(manifest, NULL))
		return false;
	free(ai->url);
	free(ai->api_key_env);
	free(ai->api_key_file);
	ai->url = ai->api_key_env = ai->api_key_file = NULL;
	return true;
}

/* The ai: section of the run's manifest.yaml; a relative api_key_file is
 * taken from the directory of the config the run came from. Returns 0 with
 * *found false when the run has no manifest. */
static int manifest_ai(const char *run_path, struct ai_config *ai, bool *found, char *why,
		       size_t why_len)
{
	struct notify_config notify = { 0 };
	struct run_record record = { 0 };
	char *manifest = NULL, *source = NULL;
	const char *dir = ".";
	struct error err;
	int rc = 0;

	*found = false;
	if (asprintf(&manifest, "%s/manifest.yaml", run_path) < 0) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	if (access(manifest, F_OK) == 0) {
		if (run_record_read(run_path, &record, &err) == 0 && record.source_manifest_path &&
		    (source = strdup(record.source_manifest_path)))
			dir = dirname(source);
		rc = config_services_read(manifest, dir, &notify, ai, &err);
		if (rc != 0)
			snprintf(why, why_len, "%s", err.text);
		*found = rc == 0;
		if (*found && drop_untrusted(run_path, manifest, ai))
			snprintf(why, why_len, UNTRUSTED_NOTE);
		config_services_clear(&notify, &(struct ai_config){ 0 });
	}
	run_record_clear(&record);
	free(source);
	free(manifest);
	return rc;
}

/* why becomes "note; why". */
static void prefix_note(char *why, size_t len, const char *note)
{
	char copy[1100];

	snprintf(copy, sizeof copy, "%s", why);
	snprintf(why, len, "%.400s; %.600s", note, copy);
}

void diagnose_ai_ask(const char *run_path, const struct diagnosis *dx, struct diagnose_ai *out)
{
	struct ai_config config = { 0 };
	struct ai_settings settings;
	json_t *summary = NULL;
	char note[sizeof out->why] = "";
	bool found;

	memset(out, 0, sizeof *out);
	if (manifest_ai(run_path, &config, &found, note, sizeof note) != 0) {
		snprintf(out->why, sizeof out->why, "%s", note);
		return;
	}
	if (ai_settings_resolve(found ? &config : NULL, &settings, out->why,
				sizeof out->why) != 0) {
		if (*note)  /* say why the manifest's settings were not used */
			prefix_note(out->why, sizeof out->why, note);
		config_services_clear(&(struct notify_config){ 0 }, &config);
		return;
	}
	config_services_clear(&(struct notify_config){ 0 }, &config);
	http_url_host(settings.endpoint, out->host, sizeof out->host);
	out->model = strdup(settings.model);
	if (!(summary = diagnose_ai_summary(dx)))
		snprintf(out->why, sizeof out->why, "out of memory");
	else
		out->answer = ai_chat_ask(&settings, summary, out->why, sizeof out->why);
	json_decref(summary);
	ai_settings_clear(&settings);
}

json_t *diagnose_ai_json(const struct diagnose_ai *ai)
{
	if (!ai->answer)
		return json_pack("{s:s?, s:s}", "model", ai->model, "error", ai->why);
	return json_pack("{s:s?, s:s, s:s}", "model", ai->model, "host", ai->host, "answer",
			 ai->answer);
}

void diagnose_ai_clear(struct diagnose_ai *ai)
{
	free(ai->answer);
	free(ai->model);
	memset(ai, 0, sizeof *ai);
}
