/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syscall, errno and capability name tables.
 *
 * The syscall table covers the three x86 ABIs a Linux x86_64 kernel runs:
 * x86_64, i386 and x32.  It is generated (tools/gen-systable.py) from the
 * kernel ABI facts recorded in libseccomp 2.6.0's syscall table (Linux 6.13),
 * so it knows names newer than the libseccomp 2.5.4 the build links against.
 * Pure data: no allocation, no I/O.
 */
#ifndef CALLGATE_SYSTABLE_H
#define CALLGATE_SYSTABLE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

enum cg_arch {
	CG_ARCH_X86_64,
	CG_ARCH_I386,
	CG_ARCH_X32,
	CG_ARCH_MAX,
	CG_ARCH_INVALID = -EINVAL,
};

/* x32 syscalls reach the kernel as AUDIT_ARCH_X86_64 with this bit set. */
#define CG_X32_SYSCALL_BIT   0x40000000u
#define CG_AUDIT_ARCH_X86_64 0xc000003eu
#define CG_AUDIT_ARCH_I386   0x40000003u

/* "x86_64", "i386", "x32" (the log record spelling); NULL if out of range. */
const char *arch_to_string(enum cg_arch arch);

/*
 * syscall_lookup() - number of syscall @name on @arch.
 * Returns the number (>= 0; on x32 it includes CG_X32_SYSCALL_BIT), or
 * -ENOENT if @arch has no such syscall (the name may exist elsewhere).
 */
int syscall_lookup(enum cg_arch arch, const char *name);

/*
 * syscall_name() - name of syscall @nr on @arch (x32: with the bit set).
 * Returns a static string, or NULL if @nr is not a syscall of @arch.
 */
const char *syscall_name(enum cg_arch arch, int nr);

/*
 * syscall_nr_limit() - one more than the largest syscall number of @arch,
 * without CG_X32_SYSCALL_BIT.  Tables indexed by number use this size.
 */
int syscall_nr_limit(enum cg_arch arch);

/*
 * syscall_known_elsewhere() - true if @name is a syscall of some Linux
 * architecture outside the x86 family (arm, aarch64, s390x, ...), so a profile
 * naming it is portable, not misspelt.
 */
bool syscall_known_elsewhere(const char *name);

/* errno_from_name("EPERM") = 1; -ENOENT if unknown.  errno_name(1) = "EPERM";
 * NULL if unknown.  Names are the Linux <errno.h> ones (x86 values). */
int errno_from_name(const char *name);
const char *errno_name(int err);

/* cap_from_name("CAP_SYS_ADMIN") = 21; -ENOENT if unknown.  cap_name(21) =
 * "CAP_SYS_ADMIN"; NULL if out of range.  CG_CAP_LAST is the highest known. */
#define CG_CAP_LAST 40
int cap_from_name(const char *name);
const char *cap_name(int cap);

#endif
