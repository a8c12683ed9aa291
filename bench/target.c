/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a supervised program does, timed from inside:
 *
 *   target getppid N        N getppid() calls
 *   target open PATH N      N openat(PATH) + close() pairs (the openat timed)
 *   target CALL PATH N      N calls of one path syscall on PATH, timed one by
 *                           one: access, stat, readlink, chmod, utimensat,
 *                           chdir; mkdir and rename (each undone by an
 *                           rmdir / a rename back, not timed)
 *
 * Prints one JSON object (stats.h) with "target_cpu_s", the program's own
 * CPU time, so the caller can tell the supervisor's apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

/* One call of path syscall @mode on @path (@other: a second name). */
static long path_call(const char *mode, const char *path, const char *other)
{
	struct stat st;
	char buf[256];

	if (strcmp(mode, "access") == 0)
		return access(path, R_OK);
	if (strcmp(mode, "stat") == 0)
		return stat(path, &st);
	if (strcmp(mode, "readlink") == 0)
		return readlink(path, buf, sizeof(buf));
	if (strcmp(mode, "chmod") == 0)
		return chmod(path, 0644);
	if (strcmp(mode, "utimensat") == 0)
		return utimensat(AT_FDCWD, path, NULL, 0);
	if (strcmp(mode, "chdir") == 0)
		return chdir(path);
	if (strcmp(mode, "mkdir") == 0)
		return mkdir(path, 0755);
	if (strcmp(mode, "rename") == 0)
		return rename(path, other);
	errno = EINVAL;
	return -1;
}

/* What makes the next call like the first, untimed. */
static void undo(const char *mode, const char *path, const char *other)
{
	if (strcmp(mode, "mkdir") == 0)
		rmdir(path);
	else if (strcmp(mode, "rename") == 0)
		rename(other, path);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *path = argc > 3 ? argv[2] : NULL;
	long n = strtol(argv[argc - 1], NULL, 10);
	struct rusage ru;
	uint64_t *lat;
	char other[4096];

	if (argc < 3 || n <= 0 || (strcmp(mode, "getppid") != 0 && !path)) {
		fprintf(stderr, "usage: target getppid N | CALL PATH N\n");
		return 2;
	}
	if (path)
		snprintf(other, sizeof(other), "%s.2", path);
	lat = calloc((size_t)n, sizeof(*lat));
	if (!lat)
		return 1;
	for (long i = 0; i < n; i++) {
		uint64_t a = now_ns();

		if (strcmp(mode, "getppid") == 0) {
			syscall(SYS_getppid);
		} else if (strcmp(mode, "open") != 0) {
			long r = path_call(mode, path, other);

			lat[i] = now_ns() - a;
			if (r < 0) {
				perror(mode);
				return 1;
			}
			undo(mode, path, other);
			continue;
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
