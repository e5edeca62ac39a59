/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The canonical manifest and its sha256 (see manifest_digest.h). */
#include "rundir/manifest_digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/default_template.h"
#include "scenarios/scenarios.h"

static json_t *string_list_json(const struct string_list *list)
{
	json_t *array = json_array();

	for (size_t i = 0; array && i < list->count; i++)
		json_array_append_new(array, json_string(list->item[i]));
	return array;
}

static json_t *target_json(const struct target *t)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:o, s:I, s:b, s:I, s:I}",
			 "name", t->name, "provider", provider_name(t->provider),
			 "partition", t->partition, "account", t->account, "qos", t->qos,
			 "walltime_s", (json_int_t)t->walltime_s,
			 "throttle", (json_int_t)t->throttle,
			 "max_array_size", (json_int_t)t->max_array_size,
			 "sbatch_options", string_list_json(&t->sbatch_options),
			 "poll_interval_s", (json_int_t)t->poll_interval_s,
			 "requeue", t->requeue,
			 "local_concurrency", (json_int_t)t->local_concurrency,
			 "local_memory_bytes", (json_int_t)t->local_memory_bytes);
}

/* The sha256 of a template file's text, or "default" for the built-in one. */
static json_t *template_digest(const struct component *c, struct error *err)
{
	char hex[SHA256_HEX_SIZE], *text = NULL;
	size_t len = 0;
	FILE *file;

	if (!c->template_path)
		return json_string("default");
	if (!(file = fopen(c->template_path, "re")) ||
	    getdelim(&text, &len, '\0', file) < 0) {
		error_system(err, "cannot read the template %s", c->template_path);
		if (file)
			fclose(file);
		free(text);
		return NULL;
	}
	fclose(file);
	sha256_hex(text, strlen(text), hex);
	free(text);
	return json_string(hex);
}

static json_t *env_json(const struct component *c)
{
	json_t *pairs = json_array();

	/* a list of pairs, not an object: later entries may use earlier ones */
	for (size_t i = 0; pairs && i < c->n_env; i++)
		json_array_append_new(pairs, json_pack("[s, s]", c->env[i].name,
						       c->env[i].value));
	return pairs;
}

/* Packing, only when the component packs: a config without it keeps the
 * digest it had before packing existed. */
static json_t *with_pack(json_t *component, const struct component *c)
{
	if (!component || c->pack == 1)
		return component;
	if (json_object_update_new(component, json_pack(
		    "{s:I, s:I, s:I, s:I}", "pack", (json_int_t)c->pack,
		    "pack_time_s", (json_int_t)c->pack_time_s,
		    "scenario_time_s", (json_int_t)c->scenario_time_s,
		    "pack_parallel", (json_int_t)c->pack_parallel)) != 0) {
		json_decref(component);
		return NULL;
	}
	return component;
}

/* Outputs, only when declared: a config without them keeps its digest. */
static json_t *with_outputs(json_t *component, const struct component *c)
{
	if (!component || !c->outputs.count)
		return component;
	if (json_object_set_new(component, "outputs", string_list_json(&c->outputs)) != 0) {
		json_decref(component);
		return NULL;
	}
	return component;
}

/* Stages, only when the component has after: (the digest of a config
 * without stages stays what it was). */
static json_t *with_stages(json_t *component, const struct component *c)
{
	json_t *after;

	if (!component || (!c->fan_in && !c->n_after))
		return component;
	after = c->fan_in ? json_string("all") : string_list_json(&c->after_names);
	if (json_object_update_new(component, json_pack(
		    "{s:o, s:s}", "after", after, "when", fan_in_when_name(c->when))) != 0) {
		json_decref(component);
		return NULL;
	}
	return component;
}

static json_t *component_json(const struct component *c, struct error *err)
{
	json_t *template = template_digest(c, err);

	if (!template)
		return NULL;
	return with_stages(with_outputs(with_pack(json_pack("{s:s, s:o, s:s?, s:I, s:I, s:I, s:o, s:o, s:b, s:o}",
			 "name", c->name, "template_sha256", template, "command", c->command,
			 "cpus", (json_int_t)c->cpus, "memory_bytes", (json_int_t)c->memory_bytes,
			 "walltime_s", (json_int_t)c->walltime_s, "env", env_json(c),
			 "setup", string_list_json(&c->setup), "cache", c->cache,
			 "inputs", string_list_json(&c->inputs)), c), c), c);
}

static ssize_t hash_write(void *cookie, const char *data, size_t len)
{
	sha256_update(cookie, data, len);
	return (ssize_t)len;
}

/* The sha256 of the scenarios' JSONL lines, streamed: no copy of the set. */
static int scenarios_digest(const struct scenario_set *set, char hex[SHA256_HEX_SIZE])
{
	cookie_io_functions_t io = { .write = hash_write };
	unsigned char digest[SHA256_DIGEST_SIZE];
	struct sha256 ctx;
	FILE *sink;
	int rc;

	sha256_init(&ctx);
	if (!(sink = fopencookie(&ctx, "w", io)))
		return -1;
	rc = scenarios_write_jsonl(set, sink);
	if (fclose(sink) != 0)
		rc = -1;
	sha256_final(&ctx, digest);
	sha256_to_hex(digest, hex);
	return rc;
}

static json_t *scenarios_json(const struct scenario_set *set, struct error *err)
{
	char hex[SHA256_HEX_SIZE];
	json_t *names = json_array();

	if (scenarios_digest(set, hex) != 0) {
		error_system(err, "cannot hash the scenarios");
		json_decref(names);
		return NULL;
	}
	for (size_t p = 0; names && p < scenarios_param_count(set); p++)
		json_array_append_new(names, json_string(scenarios_param_name(set, p)));
	return json_pack("{s:s, s:I, s:o, s:s}", "kind", scenarios_kind_name(scenarios_kind(set)),
			 "count", (json_int_t)scenarios_count(set), "parameters", names,
			 "sha256", hex);
}

static json_t *policy_json(const struct retry_policy *p)
{
	return json_pack("{s:I, s:{s:I, s:f, s:I, s:f}, s:f, s:I, s:f, s:I}",
			 "max_attempts", (json_int_t)p->max_attempts, "backoff",
			 "initial_s", (json_int_t)p->backoff.initial_s,
			 "factor", p->backoff.factor, "max_s", (json_int_t)p->backoff.max_s,
			 "jitter", p->backoff.jitter, "memory_factor", p->memory_factor,
			 "memory_cap_bytes", (json_int_t)p->memory_cap_bytes,
			 "walltime_factor", p->walltime_factor,
			 "walltime_cap_s", (json_int_t)p->walltime_cap_s);
}

/* Whether a component declares outputs (then output_missing's policy
 * counts; without, a config keeps the digest it had before the class). */
static bool any_outputs(const struct config *config)
{
	for (size_t c = 0; c < config->n_components; c++)
		if (config->components[c].outputs.count)
			return true;
	return false;
}

static json_t *retry_json(const struct config *config)
{
	json_t *retry = json_object();

	for (int c = 0; retry && c < FAILURE_CLASS_COUNT; c++)
		if (c != FAILURE_OUTPUT_MISSING || any_outputs(config))
			json_object_set_new(retry, failure_class_name((enum failure_class)c),
					    policy_json(&config->retry[c]));
	return retry;
}

static json_t *rule_json(const struct classify_rule *r)
{
	json_t *rule = json_pack("{s:s, s:s?, s:s?}", "class", failure_class_name(r->class),
				 "slurm_state", r->slurm_state, "stderr", r->stderr_pattern);

	if (rule && r->has_exit_code)
		json_object_set_new(rule, "exit_code", json_integer(r->exit_code));
	if (rule && r->has_signal)
		json_object_set_new(rule, "signal", json_integer(r->signal));
	return rule;
}

/* targets, components and classify rules as arrays, in config order. */
static int add_lists(json_t *manifest, const struct config *config, struct error *err)
{
	json_t *targets = json_array(), *components = json_array(), *rules = json_array();

	json_object_set_new(manifest, "targets", targets);
	json_object_set_new(manifest, "components", components);
	json_object_set_new(manifest, "classify", rules);
	for (size_t i = 0; targets && i < config->n_targets; i++)
		json_array_append_new(targets, target_json(&config->targets[i]));
	for (size_t i = 0; rules && i < config->n_rules; i++)
		json_array_append_new(rules, rule_json(&config->rules[i]));
	for (size_t i = 0; components && i < config->n_components; i++) {
		json_t *c = component_json(&config->components[i], err);

		if (!c)
			return -1;
		json_array_append_new(components, c);
	}
	return targets && components && rules ? 0 : -1;
}

json_t *manifest_canonical_json(const struct config *config, struct error *err)
{
	const struct ai_config *ai = &config->ai;
	json_t *scenarios = scenarios_json(config->scenarios, err);
	json_t *manifest;

	if (!scenarios)
		return NULL;
	manifest = json_pack("{s:i, s:I, s:s, s:s, s:o, s:o, s:{s:s?, s:I}, "
			     "s:{s:s?, s:s?, s:s?, s:s?, s:I}}",
			     "manifest_schema_version", MANIFEST_DIGEST_VERSION,
			     "version", (json_int_t)config->version, "project", config->project,
			     "default_target", config->targets[config->default_target].name,
			     "scenarios", scenarios, "retry", retry_json(config),
			     "notify", "webhook", config->notify.webhook,
			     "timeout_s", (json_int_t)config->notify.timeout_s,
			     "ai", "url", ai->url, "model", ai->model, "api_key_env", ai->api_key_env,
			     "api_key_file", ai->api_key_file, "timeout_s", (json_int_t)ai->timeout_s);
	if (!manifest) {
		errno = ENOMEM;
		error_system(err, "cannot describe the manifest");
		return NULL;
	}
	if (add_lists(manifest, config, err) != 0) {
		json_decref(manifest);
		return NULL;
	}
	return manifest;
}

int manifest_digest(const struct config *config, char hex[SHA256_HEX_SIZE], struct error *err)
{
	json_t *manifest = manifest_canonical_json(config, err);
	char *text;

	if (!manifest)
		return -1;
	text = json_dumps(manifest, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(manifest);
	if (!text) {
		errno = ENOMEM;
		error_system(err, "cannot serialise the manifest");
		return -1;
	}
	sha256_hex(text, strlen(text), hex);
	free(text);
	return 0;
}
