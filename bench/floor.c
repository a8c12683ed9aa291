/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's floor for a seccomp user-notification round trip: a target
 * whose filter notifies getppid(2), and the barest supervisor there is, a
 * blocking RECV/SEND loop with no policy and no log.
 *
 *   floor [--sync-wake-up] [--errno] [--epoll] N
 *
 * The target times each of N getppid() calls (CLOCK_MONOTONIC, vDSO: no
 * syscall of its own) and the supervisor counts its own CPU time.  Prints
 * one JSON object: per-call latency percentiles in nanoseconds, and the
 * supervisor's CPU time per notification.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static int load_filter(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			    &prog);
}

static int send_fd(int sock, int fd)
{
	char c = 0, buf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)
	};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c, buf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)
	};
	struct cmsghdr *h;
	int fd;

	if (recvmsg(sock, &m, 0) != 1 || !(h = CMSG_FIRSTHDR(&m)))
		return -1;
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	bool sync_wake = false, deny = false, use_epoll = false;
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	uint64_t *lat, served = 0;
	long n = 0;
	int sv[2], listener, status, ep = -1;
	double cpu0, cpu1;
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sync-wake-up") == 0)
			sync_wake = true;
		else if (strcmp(argv[i], "--errno") == 0)
			deny = true;
		else if (strcmp(argv[i], "--epoll") == 0)
			use_epoll = true;
		else
			n = strtol(argv[i], NULL, 10);
	}
	if (n <= 0) {
		fprintf(stderr, "usage: floor [--sync-wake-up] [--errno] [--epoll] N\n");
		return 2;
	}
	/* shared with the target, which writes its timings there */
	lat = mmap(NULL, (size_t)n * sizeof(*lat), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (lat == MAP_FAILED || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		struct timespec a, b;
		int fd;

		close(sv[0]);
		fd = load_filter();
		if (fd < 0 || send_fd(sv[1], fd) < 0)
			_exit(1);
		close(fd);
		/* wait until the supervisor is there */
		if (read(sv[1], &(char){ 0 }, 1) != 1)
			_exit(1);
		for (long i = 0; i < n; i++) {
			clock_gettime(CLOCK_MONOTONIC, &a);
			syscall(SYS_getppid);
			clock_gettime(CLOCK_MONOTONIC, &b);
			lat[i] = (uint64_t)((b.tv_sec - a.tv_sec) * 1000000000L +
					    (b.tv_nsec - a.tv_nsec));
		}
		_exit(0);
	}
	close(sv[1]);
	listener = recv_fd(sv[0]);
	if (listener < 0)
		return 1;
	if (sync_wake && ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			       SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) < 0) {
		fprintf(stderr, "floor: SYNC_WAKE_UP: %s\n", strerror(errno));
		return 3;
	}
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return 1;
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	if (!req || !resp)
		return 1;
	if (use_epoll) {
		/* what an event loop adds: wait in epoll, then RECV */
		struct epoll_event ev = { .events = EPOLLIN };

		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) < 0)
			return 1;
	}
	if (write(sv[0], "g", 1) != 1)
		return 1;
	cpu0 = cpu_seconds();
	for (;;) {
		struct epoll_event ev;

		if (ep >= 0 && epoll_wait(ep, &ev, 1, -1) < 0 && errno != EINTR)
			break;
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			break; /* the target is gone */
		}
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		if (deny)
			resp->error = -EPERM;
		else
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
		if (++served == (uint64_t)n)
			break;
	}
	cpu1 = cpu_seconds();
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 1;
	stats_print_json(lat, (size_t)n, (cpu1 - cpu0) / (double)n,
			 use_epoll ? (sync_wake ? "floor-epoll-sync" : "floor-epoll")
				   : (sync_wake ? "floor-sync" : "floor"));
	return 0;
}
