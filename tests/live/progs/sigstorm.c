/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sigstorm restart|norestart DIR N: a signal every millisecond (SIGURG, a
 * handler, with or without SA_RESTART: the Go runtime preempts its threads
 * so) while the program makes N notified calls of two kinds: getpgid(0),
 * and an emulated open(DIR/fI, O_CREAT | O_EXCL) of a new file each time.
 * Without SA_RESTART a call interrupted before the supervisor took it fails
 * with EINTR and is made again.  The file must be created exactly once: an
 * open that succeeds, then fails with EEXIST when made again, would show
 * an emulated call carried out twice.  Prints "signals S eintr E files F";
 * exits 0 when every call succeeded and DIR holds N files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t signals;

static void on_urg(int sig)
{
	(void)sig;
	signals++;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_urg };
	struct itimerval it = { .it_interval = { 0, 1000 }, .it_value = { 0, 1000 } };
	long n, eintr = 0, files = 0;
	const char *dir;
	struct dirent *de;
	DIR *d;

	if (argc < 4)
		return 2;
	dir = argv[2];
	n = atol(argv[3]);
	sa.sa_flags = strcmp(argv[1], "restart") == 0 ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	/* ITIMER_REAL sends SIGALRM: deliver it as the Go runtime's SIGURG */
	if (sigaction(SIGURG, &sa, NULL) < 0 || sigaction(SIGALRM, &sa, NULL) < 0)
		return 2;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		return 2;
	for (long i = 0; i < n; i++) {
		char path[4096];
		int fd;

		while (syscall(SYS_getpgid, 0) < 0) {
			if (errno != EINTR) {
				perror("getpgid");
				return 1;
			}
			eintr++;
		}
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		while ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
			if (errno != EINTR) {
				fprintf(stderr, "%s: %s (after %ld signals)\n", path, strerror(errno),
					(long)signals);
				return 1;
			}
			eintr++;
		}
		close(fd);
		if (i % 64 == 0)
			kill(getpid(), SIGURG);
	}
	it = (struct itimerval){ 0 };
	setitimer(ITIMER_REAL, &it, NULL);
	d = opendir(dir);
	if (!d)
		return 1;
	while ((de = readdir(d)))
		files += de->d_name[0] == 'f';
	closedir(d);
	printf("signals %ld eintr %ld files %ld\n", (long)signals, eintr, files);
	return files == n ? 0 : 1;
}
