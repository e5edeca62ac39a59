/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tables as text. CSV per RFC 4180: a header row, CRLF line ends, a field
 * with a comma, quote, CR or LF quoted with its quotes doubled; null is an
 * empty field and an empty string "" (so the two stay apart). TSV as
 * Nextflow writes its trace: a header row, tab separated, LF line ends, no
 * quoting (tabs, CRs and LFs inside text become spaces), `-` for null.
 * Times are RFC 3339 UTC with milliseconds, booleans true/false, doubles
 * the shortest text that reads back as the same double. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"

#define IO_BUFFER (1u << 20)

/* An integer's digits, without printf (millions of them). */
static const char *int_text(int64_t v, char *buf, size_t len)
{
	char *p = buf + len;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		*--p = '-';
	return p;
}

/* v's last n decimal digits at p, zero-padded. */
static void put_digits(char *p, unsigned v, int n)
{
	while (n--) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Milliseconds since the epoch as RFC 3339 UTC (Howard Hinnant's
 * civil_from_days; no gmtime per row). */
static const char *time_text(int64_t ms, char *buf, size_t len)
{
	int64_t day = (ms >= 0 ? ms : ms - 86399999) / 86400000, z = day + 719468, era;
	int64_t in_day = ms - day * 86400000;
	unsigned doe, yoe, doy, mp, d, m;
	int64_t y;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = (int64_t)yoe + era * 400 + (m <= 2);
	if (y < 0 || y > 9999 || len < 25) {
		snprintf(buf, len, "%" PRId64, ms);  /* no such time in the run's files */
		return buf;
	}
	put_digits(buf, (unsigned)y, 4), buf[4] = '-';
	put_digits(buf + 5, m, 2), buf[7] = '-';
	put_digits(buf + 8, d, 2), buf[10] = 'T';
	put_digits(buf + 11, (unsigned)(in_day / 3600000), 2), buf[13] = ':';
	put_digits(buf + 14, (unsigned)(in_day / 60000 % 60), 2), buf[16] = ':';
	put_digits(buf + 17, (unsigned)(in_day / 1000 % 60), 2), buf[19] = '.';
	put_digits(buf + 20, (unsigned)(in_day % 1000), 3);
	buf[23] = 'Z', buf[24] = '\0';
	return buf;
}

/* The text of a value into buf (a string's own text). */
static const char *value_text(const struct ex_cell *c, enum ex_type type, char *buf, size_t len)
{
	switch (type) {
	case EX_INT64: return int_text(c->i, buf, len);
	case EX_BOOL: return c->b ? "true" : "false";
	case EX_TIMESTAMP: return time_text(c->i, buf, len);
	case EX_DOUBLE:
		snprintf(buf, len, "%.15g", c->d);
		if (strtod(buf, NULL) != c->d)
			snprintf(buf, len, "%.17g", c->d);
		return buf;
	case EX_STRING: break;
	}
	return c->s;
}

int ex_csv_field(FILE *out, const struct ex_cell *c, enum ex_type type)
{
	char buf[64];
	const char *s;

	if (c->null)
		return 0;
	s = value_text(c, type, buf, sizeof buf);
	if (type != EX_STRING || (*s && !s[strcspn(s, ",\"\r\n")]))
		return fputs(s, out) < 0 ? -1 : 0;
	if (putc('"', out) == EOF)
		return -1;
	for (; *s; s++)
		if ((*s == '"' && putc('"', out) == EOF) || putc(*s, out) == EOF)
			return -1;
	return putc('"', out) == EOF ? -1 : 0;
}

int ex_tsv_field(FILE *out, const struct ex_cell *c, enum ex_type type)
{
	char buf[64];
	const char *s;

	if (c->null)
		return putc('-', out) == EOF ? -1 : 0;
	s = value_text(c, type, buf, sizeof buf);
	if (type != EX_STRING || !s[strcspn(s, "\t\r\n")])
		return fputs(s, out) < 0 ? -1 : 0;
	for (; *s; s++)
		if (putc(*s == '\t' || *s == '\r' || *s == '\n' ? ' ' : *s, out) == EOF)
			return -1;
	return 0;
}

typedef int (*field_fn)(FILE *, const struct ex_cell *, enum ex_type);

static int write_table(FILE *out, const struct ex_table *t, char sep, const char *eol,
		       field_fn field)
{
	struct ex_cell *cells = calloc(t->n_columns ? t->n_columns : 1, sizeof *cells);
	int rc = 0;

	if (!cells)
		return -1;
	(void)setvbuf(out, NULL, _IOFBF, IO_BUFFER);
	for (size_t c = 0; c < t->n_columns && rc == 0; c++) {
		struct ex_cell name = { .s = t->columns[c].name };

		rc = (c && putc(sep, out) == EOF) || field(out, &name, EX_STRING) ? -1 : 0;
	}
	rc = rc || fputs(eol, out) < 0 ? -1 : 0;
	for (size_t r = 0; r < t->n_rows && rc == 0; r++) {
		t->row(t, r, cells);
		for (size_t c = 0; c < t->n_columns && rc == 0; c++)
			rc = (c && putc(sep, out) == EOF) ||
					     field(out, &cells[c], t->columns[c].type) ? -1 : 0;
		rc = rc || fputs(eol, out) < 0 ? -1 : 0;
	}
	free(cells);
	return rc;
}

int ex_write_csv(FILE *out, const struct ex_table *t)
{
	return write_table(out, t, ',', "\r\n", ex_csv_field);
}

int ex_write_tsv(FILE *out, const struct ex_table *t)
{
	return write_table(out, t, '\t', "\n", ex_tsv_field);
}
