/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Suggested sizes and times, and how people read them (see diagnose_sizes.h). */
#include "diagnose/diagnose_sizes.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)

uint64_t diagnose_memory_step(uint64_t bytes)
{
	static const uint64_t ladder_mib[] = {
		128, 256, 512, 1024, 2048, 4096, 8192, 12288, 16384, 24576, 32768, 49152,
		65536, 98304, 131072, 196608, 262144, 393216, 524288, 786432, 1048576,
	};

	for (size_t i = 0; i < sizeof ladder_mib / sizeof ladder_mib[0]; i++)
		if (ladder_mib[i] * MIB >= bytes)
			return ladder_mib[i] * MIB;
	return (bytes + GIB - 1) / GIB * GIB;
}

uint64_t diagnose_walltime_step(double seconds)
{
	uint64_t s = seconds <= 0 ? 0 : (uint64_t)seconds + ((double)(uint64_t)seconds < seconds);
	uint64_t steps = (s + DIAGNOSE_WALLTIME_STEP - 1) / DIAGNOSE_WALLTIME_STEP;

	return (steps ? steps : 1) * DIAGNOSE_WALLTIME_STEP;
}

static void swap(float *a, float *b)
{
	float t = *a;

	*a = *b;
	*b = t;
}

/* Puts the k-th smallest of v[0..n) at v[k] (quickselect, Hoare partition
 * around the middle value). */
static void select_kth(float *v, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;

	while (lo < hi) {
		float pivot = v[lo + (hi - lo) / 2];
		ptrdiff_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j)
				swap(&v[i++], &v[j--]);
		}
		if (kk <= j)
			hi = j;
		else if (kk >= i)
			lo = i;
		else
			return;
	}
}

double diagnose_percentile(float *values, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)(p * (double)n);
	rank += (double)rank < p * (double)n;  /* rounded up: nearest rank */
	rank = rank < 1 ? 1 : rank > n ? n : rank;
	select_kth(values, n, rank - 1);
	return values[rank - 1];
}

void diagnose_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTP";
	double v = (double)bytes;
	size_t u = 0;

	double off;

	while (v >= 1024 && u + 1 < sizeof units - 1) {
		v /= 1024;
		u++;
	}
	off = v - (double)(uint64_t)(v + 0.5);  /* how far from a whole number */
	if (u == 0 || v >= 100 || (off > -0.05 && off < 0.05))
		snprintf(buf, len, "%.0f%c", v, units[u]);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
}

void diagnose_format_duration(double seconds, char *buf, size_t len)
{
	uint64_t s = seconds <= 0 ? 0 : (uint64_t)(seconds + 0.5);
	uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;

	if (d)
		snprintf(buf, len, "%llu-%02llu:%02llu:%02llu", (unsigned long long)d,
			 (unsigned long long)h, (unsigned long long)m, (unsigned long long)sec);
	else if (h)
		snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)h,
			 (unsigned long long)m, (unsigned long long)sec);
	else if (m)
		snprintf(buf, len, "%llu:%02llu", (unsigned long long)m, (unsigned long long)sec);
	else
		snprintf(buf, len, "%llus", (unsigned long long)sec);
}
