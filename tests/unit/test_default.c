/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policies/default.json decides like Docker's default profile
 * (shared/profiles/moby-profiles_default.json): for every syscall number of
 * every x86 ABI, with argument values around every condition either file
 * has, with and without CAP_SYS_ADMIN (and other capability sets), on old
 * and new kernels.  Both files are compiled to kernel filters and the
 * filters' answers compared, and so are the plans' verdicts.
 */
#include <linux/capability.h>

#include "filterutil.h"

struct variant {
	const char *name;
	uint64_t caps;
	unsigned kmaj, kmin;
};

/* Docker's default capability set for a container. */
#define DOCKER_CAPS                                                                          \
	((1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_FSETID) |           \
	 (1ull << CAP_FOWNER) | (1ull << CAP_MKNOD) | (1ull << CAP_NET_RAW) |                \
	 (1ull << CAP_SETGID) | (1ull << CAP_SETUID) | (1ull << CAP_SETFCAP) |               \
	 (1ull << CAP_SETPCAP) | (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_SYS_CHROOT) | \
	 (1ull << CAP_KILL) | (1ull << CAP_AUDIT_WRITE))

static const struct variant variants[] = {
	{ "no capabilities, 6.18", 0, 6, 18 },
	{ "CAP_SYS_ADMIN, 6.18", 1ull << CAP_SYS_ADMIN, 6, 18 },
	{ "Docker's default capabilities, 6.18", DOCKER_CAPS, 6, 18 },
	{ "all capabilities, 6.18", ~0ull, 6, 18 },
	{ "no capabilities, 4.7 (before minKernel 4.8)", 0, 4, 7 },
	{ "CAP_SYS_ADMIN, 4.7", 1ull << CAP_SYS_ADMIN, 4, 7 },
	{ "CAP_SYS_PTRACE, 4.8", 1ull << CAP_SYS_PTRACE, 4, 8 },
};

static void same(const struct plan *pa, const struct filter_prog *fa, const struct plan *pb,
		 const struct filter_prog *fb, enum cg_arch arch, int nr, const uint64_t args[6],
		 const char *variant, unsigned long *count)
{
	uint32_t ra = tu_bpf(fa, arch, nr, args), rb = tu_bpf(fb, arch, nr, args);
	struct plan_verdict va = plan_eval(pa, arch, nr, args), vb = plan_eval(pb, arch, nr, args);
	const char *name = syscall_name(arch, nr);

	(*count)++;
	ck_assert_msg(ra == rb, "%s: %s %s (%d) args %#llx %#llx: default.json %#x, Docker %#x",
		      variant, arch_to_string(arch), name ? name : "?", nr,
		      (unsigned long long)args[0], (unsigned long long)args[1], ra, rb);
	ck_assert_msg(va.action == vb.action && va.data == vb.data,
		      "%s: %s %s (%d): plans differ: %s(%u) vs %s(%u)", variant,
		      arch_to_string(arch), name ? name : "?", nr,
		      policy_action_to_string(va.action), va.data,
		      policy_action_to_string(vb.action), vb.data);
}

START_TEST(default_matches_docker)
{
	const struct variant *v = &variants[_i];
	struct policy *ours = tu_load("policies/default.json");
	struct policy *docker = tu_load(tu_shared("profiles/moby-profiles_default.json"));
	struct plan *pa = tu_compile(ours, v->caps, v->kmaj, v->kmin, PLAN_MODE_ENFORCE);
	struct plan *pb = tu_compile(docker, v->caps, v->kmaj, v->kmin, PLAN_MODE_ENFORCE);
	struct filter_prog fa = { 0 }, fb = { 0 };
	unsigned long count = 0;

	tu_filter(pa, &fa);
	tu_filter(pb, &fb);
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		int bit = a == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0;

		ck_assert_int_eq(pa->arch[a].enabled, pb->arch[a].enabled);
		for (int nr = 0; nr < pa->arch[a].nr_limit + 16; nr++) {
			uint64_t zero[6] = { 0 }, vals[512];

			same(pa, &fa, pb, &fb, (enum cg_arch)a, nr | bit, zero, v->name, &count);
			if (nr >= pa->arch[a].nr_limit)
				continue;
			for (int idx = 0; idx < 6; idx++) {
				size_t n = 0;

				vals[n++] = ~0ull;
				n = tu_condition_values(pa, &pa->arch[a].entries[nr], idx, vals, n,
							512);
				n = tu_condition_values(pb, &pb->arch[a].entries[nr], idx, vals, n,
							512);
				for (size_t k = 0; k < n; k++) {
					uint64_t args[6] = { 0 };

					args[idx] = vals[k];
					same(pa, &fa, pb, &fb, (enum cg_arch)a, nr | bit, args,
					     v->name, &count);
				}
			}
		}
	}
	/* every socket family and personality value, not just the edges */
	for (uint64_t fam = 0; fam < 64; fam++) {
		uint64_t args[6] = { fam };

		same(pa, &fa, pb, &fb, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "socket"), args,
		     v->name, &count);
	}
	ck_assert_uint_gt(count, 1000);
	filter_prog_done(&fa);
	filter_prog_done(&fb);
	plan_free(pa);
	plan_free(pb);
	policy_free(ours);
	policy_free(docker);
}
END_TEST

START_TEST(docker_default_facts)
{
	/* A few decisions spelled out, so a change to both files at once
	 * cannot go unnoticed. */
	struct policy *p = tu_load("policies/default.json");
	struct plan *plain = tu_compile(p, DOCKER_CAPS, 6, 18, PLAN_MODE_ENFORCE);
	struct plan *admin =
		tu_compile(p, DOCKER_CAPS | (1ull << CAP_SYS_ADMIN), 6, 18, PLAN_MODE_ENFORCE);
	struct {
		const char *what;
		const struct plan *plan;
		const char *syscall;
		uint64_t arg0;
		enum policy_action action;
		uint16_t data;
	} rows[] = {
		{ "read allowed", plain, "read", 0, POLICY_ACT_ALLOW, 0 },
		{ "unshare denied without CAP_SYS_ADMIN", plain, "unshare", 0, POLICY_ACT_ERRNO,
		  1 },
		{ "unshare allowed with CAP_SYS_ADMIN", admin, "unshare", 0, POLICY_ACT_ALLOW, 0 },
		{ "mount denied without CAP_SYS_ADMIN", plain, "mount", 0, POLICY_ACT_ERRNO, 1 },
		{ "clone3 ENOSYS without CAP_SYS_ADMIN", plain, "clone3", 0, POLICY_ACT_ERRNO, 38 },
		{ "clone3 allowed with CAP_SYS_ADMIN", admin, "clone3", 0, POLICY_ACT_ALLOW, 0 },
		{ "AF_INET socket allowed", plain, "socket", 2, POLICY_ACT_ALLOW, 0 },
		{ "AF_ALG socket denied", plain, "socket", 38, POLICY_ACT_ERRNO, 1 },
		{ "AF_VSOCK socket denied", plain, "socket", 40, POLICY_ACT_ERRNO, 1 },
		{ "kexec_load denied", admin, "kexec_load", 0, POLICY_ACT_ERRNO, 1 },
		{ "fchmodat2 allowed (post-5.17 name)", plain, "fchmodat2", 0, POLICY_ACT_ALLOW,
		  0 },
		{ "mseal allowed (post-5.17 name)", plain, "mseal", 0, POLICY_ACT_ALLOW, 0 },
		{ "personality PER_LINUX allowed", plain, "personality", 0, POLICY_ACT_ALLOW, 0 },
		{ "personality 0x1 denied", plain, "personality", 1, POLICY_ACT_ERRNO, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		uint64_t args[6] = { rows[i].arg0 };
		struct plan_verdict v = plan_eval(rows[i].plan, CG_ARCH_X86_64,
						  tu_nr(CG_ARCH_X86_64, rows[i].syscall), args);

		ck_assert_msg(v.action == rows[i].action && v.data == rows[i].data,
			      "%s: got %s(%u)", rows[i].what, policy_action_to_string(v.action),
			      v.data);
	}
	plan_free(plain);
	plan_free(admin);
	policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("default");
	TCase *tc = tcase_create("default");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, default_matches_docker, 0, (int)ARRAY_SIZE(variants));
	tcase_add_test(tc, docker_default_facts);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
