/* SPDX-License-Identifier: Apache-2.0 */
/* Resolution (archMap, includes/excludes) and compilation to plans. */
#include <linux/capability.h>

#include "testutil.h"

static struct plan_verdict eval(const struct plan *plan, enum cg_arch arch, const char *name,
				uint64_t a0, uint64_t a1)
{
	uint64_t args[6] = { a0, a1 };

	return plan_eval(plan, arch, tu_nr(arch, name), args);
}

/* ---- includes / excludes ----------------------------------------------------- */

struct cap_row {
	const char *name;
	uint64_t caps;
	const char *syscall;
	enum policy_action expected;
};

START_TEST(conditional_include_fixture)
{
	static const struct cap_row rows[] = {
		{ "chmod always allowed", 0, "chmod", POLICY_ACT_ALLOW },
		{ "syslog needs CAP_SYSLOG (absent)", 0, "syslog", POLICY_ACT_ERRNO },
		{ "syslog needs CAP_SYSLOG (held)", 1ull << CAP_SYSLOG, "syslog",
		  POLICY_ACT_ALLOW },
		{ "ptrace excluded by CAP_SYS_ADMIN (absent)", 0, "ptrace", POLICY_ACT_ALLOW },
		{ "ptrace excluded by CAP_SYS_ADMIN (held)", 1ull << CAP_SYS_ADMIN, "ptrace",
		  POLICY_ACT_ERRNO },
	};
	struct policy *p =
		tu_load(tu_shared("profiles/moby-profiles_fixture_conditional_include.json"));

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct plan *plan = tu_compile(p, rows[i].caps, 6, 18, PLAN_MODE_ENFORCE);
		struct plan_verdict v = eval(plan, CG_ARCH_X86_64, rows[i].syscall, 0, 0);

		ck_assert_msg(v.action == rows[i].expected, "%s: got %s", rows[i].name,
			      policy_action_to_string(v.action));
		plan_free(plan);
	}
	policy_free(p);
}
END_TEST

START_TEST(includes_all_must_hold_excludes_any_drops)
{
	struct policy *p =
		tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
			 "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\","
			 " \"includes\":{\"caps\":[\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\"],\"arches\":"
			 "[\"amd64\",\"arm64\"],\"minKernel\":\"5.4\"}},"
			 "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\","
			 " \"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\"]}},"
			 "{\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{"
			 "\"arches\":[\"arm64\"]}},"
			 "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{"
			 "\"arches\":[\"amd64\"]}},"
			 "{\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{"
			 "\"minKernel\":\"6.0\"}},"
			 "{\"names\":[\"getegid\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{"
			 "\"caps\":[\"CAP_NOT_A_CAP\"]}}"
			 "]}");
	const uint64_t both = (1ull << CAP_SYS_ADMIN) | (1ull << CAP_NET_ADMIN);
	struct {
		const char *name;
		uint64_t caps;
		unsigned kmaj, kmin;
		const char *syscall;
		enum policy_action expected;
	} rows[] = {
		{ "includes: both caps, new kernel", both, 6, 1, "getpid", POLICY_ACT_ALLOW },
		{ "includes: one cap missing", 1ull << CAP_SYS_ADMIN, 6, 1, "getpid",
		  POLICY_ACT_ERRNO },
		{ "includes: kernel too old", both, 5, 3, "getpid", POLICY_ACT_ERRNO },
		{ "includes: kernel exactly 5.4", both, 5, 4, "getpid", POLICY_ACT_ALLOW },
		{ "excludes: no cap held", 0, 6, 1, "getppid", POLICY_ACT_ALLOW },
		{ "excludes: one cap held drops", 1ull << CAP_NET_ADMIN, 6, 1, "getppid",
		  POLICY_ACT_ERRNO },
		{ "includes arches arm64 only", 0, 6, 1, "gettid", POLICY_ACT_ERRNO },
		{ "excludes arches amd64", 0, 6, 1, "getuid", POLICY_ACT_ERRNO },
		{ "excludes minKernel 6.0 on 5.15", 0, 5, 15, "getgid", POLICY_ACT_ALLOW },
		{ "excludes minKernel 6.0 on 6.0", 0, 6, 0, "getgid", POLICY_ACT_ERRNO },
		{ "unknown capability never held", ~0ull, 6, 1, "getegid", POLICY_ACT_ERRNO },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct plan *plan =
			tu_compile(p, rows[i].caps, rows[i].kmaj, rows[i].kmin, PLAN_MODE_ENFORCE);
		struct plan_verdict v = eval(plan, CG_ARCH_X86_64, rows[i].syscall, 0, 0);

		ck_assert_msg(v.action == rows[i].expected, "%s: got %s", rows[i].name,
			      policy_action_to_string(v.action));
		plan_free(plan);
	}
	policy_free(p);
}
END_TEST

START_TEST(min_kernel_empty_string_is_zero)
{
	/* moby: "" parses as 0.0, so includes always hold, excludes always drop */
	struct policy *p = tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
				    "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\","
				    "\"includes\":{\"minKernel\":\"\"}},"
				    "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\","
				    "\"excludes\":{\"minKernel\":\"\"}}]}");
	struct plan *plan = tu_compile(p, 0, 3, 10, PLAN_MODE_ENFORCE);

	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getpid", 0, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getppid", 0, 0).action, POLICY_ACT_ERRNO);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* ---- architectures ----------------------------------------------------------- */

START_TEST(arch_map_picks_the_x86_64_entry)
{
	struct {
		const char *profile;
		unsigned arches;
	} rows[] = {
		{ "profiles/moby-profiles_default.json",
		  (1u << CG_ARCH_X86_64) | (1u << CG_ARCH_I386) | (1u << CG_ARCH_X32) },
		{ "profiles/runtime-spec_spec-example_seccomp-section_no-native-arch.json",
		  (1u << CG_ARCH_X86_64) | (1u << CG_ARCH_I386) | (1u << CG_ARCH_X32) },
		{ "profiles/runc_testdata_seccomp_syscall_test1.json", 1u << CG_ARCH_X86_64 },
		{ "profiles/kinvolk-seccompagent_falco-demo_NOTIFY-mkdir.json",
		  1u << CG_ARCH_X86_64 },
		{ "profiles/spo_bpf-recorder.json",
		  (1u << CG_ARCH_X86_64) | (1u << CG_ARCH_I386) | (1u << CG_ARCH_X32) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy *p = tu_load(tu_shared(rows[i].profile));

		ck_assert_msg(plan_policy_arches(p) == rows[i].arches,
			      "%s: arches %#x, expected %#x", rows[i].profile,
			      plan_policy_arches(p), rows[i].arches);
		policy_free(p);
	}
}
END_TEST

START_TEST(arch_map_without_x86_entry_means_native_only)
{
	struct policy *p = tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"archMap\":["
				    "{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":["
				    "\"SCMP_ARCH_ARM\"]}]}");

	ck_assert_uint_eq(plan_policy_arches(p), 1u << CG_ARCH_X86_64);
	policy_free(p);
}
END_TEST

/* ---- syscall names ----------------------------------------------------------- */

START_TEST(names_resolve_per_abi_including_new_ones)
{
	struct policy *p = tu_load("policies/default.json");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	static const char *const names[] = { "fchmodat2", "cachestat", "mseal",	    "futex_wait",
					     "statmount", "listmount", "setxattrat" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		for (int a = 0; a < CG_ARCH_MAX; a++) {
			struct plan_verdict v = eval(plan, (enum cg_arch)a, names[i], 0, 0);

			ck_assert_msg(v.action == POLICY_ACT_ALLOW && v.rule >= 0,
				      "%s on %s: %s rule %d", names[i],
				      arch_to_string((enum cg_arch)a),
				      policy_action_to_string(v.action), v.rule);
		}
	/* socketcall and ipc are i386 syscalls: allowed there, absent on x86_64 */
	ck_assert_int_eq(eval(plan, CG_ARCH_I386, "socketcall", 1, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_I386, "ipc", 1, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_lt(syscall_lookup(CG_ARCH_X86_64, "socketcall"), 0);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(skipped_names_are_classified)
{
	struct policy *p =
		tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
			 "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":["
			 "{\"names\":[\"_exit\",\"arm_fadvise64_64\",\"vm86\",\"mkdir\"],"
			 "\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct {
		const char *name;
		enum plan_skip_reason reason;
	} want[] = {
		{ "_exit", PLAN_SKIP_UNKNOWN },
		{ "arm_fadvise64_64", PLAN_SKIP_OTHER_ARCH },
		{ "vm86", PLAN_SKIP_NOT_ENABLED },
	};

	ck_assert_uint_eq(plan->n_skips, 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(plan->skips[i].name, want[i].name);
		ck_assert_msg(plan->skips[i].reason == want[i].reason, "%s: reason %d",
			      want[i].name, plan->skips[i].reason);
	}
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "mkdir", 0, 0).action, POLICY_ACT_ERRNO);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* ---- rule semantics ---------------------------------------------------------- */

START_TEST(repeated_index_makes_every_condition_its_own_rule)
{
	/* runc: if any index repeats, each condition is a rule of its own,
	 * including conditions on other indexes (OR, not AND). */
	struct policy *p =
		tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
			 "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
			 "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
			 "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},"
			 "{\"index\":1,\"value\":5,\"op\":\"SCMP_CMP_EQ\"}]},"
			 "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
			 "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
			 "{\"index\":1,\"value\":5,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);

	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getpid", 1, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getpid", 2, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getpid", 9, 5).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getpid", 9, 9).action, POLICY_ACT_ERRNO);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getppid", 1, 5).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getppid", 1, 0).action, POLICY_ACT_ERRNO);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getppid", 0, 5).action, POLICY_ACT_ERRNO);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(all_seven_operators)
{
	static const struct {
		const char *op;
		uint64_t value, two, arg;
		bool match;
	} rows[] = {
		{ "SCMP_CMP_NE", 5, 0, 5, false },
		{ "SCMP_CMP_NE", 5, 0, 6, true },
		{ "SCMP_CMP_LT", 5, 0, 4, true },
		{ "SCMP_CMP_LT", 5, 0, 5, false },
		{ "SCMP_CMP_LE", 5, 0, 5, true },
		{ "SCMP_CMP_LE", 5, 0, 6, false },
		{ "SCMP_CMP_EQ", 5, 0, 5, true },
		{ "SCMP_CMP_EQ", 5, 0, 4, false },
		{ "SCMP_CMP_GE", 5, 0, 5, true },
		{ "SCMP_CMP_GE", 5, 0, 4, false },
		{ "SCMP_CMP_GT", 5, 0, 6, true },
		{ "SCMP_CMP_GT", 5, 0, 5, false },
		{ "SCMP_CMP_MASKED_EQ", 0xf0, 0x20, 0x2f, true },
		{ "SCMP_CMP_MASKED_EQ", 0xf0, 0x20, 0x3f, false },
		{ "SCMP_CMP_GT", 1, 0, 1ull << 32, true }, /* 64-bit compare on x86_64 */
		{ "SCMP_CMP_EQ", ~0ull, 0, ~0ull, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char json[512];
		struct policy *p;
		struct plan *plan;

		snprintf(json, sizeof(json),
			 "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":["
			 "\"getpid\"],"
			 "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":2,\"value\":%llu,"
			 "\"valueTwo\":%llu,\"op\":\"%s\"}]}]}",
			 (unsigned long long)rows[i].value, (unsigned long long)rows[i].two,
			 rows[i].op);
		p = tu_parse(json);
		plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
		{
			uint64_t args[6] = { 0, 0, rows[i].arg };
			struct plan_verdict v = plan_eval(plan, CG_ARCH_X86_64,
							  tu_nr(CG_ARCH_X86_64, "getpid"), args);

			ck_assert_msg((v.action == POLICY_ACT_ALLOW) == rows[i].match,
				      "row %zu %s %#llx vs %#llx: %s", i, rows[i].op,
				      (unsigned long long)rows[i].arg,
				      (unsigned long long)rows[i].value,
				      policy_action_to_string(v.action));
		}
		plan_free(plan);
		policy_free(p);
	}
}
END_TEST

START_TEST(thirty_two_bit_abis_compare_low_words)
{
	struct policy *p =
		tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\","
			 "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
			 "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\","
			 "\"args\":[{\"index\":0,\"value\":4294967297,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);

	ck_assert_int_eq(eval(plan, CG_ARCH_I386, "getpid", 1, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getpid", 1, 0).action, POLICY_ACT_ERRNO);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "getpid", 4294967297ull, 0).action,
			 POLICY_ACT_ALLOW);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(rules_equal_to_default_are_redundant)
{
	struct policy *p = tu_load(tu_shared("profiles/"
					     "spo_example_seccompprofile-allowed-syscalls-"
					     "validation__profile-denied-syscalls.json"));
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	size_t redundant = 0;

	for (size_t i = 0; i < plan->n_rules; i++)
		redundant += plan->rules[i].redundant;
	ck_assert_uint_eq(redundant, 1);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(errno_data_as_runc_gives_it)
{
	struct policy *p = tu_parse(
		"{\"defaultAction\":\"SCMP_ACT_TRACE\",\"syscalls\":["
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		"{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":55},"
		"{\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errno\":\"ENOSYS\"}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);

	ck_assert_uint_eq(plan->default_data, EPERM); /* runc's actTrace */
	ck_assert_uint_eq(eval(plan, CG_ARCH_X86_64, "getpid", 0, 0).data, EPERM);
	ck_assert_uint_eq(eval(plan, CG_ARCH_X86_64, "getppid", 0, 0).data, 55);
	ck_assert_uint_eq(eval(plan, CG_ARCH_X86_64, "gettid", 0, 0).data, ENOSYS);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* ---- ENOSYS range ------------------------------------------------------------ */

START_TEST(enosys_range_as_runc)
{
	struct {
		const char *profile;
		bool stub;
	} rows[] = {
		{ "profiles/runc_testdata_seccomp_syscall_test1.json", true },
		{ "profiles/containers-common_podman-default_seccomp.json",
		  false },				      /* default ENOSYS */
		{ "profiles/docker-labs_allow.json", false }, /* default ALLOW */
		{ "profiles/spo_example_seccompprofile__profile-complain-unsafe.json",
		  false },				     /* LOG */
		{ "profiles/docker-labs_deny.json", false }, /* names no syscall */
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy *p = tu_load(tu_shared(rows[i].profile));
		struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
		struct plan_verdict v = plan_eval(plan, CG_ARCH_X86_64, 1000, (uint64_t[6]){ 0 });

		ck_assert_msg(plan->arch[CG_ARCH_X86_64].enosys_above_last == rows[i].stub, "%s",
			      rows[i].profile);
		if (rows[i].stub)
			ck_assert_msg(v.rule == -2 && v.data == ENOSYS, "%s: rule %d",
				      rows[i].profile, v.rule);
		else
			ck_assert_msg(v.rule == -1, "%s: rule %d", rows[i].profile, v.rule);
		plan_free(plan);
		policy_free(p);
	}
}
END_TEST

/*
 * runc's stub does not count i386's socket and IPC calls, which libseccomp
 * knows by the multiplexer's pseudo numbers: their direct numbers above
 * the newest call it counts get ENOSYS, rules or not (libc falls back to
 * socketcall / ipc); x86_64 counts them.
 */
START_TEST(enosys_stub_skips_i386_multiplexed_calls)
{
	struct policy *p = tu_parse(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		"\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":[\"getpid\",\"arch_prctl\","
		"\"socketcall\",\"ipc\",\"semget\",\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct plan_verdict v;

	ck_assert_int_eq(plan->arch[CG_ARCH_I386].last_nr, tu_nr(CG_ARCH_I386, "arch_prctl"));
	ck_assert_int_eq(plan->arch[CG_ARCH_X86_64].last_nr, tu_nr(CG_ARCH_X86_64, "arch_prctl"));
	v = eval(plan, CG_ARCH_I386, "semget", 0, 0);
	ck_assert_msg(v.rule == -2 && v.action == POLICY_ACT_ERRNO && v.data == ENOSYS,
		      "i386 semget: rule %d", v.rule);
	ck_assert_int_eq(plan->arch[CG_ARCH_I386].entries[tu_nr(CG_ARCH_I386, "semget")].route,
			 PLAN_ROUTE_ENOSYS);
	/* socket (359) is below arch_prctl (384): the rule decides */
	ck_assert_int_eq(eval(plan, CG_ARCH_I386, "socket", 0, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_I386, "ipc", 0, 0).action, POLICY_ACT_ALLOW);
	ck_assert_int_eq(eval(plan, CG_ARCH_X86_64, "semget", 0, 0).action, POLICY_ACT_ALLOW);
	/* the stub compares unsigned: negative numbers are above */
	v = plan_eval(plan, CG_ARCH_X86_64, -1, (uint64_t[6]){ 0 });
	ck_assert_msg(v.rule == -2 && v.data == ENOSYS, "x86_64 -1: rule %d", v.rule);
	plan_free(plan);
	policy_free(p);

	/* a newest number of 0 (read alone) counts as none, as in runc */
	p = tu_parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":"
		     "[\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}");
	plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	ck_assert(!plan->arch[CG_ARCH_X86_64].enosys_above_last);
	ck_assert_int_eq(plan_eval(plan, CG_ARCH_X86_64, 1000, (uint64_t[6]){ 0 }).rule, -1);
	/* without the stub nor x32, libseccomp kills numbers with bit 31 */
	ck_assert_int_eq(plan_eval(plan, CG_ARCH_X86_64, INT32_MIN, (uint64_t[6]){ 0 }).action,
			 POLICY_ACT_KILL_THREAD);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* ---- routes: what reaches the supervisor ---------------------------------------- */

START_TEST(routes_per_mode)
{
	struct policy *p = tu_parse(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		"{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"log\":true},"
		"{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"audit\":"
		"true},"
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ALLOW\",\"paths\":[\"/usr/**\"]},"
		"{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}");
	struct {
		const char *syscall;
		enum plan_route enforce, audit;
	} rows[] = {
		{ "read", PLAN_ROUTE_KERNEL, PLAN_ROUTE_KERNEL },
		{ "mkdir", PLAN_ROUTE_SUPERVISOR, PLAN_ROUTE_SUPERVISOR },
		{ "getpid", PLAN_ROUTE_SUPERVISOR, PLAN_ROUTE_SUPERVISOR },
		{ "chmod", PLAN_ROUTE_SUPERVISOR, PLAN_ROUTE_SUPERVISOR },
		{ "openat", PLAN_ROUTE_SUPERVISOR, PLAN_ROUTE_SUPERVISOR },
		{ "kill", PLAN_ROUTE_KERNEL, PLAN_ROUTE_SUPERVISOR },
		{ "getppid", PLAN_ROUTE_DEFAULT, PLAN_ROUTE_SUPERVISOR },
	};
	struct plan *enforce = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct plan *audit = tu_compile(p, 0, 6, 18, PLAN_MODE_AUDIT);

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		int nr = tu_nr(CG_ARCH_X86_64, rows[i].syscall);

		ck_assert_msg(enforce->arch[0].entries[nr].route == rows[i].enforce,
			      "%s enforce: route %d", rows[i].syscall,
			      enforce->arch[0].entries[nr].route);
		ck_assert_msg(audit->arch[0].entries[nr].route == rows[i].audit,
			      "%s audit: route %d", rows[i].syscall,
			      audit->arch[0].entries[nr].route);
	}
	ck_assert(!enforce->default_notify);
	ck_assert(audit->default_notify);
	plan_free(enforce);
	plan_free(audit);
	policy_free(p);
}
END_TEST

START_TEST(pattern_rules_first_match_in_order)
{
	/* DESIGN.md: the rules naming a syscall are tried in file order; a
	 * rule equal to the default still takes its turn. */
	struct policy *p = tu_parse(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ALLOW\",\"paths\":[\"/usr/**\",\"!/"
		"usr/secret/**\"]},"
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"paths\":["
		"\"/usr/secret/**\"]},"
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":2,"
		"\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"rename\"],\"action\":\"SCMP_ACT_ALLOW\",\"paths\":[\"/tmp/**\"]},"
		"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ALLOW\",\"addresses\":[\"inet:127."
		"0.0.0/8:5432\"]}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	int openat = tu_nr(CG_ARCH_X86_64, "openat"), rename_nr = tu_nr(CG_ARCH_X86_64, "rename");
	int connect_nr = tu_nr(CG_ARCH_X86_64, "connect");
	uint64_t rd[6] = { 0 }, wr[6] = { 0, 0, 1 };
	struct {
		const char *name;
		int nr;
		const uint64_t *args;
		const char *p0, *p1;
		int want_rule;
	} rows[] = {
		{ "allowed path", openat, rd, "/usr/lib/x", NULL, 0 },
		{ "excluded by '!': next rule", openat, rd, "/usr/secret/k", NULL, 1 },
		{ "no pattern matches, integer rule", openat, wr, "/etc/passwd", NULL, 2 },
		{ "no pattern matches, the unconditional rule", openat, rd, "/etc/passwd", NULL,
		  3 },
		{ "not decoded: pattern rules never match", openat, rd, NULL, NULL, 3 },
		{ "rename: both paths inside", rename_nr, rd, "/tmp/a", "/tmp/b", 4 },
		{ "rename: one path outside", rename_nr, rd, "/tmp/a", "/etc/b", -1 },
	};
	struct plan_verdict v;
	struct cg_sockaddr ok = { .family = 2, .addr = { 127, 0, 0, 1 }, .port = 5432 };
	struct cg_sockaddr bad = { .family = 2, .addr = { 10, 0, 0, 1 }, .port = 5432 };
	struct plan_ptrs ptrs;

	ck_assert(plan->arch[CG_ARCH_X86_64].entries[openat].flags & PLAN_ENTRY_PATTERNS);
	ck_assert_int_eq(plan->arch[CG_ARCH_X86_64].entries[openat].route, PLAN_ROUTE_SUPERVISOR);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		ptrs = (struct plan_ptrs){ .paths = { rows[i].p0, rows[i].p1 },
					   .n_paths = rows[i].p1   ? 2
						      : rows[i].p0 ? 1
								   : 0 };
		v = plan_eval_ptrs(plan, CG_ARCH_X86_64, rows[i].nr, rows[i].args,
				   rows[i].p0 ? &ptrs : NULL);
		ck_assert_msg(v.rule == rows[i].want_rule, "%s: rule %d, expected %d", rows[i].name,
			      v.rule, rows[i].want_rule);
	}
	ptrs = (struct plan_ptrs){ .addr = &ok };
	v = plan_eval_ptrs(plan, CG_ARCH_X86_64, connect_nr, rd, &ptrs);
	ck_assert_int_eq(v.action, POLICY_ACT_ALLOW);
	ptrs.addr = &bad;
	v = plan_eval_ptrs(plan, CG_ARCH_X86_64, connect_nr, rd, &ptrs);
	ck_assert_int_eq(v.action, POLICY_ACT_ERRNO);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* Escape hatches (callgate/hatch.h): the plan's own refusals come after
 * the profile's rules and leave its numbering and ENOSYS range alone. */
START_TEST(escape_hatch_refusals_after_the_profiles_rules)
{
	static const char *const body =
		"\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"paths\":[\"/x\"]},"
		"{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
	char allow[512], deny[512];
	struct policy *pa, *pd;
	struct plan *a, *d;
	size_t flagged = 0, hatch_rules = 0;

	snprintf(allow, sizeof(allow), "{%s", body);
	snprintf(deny, sizeof(deny), "{\"advisory\":\"deny\",%s", body);
	pa = tu_parse(allow);
	pd = tu_parse(deny);
	a = tu_compile(pa, 0, 6, 18, PLAN_MODE_ENFORCE);
	d = tu_compile(pd, 0, 6, 18, PLAN_MODE_ENFORCE);

	ck_assert_uint_eq(a->n_rules, 2);
	ck_assert_uint_eq(a->n_hatches, d->n_hatches);
	ck_assert_uint_gt(d->n_rules, 2);
	for (size_t i = 0; i < d->n_rules; i++) {
		ck_assert(d->rules[i].hatch == (i >= 2));
		if (d->rules[i].hatch) {
			ck_assert_uint_eq(d->rules[i].index, PLAN_RULE_HATCH);
			hatch_rules++;
		}
	}
	ck_assert_uint_eq(hatch_rules, d->n_hatches);
	ck_assert_int_eq(a->arch[CG_ARCH_X86_64].last_nr, d->arch[CG_ARCH_X86_64].last_nr);
	for (int nr = 0; nr < d->arch[CG_ARCH_X86_64].nr_limit; nr++) {
		const struct plan_entry *e = &d->arch[CG_ARCH_X86_64].entries[nr];

		if (!(e->flags & PLAN_ENTRY_HATCH))
			continue;
		flagged++;
		ck_assert_uint_eq(e->n_refs, 1);
		ck_assert(d->rules[d->refs[e->first]].hatch);
		ck_assert_int_eq(a->arch[CG_ARCH_X86_64].entries[nr].route, PLAN_ROUTE_DEFAULT);
		ck_assert(hatch_lookup(syscall_name(CG_ARCH_X86_64, nr)));
	}
	/* an x86_64 policy: each of its hatches has its entry there */
	ck_assert_uint_eq(flagged, d->n_hatches);
	ck_assert_int_eq(eval(d, CG_ARCH_X86_64, "getppid", 0, 0).rule, 1);
	ck_assert_int_eq(eval(d, CG_ARCH_X86_64, "mount", 0, 0).rule, PLAN_VERDICT_HATCH);
	ck_assert_int_eq(eval(a, CG_ARCH_X86_64, "mount", 0, 0).rule, -1);
	plan_free(a);
	plan_free(d);
	policy_free(pa);
	policy_free(pd);
}
END_TEST

START_TEST(disabled_policy_does_not_compile)
{
	struct policy *p = tu_parse("{}");
	struct plan_host host = { 0 };
	struct plan *plan = NULL;

	ck_assert(!p->enabled);
	ck_assert_int_eq(plan_compile(p, &host, PLAN_MODE_ENFORCE, &plan), -EINVAL);
	ck_assert_ptr_null(plan);
	policy_free(p);
}
END_TEST

START_TEST(mode_names)
{
	ck_assert_int_eq(plan_mode_from_string("enforce"), PLAN_MODE_ENFORCE);
	ck_assert_int_eq(plan_mode_from_string("audit"), PLAN_MODE_AUDIT);
	ck_assert_int_eq(plan_mode_from_string("interactive"), PLAN_MODE_INTERACTIVE);
	ck_assert_int_eq(plan_mode_from_string("Audit"), PLAN_MODE_INVALID);
	ck_assert_str_eq(plan_mode_to_string(PLAN_MODE_AUDIT), "audit");
	ck_assert_ptr_null(plan_mode_to_string(PLAN_MODE_MAX));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, conditional_include_fixture);
	tcase_add_test(tc, includes_all_must_hold_excludes_any_drops);
	tcase_add_test(tc, min_kernel_empty_string_is_zero);
	tcase_add_test(tc, arch_map_picks_the_x86_64_entry);
	tcase_add_test(tc, arch_map_without_x86_entry_means_native_only);
	tcase_add_test(tc, names_resolve_per_abi_including_new_ones);
	tcase_add_test(tc, skipped_names_are_classified);
	tcase_add_test(tc, repeated_index_makes_every_condition_its_own_rule);
	tcase_add_test(tc, all_seven_operators);
	tcase_add_test(tc, thirty_two_bit_abis_compare_low_words);
	tcase_add_test(tc, rules_equal_to_default_are_redundant);
	tcase_add_test(tc, errno_data_as_runc_gives_it);
	tcase_add_test(tc, enosys_range_as_runc);
	tcase_add_test(tc, enosys_stub_skips_i386_multiplexed_calls);
	tcase_add_test(tc, routes_per_mode);
	tcase_add_test(tc, pattern_rules_first_match_in_order);
	tcase_add_test(tc, escape_hatch_refusals_after_the_profiles_rules);
	tcase_add_test(tc, disabled_policy_does_not_compile);
	tcase_add_test(tc, mode_names);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
