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

int host_parse_caps(const char *s, uint64_t *ret, char *bad, size_t bad_size)
{
	uint64_t mask = 0;

	if (strcmp(s, "all") == 0) {
		*ret = host_caps_all();
		return 0;
	}
	if (strcmp(s, "none") == 0 || *s == '\0') {
		*ret = 0;
		return 0;
	}
	for (const char *p = s;; p++) {
		const char *end = strchrnul(p, ',');
		size_t len = (size_t)(end - p);
		int c;

		/* "a,,b" and a trailing ',' are tolerated, as strtok() did */
		if (len) {
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
