/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate's own processes out of their targets' reach.
 */
#ifndef CALLGATE_SYS_PROTECT_H
#define CALLGATE_SYS_PROTECT_H

/*
 * protect_self() - make this process non-dumpable (prctl PR_SET_DUMPABLE
 * 0): its /proc/PID entries then belong to root, and the kernel's ptrace
 * checks (ptrace, process_vm_*, pidfd_getfd, /proc/PID/mem, environ, fd,
 * maps) refuse anyone without CAP_SYS_PTRACE over its user namespace.
 * Inherited by fork() and by every thread; an execve() of another program
 * resets it (the target's own flag is the kernel's business).  Returns 0
 * or -errno.
 */
int protect_self(void);

#endif
