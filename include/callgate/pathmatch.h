/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Paths as the policy sees them: absolute and normalised, matched against
 * the "paths" patterns of a rule.  Pure.
 *
 * Matching is by components.  '*' matches any characters within one
 * component, '?' one character, "[...]" one character of a class
 * ("[!...]" / "[^...]" negated, ranges "a-z"); none of them matches '/'.
 * A component "**" matches zero or more whole components, so a pattern
 * ending in a "**" component matches the directory itself and everything
 * below it.
 * A leading '.' is matched like any other character.  Both the pattern
 * and the path are compared as they are: normalise paths first.
 *
 * Matching takes time linear in the product of the lengths at worst (the
 * one-backtrack-point wildcard algorithm, at both levels), whatever the
 * pattern.
 */
#ifndef CALLGATE_PATHMATCH_H
#define CALLGATE_PATHMATCH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * path_normalize() - @path made absolute against @base (itself absolute;
 * ignored when @path is absolute) and normalised lexically: empty and "."
 * components dropped, ".." removes the previous component (and stays at
 * "/" at the root), no trailing '/'.  Symlinks are not resolved.
 * Writes the result to @out; returns its length, -ENAMETOOLONG if it does
 * not fit in @size, or -EINVAL if @base is not absolute.
 */
int path_normalize(const char *base, const char *path, char *out, size_t size);

/* Whether normalised absolute @path matches @pattern (no leading '!'). */
bool path_glob_match(const char *pattern, const char *path);

/* Whether path component [@s, @send) matches pattern component [@p, @pend)
 * ('*', '?', "[...]"; not "**", which path_glob_match() handles). */
bool path_component_match(const char *p, const char *pend, const char *s, const char *send);

/*
 * Whether @path matches the rule's pattern list: some positive pattern and
 * no negative ('!') one.  A list with no positive pattern matches nothing.
 */
bool path_patterns_match(char *const *patterns, size_t n, const char *path);

#endif
