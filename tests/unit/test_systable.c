/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for lib/systable.c and the generated lib/systable_gen.c.
 *
 * Expected syscall numbers come from libseccomp 2.6.0's syscalls.csv (the
 * generator's input, Linux 6.13) and agree with the kernel's
 * arch/x86/entry/syscalls/syscall_{64,32}.tbl.  The errno and capability
 * tables are checked entry by entry against the build host's <errno.h> and
 * <linux/capability.h>, so a missing or mistyped entry fails here.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/macro.h"
#include "callgate/systable.h"

#define X32(nr) ((int)(CG_X32_SYSCALL_BIT | (nr)))

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

static bool str_eq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* arch_to_string */

static const struct arch_case {
	const char *what;
	enum cg_arch arch;
	const char *want;
} arch_cases[] = {
	{ "x86_64", CG_ARCH_X86_64, "x86_64" },
	{ "i386", CG_ARCH_I386, "i386" },
	{ "x32", CG_ARCH_X32, "x32" },
	{ "CG_ARCH_MAX", CG_ARCH_MAX, NULL },
	{ "CG_ARCH_INVALID", CG_ARCH_INVALID, NULL },
	{ "large", (enum cg_arch)1000, NULL },
};

START_TEST(test_arch_to_string)
{
	const struct arch_case *c = &arch_cases[_i];
	const char *got = arch_to_string(c->arch);

	ck_assert_msg(str_eq_null(got, c->want), "%s: got %s, want %s", c->what, str_or_null(got),
		      str_or_null(c->want));
}
END_TEST

/* syscall_lookup */

static const struct lookup_case {
	const char *what;
	enum cg_arch arch;
	const char *name;
	int want;
} lookup_cases[] = {
	{ "x86_64 getpid", CG_ARCH_X86_64, "getpid", 39 },
	{ "x86_64 read", CG_ARCH_X86_64, "read", 0 },
	{ "x86_64 execve", CG_ARCH_X86_64, "execve", 59 },
	{ "x86_64 rt_sigaction", CG_ARCH_X86_64, "rt_sigaction", 13 },
	{ "x86_64 arch_prctl", CG_ARCH_X86_64, "arch_prctl", 158 },
	{ "x86_64 _sysctl", CG_ARCH_X86_64, "_sysctl", 156 },
	{ "x86_64 uretprobe", CG_ARCH_X86_64, "uretprobe", 335 },
	{ "x86_64 pidfd_send_signal", CG_ARCH_X86_64, "pidfd_send_signal", 424 },
	{ "x86_64 cachestat", CG_ARCH_X86_64, "cachestat", 451 },
	{ "x86_64 fchmodat2", CG_ARCH_X86_64, "fchmodat2", 452 },
	{ "x86_64 mseal", CG_ARCH_X86_64, "mseal", 462 },
	{ "x86_64 removexattrat", CG_ARCH_X86_64, "removexattrat", 466 },
	{ "x86_64 socketcall", CG_ARCH_X86_64, "socketcall", -ENOENT },
	{ "x86_64 vm86old", CG_ARCH_X86_64, "vm86old", -ENOENT },
	{ "x86_64 mkdir", CG_ARCH_X86_64, "mkdir", 83 },

	{ "i386 mkdir", CG_ARCH_I386, "mkdir", 39 },
	{ "i386 getpid", CG_ARCH_I386, "getpid", 20 },
	{ "i386 read", CG_ARCH_I386, "read", 3 },
	{ "i386 execve", CG_ARCH_I386, "execve", 11 },
	{ "i386 restart_syscall", CG_ARCH_I386, "restart_syscall", 0 },
	{ "i386 socketcall", CG_ARCH_I386, "socketcall", 102 },
	{ "i386 vm86old", CG_ARCH_I386, "vm86old", 113 },
	{ "i386 arch_prctl", CG_ARCH_I386, "arch_prctl", 384 },
	{ "i386 _llseek", CG_ARCH_I386, "_llseek", 140 },
	{ "i386 cachestat", CG_ARCH_I386, "cachestat", 451 },
	{ "i386 fchmodat2", CG_ARCH_I386, "fchmodat2", 452 },
	{ "i386 mseal", CG_ARCH_I386, "mseal", 462 },
	{ "i386 _sysctl", CG_ARCH_I386, "_sysctl", 149 },
	{ "i386 uretprobe", CG_ARCH_I386, "uretprobe", -ENOENT },

	{ "x32 read", CG_ARCH_X32, "read", X32(0) },
	{ "x32 getpid", CG_ARCH_X32, "getpid", X32(39) },
	{ "x32 execve", CG_ARCH_X32, "execve", X32(520) },
	{ "x32 rt_sigaction", CG_ARCH_X32, "rt_sigaction", X32(512) },
	{ "x32 writev", CG_ARCH_X32, "writev", X32(516) },
	{ "x32 pwritev2", CG_ARCH_X32, "pwritev2", X32(547) },
	{ "x32 cachestat", CG_ARCH_X32, "cachestat", X32(451) },
	{ "x32 fchmodat2", CG_ARCH_X32, "fchmodat2", X32(452) },
	{ "x32 mseal", CG_ARCH_X32, "mseal", X32(462) },
	{ "x32 socketcall", CG_ARCH_X32, "socketcall", -ENOENT },
	{ "x32 _sysctl (64-bit only)", CG_ARCH_X32, "_sysctl", -ENOENT },
	{ "x32 uselib (64-bit only)", CG_ARCH_X32, "uselib", -ENOENT },

	{ "x86_64 _exit", CG_ARCH_X86_64, "_exit", -ENOENT },
	{ "i386 _exit", CG_ARCH_I386, "_exit", -ENOENT },
	{ "x32 _exit", CG_ARCH_X32, "_exit", -ENOENT },
	{ "empty name", CG_ARCH_X86_64, "", -ENOENT },
	{ "unknown name", CG_ARCH_X86_64, "no_such_syscall", -ENOENT },
	{ "upper case", CG_ARCH_X86_64, "GETPID", -ENOENT },
	{ "trailing space", CG_ARCH_X86_64, "getpid ", -ENOENT },
	{ "prefix only", CG_ARCH_X86_64, "getpi", -ENOENT },
	{ "arm-only name", CG_ARCH_X86_64, "arm_fadvise64_64", -ENOENT },
	{ "NULL name", CG_ARCH_X86_64, NULL, -EINVAL },
	{ "CG_ARCH_MAX", CG_ARCH_MAX, "getpid", -EINVAL },
	{ "CG_ARCH_INVALID", CG_ARCH_INVALID, "getpid", -EINVAL },
};

START_TEST(test_syscall_lookup)
{
	const struct lookup_case *c = &lookup_cases[_i];
	int got = syscall_lookup(c->arch, c->name);

	ck_assert_msg(got == c->want, "%s: got %d (%#x), want %d (%#x)", c->what, got,
		      (unsigned int)got, c->want, (unsigned int)c->want);
}
END_TEST

/* syscall_name */

static const struct name_case {
	const char *what;
	enum cg_arch arch;
	int nr;
	const char *want;
} name_cases[] = {
	{ "x86_64 0", CG_ARCH_X86_64, 0, "read" },
	{ "x86_64 39", CG_ARCH_X86_64, 39, "getpid" },
	{ "x86_64 466", CG_ARCH_X86_64, 466, "removexattrat" },
	{ "x86_64 hole 336", CG_ARCH_X86_64, 336, NULL },
	{ "x86_64 hole 423", CG_ARCH_X86_64, 423, NULL },
	{ "x86_64 limit", CG_ARCH_X86_64, 467, NULL },
	{ "x86_64 x32 bit", CG_ARCH_X86_64, X32(0), NULL },
	{ "i386 20", CG_ARCH_I386, 20, "getpid" },
	{ "i386 39", CG_ARCH_I386, 39, "mkdir" },
	{ "i386 102", CG_ARCH_I386, 102, "socketcall" },
	{ "i386 hole 222", CG_ARCH_I386, 222, NULL },
	{ "i386 hole 415", CG_ARCH_I386, 415, NULL },
	{ "x32 read", CG_ARCH_X32, X32(0), "read" },
	{ "x32 execve", CG_ARCH_X32, X32(520), "execve" },
	{ "x32 pwritev2", CG_ARCH_X32, X32(547), "pwritev2" },
	{ "x32 64-bit-only slot 59", CG_ARCH_X32, X32(59), NULL },
	{ "x32 64-bit-only slot 13", CG_ARCH_X32, X32(13), NULL },
	{ "x32 limit", CG_ARCH_X32, X32(548), NULL },
	{ "x32 read without bit", CG_ARCH_X32, 0, NULL },
	{ "x32 getpid without bit", CG_ARCH_X32, 39, NULL },
	{ "x32 execve without bit", CG_ARCH_X32, 520, NULL },
	{ "x32 other high bit", CG_ARCH_X32, X32(0x20000000), NULL },
	{ "x86_64 -1", CG_ARCH_X86_64, -1, NULL },
	{ "i386 -1", CG_ARCH_I386, -1, NULL },
	{ "x32 -1", CG_ARCH_X32, -1, NULL },
	{ "x86_64 INT_MIN", CG_ARCH_X86_64, INT_MIN, NULL },
	{ "x32 INT_MIN", CG_ARCH_X32, INT_MIN, NULL },
	{ "x32 INT_MIN|bit", CG_ARCH_X32, INT_MIN | X32(0), NULL },
	{ "x86_64 INT_MAX", CG_ARCH_X86_64, INT_MAX, NULL },
	{ "i386 INT_MAX", CG_ARCH_I386, INT_MAX, NULL },
	{ "x32 INT_MAX", CG_ARCH_X32, INT_MAX, NULL },
	{ "CG_ARCH_MAX", CG_ARCH_MAX, 39, NULL },
	{ "CG_ARCH_INVALID", CG_ARCH_INVALID, 39, NULL },
};

START_TEST(test_syscall_name)
{
	const struct name_case *c = &name_cases[_i];
	const char *got = syscall_name(c->arch, c->nr);

	ck_assert_msg(str_eq_null(got, c->want), "%s: got %s, want %s", c->what, str_or_null(got),
		      str_or_null(c->want));
}
END_TEST

/* syscall_nr_limit and whole-table round trips */

static const struct table_case {
	const char *what;
	enum cg_arch arch;
	int nr_limit;
	int count; /* syscalls in the CSV column */
} table_cases[] = {
	{ "x86_64", CG_ARCH_X86_64, 467, 379 },
	{ "i386", CG_ARCH_I386, 467, 456 },
	{ "x32", CG_ARCH_X32, 548, 368 },
};

START_TEST(test_syscall_round_trip)
{
	const struct table_case *c = &table_cases[_i];
	unsigned int bit = c->arch == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;
	int limit = syscall_nr_limit(c->arch);
	int i, last, count = 0;

	ck_assert_msg(limit == c->nr_limit, "%s: nr_limit %d, want %d", c->what, limit,
		      c->nr_limit);
	for (i = 0; i < limit; i++) {
		int nr = (int)(bit | (unsigned int)i);
		const char *name = syscall_name(c->arch, nr);
		int back;

		if (!name)
			continue;
		count++;
		back = syscall_lookup(c->arch, name);
		ck_assert_msg(back == nr, "%s: %s is %#x, looks up as %#x", c->what, name,
			      (unsigned int)nr, (unsigned int)back);
	}
	ck_assert_msg(count == c->count, "%s: %d syscalls, want %d", c->what, count, c->count);
	/* The limit is tight: the last slot is a syscall. */
	last = (int)(bit | (unsigned int)(limit - 1));
	ck_assert_msg(syscall_name(c->arch, last), "%s: no syscall at nr_limit - 1", c->what);
}
END_TEST

START_TEST(test_syscall_nr_limit_invalid)
{
	ck_assert_int_eq(syscall_nr_limit(CG_ARCH_MAX), -EINVAL);
	ck_assert_int_eq(syscall_nr_limit(CG_ARCH_INVALID), -EINVAL);
}
END_TEST

/* syscall_known_elsewhere */

static const struct elsewhere_case {
	const char *what;
	const char *name;
	bool want;
} elsewhere_cases[] = {
	{ "arm only", "arm_fadvise64_64", true },
	{ "arm private", "breakpoint", true },
	{ "s390 only", "s390_runtime_instr", true },
	{ "riscv only", "riscv_hwprobe", true },
	{ "ppc only", "subpage_prot", true },
	{ "generic, also x86", "read", true },
	{ "i386 and others", "socketcall", true },
	{ "new generic", "mseal", true },
	{ "x86 only", "arch_prctl", false },
	{ "i386 only", "vm86old", false },
	{ "x86_64 only", "epoll_wait_old", false },
	{ "not a syscall", "_exit", false },
	{ "unknown", "no_such_syscall", false },
	{ "upper case", "READ", false },
	{ "empty", "", false },
	{ "NULL", NULL, false },
};

START_TEST(test_syscall_known_elsewhere)
{
	const struct elsewhere_case *c = &elsewhere_cases[_i];
	bool got = syscall_known_elsewhere(c->name);

	ck_assert_msg(got == c->want, "%s: %s known elsewhere = %d, want %d", c->what,
		      str_or_null(c->name), got, c->want);
}
END_TEST

/* errno_from_name / errno_name */

static const struct errno_case {
	const char *what;
	const char *name;
	int err;	     /* errno_from_name(name) */
	const char *primary; /* errno_name(err), when err > 0 */
} errno_cases[] = {
	{ "EPERM", "EPERM", 1, "EPERM" },
	{ "ENXIO", "ENXIO", 6, "ENXIO" },
	{ "EAGAIN", "EAGAIN", 11, "EAGAIN" },
	{ "EDEADLK", "EDEADLK", 35, "EDEADLK" },
	{ "ENOSYS", "ENOSYS", 38, "ENOSYS" },
	{ "ENOANO", "ENOANO", 55, "ENOANO" },
	{ "EOPNOTSUPP", "EOPNOTSUPP", 95, "EOPNOTSUPP" },
	{ "EHWPOISON", "EHWPOISON", 133, "EHWPOISON" },
	{ "alias EWOULDBLOCK", "EWOULDBLOCK", 11, "EAGAIN" },
	{ "alias EDEADLOCK", "EDEADLOCK", 35, "EDEADLK" },
	{ "alias ENOTSUP", "ENOTSUP", 95, "EOPNOTSUPP" },
	{ "unknown", "EFOO", -ENOENT, NULL },
	{ "lower case", "eperm", -ENOENT, NULL },
	{ "number", "1", -ENOENT, NULL },
	{ "empty", "", -ENOENT, NULL },
	{ "NULL", NULL, -EINVAL, NULL },
};

START_TEST(test_errno_names)
{
	const struct errno_case *c = &errno_cases[_i];
	int got = errno_from_name(c->name);

	ck_assert_msg(got == c->err, "%s: errno_from_name = %d, want %d", c->what, got, c->err);
	if (c->err > 0) {
		const char *name = errno_name(c->err);

		ck_assert_msg(str_eq_null(name, c->primary), "%s: errno_name(%d) = %s, want %s",
			      c->what, c->err, str_or_null(name), c->primary);
	}
}
END_TEST

/* Every <errno.h> name of the build host (x86 Linux), by its macro. */
#define ERR(e)        \
	{             \
#e, e \
	}
static const struct {
	const char *name;
	int err;
} errno_all[] = {
	ERR(EPERM),
	ERR(ENOENT),
	ERR(ESRCH),
	ERR(EINTR),
	ERR(EIO),
	ERR(ENXIO),
	ERR(E2BIG),
	ERR(ENOEXEC),
	ERR(EBADF),
	ERR(ECHILD),
	ERR(EAGAIN),
	ERR(ENOMEM),
	ERR(EACCES),
	ERR(EFAULT),
	ERR(ENOTBLK),
	ERR(EBUSY),
	ERR(EEXIST),
	ERR(EXDEV),
	ERR(ENODEV),
	ERR(ENOTDIR),
	ERR(EISDIR),
	ERR(EINVAL),
	ERR(ENFILE),
	ERR(EMFILE),
	ERR(ENOTTY),
	ERR(ETXTBSY),
	ERR(EFBIG),
	ERR(ENOSPC),
	ERR(ESPIPE),
	ERR(EROFS),
	ERR(EMLINK),
	ERR(EPIPE),
	ERR(EDOM),
	ERR(ERANGE),
	ERR(EDEADLK),
	ERR(ENAMETOOLONG),
	ERR(ENOLCK),
	ERR(ENOSYS),
	ERR(ENOTEMPTY),
	ERR(ELOOP),
	ERR(ENOMSG),
	ERR(EIDRM),
	ERR(ECHRNG),
	ERR(EL2NSYNC),
	ERR(EL3HLT),
	ERR(EL3RST),
	ERR(ELNRNG),
	ERR(EUNATCH),
	ERR(ENOCSI),
	ERR(EL2HLT),
	ERR(EBADE),
	ERR(EBADR),
	ERR(EXFULL),
	ERR(ENOANO),
	ERR(EBADRQC),
	ERR(EBADSLT),
	ERR(EBFONT),
	ERR(ENOSTR),
	ERR(ENODATA),
	ERR(ETIME),
	ERR(ENOSR),
	ERR(ENONET),
	ERR(ENOPKG),
	ERR(EREMOTE),
	ERR(ENOLINK),
	ERR(EADV),
	ERR(ESRMNT),
	ERR(ECOMM),
	ERR(EPROTO),
	ERR(EMULTIHOP),
	ERR(EDOTDOT),
	ERR(EBADMSG),
	ERR(EOVERFLOW),
	ERR(ENOTUNIQ),
	ERR(EBADFD),
	ERR(EREMCHG),
	ERR(ELIBACC),
	ERR(ELIBBAD),
	ERR(ELIBSCN),
	ERR(ELIBMAX),
	ERR(ELIBEXEC),
	ERR(EILSEQ),
	ERR(ERESTART),
	ERR(ESTRPIPE),
	ERR(EUSERS),
	ERR(ENOTSOCK),
	ERR(EDESTADDRREQ),
	ERR(EMSGSIZE),
	ERR(EPROTOTYPE),
	ERR(ENOPROTOOPT),
	ERR(EPROTONOSUPPORT),
	ERR(ESOCKTNOSUPPORT),
	ERR(EOPNOTSUPP),
	ERR(EPFNOSUPPORT),
	ERR(EAFNOSUPPORT),
	ERR(EADDRINUSE),
	ERR(EADDRNOTAVAIL),
	ERR(ENETDOWN),
	ERR(ENETUNREACH),
	ERR(ENETRESET),
	ERR(ECONNABORTED),
	ERR(ECONNRESET),
	ERR(ENOBUFS),
	ERR(EISCONN),
	ERR(ENOTCONN),
	ERR(ESHUTDOWN),
	ERR(ETOOMANYREFS),
	ERR(ETIMEDOUT),
	ERR(ECONNREFUSED),
	ERR(EHOSTDOWN),
	ERR(EHOSTUNREACH),
	ERR(EALREADY),
	ERR(EINPROGRESS),
	ERR(ESTALE),
	ERR(EUCLEAN),
	ERR(ENOTNAM),
	ERR(ENAVAIL),
	ERR(EISNAM),
	ERR(EREMOTEIO),
	ERR(EDQUOT),
	ERR(ENOMEDIUM),
	ERR(EMEDIUMTYPE),
	ERR(ECANCELED),
	ERR(ENOKEY),
	ERR(EKEYEXPIRED),
	ERR(EKEYREVOKED),
	ERR(EKEYREJECTED),
	ERR(EOWNERDEAD),
	ERR(ENOTRECOVERABLE),
	ERR(ERFKILL),
	ERR(EHWPOISON),
};

START_TEST(test_errno_complete)
{
	size_t i;
	int err, named = 0;

	for (i = 0; i < ARRAY_SIZE(errno_all); i++) {
		const char *name = errno_name(errno_all[i].err);
		int got = errno_from_name(errno_all[i].name);

		ck_assert_msg(got == errno_all[i].err, "%s: errno_from_name = %d, want %d",
			      errno_all[i].name, got, errno_all[i].err);
		ck_assert_msg(str_eq_null(name, errno_all[i].name), "errno_name(%d) = %s, want %s",
			      errno_all[i].err, str_or_null(name), errno_all[i].name);
	}
	/* No value is named that the host's <errno.h> does not name. */
	for (err = -1; err <= 200; err++)
		if (errno_name(err))
			named++;
	ck_assert_int_eq(named, (int)ARRAY_SIZE(errno_all));
	ck_assert_ptr_null(errno_name(0));
	ck_assert_ptr_null(errno_name(41));
	ck_assert_ptr_null(errno_name(58));
	ck_assert_ptr_null(errno_name(134));
	ck_assert_ptr_null(errno_name(INT_MIN));
	ck_assert_ptr_null(errno_name(INT_MAX));
	ck_assert_int_eq(errno_from_name("EWOULDBLOCK"), EWOULDBLOCK);
	ck_assert_int_eq(errno_from_name("EDEADLOCK"), EDEADLOCK);
	ck_assert_int_eq(errno_from_name("ENOTSUP"), ENOTSUP);
}
END_TEST

/* cap_from_name / cap_name */

static const struct cap_case {
	const char *what;
	const char *name;
	int want;
} cap_cases[] = {
	{ "CAP_CHOWN", "CAP_CHOWN", 0 },
	{ "CAP_SYS_ADMIN", "CAP_SYS_ADMIN", 21 },
	{ "CAP_SYSLOG", "CAP_SYSLOG", 34 },
	{ "CAP_CHECKPOINT_RESTORE", "CAP_CHECKPOINT_RESTORE", 40 },
	{ "unknown", "CAP_FOO", -ENOENT },
	{ "lower case", "cap_sys_admin", -ENOENT },
	{ "no prefix", "SYS_ADMIN", -ENOENT },
	{ "empty", "", -ENOENT },
	{ "NULL", NULL, -EINVAL },
};

START_TEST(test_cap_names)
{
	const struct cap_case *c = &cap_cases[_i];
	int got = cap_from_name(c->name);

	ck_assert_msg(got == c->want, "%s: cap_from_name = %d, want %d", c->what, got, c->want);
	if (c->want >= 0) {
		const char *name = cap_name(c->want);

		ck_assert_msg(str_eq_null(name, c->name), "%s: cap_name(%d) = %s", c->what, c->want,
			      str_or_null(name));
	}
}
END_TEST

/* Every capability of the build host's <linux/capability.h>, by its macro. */
#define CAP(c)        \
	{             \
#c, c \
	}
static const struct {
	const char *name;
	int cap;
} cap_all[] = {
	CAP(CAP_CHOWN),
	CAP(CAP_DAC_OVERRIDE),
	CAP(CAP_DAC_READ_SEARCH),
	CAP(CAP_FOWNER),
	CAP(CAP_FSETID),
	CAP(CAP_KILL),
	CAP(CAP_SETGID),
	CAP(CAP_SETUID),
	CAP(CAP_SETPCAP),
	CAP(CAP_LINUX_IMMUTABLE),
	CAP(CAP_NET_BIND_SERVICE),
	CAP(CAP_NET_BROADCAST),
	CAP(CAP_NET_ADMIN),
	CAP(CAP_NET_RAW),
	CAP(CAP_IPC_LOCK),
	CAP(CAP_IPC_OWNER),
	CAP(CAP_SYS_MODULE),
	CAP(CAP_SYS_RAWIO),
	CAP(CAP_SYS_CHROOT),
	CAP(CAP_SYS_PTRACE),
	CAP(CAP_SYS_PACCT),
	CAP(CAP_SYS_ADMIN),
	CAP(CAP_SYS_BOOT),
	CAP(CAP_SYS_NICE),
	CAP(CAP_SYS_RESOURCE),
	CAP(CAP_SYS_TIME),
	CAP(CAP_SYS_TTY_CONFIG),
	CAP(CAP_MKNOD),
	CAP(CAP_LEASE),
	CAP(CAP_AUDIT_WRITE),
	CAP(CAP_AUDIT_CONTROL),
	CAP(CAP_SETFCAP),
	CAP(CAP_MAC_OVERRIDE),
	CAP(CAP_MAC_ADMIN),
	CAP(CAP_SYSLOG),
	CAP(CAP_WAKE_ALARM),
	CAP(CAP_BLOCK_SUSPEND),
	CAP(CAP_AUDIT_READ),
	CAP(CAP_PERFMON),
	CAP(CAP_BPF),
	CAP(CAP_CHECKPOINT_RESTORE),
};

START_TEST(test_cap_complete)
{
	size_t i;

	ck_assert_int_eq(CG_CAP_LAST, CAP_LAST_CAP);
	ck_assert_int_eq((int)ARRAY_SIZE(cap_all), CG_CAP_LAST + 1);
	for (i = 0; i < ARRAY_SIZE(cap_all); i++) {
		const char *name = cap_name(cap_all[i].cap);

		ck_assert_msg(cap_from_name(cap_all[i].name) == cap_all[i].cap,
			      "%s: cap_from_name = %d, want %d", cap_all[i].name,
			      cap_from_name(cap_all[i].name), cap_all[i].cap);
		ck_assert_msg(str_eq_null(name, cap_all[i].name), "cap_name(%d) = %s, want %s",
			      cap_all[i].cap, str_or_null(name), cap_all[i].name);
	}
	ck_assert_ptr_null(cap_name(-1));
	ck_assert_ptr_null(cap_name(CG_CAP_LAST + 1));
	ck_assert_ptr_null(cap_name(INT_MIN));
	ck_assert_ptr_null(cap_name(INT_MAX));
}
END_TEST

static Suite *systable_suite(void)
{
	Suite *s = suite_create("systable");
	TCase *tc;

	tc = tcase_create("arch");
	tcase_add_loop_test(tc, test_arch_to_string, 0, ARRAY_SIZE(arch_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("syscall");
	tcase_add_loop_test(tc, test_syscall_lookup, 0, ARRAY_SIZE(lookup_cases));
	tcase_add_loop_test(tc, test_syscall_name, 0, ARRAY_SIZE(name_cases));
	tcase_add_loop_test(tc, test_syscall_round_trip, 0, ARRAY_SIZE(table_cases));
	tcase_add_test(tc, test_syscall_nr_limit_invalid);
	tcase_add_loop_test(tc, test_syscall_known_elsewhere, 0, ARRAY_SIZE(elsewhere_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("errno");
	tcase_add_loop_test(tc, test_errno_names, 0, ARRAY_SIZE(errno_cases));
	tcase_add_test(tc, test_errno_complete);
	suite_add_tcase(s, tc);

	tc = tcase_create("cap");
	tcase_add_loop_test(tc, test_cap_names, 0, ARRAY_SIZE(cap_cases));
	tcase_add_test(tc, test_cap_complete);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(systable_suite());
	int failed;

	/* CK_ENV: CK_VERBOSITY picks the output, CK_NORMAL if unset. */
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
