/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The output files of a cache record (see cache_outputs.h). */
#include "rundir/cache_outputs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rundir/cache_key.h"

int cache_outputs_hash(struct output_files *files, struct error *err)
{
	for (size_t k = 0; k < files->count; k++) {
		if (cache_hash_file(files->file[k].path, files->file[k].sha256) != 0) {
			error_system(err, "cannot hash output %s", files->file[k].path);
			return -1;
		}
	}
	return 0;
}

json_t *cache_outputs_json(const struct output_files *files)
{
	json_t *array = json_array();

	for (size_t k = 0; array && k < files->count; k++) {
		const struct output_file *f = &files->file[k];

		if (json_array_append_new(array, json_pack("{s:s, s:I, s:I, s:s}", "path", f->path,
							   "size", (json_int_t)f->size,
							   "mtime_ns", (json_int_t)f->mtime_ns,
							   "sha256", f->sha256)) != 0) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

/* One recorded file; false when the object is not one. */
static bool read_file(const json_t *o, struct output_file *f)
{
	const char *path = json_string_value(json_object_get(o, "path"));
	const char *hex = json_string_value(json_object_get(o, "sha256"));
	const json_t *size = json_object_get(o, "size"), *mtime = json_object_get(o, "mtime_ns");

	if (!path || path[0] != '/' || !hex || strlen(hex) != SHA256_HEX_SIZE - 1 ||
	    !json_is_integer(size) || json_integer_value(size) < 0 || !json_is_integer(mtime))
		return false;
	if (!(f->path = strdup(path)))
		return false;
	f->size = (uint64_t)json_integer_value(size);
	f->mtime_ns = (int64_t)json_integer_value(mtime);
	memcpy(f->sha256, hex, SHA256_HEX_SIZE);
	return true;
}

bool cache_outputs_from_json(const json_t *array, struct output_files *out)
{
	size_t n = json_array_size(array);

	memset(out, 0, sizeof *out);
	if (!json_is_array(array) || !(out->file = calloc(n + 1, sizeof *out->file)))
		return false;
	for (; out->count < n; out->count++) {
		if (!read_file(json_array_get(array, out->count), &out->file[out->count])) {
			output_files_free(out);
			return false;
		}
	}
	return true;
}

/* Whether f is as recorded; why says what is not. */
static bool file_intact(const struct output_file *f, char *why, size_t len)
{
	char hex[SHA256_HEX_SIZE];
	struct stat st;

	if (stat(f->path, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s: missing", f->path);
		return false;
	}
	if ((uint64_t)st.st_size != f->size) {
		snprintf(why, len, "%s: changed (size)", f->path);
		return false;
	}
	if ((int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == f->mtime_ns)
		return true;  /* same size and mtime: taken as unchanged, not read */
	if (cache_hash_file(f->path, hex) != 0) {
		snprintf(why, len, "%s: unreadable (%s)", f->path, strerror(errno));
		return false;
	}
	if (strcmp(hex, f->sha256) != 0) {
		snprintf(why, len, "%s: changed (sha256)", f->path);
		return false;
	}
	return true;
}

bool cache_outputs_intact(const struct output_files *files, char *why, size_t len)
{
	if (len)
		why[0] = '\0';
	for (size_t k = 0; k < files->count; k++)
		if (!file_intact(&files->file[k], why, len))
			return false;
	return true;
}
