/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: a template compiled, checked and rendered with each
 * kind of value (lib/template/template.c). */
#include "fuzz_util.h"

#include "lib/template/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names by their first letter: l literal, v variable, c code; else unknown. */
static bool resolve(void *ctx, const char *name, struct template_value *v)
{
	(void)ctx;
	switch (name[0]) {
	case 'l': *v = (struct template_value){ TEMPLATE_LITERAL, "it's $(x)" }; return true;
	case 'v': *v = (struct template_value){ TEMPLATE_VARIABLE, "SCALABLE_PARAM_V" }; return true;
	case 'c': *v = (struct template_value){ TEMPLATE_CODE, "echo hi" }; return true;
	default: return false;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "lit", "var", "code", NULL };
	char *text = fuzz_cstring(data, size);
	struct template *tmpl;
	struct strbuf out = { 0 };
	struct error err;

	if (template_compile(text, "fuzz.tmpl", 1, 1, &tmpl, &err) == 0) {
		if (template_check(tmpl, resolve, NULL, names, NULL, &err) == 0)
			(void)template_render(tmpl, resolve, NULL, &out, &err);
		(void)template_uses(tmpl, "lit");
		template_free(tmpl);
	}
	strbuf_free(&out);
	free(text);
	return 0;
}
