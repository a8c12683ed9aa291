/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lint_policy(): the warnings of a policy, with the position of the rule
 * or condition each is about; dead and costly rules found where they are,
 * and only there (the shipped and shared profiles have none); what a dead
 * rule's warning claims checked against plan_eval().
 */
#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>

#include "testutil.h"

#include "callgate/host.h"
#include "callgate/lint.h"

#define MAX_WANT 4

struct want {
	enum lint_kind kind;
	unsigned line, column;
	const char *text; /* a part of the message */
};

static const struct lint_row {
	const char *name;
	const char *json;
	enum plan_mode mode;
	struct want want[MAX_WANT]; /* every item of these kinds, in order */
} rows[] = {
	/* costly: patterns on calls that carry none */
	{ "paths on read",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
	  "  {\"names\": [\"openat\", \"read\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	  "   \"paths\": [\"/etc/shadow\"]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_COSTLY, 2, 3,
	      "\"paths\" of rule 0 never match \"read\": callgate reads no path argument of "
	      "it, yet sends its calls to the supervisor" } } },
	{ "paths on read and write",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
	  "  {\"names\": [\"read\", \"write\", \"read\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	  "   \"paths\": [\"/etc/**\"]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_COSTLY, 2, 3,
	      "never match \"read\", \"write\": callgate reads no path "
	      "argument of these, yet sends their calls" } } },
	{ "addresses on getpid, not on sendmsg",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
	  "  {\"names\": [\"getpid\", \"sendmsg\", \"connect\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	  "   \"addresses\": [\"inet:10.0.0.0/8:*\"]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_COSTLY, 2, 3,
	      "\"addresses\" of rule 0 never match \"getpid\": callgate reads no socket "
	      "address" } } },
	{ "a pattern rule with the default's action, last for its syscall",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"openat\"], \"action\": \"SCMP_ACT_ALLOW\", \"paths\": [\"/usr/**\"]},\n"
	  "  {\"names\": [\"mkdir\", \"unlink\"], \"action\": \"SCMP_ACT_ERRNO\", \"paths\": "
	  "[\"/x\"]},\n"
	  "  {\"names\": [\"unlink\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_COSTLY, 3, 3,
	      "rule 1 has the default action (SCMP_ACT_ERRNO) and no later rule names "
	      "\"mkdir\": whether its \"paths\" match or not, the call ends the same" } } },
	{ "... not with log, audit or another errno",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"paths\": [\"/x\"],\n"
	  "   \"log\": true},\n"
	  "  {\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"paths\": [\"/x\"],\n"
	  "   \"audit\": true},\n"
	  "  {\"names\": [\"unlink\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13,\n"
	  "   \"paths\": [\"/x\"]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { 0 } } },
	/* dead: advisory allows under "advisory": "deny" */
	{ "advisory deny: execve allowed by path",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"advisory\": \"deny\", \"syscalls\": [\n"
	  "  {\"names\": [\"openat\", \"execve\", \"chdir\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"paths\": [\"/usr/**\"]},\n"
	  "  {\"names\": [\"connect\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"addresses\": [\"unix:/run/*.sock\", \"unix:@x\"]},\n"
	  "  {\"names\": [\"bind\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"addresses\": [\"unix:/run/*.sock\"]},\n"
	  "  {\"names\": [\"connect\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"addresses\": [\"unix:/run/*.sock\", \"inet:127.0.0.1:*\"]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_DEAD, 2, 3,
	      "rule 0 allows \"execve\", \"chdir\" by its \"paths\", which callgate decides "
	      "but leaves to the kernel (advisory): \"advisory\": \"deny\" refuses every "
	      "such call it allows (EPERM)" },
	    { LINT_DEAD, 4, 3, "rule 1 allows \"connect\" by its \"addresses\"" } } },
	{ "advisory deny: nothing in audit mode",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"advisory\": \"deny\", \"syscalls\": [\n"
	  "  {\"names\": [\"execve\"], \"action\": \"SCMP_ACT_ALLOW\", \"paths\": "
	  "[\"/usr/**\"]}]}\n",
	  PLAN_MODE_AUDIT,
	  { { 0 } } },
	{ "advisory allow: execve by path is no warning",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"execve\"], \"action\": \"SCMP_ACT_ALLOW\", \"paths\": "
	  "[\"/usr/**\"]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { 0 } } },
	/* dead: overridden rules */
	{ "an earlier unconditional rule",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
	  "  {\"names\": [\"gettid\", \"getppid\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	  "   \"errnoRet\": 13}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_DEAD, 3, 3,
	      "rule 1 never decides \"getppid\": rule 0 (line 2) decides every call of it "
	      "before it, with no condition" } } },
	{ "a later unconditional rule overrides conditional ones in the kernel",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_TRAP\"}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_DEAD, 2, 3,
	      "rule 0 never decides \"personality\": rule 1 (line 4), later but with no "
	      "condition, decides every call of it" } } },
	{ "... but not in the supervisor, where the first match decides",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ALLOW\", \"paths\": [\"/tmp/**\"]},\n"
	  "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},\n"
	  "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ALLOW\", \"paths\": "
	  "[\"/srv/**\"]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_DEAD, 4, 3,
	      "rule 2 never decides \"mkdir\": rule 1 (line 3) decides every call of it "
	      "before it" } } },
	{ "an override that includes bring is the profile's design",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 2114060288, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},\n"
	  "  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { 0 } } },
	{ "a rule with the default's action overrides nothing",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\"}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { 0 } } },
	/* dead: conditions */
	{ "a condition that never holds",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_LT\"}]},\n"
	  "  {\"names\": [\"prctl\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 1, \"value\": 1, \"valueTwo\": 2, \"op\": "
	  "\"SCMP_CMP_MASKED_EQ\"}]},\n"
	  "  {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 1, \"value\": 18446744073709551615, \"op\": "
	  "\"SCMP_CMP_GT\"}]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_DEAD, 3, 13, "argument 0 SCMP_CMP_LT 0x0 never holds: the rule never matches" },
	    { LINT_DEAD, 5, 13,
	      "argument 1 SCMP_CMP_MASKED_EQ 0x1 (valueTwo has bits outside the mask) never "
	      "holds" },
	    { LINT_DEAD, 7, 13, "argument 1 SCMP_CMP_GT 0xffffffffffffffff never holds" } } },
	{ "a value that holds on x86_64 only is no mistake",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 4294967296, \"op\": \"SCMP_CMP_LT\"},\n"
	  "            {\"index\": 1, \"value\": 4294967295, \"op\": \"SCMP_CMP_GT\"}]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { 0 } } },
	{ "repeated index: conditions that OR to every value",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"},\n"
	  "            {\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_NE\"}]},\n"
	  "  {\"names\": [\"prctl\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_GE\"},\n"
	  "            {\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_LE\"}]},\n"
	  "  {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 9, \"op\": \"SCMP_CMP_GE\"},\n"
	  "            {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_LE\"}]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { LINT_DEAD, 2, 3,
	      "the conditions of rule 0 on argument 0 hold for every value: as an argument "
	      "index repeats, each condition is a rule of its own" },
	    { LINT_DEAD, 5, 3, "the conditions of rule 1 on argument 0 hold for every value" } } },
	{ "repeated index that leaves values out",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	  "   \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"},\n"
	  "            {\"index\": 0, \"value\": 7, \"op\": \"SCMP_CMP_EQ\"},\n"
	  "            {\"index\": 0, \"value\": 6, \"op\": \"SCMP_CMP_LT\"}]}]}\n",
	  PLAN_MODE_ENFORCE,
	  { { 0 } } },
};

static bool counted(enum lint_kind k)
{
	return k == LINT_COSTLY || k == LINT_DEAD;
}

START_TEST(lint_table)
{
	const struct lint_row *row = &rows[_i];
	struct policy *p = tu_parse(row->json);
	struct plan *plan = tu_compile(p, 0, 6, 18, row->mode);
	struct lint l = { 0 };
	size_t w = 0;

	ck_assert_int_eq(lint_policy(p, plan, &l), 0);
	for (size_t i = 0; i < l.n_items; i++) {
		const struct lint_item *it = &l.items[i];
		const struct want *want = &row->want[w];

		if (!counted(it->kind))
			continue;
		ck_assert_msg(w < MAX_WANT && want->text, "%s: unexpected %u:%u: %s", row->name,
			      it->pos.line, it->pos.column, it->msg);
		ck_assert_msg(it->kind == want->kind && it->pos.line == want->line &&
				      it->pos.column == want->column && strstr(it->msg, want->text),
			      "%s: got %u:%u: %s; want %u:%u: ...%s...", row->name, it->pos.line,
			      it->pos.column, it->msg, want->line, want->column, want->text);
		ck_assert(it->severity == LINT_WARNING);
		w++;
	}
	ck_assert_msg(w == MAX_WANT || !row->want[w].text, "%s: missing %u:%u: %s", row->name,
		      row->want[w].line, row->want[w].column, row->want[w].text);
	lint_done(&l);
	lint_done(&l); /* reset: twice is fine */
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* What the override warnings claim, by plan_eval(): the rule never decides. */
START_TEST(override_never_decides)
{
	static const char json[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
		"  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
		"   \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},\n"
		"  {\"names\": [\"personality\", \"getppid\"], \"action\": \"SCMP_ACT_TRAP\"},\n"
		"  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n";
	struct policy *p = tu_parse(json);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	const uint64_t values[] = { 0, 8, 9, UINT64_MAX };
	struct lint l = { 0 };
	size_t dead = 0;

	ck_assert_int_eq(lint_policy(p, plan, &l), 0);
	for (size_t i = 0; i < l.n_items; i++)
		dead += l.items[i].kind == LINT_DEAD;
	ck_assert_uint_eq(dead, 2); /* rule 0 for personality, rule 2 for getppid */
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		if (!plan->arch[a].enabled)
			continue;
		for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
			uint64_t args[6] = { values[v] };
			int nr = syscall_lookup((enum cg_arch)a, "personality");
			struct plan_verdict pv = plan_eval(plan, (enum cg_arch)a, nr, args);

			ck_assert_int_eq(pv.rule, 1);
			nr = syscall_lookup((enum cg_arch)a, "getppid");
			pv = plan_eval(plan, (enum cg_arch)a, nr, args);
			ck_assert_int_eq(pv.rule, 1);
		}
	}
	lint_done(&l);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* The parser's warnings, names no ABI has and escape hatches come first,
 * in that order, with their positions. */
START_TEST(order_and_kinds)
{
	static const char json[] =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
		"  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"path\": [\"/x\"]},\n"
		"  {\"names\": [\"nosuchcall\"], \"action\": \"SCMP_ACT_ERRNO\"},\n"
		"  {\"names\": [\"openat\", \"read\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
		"   \"paths\": [\"/etc/shadow\"]}]}\n";
	struct policy *p = tu_parse(json);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct lint l = { 0 };
	enum lint_kind last = LINT_PARSE;
	bool seen[LINT_DEAD + 1] = { false };

	ck_assert_int_eq(lint_policy(p, plan, &l), 0);
	for (size_t i = 0; i < l.n_items; i++) {
		const struct lint_item *it = &l.items[i];
		enum lint_kind k = it->kind == LINT_DEAD ? LINT_COSTLY : it->kind;

		ck_assert_msg(k >= last, "%s out of order", it->msg);
		last = k;
		seen[it->kind] = true;
		if (it->kind == LINT_PARSE)
			ck_assert_msg(it->pos.line == 2 && strstr(it->msg, "unknown key \"path\""),
				      "%u: %s", it->pos.line, it->msg);
		if (it->kind == LINT_SKIP)
			ck_assert_msg(it->pos.line == 3 &&
					      strstr(it->msg, "\"nosuchcall\" skipped"),
				      "%u: %s", it->pos.line, it->msg);
		if (it->kind == LINT_HATCH)
			ck_assert_uint_eq(it->pos.line, 4);
	}
	ck_assert(seen[LINT_PARSE] && seen[LINT_SKIP] && seen[LINT_HATCH] && seen[LINT_COSTLY]);
	lint_done(&l);
	plan_free(plan);

	/* a disabled policy: the parser's warnings only */
	policy_free(p);
	p = tu_parse("{\"bogus\": 1}");
	ck_assert_int_eq(lint_policy(p, NULL, &l), 0);
	ck_assert_uint_ge(l.n_items, 1);
	for (size_t i = 0; i < l.n_items; i++)
		ck_assert_int_eq(l.items[i].kind, LINT_PARSE);
	ck_assert_ptr_nonnull(strstr(l.items[0].msg, "unknown key \"bogus\""));
	lint_done(&l);
	policy_free(p);
}
END_TEST

/* Real profiles have no dead or costly rules, whatever the capabilities
 * and mode: no noise for `callgate run` under Docker's default. */
static void no_findings(const char *path)
{
	const uint64_t caps[] = { 0, host_caps_docker(), host_caps_podman(), host_caps_all() };
	struct policy *p = tu_load(path);

	if (!p->enabled) {
		policy_free(p);
		return;
	}
	for (size_t c = 0; c < ARRAY_SIZE(caps); c++)
		for (int m = 0; m < PLAN_MODE_MAX; m++) {
			struct plan *plan = tu_compile(p, caps[c], 6, 18, (enum plan_mode)m);
			struct lint l = { 0 };

			ck_assert_int_eq(lint_policy(p, plan, &l), 0);
			for (size_t i = 0; i < l.n_items; i++)
				ck_assert_msg(
					!counted(l.items[i].kind), "%s (caps %#llx, %s): %u:%u: %s",
					path, (unsigned long long)caps[c],
					plan_mode_to_string((enum plan_mode)m), l.items[i].pos.line,
					l.items[i].pos.column, l.items[i].msg);
			lint_done(&l);
			plan_free(plan);
		}
	policy_free(p);
}

START_TEST(real_profiles_are_clean)
{
	const char *dir = tu_shared("profiles");
	struct dirent *d;
	DIR *dp;
	size_t n = 0;

	no_findings("policies/default.json");
	dp = opendir(dir);
	ck_assert_msg(dp, "cannot open %s", dir);
	while ((d = readdir(dp))) {
		char path[4096 + 256 + 2];
		struct policy_error e = { 0 };
		struct policy *p = NULL;

		if (!strstr(d->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (tu_load_file(path, &p, &e) < 0)
			continue; /* the profile runc refuses too */
		policy_free(p);
		no_findings(path);
		n++;
	}
	closedir(dp);
	ck_assert_uint_ge(n, 30);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("lint");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, lint_table, 0, (int)ARRAY_SIZE(rows));
	tcase_add_test(tc, override_never_decides);
	tcase_add_test(tc, order_and_kinds);
	tcase_add_test(tc, real_profiles_are_clean);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
