/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "unixsock.h"

/* How long unix_listen_claim() waits for another callgate's claim of the
 * same directory (held for a few system calls), in 10 ms steps. */
#define LOCK_TRIES 1000

static int address(const char *path, struct sockaddr_un *sa)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

int unix_connect(const char *path)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = -1;
	int r = address(path, &sa);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return take_fd(&fd);
}

/*
 * Check, replace and bind must not interleave with another daemon's doing
 * the same on the same path (both would find it stale, and the second
 * bind would take the path from the first, which keeps listening on a
 * socket nobody can reach), nor with a daemon's removal of its own socket
 * at exit.  So each is done under an exclusive flock(2) of the directory
 * that holds the path, released once the socket listens (from then on a
 * connect() finds it live).  A directory lock leaves no file behind; it
 * is held for a few system calls, so waiting for it is brief.  A directory
 * we cannot open for reading (mode 0300, say) cannot be locked: there the
 * check still refuses a live listener, and only two daemons started in the
 * same instant could race.
 */
static int lock_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (int i = 0; i < LOCK_TRIES; i++) {
		struct timespec nap = { .tv_nsec = 10 * 1000 * 1000 };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		nanosleep(&nap, NULL);
	}
	/* locked by something else for long: checked without the lock */
	close(fd);
	return -1;
}

static void unlock_dir(int *fd)
{
	if (*fd >= 0)
		close(*fd); /* releases the flock */
	*fd = -1;
}

/* Whether something accepts connections on the socket file at @sa: 1 (or
 * a socket of another type bound there: not ours to take either), 0 if
 * it is stale or gone, or -errno. */
static int live(const struct sockaddr_un *sa)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		return 1;
	switch (errno) {
	case ECONNREFUSED: /* a socket file nobody listens on */
	case ENOENT: return 0;
	case EAGAIN: /* its backlog is full: busy, so alive */
	case EPROTOTYPE: /* a datagram socket: someone else's */ return 1;
	default: return -errno;
	}
}

static int claim_locked(const char *path, const struct sockaddr_un *sa, mode_t mode, uid_t uid,
			gid_t gid, int backlog, struct unix_claim *ret)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	mode_t old;
	int r;

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		r = live(sa);
		if (r)
			return r > 0 ? -EADDRINUSE : r;
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
	} else if (errno != ENOENT) {
		return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* no moment where others may connect before the mode is set */
	old = umask(0177);
	r = bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ? -errno : 0;
	umask(old);
	if (r < 0)
		return r;
	if (lstat(path, &st) < 0 || chmod(path, mode) < 0 ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) ||
	    listen(fd, backlog) < 0) {
		r = -errno;
		unlink(path);
		return r;
	}
	*ret = (struct unix_claim){ .fd = take_fd(&fd), .dev = st.st_dev, .ino = st.st_ino };
	return 0;
}

int unix_listen_claim(const char *path, mode_t mode, uid_t uid, gid_t gid, int backlog,
		      struct unix_claim *ret)
{
	struct sockaddr_un sa;
	int lock, r = address(path, &sa);

	if (r < 0)
		return r;
	lock = lock_dir(path);
	r = claim_locked(path, &sa, mode, uid, gid, backlog, ret);
	unlock_dir(&lock);
	return r;
}

bool unix_claim_release(struct unix_claim *c, const char *path)
{
	struct stat st;
	bool removed = false;
	int lock;

	if (c->fd < 0)
		return false;
	/* removed while still listening: no other daemon can have found
	 * the path stale and bound it in between */
	lock = lock_dir(path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == c->dev &&
	    st.st_ino == c->ino)
		removed = unlink(path) == 0;
	unlock_dir(&lock);
	close(c->fd);
	c->fd = -1;
	return removed;
}
