/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Values and where they came from, for validate (config_settings.h). */
#include "cmd/config_settings.h"

#include <string.h>

#include "lib/http/http_post.h"

/* One entry: key, value (NULL: none), origin. */
static json_t *setting_json(const char *key, const char *value,
			    const struct setting_origin *origin)
{
	json_t *out = json_pack("{s:s, s:o}", "key", key, "value",
				value ? json_string(value) : json_null());
	json_t *from = setting_origin_json(origin);

	if (!out || !from || json_object_update(out, from) != 0) {
		json_decref(out);
		out = NULL;
	}
	json_decref(from);
	return out;
}

/* A webhook as "https://host/...": the path is often the secret. */
static void redact_url(const char *url, char *buf, size_t len)
{
	char host[256];
	const char *scheme_end = strstr(url, "://");

	http_url_host(url, host, sizeof host);
	snprintf(buf, len, "%.*s://%s/...", scheme_end ? (int)(scheme_end - url) : 0, url, host);
}

json_t *config_settings_json(const struct config *config, const char *runs_dir,
			     const struct setting_origin *runs_origin)
{
	json_t *list = json_array();
	int rc = list ? json_array_append_new(list, setting_json("runs_dir", runs_dir,
								  runs_origin)) : -1;

	for (size_t i = 0; rc == 0 && i < config->n_settings; i++) {
		const struct config_setting *s = &config->settings[i];
		char shown[512];
		const char *value = s->value;

		if (value && strcmp(s->key, "notify.webhook") == 0) {
			redact_url(value, shown, sizeof shown);
			value = shown;
		}
		rc = json_array_append_new(list, setting_json(s->key, value, &s->origin));
	}
	if (rc != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

void config_settings_print(FILE *out, const json_t *settings)
{
	size_t i, width = 0, vwidth = 1;
	json_t *s;

	json_array_foreach(settings, i, s) {
		const char *value = json_string_value(json_object_get(s, "value"));
		size_t len = strlen(json_string_value(json_object_get(s, "key")));

		width = len > width ? len : width;
		vwidth = value && strlen(value) > vwidth ? strlen(value) : vwidth;
	}
	fprintf(out, "  from (project > user defaults > site defaults > built-in):\n");
	json_array_foreach(settings, i, s) {
		const char *value = json_string_value(json_object_get(s, "value"));
		const char *file = json_string_value(json_object_get(s, "file"));
		const char *var = json_string_value(json_object_get(s, "variable"));
		json_int_t line = json_integer_value(json_object_get(s, "line"));

		fprintf(out, "    %-*s  %-*s  (%s", (int)width,
			json_string_value(json_object_get(s, "key")), (int)vwidth, value ? value : "-",
			json_string_value(json_object_get(s, "source")));
		if (file && line)
			fprintf(out, " %s:%lld", file, (long long)line);
		else if (file)
			fprintf(out, " %s", file);
		else if (var)
			fprintf(out, " $%s", var);
		fprintf(out, ")\n");
	}
}
