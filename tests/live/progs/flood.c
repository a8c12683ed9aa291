/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flood THREADS CALLS [--kill-parent]: THREADS threads each make CALLS
 * getpgid(0) calls (a syscall the harness itself never makes).  With
 * --kill-parent, SIGTERM goes to the parent (callgate) as the last calls
 * finish, and the flood ignores the forwarded SIGTERM so it still exits 0.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long calls;

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < calls; i++)
		syscall(SYS_getpgid, 0);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads, kill_parent;
	pthread_t *t;
	pid_t parent = getppid();

	if (argc < 3)
		return 2;
	threads = atoi(argv[1]);
	calls = atol(argv[2]);
	kill_parent = argc > 3 && strcmp(argv[3], "--kill-parent") == 0;
	if (kill_parent)
		signal(SIGTERM, SIG_IGN);
	t = calloc((size_t)threads, sizeof(*t));
	if (!t)
		return 2;
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 2;
	for (int i = 0; i < threads; i++) {
		if (kill_parent && i == threads - 1)
			kill(parent, SIGTERM);
		pthread_join(t[i], NULL);
	}
	free(t);
	return 0;
}
