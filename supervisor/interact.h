/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interactive mode: calls the policy would deny, and calls of
 * SCMP_ACT_NOTIFY rules, wait for an operator's answer instead of being
 * answered at once.  Each becomes a question, held with its notification
 * until an operator (the terminal prompt, prompt.h; `callgate ctl`,
 * ctl.h) answers it, --ask-timeout decides it, or its caller goes away.
 *
 * Answers: allow once; allow always (a rule for the rest of the run: the
 * syscall, or narrowed to these integer argument values, or to this path);
 * deny (the policy's errno or a named one); kill the process; hold (leave
 * it blocked, to attach a debugger).  Allow-always rules are kept and
 * written into a profile by interact_save().
 *
 * A call re-notified after a signal restarted it (same thread, syscall and
 * arguments, while the earlier notification is no longer valid) takes over
 * its pending question: it is not asked twice.
 */
#ifndef CALLGATE_SUPERVISOR_INTERACT_H
#define CALLGATE_SUPERVISOR_INTERACT_H

#include <ev.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "callgate/decision.h"
#include "callgate/plan.h"
#include "callgate/record.h"
#include "callgate/recorder.h"
#include "callgate/systable.h"

/* Questions pending at most; beyond, --ask-default answers (fail closed). */
#define INTERACT_QUESTIONS_MAX 1024
/* Allow-always rules at most. */
#define INTERACT_ALWAYS_MAX 4096
/* Front ends (terminal, control connections) listening at most. */
#define INTERACT_LISTENERS_MAX 64

enum answer_kind {
	ANSWER_ALLOW,
	ANSWER_ALWAYS,
	ANSWER_DENY,
	ANSWER_KILL,
	ANSWER_HOLD,
};

enum always_scope {
	SCOPE_SYSCALL, /* every call of the syscall */
	SCOPE_ARGS,    /* with these integer (not pointer) argument values */
	SCOPE_PATH,    /* with this path (or address) */
};

struct answer {
	enum answer_kind kind;
	enum always_scope scope; /* ANSWER_ALWAYS */
	int err;		 /* ANSWER_DENY: the errno, 0: the policy's */
	const char *by;		 /* who answered: "tty", "ctl", "timeout" */
};

struct question {
	struct question *next;
	unsigned id;  /* small, for operators; never reused in a run */
	int listener; /* whose notification it is */
	uint64_t notif;
	bool held;
	int stale;		/* checks since its notification went invalid */
	ev_tstamp asked;	/* loop time */
	struct decision policy; /* what the policy answers */
	struct record rec;	/* strings point into the fields below */
	char comm[64];
	char exe[PATH_MAX];
	char paths[RECORD_PATHS_MAX][PATH_MAX];
	char addr[160];
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

struct always_rule {
	enum cg_arch arch;
	int nr;
	enum always_scope scope;
	unsigned arg_mask; /* SCOPE_ARGS: which args must equal */
	uint64_t args[6];
	char *value; /* SCOPE_PATH: the path, or the address text */
	bool is_addr;
};

struct interact {
	struct ev_loop *loop;
	int listener;
	const struct plan *plan;
	struct log_sink *log;
	struct recorder *recorder;  /* --record: what the operator let through */
	enum decision_ask dflt;	    /* --ask-default */
	double timeout;		    /* --ask-timeout; 0: wait for ever */
	struct question *questions; /* oldest first */
	unsigned n_questions;
	unsigned next_id;
	struct always_rule *always;
	size_t n_always;
	struct {
		interact_cb cb;
		void *userdata;
	} listeners[INTERACT_LISTENERS_MAX];
	size_t n_listeners;
	ev_timer tick;				/* private */
	uint64_t answered, timed_out, vanished; /* ro */
};

int interact_init(struct interact *ix, struct ev_loop *loop, int listener, const struct plan *plan,
		  struct log_sink *log);
/* Answers every question left with --ask-default and frees everything. */
void interact_done(struct interact *ix);

int interact_listen(struct interact *ix, interact_cb cb, void *userdata);
void interact_unlisten(struct interact *ix, void *userdata);

/*
 * interact_allowed_always() - whether an allow-always rule covers the call
 * (@arch, @nr, @args; @path and @addr as decoded, or NULL).
 */
bool interact_allowed_always(const struct interact *ix, enum cg_arch arch, int nr,
			     const uint64_t args[6], const char *path, const char *addr);

/*
 * interact_ask() - hold notification @req of @listener (decided @policy by the policy,
 * described by @rec) for an operator.  Returns 0 when held, or -errno
 * (-ENOSPC: too many pending) when the caller must answer it itself.
 */
int interact_ask(struct interact *ix, int listener, const struct seccomp_notif *req,
		 const struct decision *policy, const struct record *rec);

/* The questions of @listener's calls are dropped (its target is gone, or
 * no longer served): they can no longer be answered. */
void interact_forget(struct interact *ix, int listener);

/* The question numbered @id, or NULL. */
struct question *interact_find(struct interact *ix, unsigned id);

/*
 * interact_answer() - answer @q (which is freed) as @a says; ANSWER_HOLD
 * only marks it.  Returns 0, -EINVAL for an answer that does not apply
 * (narrowing to a path the call does not have), -ENOSPC (too many rules).
 */
int interact_answer(struct interact *ix, struct question *q, const struct answer *a);

/*
 * interact_profile() - the policy file @path with the allow-always rules
 * added, as Docker-compatible JSON (malloc'd) in *@ret.  Returns 0 or
 * -errno; a message in @err.
 */
int interact_profile(const struct interact *ix, const char *path, char **ret, char *err,
		     size_t err_size);

const char *answer_kind_to_string(enum answer_kind k);

#endif
