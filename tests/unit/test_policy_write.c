/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for lib/policy_write.c: every profile in shared/profiles that
 * loads, and policies/default.json, survives parse -> write -> parse with
 * the same fields and the same plan verdicts for every syscall number of
 * every x86 ABI; writing is idempotent; and the layout, escaping, numbers
 * and names are pinned by targeted cases.
 */
#include <dirent.h>
#include <errno.h>

#include "callgate/macro.h"
#include "callgate/policy_write.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static char *write_ok(const struct policy *p)
{
	char *s = NULL;
	int r = policy_write(p, &s);

	ck_assert_msg(r == 0, "policy_write: %s", strerror(-r));
	return s;
}

static struct policy *parse_text(const char *what, const char *text)
{
	struct policy_error e = { 0 };
	struct policy *p = NULL;
	int r = policy_parse_buf(text, strlen(text), what, &p, &e);

	ck_assert_msg(r == 0, "%s: written text does not parse: %u:%u: %s\n%s", what, e.pos.line,
		      e.pos.column, e.msg, text);
	return p;
}

/* NULL and "" are the same to the writer (omitempty). */
static bool str_same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static void strv_same(const char *what, const char *field, char *const *a, size_t na,
		      char *const *b, size_t nb)
{
	ck_assert_msg(na == nb, "%s: %s: %zu vs %zu entries", what, field, na, nb);
	for (size_t i = 0; i < na; i++)
		ck_assert_msg(strcmp(a[i], b[i]) == 0, "%s: %s[%zu]: \"%s\" vs \"%s\"", what, field,
			      i, a[i], b[i]);
}

static void filter_same(const char *what, const char *field, const struct policy_filter *a,
			const struct policy_filter *b)
{
	ck_assert_msg(!a == !b, "%s: %s present in one policy only", what, field);
	if (!a)
		return;
	strv_same(what, field, a->caps, a->n_caps, b->caps, b->n_caps);
	strv_same(what, field, a->arches, a->n_arches, b->arches, b->n_arches);
	ck_assert_msg(a->has_min_kernel == b->has_min_kernel &&
			      a->min_kernel_major == b->min_kernel_major &&
			      a->min_kernel_minor == b->min_kernel_minor,
		      "%s: %s.minKernel differs", what, field);
}

static void rule_same(const char *what, size_t i, const struct policy_rule *a,
		      const struct policy_rule *b)
{
	char w[512];

	snprintf(w, sizeof(w), "%s: syscalls[%zu]", what, i);
	strv_same(w, "names", a->names, a->n_names, b->names, b->n_names);
	ck_assert_msg(a->action == b->action, "%s: action", w);
	ck_assert_msg(a->has_errno_ret == b->has_errno_ret && a->errno_ret == b->errno_ret,
		      "%s: errnoRet", w);
	ck_assert_msg(str_same(a->errno_name, b->errno_name), "%s: errno", w);
	ck_assert_msg(a->n_args == b->n_args, "%s: %zu vs %zu args", w, a->n_args, b->n_args);
	for (size_t k = 0; k < a->n_args; k++)
		ck_assert_msg(a->args[k].index == b->args[k].index &&
				      a->args[k].value == b->args[k].value &&
				      a->args[k].value_two == b->args[k].value_two &&
				      a->args[k].op == b->args[k].op,
			      "%s: args[%zu]", w, k);
	ck_assert_msg(str_same(a->comment, b->comment), "%s: comment", w);
	filter_same(w, "includes", a->includes, b->includes);
	filter_same(w, "excludes", a->excludes, b->excludes);
	strv_same(w, "paths", a->paths, a->n_paths, b->paths, b->n_paths);
	strv_same(w, "addresses", a->addresses, a->n_addresses, b->addresses, b->n_addresses);
	ck_assert_msg(a->log == b->log && a->audit == b->audit, "%s: log/audit", w);
}

/* Everything the writer writes is the same in @a and @b. */
static void policy_same(const char *what, const struct policy *a, const struct policy *b)
{
	ck_assert_msg(a->enabled == b->enabled, "%s: enabled differs", what);
	if (!a->enabled)
		return;
	ck_assert_msg(a->default_action == b->default_action, "%s: defaultAction", what);
	ck_assert_msg(a->has_default_errno_ret == b->has_default_errno_ret &&
			      a->default_errno_ret == b->default_errno_ret,
		      "%s: defaultErrnoRet", what);
	ck_assert_msg(str_same(a->default_errno_name, b->default_errno_name), "%s: defaultErrno",
		      what);
	strv_same(what, "architectures", a->architectures, a->n_architectures, b->architectures,
		  b->n_architectures);
	ck_assert_msg(a->n_arch_map == b->n_arch_map, "%s: archMap length", what);
	for (size_t i = 0; i < a->n_arch_map; i++) {
		ck_assert_msg(str_same(a->arch_map[i].arch, b->arch_map[i].arch),
			      "%s: archMap[%zu]", what, i);
		strv_same(what, "subArchitectures", a->arch_map[i].sub_arches,
			  a->arch_map[i].n_sub_arches, b->arch_map[i].sub_arches,
			  b->arch_map[i].n_sub_arches);
	}
	strv_same(what, "flags", a->flags, a->n_flags, b->flags, b->n_flags);
	ck_assert_msg(str_same(a->listener_path, b->listener_path), "%s: listenerPath", what);
	ck_assert_msg(str_same(a->listener_metadata, b->listener_metadata), "%s: listenerMetadata",
		      what);
	ck_assert_msg(a->advisory_deny == b->advisory_deny, "%s: advisory", what);
	ck_assert_msg(a->n_rules == b->n_rules, "%s: %zu vs %zu rules", what, a->n_rules,
		      b->n_rules);
	for (size_t i = 0; i < a->n_rules; i++)
		rule_same(what, i, &a->rules[i], &b->rules[i]);
}

static void verdict_same(const char *what, const struct plan *pa, const struct plan *pb,
			 enum cg_arch arch, int nr, const uint64_t args[6])
{
	struct plan_verdict va = plan_eval(pa, arch, nr, args), vb = plan_eval(pb, arch, nr, args);

	ck_assert_msg(va.action == vb.action && va.data == vb.data && va.notify == vb.notify &&
			      va.rule == vb.rule,
		      "%s: %s %d arg %#llx: %s(%u) rule %d vs %s(%u) rule %d", what,
		      arch_to_string(arch), nr, (unsigned long long)args[0],
		      policy_action_to_string(va.action), va.data, va.rule,
		      policy_action_to_string(vb.action), vb.data, vb.rule);
}

/* The verdicts of @a and @b on every syscall number of every x86 ABI, with
 * argument values around every condition.  Returns the number of calls. */
static unsigned long plans_same(const char *what, const struct policy *a, const struct policy *b)
{
	static const struct plan_host hosts[] = {
		{ .caps = 0, .kernel_major = 6, .kernel_minor = 18 },
		{ .caps = ~0ull, .kernel_major = 6, .kernel_minor = 18 },
		{ .caps = 0, .kernel_major = 4, .kernel_minor = 7 },
	};
	unsigned long count = 0;

	for (size_t h = 0; h < ARRAY_SIZE(hosts); h++) {
		const struct plan_host *host = &hosts[h];
		struct plan *pa = tu_compile(a, host->caps, host->kernel_major, host->kernel_minor,
					     PLAN_MODE_ENFORCE);
		struct plan *pb = tu_compile(b, host->caps, host->kernel_major, host->kernel_minor,
					     PLAN_MODE_ENFORCE);

		for (int arch = 0; arch < CG_ARCH_MAX; arch++) {
			int bit = arch == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0;

			ck_assert_msg(pa->arch[arch].enabled == pb->arch[arch].enabled,
				      "%s: %s enabled in one plan only", what,
				      arch_to_string((enum cg_arch)arch));
			for (int nr = 0; nr < pa->arch[arch].nr_limit + 16; nr++) {
				uint64_t zero[6] = { 0 }, vals[256];

				verdict_same(what, pa, pb, (enum cg_arch)arch, nr | bit, zero);
				count++;
				if (!pa->arch[arch].enabled || nr >= pa->arch[arch].nr_limit)
					continue;
				for (int idx = 0; idx < 6; idx++) {
					size_t n = tu_condition_values(
						pa, &pa->arch[arch].entries[nr], idx, vals, 0, 256);

					for (size_t k = 0; k < n; k++) {
						uint64_t args[6] = { 0 };

						args[idx] = vals[k];
						verdict_same(what, pa, pb, (enum cg_arch)arch,
							     nr | bit, args);
						count++;
					}
				}
			}
		}
		plan_free(pa);
		plan_free(pb);
	}
	return count;
}

/* ---- round trips of every profile --------------------------------------- */

static char *profiles[512];
static size_t n_profiles;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* policies/default.json, then shared/profiles/ in name order. */
static void find_profiles(void)
{
	char path[8192];
	struct dirent *de;
	DIR *d;

	profiles[n_profiles++] = strdup("policies/default.json");
	d = opendir(tu_shared("profiles"));
	if (!d)
		return;
	while ((de = readdir(d)) && n_profiles < ARRAY_SIZE(profiles)) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tu_shared("profiles"), de->d_name);
		profiles[n_profiles++] = strdup(path);
	}
	closedir(d);
	qsort(profiles + 1, n_profiles - 1, sizeof(profiles[0]), cmp_str);
}

START_TEST(profiles_found)
{
	ck_assert_msg(n_profiles >= 31, "%zu profiles under %s", n_profiles, tu_shared("profiles"));
}
END_TEST

START_TEST(round_trip_profile)
{
	const char *path = profiles[_i];
	struct policy_error e = { 0 };
	struct policy *p = NULL, *q, *q2;
	char *text, *text2;

	if (tu_load_file(path, &p, &e) < 0)
		return; /* refused profiles are test_policy's business */
	text = write_ok(p);
	q = parse_text(path, text);
	policy_same(path, p, q);
	text2 = write_ok(q);
	ck_assert_msg(strcmp(text, text2) == 0, "%s: write is not idempotent", path);
	q2 = parse_text(path, text2);
	policy_same(path, q, q2);
	if (p->enabled)
		ck_assert_uint_gt(plans_same(path, p, q), 1000);
	else
		ck_assert_str_eq(text, "{}\n");
	free(text);
	free(text2);
	policy_free(p);
	policy_free(q);
	policy_free(q2);
}
END_TEST

/* ---- targeted cases ------------------------------------------------------ */

/* parse -> write -> parse gives the same policy; returns the text. */
static char *round_trip(const char *what, const char *json)
{
	struct policy *p = tu_parse(json), *q;
	char *text = write_ok(p), *again;

	q = parse_text(what, text);
	policy_same(what, p, q);
	again = write_ok(q);
	ck_assert_msg(strcmp(text, again) == 0, "%s: not idempotent:\n%s\n%s", what, text, again);
	free(again);
	policy_free(p);
	policy_free(q);
	return text;
}

START_TEST(layout_is_pinned)
{
	static const char json[] =
		"{\"syscalls\":[{\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":0,"
		"\"names\":[\"mkdir\",\"rmdir\"],\"comment\":\"no dirs\","
		"\"excludes\":{\"minKernel\":\"5.8\",\"caps\":[\"CAP_SYS_ADMIN\"]},"
		"\"args\":[{\"op\":\"SCMP_CMP_MASKED_EQ\",\"valueTwo\":2,\"value\":3,"
		"\"index\":1},{\"index\":0,\"value\":7,\"op\":\"SCMP_CMP_NE\"}]},"
		"{\"name\":\"openat\",\"action\":\"SCMP_ACT_ALLOW\",\"audit\":false,"
		"\"log\":true,\"paths\":[\"/usr/**\",\"!/etc/shadow\"],\"includes\":{}},"
		"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"addresses\":[\"inet:127.0.0.1:5432\"],\"includes\":{\"minKernel\":\"\"}}],"
		"\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"advisory\":\"deny\","
		"\"listenerPath\":\"/run/a.sock\",\"listenerMetadata\":\"m\","
		"\"defaultErrno\":\"EPERM\",\"defaultAction\":\"SCMP_ACT_ERRNO\","
		"\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":"
		"[\"SCMP_ARCH_X86\"]},{\"architecture\":\"SCMP_ARCH_S390X\"}],\"unknown\":1}";
	static const char expected[] = "{\n"
				       "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
				       "  \"defaultErrnoRet\": 1,\n"
				       "  \"defaultErrno\": \"EPERM\",\n"
				       "  \"archMap\": [\n"
				       "    {\n"
				       "      \"architecture\": \"SCMP_ARCH_X86_64\",\n"
				       "      \"subArchitectures\": [\n"
				       "        \"SCMP_ARCH_X86\"\n"
				       "      ]\n"
				       "    },\n"
				       "    {\n"
				       "      \"architecture\": \"SCMP_ARCH_S390X\",\n"
				       "      \"subArchitectures\": []\n"
				       "    }\n"
				       "  ],\n"
				       "  \"flags\": [\n"
				       "    \"SECCOMP_FILTER_FLAG_LOG\"\n"
				       "  ],\n"
				       "  \"listenerPath\": \"/run/a.sock\",\n"
				       "  \"listenerMetadata\": \"m\",\n"
				       "  \"advisory\": \"deny\",\n"
				       "  \"syscalls\": [\n"
				       "    {\n"
				       "      \"names\": [\n"
				       "        \"mkdir\",\n"
				       "        \"rmdir\"\n"
				       "      ],\n"
				       "      \"action\": \"SCMP_ACT_ERRNO\",\n"
				       "      \"errnoRet\": 0,\n"
				       "      \"args\": [\n"
				       "        {\n"
				       "          \"index\": 1,\n"
				       "          \"value\": 3,\n"
				       "          \"valueTwo\": 2,\n"
				       "          \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
				       "        },\n"
				       "        {\n"
				       "          \"index\": 0,\n"
				       "          \"value\": 7,\n"
				       "          \"op\": \"SCMP_CMP_NE\"\n"
				       "        }\n"
				       "      ],\n"
				       "      \"comment\": \"no dirs\",\n"
				       "      \"excludes\": {\n"
				       "        \"caps\": [\n"
				       "          \"CAP_SYS_ADMIN\"\n"
				       "        ],\n"
				       "        \"minKernel\": \"5.8\"\n"
				       "      }\n"
				       "    },\n"
				       "    {\n"
				       "      \"names\": [\n"
				       "        \"openat\"\n"
				       "      ],\n"
				       "      \"action\": \"SCMP_ACT_ALLOW\",\n"
				       "      \"includes\": {},\n"
				       "      \"paths\": [\n"
				       "        \"/usr/**\",\n"
				       "        \"!/etc/shadow\"\n"
				       "      ],\n"
				       "      \"log\": true\n"
				       "    },\n"
				       "    {\n"
				       "      \"names\": [\n"
				       "        \"connect\"\n"
				       "      ],\n"
				       "      \"action\": \"SCMP_ACT_ALLOW\",\n"
				       "      \"includes\": {\n"
				       "        \"minKernel\": \"\"\n"
				       "      },\n"
				       "      \"addresses\": [\n"
				       "        \"inet:127.0.0.1:5432\"\n"
				       "      ]\n"
				       "    }\n"
				       "  ]\n"
				       "}\n";
	char *text = round_trip("layout", json);

	ck_assert_str_eq(text, expected);
	free(text);
}
END_TEST

START_TEST(strings_are_escaped)
{
	/* every ASCII character but NUL, and some UTF-8, in a comment, a
	 * path pattern, an address pattern and a listenerMetadata */
	char odd[160], json[2048];
	struct policy *p, *q;
	char *text;
	size_t k = 0;

	for (int c = 1; c < 0x80; c++)
		odd[k++] = (char)c;
	strcpy(odd + k, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	p = tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"open\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"paths\":[\"/tmp/x\"],"
		     "\"addresses\":[\"unix:/x\"]}]}");
	free(p->rules[0].comment);
	p->rules[0].comment = strdup(odd);
	snprintf(json, sizeof(json), "/we\"ird\\dir/%s", odd + 0x30); /* no '/' after */
	free(p->rules[0].paths[0]);
	p->rules[0].paths[0] = strdup(json);
	snprintf(json, sizeof(json), "unix:@\"\\\t%s", odd + 0x30);
	free(p->rules[0].addresses[0]);
	p->rules[0].addresses[0] = strdup(json);
	p->listener_metadata = strdup(odd);
	text = write_ok(p);
	ck_assert_ptr_nonnull(strstr(text, "\\u0001\\u0002\\u0003"));
	ck_assert_ptr_nonnull(strstr(text, "\\u0009\\u000a\\u000b\\u000c\\u000d"));
	ck_assert_ptr_nonnull(strstr(text, "\\u001e\\u001f !\\\"#"));
	ck_assert_ptr_nonnull(strstr(text, "Z[\\\\]^"));
	ck_assert_ptr_nonnull(strstr(text, "/we\\\"ird\\\\dir/"));
	ck_assert_ptr_nonnull(strstr(text, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
	for (const char *c = text; *c; c++)
		ck_assert_msg((unsigned char)*c >= 0x20 || *c == '\n', "raw control %#x in output",
			      (unsigned)*c);
	q = parse_text("escapes", text);
	policy_same("escapes", p, q);
	ck_assert_str_eq(q->rules[0].comment, odd);
	ck_assert_str_eq(q->listener_metadata, odd);
	free(text);
	policy_free(p);
	policy_free(q);
}
END_TEST

START_TEST(uint64_extremes)
{
	char *text = round_trip(
		"uint64",
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":4095,\"syscalls\":["
		"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
		"{\"index\":5,\"value\":18446744073709551615,\"valueTwo\":18446744073709551615,"
		"\"op\":\"SCMP_CMP_MASKED_EQ\"},{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
		"{\"index\":1,\"value\":9223372036854775808,\"op\":\"SCMP_CMP_LE\"}]},"
		"{\"names\":[\"read\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":0}]}");
	struct policy *q = parse_text("uint64", text);

	ck_assert_ptr_nonnull(strstr(text, "\"value\": 18446744073709551615"));
	ck_assert_ptr_nonnull(strstr(text, "\"valueTwo\": 18446744073709551615"));
	ck_assert_ptr_nonnull(strstr(text, "\"value\": 9223372036854775808"));
	ck_assert_ptr_nonnull(strstr(text, "\"defaultErrnoRet\": 4095"));
	ck_assert_ptr_nonnull(strstr(text, "\"errnoRet\": 0"));
	ck_assert_uint_eq(q->rules[0].args[0].value, UINT64_MAX);
	ck_assert_uint_eq(q->rules[0].args[0].value_two, UINT64_MAX);
	ck_assert_uint_eq(q->rules[0].args[2].value, 1ull << 63);
	ck_assert(q->rules[1].has_errno_ret && q->rules[1].errno_ret == 0);
	policy_free(q);
	free(text);
}
END_TEST

START_TEST(every_action_and_op)
{
	struct policy *p = tu_parse("{\"defaultAction\":\"SCMP_ACT_KILL\",\"syscalls\":[]}");
	struct policy *q;
	char *text;

	p->rules = calloc(POLICY_ACT_MAX, sizeof(*p->rules));
	ck_assert_ptr_nonnull(p->rules);
	p->n_rules = POLICY_ACT_MAX;
	for (int a = 0; a < POLICY_ACT_MAX; a++) {
		struct policy_rule *r = &p->rules[a];

		r->action = (enum policy_action)a;
		r->names = calloc(1, sizeof(*r->names));
		r->names[0] = strdup("getppid");
		r->n_names = 1;
		r->has_errno_ret = a == POLICY_ACT_ERRNO || a == POLICY_ACT_TRACE;
		r->errno_ret = r->has_errno_ret ? (uint64_t)a : 0;
		r->args = calloc(POLICY_OP_MAX, sizeof(*r->args));
		r->n_args = POLICY_OP_MAX;
		for (int op = 0; op < POLICY_OP_MAX; op++)
			r->args[op] = (struct policy_arg){ .index = (unsigned)op % 6,
							   .value = (uint64_t)op,
							   .value_two = (uint64_t)a,
							   .op = (enum policy_op)op };
	}
	text = write_ok(p);
	for (int a = 0; a < POLICY_ACT_MAX; a++)
		ck_assert_msg(strstr(text, policy_action_to_string((enum policy_action)a)),
			      "%s not written", policy_action_to_string((enum policy_action)a));
	for (int op = 0; op < POLICY_OP_MAX; op++)
		ck_assert_msg(strstr(text, policy_op_to_string((enum policy_op)op)),
			      "%s not written", policy_op_to_string((enum policy_op)op));
	/* SCMP_ACT_KILL is read as KILL_THREAD and written with that name */
	ck_assert_ptr_nonnull(strstr(text, "\"defaultAction\": \"SCMP_ACT_KILL_THREAD\""));
	q = parse_text("actions", text);
	policy_same("actions", p, q);
	free(text);
	policy_free(q);

	p->rules[1].args[2].op = POLICY_OP_MAX;
	text = (char *)1;
	ck_assert_int_eq(policy_write(p, &text), -EINVAL);
	ck_assert_ptr_eq(text, (char *)1); /* untouched */
	p->rules[1].args[2].op = POLICY_OP_EQ;
	p->rules[3].action = POLICY_ACT_INVALID;
	ck_assert_int_eq(policy_write(p, &text), -EINVAL);
	ck_assert_ptr_eq(text, (char *)1);
	p->rules[3].action = POLICY_ACT_ERRNO;
	policy_free(p);
}
END_TEST

START_TEST(extension_and_podman_keys)
{
	char *text = round_trip(
		"extensions",
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrno\":\"ENOSYS\","
		"\"advisory\":\"deny\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
		"\"syscalls\":[{\"names\":[\"openat\",\"open\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"paths\":[\"/usr/**\",\"/etc/ld.so.cache\",\"!/etc/shadow\",\"/srv/[a-c]?/"
		"*.txt\"],"
		"\"log\":true},"
		"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ERRNO\",\"errno\":\"EACCES\","
		"\"addresses\":[\"unix:/run/app.sock\",\"unix:@abstract\",\"inet:127.0.0.0/"
		"8:5432\","
		"\"inet6:[::1]:*\",\"!inet:10.0.0.1:1-1024\"],\"audit\":true}]}");
	struct policy *q = parse_text("extensions", text);

	ck_assert_ptr_nonnull(strstr(text, "\"defaultErrnoRet\": 38"));
	ck_assert_ptr_nonnull(strstr(text, "\"defaultErrno\": \"ENOSYS\""));
	ck_assert_ptr_nonnull(strstr(text, "\"errnoRet\": 13"));
	ck_assert_ptr_nonnull(strstr(text, "\"errno\": \"EACCES\""));
	ck_assert_ptr_nonnull(strstr(text, "\"advisory\": \"deny\""));
	ck_assert_ptr_nonnull(strstr(text, "\"log\": true"));
	ck_assert_ptr_nonnull(strstr(text, "\"audit\": true"));
	ck_assert(q->advisory_deny);
	ck_assert_uint_eq(q->rules[0].n_paths, 4);
	ck_assert_uint_eq(q->rules[1].n_addresses, 5);
	ck_assert_uint_eq(q->n_warnings, 0);
	policy_free(q);
	free(text);

	/* "advisory": "allow" is the default and is not written */
	text = round_trip("advisory allow", "{\"defaultAction\":\"SCMP_ACT_ALLOW\","
					    "\"advisory\":\"allow\"}");
	ck_assert_ptr_null(strstr(text, "advisory"));
	ck_assert_ptr_nonnull(strstr(text, "\"syscalls\": []"));
	free(text);
}
END_TEST

START_TEST(disabled_policy)
{
	static const char *const cases[] = {
		"{}",
		"{\"syscalls\":null}",
		"{\"architectures\":[\"SCMP_ARCH_X86\"],\"listenerPath\":\"/x\",\"syscalls\":[]}",
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct policy *p = tu_parse(cases[i]), *q;
		char *text;

		ck_assert(!p->enabled);
		text = write_ok(p);
		ck_assert_str_eq(text, "{}\n");
		q = parse_text(cases[i], text);
		ck_assert(!q->enabled);
		free(text);
		policy_free(p);
		policy_free(q);
	}
}
END_TEST

START_TEST(omitempty)
{
	char *text = round_trip("omitempty",
				"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[],"
				"\"flags\":null,\"listenerPath\":\"\",\"syscalls\":[{\"names\":[],"
				"\"action\":\"SCMP_ACT_LOG\",\"args\":[],\"comment\":\"\","
				"\"paths\":[],\"addresses\":null,\"errno\":\"\"}]}");

	ck_assert_str_eq(text, "{\n"
			       "  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
			       "  \"syscalls\": [\n"
			       "    {\n"
			       "      \"names\": [],\n"
			       "      \"action\": \"SCMP_ACT_LOG\"\n"
			       "    }\n"
			       "  ]\n"
			       "}\n");
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_write");
	TCase *tc = tcase_create("profiles");
	int r;

	find_profiles();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, profiles_found);
	tcase_add_loop_test(tc, round_trip_profile, 0, (int)n_profiles);
	suite_add_tcase(s, tc);
	tc = tcase_create("cases");
	tcase_add_test(tc, layout_is_pinned);
	tcase_add_test(tc, strings_are_escaped);
	tcase_add_test(tc, uint64_extremes);
	tcase_add_test(tc, every_action_and_op);
	tcase_add_test(tc, extension_and_podman_keys);
	tcase_add_test(tc, disabled_policy);
	tcase_add_test(tc, omitempty);
	suite_add_tcase(s, tc);
	r = tu_run(s);
	for (size_t i = 0; i < n_profiles; i++)
		free(profiles[i]);
	return r;
}
