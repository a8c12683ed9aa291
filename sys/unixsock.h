/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unix stream sockets: connecting (callgate ctl, callgate-agent) and
 * listening on a path that no other live daemon holds (serve's --socket,
 * the --control socket of serve and run).
 */
#ifndef CALLGATE_SYS_UNIXSOCK_H
#define CALLGATE_SYS_UNIXSOCK_H

#include <stdbool.h>
#include <sys/types.h>

/* A close-on-exec socket connected to @path.  Returns it, or -errno
 * (-ENAMETOOLONG: @path does not fit a sockaddr_un). */
int unix_connect(const char *path);

/* A socket file listened on, as unix_listen_claim() bound it. */
struct unix_claim {
	int fd;	   /* listening, non-blocking, close-on-exec; -1: none */
	dev_t dev; /* the socket file bound, to remove it only if it is still ours */
	ino_t ino;
};

/*
 * unix_listen_claim() - listen on @path (the file made with @mode, and
 * owned by @uid/@gid unless (uid_t)-1/(gid_t)-1), unless something listens
 * there already.  A socket file nobody listens on (connect: ECONNREFUSED)
 * is stale and replaced; a live listener is never taken over.  Returns 0
 * and the claim in *@ret, or -EADDRINUSE (a live listener is there),
 * -EEXIST (a file that is not a socket is there), -ENAMETOOLONG, -errno.
 */
int unix_listen_claim(const char *path, mode_t mode, uid_t uid, gid_t gid, int backlog,
		      struct unix_claim *ret);

/*
 * unix_claim_release() - remove @path if it is still the socket file @c
 * bound (another daemon may have replaced it after ours went stale), then
 * close the socket.  Returns whether the file was removed.  Safe to call
 * twice.
 */
bool unix_claim_release(struct unix_claim *c, const char *path);

#endif
