/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Content keys of cached components (see cache_key.h). */
#include "rundir/cache_key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/scenarios.h"
#include "lib/template/template.h"

/* One field: tag, NUL, length (8 bytes big-endian), bytes. */
static void put(struct sha256 *h, const char *tag, const void *data, size_t len)
{
	unsigned char size[8];

	for (int i = 0; i < 8; i++)
		size[i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	sha256_update(h, tag, strlen(tag) + 1);
	sha256_update(h, size, sizeof size);
	sha256_update(h, data, len);
}

static void put_text(struct sha256 *h, const char *tag, const char *text)
{
	put(h, tag, text, strlen(text));
}

static void put_count(struct sha256 *h, const char *tag, size_t n)
{
	char text[24];

	snprintf(text, sizeof text, "%zu", n);
	put_text(h, tag, text);
}

/* The error for an input that cannot be hashed. */
static void input_error(const struct config *config, const struct component *c,
			const char *input, const char *path, struct error *err)
{
	if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR || errno == EACCES)
		error_usage(err, "%s: component '%s' declares input '%s', which cannot be "
			    "read (%s: %s; expected a file relative to the config's directory)",
			    config->path, c->name, input, path, strerror(errno));
	else
		error_system(err, "cannot hash input '%s' of component '%s' (%s)", input,
			     c->name, path);
}

int cache_hash_file(const char *path, char hex[SHA256_HEX_SIZE])
{
	unsigned char buf[65536], digest[SHA256_DIGEST_SIZE];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct sha256 h;
	ssize_t n;

	if (fd < 0)
		return -1;
	sha256_init(&h);
	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sha256_update(&h, buf, (size_t)n);
	if (n < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	sha256_final(&h, digest);
	sha256_to_hex(digest, hex);
	return 0;
}

/* Each declared input: its path as written and its content's digest. */
static int put_inputs(struct sha256 *h, const struct config *config,
		      const struct component *c, struct error *err)
{
	put_count(h, "inputs", c->inputs.count);
	for (size_t i = 0; i < c->inputs.count; i++) {
		const char *input = c->inputs.item[i];
		char hex[SHA256_HEX_SIZE], *path;
		int rc;

		if (input[0] == '/')
			path = strdup(input);
		else if (asprintf(&path, "%s/%s", config->dir, input) < 0)
			path = NULL;
		if (!path) {
			error_system(err, "cannot hash the inputs of component '%s'", c->name);
			return -1;
		}
		rc = cache_hash_file(path, hex);
		if (rc != 0)
			input_error(config, c, input, path, err);
		free(path);
		if (rc != 0)
			return -1;
		put_text(h, "input", input);
		put_text(h, "input.sha256", hex);
	}
	return 0;
}

/* The component's code: template, command, setup lines, environment. */
static void put_code(struct sha256 *h, const struct component *c)
{
	put_text(h, "template", template_text(c->template));
	if (c->command)
		put_text(h, "command", c->command);
	put_count(h, "setup", c->setup.count);
	for (size_t i = 0; i < c->setup.count; i++)
		put_text(h, "setup.line", c->setup.item[i]);
	put_count(h, "env", c->n_env);
	for (size_t i = 0; i < c->n_env; i++) {
		put_text(h, "env.name", c->env[i].name);
		put_text(h, "env.value", c->env[i].value);
	}
}

int cache_key_prepare(const struct config *config, const struct component *component,
		      struct cache_key_base *out, struct error *err)
{
	struct sha256 *h = &out->prefix;

	sha256_init(h);
	out->scenarios = config->scenarios;
	put_text(h, "version", CACHE_KEY_VERSION_TAG);
	put_text(h, "project", config->project ? config->project : "");
	put_text(h, "component", component->name);
	put_code(h, component);
	put_count(h, "cpus", component->cpus);
	if (put_inputs(h, config, component, err) != 0)
		return -1;
	if (component->outputs.count)  /* none: the key of version 1 as it was */
		put_count(h, "outputs", component->outputs.count);
	for (size_t i = 0; i < component->outputs.count; i++)
		put_text(h, "output", component->outputs.item[i]);
	return 0;
}

void cache_key_of(const struct cache_key_base *base, size_t index,
		  unsigned char key[SHA256_DIGEST_SIZE])
{
	struct sha256 h = base->prefix;  /* the shared part, hashed once */
	size_t n = scenarios_param_count(base->scenarios);
	struct scenario_value_buf buf;

	put_count(&h, "params", n);
	for (size_t p = 0; p < n; p++) {
		put_text(&h, "param.name", scenarios_param_name(base->scenarios, p));
		put_text(&h, "param.value", scenarios_value(base->scenarios, index, p, &buf));
	}
	sha256_final(&h, key);
}

void cache_key_hex(const struct cache_key_base *base, size_t index,
		   char hex[SHA256_HEX_SIZE])
{
	unsigned char key[SHA256_DIGEST_SIZE];

	cache_key_of(base, index, key);
	sha256_to_hex(key, hex);
}
