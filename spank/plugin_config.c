/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "plugin_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plugin_config_defaults(struct plugin_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = PLUGIN_LOG_VERBOSE;
	cfg->collector_timeout_ms = PLUGIN_DEFAULT_COLLECTOR_TIMEOUT_MS;
	cfg->write_timeout_ms = PLUGIN_DEFAULT_WRITE_TIMEOUT_MS;
	cfg->event_budget_ms = PLUGIN_DEFAULT_EVENT_BUDGET_MS;
}

/* Accepts exactly yes/no/true/false/1/0; returns 0 or -1. */
static int parse_bool(const char *text, bool *out)
{
	if (!strcmp(text, "yes") || !strcmp(text, "true") || !strcmp(text, "1"))
		*out = true;
	else if (!strcmp(text, "no") || !strcmp(text, "false") || !strcmp(text, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

/* Accepts a decimal integer within [min, max]; returns 0 or -1. */
static int parse_int_range(const char *text, int min, int max, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* An absolute path without control characters that fits in bufsz; returns 0 or -1. */
static int parse_abs_path(const char *text, char *buf, size_t bufsz)
{
	if (text[0] != '/' || strlen(text) >= bufsz)
		return -1;
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;
	strcpy(buf, text);
	return 0;
}

/* A duration "N", "Ns", "Nms", "Nm" or "Nh" (N a decimal integer; no unit:
 * seconds) into milliseconds within [min_ms, max_ms], or "off"/"0" for 0. */
static int parse_duration_ms(const char *text, int min_ms, int max_ms, int *out)
{
	if (!strcmp(text, "off") || !strcmp(text, "0")) {
		*out = 0;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || v <= 0 || text[0] == '+' || text[0] == '-')
		return -1;
	long long scale;
	if (!*end || !strcmp(end, "s"))
		scale = 1000;
	else if (!strcmp(end, "ms"))
		scale = 1;
	else if (!strcmp(end, "m"))
		scale = 60000;
	else if (!strcmp(end, "h"))
		scale = 3600000;
	else
		return -1;
	if (v > max_ms / scale || v * scale < min_ms)
		return -1;
	*out = (int)(v * scale);
	return 0;
}

static int parse_url(const char *text, char *buf, size_t bufsz)
{
	if (strncmp(text, "http://", 7) && strncmp(text, "https://", 8))
		return -1;
	if (strlen(text) >= bufsz || strpbrk(text, " \t\r\n"))
		return -1;
	strcpy(buf, text);
	return 0;
}

static int parse_log_level(const char *text, enum plugin_log_level *out)
{
	if (!strcmp(text, "quiet"))
		*out = PLUGIN_LOG_QUIET;
	else if (!strcmp(text, "verbose"))
		*out = PLUGIN_LOG_VERBOSE;
	else if (!strcmp(text, "debug"))
		*out = PLUGIN_LOG_DEBUG;
	else
		return -1;
	return 0;
}

/* Applies one key=value; returns 0, or -1 with a message in err. */
static int apply_argument(struct plugin_config *cfg, const char *arg, char *err, size_t errsz)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		snprintf(err, errsz, "argument '%s': expected key=value", arg);
		return -1;
	}
	size_t keylen = (size_t)(eq - arg);
	const char *value = eq + 1;
	int rc;
	const char *expected;
#define KEY_IS(k) (keylen == strlen(k) && !strncmp(arg, k, keylen))
	if (KEY_IS("spool")) {
		rc = parse_abs_path(value, cfg->spool_dir, sizeof(cfg->spool_dir));
		expected = "an absolute directory path";
	} else if (KEY_IS("all_jobs")) {
		rc = parse_bool(value, &cfg->all_jobs);
		expected = "yes or no";
	} else if (KEY_IS("log")) {
		rc = parse_log_level(value, &cfg->log_level);
		expected = "quiet, verbose or debug";
	} else if (KEY_IS("collector")) {
		rc = parse_url(value, cfg->collector_url, sizeof(cfg->collector_url));
		expected = "an http:// or https:// URL";
	} else if (KEY_IS("collector_timeout_ms")) {
		rc = parse_int_range(value, 1, 60000, &cfg->collector_timeout_ms);
		expected = "milliseconds between 1 and 60000";
	} else if (KEY_IS("write_timeout_ms")) {
		rc = parse_int_range(value, 1, 60000, &cfg->write_timeout_ms);
		expected = "milliseconds between 1 and 60000";
	} else if (KEY_IS("event_budget_ms")) {
		rc = parse_int_range(value, 1, 120000, &cfg->event_budget_ms);
		expected = "milliseconds between 1 and 120000";
	} else if (KEY_IS("sample")) {
		rc = parse_duration_ms(value, PLUGIN_SAMPLE_MIN_MS, PLUGIN_SAMPLE_MAX_MS,
				       &cfg->sample_ms);
		expected = "off, or a duration from 1s to 24h (30s, 1500ms, 5m)";
	} else {
		snprintf(err, errsz, "unknown argument '%.*s' (known: spool, all_jobs, log, "
			 "collector, collector_timeout_ms, write_timeout_ms, event_budget_ms, "
			 "sample)",
			 (int)keylen, arg);
		return -1;
	}
#undef KEY_IS
	if (rc != 0)
		snprintf(err, errsz, "argument '%s': expected %s", arg, expected);
	return rc;
}

int plugin_config_parse(struct plugin_config *cfg, int argc, char *const argv[],
			char *err, size_t errsz)
{
	plugin_config_defaults(cfg);
	for (int i = 0; i < argc; i++) {
		if (apply_argument(cfg, argv[i], err, errsz) != 0) {
			plugin_config_defaults(cfg);
			return -1;
		}
	}
	if (cfg->all_jobs && !cfg->spool_dir[0]) {
		snprintf(err, errsz, "all_jobs=yes needs spool=DIR");
		plugin_config_defaults(cfg);
		return -1;
	}
	return 0;
}
