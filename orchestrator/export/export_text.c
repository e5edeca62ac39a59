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
#include "rfc3339.h"

#define IO_BUFFER (1u << 20)

/* The text of a non-string value into buf. */
static const char *value_text(const struct ex_cell *c, enum ex_type type, char *buf, size_t len)
{
	struct timespec ts;

	switch (type) {
	case EX_INT64: snprintf(buf, len, "%" PRId64, c->i); break;
	case EX_BOOL: return c->b ? "true" : "false";
	case EX_TIMESTAMP:
		ts.tv_sec = (time_t)(c->i >= 0 ? c->i / 1000 : (c->i - 999) / 1000);
		ts.tv_nsec = (long)(c->i - (int64_t)ts.tv_sec * 1000) * 1000000L;
		if (!rfc3339_format(&ts, buf, len))
			snprintf(buf, len, "%" PRId64, c->i);
		break;
	case EX_DOUBLE:
		snprintf(buf, len, "%.15g", c->d);
		if (strtod(buf, NULL) != c->d)
			snprintf(buf, len, "%.17g", c->d);
		break;
	case EX_STRING: return c->s;
	}
	return buf;
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
