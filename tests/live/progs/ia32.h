/* SPDX-License-Identifier: Apache-2.0 */
/*
 * i386 calls from a test program (int $0x80), and whether this kernel
 * takes them at all.
 *
 * The probe makes i386 getpid (20) in a child.  Without IA32 emulation
 * int $0x80 faults (SIGSEGV): the ABI is absent.  With it, the call
 * reaches the kernel: it returns the pid, or a seccomp filter decides it
 * first (a profile without the x86 architecture kills it: SIGSYS, or
 * refuses it), which is reaching it too: a program under such a filter
 * must go on and meet the filter, not take itself for one on a kernel
 * without the ABI.
 */
#ifndef CALLGATE_TEST_IA32_H
#define CALLGATE_TEST_IA32_H

#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

static inline long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* Whether int $0x80 reaches the kernel here (see above). */
static inline bool ia32_reached(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(int80(20, 0, 0, 0) == getpid() ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) != SIGSEGV && WTERMSIG(status) != SIGBUS;
	return WIFEXITED(status);
}

#endif
