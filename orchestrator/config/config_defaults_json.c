/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Defaults and where values came from, as JSON and text (config_defaults.h). */
#include "config/config_defaults.h"


json_t *config_defaults_run_json(const struct config_defaults *d)
{
	json_t *out = json_object(), *notify = json_object();
	int rc = out && notify ? 0 : -1;

	for (int k = DEFAULTS_ACCOUNT; k <= DEFAULTS_QOS && rc == 0; k++)
		if (d->value[k])
			rc = json_object_set_new(out, defaults_key_name(k),
						 json_string(d->value[k]));
	if (rc == 0 && d->value[DEFAULTS_WEBHOOK])
		rc = json_object_set_new(notify, "webhook", json_string(d->value[DEFAULTS_WEBHOOK]));
	if (rc == 0 && d->value[DEFAULTS_TIMEOUT])
		rc = json_object_set_new(notify, "timeout", json_string(d->value[DEFAULTS_TIMEOUT]));
	if (rc == 0 && json_object_size(notify) > 0)
		rc = json_object_set(out, "notify", notify);
	json_decref(notify);
	if (rc != 0 || json_object_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *setting_origin_json(const struct setting_origin *origin)
{
	json_t *out = json_pack("{s:s}", "source", setting_source_name(origin->source));

	if (out && origin->file &&
	    json_object_set_new(out, "file", json_string(origin->file)) != 0) {
		json_decref(out);
		return NULL;
	}
	if (out && origin->source == SOURCE_ENVIRONMENT &&
	    json_object_set_new(out, "variable", json_string("SCALABLE_RUNS_DIR")) != 0) {
		json_decref(out);
		return NULL;
	}
	if (out && origin->file && origin->line &&
	    json_object_set_new(out, "line", json_integer(origin->line)) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}
