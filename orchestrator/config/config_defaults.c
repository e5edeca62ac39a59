/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading site and user defaults files (config_defaults.h). */
#include "config/config_defaults.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_loader.h"

static const char *const key_names[DEFAULTS_KEYS] = {
	"account", "partition", "qos", "runs_dir", "notify.webhook", "notify.timeout",
};

static const char *const source_names[] = {
	[SOURCE_BUILT_IN] = "built-in",	      [SOURCE_SITE] = "site defaults",
	[SOURCE_USER] = "user defaults",      [SOURCE_RUN] = "the run's defaults",
	[SOURCE_PROJECT] = "project",	      [SOURCE_ENVIRONMENT] = "environment",
};

const char *defaults_key_name(enum defaults_key key)
{
	return key_names[key];
}

const char *setting_source_name(enum setting_source source)
{
	return source_names[source];
}

/* The top-level strings of a defaults file, in enum defaults_key's order
 * (DEFAULTS_ACCOUNT to DEFAULTS_RUNS_DIR); notify goes to the loader's
 * config, read as a config's notify: is. */
struct defaults_strings {
	char *account, *partition, *qos, *runs_dir;
};

static int read_notify(struct loader *L, const struct ynode *value, void *object)
{
	(void)object;
	return ynode_is_null(value) ? 0 : load_notify(L, value);
}

static const struct field defaults_fields[] = {
	{ "account", FIELD_STRING, offsetof(struct defaults_strings, account), 0, 0, NULL },
	{ "partition", FIELD_STRING, offsetof(struct defaults_strings, partition), 0, 0, NULL },
	{ "qos", FIELD_STRING, offsetof(struct defaults_strings, qos), 0, 0, NULL },
	{ "runs_dir", FIELD_STRING, offsetof(struct defaults_strings, runs_dir), 0, 0, NULL },
	{ "notify", FIELD_CUSTOM, 0, 0, 0, read_notify },
};

/* runs_dir as a path: absolute, or ~/... under $HOME. */
static int expand_runs_dir(struct loader *L, const struct ynode *node, char **dir)
{
	const char *home = getenv("HOME");
	char *path;

	if (!*dir || (*dir)[0] == '/')
		return 0;
	if (strncmp(*dir, "~/", 2) != 0 || !home || !*home)
		return fail_at(L, node, "runs_dir '%s' is relative (expected an absolute path, "
			       "or ~/...)", *dir);
	if (asprintf(&path, "%s/%s", home, *dir + 2) < 0) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	free(*dir);
	*dir = path;
	return 0;
}

/* Takes *value (when set) into d at key, from node of the file at path. */
static int take(struct config_defaults *d, enum defaults_key key, char **value,
		const struct ynode *node, enum setting_source source, const char *path)
{
	if (!*value)
		return 0;
	free(d->value[key]);
	free(d->origin[key].file);
	d->value[key] = *value;
	*value = NULL;
	d->origin[key] = (struct setting_origin){ source, strdup(path), node->line };
	return d->origin[key].file ? 0 : -1;
}

/* What the loader read of root into d. */
static int take_all(struct loader *L, const struct ynode *root, struct defaults_strings *s,
		    enum setting_source source, struct config_defaults *d)
{
	const struct ynode *notify = ymap_get(root, "notify");
	const struct ynode *timeout = notify && !ynode_is_null(notify)
					      ? ymap_get(notify, "timeout") : NULL;
	char *timeout_text = timeout && !ynode_is_null(timeout) ? strdup(timeout->text) : NULL;
	char **values[] = { &s->account, &s->partition, &s->qos, &s->runs_dir };
	int rc = 0;

	for (int k = DEFAULTS_ACCOUNT; k <= DEFAULTS_RUNS_DIR; k++)
		rc |= take(d, k, values[k], ymap_get(root, key_names[k]), source, L->path);
	if (L->config->notify.webhook)
		rc |= take(d, DEFAULTS_WEBHOOK, &L->config->notify.webhook,
			   ymap_get(notify, "webhook"), source, L->path);
	if (timeout_text) {
		d->timeout_s = L->config->notify.timeout_s;
		rc |= take(d, DEFAULTS_TIMEOUT, &timeout_text, timeout, source, L->path);
	}
	free(timeout_text);
	if (rc != 0)
		error_system(L->err, "%s", L->path);
	return rc ? -1 : 0;
}

/* Reads the mapping root of the file at path over d. */
static int read_root(const char *path, const struct ynode *root, enum setting_source source,
		     struct config_defaults *d, struct error *err)
{
	struct config scratch = { .path = (char *)path, .dir = (char *)"." };
	struct loader L = { .path = path, .config = &scratch, .err = err };
	struct defaults_strings s = { 0 };
	int rc;

	rc = load_fields(&L, root, defaults_fields,
			 sizeof defaults_fields / sizeof defaults_fields[0], &s, "a defaults file");
	if (rc == 0)
		rc = expand_runs_dir(&L, ymap_get(root, "runs_dir"), &s.runs_dir);
	if (rc == 0)
		rc = take_all(&L, root, &s, source, d);
	free(s.account);
	free(s.partition);
	free(s.qos);
	free(s.runs_dir);
	config_services_clear(&scratch.notify, &scratch.ai);
	return rc;
}

int config_defaults_read(const char *path, enum setting_source source,
			 struct config_defaults *d, struct error *err)
{
	struct ynode *root = NULL;
	int rc;

	if (!path || access(path, F_OK) != 0)
		return 0;  /* no such file: no defaults */
	if (ytree_load(path, &root, err) != 0)
		return -1;
	rc = root ? read_root(path, root, source, d, err) : 0;
	ytree_free(root);
	return rc;
}

const char *config_defaults_site_path(void)
{
	const char *path = getenv("SCALABLE_SITE_DEFAULTS");

	if (path)
		return *path ? path : NULL;
	return SITE_DEFAULTS_PATH;
}

char *config_defaults_user_path(void)
{
	const char *path = getenv("SCALABLE_USER_DEFAULTS");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *out = NULL;

	if (path)
		return *path ? strdup(path) : NULL;
	if (xdg && xdg[0] == '/') {
		if (asprintf(&out, "%s/scalable/defaults.yaml", xdg) < 0)
			out = NULL;
	} else if (home && *home) {
		if (asprintf(&out, "%s/.config/scalable/defaults.yaml", home) < 0)
			out = NULL;
	}
	return out;
}

int config_defaults_load(struct config_defaults *d, struct error *err)
{
	char *user = config_defaults_user_path();
	int rc;

	memset(d, 0, sizeof *d);
	rc = config_defaults_read(config_defaults_site_path(), SOURCE_SITE, d, err);
	if (rc == 0)
		rc = config_defaults_read(user, SOURCE_USER, d, err);
	free(user);
	if (rc != 0)
		config_defaults_clear(d);
	return rc;
}

void config_defaults_clear(struct config_defaults *d)
{
	for (int k = 0; k < DEFAULTS_KEYS; k++) {
		free(d->value[k]);
		free(d->origin[k].file);
	}
	memset(d, 0, sizeof *d);
}

int config_defaults_copy(struct config_defaults *dst, const struct config_defaults *src)
{
	memset(dst, 0, sizeof *dst);
	dst->timeout_s = src->timeout_s;
	for (int k = 0; k < DEFAULTS_KEYS; k++) {
		dst->origin[k] = src->origin[k];
		dst->origin[k].file = NULL;
		if ((src->value[k] && !(dst->value[k] = strdup(src->value[k]))) ||
		    (src->origin[k].file && !(dst->origin[k].file = strdup(src->origin[k].file)))) {
			config_defaults_clear(dst);
			return -1;
		}
	}
	return 0;
}
