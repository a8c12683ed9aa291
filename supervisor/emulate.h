/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulated calls: a call that a path or address rule allowed under enforce
 * is carried out by the supervisor from its own copy of the arguments, so
 * the kernel never reads the target's memory for it again.  One handler
 * per value of enum sysargs_emulation (the plan names it for each
 * (arch, nr): plan_entry.emulation), one call type, one result type:
 * adding a syscall is a row in lib/sysargs.c and a handler here.
 *
 * Handlers now: the open family, connect and bind, and the path family
 * (emupath.c: mkdir, mknod, unlink, rmdir, rename, link, symlink, chmod,
 * chown, utimes, truncate, the xattr calls, stat, statx, access,
 * readlink; and execve, chdir, chroot, statfs decided on what they reach
 * and then continued, advisory).
 *
 * connect(2) (AF_INET, AF_INET6) is made on the caller's own socket
 * (pidfd_getfd) with the copy of the address, non-blocking for us; a
 * blocking caller whose connection is under way waits in pending.h.
 * AF_UNIX connects are declined (the peer would see the supervisor's
 * credentials): decided on the copy and continued (advisory).
 *
 * The open family (open, openat, openat2, creat): the call is
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
 * other end in a thread of its own (pending.h), as the kernel would make
 * the caller wait.  A device is opened with O_NONBLOCK, which is cleared
 * afterwards unless the caller asked for it, so the supervisor never blocks.
 * O_PATH opens are not emulated (the kernel's ADDFD refuses O_PATH files);
 * an O_PATH fd reads and writes nothing, and what is opened through it is
 * notified and decided again.
 */
#ifndef CALLGATE_SUPERVISOR_EMULATE_H
#define CALLGATE_SUPERVISOR_EMULATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "callgate/addrmatch.h"
#include "callgate/plan.h"
#include "callgate/sysargs.h"
#include "caller.h"
#include "notif.h"
#include "pending.h"

/* What the handler was given: the notification and the session's single
 * copy of its pointer arguments (what the policy was asked about). */
struct emulate_call {
	int listener;
	const struct seccomp_notif *req;
	const struct plan *plan;
	enum cg_arch arch;
	const char *name;
	const char *raw;      /* the (first) path argument as read, or NULL */
	const char *raw2;     /* the second one (rename, link, symlink), or NULL */
	const char *path;     /* it, absolute and normalised as the caller sees it */
	const void *sockaddr; /* the address as read, or NULL */
	size_t sockaddr_len;
	const struct cg_sockaddr *addr; /* it decoded */
	bool decide_only;		/* emupath_call(): resolve and decide, carry out nothing */
	/* interactive: the operator allowed the call as the question showed
	 * it; carried out, whatever the policy says, if what each path
	 * reaches is still what was shown (shown[i], absolute; NULL: not
	 * compared), else refused (EPERM) */
	bool operator_allow;
	const char *shown[2];
};

enum emulate_outcome {
	EMULATE_DONE,	  /* carried out and answered (ADDFD + SEND): ret is the fd */
	EMULATE_ANSWER,	  /* answer the caller with ret: 0, or -errno */
	EMULATE_PENDING,  /* completes later: start res->job (pending.h) */
	EMULATE_DECLINED, /* not ours to carry out: decided on the copy, continued */
	EMULATE_CONTINUE, /* decided again on what it reaches: allowed, continued
			   * (the kernel carries it out: advisory) */
	EMULATE_GONE,	  /* the caller went away: nothing to answer */
};

/* Rule of a result that did not decide again on the object reached. */
#define EMULATE_RULE_SAME (-3)

struct emulate_result {
	enum emulate_outcome outcome;
	int ret;
	bool denied;		     /* ret is the policy's refusal of what was really reached */
	int rule;		     /* the rule that decided on it, or EMULATE_RULE_SAME */
	const char *reason;	     /* why callgate failed it (fail closed), else NULL */
	int would_err;		     /* an "audit": true rule would have denied it with this */
	struct plan_verdict verdict; /* decide_only: the policy on what is reached */
	char path[PATH_MAX];	     /* what was reached (an open, a unix bind), "" if nothing */
	char path2[PATH_MAX];	     /* the second path's (rename, link), "" if none */
	int path_arg, path2_arg;     /* which argument each is (symlink: the link's, 2);
				      * -1: the call's first path */
	/* EMULATE_PENDING: what to wait for; job.caller points at caller,
	 * which the receiver releases with caller_done() */
	struct pending_job job;
	struct caller caller;
};

/* Whether @kind has a handler (a unit test checks every row has). */
bool emulate_handles(enum sysargs_emulation kind);

/*
 * emulate_call() - carry out @c with the handler for @kind.  Fills @res;
 * returns 0, or -EOPNOTSUPP when @kind has no handler (nothing done).
 */
int emulate_call(enum sysargs_emulation kind, const struct emulate_call *c,
		 struct emulate_result *res);

/*
 * emulate_operator_verdict() - for c->operator_allow: 0 when @real (the
 * object path @i reaches) is what the operator was shown, else EPERM with
 * the reason in *@reason.
 */
int emulate_operator_verdict(const struct emulate_call *c, int i, const char *real,
			     const char **reason);

/* The errno a denying verdict gives the caller; 0 if it allows. */
int emulate_verdict_errno(const struct plan_verdict *v);

/* The same, but a denial by a rule with "audit": true is only logged:
 * 0, and its errno in *@would. */
int emulate_verdict(const struct plan_verdict *v, int *would);

/* The path family's handler (emupath.c), and whether it knows @name.
 * With c->decide_only (audit mode), for the open family too: the paths
 * resolved and decided on, nothing carried out; EMULATE_CONTINUE with
 * res->verdict and res->path(2), or EMULATE_DECLINED (not resolved). */
int emupath_call(const struct emulate_call *c, struct emulate_result *res);
bool emupath_knows(const char *name);

#endif
