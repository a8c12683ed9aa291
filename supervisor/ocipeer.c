/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "callgate/macro.h"
#include "log.h"
#include "ocipeer.h"

struct peer {
	ev_io io; /* first */
	ev_timer timer;
	struct peer *next;
	struct ocipeers *ps;
	struct ucred cred;
	char *buf;
	size_t len;
	int fds[OCISTATE_FDS_MAX];
	size_t n_fds;
	bool extra_fds; /* more than could be taken: refused */
};

static void peer_free(struct peer *p)
{
	struct ocipeers *sv = p->ps;

	ev_io_stop(sv->loop, &p->io);
	ev_timer_stop(sv->loop, &p->timer);
	close(p->io.fd);
	for (size_t i = 0; i < p->n_fds; i++)
		if (p->fds[i] >= 0)
			close(p->fds[i]);
	for (struct peer **q = &sv->peers; *q; q = &(*q)->next)
		if (*q == p) {
			*q = p->next;
			break;
		}
	sv->n_peers--;
	free(p->buf);
	free(p);
}

/* @st: what the peer sent, when it parsed (NULL: not) */
static void refuse_parsed(struct peer *p, const char *why, const struct ocistate *st)
{
	bool sent = p->len || p->n_fds;

	/* one that connects and sends nothing may be a probe (another
	 * serve's, finding this socket live): nothing was handed over */
	if (sent)
		log_error("Refused the peer pid %d uid %u: %s", (int)p->cred.pid,
			  (unsigned)p->cred.uid, why);
	else
		log_info("Refused the peer pid %d uid %u: %s", (int)p->cred.pid,
			 (unsigned)p->cred.uid, why);
	if (p->ps->refused)
		p->ps->refused(p->ps->userdata, &p->cred, why, st, sent,
			       p->n_fds + (p->extra_fds ? 1 : 0));
	peer_free(p);
}

static void refuse(struct peer *p, const char *why)
{
	refuse_parsed(p, why, NULL);
}

static bool is_seccomp_listener(int fd)
{
	char link[64], what[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, what, sizeof(what) - 1);
	if (n < 0)
		return false;
	what[n] = '\0';
	return strcmp(what, "anon_inode:seccomp notify") == 0;
}

/* The whole message is in: check it and start serving. */
static void peer_done(struct peer *p)
{
	struct ocistate st;
	char why[256];
	int listener;

	if (ocistate_parse(p->buf, p->len, &st, why, sizeof(why)) < 0) {
		refuse(p, why);
		return;
	}
	if (st.n_fds != p->n_fds || p->extra_fds) {
		snprintf(why, sizeof(why), "the message names %zu fds, %zu%s came with it",
			 st.n_fds, p->n_fds, p->extra_fds ? " or more" : "");
		refuse_parsed(p, why, &st);
		ocistate_done(&st);
		return;
	}
	if (st.seccomp_fd_index < 0) {
		refuse_parsed(p, "no seccompFd among the fds", &st);
		ocistate_done(&st);
		return;
	}
	listener = p->fds[st.seccomp_fd_index];
	if (!is_seccomp_listener(listener)) {
		refuse_parsed(p, "the seccompFd is not a seccomp listener", &st);
		ocistate_done(&st);
		return;
	}
	p->fds[st.seccomp_fd_index] = -1; /* handed over */
	p->ps->handed(p->ps->userdata, listener, &st, &p->cred);
	ocistate_done(&st);
	peer_free(p);
}

static void on_peer(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer *p = container_of(w, struct peer, io);
	char cbuf[CMSG_SPACE(sizeof(int) * OCISTATE_FDS_MAX)];
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	(void)loop;
	(void)revents;
	if (p->len == OCISTATE_MSG_MAX + 1) {
		refuse(p, "message too large");
		return;
	}
	iov.iov_base = p->buf + p->len;
	iov.iov_len = OCISTATE_MSG_MAX + 1 - p->len;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	n = recvmsg(w->fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (m.msg_flags & MSG_CTRUNC)
		p->extra_fds = true;
	for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (p->n_fds < OCISTATE_FDS_MAX) {
				p->fds[p->n_fds++] = fd;
			} else {
				close(fd);
				p->extra_fds = true;
			}
		}
	}
	if (n < 0) {
		refuse(p, strerror(errno));
		return;
	}
	if (n == 0) {
		if (p->len == 0) {
			refuse(p, "closed without a message");
			return;
		}
		return peer_done(p); /* runc and crun close once sent */
	}
	p->len += (size_t)n;
	if (p->len > OCISTATE_MSG_MAX) {
		refuse(p, "message too large");
		return;
	}
	/* runc keeps the connection open: a whole message is enough (one
	 * that is not whole yet waits for more, or for the timeout) */
	{
		struct ocistate st;
		char why[8];

		if (ocistate_parse(p->buf, p->len, &st, why, sizeof(why)) == 0) {
			ocistate_done(&st);
			peer_done(p);
		}
	}
}

static void on_peer_timeout(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct peer *p = container_of(t, struct peer, timer);
	struct ocistate st;
	char why[256], msg[300];

	(void)loop;
	(void)revents;
	if (p->len && ocistate_parse(p->buf, p->len, &st, why, sizeof(why)) < 0) {
		snprintf(msg, sizeof(msg), "no complete message in time: %s", why);
		refuse(p, msg);
		return;
	}
	refuse(p, "sent no message in time");
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ocipeers *sv = container_of(w, struct ocipeers, io);
	socklen_t len = sizeof(struct ucred);
	struct peer *p;
	int fd;

	(void)revents;
	fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	p = calloc(1, sizeof(*p));
	if (p)
		p->buf = malloc(OCISTATE_MSG_MAX + 1);
	if (!p || !p->buf || sv->n_peers >= OCIPEERS_MAX) {
		log_error("Refused a peer: %s",
			  p && p->buf ? "too many peers at once" : "out of memory");
		if (p)
			free(p->buf);
		free(p);
		close(fd);
		return;
	}
	p->ps = sv;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &p->cred, &len) < 0)
		p->cred = (struct ucred){ .pid = -1, .uid = (uid_t)-1 };
	ev_io_init(&p->io, on_peer, fd, EV_READ);
	ev_io_start(loop, &p->io);
	ev_timer_init(&p->timer, on_peer_timeout, sv->timeout, 0);
	ev_timer_start(loop, &p->timer);
	p->next = sv->peers;
	sv->peers = p;
	sv->n_peers++;
}

void ocipeers_start(struct ocipeers *ps, struct ev_loop *loop, int fd, double timeout,
		    ocipeers_handed_cb handed, void *userdata)
{
	*ps = (struct ocipeers){
		.loop = loop, .fd = fd, .timeout = timeout, .handed = handed, .userdata = userdata
	};
	ev_io_init(&ps->io, on_accept, fd, EV_READ);
	ev_io_start(loop, &ps->io);
}

void ocipeers_stop(struct ocipeers *ps)
{
	if (!ps->loop)
		return;
	while (ps->peers)
		peer_free(ps->peers);
	ev_io_stop(ps->loop, &ps->io);
	ps->loop = NULL;
}
