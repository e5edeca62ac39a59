/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where diagnose --ai sends its question (see ai_settings.h). */
#include "ai/ai_settings.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHAT_PATH "/chat/completions"
#define KEY_FILE_MAX 4096

/* A non-empty environment variable, else NULL. */
static const char *env(const char *name)
{
	const char *value = getenv(name);

	return value && *value ? value : NULL;
}

/* base + /chat/completions, unless base ends with it already. */
static char *endpoint_of(const char *base)
{
	size_t len = strlen(base), tail = strlen(CHAT_PATH);
	char *url;

	if (len >= tail && strcmp(base + len - tail, CHAT_PATH) == 0)
		return strdup(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	return asprintf(&url, "%.*s%s", (int)len, base, CHAT_PATH) < 0 ? NULL : url;
}

char *ai_key_file_read(const char *path, char *why, size_t why_len)
{
	char buf[KEY_FILE_MAX + 1], *key = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	ssize_t n = -1;

	if (fd < 0 || fstat(fd, &st) != 0)
		snprintf(why, why_len, "cannot read the key file %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(why, why_len, "the key file %s is not a regular file", path);
	else if (st.st_uid != geteuid())
		snprintf(why, why_len, "the key file %s is not yours", path);
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		snprintf(why, why_len, "the key file %s is open to others (chmod 600 %s)", path,
			 path);
	else if ((n = read(fd, buf, KEY_FILE_MAX)) < 0)
		snprintf(why, why_len, "cannot read the key file %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (n < 0)
		return NULL;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	if (n == 0 || strchr(buf, '\n'))
		snprintf(why, why_len, "the key file %s %s", path,
			 n ? "holds more than one line" : "is empty");
	else if (!(key = strdup(buf)))
		snprintf(why, why_len, "out of memory");
	explicit_bzero(buf, sizeof buf);
	return key;
}

/* Whether key can travel in a header: printable ASCII, no blank (a line
 * break in it would smuggle in a header of its own). */
static bool header_safe(const char *key)
{
	for (; *key; key++)
		if (*key < 0x21 || *key > 0x7e)
			return false;
	return true;
}

/* The key, or NULL with why set when one was named but cannot be had, or
 * NULL with why empty when none was named. */
static char *find_key(const struct ai_config *config, char *why, size_t why_len)
{
	const char *file = env("SCALABLE_AI_KEY_FILE"), *value;

	*why = '\0';
	if (!file && config)
		file = config->api_key_file;
	if (file)
		return ai_key_file_read(file, why, why_len);
	if (config && config->api_key_env) {
		if ((value = env(config->api_key_env)))
			return strdup(value);
		snprintf(why, why_len, "ai.api_key_env names $%s, which is not set",
			 config->api_key_env);
		return NULL;
	}
	value = env("SCALABLE_AI_KEY");
	if (!value)
		value = env("OPENAI_API_KEY");
	return value ? strdup(value) : NULL;
}

int ai_settings_resolve(const struct ai_config *config, struct ai_settings *out, char *why,
			size_t why_len)
{
	const char *url = env("SCALABLE_AI_URL"), *model = env("SCALABLE_AI_MODEL");

	memset(out, 0, sizeof *out);
	if (!url && config)
		url = config->url;
	if (!model && config)
		model = config->model;
	if (!url) {
		snprintf(why, why_len, "no endpoint (set ai.url in scalable.yaml or "
			 "SCALABLE_AI_URL)");
		return -1;
	}
	if (!model) {
		snprintf(why, why_len, "no model (set ai.model in scalable.yaml or "
			 "SCALABLE_AI_MODEL)");
		return -1;
	}
	out->timeout_s = config && config->timeout_s ? (unsigned)config->timeout_s
						     : AI_TIMEOUT_DEFAULT_S;
	out->key = find_key(config, why, why_len);
	if (out->key && !header_safe(out->key)) {
		snprintf(why, why_len, "the key holds blanks or control characters");
		ai_settings_clear(out);
		return -1;
	}
	if ((!out->key && *why) || !(out->endpoint = endpoint_of(url)) ||
	    !(out->model = strdup(model))) {
		if (!*why)
			snprintf(why, why_len, "out of memory");
		ai_settings_clear(out);
		return -1;
	}
	return 0;
}

void ai_settings_clear(struct ai_settings *s)
{
	if (s->key)
		explicit_bzero(s->key, strlen(s->key));
	free(s->key);
	free(s->endpoint);
	free(s->model);
	memset(s, 0, sizeof *s);
}
