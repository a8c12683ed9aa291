/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel filter built from a plan, checked instruction by instruction
 * with the BPF interpreter: runc's conformance expectations, and agreement
 * between plan_eval() and the filter for every shared profile, ABI, syscall
 * number and a spread of argument values.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/seccomp.h>

#include "filterutil.h"

#define RET_ALLOW    SECCOMP_RET_ALLOW
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | (e))
#define RET_NOTIFY   SECCOMP_RET_USER_NOTIF

struct call_row {
	const char *name;    /* row name */
	const char *syscall; /* NULL: use nr */
	int nr;
	uint64_t args[6];
	uint32_t expected;
};

/* shared/profiles/README.md, "Expected results for ..._test1.json". */
static const struct call_row runc_test1[] = {
	{ "write allowed", "write", 0, { (uint64_t)-1, 0, 0 }, RET_ALLOW },
	{ "socket proto 0", "socket", 0, { 1, 1, 0x000 }, RET_ALLOW },
	{ "socket proto 0xff", "socket", 0, { 1, 1, 0x0ff }, RET_ALLOW },
	{ "socket proto 1", "socket", 0, { 1, 1, 0x001 }, RET_ALLOW },
	{ "socket proto 0x100 masked out", "socket", 0, { 1, 1, 0x100 }, RET_ERRNO(EPERM) },
	{ "socket proto 0xc00 masked out", "socket", 0, { 1, 1, 0xc00 }, RET_ERRNO(EPERM) },
	{ "process_vm_readv 100 (OR)",
	  "process_vm_readv",
	  0,
	  { 100, 0, 0, 0, 0, ~0ull },
	  RET_ALLOW },
	{ "process_vm_readv 9001 (OR)",
	  "process_vm_readv",
	  0,
	  { 9001, 0, 0, 0, 0, ~0ull },
	  RET_ALLOW },
	{ "process_vm_readv 0", "process_vm_readv", 0, { 0, 0, 0, 0, 0, ~0ull }, RET_ERRNO(EPERM) },
	{ "process_vm_writev 1337",
	  "process_vm_writev",
	  0,
	  { 1337, 0, 0, 0, 0, ~0ull },
	  RET_ERRNO(55) },
	{ "process_vm_writev 2020",
	  "process_vm_writev",
	  0,
	  { 2020, 0, 0, 0, 0, ~0ull },
	  RET_ERRNO(55) },
	{ "process_vm_writev 0",
	  "process_vm_writev",
	  0,
	  { 0, 0, 0, 0, 0, ~0ull },
	  RET_ERRNO(EPERM) },
	{ "ftruncate both (AND)", "ftruncate", 0, { 123456789, 1337 }, RET_ALLOW },
	{ "ftruncate first only", "ftruncate", 0, { 123456789, 0 }, RET_ERRNO(EPERM) },
	{ "ftruncate second only", "ftruncate", 0, { 500, 1337 }, RET_ERRNO(EPERM) },
	{ "ftruncate neither", "ftruncate", 0, { 500, 500 }, RET_ERRNO(EPERM) },
	{ "dup3 fd 1 (rule 1)", "dup3", 0, { 1, (uint64_t)-100, 0xffff }, RET_ALLOW },
	{ "dup3 fd 3 (rule 2)", "dup3", 0, { 3, (uint64_t)-100, 0xffff }, RET_ALLOW },
	{ "dup3 fd 0", "dup3", 0, { 0, (uint64_t)-100, 0xffff }, RET_ERRNO(EPERM) },
	{ "dup3 fd 2", "dup3", 0, { 2, (uint64_t)-100, 0xffff }, RET_ERRNO(EPERM) },
	{ "unshare", "unshare", 0, { 0 }, RET_ERRNO(EPERM) },
	{ "setns", "setns", 0, { 0 }, RET_ERRNO(EPERM) },
	{ "syscall 1000 (ENOSYS stub)", NULL, 1000, { 0 }, RET_ERRNO(ENOSYS) },
	{ "syscall 5000 (ENOSYS stub)", NULL, 5000, { 0 }, RET_ERRNO(ENOSYS) },
};

static void run_rows(const char *profile, const struct call_row *rows, size_t n)
{
	struct policy *p = tu_load(tu_shared(profile));
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };

	tu_filter(plan, &prog);
	for (size_t i = 0; i < n; i++) {
		const struct call_row *r = &rows[i];
		int nr = r->syscall ? tu_nr(CG_ARCH_X86_64, r->syscall) : r->nr;
		uint32_t got = tu_bpf(&prog, CG_ARCH_X86_64, nr, r->args);
		struct plan_verdict v = plan_eval(plan, CG_ARCH_X86_64, nr, r->args);

		ck_assert_msg(got == r->expected, "%s: filter returned %#x, expected %#x", r->name,
			      got, r->expected);
		ck_assert_msg(tu_expected(&v) == r->expected, "%s: plan says %#x, expected %#x",
			      r->name, tu_expected(&v), r->expected);
	}
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}

START_TEST(runc_conformance_test1)
{
	run_rows("profiles/runc_testdata_seccomp_syscall_test1.json", runc_test1,
		 ARRAY_SIZE(runc_test1));
}
END_TEST

START_TEST(runc_conformance_test2)
{
	static const struct call_row rows[] = {
		{ "chdir gets defaultErrnoRet ENXIO", "chdir", 0, { 0 }, RET_ERRNO(ENXIO) },
		{ "write allowed", "write", 0, { 1 }, RET_ALLOW },
	};

	run_rows("profiles/runc_testdata_seccomp_syscall_test2_defaultErrnoRet-ENXIO.json", rows,
		 2);
}
END_TEST

START_TEST(deny_profile_has_no_enosys_stub)
{
	static const struct call_row rows[] = {
		{ "getpid denied EPERM", "getpid", 0, { 0 }, RET_ERRNO(EPERM) },
		{ "syscall 1000 denied EPERM (no rule, no stub)",
		  NULL,
		  1000,
		  { 0 },
		  RET_ERRNO(EPERM) },
	};

	run_rows("profiles/docker-labs_deny.json", rows, 2);
}
END_TEST

/* ---- plan and filter agree ---------------------------------------------- */

struct agree_stats {
	unsigned long checked;
	unsigned long deferred; /* conditions the prefix leaves to the supervisor */
};

static void check_call(const struct plan *plan, const struct filter_prog *prog, enum cg_arch arch,
		       int nr, const uint64_t args[6], const char *profile, struct agree_stats *st)
{
	struct plan_verdict v = plan_eval(plan, arch, nr, args);
	uint32_t got = tu_bpf(prog, arch, nr, args), want = tu_expected(&v);
	const char *name = syscall_name(arch, nr);

	st->checked++;
	if (got == want)
		return;
	/* Conditions on a syscall libseccomp 2.5.4 does not know are left
	 * to the supervisor: the filter notifies, the plan decides. */
	if (got == RET_NOTIFY && name && filter_libseccomp_lacks(arch, name, nr)) {
		st->deferred++;
		return;
	}
	ck_abort_msg(
		"%s mode %s: %s nr %d (%s) args %#llx %#llx %#llx: filter %#x, plan %#x (rule %d)",
		profile, plan_mode_to_string(plan->mode), arch_to_string(arch), nr,
		name ? name : "?", (unsigned long long)args[0], (unsigned long long)args[1],
		(unsigned long long)args[2], got, want, v.rule);
}

static void agree(const char *profile, const struct policy *p, uint64_t caps, enum plan_mode mode,
		  struct agree_stats *st)
{
	struct plan *plan = tu_compile(p, caps, 6, 18, mode);
	struct filter_prog prog = { 0 };

	tu_filter(plan, &prog);
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		const struct plan_arch *pa = &plan->arch[a];
		int bit = a == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0;
		int limit = pa->enabled ? pa->nr_limit : syscall_nr_limit((enum cg_arch)a);

		for (int nr = 0; nr < limit + 8; nr++) {
			uint64_t args[6] = { 0 }, vals[256];
			const struct plan_entry *e =
				pa->enabled && nr < limit ? &pa->entries[nr] : NULL;

			check_call(plan, &prog, (enum cg_arch)a, nr | bit, args, profile, st);
			if (!e || e->n_refs == 0)
				continue;
			for (int idx = 0; idx < 6; idx++) {
				size_t n = 0;

				vals[n++] = 0;
				vals[n++] = ~0ull;
				vals[n++] = 0xffffffffull;
				n = tu_condition_values(plan, e, idx, vals, n, 256);

				for (size_t k = 0; k < n; k++) {
					memset(args, 0, sizeof(args));
					args[idx] = vals[k];
					check_call(plan, &prog, (enum cg_arch)a, nr | bit, args,
						   profile, st);
				}
			}
			/* every condition satisfied at once, then one varied */
			{
				uint64_t base[6] = { 0 };

				for (uint16_t k = 0; k < e->n_refs; k++) {
					const struct policy_rule *src =
						plan->rules[plan->refs[e->first + k]].src;

					for (size_t c = 0; c < src->n_args; c++)
						base[src->args[c].index] =
							src->args[c].op == POLICY_OP_MASKED_EQ
								? src->args[c].value_two
								: src->args[c].value;
				}
				check_call(plan, &prog, (enum cg_arch)a, nr | bit, base, profile,
					   st);
			}
		}
		check_call(plan, &prog, (enum cg_arch)a, 1000 | bit, (uint64_t[6]){ 0 }, profile,
			   st);
	}
	filter_prog_done(&prog);
	plan_free(plan);
}

START_TEST(plan_and_filter_agree_on_every_shared_profile)
{
	char dir[4096];
	char path[8192];
	struct agree_stats st = { 0 };
	unsigned profiles = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s", tu_shared("profiles"));
	d = opendir(dir);

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d))) {
		struct policy_error e;
		struct policy *p = NULL;
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (tu_load_file(path, &p, &e) < 0)
			continue; /* refused profiles are test_policy's business */
		if (p->enabled) {
			for (int m = PLAN_MODE_ENFORCE; m <= PLAN_MODE_AUDIT; m++) {
				agree(de->d_name, p, 0, (enum plan_mode)m, &st);
				agree(de->d_name, p, ~0ull, (enum plan_mode)m, &st);
			}
			profiles++;
		}
		policy_free(p);
	}
	closedir(d);
	ck_assert_uint_ge(profiles, 30);
	fprintf(stderr,
		"plan/filter agreement: %u profiles, %lu calls, %lu deferred to the supervisor\n",
		profiles, st.checked, st.deferred);
}
END_TEST

START_TEST(default_policy_agrees_in_every_mode)
{
	struct policy *p = tu_load("policies/default.json");
	struct agree_stats st = { 0 };

	for (int m = 0; m < PLAN_MODE_MAX; m++) {
		agree("default.json", p, 0, (enum plan_mode)m, &st);
		agree("default.json", p, 1ull << 21, (enum plan_mode)m, &st);
	}
	policy_free(p);
}
END_TEST

/* ---- the prefix: syscalls libseccomp 2.5.4 does not know ------------------ */

/* Syscalls newer than libseccomp 2.5.4's own table (Linux 5.17).  Debian's
 * build carries some of them; which ones it lacks is asked at run time. */
static const char *const new_syscalls[] = {
	"cachestat",	    "fchmodat2", "map_shadow_stack", "futex_wait",
	"futex_wake",	    "statmount", "listmount",	     "lsm_get_self_attr",
	"lsm_list_modules", "mseal",	 "setxattrat",
};
#define N_NEW (ARRAY_SIZE(new_syscalls))

START_TEST(post_517_syscalls_on_every_abi)
{
	struct policy *p = tu_load("policies/default.json");
	struct plan *plan = tu_compile(p, ~0ull, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	unsigned lacking = 0;

	tu_filter(plan, &prog);
	for (size_t i = 0; i < N_NEW; i++)
		for (int a = 0; a < CG_ARCH_MAX; a++) {
			int nr = syscall_lookup((enum cg_arch)a, new_syscalls[i]);

			if (nr < 0)
				continue; /* map_shadow_stack is x86_64 only */
			lacking += filter_libseccomp_lacks((enum cg_arch)a, new_syscalls[i], nr);
			/* Docker's default allows them all to a privileged
			 * target (lsm_*: CAP_SYS_ADMIN) */
			ck_assert_msg(tu_bpf(&prog, (enum cg_arch)a, nr, NULL) == RET_ALLOW,
				      "%s on %s: expected ALLOW", new_syscalls[i],
				      arch_to_string((enum cg_arch)a));
		}
	/* mseal (6.10) and later are beyond every libseccomp 2.5.x */
	ck_assert_uint_gt(lacking, 0);
	ck_assert_uint_gt(prog.prefix_len, 0);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(conditional_rule_on_new_syscall_goes_to_supervisor)
{
	const char *name = NULL;
	char json[512];
	struct policy *p;
	struct plan *plan;
	struct filter_prog prog = { 0 };
	struct plan_verdict v;
	int nr = -1;

	for (size_t i = 0; i < N_NEW && !name; i++) {
		nr = syscall_lookup(CG_ARCH_X86_64, new_syscalls[i]);
		if (nr >= 0 && filter_libseccomp_lacks(CG_ARCH_X86_64, new_syscalls[i], nr))
			name = new_syscalls[i];
	}
	ck_assert_msg(name != NULL, "libseccomp knows every syscall: nothing left to test");
	snprintf(json, sizeof(json),
		 "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		 "{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ALLOW\","
		 "\"args\":[{\"index\":3,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
		 "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		 name);
	p = tu_parse(json);
	plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	tu_filter(plan, &prog);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, nr, NULL), RET_NOTIFY);
	v = plan_eval(plan, CG_ARCH_X86_64, nr, (uint64_t[6]){ 0 });
	ck_assert_int_eq(v.action, POLICY_ACT_ALLOW);
	v = plan_eval(plan, CG_ARCH_X86_64, nr, (uint64_t[6]){ 0, 0, 0, 1 });
	ck_assert_int_eq(v.action, POLICY_ACT_ERRNO);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* ---- foreign ABIs ----------------------------------------------------------- */

START_TEST(i386_and_x32_decided_by_their_own_numbers)
{
	/* i386 mkdir is 39, x86_64 getpid is 39. */
	struct policy *p = tu_parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\","
		"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
		"\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":"
		"13}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };

	tu_filter(plan, &prog);
	ck_assert_int_eq(tu_nr(CG_ARCH_I386, "mkdir"), 39);
	ck_assert_int_eq(tu_nr(CG_ARCH_X86_64, "getpid"), 39);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_I386, 39, NULL), RET_ERRNO(EACCES));
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, 39, NULL), RET_ALLOW);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "mkdir"), NULL),
			  RET_ERRNO(EACCES));
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X32, tu_nr(CG_ARCH_X32, "mkdir"), NULL),
			  RET_ERRNO(EACCES));
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X32, tu_nr(CG_ARCH_X32, "getpid"), NULL),
			  RET_ALLOW);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(unlisted_abis_have_no_way_through)
{
	/* x86_64 only: i386 calls and x32 numbers hit the bad-arch action. */
	struct policy *p =
		tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
			 "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
			 "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };

	tu_filter(plan, &prog);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_I386, 39, NULL), SECCOMP_RET_KILL_THREAD);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X32, (int)CG_X32_SYSCALL_BIT | 83, NULL),
			  SECCOMP_RET_KILL_THREAD);
	ck_assert_int_eq(plan_eval(plan, CG_ARCH_I386, 39, (uint64_t[6]){ 0 }).action,
			 POLICY_ACT_KILL_THREAD);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(conditional_rules_hold_on_every_abi)
{
	/* libseccomp 2.5.4, given x86_64 and x32 in one context, never loads
	 * the syscall number for x86_64 conditional rules: this socket()
	 * rule was let through.  Each ABI's conditions are built alone. */
	struct policy *p = tu_parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\","
		"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
		"\"syscalls\":[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"errnoRet\":7,\"args\":[{\"index\":0,\"value\":38,\"op\":\"SCMP_CMP_LT\"}]}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	const uint64_t unix_args[6] = { 1 }, vsock_args[6] = { 40 };

	tu_filter(plan, &prog);
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		int nr = tu_nr((enum cg_arch)a, "socket");
		/* i386 socket() is left to the supervisor: libseccomp 2.5.4
		 * takes it for socketcall() */
		bool deferred = filter_libseccomp_lacks((enum cg_arch)a, "socket", nr);

		ck_assert_uint_eq(tu_bpf(&prog, (enum cg_arch)a, nr, unix_args),
				  deferred ? RET_NOTIFY : RET_ERRNO(E2BIG));
		ck_assert_uint_eq(tu_bpf(&prog, (enum cg_arch)a, nr, vsock_args),
				  deferred ? RET_NOTIFY : RET_ALLOW);
	}
	ck_assert(!filter_libseccomp_lacks(CG_ARCH_X86_64, "socket",
					   tu_nr(CG_ARCH_X86_64, "socket")));
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

static bool has_conditions(const struct plan *plan, enum cg_arch arch, int nr)
{
	const struct plan_arch *pa = &plan->arch[arch];
	const struct plan_entry *e;

	nr &= ~(int)CG_X32_SYSCALL_BIT;
	if (nr < 0 || nr >= pa->nr_limit)
		return false;
	e = &pa->entries[nr];
	for (uint16_t k = 0; k < e->n_refs; k++)
		if (plan->rules[plan->refs[e->first + k]].src->n_args)
			return true;
	return false;
}

START_TEST(prefix_searches_every_number)
{
	/* Every number of every ABI, against plan_eval(), for the default
	 * policy: the prefix's binary search has no gap or overlap, and
	 * numbers past the table, negative ones and the x32 range too. */
	struct policy *p = tu_load("policies/default.json");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	static const uint32_t far[] = {
		1000, 4096, 0x3fffffff, 0x7fffffff, 0x80000000, 0xffffffff
	};
	unsigned decided = 0;

	tu_filter(plan, &prog);
	ck_assert_uint_gt(prog.prefix_len, 0);
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		uint32_t bit = a == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;

		for (uint32_t nr = 0; nr < 600 + ARRAY_SIZE(far); nr++) {
			uint32_t n = nr < 600 ? nr : far[nr - 600];
			int call = (int)((n & ~CG_X32_SYSCALL_BIT) | bit);
			struct plan_verdict v =
				plan_eval(plan, (enum cg_arch)a, call, (uint64_t[6]){ 0 });
			uint32_t want = tu_expected(&v);
			const char *name = syscall_name((enum cg_arch)a, call);

			if (bit && (n & 0x80000000u))
				continue; /* not an x32 number: the x86_64 ones */
			/* conditions libseccomp cannot take: the supervisor's */
			if (name && filter_libseccomp_lacks((enum cg_arch)a, name, call) &&
			    has_conditions(plan, (enum cg_arch)a, call))
				want = RET_NOTIFY;
			ck_assert_msg(tu_bpf(&prog, (enum cg_arch)a, call, NULL) == want,
				      "%s nr %#x: filter %#x, plan %#x",
				      arch_to_string((enum cg_arch)a), (unsigned)call,
				      tu_bpf(&prog, (enum cg_arch)a, call, NULL), want);
			decided++;
		}
	}
	ck_assert_uint_gt(decided, 1800);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* ---- audit mode --------------------------------------------------------------- */

START_TEST(audit_mode_notifies_every_denial_and_nothing_else)
{
	struct policy *p = tu_load(tu_shared("profiles/runc_testdata_seccomp_syscall_test1.json"));
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_AUDIT);
	struct filter_prog prog = { 0 };

	tu_filter(plan, &prog);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "write"), NULL),
			  RET_ALLOW);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "unshare"), NULL),
			  RET_NOTIFY);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "process_vm_writev"),
				 (uint64_t[6]){ 1337 }),
			  RET_NOTIFY);
	ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, 1000, NULL), RET_NOTIFY);
	ck_assert_uint_eq(
		tu_bpf(&prog, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "dup3"), (uint64_t[6]){ 3 }),
		RET_ALLOW);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(notify_default_notifies_everything)
{
	struct policy *p = tu_parse("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };

	tu_filter(plan, &prog);
	for (int nr = 0; nr < 500; nr++)
		ck_assert_uint_eq(tu_bpf(&prog, CG_ARCH_X86_64, nr, NULL), RET_NOTIFY);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* ---- run's filter: the calls that change a caller, notified to be seen -- */

static bool is_watched(enum cg_arch arch, int nr)
{
	static const char *const names[] = {
		"execve",     "execveat",    "prctl",	    "chroot",	   "pivot_root",
		"setns",      "unshare",     "setuid",	    "setgid",	   "setreuid",
		"setregid",   "setresuid",   "setresgid",   "setfsuid",	   "setfsgid",
		"setgroups",  "capset",	     "umask",	    "setuid32",	   "setgid32",
		"setreuid32", "setregid32",  "setresuid32", "setresgid32", "setfsuid32",
		"setfsgid32", "setgroups32",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (syscall_lookup(arch, names[i]) == nr)
			return true;
	return false;
}

/* Every number of every ABI (x32: with its bit) decided as filter_build()
 * does, but for the watched calls, notified where its prefix allows them:
 * @want_changed of them; *watched as @want_watched. */
static void watching_agrees(const char *json, unsigned want_watched, unsigned want_changed)
{
	struct policy *p = tu_parse(json);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog plain = { 0 }, watching = { 0 };
	char err[256] = "";
	unsigned watched = ~want_watched;
	unsigned changed = 0;

	tu_filter(plan, &plain);
	ck_assert_msg(filter_build_watching(plan, &watching, &watched, err, sizeof(err)) == 0,
		      "filter_build_watching: %s", err);
	ck_assert_msg(watched == want_watched, "%s: watched %u", json, watched);
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		int base = a == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0;

		for (int nr = base; nr < base + 600; nr++) {
			uint32_t was = tu_bpf(&plain, (enum cg_arch)a, nr, NULL);
			uint32_t is = tu_bpf(&watching, (enum cg_arch)a, nr, NULL);

			if (is != was) {
				ck_assert_msg(is_watched((enum cg_arch)a, nr) && was == RET_ALLOW &&
						      is == RET_NOTIFY,
					      "arch %d nr %d: 0x%x, not 0x%x", a, nr, is, was);
				changed++;
			}
		}
	}
	ck_assert_uint_eq(changed, want_changed);
	filter_prog_done(&plain);
	filter_prog_done(&watching);
	plan_free(plan);
	policy_free(p);
}

#define ALL_KINDS (FILTER_WATCH_WHO | FILTER_WATCH_PLACE | FILTER_WATCH_CREDS)

START_TEST(watching_notifies_the_watched_only)
{
	/* x86_64 and x32: 18 calls each; i386 9 more (setuid32...) */
	watching_agrees("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
			"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
			"\"SCMP_ARCH_X32\"]}",
			ALL_KINDS, 63);
	/* refused by the kernel: nothing to see */
	watching_agrees("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
			"[\"read\",\"write\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
			ALL_KINDS, 0);
	/* a condition on prctl: libseccomp decides it, unseen (who) */
	watching_agrees("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
			"[\"prctl\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
			"\"value\":35,\"op\":\"SCMP_CMP_EQ\"}]}]}",
			FILTER_WATCH_PLACE | FILTER_WATCH_CREDS, 17); /* the others */
	/* logged by the kernel: unseen (who and credentials) */
	watching_agrees("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
			"[\"execve\"],\"action\":\"SCMP_ACT_LOG\"}]}",
			FILTER_WATCH_PLACE, 17);
	/* a condition on umask: credentials unseen, the rest seen */
	watching_agrees("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
			"[\"umask\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
			"\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
			FILTER_WATCH_WHO | FILTER_WATCH_PLACE, 17);
	/* refused setuid family: never runs, still seen as a kind */
	watching_agrees("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
			"[\"setuid\",\"setresuid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
			ALL_KINDS, 16);
}
END_TEST

START_TEST(watching_the_default_policy)
{
	struct policy *p = tu_load("policies/default.json");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	char err[256] = "";
	unsigned watched = 0;

	ck_assert_int_eq(filter_build_watching(plan, &prog, &watched, err, sizeof(err)), 0);
	ck_assert_uint_eq(watched, ALL_KINDS);
	ck_assert_uint_eq(
		tu_bpf(&prog, CG_ARCH_X86_64, syscall_lookup(CG_ARCH_X86_64, "execve"), NULL),
		RET_NOTIFY);
	ck_assert_uint_eq(
		tu_bpf(&prog, CG_ARCH_X86_64, syscall_lookup(CG_ARCH_X86_64, "prctl"), NULL),
		RET_NOTIFY);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

static Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, runc_conformance_test1);
	tcase_add_test(tc, runc_conformance_test2);
	tcase_add_test(tc, deny_profile_has_no_enosys_stub);
	tcase_add_test(tc, plan_and_filter_agree_on_every_shared_profile);
	tcase_add_test(tc, default_policy_agrees_in_every_mode);
	tcase_add_test(tc, post_517_syscalls_on_every_abi);
	tcase_add_test(tc, conditional_rule_on_new_syscall_goes_to_supervisor);
	tcase_add_test(tc, i386_and_x32_decided_by_their_own_numbers);
	tcase_add_test(tc, unlisted_abis_have_no_way_through);
	tcase_add_test(tc, conditional_rules_hold_on_every_abi);
	tcase_add_test(tc, prefix_searches_every_number);
	tcase_add_test(tc, audit_mode_notifies_every_denial_and_nothing_else);
	tcase_add_test(tc, notify_default_notifies_everything);
	tcase_add_test(tc, watching_notifies_the_watched_only);
	tcase_add_test(tc, watching_the_default_policy);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(filter_suite());
}
