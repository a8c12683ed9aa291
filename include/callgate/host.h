/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text forms of what a policy is resolved against (struct plan_host):
 * a capability list, a kernel release.  Pure string functions; finding the
 * values of the running host is sys/host.h's job.
 */
#ifndef CALLGATE_HOST_H
#define CALLGATE_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "callgate/plan.h"

/* Every capability callgate knows (CAP_CHOWN..CG_CAP_LAST). */
uint64_t host_caps_all(void);

/*
 * host_parse_caps() - "CAP_A,CAP_B", "all" or "none" (also "" for none) to
 * a capability mask.  Names match case-insensitively, with or without the
 * "CAP_" prefix ("sys_admin" is CAP_SYS_ADMIN).  Returns 0 with the mask in
 * *@ret, or -EINVAL with the offending name in @bad (truncated to
 * @bad_size; *@ret untouched).
 */
int host_parse_caps(const char *s, uint64_t *ret, char *bad, size_t bad_size);

/*
 * host_parse_kernel() - a kernel release ("6.1", or uname's "6.18.44-fc-v769")
 * to @host's kernel_major and kernel_minor.  What follows MAJOR.MINOR after a
 * '.', '-', '+' or '_' is ignored, as Docker ignores it when it compares
 * minKernel.  Returns 0, or -EINVAL (@host untouched).
 */
int host_parse_kernel(const char *s, struct plan_host *host);

#endif
