/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
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

/* Our own user namespace, which does not change: read once. */
static struct stat our_userns;
static bool our_userns_ok;
static pthread_once_t our_userns_once = PTHREAD_ONCE_INIT;

static void read_our_userns(void)
{
	our_userns_ok = stat("/proc/self/ns/user", &our_userns) == 0;
}

/* Whether the task of @dirfd (its /proc/TID) is in our user namespace. */
static bool same_userns(int dirfd)
{
	struct stat theirs;

	pthread_once(&our_userns_once, read_our_userns);
	if (!our_userns_ok || fstatat(dirfd, "ns/user", &theirs, 0) < 0)
		return false;
	return theirs.st_dev == our_userns.st_dev && theirs.st_ino == our_userns.st_ino;
}

/*
 * What the calling thread of the supervisor is, read once per thread: the
 * threads that call these functions never change their own identity (a
 * thread that takes a caller's is another one, caller_enter()), and the
 * umask is read from /proc, not by setting it (which would race with
 * other threads).  Its /proc/thread-self/fd stays open.  Freed with the
 * thread.
 */
#define STATUS_FDS  8
#define PLACE_MARKS 16

struct self_id {
	uid_t euid;
	gid_t egid;
	uint64_t caps;
	gid_t groups[CALLER_GROUPS_MAX];
	int n_groups; /* -1: unknown (never "us") */
	mode_t umask;
	bool umask_ok;
	int procfd;
	/* its capability sets as capget(2) gives them: what a switch into a
	 * caller's identity and back passes to capset(2) */
	struct __user_cap_data_struct capdata[2];
	bool capdata_ok;
	/* its root: a caller whose root is this very directory on this very
	 * mount (so in our mount namespace too: a mount is in one) resolves
	 * paths as we do */
	struct statx root;
	bool root_ok;
	/* the callers' /proc/TID and its status, kept open: read again */
	struct status_fd {
		pid_t tid; /* 0: empty */
		int dir, fd;
		/* where its task is, as read in generation place_gen of
		 * this thread (0: nothing kept): its root is ours, and
		 * whether its user namespace is (-1: not read) */
		uint64_t place_gen;
		int8_t userns_same;
		/* what its status said in that generation, where every call
		 * that changes it is seen too (creds_watched); and its
		 * /proc/TID/comm, kept open to check that very task lives (a
		 * read of it, far cheaper than one of status, fails once it
		 * is gone: status_read()) */
		bool creds_kept;
		uint64_t creds_seq; /* the notification that kept them */
		int comm;	    /* -1: not open */
		struct caller creds;
	} status[STATUS_FDS];
	/*
	 * caller_place_watch(): every call that can change a caller's root or
	 * user namespace is notified to this thread (run's filter), so what
	 * was read of them is kept until one is (caller_place_changing()),
	 * and not while one is in flight (place_marks).
	 */
	bool place_watched;
	bool creds_watched;
	/* the thread whose kept task was found alive for the notification
	 * in hand (caller_lives()), 0: none */
	pid_t lives;
	uint64_t seq; /* notifications so far (caller_place_notified()) */
	uint64_t place_gen;
	struct place_mark {
		pid_t tid; /* 0: free */
		uint64_t id;
	} place_marks[PLACE_MARKS];
	int n_place_marks;
};

static pthread_key_t self_key;
static pthread_once_t self_key_once = PTHREAD_ONCE_INIT;

static void self_free(void *p)
{
	struct self_id *id = p;

	if (id->procfd >= 0)
		close(id->procfd);
	for (int i = 0; i < STATUS_FDS; i++)
		if (id->status[i].tid) {
			close(id->status[i].fd);
			close(id->status[i].dir);
			if (id->status[i].comm >= 0)
				close(id->status[i].comm);
		}
	free(id);
}

static void self_key_make(void)
{
	if (pthread_key_create(&self_key, self_free) != 0)
		abort();
}

#define ROOT_MASK (STATX_INO | STATX_MNT_ID)

static bool root_known(const struct statx *st)
{
	return (st->stx_mask & ROOT_MASK) == ROOT_MASK;
}

static mode_t read_own_umask(bool *ok)
{
	char buf[1024];
	const char *p;
	ssize_t n;
	int fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);

	*ok = false;
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nUmask:");
	if (!p)
		return 0;
	*ok = true;
	return (mode_t)strtoul(p + 7, NULL, 8);
}

static struct self_id *self_id(void)
{
	struct self_id *id;

	pthread_once(&self_key_once, self_key_make);
	id = pthread_getspecific(self_key);
	if (id)
		return id;
	id = calloc(1, sizeof(*id));
	if (!id)
		abort();
	id->euid = geteuid();
	id->egid = getegid();
	id->capdata_ok = caps_get(id->capdata) == 0;
	id->caps = id->capdata_ok
			   ? (uint64_t)id->capdata[1].effective << 32 | id->capdata[0].effective
			   : 0;
	id->n_groups = getgroups(CALLER_GROUPS_MAX, id->groups);
	id->umask = read_own_umask(&id->umask_ok);
	id->procfd = open("/proc/thread-self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	id->root_ok = statx(AT_FDCWD, "/", 0, ROOT_MASK, &id->root) == 0 && root_known(&id->root);
	id->place_gen = 1;
	for (int i = 0; i < STATUS_FDS; i++)
		id->status[i].comm = -1;
	if (pthread_setspecific(self_key, id) != 0)
		abort();
	return id;
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

static void slot_drop(struct status_fd *slot)
{
	slot->place_gen = 0;
	slot->creds_kept = false;
	if (slot->comm >= 0)
		close(slot->comm);
	slot->comm = -1;
	if (!slot->tid)
		return;
	close(slot->fd);
	close(slot->dir);
	slot->tid = 0;
}

/*
 * /proc/@tid/status into @buf; its /proc/@tid directory into *@dir (ours:
 * not to be closed), and whether both were open already into *@kept.
 * Both fds are kept open (a few per thread) and read again: an fd of
 * /proc/TID names the task it was opened on, never one that got the
 * number after it (reads then fail, ESRCH), so a read that succeeds is of
 * the task that holds the number now.  For one kept from an earlier call,
 * that is the one that made this call: it held the number when the
 * notification came, the kept task held it before and holds it now, and
 * two tasks do not hold a number at once.  A failed read drops the fds
 * and opens the number again (*@kept false: whose it is, is then for the
 * notification's check to say).
 */
static ssize_t status_read(pid_t tid, char *buf, size_t size, int *dir, bool *kept)
{
	struct status_fd *slot = &self_id()->status[(unsigned)tid % STATUS_FDS];
	char path[64];
	ssize_t n;

	*kept = false;
	if (slot->tid == tid) {
		n = pread(slot->fd, buf, size, 0);
		if (n > 0) {
			*dir = slot->dir;
			*kept = true;
			return n;
		}
	}
	slot_drop(slot);
	snprintf(path, sizeof(path), "/proc/%d", (int)tid);
	slot->dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (slot->dir < 0)
		return -errno;
	slot->fd = openat(slot->dir, "status", O_RDONLY | O_CLOEXEC);
	if (slot->fd < 0) {
		int err = -errno;

		close(slot->dir);
		return err;
	}
	slot->tid = tid;
	n = pread(slot->fd, buf, size, 0);
	if (n <= 0) {
		int err = n < 0 ? -errno : -ESRCH;

		slot_drop(slot);
		return err;
	}
	*dir = slot->dir;
	return n;
}

static int read_status(pid_t tid, struct caller *c, int *dir)
{
	char buf[4096];
	const char *p;
	unsigned long v[4];
	ssize_t n;

	n = status_read(tid, buf, sizeof(buf) - 1, dir, &c->pinned);
	if (n < 0)
		return (int)n;
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

/*
 * A caller's credentials and umask, kept (with where it is) from the call
 * of this generation that read them: @c, when they are kept for the task
 * of @slot, by a notification before this one, and that task, the one
 * whose number is @tid, lives (a read of its comm fd: it held the number
 * before this notification came and holds it now, so the call is its
 * own).
 */
static bool creds_kept(struct self_id *self, struct status_fd *slot, pid_t tid, struct caller *c)
{
	char buf[64];

	/* kept by an earlier notification: its task held the number before
	 * this one came */
	if (slot->tid != tid || !slot->creds_kept || slot->place_gen != self->place_gen ||
	    slot->creds_seq == self->seq)
		return false;
	if (self->lives != tid && pread(slot->comm, buf, sizeof(buf), 0) <= 0) {
		slot_drop(slot);
		return false;
	}
	*c = slot->creds;
	c->pinned = true;
	self->lives = tid;
	return true;
}

bool caller_lives(pid_t tid)
{
	struct self_id *self = self_id();
	struct caller c;

	return self->place_watched && self->n_place_marks == 0 &&
	       creds_kept(self, &self->status[(unsigned)tid % STATUS_FDS], tid, &c);
}

/* @c, read through the fds of @slot in this generation (not chrooted:
 * it has no root fd), kept where changes of credentials are seen. */
static void creds_keep(struct self_id *self, struct status_fd *slot, const struct caller *c)
{
	if (!self->creds_watched || slot->tid != c->tid)
		return;
	if (slot->comm < 0)
		slot->comm = openat(slot->dir, "comm", O_RDONLY | O_CLOEXEC);
	if (slot->comm < 0)
		return;
	slot->creds = *c;
	slot->creds.rootfd = -1;
	slot->creds_kept = true;
	slot->creds_seq = self->seq;
}

int caller_read(pid_t tid, struct caller *c)
{
	struct self_id *self = self_id();
	struct status_fd *slot;
	struct statx root;
	bool keep;
	int r, dir = -1;

	c->tid = tid;
	c->rootfd = -1;
	c->pinned = false;
	slot = &self->status[(unsigned)tid % STATUS_FDS];
	keep = self->place_watched && self->n_place_marks == 0;
	if (keep && creds_kept(self, slot, tid, c))
		return 0;
	r = read_status(tid, c, &dir);
	if (r < 0)
		return r;
	/* all that follows through the task's own /proc/TID (status_read()) */
	if (keep && slot->place_gen == self->place_gen) {
		/* its root is ours, as it was; its user namespace read once
		 * it mattered */
		if (c->cap_eff != 0 && slot->userns_same < 0)
			slot->userns_same = same_userns(dir);
		c->foreign_userns = c->cap_eff != 0 && !slot->userns_same;
		c->chrooted = false;
		creds_keep(self, slot, c);
		return 0;
	}
	/* Capabilities count in our user namespace only; with none, where
	 * it is does not matter (caps_of() is 0 either way). */
	c->foreign_userns = c->cap_eff != 0 && !same_userns(dir);
	if (statx(dir, "root", 0, ROOT_MASK, &root) < 0)
		return -errno;
	/* A caller whose root is ours (the same directory of the same
	 * mount, hence our mount namespace) sees the files as we do; any
	 * other (a chroot, a container's root, another mount namespace's
	 * copy of ours) is taken as its own root directory. */
	c->chrooted = !self->root_ok || !root_known(&root) ||
		      root.stx_mnt_id != self->root.stx_mnt_id ||
		      root.stx_ino != self->root.stx_ino ||
		      root.stx_dev_major != self->root.stx_dev_major ||
		      root.stx_dev_minor != self->root.stx_dev_minor;
	if (!c->chrooted) {
		if (keep) {
			slot->place_gen = self->place_gen;
			slot->userns_same = c->cap_eff != 0 ? !c->foreign_userns : -1;
			creds_keep(self, slot, c);
		}
		return 0; /* no root to take: ours */
	}
	c->rootfd = openat(dir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return c->rootfd < 0 ? -errno : 0;
}

/*
 * Where a caller is: what was read of its root and user namespace is kept
 * (with the status fds of its thread, so of that very task) while no call
 * that changes them has been seen.  Those calls are chroot, pivot_root,
 * setns and unshare; a root is a struct fs that threads and processes
 * made with CLONE_FS share, and pivot_root moves every root of a mount
 * namespace, so one such call, by any caller, forgets what was kept of
 * all (a new generation).  It runs once continued, and is over when its
 * caller calls again, or is gone: until then nothing read is kept (what
 * was, was of the generation before).  The calls are made by the tasks under
 * the filter (a task that shares a struct fs with one was made by it);
 * a pivot_root outside, in our own mount namespace, needs the host's
 * CAP_SYS_ADMIN and moves our own root too.
 *
 * Who a caller is to the kernel, its credentials and umask, is kept alike
 * (creds_watched) while no exec, setuid or capset family call or umask
 * has been seen: a task's credentials change only by its own calls (an
 * exec of a set-user-ID or file-capability program, a change of user
 * namespace, the setuid and capset families), its umask by a umask of a
 * task that shares its struct fs.  A call kept is checked to be its
 * thread's by a read of the thread's kept comm fd (creds_kept()), in
 * place of one of its status.  No call of a task under the filter escapes
 * being seen: a filter that the task adds returns USER_NOTIF, if at all,
 * to a listener of its own, and the kernel gives a task none while one of
 * its filters has ours (EBUSY; emustale.sh own_listener).
 */
void caller_place_watch(bool creds)
{
	struct self_id *self = self_id();

	self->place_watched = true;
	self->creds_watched = creds;
}

static void place_new_generation(struct self_id *self)
{
	self->place_gen++;
}

void caller_place_changing(pid_t tid, uint64_t id)
{
	struct self_id *self = self_id();

	if (!self->place_watched)
		return;
	place_new_generation(self);
	for (int i = 0; i < PLACE_MARKS; i++) {
		if (!self->place_marks[i].tid) {
			self->place_marks[i] = (struct place_mark){ .tid = tid, .id = id };
			self->n_place_marks++;
			return;
		}
	}
	/* more in flight at once than marks: read at every call, for good */
	self->place_watched = false;
}

void caller_place_notified(pid_t tid, uint64_t id)
{
	struct self_id *self = self_id();

	self->lives = 0; /* a new notification */
	self->seq++;
	/* (once not watched, marks no longer matter) */
	if (self->n_place_marks == 0 || !self->place_watched)
		return;
	for (int i = 0; i < PLACE_MARKS; i++) {
		struct place_mark *m = &self->place_marks[i];

		if (!m->tid)
			continue;
		/* its caller calls again (or its number is another's by
		 * now), or is gone: the call is over */
		if ((m->tid == tid && m->id != id) || (kill(m->tid, 0) < 0 && errno == ESRCH)) {
			*m = (struct place_mark){ 0 };
			self->n_place_marks--;
		}
	}
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
	const struct self_id *self = self_id();

	if (c->chrooted || c->foreign_userns || c->fsuid != self->euid || c->fsgid != self->egid)
		return false;
	if (self->caps != caps_of(c) || self->n_groups != c->n_groups)
		return false;
	for (int i = 0; i < c->n_groups; i++)
		if (self->groups[i] != c->groups[i])
			return false;
	return !creates || (self->umask_ok && self->umask == c->umask);
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

/* Our effective capabilities made @want (as far as our permitted set
 * goes), from the sets read once: one capset(2), which is per thread. */
static int caps_to(const struct self_id *self, uint64_t want)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { self->capdata[0], self->capdata[1] };

	data[0].effective = data[0].permitted & (uint32_t)want;
	data[1].effective = data[1].permitted & (uint32_t)(want >> 32);
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

/*
 * Whether @c can be taken in the calling thread itself, for the time of
 * one call (switch_in() ... switch_out()), rather than in a new thread:
 * its root is ours (a chroot would be the whole process's: our struct fs
 * is shared), the umask is ours where it counts, and we are root with our
 * sets known.  The functions run so never change the cwd (those that do
 * ask for a thread of their own).
 */
static bool switchable(const struct self_id *self, const struct caller *c, bool creates)
{
	if (c->chrooted || self->euid != 0 || !self->capdata_ok || self->n_groups < 0)
		return false;
	if (self->procfd < 0)
		return false;
	return !creates || (self->umask_ok && self->umask == c->umask);
}

static bool groups_same(const gid_t *a, int na, const gid_t *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * Our own identity back, before anything else runs in this thread: the
 * capabilities first (the calls after them need CAP_SETUID, CAP_SETGID),
 * then fsuid (which gives the file capabilities back), fsgid and groups.
 * A thread that cannot be made ours again must not go on serving: abort.
 */
static void switch_out(const struct self_id *self, bool groups)
{
	if (caps_to(self, self->caps) < 0)
		abort();
	syscall(SYS_setfsuid, self->euid);
	syscall(SYS_setfsgid, self->egid);
	if ((uid_t)syscall(SYS_setfsuid, -1) != self->euid ||
	    (gid_t)syscall(SYS_setfsgid, -1) != self->egid)
		abort();
	if (groups && syscall(SYS_setgroups, self->n_groups, self->groups) < 0)
		abort();
}

/* @c's fs credentials and capabilities into the calling thread, with the
 * raw calls: glibc's setfsuid() and setgroups() would change every thread.
 * Returns 0, or -errno with our own identity back. */
static int switch_in(const struct self_id *self, const struct caller *c, bool *groups)
{
	int err;

	*groups = !groups_same(self->groups, self->n_groups, c->groups, c->n_groups);
	if (*groups && syscall(SYS_setgroups, c->n_groups, c->groups) < 0) {
		err = -errno;
		*groups = false;
		return err;
	}
	syscall(SYS_setfsgid, c->fsgid);
	syscall(SYS_setfsuid, c->fsuid);
	if ((gid_t)syscall(SYS_setfsgid, -1) != c->fsgid ||
	    (uid_t)syscall(SYS_setfsuid, -1) != c->fsuid) {
		switch_out(self, *groups);
		return -EPERM;
	}
	/* last: the calls above need capabilities the caller may lack */
	err = caps_to(self, caps_of(c));
	if (err < 0)
		switch_out(self, *groups);
	return err;
}

int caller_run(const struct caller *c, bool creates, bool own_thread,
	       void (*fn)(void *arg, int procfd), void *arg)
{
	struct job j = { .c = c, .fn = fn, .arg = arg };
	const struct self_id *self = self_id();
	pthread_t t;
	bool groups;
	int r;

	if (!own_thread && caller_is_us(c, creates)) {
		if (self->procfd < 0)
			return -EACCES;
		fn(arg, self->procfd);
		return 0;
	}
	if (!own_thread && switchable(self, c, creates)) {
		/* in this thread, for the call only: no thread made per call */
		r = switch_in(self, c, &groups);
		if (r < 0)
			return r;
		fn(arg, self->procfd);
		switch_out(self, groups);
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
	char buf[512];
	const char *p;
	pid_t tgid = -1;
	int dir;
	bool kept;
	ssize_t n;

	/* the status fd kept open (status_read()): its Tgid line is near the top */
	n = status_read(tid, buf, sizeof(buf) - 1, &dir, &kept);
	if (n < 0)
		return gone_or((int)-n);
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
	if (c->rootfd < 0)
		return 0; /* not chrooted: no root to hold */
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
