/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procinfo.h"

void procinfo_where(pid_t tid, uint64_t ip, char *buf, size_t size)
{
	char path[64], line[PATH_MAX + 128];
	FILE *f;

	snprintf(buf, size, "0x%" PRIx64, ip);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		char file[PATH_MAX] = "";

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095[^\n]", &start, &end, &off,
			   file) < 3)
			continue;
		if (ip < start || ip >= end)
			continue;
		if (file[0]) {
			const char *base = strrchr(file, '/');

			snprintf(buf, size, "%s+0x%llx (%s)", base ? base + 1 : file,
				 (unsigned long long)(ip - start + off), file);
		}
		break;
	}
	fclose(f);
}

void procinfo_cmdline(pid_t tid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}
