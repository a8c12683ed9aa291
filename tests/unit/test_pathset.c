/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled path set (lib/pathset.c) against the linear matcher
 * (path_patterns_match()): generated pattern lists and paths from a fixed
 * seed, with every construct of the pattern language and paths that are
 * not normalised; then the cases that matter by name, and the fallbacks.
 */
#include <stdint.h>

#include "testutil.h"

#include "callgate/pathmatch.h"
#include "callgate/pathset.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* Components of patterns: literals, each wildcard, classes (negated,
 * ranges, a leading ']', unterminated), '.', '..', UTF-8 bytes. */
static const char *const pat_comps[] = {
	"a",	"b",	"ab",	 "ba",	     "*",     "**",	      "?",   "[ab]",
	"[!a]", "[^b]", "[a-c]", "[]a]",     "[",     "a*",	      "*b",  "a?",
	"?b",	".",	"..",	 "\xc3\xa9", "*\xa9", "[\x80-\xff]*", "***", "a*b",
	"[!]]", "x",	"[.]",	 "*.*",	     "**",    "**",
};

/* Components of paths: what the patterns can and cannot match. */
static const char *const path_comps[] = {
	"a", "b", "ab", "ba", "abb", "x", ".", "..", "\xc3\xa9", "[", "]", "*", "?", "c", ".a",
};

static void gen_pattern(char *buf, size_t size)
{
	size_t len = 0;
	int n = (int)rnd(6);

	if (rnd(4) == 0)
		buf[len++] = '!';
	if (rnd(40) != 0)
		buf[len++] = '/'; /* else not absolute: matches nothing */
	for (int i = 0; i < n; i++) {
		const char *c = pat_comps[rnd(ARRAY_SIZE(pat_comps))];

		if (i && len + 1 < size)
			buf[len++] = '/';
		if (rnd(30) == 0 && len + 1 < size)
			buf[len++] = '/'; /* an empty component */
		len += (size_t)snprintf(buf + len, size - len, "%s", c);
	}
	if (rnd(20) == 0 && len + 1 < size)
		buf[len++] = '/';
	buf[len] = '\0';
}

static void gen_path(char *buf, size_t size)
{
	size_t len = 0;
	int n = (int)rnd(7);

	if (rnd(50) != 0)
		buf[len++] = '/';
	for (int i = 0; i < n; i++) {
		if (i)
			buf[len++] = '/';
		if (rnd(25) == 0)
			buf[len++] = '/';
		len += (size_t)snprintf(buf + len, size - len, "%s",
					path_comps[rnd(ARRAY_SIZE(path_comps))]);
	}
	if (rnd(15) == 0)
		buf[len++] = '/';
	buf[len] = '\0';
}

/* path_set_match() is path_patterns_match() for @n @pats on @path. */
static void check_same(char **pats, size_t n, const struct path_set *s, const char *path)
{
	bool want = path_patterns_match(pats, n, path), got = path_set_match(s, path);

	if (want != got) {
		fprintf(stderr, "path '%s', %zu patterns:\n", path, n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  '%s'\n", pats[i]);
	}
	ck_assert_msg(want == got, "'%s': linear %d, set %d", path, want, got);
}

START_TEST(differential_random)
{
	static char bufs[24][128];
	char *pats[24];
	long hits = 0, cases = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int round = 0; round < 4000; round++) {
		size_t n = 1 + rnd(ARRAY_SIZE(bufs));
		struct path_set *s;

		for (size_t i = 0; i < n; i++) {
			gen_pattern(bufs[i], sizeof(bufs[i]));
			pats[i] = bufs[i];
		}
		ck_assert_int_eq(path_set_new(pats, n, &s), 0);
		ck_assert(!path_set_is_linear(s));
		for (int k = 0; k < 25; k++) {
			char path[256];

			gen_path(path, sizeof(path));
			check_same(pats, n, s, path);
			hits += path_patterns_match(pats, n, path);
			cases++;
		}
		path_set_free(s);
	}
	/* the generator exercises both answers */
	ck_assert_int_gt(hits, cases / 20);
	ck_assert_int_lt(hits, cases - cases / 20);
}
END_TEST

/* Paths made from the patterns themselves (wildcards read as names) hit
 * the deep parts of a large trie. */
START_TEST(differential_large)
{
	static char bufs[600][128];
	char *pats[600];

	rng_state = 42;
	for (int round = 0; round < 20; round++) {
		size_t n = 100 + rnd(500);
		struct path_set *s;

		for (size_t i = 0; i < n; i++) {
			gen_pattern(bufs[i], sizeof(bufs[i]));
			pats[i] = bufs[i];
		}
		ck_assert_int_eq(path_set_new(pats, n, &s), 0);
		for (int k = 0; k < 500; k++) {
			char path[256];

			if (k % 2)
				snprintf(path, sizeof(path), "%s", pats[rnd((uint32_t)n)]);
			else
				gen_path(path, sizeof(path));
			check_same(pats, n, s, path[0] == '!' ? path + 1 : path);
		}
		path_set_free(s);
	}
}
END_TEST

static const struct {
	const char *name;
	const char *pats[4];
	const char *path;
	bool match;
} rows[] = {
	{ "literal", { "/etc/ld.so.cache" }, "/etc/ld.so.cache", true },
	{ "literal, longer name", { "/etc/ld.so.cache" }, "/etc/ld.so.cachex", false },
	{ "literal, a prefix", { "/etc/ld.so.cache" }, "/etc", false },
	{ "trailing ** is the directory", { "/usr/**" }, "/usr", true },
	{ "trailing ** is below", { "/usr/**" }, "/usr/lib/x/libc.so.6", true },
	{ "not a sibling", { "/usr/**" }, "/usrx/lib", false },
	{ "not the root", { "/usr/**" }, "/", false },
	{ "root pattern", { "/" }, "/", true },
	{ "root pattern, not below", { "/" }, "/a", false },
	{ "** alone is everything", { "/**" }, "/", true },
	{ "** in the middle, none", { "/a/**/b" }, "/a/b", true },
	{ "** in the middle, several", { "/a/**/b" }, "/a/x/y/b", true },
	{ "** in the middle, wrong end", { "/a/**/b" }, "/a/x/y/c", false },
	{ "two **", { "/**/x/**/y" }, "/a/x/b/x/c/y", true },
	{ "star within one component", { "/srv/*.txt" }, "/srv/sub/a.txt", false },
	{ "exclusion wins", { "/srv/**", "!/srv/secret/**" }, "/srv/secret/k", false },
	{ "exclusion first, still wins", { "!/srv/secret/**", "/srv/**" }, "/srv/secret", false },
	{ "exclusion elsewhere", { "/srv/**", "!/srv/secret/**" }, "/srv/public/k", true },
	{ "only exclusions match nothing", { "!/etc/shadow" }, "/etc/passwd", false },
	{ "literal and glob siblings", { "/a/b", "/a/?" }, "/a/c", true },
	{ "class", { "/dev/tty[0-9]" }, "/dev/tty7", true },
	{ "negated class", { "/dev/tty[!0-9]" }, "/dev/tty7", false },
	{ "unterminated class is literal", { "/a[" }, "/a[", true },
	{ "relative path", { "/**" }, "a/b", false },
	{ "relative pattern", { "a/**" }, "/a/b", false },
	{ "empty components of the path", { "/a/b" }, "//a//b/", true },
	{ "utf-8 bytes by ?", { "/caf??" }, "/caf\xc3\xa9", true },
	{ "utf-8 bytes literally", { "/caf\xc3\xa9" }, "/caf\xc3\xa9", true },
	{ "dot components are names", { "/a/*/b" }, "/a/../b", true },
};

START_TEST(table)
{
	char *pats[4];
	size_t n = 0;
	struct path_set *s;

	while (n < 4 && rows[_i].pats[n]) {
		pats[n] = (char *)rows[_i].pats[n];
		n++;
	}
	ck_assert_int_eq(path_set_new(pats, n, &s), 0);
	ck_assert_msg(path_set_match(s, rows[_i].path) == rows[_i].match, "%s", rows[_i].name);
	ck_assert(path_patterns_match(pats, n, rows[_i].path) == rows[_i].match);
	path_set_free(s);
}
END_TEST

START_TEST(empty_set)
{
	struct path_set *s;

	ck_assert_int_eq(path_set_new(NULL, 0, &s), 0);
	ck_assert(!path_set_match(s, "/"));
	ck_assert(!path_set_match(s, "/a"));
	path_set_free(s);
	path_set_free(NULL);
}
END_TEST

/* "PREFIX<i>SUFFIX" for i < @n. */
static char **numbered(size_t n, const char *prefix, const char *suffix)
{
	char **v = calloc(n, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_ge(asprintf(&v[i], "%s%d%s", prefix, (int)i, suffix), 0);
	return v;
}

static void free_numbered(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Many patterns that all match the same component: more nodes reached at
 * once than the matcher keeps, so it answers by the linear scan. */
START_TEST(fallback_many_reached)
{
	size_t n = 400;
	char **v = calloc(n, sizeof(*v));
	struct path_set *s;

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < n; i++) {
		v[i] = malloc(i + 8);
		ck_assert_ptr_nonnull(v[i]);
		v[i][0] = '/';
		v[i][1] = 'x';
		memset(v[i] + 2, '*', i + 1);
		strcpy(v[i] + 3 + i, i == n - 1 ? "/y" : "/z");
	}
	ck_assert_int_eq(path_set_new(v, n, &s), 0);
	ck_assert(path_set_match(s, "/x/y"));
	ck_assert(path_set_match(s, "/xa/z"));
	ck_assert(!path_set_match(s, "/x/w"));
	check_same(v, n, s, "/xx/y/");
	path_set_free(s);
	free_numbered(v, n);
}
END_TEST

/* More "**" nodes than the matcher's bitmap: the set is the list. */
START_TEST(fallback_many_dstar)
{
	size_t n = 9000;
	char **v = numbered(n, "/d", "/**");
	struct path_set *s;

	ck_assert_int_eq(path_set_new(v, n, &s), 0);
	ck_assert(path_set_is_linear(s));
	ck_assert(path_set_match(s, "/d8999/f"));
	ck_assert(path_set_match(s, "/d0"));
	ck_assert(!path_set_match(s, "/d9000/f"));
	path_set_free(s);
	free_numbered(v, n);
}
END_TEST

/* The set keeps its own copy of the patterns. */
START_TEST(owns_its_patterns)
{
	size_t n = 50;
	char **v = numbered(n, "/data/d", "/**");
	struct path_set *s;

	ck_assert_int_eq(path_set_new(v, n, &s), 0);
	for (size_t i = 0; i < n; i++)
		memset(v[i], 'q', strlen(v[i]));
	free_numbered(v, n);
	ck_assert(path_set_match(s, "/data/d49/file"));
	ck_assert(path_set_match(s, "/data/d0"));
	ck_assert(!path_set_match(s, "/data/d50/file"));
	ck_assert(!path_set_match(s, "/data"));
	path_set_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pathset");
	TCase *tc = tcase_create("pathset");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, differential_random);
	tcase_add_test(tc, differential_large);
	tcase_add_loop_test(tc, table, 0, (int)ARRAY_SIZE(rows));
	tcase_add_test(tc, empty_set);
	tcase_add_test(tc, fallback_many_reached);
	tcase_add_test(tc, fallback_many_dstar);
	tcase_add_test(tc, owns_its_patterns);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
