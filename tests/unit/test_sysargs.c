/* SPDX-License-Identifier: Apache-2.0 */
/* Argument kinds, path and sockaddr indexes, open(2) flag names. */
#include <fcntl.h>
#include <limits.h>

#include "testutil.h"
#include "callgate/sysargs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every name the table holds, as lib/sysargs.c does. */
static const char *const table_names[] = {
	"accept",
	"accept4",
	"access",
	"bind",
	"chdir",
	"chmod",
	"chown",
	"chroot",
	"clone",
	"close",
	"connect",
	"creat",
	"dup",
	"dup2",
	"dup3",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"faccessat",
	"faccessat2",
	"fchdir",
	"fchmod",
	"fchmodat",
	"fchmodat2",
	"fchown",
	"fchownat",
	"fcntl",
	"fork",
	"fstat",
	"ftruncate",
	"getcwd",
	"getdents64",
	"getpid",
	"getppid",
	"gettid",
	"getuid",
	"getxattr",
	"ioctl",
	"kill",
	"lchown",
	"lgetxattr",
	"link",
	"linkat",
	"listen",
	"listxattr",
	"llistxattr",
	"lremovexattr",
	"lseek",
	"lsetxattr",
	"lstat",
	"memfd_create",
	"mkdir",
	"mkdirat",
	"mknod",
	"mknodat",
	"mmap",
	"mount",
	"mprotect",
	"newfstatat",
	"open",
	"openat",
	"openat2",
	"personality",
	"pipe",
	"prctl",
	"process_vm_readv",
	"process_vm_writev",
	"ptrace",
	"read",
	"readlink",
	"readlinkat",
	"recvfrom",
	"recvmsg",
	"removexattr",
	"rename",
	"renameat",
	"renameat2",
	"rmdir",
	"sendmsg",
	"sendto",
	"setns",
	"setxattr",
	"socket",
	"stat",
	"statfs",
	"statx",
	"symlink",
	"symlinkat",
	"tgkill",
	"truncate",
	"umask",
	"umount2",
	"uname",
	"unlink",
	"unlinkat",
	"unshare",
	"utimensat",
	"utimes",
	"vfork",
	"wait4",
	"write",
};

START_TEST(kinds_table)
{
	static const struct {
		const char *name;
		const char *kinds;
	} rows[] = {
		{ "openat", "dpfo" },	  { "open", "pfo" },
		{ "renameat2", "dpdpx" }, { "renameat", "dpdp" },
		{ "symlinkat", "pdp" },	  { "symlink", "pp" },
		{ "linkat", "dpdpx" },	  { "connect", "isl" },
		{ "bind", "isl" },	  { "sendto", "iaxxsl" },
		{ "sendmsg", "iax" },	  { "accept", "iaa" },
		{ "execve", "paa" },	  { "execveat", "dpaax" },
		{ "chmod", "po" },	  { "fchmodat", "dpo" },
		{ "fchmodat2", "dpox" },  { "faccessat", "dpx" },
		{ "faccessat2", "dpxx" }, { "read", "ial" },
		{ "mmap", "alxxix" },	  { "getppid", "" },
		{ "fchownat", "dpiix" },  { "umask", "o" },
		{ "mount", "ppaxa" },	  { "memfd_create", "ax" },
		{ "openat2", "dpal" },	  { "statx", "dpxxa" },
		{ "utimensat", "dpax" },  { "unlinkat", "dpx" },
		{ "mknodat", "dpox" },	  { "newfstatat", "dpax" },
		{ "kill", "ii" },	  { "process_vm_readv", "iauaux" },
	};

	for (size_t i = 0; i < N(rows); i++) {
		const char *k = sysargs_kinds(rows[i].name);

		ck_assert_msg(k && strcmp(k, rows[i].kinds) == 0,
			      "%s: kinds \"%s\", expected \"%s\"", rows[i].name, k ? k : "(null)",
			      rows[i].kinds);
	}
}
END_TEST

START_TEST(unknown_names)
{
	static const char *const names[] = { "nosuch",	   "",	      "OPENAT",	 "openat ",
					     "socketcall", "chown32", "_llseek", "stat64",
					     "zzz",	   "a" };

	for (size_t i = 0; i < N(names); i++)
		ck_assert_msg(sysargs_kinds(names[i]) == NULL, "\"%s\" has kinds", names[i]);
	ck_assert_ptr_null(sysargs_kinds(NULL));
}
END_TEST

START_TEST(table_names_are_x86_64_syscalls)
{
	for (size_t i = 0; i < N(table_names); i++) {
		const char *k = sysargs_kinds(table_names[i]);

		ck_assert_msg(k != NULL, "%s: not found (table unsorted?)", table_names[i]);
		ck_assert_msg(syscall_lookup(CG_ARCH_X86_64, table_names[i]) >= 0,
			      "%s is not an x86_64 syscall", table_names[i]);
		ck_assert_msg(strlen(k) <= 6, "%s: %zu arguments", table_names[i], strlen(k));
		ck_assert_msg(strspn(k, "iuxapdofsl") == strlen(k), "%s: bad kind in \"%s\"",
			      table_names[i], k);
		for (const char *s = strchr(k, 's'); s; s = strchr(s + 1, 's'))
			ck_assert_msg(s[1] == 'l', "%s: 's' without a length", table_names[i]);
		ck_assert_msg(i == 0 || strcmp(table_names[i - 1], table_names[i]) < 0,
			      "test list out of order at %s", table_names[i]);
	}
}
END_TEST

/* Whatever the table knows among the names of all three ABIs is x86_64. */
START_TEST(no_name_outside_x86_64)
{
	size_t known = 0;

	for (int a = 0; a < CG_ARCH_MAX; a++) {
		int limit = syscall_nr_limit((enum cg_arch)a);

		for (int nr = 0; nr < limit; nr++) {
			int full = a == CG_ARCH_X32 ? (int)(CG_X32_SYSCALL_BIT | (unsigned)nr) : nr;
			const char *name = syscall_name((enum cg_arch)a, full);

			if (!name || !sysargs_kinds(name))
				continue;
			ck_assert_msg(syscall_lookup(CG_ARCH_X86_64, name) >= 0,
				      "%s (%s) is not an x86_64 syscall", name,
				      arch_to_string((enum cg_arch)a));
			if (a == CG_ARCH_X86_64)
				known++;
		}
	}
	ck_assert_uint_eq(known, N(table_names));
}
END_TEST

START_TEST(path_arguments)
{
	static const struct {
		const char *name;
		int n;
		int idx[2], dirfd[2];
	} rows[] = {
		{ "openat", 1, { 1 }, { 0 } },
		{ "open", 1, { 0 }, { -1 } },
		{ "renameat", 2, { 1, 3 }, { 0, 2 } },
		{ "renameat2", 2, { 1, 3 }, { 0, 2 } },
		{ "rename", 2, { 0, 1 }, { -1, -1 } },
		{ "symlinkat", 2, { 0, 2 }, { -1, 1 } },
		{ "symlink", 2, { 0, 1 }, { -1, -1 } },
		{ "linkat", 2, { 1, 3 }, { 0, 2 } },
		{ "link", 2, { 0, 1 }, { -1, -1 } },
		{ "execveat", 1, { 1 }, { 0 } },
		{ "execve", 1, { 0 }, { -1 } },
		{ "mount", 2, { 0, 1 }, { -1, -1 } },
		{ "fchmodat2", 1, { 1 }, { 0 } },
		{ "getxattr", 1, { 0 }, { -1 } },
		{ "getpid", 0 },
		{ "connect", 0 },
		{ "memfd_create", 0 },
		{ "nosuch", 0 },
	};

	for (size_t i = 0; i < N(rows); i++) {
		int idx[2] = { 99, 99 }, dirfd[2] = { 99, 99 };
		int n = sysargs_paths(rows[i].name, idx, dirfd);

		ck_assert_msg(n == rows[i].n, "%s: %d paths, expected %d", rows[i].name, n,
			      rows[i].n);
		for (int j = 0; j < n; j++)
			ck_assert_msg(idx[j] == rows[i].idx[j] && dirfd[j] == rows[i].dirfd[j],
				      "%s: path %d is %d/%d, expected %d/%d", rows[i].name, j,
				      idx[j], dirfd[j], rows[i].idx[j], rows[i].dirfd[j]);
	}
}
END_TEST

START_TEST(sockaddr_arguments)
{
	static const struct {
		const char *name;
		int addr, len;
	} rows[] = {
		{ "connect", 1, 2 },	{ "bind", 1, 2 },     { "sendto", 4, 5 },
		{ "sendmsg", -1, -1 },	{ "accept", -1, -1 }, { "accept4", -1, -1 },
		{ "recvfrom", -1, -1 }, { "openat", -1, -1 }, { "nosuch", -1, -1 },
	};

	for (size_t i = 0; i < N(rows); i++) {
		int len = 99;
		int addr = sysargs_sockaddr(rows[i].name, &len);

		ck_assert_msg(addr == rows[i].addr && len == rows[i].len,
			      "%s: %d/%d, expected %d/%d", rows[i].name, addr, len, rows[i].addr,
			      rows[i].len);
	}
	ck_assert_int_eq(sysargs_sockaddr("connect", NULL), 1);
}
END_TEST

START_TEST(open_flags)
{
	/* Kernel values where glibc's differ (O_LARGEFILE is 0 on x86_64). */
	const unsigned long k_largefile = 0100000, k_tmpfile_bit = 020000000, k_sync_bit = 04000000;
	const struct {
		const char *name;
		unsigned long flags;
		const char *text;
	} rows[] = {
		{ "zero", 0, "O_RDONLY" },
		{ "create", O_WRONLY | O_CREAT | O_TRUNC, "O_WRONLY|O_CREAT|O_TRUNC" },
		{ "tmpfile", O_TMPFILE | O_RDWR, "O_RDWR|O_TMPFILE" },
		{ "tmpfile bit alone", k_tmpfile_bit, "O_RDONLY|0x400000" },
		{ "directory", O_DIRECTORY | O_CLOEXEC, "O_RDONLY|O_DIRECTORY|O_CLOEXEC" },
		{ "sync", O_SYNC | O_WRONLY, "O_WRONLY|O_SYNC" },
		{ "dsync", O_DSYNC, "O_RDONLY|O_DSYNC" },
		{ "sync bit alone", k_sync_bit, "O_RDONLY|0x100000" },
		{ "accmode 3", 3, "O_ACCMODE" },
		{ "largefile", k_largefile | O_RDWR, "O_RDWR|O_LARGEFILE" },
		{ "path", O_PATH | O_NOFOLLOW | O_CLOEXEC, "O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_PATH" },
		{ "unknown bit", O_RDONLY | 0x40000000, "O_RDONLY|0x40000000" },
		{ "high word", 0x100000000ul | O_APPEND, "O_RDONLY|O_APPEND|0x100000000" },
		{ "FASYNC is not an open flag", 020000, "O_RDONLY|0x2000" },
		{ "all",
		  O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |
			  O_DIRECT | k_largefile | O_DIRECTORY | O_NOFOLLOW | O_NOATIME |
			  O_CLOEXEC | O_SYNC | O_PATH | O_TMPFILE,
		  "O_RDWR|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_DIRECT|O_LARGEFILE|"
		  "O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_SYNC|O_PATH|O_TMPFILE" },
		{ "every bit", ULONG_MAX,
		  "O_ACCMODE|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_DIRECT|"
		  "O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_SYNC|O_PATH|O_TMPFILE|"
		  "0xffffffffff80203c" },
	};
	char buf[512];

	for (size_t i = 0; i < N(rows); i++) {
		int n = sysargs_format_open_flags(rows[i].flags, buf, sizeof(buf));

		ck_assert_msg(n == (int)strlen(rows[i].text) && strcmp(buf, rows[i].text) == 0,
			      "%s: \"%s\" (%d), expected \"%s\"", rows[i].name, buf, n,
			      rows[i].text);
	}
}
END_TEST

START_TEST(open_flags_enospc_at_every_size)
{
	const unsigned long flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | 0x40000000;
	char full[256];
	int len = sysargs_format_open_flags(flags, full, sizeof(full));

	ck_assert_int_gt(len, 0);
	for (size_t size = 0; size <= (size_t)len + 1; size++) {
		char *buf = malloc(size ? size : 1);
		int n;

		ck_assert_ptr_nonnull(buf);
		memset(buf, 'X', size);
		n = sysargs_format_open_flags(flags, size ? buf : NULL, size);
		if (size <= (size_t)len) {
			ck_assert_msg(n == -ENOSPC, "size %zu: %d", size, n);
			ck_assert_msg(size == 0 || buf[0] == '\0', "size %zu: not emptied", size);
		} else {
			ck_assert_int_eq(n, len);
			ck_assert_str_eq(buf, full);
		}
		free(buf);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysargs");
	TCase *tc = tcase_create("sysargs");

	tcase_add_test(tc, kinds_table);
	tcase_add_test(tc, unknown_names);
	tcase_add_test(tc, table_names_are_x86_64_syscalls);
	tcase_add_test(tc, no_name_outside_x86_64);
	tcase_add_test(tc, path_arguments);
	tcase_add_test(tc, sockaddr_arguments);
	tcase_add_test(tc, open_flags);
	tcase_add_test(tc, open_flags_enospc_at_every_size);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
