/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small YAML tree built from libyaml's event parser, keeping every node's
 * position so that config errors can name file:line:column. Aliases, several
 * documents and duplicate mapping keys are rejected while building it. */
#ifndef SCALABLE_YAML_TREE_H
#define SCALABLE_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"

enum ynode_kind { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING };

struct ynode {
	enum ynode_kind kind;
	unsigned line, column;  /* 1-based */
	bool plain;             /* an unquoted scalar: may be a number, bool or null */
	char *text;             /* scalar text */
	struct ynode **child;   /* sequence items; mapping keys and values alternate */
	size_t n_child;
};

/* How deep lists and mappings may nest: a config needs a handful of
 * levels; a deeper file is refused where it goes too deep. */
#define YTREE_MAX_DEPTH 64

/* Parses path into *root (NULL for an empty document). */
int ytree_load(const char *path, struct ynode **root, struct error *err);
void ytree_free(struct ynode *node);

/* Number of entries of a mapping, and its i-th key and value. */
static inline size_t ymap_size(const struct ynode *map) { return map->n_child / 2; }
static inline const struct ynode *ymap_key(const struct ynode *map, size_t i)
{
	return map->child[2 * i];
}
static inline const struct ynode *ymap_value(const struct ynode *map, size_t i)
{
	return map->child[2 * i + 1];
}
/* The value under key in a mapping, or NULL. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);
/* True for a plain scalar YAML reads as null: "", "~", "null". */
bool ynode_is_null(const struct ynode *node);
/* "a mapping", "a list", "a string", "null", ...: what a node is, for errors. */
const char *ynode_describe(const struct ynode *node);

#endif
