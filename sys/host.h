/* SPDX-License-Identifier: Apache-2.0 */
/* What a policy is resolved against: this kernel and the target's caps. */
#ifndef CALLGATE_SYS_HOST_H
#define CALLGATE_SYS_HOST_H

#include "callgate/host.h"
#include "callgate/plan.h"

/*
 * host_detect() - the running kernel's version, and the capabilities a
 * program started by this process will hold after execve(): the bounding
 * set for root (which gets its full permitted set at exec), the ambient set
 * for anyone else.  Returns 0 or -errno.
 */
int host_detect(struct plan_host *ret);

#endif
