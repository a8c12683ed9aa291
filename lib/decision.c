/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "callgate/decision.h"

/* The errno a denial returns to the caller, as the kernel does it. */
static int denial_errno(enum policy_action a, uint16_t data)
{
	switch (a) {
	case POLICY_ACT_ERRNO: return data;
	case POLICY_ACT_TRACE:
	case POLICY_ACT_TRAP:
		/* SECCOMP_RET_TRACE with no tracer attached fails with ENOSYS;
		 * a trapped call returns ENOSYS if the SIGSYS handler returns */
		return ENOSYS;
	default: return 0;
	}
}

static enum decision_response enforce_response(enum policy_action a)
{
	switch (a) {
	case POLICY_ACT_ERRNO:
	case POLICY_ACT_TRACE: return DECISION_ERROR;
	case POLICY_ACT_TRAP: return DECISION_TRAP;
	case POLICY_ACT_KILL_THREAD: return DECISION_KILL_THREAD;
	default: return DECISION_KILL_PROCESS;
	}
}

void decision_make(const struct plan_verdict *v, enum plan_mode mode, enum decision_ask ask,
		   struct decision *ret)
{
	const struct policy_rule *rule = v->prule ? v->prule->src : NULL;
	struct decision d = {
		.response = DECISION_CONTINUE,
		.logged = RECORD_ALLOW,
		.log = rule && rule->log,
	};

	if (v->action == POLICY_ACT_NOTIFY) {
		/* an operator's question with no operator: --ask-default */
		d.log = true;
		d.reason = "ask-default";
		if (ask == DECISION_ASK_DENY) {
			d.response = DECISION_ERROR;
			d.err = EPERM;
			d.logged = RECORD_DENY;
			d.log_err = EPERM;
		}
		*ret = d;
		return;
	}
	if (!policy_action_denies(v->action)) {
		*ret = d;
		return;
	}

	d.log = true;
	d.log_err = denial_errno(v->action, v->data);
	if (v->action != POLICY_ACT_ERRNO)
		d.action = policy_action_to_string(v->action);
	if (v->rule == -2)
		d.reason = "newer than the profile: ENOSYS, as runc answers";
	if (mode == PLAN_MODE_AUDIT || (rule && rule->audit)) {
		d.logged = RECORD_WOULD_DENY;
		if (mode != PLAN_MODE_AUDIT)
			d.reason = "audit rule";
		*ret = d;
		return;
	}
	d.response = enforce_response(v->action);
	d.err = d.log_err;
	if (d.response == DECISION_KILL_THREAD || d.response == DECISION_KILL_PROCESS)
		d.logged = RECORD_KILL;
	else
		d.logged = RECORD_DENY;
	*ret = d;
}
