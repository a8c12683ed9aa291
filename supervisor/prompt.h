/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The interactive prompt on the operator's terminal (/dev/tty).
 *
 * The target runs in a process group of its own, in the terminal's
 * foreground, so its terminal I/O works as usual.  While a question is
 * shown, callgate's group takes the foreground (a target that reads the
 * terminal meanwhile is stopped by SIGTTIN, as any background job) and
 * gives it back, with SIGCONT, once nothing is left to ask.  Questions are
 * shown one at a time, oldest first; `callgate ctl` can answer any of them
 * meanwhile.
 *
 * Answers, one line each, in the grammar of callgate/answer.h (the same as
 * `callgate ctl`'s):
 *   a                allow once
 *   A [args|path]    allow always (the syscall; or narrowed)
 *   d [ERRNO]        deny with the policy's errno, or the one named
 *   k                kill the process
 *   h                hold: leave it blocked, print how to attach a debugger
 *   ?                help
 * What the target controls (its command line, names, the call's strings) is
 * shown with control characters escaped.
 *
 * Used by run.c.
 */
#ifndef CALLGATE_SUPERVISOR_PROMPT_H
#define CALLGATE_SUPERVISOR_PROMPT_H

#include <ev.h>
#include <stdbool.h>
#include <sys/types.h>

#include "interact.h"

struct prompt {
	ev_io io; /* private: first */
	struct ev_loop *loop;
	struct interact *ix;
	int tty;
	unsigned current; /* the question shown, 0: none */
	pid_t fg;	  /* the foreground group to give back, 0: none taken */
	char in[512];
	size_t in_len;
};

/* Start prompting on /dev/tty.  Returns 0, or -errno (-ENXIO: no
 * terminal). */
int prompt_start(struct prompt *p, struct ev_loop *loop, struct interact *ix);
void prompt_stop(struct prompt *p);

/* Give the terminal's foreground to @pgrp (the target's, at start). */
void prompt_give_terminal(struct prompt *p, pid_t pgrp);

#endif
