/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CALLGATE_SYS_POLICY_LOAD_H
#define CALLGATE_SYS_POLICY_LOAD_H

#include "callgate/policy.h"

/*
 * policy_load_file() - read @path (at most POLICY_FILE_MAX bytes) and parse
 * it.  Returns 0 and the policy in *@ret, or a negative errno with detail in
 * @reterr (a read failure has position 0:0).
 */
int policy_load_file(const char *path, struct policy **ret, struct policy_error *reterr);

#endif
