/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Templates: text with {{ name }} and {{ name | raw }} placeholders.
 *
 * A template is compiled once (placeholders located, syntax checked, each
 * with its file:line:column) and rendered many times through a resolver that
 * says what each name stands for:
 *   - a literal value: shell-quoted ({{ x }}) or inserted verbatim ({{ x | raw }});
 *   - a shell variable known only when the script runs (a parameter, the task
 *     id): written "${NAME}", or ${NAME} unquoted for | raw;
 *   - shell code from the config's author (command, setup): verbatim.
 * So a value such as $(touch pwned) is never evaluated by the shell. */
#ifndef SCALABLE_TEMPLATE_H
#define SCALABLE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"
#include "lib/util/strbuf.h"

struct template;

enum template_value_kind {
	TEMPLATE_LITERAL,
	TEMPLATE_VARIABLE,
	TEMPLATE_CODE,
};

struct template_value {
	enum template_value_kind kind;
	const char *text;   /* the value, the variable's name, or the code */
};

/* Fills *value for name; false when the name is unknown. */
typedef bool (*template_resolver)(void *ctx, const char *name,
				  struct template_value *value);

/* Compiles text; origin names it in errors, and its first character sits at
 * line:column of origin (1:1 for a template file). */
int template_compile(const char *text, const char *origin, unsigned line,
		     unsigned column, struct template **out, struct error *err);
/* Reads and compiles a template file. */
int template_load(const char *path, struct template **out, struct error *err);
void template_free(struct template *tmpl);

/* Checks that resolve knows every placeholder (values are not used); the
 * error names the first unknown one's position and the closest known name
 * among candidates (NULL-terminated lists; either may be NULL). */
int template_check(const struct template *tmpl, template_resolver resolve, void *ctx,
		   const char *const *candidates, const char *const *more_candidates,
		   struct error *err);
/* Appends the rendering to out. */
int template_render(const struct template *tmpl, template_resolver resolve,
		    void *ctx, struct strbuf *out, struct error *err);
/* True when the template has a placeholder called name. */
bool template_uses(const struct template *tmpl, const char *name);
/* The text it was compiled from (what a cache key hashes). */
const char *template_text(const struct template *tmpl);

#endif
