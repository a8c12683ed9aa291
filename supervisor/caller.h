/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The identity a call is made with, as the kernel checks it: root
 * directory, credentials used for file access (fsuid, fsgid, supplementary
 * groups), umask and effective capabilities.  An emulated call runs in a
 * thread of the supervisor that has taken the caller's identity, so the
 * kernel grants the supervisor exactly what it would grant the caller.
 *
 * Capabilities: the thread keeps, of its own effective set, only what the
 * caller has.  A caller in another user namespace has its capabilities over
 * that namespace only; the thread then has none at all, and the caller's
 * access is what its uid and gids give it (fail closed).
 */
#ifndef CALLGATE_SUPERVISOR_CALLER_H
#define CALLGATE_SUPERVISOR_CALLER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CALLER_GROUPS_MAX 256

struct caller {
	pid_t tid;
	pid_t tgid;
	pid_t ns_tgid, ns_tid; /* its ids in its own pid namespace */
	uid_t ruid, fsuid;     /* real (access(2) checks with it) and file system ids */
	gid_t rgid, fsgid;
	gid_t groups[CALLER_GROUPS_MAX];
	int n_groups;
	mode_t umask;
	uint64_t cap_eff;
	bool foreign_userns; /* in a user namespace other than ours */
	int rootfd;	     /* O_PATH: its root directory */
	bool chrooted;	     /* its root (or mount namespace) is not ours */
	/* all of the above was read through fds of @tid's /proc entry kept
	 * from an earlier call, and so is the caller's, pid reuse or not
	 * (caller_read()); else the notification must be checked after */
	bool pinned;
};

/*
 * caller_read() - the identity of thread @tid, from /proc/TID.  Returns 0
 * or -errno (-ENOENT, -ESRCH: it is gone).  The caller checks the
 * notification afterwards (pids are reused) unless @c->pinned and nothing
 * else was read of /proc/TID by number, and releases @c with
 * caller_done().
 */
int caller_read(pid_t tid, struct caller *c);
void caller_done(struct caller *c);

/*
 * Where a caller is (its root, its user namespace), and with @creds its
 * credentials and umask, kept between calls by the thread that reads them
 * (caller.c): caller_place_watch() - every chroot, pivot_root, setns and
 * unshare of this thread's callers is notified to it (run's filter,
 * filter_build_watching()), and with @creds every exec, setuid and capset
 * family call and umask too.  caller_place_changing() - thread @tid makes
 * such a call, notification @id, about to be continued.
 * caller_place_notified() - at each notification, before its caller is
 * read: ends what has returned.
 */
void caller_place_watch(bool creds);
void caller_place_changing(pid_t tid, uint64_t id);
void caller_place_notified(pid_t tid, uint64_t id);

/*
 * caller_lives() - whether thread @tid, the caller of the notification in
 * hand (since caller_place_notified()), is a task whose identity is kept
 * and that still lives: it then held its number from before the
 * notification until now, and what was read of it by number before this
 * was its own, as a check of the notification would say (pids are
 * reused).  Its caller_read() then checks nothing again.
 */
bool caller_lives(pid_t tid);

/* Whether a call made by the supervisor itself would be checked exactly as
 * @c's (@creates: the umask matters too). */
bool caller_is_us(const struct caller *c, bool creates);

/*
 * caller_run() - run @fn(@arg, procfd) as @c: in the supervisor's own
 * thread when caller_is_us(@c, @creates) and not @own_thread; else, when
 * @c has our root (and our umask, where @creates), not @own_thread, in the
 * calling thread itself, which takes @c's fs credentials, groups and
 * capabilities (raw per-thread calls) for @fn only and gives them back
 * before it returns (@fn must not change the cwd); else in a thread that
 * took @c's identity first (its root, fs credentials, umask and
 * capabilities; and a cwd of its own, which @fn may change).  procfd is
 * the running thread's /proc/thread-self/fd, opened before any chroot.
 * Returns 0 once @fn has returned, or -errno when it could not run (the
 * identity could not be taken: fail closed).
 */
int caller_run(const struct caller *c, bool creates, bool own_thread,
	       void (*fn)(void *arg, int procfd), void *arg);

/*
 * caller_enter() - make the calling thread, which must be one of the
 * supervisor's own and end with the call made, @c: what caller_run() does
 * before its function.  Sets *@procfd.  Returns 0 or -errno.
 */
int caller_enter(const struct caller *c, int *procfd);

/* A copy of @c that holds its own root fd.  Returns 0 or -errno. */
int caller_copy(const struct caller *c, struct caller *copy);

/*
 * caller_getfd() - a duplicate of file descriptor @fd of @tid's process
 * (pidfd_getfd(2)): the same open file description.  Returns it, or -EBADF
 * (no such fd), -ESRCH (gone), -EPERM, or -errno of our own (-EMFILE,
 * -ENFILE, -ENOMEM: never taken for the caller's death).
 */
int caller_getfd(pid_t tid, int fd);

/*
 * caller_getfd_as_us() - caller_getfd() from a thread that took @c's
 * identity (caller_enter()): with the supervisor's capabilities for the
 * call only.
 */
int caller_getfd_as_us(const struct caller *c, int fd);

#endif
