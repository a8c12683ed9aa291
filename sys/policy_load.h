/* SPDX-License-Identifier: Apache-2.0 */
/* From a policy file to a policy, and to its plan. */
#ifndef CALLGATE_SYS_POLICY_LOAD_H
#define CALLGATE_SYS_POLICY_LOAD_H

#include "callgate/plan.h"
#include "callgate/policy.h"

/*
 * policy_load_file() - read @path (at most POLICY_FILE_MAX bytes) and parse
 * it.  Returns 0 and the policy in *@ret, or a negative errno with detail in
 * @reterr (a read failure has position 0:0).
 */
int policy_load_file(const char *path, struct policy **ret, struct policy_error *reterr);

/* What a policy file is loaded into: the policy and its plan, which points
 * into the policy (so the two are released together). */
struct policy_load {
	struct policy *policy; /* owned */
	struct plan *plan;     /* owned; NULL only for a disabled policy under
				* POLICY_LOAD_DISABLED_OK */
};

enum {
	/* "none" is not a file but the policy that allows everything
	 * (callgate run -p none, to watch or --record a program) */
	POLICY_LOAD_NONE = 1 << 0,
	/* a disabled policy (no defaultAction and no syscalls, which Docker
	 * runs unconfined) loads, without a plan (callgate check) */
	POLICY_LOAD_DISABLED_OK = 1 << 1,
};

/*
 * policy_load_plan() - read and parse the policy file @path, and compile it
 * for @host in @mode: policy file -> policy -> plan, the one way for run,
 * serve, callgate-agent and check.  @flags: POLICY_LOAD_*.
 * Returns 0 and fills *@ret (release with policy_load_done()), or -errno
 * with detail in @reterr, to be shown with policy_error_format(@path, ...):
 * a parse error has its line and column; a read error (as from
 * policy_load_file()), -ENODATA for a disabled policy (nothing to enforce)
 * and a failed compilation have position 0:0.  *@ret is untouched then.
 */
int policy_load_plan(const char *path, const struct plan_host *host, enum plan_mode mode,
		     unsigned flags, struct policy_load *ret, struct policy_error *reterr);

/* Release what *@pl holds and reset it; a zeroed struct is fine. */
void policy_load_done(struct policy_load *pl);

#endif
