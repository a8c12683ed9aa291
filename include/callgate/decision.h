/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From a plan's verdict to the supervisor's answer: what the kernel is told
 * (continue, an errno, or the task killed) and what the log says, for the
 * run mode.  Pure.
 *
 * - audit mode, and rules with "audit": true: a denial is only logged
 *   ("would-deny", with the errno it would have got) and the call continues;
 * - SCMP_ACT_NOTIFY outside interactive mode: answered with the
 *   --ask-default decision, and logged as such;
 * - enforce: as the kernel would have answered: ERRNO its errno, TRACE
 *   ENOSYS (no tracer attached), TRAP SIGSYS, KILL_* the task killed.
 */
#ifndef CALLGATE_DECISION_H
#define CALLGATE_DECISION_H

#include <stdbool.h>

#include "callgate/plan.h"
#include "callgate/record.h"

enum decision_response {
	DECISION_CONTINUE,     /* let the kernel run the call */
	DECISION_ERROR,	       /* fail it with -err */
	DECISION_DONE,	       /* the supervisor made the call: it returns val */
	DECISION_TRAP,	       /* SIGSYS to the thread, then fail with ENOSYS */
	DECISION_KILL_THREAD,  /* kill (a notified thread cannot be killed alone: */
	DECISION_KILL_PROCESS, /*  both kill the thread group) */
};

enum decision_ask {
	DECISION_ASK_DENY,
	DECISION_ASK_ALLOW,
};

struct decision {
	enum decision_response response;
	int err;		     /* for DECISION_ERROR */
	long long val;		     /* for DECISION_DONE */
	enum record_decision logged; /* what the record says */
	int log_err;		     /* the record's errno (deny / would-deny), 0: none */
	const char *action;	     /* policy action named in the record, NULL: none */
	const char *reason;	     /* why, when not the rule's own action */
	bool log;		     /* write a record at all */
};

/*
 * decision_make() - the answer to a notified call whose plan verdict is @v,
 * in @mode, with @ask the answer to SCMP_ACT_NOTIFY outside interactive
 * mode.  Always fills *@ret.
 */
void decision_make(const struct plan_verdict *v, enum plan_mode mode, enum decision_ask ask,
		   struct decision *ret);

#endif
