/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "callgate/host.h"
#include "callgate/systable.h"

uint64_t host_caps_all(void)
{
	return (CG_CAP_LAST >= 63) ? UINT64_MAX : (1ull << (CG_CAP_LAST + 1)) - 1;
}

/* One capability name of @len bytes at @s ("CAP_SYS_ADMIN", "sys_admin"):
 * its number, or -EINVAL. */
static int cap_parse(const char *s, size_t len)
{
	char name[64];
	int c;
	size_t pre = len >= 4 && strncasecmp(s, "CAP_", 4) == 0 ? 0 : 4;

	if (len == 0 || pre + len >= sizeof(name))
		return -EINVAL;
	memcpy(name, "CAP_", pre);
	for (size_t i = 0; i < len; i++)
		name[pre + i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
	name[pre + len] = '\0';
	c = cap_from_name(name);
	return c < 0 ? -EINVAL : c;
}

/* Docker's default capabilities (moby's oci/caps.DefaultCapabilities), and
 * Podman's (containers.conf default_capabilities since Podman 4.0: Docker's
 * without AUDIT_WRITE, MKNOD and NET_RAW). */
#define CAPBIT(c) (1ull << (c))

static const uint64_t caps_podman =
	CAPBIT(0) /* CHOWN */ | CAPBIT(1) /* DAC_OVERRIDE */ | CAPBIT(3) /* FOWNER */ |
	CAPBIT(4) /* FSETID */ | CAPBIT(5) /* KILL */ | CAPBIT(6) /* SETGID */ |
	CAPBIT(7) /* SETUID */ | CAPBIT(8) /* SETPCAP */ | CAPBIT(10) /* NET_BIND_SERVICE */ |
	CAPBIT(18) /* SYS_CHROOT */ | CAPBIT(31) /* SETFCAP */;
static const uint64_t caps_docker = caps_podman | CAPBIT(13) /* NET_RAW */ |
				    CAPBIT(27) /* MKNOD */ | CAPBIT(29) /* AUDIT_WRITE */;

uint64_t host_caps_docker(void)
{
	return caps_docker;
}

uint64_t host_caps_podman(void)
{
	return caps_podman;
}

/* The named sets of --caps. */
static const struct {
	const char *name;
	uint64_t (*mask)(void);
} cap_sets[] = {
	{ "all", host_caps_all },
	{ "docker", host_caps_docker },
	{ "podman", host_caps_podman },
};

static int set_parse(const char *s, size_t len, uint64_t *ret)
{
	if (len == 4 && strncmp(s, "none", 4) == 0) {
		*ret = 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof(cap_sets) / sizeof(cap_sets[0]); i++)
		if (strlen(cap_sets[i].name) == len && strncmp(s, cap_sets[i].name, len) == 0) {
			*ret = cap_sets[i].mask();
			return 0;
		}
	return -EINVAL;
}

/* host_parse_caps(), and "host" for *@host where @host is not NULL */
static int parse_caps(const char *s, const uint64_t *host, uint64_t *ret, char *bad,
		      size_t bad_size)
{
	uint64_t mask = 0;

	for (const char *p = s;; p++) {
		const char *end = strchrnul(p, ',');
		size_t len = (size_t)(end - p);
		uint64_t set;
		int c;

		/* "a,,b" and a trailing ',' are tolerated, as strtok() did */
		if (len && set_parse(p, len, &set) == 0) {
			mask |= set;
		} else if (host && len == 4 && strncmp(p, "host", 4) == 0) {
			mask |= *host;
		} else if (len) {
			c = cap_parse(p, len);
			if (c < 0) {
				if (bad_size)
					snprintf(bad, bad_size, "%.*s", (int)len, p);
				return -EINVAL;
			}
			mask |= 1ull << c;
		}
		if (!*end)
			break;
		p = end;
	}
	*ret = mask;
	return 0;
}

int host_parse_caps(const char *s, uint64_t *ret, char *bad, size_t bad_size)
{
	return parse_caps(s, NULL, ret, bad, bad_size);
}

int host_parse_caps_on(const char *s, uint64_t host, uint64_t *ret, char *bad, size_t bad_size)
{
	return parse_caps(s, &host, ret, bad, bad_size);
}

uint64_t host_caps_default(uint64_t host)
{
	return host & caps_docker;
}

int host_format_caps(uint64_t caps, char *buf, size_t size)
{
	uint64_t rest = caps & host_caps_all();
	size_t off = 0;
	int n;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (rest == 0) {
		n = snprintf(buf, size, "none");
		return n < (int)size ? n : -ENOSPC;
	}
	for (size_t i = 0; i < sizeof(cap_sets) / sizeof(cap_sets[0]); i++) {
		uint64_t set = cap_sets[i].mask();

		if ((rest & set) != set)
			continue;
		off = (size_t)snprintf(buf, size, "%s", cap_sets[i].name);
		rest &= ~set;
		break;
	}
	for (int c = 0; c <= CG_CAP_LAST && off < size; c++) {
		if (!(rest & (1ull << c)))
			continue;
		n = snprintf(buf + off, size - off, "%s%s", off ? "," : "", cap_name(c));
		if (n < 0)
			return -ENOSPC;
		off += (size_t)n;
	}
	return off < size ? (int)off : -ENOSPC;
}

/* A decimal number without sign or blanks, at most UINT_MAX. */
static bool parse_uint(const char **s, unsigned *ret)
{
	unsigned long long v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT_MAX)
			return false;
	}
	*s = p;
	*ret = (unsigned)v;
	return true;
}

int host_parse_kernel(const char *s, struct plan_host *host)
{
	unsigned major, minor;

	if (!parse_uint(&s, &major) || *s++ != '.' || !parse_uint(&s, &minor))
		return -EINVAL;
	if (*s != '\0' && !strchr(".-+_", *s))
		return -EINVAL;
	host->kernel_major = major;
	host->kernel_minor = minor;
	return 0;
}
