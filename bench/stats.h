/* SPDX-License-Identifier: Apache-2.0 */
/* Latency percentiles for the benchmark programs (header only). */
#ifndef CALLGATE_BENCH_STATS_H
#define CALLGATE_BENCH_STATS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int stats_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @lat (nanoseconds) and prints one JSON object on stdout. */
static inline void stats_print_json(uint64_t *lat, size_t n, double cpu_per_call, const char *name)
{
	double sum = 0;

	qsort(lat, n, sizeof(*lat), stats_cmp);
	for (size_t i = 0; i < n; i++)
		sum += (double)lat[i];
	printf("{\"name\":\"%s\",\"n\":%zu,\"median_ns\":%llu,\"p99_ns\":%llu,\"mean_ns\":%.0f",
	       name, n, (unsigned long long)lat[n / 2], (unsigned long long)lat[n * 99 / 100],
	       sum / (double)n);
	if (cpu_per_call >= 0)
		printf(",\"cpu_ns_per_call\":%.0f", cpu_per_call * 1e9);
	printf("}\n");
}

#endif
