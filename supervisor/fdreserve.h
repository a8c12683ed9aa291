/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File descriptors for the answers that need one.  A target can make the
 * supervisor hold many fds (emulated connects under way, FIFOs waited
 * for), and callgate's limit may be low: the soft RLIMIT_NOFILE is raised
 * to the hard one at start, and a few fds are held in reserve, given back
 * for a moment when an answer that needs an fd (the pidfd that pins a
 * caller to be killed) finds none.  Shared by every thread: the reserve is
 * under a lock.
 */
#ifndef CALLGATE_SUPERVISOR_FDRESERVE_H
#define CALLGATE_SUPERVISOR_FDRESERVE_H

#define FDRESERVE_FDS 8

/*
 * fdreserve_raise_limit() - soft RLIMIT_NOFILE to the hard limit.  Returns
 * the new soft limit, or -errno.  Programs callgate starts must get the
 * limit they had: call it after they are started.
 */
long fdreserve_raise_limit(void);

/* Fill the reserve.  Returns 0 or -errno. */
int fdreserve_init(void);

/*
 * fdreserve_retry() - for a call @fn(@arg) that failed with -EMFILE or
 * -ENFILE: with one reserved fd closed, call it again, then fill the
 * reserve again.  Returns what the second call returned.
 */
int fdreserve_retry(int (*fn)(void *arg), void *arg);

#endif
