/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syntax of callgate's pointer-argument patterns (rule keys "paths" and
 * "addresses").  Pure.
 *
 * Path patterns: an absolute, normalised path ("/etc/ld.so.cache", or "/usr"
 * followed by "/" and "**" for everything below /usr),
 * optionally preceded by '!' to exclude.  '*' matches within one component,
 * '**' (a whole component) across components, '?' one character, "[...]" a
 * class ("[!...]" or "[^...]" negated).
 *
 * Address patterns: "unix:PATH-PATTERN", "unix:@ABSTRACT-PATTERN",
 * "inet:ADDR[/PREFIX]:PORT", "inet6:[ADDR][/PREFIX]:PORT", where ADDR may be
 * '*' and PORT is a number, a range "LO-HI" or '*'; '!' in front excludes.
 */
#ifndef CALLGATE_PATTERN_H
#define CALLGATE_PATTERN_H

#include <stddef.h>

#define PATTERN_PATH_MAX 4096

/* Return 0 if @pat is a valid pattern, else -EINVAL and a reason in @why. */
int path_pattern_check(const char *pat, char *why, size_t why_size);
int address_pattern_check(const char *pat, char *why, size_t why_size);

#endif
