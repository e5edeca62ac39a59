/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parts of diagnose --ai and notify: which URLs http_post accepts, the
 * chat request and the answer read back, where the endpoint and the key
 * come from (files others can read refused), the notify payload, and the
 * notify:/ai: sections read from a run's manifest.yaml. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "ai/ai_chat.h"
#include "ai/ai_settings.h"
#include "config/config_file.h"
#include "lib/http/http_post.h"
#include "run/notify.h"
#include "test/tmpdir.h"

static void expect_url(const char *url, bool allowed, const char *why_has)
{
	char why[256] = "";

	assert_int_equal(http_url_allowed(url, why, sizeof why), allowed);
	if (why_has)
		assert_non_null(strstr(why, why_has));
}

static void test_url_policy(void **state)
{
	(void)state;
	expect_url("https://api.example.org/v1", true, NULL);
	expect_url("http://127.0.0.1:8080/v1", true, NULL);
	expect_url("http://127.9.9.9/v1", true, NULL);
	expect_url("http://localhost:11434/v1", true, NULL);
	expect_url("http://[::1]:8080/v1", true, NULL);
	expect_url("http://api.example.org/v1", false, "loopback only");
	expect_url("http://127.0.0.1.example.org/v1", false, "loopback only");
	expect_url("http://10.0.0.1/v1", false, "loopback only");
	expect_url("ftp://example.org/x", false, "not https");
	expect_url("no url at all", false, "not a URL");
}

static void test_url_host(void **state)
{
	char host[64];

	(void)state;
	http_url_host("https://hooks.slack.com/services/T0/B0/secret", host, sizeof host);
	assert_string_equal(host, "hooks.slack.com");
	http_url_host("nonsense", host, sizeof host);
	assert_string_equal(host, "?");
}

static void test_http_refuses_before_connecting(void **state)
{
	struct http_post req = { .url = "http://example.org/", .json_body = "{}",
				 .timeout_s = 1 };
	struct http_response resp;
	char why[256];

	(void)state;
	assert_int_equal(http_post_json(&req, &resp, why, sizeof why), -1);
	assert_non_null(strstr(why, "loopback only"));
	assert_null(resp.body);
	req.url = "http://127.0.0.1:1/";
	req.timeout_s = 0;
	assert_int_equal(http_post_json(&req, &resp, why, sizeof why), -1);
	assert_string_equal(why, "no timeout");
}

static void test_chat_request(void **state)
{
	json_t *summary = json_pack("{s:{s:i}}", "summary", "failures", 3), *req;
	char *body = ai_chat_request("m-1", summary), *sent;
	const char *model, *role0, *role1, *content;

	(void)state;
	assert_non_null(body);
	req = json_loads(body, 0, NULL);
	assert_non_null(req);
	assert_int_equal(json_unpack(req, "{s:s, s:[{s:s}, {s:s, s:s}]}", "model", &model,
				     "messages", "role", &role0, "role", &role1, "content",
				     &content), 0);
	assert_string_equal(model, "m-1");
	assert_string_equal(role0, "system");
	assert_string_equal(role1, "user");
	sent = json_dumps(summary, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(content, sent);
	free(sent);
	json_decref(req);
	json_decref(summary);
	free(body);
}

static void test_chat_answer(void **state)
{
	char why[256], *answer;

	(void)state;
	answer = ai_chat_answer("{\"choices\":[{\"message\":{\"role\":\"assistant\","
				"\"content\":\"line 1\\n\\u001b[31mline 2\\u0007\"}}]}", why,
				sizeof why);
	assert_non_null(answer);
	assert_string_equal(answer, "line 1\n[31mline 2");  /* no escape reaches a terminal */
	free(answer);
	answer = ai_chat_answer("{\"choices\":[{\"message\":{\"content\":"
				"\"\\u009b2Jcaf\\u00e9\"}}]}", why, sizeof why);
	assert_non_null(answer);
	assert_string_equal(answer, "2Jcaf\xc3\xa9");  /* C1 CSI out, é kept */
	free(answer);
	assert_null(ai_chat_answer("not json", why, sizeof why));
	assert_string_equal(why, "the answer is not JSON");
	assert_null(ai_chat_answer("{\"choices\":[]}", why, sizeof why));
	assert_non_null(strstr(why, "choices[0].message.content"));
	assert_null(ai_chat_answer("{\"choices\":[{\"message\":{\"content\":\"\"}}]}", why,
				   sizeof why));
	assert_string_equal(why, "the answer is empty");
	assert_null(ai_chat_answer(NULL, why, sizeof why));
}

static void clear_ai_env(void)
{
	unsetenv("SCALABLE_AI_URL");
	unsetenv("SCALABLE_AI_MODEL");
	unsetenv("SCALABLE_AI_KEY_FILE");
	unsetenv("SCALABLE_AI_KEY");
	unsetenv("OPENAI_API_KEY");
	unsetenv("TEST_AI_KEY");
}

static void test_settings_endpoint(void **state)
{
	struct ai_config config = { .url = "https://api.example.org/v1/", .model = "m",
				    .timeout_s = 7 };
	struct ai_settings s;
	char why[256];

	(void)state;
	clear_ai_env();
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), 0);
	assert_string_equal(s.endpoint, "https://api.example.org/v1/chat/completions");
	assert_int_equal(s.timeout_s, 7);
	assert_null(s.key);
	ai_settings_clear(&s);
	config.url = "https://x.example.org/openai/chat/completions";
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), 0);
	assert_string_equal(s.endpoint, config.url);
	ai_settings_clear(&s);
	setenv("SCALABLE_AI_URL", "http://127.0.0.1:9/v2", 1);
	setenv("SCALABLE_AI_MODEL", "env-model", 1);
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), 0);
	assert_string_equal(s.endpoint, "http://127.0.0.1:9/v2/chat/completions");
	assert_string_equal(s.model, "env-model");
	ai_settings_clear(&s);
	clear_ai_env();
	assert_int_equal(ai_settings_resolve(NULL, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "SCALABLE_AI_URL"));
	config.model = NULL;
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "no model"));
}

static void test_settings_key(void **state)
{
	char *dir = tmpdir_create(), *path, why[256];
	struct ai_config config = { .url = "https://a.example.org/v1", .model = "m" };
	struct ai_settings s;

	(void)state;
	clear_ai_env();
	setenv("OPENAI_API_KEY", "from-openai", 1);
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), 0);
	assert_string_equal(s.key, "from-openai");
	ai_settings_clear(&s);
	setenv("SCALABLE_AI_KEY", "from-scalable", 1);
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), 0);
	assert_string_equal(s.key, "from-scalable");
	ai_settings_clear(&s);
	setenv("SCALABLE_AI_KEY", "two\r\nX-Injected: 1", 1);
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "control characters"));
	setenv("SCALABLE_AI_KEY", "from-scalable", 1);
	config.api_key_env = "TEST_AI_KEY";
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "$TEST_AI_KEY, which is not set"));
	setenv("TEST_AI_KEY", "from-named", 1);
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), 0);
	assert_string_equal(s.key, "from-named");
	ai_settings_clear(&s);

	tmpdir_write(dir, "key", "file-key \n");
	assert_true(asprintf(&path, "%s/key", dir) > 0);
	config.api_key_env = NULL;
	config.api_key_file = path;
	chmod(path, 0640);
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "open to others (chmod 600"));
	chmod(path, 0600);
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), 0);
	assert_string_equal(s.key, "file-key");  /* the file wins over the variables */
	ai_settings_clear(&s);
	tmpdir_write(dir, "empty", "\n");
	setenv("SCALABLE_AI_KEY_FILE", dir, 1);  /* a directory */
	assert_int_equal(ai_settings_resolve(&config, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "not a regular file"));
	clear_ai_env();
	free(path);
	tmpdir_remove(dir);
}

/* A closed run's record as run_record_read gives it. */
static void closed_record(struct run_record *r)
{
	memset(r, 0, sizeof *r);
	r->run_id = "run-20260101T000000Z-energy-0badcafe";
	r->project_name = "energy";
	r->target_name = "hpc";
	r->status = RUN_STATUS_FAILED;
	strcpy(r->started_at, "2026-01-01T00:00:00.000Z");
	strcpy(r->finished_at, "2026-01-01T01:00:00.000Z");
	r->summary = json_pack("{s:i, s:{s:i, s:i, s:i, s:i}, s:{s:i}}", "tasks", 10,
			       "counts_by_state", "succeeded", 6, "cached", 1, "failed", 2,
			       "cancelled", 1, "final_failures_by_class", "oom", 2);
}

static void test_notify_payload(void **state)
{
	char *dir = tmpdir_create(), *html;
	struct run_record r;
	json_t *p;

	(void)state;
	closed_record(&r);
	p = notify_payload(&r, dir);
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "text")),
			    "scalable run run-20260101T000000Z-energy-0badcafe (energy) failed: "
			    "10 tasks, 7 succeeded, 2 failed, 1 cancelled. Report: scalable report "
			    "--run-id run-20260101T000000Z-energy-0badcafe");
	assert_string_equal(json_string_value(json_object_get(p, "status")), "failed");
	assert_int_equal(json_integer_value(json_object_get(p, "tasks")), 10);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "counts"),
							    "failed")), 2);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(p, "failures_by_class"), "oom")), 2);
	assert_string_equal(json_string_value(json_object_get(p, "run_dir")), dir);
	assert_true(json_is_null(json_object_get(p, "report")));
	json_decref(p);

	tmpdir_write(dir, "report.html", "<html></html>\n");
	p = notify_payload(&r, dir);
	assert_true(asprintf(&html, "%s/report.html", dir) > 0);
	assert_string_equal(json_string_value(json_object_get(p, "report")), html);
	assert_non_null(strstr(json_string_value(json_object_get(p, "text")), html));
	json_decref(p);
	free(html);
	json_decref(r.summary);
	tmpdir_remove(dir);
}

static void test_notify_without_webhook(void **state)
{
	char *dir = tmpdir_create();
	struct notify_config none = { .timeout_s = 10 };

	(void)state;
	assert_int_equal(notify_run_closed(dir, &none), 0);  /* nothing to tell */
	assert_int_equal(notify_run_closed(dir, NULL), 0);   /* no manifest: no webhook */
	assert_int_equal(tmpdir_count_lines(dir, NOTIFY_FILE), -1);
	tmpdir_remove(dir);
}

/* A run whose config no longer loads is told through its manifest, else
 * through the webhook of the defaults it recorded (run_start.h). */
static void test_notify_recorded_defaults(void **state)
{
	char *dir = tmpdir_create(), path[4200];

	(void)state;
	chmod(dir, 0700);
	tmpdir_write(dir, "manifest.yaml", "version: 1\nproject: p\n");
	snprintf(path, sizeof path, "%s/defaults.yaml", dir);
	tmpdir_write(dir, "defaults.yaml",
		     "{\"notify\": {\"webhook\": \"http://127.0.0.1:1/x\", \"timeout\": \"1s\"}}\n");
	assert_int_equal(notify_run_closed(dir, NULL), -1);  /* tried: nobody listens */
	assert_int_equal(tmpdir_count_lines(dir, NOTIFY_FILE), 1);
	chmod(path, 0620);  /* others can write it: not used, nothing sent */
	assert_int_equal(notify_run_closed(dir, NULL), -1);
	assert_int_equal(tmpdir_count_lines(dir, NOTIFY_FILE), 1);
	tmpdir_remove(dir);
}

/* A manifest the group can write (or another user's) chooses no webhook:
 * nothing is sent, so nothing is recorded; the caller's own is used (a
 * closed port on 127.0.0.1: the failure is recorded). */
static void test_notify_untrusted_manifest(void **state)
{
	char *dir = tmpdir_create(), path[4200];

	(void)state;
	chmod(dir, 0700);
	tmpdir_write(dir, "manifest.yaml", "version: 1\nproject: p\ncomponents: {m: {command: x}}\n"
		     "notify:\n  webhook: http://127.0.0.1:1/hook\n  timeout: 2s\n");
	snprintf(path, sizeof path, "%s/manifest.yaml", dir);
	chmod(path, 0620);
	assert_int_equal(notify_run_closed(dir, NULL), -1);
	assert_int_equal(tmpdir_count_lines(dir, NOTIFY_FILE), -1);
	chmod(path, 0600);
	assert_int_equal(notify_run_closed(dir, NULL), -1);
	assert_int_equal(tmpdir_count_lines(dir, NOTIFY_FILE), 1);
	tmpdir_remove(dir);
}

static const char manifest[] =
	"version: 1\n"
	"project: p\n"
	"components: {m: {command: ./run}}\n"
	"notify:\n"
	"  webhook: https://hooks.example.org/x\n"
	"ai:\n"
	"  url: https://api.example.org/v1\n"
	"  model: m-2\n"
	"  api_key_file: secrets/ai.key\n";

static void test_services_read(void **state)
{
	char *dir = tmpdir_create(), *path;
	struct notify_config notify;
	struct ai_config ai;
	struct error err;

	(void)state;
	tmpdir_write(dir, "manifest.yaml", manifest);
	assert_true(asprintf(&path, "%s/manifest.yaml", dir) > 0);
	assert_int_equal(config_services_read(path, "/home/u/sweep", &notify, &ai, &err), 0);
	assert_string_equal(notify.webhook, "https://hooks.example.org/x");
	assert_int_equal(notify.timeout_s, NOTIFY_TIMEOUT_DEFAULT_S);
	assert_string_equal(ai.model, "m-2");
	assert_string_equal(ai.api_key_file, "/home/u/sweep/secrets/ai.key");
	assert_int_equal(ai.timeout_s, AI_TIMEOUT_DEFAULT_S);
	config_services_clear(&notify, &ai);

	tmpdir_write(dir, "manifest.yaml", "ai: {api_key_file: ~/k}\n");
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(config_services_read(path, "/elsewhere", &notify, &ai, &err), 0);
	assert_string_equal(ai.api_key_file, "/home/someone/k");
	config_services_clear(&notify, &ai);

	tmpdir_write(dir, "manifest.yaml", "ai:\n  url: https://a.example.org\n  modle: x\n");
	assert_int_equal(config_services_read(path, ".", &notify, &ai, &err), -1);
	assert_non_null(strstr(err.text, "manifest.yaml:3:3"));
	tmpdir_write(dir, "manifest.yaml", "notify:\n  webhook: hooks.example.org\n");
	assert_int_equal(config_services_read(path, ".", &notify, &ai, &err), -1);
	assert_non_null(strstr(err.text, "manifest.yaml:2:12"));
	tmpdir_write(dir, "manifest.yaml", "ai:\n  url: http://api.example.org/v1\n");
	assert_int_equal(config_services_read(path, ".", &notify, &ai, &err), -1);
	assert_non_null(strstr(err.text, "manifest.yaml:2:8"));
	assert_non_null(strstr(err.text, "loopback only"));
	tmpdir_write(dir, "manifest.yaml", "ai:\n  api_key_env: sk-abc def\n");
	assert_int_equal(config_services_read(path, ".", &notify, &ai, &err), -1);
	assert_non_null(strstr(err.text, "not an environment variable name"));
	free(path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_policy),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_http_refuses_before_connecting),
		cmocka_unit_test(test_chat_request),
		cmocka_unit_test(test_chat_answer),
		cmocka_unit_test(test_settings_endpoint),
		cmocka_unit_test(test_settings_key),
		cmocka_unit_test(test_notify_payload),
		cmocka_unit_test(test_notify_without_webhook),
		cmocka_unit_test(test_notify_recorded_defaults),
		cmocka_unit_test(test_notify_untrusted_manifest),
		cmocka_unit_test(test_services_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
