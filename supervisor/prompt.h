/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The interactive prompt on the operator's terminal (term.h).
 *
 * The target runs on a pseudo-terminal of its own that callgate relays;
 * while a question is shown, the terminal is callgate's (its modes as
 * callgate found them, the target's output held back), and once nothing is
 * left to ask it is the target's again, redrawn.  Questions are shown one
 * at a time, oldest first; `callgate ctl` can answer any of them
 * meanwhile.  When the terminal goes away, every question pending and to
 * come is answered with --ask-default (interact_close(), "hangup").
 *
 * Answers, one line each, in the grammar of callgate/answer.h (the same as
 * `callgate ctl`'s):
 *   a                allow once
 *   A [args|path]    allow always (the syscall; or narrowed)
 *   d [ERRNO]        deny with the policy's errno, or the one named
 *   D [args|path]    deny always
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

#include "interact.h"
#include "term.h"

struct prompt {
	struct ev_loop *loop;
	struct interact *ix;
	struct term *term;
	unsigned current; /* the question shown, 0: none */
	bool started;
};

/* Start prompting on @term (term_start()ed).  Returns 0 or -errno. */
int prompt_start(struct prompt *p, struct ev_loop *loop, struct interact *ix, struct term *term);
void prompt_stop(struct prompt *p);

#endif
