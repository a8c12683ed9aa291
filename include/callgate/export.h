/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exporting a plan as the profile a container runtime loads (runc, crun,
 * Podman): a plain OCI seccomp profile with `listenerPath` and
 * `listenerMetadata`, under which the runtime's kernel filter sends to
 * `callgate serve` exactly the calls that the plan sends to the
 * supervisor, and decides every other call in the kernel as the plan does.
 *
 * The profile is the plan's rules in profile order, with includes and
 * excludes already resolved (the plan's host), the architectures the plan
 * enables, and no callgate extension, comment or Docker-only key:
 * - a syscall the supervisor decides whole (a rule with "paths" or
 *   "addresses" names it; i386 socketcall when a call it multiplexes has
 *   such rules) is left out of every rule and named by one unconditional
 *   SCMP_ACT_NOTIFY rule, first;
 * - a rule the plan notifies ("log", "audit" denials, SCMP_ACT_NOTIFY,
 *   denials in audit mode) keeps its names and conditions, with
 *   SCMP_ACT_NOTIFY as its action;
 * - every other rule keeps its action, errno and conditions, so the set of
 *   names (and with it runc's ENOSYS for calls newer than the profile) is
 *   the policy's own;
 * - the escape hatches the plan refuses ("advisory": "deny") are rules of
 *   their own, one per condition.
 *
 * The result is read back (policy_parse_buf()), compiled, and compared
 * with @plan for every syscall number of every enabled ABI and for argument
 * values around every condition: a profile that would decide differently
 * is not returned.
 *
 * Pure: no I/O, no globals, no logging.
 */
#ifndef CALLGATE_EXPORT_H
#define CALLGATE_EXPORT_H

#include <stddef.h>

#include "callgate/plan.h"
#include "callgate/policy.h"

struct export_opts {
	const char *listener_path;     /* required: serve's socket */
	const char *listener_metadata; /* required: "policy=NAME,mode=MODE" */
};

/*
 * export_profile() - the runtime profile of @plan (compiled in enforce or
 * audit mode) as profile text, NUL-terminated, in a new string in
 * *@ret_text (the caller frees it), and, if @ret_policy is not NULL, the
 * same profile parsed back, in *@ret_policy (free with policy_free()).
 * Returns 0, -ENOMEM, or -EINVAL with the reason in @reterr (position
 * 0:0) when the runtime could not load or would misread the result:
 * SCMP_ACT_NOTIFY as the default action (a notified default; in audit
 * mode, a denying default), SCMP_ACT_NOTIFY on write (runc refuses both),
 * interactive mode (serve has none), or decisions that would differ from
 * the plan's.  Nothing is stored on failure.
 */
int export_profile(const struct plan *plan, const struct export_opts *o, char **ret_text,
		   struct policy **ret_policy, struct policy_error *reterr);

/* What the kernel filter does with one call. */
struct export_outcome {
	bool notify;		   /* sent to the supervisor */
	enum policy_action action; /* else: the kernel's action */
	uint16_t data;		   /* errno for ERRNO, value for TRACE */
};

/*
 * export_outcome() - what @plan's kernel filter does with syscall @nr
 * (x32: with the bit) of @arch with @args: a syscall the supervisor
 * decides whole (PLAN_ENTRY_PATTERNS, PLAN_ENTRY_MULTIPLEX) is notified
 * whatever its arguments unless runc's ENOSYS stub answers it first
 * (PLAN_ROUTE_ENOSYS), any other as plan_eval() says.
 */
struct export_outcome export_outcome(const struct plan *plan, enum cg_arch arch, int nr,
				     const uint64_t args[6]);

/*
 * export_compare() - compare the kernel decisions of @a and @b (as
 * export_outcome()) for every syscall number of every ABI, and a few
 * beyond, with argument values around every condition of the rules of
 * either.  Returns 0 if they agree, else -EINVAL with the first
 * difference described in @why (at most @why_size bytes; may be NULL).
 */
int export_compare(const struct plan *a, const struct plan *b, char *why, size_t why_size);

#endif
