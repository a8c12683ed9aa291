/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "callgate/addrmatch.h"
#include "callgate/pathmatch.h"

int sockaddr_decode(const void *sa, size_t len, struct cg_sockaddr *ret)
{
	struct cg_sockaddr a = { 0 };
	sa_family_t family;

	if (len < sizeof(family))
		return -EINVAL;
	memcpy(&family, sa, sizeof(family));
	a.family = family;
	if (family == AF_INET) {
		struct sockaddr_in in;

		if (len < sizeof(in))
			return -EINVAL;
		memcpy(&in, sa, sizeof(in));
		memcpy(a.addr, &in.sin_addr, 4);
		a.port = ntohs(in.sin_port);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 in6;

		/* the kernel accepts the older 24-byte form (no scope id) */
		if (len < 24)
			return -EINVAL;
		memset(&in6, 0, sizeof(in6));
		memcpy(&in6, sa, len < sizeof(in6) ? len : sizeof(in6));
		memcpy(a.addr, &in6.sin6_addr, 16);
		a.port = ntohs(in6.sin6_port);
	} else if (family == AF_UNIX) {
		const char *path = (const char *)sa + offsetof(struct sockaddr_un, sun_path);
		size_t n = len - offsetof(struct sockaddr_un, sun_path);

		if (len > sizeof(struct sockaddr_un))
			return -EINVAL;
		if (n == 0) {
			a.unnamed = true;
		} else if (path[0] == '\0') {
			a.abstract = true;
			if (memchr(path + 1, '\0', n - 1))
				return -EINVAL;
			memcpy(a.path, path + 1, n - 1);
			a.path_len = n - 1;
		} else {
			/* a path ends at the first NUL, or at the end */
			const char *nul = memchr(path, '\0', n);

			a.path_len = nul ? (size_t)(nul - path) : n;
			memcpy(a.path, path, a.path_len);
		}
	}
	*ret = a;
	return 0;
}

static bool is_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

int sockaddr_format(const struct cg_sockaddr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	switch (a->family) {
	case AF_INET:
		inet_ntop(AF_INET, a->addr, ip, sizeof(ip));
		n = snprintf(buf, size, "inet:%s:%u", ip, a->port);
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
		n = snprintf(buf, size, "inet6:[%s]:%u", ip, a->port);
		break;
	case AF_UNIX: n = snprintf(buf, size, "unix:%s%s", a->abstract ? "@" : "", a->path); break;
	default: n = snprintf(buf, size, "family:%d", a->family);
	}
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

static bool port_match(const char *spec, uint16_t port)
{
	char *end;
	unsigned long lo, hi;

	if (strcmp(spec, "*") == 0)
		return true;
	lo = strtoul(spec, &end, 10);
	hi = *end == '-' ? strtoul(end + 1, NULL, 10) : lo;
	return port >= lo && port <= hi;
}

/* "ADDR[/PREFIX]" against @addr of @bytes bytes. */
static bool ip_match(const char *spec, int family, const uint8_t *addr, size_t bytes)
{
	char buf[INET6_ADDRSTRLEN + 8];
	uint8_t want[16];
	unsigned long prefix = bytes * 8;
	char *slash;

	if (strlen(spec) >= sizeof(buf))
		return false;
	strcpy(buf, spec);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		prefix = strtoul(slash + 1, NULL, 10);
	}
	if (strcmp(buf, "*") == 0)
		return true;
	if (inet_pton(family, buf, want) != 1 || prefix > bytes * 8)
		return false;
	for (size_t i = 0; i < bytes && prefix > 0; i++) {
		unsigned bits = prefix >= 8 ? 8 : (unsigned)prefix;
		uint8_t mask = (uint8_t)(0xff << (8 - bits));

		if ((addr[i] & mask) != (want[i] & mask))
			return false;
		prefix -= bits;
	}
	return true;
}

bool address_pattern_match(const char *pattern, const struct cg_sockaddr *a)
{
	char buf[128];
	char *port;

	if (strncmp(pattern, "unix:", 5) == 0) {
		const char *p = pattern + 5;

		if (a->family != AF_UNIX || a->unnamed)
			return false;
		if (*p == '@') {
			/* abstract names are flat: match the whole name as one
			 * component */
			char want[CG_UNIX_PATH_MAX + 3], have[CG_UNIX_PATH_MAX + 3];

			if (!a->abstract || strlen(p + 1) > CG_UNIX_PATH_MAX ||
			    strchr(a->path, '/'))
				return false;
			snprintf(want, sizeof(want), "/%s", p + 1);
			snprintf(have, sizeof(have), "/%s", a->path);
			return path_glob_match(want, have);
		}
		return !a->abstract && path_glob_match(p, a->path);
	}
	if (strncmp(pattern, "inet:", 5) == 0) {
		if (strlen(pattern + 5) >= sizeof(buf))
			return false;
		strcpy(buf, pattern + 5);
		port = strrchr(buf, ':');
		if (!port)
			return false;
		*port++ = '\0';
		if (!port_match(port, a->port))
			return false;
		if (a->family == AF_INET)
			return ip_match(buf, AF_INET, a->addr, 4);
		if (a->family == AF_INET6 && is_v4_mapped(a->addr))
			return ip_match(buf, AF_INET, a->addr + 12, 4);
		return false;
	}
	if (strncmp(pattern, "inet6:[", 7) == 0) {
		char *close;

		if (a->family != AF_INET6 || strlen(pattern + 7) >= sizeof(buf))
			return false;
		strcpy(buf, pattern + 7);
		close = strchr(buf, ']');
		if (!close)
			return false;
		*close = '\0';
		port = strrchr(close + 1, ':');
		if (!port || !port_match(port + 1, a->port))
			return false;
		if (close[1] == '/') {
			/* "[ADDR]/PREFIX:PORT": rejoin as "ADDR/PREFIX" */
			char spec[INET6_ADDRSTRLEN + 8];

			*port = '\0';
			if (snprintf(spec, sizeof(spec), "%s%s", buf, close + 1) >=
			    (int)sizeof(spec))
				return false;
			return ip_match(spec, AF_INET6, a->addr, 16);
		}
		return ip_match(buf, AF_INET6, a->addr, 16);
	}
	return false;
}

bool address_patterns_match(char *const *patterns, size_t n, const struct cg_sockaddr *a)
{
	bool positive = false;

	for (size_t i = 0; i < n; i++) {
		if (patterns[i][0] == '!') {
			if (address_pattern_match(patterns[i] + 1, a))
				return false;
		} else if (!positive && address_pattern_match(patterns[i], a)) {
			positive = true;
		}
	}
	return positive;
}
