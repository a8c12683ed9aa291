/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operators' answers (lib/answer.c): what the terminal prompt and
 * `callgate ctl` accept (docs/callgate.1, tests/live/interactive.sh), one
 * row per input.
 */
#include <errno.h>

#include "callgate/macro.h"
#include "testutil.h"

#include "callgate/answer.h"

static const struct {
	const char *name;
	const char *line; /* words separated by one space */
	int ret;
	enum answer_kind kind;
	enum answer_scope scope;
	int err;
	const char *why; /* for ret < 0: in the reason */
} rows[] = {
	/* the terminal prompt */
	{ "tty a", "a", 0, ANSWER_ALLOW },
	{ "tty allow", "allow", 0, ANSWER_ALLOW },
	{ "tty A", "A", 0, ANSWER_ALWAYS, ANSWER_SCOPE_SYSCALL },
	{ "tty A args", "A args", 0, ANSWER_ALWAYS, ANSWER_SCOPE_ARGS },
	{ "tty A path", "A path", 0, ANSWER_ALWAYS, ANSWER_SCOPE_PATH },
	{ "tty A syscall", "A syscall", 0, ANSWER_ALWAYS, ANSWER_SCOPE_SYSCALL },
	{ "tty always path", "always path", 0, ANSWER_ALWAYS, ANSWER_SCOPE_PATH },
	{ "tty d", "d", 0, ANSWER_DENY, .err = 0 },
	{ "tty d EACCES", "d EACCES", 0, ANSWER_DENY, .err = EACCES },
	{ "tty deny ENOSYS", "deny ENOSYS", 0, ANSWER_DENY, .err = ENOSYS },
	{ "tty D", "D", 0, ANSWER_DENY_ALWAYS, ANSWER_SCOPE_SYSCALL },
	{ "tty D EACCES", "D EACCES", 0, ANSWER_DENY_ALWAYS, ANSWER_SCOPE_SYSCALL, EACCES },
	{ "tty D path", "D path", 0, ANSWER_DENY_ALWAYS, ANSWER_SCOPE_PATH },
	{ "tty D args ENOSYS", "D args ENOSYS", 0, ANSWER_DENY_ALWAYS, ANSWER_SCOPE_ARGS, ENOSYS },
	{ "tty D --errno EACCES", "D --errno EACCES", 0, ANSWER_DENY_ALWAYS, ANSWER_SCOPE_SYSCALL,
	  EACCES },
	{ "tty k", "k", 0, ANSWER_KILL },
	{ "tty kill", "kill", 0, ANSWER_KILL },
	{ "tty h", "h", 0, ANSWER_HOLD },
	{ "tty hold", "hold", 0, ANSWER_HOLD },
	/* ctl, without the question number */
	{ "ctl allow --always", "allow --always", 0, ANSWER_ALWAYS, ANSWER_SCOPE_SYSCALL },
	{ "ctl allow --always syscall", "allow --always syscall", 0, ANSWER_ALWAYS,
	  ANSWER_SCOPE_SYSCALL },
	{ "ctl allow --always args", "allow --always args", 0, ANSWER_ALWAYS, ANSWER_SCOPE_ARGS },
	{ "ctl allow --always path", "allow --always path", 0, ANSWER_ALWAYS, ANSWER_SCOPE_PATH },
	{ "ctl deny --errno EACCES", "deny --errno EACCES", 0, ANSWER_DENY, .err = EACCES },
	{ "ctl deny --errno EPERM", "deny --errno EPERM", 0, ANSWER_DENY, .err = EPERM },
	{ "ctl deny --always", "deny --always", 0, ANSWER_DENY_ALWAYS, ANSWER_SCOPE_SYSCALL },
	{ "ctl deny --always path", "deny --always path", 0, ANSWER_DENY_ALWAYS,
	  ANSWER_SCOPE_PATH },
	{ "ctl deny --always args --errno EACCES", "deny --always args --errno EACCES", 0,
	  ANSWER_DENY_ALWAYS, ANSWER_SCOPE_ARGS, EACCES },
	{ "ctl deny --always --errno ENOSYS", "deny --always --errno ENOSYS", 0, ANSWER_DENY_ALWAYS,
	  ANSWER_SCOPE_SYSCALL, ENOSYS },
	/* refused */
	{ "unknown verb", "x", -ENOENT, .why = "unknown answer 'x'" },
	{ "verbs are case-sensitive", "K", -ENOENT, .why = "unknown answer" },
	{ "ctl verb list is not an answer", "list", -ENOENT, .why = "unknown answer" },
	{ "no words", "", -ENOENT, .why = "no answer" },
	{ "unknown scope", "A file", -EINVAL, .why = "syscall, args or path, not 'file'" },
	{ "ctl unknown scope", "allow --always file", -EINVAL, .why = "syscall, args or path" },
	{ "ctl option after --always", "allow --always --errno", -EINVAL,
	  .why = "syscall, args or path" },
	{ "unknown errno", "d ENOTANERRNO", -EINVAL, .why = "unknown errno name 'ENOTANERRNO'" },
	{ "ctl unknown errno", "deny --errno ENOTANERRNO", -EINVAL, .why = "unknown errno" },
	{ "ctl --errno without a name", "deny --errno", -EINVAL, .why = "--errno needs a name" },
	{ "errno on allow", "a EPERM", -EINVAL, .why = "unexpected 'EPERM'" },
	{ "--errno on allow", "allow --errno EPERM", -EINVAL, .why = "unexpected '--errno'" },
	{ "--always twice on deny", "deny --always --always", -EINVAL,
	  .why = "unknown errno name '--always'" },
	{ "unknown scope of deny always", "deny --always file", -EINVAL,
	  .why = "unknown errno name 'file'" },
	{ "errno before the scope", "D EACCES path", -EINVAL, .why = "unexpected 'path'" },
	{ "--always on kill", "kill --always", -EINVAL, .why = "unexpected '--always'" },
	{ "scope on allow once", "a path", -EINVAL, .why = "unexpected 'path'" },
	{ "two errnos", "d EACCES EPERM", -EINVAL, .why = "unexpected 'EPERM'" },
	{ "two scopes", "A args path", -EINVAL, .why = "unexpected 'path'" },
	{ "argument to kill", "k now", -EINVAL, .why = "unexpected 'now'" },
	{ "argument to hold", "hold 3", -EINVAL, .why = "unexpected '3'" },
	{ "--always twice", "A --always", -EINVAL, .why = "not '--always'" },
};

START_TEST(table)
{
	const __typeof__(rows[0]) *row = &rows[_i];
	const char *words[8];
	char line[128], why[160] = "", *save;
	size_t n = 0;
	struct answer a = {
		.kind = ANSWER_HOLD, .scope = ANSWER_SCOPE_ARGS, .err = 99, .by = "me"
	};
	int r;

	snprintf(line, sizeof(line), "%s", row->line);
	for (char *t = strtok_r(line, " ", &save); t && n < ARRAY_SIZE(words);
	     t = strtok_r(NULL, " ", &save))
		words[n++] = t;
	r = answer_parse(words, n, &a, why, sizeof(why));
	ck_assert_msg(r == row->ret, "%s: returned %d (%s)", row->name, r, why);
	ck_assert_msg(strcmp(a.by, "me") == 0, "%s: 'by' is the caller's", row->name);
	if (r < 0) {
		ck_assert_msg(strstr(why, row->why), "%s: \"%s\"", row->name, why);
		ck_assert_msg(a.kind == ANSWER_HOLD && a.scope == ANSWER_SCOPE_ARGS && a.err == 99,
			      "%s: *ret touched", row->name);
		ck_assert_int_eq(answer_parse(words, n, &a, NULL, 0), row->ret);
		return;
	}
	ck_assert_msg(a.kind == row->kind, "%s: kind %d", row->name, a.kind);
	if (a.kind == ANSWER_ALWAYS || a.kind == ANSWER_DENY_ALWAYS)
		ck_assert_msg(a.scope == row->scope, "%s: scope %d", row->name, a.scope);
	ck_assert_msg(a.err == row->err, "%s: errno %d", row->name, a.err);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(answer_kind_to_string(ANSWER_ALLOW), "allow");
	ck_assert_str_eq(answer_kind_to_string(ANSWER_ALWAYS), "allow-always");
	ck_assert_str_eq(answer_kind_to_string(ANSWER_DENY), "deny");
	ck_assert_str_eq(answer_kind_to_string(ANSWER_KILL), "kill");
	ck_assert_str_eq(answer_kind_to_string(ANSWER_HOLD), "hold");
	ck_assert_str_eq(answer_kind_to_string(ANSWER_DENY_ALWAYS), "deny-always");
	ck_assert_ptr_null(answer_kind_to_string(ANSWER_KIND_MAX));
	ck_assert_ptr_null(answer_kind_to_string(ANSWER_KIND_INVALID));
	ck_assert_str_eq(answer_scope_to_string(ANSWER_SCOPE_SYSCALL), "syscall");
	ck_assert_str_eq(answer_scope_to_string(ANSWER_SCOPE_ARGS), "args");
	ck_assert_str_eq(answer_scope_to_string(ANSWER_SCOPE_PATH), "path");
	ck_assert_ptr_null(answer_scope_to_string(ANSWER_SCOPE_MAX));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("answer");
	TCase *tc = tcase_create("answer");

	tcase_add_loop_test(tc, table, 0, (int)ARRAY_SIZE(rows));
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
