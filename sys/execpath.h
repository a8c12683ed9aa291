/* SPDX-License-Identifier: Apache-2.0 */
/* Finding the program a command names, as execvp() would. */
#ifndef CALLGATE_SYS_EXECPATH_H
#define CALLGATE_SYS_EXECPATH_H

#include <stddef.h>

/*
 * execpath_find() - the executable @cmd names: @cmd itself if it has a '/',
 * else the first regular file called @cmd that we may execute in $PATH
 * (unset or empty: /usr/local/bin:/usr/bin:/bin; an empty entry is the
 * working directory).  The target execs this path: execve() does no search,
 * and finding it first tells a missing command (127) from one the policy
 * stops (126).
 * Returns 0 with the path in @buf, or -ENOENT (not found), -EACCES (found
 * but not executable; with a '/', also a directory), -ENAMETOOLONG (the
 * path does not fit @size), or another -errno of stat() for a path with a
 * '/'.  @buf is untouched on failure.
 */
int execpath_find(const char *cmd, char *buf, size_t size);

#endif
