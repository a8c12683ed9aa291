/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The path family, carried out by the supervisor (emulate.h): every path
 * argument is resolved as the kernel resolves it for the caller
 * (resolve.h), each is decided on for its role (a two-path call is
 * refused if either path is), and the call is made from the pinned
 * directory, on the name decided on, with the last component never
 * followed again (what was followed was followed by the resolution).
 * The kernel's own early answers come first, as the kernel gives them:
 * EINVAL for bad flags, EEXIST for a name that exists where one is to be
 * created, ENOENT for one that does not where one must exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "callgate/macro.h"
#include "callgate/record.h"
#include "callgate/systable.h"
#include "emulate.h"
#include "procmem.h"
#include "resolve.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 /* 6.6; not in Debian 12's headers (x86_64) */
#endif
#define XATTR_NAME_MAX_		255
#define XATTR_SIZE_MAX_		65536
#define CAP_DAC_READ_SEARCH_BIT 2

enum op {
	OP_MKDIR,
	OP_MKNOD,
	OP_UNLINK,
	OP_RENAME,
	OP_LINK,
	OP_SYMLINK,
	OP_CHMOD,
	OP_CHOWN,
	OP_UTIMENS,
	OP_UTIMES,
	OP_TRUNCATE,
	OP_STAT,
	OP_STATX,
	OP_ACCESS,
	OP_READLINK,
	OP_SETXATTR,
	OP_GETXATTR,
	OP_LISTXATTR,
	OP_REMOVEXATTR,
	OP_LOCATE, /* decided on the object, then continued (advisory) */
	OP_OPEN,   /* the open family: decided on here only (emulate.c opens) */
};

/* How the last component of a path is treated. */
enum follow {
	NEVER,		 /* it is what the call acts on (unlink, lstat, mkdir) */
	ALWAYS,		 /* followed (stat, chmod, truncate) */
	UNLESS_NOFOLLOW, /* followed unless AT_SYMLINK_NOFOLLOW */
	IF_FOLLOW,	 /* followed if AT_SYMLINK_FOLLOW (linkat) */
	OPEN_FLAGS,	 /* followed unless O_NOFOLLOW, or O_CREAT|O_EXCL */
};

struct spec {
	const char *name;
	enum op op;
	signed char dirfd[2], path[2]; /* argument indexes; -1: none (cwd) */
	signed char flags;	       /* argument index of the AT_* flags, or -1 */
	signed char a, b, c;	       /* the op's other arguments (mode, buffer, size) */
	enum follow follow[2];
	int fixed_flags; /* flags implied by the syscall (rmdir) */
};

#define N -1
/* strcmp order, for bsearch */
static const struct spec specs[] = {
	{ "access", OP_ACCESS, { N, N }, { 0, N }, N, 1, N, N, { ALWAYS } },
	{ "chdir", OP_LOCATE, { N, N }, { 0, N }, N, N, N, N, { ALWAYS } },
	{ "chmod", OP_CHMOD, { N, N }, { 0, N }, N, 1, N, N, { ALWAYS } },
	{ "chown", OP_CHOWN, { N, N }, { 0, N }, N, 1, 2, N, { ALWAYS } },
	{ "chroot", OP_LOCATE, { N, N }, { 0, N }, N, N, N, N, { ALWAYS } },
	{ "creat", OP_OPEN, { N, N }, { 0, N }, N, N, N, N, { ALWAYS } },
	{ "execve", OP_LOCATE, { N, N }, { 0, N }, N, N, N, N, { ALWAYS } },
	{ "execveat", OP_LOCATE, { 0, N }, { 1, N }, 4, N, N, N, { UNLESS_NOFOLLOW } },
	{ "faccessat", OP_ACCESS, { 0, N }, { 1, N }, N, 2, N, N, { ALWAYS } },
	{ "faccessat2", OP_ACCESS, { 0, N }, { 1, N }, 3, 2, N, N, { UNLESS_NOFOLLOW } },
	{ "fchmodat", OP_CHMOD, { 0, N }, { 1, N }, N, 2, N, N, { ALWAYS } },
	{ "fchmodat2", OP_CHMOD, { 0, N }, { 1, N }, 3, 2, N, N, { UNLESS_NOFOLLOW } },
	{ "fchownat", OP_CHOWN, { 0, N }, { 1, N }, 4, 2, 3, N, { UNLESS_NOFOLLOW } },
	{ "getxattr", OP_GETXATTR, { N, N }, { 0, N }, N, 1, 2, 3, { ALWAYS } },
	{ "lchown", OP_CHOWN, { N, N }, { 0, N }, N, 1, 2, N, { NEVER } },
	{ "lgetxattr", OP_GETXATTR, { N, N }, { 0, N }, N, 1, 2, 3, { NEVER } },
	{ "link", OP_LINK, { N, N }, { 0, 1 }, N, N, N, N, { NEVER, NEVER } },
	{ "linkat", OP_LINK, { 0, 2 }, { 1, 3 }, 4, N, N, N, { IF_FOLLOW, NEVER } },
	{ "listxattr", OP_LISTXATTR, { N, N }, { 0, N }, N, 1, 2, N, { ALWAYS } },
	{ "llistxattr", OP_LISTXATTR, { N, N }, { 0, N }, N, 1, 2, N, { NEVER } },
	{ "lremovexattr", OP_REMOVEXATTR, { N, N }, { 0, N }, N, 1, N, N, { NEVER } },
	{ "lsetxattr", OP_SETXATTR, { N, N }, { 0, N }, N, 1, 2, 3, { NEVER } },
	{ "lstat", OP_STAT, { N, N }, { 0, N }, N, 1, N, N, { NEVER } },
	{ "mkdir", OP_MKDIR, { N, N }, { 0, N }, N, 1, N, N, { NEVER } },
	{ "mkdirat", OP_MKDIR, { 0, N }, { 1, N }, N, 2, N, N, { NEVER } },
	{ "mknod", OP_MKNOD, { N, N }, { 0, N }, N, 1, 2, N, { NEVER } },
	{ "mknodat", OP_MKNOD, { 0, N }, { 1, N }, N, 2, 3, N, { NEVER } },
	{ "newfstatat", OP_STAT, { 0, N }, { 1, N }, 3, 2, N, N, { UNLESS_NOFOLLOW } },
	{ "open", OP_OPEN, { N, N }, { 0, N }, 1, N, N, N, { OPEN_FLAGS } },
	{ "openat", OP_OPEN, { 0, N }, { 1, N }, 2, N, N, N, { OPEN_FLAGS } },
	{ "openat2", OP_OPEN, { 0, N }, { 1, N }, N, N, N, N, { ALWAYS } },
	{ "readlink", OP_READLINK, { N, N }, { 0, N }, N, 1, 2, N, { NEVER } },
	{ "readlinkat", OP_READLINK, { 0, N }, { 1, N }, N, 2, 3, N, { NEVER } },
	{ "removexattr", OP_REMOVEXATTR, { N, N }, { 0, N }, N, 1, N, N, { ALWAYS } },
	{ "rename", OP_RENAME, { N, N }, { 0, 1 }, N, N, N, N, { NEVER, NEVER } },
	{ "renameat", OP_RENAME, { 0, 2 }, { 1, 3 }, N, N, N, N, { NEVER, NEVER } },
	{ "renameat2", OP_RENAME, { 0, 2 }, { 1, 3 }, 4, N, N, N, { NEVER, NEVER } },
	{ "rmdir", OP_UNLINK, { N, N }, { 0, N }, N, N, N, N, { NEVER }, AT_REMOVEDIR },
	{ "setxattr", OP_SETXATTR, { N, N }, { 0, N }, N, 1, 2, 3, { ALWAYS } },
	{ "stat", OP_STAT, { N, N }, { 0, N }, N, 1, N, N, { ALWAYS } },
	{ "statfs", OP_LOCATE, { N, N }, { 0, N }, N, N, N, N, { ALWAYS } },
	{ "statx", OP_STATX, { 0, N }, { 1, N }, 2, 3, 4, N, { UNLESS_NOFOLLOW } },
	/* the target is text stored in the link, never resolved */
	{ "symlink", OP_SYMLINK, { N, N }, { N, 1 }, N, 0, N, N, { NEVER, NEVER } },
	{ "symlinkat", OP_SYMLINK, { N, 1 }, { N, 2 }, N, 0, N, N, { NEVER, NEVER } },
	{ "truncate", OP_TRUNCATE, { N, N }, { 0, N }, N, 1, N, N, { ALWAYS } },
	{ "unlink", OP_UNLINK, { N, N }, { 0, N }, N, N, N, N, { NEVER } },
	{ "unlinkat", OP_UNLINK, { 0, N }, { 1, N }, 2, N, N, N, { NEVER } },
	{ "utimensat", OP_UTIMENS, { 0, N }, { 1, N }, 3, 2, N, N, { UNLESS_NOFOLLOW } },
	{ "utimes", OP_UTIMES, { N, N }, { 0, N }, N, 1, N, N, { ALWAYS } },
};
#undef N

static int cmp_spec(const void *key, const void *elem)
{
	return strcmp(key, ((const struct spec *)elem)->name);
}

static const struct spec *spec_of(const char *name)
{
	return name ? bsearch(name, specs, ARRAY_SIZE(specs), sizeof(specs[0]), cmp_spec) : NULL;
}

bool emupath_knows(const char *name)
{
	return spec_of(name) != NULL;
}

/* One call, from the session's thread to the thread that takes the
 * caller's identity and back. */
struct job {
	const struct emulate_call *c;
	const struct spec *s;
	const uint64_t *args;
	struct caller caller;
	int base[2];	     /* where each path starts: O_PATH fd, or AT_FDCWD */
	const char *path[2]; /* our copies */
	unsigned how[2];     /* RES_* */
	int flags;	     /* the call's AT_* flags (and the syscall's own) */
	/* in: what the op needs of the caller's memory, read beforehand */
	struct timespec times[2];
	bool have_times;
	char xname[XATTR_NAME_MAX_ + 1];
	size_t size; /* of the value or buffer */
	/* out */
	int ret; /* >= 0, or -errno */
	bool denied;
	int rule;
	int would_err;		     /* an "audit" rule's errno, the call allowed */
	struct plan_verdict verdict; /* the deciding one */
	const char *reason;
	char real[2][PATH_MAX];
	char self[192]; /* readlink of /proc/self for the caller */
	size_t out_len; /* bytes of the answer's data (out, or xbuf) for the caller */
	union {
		struct stat st;
		struct statx stx;
		char buf[PATH_MAX];
	} out;
	char *xbuf; /* an xattr value or list, in or out: size bytes */
};

/* The policy on @real, one path in its role; false (and the answer set)
 * if it refuses. */
static bool allowed(struct job *j, int i, const char *real)
{
	struct plan_ptrs ptrs = { .paths = { real }, .n_paths = 1 };
	struct plan_verdict v;
	int err;

	if (j->c->operator_allow) {
		err = emulate_operator_verdict(j->c, i, real, &j->reason);
		if (err) {
			j->ret = -err;
			j->denied = true;
		}
		return err == 0;
	}
	v = plan_eval_ptrs(j->c->plan, j->c->arch, j->c->req->data.nr, j->args, &ptrs);
	err = emulate_verdict(&v, &j->would_err);

	j->rule = v.rule >= 0 ? v.rule : RECORD_RULE_DEFAULT;
	j->verdict = v;
	if (err) {
		j->ret = -err;
		j->denied = true;
	}
	return err == 0;
}

static void refused(struct job *j, const struct resolved *r)
{
	j->ret = -r->err;
	j->denied = r->refused;
	j->reason = r->reason;
}

static bool is_dot(const char *last)
{
	return strcmp(last, ".") == 0 || strcmp(last, "..") == 0 || strcmp(last, "./") == 0 ||
	       strcmp(last, "../") == 0;
}

/* The object @r, for an op that takes an fd: its own, or reopened. */
static int object_fd(const struct resolved *r)
{
	return r->fd >= 0 ? fcntl(r->fd, F_DUPFD_CLOEXEC, 3)
			  : openat(r->parent, r->last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

static long res(long r)
{
	return r < 0 ? -errno : r;
}

static long do_stat(struct job *j, const struct resolved *r)
{
	if (r->fd >= 0)
		return res(fstatat(r->fd, "", &j->out.st, AT_EMPTY_PATH));
	/* the resolution's own look at the name answers it: the same call,
	 * made just now in the caller's identity, but for a trailing slash
	 * (it looks at the name without) and AT_NO_AUTOMOUNT (not passed) */
	if (r->exists && !(j->flags & AT_NO_AUTOMOUNT) && r->last[0] &&
	    r->last[strlen(r->last) - 1] != '/') {
		j->out.st = r->st;
		return 0;
	}
	return res(fstatat(r->parent, r->last, &j->out.st,
			   AT_SYMLINK_NOFOLLOW | (j->flags & AT_NO_AUTOMOUNT)));
}

static long do_statx(struct job *j, const struct resolved *r)
{
	int keep = j->flags & (AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE);
	unsigned mask = (unsigned)j->args[j->s->a];

	if (r->fd >= 0)
		return res(statx(r->fd, "", AT_EMPTY_PATH | keep, mask, &j->out.stx));
	return res(statx(r->parent, r->last, AT_SYMLINK_NOFOLLOW | keep, mask, &j->out.stx));
}

static long do_truncate(struct job *j, const struct resolved *r, int procfd)
{
	_cleanup_close_ int fd = -1;
	char name[16];

	if (S_ISDIR(r->st.st_mode))
		return -EISDIR;
	if (!S_ISREG(r->st.st_mode))
		return -EINVAL;
	if (r->fd >= 0) {
		snprintf(name, sizeof(name), "%d", r->fd);
		fd = openat(procfd, name, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	} else {
		fd = openat(r->parent, r->last, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return errno == ELOOP ? -EACCES : -errno;
	return res(ftruncate(fd, (off_t)j->args[1]));
}

static long do_chmod(struct job *j, const struct resolved *r, int procfd)
{
	mode_t mode = (mode_t)j->args[j->s->a];
	char name[16];
	long n;

	if (r->fd >= 0) {
		snprintf(name, sizeof(name), "%d", r->fd);
		return res(fchmodat(procfd, name, mode, 0));
	}
	n = syscall(SYS_fchmodat2, r->parent, r->last, mode, AT_SYMLINK_NOFOLLOW);
	if (n < 0 && errno == ENOSYS) {
		/* before 6.6: through an fd of the very object */
		_cleanup_close_ int fd = object_fd(r);

		if (fd < 0)
			return -errno;
		if (S_ISLNK(r->st.st_mode))
			return -EOPNOTSUPP;
		snprintf(name, sizeof(name), "%d", fd);
		return res(fchmodat(procfd, name, mode, 0));
	}
	return res(n);
}

static long do_utimens(struct job *j, const struct resolved *r)
{
	const struct timespec *t = j->have_times ? j->times : NULL;

	if (r->fd >= 0)
		return res(utimensat(r->fd, "", t, AT_EMPTY_PATH));
	return res(utimensat(r->parent, r->last, t, AT_SYMLINK_NOFOLLOW));
}

static long do_access(struct job *j, const struct resolved *r)
{
	int mode = (int)j->args[j->s->a];

	if (r->fd >= 0)
		return res(syscall(SYS_faccessat2, r->fd, "", mode, AT_EMPTY_PATH | AT_EACCESS));
	return res(syscall(SYS_faccessat2, r->parent, r->last, mode,
			   AT_EACCESS | AT_SYMLINK_NOFOLLOW));
}

/* The xattr calls take no dirfd: from the pinned directory as our cwd
 * (this thread has a struct fs of its own), never following the name. */
static long do_xattr(struct job *j, const struct resolved *r)
{
	if (r->fd >= 0)
		return -EACCES; /* through a magic link: not carried out */
	if (fchdir(r->parent) < 0)
		return -errno;
	switch (j->s->op) {
	case OP_SETXATTR:
		return res(lsetxattr(r->last, j->xname, j->xbuf, j->size, (int)j->args[4]));
	case OP_GETXATTR: {
		ssize_t n = lgetxattr(r->last, j->xname, j->xbuf, j->size);

		if (n > 0 && j->size)
			j->out_len = (size_t)n;
		return res(n);
	}
	case OP_LISTXATTR: {
		ssize_t n = llistxattr(r->last, j->xbuf, j->size);

		if (n > 0 && j->size)
			j->out_len = (size_t)n;
		return res(n);
	}
	default: return res(lremovexattr(r->last, j->xname));
	}
}

/* Whether @r is the "self" or "thread-self" link of a procfs root; if so,
 * what it says to the caller, into j->self. */
static bool self_link(struct job *j, const struct resolved *r, int procfd)
{
	struct resolve_ctx x;
	const char *tail;

	if (r->fd >= 0 || (strcmp(r->last, "self") != 0 && strcmp(r->last, "thread-self") != 0))
		return false;
	{
		struct stat st;

		if (fstat(r->parent, &st) < 0 || st.st_ino != 1 || !resolve_on_procfs(r->parent))
			return false;
	}
	resolve_ctx_init(&x, &j->caller, procfd, 0);
	/* "/proc/N" and "/proc/N/task/T": what follows "/proc/" */
	tail = strcmp(r->last, "self") == 0 ? x.target_proc + 6 : x.target_thread + 6;
	snprintf(j->self, sizeof(j->self), "%s", tail);
	return true;
}

/* The op on one resolved path @r (decided on already). */
static long act_one(struct job *j, const struct resolved *r, int procfd)
{
	const uint64_t *a = j->args;
	const struct spec *s = j->s;

	switch (s->op) {
	case OP_MKDIR: return res(mkdirat(r->parent, r->last, (mode_t)a[s->a]));
	case OP_MKNOD: return res(mknodat(r->parent, r->last, (mode_t)a[s->a], (dev_t)a[s->b]));
	case OP_UNLINK: return res(unlinkat(r->parent, r->last, j->flags & AT_REMOVEDIR));
	case OP_SYMLINK: return res(symlinkat(j->c->raw, r->parent, r->last));
	case OP_CHMOD: return do_chmod(j, r, procfd);
	case OP_CHOWN:
		if (r->fd >= 0)
			return res(
				fchownat(r->fd, "", (uid_t)a[s->a], (gid_t)a[s->b], AT_EMPTY_PATH));
		return res(fchownat(r->parent, r->last, (uid_t)a[s->a], (gid_t)a[s->b],
				    AT_SYMLINK_NOFOLLOW));
	case OP_UTIMENS:
	case OP_UTIMES: return do_utimens(j, r);
	case OP_TRUNCATE: return do_truncate(j, r, procfd);
	case OP_STAT: {
		long n = do_stat(j, r);

		if (n == 0)
			j->out_len = sizeof(j->out.st);
		return n;
	}
	case OP_STATX: {
		long n = do_statx(j, r);

		if (n == 0)
			j->out_len = sizeof(j->out.stx);
		return n;
	}
	case OP_ACCESS: return do_access(j, r);
	case OP_READLINK: {
		size_t size = j->size < sizeof(j->out.buf) ? j->size : sizeof(j->out.buf);
		ssize_t n = r->fd >= 0 ? readlinkat(r->fd, "", j->out.buf, size)
				       : readlinkat(r->parent, r->last, j->out.buf, size);

		/* /proc/self names the reader: the caller, not us */
		if (n >= 0 && self_link(j, r, procfd)) {
			n = (ssize_t)strlen(j->self);
			n = (size_t)n < size ? n : (ssize_t)size;
			memcpy(j->out.buf, j->self, (size_t)n);
		}

		if (n > 0)
			j->out_len = (size_t)n;
		return res(n);
	}
	case OP_SETXATTR:
	case OP_GETXATTR:
	case OP_LISTXATTR:
	case OP_REMOVEXATTR: return do_xattr(j, r);
	default: return 0;
	}
}

/* Whether the kernel looks the last component up as a name to act on
 * (LOOKUP_PARENT: a trailing slash does not follow a symlink there). */
static bool parent_style(enum op op)
{
	return op == OP_MKDIR || op == OP_MKNOD || op == OP_UNLINK || op == OP_RENAME ||
	       op == OP_LINK || op == OP_SYMLINK;
}

/* Whether the op creates the name (EEXIST if it is there) or needs it. */
static bool creates(enum op op)
{
	return op == OP_MKDIR || op == OP_MKNOD || op == OP_SYMLINK;
}

static void run_job(void *arg, int procfd)
{
	struct job *j = arg;
	const struct spec *s = j->s;
	struct resolve_ctx x;
	struct resolved r[2] = { { .parent = -1, .fd = -1 }, { .parent = -1, .fd = -1 } };

	resolve_ctx_init(&x, &j->caller, procfd, 0);
	for (int i = 0; i < 2; i++) {
		if (s->path[i] < 0)
			continue;
		if (resolve_at(&x, j->base[i], j->path[i], j->how[i], &r[i]) < 0) {
			refused(j, &r[i]);
			goto out;
		}
		snprintf(j->real[i], sizeof(j->real[i]), "%s", r[i].real);
		if (j->c->decide_only)
			continue;
		/* the kernel's answers that come before any permission */
		if (r[i].fd < 0 && !r[i].exists && !is_dot(r[i].last) &&
		    !(creates(s->op) || (s->op == OP_LINK && i == 1) ||
		      (s->op == OP_RENAME && i == 1))) {
			j->ret = -ENOENT;
			goto out;
		}
		if ((creates(s->op) || (s->op == OP_LINK && i == 1)) &&
		    (r[i].fd >= 0 || r[i].exists || is_dot(r[i].last))) {
			j->ret = -EEXIST;
			goto out;
		}
	}
	/* each path for its role: the first refusal stands */
	for (int i = 0; i < 2; i++)
		if (s->path[i] >= 0 && !allowed(j, i, r[i].real))
			goto out;
	if (s->op == OP_LOCATE || j->c->decide_only) {
		j->ret = 1; /* allowed: continued */
		goto out;
	}
	if (s->op == OP_RENAME) {
		j->ret = res(syscall(SYS_renameat2, r[0].parent, r[0].last, r[1].parent, r[1].last,
				     j->flags));
	} else if (s->op == OP_LINK) {
		if (r[0].fd >= 0) {
			char name[16];

			snprintf(name, sizeof(name), "%d", r[0].fd);
			j->ret = res(
				linkat(procfd, name, r[1].parent, r[1].last, AT_SYMLINK_FOLLOW));
		} else {
			j->ret = res(linkat(r[0].parent, r[0].last, r[1].parent, r[1].last, 0));
		}
	} else {
		j->ret = act_one(j, &r[s->path[0] >= 0 ? 0 : 1], procfd);
	}
out:
	resolved_done(&r[0]);
	resolved_done(&r[1]);
}

/* The kernel's checks of the arguments, before any lookup: 0 or -errno. */
static int check_args(struct job *j)
{
	const struct spec *s = j->s;
	const uint64_t *a = j->args;
	int f = j->flags;

	switch (s->op) {
	case OP_UNLINK: return f & ~AT_REMOVEDIR ? -EINVAL : 0;
	case OP_RENAME:
		if (f & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
			return -EINVAL;
		return (f & RENAME_NOREPLACE) && (f & RENAME_EXCHANGE) ? -EINVAL : 0;
	case OP_LINK:
		if (f & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		/* an fd named by AT_EMPTY_PATH: CAP_DAC_READ_SEARCH only */
		if ((f & AT_EMPTY_PATH) && !(j->caller.cap_eff >> CAP_DAC_READ_SEARCH_BIT & 1))
			return -ENOENT;
		return 0;
	case OP_MKNOD:
		switch (a[s->a] & S_IFMT) {
		case 0:
		case S_IFREG:
		case S_IFCHR:
		case S_IFBLK:
		case S_IFIFO:
		case S_IFSOCK: return 0;
		case S_IFDIR: return -EPERM;
		default: return -EINVAL;
		}
	case OP_CHMOD:
	case OP_CHOWN:
	case OP_UTIMENS: return f & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) ? -EINVAL : 0;
	case OP_STAT:
		return f & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH) ? -EINVAL : 0;
	case OP_STATX:
		if (f &
		    ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
			return -EINVAL;
		if ((f & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
			return -EINVAL;
		return (uint32_t)a[s->a] & STATX__RESERVED ? -EINVAL : 0;
	case OP_ACCESS:
		if (f & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		return a[s->a] & ~(uint64_t)07 ? -EINVAL : 0;
	case OP_READLINK: return (int64_t)a[s->b] <= 0 ? -EINVAL : 0;
	case OP_TRUNCATE: return (int64_t)a[1] < 0 ? -EINVAL : 0;
	default: return 0;
	}
}

/* What the op needs of the caller's memory besides the paths, read once
 * here: 0 or -errno. */
/* Whether read_more() reads the caller's memory (by its pid). */
static bool reads_memory(const struct job *j)
{
	switch (j->s->op) {
	case OP_UTIMENS:
	case OP_UTIMES: return !j->c->decide_only && j->args[j->s->a];
	case OP_SETXATTR:
	case OP_GETXATTR:
	case OP_REMOVEXATTR: return !j->c->decide_only;
	default: return false;
	}
}

static int read_more(struct job *j)
{
	const struct spec *s = j->s;
	const uint64_t *a = j->args;
	pid_t tid = (pid_t)j->c->req->pid;

	switch (s->op) {
	case OP_UTIMENS:
		if (!a[s->a])
			return 0;
		if (procmem_read(tid, a[s->a], j->times, sizeof(j->times)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			if (j->times[i].tv_nsec != UTIME_NOW && j->times[i].tv_nsec != UTIME_OMIT &&
			    (j->times[i].tv_nsec < 0 || j->times[i].tv_nsec > 999999999))
				return -EINVAL;
		j->have_times = true;
		return 0;
	case OP_UTIMES: {
		struct timeval tv[2];

		if (!a[s->a])
			return 0;
		if (procmem_read(tid, a[s->a], tv, sizeof(tv)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			j->times[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
		j->have_times = true;
		return 0;
	}
	case OP_READLINK: j->size = (size_t)a[s->b]; return 0;
	case OP_SETXATTR:
	case OP_GETXATTR:
	case OP_REMOVEXATTR: {
		ssize_t n = procmem_read_str(tid, a[s->a], j->xname, sizeof(j->xname));

		if (n == -ENAMETOOLONG || n == 0)
			return -ERANGE;
		if (n < 0)
			return -EFAULT;
		if (s->op == OP_REMOVEXATTR)
			return 0;
		j->size = (size_t)a[s->c];
		if (s->op == OP_GETXATTR) {
			if (j->size > XATTR_SIZE_MAX_)
				j->size = XATTR_SIZE_MAX_;
			return j->size && !(j->xbuf = malloc(j->size)) ? -ENOMEM : 0;
		}
		if (j->size > XATTR_SIZE_MAX_)
			return -E2BIG;
		if (j->size && (!(j->xbuf = malloc(j->size)) ||
				procmem_read(tid, a[s->b], j->xbuf, j->size) < 0))
			return j->xbuf ? -EFAULT : -ENOMEM;
		return 0;
	}
	case OP_LISTXATTR:
		j->size = (size_t)a[s->b];
		if (j->size > XATTR_SIZE_MAX_)
			j->size = XATTR_SIZE_MAX_;
		return j->size && !(j->xbuf = malloc(j->size)) ? -ENOMEM : 0;
	default: return 0;
	}
}

/* Whether this ABI's layout of what the op writes is ours (x86_64). */
static bool layout_ours(const struct spec *s, enum cg_arch arch)
{
	if (s->op == OP_STAT || s->op == OP_UTIMES || s->op == OP_UTIMENS)
		return arch == CG_ARCH_X86_64 || arch == CG_ARCH_X32;
	return true;
}

static void answer(struct emulate_result *res, long ret, bool denied)
{
	res->outcome = EMULATE_ANSWER;
	res->ret = (int)ret;
	res->denied = denied;
}

int emupath_call(const struct emulate_call *c, struct emulate_result *res)
{
	const struct spec *s = spec_of(c->name);
	const uint64_t *args = (const uint64_t *)c->req->data.args;
	pid_t tid = (pid_t)c->req->pid;
	struct job *j;
	int r;

	res->rule = EMULATE_RULE_SAME;
	if (!s || (!layout_ours(s, c->arch) && !c->decide_only) || !c->raw ||
	    (s->op == OP_OPEN && !c->decide_only)) {
		res->outcome = EMULATE_DECLINED;
		return 0;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		res->outcome = EMULATE_ANSWER;
		res->ret = -EAGAIN;
		res->denied = true;
		res->reason = "callgate is out of memory";
		return 0;
	}
	j->c = c;
	j->s = s;
	j->args = args;
	j->caller.rootfd = -1;
	j->base[0] = j->base[1] = AT_FDCWD;
	j->flags = (s->flags >= 0 ? (int)args[s->flags] : 0) | s->fixed_flags;
	r = -caller_read(tid, &j->caller);
	if (r > 0) {
		res->outcome = r == ENOENT || r == ESRCH ? EMULATE_GONE : EMULATE_ANSWER;
		res->ret = -r;
		goto out;
	}
	if (s->op == OP_OPEN)
		j->flags = 0; /* open(2) flags, not AT_* ones */
	if (s->op == OP_ACCESS && !c->decide_only && !(j->flags & AT_EACCESS) &&
	    (j->caller.ruid != j->caller.fsuid || j->caller.rgid != j->caller.fsgid ||
	     (j->caller.ruid != 0 && j->caller.cap_eff))) {
		/* access(2) checks with the real ids: not ours to take */
		res->outcome = EMULATE_DECLINED;
		goto out;
	}
	r = c->decide_only ? 0 : check_args(j);
	if (!r && !c->decide_only)
		r = read_more(j);
	if (r == -ENOMEM) {
		/* ours, not the caller's: fail closed */
		answer(res, -EAGAIN, true);
		res->reason = "callgate is out of memory";
		goto out;
	}
	if (r < 0) {
		answer(res, r, false);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		int d = s->dirfd[i];
		char link[64];

		if (s->path[i] < 0)
			continue;
		/* in the order decode.c read them (sysargs.h) */
		j->path[i] = i == 0 ? c->raw : c->raw2;
		if (!j->path[i]) {
			res->outcome = EMULATE_DECLINED;
			goto out;
		}
		j->how[i] = 0;
		if (s->follow[i] == ALWAYS ||
		    (s->follow[i] == OPEN_FLAGS && !(args[s->flags] & O_NOFOLLOW) &&
		     !((args[s->flags] & O_CREAT) && (args[s->flags] & O_EXCL))) ||
		    (s->follow[i] == UNLESS_NOFOLLOW && !(j->flags & AT_SYMLINK_NOFOLLOW)) ||
		    (s->follow[i] == IF_FOLLOW && (j->flags & AT_SYMLINK_FOLLOW)))
			j->how[i] |= RES_FOLLOW;
		if ((j->flags & AT_EMPTY_PATH) || s->op == OP_READLINK)
			j->how[i] |= RES_EMPTY_PATH; /* readlinkat(fd, "") since 2.6.39 */
		if (parent_style(s->op) && !(s->op == OP_LINK && i == 0))
			j->how[i] |= RES_PARENT;
		if (s->op == OP_UTIMENS && !args[s->path[i]])
			j->how[i] |= RES_EMPTY_PATH; /* utimensat(fd, NULL): the fd */
		if (j->path[i][0] == '/')
			continue;
		if (d < 0 || (int)args[d] == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, (int)args[d]);
		/* the very directory (or file, for AT_EMPTY_PATH) the caller holds */
		j->base[i] = open(link, O_PATH | O_CLOEXEC);
		if (j->base[i] < 0) {
			r = errno;
			if (r == ENOENT && d >= 0 && (int)args[d] != AT_FDCWD)
				answer(res, -EBADF, false);
			else if (r == ENOENT)
				res->outcome = EMULATE_GONE;
			else
				answer(res, -EACCES, true);
			goto out;
		}
	}
	/* all of the above the caller's (pids are reused); read only
	 * through its kept /proc entry (no cwd or dirfd opened, nothing read
	 * of its memory by number), it is (caller.h) */
	if (!(j->caller.pinned && j->base[0] == AT_FDCWD && j->base[1] == AT_FDCWD &&
	      !reads_memory(j)) &&
	    notif_id_valid(c->listener, c->req->id) < 0) {
		res->outcome = EMULATE_GONE;
		goto out;
	}
	r = caller_run(&j->caller, creates(s->op) || s->op == OP_LINK || s->op == OP_RENAME,
		       s->op >= OP_SETXATTR && s->op <= OP_REMOVEXATTR, run_job, j);
	res->rule = j->rule;
	res->would_err = j->would_err;
	snprintf(res->path, sizeof(res->path), "%s", j->real[s->path[0] >= 0 ? 0 : 1]);
	res->path_arg = s->path[0] >= 0 ? s->path[0] : s->path[1];
	if (s->path[0] >= 0 && s->path[1] >= 0) {
		snprintf(res->path2, sizeof(res->path2), "%s", j->real[1]);
		res->path2_arg = s->path[1];
	}
	if (r < 0) {
		answer(res, -EACCES, true);
		res->reason = "the caller's identity could not be taken";
		goto out;
	}
	if (c->decide_only) {
		/* audit: what the policy says of the object reached */
		res->outcome = j->ret == 1 || j->denied ? EMULATE_CONTINUE : EMULATE_DECLINED;
		res->verdict = j->verdict;
		goto out;
	}
	if (s->op == OP_LOCATE && j->ret == 1) {
		/* allowed on what it reaches; carried out by the kernel */
		res->outcome = EMULATE_CONTINUE;
		goto out;
	}
	if (j->ret >= 0 && j->out_len) {
		/* the answer's data into the caller's memory */
		uint64_t to = args[s->op == OP_STATX || s->op == OP_GETXATTR ? s->b : s->a];

		if (notif_id_valid(c->listener, c->req->id) < 0) {
			res->outcome = EMULATE_GONE;
			goto out;
		}
		if (procmem_write(tid, to, j->xbuf ? (const void *)j->xbuf : &j->out, j->out_len) <
		    0)
			j->ret = -EFAULT;
	}
	answer(res, j->ret, j->denied);
	res->reason = j->reason;
out:
	for (int i = 0; i < 2; i++)
		if (j->base[i] >= 0)
			close(j->base[i]);
	caller_done(&j->caller);
	free(j->xbuf);
	free(j);
	return 0;
}
