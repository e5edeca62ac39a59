/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Builds a struct ynode tree from libyaml events (see yaml_tree.h). */
#include "config/yaml_tree.h"

#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Parser state: the file, the libyaml parser and the open collections. */
struct builder {
	const char *path;
	yaml_parser_t parser;
	struct ynode **stack;
	void **key_trees;      /* per open mapping: its keys so far (tsearch) */
	size_t depth, capacity;
	struct ynode *root;
	struct error *err;
};

/* A fresh node of kind at an event's start mark. */
static struct ynode *node_new(enum ynode_kind kind, const yaml_event_t *event)
{
	struct ynode *node = calloc(1, sizeof *node);

	if (!node)
		return NULL;
	node->kind = kind;
	node->line = (unsigned)event->start_mark.line + 1;
	node->column = (unsigned)event->start_mark.column + 1;
	return node;
}

/* Frees node and what it holds, recursively: only for a tree no deeper
 * than YTREE_MAX_DEPTH (what build makes), when ytree_free has no memory. */
static void free_recursively(struct ynode *node)
{
	for (size_t i = 0; i < node->n_child; i++)
		free_recursively(node->child[i]);
	free(node->child);
	free(node->text);
	free(node);
}

void ytree_free(struct ynode *node)
{
	/* Without recursion: nodes still to free wait on a stack of our own. */
	size_t n = 0, cap = 64;
	struct ynode **todo;

	if (!node)
		return;
	if (!(todo = malloc(cap * sizeof *todo))) {
		free_recursively(node);
		return;
	}
	todo[n++] = node;
	while (n > 0) {
		struct ynode *next = todo[--n];

		if (n + next->n_child > cap) {
			size_t grown_cap = 2 * (n + next->n_child);
			struct ynode **grown = realloc(todo, grown_cap * sizeof *grown);

			if (!grown) {
				free_recursively(next);
				continue;
			}
			todo = grown;
			cap = grown_cap;
		}
		if (next->n_child)   /* a scalar's child is NULL: no memcpy from it */
			memcpy(todo + n, next->child, next->n_child * sizeof *todo);
		n += next->n_child;
		free(next->child);
		free(next->text);
		free(next);
	}
	free(todo);
}

static int append_child(struct ynode *parent, struct ynode *child)
{
	/* Doubles when full: the capacity is the power of two >= n_child. */
	size_t n = parent->n_child;

	if ((n & (n - 1)) == 0) {
		struct ynode **grown = realloc(parent->child,
					       (n ? 2 * n : 1) * sizeof *grown);

		if (!grown)
			return -1;
		parent->child = grown;
	}
	parent->child[parent->n_child++] = child;
	return 0;
}

static int compare_key_text(const void *a, const void *b)
{
	return strcmp(((const struct ynode *)a)->text, ((const struct ynode *)b)->text);
}

static void keep_node(void *node)
{
	(void)node;   /* the tree owns its nodes; the key set only points at them */
}

/* Rejects a key equal to an earlier key of the same mapping, the one whose
 * keys so far are in *keys: a search tree, so that a mapping of 100,000
 * keys is not compared pair by pair. */
static int check_duplicate_key(struct builder *b, void **keys, const struct ynode *key)
{
	const struct ynode *const *found;

	if (key->kind != YNODE_SCALAR) {
		error_at(b->err, b->path, key->line, key->column,
			 "mapping key is %s (expected a plain name)",
			 ynode_describe(key));
		return -1;
	}
	if (!(found = tsearch(key, keys, compare_key_text))) {
		error_system(b->err, "%s", b->path);
		return -1;
	}
	if (*found != key) {
		error_at(b->err, b->path, key->line, key->column,
			 "duplicate key '%s' (first given at line %u)",
			 key->text, (*found)->line);
		return -1;
	}
	return 0;
}

/* Attaches a finished node to the open collection, or makes it the root. */
static int attach(struct builder *b, struct ynode *node)
{
	struct ynode *parent;

	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->kind == YNODE_MAPPING && parent->n_child % 2 == 0 &&
	    check_duplicate_key(b, &b->key_trees[b->depth - 1], node) != 0) {
		ytree_free(node);
		return -1;
	}
	if (append_child(parent, node) != 0) {
		ytree_free(node);
		error_system(b->err, "%s", b->path);
		return -1;
	}
	return 0;
}

static int push(struct builder *b, struct ynode *node)
{
	if (b->depth == b->capacity) {
		size_t capacity = b->capacity ? 2 * b->capacity : 16;
		struct ynode **grown = realloc(b->stack, capacity * sizeof *grown);
		void **trees = grown ? realloc(b->key_trees, capacity * sizeof *trees) : NULL;

		if (grown)
			b->stack = grown;
		if (!trees) {
			error_system(b->err, "%s", b->path);
			ytree_free(node);
			return -1;
		}
		b->key_trees = trees;
		b->capacity = capacity;
	}
	b->key_trees[b->depth] = NULL;
	b->stack[b->depth++] = node;
	return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *event)
{
	struct ynode *node = node_new(YNODE_SCALAR, event);

	if (!node || !(node->text = strndup((const char *)event->data.scalar.value,
					    event->data.scalar.length))) {
		ytree_free(node);
		error_system(b->err, "%s", b->path);
		return -1;
	}
	if (strlen(node->text) != event->data.scalar.length) {
		error_at(b->err, b->path, node->line, node->column,
			 "text contains a NUL character (expected plain text)");
		ytree_free(node);
		return -1;
	}
	node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return attach(b, node);
}

static int on_collection_start(struct builder *b, const yaml_event_t *event,
			       enum ynode_kind kind)
{
	struct ynode *node;

	/* Here, before the scanner goes deeper: libyaml's cost per token grows
	 * with the depth (200 KB of '[' took 72 s), and so would our stack. */
	if (b->depth >= YTREE_MAX_DEPTH) {
		error_at(b->err, b->path, (unsigned)event->start_mark.line + 1,
			 (unsigned)event->start_mark.column + 1,
			 "lists and mappings nested more than %d deep (expected a "
			 "flatter config)", YTREE_MAX_DEPTH);
		return -1;
	}
	node = node_new(kind, event);

	if (!node) {
		error_system(b->err, "%s", b->path);
		return -1;
	}
	return push(b, node);
}

/* Closes the innermost open collection. */
static struct ynode *pop(struct builder *b)
{
	b->depth--;
	tdestroy(b->key_trees[b->depth], keep_node);
	return b->stack[b->depth];
}

static int on_collection_end(struct builder *b)
{
	struct ynode *node = pop(b);

	return attach(b, node);
}

/* Handles one event; returns 1 at the end of the stream, -1 on error. */
static int on_event(struct builder *b, const yaml_event_t *event)
{
	unsigned line = (unsigned)event->start_mark.line + 1;
	unsigned column = (unsigned)event->start_mark.column + 1;

	switch (event->type) {
	case YAML_SCALAR_EVENT:
		return on_scalar(b, event);
	case YAML_SEQUENCE_START_EVENT:
		return on_collection_start(b, event, YNODE_SEQUENCE);
	case YAML_MAPPING_START_EVENT:
		return on_collection_start(b, event, YNODE_MAPPING);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_collection_end(b);
	case YAML_ALIAS_EVENT:
		error_at(b->err, b->path, line, column,
			 "YAML aliases are not supported (expected the value written out)");
		return -1;
	case YAML_DOCUMENT_START_EVENT:
		if (b->root) {
			error_at(b->err, b->path, line, column,
				 "a second YAML document (expected one document per file)");
			return -1;
		}
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* Turns a libyaml syntax error into err. */
static void syntax_error(struct builder *b)
{
	const yaml_parser_t *p = &b->parser;
	const yaml_mark_t *mark = p->problem ? &p->problem_mark : &p->mark;

	if (p->error == YAML_MEMORY_ERROR) {
		errno = ENOMEM;
		error_system(b->err, "%s", b->path);
		return;
	}
	error_at(b->err, b->path, (unsigned)mark->line + 1, (unsigned)mark->column + 1,
		 "invalid YAML: %s%s%s (expected well-formed YAML)",
		 p->problem ? p->problem : "syntax error",
		 p->context ? " " : "", p->context ? p->context : "");
}

/* Feeds every event of the open parser to the builder. */
static int build(struct builder *b)
{
	for (;;) {
		yaml_event_t event;
		int rc;

		if (!yaml_parser_parse(&b->parser, &event)) {
			syntax_error(b);
			return -1;
		}
		rc = on_event(b, &event);
		yaml_event_delete(&event);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
}

int ytree_load(const char *path, struct ynode **root, struct error *err)
{
	struct builder b = { .path = path, .err = err };
	FILE *file = fopen(path, "rb");
	int rc;

	if (!file && errno == ENOENT) {
		error_usage(err, "%s: no such file (expected a config file; "
			    "`scalable init` writes an example)", path);
		return -1;
	}
	if (!file) {
		error_system(err, "cannot open %s", path);
		return -1;
	}
	if (!yaml_parser_initialize(&b.parser)) {
		fclose(file);
		errno = ENOMEM;
		error_system(err, "%s", path);
		return -1;
	}
	yaml_parser_set_input_file(&b.parser, file);
	rc = build(&b);
	if (rc != 0 && ferror(file))   /* the file, not its YAML, is at fault */
		error_system(err, "cannot read %s", path);
	while (b.depth > 0)
		ytree_free(pop(&b));
	free(b.stack);
	free(b.key_trees);
	yaml_parser_delete(&b.parser);
	fclose(file);
	if (rc != 0) {
		ytree_free(b.root);
		return -1;
	}
	*root = b.root;
	return 0;
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i < ymap_size(map); i++)
		if (strcmp(ymap_key(map, i)->text, key) == 0)
			return ymap_value(map, i);
	return NULL;
}

bool ynode_is_null(const struct ynode *node)
{
	return node->kind == YNODE_SCALAR && node->plain &&
	       (node->text[0] == '\0' || strcmp(node->text, "~") == 0 ||
		strcmp(node->text, "null") == 0 || strcmp(node->text, "Null") == 0 ||
		strcmp(node->text, "NULL") == 0);
}

const char *ynode_describe(const struct ynode *node)
{
	switch (node->kind) {
	case YNODE_MAPPING: return "a mapping";
	case YNODE_SEQUENCE: return "a list";
	case YNODE_SCALAR: break;
	}
	if (ynode_is_null(node))
		return "empty (null)";
	return node->plain ? "a plain scalar" : "a quoted string";
}
