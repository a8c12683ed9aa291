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
#include "callgate/pattern.h"

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

/* A decimal number of at most @max at *@s, which is moved past it. */
static int number(const char **s, unsigned long max, unsigned long *ret)
{
	const char *p = *s;
	unsigned long v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -ERANGE;
	}
	*s = p;
	*ret = v;
	return 0;
}

/* "IP:PORT" of sockaddr_format() (IPv6 in brackets) into @ret. */
static int parse_ip_port(const char *s, int family, struct cg_sockaddr *ret)
{
	char ip[INET6_ADDRSTRLEN];
	const char *colon;
	unsigned long port;
	size_t n;

	if (family == AF_INET6) {
		const char *close = strchr(s, ']');

		if (*s++ != '[' || !close || close[1] != ':')
			return -EINVAL;
		n = (size_t)(close - s);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		n = (size_t)(colon - s);
	}
	if (n >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, n);
	ip[n] = '\0';
	colon++;
	if (number(&colon, 65535, &port) < 0 || *colon)
		return -EINVAL;
	if (inet_pton(family, ip, ret->addr) != 1)
		return -EINVAL;
	ret->family = family;
	ret->port = (uint16_t)port;
	return 0;
}

int sockaddr_parse(const char *text, struct cg_sockaddr *ret)
{
	struct cg_sockaddr a = { 0 };

	if (strncmp(text, "inet:", 5) == 0) {
		if (parse_ip_port(text + 5, AF_INET, &a) < 0)
			return -EINVAL;
	} else if (strncmp(text, "inet6:", 6) == 0) {
		if (parse_ip_port(text + 6, AF_INET6, &a) < 0)
			return -EINVAL;
	} else if (strncmp(text, "unix:", 5) == 0) {
		const char *p = text + 5;

		a.family = AF_UNIX;
		a.abstract = *p == '@';
		a.unnamed = *p == '\0';
		p += a.abstract;
		a.path_len = strlen(p);
		if (a.path_len > CG_UNIX_PATH_MAX)
			return -EINVAL;
		memcpy(a.path, p, a.path_len + 1);
	} else if (strncmp(text, "family:", 7) == 0) {
		const char *p = text + 7;
		unsigned long family;

		if (number(&p, 65535, &family) < 0 || *p)
			return -EINVAL;
		a.family = (int)family;
		if (a.family == AF_UNIX || a.family == AF_INET || a.family == AF_INET6)
			return -EINVAL; /* written with their own prefix */
	} else {
		return -EINVAL;
	}
	*ret = a;
	return 0;
}

/* ---- patterns ------------------------------------------------------------ */

static int bad(char *why, size_t size, const char *msg)
{
	if (why && size)
		snprintf(why, size, "%s", msg);
	return -EINVAL;
}

/* PORT of a pattern: a number, "LO-HI" or '*'. */
static int parse_port(const char *s, struct addr_pattern *p, char *why, size_t size)
{
	unsigned long lo = 0, hi = 0;
	int r;

	if (strcmp(s, "*") == 0) {
		p->port_lo = 0;
		p->port_hi = 65535;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return bad(why, size, "port must be a number, a range LO-HI or '*'");
	r = number(&s, 65535, &lo);
	hi = lo;
	if (r == 0 && *s == '-') {
		s++;
		if (*s < '0' || *s > '9')
			return bad(why, size, "port range must be LO-HI");
		r = number(&s, 65535, &hi);
	}
	if (r < 0 || *s != '\0' || lo > hi)
		return bad(why, size, "port must be 0..65535 (a range LO-HI with LO <= HI)");
	p->port_lo = (uint16_t)lo;
	p->port_hi = (uint16_t)hi;
	return 0;
}

static int parse_prefix(const char *s, unsigned max, uint8_t *ret, char *why, size_t size)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return bad(why, size, "prefix length must be a number");
	if (number(&s, max, &v) < 0 || *s != '\0')
		return bad(why, size, "prefix length out of range");
	*ret = (uint8_t)v;
	return 0;
}

/*
 * "ADDR[/PREFIX]" in @buf (modified), for @family; @outer is a prefix
 * given after the brackets of an inet6 pattern, or NULL.
 */
static int parse_ip(char *buf, int family, const char *outer, struct addr_pattern *p, char *why,
		    size_t size)
{
	unsigned bits = family == AF_INET ? 32 : 128;
	char *slash = strchr(buf, '/');

	p->prefix = (uint8_t)bits;
	if (slash) {
		*slash = '\0';
		if (outer)
			return bad(why, size, "two prefix lengths");
		if (strcmp(buf, "*") == 0)
			return bad(why, size, "'*' takes no prefix length");
		if (parse_prefix(slash + 1, bits, &p->prefix, why, size) < 0)
			return -EINVAL;
	}
	/* "[*]/PREFIX" has always been taken as '*': the prefix is moot */
	if (outer && parse_prefix(outer, bits, &p->prefix, why, size) < 0)
		return -EINVAL;
	if (strcmp(buf, "*") == 0) {
		p->any_addr = true;
		p->prefix = 0;
		return 0;
	}
	if (inet_pton(family, buf, p->addr) != 1)
		return bad(why, size,
			   family == AF_INET ? "invalid IPv4 address" : "invalid IPv6 address");
	return 0;
}

static int parse_inet(const char *s, struct addr_pattern *p, char *why, size_t size)
{
	char buf[128];
	char *port;

	if (strlen(s) >= sizeof(buf))
		return bad(why, size, "address too long");
	strcpy(buf, s);
	port = strrchr(buf, ':');
	if (!port)
		return bad(why, size, "expected inet:ADDR[/PREFIX]:PORT");
	*port++ = '\0';
	p->kind = ADDR_PATTERN_INET;
	if (parse_ip(buf, AF_INET, NULL, p, why, size) < 0)
		return -EINVAL;
	return parse_port(port, p, why, size);
}

static int parse_inet6(const char *s, struct addr_pattern *p, char *why, size_t size)
{
	static const char expected[] = "expected inet6:[ADDR][/PREFIX]:PORT";
	char buf[128];
	char *close, *port, *outer = NULL;

	if (strlen(s) >= sizeof(buf))
		return bad(why, size, "address too long");
	strcpy(buf, s);
	close = strchr(buf, ']');
	if (buf[0] != '[' || !close || close[1] == '\0')
		return bad(why, size, expected);
	*close = '\0';
	port = close + 1;
	if (*port == '/') {
		outer = port + 1;
		port = strchr(outer, ':');
		if (!port)
			return bad(why, size, expected);
		*port = '\0';
	} else if (*port != ':') {
		return bad(why, size, expected);
	}
	p->kind = ADDR_PATTERN_INET6;
	if (parse_ip(buf + 1, AF_INET6, outer, p, why, size) < 0)
		return -EINVAL;
	return parse_port(port + 1, p, why, size);
}

static int parse_unix(const char *s, struct addr_pattern *p, char *why, size_t size)
{
	if (*s == '@') {
		size_t n = strlen(s + 1);

		if (n == 0)
			return bad(why, size, "empty abstract socket name");
		if (n + 1 >= PATTERN_PATH_MAX)
			return bad(why, size, "abstract name pattern is longer than PATH_MAX");
		p->kind = ADDR_PATTERN_ABSTRACT;
		p->glob = malloc(n + 2);
		if (!p->glob)
			return -ENOMEM;
		p->glob[0] = '/';
		memcpy(p->glob + 1, s + 1, n + 1);
		return 0;
	}
	/* path_pattern_check() would take a '!' here as its own: the
	 * pattern then matched nothing */
	if (*s == '!')
		return bad(why, size, "'!' goes in front of \"unix:\"");
	if (path_pattern_check(s, why, size) < 0)
		return -EINVAL;
	p->kind = ADDR_PATTERN_UNIX;
	p->glob = strdup(s);
	return p->glob ? 0 : -ENOMEM;
}

int addr_pattern_parse(const char *text, struct addr_pattern *ret, char *why, size_t why_size)
{
	struct addr_pattern p = { 0 };
	int r;

	p.exclude = *text == '!';
	text += p.exclude;
	if (strncmp(text, "unix:", 5) == 0)
		r = parse_unix(text + 5, &p, why, why_size);
	else if (strncmp(text, "inet:", 5) == 0)
		r = parse_inet(text + 5, &p, why, why_size);
	else if (strncmp(text, "inet6:", 6) == 0)
		r = parse_inet6(text + 6, &p, why, why_size);
	else
		r = bad(why, why_size, "address pattern must start with unix:, inet: or inet6:");
	if (r < 0) {
		addr_pattern_done(&p);
		return r;
	}
	*ret = p;
	return 0;
}

int addr_pattern_check(const char *text, char *why, size_t why_size)
{
	struct addr_pattern p;
	int r = addr_pattern_parse(text, &p, why, why_size);

	if (r == 0)
		addr_pattern_done(&p);
	return r;
}

void addr_pattern_done(struct addr_pattern *p)
{
	free(p->glob);
	p->glob = NULL;
}

void addr_patterns_free(struct addr_pattern *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		addr_pattern_done(&v[i]);
	free(v);
}

int addr_patterns_parse(char *const *texts, size_t n, struct addr_pattern **ret,
			size_t *reterr_index, char *why, size_t why_size)
{
	struct addr_pattern *v;

	if (n == 0) {
		*ret = NULL;
		return 0;
	}
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int r = addr_pattern_parse(texts[i], &v[i], why, why_size);

		if (r < 0) {
			addr_patterns_free(v, i);
			if (reterr_index)
				*reterr_index = i;
			return r;
		}
	}
	*ret = v;
	return 0;
}

static int format_port(const struct addr_pattern *p, char *buf, size_t size)
{
	if (p->port_lo == 0 && p->port_hi == 65535)
		return snprintf(buf, size, "*");
	if (p->port_lo == p->port_hi)
		return snprintf(buf, size, "%u", p->port_lo);
	return snprintf(buf, size, "%u-%u", p->port_lo, p->port_hi);
}

int addr_pattern_format(const struct addr_pattern *p, char *buf, size_t size)
{
	const char *bang = p->exclude ? "!" : "";
	char ip[INET6_ADDRSTRLEN] = "*", prefix[8] = "", port[16];
	int n;

	switch (p->kind) {
	case ADDR_PATTERN_UNIX: n = snprintf(buf, size, "%sunix:%s", bang, p->glob); break;
	case ADDR_PATTERN_ABSTRACT: n = snprintf(buf, size, "%sunix:@%s", bang, p->glob + 1); break;
	case ADDR_PATTERN_INET:
	case ADDR_PATTERN_INET6: {
		bool v4 = p->kind == ADDR_PATTERN_INET;

		if (!p->any_addr) {
			inet_ntop(v4 ? AF_INET : AF_INET6, p->addr, ip, sizeof(ip));
			if (p->prefix != (v4 ? 32 : 128))
				snprintf(prefix, sizeof(prefix), "/%u", p->prefix);
		}
		format_port(p, port, sizeof(port));
		n = v4 ? snprintf(buf, size, "%sinet:%s%s:%s", bang, ip, prefix, port)
		       : snprintf(buf, size, "%sinet6:[%s]%s:%s", bang, ip, prefix, port);
		break;
	}
	default: return -EINVAL;
	}
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

int addr_pattern_exact(const struct cg_sockaddr *a, struct addr_pattern *ret)
{
	struct addr_pattern p = { .port_lo = a->port, .port_hi = a->port };
	const char *lead = "";
	size_t n;

	switch (a->family) {
	case AF_INET:
	case AF_INET6:
		p.kind = a->family == AF_INET ? ADDR_PATTERN_INET : ADDR_PATTERN_INET6;
		p.prefix = a->family == AF_INET ? 32 : 128;
		memcpy(p.addr, a->addr, a->family == AF_INET ? 4 : 16);
		*ret = p;
		return 0;
	case AF_UNIX:
		if (a->unnamed)
			return -EINVAL;
		if (a->abstract) {
			/* matched as one component (addr_pattern_match()) */
			if (a->path_len == 0 || memchr(a->path, '/', a->path_len))
				return -EINVAL;
			lead = "/";
		}
		break;
	default: return -EINVAL;
	}
	p.kind = a->abstract ? ADDR_PATTERN_ABSTRACT : ADDR_PATTERN_UNIX;
	n = pattern_escape(a->path, a->path_len, NULL, 0) + strlen(lead) + 1;
	p.glob = malloc(n);
	if (!p.glob)
		return -ENOMEM;
	strcpy(p.glob, lead);
	pattern_escape(a->path, a->path_len, p.glob + strlen(lead), n - strlen(lead));
	/* a path pattern matches normalised absolute paths only */
	if (path_pattern_check(p.glob, NULL, 0) < 0) {
		addr_pattern_done(&p);
		return -EINVAL;
	}
	*ret = p;
	return 0;
}

/* The first @bits bits of @x and @y are the same. */
static bool prefix_equal(const uint8_t *x, const uint8_t *y, unsigned bits)
{
	size_t whole = bits / 8;
	unsigned rest = bits % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(x, y, whole) != 0)
		return false;
	return rest == 0 || ((x[whole] ^ y[whole]) & mask) == 0;
}

bool addr_pattern_match(const struct addr_pattern *p, const struct cg_sockaddr *a)
{
	const uint8_t *addr = a->addr;

	switch (p->kind) {
	case ADDR_PATTERN_UNIX:
		return a->family == AF_UNIX && !a->unnamed && !a->abstract &&
		       path_glob_match(p->glob, a->path);
	case ADDR_PATTERN_ABSTRACT: {
		/* abstract names are flat: the whole name is one component */
		char have[CG_UNIX_PATH_MAX + 2];

		if (a->family != AF_UNIX || !a->abstract || a->path_len > CG_UNIX_PATH_MAX ||
		    memchr(a->path, '/', a->path_len))
			return false;
		have[0] = '/';
		memcpy(have + 1, a->path, a->path_len);
		have[a->path_len + 1] = '\0';
		return path_glob_match(p->glob, have);
	}
	case ADDR_PATTERN_INET:
		if (a->family == AF_INET6 && is_v4_mapped(a->addr))
			addr += 12;
		else if (a->family != AF_INET)
			return false;
		break;
	case ADDR_PATTERN_INET6:
		if (a->family != AF_INET6)
			return false;
		break;
	default: return false;
	}
	return a->port >= p->port_lo && a->port <= p->port_hi &&
	       (p->any_addr || prefix_equal(addr, p->addr, p->prefix));
}

bool addr_patterns_match(const struct addr_pattern *v, size_t n, const struct cg_sockaddr *a)
{
	bool positive = false;

	for (size_t i = 0; i < n; i++) {
		if (v[i].exclude) {
			if (addr_pattern_match(&v[i], a))
				return false;
		} else if (!positive && addr_pattern_match(&v[i], a)) {
			positive = true;
		}
	}
	return positive;
}
