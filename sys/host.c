/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host.h"

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
