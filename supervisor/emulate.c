/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "callgate/pathmatch.h"
#include "callgate/record.h"
#include "caller.h"
#include "emulate.h"
#include "procmem.h"
#include "resolve.h"

/* What the open and bind helpers report (emulate_call() turns it into a
 * struct emulate_result). */
struct emu_out {
	int err;	     /* 0: done; else the errno the call fails with */
	bool denied;	     /* err is the policy's refusal (else the call's own) */
	int rule;	     /* the rule that decided on what was reached */
	int fd;		     /* open: the fd in the target, when err == 0 */
	bool placing;	     /* err came from placing the fd in the caller (its own limit) */
	const char *reason;  /* why callgate refused it, or NULL */
	int would_err;	     /* an "audit" rule's errno, the call allowed */
	char path[PATH_MAX]; /* what was reached, as the target sees it */
	/* open returned 1: a blocking open of a FIFO, allowed, to be waited
	 * for with fd (O_PATH), these flags and this identity */
	bool wait;
	int wait_flags;
	struct caller caller;
};

struct emu {
	/* in */
	const struct emulate_call *call;
	const struct plan *plan;
	enum cg_arch arch;
	int nr;
	const uint64_t *args;
	const char *path;   /* our copy of the caller's path */
	char abs[PATH_MAX]; /* it, absolute and normalised as the caller sees it; "" unknown */
	bool is_openat2;
	struct open_how how;
	int basefd;	    /* where a relative path starts (-1: absolute path) */
	int procfd;	    /* the opening thread's /proc/thread-self/fd */
	const char *reason; /* why callgate refused it, or NULL */
	int would_err;	    /* an "audit" rule's errno, the call allowed */
	struct caller caller;
	/* out */
	int fd;
	bool wait; /* fd is the O_PATH fd of a FIFO to wait on */
	int err;
	bool denied; /* err is the policy's answer, not the open's */
	int rule;
	char real[PATH_MAX];
};

int emulate_verdict(const struct plan_verdict *v, int *would)
{
	int err = emulate_verdict_errno(v);

	if (err && v->prule && v->prule->src->audit) {
		/* "audit": true: the denial is only logged */
		*would = err;
		return 0;
	}
	return err;
}

int emulate_verdict_errno(const struct plan_verdict *v)
{
	switch (v->action) {
	case POLICY_ACT_ALLOW:
	case POLICY_ACT_LOG: return 0;
	case POLICY_ACT_ERRNO: return v->data ? v->data : EPERM;
	case POLICY_ACT_TRACE: return ENOSYS;
	default: return EPERM; /* kill, trap, an unanswered question: fail closed */
	}
}

/* A refusal of the emulation itself (not a kernel error, not the rule's
 * errno): the path could not be pinned down, so fail closed. */
static void refuse(struct emu *e, const char *reason)
{
	e->err = EACCES;
	e->denied = true;
	e->reason = reason;
}

int emulate_operator_verdict(const struct emulate_call *c, int i, const char *real,
			     const char **reason)
{
	if (i < 0 || i > 1 || !c->shown[i] || (real && strcmp(c->shown[i], real) == 0))
		return 0;
	*reason = "not what the operator was shown: the path leads elsewhere now";
	return EPERM;
}

static bool allowed(struct emu *e, const char *path)
{
	struct plan_ptrs ptrs = { .paths = { path }, .n_paths = 1 };
	struct plan_verdict v;

	if (e->call->operator_allow) {
		e->err = emulate_operator_verdict(e->call, 0, path, &e->reason);
		e->denied = e->err != 0;
		return e->err == 0;
	}
	v = plan_eval_ptrs(e->plan, e->arch, e->nr, e->args, &ptrs);
	e->rule = v.rule >= 0 ? v.rule : RECORD_RULE_DEFAULT;
	e->err = emulate_verdict(&v, &e->would_err);
	e->denied = e->err != 0;
	return e->err == 0;
}

static int open_at(struct emu *e, int dirfd, const char *path, uint64_t flags, uint64_t mode)
{
	if (e->is_openat2) {
		struct open_how how = { .flags = flags, .mode = mode, .resolve = e->how.resolve };

		return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	}
	return openat(dirfd, path, (int)flags, (mode_t)mode);
}

/* The open itself, from the pinned directory (or the object) @r. */
static int open_resolved(struct emu *e, const struct resolved *r, uint64_t *flags, uint64_t *clear)
{
	char name[16];

	if (r->fd >= 0) {
		/* a magic link's object: reopened through our own fd entry,
		 * as the kernel reopens it for the caller */
		snprintf(name, sizeof(name), "%d", r->fd);
		return openat(e->procfd, name, (int)(*flags & ~(uint64_t)(O_CREAT | O_EXCL)),
			      (mode_t)e->how.mode);
	}
	if (r->exists && S_ISFIFO(r->st.st_mode) && !(*flags & (O_NONBLOCK | O_PATH)) &&
	    (*flags & O_ACCMODE) != O_RDWR) {
		/* A blocking open of a FIFO waits for its other end: pinned
		 * here (O_PATH), decided on, then waited for in a thread
		 * (pending.h).  What O_PATH ignores is answered here. */
		if (*flags & O_DIRECTORY) {
			errno = ENOTDIR;
			return -1;
		}
		*flags = O_PATH | O_CLOEXEC;
		e->wait = true;
	}
	/* never block the supervisor on a device */
	if (r->exists &&
	    (S_ISFIFO(r->st.st_mode) || S_ISCHR(r->st.st_mode) || S_ISBLK(r->st.st_mode)) &&
	    !(*flags & (O_NONBLOCK | O_PATH))) {
		*flags |= O_NONBLOCK;
		*clear = O_NONBLOCK;
	}
	/* The last component is no symlink (it was followed), unless the
	 * call does not follow it: then the kernel's own answer (ELOOP). */
	return open_at(e, r->parent, r->last, *flags | O_NOFOLLOW, e->how.mode);
}

/* Whether absolute @path has a ".." component or a trailing slash. */
static bool dotdot_or_slash(const char *path)
{
	size_t n = strlen(path);

	if (n > 1 && path[n - 1] == '/')
		return true;
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

/*
 * The common open in one resolution: an absolute path with no symlink and
 * no ".." names, as the caller sees it, exactly the object the kernel
 * reaches by it, so the object is pinned (O_PATH, which opens nothing) in
 * one openat2() from the caller's root, decided on by that name, and
 * opened again through our own fd of it: what is opened is what was
 * decided on.  Only a regular file that is not on procfs, opened without
 * O_EXCL or O_TMPFILE; anything else (or any error) is left to the
 * resolution a step at a time.  Returns true when the open is done.
 */
static bool open_fast(struct emu *e, uint64_t flags)
{
	_cleanup_close_ int pin = -1, fd = -1;
	struct statx st;
	char name[16];

	if (e->basefd >= 0 || e->path[0] != '/' || !e->abs[0] || e->call->operator_allow ||
	    (e->is_openat2 && e->how.resolve) || (flags & (O_EXCL | __O_TMPFILE)) ||
	    dotdot_or_slash(e->path))
		return false;
	{
		struct open_how how = { .flags = O_PATH | O_CLOEXEC | (flags & O_NOFOLLOW),
					.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

		pin = (int)syscall(SYS_openat2, AT_FDCWD, e->path, &how, sizeof(how));
	}
	if (pin < 0)
		return false;
	if (statx(pin, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE, &st) < 0 ||
	    !(st.stx_mask & STATX_TYPE) || !S_ISREG(st.stx_mode))
		return false;
	/* procfs (callgate's own entries) is for the careful path; a file
	 * system on a block device is not procfs */
	if (st.stx_dev_major == 0) {
		struct statfs sf;

		if (fstatfs(pin, &sf) < 0 || sf.f_type == PROC_SUPER_MAGIC)
			return false;
	}
	snprintf(e->real, sizeof(e->real), "%s", e->abs);
	if (!allowed(e, e->real))
		return true;
	snprintf(name, sizeof(name), "%d", pin);
	fd = openat(e->procfd, name, (int)(flags & ~(uint64_t)(O_CREAT | O_EXCL | O_NOFOLLOW)));
	if (fd < 0) {
		e->err = errno;
		e->denied = false;
		return true;
	}
	e->fd = take_fd(&fd);
	e->err = 0;
	return true;
}

static void do_open(struct emu *e)
{
	uint64_t flags = e->how.flags | O_CLOEXEC, clear = 0;
	bool excl = (flags & O_CREAT) && (flags & O_EXCL);
	int base = e->basefd >= 0 ? e->basefd : AT_FDCWD;
	struct resolve_ctx x;
	struct resolved r;
	_cleanup_close_ int fd = -1;

	if (open_fast(e, flags))
		return;
	resolve_ctx_init(&x, &e->caller, e->procfd, e->is_openat2 ? e->how.resolve : 0);
	/* O_CREAT|O_EXCL never follows a symlink: the name must not exist */
	if (resolve_at(&x, base, e->path, !(flags & O_NOFOLLOW) && !excl ? RES_FOLLOW : 0, &r) <
	    0) {
		e->err = r.err;
		if (r.refused)
			refuse(e, r.reason);
		goto out;
	}
	snprintf(e->real, sizeof(e->real), "%s", r.real);
	if (r.fd < 0 && (strcmp(r.last, ".") == 0 || strcmp(r.last, "..") == 0 ||
			 strcmp(r.last, "./") == 0 || strcmp(r.last, "../") == 0)) {
		/* a directory by its own name: nothing can be created, so
		 * the kernel opens it from our copy and we decide on it */
		if (!allowed(e, r.real))
			goto out;
		fd = open_at(e, base, e->path, flags, e->how.mode);
		if (fd < 0) {
			e->err = errno;
			goto out;
		}
		goto verify;
	}
	if (excl && r.exists) {
		e->err = EEXIST; /* the kernel's answer comes before the policy's */
		goto out;
	}
	/* where it leads, checked before anything is created */
	if (!allowed(e, r.verified ? r.real : e->abs))
		goto out;
	fd = open_resolved(e, &r, &flags, &clear);
	if (fd < 0 && errno == ELOOP && r.fd < 0 && !(e->how.flags & O_NOFOLLOW) && !excl) {
		refuse(e, "a symlink was swapped in since the check");
		goto out;
	}
	if (fd < 0) {
		e->err = errno;
		e->denied = false;
		goto out;
	}
	if ((e->how.flags & __O_TMPFILE) || r.fd >= 0)
		goto done; /* nameless, or the object already decided on */
verify:
	if (resolve_fd_name(e->procfd, fd, e->real, sizeof(e->real)) < 0) {
		/* a pipe or socket reached through /proc/PID/fd: it is what
		 * the checked path names */
		snprintf(e->real, sizeof(e->real), "%s", r.real);
	}
	if (!allowed(e, e->real))
		goto out;
done:
	if (clear) {
		int fl = fcntl(fd, F_GETFL);

		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~(int)clear);
	}
	e->fd = take_fd(&fd);
	e->err = 0;
out:
	resolved_done(&r);
}

static void run_open(void *arg, int procfd)
{
	struct emu *e = arg;

	e->procfd = procfd;
	do_open(e);
}

static int emulate_open(const struct emulate_call *call, int listener,
			const struct seccomp_notif *req, const struct plan *plan, enum cg_arch arch,
			const char *name, const char *path, const char *abs, struct emu_out *res)
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
	*e = (struct emu){ .call = call,
			   .plan = plan,
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
		/* what openat2 answers for a bad size: a larger struct is
		 * taken if what we do not know of it is zero */
		if (args[3] < sizeof(e->how) || args[3] > 4096) {
			r = args[3] < sizeof(e->how) ? EINVAL : E2BIG;
			goto out;
		}
		if (procmem_read(tid, args[2], &e->how, sizeof(e->how)) < 0) {
			r = EFAULT;
			goto out;
		}
		if (args[3] > sizeof(e->how)) {
			unsigned char rest[4096 - sizeof(struct open_how)];
			size_t n = (size_t)args[3] - sizeof(e->how);

			if (procmem_read(tid, args[2] + sizeof(e->how), rest, n) < 0) {
				r = EFAULT;
				goto out;
			}
			for (size_t i = 0; i < n; i++)
				if (rest[i]) {
					r = E2BIG;
					goto out;
				}
		}
	}
	/* Open flags are an int: the kernel ignores the upper bits. */
	if (!e->is_openat2)
		e->how.flags &= 0xffffffffu;
	/* SECCOMP_IOCTL_NOTIF_ADDFD takes no O_PATH file (fget() skips
	 * them): such an open is decided on the copy and continued. */
	if ((e->how.flags & O_PATH) && e->is_openat2) {
		/* ...but openat2() would read its flags again too: an
		 * O_PATH checked could be opened O_RDWR.  Refused. */
		r = EPERM;
		res->denied = true;
		res->reason = "openat2() with O_PATH cannot be carried out by callgate, and the "
			      "kernel would read open_how again";
		goto out;
	}
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
	/* where a relative path starts; an absolute one too under openat2's
	 * RESOLVE_IN_ROOT or RESOLVE_BENEATH (the dirfd is the root) */
	if (path[0] != '/' ||
	    (e->is_openat2 && (e->how.resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)))) {
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
	/* All of the above must be the caller's: pids are reused.  Read
	 * only through the caller's kept /proc entry (no open_how read from
	 * its memory by number, no cwd or dirfd opened), it is (caller.h). */
	if (!(e->caller.pinned && e->basefd < 0 && !e->is_openat2) &&
	    notif_id_valid(listener, req->id) < 0) {
		r = ESRCH;
		goto out;
	}
	if (caller_run(&e->caller, e->how.flags & (O_CREAT | __O_TMPFILE), false, run_open, e) < 0)
		refuse(e, "the caller's identity could not be taken");
	res->rule = e->rule;
	res->denied = e->denied;
	res->reason = e->reason;
	res->would_err = e->would_err;
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
	const struct emulate_call *call;
	const struct plan *plan;
	enum cg_arch arch;
	int nr;
	const uint64_t *args;
	int sock;
	const void *sa;
	socklen_t len;
	const struct cg_sockaddr *addr;
	int basefd; /* the caller's cwd, for a relative path */
	const struct caller *caller;
	/* out */
	int would_err;
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
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct cg_sockaddr a = *b->addr;
	struct plan_ptrs ptrs = { .addr = &a };
	struct plan_verdict v;
	struct resolve_ctx x;
	struct resolved r;
	size_t n;

	resolve_ctx_init(&x, b->caller, procfd, 0);
	/* bind(2) creates the name: its last component is never followed */
	if (resolve_at(&x, b->basefd >= 0 ? b->basefd : AT_FDCWD, b->addr->path, 0, &r) < 0) {
		b->err = r.err;
		b->denied = r.refused;
		goto out;
	}
	if (r.fd >= 0 || strcmp(r.last, ".") == 0 || strcmp(r.last, "..") == 0) {
		b->err = EADDRINUSE; /* as mknod(2) would fail: the name exists */
		goto out;
	}
	snprintf(b->real, sizeof(b->real), "%s", r.real);
	if (strlen(b->real) > CG_UNIX_PATH_MAX) {
		b->err = EACCES; /* no address can say where it leads */
		b->denied = true;
		goto out;
	}
	snprintf(a.path, sizeof(a.path), "%s", b->real);
	a.path_len = strlen(a.path);
	if (b->call->operator_allow) {
		const char *why = NULL;

		b->err = emulate_operator_verdict(b->call, 0, b->real, &why);
	} else {
		v = plan_eval_ptrs(b->plan, b->arch, b->nr, b->args, &ptrs);
		b->rule = v.rule >= 0 ? v.rule : RECORD_RULE_DEFAULT;
		b->err = emulate_verdict(&v, &b->would_err);
	}
	b->denied = b->err != 0;
	if (b->err)
		goto out;
	if (fchdir(r.parent) < 0) {
		b->err = errno;
		goto out;
	}
	n = strlen(r.last);
	memcpy(un.sun_path, r.last, n + 1);
	b->err = bind(b->sock, (const struct sockaddr *)&un,
		      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1)) < 0
			 ? errno
			 : 0;
out:
	resolved_done(&r);
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

static int emulate_bind(const struct emulate_call *call, int listener,
			const struct seccomp_notif *req, const struct plan *plan, enum cg_arch arch,
			const void *sa, size_t len, const struct cg_sockaddr *addr,
			struct emu_out *res)
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
	*b = (struct bind_job){ .call = call,
				.plan = plan,
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
	b->caller = &c;
	r = -caller_run(&c, path, path, run_bind, b);
	if (r > 0) {
		b->err = EACCES; /* its identity could not be taken: fail closed */
		b->denied = true;
	}
	r = b->err;
	res->rule = b->rule;
	res->denied = b->denied;
	res->would_err = b->would_err;
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
	int r = emulate_open(c, c->listener, c->req, c->plan, c->arch, c->name, c->raw, c->path,
			     &o);

	res->rule = o.rule;
	res->denied = o.denied;
	res->reason = o.reason;
	res->would_err = o.would_err;
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
	r = emulate_bind(c, c->listener, c->req, c->plan, c->arch, c->sockaddr, c->sockaddr_len,
			 c->addr, &o);
	res->denied = o.denied;
	res->would_err = o.would_err;
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

/* The domain of socket @fd, or -1 if it is no socket. */
static int socket_domain(int fd)
{
	int d = -1;
	socklen_t len = sizeof(d);

	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &d, &len) < 0 ? -1 : d;
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
	if (!c->addr || !c->sockaddr) {
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
	/* What the kernel makes of the address is the socket's domain's
	 * business, whatever family the copy says: an inet socket reads
	 * it as inet (or AF_UNSPEC: disconnect), so it is connected from
	 * our copy, whatever its family, and a family flipped after the
	 * check changes nothing.  A unix socket's connect to a path is
	 * the kernel's (the peer would get our credentials): continued,
	 * advisory; any other family on it fails there as it would. */
	if (socket_domain(fd) == AF_UNIX && c->addr->family == AF_UNIX) {
		close(fd);
		res->outcome = EMULATE_DECLINED;
		return 0;
	}
	if (socket_domain(fd) != AF_UNIX && socket_domain(fd) != AF_INET &&
	    socket_domain(fd) != AF_INET6) {
		close(fd); /* netlink, vsock...: the kernel refuses other families */
		res->outcome = EMULATE_DECLINED;
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
	[SYSARGS_EMU_PATH] = emupath_call,
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
					.path_arg = -1,
					.path2_arg = -1,
					.caller = { .rootfd = -1 },
					.job = { .fd = -1 } };
	if (!emulate_handles(kind))
		return -EOPNOTSUPP;
	return handlers[kind](c, res);
}
