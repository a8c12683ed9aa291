/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caller.h"

/* Our effective capabilities, as a 64-bit mask. */
static int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &hdr, data) < 0 ? -errno : 0;
}

static uint64_t caps_effective(void)
{
	struct __user_cap_data_struct data[2] = { 0 };

	if (caps_get(data) < 0)
		return 0;
	return (uint64_t)data[1].effective << 32 | data[0].effective;
}

/* The calling thread's effective set made @want, as far as its permitted
 * set goes (setfsuid() may have dropped some that the caller has). */
static int caps_set_effective(uint64_t want)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };
	int r = caps_get(data);

	if (r < 0)
		return r;
	data[0].effective = data[0].permitted & (uint32_t)want;
	data[1].effective = data[1].permitted & (uint32_t)(want >> 32);
	/* capset(2) is per thread, which is what is wanted here */
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

/* Whether @tid is in our namespace of kind @ns ("user", "mnt"). */
/* Our own namespaces, which do not change: read once. */
static struct stat our_ns[2];
static bool our_ns_ok[2];
static pthread_once_t our_ns_once = PTHREAD_ONCE_INIT;

static void read_our_ns(void)
{
	our_ns_ok[0] = stat("/proc/self/ns/user", &our_ns[0]) == 0;
	our_ns_ok[1] = stat("/proc/self/ns/mnt", &our_ns[1]) == 0;
}

static bool same_ns(pid_t tid, const char *ns)
{
	int i = strcmp(ns, "user") == 0 ? 0 : 1;
	char path[64];
	struct stat theirs;

	pthread_once(&our_ns_once, read_our_ns);
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)tid, ns);
	if (!our_ns_ok[i] || stat(path, &theirs) < 0)
		return false;
	return theirs.st_dev == our_ns[i].st_dev && theirs.st_ino == our_ns[i].st_ino;
}

static bool same_userns(pid_t tid)
{
	return same_ns(tid, "user");
}

/* The last number of a "Name:\tA\tB..." line (the innermost namespace). */
static long last_number(const char *p, long fallback)
{
	long v = fallback;

	for (; *p && *p != '\n'; p++)
		if (*p >= '0' && *p <= '9' && (p[-1] == ' ' || p[-1] == '\t'))
			v = strtol(p, NULL, 10);
	return v;
}

static int read_status(pid_t tid, struct caller *c)
{
	char path[64], buf[4096];
	const char *p;
	unsigned long v[4];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = '\0';
	p = strstr(buf, "\nUmask:");
	c->umask = p ? (mode_t)strtoul(p + 7, NULL, 8) : 022;
	p = strstr(buf, "\nUid:");
	if (!p || sscanf(p + 5, "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4)
		return -EIO;
	c->ruid = (uid_t)v[0];
	c->fsuid = (uid_t)v[3];
	p = strstr(buf, "\nGid:");
	if (!p || sscanf(p + 5, "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4)
		return -EIO;
	c->rgid = (gid_t)v[0];
	c->fsgid = (gid_t)v[3];
	p = strstr(buf, "\nCapEff:");
	if (!p || sscanf(p + 8, "%" SCNx64, &c->cap_eff) != 1)
		return -EIO;
	c->ns_tid = tid;
	c->tgid = (p = strstr(buf, "\nTgid:")) ? (pid_t)strtol(p + 6, NULL, 10) : tid;
	c->ns_tgid = c->tgid;
	if ((p = strstr(buf, "\nNStgid:")))
		c->ns_tgid = (pid_t)last_number(p + 8, c->ns_tgid);
	if ((p = strstr(buf, "\nNSpid:")))
		c->ns_tid = (pid_t)last_number(p + 7, c->ns_tid);
	p = strstr(buf, "\nGroups:");
	c->n_groups = 0;
	if (p) {
		char *end;

		p += 8;
		while (c->n_groups < CALLER_GROUPS_MAX) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			c->groups[c->n_groups++] = (gid_t)g;
			p = end;
		}
	}
	return 0;
}

int caller_read(pid_t tid, struct caller *c)
{
	char link[64], root[8];
	ssize_t n;
	int r;

	c->tid = tid;
	c->rootfd = -1;
	r = read_status(tid, c);
	if (r < 0)
		return r;
	c->foreign_userns = !same_userns(tid);
	snprintf(link, sizeof(link), "/proc/%d/root", (int)tid);
	n = readlink(link, root, sizeof(root));
	if (n < 0)
		return -errno;
	/* A container's root reads "/" from its own mount namespace: only a
	 * caller in ours, whose root is ours, sees the files as we do. */
	c->chrooted = !(n == 1 && root[0] == '/') || !same_ns(tid, "mnt");
	c->rootfd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return c->rootfd < 0 ? -errno : 0;
}

void caller_done(struct caller *c)
{
	if (c->rootfd >= 0)
		close(c->rootfd);
	c->rootfd = -1;
}

static uint64_t caps_of(const struct caller *c)
{
	return c->foreign_userns ? 0 : c->cap_eff;
}

bool caller_is_us(const struct caller *c, bool creates)
{
	gid_t groups[CALLER_GROUPS_MAX];
	int n;
	mode_t mask;

	if (c->chrooted || c->foreign_userns || c->fsuid != geteuid() || c->fsgid != getegid())
		return false;
	if (caps_effective() != caps_of(c))
		return false;
	n = getgroups(CALLER_GROUPS_MAX, groups);
	if (n != c->n_groups)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] != c->groups[i])
			return false;
	if (creates) {
		/* our umask, read without changing it for long */
		mask = umask(0);
		umask(mask);
		if (mask != c->umask)
			return false;
	}
	return true;
}

/* The identity into this thread, which has a struct fs of its own. */
static int assume(const struct caller *c)
{
	if (c->chrooted && (fchdir(c->rootfd) < 0 || chroot(".") < 0))
		return -errno;
	if (chdir("/") < 0)
		return -errno; /* no cwd outside the root: fn sets its own */
	umask(c->umask);
	if (geteuid() == 0) {
		/* the raw calls: glibc's would change every thread */
		if (syscall(SYS_setgroups, c->n_groups, c->groups) < 0)
			return -errno;
		syscall(SYS_setfsgid, c->fsgid);
		syscall(SYS_setfsuid, c->fsuid);
		if ((gid_t)syscall(SYS_setfsgid, -1) != c->fsgid ||
		    (uid_t)syscall(SYS_setfsuid, -1) != c->fsuid)
			return -EPERM;
	} else if (c->fsuid != geteuid() || c->fsgid != getegid()) {
		return -EPERM; /* not ours to take */
	}
	/* last: the calls above need capabilities the caller may lack */
	return caps_set_effective(caps_of(c));
}

struct job {
	const struct caller *c;
	void (*fn)(void *arg, int procfd);
	void *arg;
	int err;
};

int caller_enter(const struct caller *c, int *procfd)
{
	int r;

	/* unshare(CLONE_FS) is per thread: root, cwd and umask become ours
	 * alone to change */
	if (syscall(SYS_unshare, CLONE_FS) < 0)
		return -errno;
	*procfd = open("/proc/thread-self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*procfd < 0)
		return -errno;
	r = assume(c);
	if (r < 0) {
		close(*procfd);
		*procfd = -1;
	}
	return r;
}

static void *thread_main(void *arg)
{
	struct job *j = arg;
	int procfd;

	j->err = caller_enter(j->c, &procfd);
	if (j->err == 0) {
		j->fn(j->arg, procfd);
		close(procfd);
	}
	return NULL;
}

int caller_run(const struct caller *c, bool creates, bool own_thread,
	       void (*fn)(void *arg, int procfd), void *arg)
{
	struct job j = { .c = c, .fn = fn, .arg = arg };
	pthread_t t;
	int r;

	if (!own_thread && caller_is_us(c, creates)) {
		int procfd = open("/proc/thread-self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (procfd < 0)
			return -errno;
		fn(arg, procfd);
		close(procfd);
		return 0;
	}
	r = pthread_create(&t, NULL, thread_main, &j);
	if (r)
		return -r;
	pthread_join(t, NULL);
	return j.err;
}

/* pidfd_getfd() of @tgid's @fd; no path is used (we may be chrooted). */
/* Gone (a pid or /proc entry that no longer exists) versus what else can
 * fail: our own fds or memory, which must not pass for the caller's death. */
static int gone_or(int err)
{
	return err == ESRCH || err == ENOENT ? -ESRCH : -err;
}

static int getfd_by_pid(pid_t tgid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, tgid, 0), got, err;

	if (pidfd < 0)
		return gone_or(errno);
	got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = errno;
	close(pidfd);
	if (got >= 0)
		return got;
	return err == EBADF || err == EPERM ? -err : gone_or(err);
}

int caller_getfd(pid_t tid, int fd)
{
	char path[64], buf[512];
	const char *p;
	pid_t tgid = -1;
	int sfd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	sfd = open(path, O_RDONLY | O_CLOEXEC);
	if (sfd < 0)
		return gone_or(errno);
	n = read(sfd, buf, sizeof(buf) - 1);
	close(sfd);
	if (n > 0) {
		buf[n] = '\0';
		if ((p = strstr(buf, "\nTgid:")))
			tgid = (pid_t)strtol(p + 6, NULL, 10);
	}
	return tgid > 0 ? getfd_by_pid(tgid, fd) : -ESRCH;
}

int caller_copy(const struct caller *c, struct caller *copy)
{
	*copy = *c;
	copy->rootfd = fcntl(c->rootfd, F_DUPFD_CLOEXEC, 3);
	return copy->rootfd < 0 ? -errno : 0;
}

int caller_getfd_as_us(const struct caller *c, int fd)
{
	int r, got;

	/* pidfd_getfd() asks for ptrace rights: ours, for a moment */
	r = caps_set_effective(UINT64_MAX);
	if (r < 0)
		return r;
	got = getfd_by_pid(c->tgid, fd);
	r = caps_set_effective(caps_of(c));
	if (r < 0) {
		if (got >= 0)
			close(got);
		return r;
	}
	return got;
}
