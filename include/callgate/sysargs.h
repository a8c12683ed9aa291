/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the arguments of a syscall are, for decoding and display: one
 * character per argument, so the string's length is the syscall's arity.
 *   'i' int (decimal, signed 32-bit)      'u' unsigned long (decimal)
 *   'x' hex value or flags word            'a' pointer, not decoded (hex)
 *   'p' pointer to a path string           'd' dirfd (AT_FDCWD or a number)
 *   'o' mode (octal)                       'f' open(2) flags (O_RDONLY|O_CLOEXEC)
 *   's' pointer to a sockaddr, length in the next argument ('l')
 *   'l' a length (decimal)
 * A 'p' right after a 'd' is resolved against that dirfd.  Pure.
 */
#ifndef CALLGATE_SYSARGS_H
#define CALLGATE_SYSARGS_H

#include <stddef.h>

/*
 * How the supervisor carries out a call of @name that a path or address
 * rule allowed under enforce, so that the kernel never reads the target's
 * memory again: one value per emulated syscall (a column of the table in
 * sysargs.c), SYSARGS_EMU_NONE for every other call (decided on the copy,
 * continued: advisory).  The supervisor keeps one handler per value.
 */
enum sysargs_emulation {
	SYSARGS_EMU_NONE,
	SYSARGS_EMU_OPEN,    /* open, openat, openat2, creat */
	SYSARGS_EMU_CONNECT, /* connect */
	SYSARGS_EMU_BIND,    /* bind */
	SYSARGS_EMU_PATH,    /* the path family: mkdir ... readlink; execve,
			      * chdir, chroot, statfs decided on the object */
	SYSARGS_EMU_MAX,
};

enum sysargs_emulation sysargs_emulation(const char *name);

/* The argument kinds of syscall @name, or NULL when the table does not know
 * it (display then shows six hex arguments). */
const char *sysargs_kinds(const char *name);

/* Argument indexes of the path arguments of @name (at most 2) into @idx and
 * the dirfd argument each is relative to (-1: none, i.e. cwd) into @dirfd.
 * Returns how many (0 if none). */
int sysargs_paths(const char *name, int idx[2], int dirfd[2]);

/* The sockaddr argument of @name and its length argument; -1 if none. */
int sysargs_sockaddr(const char *name, int *len_idx);

/*
 * sysargs_socketcall() - what i386 socketcall(@call, args) multiplexes:
 * the name of the syscall of its own that does the same (SYS_SEND is
 * sendto with no address, SYS_RECV recvfrom) into *@name, and how many
 * arguments its block holds into *@nargs.  Returns 0, or -EINVAL for a
 * call number the kernel refuses.
 */
int sysargs_socketcall(unsigned long call, const char **name, int *nargs);

/* The names sysargs_socketcall() can give, for the plan: @i from 0 until
 * NULL. */
const char *sysargs_socketcall_name(int i);

/*
 * sysargs_format_flags_open() - open(2) flags as "O_WRONLY|O_CREAT|O_TRUNC",
 * unknown bits as a trailing hex value.  Returns the length or -ENOSPC.
 */
int sysargs_format_open_flags(unsigned long flags, char *buf, size_t size);

#endif
