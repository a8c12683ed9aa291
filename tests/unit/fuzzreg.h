/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inputs the fuzzers found trouble with (tests/fuzz/regressions/),
 * replayed by the unit suites: each file whose name starts with a prefix
 * is read whole and handed to a check.
 */
#ifndef CALLGATE_TESTS_FUZZREG_H
#define CALLGATE_TESTS_FUZZREG_H

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZREG_DIR "tests/fuzz/regressions"

/* Calls @check on every file named @prefix*; returns how many. */
static inline unsigned fuzzreg_each(const char *prefix,
				    void (*check)(const char *name, const char *buf, size_t len))
{
	DIR *d = opendir(FUZZREG_DIR);
	struct dirent *de;
	unsigned n = 0;

	ck_assert_msg(d != NULL, "cannot open " FUZZREG_DIR);
	while ((de = readdir(d))) {
		char path[512], *buf;
		size_t len;
		FILE *f;

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", FUZZREG_DIR, de->d_name);
		f = fopen(path, "rb");
		ck_assert_msg(f != NULL, "cannot open %s", path);
		buf = malloc(1u << 20);
		ck_assert_ptr_nonnull(buf);
		len = fread(buf, 1, 1u << 20, f);
		fclose(f);
		check(de->d_name, buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

#endif
