/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Expanding sbatch's filename patterns. */
#include "local/slurm_filename_pattern.h"

#include <ctype.h>
#include <stdlib.h>

#include "lib/util/strbuf.h"

/* Appends one numeric placeholder, zero-padded to width. */
static int put_number(struct strbuf *sb, int width, uint32_t value)
{
	return strbuf_printf(sb, "%0*u", width, value);
}

/* Appends the value of %<c>; returns 1 when c is not a placeholder. */
static int put_placeholder(struct strbuf *sb, char c, int width,
			   const struct slurm_filename_values *v)
{
	switch (c) {
	case '%': return strbuf_puts(sb, "%");
	case 'A': return put_number(sb, width, v->array_job_id);
	case 'a': return put_number(sb, width, v->array_task_id);
	case 'j': return put_number(sb, width, v->job_id);
	case 'J': return strbuf_printf(sb, "%0*u.batch", width, v->job_id);
	case 'n': case 't': return put_number(sb, width, 0);
	case 's': return strbuf_puts(sb, "batch");
	case 'N': return strbuf_puts(sb, v->node ? v->node : "");
	case 'u': return strbuf_puts(sb, v->user ? v->user : "");
	case 'x': return strbuf_puts(sb, v->job_name ? v->job_name : "");
	default: return 1;
	}
}

char *slurm_filename_expand(const char *pattern, const struct slurm_filename_values *v)
{
	struct strbuf sb = { 0 };
	int rc = strbuf_puts(&sb, "");

	for (const char *p = pattern; *p && rc == 0; p++) {
		const char *start = p;
		int width = 0;

		if (*p != '%') {
			rc = strbuf_append(&sb, p, 1);
			continue;
		}
		for (p++; isdigit((unsigned char)*p) && width < 10; p++)
			width = width * 10 + (*p - '0');
		if (!*p) {
			rc = strbuf_puts(&sb, start);
			break;
		}
		rc = put_placeholder(&sb, *p, width, v);
		if (rc == 1)
			rc = strbuf_append(&sb, start, (size_t)(p - start + 1));
	}
	if (rc != 0) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_release(&sb);
}
