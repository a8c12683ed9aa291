/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allow-always rules (lib/always.c): made from a call, matched against
 * calls, and added to a policy held in memory, which is written as a
 * profile that parses back with the rules in it and leaves the policy as it
 * was.
 */
#include <errno.h>

#include "callgate/macro.h"
#include "testutil.h"

#include "callgate/always.h"
#include "callgate/policy_write.h"

#define X64 CG_ARCH_X86_64

static struct record call_of(const char *name, const char *path, const char *addr)
{
	struct record rec = {
		.arch = X64,
		.nr = syscall_lookup(X64, name),
		.syscall = name,
		.args = { 0x1000, 0755, 3, 4, 5, 6 },
		.addr = addr,
	};

	if (path) {
		rec.paths[0] = path;
		rec.n_paths = 1;
	}
	return rec;
}

static const struct {
	const char *name, *syscall, *path, *addr;
	enum answer_scope scope;
	int ret;
	unsigned mask;
	const char *pattern; /* ANSWER_SCOPE_PATH */
	bool is_addr;
} init_rows[] = {
	{ "syscall", "mkdir", "/a", NULL, ANSWER_SCOPE_SYSCALL, 0 },
	{ "args: the mode, not the path", "mkdir", "/a", NULL, ANSWER_SCOPE_ARGS, 0, 1u << 1 },
	{ "args: connect's fd", "connect", NULL, "inet:127.0.0.1:80", ANSWER_SCOPE_ARGS, 0, 1u },
	{ "args: none to narrow to", "getppid", NULL, NULL, ANSWER_SCOPE_ARGS, -EINVAL },
	{ "path", "mkdir", "/srv/a", NULL, ANSWER_SCOPE_PATH, 0, 0, "/srv/a" },
	{ "path with glob characters", "mkdir", "/tmp/a*b?[c]", NULL, ANSWER_SCOPE_PATH, 0, 0,
	  "/tmp/a[*]b[?][[]c]" },
	{ "path first, not the address", "mkdir", "/srv/a", "unix:/x", ANSWER_SCOPE_PATH, 0, 0,
	  "/srv/a" },
	{ "path: none", "mkdir", NULL, NULL, ANSWER_SCOPE_PATH, -EINVAL },
	{ "path: relative", "mkdir", "rel/a", NULL, ANSWER_SCOPE_PATH, -EINVAL },
	{ "path: not normalised", "mkdir", "/a/../b", NULL, ANSWER_SCOPE_PATH, -EINVAL },
	{ "address inet", "connect", NULL, "inet:127.0.0.1:5432", ANSWER_SCOPE_PATH, 0, 0,
	  "inet:127.0.0.1:5432", true },
	{ "address inet6", "connect", NULL, "inet6:[::1]:80", ANSWER_SCOPE_PATH, 0, 0,
	  "inet6:[::1]:80", true },
	{ "address unix, glob characters literal", "connect", NULL, "unix:/run/x?.sock",
	  ANSWER_SCOPE_PATH, 0, 0, "unix:/run/x[?].sock", true },
	{ "address abstract", "connect", NULL, "unix:@name", ANSWER_SCOPE_PATH, 0, 0, "unix:@name",
	  true },
	{ "address unnamed: no pattern", "bind", NULL, "unix:", ANSWER_SCOPE_PATH, -EINVAL },
	{ "address of another family: no pattern", "connect", NULL, "family:16", ANSWER_SCOPE_PATH,
	  -EINVAL },
	{ "scope out of range", "mkdir", "/a", NULL, ANSWER_SCOPE_MAX, -EINVAL },
};

START_TEST(init_table)
{
	const __typeof__(init_rows[0]) *row = &init_rows[_i];
	struct record rec = call_of(row->syscall, row->path, row->addr);
	struct always_rule r = { .nr = -7 };
	int ret = always_rule_init(&r, &rec, row->scope);

	ck_assert_msg(ret == row->ret, "%s: returned %d", row->name, ret);
	if (ret < 0) {
		ck_assert_msg(r.nr == -7 && !r.value && !r.pattern, "%s: *r touched", row->name);
		return;
	}
	ck_assert_msg(r.arch == X64 && r.nr == rec.nr && r.scope == row->scope, "%s: call",
		      row->name);
	ck_assert_msg(r.arg_mask == row->mask, "%s: mask %#x", row->name, r.arg_mask);
	if (row->scope == ANSWER_SCOPE_ARGS)
		ck_assert_msg(memcmp(r.args, rec.args, sizeof(r.args)) == 0, "%s: args", row->name);
	if (row->pattern) {
		ck_assert_msg(r.pattern && strcmp(r.pattern, row->pattern) == 0,
			      "%s: pattern \"%s\"", row->name, r.pattern);
		ck_assert_msg(r.is_addr == row->is_addr, "%s: is_addr", row->name);
		ck_assert_msg(strcmp(r.value, row->is_addr ? row->addr : row->path) == 0,
			      "%s: value", row->name);
	} else {
		ck_assert_msg(!r.pattern && !r.value, "%s: no pattern", row->name);
	}
	always_rule_done(&r);
	always_rule_done(&r);
}
END_TEST

START_TEST(cover)
{
	struct always_rule v[3];
	struct record rec = call_of("mkdir", "/a", NULL);
	struct record con = call_of("connect", NULL, "inet:127.0.0.1:80");
	uint64_t args[6] = { 0x9999, 0755 };
	int mkdir_nr = rec.nr;

	ck_assert_int_eq(always_rule_init(&v[0], &rec, ANSWER_SCOPE_PATH), 0);
	ck_assert_int_eq(always_rule_init(&v[1], &rec, ANSWER_SCOPE_ARGS), 0);
	ck_assert_int_eq(always_rule_init(&v[2], &con, ANSWER_SCOPE_PATH), 0);
	/* the path */
	ck_assert(always_rules_cover(v, 1, X64, mkdir_nr, args, "/a", NULL));
	ck_assert(!always_rules_cover(v, 1, X64, mkdir_nr, args, "/b", NULL));
	ck_assert(!always_rules_cover(v, 1, X64, mkdir_nr, args, NULL, NULL));
	ck_assert(!always_rules_cover(v, 1, CG_ARCH_I386, mkdir_nr, args, "/a", NULL));
	/* the mode, whatever the path pointer */
	ck_assert(always_rules_cover(v, 2, X64, mkdir_nr, args, "/z", NULL));
	args[1] = 0700;
	ck_assert(!always_rules_cover(v, 2, X64, mkdir_nr, args, "/z", NULL));
	/* an address is not a path */
	ck_assert(always_rules_cover(v, 3, X64, con.nr, args, NULL, "inet:127.0.0.1:80"));
	ck_assert(!always_rules_cover(v, 3, X64, con.nr, args, "inet:127.0.0.1:80", NULL));
	ck_assert(!always_rules_cover(v, 3, X64, con.nr, args, NULL, "inet:127.0.0.1:81"));
	ck_assert(!always_rules_cover(v, 0, X64, mkdir_nr, args, "/a", NULL));
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		always_rule_done(&v[i]);
}
END_TEST

/* ---- profiles ------------------------------------------------------------ */

static const char policy_json[] =
	"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
	"\"architectures\":[\"SCMP_ARCH_X86_64\"],"
	"\"syscalls\":["
	"{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	"{\"names\":[\"rmdir\",\"mkdir\",\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\","
	"\"errnoRet\":13,\"comment\":\"no directories\"},"
	"{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_KILL_PROCESS\","
	"\"args\":[{\"index\":1,\"value\":511,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ALLOW\","
	"\"addresses\":[\"unix:/run/app.sock\"]}]}";

static char *write_ok(const struct policy *p)
{
	char *s = NULL;

	ck_assert_int_eq(policy_write(p, &s), 0);
	return s;
}

static struct policy *parse_back(const char *text)
{
	struct policy_error e = { 0 };
	struct policy *p = NULL;
	int r = policy_parse_buf(text, strlen(text), "profile", &p, &e);

	ck_assert_msg(r == 0, "the profile does not parse: %u:%u: %s\n%s", e.pos.line, e.pos.column,
		      e.msg, text);
	return p;
}

START_TEST(profile_adds_the_rules)
{
	struct policy *p = tu_parse(policy_json), *q;
	struct record mk = call_of("mkdir", "/srv/new", NULL);
	struct record ln = call_of("symlink", "/srv/l", NULL);
	struct record con = call_of("connect", NULL, "inet:127.0.0.1:5432");
	struct always_rule v[4];
	char *before = write_ok(p), *text = NULL, *after;
	struct plan *plan;
	uint64_t args[6] = { 0 };

	ck_assert_int_eq(always_rule_init(&v[0], &mk, ANSWER_SCOPE_SYSCALL), 0);
	ck_assert_int_eq(always_rule_init(&v[1], &mk, ANSWER_SCOPE_ARGS), 0);
	ck_assert_int_eq(always_rule_init(&v[2], &ln, ANSWER_SCOPE_PATH), 0);
	ck_assert_int_eq(always_rule_init(&v[3], &con, ANSWER_SCOPE_PATH), 0);
	ck_assert_int_eq(always_profile(p, v, 4, &text), 0);

	/* the policy in memory is as it was */
	after = write_ok(p);
	ck_assert_str_eq(before, after);

	q = parse_back(text);
	ck_assert_uint_eq(q->n_rules, 8);
	ck_assert_int_eq(q->default_action, POLICY_ACT_ERRNO);
	/* the operator's rules first */
	ck_assert_str_eq(q->rules[0].names[0], "mkdir");
	ck_assert_int_eq(q->rules[0].action, POLICY_ACT_ALLOW);
	ck_assert_uint_eq(q->rules[0].n_args + q->rules[0].n_paths + q->rules[0].n_addresses, 0);
	ck_assert_ptr_nonnull(strstr(q->rules[0].comment, "allowed always by the operator"));
	ck_assert_uint_eq(q->rules[1].n_args, 1);
	ck_assert_uint_eq(q->rules[1].args[0].index, 1);
	ck_assert_uint_eq(q->rules[1].args[0].value, 0755);
	ck_assert_int_eq(q->rules[1].args[0].op, POLICY_OP_EQ);
	ck_assert_str_eq(q->rules[2].names[0], "symlink");
	ck_assert_uint_eq(q->rules[2].n_paths, 1);
	ck_assert_str_eq(q->rules[2].paths[0], "/srv/l");
	ck_assert_str_eq(q->rules[3].names[0], "connect");
	ck_assert_uint_eq(q->rules[3].n_addresses, 1);
	ck_assert_str_eq(q->rules[3].addresses[0], "inet:127.0.0.1:5432");
	/* then the policy's: mkdir out of the rule denying it outright, kept
	 * in the one with a condition */
	ck_assert_uint_eq(q->rules[5].n_names, 2);
	ck_assert_str_eq(q->rules[5].names[0], "rmdir");
	ck_assert_str_eq(q->rules[5].names[1], "chmod");
	ck_assert_str_eq(q->rules[5].comment, "no directories");
	ck_assert_str_eq(q->rules[6].names[0], "mkdir");
	ck_assert_uint_eq(q->rules[7].n_addresses, 1);

	/* what it allows */
	plan = tu_compile(q, 0, 6, 18, PLAN_MODE_ENFORCE);
	ck_assert_int_eq(plan_eval(plan, X64, mk.nr, args).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(plan_eval(plan, X64, syscall_lookup(X64, "rmdir"), args).action,
			 POLICY_ACT_ERRNO);
	plan_free(plan);
	policy_free(q);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		always_rule_done(&v[i]);
	free(text);
	free(before);
	free(after);
	policy_free(p);
}
END_TEST

/* deny always: the first rule made that covers a call decides it; saved
 * as SCMP_ACT_ERRNO rules, first, that the plan applies */
START_TEST(deny_rules)
{
	struct policy *p = tu_parse(policy_json), *q;
	struct record rd = call_of("read", NULL, NULL);
	struct record mk = call_of("mkdir", "/srv/new", NULL);
	struct record ln = call_of("symlink", "/srv/l", NULL);
	struct always_rule v[4];
	const struct always_rule *hit;
	uint64_t args[6] = { 0 };
	struct plan *plan;
	struct plan_verdict pv;
	char *text = NULL;

	ck_assert_int_eq(always_rule_init(&v[0], &rd, ANSWER_SCOPE_SYSCALL), 0);
	v[0].deny = true;
	v[0].err = EACCES;
	ck_assert_int_eq(always_rule_init(&v[1], &mk, ANSWER_SCOPE_PATH), 0);
	v[1].deny = true;
	v[1].err = ENOSPC;
	/* later and wider: the narrower deny made first still decides /srv/new */
	ck_assert_int_eq(always_rule_init(&v[2], &mk, ANSWER_SCOPE_SYSCALL), 0);
	ck_assert_int_eq(always_rule_init(&v[3], &ln, ANSWER_SCOPE_SYSCALL), 0);
	v[3].deny = true; /* no errno: EPERM in the profile */

	hit = always_rules_find(v, 4, X64, mk.nr, args, "/srv/new", NULL);
	ck_assert_ptr_eq(hit, &v[1]);
	hit = always_rules_find(v, 4, X64, mk.nr, args, "/srv/other", NULL);
	ck_assert_ptr_eq(hit, &v[2]);
	ck_assert_ptr_eq(always_rules_find(v, 4, X64, rd.nr, args, NULL, NULL), &v[0]);
	ck_assert_ptr_null(
		always_rules_find(v, 4, X64, syscall_lookup(X64, "rmdir"), args, NULL, NULL));

	ck_assert_int_eq(always_profile(p, v, 4, &text), 0);
	q = parse_back(text);
	ck_assert_str_eq(q->rules[0].names[0], "read");
	ck_assert_int_eq(q->rules[0].action, POLICY_ACT_ERRNO);
	ck_assert(q->rules[0].has_errno_ret);
	ck_assert_uint_eq(q->rules[0].errno_ret, EACCES);
	ck_assert_ptr_nonnull(strstr(q->rules[0].comment, "denied always by the operator"));
	ck_assert_int_eq(q->rules[1].action, POLICY_ACT_ERRNO);
	ck_assert_uint_eq(q->rules[1].errno_ret, ENOSPC);
	ck_assert_str_eq(q->rules[1].paths[0], "/srv/new");
	ck_assert_int_eq(q->rules[2].action, POLICY_ACT_ALLOW);
	ck_assert_str_eq(q->rules[3].names[0], "symlink");
	ck_assert_uint_eq(q->rules[3].errno_ret, EPERM);
	/* read out of the policy's rule allowing it outright */
	ck_assert_uint_eq(q->rules[4].n_names, 1);
	ck_assert_str_eq(q->rules[4].names[0], "write");

	plan = tu_compile(q, 0, 6, 18, PLAN_MODE_ENFORCE);
	pv = plan_eval(plan, X64, rd.nr, args);
	ck_assert_int_eq(pv.action, POLICY_ACT_ERRNO);
	ck_assert_int_eq(pv.data, EACCES);
	pv = plan_eval(plan, X64, ln.nr, args);
	ck_assert_int_eq(pv.action, POLICY_ACT_ERRNO);
	ck_assert_int_eq(pv.data, EPERM);
	ck_assert_int_eq(plan_eval(plan, X64, syscall_lookup(X64, "write"), args).action,
			 POLICY_ACT_ALLOW);
	plan_free(plan);
	policy_free(q);
	free(text);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		always_rule_done(&v[i]);
	policy_free(p);
}
END_TEST

/* a policy rule whose every name the operator ruled outright goes; of two
 * outright rules for one name (two ABIs) the first made is kept */
START_TEST(profile_drops_emptied_rules)
{
	static const char json[] = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
				   "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
				   "{\"names\":[\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
	struct policy *p = tu_parse(json), *q;
	struct record mk = call_of("mkdir", "/a", NULL);
	struct always_rule v[2];
	char *text = NULL;

	ck_assert_int_eq(always_rule_init(&v[0], &mk, ANSWER_SCOPE_SYSCALL), 0);
	v[0].deny = true;
	v[0].err = EROFS;
	mk.arch = CG_ARCH_I386;
	mk.nr = syscall_lookup(CG_ARCH_I386, "mkdir");
	ck_assert_int_eq(always_rule_init(&v[1], &mk, ANSWER_SCOPE_SYSCALL), 0);
	ck_assert_int_eq(always_profile(p, v, 2, &text), 0);
	q = parse_back(text);
	ck_assert_uint_eq(q->n_rules, 2);
	ck_assert_str_eq(q->rules[0].names[0], "mkdir");
	ck_assert_int_eq(q->rules[0].action, POLICY_ACT_ERRNO);
	ck_assert_uint_eq(q->rules[0].errno_ret, EROFS);
	ck_assert_str_eq(q->rules[1].names[0], "rmdir");
	policy_free(q);
	free(text);
	always_rule_done(&v[0]);
	always_rule_done(&v[1]);
	policy_free(p);
}
END_TEST

START_TEST(profile_without_rules_is_the_policy)
{
	struct policy *p = tu_parse(policy_json);
	char *text = NULL, *plain = write_ok(p);

	ck_assert_int_eq(always_profile(p, NULL, 0, &text), 0);
	ck_assert_str_eq(text, plain);
	free(text);
	free(plain);
	policy_free(p);
}
END_TEST

/* `run -p none`: the policy the run has in memory, not a file */
START_TEST(profile_of_an_allow_all_policy)
{
	static const char none[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
	struct policy *p = tu_parse(none), *q;
	struct record mk = call_of("mkdir", "/srv/new", NULL);
	struct always_rule r;
	char *text = NULL;

	ck_assert_int_eq(always_rule_init(&r, &mk, ANSWER_SCOPE_PATH), 0);
	ck_assert_int_eq(always_profile(p, &r, 1, &text), 0);
	q = parse_back(text);
	ck_assert_int_eq(q->default_action, POLICY_ACT_ALLOW);
	ck_assert_uint_eq(q->n_rules, 1);
	ck_assert_str_eq(q->rules[0].paths[0], "/srv/new");
	policy_free(q);
	free(text);
	always_rule_done(&r);
	policy_free(p);
}
END_TEST

START_TEST(profile_refuses)
{
	struct policy *p = tu_parse(policy_json);
	struct always_rule r = { .arch = X64, .nr = 4000, .scope = ANSWER_SCOPE_SYSCALL };
	char *text = (char *)1;

	/* a number without a name cannot be written */
	ck_assert_int_eq(always_profile(p, &r, 1, &text), -EINVAL);
	ck_assert_ptr_eq(text, (char *)1);
	/* nor a path rule without its pattern */
	r = (struct always_rule){ .arch = X64,
				  .nr = syscall_lookup(X64, "mkdir"),
				  .scope = ANSWER_SCOPE_PATH };
	ck_assert_int_eq(always_profile(p, &r, 1, &text), -EINVAL);
	ck_assert_ptr_eq(text, (char *)1);
	policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("always");
	TCase *tc = tcase_create("always");

	tcase_add_loop_test(tc, init_table, 0, (int)ARRAY_SIZE(init_rows));
	tcase_add_test(tc, cover);
	tcase_add_test(tc, profile_adds_the_rules);
	tcase_add_test(tc, deny_rules);
	tcase_add_test(tc, profile_drops_emptied_rules);
	tcase_add_test(tc, profile_without_rules_is_the_policy);
	tcase_add_test(tc, profile_of_an_allow_all_policy);
	tcase_add_test(tc, profile_refuses);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
