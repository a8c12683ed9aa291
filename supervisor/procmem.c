/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "callgate/pathmatch.h"
#include "procmem.h"

#define PAGE 4096u

/* process_vm_readv needs ptrace access, as /proc/PID/mem does; it fails
 * with EPERM where that is denied (Yama, other user), and /proc/PID/mem is
 * the fallback some setups still allow. */
static ssize_t read_chunk(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	char path[64];
	ssize_t n;
	int fd;

	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n >= 0)
		return n;
	if (errno != EPERM && errno != ENOSYS)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)addr);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

ssize_t procmem_read_str(pid_t tid, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	if (addr == 0)
		return -EFAULT;
	while (got < size - 1) {
		/* never cross a page boundary in one read */
		size_t room = PAGE - (size_t)((addr + got) & (PAGE - 1));
		size_t want = size - 1 - got;
		char *nul;
		ssize_t n;

		if (want > room)
			want = room;
		n = read_chunk(tid, addr + got, buf + got, want);
		if (n < 0)
			return n == -EIO ? -EFAULT : n;
		if (n == 0)
			return -EFAULT;
		nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		got += (size_t)n;
		if ((size_t)n < want)
			return -EFAULT; /* a short read: the next page is unmapped */
	}
	buf[size - 1] = '\0';
	return -ENAMETOOLONG;
}

int procmem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read_chunk(tid, addr + got, (char *)buf + got, len - got);

		if (n < 0)
			return n == -EIO ? -EFAULT : (int)n;
		if (n == 0)
			return -EFAULT;
		got += (size_t)n;
	}
	return 0;
}

int procmem_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct iovec local = { .iov_base = (char *)buf + done, .iov_len = len - done };
		struct iovec remote = { .iov_base = (void *)(uintptr_t)(addr + done),
					.iov_len = len - done };
		ssize_t n = process_vm_writev(tid, &local, 1, &remote, 1, 0);

		if (n < 0)
			return errno == ESRCH ? -ESRCH : -EFAULT;
		if (n == 0)
			return -EFAULT;
		done += (size_t)n;
	}
	return 0;
}

static ssize_t read_small_at(int dirfd, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* The Tgid: line of a status file's text. */
static pid_t status_tgid(const char *buf)
{
	const char *p = strstr(buf, "\nTgid:");

	return p ? (pid_t)strtol(p + 6, NULL, 10) : -EIO;
}

pid_t proc_tgid(pid_t tid)
{
	char path[64], buf[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	n = read_small_at(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (pid_t)n;
	return status_tgid(buf);
}

int proc_dir_open(pid_t tid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)tid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The numbers after "@name:\t" in @buf, as many as @v has room for. */
static void status_numbers(const char *buf, const char *name, int64_t *v, size_t n)
{
	const char *p = strstr(buf, name);
	char *end;

	for (size_t i = 0; i < n; i++)
		v[i] = -1;
	if (!p)
		return;
	p += strlen(name);
	for (size_t i = 0; i < n; i++, p = end) {
		long long x = strtoll(p, &end, 10);

		if (end == p)
			return;
		v[i] = x;
	}
}

pid_t proc_describe(int dir, char *comm, size_t size)
{
	return proc_describe_ids(dir, comm, size, NULL);
}

pid_t proc_describe_ids(int dir, char *comm, size_t size, struct proc_ids *ids)
{
	char buf[1024];
	const char *end;
	ssize_t n;
	size_t len;

	n = read_small_at(dir, "status", buf, sizeof(buf));
	if (n < 0)
		return (pid_t)n;
	/* "Name:\t..." comes first; the kernel escapes newlines in it */
	if (strncmp(buf, "Name:\t", 6) != 0 || !(end = strchr(buf + 6, '\n')))
		return -EIO;
	len = (size_t)(end - (buf + 6));
	if (len >= size)
		len = size - 1;
	memcpy(comm, buf + 6, len);
	comm[len] = '\0';
	if (ids) {
		int64_t v[2];

		status_numbers(buf, "\nPPid:", v, 1);
		ids->ppid = (pid_t)v[0];
		status_numbers(buf, "\nUid:", v, 2);
		ids->uid = v[0];
		ids->euid = v[1];
		status_numbers(buf, "\nGid:", v, 2);
		ids->gid = v[0];
		ids->egid = v[1];
	}
	return status_tgid(buf);
}

ssize_t proc_cmdline(int dir, char *buf, size_t size, bool *cut)
{
	_cleanup_close_ int fd = openat(dir, "cmdline", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	char more;

	*cut = false;
	if (fd < 0)
		return -errno;
	while (len < size) {
		ssize_t n = read(fd, buf + len, size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
	}
	*cut = read(fd, &more, 1) == 1;
	return (ssize_t)len;
}

uint64_t proc_start_time(int dir)
{
	_cleanup_close_ int fd = openat(dir, "stat", O_RDONLY | O_CLOEXEC);
	char buf[1024], *p;
	unsigned long long start;
	ssize_t n;

	if (fd < 0)
		return 0;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* after the comm, which may hold anything, ")": field 3 (state) on;
	 * the start time is the 20th of those */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1,
			 " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &start) != 1)
		return 0;
	return start;
}

ssize_t proc_exe(int dir, char *buf, size_t size)
{
	ssize_t n = readlinkat(dir, "exe", buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* The target of /proc/TID/@what, as the supervisor sees it. */
static ssize_t proc_link(pid_t tid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, what);
	n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return n;
}

ssize_t proc_resolve_path(pid_t tid, int dirfd, const char *path, char *out, size_t size)
{
	char root[PATH_MAX], base[PATH_MAX], what[32];
	const char *view = base;
	ssize_t n;
	size_t rlen;
	int r;

	if (path[0] == '/')
		return path_normalize("/", path, out, size); /* in the target's own root */
	if (dirfd == AT_FDCWD)
		snprintf(what, sizeof(what), "cwd");
	else
		snprintf(what, sizeof(what), "fd/%d", dirfd);
	n = proc_link(tid, what, base, sizeof(base));
	if (n < 0)
		return n == -ENOENT ? -EBADF : n;
	if (base[0] != '/') {
		/* a pipe, a socket, an anon inode: named by an empty path
		 * (AT_EMPTY_PATH), it is what the call is about */
		if (path[0] == '\0' && dirfd != AT_FDCWD)
			return snprintf(out, size, "%s", base) < (int)size ? n : -ENAMETOOLONG;
		return -ENOTDIR;
	}
	n = proc_link(tid, "root", root, sizeof(root));
	if (n < 0)
		return n;
	/* as the target sees it: below its root (which is "/" unless chrooted) */
	rlen = strlen(root);
	if (rlen > 1 && strncmp(base, root, rlen) == 0 && (base[rlen] == '/' || !base[rlen]))
		view = base[rlen] ? base + rlen : "/";
	r = path_normalize(view, path, out, size);
	return r;
}

/* @fd's path as we see it, into @out. */
static ssize_t fd_realpath(int fd, char *out, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return out[0] == '/' ? n : -ENOENT;
}

ssize_t proc_real_path(pid_t tid, const char *abs, bool follow, char *out, size_t size)
{
	char root[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(abs, '/');
	size_t rlen;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/root", (int)tid);
	n = readlink(path, root, sizeof(root) - 1);
	if (n < 0)
		return -errno;
	root[n] = '\0';
	rlen = strcmp(root, "/") == 0 ? 0 : (size_t)n;
	/* the whole path, else its directory (a file about to be created) */
	if (snprintf(path, sizeof(path), "/proc/%d/root%s", (int)tid, abs) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd >= 0 && !follow && slash && slash != abs) {
		/* the name itself: its directory resolved, it kept */
		close(fd);
		fd = -1;
	}
	if (fd < 0 && slash && slash != abs) {
		path[strlen(path) - strlen(slash)] = '\0';
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		slash = NULL;
	}
	if (fd < 0)
		return -errno;
	n = fd_realpath(fd, real, sizeof(real));
	close(fd);
	if (n < 0)
		return n;
	if (rlen && (strncmp(real, root, rlen) != 0 || (real[rlen] != '/' && real[rlen])))
		return -EXDEV; /* outside its root: not a path it can name */
	n = snprintf(out, size, "%s%s", real[rlen] ? real + rlen : "/", slash ? slash : "");
	if (n >= (ssize_t)size)
		return -ENAMETOOLONG;
	/* "//x" when the directory is the root */
	if (out[0] == '/' && out[1] == '/')
		memmove(out, out + 1, strlen(out));
	return (ssize_t)strlen(out);
}
