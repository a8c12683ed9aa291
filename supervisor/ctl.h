/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket of an interactive run or of serve: the server, used by
 * run.c and serve.c.  Its client, `callgate ctl`, is ctlclient.h.
 *
 * Protocol: the client sends one command per line; the server answers
 * with JSON Lines, ending each command's answer with {"ok":true} or
 * {"ok":false,"error":"..."}:
 *   list                       the pending questions, one object each
 *   allow ID [--always [syscall|args|path]]
 *   deny ID [--always [syscall|args|path]] [--errno NAME]
 *   kill ID
 *   hold ID                    (the answers: callgate/answer.h, with the
 *                              question's ID after the verb)
 *   watch                      then a stream of {"event":...} objects
 *   save                       {"profile":"<JSON text>"}: the policy the
 *                              target runs under with the allow-always and
 *                              deny-always rules (interact_profile(); the
 *                              client writes it)
 *
 * The socket is never taken over from a live listener (another run or
 * serve: ctl_server_start() fails with -EADDRINUSE), a stale one is
 * replaced, and ctl_server_stop() removes it only if it is still the one
 * this server bound (unixsock.h).
 *
 * Security: the socket is created 0600 in a directory of its own (0700,
 * owned by the supervisor's user), peers are identified with SO_PEERCRED
 * and SO_PEERPIDFD: one of another user (other than root) is refused, and
 * so is any process the run supervises (callgate is their child
 * subreaper, so none can leave its tree) or serve serves (ctlpeer.h: its
 * owner says, through @supervised), and any peer that cannot be
 * identified: a target cannot answer its own questions.
 */
#ifndef CALLGATE_SUPERVISOR_CTL_H
#define CALLGATE_SUPERVISOR_CTL_H

#include <ev.h>
#include <limits.h>

#include "ctlpeer.h"
#include "interact.h"
#include "unixsock.h"

/* Connections at once, and what one may have queued unread. */
#define CTL_CONNS_MAX 32
#define CTL_LINE_MAX  4096
#define CTL_OUT_MAX   (1u << 20)

struct ctl_conn;

struct ctl_server {
	ev_io io; /* private: first */
	struct ev_loop *loop;
	struct interact *ix;
	int fd;			 /* ro: claim.fd */
	struct unix_claim claim; /* private: the socket file, removed at stop if still ours */
	char path[PATH_MAX];
	char dir[PATH_MAX]; /* made by us: removed at stop; "" if not */
	struct ctl_conn *conns;
	unsigned n_conns;
	uint64_t refused;     /* ro: peers turned away */
	struct ctl_proc self; /* private: callgate */
	/* also supervised, besides callgate's own descendants (serve: the
	 * processes of the targets it serves): why @peer is one, or NULL;
	 * NULL: none */
	const char *(*supervised)(void *userdata, const struct ctl_peer *peer);
	void *supervised_userdata;
};

/* The directory of the sockets made without --control, for the server and
 * the client: $XDG_RUNTIME_DIR/callgate, else /tmp/callgate-UID.  Returns
 * 0 or -ENAMETOOLONG. */
int ctl_socket_dir(char *buf, size_t size);

/*
 * ctl_server_start() - listen on @path, or when NULL on
 * $XDG_RUNTIME_DIR/callgate/PID.sock (else /tmp/callgate-UID/PID.sock).
 * Returns 0 or -errno, with a message in @err.
 */
int ctl_server_start(struct ctl_server *c, struct ev_loop *loop, struct interact *ix,
		     const char *path, char *err, size_t err_size);
void ctl_server_stop(struct ctl_server *c);

#endif
