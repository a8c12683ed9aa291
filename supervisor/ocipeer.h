/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI listenerPath protocol, server side: runc, crun and
 * callgate-agent connect to serve's socket and send the container state
 * (JSON) with the seccomp listener and other fds (SCM_RIGHTS).  Each peer
 * is read without blocking, with a deadline; a whole, valid message with a
 * real seccomp listener is handed to @handed, anything else is refused
 * with a log line.  On the control loop.
 */
#ifndef CALLGATE_SUPERVISOR_OCIPEER_H
#define CALLGATE_SUPERVISOR_OCIPEER_H

#include <ev.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "callgate/ocistate.h"

/* Peers at once; more are refused. */
#define OCIPEERS_MAX 64

/* @listener: owned by the callee from here on. */
typedef void (*ocipeers_handed_cb)(void *userdata, int listener, const struct ocistate *st,
				   const struct ucred *cred);

/* A peer refused (@why), before anything was handed over: @st, what it
 * sent if that parsed (NULL if not); @sent: it sent something; @n_fds:
 * how many fds came with it, closed now (a runtime's listener among them
 * leaves its target's notified calls failing with ENOSYS). */
typedef void (*ocipeers_refused_cb)(void *userdata, const struct ucred *cred, const char *why,
				    const struct ocistate *st, bool sent, size_t n_fds);

struct peer;

struct ocipeers {
	ev_io io; /* private: the listening socket */
	struct ev_loop *loop;
	int fd;		/* borrowed: the listening socket */
	double timeout; /* seconds a peer has to send its message */
	ocipeers_handed_cb handed;
	ocipeers_refused_cb refused; /* NULL: none; set after ocipeers_start() */
	void *userdata;
	struct peer *peers; /* private */
	unsigned n_peers;   /* ro */
};

/* Accept on @fd (listening, non-blocking). */
void ocipeers_start(struct ocipeers *ps, struct ev_loop *loop, int fd, double timeout,
		    ocipeers_handed_cb handed, void *userdata);
/* Drop every peer and stop accepting (@fd stays open). */
void ocipeers_stop(struct ocipeers *ps);

#endif
