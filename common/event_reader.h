/* Incremental reading of a run's events/ directory: each call returns only
 * the complete lines appended since the last call, file by file. A truncated
 * last line (a writer caught mid-crash, or still writing) is left for the
 * next call; a line that is not a JSON object is counted and skipped, never
 * allowed to hide the lines after it. */
#ifndef SCALABLE_EVENT_READER_H
#define SCALABLE_EVENT_READER_H

#include <jansson.h>
#include <stddef.h>

struct event_reader;

/* Called once per complete, parsed line; file_name is the event file's name.
 * Return 0 to go on, non-zero to stop (the line counts as consumed). */
typedef int (*event_handler)(const char *file_name, json_t *event, void *ctx);

/* A reader of dir (normally <run_dir>/events); NULL on allocation failure. */
struct event_reader *event_reader_new(const char *dir);
void event_reader_free(struct event_reader *r);

/* Reads what is new in every *.jsonl file of the directory. Returns the
 * number of events handled, or -1 if the directory cannot be read (a missing
 * directory counts as empty). */
long event_reader_poll(struct event_reader *r, event_handler handler, void *ctx);

/* Lines skipped so far because they were not JSON objects. */
size_t event_reader_bad_lines(const struct event_reader *r);

#endif
