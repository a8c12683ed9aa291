/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "notif.h"
#include "watchdog.h"

enum {
	WD_PIPE = 3,
	WD_LISTENER = 4
};

static void close_from(int lowfd)
{
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0) == 0)
		return;
	for (long fd = lowfd, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		close((int)fd);
}

/* The watchdog, from fork() to _exit(). */
static void __attribute__((noreturn))
watch(pid_t target, int pipe_rd, int listener, struct notif_bufs *bufs)
{
	sigset_t all;
	char c;
	int null, lo_pipe, lo_listener;

	/* nothing of callgate's: no handler, no blocked signal, no fd but
	 * the two it needs (a pipe it kept open would hold a reader of
	 * callgate's output), no terminal (^C is for callgate and the
	 * target) */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/* out of the way first: either may be 3 or 4 */
	lo_pipe = fcntl(pipe_rd, F_DUPFD, 16);
	lo_listener = fcntl(listener, F_DUPFD, 16);
	if (lo_pipe < 0 || lo_listener < 0 || dup2(lo_pipe, WD_PIPE) < 0 ||
	    dup2(lo_listener, WD_LISTENER) < 0)
		_exit(1);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	close_from(WD_LISTENER + 1);
	setsid();
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);

	/* callgate never writes: EOF is its exit, whatever the cause */
	while (read(WD_PIPE, &c, 1) < 0 && errno == EINTR)
		;
	if (getpgid(target) == target)
		kill(-target, SIGKILL); /* its own process group */
	kill(target, SIGKILL);
	for (;;) {
		struct pollfd p = { .fd = WD_LISTENER, .events = POLLIN };

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (!(p.revents & POLLIN))
			_exit(0); /* no task left under the filter */
		if (notif_recv(WD_LISTENER, bufs) < 0)
			continue; /* gone meanwhile */
		/* the whole thread group, then the answer finds it gone */
		notif_signal_and_fail(WD_LISTENER, bufs->req->id, (pid_t)bufs->req->pid, SIGKILL,
				      ENOSYS);
	}
}

int watchdog_start(pid_t target, int listener)
{
	struct notif_bufs bufs;
	int p[2], r;
	pid_t pid;

	/* allocated here: the watchdog calls nothing that allocates */
	r = notif_bufs_init(&bufs);
	if (r < 0)
		return r;
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = -errno;
		notif_bufs_done(&bufs);
		return r;
	}
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		watch(target, p[0], listener, &bufs);
	}
	r = pid < 0 ? -errno : p[1];
	close(p[0]);
	if (pid < 0)
		close(p[1]);
	notif_bufs_done(&bufs);
	return r;
}
