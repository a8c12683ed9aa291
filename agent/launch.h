/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Starting a target under a filter, and handing its listener fd over.
 *
 * The listener exists only once the target has loaded its filter, and from
 * then on any syscall the target makes (write, sendmsg, close, execve...)
 * may itself be notified, with nobody yet listening.  So the target is
 * cloned with CLONE_FILES: it shares the supervisor's fd table, and the
 * listener fd it creates is at once the supervisor's too.  The target stores
 * the fd number in shared memory (no syscall), and execs; execve() gives it
 * a private copy of the table, in which the listener, close-on-exec as the
 * kernel creates it, is closed.  The supervisor polls the shared word and
 * starts serving: if execve itself is notified, it is answered.
 *
 * Every fd the supervisor holds must be close-on-exec, or the target
 * inherits it through the shared table.
 */
#ifndef CALLGATE_AGENT_LAUNCH_H
#define CALLGATE_AGENT_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "filter.h"

enum launch_stage {
	LAUNCH_STAGE_START,  /* ours: mmap, clone, pidfd_open; or the target
			      * died before it loaded its filter */
	LAUNCH_STAGE_SETUP,  /* the target's no_new_privs */
	LAUNCH_STAGE_FILTER, /* the target's seccomp(2) */
	LAUNCH_STAGE_EXEC,   /* the target's execve(2) */
};

struct launch_opts {
	const struct filter_prog *prog;
	unsigned plan_flags; /* PLAN_FLAG_* from the profile */
	bool spec_allow;     /* runc's default when the profile has no "flags" */
	bool no_new_privs;   /* set PR_SET_NO_NEW_PRIVS first */
	/* a session of its own whose controlling terminal is this fd of the
	 * shared table (a pseudo-terminal's slave: supervisor/term.h), led by
	 * a monitor (see struct launch); NULL: the caller's session */
	const int *ctty;
	const char *path; /* resolved executable */
	char *const *argv;
	char *const *envp;
};

/*
 * With a terminal of its own (launch_opts.ctty) the target is not our
 * child: a monitor is, which leads the target's session, as a shell does,
 * so that the target's process group is not orphaned and job control
 * works (Ctrl-Z stops it).  The monitor puts the target in the terminal's
 * foreground, passes the terminal's hang-up (SIGHUP) on to it, stops
 * itself when the target stops (our child stops: see WUNTRACED) and exits
 * as the target did (the same status, or killed by the same signal).
 */
struct launch {
	pid_t pid;	    /* the target */
	pid_t monitor;	    /* our child when it is not the target, else 0 */
	int pidfd;	    /* readable when the target exits */
	int listener;	    /* the seccomp listener, in our fd table */
	bool wait_killable; /* loaded with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */
	void *handshake;    /* private: the page shared until exec */
};

/*
 * launch_target() - start @o->path under @o->prog.  On success returns 0
 * and fills *@ret; the target is running (or blocked in a notified execve).
 * On failure returns the -errno of the step that failed, and sets
 * *@reterr_stage (if not NULL) to that step: LAUNCH_STAGE_START for our own
 * (-ECHILD: the target died before it loaded its filter), the others for
 * the target's, which has been reaped then.
 */
int launch_target(const struct launch_opts *o, struct launch *ret, enum launch_stage *reterr_stage);

/* "start the target", "set no_new_privs", "load the seccomp filter",
 * "execute the command": what failed, for messages. */
const char *launch_stage_to_string(enum launch_stage stage);

/*
 * launch_exec_result() - after the target has exited: 0 if it exec'd, or
 * the -errno of its failed execve() (a policy can deny execve itself).
 */
int launch_exec_result(const struct launch *l);

/* Release what launch_target() set up (not the listener, which the caller
 * owns and closes).  Safe on a zeroed or released struct. */
void launch_done(struct launch *l);

#endif
