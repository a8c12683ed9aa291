/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The warnings of a policy, as `callgate check` prints them and `callgate
 * run`, `serve` and callgate-agent print them when they load it: what the
 * parser noted (unknown keys, names that may be typos), names no enabled
 * ABI has, escape hatches of the pattern rules (callgate/hatch.h), and
 * rules that are dead or costly for the host the plan was resolved for:
 *
 * - costly: "paths" or "addresses" on a syscall of which callgate decodes
 *   no path (no address): the patterns never match, yet the calls go to
 *   the supervisor; a pattern rule whose action is the default's and that
 *   no later rule for the syscall follows, so whether its patterns match
 *   or not the call ends the same, only slower.
 * - dead: a pattern rule that allows a call callgate cannot carry out
 *   itself (advisory) under "advisory": "deny", which refuses every such
 *   allow; a rule that an unconditional rule for the same syscall
 *   overrides (libseccomp's unconditional rule wins in the kernel; in the
 *   supervisor the first matching rule does); a condition that can never
 *   hold (the rule never matches), or conditions on a repeated argument
 *   index that together hold for every value (runc ORs them).
 *
 * Pure: no I/O, no globals.
 */
#ifndef CALLGATE_LINT_H
#define CALLGATE_LINT_H

#include <stddef.h>

#include "callgate/plan.h"
#include "callgate/policy.h"

enum lint_severity {
	LINT_WARNING, /* `check --strict` makes it an error */
	LINT_NOTE,    /* information, never an error */
};

enum lint_kind {
	LINT_PARSE,  /* the parser's (policy->warnings) */
	LINT_SKIP,   /* a name no enabled ABI has, nor any other Linux one */
	LINT_HATCH,  /* an escape hatch of the pattern rules */
	LINT_COSTLY, /* sends calls to the supervisor for nothing */
	LINT_DEAD,   /* a rule, or part of one, that never decides */
};

struct lint_item {
	struct policy_pos pos; /* 0:0 for the whole file */
	enum lint_severity severity;
	enum lint_kind kind;
	char *msg; /* owned; without "warning: " */
};

struct lint {
	struct lint_item *items; /* owned */
	size_t n_items;
};

/*
 * lint_policy() - the warnings and notes of @policy and of its @plan (NULL
 * for a disabled policy, which has the parser's warnings only), in this
 * order: the parser's, skipped names, escape hatches, then costly and dead
 * rules in profile order.  Fills *@ret (release with lint_done()) and
 * returns 0, or -ENOMEM (*@ret untouched).
 */
int lint_policy(const struct policy *policy, const struct plan *plan, struct lint *ret);

/* Release what *@l holds and reset it; a zeroed struct is fine. */
void lint_done(struct lint *l);

#endif
