/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One target session: a listener served by a thread of its own, which
 * blocks in SECCOMP_IOCTL_NOTIF_RECV (as the kernel's floor does) and takes
 * every notification through one pipeline:
 *
 *   receive -> describe the caller -> decide (plan_eval*, decision_make:
 *   pure, lib/) -> act (continue | refuse | emulate | ask | kill) -> answer
 *   -> record
 *
 * so that each is answered exactly once.  Everything that can block on a
 * target (reading its memory or /proc entries, an emulated open, a lease
 * break, a FIFO, a userfaultfd page) happens in that thread, or in a
 * thread of its own for waits (pending.h): one target can never delay
 * another target's answers, nor the control loop (ctl, signals, serve's
 * socket, log flushing, the terminal).
 *
 * Threads and ownership:
 * - session_start() and session_stop() are called on the control loop's
 *   thread; the fields under "set before session_start()" are read-only
 *   from then on.
 * - The notification buffers, caller cache, argument copy and summary are
 *   the session thread's alone.
 * - The log sink (logsink.h), the recording (recording.h) and the
 *   questions (interact.h) are shared and locked by their owners.
 * - Counters are atomic.
 * - When no task is left under the filter, the thread ends by itself and
 *   @on_end is called on the loop (the thread has been joined by then).
 *
 * Kernels before 6.11 block RECV for ever on a filter with no task left:
 * there the thread polls the listener first, as callgate always did (one
 * more system call per notification).
 */
#ifndef CALLGATE_SUPERVISOR_SESSION_H
#define CALLGATE_SUPERVISOR_SESSION_H

#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "callgate/decision.h"
#include "callgate/plan.h"
#include "decode.h"
#include "emulate.h"
#include "interact.h"
#include "logsink.h"
#include "notif.h"
#include "pending.h"
#include "recording.h"
#include "summary.h"
#include "who.h"

struct session;
struct asked;
struct carry;
typedef void (*session_end_cb)(struct session *s);

struct session {
	/* set before session_start() */
	const struct plan *plan;
	enum decision_ask ask;
	struct log_sink *log;	     /* shared (locked by the sink) */
	struct summary *summary;     /* NULL: none; the thread's while it runs */
	session_end_cb on_end;	     /* on the loop, once, when no task is left */
	bool no_emulate;	     /* diagnostics: decide on the copy and continue */
	bool exec_seen;		     /* every exec is notified (filter_build_watching()) */
	bool creds_seen;	     /* ...and every change of credentials or umask */
	struct interact *interact;   /* interactive mode, else NULL (shared) */
	bool ask_denials;	     /* ask about denials too, not just NOTIFY rules */
	struct recording *recording; /* --record, else NULL (shared) */
	const char *container;	     /* serve: the container id for the records */
	int64_t container_pid;	     /* ... and its pid as the runtime reported it */
	void *userdata;

	/* ro */
	int listener;			     /* owned: closed by session_stop() */
	bool hup;			     /* the thread ended: no task left */
	atomic_uint_least64_t notifications; /* received */
	atomic_uint_least64_t vanished;	     /* gone before the answer */
	atomic_uint_least64_t emulated;	     /* carried out by the supervisor */
	/* answered, per decision (enum record_decision; a question: ask) */
	atomic_uint_least64_t decided[RECORD_DECISION_MAX];

	/* private */
	struct ev_loop *loop;
	ev_async ended;
	pthread_t thread;
	bool running;
	bool stuck; /* its thread would not stop */
	atomic_bool stop;
	bool poll_first; /* before 6.11: RECV cannot tell a dead filter */
	struct notif_bufs bufs;
	struct who_cache who;
	struct args_copy args;
	struct pending_set waits;
	struct emulate_result emu;
	/* questions for the loop (interact.h is the loop's) */
	pthread_mutex_t asks_lock;
	struct asked *asks, **asks_tail;
	ev_async asks_ready;
	/* operators' allows for the thread to carry out (under asks_lock),
	 * the thread woken by pending_wake_signal() until it has them */
	struct carry *carries, **carries_tail;
	atomic_bool carry_pending;
	atomic_bool waiting; /* the thread is in (or about to enter) RECV */
	ev_timer carry_kick;
};

/*
 * session_start() - serve @listener (ownership passes to the session, also
 * on failure) with @plan in a thread of its own; @loop gets the end.
 * Returns 0 or -errno.
 */
int session_start(struct session *s, struct ev_loop *loop, int listener, const struct plan *plan);

/*
 * session_stop() - stop serving (the thread is interrupted and joined;
 * notified calls of tasks left then fail with ENOSYS), drop what waits,
 * close the listener.  On the loop's thread; safe to call twice.  Returns
 * 0, or -EBUSY when the thread would not stop (blocked on its target, in a
 * lease break say): it is left to the process's exit, and @s must not be
 * freed.
 */
int session_stop(struct session *s);

/* The first half of session_stop(): the thread is stopped and joined, the
 * listener stays open (pending questions can still be answered).  Returns 0
 * or -EBUSY as session_stop(). */
int session_halt(struct session *s);

/* Whether a session's thread was left running (session_stop() returned
 * -EBUSY): the process must end with _exit(), without exit handlers. */
bool session_left_running(void);

/* Whether RECV returns when no task is left (Linux 6.11), from uname. */
bool session_recv_tells_dead(void);

#endif
