/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a supervised program does, timed from inside:
 *
 *   target getppid N        N getppid() calls
 *   target access PATH N    N access(PATH, R_OK) calls
 *   target open PATH N      N openat(PATH) + close() pairs (the openat timed)
 *
 * Prints one JSON object (stats.h) with "target_cpu_s", the program's own
 * CPU time, so the caller can tell the supervisor's apart.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *path = argc > 3 ? argv[2] : NULL;
	long n = strtol(argv[argc - 1], NULL, 10);
	struct rusage ru;
	uint64_t *lat;

	if (argc < 3 || n <= 0 || (strcmp(mode, "getppid") != 0 && !path)) {
		fprintf(stderr, "usage: target getppid N | access PATH N | open PATH N\n");
		return 2;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	if (!lat)
		return 1;
	for (long i = 0; i < n; i++) {
		uint64_t a = now_ns();

		if (strcmp(mode, "getppid") == 0) {
			syscall(SYS_getppid);
		} else if (strcmp(mode, "access") == 0) {
			access(path, R_OK);
		} else {
			int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);

			lat[i] = now_ns() - a;
			if (fd < 0) {
				perror(path);
				return 1;
			}
			close(fd);
			continue;
		}
		lat[i] = now_ns() - a;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"target_cpu_s\":%.6f,\"stats\":",
	       (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
		       ru.ru_stime.tv_usec / 1e6);
	fflush(stdout);
	stats_print_json(lat, (size_t)n, -1, mode);
	printf("}\n");
	return 0;
}
