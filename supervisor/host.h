/* SPDX-License-Identifier: Apache-2.0 */
/* What a policy is resolved against: this kernel and the target's caps. */
#ifndef CALLGATE_SUPERVISOR_HOST_H
#define CALLGATE_SUPERVISOR_HOST_H

#include "callgate/plan.h"

/*
 * host_detect() - the running kernel's version, and the capabilities a
 * program started by this process will hold after execve(): the bounding
 * set for root (which gets its full permitted set at exec), the ambient set
 * for anyone else.  Returns 0 or -errno.
 */
int host_detect(struct plan_host *ret);

/*
 * host_parse_caps() - "CAP_A,CAP_B", "all" or "none" (also "" for none) to a
 * capability mask.  Returns 0 or -EINVAL with the offending name in @bad.
 */
int host_parse_caps(const char *s, uint64_t *ret, char *bad, size_t bad_size);

/* host_parse_kernel() - "6.1" to major/minor.  Returns 0 or -EINVAL. */
int host_parse_kernel(const char *s, struct plan_host *host);

#endif
