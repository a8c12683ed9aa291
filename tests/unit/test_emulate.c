/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulation table: every syscall that a path or address rule can name
 * is routed, per ABI, to its handler (emulate.h) or to "not emulated"
 * (decided on the copy and continued: advisory), and every kind the plan
 * can name has a handler.
 */
#include <stdio.h>

#include "../../supervisor/emulate.h"
#include "testutil.h"

/* The syscalls carried out by callgate, and how; every other syscall with
 * a path or an address is not emulated. */
static const struct {
	const char *name;
	enum sysargs_emulation kind;
} emulated[] = {
	{ "open", SYSARGS_EMU_OPEN },	    { "openat", SYSARGS_EMU_OPEN },
	{ "openat2", SYSARGS_EMU_OPEN },    { "creat", SYSARGS_EMU_OPEN },
	{ "connect", SYSARGS_EMU_CONNECT }, { "bind", SYSARGS_EMU_BIND },
};

/* The path family (emupath.c): carried out, or decided on the object and
 * continued (execve, execveat, chdir, chroot, statfs). */
static const char *const path_family[] = {
	"access",     "chdir",	      "chmod",	    "chown",	 "chroot",     "execve",
	"execveat",   "faccessat",    "faccessat2", "fchmodat",	 "fchmodat2",  "fchownat",
	"getxattr",   "lchown",	      "lgetxattr",  "link",	 "linkat",     "listxattr",
	"llistxattr", "lremovexattr", "lsetxattr",  "lstat",	 "mkdir",      "mkdirat",
	"mknod",      "mknodat",      "newfstatat", "readlink",	 "readlinkat", "removexattr",
	"rename",     "renameat",     "renameat2",  "rmdir",	 "setxattr",   "stat",
	"statfs",     "statx",	      "symlink",    "symlinkat", "truncate",   "unlink",
	"unlinkat",   "utimensat",    "utimes",
};

static enum sysargs_emulation expected(const char *name)
{
	for (size_t i = 0; i < sizeof(emulated) / sizeof(emulated[0]); i++)
		if (strcmp(emulated[i].name, name) == 0)
			return emulated[i].kind;
	for (size_t i = 0; i < sizeof(path_family) / sizeof(path_family[0]); i++)
		if (strcmp(path_family[i], name) == 0)
			return SYSARGS_EMU_PATH;
	return SYSARGS_EMU_NONE;
}

static bool has_pointer_rule(const char *name, bool *is_path)
{
	int idx[2], dirfd[2], len;

	*is_path = sysargs_paths(name, idx, dirfd) > 0;
	return *is_path || sysargs_sockaddr(name, &len) >= 0;
}

static int nr_with_bit(enum cg_arch arch, int nr)
{
	return nr | (arch == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0);
}

/* A policy with a path or address rule on every syscall that has one,
 * on all three x86 ABIs. */
static struct policy *pointer_rules_policy(void)
{
	size_t size = 1u << 20, len = 0;
	char *json = malloc(size);
	struct policy *p;

	ck_assert_ptr_nonnull(json);
	len += (size_t)snprintf(json + len, size - len,
				"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
				"\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
				"\"syscalls\":[");
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		for (int nr = 0; nr < syscall_nr_limit((enum cg_arch)a); nr++) {
			const char *name = syscall_name((enum cg_arch)a, nr_with_bit(a, nr));
			bool is_path;

			if (!name || !has_pointer_rule(name, &is_path))
				continue;
			len += (size_t)snprintf(json + len, size - len,
						"{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ALLOW\","
						"\"%s\":[\"%s\"]},",
						name, is_path ? "paths" : "addresses",
						is_path ? "/srv/**" : "inet:127.0.0.1:5432");
			ck_assert(len < size);
		}
	}
	/* a trailing rule so that the last comma is followed by one */
	snprintf(json + len, size - len,
		 "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	p = tu_parse(json);
	free(json);
	return p;
}

START_TEST(every_pointer_syscall_maps_to_its_handler_per_abi)
{
	struct policy *p = pointer_rules_policy();
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	unsigned checked[CG_ARCH_MAX] = { 0 }, handled[CG_ARCH_MAX] = { 0 };
	unsigned open_bind_connect[CG_ARCH_MAX] = { 0 };

	for (int a = 0; a < CG_ARCH_MAX; a++) {
		for (int nr = 0; nr < syscall_nr_limit((enum cg_arch)a); nr++) {
			int full = nr_with_bit(a, nr);
			const char *name = syscall_name((enum cg_arch)a, full);
			const struct plan_entry *e;
			bool is_path;

			if (!name || !has_pointer_rule(name, &is_path))
				continue;
			e = plan_entry_of(plan, (enum cg_arch)a, full);
			ck_assert_msg(e && (e->flags & PLAN_ENTRY_PATTERNS),
				      "%s/%s: no pattern rule in the plan",
				      arch_to_string((enum cg_arch)a), name);
			ck_assert_msg(e->emulation == expected(name),
				      "%s/%s: emulation %u, expected %u",
				      arch_to_string((enum cg_arch)a), name, e->emulation,
				      expected(name));
			ck_assert_msg(e->emulation == SYSARGS_EMU_NONE ||
					      emulate_handles((enum sysargs_emulation)e->emulation),
				      "%s/%s: no handler", arch_to_string((enum cg_arch)a), name);
			ck_assert_msg(e->emulation != SYSARGS_EMU_PATH || emupath_knows(name),
				      "%s: the path family's handler does not know it", name);
			checked[a]++;
			handled[a] += e->emulation != SYSARGS_EMU_NONE;
			open_bind_connect[a] += e->emulation != SYSARGS_EMU_NONE &&
						e->emulation != SYSARGS_EMU_PATH;
		}
	}
	/* every ABI has path syscalls; the open family and, where the ABI
	 * has them as calls of their own, connect and bind */
	ck_assert_uint_gt(checked[CG_ARCH_X86_64], 40);
	ck_assert_uint_eq(open_bind_connect[CG_ARCH_X86_64], 6);
	ck_assert_uint_eq(open_bind_connect[CG_ARCH_X32], 6);
	ck_assert_uint_eq(open_bind_connect[CG_ARCH_I386], 6);
	ck_assert_uint_eq(handled[CG_ARCH_X86_64], 6 + 45);
	ck_assert_uint_gt(handled[CG_ARCH_I386], 6 + 30);
	plan_free(plan);
	policy_free(p);
}
END_TEST

START_TEST(every_kind_has_a_handler)
{
	ck_assert(!emulate_handles(SYSARGS_EMU_NONE));
	for (int k = SYSARGS_EMU_NONE + 1; k < SYSARGS_EMU_MAX; k++)
		ck_assert_msg(emulate_handles((enum sysargs_emulation)k), "kind %d has no handler",
			      k);
	ck_assert(!emulate_handles(SYSARGS_EMU_MAX));
}
END_TEST

START_TEST(no_emulation_without_a_pointer_rule)
{
	/* an unconditional rule on open: decided in the kernel, nothing to
	 * carry out */
	struct policy *p = tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
				    "{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	const struct plan_entry *e =
		plan_entry_of(plan, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "openat"));

	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->emulation, SYSARGS_EMU_NONE);
	plan_free(plan);
	policy_free(p);
}
END_TEST

static Suite *emulate_suite(void)
{
	Suite *s = suite_create("emulate");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, every_pointer_syscall_maps_to_its_handler_per_abi);
	tcase_add_test(tc, every_kind_has_a_handler);
	tcase_add_test(tc, no_emulation_without_a_pointer_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(emulate_suite());
}
