/* SPDX-License-Identifier: Apache-2.0 */
/*
 * killer ROUNDS: each round forks a child that makes notified getpgid(0)
 * calls in a loop and SIGKILLs it after a moment, so it dies while a call
 * is in the supervisor's hands; then this process's own notified calls must
 * still be answered.  Exits 0 when every round's own calls succeeded.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;

	for (int i = 0; i < rounds; i++) {
		struct timespec pause = { .tv_nsec = (i % 10 + 1) * 100000 };
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
	}
	return 0;
}
