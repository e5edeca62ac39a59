/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The YAML tree: what a file loads into, lookups in mappings, each node's
 * line and column for error messages, what counts as null, and the files
 * it refuses (syntax errors, aliases, second documents, duplicate keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/yaml_tree.h"
#include "lib/util/exit_codes.h"
#include "test/tmpdir.h"

struct fixture {
	char *dir;
	char path[4096];
	struct ynode *root;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	snprintf(f->path, sizeof f->path, "%s/c.yaml", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ytree_free(f->root);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Loads yaml into f->root; fails the test on error. */
static const struct ynode *load(struct fixture *f, const char *yaml)
{
	struct error err;

	tmpdir_write(f->dir, "c.yaml", yaml);
	ytree_free(f->root);
	f->root = NULL;
	if (ytree_load(f->path, &f->root, &err) != 0)
		fail_msg("did not load: %s", err.text);
	return f->root;
}

/* Expects yaml to be refused; err->text must start with "<path>:<where>: ". */
static void refuse(struct fixture *f, const char *yaml, const char *where, const char *what)
{
	struct ynode *root = (struct ynode *)0x1;  /* must stay untouched */
	char prefix[4200];
	struct error err;

	tmpdir_write(f->dir, "c.yaml", yaml);
	assert_int_equal(ytree_load(f->path, &root, &err), -1);
	assert_ptr_equal(root, (struct ynode *)0x1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	snprintf(prefix, sizeof prefix, "%s:%s: ", f->path, where);
	if (strncmp(err.text, prefix, strlen(prefix)) != 0)
		fail_msg("'%s' does not start with '%s'", err.text, prefix);
	if (!strstr(err.text, what))
		fail_msg("'%s' does not say '%s'", err.text, what);
}

static void scalar_at(const struct ynode *n, const char *text, unsigned line, unsigned col)
{
	assert_non_null(n);
	assert_int_equal(n->kind, YNODE_SCALAR);
	assert_string_equal(n->text, text);
	assert_int_equal(n->line, line);
	assert_int_equal(n->column, col);
}

static void a_file_becomes_a_tree(void **state)
{
	const struct ynode *root = load(*state, "project: energy\n"
						"components:\n"
						"  model: {cpus: 4}\n"
						"years: [2030, 2040]\n");
	const struct ynode *years, *model;

	assert_int_equal(root->kind, YNODE_MAPPING);
	assert_int_equal(ymap_size(root), 3);
	/* in file order, keys and values alternating */
	assert_string_equal(ymap_key(root, 0)->text, "project");
	assert_string_equal(ymap_key(root, 1)->text, "components");
	assert_string_equal(ymap_key(root, 2)->text, "years");
	scalar_at(ymap_value(root, 0), "energy", 1, 10);
	years = ymap_get(root, "years");
	assert_int_equal(years->kind, YNODE_SEQUENCE);
	assert_int_equal(years->n_child, 2);
	scalar_at(years->child[0], "2030", 4, 9);
	scalar_at(years->child[1], "2040", 4, 15);
	model = ymap_get(ymap_get(root, "components"), "model");
	assert_int_equal(model->kind, YNODE_MAPPING);
	scalar_at(ymap_get(model, "cpus"), "4", 3, 17);
}

static void lookups_are_exact(void **state)
{
	const struct ynode *root = load(*state, "a: 1\nab: 2\nA: 3\n\"b c\": 4\n");

	assert_string_equal(ymap_get(root, "a")->text, "1");
	assert_string_equal(ymap_get(root, "ab")->text, "2");
	assert_string_equal(ymap_get(root, "A")->text, "3");
	assert_string_equal(ymap_get(root, "b c")->text, "4");
	assert_null(ymap_get(root, "b"));
	assert_null(ymap_get(root, ""));
	assert_null(ymap_get(root, "abc"));
}

static void positions_of_every_kind_of_node(void **state)
{
	const struct ynode *root = load(*state, "# a comment\n"
						"\n"
						"top:\n"
						"  - first\n"
						"  -   second: x\n"
						"      third: 'y'\n"
						"block: |\n"
						"  line one\n"
						"  line two\n");
	const struct ynode *list = ymap_get(root, "top"), *item;

	assert_int_equal(root->line, 3);  /* a block mapping starts at its first key */
	assert_int_equal(root->column, 1);
	scalar_at(ymap_key(root, 0), "top", 3, 1);
	assert_int_equal(list->kind, YNODE_SEQUENCE);
	assert_int_equal(list->line, 4);
	assert_int_equal(list->column, 3);
	scalar_at(list->child[0], "first", 4, 5);
	item = list->child[1];
	assert_int_equal(item->kind, YNODE_MAPPING);
	assert_int_equal(item->line, 5);
	assert_int_equal(item->column, 7);
	scalar_at(ymap_key(item, 1), "third", 6, 7);
	scalar_at(ymap_get(item, "third"), "y", 6, 14);
	scalar_at(ymap_get(root, "block"), "line one\nline two\n", 7, 8);
}

static void plain_and_quoted_scalars(void **state)
{
	const struct ynode *root = load(*state, "a: yes\nb: 'yes'\nc: \"7\"\nd: 7\n");

	assert_true(ymap_get(root, "a")->plain);
	assert_false(ymap_get(root, "b")->plain);
	assert_false(ymap_get(root, "c")->plain);
	assert_true(ymap_get(root, "d")->plain);
	assert_string_equal(ynode_describe(ymap_get(root, "a")), "a plain scalar");
	assert_string_equal(ynode_describe(ymap_get(root, "b")), "a quoted string");
	assert_string_equal(ynode_describe(root), "a mapping");
}

static void what_is_null(void **state)
{
	static const char *const null_keys[] = { "empty", "tilde", "word", "Word", "WORD" };
	static const char *const other_keys[] = { "quoted", "squoted", "nil", "none",
						  "zero", "nulls", "nUll" };
	const struct ynode *root = load(*state, "empty:\ntilde: ~\nword: null\nWord: Null\n"
						"WORD: NULL\nquoted: \"\"\nsquoted: 'null'\n"
						"nil: nil\nnone: None\nzero: 0\nnulls: nulls\n"
						"nUll: nUll\nlist: []\nmap: {}\n");

	for (size_t i = 0; i < sizeof null_keys / sizeof null_keys[0]; i++) {
		if (!ynode_is_null(ymap_get(root, null_keys[i])))
			fail_msg("%s should be null", null_keys[i]);
		assert_string_equal(ynode_describe(ymap_get(root, null_keys[i])), "empty (null)");
	}
	for (size_t i = 0; i < sizeof other_keys / sizeof other_keys[0]; i++)
		if (ynode_is_null(ymap_get(root, other_keys[i])))
			fail_msg("%s should not be null", other_keys[i]);
	/* empty collections are not null: they are collections */
	assert_false(ynode_is_null(ymap_get(root, "list")));
	assert_int_equal(ymap_get(root, "list")->n_child, 0);
	assert_string_equal(ynode_describe(ymap_get(root, "list")), "a list");
	assert_false(ynode_is_null(ymap_get(root, "map")));
	assert_int_equal(ymap_size(ymap_get(root, "map")), 0);
}

static void empty_files_have_no_root(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, ""));
	assert_null(load(f, "# only a comment\n\n"));
	/* a lone scalar or list is a root too: the caller says it is not a mapping */
	assert_int_equal(load(f, "just text\n")->kind, YNODE_SCALAR);
	assert_int_equal(load(f, "- 1\n")->kind, YNODE_SEQUENCE);
	/* one explicit document is fine */
	assert_int_equal(load(f, "---\na: 1\n...\n")->kind, YNODE_MAPPING);
}

static void a_missing_file_is_a_usage_error(void **state)
{
	struct fixture *f = *state;
	struct ynode *root = NULL;
	struct error err;

	assert_int_equal(ytree_load(f->path, &root, &err), -1);
	assert_null(root);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	assert_non_null(strstr(err.text, f->path));
	assert_non_null(strstr(err.text, "no such file"));
	assert_non_null(strstr(err.text, "scalable init"));
}

static void an_unreadable_path_is_a_system_error(void **state)
{
	struct fixture *f = *state;
	struct ynode *root = NULL;
	struct error err;

	/* a directory opens but cannot be read */
	assert_int_equal(ytree_load(f->dir, &root, &err), -1);
	assert_null(root);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	assert_non_null(strstr(err.text, f->dir));
}

static void syntax_errors_name_line_and_column(void **state)
{
	struct fixture *f = *state;

	refuse(f, "a: 1\nb: [1, 2\n", "3:1", "invalid YAML");
	refuse(f, "a: 1\n b: 2\n", "2:3", "invalid YAML");
	refuse(f, "a: \"unterminated\n", "2:1", "invalid YAML");
	refuse(f, "key: value\n\tindented: tab\n", "2:1", "expected well-formed YAML");
}

static void aliases_are_refused(void **state)
{
	refuse(*state, "base: &b {cpus: 2}\nother: *b\n", "2:8", "aliases are not supported");
}

static void one_document_per_file(void **state)
{
	refuse(*state, "a: 1\n---\nb: 2\n", "2:1", "a second YAML document");
}

static void duplicate_keys_name_the_first(void **state)
{
	struct fixture *f = *state;

	refuse(f, "a: 1\nb: 2\na: 3\n", "3:1", "duplicate key 'a' (first given at line 1)");
	refuse(f, "outer:\n  x: 1\n  y: {x: 2, x: 3}\n", "3:13",
	       "duplicate key 'x' (first given at line 3)");
	/* the same key in different mappings is fine */
	load(f, "p: {x: 1}\nq: {x: 2}\n");
}

static void keys_must_be_scalars(void **state)
{
	refuse(*state, "? [a, b]\n: 1\n", "1:3", "mapping key is a list");
}

static void nul_characters_are_refused(void **state)
{
	refuse(*state, "a: \"x\\0y\"\n", "1:4", "NUL character");
}

/* YTREE_MAX_DEPTH levels load; one more is refused where it opens, and so
 * is 200 KB of '[' (libyaml alone took 72 s of CPU on it). */
static void nesting_is_bounded(void **state)
{
	struct fixture *f = *state;
	size_t deep = 200000;
	char *text = malloc(deep + 2), where[32];
	const struct ynode *node;

	memset(text, '[', YTREE_MAX_DEPTH);
	memset(text + YTREE_MAX_DEPTH, ']', YTREE_MAX_DEPTH);
	text[2 * YTREE_MAX_DEPTH] = '\0';
	node = load(f, text);
	for (int level = 1; level < YTREE_MAX_DEPTH; level++)
		node = node->child[0];
	assert_int_equal(node->kind, YNODE_SEQUENCE);
	assert_int_equal(node->n_child, 0);
	snprintf(where, sizeof where, "1:%d", YTREE_MAX_DEPTH + 1);
	memset(text, '[', deep);
	strcpy(text + deep, "\n");
	refuse(f, text, where, "nested more than 64 deep");
	memset(text, ' ', deep);
	for (size_t i = 0; i < 2 * (YTREE_MAX_DEPTH + 1); i += 2)
		memcpy(text + i, "- ", 2);   /* block sequences count the same */
	refuse(f, text, "1:129", "nested more than 64 deep");
	free(text);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(a_file_becomes_a_tree),
		T(lookups_are_exact),
		T(positions_of_every_kind_of_node),
		T(plain_and_quoted_scalars),
		T(what_is_null),
		T(empty_files_have_no_root),
		T(a_missing_file_is_a_usage_error),
		T(an_unreadable_path_is_a_system_error),
		T(syntax_errors_name_line_and_column),
		T(aliases_are_refused),
		T(one_document_per_file),
		T(duplicate_keys_name_the_first),
		T(keys_must_be_scalars),
		T(nul_characters_are_refused),
		T(nesting_is_bounded),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
