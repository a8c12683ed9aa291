/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate run --on-exit kill: a process of its own that outlives callgate
 * and, once callgate is gone (exited, killed, crashed), kills the target
 * and every process under its filter that makes a notified call after
 * that.  Without it the kernel answers those calls with ENOSYS.
 */
#ifndef CALLGATE_SUPERVISOR_WATCHDOG_H
#define CALLGATE_SUPERVISOR_WATCHDOG_H

#include <sys/types.h>

/*
 * watchdog_start() - fork the watchdog for @target, which holds a copy of
 * @listener (the filter's).  It waits until callgate closes the returned fd
 * or dies, then kills @target and answers every later notification by
 * killing its caller, until no task is left under the filter.  Returns the
 * fd (close-on-exec) or -errno.
 */
int watchdog_start(pid_t target, int listener);

#endif
