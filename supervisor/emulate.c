/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "callgate/pathmatch.h"
#include "callgate/record.h"
#include "caller.h"
#include "emulate.h"
#include "procmem.h"

/* What the open and bind helpers report (emulate_call() turns it into a
 * struct emulate_result). */
struct emu_out {
	int err;	     /* 0: done; else the errno the call fails with */
	bool denied;	     /* err is the policy's refusal (else the call's own) */
	int rule;	     /* the rule that decided on what was reached */
	int fd;		     /* open: the fd in the target, when err == 0 */
	bool placing;	     /* err came from placing the fd in the caller (its own limit) */
	char path[PATH_MAX]; /* what was reached, as the target sees it */
	/* open returned 1: a blocking open of a FIFO, allowed, to be waited
	 * for with fd (O_PATH), these flags and this identity */
	bool wait;
	int wait_flags;
	struct caller caller;
};

struct emu {
	/* in */
	const struct plan *plan;
	enum cg_arch arch;
	int nr;
	const uint64_t *args;
	const char *path;   /* our copy of the caller's path */
	char abs[PATH_MAX]; /* it, absolute and normalised as the caller sees it; "" unknown */
	char target_proc[64], target_thread[96]; /* the caller's /proc/PID[/task/TID] */
	char our_proc[64], our_thread[96];	 /* ours, in the thread that opens */
	bool is_openat2;
	struct open_how how;
	int basefd; /* where a relative path starts (-1: absolute path) */
	int procfd; /* the opening thread's /proc/thread-self/fd */
	struct caller caller;
	/* out */
	int fd;
	bool wait; /* fd is the O_PATH fd of a FIFO to wait on */
	int err;
	bool denied; /* err is the policy's answer, not the open's */
	int rule;
	char real[PATH_MAX];
};

/* The errno a denying verdict gives the caller; 0 if it allows. */
static int verdict_errno(const struct plan_verdict *v)
{
	switch (v->action) {
	case POLICY_ACT_ALLOW:
	case POLICY_ACT_LOG: return 0;
	case POLICY_ACT_ERRNO: return v->data ? v->data : EPERM;
	case POLICY_ACT_TRACE: return ENOSYS;
	default: return EPERM; /* kill, trap, an unanswered question: fail closed */
	}
}

/* Our pid, which does not change: asked once. */
static pid_t our_pid(void)
{
	static pid_t pid; /* threads may race to set it: to the same value */
	pid_t p = __atomic_load_n(&pid, __ATOMIC_RELAXED);

	if (!p) {
		p = getpid();
		__atomic_store_n(&pid, p, __ATOMIC_RELAXED);
	}
	return p;
}

/* Decide on @path, the path as the caller sees it. */
/* A refusal of the emulation itself (not a kernel error, not the rule's
 * errno): the path could not be pinned down, so fail closed. */
static void refuse(struct emu *e)
{
	e->err = EACCES;
	e->denied = true;
}

/* Our /proc/PID/task, opened before any thread of ours took a caller's
 * root (emulate_init()); -1: not known, so every /proc/N is refused. */
static int our_tasks = -1;

int emulate_init(void)
{
	int fd;

	if (__atomic_load_n(&our_tasks, __ATOMIC_ACQUIRE) >= 0)
		return 0;
	fd = open("/proc/self/task", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!__atomic_compare_exchange_n(&our_tasks, &(int){ -1 }, fd, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		close(fd);
	return 0;
}

/*
 * Whether @path is under /proc/N where N is a thread of callgate's own
 * (its session threads, the threads of waiting calls, of emulated calls):
 * /proc/TID works for any thread, listed or not, and this thread would
 * pass the kernel's ptrace checks there (same thread group); the caller
 * would not.  Whatever the caller's pid namespace (one made with
 * `unshare -p` still sees the host's /proc) or root: a /proc of other
 * numbers where N happens to be one of ours is refused too (fail closed).
 */
static bool names_our_task(const char *path)
{
	char task[16];
	const char *p = path + 6;
	int fd = __atomic_load_n(&our_tasks, __ATOMIC_ACQUIRE);
	size_t n = 0;

	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	while (p[n] >= '0' && p[n] <= '9' && n < 12)
		n++;
	if (n == 0 || (p[n] != '/' && p[n] != '\0'))
		return false;
	if (fd < 0)
		return true;
	snprintf(task, sizeof(task), "%.*s", (int)n, p);
	return faccessat(fd, task, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool allowed(struct emu *e, const char *path)
{
	struct plan_ptrs ptrs = { .paths = { path }, .n_paths = 1 };
	struct plan_verdict v;

	if (names_our_task(path)) {
		refuse(e); /* the supervisor's own threads: never */
		return false;
	}
	v = plan_eval_ptrs(e->plan, e->arch, e->nr, e->args, &ptrs);
	e->rule = v.rule >= 0 ? v.rule : RECORD_RULE_DEFAULT;
	e->err = verdict_errno(&v);
	e->denied = e->err != 0;
	return e->err == 0;
}

/* What @fd is, as this thread (with the caller's root) sees it. */
static int fd_path(const struct emu *e, int fd, char *buf, size_t size)
{
	char name[16];
	ssize_t n;

	snprintf(name, sizeof(name), "%d", fd);
	n = readlinkat(e->procfd, name, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return buf[0] == '/' ? 0 : -ENOENT; /* "... (deleted)" or not a path */
}

static int open_at(struct emu *e, int dirfd, const char *path, uint64_t flags, uint64_t mode)
{
	if (e->is_openat2) {
		struct open_how how = { .flags = flags, .mode = mode, .resolve = e->how.resolve };

		return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	}
	return openat(dirfd, path, (int)flags, (mode_t)mode);
}

/* If @p is @from or below it, write @to and the rest to @out. */
static bool rewrite_prefix(const char *p, const char *from, const char *to, char *out, size_t size)
{
	size_t n = strlen(from);

	if (!*from || strncmp(p, from, n) != 0 || (p[n] != '/' && p[n] != '\0'))
		return false;
	return (size_t)snprintf(out, size, "%s%s", to, p + n) < size;
}

/*
 * /proc/self and /proc/thread-self name whoever opens them: when the
 * supervisor opens for the caller, they must name the caller.  Also a path
 * that resolved into our own /proc entry (through /dev/fd, say).
 */
static bool rewrite_self(const struct emu *e, const char *p, char *out, size_t size)
{
	return rewrite_prefix(p, "/proc/thread-self", e->target_thread, out, size) ||
	       rewrite_prefix(p, "/proc/self", e->target_proc, out, size) ||
	       rewrite_prefix(p, e->our_thread, e->target_thread, out, size) ||
	       rewrite_prefix(p, e->our_proc, e->target_proc, out, size);
}

/* A directory of a process's /proc entry, whose symlinks are magic (fd/N,
 * cwd, exe): opened through the kernel, never resolved by name. */
static bool proc_pid_dir(const char *dir)
{
	const char *p = dir + 6;

	if (strncmp(dir, "/proc/", 6) != 0 || *p < '0' || *p > '9')
		return false;
	return true;
}

/* Whether @dir/@last is one of the caller's own fds: DIR is its /proc
 * entry's fd directory (its process's or its thread's), LAST a number. */
static bool own_fd(const struct emu *e, const char *dir, const char *last)
{
	char fd_dir[160];

	if (!*last || strspn(last, "0123456789") != strlen(last) || strlen(last) > 9)
		return false;
	snprintf(fd_dir, sizeof(fd_dir), "%s/fd", e->target_proc);
	if (strcmp(dir, fd_dir) == 0)
		return true;
	snprintf(fd_dir, sizeof(fd_dir), "%s/fd", e->target_thread);
	return strcmp(dir, fd_dir) == 0;
}

/* @path's directory part into @dir and its last component into @last (a
 * copy: @path may be rewritten while @last is in use).  -ENAMETOOLONG if
 * the component is longer than NAME_MAX. */
static int split(const char *path, char *dir, size_t size, char last[NAME_MAX + 1])
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t n;

	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	strcpy(last, name);
	if (!slash) {
		snprintf(dir, size, ".");
		return 0;
	}
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1; /* "/name" */
	if (n >= size)
		n = size - 1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

static void do_open(struct emu *e)
{
	uint64_t flags = e->how.flags | O_CLOEXEC, clear = 0;
	char path[PATH_MAX], dir[PATH_MAX], candidate[PATH_MAX], tmp[PATH_MAX], link[PATH_MAX];
	int base = e->basefd >= 0 ? e->basefd : AT_FDCWD;
	char last[NAME_MAX + 1];
	struct stat lst, st;
	bool magic, have_lst = false, have_st;
	_cleanup_close_ int parent = -1, fd = -1, own_dup = -1;

	snprintf(e->our_proc, sizeof(e->our_proc), "/proc/%d", (int)our_pid());
	snprintf(e->our_thread, sizeof(e->our_thread), "/proc/%d/task/%d", (int)our_pid(),
		 (int)gettid());
	snprintf(path, sizeof(path), "%s", e->path);
	if (e->abs[0] && e->caller.ns_tid == e->caller.tid &&
	    rewrite_prefix(e->abs, e->our_proc, "", tmp, sizeof(tmp))) {
		/* The supervisor's own /proc entry, by its number: this
		 * thread would pass the kernel's ptrace checks there (same
		 * thread group), the caller would not; never opened for it. */
		refuse(e);
		return;
	}
	if (e->abs[0] && rewrite_self(e, e->abs, tmp, sizeof(tmp))) {
		snprintf(path, sizeof(path), "%s", tmp);
		base = AT_FDCWD;
	}

	/* Resolve the parent, and symlinks in the last component, step by
	 * step, as the caller would: every step may lead through /proc/self. */
	for (int hops = 0;; hops++) {
		if (hops > 40) {
			e->err = ELOOP; /* as the kernel: too many links */
			return;
		}
		if (split(path, dir, sizeof(dir), last) < 0) {
			e->err = ENAMETOOLONG;
			return;
		}
		if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
			/* a directory by its own name: nothing can be
			 * created, so open it and decide on what it is */
			fd = open_at(e, base, path, flags, e->how.mode);
			if (fd < 0) {
				e->err = errno;
				return;
			}
			candidate[0] = '\0';
			goto verify;
		}
		parent = open_at(e, base, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (parent < 0) {
			e->err = errno;
			return;
		}
		if (fd_path(e, parent, dir, sizeof(dir)) < 0) {
			refuse(e);
			return;
		}
		if (rewrite_self(e, dir, tmp, sizeof(tmp))) {
			closep(&parent);
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", tmp, last) >=
			    sizeof(path)) {
				e->err = ENAMETOOLONG;
				return;
			}
			base = AT_FDCWD;
			continue;
		}
		magic = proc_pid_dir(dir);
		have_lst = !magic && !(flags & O_NOFOLLOW) &&
			   fstatat(parent, last, &lst, AT_SYMLINK_NOFOLLOW) == 0;
		if (have_lst && S_ISLNK(lst.st_mode)) {
			ssize_t n = readlinkat(parent, last, link, sizeof(link) - 1);

			closep(&parent);
			if (n < 0) {
				refuse(e);
				return;
			}
			link[n] = '\0';
			if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s%s", link[0] == '/' ? "" : dir,
					     link[0] == '/' ? "" : "/", link) >= sizeof(tmp)) {
				e->err = ENAMETOOLONG;
				return;
			}
			if (!rewrite_self(e, tmp, path, sizeof(path)))
				snprintf(path, sizeof(path), "%s", tmp);
			base = AT_FDCWD;
			continue;
		}
		break;
	}
	if (path_normalize(dir, last, candidate, sizeof(candidate)) < 0) {
		refuse(e);
		return;
	}
	/* Checked before anything is created. */
	if (!allowed(e, candidate))
		return;
	if (magic && own_fd(e, dir, last)) {
		/* A reopen of a file the caller holds (/proc/self/fd/N): it
		 * may, whatever its dumpable flag says; we would not pass the
		 * kernel's ptrace check on its /proc entry.  So the file is
		 * taken (pidfd_getfd) and reopened through our own entry. */
		int dup = caller_getfd_as_us(&e->caller, atoi(last));

		closep(&parent);
		if (dup < 0) {
			e->err = dup == -EBADF ? ENOENT : EACCES;
			e->denied = dup != -EBADF;
			return;
		}
		own_dup = dup;
		parent = fcntl(e->procfd, F_DUPFD_CLOEXEC, 3);
		snprintf(last, sizeof(last), "%d", dup);
		if (parent < 0) {
			refuse(e);
			return;
		}
	}
	/* what the last component is (it is no symlink here, unless magic:
	 * the lstat() above said so when it ran) */
	have_st = !magic && own_dup < 0 && have_lst ? (st = lst, true)
						    : fstatat(parent, last, &st, 0) == 0;
	if (have_st && S_ISFIFO(st.st_mode) && !(flags & (O_NONBLOCK | O_PATH)) &&
	    (flags & O_ACCMODE) != O_RDWR) {
		/* A blocking open of a FIFO waits for its other end: pinned
		 * here (O_PATH), decided on, then waited for in a thread
		 * (pending.h).  What O_PATH ignores is answered here. */
		if ((flags & O_CREAT) && (flags & O_EXCL)) {
			e->err = EEXIST;
			return;
		}
		if (flags & O_DIRECTORY) {
			e->err = ENOTDIR;
			return;
		}
		flags = O_PATH | O_CLOEXEC;
		e->wait = true;
	}
	/* never block the supervisor on a device */
	if (have_st && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) &&
	    !(flags & O_NONBLOCK) && !(flags & O_PATH)) {
		flags |= O_NONBLOCK;
		clear = O_NONBLOCK;
	}
	/* The last component is no symlink (it was resolved above), unless
	 * it is a magic link of /proc/PID, which the kernel follows. */
	fd = open_at(e, parent, last, magic ? flags : flags | O_NOFOLLOW, e->how.mode);
	if (fd < 0 && errno == ELOOP && !magic && !(e->how.flags & O_NOFOLLOW)) {
		refuse(e); /* a symlink was swapped in since the check */
		return;
	}
	if (fd < 0) {
		e->err = errno;
		e->denied = false;
		return;
	}
	if ((e->how.flags & __O_TMPFILE) || own_dup >= 0) {
		/* nameless, or already the caller's: decided on its name */
		snprintf(e->real, sizeof(e->real), "%s", candidate);
		goto done;
	}
verify:
	if (fd_path(e, fd, e->real, sizeof(e->real)) < 0) {
		/* a pipe or socket reached through /proc/PID/fd: it is what
		 * the checked path names */
		if (!candidate[0]) {
			refuse(e);
			return;
		}
		snprintf(e->real, sizeof(e->real), "%s", candidate);
	}
	if (!allowed(e, e->real))
		return;
done:
	if (clear) {
		int fl = fcntl(fd, F_GETFL);

		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~(int)clear);
	}
	e->fd = take_fd(&fd);
	e->err = 0;
}

static void run_open(void *arg, int procfd)
{
	struct emu *e = arg;

	e->procfd = procfd;
	do_open(e);
}

static int emulate_open(int listener, const struct seccomp_notif *req, const struct plan *plan,
			enum cg_arch arch, const char *name, const char *path, const char *abs,
			struct emu_out *res)
{
	const uint64_t *args = (const uint64_t *)req->data.args;
	pid_t tid = (pid_t)req->pid;
	struct emu *e;
	char link[64];
	int dirfd = AT_FDCWD, r = 0;

	res->fd = -1;
	res->denied = false;
	res->wait = false;
	res->rule = RECORD_RULE_DEFAULT;
	res->path[0] = '\0';
	e = calloc(1, sizeof(*e));
	if (!e)
		return -(res->err = ENOMEM);
	*e = (struct emu){ .plan = plan,
			   .arch = arch,
			   .nr = req->data.nr,
			   .args = args,
			   .basefd = -1,
			   .caller = { .rootfd = -1 },
			   .procfd = -1,
			   .fd = -1,
			   .rule = RECORD_RULE_DEFAULT };

	if (strcmp(name, "open") == 0) {
		e->how = (struct open_how){ .flags = (uint32_t)args[1], .mode = (uint32_t)args[2] };
	} else if (strcmp(name, "creat") == 0) {
		e->how = (struct open_how){ .flags = O_CREAT | O_WRONLY | O_TRUNC,
					    .mode = (uint32_t)args[1] };
	} else if (strcmp(name, "openat") == 0) {
		dirfd = (int)args[0];
		e->how = (struct open_how){ .flags = (uint32_t)args[2], .mode = (uint32_t)args[3] };
	} else {
		dirfd = (int)args[0];
		e->is_openat2 = true;
		if (args[3] < 24 || args[3] > 4096) {
			r = EINVAL; /* what openat2 answers for a bad size */
			goto out;
		}
		if (procmem_read(tid, args[2], &e->how, sizeof(e->how)) < 0) {
			r = EFAULT;
			goto out;
		}
	}
	/* Open flags are an int: the kernel ignores the upper bits. */
	if (!e->is_openat2)
		e->how.flags &= 0xffffffffu;
	/* SECCOMP_IOCTL_NOTIF_ADDFD takes no O_PATH file (fget() skips
	 * them): such an open is decided on the copy and continued. */
	if (e->how.flags & O_PATH) {
		r = EOPNOTSUPP;
		goto out;
	}

	/* the very copy the policy was asked about (session.c: decode()) */
	e->path = path;
	snprintf(e->abs, sizeof(e->abs), "%s", abs);
	r = -caller_read(tid, &e->caller);
	if (r > 0) {
		r = r == ENOENT ? ESRCH : r;
		goto out;
	}
	/* in a chroot, /proc is the caller's mount: its own pid numbers */
	snprintf(e->target_proc, sizeof(e->target_proc), "/proc/%d",
		 e->caller.chrooted ? (int)e->caller.ns_tgid : (int)e->caller.tgid);
	snprintf(e->target_thread, sizeof(e->target_thread), "%s/task/%d", e->target_proc,
		 e->caller.chrooted ? (int)e->caller.ns_tid : (int)tid);
	if (path[0] != '/') {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, dirfd);
		/* the very directory the caller holds, not its name */
		e->basefd = open(link, O_PATH | O_CLOEXEC);
		if (e->basefd < 0) {
			r = errno == ENOENT ? EBADF : errno;
			goto out;
		}
	}
	/* All of the above must be the caller's: pids are reused. */
	if (notif_id_valid(listener, req->id) < 0) {
		r = ESRCH;
		goto out;
	}
	if (caller_run(&e->caller, e->how.flags & (O_CREAT | __O_TMPFILE), false, run_open, e) < 0)
		refuse(e); /* its identity could not be taken: fail closed */
	res->rule = e->rule;
	res->denied = e->denied;
	snprintf(res->path, sizeof(res->path), "%s", e->real[0] ? e->real : path);
	if (e->err) {
		r = e->err;
		goto out;
	}
	if (e->wait) {
		/* the FIFO's other end is waited for elsewhere */
		r = -caller_copy(&e->caller, &res->caller);
		if (r > 0) {
			close(e->fd);
			goto out;
		}
		res->fd = e->fd;
		res->wait_flags = (int)e->how.flags;
		res->err = 0;
		res->wait = true;
		if (e->basefd >= 0)
			close(e->basefd);
		caller_done(&e->caller);
		free(e);
		return 1;
	}
	{
		int got = notif_addfd_send(listener, req->id, e->fd, e->how.flags & O_CLOEXEC);

		/* ENOENT here: the caller is gone, or was interrupted */
		r = got < 0 ? (got == -ENOENT ? ESRCH : -got) : 0;
		res->fd = got;
		res->placing = got < 0;
		close(e->fd);
	}
out:
	if (e->basefd >= 0)
		close(e->basefd);
	caller_done(&e->caller);
	free(e);
	res->err = r;
	return -r;
}

struct bind_job {
	const struct plan *plan;
	enum cg_arch arch;
	int nr;
	const uint64_t *args;
	int sock;
	const void *sa;
	socklen_t len;
	const struct cg_sockaddr *addr;
	int basefd; /* the caller's cwd, for a relative path */
	/* out */
	int err;
	bool denied;
	int rule;
	char real[PATH_MAX];
};

/*
 * A path of the unix domain: the parent directory is pinned (opened), the
 * address it leads to decided on, and the socket bound by its last
 * component from there, so no symlink swapped in later redirects it.
 */
static void bind_unix_path(struct bind_job *b, int procfd)
{
	char dir[PATH_MAX], real[PATH_MAX], last[NAME_MAX + 1], name[16];
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct cg_sockaddr a = *b->addr;
	struct plan_ptrs ptrs = { .addr = &a };
	struct plan_verdict v;
	int parent;
	ssize_t n;

	if (split(b->addr->path, dir, sizeof(dir), last) < 0) {
		b->err = ENAMETOOLONG;
		return;
	}
	if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
		b->err = *last ? EADDRINUSE : ENOENT; /* as mknod(2) would fail */
		return;
	}
	parent = openat(b->basefd >= 0 ? b->basefd : AT_FDCWD, dir,
			O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0) {
		b->err = errno;
		return;
	}
	snprintf(name, sizeof(name), "%d", parent);
	n = readlinkat(procfd, name, real, sizeof(real) - 1);
	if (n <= 0 || real[0] != '/' || (size_t)n >= sizeof(real) - 1) {
		b->err = EACCES; /* cannot be pinned down: fail closed */
		b->denied = true;
		close(parent);
		return;
	}
	real[n] = '\0';
	if (path_normalize(real, last, b->real, sizeof(b->real)) < 0 ||
	    strlen(b->real) > CG_UNIX_PATH_MAX) {
		b->err = EACCES;
		b->denied = true;
		close(parent);
		return;
	}
	snprintf(a.path, sizeof(a.path), "%s", b->real);
	a.path_len = strlen(a.path);
	v = plan_eval_ptrs(b->plan, b->arch, b->nr, b->args, &ptrs);
	b->rule = v.rule >= 0 ? v.rule : RECORD_RULE_DEFAULT;
	b->err = verdict_errno(&v);
	b->denied = b->err != 0;
	if (b->err || fchdir(parent) < 0) {
		b->err = b->err ? b->err : errno;
		close(parent);
		return;
	}
	close(parent);
	memcpy(un.sun_path, last, strlen(last) + 1);
	b->err = bind(b->sock, (const struct sockaddr *)&un,
		      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(last) + 1)) < 0
			 ? errno
			 : 0;
}

static void run_bind(void *arg, int procfd)
{
	struct bind_job *b = arg;

	if (b->addr->family == AF_UNIX && !b->addr->abstract && !b->addr->unnamed) {
		bind_unix_path(b, procfd);
		return;
	}
	/* the address needs no resolving: bound from our copy, with the
	 * caller's capabilities (CAP_NET_BIND_SERVICE for a low port) */
	b->err = bind(b->sock, b->sa, b->len) < 0 ? errno : 0;
}

static int emulate_bind(int listener, const struct seccomp_notif *req, const struct plan *plan,
			enum cg_arch arch, const void *sa, size_t len,
			const struct cg_sockaddr *addr, struct emu_out *res)
{
	const uint64_t *args = (const uint64_t *)req->data.args;
	pid_t tid = (pid_t)req->pid;
	struct bind_job *b;
	struct caller c = { .rootfd = -1 };
	bool path = addr->family == AF_UNIX && !addr->abstract && !addr->unnamed;
	char link[64];
	int r;

	res->fd = -1;
	res->denied = false;
	res->rule = RECORD_RULE_DEFAULT;
	res->path[0] = '\0';
	b = calloc(1, sizeof(*b));
	if (!b)
		return -(res->err = ENOMEM);
	*b = (struct bind_job){ .plan = plan,
				.arch = arch,
				.nr = req->data.nr,
				.args = args,
				.sa = sa,
				.len = (socklen_t)len,
				.addr = addr,
				.basefd = -1,
				.rule = RECORD_RULE_DEFAULT };
	b->sock = caller_getfd(tid, (int)args[0]);
	if (b->sock < 0) {
		r = -b->sock;
		goto out;
	}
	r = -caller_read(tid, &c);
	if (r > 0) {
		r = r == ENOENT ? ESRCH : r;
		goto out;
	}
	if (path && addr->path[0] != '/') {
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
		b->basefd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (b->basefd < 0) {
			r = ESRCH;
			goto out;
		}
	}
	if (notif_id_valid(listener, req->id) < 0) {
		r = ESRCH;
		goto out;
	}
	/* a path is bound from a cwd of its own: always in a thread */
	r = -caller_run(&c, path, path, run_bind, b);
	if (r > 0) {
		b->err = EACCES; /* its identity could not be taken: fail closed */
		b->denied = true;
	}
	r = b->err;
	res->rule = b->rule;
	res->denied = b->denied;
	snprintf(res->path, sizeof(res->path), "%s", b->real);
out:
	if (b->sock >= 0)
		close(b->sock);
	if (b->basefd >= 0)
		close(b->basefd);
	caller_done(&c);
	free(b);
	res->err = r;
	return -r;
}

/* Our own resources ran out (fds, memory, threads): failed closed. */
static bool own_shortage(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM || err == EAGAIN;
}

static void fail_closed(struct emulate_result *res, int err)
{
	res->outcome = EMULATE_ANSWER;
	res->ret = -EAGAIN;
	res->denied = true;
	res->reason = err == EMFILE || err == ENFILE ? "callgate is out of file descriptors"
		      : err == ENOMEM		     ? "callgate is out of memory"
						     : "callgate is out of resources";
}

static int handle_open(const struct emulate_call *c, struct emulate_result *res)
{
	struct emu_out o = { .fd = -1, .caller = { .rootfd = -1 } };
	int r = emulate_open(c->listener, c->req, c->plan, c->arch, c->name, c->raw, c->path, &o);

	res->rule = o.rule;
	res->denied = o.denied;
	snprintf(res->path, sizeof(res->path), "%s", o.path);
	if (r == 1) {
		res->outcome = EMULATE_PENDING;
		res->caller = o.caller;
		res->job = (struct pending_job){ .kind = PENDING_FIFO_OPEN,
						 .id = c->req->id,
						 .fd = o.fd,
						 .flags = o.wait_flags,
						 .caller = &res->caller };
	} else if (r == 0) {
		res->outcome = EMULATE_DONE;
		res->ret = o.fd;
	} else if (r == -ESRCH) {
		res->outcome = EMULATE_GONE;
	} else if (r == -EOPNOTSUPP) {
		res->outcome = EMULATE_DECLINED;
		res->rule = EMULATE_RULE_SAME;
	} else if (!o.denied && !o.placing && own_shortage(-r) && r != -EAGAIN) {
		/* our fds or memory, not the caller's: failed closed */
		fail_closed(res, -r);
	} else {
		res->outcome = EMULATE_ANSWER;
		res->ret = r;
	}
	return 0;
}

static int handle_bind(const struct emulate_call *c, struct emulate_result *res)
{
	struct emu_out o = { .fd = -1, .caller = { .rootfd = -1 } };
	int r;

	if (!c->addr || !c->sockaddr) {
		res->outcome = EMULATE_DECLINED;
		return 0;
	}
	r = emulate_bind(c->listener, c->req, c->plan, c->arch, c->sockaddr, c->sockaddr_len,
			 c->addr, &o);
	res->denied = o.denied;
	snprintf(res->path, sizeof(res->path), "%s", o.path);
	/* only a unix path is decided again, on where it really leads */
	res->rule = o.path[0] ? o.rule : EMULATE_RULE_SAME;
	if (r == -ESRCH) {
		res->outcome = EMULATE_GONE;
	} else if (r < 0 && !o.denied && own_shortage(-r) && r != -EAGAIN) {
		fail_closed(res, -r);
	} else {
		res->outcome = EMULATE_ANSWER;
		res->ret = r;
	}
	return 0;
}

/*
 * connect(2) on the caller's own socket with our copy of the address: the
 * address the kernel uses is the one that was checked.
 */
static int handle_connect(const struct emulate_call *c, struct emulate_result *res)
{
	const uint64_t *args = (const uint64_t *)c->req->data.args;
	int fd, fl, r;

	res->rule = EMULATE_RULE_SAME;
	if (!c->addr || !c->sockaddr ||
	    (c->addr->family != AF_INET && c->addr->family != AF_INET6)) {
		res->outcome = EMULATE_DECLINED;
		return 0;
	}
	fd = caller_getfd((pid_t)c->req->pid, (int)args[0]);
	if (fd == -ESRCH) {
		res->outcome = EMULATE_GONE;
		return 0;
	}
	if (fd < 0 && own_shortage(-fd)) {
		fail_closed(res, -fd);
		return 0;
	}
	if (fd < 0) {
		res->outcome = EMULATE_ANSWER;
		res->ret = fd;
		return 0;
	}
	if (notif_id_valid(c->listener, c->req->id) < 0) {
		close(fd);
		res->outcome = EMULATE_GONE;
		return 0;
	}
	/* The description is shared with the caller: non-blocking just for
	 * the call, so the supervisor never waits on the network. */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	r = connect(fd, (const struct sockaddr *)c->sockaddr, (socklen_t)c->sockaddr_len) < 0
		    ? errno
		    : 0;
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl);
	if (r != EINPROGRESS || (fl >= 0 && (fl & O_NONBLOCK))) {
		close(fd);
		res->outcome = EMULATE_ANSWER;
		res->ret = -r;
		return 0;
	}
	/* A blocking caller waits for the outcome, as in the kernel. */
	res->outcome = EMULATE_PENDING;
	res->job = (struct pending_job){ .kind = PENDING_CONNECT, .id = c->req->id, .fd = fd };
	return 0;
}

typedef int (*emulate_fn)(const struct emulate_call *c, struct emulate_result *res);

/* One handler per row kind of lib/sysargs.c's table. */
static const emulate_fn handlers[SYSARGS_EMU_MAX] = {
	[SYSARGS_EMU_OPEN] = handle_open,
	[SYSARGS_EMU_CONNECT] = handle_connect,
	[SYSARGS_EMU_BIND] = handle_bind,
};

bool emulate_handles(enum sysargs_emulation kind)
{
	return kind > SYSARGS_EMU_NONE && kind < SYSARGS_EMU_MAX && handlers[kind];
}

int emulate_call(enum sysargs_emulation kind, const struct emulate_call *c,
		 struct emulate_result *res)
{
	*res = (struct emulate_result){ .outcome = EMULATE_DECLINED,
					.rule = EMULATE_RULE_SAME,
					.caller = { .rootfd = -1 },
					.job = { .fd = -1 } };
	if (!emulate_handles(kind))
		return -EOPNOTSUPP;
	return handlers[kind](c, res);
}
