/* SPDX-License-Identifier: Apache-2.0 */
/*
 * openloop PATH N: open and close PATH N times, then print how many fds the
 * process has open, then sleep a second (for the caller to count the
 * supervisor's fds).  With --children K: K children do the same in a loop
 * and are SIGKILLed at random moments, mid-emulation.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ., .. and the DIR's own fd */
}

int main(int argc, char **argv)
{
	long n;
	int before, children = 0;

	if (argc < 3)
		return 2;
	n = atol(argv[2]);
	if (argc == 5 && strcmp(argv[3], "--children") == 0)
		children = atoi(argv[4]);
	for (int c = 0; c < children; c++) {
		struct timespec pause = { .tv_nsec = (c % 10 + 1) * 200000 };
		pid_t pid = fork();

		if (pid == 0)
			for (;;)
				close(open(argv[1], O_RDONLY));
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	before = count_fds();
	for (long i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDONLY);

		if (fd < 0)
			return 3;
		close(fd);
	}
	printf("fds before %d after %d\n", before, count_fds());
	if (getenv("OPENLOOP_LIST")) {
		DIR *d = opendir("/proc/self/fd");
		struct dirent *de;
		char path[300], target[256];

		while (d && (de = readdir(d))) {
			ssize_t l;

			snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
			l = readlink(path, target, sizeof(target) - 1);
			if (l > 0) {
				target[l] = 0;
				printf("  %s -> %s\n", de->d_name, target);
			}
		}
		if (d)
			closedir(d);
	}
	fflush(stdout);
	sleep(1);
	return 0;
}
