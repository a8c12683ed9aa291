/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where a path argument leads, as the kernel resolves it for the caller:
 * run in a thread that took the caller's identity (caller.h: its root,
 * credentials and capabilities), from the caller's own dirfd or cwd.  The
 * result is the object pinned (an O_PATH fd of the directory it is named
 * in, and its name there; or the object itself) and its real path, as the
 * caller sees it, which is what a policy's "paths" are matched against.
 *
 * As the kernel does:
 * - the directory part is resolved by the kernel itself (openat2(), with
 *   the call's own RESOLVE_* flags): `..` after a symlink, mount points;
 * - a symlink in the last component is followed or not per the call and
 *   its flags; followed here, one link at a time, with the kernel's
 *   fs.protected_symlinks rule applied and openat2's RESOLVE_* rules for
 *   the link's text; at most 40 links (ELOOP);
 * - a trailing slash makes the last component a directory (followed).
 *
 * Where it must differ, it refuses (the call fails EACCES, the record says
 * why) rather than guess:
 * - /proc/self and /proc/thread-self name the thread that resolves them:
 *   rewritten to the caller's own entry;
 * - an fd named by an empty path (AT_EMPTY_PATH) is the caller's own:
 *   named as the kernel names it, even when that name leads elsewhere;
 * - a magic link (/proc/PID/fd/N, cwd, root, exe, map_files, ns) is
 *   followed only as the last component, and matched by the object it
 *   leads to: the caller's own fds are taken with pidfd_getfd(); other
 *   magic links are followed by the kernel with the caller's credentials.
 *   A magic link in the middle of a path is refused;
 * - an object whose real path does not lead back to it (an fd of a
 *   detached mount from open_tree(), of another mount namespace, a deleted
 *   file) has no name a rule could match: refused; but a FIFO or a socket
 *   from elsewhere (runc's exec.fifo, opened outside the container's root)
 *   is no file a rule could protect, and is decided on the name given;
 * - callgate's own /proc entries (any thread of the supervisor, under any
 *   procfs mount, in any pid namespace) are refused whatever the caller's
 *   credentials: a thread of callgate passes the kernel's ptrace checks
 *   on its own process, the caller would not.
 */
#ifndef CALLGATE_SUPERVISOR_RESOLVE_H
#define CALLGATE_SUPERVISOR_RESOLVE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "caller.h"

struct resolve_ctx {
	const struct caller *caller;
	int procfd;		/* the resolving thread's /proc/thread-self/fd */
	char target_proc[64];	/* the caller's /proc/PID, as its /proc names it */
	char target_thread[96]; /* and /proc/PID/task/TID */
	uint64_t resolve;	/* openat2()'s RESOLVE_* flags of the call, else 0 */
};

struct resolved {
	int parent;		 /* O_PATH directory the object is named in, or -1 */
	char last[NAME_MAX + 2]; /* its name there, with the caller's trailing '/' */
	int fd;			 /* the object itself when parent is -1 (a magic
				  * link's object, an fd by AT_EMPTY_PATH), else -1 */
	bool exists;		 /* the name exists (not followed) */
	struct stat st;		 /* what it is, when it exists */
	bool verified;		 /* real leads back to the object */
	char real[PATH_MAX];	 /* where it is, as the caller sees it */
	int err;		 /* 0, or the errno the call fails with */
	bool refused;		 /* err is callgate's refusal, not the kernel's */
	const char *reason;	 /* why it was refused */
};

/*
 * resolve_ctx_init() - @x for caller @c (caller_read() done).
 */
void resolve_ctx_init(struct resolve_ctx *x, const struct caller *c, int procfd, uint64_t resolve);

/* How resolve_at() treats the path. */
enum {
	RES_FOLLOW = 1,	    /* a symlink in the last component is followed */
	RES_EMPTY_PATH = 2, /* an empty path is @base itself (AT_EMPTY_PATH) */
	RES_PARENT = 4,	    /* the call acts on the name: a trailing slash
			     * does not follow it (unlink, rename, mkdir) */
};

/*
 * resolve_at() - resolve @path relative to @base (an O_PATH fd of the
 * caller's dirfd or cwd; AT_FDCWD for an absolute path: the thread's root
 * is the caller's), as @how (RES_*) says.  Fills @out (release it with
 * resolved_done()); returns 0 or -out->err.
 */
int resolve_at(const struct resolve_ctx *x, int base, const char *path, unsigned how,
	       struct resolved *out);
void resolved_done(struct resolved *r);

/*
 * resolve_fd_name() - the name of @fd as this thread sees it, into @buf;
 * 0, or -ENOENT when it is no path ("pipe:[...]", "... (deleted)": @buf
 * still holds the text).
 */
int resolve_fd_name(int procfd, int fd, char *buf, size_t size);

/* Whether directory @dirfd (with @name inside it, or "" for itself) is
 * under a /proc entry of one of callgate's own threads. */
bool resolve_is_ours(int dirfd, const char *dir_real, const char *name);

/* Whether @fd is on a procfs mount. */
bool resolve_on_procfs(int fd);

#endif
