/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a policy back as a profile: the inverse of policy_parse_buf().
 *
 * The text is a Docker / moby seccomp profile with moby's key names, in a
 * fixed order, pretty-printed with 2-space indentation and one list element
 * per line, so that the same policy always gives the same bytes:
 *   top level  defaultAction, defaultErrnoRet, defaultErrno (Podman),
 *              architectures, archMap, flags, listenerPath,
 *              listenerMetadata, advisory (callgate), syscalls
 *   rule       names, action, errnoRet, errno (Podman), args, comment,
 *              includes, excludes, then callgate's paths, addresses, log,
 *              audit
 *   arg        index, value, valueTwo, op
 *   filter     caps, arches, minKernel ("X.Y")
 * Optional keys are left out when absent or empty, as moby's omitempty
 * does ("errnoRet" is kept whenever the rule has one, 0 included; "valueTwo"
 * is left out when 0; "log" and "audit" only when true).  Lists moby always
 * writes ("names", "subArchitectures", "syscalls") are written as [] when
 * empty.  An empty includes / excludes object that the policy has is
 * written as {}.  Strings are escaped per RFC 8259: '"', '\\' and control
 * characters (as \u00XX); other bytes are copied as they are.
 *
 * A disabled policy (Docker's unconfined profile) is written as {}, which
 * policy_parse_buf() reads back as disabled.  Warnings, positions and the
 * filename are not written.
 *
 * Pure: no I/O, no globals, no logging.
 */
#ifndef CALLGATE_POLICY_WRITE_H
#define CALLGATE_POLICY_WRITE_H

#include "callgate/policy.h"

/*
 * policy_write() - @p as profile text, NUL-terminated and ending in a
 * newline, in a new string in *@ret (the caller frees it).  Returns 0,
 * -ENOMEM, or -EINVAL when an action or operator of @p is out of range (a
 * policy that did not come from the parser or the recorder); *@ret is
 * untouched on failure.
 */
int policy_write(const struct policy *p, char **ret);

#endif
