/* Builds a struct ynode tree from libyaml events (see yaml_tree.h). */
#include "config/yaml_tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Parser state: the file, the libyaml parser and the open collections. */
struct builder {
	const char *path;
	yaml_parser_t parser;
	struct ynode **stack;
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

void ytree_free(struct ynode *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->n_child; i++)
		ytree_free(node->child[i]);
	free(node->child);
	free(node->text);
	free(node);
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

/* Rejects a key equal to an earlier key of the same mapping. */
static int check_duplicate_key(struct builder *b, const struct ynode *map,
			       const struct ynode *key)
{
	if (key->kind != YNODE_SCALAR) {
		error_at(b->err, b->path, key->line, key->column,
			 "mapping key is %s (expected a plain name)",
			 ynode_describe(key));
		return -1;
	}
	for (size_t i = 0; i + 1 < map->n_child; i += 2) {
		const struct ynode *earlier = map->child[i];

		if (strcmp(earlier->text, key->text) == 0) {
			error_at(b->err, b->path, key->line, key->column,
				 "duplicate key '%s' (first given at line %u)",
				 key->text, earlier->line);
			return -1;
		}
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
	    check_duplicate_key(b, parent, node) != 0) {
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

		if (!grown) {
			error_system(b->err, "%s", b->path);
			ytree_free(node);
			return -1;
		}
		b->stack = grown;
		b->capacity = capacity;
	}
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
	struct ynode *node = node_new(kind, event);

	if (!node) {
		error_system(b->err, "%s", b->path);
		return -1;
	}
	return push(b, node);
}

static int on_collection_end(struct builder *b)
{
	struct ynode *node = b->stack[--b->depth];

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
		ytree_free(b.stack[--b.depth]);
	free(b.stack);
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
