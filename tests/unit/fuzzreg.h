/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inputs the fuzzers found trouble with (tests/fuzz/regressions/),
 * replayed by the unit suites: each file whose name starts with a prefix
 * is read whole and handed to a check.
 *
 * Most of those inputs were found slow, and what made them slow was
 * superlinear: work per byte that grows with the size of the input (a
 * line scanned again for each of its keys).  So each replay is also timed,
 * in CPU time of this thread, against a baseline measured here and now on
 * a small input of the same kind: the file's own beginning (about 1/256 of
 * it), cut at a comma outside strings and closed with the brackets still
 * open there (valid JSON if the file is).  A file may cost at most
 * FUZZREG_SLOWDOWN_MAX times as much per byte as that prefix.  Both run the
 * same code in the same process (same build, sanitizers, machine and load),
 * so the ratio does not depend on how fast the machine is.  Linear code
 * measures 0.4 to 2 times (the prefix also pays the fixed costs); the
 * column count that issue 8 fixed, a scan of the line for each position,
 * measures 29 to 94 times on the *-one-line-* inputs, with or without
 * sanitizers (tests/fuzz/README.md).  The file is run once untimed first
 * (cold memory), and an attempt over the limit is measured again, twice,
 * before the test fails.
 *
 * Set FUZZREG_VERBOSE=1 to see each file's time and ratio.
 */
#ifndef CALLGATE_TESTS_FUZZREG_H
#define CALLGATE_TESTS_FUZZREG_H

#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FUZZREG_DIR "tests/fuzz/regressions"

/* How much dearer per byte a file may be than its prefix. */
#define FUZZREG_SLOWDOWN_MAX 10
/* The prefix is about 1/FUZZREG_PREFIX_DIV of the file, at least
 * FUZZREG_PREFIX_MIN bytes; files under 4 prefixes long are not timed. */
#define FUZZREG_PREFIX_DIV 256
#define FUZZREG_PREFIX_MIN 256
/* A call that takes less CPU time than this always passes. */
#define FUZZREG_FLOOR_NS 2000000
/* The prefix is run until its runs add up to this (the least counts). */
#define FUZZREG_BASELINE_NS 2000000
#define FUZZREG_ATTEMPTS    3
#define FUZZREG_DEPTH_MAX   512

typedef void (*fuzzreg_check_fn)(const char *name, const char *buf, size_t len);

static inline uint64_t fuzzreg_cpu_ns(void)
{
	struct timespec ts;

	ck_assert_int_eq(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of one call of @check. */
static inline uint64_t fuzzreg_time(fuzzreg_check_fn check, const char *name, const char *buf,
				    size_t len)
{
	uint64_t t0 = fuzzreg_cpu_ns();

	check(name, buf, len);
	return fuzzreg_cpu_ns() - t0;
}

/*
 * A heap copy of @buf cut at its first comma outside strings at or after
 * byte @want, with a closing bracket added for each object or array still
 * open there, so that a JSON text stays JSON with fewer members; its length
 * in *@ret_len.  NULL when there is no such comma (or the nesting is too
 * deep).  Freed by the caller.
 */
static inline char *fuzzreg_json_prefix(const char *buf, size_t len, size_t want, size_t *ret_len)
{
	char closers[FUZZREG_DEPTH_MAX];
	size_t depth = 0;
	int in_string = 0;

	for (size_t k = 0; k < len; k++) {
		char c = buf[k], *out;

		if (in_string) {
			if (c == '\\')
				k++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		switch (c) {
		case '"': in_string = 1; continue;
		case '{':
		case '[':
			if (depth == FUZZREG_DEPTH_MAX)
				return NULL;
			closers[depth++] = c == '{' ? '}' : ']';
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			if (k < want || depth == 0)
				break;
			out = malloc(k + depth);
			ck_assert_ptr_nonnull(out);
			memcpy(out, buf, k);
			for (size_t d = 0; d < depth; d++)
				out[k + d] = closers[depth - 1 - d];
			*ret_len = k + depth;
			return out;
		}
	}
	return NULL;
}

/* The least CPU time of a run of @check on @buf, over at least 8 runs and
 * FUZZREG_BASELINE_NS in all (the least: a run that meets the garbage of an
 * earlier one, a sanitizer's quarantine say, does not count). */
static inline uint64_t fuzzreg_baseline(fuzzreg_check_fn check, const char *name, const char *buf,
					size_t len)
{
	uint64_t least = UINT64_MAX, total = 0;

	for (unsigned runs = 0; runs < 10000 && (runs < 8 || total < FUZZREG_BASELINE_NS); runs++) {
		uint64_t t = fuzzreg_time(check, name, buf, len);

		total += t;
		if (t < least)
			least = t;
	}
	return least ? least : 1;
}

/*
 * Calls @check on @buf, and fails the test if that costs more than
 * FUZZREG_SLOWDOWN_MAX times per byte what a prefix of @buf costs.
 */
static inline void fuzzreg_replay(const char *name, fuzzreg_check_fn check, const char *buf,
				  size_t len)
{
	size_t want = len / FUZZREG_PREFIX_DIV, plen = 0;
	char pname[300], *prefix = NULL;
	double ratio = 0;
	uint64_t t = 0;
	bool slow = false;

	if (want < FUZZREG_PREFIX_MIN)
		want = FUZZREG_PREFIX_MIN;
	if (len >= 4 * want)
		prefix = fuzzreg_json_prefix(buf, len, want, &plen);
	if (!prefix) { /* small, or not JSON-like: no baseline of the same kind */
		check(name, buf, len);
		return;
	}
	snprintf(pname, sizeof(pname), "%s (its first %zu bytes, closed)", name, plen);
	check(name, buf, len); /* not timed: its first run also pays for cold memory */
	for (int attempt = 0; attempt < FUZZREG_ATTEMPTS; attempt++) {
		uint64_t base = fuzzreg_baseline(check, pname, prefix, plen);

		t = fuzzreg_time(check, name, buf, len);
		/* (t / len) / (base / plen): the slowdown per byte */
		ratio = (double)t * (double)plen / ((double)base * (double)len);
		if (getenv("FUZZREG_VERBOSE"))
			fprintf(stderr,
				"fuzzreg: %s: %zu bytes in %.3f ms of CPU, %.2fx per byte "
				"its first %zu bytes (%.3f ms)\n",
				name, len, (double)t / 1e6, ratio, plen, (double)base / 1e6);
		slow = t >= FUZZREG_FLOOR_NS && ratio > FUZZREG_SLOWDOWN_MAX;
		if (!slow)
			break;
	}
	free(prefix);
	ck_assert_msg(!slow,
		      "%s: slow again: %.1f ms of CPU for %zu bytes, %.0f times as much per byte "
		      "as its first %zu bytes cost (at most %d times)",
		      name, (double)t / 1e6, len, ratio, plen, FUZZREG_SLOWDOWN_MAX);
}

/*
 * Calls @check on every file named @prefix* and fails if one costs far more
 * per byte than its own beginning (above); returns how many files.  @check
 * is also called on those beginnings, so it must accept any input, as the
 * fuzzers' invariants do.
 */
static inline unsigned fuzzreg_each(const char *prefix, fuzzreg_check_fn check)
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
		fuzzreg_replay(de->d_name, check, buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

#endif
