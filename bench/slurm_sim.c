/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slurm_sim: a simulated Slurm for bench/follow_scale. One binary, called
 * by the name it is linked as:
 *
 *   sbatch --parsable ... --array=SPEC ...   records the array job in the
 *                                            state directory, prints its id
 *   squeue -h -r --states=all --jobs=IDS -O ...   one line per array task
 *   sacct -n -P -D --noconvert --jobs=IDS -o ...  runs and batch steps
 *   scontrol show config | scontrol -o show job
 *   scancel ...
 *   slurm_sim writer N          lays out step events as the plugin does
 *   slurm_sim measure OUT CMD...  runs CMD; OUT gets its own CPU and peak RSS
 *
 * The state is $SLURM_SIM_DIR: `config` ("RATE DURATION MIN_JOB_AGE"), and
 * `jobs`, one line per sbatch (tab-separated: array job id, submit time,
 * tasks submitted before it, task count, SCALABLE_INDEX_OFFSET,
 * SCALABLE_ATTEMPT, run dir, run id, comment, --array spec,
 * SCALABLE_EVENTS_LAYOUT: the writer puts a job's step events in
 * events/<array job>/<array task / 1000>/ when it is 2, as the plugin does,
 * else in events/ itself). The cluster runs
 * the tasks in submission order at RATE tasks per second: the g-th task ever
 * submitted starts at max(its job's submit, T0 + g / RATE), T0 being the
 * first submission, and ends DURATION seconds later, exit 0. Task i of array
 * job A has job id A + 1 + i. Output formats are those of Slurm 22.05 for the
 * options the orchestrator passes (orchestrator/slurm/slurm_commands.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "step_event.h"

struct job {
	uint32_t id;
	double submit;
	long seq0, n;
	long offset, attempt;
	int layout;       /* STEP_EVENT_LAYOUT_* of its events */
	char run_dir[1024], run_id[256], comment[512], spec[4096];
	uint32_t *tasks;  /* array task ids, n of them */
};

struct sim {
	double rate, duration, min_job_age, t0;
	struct job *jobs;
	size_t n_jobs;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *state_dir(void)
{
	const char *d = getenv("SLURM_SIM_DIR");

	if (!d) {
		fprintf(stderr, "slurm_sim: SLURM_SIM_DIR is not set\n");
		exit(2);
	}
	return d;
}

static FILE *open_state(const char *name, const char *mode)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", state_dir(), name);
	return fopen(path, mode);
}

/* "0-9999", "1,3,5-7", with an optional "%N"; the ids into *out. */
static long expand_spec(const char *spec, uint32_t **out)
{
	long n = 0, cap = 1024;
	uint32_t *ids = malloc(cap * sizeof *ids);
	const char *p = spec;

	while (ids && *p && *p != '%') {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (unsigned long i = lo; i <= hi; i++) {
			if (n == cap)
				ids = realloc(ids, (cap *= 2) * sizeof *ids);
			ids[n++] = (uint32_t)i;
		}
		p = *end == ',' ? end + 1 : end;
	}
	*out = ids;
	return n;
}

static void read_config(struct sim *s)
{
	FILE *f = open_state("config", "r");

	s->rate = 1000;
	s->duration = 2;
	s->min_job_age = 300;
	if (f) {
		if (fscanf(f, "%lf %lf %lf", &s->rate, &s->duration, &s->min_job_age) != 3)
			fprintf(stderr, "slurm_sim: bad config\n");
		fclose(f);
	}
}

/* One line of `jobs` into j; false when it is not one. */
static bool parse_job(char *line, struct job *j)
{
	char *f[11], *save = NULL;
	int k = 0;

	line[strcspn(line, "\n")] = '\0';
	for (char *t = strtok_r(line, "\t", &save); t && k < 11; t = strtok_r(NULL, "\t", &save))
		f[k++] = t;
	if (k != 10 && k != 11)
		return false;
	memset(j, 0, sizeof *j);
	j->id = (uint32_t)strtoul(f[0], NULL, 10);
	j->submit = strtod(f[1], NULL);
	j->seq0 = strtol(f[2], NULL, 10);
	j->n = strtol(f[3], NULL, 10);
	j->offset = strtol(f[4], NULL, 10);
	j->attempt = strtol(f[5], NULL, 10);
	snprintf(j->run_dir, sizeof j->run_dir, "%s", f[6]);
	snprintf(j->run_id, sizeof j->run_id, "%s", f[7]);
	snprintf(j->comment, sizeof j->comment, "%s", f[8]);
	snprintf(j->spec, sizeof j->spec, "%s", f[9]);
	j->layout = k == 11 ? (int)strtol(f[10], NULL, 10) : STEP_EVENT_LAYOUT_FLAT;
	j->n = expand_spec(j->spec, &j->tasks);
	return true;
}

static void read_jobs(struct sim *s)
{
	FILE *f = open_state("jobs", "r");
	char line[8192];
	struct job j;

	s->n_jobs = 0;
	if (!f)
		return;
	while (fgets(line, sizeof line, f))
		if (parse_job(line, &j)) {
			s->jobs = realloc(s->jobs, (s->n_jobs + 1) * sizeof *s->jobs);
			s->jobs[s->n_jobs++] = j;
		}
	fclose(f);
	s->t0 = s->n_jobs ? s->jobs[0].submit : 0;
}

static void load(struct sim *s)
{
	memset(s, 0, sizeof *s);
	read_config(s);
	read_jobs(s);
}

static double task_start(const struct sim *s, const struct job *j, long i)
{
	double at = s->t0 + (double)(j->seq0 + i) / s->rate;

	return at > j->submit ? at : j->submit;
}

/* --- sbatch --- */

static const char *option(int argc, char **argv, const char *name)
{
	size_t len = strlen(name);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], name, len) && argv[i][len] == '=')
			return argv[i] + len + 1;
	return NULL;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v ? v : fallback;
}

static int sbatch(int argc, char **argv)
{
	const char *spec = option(argc, argv, "--array");
	FILE *f = open_state("jobs", "a+");
	struct sim s;
	uint32_t id = 1000;
	long seq0 = 0, n;
	uint32_t *tasks;

	if (!f || !spec || flock(fileno(f), LOCK_EX) != 0) {
		fprintf(stderr, "sbatch: error: the simulation takes arrays only\n");
		return 1;
	}
	load(&s);
	if (s.n_jobs) {
		const struct job *last = &s.jobs[s.n_jobs - 1];

		id = last->id + (uint32_t)last->n + 1;
		seq0 = last->seq0 + last->n;
	}
	n = expand_spec(spec, &tasks);
	fprintf(f, "%u\t%.6f\t%ld\t%ld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, now_s(), seq0, n,
		env_or("SCALABLE_INDEX_OFFSET", "0"), env_or("SCALABLE_ATTEMPT", "1"),
		env_or("SCALABLE_RUN_DIR", "-"), env_or("SCALABLE_RUN_ID", "-"),
		option(argc, argv, "--comment") ? option(argc, argv, "--comment") : "", spec,
		env_or(STEP_EVENT_LAYOUT_ENV, "1"));
	fclose(f);
	printf("%u\n", id);
	return 0;
}

/* --- squeue, sacct --- */

/* Whether id is in the --jobs= list (NULL: every job). */
static bool asked(const char *list, uint32_t id)
{
	char buf[16];
	size_t len;

	if (!list)
		return true;
	len = (size_t)snprintf(buf, sizeof buf, "%u", id);
	for (const char *p = list; p && *p; p = strchr(p, ',')) {
		p += *p == ',';
		if (!strncmp(p, buf, len) && (p[len] == ',' || !p[len]))
			return true;
	}
	return false;
}

static int squeue(int argc, char **argv)
{
	const char *list = option(argc, argv, "--jobs");
	double now = now_s();
	struct sim s;

	load(&s);
	for (size_t k = 0; k < s.n_jobs; k++) {
		const struct job *j = &s.jobs[k];

		if (!asked(list, j->id))
			continue;
		for (long i = 0; i < j->n; i++) {
			double start = task_start(&s, j, i), end = start + s.duration;

			if (now < start)
				printf("%u|%u|%u|PENDING|Priority||0|%s|\n", j->id, j->id,
				       j->tasks[i], j->comment);
			else if (now < end)
				printf("%u|%u|%u|RUNNING|None|sim1|0|%s|\n", j->id + 1 + (uint32_t)i,
				       j->id, j->tasks[i], j->comment);
			else if (now - end < s.min_job_age)
				printf("%u|%u|N/A|COMPLETED|None|sim1|0|%s|\n",
				       j->id + 1 + (uint32_t)i, j->id + 1 + (uint32_t)i, j->comment);
		}
	}
	return 0;
}

static int sacct(int argc, char **argv)
{
	const char *list = option(argc, argv, "--jobs");
	double now = now_s();
	struct sim s;

	load(&s);
	for (size_t k = 0; k < s.n_jobs; k++) {
		const struct job *j = &s.jobs[k];

		if (!asked(list, j->id))
			continue;
		for (long i = 0; i < j->n; i++) {
			double start = task_start(&s, j, i), end = start + s.duration;
			uint32_t raw = j->id + 1 + (uint32_t)i;
			long sub = (long)j->submit;

			if (now < start)
				printf("%u_%u|%u|PENDING|0:0|0:0|None|None assigned|%ld|Unknown|"
				       "Unknown|0|10|50M|\n", j->id, j->tasks[i], j->id, sub);
			else if (now < end)
				printf("%u_%u|%u|RUNNING|0:0|0:0|None|sim1|%ld|%ld|Unknown|%ld|10|50M|\n",
				       j->id, j->tasks[i], raw, sub, (long)start, (long)(now - start));
			else
				printf("%u_%u|%u|COMPLETED|0:0|0:0|None|sim1|%ld|%ld|%ld|%ld|10|50M|\n"
				       "%u_%u.batch|%u.batch|COMPLETED|0:0|||sim1|%ld|%ld|%ld|%ld|||1024\n",
				       j->id, j->tasks[i], raw, sub, (long)start, (long)end,
				       (long)s.duration, j->id, j->tasks[i], raw, sub, (long)start,
				       (long)end, (long)s.duration);
		}
	}
	return 0;
}

static int scontrol(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "show") && !strcmp(argv[2], "config"))
		printf("MaxArraySize            = 1000001\n");
	return 0;
}

/* --- the writer: step events as spank_scalable.so lays them out --- */

/* The path of the step's event file, in the job's layout (its directories
 * made in layout 2); -1 when it does not fit. */
static int event_path(const struct job *j, const struct step_identity *id, char *path,
		      size_t size)
{
	char name[128], sub[64];
	size_t len;

	step_event_file_name(&(struct step_identity){ .job_id = id->job_id,
						       .step_id = STEP_ID_BATCH },
			     name, sizeof name);
	if (j->layout != STEP_EVENT_LAYOUT_FANNED)
		return snprintf(path, size, "%s/events/%s", j->run_dir, name) < (int)size ? 0 : -1;
	if (step_event_subdir(id, sub, sizeof sub) != 0 ||
	    snprintf(path, size, "%s/events/%s/%s", j->run_dir, sub, name) >= (int)size)
		return -1;
	/* each level below events/, as the plugin makes them */
	len = strlen(path) - strlen(name) - 1;
	for (size_t at = strlen(j->run_dir) + strlen("/events/"); at <= len; at++) {
		if (at < len && path[at] != '/')
			continue;
		path[at] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			fprintf(stderr, "writer: %s: %s\n", path, strerror(errno));
		path[at] = '/';
	}
	return 0;
}

static void write_event(const struct job *j, long i, const char *what, double start,
			double duration)
{
	struct step_identity id = {
		.job_id = j->id + 1 + (uint32_t)i, .array_job_id = j->id,
		.array_task_id = j->tasks[i], .step_id = STEP_ID_BATCH, .node = "sim1",
		.uid = getuid(), .pid = getpid(), .run_id = j->run_id,
		.task_id = j->tasks[i] + j->offset, .attempt = j->attempt,
		.time_limit_s = 600, .mem_limit_bytes = 50 << 20,
	};
	struct step_event ev;
	char path[2048];
	size_t len;
	char *line;
	int fd;

	step_event_init(&ev, what, &id);
	if (!strcmp(what, "end")) {
		ev.has_outcome = true;
		ev.elapsed_s = duration;
		ev.max_rss_bytes = 1 << 20;
		ev.oom_kill_count = 0;
		ev.inferred_cause = "exited";
		ev.ntasks = 1;
	}
	(void)start;
	line = step_event_to_json_line(&ev, &len);
	fd = event_path(j, &id, path, sizeof path) != 0 ? -1
		: open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || !line || write(fd, line, len) != (ssize_t)len)
		fprintf(stderr, "writer: %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(line);
}

/* The task of global number g: its job and index; false when not yet submitted. */
static bool task_of(const struct sim *s, long g, const struct job **j, long *i)
{
	for (size_t k = 0; k < s->n_jobs; k++)
		if (g >= s->jobs[k].seq0 && g < s->jobs[k].seq0 + s->jobs[k].n) {
			*j = &s->jobs[k];
			*i = g - s->jobs[k].seq0;
			return true;
		}
	return false;
}

static long total_tasks(const struct sim *s)
{
	return s->n_jobs ? s->jobs[s->n_jobs - 1].seq0 + s->jobs[s->n_jobs - 1].n : 0;
}

/* A count into $SLURM_SIM_DIR/name, replaced whole. */
static void put_count(const char *name, long count)
{
	char from[4096], to[4096];
	FILE *f;

	snprintf(from, sizeof from, "%s/%s.tmp", state_dir(), name);
	snprintf(to, sizeof to, "%s/%s", state_dir(), name);
	if (!(f = fopen(from, "w")))
		return;
	fprintf(f, "%ld\n", count);
	fclose(f);
	rename(from, to);
}

/* The counts of tasks started and ended so far, into $SLURM_SIM_DIR/started
 * and ended (ended last: a reader of both after ended sees started). */
static void report(long started, long ended)
{
	static long last_started = -1, last_ended = -1;

	if (started != last_started)
		put_count("started", last_started = started);
	if (ended != last_ended)
		put_count("ended", last_ended = ended);
}

/* Writes start and end events until `expected` tasks have ended (or the
 * file STOP appears in the state directory). */
static int writer(long expected)
{
	long started = 0, ended = 0;
	struct sim s = { 0 };
	char stop[4096], jobs[4096];
	off_t seen = -1;

	snprintf(stop, sizeof stop, "%s/STOP", state_dir());
	snprintf(jobs, sizeof jobs, "%s/jobs", state_dir());
	while (ended < expected && access(stop, F_OK) != 0) {
		double now = now_s();
		const struct job *j;
		struct stat st;
		long i;

		if (stat(jobs, &st) == 0 && st.st_size != seen) {
			for (size_t k = 0; k < s.n_jobs; k++)
				free(s.jobs[k].tasks);
			free(s.jobs);
			load(&s);
			seen = st.st_size;
		}
		while (started < total_tasks(&s) && task_of(&s, started, &j, &i) &&
		       task_start(&s, j, i) <= now)
			write_event(j, i, "start", 0, 0), started++;
		while (ended < started && task_of(&s, ended, &j, &i) &&
		       task_start(&s, j, i) + s.duration <= now)
			write_event(j, i, "end", 0, s.duration), ended++;
		report(started, ended);
		usleep(20000);
	}
	return 0;
}

/* --- measure: a command's own CPU (not its children's) and peak RSS --- */

static long hwm_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* utime and stime (fields 14 and 15) of a zombie not yet reaped. */
static void own_cpu(pid_t pid, double *user, double *sys)
{
	char path[64], buf[4096], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	*user = *sys = -1;
	if (!(f = fopen(path, "r")))
		return;
	if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')) &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2) {
		*user = (double)ut / (double)sysconf(_SC_CLK_TCK);
		*sys = (double)st / (double)sysconf(_SC_CLK_TCK);
	}
	fclose(f);
}

static int measure(int argc, char **argv)
{
	pid_t pid;
	siginfo_t info;
	long peak = 0, kb;
	double user, sys;
	int status;
	FILE *out;

	if (argc < 4)
		return 2;
	if ((pid = fork()) == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	for (;;) {
		memset(&info, 0, sizeof info);
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT | WNOHANG) == 0 && info.si_pid)
			break;
		if ((kb = hwm_kb(pid)) > peak)
			peak = kb;
		usleep(100000);
	}
	own_cpu(pid, &user, &sys);
	waitpid(pid, &status, 0);
	if (!(out = fopen(argv[2], "w")))
		return 2;
	fprintf(out, "%d %.2f %.2f %ld %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128,
		user, sys, peak, (int)pid);
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!strcmp(name, "sbatch"))
		return sbatch(argc, argv);
	if (!strcmp(name, "squeue"))
		return squeue(argc, argv);
	if (!strcmp(name, "sacct"))
		return sacct(argc, argv);
	if (!strcmp(name, "scontrol"))
		return scontrol(argc, argv);
	if (!strcmp(name, "scancel"))
		return 0;
	if (argc >= 3 && !strcmp(argv[1], "writer"))
		return writer(strtol(argv[2], NULL, 10));
	if (argc >= 2 && !strcmp(argv[1], "measure"))
		return measure(argc, argv);
	fprintf(stderr, "usage: slurm_sim writer N | slurm_sim measure OUT CMD...\n");
	return 2;
}
