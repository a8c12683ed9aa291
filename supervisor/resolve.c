/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "callgate/pathmatch.h"
#include "resolve.h"

#define HOPS_MAX      40 /* symlinks followed, as the kernel's MAXSYMLINKS */
#define PROC_ROOT_INO 1	 /* the inode of a procfs mount's root */

static long openat2_(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };

	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

void resolve_ctx_init(struct resolve_ctx *x, const struct caller *c, int procfd, uint64_t resolve)
{
	x->caller = c;
	x->procfd = procfd;
	x->resolve = resolve;
	/* in a chroot, /proc is the caller's mount: its own pid numbers */
	snprintf(x->target_proc, sizeof(x->target_proc), "/proc/%d",
		 c->chrooted ? (int)c->ns_tgid : (int)c->tgid);
	snprintf(x->target_thread, sizeof(x->target_thread), "%s/task/%d", x->target_proc,
		 c->chrooted ? (int)c->ns_tid : (int)c->tid);
}

void resolved_done(struct resolved *r)
{
	closep(&r->parent);
	closep(&r->fd);
}

int resolve_fd_name(int procfd, int fd, char *buf, size_t size)
{
	char name[16];
	ssize_t n;

	snprintf(name, sizeof(name), "%d", fd);
	n = readlinkat(procfd, name, buf, size - 1);
	if (n < 0) {
		buf[0] = '\0';
		return -errno;
	}
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	if (buf[0] != '/')
		return -ENOENT;
	/* d_path() marks an unlinked file; a real name could end so too,
	 * the check that the name leads back to the object tells them apart */
	return 0;
}

/* Whether @fd is on a procfs mount. */
bool resolve_on_procfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* The @i-th component (from 0) of absolute @path into @out. */
static bool component(const char *path, size_t i, char *out, size_t size)
{
	const char *p = path;

	for (;;) {
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			return false;
		n = strcspn(p, "/");
		if (i-- == 0) {
			if (n >= size)
				return false;
			memcpy(out, p, n);
			out[n] = '\0';
			return true;
		}
		p += n;
	}
}

static size_t components(const char *path)
{
	size_t n = 0;

	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		n++;
		p += strcspn(p, "/");
	}
	return n;
}

/*
 * Whether @task (a name in procfs root @root) is a thread of ours: the
 * procfs's "self" names our thread group in its pid namespace (none if we
 * are not in it), and its task/ directory lists our threads.
 */
static bool task_is_ours(int root, const char *task)
{
	char self[32], path[64];
	ssize_t n;

	if (!*task || strspn(task, "0123456789") != strlen(task))
		return false;
	n = readlinkat(root, "self", self, sizeof(self) - 1);
	if (n <= 0)
		return n < 0 && errno != ENOENT; /* unknown: fail closed */
	self[n] = '\0';
	if (strcmp(self, task) == 0)
		return true;
	snprintf(path, sizeof(path), "%s/task/%s", self, task);
	return faccessat(root, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

bool resolve_is_ours(int dirfd, const char *dir_real, const char *name)
{
	_cleanup_close_ int cur = -1;
	char task[NAME_MAX + 1];
	struct stat st, up;
	size_t depth = 0, n;

	if (!resolve_on_procfs(dirfd))
		return false;
	/* up to the root of this procfs mount, counting the steps */
	cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0 || fstat(cur, &st) < 0)
		return true; /* cannot tell: fail closed */
	while (st.st_ino != PROC_ROOT_INO) {
		int next = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (next < 0 || fstat(next, &up) < 0 || up.st_dev != st.st_dev || depth > 64) {
			/* a procfs directory mounted on its own elsewhere:
			 * whose entry it is cannot be told */
			if (next >= 0)
				close(next);
			return true;
		}
		close(cur);
		cur = next;
		st = up;
		depth++;
	}
	if (depth == 0)
		return task_is_ours(cur, name);
	/* the component of dir_real right below the procfs root */
	n = components(dir_real);
	if (n < depth || !component(dir_real, n - depth, task, sizeof(task)))
		return true;
	return task_is_ours(cur, task);
}

/* If @p is @from or below it, write @to and the rest to @out. */
static bool rewrite_prefix(const char *p, const char *from, const char *to, char *out, size_t size)
{
	size_t n = strlen(from);

	if (!*from || strncmp(p, from, n) != 0 || (p[n] != '/' && p[n] != '\0'))
		return false;
	return (size_t)snprintf(out, size, "%s%s", to, p + n) < size;
}

/* Our /proc/PID and /proc/PID/task/TID, as the resolving thread (the
 * same thread through a resolution) names them: made once per thread. */
static __thread char our_proc[64], our_task[96];

static void ours_names(void)
{
	if (our_proc[0])
		return;
	snprintf(our_proc, sizeof(our_proc), "/proc/%d", (int)getpid());
	snprintf(our_task, sizeof(our_task), "%s/task/%d", our_proc, (int)gettid());
}

/* /proc/self and /proc/thread-self name whoever resolves them: the
 * caller's, when we resolve for it (as text, and as the directory they
 * led to: our own entry by number). */
static bool rewrite_self(const struct resolve_ctx *x, const char *p, char *out, size_t size,
			 bool by_number)
{
	ours_names();
	return rewrite_prefix(p, "/proc/thread-self", x->target_thread, out, size) ||
	       rewrite_prefix(p, "/proc/self", x->target_proc, out, size) ||
	       (by_number && (rewrite_prefix(p, our_task, x->target_thread, out, size) ||
			      rewrite_prefix(p, our_proc, x->target_proc, out, size)));
}

/*
 * Whether @dir_real, a directory in our own /proc/PID entry, was named so
 * by @path itself (by our number, not through /proc/self): then it is
 * refused, where one reached through a "self" symlink is the caller's.
 */
static bool names_ours(const struct resolve_ctx *x, int base, const char *path,
		       const char *dir_real)
{
	char text[PATH_MAX], from[PATH_MAX];

	ours_names();
	if (!rewrite_prefix(dir_real, our_proc, "", text, sizeof(text)))
		return false;
	if (path[0] == '/')
		snprintf(from, sizeof(from), "/");
	else if (resolve_fd_name(x->procfd, base, from, sizeof(from)) < 0)
		return true; /* cannot tell: fail closed */
	if (path_normalize(from, path, text, sizeof(text)) < 0)
		return true;
	return rewrite_prefix(text, our_proc, "", from, sizeof(from));
}

/* Whether @real (canonical, as this thread sees it) leads back to the
 * object @fd is: same mount, same inode. */
static bool leads_back(int fd, const char *real)
{
	_cleanup_close_ int again = -1;
	struct statx a, b;

	again = (int)openat2_(AT_FDCWD, real, O_PATH | O_NOFOLLOW | O_CLOEXEC,
			      RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (again < 0)
		return false;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_MNT_ID, &a) < 0 ||
	    statx(again, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_MNT_ID, &b) < 0)
		return false;
	if (!(a.stx_mask & STATX_MNT_ID) || !(b.stx_mask & STATX_MNT_ID))
		return false;
	return a.stx_ino == b.stx_ino && a.stx_dev_major == b.stx_dev_major &&
	       a.stx_dev_minor == b.stx_dev_minor && a.stx_mnt_id == b.stx_mnt_id;
}

/* resolve_is_ours() for an object on procfs known by its fd and its
 * (checked) real name. */
static bool object_is_ours(int fd, const struct stat *st, const char *real)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(real, '/');
	_cleanup_close_ int parent = -1;

	if (S_ISDIR(st->st_mode))
		return resolve_is_ours(fd, real, "");
	if (!slash || (size_t)(slash - real) >= sizeof(dir))
		return true;
	memcpy(dir, real, (size_t)(slash - real));
	dir[slash - real] = '\0';
	parent = (int)openat2_(AT_FDCWD, dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC,
			       RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	return parent < 0 || resolve_is_ours(parent, dir, slash + 1);
}

static int refuse(struct resolved *out, const char *reason)
{
	out->err = EACCES;
	out->refused = true;
	out->reason = reason;
	return -EACCES;
}

static int fail(struct resolved *out, int err)
{
	out->err = err;
	return -err;
}

/*
 * The object @out->fd is (a magic link's, or the base of AT_EMPTY_PATH):
 * its real name, checked to lead back to it.  A pipe, a socket, an anon
 * inode is named by its text ("pipe:[...]"), which no path rule matches
 * unless it says so.
 */
static int name_object(const struct resolve_ctx *x, struct resolved *out, bool strict)
{
	int r = resolve_fd_name(x->procfd, out->fd, out->real, sizeof(out->real));

	if (fstatat(out->fd, "", &out->st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0)
		out->exists = true;
	if (r == -ENOENT && out->real[0] && out->real[0] != '/')
		return 0; /* not a file of any directory */
	if (r < 0 || !leads_back(out->fd, out->real)) {
		/* an fd the caller holds: named as the kernel names it */
		if (!strict && r == 0)
			return 0;
		/* a FIFO or socket from elsewhere (runc's exec.fifo, inherited
		 * from outside the container's root): no file a rule could
		 * protect; decided on the name the call gave */
		if (out->exists && (S_ISFIFO(out->st.st_mode) || S_ISSOCK(out->st.st_mode)))
			return 0;
		return refuse(out, r < 0 ? "the object has no name of its own (deleted)"
					 : "the object's name does not lead to it (a detached "
					   "mount, another mount namespace, or deleted)");
	}
	out->verified = true;
	if (resolve_on_procfs(out->fd) && object_is_ours(out->fd, &out->st, out->real))
		return refuse(out, "callgate's own /proc entry");
	return 0;
}

/* fs.protected_symlinks: may this thread follow the link @st in @dir? */
static int may_follow(int dir, const struct stat *link)
{
	char buf[8] = "";
	struct stat d;
	_cleanup_close_ int fd = -1;

	if (fstat(dir, &d) < 0)
		return -errno;
	if (!(d.st_mode & S_ISVTX) || !(d.st_mode & S_IWOTH))
		return 0;
	if (link->st_uid == (uid_t)syscall(SYS_setfsuid, -1) || link->st_uid == d.st_uid)
		return 0;
	fd = open("/proc/sys/fs/protected_symlinks", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && buf[0] == '0')
		return 0;
	/* unreadable (no /proc in the caller's root): the kernel's default */
	return -EACCES;
}

/* @path without its trailing slashes (kept as a flag), split into @dir
 * and @last. */
static int split(const char *path, char *dir, size_t dsize, char *last, size_t lsize, bool *slash)
{
	size_t len = strlen(path);
	const char *s;
	size_t n;

	*slash = false;
	while (len > 1 && path[len - 1] == '/') {
		len--;
		*slash = true;
	}
	s = memrchr(path, '/', len);
	n = s ? len - (size_t)(s - path) - 1 : len;
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	if (n + 2 > lsize)
		return -ENAMETOOLONG;
	memcpy(last, s ? s + 1 : path, n);
	last[n] = '\0';
	if (n == 0)
		snprintf(last, lsize, "."); /* "/": the root by its own name */
	if (!s) {
		snprintf(dir, dsize, ".");
		return 0;
	}
	n = s == path ? 1 : (size_t)(s - path);
	if (n >= dsize)
		return -ENAMETOOLONG;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/*
 * Whether @dir is an absolute path in canonical form: no "." or ".."
 * component, no empty one ("//"), no trailing '/' (but "/" itself).  Such a
 * directory reached from the thread's root (the caller's) with no symlink
 * and no magic link is named by that very text, as d_path() would name it.
 */
static bool clean_dir(const char *dir)
{
	const char *p = dir;

	if (*p != '/')
		return false;
	if (!p[1])
		return true;
	while (*p == '/') {
		size_t n = strcspn(++p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
	}
	return *p == '\0';
}

/* The caller's own fd N, named as @dir/@last by its /proc entry. */
static int own_fd(const struct resolve_ctx *x, const char *dir, const char *last)
{
	char fd_dir[160];

	if (!*last || strspn(last, "0123456789") != strlen(last) || strlen(last) > 9)
		return -1;
	snprintf(fd_dir, sizeof(fd_dir), "%s/fd", x->target_proc);
	if (strcmp(dir, fd_dir) != 0) {
		snprintf(fd_dir, sizeof(fd_dir), "%s/fd", x->target_thread);
		if (strcmp(dir, fd_dir) != 0)
			return -1;
	}
	return atoi(last);
}

/* A magic link as the last component, followed: its object. */
static int follow_magic(const struct resolve_ctx *x, const char *dir, struct resolved *out)
{
	int n = own_fd(x, dir, out->last);

	if (x->resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS))
		return fail(out, ELOOP);
	if (n >= 0) {
		/* the caller's own fd: it may reopen it whatever its
		 * dumpable flag says, we would not pass the ptrace check */
		out->fd = caller_getfd_as_us(x->caller, n);
		if (out->fd < 0)
			return out->fd == -EBADF
				       ? fail(out, ENOENT)
				       : refuse(out, "the caller's fd could not be taken");
	} else {
		/* followed by the kernel, with the caller's credentials */
		out->fd = openat(out->parent, out->last, O_PATH | O_CLOEXEC);
		if (out->fd < 0)
			return fail(out, errno);
	}
	closep(&out->parent);
	out->last[0] = '\0';
	return name_object(x, out, true);
}

int resolve_at(const struct resolve_ctx *x, int base, const char *path, unsigned how,
	       struct resolved *out)
{
	char cur[PATH_MAX], dir[PATH_MAX], dir_real[PATH_MAX], tmp[PATH_MAX], link[PATH_MAX];
	uint64_t resolve = x->resolve;
	int start = base;
	bool follow = how & RES_FOLLOW;
	/* "/proc/self" itself, not followed, is the symlink */
	bool self_text = follow || (strcmp(path, "/proc/self") != 0 &&
				    strcmp(path, "/proc/thread-self") != 0);
	bool slash, verify = base != AT_FDCWD || path[0] != '/' || resolve;

	*out = (struct resolved){ .parent = -1, .fd = -1 };
	if (!*path && !(how & RES_EMPTY_PATH))
		return fail(out, ENOENT);
	if (!*path) {
		/* AT_EMPTY_PATH: the fd itself */
		if (base == AT_FDCWD)
			return fail(out, ENOENT);
		out->fd = fcntl(base, F_DUPFD_CLOEXEC, 3);
		if (out->fd < 0)
			return fail(out, errno);
		return name_object(x, out, false);
	}
	if (strlen(path) >= sizeof(cur))
		return fail(out, ENAMETOOLONG);
	if (self_text && !(resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) &&
	    rewrite_self(x, path, tmp, sizeof(tmp), false)) {
		snprintf(cur, sizeof(cur), "%s", tmp);
		base = AT_FDCWD;
	} else {
		snprintf(cur, sizeof(cur), "%s", path);
	}
	for (int hops = 0;; hops++) {
		int r = split(cur, dir, sizeof(dir), out->last, sizeof(out->last), &slash);
		bool magic_probe;

		if (r < 0)
			return fail(out, -r);
		closep(&out->parent);
		if (base == AT_FDCWD && !resolve && clean_dir(dir)) {
			/* no symlink on the way: the name is the directory's
			 * own (no readlink of our fd of it); else resolved
			 * again as any path is */
			out->parent = (int)openat2_(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC,
						    RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
			if (out->parent >= 0) {
				snprintf(dir_real, sizeof(dir_real), "%s", dir);
				goto named;
			}
		}
		out->parent = (int)openat2_(base, dir, O_PATH | O_DIRECTORY | O_CLOEXEC,
					    resolve | RESOLVE_NO_MAGICLINKS);
		if (out->parent < 0 && errno == ELOOP &&
		    !(resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS))) {
			/* a magic link on the way, or a loop? */
			_cleanup_close_ int probe =
				(int)openat2_(base, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, resolve);

			if (probe >= 0)
				return refuse(out, "a magic link (/proc/PID/fd, cwd, root) in the "
						   "middle of the path");
			return fail(out, errno);
		}
		if (out->parent < 0)
			return fail(out, errno);
		if (resolve_fd_name(x->procfd, out->parent, dir_real, sizeof(dir_real)) < 0)
			return refuse(out, "the directory has no name of its own");
named:
		if (names_ours(x, base, cur, dir_real))
			return refuse(out, "callgate's own /proc entry");
		if (!(resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) &&
		    rewrite_self(x, dir_real, tmp, sizeof(tmp), true)) {
			/* through a symlink to /proc/self (/dev/fd, say):
			 * the caller's own entry instead */
			if ((size_t)snprintf(cur, sizeof(cur), "%s/%s%s", tmp, out->last,
					     slash ? "/" : "") >= sizeof(cur))
				return fail(out, ENAMETOOLONG);
			base = AT_FDCWD;
			verify = false;
			continue;
		}
		if (verify && !leads_back(out->parent, dir_real))
			return refuse(out, "the directory's name does not lead to it (a detached "
					   "mount, another mount namespace, or deleted)");
		if (resolve_is_ours(out->parent, dir_real, out->last))
			return refuse(out, "callgate's own /proc entry");
		out->exists = fstatat(out->parent, out->last, &out->st, AT_SYMLINK_NOFOLLOW) == 0;
		/* a trailing slash follows, except where the call acts on
		 * the name itself (unlink, rename, mkdir: the kernel's
		 * LOOKUP_PARENT calls) */
		if (!out->exists || !S_ISLNK(out->st.st_mode) ||
		    !(follow || (slash && !(how & RES_PARENT))))
			break;
		/* a symlink to follow: a magic one is /proc's */
		magic_probe = resolve_on_procfs(out->parent);
		if (magic_probe) {
			_cleanup_close_ int probe = (int)openat2_(
				out->parent, out->last, O_PATH | O_CLOEXEC, RESOLVE_NO_MAGICLINKS);

			if (probe < 0 && errno == ELOOP)
				return follow_magic(x, dir_real, out);
		}
		if (resolve & RESOLVE_NO_SYMLINKS)
			return fail(out, ELOOP);
		if (hops >= HOPS_MAX)
			return fail(out, ELOOP);
		r = may_follow(out->parent, &out->st);
		if (r < 0)
			return fail(out, -r);
		{
			ssize_t n = readlinkat(out->parent, out->last, link, sizeof(link) - 1);

			if (n < 0)
				return refuse(out, "the symlink changed while it was read");
			link[n] = '\0';
		}
		if (link[0] == '/' && (resolve & RESOLVE_BENEATH))
			return fail(out, EXDEV);
		if (resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) {
			/* the link's text relative to the caller's own dirfd,
			 * so the kernel applies the call's rules to it */
			r = link[0] == '/'
				    ? snprintf(cur, sizeof(cur), "%s%s", link, slash ? "/" : "")
				    : snprintf(cur, sizeof(cur), "%s/%s%s", dir, link,
					       slash ? "/" : "");
			base = start;
		} else {
			r = link[0] == '/'
				    ? snprintf(tmp, sizeof(tmp), "%s%s", link, slash ? "/" : "")
				    : snprintf(tmp, sizeof(tmp), "%s/%s%s", dir_real, link,
					       slash ? "/" : "");
			if (r >= 0 && (size_t)r < sizeof(tmp) &&
			    !rewrite_self(x, tmp, cur, sizeof(cur), false))
				snprintf(cur, sizeof(cur), "%s", tmp);
			base = AT_FDCWD;
			verify = false;
		}
		if (r < 0 || (size_t)r >= sizeof(cur))
			return fail(out, ENAMETOOLONG);
	}
	if (path_normalize(dir_real, out->last, out->real, sizeof(out->real)) < 0)
		return refuse(out, "the path is too long once resolved");
	out->verified = true;
	if (slash) {
		size_t n = strlen(out->last);

		out->last[n] = '/';
		out->last[n + 1] = '\0';
	}
	return 0;
}
