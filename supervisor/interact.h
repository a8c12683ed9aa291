/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interactive mode: calls the policy would deny, and calls of
 * SCMP_ACT_NOTIFY rules, wait for an operator's answer instead of being
 * answered at once.  Each becomes a question, held with its notification
 * until an operator (the terminal prompt, prompt.h; `callgate ctl`,
 * ctl.h) answers it, --ask-timeout decides it, or its caller goes away.
 *
 * Answers (callgate/answer.h): allow once; allow always (a rule for the
 * rest of the run, callgate/always.h: the syscall, or narrowed to these
 * integer argument values, or to this path or address); deny (the policy's
 * errno or a named one), once or always (a rule as for allow always, with
 * that errno); kill the process; hold (leave it blocked, to attach a
 * debugger).  Of the always rules, the first made that covers a call
 * decides it; they apply to every target served, and interact_profile()
 * writes them into the policy of the target of the latest always answer
 * (run: the one policy of the run).
 *
 * A call re-notified after a signal restarted it (same thread, syscall and
 * arguments, while the earlier notification is no longer valid) takes over
 * its pending question: it is not asked twice.
 *
 * Threads: interact_question_new() touches no struct interact and runs on
 * a target session's thread (it reads the caller's /proc entries); the
 * session hands the question to the loop (session.c: a queue under its
 * lock and an ev_async), and everything taking a struct interact runs on
 * the loop's thread.  The --record recording it adds to is shared, under
 * its own lock (recording.h).
 *
 * Used by session.c (interact_question_new() in its thread;
 * interact_allowed_always(), interact_denied_always(), interact_enqueue(),
 * interact_forget() on the
 * loop), run.c and serve.c (init, done), and the front ends prompt.c and
 * ctl.c (listen, find, answer, profile).
 */
#ifndef CALLGATE_SUPERVISOR_INTERACT_H
#define CALLGATE_SUPERVISOR_INTERACT_H

#include <ev.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "callgate/always.h"
#include "callgate/answer.h"
#include "callgate/decision.h"
#include "callgate/plan.h"
#include "callgate/record.h"
#include "callgate/recorder.h"
#include "recording.h"
#include "callgate/systable.h"

/* Questions pending at most; beyond, --ask-default answers (fail closed). */
#define INTERACT_QUESTIONS_MAX 1024
/* Always rules (allow and deny) at most. */
#define INTERACT_ALWAYS_MAX 4096
/* Front ends (terminal, control connections) listening at most. */
#define INTERACT_LISTENERS_MAX 64

/*
 * How an operator's allow of a call decided on a copy of its pointers is
 * carried out from that copy (session.c), never continued: @out takes the
 * carry (whatever it returns) and answers the call, logged with @reason;
 * -errno when it cannot (the session is stopping).  @free drops one not
 * used.
 */
struct question_carry {
	int (*out)(struct question_carry *c, const char *reason);
	void (*free)(struct question_carry *c);
};

struct question {
	struct question *next;	 /* private */
	unsigned id;		 /* small, for operators; never reused in a run; 0 until queued */
	int listener;		 /* whose notification it is */
	uint64_t notif;		 /* its id */
	const struct plan *plan; /* the target's: borrowed, lives while the question does */
	bool held;
	struct question_carry *carry; /* NULL: an allow continues the call */
	int stale;		      /* private: checks since its notification went invalid */
	ev_tstamp asked;	      /* loop time it was queued */
	struct decision policy;	      /* what the policy answers */
	const struct record *rec;     /* the call: &store.rec */
	struct record_store store;
	/* from /proc (procinfo.h) and the record: text of the target's,
	 * unescaped */
	char cmdline[256];
	char where[PATH_MAX + 64]; /* the caller's instruction pointer */
	char call[2048];	   /* strace-like: name(args) */
};

enum interact_event {
	INTERACT_ASKED,	   /* a new question */
	INTERACT_ANSWERED, /* @a says how */
	INTERACT_GONE,	   /* its caller went away unanswered */
	INTERACT_HELD,
};

typedef void (*interact_cb)(void *userdata, enum interact_event ev, const struct question *q,
			    const struct answer *a);

struct log_sink;

struct interact {
	struct ev_loop *loop;
	int listener;
	const struct plan *plan;
	struct log_sink *log;
	struct recording *recording; /* --record: what the operator let through (shared) */
	enum decision_ask dflt;	     /* --ask-default */
	double timeout;		     /* --ask-timeout; 0: wait for ever */
	struct question *questions;  /* oldest first */
	unsigned n_questions;
	unsigned next_id;
	struct always_rule *always;
	size_t n_always;
	struct {
		interact_cb cb;
		void *userdata;
	} listeners[INTERACT_LISTENERS_MAX];
	size_t n_listeners;
	/* private: the policy interact_profile() adds the rules to, borrowed
	 * from the plan of profile_listener's target, or profile_copy once
	 * that target is gone; NULL: none yet */
	const struct policy *profile;
	struct policy *profile_copy;
	int profile_listener;
	const char *closed_by;			/* interact_close(): who answers everything now */
	ev_timer tick;				/* private */
	uint64_t answered, timed_out, vanished; /* ro */
	/* set before interact_init(): interact_done() keeps the profile
	 * (run --save; interact_saved_profile()) */
	bool keep_profile;
	char *kept;   /* private */
	int kept_err; /* private */
};

/*
 * interact_init() - questions of the run's @listener served under @plan
 * (serve: -1 and NULL, the questions bring their own), logged to @log.
 * Set dflt, timeout and recording before.  Returns 0.
 */
int interact_init(struct interact *ix, struct ev_loop *loop, int listener, const struct plan *plan,
		  struct log_sink *log);
/* Answers every question left with --ask-default and frees everything
 * (with keep_profile: but the profile as interact_profile() writes it
 * then, for interact_saved_profile()). */
void interact_done(struct interact *ix);

/*
 * interact_saved_profile() - after interact_done() with keep_profile: the
 * profile it kept, in *@ret (the caller frees it).  Returns 0, or what
 * interact_profile() returned then (-ENOMEM, -EINVAL).
 */
int interact_saved_profile(struct interact *ix, char **ret);

int interact_listen(struct interact *ix, interact_cb cb, void *userdata);
void interact_unlisten(struct interact *ix, void *userdata);

/*
 * interact_allowed_always() - whether an allow-always rule decides the call
 * (@arch, @nr, @args; @path and @addr as decoded, or NULL).
 */
bool interact_allowed_always(const struct interact *ix, enum cg_arch arch, int nr,
			     const uint64_t args[6], const char *path, const char *addr);

/*
 * interact_denied_always() - whether a deny-always rule decides the call
 * (as above): then the errno it gets in *@ret_err, and in *@ret_reason
 * what the log says, naming who made the rule (borrowed: valid until the
 * next answer).
 */
bool interact_denied_always(const struct interact *ix, enum cg_arch arch, int nr,
			    const uint64_t args[6], const char *path, const char *addr,
			    int *ret_err, const char **ret_reason);

/*
 * interact_question_new() - a question about notification @req of
 * @listener, served under @plan, decided @policy by the policy and
 * described by @rec (copied), with what /proc says of its caller.  Touches
 * no struct interact.  Returns 0 and the question in *@ret (queue it with
 * interact_enqueue(), or free it with interact_question_free()), or
 * -ENOMEM.
 */
int interact_question_new(const struct plan *plan, int listener, const struct seccomp_notif *req,
			  const struct decision *policy, const struct record *rec,
			  struct question **ret);
void interact_question_free(struct question *q);

/*
 * interact_enqueue() - hold @q for an operator; @q is taken whatever the
 * result.  A call restarted after a signal takes over its earlier question
 * instead.  Returns 0, or -ENOSPC (too many pending) when the caller must
 * answer the call itself.
 */
int interact_enqueue(struct interact *ix, struct question *q);

/*
 * interact_ask() - interact_question_new() and interact_enqueue() in one.
 * Returns 0 when held, or -errno when the caller must answer it itself.
 */
int interact_ask(struct interact *ix, const struct plan *plan, int listener,
		 const struct seccomp_notif *req, const struct decision *policy,
		 const struct record *rec);

/* The questions of @listener's calls are dropped (its target is gone, or
 * no longer served): they can no longer be answered.  Called before the
 * plan of @listener's target is freed. */
void interact_forget(struct interact *ix, int listener);

/*
 * interact_close() - nobody is left to answer (the terminal hung up):
 * every question pending, and every one asked from now on, is answered
 * with --ask-default, logged as answered by @by (static).
 */
void interact_close(struct interact *ix, const char *by);

/* The question numbered @id, or NULL. */
struct question *interact_find(struct interact *ix, unsigned id);

/*
 * interact_answer() - answer @q (which is freed) as @a says; ANSWER_HOLD
 * only marks it.  Returns 0, -EINVAL for an answer that does not apply
 * (narrowing to what the call does not have, always_rule_init()), -ENOSPC
 * (too many rules), -ENOMEM.
 */
int interact_answer(struct interact *ix, struct question *q, const struct answer *a);

/*
 * interact_profile() - the policy of the latest always answer's target
 * (run: the run's) with every always rule added (always_profile()), as
 * profile text in a new string in *@ret.  Returns 0, -ENOENT when no
 * policy is known yet (serve, before any always answer), -ENOMEM, -EINVAL.
 */
int interact_profile(const struct interact *ix, char **ret);

#endif
