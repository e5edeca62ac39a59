/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The first failures of each class, for the report's table (see
 * report_samples): failures.jsonl read again with diagnose's reader and
 * field picker, until every class has its share. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_impl.h"
#include "lib/util/utf8_text.h"

struct sampling {
	struct report *r;
	size_t wanted;                 /* samples still missing over all classes */
	bool done, oom;
};

/* A JSON string value as a new string (NULL when absent or no string). */
static char *text_of(struct jspan value, size_t max, bool *oom)
{
	char *buf;

	if (!value.p || !jscan_is_string(value))
		return NULL;
	if (!(buf = malloc(max))) {
		*oom = true;
		return NULL;
	}
	if (!jscan_string(value, buf, max, NULL)) {
		free(buf);
		return NULL;
	}
	utf8_fix(buf);
	return buf;
}

static struct report_class *class_of(struct report *r, struct jspan value)
{
	char name[DX_NAME_MAX];

	if (!value.p || !jscan_string(value, name, sizeof name, NULL))
		return NULL;
	for (size_t i = 0; i < r->n_classes && i < REPORT_CLASSES_LISTED; i++)
		if (!strcmp(r->classes[i].name, name))
			return &r->classes[i];
	return NULL;
}

static int sample_line(const char *line, size_t len, uint64_t offset, void *ctx)
{
	struct sampling *s = ctx;
	struct dx_failure_fields f;
	struct report_class *c;
	struct report_failure *out;

	(void)offset;
	if (!dx_failure_fields(line, len, &f) || f.task_id < 0 || f.task_id >= DX_TASK_ID_MAX ||
	    !(c = class_of(s->r, f.failure_class)) || c->n_samples == REPORT_SAMPLES_PER_CLASS)
		return 0;  /* what diagnose skips too, or a class that has its share */
	out = &c->samples[c->n_samples++];
	*out = (struct report_failure){ .task_id = f.task_id, .attempt = f.attempt,
					.exit_code = f.exit_code, .signal = f.signal };
	out->component = text_of(f.component, DX_NAME_MAX, &s->oom);
	out->worker = text_of(f.worker, DX_NAME_MAX, &s->oom);
	out->message = text_of(f.message, DX_MESSAGE_MAX, &s->oom);
	if (s->oom) {
		errno = ENOMEM;
		return -1;
	}
	if (--s->wanted == 0) {
		s->done = true;
		return -1;  /* stops the reading: nothing more to take */
	}
	return 0;
}

int report_samples(struct report *r, struct error *err)
{
	struct sampling s = { .r = r };
	struct dx_file_stats stats;
	char *path;
	int rc;

	for (size_t i = 0; i < r->n_classes && i < REPORT_CLASSES_LISTED; i++)
		s.wanted += r->classes[i].count < REPORT_SAMPLES_PER_CLASS ? r->classes[i].count
									  : REPORT_SAMPLES_PER_CLASS;
	if (s.wanted == 0)
		return 0;
	if (asprintf(&path, "%s/%s", r->dx->run_path, TELEMETRY_FAILURES_FILE) < 0) {
		error_system(err, "cannot read the failures of %s", r->dx->run_path);
		return -1;
	}
	rc = dx_read_lines(path, sample_line, &s, &stats, err);
	free(path);
	return rc != 0 && s.done ? 0 : rc;
}
