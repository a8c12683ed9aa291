/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A call's arguments as strace shows them: flags by name (O_RDONLY|O_CLOEXEC,
 * SOCK_STREAM|SOCK_CLOEXEC, PROT_READ, CLONE_NEWUSER, MS_BIND, SIGTERM),
 * modes in octal, AT_FDCWD, socket addresses of each family
 * ({sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.0.0.1")}),
 * strings escaped the way strace escapes them, pointers that were not read
 * as NULL or hex; and strace's syscall classes (%file, %network, ...) for
 * `-e trace=`.
 *
 * Pure: it formats only what the caller copied (paths, the socket address,
 * what an fd is), never reads a target's memory, and writes into the
 * caller's buffer: no allocation, no globals, no I/O.  Everything it writes
 * is printable ASCII, so nothing a target controls reaches a terminal raw.
 * tests/unit/test_sysfmt.c says which decodings match strace 6.1's
 * exactly and which differ on purpose.
 */
#ifndef CALLGATE_SYSFMT_H
#define CALLGATE_SYSFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/systable.h"

/* What is known of one call: its arguments and what was copied from them.
 * Every pointer is borrowed and may be NULL. */
struct sysfmt_call {
	const char *name; /* NULL or not in the table: six hex arguments */
	enum cg_arch arch;
	uint64_t args[6];
	const char *strs[6];	 /* per argument: the string read from it, as given */
	const char *resolved[6]; /* per path argument: what it resolved to, shown
				  * as ` -> "..."` where it differs from strs[] */
	const void *sockaddr;	 /* the socket address read from the call's
				  * address argument ... */
	size_t sockaddr_len;	 /* ... and its length (the bytes read) */
	const char *fds[6];	 /* per fd argument (-y): what the fd is,
				  * "/etc/passwd", "socket:[1234]": 5</etc/passwd> */
};

/* Flags for sysfmt_args(). */
#define SYSFMT_JSON 0x1u /* escape `"` and `\` once more, for a JSON string */

/*
 * sysfmt_args() - @c's arguments, "AT_FDCWD, \"/etc/passwd\", O_RDONLY"
 * (without the name and the parentheses), into @buf.  Returns the length
 * (without the NUL), or -ENOSPC when @size is too small (@buf is then "").
 */
int sysfmt_args(const struct sysfmt_call *c, unsigned flags, char *buf, size_t size);

/* Which arguments of syscall @name are fds or dirfds (bit i: argument i),
 * for -y; 0 for a name the table does not know. */
unsigned sysfmt_fd_args(const char *name);

/*
 * sysfmt_quote() - the @n bytes at @s as strace writes a string's contents,
 * without the quotes: printable ASCII as is, `"` and `\` escaped, \t \n \v
 * \f \r, every other byte in octal (\33, or \033 before a digit); the bytes
 * in @also (NULL: none) in octal too ("<>" for what stands in -y's <...>).
 * Returns the length written, or -ENOSPC.
 */
int sysfmt_quote(const char *s, size_t n, const char *also, unsigned flags, char *buf, size_t size);

/* strace's classes of syscalls, for -e trace=%NAME. */
enum sysfmt_class {
	SYSFMT_FILE = 1u << 0,	  /* %file: takes a file name */
	SYSFMT_NETWORK = 1u << 1, /* %network */
	SYSFMT_PROCESS = 1u << 2, /* %process: process lifecycle */
	SYSFMT_SIGNAL = 1u << 3,  /* %signal */
	SYSFMT_IPC = 1u << 4,	  /* %ipc: System V IPC */
	SYSFMT_DESC = 1u << 5,	  /* %desc: takes or makes an fd */
	SYSFMT_MEMORY = 1u << 6,  /* %memory: memory mapping */
};

/* The classes of syscall @name (0: none, or unknown). */
unsigned sysfmt_classes(const char *name);

/* -e trace=SET: which syscalls' records are logged.  Per arch, a bit per
 * syscall number (x32: without CG_X32_SYSCALL_BIT). */
#define SYSFMT_NR_MAX 1024
struct sysfmt_filter {
	bool active; /* false: everything is logged */
	bool negate; /* numbers above SYSFMT_NR_MAX: logged iff negate */
	uint8_t bits[CG_ARCH_MAX][SYSFMT_NR_MAX / 8];
};

/*
 * sysfmt_filter_add() - add @spec, strace's "trace=" value (the "trace="
 * optional): NAME,NAME,%CLASS,... with a leading "!" for all but these,
 * "all", "none", and "?NAME" for a name that may not exist.  Several
 * calls add up (a union).  Returns 0, or -EINVAL with what is wrong in
 * @err (@errsize bytes; NULL: not wanted).
 */
int sysfmt_filter_add(struct sysfmt_filter *f, const char *spec, char *err, size_t errsize);

/* Whether a record of syscall @nr on @arch is logged under @f (NULL or
 * inactive: always). */
bool sysfmt_filter_match(const struct sysfmt_filter *f, enum cg_arch arch, int nr);

#endif
