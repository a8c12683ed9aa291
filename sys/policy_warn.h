/* SPDX-License-Identifier: Apache-2.0 */
/* The warnings of a loaded policy on stderr, as `callgate check` prints
 * them: the one way for check, run, serve and callgate-agent. */
#ifndef CALLGATE_SYS_POLICY_WARN_H
#define CALLGATE_SYS_POLICY_WARN_H

#include <stdio.h>

#include "callgate/plan.h"
#include "callgate/policy.h"

enum {
	POLICY_WARN_STRICT = 1 << 0, /* "error:" instead of "warning:" (check --strict) */
	POLICY_WARN_NOTES = 1 << 1,  /* also the notes (check) */
	/* each escape hatch on a line of its own (check); else one line
	 * names them all, as a policy with path rules has about 30 */
	POLICY_WARN_HATCHES = 1 << 2,
};

/*
 * policy_warnings_print() - write the warnings of @policy and @plan (NULL:
 * a disabled policy) to @f, one "PATH:LINE:COLUMN: warning: MESSAGE" line
 * each (callgate/lint.h says which; the open escape hatches together unless
 * POLICY_WARN_HATCHES), and with POLICY_WARN_NOTES the notes ("note:").
 * @flags: POLICY_WARN_*.  Returns how many warnings (or errors) there are,
 * or -ENOMEM.
 */
int policy_warnings_print(FILE *f, const char *path, const struct policy *policy,
			  const struct plan *plan, unsigned flags);

#endif
