/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Socket addresses as the policy sees them, and the one grammar of the
 * "addresses" patterns of a rule: parsed and checked once (policy load, the
 * recorder), matched on their compiled form, written back as text.  Pure.
 *
 * Pattern syntax, '!' in front excludes:
 *   unix:PATH-PATTERN              a path pattern (callgate/pattern.h) for a
 *                                  named socket: absolute and normalised
 *   unix:@NAME-PATTERN             an abstract name, matched as one path
 *                                  component ('*', '?', "[...]"; a name with
 *                                  '/' in it is matched by none)
 *   inet:ADDR[/PREFIX]:PORT        ADDR an IPv4 address or '*' (no prefix)
 *   inet6:[ADDR][/PREFIX]:PORT     ADDR an IPv6 address or '*'; the prefix
 *                                  may also stand inside the brackets
 * PORT is a number, a range "LO-HI" (LO <= HI) or '*'; PREFIX 0..32 (inet),
 * 0..128 (inet6).  An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is matched
 * against "inet:" patterns as the IPv4 address it carries, and against
 * "inet6:" patterns as itself: a dual-stack socket reaches the same IPv4
 * host.
 */
#ifndef CALLGATE_ADDRMATCH_H
#define CALLGATE_ADDRMATCH_H

#include <errno.h>
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

/* sockaddr_parse() - the inverse of sockaddr_format(): 0 and the address
 * in *@ret, or -EINVAL (*@ret untouched). */
int sockaddr_parse(const char *text, struct cg_sockaddr *ret);

enum addr_pattern_kind {
	ADDR_PATTERN_UNIX,     /* "unix:PATH-PATTERN" */
	ADDR_PATTERN_ABSTRACT, /* "unix:@NAME-PATTERN" */
	ADDR_PATTERN_INET,
	ADDR_PATTERN_INET6,
	ADDR_PATTERN_KIND_MAX,
	ADDR_PATTERN_KIND_INVALID = -EINVAL,
};

/* A compiled pattern.  Matching reads it only: no parsing, no allocation. */
struct addr_pattern {
	enum addr_pattern_kind kind;
	bool exclude;		   /* '!' in front */
	bool any_addr;		   /* inet, inet6: ADDR is '*' */
	uint8_t prefix;		   /* inet, inet6: leading bits of addr[] that must match */
	uint16_t port_lo, port_hi; /* inet, inet6: 0-65535 is '*' */
	uint8_t addr[16];	   /* inet, inet6: network order (4 bytes for inet) */
	/* unix: the path pattern; abstract: '/' and the name pattern, so that
	 * the name is matched as one path component.  Owned. */
	char *glob;
};

/*
 * addr_pattern_parse() - check and compile pattern @text.  Returns 0 and
 * the pattern in *@ret (release with addr_pattern_done()), -EINVAL with a
 * reason in @why (NULL: not wanted), or -ENOMEM; *@ret is untouched then.
 */
int addr_pattern_parse(const char *text, struct addr_pattern *ret, char *why, size_t why_size);

/* addr_pattern_check() - addr_pattern_parse() for its verdict only. */
int addr_pattern_check(const char *text, char *why, size_t why_size);

/* addr_pattern_done() - free what @p owns; a zeroed pattern is fine. */
void addr_pattern_done(struct addr_pattern *p);

/*
 * addr_patterns_parse() - addr_pattern_parse() for each of @n @texts, into
 * a new array in *@ret (NULL when @n is 0; free with addr_patterns_free()).
 * Returns 0, -ENOMEM, or -EINVAL with the index of the first invalid one in
 * *@reterr_index and the reason in @why; *@ret is untouched on failure.
 */
int addr_patterns_parse(char *const *texts, size_t n, struct addr_pattern **ret,
			size_t *reterr_index, char *why, size_t why_size);

/* addr_patterns_free() - free @v, an array of @n patterns; NULL is fine. */
void addr_patterns_free(struct addr_pattern *v, size_t n);

/*
 * addr_pattern_format() - @p as pattern text, in a canonical spelling
 * (addresses as inet_ntop() writes them, no prefix when it covers the whole
 * address, '*' for ports 0-65535) that addr_pattern_parse() reads back as
 * @p.  Returns the length, or -ENOSPC when @size is too small.
 */
int addr_pattern_format(const struct addr_pattern *p, char *buf, size_t size);

/*
 * addr_pattern_exact() - the pattern matching @a and nothing else, in
 * *@ret (release with addr_pattern_done()).  Returns 0, -ENOMEM, or
 * -EINVAL when no pattern can match @a exactly: an unnamed socket, a path
 * that is not absolute and normalised, an abstract name that is empty or
 * holds a '/', another family.
 */
int addr_pattern_exact(const struct cg_sockaddr *a, struct addr_pattern *ret);

/* Whether @a matches @p (its "exclude" is not looked at). */
bool addr_pattern_match(const struct addr_pattern *p, const struct cg_sockaddr *a);

/* A rule's list: some positive pattern matches @a and no excluding one
 * does, as path_patterns_match().  No positive pattern: nothing matches. */
bool addr_patterns_match(const struct addr_pattern *v, size_t n, const struct cg_sockaddr *a);

#endif
