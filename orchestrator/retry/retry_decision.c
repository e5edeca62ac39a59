/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deciding about one failed attempt (see retry_decision.h). */
#include "retry/retry_decision.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

#define MINUTE 60u

/* A doubled request of 2^63 bytes is no request anyone can get. */
#define HUGE_VALUE ((uint64_t)1 << 62)

/* x rounded up to a multiple of unit (unit > 0), saturating. */
static uint64_t round_up(uint64_t x, uint64_t unit)
{
	return x > HUGE_VALUE ? HUGE_VALUE : (x + unit - 1) / unit * unit;
}

/* value x factor, saturating (factor >= 1 by the config's rules). */
static uint64_t scaled(uint64_t value, double factor)
{
	double product = (double)value * factor;

	return product >= (double)HUGE_VALUE ? HUGE_VALUE : (uint64_t)product +
	       ((double)(uint64_t)product < product);
}

/* Gives up, the reason "<class>: " and then fmt. */
__attribute__((format(printf, 2, 3)))
static void give_up(struct retry_decision *d, const char *fmt, ...)
{
	int n = snprintf(d->reason, sizeof d->reason, "%s: ",
			 failure_class_name(d->failure_class));
	va_list ap;

	d->action = RETRY_GIVE_UP;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof d->reason)
		vsnprintf(d->reason + n, sizeof d->reason - (size_t)n, fmt, ap);
	va_end(ap);
}

/* "64G", for reasons and summaries. */
static const char *size_text(uint64_t bytes, char *buf, size_t len)
{
	units_format_size(bytes, buf, len);
	return buf;
}

/* The next memory: min(cap, max(request x factor, peak x 1.25)), whole MiB. */
static void escalate_memory(const struct retry_input *in, const struct retry_policy *p,
			    struct retry_decision *d)
{
	uint64_t request = in->resources.memory_bytes, cap = p->memory_cap_bytes, next;
	uint64_t peak = in->max_rss_bytes > 0 ? (uint64_t)in->max_rss_bytes : 0;
	char a[32];

	if (in->sampled_peak_bytes > 0 && (uint64_t)in->sampled_peak_bytes > peak)
		peak = (uint64_t)in->sampled_peak_bytes;  /* what the kernel counted, cache too */
	if (cap && request >= cap) {
		give_up(d, "memory cap %s reached", size_text(cap, a, sizeof a));
		return;
	}
	if (!request && !peak) {
		give_up(d, "no memory request and no measured peak to grow from");
		return;
	}
	next = scaled(request, p->memory_factor);
	if (scaled(peak, RETRY_OOM_PEAK_MARGIN) > next)
		next = scaled(peak, RETRY_OOM_PEAK_MARGIN);
	next = round_up(next, UNITS_MIB);
	if (cap && next > cap)
		next = cap;
	if (next <= request) {
		give_up(d, "memory would not grow beyond %s with memory_factor %g",
			size_text(request, a, sizeof a), p->memory_factor);
	} else {
		d->resources.memory_bytes = next;
	}
}

/* The walltime the attempt ran under: requested, else what Slurm applied,
 * else the time it ran (a timeout ends at the limit), in whole minutes. */
static uint64_t walltime_in_force(const struct retry_input *in)
{
	if (in->resources.walltime_s)
		return in->resources.walltime_s;
	if (in->time_limit_s > 0)
		return (uint64_t)in->time_limit_s;
	if (in->elapsed_s < 1 || in->elapsed_s >= (double)HUGE_VALUE)
		return 0;
	return round_up((uint64_t)in->elapsed_s, MINUTE);
}

/* The next walltime: walltime x factor in whole minutes, up to the cap. */
static void escalate_walltime(const struct retry_input *in, const struct retry_policy *p,
			      struct retry_decision *d)
{
	uint64_t now = walltime_in_force(in), cap = p->walltime_cap_s, next;
	char a[32];

	if (!now) {
		give_up(d, "no walltime known to grow from");
		return;
	}
	if (cap && now >= cap) {
		give_up(d, "walltime cap %s reached", retry_span_text(cap, a, sizeof a));
		return;
	}
	next = round_up(scaled(now, p->walltime_factor), MINUTE);
	if (cap && next > cap)
		next = cap;
	if (next <= now) {
		give_up(d, "walltime would not grow beyond %s with walltime_factor %g",
			retry_span_text(now, a, sizeof a), p->walltime_factor);
	} else {
		d->resources.walltime_s = next;
	}
}

/* Appends ",item" (no comma first) to list; false when it does not fit. */
static bool list_append(char *list, size_t size, size_t *used, const char *item)
{
	int n = snprintf(list + *used, size - *used, "%s%s", *used ? "," : "", item);

	if (n < 0 || (size_t)n >= size - *used)
		return false;
	*used += (size_t)n;
	return true;
}

/* Adds node to the sorted, comma-separated list (left as it was when full). */
static void exclude_add(char *list, size_t size, const char *node)
{
	char merged[RETRY_EXCLUDE_SIZE], copy[RETRY_EXCLUDE_SIZE], *saveptr = NULL, *item;
	bool placed = false, fits = true;
	size_t used = 0;

	merged[0] = '\0';
	snprintf(copy, sizeof copy, "%s", list);
	for (item = strtok_r(copy, ",", &saveptr); fits && item;
	     item = strtok_r(NULL, ",", &saveptr)) {
		if (strcmp(node, item) == 0)
			return;
		if (!placed && strcmp(node, item) < 0)
			placed = fits = list_append(merged, sizeof merged, &used, node);
		fits = fits && list_append(merged, sizeof merged, &used, item);
	}
	if (fits && !placed)
		fits = list_append(merged, sizeof merged, &used, node);
	if (fits && used < size)
		memcpy(list, merged, used + 1);
}

/* True when the comma-separated list holds node. */
static bool list_has(const char *list, const char *node)
{
	size_t len = strlen(node);

	for (const char *at = list; *at; at += strcspn(at, ",") + (at[strcspn(at, ",")] != '\0'))
		if (strncmp(at, node, len) == 0 && (at[len] == ',' || at[len] == '\0'))
			return true;
	return false;
}

/* True when some node of nodes ("n1,n2") is not in the list excluded. */
static bool node_left(const char *nodes, const char *excluded)
{
	char *copy = strdup(nodes), *saveptr = NULL;
	bool left = !copy;  /* out of memory: exclude as before */

	for (char *node = copy ? strtok_r(copy, ",", &saveptr) : NULL; node && !left;
	     node = strtok_r(NULL, ",", &saveptr))
		left = !list_has(excluded, node);
	free(copy);
	return left;
}

/* node_fail: the failed node joins the excluded ones, unless no node of the
 * partition would be left to run the retry on. */
static void exclude_failed_node(const struct retry_input *in, struct retry_decision *d)
{
	char next[RETRY_EXCLUDE_SIZE];

	memcpy(next, d->exclude, sizeof next);
	exclude_add(next, sizeof next, in->node);
	if (in->partition_nodes && !node_left(in->partition_nodes, next)) {
		snprintf(d->note, sizeof d->note, "%s not excluded: partition %s would have "
			 "no node left", in->node, in->partition ? in->partition : "(default)");
		return;
	}
	memcpy(d->exclude, next, sizeof next);
}

/* True when the class fails fast: the program or its inputs are wrong. */
static bool hopeless(enum failure_class class)
{
	return class == FAILURE_INPUT_ERROR || class == FAILURE_DEPENDENCY_ERROR;
}

/* Gives up when the class has had its attempts; true when it did. */
static bool attempts_spent(const struct retry_policy *p, struct retry_decision *d)
{
	if (!p->max_attempts || d->class_failures < p->max_attempts)
		return false;
	if (p->max_attempts == 1 && hopeless(d->failure_class))
		give_up(d, "retrying cannot help");
	else if (p->max_attempts == 1)
		give_up(d, "not retried (max_attempts 1)");
	else
		give_up(d, "max_attempts %u reached", p->max_attempts);
	return true;
}

/* Member by member, so the padding stays as memset left it: a decision
 * kept in memory compares byte for byte with one read back from its file. */
static void copy_resources(struct resources *to, const struct resources *from)
{
	to->cpus = from->cpus;
	to->memory_bytes = from->memory_bytes;
	to->walltime_s = from->walltime_s;
}

/* What the failed attempt carries over to the decision. */
static void start(const struct retry_input *in, const struct retry_policy *p,
		  struct retry_decision *d)
{
	memset(d, 0, sizeof *d);
	d->action = RETRY_RESUBMIT;
	d->component = in->component;
	d->index = in->index;
	d->failure_class = in->failure_class;
	d->attempt = in->attempt;
	d->class_failures = in->class_failures ? in->class_failures : 1;
	d->max_attempts = p->max_attempts;
	copy_resources(&d->previous, &in->resources);
	copy_resources(&d->resources, &in->resources);
	if (in->excluded)
		snprintf(d->exclude, sizeof d->exclude, "%s", in->excluded);
}

/* The action, and for a resubmission its resources and excluded nodes. */
static void choose(const struct retry_input *in, const struct retry_policy *policy,
		   struct retry_decision *out)
{
	start(in, policy, out);
	if (in->requeued_by_slurm && in->failure_class == FAILURE_PREEMPTED) {
		out->action = RETRY_FOLLOW;
		snprintf(out->reason, sizeof out->reason,
			 "Slurm requeued it by itself; the same attempt goes on");
		return;
	}
	if (attempts_spent(policy, out))
		return;
	if (in->failure_class == FAILURE_OOM)
		escalate_memory(in, policy, out);
	else if (in->failure_class == FAILURE_TIMEOUT)
		escalate_walltime(in, policy, out);
	else if (in->failure_class == FAILURE_NODE_FAIL && in->node && in->node[0])
		exclude_failed_node(in, out);
}

void retry_decide(const struct retry_input *in, const struct retry_policy *policy,
		  const struct retry_random *random, time_t now, struct retry_decision *out)
{
	choose(in, policy, out);
	if (out->action != RETRY_RESUBMIT) {
		/* as details.retry has it: no next attempt, so nothing it runs with */
		memset(&out->resources, 0, sizeof out->resources);
		out->exclude[0] = '\0';
		return;
	}
	out->next_attempt = in->attempt + 1;
	out->delay_s = retry_backoff_s(&policy->backoff, out->class_failures,
				       random ? random->next(random->ctx) : 0.5);
	out->not_before = (int64_t)now + (int64_t)out->delay_s;
}
