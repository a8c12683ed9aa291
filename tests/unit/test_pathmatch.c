/* SPDX-License-Identifier: Apache-2.0 */
/* Path normalisation and path globs (addresses: test_addrmatch.c). */
#include <errno.h>

#include "testutil.h"

#include "callgate/pathmatch.h"

static const struct {
	const char *name, *base, *path, *want;
} norm_rows[] = {
	{ "absolute stays", "/cwd", "/etc/passwd", "/etc/passwd" },
	{ "relative joins the base", "/home/u", "a/b", "/home/u/a/b" },
	{ "dot components dropped", "/x", "./a/./b/.", "/x/a/b" },
	{ "dotdot removes one", "/x/y", "../z", "/x/z" },
	{ "dotdot at the root stays", "/", "../../etc", "/etc" },
	{ "double slashes", "/", "//usr///lib//", "/usr/lib" },
	{ "trailing slash dropped", "/", "/tmp/", "/tmp" },
	{ "empty relative path is the base", "/srv/data", "", "/srv/data" },
	{ "everything up to the root", "/a/b", "../..", "/" },
	{ "dotdot in the base", "/a/../b", "c", "/b/c" },
	{ "names that only start with dots", "/", "/..a/.b/...", "/..a/.b/..." },
};

START_TEST(normalize_table)
{
	char out[4096];
	int n = path_normalize(norm_rows[_i].base, norm_rows[_i].path, out, sizeof(out));

	ck_assert_msg(n >= 0, "%s: error %d", norm_rows[_i].name, n);
	ck_assert_msg(strcmp(out, norm_rows[_i].want) == 0, "%s: got '%s'", norm_rows[_i].name,
		      out);
	ck_assert_int_eq(n, (int)strlen(out));
}
END_TEST

START_TEST(normalize_errors)
{
	char small[8], out[64];

	ck_assert_int_eq(path_normalize("/", "/a/very/long/path", small, sizeof(small)),
			 -ENAMETOOLONG);
	ck_assert_int_eq(path_normalize("relative", "x", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(path_normalize("/", "/", out, 2), 1);
	ck_assert_int_eq(path_normalize("/", "/", out, 1), -ENAMETOOLONG);
}
END_TEST

static const struct {
	const char *pattern, *path;
	bool match;
} glob_rows[] = {
	{ "/etc/ld.so.cache", "/etc/ld.so.cache", true },
	{ "/etc/ld.so.cache", "/etc/ld.so.cachex", false },
	{ "/usr/**", "/usr", true },
	{ "/usr/**", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
	{ "/usr/**", "/usrx/lib", false },
	{ "/usr/**", "/", false },
	{ "/srv/data/*.txt", "/srv/data/a.txt", true },
	{ "/srv/data/*.txt", "/srv/data/sub/a.txt", false },
	{ "/srv/data/*.txt", "/srv/data/.txt", true },
	{ "/a/**/b", "/a/b", true },
	{ "/a/**/b", "/a/x/y/b", true },
	{ "/a/**/b", "/a/x/y/c", false },
	{ "/a/**/b/**", "/a/x/b/y/z", true },
	{ "/a/**/b/c", "/a/b/x/b/c", true },
	{ "/**", "/", true },
	{ "/**", "/anything/at/all", true },
	{ "/", "/", true },
	{ "/", "/a", false },
	{ "/a/?", "/a/b", true },
	{ "/a/?", "/a/bc", false },
	{ "/a/[bc]d", "/a/cd", true },
	{ "/a/[!bc]d", "/a/cd", false },
	{ "/a/[!bc]d", "/a/xd", true },
	{ "/a/[^bc]d", "/a/xd", true },
	{ "/a/[a-f]*", "/a/echo", true },
	{ "/a/[a-f]*", "/a/zulu", false },
	{ "/a/[]]", "/a/]", true },
	{ "/a*b*c", "/axxbyyc", true },
	{ "/a*b*c", "/axxbyy", false },
	{ "/*", "/a/b", false },
	{ "/a/*", "/a", false },
	{ "/lib*/**", "/lib64/ld-linux-x86-64.so.2", true },
	{ "/x/*/*/z", "/x/1/2/z", true },
	{ "/x/*/*/z", "/x/1/z", false },
	/* worst-case backtracking stays fast */
	{ "/**/**/**/**/**/**/**/**/x", "/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/y",
	  false },
	{ "/*a*a*a*a*a*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  false },
};

START_TEST(glob_table)
{
	bool got = path_glob_match(glob_rows[_i].pattern, glob_rows[_i].path);

	ck_assert_msg(got == glob_rows[_i].match, "'%s' vs '%s': got %d", glob_rows[_i].pattern,
		      glob_rows[_i].path, got);
}
END_TEST

START_TEST(pattern_lists)
{
	char *pats[] = { "/usr/**", "/etc/ld.so.cache", "!/usr/secret/**" };
	char *only_negative[] = { "!/etc/shadow" };

	ck_assert(path_patterns_match(pats, 3, "/usr/lib/libc.so"));
	ck_assert(path_patterns_match(pats, 3, "/etc/ld.so.cache"));
	ck_assert(!path_patterns_match(pats, 3, "/usr/secret/key"));
	ck_assert(!path_patterns_match(pats, 3, "/etc/shadow"));
	ck_assert(!path_patterns_match(only_negative, 1, "/etc/passwd"));
	ck_assert(!path_patterns_match(pats, 0, "/usr/lib"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pathmatch");
	TCase *tc = tcase_create("pathmatch");

	tcase_add_loop_test(tc, normalize_table, 0, (int)ARRAY_SIZE(norm_rows));
	tcase_add_test(tc, normalize_errors);
	tcase_add_loop_test(tc, glob_table, 0, (int)ARRAY_SIZE(glob_rows));
	tcase_add_test(tc, pattern_lists);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
