/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Socket addresses as the policy sees them, and the "addresses" patterns
 * of a rule (syntax in callgate/pattern.h).  Pure.
 *
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is matched against "inet:"
 * patterns as the IPv4 address it carries, and against "inet6:" patterns
 * as itself: a dual-stack socket reaches the same IPv4 host.
 */
#ifndef CALLGATE_ADDRMATCH_H
#define CALLGATE_ADDRMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_UNIX_PATH_MAX 108

struct cg_sockaddr {
	int family;	  /* AF_UNIX, AF_INET, AF_INET6; other families: only "family" is set */
	uint8_t addr[16]; /* network order: 4 bytes for AF_INET */
	uint16_t port;	  /* host order */
	bool abstract;	  /* AF_UNIX abstract name (leading NUL) */
	bool unnamed;	  /* AF_UNIX with no path (autobind) */
	char path[CG_UNIX_PATH_MAX + 1]; /* AF_UNIX path or abstract name, NUL-terminated */
	size_t path_len;
};

/*
 * sockaddr_decode() - @len bytes of a struct sockaddr_* as the kernel
 * would read them.  Returns 0, or -EINVAL when @len is too short for the
 * family (what connect(2) answers).  An abstract name with NUL bytes in it
 * is refused with -EINVAL (it cannot be matched by a pattern).
 */
int sockaddr_decode(const void *sa, size_t len, struct cg_sockaddr *ret);

/* "inet:127.0.0.1:5432", "inet6:[::1]:80", "unix:/run/x.sock",
 * "unix:@name", "unix:" (unnamed), "family:N".  Returns the length or
 * -ENOSPC. */
int sockaddr_format(const struct cg_sockaddr *a, char *buf, size_t size);

/* Whether @a matches one pattern (no leading '!'). */
bool address_pattern_match(const char *pattern, const struct cg_sockaddr *a);

/* Some positive pattern and no negative one, as path_patterns_match(). */
bool address_patterns_match(char *const *patterns, size_t n, const struct cg_sockaddr *a);

#endif
