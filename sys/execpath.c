/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "execpath.h"

#define EXECPATH_DEFAULT "/usr/local/bin:/usr/bin:/bin"

/* @path into @buf, if it fits. */
static int found(const char *path, char *buf, size_t size)
{
	if (strlen(path) >= size)
		return -ENAMETOOLONG;
	memcpy(buf, path, strlen(path) + 1);
	return 0;
}

int execpath_find(const char *cmd, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX];
	bool denied = false;
	struct stat st;

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode) || access(cmd, X_OK) < 0)
			return -EACCES;
		return found(cmd, buf, size);
	}
	if (!path || !*path)
		path = EXECPATH_DEFAULT;
	for (;;) {
		const char *end = strchrnul(path, ':');
		size_t len = (size_t)(end - path);

		/* as execvp(): a candidate that is not executable is skipped,
		 * and reported only if nothing later is found */
		if (snprintf(cand, sizeof(cand), "%.*s%s%s", (int)len, path, len ? "/" : "", cmd) <
			    (int)sizeof(cand) &&
		    stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0)
				return found(cand, buf, size);
			denied = true;
		}
		if (!*end)
			break;
		path = end + 1;
	}
	return denied ? -EACCES : -ENOENT;
}
