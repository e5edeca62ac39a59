/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parquet_writer.h, parquet_page.h, parquet_footer.h: a small file's every
 * byte (the magic at both ends, the data page's header and values, the
 * footer's FileMetaData worked out by hand from parquet.thrift, the footer
 * length); a zstd file and a file of no rows framed the same way; nothing
 * left behind by abort, by a failed open or by writes that fail (a file
 * size limit: EFBIG); bad column specs refused.
 * tests/cli/parquet_reader.sh reads files back with an independent reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "lib/parquet/parquet_writer.h"
#include "lib/util/exit_codes.h"
#include "test/tmpdir.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tmpdir_create();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

static char *path_in_dir(const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	return path;
}

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = malloc(1 << 20);

	assert_non_null(f);
	*len = fread(data, 1, 1 << 20, f);
	fclose(f);
	return data;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The framing every file has: PAR1, ..., footer, its length, PAR1. */
static uint32_t footer_length(const uint8_t *data, size_t len)
{
	uint32_t footer;

	assert_true(len >= 12);
	assert_memory_equal(data, "PAR1", 4);
	assert_memory_equal(data + len - 4, "PAR1", 4);
	footer = (uint32_t)data[len - 8] | (uint32_t)data[len - 7] << 8 |
		 (uint32_t)data[len - 6] << 16 | (uint32_t)data[len - 5] << 24;
	assert_true(footer + 12 <= len);
	return footer;
}

#define LE8(v) v, 0, 0, 0, 0, 0, 0, 0

static const uint8_t small_file[] = {
	'P', 'A', 'R', '1',
	/* PageHeader: DATA_PAGE, 24 bytes, 24 bytes, {3 values, PLAIN, RLE, RLE} */
	0x15, 0x00, 0x15, 0x30, 0x15, 0x30,
	0x2c, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00,
	LE8(1), LE8(2), LE8(3),
	/* FileMetaData */
	0x15, 0x04,                                     /* 1: version 2 */
	0x19, 0x2c,                                     /* 2: schema, 2 elements */
	0x48, 0x06, 's', 'c', 'h', 'e', 'm', 'a', 0x15, 0x02, 0x00, /* root, 1 child */
	0x15, 0x04, 0x25, 0x00, 0x18, 0x01, 'n', 0x00,  /* INT64, REQUIRED, "n" */
	0x16, 0x06,                                     /* 3: num_rows 3 */
	0x19, 0x1c,                                     /* 4: row groups, 1 */
	0x19, 0x1c,                                     /* RowGroup 1: columns, 1 */
	0x26, 0x00,                                     /* ColumnChunk 2: file_offset 0 */
	0x1c,                                           /* 3: ColumnMetaData */
	0x15, 0x04,                                     /* type INT64 */
	0x19, 0x25, 0x00, 0x06,                         /* encodings PLAIN, RLE */
	0x19, 0x18, 0x01, 'n',                          /* path_in_schema ["n"] */
	0x15, 0x00,                                     /* codec UNCOMPRESSED */
	0x16, 0x06,                                     /* num_values 3 */
	0x16, 0x52, 0x16, 0x52,                         /* sizes 17 + 24 = 41 */
	0x26, 0x08,                                     /* 9: data_page_offset 4 */
	0x3c,                                           /* 12: Statistics */
	0x18, 0x08, LE8(3), 0x18, 0x08, LE8(1),         /* max, min */
	0x16, 0x00,                                     /* null_count 0 */
	0x28, 0x08, LE8(3), 0x18, 0x08, LE8(1),         /* max_value, min_value */
	0x00,                                           /* Statistics */
	0x19, 0x1c, 0x15, 0x00, 0x15, 0x00, 0x15, 0x02, 0x00, /* 13: [{DATA_PAGE, PLAIN, 1}] */
	0x00, 0x00,                                     /* meta, chunk */
	0x16, 0x52, 0x16, 0x06, 0x26, 0x08, 0x16, 0x52, /* 41 bytes, 3 rows, at 4, 41 */
	0x00,                                           /* RowGroup */
	0x28, 0x01, 't',                                /* 6: created_by "t" */
	0x19, 0x1c, 0x1c, 0x00, 0x00,                   /* 7: [TYPE_ORDER {}] */
	0x00,
	/* the footer's length (45 + ... ), then the magic */
};

static void a_small_files_every_byte(void **state)
{
	struct parquet_column_spec spec = { "n", PARQUET_COLUMN_INT64, false };
	struct parquet_options opts = { .compression = PARQUET_COMPRESSION_NONE, .created_by = "t" };
	struct error err = { 0 };
	char *path = path_in_dir("small.parquet"), *tmp;
	struct parquet_writer *w = parquet_writer_open(path, &spec, 1, &opts, &err);
	size_t len, footer_start = 4 + 17 + 24;
	uint8_t *data;

	(void)state;
	assert_non_null(w);
	assert_true(asprintf(&tmp, "%s.tmp", path) > 0);
	assert_true(exists(tmp) && !exists(path)); /* written aside until close */
	for (int64_t v = 1; v <= 3; v++) {
		parquet_set_int64(w, 0, v);
		assert_int_equal(parquet_end_row(w, &err), 0);
	}
	assert_int_equal(parquet_writer_close(w, &err), 0);
	assert_false(exists(tmp));
	data = read_all(path, &len);
	assert_int_equal(len, sizeof small_file + 8);
	assert_memory_equal(data, small_file, sizeof small_file);
	assert_int_equal(footer_length(data, len), sizeof small_file - footer_start);
	free(data);
	free(tmp);
	free(path);
}

static void zstd_and_empty_files_are_framed_alike(void **state)
{
	struct parquet_column_spec specs[] = {
		{ "s", PARQUET_COLUMN_STRING, true },
		{ "t", PARQUET_COLUMN_TIMESTAMP, true },
	};
	struct error err = { 0 };
	char *path = path_in_dir("z.parquet");
	struct parquet_writer *w = parquet_writer_open(path, specs, 2, NULL, &err);
	size_t len;
	uint8_t *data;

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 1000; i++) {
		parquet_set_string(w, 0, "repeated", 8);
		if (i % 3)
			parquet_set_null(w, 1);
		else
			parquet_set_timestamp_ms(w, 1, 1700000000000LL + i);
		assert_int_equal(parquet_end_row(w, &err), 0);
	}
	assert_int_equal(parquet_writer_close(w, &err), 0);
	data = read_all(path, &len);
	footer_length(data, len);
	assert_true(len < 1000); /* a dictionary of one value, compressed */
	free(data);
	w = parquet_writer_open(path, specs, 2, NULL, &err);
	assert_non_null(w);
	assert_int_equal(parquet_writer_close(w, &err), 0);
	data = read_all(path, &len);
	assert_int_equal(footer_length(data, len), len - 12); /* nothing but the footer */
	free(data);
	free(path);
}

static void abort_and_failures_leave_nothing(void **state)
{
	struct parquet_column_spec spec = { "n", PARQUET_COLUMN_DOUBLE, true };
	struct error err = { 0 };
	char *path = path_in_dir("aborted.parquet"), *tmp;
	char *missing = path_in_dir("no/such/dir/x.parquet");
	struct parquet_writer *w = parquet_writer_open(path, &spec, 1, NULL, &err);

	(void)state;
	assert_true(asprintf(&tmp, "%s.tmp", path) > 0);
	assert_non_null(w);
	parquet_set_double(w, 0, 1.5);
	assert_int_equal(parquet_end_row(w, &err), 0);
	parquet_writer_abort(w);
	assert_false(exists(tmp) || exists(path));
	assert_null(parquet_writer_open(missing, &spec, 1, NULL, &err));
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	assert_non_null(strstr(err.text, "no/such/dir/x.parquet.tmp"));
	free(missing);
	free(tmp);
	free(path);
}

static void a_failed_write_leaves_nothing(void **state)
{
	struct parquet_column_spec spec = { "s", PARQUET_COLUMN_STRING, false };
	struct parquet_options opts = { .compression = PARQUET_COMPRESSION_NONE,
					.row_group_rows = 1000 };
	struct error err = { 0 };
	char *path = path_in_dir("full.parquet"), *tmp, text[64];
	struct rlimit old, small = { 16384, 16384 };
	struct parquet_writer *w = parquet_writer_open(path, &spec, 1, &opts, &err);
	int rc = 0;

	(void)state;
	assert_non_null(w);
	assert_true(asprintf(&tmp, "%s.tmp", path) > 0);
	signal(SIGXFSZ, SIG_IGN); /* the write fails with EFBIG instead */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	for (int i = 0; i < 100000 && rc == 0; i++) {
		snprintf(text, sizeof text, "value %d, never repeated", i);
		parquet_set_string(w, 0, text, strlen(text));
		rc = parquet_end_row(w, &err);
	}
	if (rc == 0)
		rc = parquet_writer_close(w, &err);
	else
		parquet_writer_abort(w);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	assert_non_null(strstr(err.text, "full.parquet.tmp"));
	assert_false(exists(tmp) || exists(path));
	free(tmp);
	free(path);
}

static void bad_column_specs_are_refused(void **state)
{
	struct parquet_column_spec twice[] = {
		{ "a", PARQUET_COLUMN_INT64, false },
		{ "a", PARQUET_COLUMN_STRING, false },
	};
	struct parquet_column_spec unnamed = { "", PARQUET_COLUMN_INT64, false };
	struct error err = { 0 };
	char *path = path_in_dir("bad.parquet");

	(void)state;
	assert_null(parquet_writer_open(path, twice, 2, NULL, &err));
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	assert_non_null(strstr(err.text, "named twice"));
	assert_null(parquet_writer_open(path, &unnamed, 1, NULL, &err));
	assert_null(parquet_writer_open(path, twice, 0, NULL, &err));
	assert_false(exists(path));
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_small_files_every_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(zstd_and_empty_files_are_framed_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(abort_and_failures_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_write_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_column_specs_are_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
