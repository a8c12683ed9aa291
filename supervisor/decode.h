/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pointer arguments of a notified call, copied once from the target's
 * memory into bounded buffers: path arguments (resolved against the
 * caller's dirfd, cwd and root, as text) and the socket address (sendmsg:
 * msg_name).  Decisions and emulated calls use this single copy.  A
 * struct args_copy belongs to one session's thread.
 */
#ifndef CALLGATE_SUPERVISOR_DECODE_H
#define CALLGATE_SUPERVISOR_DECODE_H

#include <limits.h>
#include <linux/seccomp.h>
#include <stdbool.h>

#include "callgate/addrmatch.h"
#include "callgate/plan.h"
#include "callgate/record.h"

struct args_copy {
	char paths[2][PATH_MAX]; /* resolved path arguments */
	char raw[2][PATH_MAX];	 /* the path arguments as read */
	bool empty_path;	 /* an empty path was read (AT_EMPTY_PATH) */
	unsigned char sockaddr[128];
	size_t sockaddr_len;
	struct cg_sockaddr addr;
	char addr_text[160];
	char fds[RECORD_FDS_MAX][PATH_MAX]; /* -y: what the fd arguments are */
};

/*
 * decode_args() - read the path arguments and the socket address of
 * @req (syscall @name, NULL if unknown) into @a, and point @ptrs and @rec
 * at them.  Returns 0, or the -errno the kernel would fail the call with
 * for what could not be read (-EFAULT, -ENAMETOOLONG, -EINVAL, -EBADF).
 */
int decode_args(const struct seccomp_notif *req, const char *name, struct args_copy *a,
		struct plan_ptrs *ptrs, struct record *rec);

/*
 * decode_fds() - -y: what the fd and dirfd arguments of @req (syscall @name)
 * are, read from /proc/TID/fd/N (or TID's cwd for AT_FDCWD) into @a, for
 * the record (@rec's fd_paths).  At most RECORD_FDS_MAX; an fd that cannot
 * be read is left out.
 */
void decode_fds(const struct seccomp_notif *req, const char *name, struct args_copy *a,
		struct record *rec);

#endif
