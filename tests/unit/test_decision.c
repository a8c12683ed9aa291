/* SPDX-License-Identifier: Apache-2.0 */
/* decision_make(): from a verdict and a mode to the answer and the record. */
#include "testutil.h"

#include "callgate/decision.h"

struct row {
	const char *name;
	enum policy_action action;
	uint16_t data;
	int rule; /* -1 default, -2 ENOSYS range, >= 0 a rule (flags below) */
	bool log, audit;
	enum plan_mode mode;
	enum decision_ask ask;
	/* expected */
	enum decision_response response;
	int err;
	enum record_decision logged;
	int log_err;
	bool logs;
};

static const struct row rows[] = {
	{ "enforce ERRNO rule", POLICY_ACT_ERRNO, 13, 0, false, false, PLAN_MODE_ENFORCE,
	  DECISION_ASK_DENY, DECISION_ERROR, 13, RECORD_DENY, 13, true },
	{ "enforce default ERRNO", POLICY_ACT_ERRNO, 1, -1, false, false, PLAN_MODE_ENFORCE,
	  DECISION_ASK_DENY, DECISION_ERROR, 1, RECORD_DENY, 1, true },
	{ "enforce TRACE without tracer: ENOSYS", POLICY_ACT_TRACE, 1, 0, false, false,
	  PLAN_MODE_ENFORCE, DECISION_ASK_DENY, DECISION_ERROR, ENOSYS, RECORD_DENY, ENOSYS, true },
	{ "enforce TRAP", POLICY_ACT_TRAP, 0, 0, false, false, PLAN_MODE_ENFORCE, DECISION_ASK_DENY,
	  DECISION_TRAP, ENOSYS, RECORD_DENY, ENOSYS, true },
	{ "enforce KILL_PROCESS", POLICY_ACT_KILL_PROCESS, 0, 0, false, false, PLAN_MODE_ENFORCE,
	  DECISION_ASK_DENY, DECISION_KILL_PROCESS, 0, RECORD_KILL, 0, true },
	{ "enforce KILL_THREAD", POLICY_ACT_KILL_THREAD, 0, 0, false, false, PLAN_MODE_ENFORCE,
	  DECISION_ASK_DENY, DECISION_KILL_THREAD, 0, RECORD_KILL, 0, true },
	{ "audit ERRNO: would-deny, continue", POLICY_ACT_ERRNO, 1, -1, false, false,
	  PLAN_MODE_AUDIT, DECISION_ASK_DENY, DECISION_CONTINUE, 0, RECORD_WOULD_DENY, 1, true },
	{ "audit KILL: would-deny, continue", POLICY_ACT_KILL_PROCESS, 0, 0, false, false,
	  PLAN_MODE_AUDIT, DECISION_ASK_DENY, DECISION_CONTINUE, 0, RECORD_WOULD_DENY, 0, true },
	{ "audit ENOSYS range", POLICY_ACT_ERRNO, ENOSYS, -2, false, false, PLAN_MODE_AUDIT,
	  DECISION_ASK_DENY, DECISION_CONTINUE, 0, RECORD_WOULD_DENY, ENOSYS, true },
	{ "audit: true rule in enforce", POLICY_ACT_ERRNO, 13, 0, false, true, PLAN_MODE_ENFORCE,
	  DECISION_ASK_DENY, DECISION_CONTINUE, 0, RECORD_WOULD_DENY, 13, true },
	{ "log: true ALLOW", POLICY_ACT_ALLOW, 0, 0, true, false, PLAN_MODE_ENFORCE,
	  DECISION_ASK_DENY, DECISION_CONTINUE, 0, RECORD_ALLOW, 0, true },
	{ "ALLOW without log is not logged", POLICY_ACT_ALLOW, 0, 0, false, false,
	  PLAN_MODE_ENFORCE, DECISION_ASK_DENY, DECISION_CONTINUE, 0, RECORD_ALLOW, 0, false },
	{ "LOG action continues", POLICY_ACT_LOG, 0, 0, false, false, PLAN_MODE_AUDIT,
	  DECISION_ASK_DENY, DECISION_CONTINUE, 0, RECORD_ALLOW, 0, false },
	{ "NOTIFY, ask-default deny", POLICY_ACT_NOTIFY, 0, 0, false, false, PLAN_MODE_ENFORCE,
	  DECISION_ASK_DENY, DECISION_ERROR, EPERM, RECORD_DENY, EPERM, true },
	{ "NOTIFY, ask-default allow", POLICY_ACT_NOTIFY, 0, 0, false, false, PLAN_MODE_ENFORCE,
	  DECISION_ASK_ALLOW, DECISION_CONTINUE, 0, RECORD_ALLOW, 0, true },
	{ "NOTIFY default, audit, ask-default allow", POLICY_ACT_NOTIFY, 0, -1, false, false,
	  PLAN_MODE_AUDIT, DECISION_ASK_ALLOW, DECISION_CONTINUE, 0, RECORD_ALLOW, 0, true },
};

START_TEST(decision_table)
{
	const struct row *r = &rows[_i];
	struct policy_rule src = { .log = r->log, .audit = r->audit, .action = r->action };
	struct plan_rule pr = { .src = &src, .action = r->action, .data = r->data };
	struct plan_verdict v = {
		.action = r->action,
		.data = r->data,
		.rule = r->rule,
		.prule = r->rule >= 0 ? &pr : NULL,
	};
	struct decision d;

	decision_make(&v, r->mode, r->ask, &d);
	ck_assert_msg(d.response == r->response, "%s: response %d, expected %d", r->name,
		      d.response, r->response);
	if (r->response == DECISION_ERROR || r->response == DECISION_TRAP)
		ck_assert_msg(d.err == r->err, "%s: err %d, expected %d", r->name, d.err, r->err);
	ck_assert_msg(d.log == r->logs, "%s: log %d", r->name, d.log);
	if (r->logs) {
		ck_assert_msg(d.logged == r->logged, "%s: logged %s", r->name,
			      record_decision_to_string(d.logged));
		ck_assert_msg(d.log_err == r->log_err, "%s: log errno %d, expected %d", r->name,
			      d.log_err, r->log_err);
	}
}
END_TEST

START_TEST(non_errno_denials_name_their_action)
{
	struct plan_verdict v = { .action = POLICY_ACT_KILL_PROCESS, .rule = -1 };
	struct decision d;

	decision_make(&v, PLAN_MODE_AUDIT, DECISION_ASK_DENY, &d);
	ck_assert_str_eq(d.action, "SCMP_ACT_KILL_PROCESS");
	v = (struct plan_verdict){ .action = POLICY_ACT_ERRNO, .data = 1, .rule = -2 };
	decision_make(&v, PLAN_MODE_ENFORCE, DECISION_ASK_DENY, &d);
	ck_assert_ptr_null(d.action);
	ck_assert_ptr_nonnull(d.reason);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("decision");
	TCase *tc = tcase_create("decision");

	tcase_add_loop_test(tc, decision_table, 0, (int)ARRAY_SIZE(rows));
	tcase_add_test(tc, non_errno_denials_name_their_action);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
