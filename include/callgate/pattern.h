/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syntax of callgate's path patterns (rule key "paths"; also the path part
 * of "unix:" address patterns, callgate/addrmatch.h).  Pure.
 *
 * Path patterns: an absolute, normalised path ("/etc/ld.so.cache", or "/usr"
 * followed by "/" and "**" for everything below /usr),
 * optionally preceded by '!' to exclude.  '*' matches within one component,
 * '**' (a whole component) across components, '?' one character, "[...]" a
 * class ("[!...]" or "[^...]" negated).
 */
#ifndef CALLGATE_PATTERN_H
#define CALLGATE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#define PATTERN_PATH_MAX 4096

/* Return 0 if @pat is a valid path pattern, else -EINVAL and a reason in
 * @why (NULL: not wanted). */
int path_pattern_check(const char *pat, char *why, size_t why_size);

/* Whether @c has a meaning in a pattern: '*', '?' or '['. */
bool pattern_is_glob(char c);

/*
 * pattern_escape() - @len bytes of @s with every glob character made
 * literal ('*' as "[*]", '?' as "[?]", '[' as "[[]"), NUL-terminated, into
 * @buf, as snprintf() does: returns the length the text needs (without the
 * NUL), and writes it only when that is below @size (@buf may be NULL when
 * @size is 0).
 */
size_t pattern_escape(const char *s, size_t len, char *buf, size_t size);

#endif
