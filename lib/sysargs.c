/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Argument kinds per syscall, from the x86_64 man pages and the kernel's
 * SYSCALL_DEFINEn() (where they differ, the kernel wins: faccessat and
 * fchmodat take no flags argument).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/macro.h"
#include "callgate/sysargs.h"

struct sysargs_entry {
	const char *name;
	const char *kinds;
	enum sysargs_emulation emulation; /* how an allowed call is carried out */
};

/* strcmp order, for bsearch. */
static const struct sysargs_entry sysargs_table[] = {
	{ "accept", "iaa" }, /* addr and addrlen are results */
	{ "accept4", "iaax" },
	{ "access", "px", SYSARGS_EMU_PATH },
	{ "bind", "isl", SYSARGS_EMU_BIND },
	{ "chdir", "p", SYSARGS_EMU_PATH },
	{ "chmod", "po", SYSARGS_EMU_PATH },
	{ "chown", "pii", SYSARGS_EMU_PATH },
	{ "chroot", "p", SYSARGS_EMU_PATH },
	{ "clone", "xaaax" }, /* x86_64 order: flags, stack, parent_tid, child_tid, tls */
	{ "close", "i" },
	{ "connect", "isl", SYSARGS_EMU_CONNECT },
	{ "creat", "po", SYSARGS_EMU_OPEN },
	{ "dup", "i" },
	{ "dup2", "ii" },
	{ "dup3", "iix" },
	{ "execve", "paa", SYSARGS_EMU_PATH },
	{ "execveat", "dpaax", SYSARGS_EMU_PATH },
	{ "exit", "i" },
	{ "exit_group", "i" },
	{ "faccessat", "dpx", SYSARGS_EMU_PATH },
	{ "faccessat2", "dpxx", SYSARGS_EMU_PATH },
	{ "fchdir", "i" },
	{ "fchmod", "io" },
	{ "fchmodat", "dpo", SYSARGS_EMU_PATH },
	{ "fchmodat2", "dpox", SYSARGS_EMU_PATH },
	{ "fchown", "iii" },
	{ "fchownat", "dpiix", SYSARGS_EMU_PATH },
	{ "fcntl", "iix" },
	{ "fork", "" },
	{ "fstat", "ia" },
	{ "ftruncate", "il" },
	{ "getcwd", "al" },
	{ "getdents64", "ial" },
	{ "getpid", "" },
	{ "getppid", "" },
	{ "gettid", "" },
	{ "getuid", "" },
	{ "getxattr", "paal", SYSARGS_EMU_PATH },
	{ "ioctl", "ixx" },
	{ "kill", "ii" },
	{ "lchown", "pii", SYSARGS_EMU_PATH },
	{ "lgetxattr", "paal", SYSARGS_EMU_PATH },
	{ "link", "pp", SYSARGS_EMU_PATH },
	{ "linkat", "dpdpx", SYSARGS_EMU_PATH },
	{ "listen", "ii" },
	{ "listxattr", "pal", SYSARGS_EMU_PATH },
	{ "llistxattr", "pal", SYSARGS_EMU_PATH },
	{ "lremovexattr", "pa", SYSARGS_EMU_PATH },
	{ "lseek", "iui" },
	{ "lsetxattr", "paalx", SYSARGS_EMU_PATH },
	{ "lstat", "pa", SYSARGS_EMU_PATH },
	{ "memfd_create", "ax" }, /* the name is a label, not a path */
	{ "mkdir", "po", SYSARGS_EMU_PATH },
	{ "mkdirat", "dpo", SYSARGS_EMU_PATH },
	{ "mknod", "pox", SYSARGS_EMU_PATH },
	{ "mknodat", "dpox", SYSARGS_EMU_PATH },
	{ "mmap", "alxxix" },
	{ "mount", "ppaxa" }, /* source is a path for bind mounts, a label otherwise */
	{ "mprotect", "alx" },
	{ "newfstatat", "dpax", SYSARGS_EMU_PATH },
	{ "open", "pfo", SYSARGS_EMU_OPEN },
	{ "openat", "dpfo", SYSARGS_EMU_OPEN },
	{ "openat2", "dpal", SYSARGS_EMU_OPEN },
	{ "personality", "x" },
	{ "pipe", "a" },
	{ "prctl", "ixxxx" },
	{ "process_vm_readv", "iauaux" },
	{ "process_vm_writev", "iauaux" },
	{ "ptrace", "iiaa" },
	{ "read", "ial" },
	{ "readlink", "pal", SYSARGS_EMU_PATH },
	{ "readlinkat", "dpal", SYSARGS_EMU_PATH },
	{ "recvfrom", "ialxaa" }, /* src_addr and addrlen are results */
	{ "recvmsg", "iax" },
	{ "removexattr", "pa", SYSARGS_EMU_PATH },
	{ "rename", "pp", SYSARGS_EMU_PATH },
	{ "renameat", "dpdp", SYSARGS_EMU_PATH },
	{ "renameat2", "dpdpx", SYSARGS_EMU_PATH },
	{ "rmdir", "p", SYSARGS_EMU_PATH },
	{ "sendmsg", "iax" }, /* the address is inside the msghdr */
	{ "sendto", "iaxxsl" },
	{ "setns", "ix" },
	{ "setxattr", "paalx", SYSARGS_EMU_PATH },
	{ "socket", "ixi" }, /* type carries SOCK_CLOEXEC / SOCK_NONBLOCK */
	{ "stat", "pa", SYSARGS_EMU_PATH },
	{ "statfs", "pa", SYSARGS_EMU_PATH },
	{ "statx", "dpxxa", SYSARGS_EMU_PATH },
	{ "symlink", "pp", SYSARGS_EMU_PATH },
	/* The target is stored as is, never resolved: only linkpath has a dirfd. */
	{ "symlinkat", "pdp", SYSARGS_EMU_PATH },
	{ "tgkill", "iii" },
	{ "truncate", "pl", SYSARGS_EMU_PATH },
	{ "umask", "o" },
	{ "umount2", "px" },
	{ "uname", "a" },
	{ "unlink", "p", SYSARGS_EMU_PATH },
	{ "unlinkat", "dpx", SYSARGS_EMU_PATH },
	{ "unshare", "x" },
	{ "utimensat", "dpax", SYSARGS_EMU_PATH },
	{ "utimes", "pa", SYSARGS_EMU_PATH },
	{ "vfork", "" },
	{ "wait4", "iaxa" },
	{ "write", "ial" },
};

static int cmp_entry(const void *key, const void *elem)
{
	const struct sysargs_entry *e = elem;

	return strcmp(key, e->name);
}

enum sysargs_emulation sysargs_emulation(const char *name)
{
	const struct sysargs_entry *e =
		name ? bsearch(name, sysargs_table, ARRAY_SIZE(sysargs_table),
			       sizeof(sysargs_table[0]), cmp_entry)
		     : NULL;

	return e ? e->emulation : SYSARGS_EMU_NONE;
}

const char *sysargs_kinds(const char *name)
{
	const struct sysargs_entry *e;

	if (!name)
		return NULL;
	e = bsearch(name, sysargs_table, ARRAY_SIZE(sysargs_table), sizeof(sysargs_table[0]),
		    cmp_entry);
	return e ? e->kinds : NULL;
}

int sysargs_paths(const char *name, int idx[2], int dirfd[2])
{
	const char *k = sysargs_kinds(name);
	int n = 0;

	if (!k)
		return 0;
	for (int i = 0; k[i] && n < 2; i++) {
		if (k[i] != 'p')
			continue;
		idx[n] = i;
		dirfd[n] = i > 0 && k[i - 1] == 'd' ? i - 1 : -1;
		n++;
	}
	return n;
}

int sysargs_sockaddr(const char *name, int *len_idx)
{
	const char *k = sysargs_kinds(name);
	const char *s = k ? strchr(k, 's') : NULL;

	if (!s || s[1] != 'l') {
		if (len_idx)
			*len_idx = -1;
		return -1;
	}
	if (len_idx)
		*len_idx = (int)(s - k) + 1;
	return (int)(s - k);
}

/*
 * The kernel's x86 values (include/uapi/asm-generic/fcntl.h), not libc's:
 * glibc defines O_LARGEFILE as 0 on x86_64, while a tracee (i386, or one
 * passing it explicitly) hands the kernel 0100000.
 */
#define K_O_ACCMODE   00000003
#define K_O_CREAT     00000100
#define K_O_EXCL      00000200
#define K_O_NOCTTY    00000400
#define K_O_TRUNC     00001000
#define K_O_APPEND    00002000
#define K_O_NONBLOCK  00004000
#define K_O_DSYNC     00010000
#define K_O_DIRECT    00040000
#define K_O_LARGEFILE 00100000
#define K_O_DIRECTORY 00200000
#define K_O_NOFOLLOW  00400000
#define K_O_NOATIME   01000000
#define K_O_CLOEXEC   02000000
#define K_O_SYNC      (04000000 | K_O_DSYNC)
#define K_O_PATH      010000000
#define K_O_TMPFILE   (020000000 | K_O_DIRECTORY)

struct flag_name {
	unsigned long value;
	const char *name;
	unsigned char len;
};

#define FLAG(v, s)                  \
	{                           \
		v, s, sizeof(s) - 1 \
	}

/* Composite flags (O_SYNC, O_TMPFILE) absorb their parts, see below. */
static const struct flag_name open_flags[] = {
	FLAG(K_O_CREAT, "O_CREAT"),	    FLAG(K_O_EXCL, "O_EXCL"),
	FLAG(K_O_NOCTTY, "O_NOCTTY"),	    FLAG(K_O_TRUNC, "O_TRUNC"),
	FLAG(K_O_APPEND, "O_APPEND"),	    FLAG(K_O_NONBLOCK, "O_NONBLOCK"),
	FLAG(K_O_DSYNC, "O_DSYNC"),	    FLAG(K_O_DIRECT, "O_DIRECT"),
	FLAG(K_O_LARGEFILE, "O_LARGEFILE"), FLAG(K_O_DIRECTORY, "O_DIRECTORY"),
	FLAG(K_O_NOFOLLOW, "O_NOFOLLOW"),   FLAG(K_O_NOATIME, "O_NOATIME"),
	FLAG(K_O_CLOEXEC, "O_CLOEXEC"),	    FLAG(K_O_SYNC, "O_SYNC"),
	FLAG(K_O_PATH, "O_PATH"),	    FLAG(K_O_TMPFILE, "O_TMPFILE"),
};

static const char *const acc_modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

static bool append(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (n >= size - *len)
		return false;
	memcpy(buf + *len, s, n);
	*len += n;
	return true;
}

int sysargs_format_open_flags(unsigned long flags, char *buf, size_t size)
{
	unsigned long rest = flags & ~(unsigned long)K_O_ACCMODE;
	unsigned long absorbed = 0, named = 0;
	const char *acc = acc_modes[flags & K_O_ACCMODE];
	size_t len = 0;

	if (!buf || !size)
		return -ENOSPC;
	/* O_SYNC is __O_SYNC|O_DSYNC and O_TMPFILE is __O_TMPFILE|O_DIRECTORY:
	 * when the whole composite is there, its parts are not named again. */
	if ((rest & K_O_SYNC) == K_O_SYNC)
		absorbed |= K_O_DSYNC;
	if ((rest & K_O_TMPFILE) == K_O_TMPFILE)
		absorbed |= K_O_DIRECTORY;
	if (!append(buf, size, &len, acc, strlen(acc)))
		goto nospc;
	for (size_t i = 0; i < ARRAY_SIZE(open_flags); i++) {
		const struct flag_name *f = &open_flags[i];

		if ((rest & f->value) != f->value || (f->value & absorbed) == f->value)
			continue;
		if (!append(buf, size, &len, "|", 1) || !append(buf, size, &len, f->name, f->len))
			goto nospc;
		named |= f->value;
	}
	rest &= ~named;
	if (rest) {
		static const char hex[] = "0123456789abcdef";
		char tmp[2 + 2 * sizeof(rest)];
		size_t n = sizeof(tmp);

		do {
			tmp[--n] = hex[rest & 0xf];
			rest >>= 4;
		} while (rest);
		tmp[--n] = 'x';
		tmp[--n] = '0';
		if (!append(buf, size, &len, "|", 1) ||
		    !append(buf, size, &len, tmp + n, sizeof(tmp) - n))
			goto nospc;
	}
	buf[len] = '\0';
	return (int)len;
nospc:
	buf[0] = '\0';
	return -ENOSPC;
}

/* socketcall(2)'s calls, by number (<linux/net.h>): the syscall of its own
 * (i386 has no accept: SYS_ACCEPT is accept4 with flags 0, as the kernel
 * makes it) and the arguments in the block (net/socket.c's nargs[]). */
static const struct {
	const char *name;
	int nargs;
} socketcalls[] = {
	[1] = { "socket", 3 },	    [2] = { "bind", 3 },	[3] = { "connect", 3 },
	[4] = { "listen", 2 },	    [5] = { "accept4", 3 },	[6] = { "getsockname", 3 },
	[7] = { "getpeername", 3 }, [8] = { "socketpair", 4 },	[9] = { "sendto", 4 },
	[10] = { "recvfrom", 4 },   [11] = { "sendto", 6 },	[12] = { "recvfrom", 6 },
	[13] = { "shutdown", 2 },   [14] = { "setsockopt", 5 }, [15] = { "getsockopt", 5 },
	[16] = { "sendmsg", 3 },    [17] = { "recvmsg", 3 },	[18] = { "accept4", 4 },
	[19] = { "recvmmsg", 5 },   [20] = { "sendmmsg", 4 },
};

int sysargs_socketcall(unsigned long call, const char **name, int *nargs)
{
	if (call < 1 || call >= ARRAY_SIZE(socketcalls))
		return -EINVAL;
	*name = socketcalls[call].name;
	*nargs = socketcalls[call].nargs;
	return 0;
}

const char *sysargs_socketcall_name(int i)
{
	return i >= 0 && (size_t)i + 1 < ARRAY_SIZE(socketcalls) ? socketcalls[i + 1].name : NULL;
}
