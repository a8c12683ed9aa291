/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdreserve.h"
#include "notif.h"
#include "procmem.h"

/* Linux 6.9: a pidfd for one thread; not in the Debian 12 headers. */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

int notif_bufs_init(struct notif_bufs *b)
{
	struct seccomp_notif_sizes sizes;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return -errno;
	/* The kernel may know larger structures than these headers. */
	b->req_size = sizes.seccomp_notif > sizeof(*b->req) ? sizes.seccomp_notif : sizeof(*b->req);
	b->resp_size = sizes.seccomp_notif_resp > sizeof(*b->resp) ? sizes.seccomp_notif_resp
								   : sizeof(*b->resp);
	b->req = calloc(1, b->req_size);
	b->resp = calloc(1, b->resp_size);
	if (!b->req || !b->resp) {
		notif_bufs_done(b);
		return -ENOMEM;
	}
	return 0;
}

void notif_bufs_done(struct notif_bufs *b)
{
	free(b->req);
	free(b->resp);
	b->req = NULL;
	b->resp = NULL;
}

int notif_recv(int listener, struct notif_bufs *b)
{
	/* The kernel refuses a request that is not zeroed (EINVAL). */
	memset(b->req, 0, b->req_size);
	for (;;) {
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, b->req) == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int notif_recv_once(int listener, struct notif_bufs *b)
{
	memset(b->req, 0, b->req_size);
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, b->req) == 0 ? 0 : -errno;
}

static int send_resp(int listener, struct notif_bufs *b)
{
	for (;;) {
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, b->resp) == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int notif_send_continue(int listener, struct notif_bufs *b)
{
	memset(b->resp, 0, b->resp_size);
	b->resp->id = b->req->id;
	b->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	return send_resp(listener, b);
}

int notif_send_error(int listener, struct notif_bufs *b, int err)
{
	memset(b->resp, 0, b->resp_size);
	b->resp->id = b->req->id;
	b->resp->error = -err;
	return send_resp(listener, b);
}

int notif_send_value(int listener, struct notif_bufs *b, long long val)
{
	memset(b->resp, 0, b->resp_size);
	b->resp->id = b->req->id;
	b->resp->val = val;
	return send_resp(listener, b);
}

int notif_send_id(int listener, uint64_t id, int err)
{
	struct seccomp_notif_resp resp = { .id = id, .error = err > 0 ? -err : 0 };

	for (;;) {
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int notif_send_continue_id(int listener, uint64_t id)
{
	struct seccomp_notif_resp resp = { .id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };

	for (;;) {
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int notif_addfd_send(int listener, uint64_t id, int srcfd, bool cloexec)
{
	struct seccomp_notif_addfd addfd = {
		.id = id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)srcfd,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	int r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);

	return r < 0 ? -errno : r;
}

int notif_id_valid(int listener, uint64_t id)
{
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0)
		return 0;
	return -errno;
}

/*
 * A pidfd that pins @tid: of the thread itself (6.9), or of its thread
 * group, *@tgid then set.  -errno (-ESRCH: no such task).
 */
static int pidfd_of_thread_once(pid_t tid, pid_t *tgid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	*tgid = 0;
	if (fd >= 0 || errno != EINVAL)
		return fd >= 0 ? fd : -errno;
	/* before 6.9: only a thread group has a pidfd */
	*tgid = proc_tgid(tid);
	if (*tgid < 0)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, *tgid, 0);
	return fd >= 0 ? fd : -errno;
}

struct pin {
	pid_t tid;
	pid_t tgid;
};

static int pin_once(void *arg)
{
	struct pin *p = arg;

	return pidfd_of_thread_once(p->tid, &p->tgid);
}

/* pidfd_of_thread_once(), with an fd of the reserve when we ran out: a
 * kill callgate decided must not fail for want of an fd. */
static int pidfd_of_thread(pid_t tid, pid_t *tgid)
{
	struct pin p = { .tid = tid };
	int fd = pin_once(&p);

	if (fd == -EMFILE || fd == -ENFILE)
		fd = fdreserve_retry(pin_once, &p);
	*tgid = p.tgid;
	return fd;
}

int notif_signal_and_fail(int listener, uint64_t id, pid_t tid, int sig, int err)
{
	pid_t tgid;
	int pidfd = pidfd_of_thread(tid, &tgid), r, sent;

	if (pidfd == -ESRCH)
		return -ENOENT;
	if (pidfd < 0) {
		r = pidfd; /* no pidfd (EMFILE...): not signalled, refused */
	} else if (notif_id_valid(listener, id) < 0) {
		r = -ENOENT; /* pinned, and no longer its caller */
	} else {
		r = tgid ? (int)syscall(SYS_tgkill, tgid, tid, sig)
			 : (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
		if (r < 0)
			r = errno == ESRCH ? -ENOENT : -errno; /* died meanwhile */
	}
	if (pidfd >= 0)
		close(pidfd);
	if (r == -ENOENT)
		return r;
	sent = notif_send_id(listener, id, err);
	return r < 0 ? r : sent == -ENOENT ? 0 : sent;
}

int notif_set_sync_wake_up(int listener)
{
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0)
		return 0;
	return -errno;
}

bool notif_probe_addfd_send(int listener)
{
	struct seccomp_notif_addfd addfd = {
		.id = UINT64_MAX, /* no such notification */
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = 0,
	};

	/* An unknown flag is EINVAL before the id is looked up; a known
	 * one gets as far as the lookup and fails with ENOENT. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) == 0)
		return true;
	return errno == ENOENT;
}
