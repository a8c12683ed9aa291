/* SPDX-License-Identifier: Apache-2.0 */
/*
 * adv_magic D: an fd of a forbidden file or directory got without opening
 * it by name through the rules, then opened again through the magic links
 * that lead to it.  D holds ok/hello ("hello"), ok/sl -> D/no/secret,
 * ok/ln -> D/no and no/secret ("forbidden").  Sources of fds: O_PATH
 * through ok/sl (following it, and with O_NOFOLLOW), O_PATH|O_DIRECTORY
 * through ok/ln, fds 7 (D/no/secret) and 8 (D/no) inherited, two fds
 * received on fd 9 (a unix socket: see "launch"), open_tree(D/no) with and
 * without OPEN_TREE_CLONE.  Reopened as /proc/self/fd/N,
 * /proc/thread-self/fd/N, /proc/PID/task/TID/fd/N, /proc/PID/fd/N,
 * /dev/fd/N; a directory also as openat(N, "secret"), .../fd/N/secret,
 * after fchdir(N): "secret" and /proc/self/cwd/secret, and
 * /proc/self/root/D/no/secret.  A breach: "forbidden" read.  The allowed
 * check: the same reopens of fd 5 (D/ok/hello, inherited) and of a
 * directory fd of D/ok read "hello".  Prints "magic-SOURCE breaches N
 * tries M allowed_ok K" per source ("magic-SOURCE unavailable ERRNO" when
 * the source itself is refused) and "breach HOW" for each breach.
 *
 * adv_magic launch FILE DIR -- CMD...: runs CMD with fd 9 one end of a
 * unix socket pair and sends it fds of FILE and DIR (SCM_RIGHTS) from
 * outside; exits with CMD's status.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "adv.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

static const char *D;
static long tries, breaches, allowed;
static int okdir = -1;

/* whether PATH (at DIRFD) opens to FORBIDDEN (1) or HELLO (2) */
static int reopen(int dirfd, const char *path, const char *how)
{
	int fd = openat(dirfd, path, O_RDONLY), c;

	tries++;
	if (fd < 0)
		return 0;
	c = adv_fd_content(fd);
	close(fd);
	if (c == 1) {
		breaches++;
		printf("breach %s (%s)\n", how, path);
	}
	if (c == 2)
		allowed++;
	return c;
}

/* the magic links to fd N; NAME: the file to open below it if a directory */
static void reopen_all(int n, const char *name)
{
	char p[4200];
	const char *sep = name ? "/" : "", *tail = name ? name : "";

	snprintf(p, sizeof(p), "/proc/self/fd/%d%s%s", n, sep, tail);
	reopen(AT_FDCWD, p, "/proc/self/fd");
	snprintf(p, sizeof(p), "/proc/thread-self/fd/%d%s%s", n, sep, tail);
	reopen(AT_FDCWD, p, "/proc/thread-self/fd");
	snprintf(p, sizeof(p), "/proc/%d/task/%ld/fd/%d%s%s", getpid(), (long)gettid(), n, sep,
		 tail);
	reopen(AT_FDCWD, p, "/proc/PID/task/TID/fd");
	snprintf(p, sizeof(p), "/proc/%d/fd/%d%s%s", getpid(), n, sep, tail);
	reopen(AT_FDCWD, p, "/proc/PID/fd");
	snprintf(p, sizeof(p), "/dev/fd/%d%s%s", n, sep, tail);
	reopen(AT_FDCWD, p, "/dev/fd");
	if (!name)
		return;
	reopen(n, name, "openat(dirfd)");
	if (fchdir(n) == 0) {
		reopen(AT_FDCWD, name, "fchdir, relative");
		snprintf(p, sizeof(p), "/proc/self/cwd/%s", name);
		reopen(AT_FDCWD, p, "fchdir, /proc/self/cwd");
		if (okdir >= 0)
			fchdir(okdir);
	}
}

static void source(const char *label, int fd, int is_dir, const char *name)
{
	long b = breaches, t = tries, a = allowed;
	char l[64];

	snprintf(l, sizeof(l), "magic-%s", label);
	if (fd < 0) {
		printf("%s unavailable %s\n", l, strerrorname_np(errno) ?: "?");
		return;
	}
	reopen_all(fd, is_dir ? name : NULL);
	adv_summary(l, breaches - b, tries - t, allowed - a);
	if (fd > 9)
		close(fd);
}

static void recv_fds(int sock, int *fds, int n)
{
	char data, cbuf[CMSG_SPACE(sizeof(int) * 2)];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	for (int i = 0; i < n; i++)
		fds[i] = -1;
	if (recvmsg(sock, &m, 0) < 0)
		return;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)n);
}

static int launch(int argc, char **argv)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 2)];
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	int sv[2], fds[2], status;
	struct cmsghdr *c;
	pid_t pid;

	if (argc < 6 || strcmp(argv[4], "--") != 0)
		return 2;
	fds[0] = open(argv[2], O_RDONLY);
	fds[1] = open(argv[3], O_RDONLY | O_DIRECTORY);
	if (fds[0] < 0 || fds[1] < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 2;
	pid = fork();
	if (pid == 0) {
		dup2(sv[1], 9);
		execvp(argv[5], argv + 5);
		_exit(127);
	}
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	if (sendmsg(sv[0], &m, 0) < 0)
		perror("sendmsg");
	if (waitpid(pid, &status, 0) != pid)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	char p[4200];
	int got[2], fd;

	if (argc >= 2 && strcmp(argv[1], "launch") == 0)
		return launch(argc, argv);
	if (argc != 2)
		return 2;
	D = argv[1];
	snprintf(p, sizeof(p), "%s/ok", D);
	okdir = open(p, O_RDONLY | O_DIRECTORY);
	if (okdir >= 0)
		fchdir(okdir);

	/* the allowed variants: an allowed file and directory */
	source("allowed-inherited-file", fcntl(5, F_GETFD) < 0 ? -1 : 5, 0, NULL);
	source("allowed-dir", open(p, O_RDONLY | O_DIRECTORY), 1, "hello");

	snprintf(p, sizeof(p), "%s/ok/sl", D);
	source("symlink-opath", open(p, O_PATH), 0, NULL);
	source("symlink-opath-nofollow", open(p, O_PATH | O_NOFOLLOW), 0, NULL);
	snprintf(p, sizeof(p), "%s/ok/ln", D);
	source("dirlink-opath", open(p, O_PATH | O_DIRECTORY), 1, "secret");
	errno = EBADF;
	source("inherited-file", fcntl(7, F_GETFD) < 0 ? -1 : 7, 0, NULL);
	errno = EBADF;
	source("inherited-dir", fcntl(8, F_GETFD) < 0 ? -1 : 8, 1, "secret");
	if (fcntl(9, F_GETFD) >= 0) {
		recv_fds(9, got, 2);
		errno = EBADF;
		source("received-file", got[0], 0, NULL);
		errno = EBADF;
		source("received-dir", got[1], 1, "secret");
	} else {
		printf("magic-received-file unavailable no-socket\n");
		printf("magic-received-dir unavailable no-socket\n");
	}
	snprintf(p, sizeof(p), "%s/no", D);
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, p, OPEN_TREE_CLONE);
	source("open-tree-clone", fd, 1, "secret");
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, p, 0);
	source("open-tree", fd, 1, "secret");
	/* the root magic link: the absolute path below /proc/self/root */
	{
		long b = breaches, t = tries;

		snprintf(p, sizeof(p), "/proc/self/root%s/no/secret", D);
		reopen(AT_FDCWD, p, "/proc/self/root");
		adv_summary("magic-proc-root", breaches - b, tries - t, 0);
	}
	return 0;
}
