/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Template compilation and rendering (see template.h). */
#include "lib/template/template.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/did_you_mean.h"
#include "lib/util/shell_quote.h"

/* Literal text, or a placeholder when name is set. */
struct segment {
	const char *text;
	size_t len;
	char *name;
	bool raw;
	unsigned line, column;
};

struct template {
	char *origin;
	char *text;
	struct segment *seg;
	size_t n_seg, capacity;
};

/* Where the parser stands in the text. */
struct cursor {
	const char *p;
	unsigned line, column;
};

static void advance_to(struct cursor *c, const char *to)
{
	for (; c->p < to; c->p++) {
		if (*c->p == '\n') {
			c->line++;
			c->column = 1;
		} else {
			c->column++;
		}
	}
}

static struct segment *add_segment(struct template *tmpl)
{
	if (tmpl->n_seg == tmpl->capacity) {
		size_t capacity = tmpl->capacity ? 2 * tmpl->capacity : 16;
		struct segment *grown = realloc(tmpl->seg, capacity * sizeof *grown);

		if (!grown)
			return NULL;
		tmpl->seg = grown;
		tmpl->capacity = capacity;
	}
	tmpl->seg[tmpl->n_seg] = (struct segment){ 0 };
	return &tmpl->seg[tmpl->n_seg++];
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Parses "name" or "name | raw" between the braces of a placeholder. */
static bool parse_placeholder(const char *inner, size_t len, struct segment *seg)
{
	char *body = strndup(inner, len);
	const char *p, *name_end;
	bool ok = false;

	if (!body)
		return false;
	p = skip_blanks(body);
	for (name_end = p; isalnum((unsigned char)*name_end) || *name_end == '_'; name_end++)
		;
	if (name_end > p && !isdigit((unsigned char)*p)) {
		const char *rest = skip_blanks(name_end);

		if (*rest == '|') {
			rest = skip_blanks(rest + 1);
			seg->raw = strncmp(rest, "raw", 3) == 0;
			rest = seg->raw ? skip_blanks(rest + 3) : rest;
			ok = seg->raw && *rest == '\0';
		} else {
			ok = *rest == '\0';
		}
		seg->name = ok ? strndup(p, (size_t)(name_end - p)) : NULL;
		ok = ok && seg->name;
	}
	free(body);
	return ok;
}

/* Compiles the placeholder opening at c->p ("{{"). */
static int compile_placeholder(struct template *tmpl, struct cursor *c, struct error *err)
{
	const char *close = strstr(c->p + 2, "}}");
	/* a newline only between here and the close: strchr would scan a long
	 * line to its end once per placeholder */
	const char *newline = close ? memchr(c->p + 2, '\n', (size_t)(close - c->p - 2)) : NULL;
	struct segment *seg = add_segment(tmpl);

	if (!seg) {
		error_system(err, "%s", tmpl->origin);
		return -1;
	}
	seg->line = c->line;
	seg->column = c->column;
	if (!close || newline) {
		error_at(err, tmpl->origin, c->line, c->column,
			 "unclosed placeholder (expected }} on the same line)");
		return -1;
	}
	if (!parse_placeholder(c->p + 2, (size_t)(close - c->p - 2), seg)) {
		error_at(err, tmpl->origin, c->line, c->column,
			 "bad placeholder '%.*s' (expected {{ name }} or {{ name | raw }})",
			 (int)(close + 2 - c->p), c->p);
		return -1;
	}
	advance_to(c, close + 2);
	return 0;
}

/* Splits the text into literal segments and placeholders. */
static int compile_segments(struct template *tmpl, struct cursor *c, struct error *err)
{
	while (*c->p) {
		const char *open = strstr(c->p, "{{");
		const char *end = open ? open : c->p + strlen(c->p);

		if (end > c->p) {
			struct segment *seg = add_segment(tmpl);

			if (!seg) {
				error_system(err, "%s", tmpl->origin);
				return -1;
			}
			seg->text = c->p;
			seg->len = (size_t)(end - c->p);
			advance_to(c, end);
		}
		if (open && compile_placeholder(tmpl, c, err) != 0)
			return -1;
	}
	return 0;
}

int template_compile(const char *text, const char *origin, unsigned line,
		     unsigned column, struct template **out, struct error *err)
{
	struct template *tmpl = calloc(1, sizeof *tmpl);
	struct cursor c = { .line = line, .column = column };

	if (!tmpl || !(tmpl->origin = strdup(origin)) || !(tmpl->text = strdup(text))) {
		template_free(tmpl);
		error_system(err, "%s", origin);
		return -1;
	}
	c.p = tmpl->text;
	if (compile_segments(tmpl, &c, err) != 0) {
		template_free(tmpl);
		return -1;
	}
	*out = tmpl;
	return 0;
}

/* The whole of a text file as a string; fails on NUL bytes. */
static char *read_text_file(const char *path, struct error *err)
{
	FILE *file = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char chunk[8192];
	size_t n;

	if (!file) {
		error_system(err, "cannot open template %s", path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
		if (memchr(chunk, '\0', n) || strbuf_append(&sb, chunk, n) != 0) {
			error_at(err, path, 1, 1, "not a text file (expected a shell script template)");
			strbuf_free(&sb);
			fclose(file);
			return NULL;
		}
	}
	if (ferror(file)) {
		error_system(err, "cannot read template %s", path);
		strbuf_free(&sb);
		fclose(file);
		return NULL;
	}
	fclose(file);
	return strbuf_release(&sb);
}

int template_load(const char *path, struct template **out, struct error *err)
{
	char *text = read_text_file(path, err);
	int rc;

	if (!text)
		return -1;
	rc = template_compile(text, path, 1, 1, out, err);
	free(text);
	return rc;
}

void template_free(struct template *tmpl)
{
	if (!tmpl)
		return;
	for (size_t i = 0; i < tmpl->n_seg; i++)
		free(tmpl->seg[i].name);
	free(tmpl->seg);
	free(tmpl->text);
	free(tmpl->origin);
	free(tmpl);
}

/* The known name nearest to a misspelt one, from two optional lists. */
static const char *nearest(const char *name, const char *const *a, const char *const *b)
{
	const char *best[2] = { NULL, NULL };
	size_t n;

	for (n = 0; a && a[n]; n++)
		;
	best[0] = did_you_mean(name, a, n);
	for (n = 0; b && b[n]; n++)
		;
	best[1] = did_you_mean(name, b, n);
	if (best[0] && best[1])
		return edit_distance(name, best[0]) <= edit_distance(name, best[1])
			       ? best[0] : best[1];
	return best[0] ? best[0] : best[1];
}

int template_check(const struct template *tmpl, template_resolver resolve, void *ctx,
		   const char *const *candidates, const char *const *more_candidates,
		   struct error *err)
{
	for (size_t i = 0; i < tmpl->n_seg; i++) {
		const struct segment *seg = &tmpl->seg[i];
		struct template_value value;
		const char *hint;

		if (!seg->name || resolve(ctx, seg->name, &value))
			continue;
		hint = nearest(seg->name, candidates, more_candidates);
		error_at(err, tmpl->origin, seg->line, seg->column,
			 "unknown placeholder '%s' (expected a parameter or a built-in "
			 "such as cpus or task_id%s%s%s)", seg->name,
			 hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
		return -1;
	}
	return 0;
}

/* Appends one resolved placeholder. */
static int render_value(const struct segment *seg, const struct template_value *value,
			struct strbuf *out)
{
	switch (value->kind) {
	case TEMPLATE_LITERAL:
		return seg->raw ? strbuf_puts(out, value->text) : shell_quote(out, value->text);
	case TEMPLATE_VARIABLE:
		return strbuf_printf(out, seg->raw ? "${%s}" : "\"${%s}\"", value->text);
	case TEMPLATE_CODE:
		return strbuf_puts(out, value->text);
	}
	return -1;
}

int template_render(const struct template *tmpl, template_resolver resolve,
		    void *ctx, struct strbuf *out, struct error *err)
{
	for (size_t i = 0; i < tmpl->n_seg; i++) {
		const struct segment *seg = &tmpl->seg[i];
		struct template_value value;
		int rc;

		if (!seg->name) {
			rc = strbuf_append(out, seg->text, seg->len);
		} else if (!resolve(ctx, seg->name, &value)) {
			error_at(err, tmpl->origin, seg->line, seg->column,
				 "unknown placeholder '%s'", seg->name);
			return -1;
		} else {
			rc = render_value(seg, &value, out);
		}
		if (rc != 0) {
			error_system(err, "rendering %s", tmpl->origin);
			return -1;
		}
	}
	return 0;
}

bool template_uses(const struct template *tmpl, const char *name)
{
	for (size_t i = 0; i < tmpl->n_seg; i++)
		if (tmpl->seg[i].name && strcmp(tmpl->seg[i].name, name) == 0)
			return true;
	return false;
}

const char *template_text(const struct template *tmpl)
{
	return tmpl->text;
}
