/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a report (see report.h): loaded once, rendered in the format
 * asked for, onto stdout or atomically into a file. */
#include <stdlib.h>
#include <string.h>

#include "lib/util/atomic_file.h"
#include "report/report_impl.h"

bool report_format_from_name(const char *name, enum report_format *format)
{
	if (!strcmp(name, "html"))
		*format = REPORT_HTML;
	else if (!strcmp(name, "md") || !strcmp(name, "markdown"))
		*format = REPORT_MARKDOWN;
	else if (!strcmp(name, "json"))
		*format = REPORT_JSON;
	else
		return false;
	return true;
}

const char *report_format_name(enum report_format format)
{
	static const char *const names[] = { "html", "md", "json" };

	return names[format];
}

struct rendering {
	const struct report *r;
	enum report_format format;
};

static int render(FILE *out, void *ctx)
{
	const struct rendering *how = ctx;

	switch (how->format) {
	case REPORT_HTML: return report_html(out, how->r);
	case REPORT_MARKDOWN: return report_markdown(out, how->r);
	default: return report_json(out, how->r);
	}
}

int report_print(FILE *out, const char *run_dir, enum report_format format, struct error *err)
{
	struct report *r;
	struct rendering how = { NULL, format };
	int rc;

	if (report_load(run_dir, &r, err) != 0)
		return -1;
	how.r = r;
	rc = render(out, &how);
	if (rc == 0 && fflush(out) != 0)
		rc = -1;
	if (rc != 0)
		error_system(err, "cannot write the report of %s", run_dir);
	report_free(r);
	return rc;
}

int report_write(const char *run_dir, enum report_format format, const char *path,
		 struct error *err)
{
	struct report *r;
	struct rendering how = { NULL, format };
	char *own = NULL;
	int rc;

	if (path && !strcmp(path, "-"))
		return report_print(stdout, run_dir, format, err);
	if (!path && asprintf(&own, "%s/report.%s", run_dir, report_format_name(format)) < 0) {
		error_system(err, "cannot write the report of %s", run_dir);
		return -1;
	}
	if (report_load(run_dir, &r, err) != 0) {
		free(own);
		return -1;
	}
	how.r = r;
	rc = atomic_write_with(own ? own : path, 0644, render, &how, err);
	report_free(r);
	free(own);
	return rc;
}
