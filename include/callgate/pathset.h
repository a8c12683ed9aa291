/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A rule's path patterns compiled into one set, so that a decision costs
 * about the same for 5 patterns as for 500.  Pure.
 *
 * The patterns become a trie over path components: a literal component
 * (no '*', '?', '[') is an edge found in a hash table keyed on the node and
 * the name, any other component a short list of glob edges
 * tried with path_component_match(), and a "**" component a node that,
 * once reached, stays reached for every later component (zero or more
 * components).  A path walks the trie once, its components left to right,
 * keeping the set of nodes reached; at the end a positive pattern matches
 * when a reached node ends one, an exclusion ('!') likewise.  The answer
 * is path_patterns_match()'s for the same list, whatever the patterns.
 *
 * Work per path component is bounded by the nodes reached (each at most
 * once per component) and their edges, never more than trying every
 * pattern; where more nodes would be reached at once than fit the
 * matcher's fixed scratch (patterns made of wildcards against a deep
 * path), or the set has too many "**" nodes, matching falls back to
 * path_patterns_match() itself.  Matching reads the set only: one set may
 * be matched by many threads at once.
 */
#ifndef CALLGATE_PATHSET_H
#define CALLGATE_PATHSET_H

#include <stdbool.h>
#include <stddef.h>

struct path_set;

/*
 * path_set_new() - compile @n @patterns (path patterns, '!' in front for an
 * exclusion, as in a rule's "paths") into *@ret; the set keeps its own
 * copy.  Returns 0 or -ENOMEM.  @n may be 0 (a set that matches nothing).
 */
int path_set_new(char *const *patterns, size_t n, struct path_set **ret);

/* path_set_free() - NULL is fine. */
void path_set_free(struct path_set *s);

/* Whether @path matches the set: path_patterns_match() of the patterns. */
bool path_set_match(const struct path_set *s, const char *path);

/* Whether matching @s always falls back to the linear scan (tests). */
bool path_set_is_linear(const struct path_set *s);

#endif
