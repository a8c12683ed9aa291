/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interactive questions (supervisor/interact.c): re-notified calls take
 * over their question, allow-always rules and their scopes, limits.  The
 * listener is a closed descriptor, so every notification reads as no
 * longer valid: what a call interrupted by a signal leaves behind.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../supervisor/interact.h"
#include "../../supervisor/logsink.h"
#include "testutil.h"

static struct ev_loop *loop;
static struct log_sink sink;
static struct interact ix;
static unsigned events[4];

static void count(void *userdata, enum interact_event ev, const struct question *q,
		  const struct answer *a)
{
	(void)userdata;
	(void)q;
	(void)a;
	events[ev]++;
}

/* What callgate says on stderr while a test runs (answers to a listener
 * that is not open fail: "Failed to answer ..."), kept out of the suite's
 * output and looked at where a test expects it. */
static FILE *said;
static int saved_stderr = -1;

static bool said_has(const char *text)
{
	char buf[4096];
	size_t n;

	fflush(stderr);
	rewind(said);
	n = fread(buf, 1, sizeof(buf) - 1, said);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static void setup(void)
{
	said = tmpfile();
	ck_assert_ptr_nonnull(said);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_eq(dup2(fileno(said), STDERR_FILENO), STDERR_FILENO);
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	ck_assert_int_eq(log_sink_open(&sink, "/dev/null", LOG_FORMAT_JSON), 0);
	ix = (struct interact){ .dflt = DECISION_ASK_DENY };
	ck_assert_int_eq(interact_init(&ix, loop, -1, NULL, &sink), 0);
	memset(events, 0, sizeof(events));
	ck_assert_int_eq(interact_listen(&ix, count, NULL), 0);
}

static void teardown(void)
{
	interact_done(&ix);
	log_sink_close(&sink);
	ev_loop_destroy(loop);
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	fclose(said);
}

static struct seccomp_notif notif(uint64_t id, uint32_t tid, int nr, uint64_t a0)
{
	struct seccomp_notif n = { .id = id, .pid = tid };

	n.data.nr = nr;
	n.data.arch = CG_AUDIT_ARCH_X86_64;
	n.data.args[0] = a0;
	n.data.args[1] = 0755;
	return n;
}

static int ask(uint64_t id, uint32_t tid, const char *name, uint64_t a0, const char *path)
{
	struct seccomp_notif n = notif(id, tid, syscall_lookup(CG_ARCH_X86_64, name), a0);
	struct decision d = { .response = DECISION_ERROR, .err = EPERM, .log_err = EPERM };
	struct record rec = { .pid = (int)tid,
			      .tid = (int)tid,
			      .arch = CG_ARCH_X86_64,
			      .nr = n.data.nr,
			      .syscall = name,
			      .rule = 0 };

	memcpy(rec.args, n.data.args, sizeof(rec.args));
	if (path) {
		rec.paths[0] = path;
		rec.n_paths = 1;
	}
	return interact_ask(&ix, NULL, -1, &n, &d, &rec);
}

START_TEST(restarted_call_takes_over_its_question)
{
	ck_assert_int_eq(ask(1, 100, "mkdir", 0x1000, "/a"), 0);
	ck_assert_uint_eq(ix.n_questions, 1);
	/* the same thread, call and arguments again: not asked twice */
	ck_assert_int_eq(ask(2, 100, "mkdir", 0x1000, "/a"), 0);
	ck_assert_uint_eq(ix.n_questions, 1);
	ck_assert_uint_eq(ix.questions->notif, 2);
	ck_assert_uint_eq(events[INTERACT_ASKED], 1);
	/* other arguments, or another thread: a question of its own */
	ck_assert_int_eq(ask(3, 100, "mkdir", 0x2000, "/b"), 0);
	ck_assert_int_eq(ask(4, 101, "mkdir", 0x1000, "/a"), 0);
	ck_assert_uint_eq(ix.n_questions, 3);
	ck_assert_uint_eq(events[INTERACT_ASKED], 3);
}
END_TEST

START_TEST(always_scopes)
{
	struct answer a = { .kind = ANSWER_ALWAYS, .scope = ANSWER_SCOPE_PATH, .by = "test" };
	uint64_t args[6] = { 0x1000, 0755 };
	int mkdir_nr = syscall_lookup(CG_ARCH_X86_64, "mkdir");

	ck_assert_int_eq(ask(1, 100, "mkdir", 0x1000, "/a"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	ck_assert(interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/a", NULL));
	ck_assert(!interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/b", NULL));
	ck_assert(!interact_allowed_always(&ix, CG_ARCH_I386, mkdir_nr, args, "/a", NULL));

	/* narrowed to the integer arguments: the mode, not the pointer */
	a.scope = ANSWER_SCOPE_ARGS;
	ck_assert_int_eq(ask(2, 100, "mkdir", 0x1000, "/c"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	args[0] = 0x9999;
	ck_assert(interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/z", NULL));
	args[1] = 0700;
	ck_assert(!interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/z", NULL));
}
END_TEST

START_TEST(always_lets_the_others_go)
{
	struct answer a = { .kind = ANSWER_ALWAYS, .scope = ANSWER_SCOPE_SYSCALL, .by = "test" };

	ck_assert_int_eq(ask(1, 100, "mkdir", 1, "/a"), 0);
	ck_assert_int_eq(ask(2, 101, "mkdir", 2, "/b"), 0);
	ck_assert_int_eq(ask(3, 102, "symlink", 3, "/c"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	/* the other mkdir is covered by the new rule; the symlink waits.
	 * (With a closed listener the answers find the callers gone.) */
	ck_assert_uint_eq(ix.n_questions, 1);
	ck_assert_str_eq(ix.questions->rec->syscall, "symlink");
}
END_TEST

/* deny always: later calls it covers are denied with its errno, by a rule
 * that names who made it; the waiting ones it covers are settled too; the
 * first rule made decides */
START_TEST(deny_always)
{
	struct answer a = {
		.kind = ANSWER_DENY_ALWAYS, .scope = ANSWER_SCOPE_PATH, .err = EACCES, .by = "ctl"
	};
	uint64_t args[6] = { 0x1000, 0755 };
	int mkdir_nr = syscall_lookup(CG_ARCH_X86_64, "mkdir");
	const char *reason = NULL;
	int err = 0;

	ck_assert_int_eq(ask(1, 100, "mkdir", 0x1000, "/a"), 0);
	ck_assert_int_eq(ask(2, 101, "mkdir", 0x2000, "/a"), 0);
	ck_assert_int_eq(ask(3, 102, "mkdir", 0x3000, "/b"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	/* the other mkdir of /a went with the rule; /b waits */
	ck_assert_uint_eq(ix.n_questions, 1);
	ck_assert_str_eq(ix.questions->rec->paths[0], "/b");
	ck_assert(interact_denied_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/a", NULL, &err,
					 &reason));
	ck_assert_int_eq(err, EACCES);
	ck_assert_str_eq(reason, "denied always by the operator (ctl)");
	ck_assert(!interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/a", NULL));
	ck_assert(!interact_denied_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/b", NULL, &err,
					  &reason));

	/* allowed always afterwards, the whole syscall: /a stays denied */
	a = (struct answer){ .kind = ANSWER_ALWAYS, .scope = ANSWER_SCOPE_SYSCALL, .by = "tty" };
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	ck_assert(interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/b", NULL));
	ck_assert(interact_denied_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/a", NULL, &err,
					 &reason));

	/* no errno named: the policy's (the questions' decision: EPERM) */
	a = (struct answer){ .kind = ANSWER_DENY_ALWAYS,
			     .scope = ANSWER_SCOPE_SYSCALL,
			     .by = "tty" };
	ck_assert_int_eq(ask(4, 103, "symlink", 1, "/c"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	ck_assert(interact_denied_always(&ix, CG_ARCH_X86_64,
					 syscall_lookup(CG_ARCH_X86_64, "symlink"), args, "/z",
					 NULL, &err, &reason));
	ck_assert_int_eq(err, EPERM);
	ck_assert_str_eq(reason, "denied always by the operator (tty)");
}
END_TEST

START_TEST(nothing_to_narrow_to)
{
	struct answer a = { .kind = ANSWER_ALWAYS, .scope = ANSWER_SCOPE_PATH, .by = "test" };

	ck_assert_int_eq(ask(1, 100, "mkdir", 1, NULL), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), -EINVAL);
	ck_assert_uint_eq(ix.n_questions, 1); /* still waiting */
	ck_assert_uint_eq(ix.n_always, 0);
}
END_TEST

START_TEST(hold_keeps_it)
{
	struct answer a = { .kind = ANSWER_HOLD, .by = "test" };

	ck_assert_int_eq(ask(1, 100, "mkdir", 1, "/a"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	ck_assert_uint_eq(ix.n_questions, 1);
	ck_assert(ix.questions->held);
	ck_assert_uint_eq(events[INTERACT_HELD], 1);
}
END_TEST

START_TEST(bounded)
{
	for (unsigned i = 0; i < INTERACT_QUESTIONS_MAX; i++)
		ck_assert_int_eq(ask(i + 1, 1000 + i, "mkdir", i, "/a"), 0);
	ck_assert_int_eq(ask(99999, 99999, "mkdir", 1, "/a"), -ENOSPC);
	ck_assert_uint_eq(ix.n_questions, INTERACT_QUESTIONS_MAX);
}
END_TEST

START_TEST(question_built_apart_from_the_queue)
{
	struct seccomp_notif n = notif(7, 100, syscall_lookup(CG_ARCH_X86_64, "rename"), 1);
	struct decision d = { .response = DECISION_ERROR, .err = EPERM, .log_err = EPERM };
	char p0[16] = "/srv/a", p1[16] = "/srv/b";
	struct record rec = { .pid = 100,
			      .tid = 100,
			      .arch = CG_ARCH_X86_64,
			      .nr = n.data.nr,
			      .syscall = "rename",
			      .paths = { p0, p1 },
			      .path_args = { 0, 1 },
			      .n_paths = 2,
			      .reason = "not kept",
			      .rule = 0 };
	struct question *q = NULL;

	memcpy(rec.args, n.data.args, sizeof(rec.args));
	ck_assert_int_eq(interact_question_new(NULL, -1, &n, &d, &rec, &q), 0);
	/* built without the queue: no number yet, nothing asked */
	ck_assert_uint_eq(q->id, 0);
	ck_assert_uint_eq(ix.n_questions, 0);
	ck_assert_uint_eq(events[INTERACT_ASKED], 0);
	/* both paths are its own */
	strcpy(p0, "/gone");
	strcpy(p1, "/gone");
	ck_assert_str_eq(q->rec->paths[0], "/srv/a");
	ck_assert_str_eq(q->rec->paths[1], "/srv/b");
	ck_assert_ptr_null(q->rec->reason);
	ck_assert_msg(strstr(q->call, "rename(\"/srv/a\", \"/srv/b\")"), "%s", q->call);
	ck_assert_int_eq(interact_enqueue(&ix, q), 0);
	ck_assert_uint_eq(ix.questions->id, 1);
	ck_assert_uint_eq(events[INTERACT_ASKED], 1);
}
END_TEST

/* `ctl save` writes the policy the target runs under, from memory. */
START_TEST(profile_is_the_targets_policy)
{
	static const char json[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
				   "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
	struct policy *pol = tu_parse(json), *back;
	struct plan *plan = tu_compile(pol, 0, 6, 18, PLAN_MODE_INTERACTIVE);
	struct answer a = { .kind = ANSWER_ALWAYS, .scope = ANSWER_SCOPE_PATH, .by = "test" };
	struct seccomp_notif n = notif(1, 100, syscall_lookup(CG_ARCH_X86_64, "mkdir"), 1);
	struct decision d = { .response = DECISION_ERROR, .err = EPERM, .log_err = EPERM };
	struct record rec = { .pid = 100,
			      .tid = 100,
			      .arch = CG_ARCH_X86_64,
			      .nr = n.data.nr,
			      .syscall = "mkdir",
			      .paths = { "/srv/x" },
			      .n_paths = 1 };
	char *text = NULL;
	int listener = 999; /* not open: every notification reads as gone */

	/* serve: no policy until a target's question is answered always */
	ck_assert_int_eq(interact_profile(&ix, &text), -ENOENT);
	ck_assert_int_eq(interact_ask(&ix, plan, listener, &n, &d, &rec), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	/* the answer could not be sent, and callgate said so */
	ck_assert(said_has("Failed to answer the question of pid"));
	ck_assert_int_eq(interact_profile(&ix, &text), 0);
	back = tu_parse(text);
	ck_assert_uint_eq(back->n_rules, 2);
	ck_assert_str_eq(back->rules[0].paths[0], "/srv/x");
	ck_assert_str_eq(back->rules[1].names[0], "getppid");
	policy_free(back);
	free(text);

	/* a deny-always answer is saved after it, as an SCMP_ACT_ERRNO rule */
	{
		struct answer da = { .kind = ANSWER_DENY_ALWAYS,
				     .scope = ANSWER_SCOPE_SYSCALL,
				     .err = EROFS,
				     .by = "test" };

		rec.syscall = "rmdir";
		rec.nr = n.data.nr = syscall_lookup(CG_ARCH_X86_64, "rmdir");
		n.id = 2;
		ck_assert_int_eq(interact_ask(&ix, plan, listener, &n, &d, &rec), 0);
		ck_assert_int_eq(interact_answer(&ix, ix.questions, &da), 0);
		ck_assert_int_eq(interact_profile(&ix, &text), 0);
		back = tu_parse(text);
		ck_assert_uint_eq(back->n_rules, 3);
		ck_assert_str_eq(back->rules[1].names[0], "rmdir");
		ck_assert_int_eq(back->rules[1].action, POLICY_ACT_ERRNO);
		ck_assert_uint_eq(back->rules[1].errno_ret, EROFS);
		policy_free(back);
		free(text);
	}

	/* the target goes, and its plan and policy with it: still saved */
	interact_forget(&ix, listener);
	plan_free(plan);
	policy_free(pol);
	ck_assert_int_eq(interact_profile(&ix, &text), 0);
	back = tu_parse(text);
	ck_assert_uint_eq(back->n_rules, 3);
	ck_assert_str_eq(back->rules[0].paths[0], "/srv/x");
	ck_assert_str_eq(back->rules[2].names[0], "getppid");
	policy_free(back);
	free(text);
}
END_TEST

/* run: the run's policy, before any rule too (`-p none` is a policy too). */
START_TEST(profile_of_the_run)
{
	static const char none[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
	struct policy *pol = tu_parse(none), *back;
	struct plan *plan = tu_compile(pol, 0, 6, 18, PLAN_MODE_INTERACTIVE);
	char *text = NULL;

	interact_done(&ix);
	ix = (struct interact){ .dflt = DECISION_ASK_DENY };
	ck_assert_int_eq(interact_init(&ix, loop, 999, plan, &sink), 0);
	ck_assert_int_eq(interact_profile(&ix, &text), 0);
	back = tu_parse(text);
	ck_assert_int_eq(back->default_action, POLICY_ACT_ALLOW);
	ck_assert_uint_eq(back->n_rules, 0);
	policy_free(back);
	free(text);
	interact_done(&ix);
	plan_free(plan);
	policy_free(pol);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("interact");
	TCase *tc = tcase_create("interact");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, restarted_call_takes_over_its_question);
	tcase_add_test(tc, always_scopes);
	tcase_add_test(tc, always_lets_the_others_go);
	tcase_add_test(tc, deny_always);
	tcase_add_test(tc, nothing_to_narrow_to);
	tcase_add_test(tc, hold_keeps_it);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, question_built_apart_from_the_queue);
	tcase_add_test(tc, profile_is_the_targets_policy);
	tcase_add_test(tc, profile_of_the_run);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
