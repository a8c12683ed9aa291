/* SPDX-License-Identifier: Apache-2.0 */
/*
 * killer ROUNDS: each round forks a child that makes notified getpgid(0)
 * calls in a loop and SIGKILLs it after a random moment (0 to 1 ms), so it
 * dies at a random point of a call in the supervisor's hands; then this
 * process's own notified calls must still be answered.  Prints what the
 * supervisor (the parent) holds after the first tenth of the rounds and at
 * the end: "supervisor fds A B rss_kib C D".  Exits 0 when every round's
 * own calls succeeded.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supstat.h"

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	pid_t sup = getppid();
	int fds0 = -1;
	long rss0 = -1;

	srandom((unsigned)getpid());
	for (int i = 0; i < rounds; i++) {
		struct timespec pause = { .tv_nsec = random() % 1000000 };
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return 2;
		if (pid == 0)
			for (;;)
				syscall(SYS_getpgid, 0);
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status))
			return 3;
		for (int k = 0; k < 10; k++)
			if (syscall(SYS_getpgid, 0) < 0)
				return 4;
		if (i == rounds / 10) {
			fds0 = supstat_fds(sup);
			rss0 = supstat_rss_kib(sup);
		}
	}
	printf("supervisor fds %d %d rss_kib %ld %ld\n", fds0, supstat_fds(sup), rss0,
	       supstat_rss_kib(sup));
	return 0;
}
