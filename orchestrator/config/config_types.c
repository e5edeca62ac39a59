/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed, strict readers of YAML nodes, and the table-driven mapping reader. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"
#include "lib/util/did_you_mean.h"
#include "units.h"

int fail_at(struct loader *L, const struct ynode *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_at_v(L->err, L->path, node->line, node->column, fmt, ap);
	va_end(ap);
	return -1;
}

int want_kind(struct loader *L, const struct ynode *node, enum ynode_kind kind,
	      const char *what)
{
	static const char *const kinds[] = {
		[YNODE_SCALAR] = "a value", [YNODE_SEQUENCE] = "a list",
		[YNODE_MAPPING] = "a mapping",
	};

	if (node->kind == kind && !(kind == YNODE_SCALAR && ynode_is_null(node)))
		return 0;
	return fail_at(L, node, "%s is %s (expected %s)", what, ynode_describe(node),
		       kinds[kind]);
}

int want_named_entries(struct loader *L, const struct ynode *map, const char *section,
		       const char *example)
{
	if (want_kind(L, map, YNODE_MAPPING, section) != 0)
		return -1;
	if (ymap_size(map) == 0)
		return fail_at(L, map, "no %s (expected at least one, e.g. %s)", section,
			       example);
	return 0;
}

/* Fails unless node is a non-null scalar; what says what it should hold. */
static int want_scalar(struct loader *L, const struct ynode *node, const char *what)
{
	if (node->kind == YNODE_SCALAR && !ynode_is_null(node))
		return 0;
	return fail_at(L, node, "got %s (expected %s)", ynode_describe(node), what);
}

int read_string(struct loader *L, const struct ynode *node, char **out)
{
	if (want_scalar(L, node, "a string") != 0)
		return -1;
	free(*out);
	if (!(*out = strdup(node->text))) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	return 0;
}

/* Reads a plain decimal integer; quoted numbers are strings, not numbers. */
static int read_integer_text(struct loader *L, const struct ynode *node,
			     const char *what, long long *out)
{
	char *end;

	if (want_scalar(L, node, what) != 0)
		return -1;
	errno = 0;
	*out = strtoll(node->text, &end, 10);
	if (!node->plain || end == node->text || *end != '\0' || errno != 0 ||
	    strchr(node->text, ' ') || node->text[0] == '+')
		return fail_at(L, node, "'%s' is not %s (expected an unquoted whole "
			       "number)", node->text, what);
	return 0;
}

int read_uint(struct loader *L, const struct ynode *node, unsigned min, unsigned max,
	      unsigned *out)
{
	long long value;

	if (read_integer_text(L, node, "an integer", &value) != 0)
		return -1;
	if (value < (long long)min || value > (long long)max)
		return fail_at(L, node, "%lld is out of range (expected %u to %u)", value,
			       min, max);
	*out = (unsigned)value;
	return 0;
}

int read_int64(struct loader *L, const struct ynode *node, int64_t *out)
{
	long long value;

	if (read_integer_text(L, node, "an integer", &value) != 0)
		return -1;
	*out = value;
	return 0;
}

static int read_bool(struct loader *L, const struct ynode *node, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };

	if (want_scalar(L, node, "true or false") != 0)
		return -1;
	for (size_t i = 0; node->plain && i < 3; i++) {
		if (strcmp(node->text, yes[i]) == 0 || strcmp(node->text, no[i]) == 0) {
			*out = strcmp(node->text, yes[i]) == 0;
			return 0;
		}
	}
	return fail_at(L, node, "'%s' is not a boolean (expected true or false)",
		       node->text);
}

/* Reads a size, a walltime or a duration through its units.h parser. */
static int read_unit(struct loader *L, const struct ynode *node,
		     bool (*parse)(const char *, uint64_t *, const char **), uint64_t *out)
{
	const char *why = NULL;

	if (want_scalar(L, node, "a value with a unit") != 0)
		return -1;
	if (!parse(node->text, out, &why))
		return fail_at(L, node, "bad value '%s' (%s)", node->text, why);
	return 0;
}

/* Reads a plain decimal number within [min, max]. */
static int read_double(struct loader *L, const struct ynode *node, double min,
		       double max, double *out)
{
	char *end;
	double value;

	if (want_scalar(L, node, "a number") != 0)
		return -1;
	errno = 0;
	value = strtod(node->text, &end);
	if (!node->plain || end == node->text || *end != '\0' || errno != 0 ||
	    !isfinite(value) || strchr(node->text, 'x') || strchr(node->text, 'X'))
		return fail_at(L, node, "'%s' is not a number", node->text);
	if (value < min || value > max)
		return fail_at(L, node, "%s is out of range (expected %g to %g)",
			       node->text, min, max);
	*out = value;
	return 0;
}

void string_list_free(struct string_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->item[i]);
	free(list->item);
	list->item = NULL;
	list->count = 0;
}

int read_string_list(struct loader *L, const struct ynode *node, const char *what,
		     struct string_list *out)
{
	if (want_kind(L, node, YNODE_SEQUENCE, what) != 0)
		return -1;
	string_list_free(out);
	out->item = calloc(node->n_child ? node->n_child : 1, sizeof *out->item);
	if (!out->item) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < node->n_child; i++) {
		if (read_string(L, node->child[i], &out->item[i]) != 0)
			return -1;
		out->count++;
	}
	return 0;
}

/* Reads value into the field at its offset in object. */
static int load_field(struct loader *L, const struct field *f, const struct ynode *value,
		      void *object)
{
	void *slot = (char *)object + f->offset;

	switch (f->type) {
	case FIELD_STRING: return read_string(L, value, slot);
	case FIELD_UINT: return read_uint(L, value, f->min, f->max, slot);
	case FIELD_BOOL: return read_bool(L, value, slot);
	case FIELD_SIZE: return read_unit(L, value, units_parse_size, slot);
	case FIELD_WALLTIME: return read_unit(L, value, units_parse_walltime, slot);
	case FIELD_DURATION: return read_unit(L, value, units_parse_duration, slot);
	case FIELD_FACTOR: return read_double(L, value, 1.0, 1000.0, slot);
	case FIELD_FRACTION: return read_double(L, value, 0.0, 1.0, slot);
	case FIELD_STRING_LIST: return read_string_list(L, value, f->key, slot);
	case FIELD_CUSTOM: return f->parse(L, value, object);
	}
	return -1;
}

/* The error for a key no field knows. */
static int unknown_key(struct loader *L, const struct ynode *key, const struct field *fields,
		       size_t n_fields, const char *what)
{
	const char *names[64];
	char list[512] = "";
	const char *hint;
	size_t n = n_fields < 64 ? n_fields : 64;

	for (size_t i = 0; i < n; i++) {
		names[i] = fields[i].key;
		if (strlen(list) + strlen(names[i]) + 3 < sizeof list)
			strcat(strcat(list, i ? ", " : ""), names[i]);
	}
	hint = did_you_mean(key->text, names, n);
	if (hint)
		return fail_at(L, key, "unknown key '%s' in %s (did you mean '%s'?)",
			       key->text, what, hint);
	return fail_at(L, key, "unknown key '%s' in %s (expected one of: %s)", key->text,
		       what, list);
}

int load_fields(struct loader *L, const struct ynode *map, const struct field *fields,
		size_t n_fields, void *object, const char *what)
{
	if (want_kind(L, map, YNODE_MAPPING, what) != 0)
		return -1;
	for (size_t i = 0; i < ymap_size(map); i++) {
		const struct ynode *key = ymap_key(map, i), *value = ymap_value(map, i);
		const struct field *f = NULL;

		for (size_t j = 0; j < n_fields && !f; j++)
			if (strcmp(fields[j].key, key->text) == 0)
				f = &fields[j];
		if (!f)
			return unknown_key(L, key, fields, n_fields, what);
		if (ynode_is_null(value) && f->type != FIELD_CUSTOM)
			continue;
		if (load_field(L, f, value, object) != 0)
			return -1;
	}
	return 0;
}

bool is_plain_name(const char *name, const char *extra)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_-";
	size_t n = 0;

	while (name[n] && (strchr(letters, name[n]) || strchr(extra, name[n])))
		n++;
	return n > 0 && name[n] == '\0';
}

char *config_relative_path(const struct config *config, const char *path)
{
	char *joined;

	if (path[0] == '/' || strcmp(config->dir, ".") == 0)
		return strdup(path);
	if (asprintf(&joined, "%s/%s", config->dir, path) < 0)
		return NULL;
	return joined;
}
