/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "callgate/systable.h"
#include "host.h"

static uint64_t all_caps(void)
{
	return (CG_CAP_LAST >= 63) ? UINT64_MAX : (1ull << (CG_CAP_LAST + 1)) - 1;
}

int host_parse_kernel(const char *s, struct plan_host *host)
{
	unsigned major, minor;
	int n = 0;

	if (sscanf(s, "%u.%u%n", &major, &minor, &n) != 2 || n == 0)
		return -EINVAL;
	/* "6.18.44-fc-v769": trailing revision and suffix are ignored, as
	 * Docker ignores them when it compares minKernel. */
	if (s[n] != '\0' && s[n] != '.' && s[n] != '-' && s[n] != '+' && s[n] != '_')
		return -EINVAL;
	host->kernel_major = major;
	host->kernel_minor = minor;
	return 0;
}

/* The hex mask of "Name:\t%llx" in /proc/self/status. */
static int status_mask(const char *field, uint64_t *ret)
{
	char line[256];
	size_t len = strlen(field);
	FILE *f = fopen("/proc/self/status", "re");
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			*ret = strtoull(line + len + 1, NULL, 16);
			r = 0;
			break;
		}
	fclose(f);
	return r;
}

int host_detect(struct plan_host *ret)
{
	struct plan_host h = { 0 };
	struct utsname u;
	int r;

	if (uname(&u) < 0)
		return -errno;
	r = host_parse_kernel(u.release, &h);
	if (r < 0)
		return r;
	r = status_mask(geteuid() == 0 ? "CapBnd" : "CapAmb", &h.caps);
	if (r < 0)
		return r;
	*ret = h;
	return 0;
}

int host_parse_caps(const char *s, uint64_t *ret, char *bad, size_t bad_size)
{
	uint64_t mask = 0;
	char *copy, *tok, *save = NULL;

	if (strcmp(s, "all") == 0) {
		*ret = all_caps();
		return 0;
	}
	if (strcmp(s, "none") == 0 || *s == '\0') {
		*ret = 0;
		return 0;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char name[64];
		int c;

		/* accept "sys_admin" and "CAP_SYS_ADMIN" alike */
		snprintf(name, sizeof(name), "%s%s", strncasecmp(tok, "CAP_", 4) ? "CAP_" : "",
			 tok);
		for (char *p = name; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		c = cap_from_name(name);
		if (c < 0) {
			snprintf(bad, bad_size, "%s", tok);
			free(copy);
			return -EINVAL;
		}
		mask |= 1ull << c;
	}
	free(copy);
	*ret = mask;
	return 0;
}
