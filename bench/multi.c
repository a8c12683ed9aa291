/* SPDX-License-Identifier: Apache-2.0 */
/*
 * multi P T K: P processes of T threads each, every thread making K
 * getppid() calls, all under the filter (and supervisor) this program runs
 * under.  Prints {"calls":..., "seconds":..., "calls_per_s":...}.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long k;

static void *loop(void *arg)
{
	(void)arg;
	for (long i = 0; i < k; i++)
		syscall(SYS_getppid);
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long p, t;
	double a, b;

	if (argc != 4)
		return 2;
	p = strtol(argv[1], NULL, 10);
	t = strtol(argv[2], NULL, 10);
	k = strtol(argv[3], NULL, 10);
	if (p <= 0 || t <= 0 || t > 64 || k <= 0)
		return 2;
	a = now();
	for (long i = 0; i < p; i++) {
		if (fork() == 0) {
			pthread_t th[64];

			for (long j = 0; j < t; j++)
				if (pthread_create(&th[j], NULL, loop, NULL) != 0)
					_exit(1);
			for (long j = 0; j < t; j++)
				pthread_join(th[j], NULL);
			_exit(0);
		}
	}
	for (long i = 0; i < p; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	}
	b = now();
	printf("{\"calls\":%ld,\"seconds\":%.6f,\"calls_per_s\":%.0f}\n", p * t * k, b - a,
	       (double)(p * t * k) / (b - a));
	return 0;
}
