/* SPDX-License-Identifier: Apache-2.0 */
/* policy_load_file() and policy_load_plan(): from a policy file to a plan. */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../sys/policy_load.h"
#include "testutil.h"

static const struct plan_host host = { .kernel_major = 6, .kernel_minor = 18 };

#define DIR_TEMPLATE "/tmp/callgate-test-XXXXXX"
static char dir[] = DIR_TEMPLATE;
static char path[PATH_MAX];
static bool made;

/* @name in a directory of this test's own, holding @text (NULL: no file). */
static const char *file(const char *name, const char *text)
{
	FILE *f;

	if (!made)
		ck_assert_msg(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	made = true;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (text) {
		f = fopen(path, "we");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_ge(fputs(text, f), 0);
		ck_assert_int_eq(fclose(f), 0);
	}
	return path;
}

static void teardown(void)
{
	if (made) {
		unlink(path);
		rmdir(dir);
	}
	made = false;
	memcpy(dir, DIR_TEMPLATE, sizeof(dir));
}

START_TEST(loads_and_compiles)
{
	const char *p = file("ok.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
					"[{\"names\": [\"getppid\"], \"action\": "
					"\"SCMP_ACT_ALLOW\"}]}");
	struct policy_load pl = { 0 };
	struct policy_error e = { 0 };
	uint64_t args[6] = { 0 };

	ck_assert_int_eq(policy_load_plan(p, &host, PLAN_MODE_AUDIT, 0, &pl, &e), 0);
	ck_assert_ptr_nonnull(pl.policy);
	ck_assert_ptr_nonnull(pl.plan);
	ck_assert_ptr_eq(pl.plan->policy, pl.policy);
	ck_assert_int_eq(pl.plan->mode, PLAN_MODE_AUDIT);
	ck_assert_int_eq(
		plan_eval(pl.plan, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "getppid"), args).action,
		POLICY_ACT_ALLOW);
	policy_load_done(&pl);
	ck_assert_ptr_null(pl.policy);
	ck_assert_ptr_null(pl.plan);
	policy_load_done(&pl);
}
END_TEST

START_TEST(parse_error_keeps_its_position)
{
	const char *p = file("bad.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
					 " \"syscalls\": [{\"names\": [\"read\"], \"action\": "
					 "\"NOPE\"}]}");
	struct policy_load pl = { .policy = (void *)1 };
	struct policy_error e = { 0 };
	char msg[512];

	ck_assert_int_eq(policy_load_plan(p, &host, PLAN_MODE_ENFORCE, 0, &pl, &e), -EINVAL);
	ck_assert_ptr_eq(pl.policy, (void *)1);
	ck_assert_uint_eq(e.pos.line, 2);
	ck_assert_uint_eq(e.pos.column, 45);
	policy_error_format(p, &e, msg, sizeof(msg));
	ck_assert_msg(strstr(msg, ":2:45: unknown action \"NOPE\""), "%s", msg);
}
END_TEST

START_TEST(read_errors_are_about_the_file)
{
	struct policy_load pl = { 0 };
	struct policy_error e = { .pos = { 7, 7 } };
	const char *p = file("missing.json", NULL);

	ck_assert_int_eq(policy_load_plan(p, &host, PLAN_MODE_ENFORCE, 0, &pl, &e), -ENOENT);
	ck_assert_uint_eq(e.pos.line, 0);
	ck_assert_str_eq(e.msg, "cannot open: No such file or directory");
	ck_assert_int_eq(policy_load_plan(dir, &host, PLAN_MODE_ENFORCE, 0, &pl, &e), -EISDIR);
	ck_assert_int_eq(policy_load_file(p, &pl.policy, NULL), -ENOENT);
	ck_assert_ptr_null(pl.policy);
}
END_TEST

START_TEST(none_is_allow_all_only_when_asked)
{
	struct policy_load pl = { 0 };
	struct policy_error e = { 0 };
	uint64_t args[6] = { 0 };
	char cwd[PATH_MAX];

	/* no file "none" is read, even where there is one */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	file("none", "{\"defaultAction\": \"SCMP_ACT_KILL\"}");
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(
		policy_load_plan("none", &host, PLAN_MODE_ENFORCE, POLICY_LOAD_NONE, &pl, &e), 0);
	ck_assert_int_eq(pl.policy->default_action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(
		plan_eval(pl.plan, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "ptrace"), args).action,
		POLICY_ACT_ALLOW);
	policy_load_done(&pl);
	/* without the flag, "none" is a file name like any other */
	ck_assert_int_eq(policy_load_plan("none", &host, PLAN_MODE_ENFORCE, 0, &pl, &e), 0);
	ck_assert_int_eq(pl.policy->default_action, POLICY_ACT_KILL_THREAD);
	policy_load_done(&pl);
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(disabled_policy)
{
	const char *p = file("off.json", "{}");
	struct policy_load pl = { 0 };
	struct policy_error e = { 0 };

	ck_assert_int_eq(policy_load_plan(p, &host, PLAN_MODE_ENFORCE, 0, &pl, &e), -ENODATA);
	ck_assert_ptr_null(pl.policy);
	ck_assert_uint_eq(e.pos.line, 0);
	ck_assert_msg(strstr(e.msg, "nothing to enforce"), "%s", e.msg);
	ck_assert_int_eq(
		policy_load_plan(p, &host, PLAN_MODE_ENFORCE, POLICY_LOAD_DISABLED_OK, &pl, &e), 0);
	ck_assert_ptr_nonnull(pl.policy);
	ck_assert(!pl.policy->enabled);
	ck_assert_ptr_null(pl.plan);
	policy_load_done(&pl);
}
END_TEST

START_TEST(compile_error_is_reported)
{
	const char *p = file("ok.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	struct policy_load pl = { 0 };
	struct policy_error e = { 0 };

	ck_assert_int_eq(policy_load_plan(p, &host, PLAN_MODE_MAX, 0, &pl, &e), -EINVAL);
	ck_assert_ptr_null(pl.policy);
	ck_assert_uint_eq(e.pos.line, 0);
	ck_assert_str_eq(e.msg, "cannot compile: Invalid argument");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_load");
	TCase *tc = tcase_create("policy_load");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, loads_and_compiles);
	tcase_add_test(tc, parse_error_keeps_its_position);
	tcase_add_test(tc, read_errors_are_about_the_file);
	tcase_add_test(tc, none_is_allow_all_only_when_asked);
	tcase_add_test(tc, disabled_policy);
	tcase_add_test(tc, compile_error_is_reported);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
