/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime's profile exported from a plan (callgate/export.h). */
#include <dirent.h>

#include "callgate/export.h"
#include "testutil.h"

#define ALL_CAPS UINT64_MAX

static const struct export_opts opts = {
	.listener_path = "/run/callgate/callgate.sock",
	.listener_metadata = "policy=web,mode=enforce",
};

/* The exported profile of @json compiled for @mode: 0 and the profile, or
 * the error with its message in @err. */
static int export_json(const char *json, enum plan_mode mode, struct policy **ret, char **ret_text,
		       struct policy_error *err)
{
	struct policy *p = tu_parse(json);
	struct plan *plan = tu_compile(p, ALL_CAPS, 6, 18, mode);
	char *text = NULL;
	int r = export_profile(plan, &opts, &text, ret, err);

	plan_free(plan);
	policy_free(p);
	if (ret_text)
		*ret_text = text;
	else
		free(text);
	return r;
}

static struct policy *export_ok(const char *json, enum plan_mode mode, char **ret_text)
{
	struct policy_error err = { 0 };
	struct policy *out = NULL;
	int r = export_json(json, mode, &out, ret_text, &err);

	ck_assert_msg(r == 0, "export failed: %s", err.msg);
	return out;
}

/* The action of the exported rules for @name: the first rule naming it;
 * -1 if none does.  Counts the rules naming it in *@n. */
static int action_of(const struct policy *p, const char *name, size_t *n)
{
	int action = -1;

	*n = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t k = 0; k < p->rules[i].n_names; k++)
			if (strcmp(p->rules[i].names[k], name) == 0) {
				if (action < 0)
					action = (int)p->rules[i].action;
				(*n)++;
			}
	return action;
}

struct row {
	const char *name;
	const char *syscall;
	int action; /* -1: no rule names it */
};

static void check_rows(const struct policy *p, const struct row *rows, size_t n_rows)
{
	for (size_t i = 0; i < n_rows; i++) {
		size_t n;
		int a = action_of(p, rows[i].syscall, &n);

		ck_assert_msg(a == rows[i].action, "%s: %s is %s, expected %s", rows[i].name,
			      rows[i].syscall, a < 0 ? "unnamed" : policy_action_to_string(a),
			      rows[i].action < 0 ? "unnamed"
						 : policy_action_to_string(rows[i].action));
	}
}

/* ---- what is notified ------------------------------------------------- */

START_TEST(shared_rules_are_split_per_syscall)
{
	/* the jq recipe's failure: mkdir shares the big rule with 30 file
	 * syscalls, all of which it notified */
	static const char json[] =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		"{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ALLOW\","
		" \"paths\":[\"/srv/**\"],\"comment\":\"only /srv\"},"
		"{\"names\":[\"read\",\"write\",\"openat\",\"mkdir\",\"mkdirat\",\"close\","
		" \"unlink\",\"rename\",\"fstat\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
	static const struct row rows[] = {
		{ "path rule", "mkdir", POLICY_ACT_NOTIFY },
		{ "path rule", "mkdirat", POLICY_ACT_NOTIFY },
		{ "shares the rule, kernel", "openat", POLICY_ACT_ALLOW },
		{ "shares the rule, kernel", "write", POLICY_ACT_ALLOW },
		{ "shares the rule, kernel", "unlink", POLICY_ACT_ALLOW },
		{ "no rule", "chmod", -1 },
	};
	char *text = NULL;
	struct policy *out = export_ok(json, PLAN_MODE_ENFORCE, &text);
	size_t n;

	check_rows(out, rows, ARRAY_SIZE(rows));
	/* mkdir is in one rule only, the notified one */
	action_of(out, "mkdir", &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_null(strstr(text, "paths"));
	ck_assert_ptr_null(strstr(text, "comment"));
	ck_assert_ptr_null(strstr(text, "/srv"));
	ck_assert_str_eq(out->listener_path, opts.listener_path);
	ck_assert_str_eq(out->listener_metadata, opts.listener_metadata);
	free(text);
	policy_free(out);
}
END_TEST

START_TEST(log_audit_and_ask_rules_keep_their_conditions)
{
	static const char json[] =
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"log\":true},"
		"{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"audit\":true,"
		" \"args\":[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
		"{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_ALLOW\",\"audit\":true},"
		"{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}";
	static const struct row rows[] = {
		{ "log", "getpid", POLICY_ACT_NOTIFY },
		{ "audit of a denial", "kill", POLICY_ACT_NOTIFY },
		{ "ask", "getppid", POLICY_ACT_NOTIFY },
		{ "audit of an allow: nothing to audit", "uname", POLICY_ACT_ALLOW },
		{ "a denial in the kernel", "chmod", POLICY_ACT_ERRNO },
	};
	struct policy *out = export_ok(json, PLAN_MODE_ENFORCE, NULL);

	check_rows(out, rows, ARRAY_SIZE(rows));
	for (size_t i = 0; i < out->n_rules; i++) {
		const struct policy_rule *r = &out->rules[i];

		if (strcmp(r->names[0], "kill") == 0) {
			ck_assert_uint_eq(r->n_args, 1);
			ck_assert_uint_eq(r->args[0].index, 1);
			ck_assert_uint_eq(r->args[0].value, 9);
			ck_assert_int_eq(r->args[0].op, POLICY_OP_EQ);
		}
		if (strcmp(r->names[0], "chmod") == 0) {
			ck_assert(r->has_errno_ret);
			ck_assert_uint_eq(r->errno_ret, 13);
		}
	}
	policy_free(out);
}
END_TEST

START_TEST(audit_mode_notifies_denials)
{
	static const char json[] =
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"chmod\",\"fchmodat\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_LOG\"}]}";
	static const struct row rows[] = {
		{ "would-deny", "chmod", POLICY_ACT_NOTIFY },
		{ "would-deny", "fchmodat", POLICY_ACT_NOTIFY },
		{ "not a denial", "getpid", POLICY_ACT_LOG },
	};
	struct policy *out = export_ok(json, PLAN_MODE_AUDIT, NULL);

	check_rows(out, rows, ARRAY_SIZE(rows));
	policy_free(out);
}
END_TEST

START_TEST(i386_socketcall_goes_with_address_rules)
{
	static const char json[] =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		"\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
		"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ALLOW\","
		" \"addresses\":[\"inet:127.0.0.0/8:*\"]},"
		"{\"names\":[\"socket\",\"socketcall\",\"read\",\"exit_group\"],"
		" \"action\":\"SCMP_ACT_ALLOW\"}]}";
	static const struct row rows[] = {
		{ "address rule", "connect", POLICY_ACT_NOTIFY },
		{ "multiplexes connect", "socketcall", POLICY_ACT_NOTIFY },
		{ "kernel", "socket", POLICY_ACT_ALLOW },
	};
	struct policy *out = export_ok(json, PLAN_MODE_ENFORCE, NULL);

	check_rows(out, rows, ARRAY_SIZE(rows));
	ck_assert_uint_eq(out->n_architectures, 3);
	policy_free(out);
}
END_TEST

START_TEST(refused_escape_hatches_are_rules_of_their_own)
{
	static const char json[] =
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"advisory\":\"deny\","
		"\"syscalls\":[{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\","
		" \"paths\":[\"/secret/**\"]}]}";
	struct policy *p = tu_parse(json);
	struct plan *plan = tu_compile(p, ALL_CAPS, 6, 18, PLAN_MODE_ENFORCE);
	struct policy_error err = { 0 };
	struct policy *out = NULL;
	char *text = NULL;
	size_t refused = 0, exported = 0;

	ck_assert_msg(export_profile(plan, &opts, &text, &out, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < plan->n_hatches; i++) {
		size_t n;

		if (!plan->hatches[i].refused)
			continue;
		refused++;
		if (action_of(out, plan->hatches[i].hatch->name, &n) == POLICY_ACT_ERRNO)
			exported++;
	}
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_eq(exported, refused);
	ck_assert_ptr_null(strstr(text, "advisory"));
	free(text);
	policy_free(out);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(includes_and_excludes_resolved_for_the_host)
{
	struct policy *p =
		tu_load(tu_shared("profiles/moby-profiles_fixture_conditional_include.json"));
	struct policy_error err = { 0 };

	for (int held = 0; held < 2; held++) {
		uint64_t caps = held ? ALL_CAPS : 0;
		struct plan *plan = tu_compile(p, caps, 6, 18, PLAN_MODE_ENFORCE);
		struct policy *out = NULL;
		char *text = NULL;
		size_t n;

		ck_assert_msg(export_profile(plan, &opts, &text, &out, &err) == 0, "%s", err.msg);
		ck_assert_ptr_null(strstr(text, "includes"));
		ck_assert_ptr_null(strstr(text, "excludes"));
		ck_assert_ptr_null(strstr(text, "archMap"));
		/* syslog needs CAP_SYSLOG */
		ck_assert_int_eq(action_of(out, "syslog", &n), held ? POLICY_ACT_ALLOW : -1);
		free(text);
		policy_free(out);
		plan_free(plan);
	}
	policy_free(p);
}
END_TEST

/* ---- what cannot be exported ------------------------------------------ */

struct refusal {
	const char *name;
	const char *json;
	enum plan_mode mode;
	const char *msg; /* in the error */
};

START_TEST(what_runc_refuses_is_refused)
{
	static const struct refusal rows[] = {
		{ "write logged",
		  "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		  "[\"write\",\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"log\":true}]}",
		  PLAN_MODE_ENFORCE, "runc refuses SCMP_ACT_NOTIFY on write" },
		{ "write denied in audit mode",
		  "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"write\"],"
		  "\"action\":\"SCMP_ACT_ERRNO\"}]}",
		  PLAN_MODE_AUDIT, "notify write" },
		{ "notified default", "{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", PLAN_MODE_ENFORCE,
		  "runc refuses SCMP_ACT_NOTIFY as the default action" },
		{ "denying default in audit mode",
		  "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		  "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		  PLAN_MODE_AUDIT, "a denial, in audit mode" },
		{ "interactive", "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", PLAN_MODE_INTERACTIVE,
		  "interactive mode" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_error err = { 0 };
		struct policy *out = NULL;
		char *text = NULL;
		int r = export_json(rows[i].json, rows[i].mode, &out, &text, &err);

		ck_assert_msg(r == -EINVAL, "%s: %d", rows[i].name, r);
		ck_assert_msg(strstr(err.msg, rows[i].msg), "%s: '%s'", rows[i].name, err.msg);
		ck_assert_ptr_null(out);
		ck_assert_ptr_null(text);
	}
}
END_TEST

/* ---- the same decisions ------------------------------------------------ */

START_TEST(compare_finds_a_difference)
{
	struct policy *a = tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
				    "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":"
				    "[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	struct policy *b = tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
				    "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":"
				    "[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_GE\"}]}]}");
	struct plan *pa = tu_compile(a, ALL_CAPS, 6, 18, PLAN_MODE_ENFORCE);
	struct plan *pb = tu_compile(b, ALL_CAPS, 6, 18, PLAN_MODE_ENFORCE);
	struct plan *pl = tu_compile(a, ALL_CAPS, 6, 18, PLAN_MODE_AUDIT);
	char why[512] = "";

	ck_assert_int_eq(export_compare(pa, pa, why, sizeof(why)), 0);
	ck_assert_int_eq(export_compare(pa, pb, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "x86_64 kill (62)"), "%s", why);
	/* audit: the denial is notified */
	ck_assert_int_eq(export_compare(pa, pl, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "notify callgate"), "%s", why);
	plan_free(pa);
	plan_free(pb);
	plan_free(pl);
	policy_free(a);
	policy_free(b);
}
END_TEST

/* The names the plan's kept rules give: runc's ENOSYS for calls newer than
 * the profile depends on them. */
static bool same_names(const struct plan *plan, const struct policy *out)
{
	size_t n;

	for (size_t i = 0; i < plan->n_rules; i++)
		for (size_t k = 0; k < plan->rules[i].src->n_names; k++)
			if (action_of(out, plan->rules[i].src->names[k], &n) < 0)
				return false;
	return true;
}

/* Every shared profile, as it is and with path and address rules added in
 * front, exports to a profile that decides as its plan. */
START_TEST(every_shared_profile_exports_with_the_same_decisions)
{
	static const char *const front =
		"{\"names\":[\"openat\",\"open\",\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"paths\":[\"/usr/**\"]},"
		"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"addresses\":[\"inet:127.0.0.1:*\"]},";
	DIR *d = opendir(tu_shared("profiles"));
	struct dirent *de;
	size_t done = 0, with_patterns = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char path[8192];
		struct policy_error err = { 0 };
		struct policy *p = NULL;

		if (!strstr(de->d_name, ".json"))
			continue;
		ck_assert_int_lt(
			snprintf(path, sizeof(path), "%s/%s", tu_shared("profiles"), de->d_name),
			(int)sizeof(path));
		if (tu_load_file(path, &p, &err) < 0 || !p->enabled) {
			policy_free(p); /* refused by the parser, or unconfined */
			continue;
		}
		for (int variant = 0; variant < 2; variant++) {
			struct plan *plan = tu_compile(p, ALL_CAPS, 6, 18, PLAN_MODE_ENFORCE);
			struct policy *out = NULL, *q = NULL;
			char *text = NULL;
			int r;

			if (variant == 1) {
				/* the same profile with pattern rules in front */
				char *buf = NULL, *json = NULL;
				size_t len;
				FILE *f = fopen(path, "re");

				ck_assert_ptr_nonnull(f);
				ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
				len = (size_t)ftell(f);
				rewind(f);
				buf = calloc(1, len + 1);
				ck_assert_uint_eq(fread(buf, 1, len, f), len);
				fclose(f);
				plan_free(plan);
				plan = NULL;
				if (!strstr(buf, "\"syscalls\": [") &&
				    !strstr(buf, "\"syscalls\":[")) {
					free(buf);
					break;
				}
				json = calloc(1, len + strlen(front) + 1);
				{
					char *at = strstr(buf, "\"syscalls\": [");

					if (!at)
						at = strstr(buf, "\"syscalls\":[");
					at = strchr(at, '[') + 1;
					memcpy(json, buf, (size_t)(at - buf));
					strcat(json, front);
					strcat(json, at);
				}
				free(buf);
				r = policy_parse_buf(json, strlen(json), path, &q, &err);
				free(json);
				if (r < 0 || !q->enabled) {
					policy_free(q);
					break;
				}
				plan = tu_compile(q, ALL_CAPS, 6, 18, PLAN_MODE_ENFORCE);
				with_patterns++;
			}
			r = export_profile(plan, &opts, &text, &out, &err);
			/* runc's refusal of NOTIFY on write is the only one */
			if (r < 0)
				ck_assert_msg(strstr(err.msg, "on write"), "%s (%s): %s",
					      de->d_name, variant ? "with patterns" : "as it is",
					      err.msg);
			else
				ck_assert_msg(same_names(plan, out), "%s: names lost", de->d_name);
			free(text);
			policy_free(out);
			plan_free(plan);
			policy_free(q);
			done++;
		}
		policy_free(p);
	}
	closedir(d);
	ck_assert_uint_ge(done, 30);
	ck_assert_uint_ge(with_patterns, 20);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, shared_rules_are_split_per_syscall);
	tcase_add_test(tc, log_audit_and_ask_rules_keep_their_conditions);
	tcase_add_test(tc, audit_mode_notifies_denials);
	tcase_add_test(tc, i386_socketcall_goes_with_address_rules);
	tcase_add_test(tc, refused_escape_hatches_are_rules_of_their_own);
	tcase_add_test(tc, includes_and_excludes_resolved_for_the_host);
	tcase_add_test(tc, what_runc_refuses_is_refused);
	tcase_add_test(tc, compare_finds_a_difference);
	tcase_add_test(tc, every_shared_profile_exports_with_the_same_decisions);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
