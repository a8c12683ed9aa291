/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interactive questions (supervisor/interact.c): re-notified calls take
 * over their question, allow-always rules and their scopes, limits.  The
 * listener is a closed descriptor, so every notification reads as no
 * longer valid: what a call interrupted by a signal leaves behind.
 */
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

static void setup(void)
{
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
	return interact_ask(&ix, -1, &n, &d, &rec);
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
	struct answer a = { .kind = ANSWER_ALWAYS, .scope = SCOPE_PATH, .by = "test" };
	uint64_t args[6] = { 0x1000, 0755 };
	int mkdir_nr = syscall_lookup(CG_ARCH_X86_64, "mkdir");

	ck_assert_int_eq(ask(1, 100, "mkdir", 0x1000, "/a"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	ck_assert(interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/a", NULL));
	ck_assert(!interact_allowed_always(&ix, CG_ARCH_X86_64, mkdir_nr, args, "/b", NULL));
	ck_assert(!interact_allowed_always(&ix, CG_ARCH_I386, mkdir_nr, args, "/a", NULL));

	/* narrowed to the integer arguments: the mode, not the pointer */
	a.scope = SCOPE_ARGS;
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
	struct answer a = { .kind = ANSWER_ALWAYS, .scope = SCOPE_SYSCALL, .by = "test" };

	ck_assert_int_eq(ask(1, 100, "mkdir", 1, "/a"), 0);
	ck_assert_int_eq(ask(2, 101, "mkdir", 2, "/b"), 0);
	ck_assert_int_eq(ask(3, 102, "symlink", 3, "/c"), 0);
	ck_assert_int_eq(interact_answer(&ix, ix.questions, &a), 0);
	/* the other mkdir is covered by the new rule; the symlink waits.
	 * (With a closed listener the answers find the callers gone.) */
	ck_assert_uint_eq(ix.n_questions, 1);
	ck_assert_str_eq(ix.questions->rec.syscall, "symlink");
}
END_TEST

START_TEST(nothing_to_narrow_to)
{
	struct answer a = { .kind = ANSWER_ALWAYS, .scope = SCOPE_PATH, .by = "test" };

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

int main(void)
{
	Suite *s = suite_create("interact");
	TCase *tc = tcase_create("interact");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, restarted_call_takes_over_its_question);
	tcase_add_test(tc, always_scopes);
	tcase_add_test(tc, always_lets_the_others_go);
	tcase_add_test(tc, nothing_to_narrow_to);
	tcase_add_test(tc, hold_keeps_it);
	tcase_add_test(tc, bounded);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
