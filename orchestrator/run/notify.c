/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Telling a webhook that a run closed (see notify.h). */
#include "run/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/http/http_post.h"
#include "lib/util/jsonl_file.h"
#include "lib/util/private_path.h"
#include "rfc3339.h"
#include "run/run_start.h"

#define NOTIFY_SCHEMA_VERSION 1

/* n from {state: n}, 0 when absent. */
static json_int_t count(const json_t *by_state, const char *state)
{
	return json_integer_value(json_object_get(by_state, state));
}

/* "scalable run ID (project) failed: 20 tasks, ... Report: ..." */
static char *summary_text(const struct run_record *r, json_int_t tasks,
			  const json_t *by_state, const char *report)
{
	char *text;

	if (asprintf(&text, "scalable run %s (%s) %s: %lld tasks, %lld succeeded, %lld "
		     "failed, %lld cancelled. Report: %s", r->run_id,
		     r->project_name ? r->project_name : "?", run_status_name(r->status),
		     (long long)tasks,
		     (long long)(count(by_state, "succeeded") + count(by_state, "cached")),
		     (long long)count(by_state, "failed"), (long long)count(by_state, "cancelled"),
		     report) < 0)
		return NULL;
	return text;
}

json_t *notify_payload(const struct run_record *r, const char *run_dir)
{
	const json_t *by_state = json_object_get(r->summary, "counts_by_state");
	const json_t *by_class = json_object_get(r->summary, "final_failures_by_class");
	json_int_t tasks = json_integer_value(json_object_get(r->summary, "tasks"));
	char *html = NULL, *command = NULL, *text = NULL;
	json_t *counts = by_state ? json_incref((json_t *)by_state) : json_object();
	json_t *classes = by_class ? json_incref((json_t *)by_class) : json_object();
	json_t *payload = NULL;
	bool has_html;

	if (asprintf(&html, "%s/report.html", run_dir) < 0 ||
	    asprintf(&command, "scalable report --run-id %s", r->run_id) < 0)
		goto out;
	has_html = access(html, F_OK) == 0;
	if (!(text = summary_text(r, tasks, by_state, has_html ? html : command)))
		goto out;
	payload = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s, s:s?, s:I, s:O, s:O, s:s, s:s?, "
			    "s:s}",
			    "text", text, "run_id", r->run_id, "project", r->project_name,
			    "status", run_status_name(r->status), "target", r->target_name,
			    "started_at", r->started_at,
			    "finished_at", *r->finished_at ? r->finished_at : NULL,
			    "tasks", tasks,
			    "counts", counts, "failures_by_class", classes,
			    "run_dir", run_dir, "report", has_html ? html : NULL,
			    "report_command", command);
out:
	json_decref(counts);
	json_decref(classes);
	free(html);
	free(command);
	free(text);
	return payload;
}

/* One line in notify.jsonl; failing to write it is said, not fatal. */
static void record(const char *run_dir, const char *run_id, const char *error,
		   long http_status)
{
	char now[RFC3339_BUFSZ], *path = NULL;
	json_t *line = json_pack("{s:s, s:i, s:s, s:s?, s:s, s:i, s:s?}", "event_type", "notify",
				 "schema_version", NOTIFY_SCHEMA_VERSION, "timestamp",
				 rfc3339_now(now, sizeof now), "run_id", run_id, "outcome",
				 error ? "failed" : "sent", "http_status", (int)http_status,
				 "error", error);
	struct error err;
	int fd = -1;

	if (!line || asprintf(&path, "%s/%s", run_dir, NOTIFY_FILE) < 0 ||
	    (fd = jsonl_open_append(path, &err)) < 0 ||
	    jsonl_append(fd, line, false, path, &err) != 0)
		fprintf(stderr, "scalable: notify: cannot record the outcome in %s\n", NOTIFY_FILE);
	if (fd >= 0)
		close(fd);
	free(path);
	json_decref(line);
}

/* POSTs payload; returns 0, or -1 with why. */
static int post(const struct notify_config *config, const json_t *payload, long *status,
		char *why, size_t why_len)
{
	char *body = json_dumps(payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
	struct http_post req = { .url = config->webhook, .json_body = body,
				 .timeout_s = config->timeout_s ? (unsigned)config->timeout_s
								: NOTIFY_TIMEOUT_DEFAULT_S };
	struct http_response resp;
	int rc = -1;

	*status = 0;
	if (!body)
		snprintf(why, why_len, "out of memory");
	else if (http_post_json(&req, &resp, why, why_len) == 0) {
		*status = resp.status;
		if (resp.status >= 200 && resp.status <= 299)
			rc = 0;
		else
			snprintf(why, why_len, "HTTP %ld", resp.status);
		http_response_clear(&resp);
	}
	free(body);
	return rc;
}

/* The webhook of the defaults the run recorded (run_start.h), for a
 * manifest whose notify: names none; private, as the manifest must be.
 * -1 when the file is refused. */
static int recorded_webhook(const char *run_dir, struct notify_config *config)
{
	struct config_defaults d = { 0 };
	struct error err;
	char *path;
	int rc = -1;

	if (asprintf(&path, "%s/%s", run_dir, RUN_DEFAULTS_FILE) < 0)
		return -1;
	if (access(path, F_OK) == 0 && !private_path(path, NULL))
		fprintf(stderr, "scalable: notify: the run's %s is not yours or others can "
			"write it: its webhook is not used\n", RUN_DEFAULTS_FILE);
	else if (config_defaults_read(path, SOURCE_RUN, &d, &err) != 0)
		fprintf(stderr, "scalable: notify: %s\n", err.text);
	else
		rc = 0;
	if (rc == 0 && d.value[DEFAULTS_WEBHOOK]) {
		config->webhook = d.value[DEFAULTS_WEBHOOK];
		d.value[DEFAULTS_WEBHOOK] = NULL;
		if (d.value[DEFAULTS_TIMEOUT])
			config->timeout_s = d.timeout_s;
	}
	config_defaults_clear(&d);
	free(path);
	return rc;
}

/* The notify: section of the run's manifest.yaml into *config, else the
 * webhook of the run's defaults; a manifest someone else wrote or can write
 * chooses no webhook (where the run's news, and any token in the URL,
 * would go). */
static int manifest_notify(const char *run_dir, struct notify_config *config)
{
	struct ai_config ai = { 0 };
	struct error err;
	char *path;
	int rc;

	if (asprintf(&path, "%s/manifest.yaml", run_dir) < 0)
		return -1;
	if (access(path, F_OK) == 0 && (!private_path(run_dir, NULL) || !private_path(path, NULL))) {
		fprintf(stderr, "scalable: notify: the run's manifest.yaml (or its directory) is "
			"not yours or others can write it: its webhook is not used\n");
		free(path);
		return -1;
	}
	rc = access(path, F_OK) == 0 ? config_services_read(path, ".", config, &ai, &err) : 0;
	config_services_clear(&(struct notify_config){ 0 }, &ai);
	if (rc != 0)
		fprintf(stderr, "scalable: notify: %s\n", err.text);
	else if (!config->webhook)
		rc = recorded_webhook(run_dir, config);
	free(path);
	return rc;
}

int notify_run_closed(const char *run_dir, const struct notify_config *config)
{
	struct notify_config from_manifest = { 0 };
	struct run_record r = { 0 };
	struct error err;
	char why[1100], host[256];
	json_t *payload = NULL;
	long status = 0;
	int rc = -1;

	if (!config && manifest_notify(run_dir, &from_manifest) == 0)
		config = &from_manifest;
	if (!config || !config->webhook) {
		config_services_clear(&from_manifest, &(struct ai_config){ 0 });
		return config ? 0 : -1;
	}
	if (run_record_read(run_dir, &r, &err) != 0)
		snprintf(why, sizeof why, "%s", err.text);
	else if (!(payload = notify_payload(&r, run_dir)))
		snprintf(why, sizeof why, "out of memory");
	else
		rc = post(config, payload, &status, why, sizeof why);
	if (rc != 0) {
		http_url_host(config->webhook, host, sizeof host);
		fprintf(stderr, "scalable: notify: the webhook at %s was not told: %s (the run "
			"is not affected)\n", host, why);
	}
	record(run_dir, r.run_id ? r.run_id : "", rc == 0 ? NULL : why, status);
	json_decref(payload);
	run_record_clear(&r);
	config_services_clear(&from_manifest, &(struct ai_config){ 0 });
	return rc;
}
