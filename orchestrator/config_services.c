/* notify and ai: the optional outside services a run may talk to. */
#include <stddef.h>
#include <string.h>

#include "config_loader.h"

/* Fails unless the string at key is an http(s) URL. */
static int check_url(struct loader *L, const struct ynode *map, const char *key,
		     const char *url)
{
	if (!url || strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0)
		return 0;
	return fail_at(L, ymap_get(map, key), "'%s' is not a URL (expected http:// or "
		       "https://...)", url);
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

int load_ai(struct loader *L, const struct ynode *map)
{
	struct ai_config *ai = &L->config->ai;

	if (load_fields(L, map, ai_fields, sizeof ai_fields / sizeof ai_fields[0], ai,
			"ai") != 0)
		return -1;
	if (ai->api_key_env && ai->api_key_file)
		return fail_at(L, ymap_get(map, "api_key_file"), "both api_key_env and "
			       "api_key_file (expected one place for the key)");
	return check_url(L, map, "url", ai->url) || check_timeout(L, map, ai->timeout_s)
		       ? -1 : 0;
}
