/* SPDX-License-Identifier: GPL-2.0-or-later */
/* export_run: the run read once, its tables written in each format asked
 * for (see export.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"
#include "lib/util/atomic_file.h"
#include "lib/util/make_dirs.h"

static const char *const format_names[EXPORT_FORMAT_COUNT] = {
	[EXPORT_PARQUET] = "parquet", [EXPORT_CSV] = "csv", [EXPORT_TSV] = "tsv",
};

bool export_format_from_name(const char *name, enum export_format *format)
{
	for (int f = 0; f < EXPORT_FORMAT_COUNT; f++) {
		if (!strcmp(name, format_names[f])) {
			*format = (enum export_format)f;
			return true;
		}
	}
	return false;
}

const char *export_format_name(enum export_format format)
{
	return (unsigned)format < EXPORT_FORMAT_COUNT ? format_names[format] : NULL;
}

struct text_job {
	const struct ex_table *table;
	enum export_format format;
};

static int fill_text(FILE *out, void *ctx)
{
	const struct text_job *job = ctx;

	return job->format == EXPORT_CSV ? ex_write_csv(out, job->table)
					 : ex_write_tsv(out, job->table);
}

static int write_table(const struct ex_table *t, enum export_format format, const char *path,
		       struct error *err)
{
	struct text_job job = { t, format };

	if (format == EXPORT_PARQUET)
		return ex_write_parquet(path, t, err);
	return atomic_write_with(path, 0644, fill_text, &job, err);
}

static int write_format(const struct ex_run *run, const struct ex_table *tables,
			enum export_format format, const char *dir, struct export_result *result,
			struct error *err)
{
	memset(result, 0, sizeof *result);
	if (!(result->run_id = strdup(run->run_id)))
		goto oom;
	for (size_t i = 0; i < EXPORT_TABLES; i++) {
		struct export_file *file = &result->files[i];

		file->table = tables[i].name;
		file->rows = tables[i].n_rows;
		if (asprintf(&file->path, "%s/%s.%s", dir, tables[i].name, format_names[format]) < 0) {
			file->path = NULL;
			goto oom;
		}
		result->n_files = i + 1;
		if (write_table(&tables[i], format, file->path, err) != 0)
			return -1;
	}
	return 0;
oom:
	errno = ENOMEM;
	error_system(err, "cannot export %s", run->path);
	return -1;
}

static int write_all(const struct ex_run *run, const enum export_format *formats, size_t n,
		     const char *dir, struct export_result *results, struct error *err)
{
	struct ex_table tables[EXPORT_TABLES];
	int rc = 0;

	if (make_dirs(dir, 0755) != 0) {
		error_system(err, "cannot make %s", dir);
		return -1;
	}
	if (ex_tables(run, tables) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot export %s", run->path);
		return -1;
	}
	for (size_t f = 0; f < n && rc == 0; f++)
		rc = write_format(run, tables, formats[f], dir, &results[f], err);
	ex_tables_free(tables);
	return rc;
}

int export_run_formats(const char *run_dir, const enum export_format *formats, size_t n,
		       const char *out_dir, struct export_result *results, struct error *err)
{
	struct ex_run run;
	char *dir = NULL;
	int rc;

	memset(results, 0, n * sizeof *results);
	if (!out_dir && asprintf(&dir, "%s/export", run_dir) < 0) {
		error_system(err, "cannot export %s", run_dir);
		return -1;
	}
	rc = ex_load(&run, run_dir, err);
	if (rc == 0)
		rc = write_all(&run, formats, n, out_dir ? out_dir : dir, results, err);
	ex_free(&run);
	free(dir);
	return rc;
}

int export_run(const char *run_dir, enum export_format format, const char *out_dir,
	       struct export_result *result, struct error *err)
{
	return export_run_formats(run_dir, &format, 1, out_dir, result, err);
}

void export_result_free(struct export_result *result)
{
	free(result->run_id);
	for (size_t i = 0; i < result->n_files; i++)
		free(result->files[i].path);
	memset(result, 0, sizeof *result);
}
