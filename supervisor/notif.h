/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp listener: the only place that calls the SECCOMP_IOCTL_NOTIF_*
 * ioctls.  All functions return 0 or -errno.  -ENOENT from notif_send() and
 * notif_id_valid() means the target is gone or the call was interrupted (a
 * signal): a normal event, not an error.
 */
#ifndef CALLGATE_SUPERVISOR_NOTIF_H
#define CALLGATE_SUPERVISOR_NOTIF_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Linux 6.6; not in Debian 12's 6.1 headers. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* Request and response buffers sized by SECCOMP_GET_NOTIF_SIZES. */
struct notif_bufs {
	struct seccomp_notif *req;	 /* private: sizes.seccomp_notif bytes */
	struct seccomp_notif_resp *resp; /* private */
	size_t req_size;
	size_t resp_size;
};

int notif_bufs_init(struct notif_bufs *b);
void notif_bufs_done(struct notif_bufs *b);

/* Wait for and read the next notification into b->req (zeroed first).
 * Blocks: call it when the listener is readable. */
int notif_recv(int listener, struct notif_bufs *b);

/* notif_recv(), but a signal interrupts it: -EINTR (a thread that is
 * asked to stop). */
int notif_recv_once(int listener, struct notif_bufs *b);

/* Answer b->req: continue, or fail with -@err (err > 0). */
int notif_send_continue(int listener, struct notif_bufs *b);
int notif_send_error(int listener, struct notif_bufs *b, int err);
/* Answer the notification in @b as a call that returned @val (one the
 * supervisor carried out). */
int notif_send_value(int listener, struct notif_bufs *b, long long val);

/* Answer notification @id (from any thread): the call returns 0, or fails
 * with -@err when err > 0. */
int notif_send_id(int listener, uint64_t id, int err);

/* notif_send_continue() for a notification answered later, by its id. */
int notif_send_continue_id(int listener, uint64_t id);

/*
 * notif_addfd_send() - place @srcfd in the caller of notification @id and
 * answer the call with its number there (SECCOMP_ADDFD_FLAG_SEND, 5.14).
 * @cloexec sets O_CLOEXEC on it.  Returns the number, or -errno (-ENOENT:
 * the caller is gone or was interrupted; -EBADF: an O_PATH file).
 */
int notif_addfd_send(int listener, uint64_t id, int srcfd, bool cloexec);

/* Whether notification @id is still pending (the task has not gone away or
 * been interrupted): 0 if valid, -ENOENT if not. */
int notif_id_valid(int listener, uint64_t id);

/*
 * notif_signal_and_fail() - send @sig to @tid, the caller of notification
 * @id, then fail its call with @err.  The task is pinned by a pidfd first and
 * the id checked after, so a number reused since the call was made is never
 * signalled (seccomp_unotify(2)); SIGKILL takes the whole thread group.
 * Returns -ENOENT when the caller was already gone (nobody signalled, no
 * answer due).  Otherwise the call has been answered (an answer that finds
 * the caller gone is the signal taking effect) and it returns 0, or the
 * -errno of a signal that could not be sent: the call is refused all the
 * same.
 */
int notif_signal_and_fail(int listener, uint64_t id, pid_t tid, int sig, int err);

/* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (6.6): the target is woken on the
 * supervisor's CPU.  Returns 0, or -errno (-EINVAL: not supported). */
int notif_set_sync_wake_up(int listener);

/* Whether the kernel knows SECCOMP_ADDFD_FLAG_SEND (5.14): probed with an
 * ADDFD for a notification id that cannot exist. */
bool notif_probe_addfd_send(int listener);

#endif
