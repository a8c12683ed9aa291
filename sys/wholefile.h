/* SPDX-License-Identifier: Apache-2.0 */
/* Writing a file whole or not at all. */
#ifndef CALLGATE_SYS_WHOLEFILE_H
#define CALLGATE_SYS_WHOLEFILE_H

/*
 * wholefile_write() - @text into @path, whole or not at all: written to a
 * new file next to it (created with O_EXCL, so never through a link another
 * user left there; mode 0666 less the umask, as fopen() creates) and renamed
 * over @path, so a reader sees the old file or the new one, and a link at
 * @path is replaced, not followed.
 * Returns 0, or a negative errno (-ENAMETOOLONG for a @path too long to
 * take the suffix); on failure @path is as it was and nothing is left
 * behind.
 */
int wholefile_write(const char *path, const char *text);

#endif
