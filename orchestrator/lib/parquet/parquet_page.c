/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A column chunk's pages, compressed and written (see parquet_page.h). */
#include "lib/parquet/parquet_page.h"

#include <errno.h>
#include <limits.h>
#include <zstd.h>

#include "lib/parquet/parquet_rle.h"
#include "lib/parquet/thrift_compact.h"

/* zstd's default level: most of the gain, fast enough for an export. */
#define PARQUET_ZSTD_LEVEL 3

enum page_type {
	PAGE_DATA = 0,
	PAGE_DICTIONARY = 2,
};

int parquet_sink_init(struct parquet_sink *s, FILE *file, enum parquet_compression compression)
{
	*s = (struct parquet_sink){ .file = file, .compression = compression };
	if (compression == PARQUET_COMPRESSION_ZSTD && !(s->zstd_context = ZSTD_createCCtx()))
		return -1;
	return 0;
}

void parquet_sink_free(struct parquet_sink *s)
{
	ZSTD_freeCCtx(s->zstd_context);
	byte_buf_free(&s->body);
	byte_buf_free(&s->packed);
	byte_buf_free(&s->header);
	s->zstd_context = NULL;
}

int parquet_sink_write(struct parquet_sink *s, const void *bytes, size_t n)
{
	if (s->error)
		return -1;
	if (n > 0 && fwrite(bytes, 1, n, s->file) != n) {
		s->error = errno ? errno : EIO;
		return -1;
	}
	s->offset += n;
	return 0;
}

enum parquet_codec parquet_sink_codec(const struct parquet_sink *s)
{
	return s->compression == PARQUET_COMPRESSION_ZSTD ? PARQUET_CODEC_ZSTD
							  : PARQUET_CODEC_UNCOMPRESSED;
}

/* The body as it goes into the file: s->packed, zstd-compressed, or the body itself. */
static const struct byte_buf *compress_body(struct parquet_sink *s)
{
	size_t bound, size;

	if (s->compression != PARQUET_COMPRESSION_ZSTD)
		return &s->body;
	bound = ZSTD_compressBound(s->body.len);
	byte_buf_clear(&s->packed);
	if (!byte_buf_reserve(&s->packed, bound))
		return NULL;
	size = ZSTD_compressCCtx(s->zstd_context, s->packed.data, bound, s->body.data,
				 s->body.len, PARQUET_ZSTD_LEVEL);
	if (ZSTD_isError(size))
		return NULL;
	s->packed.len = size;
	return &s->packed;
}

/* The PageHeader of a page whose body is in s->body, then the body; adds
 * their sizes to pages. num_values and encoding are the page kind's own. */
static int write_page(struct parquet_sink *s, enum page_type type, uint32_t num_values,
		      enum parquet_encoding encoding, struct parquet_chunk_pages *pages)
{
	const struct byte_buf *stored;
	struct thrift_writer tw;

	if (s->body.failed || !(stored = compress_body(s)))
		return s->error = ENOMEM, -1;
	if (s->body.len > INT32_MAX || stored->len > INT32_MAX)
		return s->error = EFBIG, -1; /* page sizes are i32 */
	byte_buf_clear(&s->header);
	thrift_begin(&tw, &s->header);
	thrift_field_i32(&tw, 1, type);
	thrift_field_i32(&tw, 2, (int32_t)s->body.len);
	thrift_field_i32(&tw, 3, (int32_t)stored->len);
	thrift_field_struct(&tw, type == PAGE_DATA ? 5 : 7);
	thrift_field_i32(&tw, 1, (int32_t)num_values);
	thrift_field_i32(&tw, 2, encoding);
	if (type == PAGE_DATA) {
		thrift_field_i32(&tw, 3, PARQUET_ENCODING_RLE); /* definition levels */
		thrift_field_i32(&tw, 4, PARQUET_ENCODING_RLE); /* repetition levels (none) */
	}
	thrift_end(&tw);
	thrift_end(&tw);
	if (s->header.failed)
		return s->error = ENOMEM, -1;
	pages->uncompressed_size += s->header.len + s->body.len;
	pages->compressed_size += s->header.len + stored->len;
	if (parquet_sink_write(s, s->header.data, s->header.len) != 0)
		return -1;
	return parquet_sink_write(s, stored->data, stored->len);
}

/* Definition levels, behind their length in 4 bytes little endian. */
static void put_levels(struct byte_buf *body, const struct parquet_column *c)
{
	size_t length_at = body->len, length;

	byte_buf_u32le(body, 0);
	parquet_rle_encode_u8(body, c->levels.data, c->levels.len, 1);
	if (body->failed)
		return;
	length = body->len - length_at - 4;
	for (int i = 0; i < 4; i++)
		body->data[length_at + i] = (uint8_t)(length >> (8 * i));
}

static void put_values(struct byte_buf *body, const struct parquet_column *c, bool dictionary)
{
	if (dictionary) {
		unsigned width = parquet_bit_width(c->dict.count - 1);

		byte_buf_u8(body, (uint8_t)width);
		parquet_rle_encode_u32(body, (const uint32_t *)(const void *)c->indices.data,
				       c->indices.len / sizeof(uint32_t), width);
	} else if (c->type == PARQUET_COLUMN_BOOLEAN) {
		parquet_bitpack_bools(body, c->plain.data, c->plain.len);
	} else {
		byte_buf_put(body, c->plain.data, c->plain.len);
	}
}

int parquet_write_chunk(struct parquet_sink *s, const struct parquet_column *c,
			struct parquet_chunk_pages *pages)
{
	/* a chunk of nulls only has no dictionary to write */
	bool dictionary = c->dictionary && c->dict.count > 0;

	*pages = (struct parquet_chunk_pages){ .has_dictionary = dictionary };
	if (dictionary) {
		pages->dictionary_page_offset = s->offset;
		byte_buf_clear(&s->body);
		byte_buf_put(&s->body, c->dict.plain.data, c->dict.plain.len);
		if (write_page(s, PAGE_DICTIONARY, c->dict.count, PARQUET_ENCODING_PLAIN, pages) != 0)
			return -1;
	}
	if (c->values > INT32_MAX)
		return s->error = EFBIG, -1;
	pages->data_page_offset = s->offset;
	byte_buf_clear(&s->body);
	if (c->nullable)
		put_levels(&s->body, c);
	put_values(&s->body, c, dictionary);
	return write_page(s, PAGE_DATA, (uint32_t)c->values,
			  dictionary ? PARQUET_ENCODING_RLE_DICTIONARY : PARQUET_ENCODING_PLAIN, pages);
}
