/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A rule's address patterns compiled into one set (the path set's
 * counterpart, callgate/pathset.h).  Pure; read-only while matching.
 *
 * inet and inet6 patterns are grouped by prefix length ('*' is length 0):
 * for each length, the masked addresses sorted, each with the merged port
 * intervals of its positive patterns and of its exclusions.  A lookup is
 * one binary search per distinct prefix length and one per interval list.
 * "unix:" paths and "unix:@" names are two path sets.  The answer is
 * addr_patterns_match()'s for the same list.
 */
#ifndef CALLGATE_ADDRSET_H
#define CALLGATE_ADDRSET_H

#include "callgate/addrmatch.h"

struct addr_set;

/* addr_set_new() - compile @n patterns @v (the set copies what it needs)
 * into *@ret.  Returns 0 or -ENOMEM. */
int addr_set_new(const struct addr_pattern *v, size_t n, struct addr_set **ret);

/* addr_set_free() - NULL is fine. */
void addr_set_free(struct addr_set *s);

/* Whether @a matches: addr_patterns_match() of the patterns. */
bool addr_set_match(const struct addr_set *s, const struct cg_sockaddr *a);

#endif
