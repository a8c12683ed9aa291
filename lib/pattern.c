/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/pattern.h"

static int bad(char *why, size_t size, const char *msg)
{
	if (why && size)
		snprintf(why, size, "%s", msg);
	return -EINVAL;
}

/* Check one component of a path pattern: [s, e). */
static int check_component(const char *s, const char *e, char *why, size_t size)
{
	size_t n = (size_t)(e - s);

	if (n == 0)
		return bad(why, size,
			   "empty path component ('//'): patterns match normalised paths");
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return bad(why, size, "'.' or '..' component: patterns match normalised paths");
	for (const char *c = s; c < e; c++) {
		if (c[0] == '*' && c + 1 < e && c[1] == '*' && n != 2)
			return bad(why, size, "'**' must be a whole path component");
		if (*c == '[') {
			const char *q = c + 1;

			if (q < e && (*q == '!' || *q == '^'))
				q++;
			if (q < e && *q == ']')
				q++; /* a leading ']' is literal */
			while (q < e && *q != ']')
				q++;
			if (q >= e)
				return bad(why, size, "unterminated '[' character class");
			c = q;
		}
	}
	return 0;
}

int path_pattern_check(const char *pat, char *why, size_t why_size)
{
	const char *s, *e;
	size_t len;

	if (*pat == '!')
		pat++;
	len = strlen(pat);
	if (len == 0 || pat[0] != '/')
		return bad(why, why_size, "path pattern must be absolute (start with '/')");
	if (len >= PATTERN_PATH_MAX)
		return bad(why, why_size, "path pattern is longer than PATH_MAX");
	if (len == 1)
		return 0;
	for (s = pat + 1;; s = e + 1) {
		int r;

		e = strchr(s, '/');
		if (!e)
			e = s + strlen(s);
		if (*e == '\0' && e == s)
			return bad(why, why_size, "trailing '/': patterns match normalised paths");
		r = check_component(s, e, why, why_size);
		if (r < 0)
			return r;
		if (*e == '\0')
			return 0;
	}
}

static int check_port(const char *p, char *why, size_t size)
{
	char *end;
	unsigned long lo, hi;

	if (strcmp(p, "*") == 0)
		return 0;
	if (*p < '0' || *p > '9')
		return bad(why, size, "port must be a number, a range LO-HI or '*'");
	lo = strtoul(p, &end, 10);
	hi = lo;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return bad(why, size, "port range must be LO-HI");
		hi = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || lo > 65535 || hi > 65535 || lo > hi)
		return bad(why, size, "port must be 0..65535 (a range LO-HI with LO <= HI)");
	return 0;
}

static int check_prefix(const char *s, unsigned max, char *why, size_t size)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return bad(why, size, "prefix length must be a number");
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > max)
		return bad(why, size, "prefix length out of range");
	return 0;
}

/* "ADDR[/PREFIX]" in @buf (modified). */
static int check_ip(char *buf, int family, char *why, size_t size)
{
	unsigned char addr[16];
	char *slash = strchr(buf, '/');

	if (slash) {
		*slash = '\0';
		if (strcmp(buf, "*") == 0)
			return bad(why, size, "'*' takes no prefix length");
		if (check_prefix(slash + 1, family == AF_INET ? 32 : 128, why, size) < 0)
			return -EINVAL;
	}
	if (strcmp(buf, "*") == 0)
		return 0;
	if (inet_pton(family, buf, addr) != 1)
		return bad(why, size,
			   family == AF_INET ? "invalid IPv4 address" : "invalid IPv6 address");
	return 0;
}

int address_pattern_check(const char *pat, char *why, size_t why_size)
{
	char buf[128];
	char *port;

	if (*pat == '!')
		pat++;
	if (strncmp(pat, "unix:", 5) == 0) {
		const char *p = pat + 5;

		if (*p == '@')
			return p[1] ? 0 : bad(why, why_size, "empty abstract socket name");
		return path_pattern_check(p, why, why_size);
	}
	if (strncmp(pat, "inet:", 5) == 0) {
		if (strlen(pat + 5) >= sizeof(buf))
			return bad(why, why_size, "address too long");
		strcpy(buf, pat + 5);
		port = strrchr(buf, ':');
		if (!port)
			return bad(why, why_size, "expected inet:ADDR[/PREFIX]:PORT");
		*port++ = '\0';
		if (check_ip(buf, AF_INET, why, why_size) < 0)
			return -EINVAL;
		return check_port(port, why, why_size);
	}
	if (strncmp(pat, "inet6:", 6) == 0) {
		char *close;

		if (strlen(pat + 6) >= sizeof(buf))
			return bad(why, why_size, "address too long");
		strcpy(buf, pat + 6);
		close = strchr(buf, ']');
		if (buf[0] != '[' || !close || close[1] == '\0')
			return bad(why, why_size, "expected inet6:[ADDR][/PREFIX]:PORT");
		*close = '\0';
		port = close + 1;
		if (*port == '/') {
			char *colon = strchr(port, ':');

			if (!colon)
				return bad(why, why_size, "expected inet6:[ADDR][/PREFIX]:PORT");
			*colon = '\0';
			if (check_prefix(port + 1, 128, why, why_size) < 0)
				return -EINVAL;
			*colon = ':';
			port = colon;
		}
		if (*port != ':')
			return bad(why, why_size, "expected inet6:[ADDR][/PREFIX]:PORT");
		if (check_ip(buf + 1, AF_INET6, why, why_size) < 0)
			return -EINVAL;
		return check_port(port + 1, why, why_size);
	}
	return bad(why, why_size, "address pattern must start with unix:, inet: or inet6:");
}
