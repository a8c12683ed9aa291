/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulation of the open family (open, openat, openat2, creat): the call is
 * made by the supervisor from its own copy of the arguments, with the
 * caller's credentials, umask, root and cwd, decided on what was actually
 * opened, and the fd is placed in the caller with SECCOMP_IOCTL_NOTIF_ADDFD
 * and SECCOMP_ADDFD_FLAG_SEND.  A target that rewrites its path buffer
 * after the check (or swaps a symlink in) changes nothing: the kernel never
 * reads the target's memory for the call.
 *
 * The parent directory is opened first and the path it leads to checked
 * before anything is created; the last component is then opened with
 * O_NOFOLLOW unless it is a symlink, whose target is checked after the open
 * (and which is never created through: O_CREAT on a dangling symlink fails
 * with the rule's errno).  A blocking open of a FIFO (read-only or
 * write-only) is pinned with O_PATH, decided on, and left to wait for the
 * other end in a thread of its own (fifowait.h), as the kernel would make
 * the caller wait.  A device is opened with O_NONBLOCK, which is cleared
 * afterwards unless the caller asked for it, so the supervisor never blocks.
 * O_PATH opens are not emulated (the kernel's ADDFD refuses O_PATH files);
 * an O_PATH fd reads and writes nothing, and what is opened through it is
 * notified and decided again.
 */
#ifndef CALLGATE_SUPERVISOR_EMULATE_H
#define CALLGATE_SUPERVISOR_EMULATE_H

#include <stdbool.h>

#include "callgate/addrmatch.h"
#include "callgate/plan.h"
#include "caller.h"
#include "notif.h"

/* Whether @name is a call emulate_open() handles. */
bool emulate_is_open(const char *name);

struct emulate_result {
	int err;	     /* 0: opened; else the errno the call fails with */
	bool denied;	     /* err is the policy's refusal (else the open's own) */
	int rule;	     /* the rule that decided on the opened path */
	int fd;		     /* the fd in the target, when err == 0 */
	char path[PATH_MAX]; /* what was opened, as the target sees it */
	/* when emulate_open() returns 1: a blocking open of a FIFO, allowed,
	 * to be waited for (fifowait.h) with fd (O_PATH), these flags and
	 * this identity (the receiver releases it with caller_done()) */
	bool wait;
	int wait_flags;
	struct caller caller;
};

/*
 * emulate_open() - carry out the open of notification @req (syscall @name
 * on @arch) from @path, the copy of its path argument the policy was asked
 * about (and @abs, it made absolute as the caller sees it), deciding with
 * @plan on the path actually opened.  Answers the
 * notification itself when it succeeds (ADDFD + SEND); returns 0 then.
 * Returns 1 for a blocking open of a FIFO, which must wait for the other end
 * (@res->wait: nothing answered yet, see fifowait.h).
 * Returns -ESRCH when the caller went away (nothing to answer),
 * -EOPNOTSUPP for an O_PATH open (ADDFD cannot pass O_PATH files: the
 * caller decides on the copy and continues), else
 * -errno (in @res->err as a positive value too) when the caller is to be
 * answered with an error: the open failed as the kernel would fail it, or
 * the policy denies what it reached (@res->denied).  @res->rule is the deciding
 * rule (or RECORD_RULE_DEFAULT).
 */
int emulate_open(int listener, const struct seccomp_notif *req, const struct plan *plan,
		 enum cg_arch arch, const char *name, const char *path, const char *abs,
		 struct emulate_result *res);

/* Whether @name is a call emulate_bind() handles. */
bool emulate_is_bind(const char *name);

/*
 * emulate_bind() - carry out the bind(2) of notification @req on the
 * caller's own socket (pidfd_getfd) with @sa, our copy of its address
 * (@len bytes, decoded as @addr), as the caller (caller.h: its
 * capabilities decide a privileged port; its credentials, umask, root and
 * cwd a unix socket file).  A unix path is bound from its pinned parent
 * directory by its last component, after the address it really leads to
 * (symlinks resolved: @res->path) was decided on with @plan.  Does not
 * answer the notification.  Returns 0 when bound, -ESRCH when the caller
 * went away, else -errno to fail the call with (@res->denied: the policy's
 * refusal).
 */
int emulate_bind(int listener, const struct seccomp_notif *req, const struct plan *plan,
		 enum cg_arch arch, const void *sa, size_t len, const struct cg_sockaddr *addr,
		 struct emulate_result *res);

#endif
