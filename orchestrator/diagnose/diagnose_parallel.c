/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a run's JSONL files on every CPU (see dx_load_records):
 * failures.jsonl and tasks.jsonl are cut into chunks at line starts; each
 * thread takes the next chunk and reads it into partial diagnoses of its
 * own (one per file), merged at the end. scenarios.jsonl is one job, the
 * first, read straight into the diagnosis's scenario table. A million
 * failure records and the task rows that go with them are gigabytes. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diagnose/diagnose_impl.h"
#include "lib/util/test_seam.h"

#define THREADS_MAX 16
#define CHUNK_MIN ((uint64_t)16 << 20)   /* smaller ones cost more partial state than they save */
#define CHUNKS_PER_THREAD 4              /* so that threads finish close together */

enum { FAILURES, TASKS, PARTIAL_FILES, SCENARIOS = PARTIAL_FILES, FILES };

struct source {
	char *path;
	int fd;                /* -1 when the file is missing */
	uint64_t size;
};

struct job {
	int file;
	uint64_t start, end;
};

struct loader;

struct worker {
	struct loader *loader;
	pthread_t thread;
	bool started;
	struct diagnosis part[PARTIAL_FILES];
	struct error err;
	int rc;
};

struct loader {
	struct diagnosis *dx;
	struct source src[FILES];
	struct job *jobs;
	size_t n_jobs;
	atomic_size_t next;
	struct worker *workers;
	size_t n_workers;
};

static const dx_line_fn readers[FILES] = { dx_failure_line, dx_task_line, dx_scenario_line };

/* Where a job's lines go, and its file's counts. */
static void *job_target(struct worker *w, const struct job *job, struct dx_file_stats **stats)
{
	struct diagnosis *part;

	if (job->file == SCENARIOS) {
		*stats = &w->loader->dx->scen.stats;
		return &w->loader->dx->scen;
	}
	part = &w->part[job->file];
	*stats = job->file == FAILURES ? &part->failures_file : &part->tasks_file;
	return part;
}

/* Reads chunks until none is left (or one fails). */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct loader *L = w->loader;
	size_t j;

	while (w->rc == 0 && (j = atomic_fetch_add(&L->next, 1)) < L->n_jobs) {
		const struct job *job = &L->jobs[j];
		struct dx_file_stats *stats;
		void *target = job_target(w, job, &stats);

		w->rc = dx_read_range(L->src[job->file].fd, L->src[job->file].path, job->start,
				      job->end, readers[job->file], target, stats, &w->err);
	}
	return NULL;
}

static int open_source(const char *run_path, const char *name, struct source *s,
		       struct error *err)
{
	struct stat st;

	s->fd = -1;
	if (asprintf(&s->path, "%s/%s", run_path, name) < 0) {
		s->path = NULL;
		error_system(err, "cannot read %s/%s", run_path, name);
		return -1;
	}
	if ((s->fd = open(s->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(s->fd, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		error_system(err, "cannot read %s", s->path);
		return -1;
	}
	s->size = (uint64_t)st.st_size;
	(void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

/* How many threads: the CPUs this process may use, within THREADS_MAX. */
static size_t thread_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX : (size_t)n;
}

#define DIAGNOSE_CHUNK "SCALABLE_DIAGNOSE_CHUNK"

#ifdef SCALABLE_TEST_SEAMS
static struct {
	char given[32];  /* as given, for stderr */
	uint64_t bytes;  /* 0: none */
	bool said;
} chunk_seam;

void diagnose_chunk_arm(const char *bytes)
{
	memset(&chunk_seam, 0, sizeof chunk_seam);
	if (!bytes || !*bytes)
		return;
	snprintf(chunk_seam.given, sizeof chunk_seam.given, "%s", bytes);
	chunk_seam.bytes = strtoull(bytes, NULL, 10);
}
#endif

void diagnose_chunk_arm_from_env(void)
{
	char *bytes = test_seam_take(DIAGNOSE_CHUNK);

#ifdef SCALABLE_TEST_SEAMS
	diagnose_chunk_arm(bytes);
#endif
	free(bytes);
}

/* The chunk size: the test seam's when armed (diagnose.h), else enough
 * chunks to keep every thread busy, none below CHUNK_MIN. */
static uint64_t chunk_size(uint64_t total, size_t threads)
{
	uint64_t size = total / (threads * CHUNKS_PER_THREAD);

#ifdef SCALABLE_TEST_SEAMS
	if (chunk_seam.bytes > 0) {
		test_seam_announce(&chunk_seam.said, DIAGNOSE_CHUNK, chunk_seam.given);
		return chunk_seam.bytes;
	}
#endif
	return size < CHUNK_MIN ? CHUNK_MIN : size;
}

static int add_job(struct loader *L, struct job job)
{
	struct job *grown = realloc(L->jobs, (L->n_jobs + 1) * sizeof *grown);

	if (!grown)
		return -1;
	L->jobs = grown;
	grown[L->n_jobs++] = job;
	return 0;
}

/* scenarios.jsonl whole, first (it is the longest single job); then the
 * other two files in chunks, the last of each running to the file's end,
 * wherever that is by then. */
static int plan_jobs(struct loader *L, size_t threads)
{
	uint64_t chunk = chunk_size(L->src[FAILURES].size + L->src[TASKS].size, threads);

	if (L->src[SCENARIOS].fd >= 0 && add_job(L, (struct job){ SCENARIOS, 0, UINT64_MAX }))
		return -1;
	for (int f = 0; f < PARTIAL_FILES; f++) {
		const struct source *s = &L->src[f];

		for (uint64_t start = 0; s->fd >= 0 && (start == 0 || start < s->size);
		     start += chunk)
			if (add_job(L, (struct job){ f, start, start + chunk >= s->size ?
						     UINT64_MAX : start + chunk }))
				return -1;
	}
	return 0;
}

/* Runs the workers: in threads when there is more than one. */
static void run_workers(struct loader *L)
{
	for (size_t i = 1; i < L->n_workers; i++)
		L->workers[i].started = pthread_create(&L->workers[i].thread, NULL, work,
						       &L->workers[i]) == 0;
	work(&L->workers[0]);  /* a worker that could not start leaves its chunks to the rest */
	for (size_t i = 1; i < L->n_workers; i++)
		if (L->workers[i].started)
			pthread_join(L->workers[i].thread, NULL);
}

/* Merges every partial (failures first: the tasks' side adds to their
 * groups) and reports the first error. */
static int merge_all(struct diagnosis *dx, struct loader *L, struct error *err)
{
	for (size_t i = 0; i < L->n_workers; i++) {
		if (L->workers[i].rc != 0) {
			*err = L->workers[i].err;
			return -1;
		}
	}
	for (int f = 0; f < PARTIAL_FILES; f++) {
		for (size_t i = 0; i < L->n_workers; i++) {
			if (dx_merge(dx, &L->workers[i].part[f]) != 0) {
				errno = ENOMEM;
				error_system(err, "cannot diagnose %s", dx->run_path);
				return -1;
			}
		}
	}
	return 0;
}

static void loader_free(struct loader *L)
{
	for (size_t i = 0; i < L->n_workers; i++)
		for (int f = 0; f < PARTIAL_FILES; f++)
			dx_clear(&L->workers[i].part[f]);
	for (int f = 0; f < FILES; f++) {
		if (L->src[f].fd >= 0)
			close(L->src[f].fd);
		free(L->src[f].path);
	}
	free(L->workers);
	free(L->jobs);
}

/* Opens the files, plans the chunks and makes the workers. */
static int prepare(struct loader *L, const char *run_path, struct error *err)
{
	size_t threads = thread_count();

	if (open_source(run_path, TELEMETRY_FAILURES_FILE, &L->src[FAILURES], err) != 0 ||
	    open_source(run_path, TELEMETRY_TASKS_FILE, &L->src[TASKS], err) != 0 ||
	    open_source(run_path, "scenarios.jsonl", &L->src[SCENARIOS], err) != 0)
		return -1;
	if (plan_jobs(L, threads) != 0 || !(L->workers = calloc(threads, sizeof *L->workers))) {
		errno = ENOMEM;
		error_system(err, "cannot diagnose %s", run_path);
		return -1;
	}
	L->n_workers = L->n_jobs < threads ? (L->n_jobs ? L->n_jobs : 1) : threads;
	for (size_t i = 0; i < L->n_workers; i++)
		L->workers[i].loader = L;
	return 0;
}

int dx_load_records(struct diagnosis *dx, struct error *err)
{
	struct loader L = { .dx = dx, .src = { { .fd = -1 }, { .fd = -1 }, { .fd = -1 } } };
	int rc = prepare(&L, dx->run_path, err);

	if (rc == 0) {
		run_workers(&L);
		rc = merge_all(dx, &L, err);
	}
	loader_free(&L);
	return rc;
}
