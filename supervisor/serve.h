/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate serve: one supervisor, on one libev loop, for any number of
 * targets.  Runtimes (runc, crun: the OCI `listenerPath`) and
 * callgate-agent connect to its socket and send the container process
 * state (JSON) with the seccomp listener fd (SCM_RIGHTS); each target is
 * then served by a session of its own, with the policy named by the
 * profile's `listenerMetadata` (ocistate.h), and logged with its
 * container id.
 *
 * Peers are identified with SO_PEERCRED and logged.  A message that is
 * malformed, truncated, larger than OCISTATE_MSG_MAX, or comes without
 * exactly the fds it names (one of them a seccomp listener) is refused
 * with a log line; a peer that sends nothing is dropped after
 * SERVE_PEER_TIMEOUT seconds.  SIGHUP reloads the policy directory
 * (running targets keep the policy they started with); SIGTERM and SIGINT
 * end the daemon cleanly, flushing the log.
 */
#ifndef CALLGATE_SUPERVISOR_SERVE_H
#define CALLGATE_SUPERVISOR_SERVE_H

/* Seconds a connected peer has to send its message. */
#define SERVE_PEER_TIMEOUT 10.0
/* Peers connected and not yet served, and targets served, at most. */
#define SERVE_TARGETS_MAX 4096

/* `callgate serve ...` (@argv[0] is "serve").  Returns the exit status. */
int cmd_serve(int argc, char **argv);

#endif
