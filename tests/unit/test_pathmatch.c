/* SPDX-License-Identifier: Apache-2.0 */
/* Path normalisation, path globs, socket addresses and their patterns. */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "testutil.h"

#include "callgate/addrmatch.h"
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

static void mk_in(struct cg_sockaddr *a, const char *ip, uint16_t port)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET, ip, &in.sin_addr), 1);
	ck_assert_int_eq(sockaddr_decode(&in, sizeof(in), a), 0);
}

static void mk_in6(struct cg_sockaddr *a, const char *ip, uint16_t port)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1);
	ck_assert_int_eq(sockaddr_decode(&in6, sizeof(in6), a), 0);
}

static void mk_un(struct cg_sockaddr *a, const char *path, bool abstract)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	size_t n = strlen(path);

	memcpy(un.sun_path + abstract, path, n);
	ck_assert_int_eq(
		sockaddr_decode(&un, offsetof(struct sockaddr_un, sun_path) + n + abstract, a), 0);
}

START_TEST(address_matching)
{
	struct cg_sockaddr a;
	char buf[128];
	struct {
		const char *pattern;
		bool match;
	} v4[] = {
		{ "inet:127.0.0.0/8:5432", true }, { "inet:127.0.0.1:5432", true },
		{ "inet:127.0.0.1:5433", false },  { "inet:10.0.0.0/8:*", false },
		{ "inet:*:5432", true },	   { "inet:127.0.0.1:5000-6000", true },
		{ "inet:0.0.0.0/0:*", true },	   { "inet6:[::1]:*", false },
	};

	mk_in(&a, "127.0.0.1", 5432);
	for (size_t i = 0; i < ARRAY_SIZE(v4); i++)
		ck_assert_msg(address_pattern_match(v4[i].pattern, &a) == v4[i].match, "%s",
			      v4[i].pattern);
	ck_assert_int_gt(sockaddr_format(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "inet:127.0.0.1:5432");

	mk_in6(&a, "::1", 80);
	ck_assert(address_pattern_match("inet6:[::1]:*", &a));
	ck_assert(address_pattern_match("inet6:[::]/0:80", &a));
	ck_assert(!address_pattern_match("inet6:[fe80::]/10:*", &a));
	ck_assert(!address_pattern_match("inet:127.0.0.1:80", &a));
	sockaddr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "inet6:[::1]:80");

	/* a v4-mapped address is the IPv4 host it carries */
	mk_in6(&a, "::ffff:10.1.2.3", 443);
	ck_assert(address_pattern_match("inet:10.0.0.0/8:443", &a));
	{
		char *deny_private[] = { "inet:*:*", "!inet:10.0.0.0/8:*" };

		ck_assert(!address_patterns_match(deny_private, 2, &a));
	}

	mk_un(&a, "/run/app.sock", false);
	ck_assert(address_pattern_match("unix:/run/app.sock", &a));
	ck_assert(address_pattern_match("unix:/run/*.sock", &a));
	ck_assert(!address_pattern_match("unix:@app.sock", &a));
	mk_un(&a, "app-socket", true);
	ck_assert(address_pattern_match("unix:@app-*", &a));
	ck_assert(!address_pattern_match("unix:/app-socket", &a));
	sockaddr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "unix:@app-socket");
}
END_TEST

START_TEST(address_decode_errors)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct cg_sockaddr a;
	char abs_with_nul[] = { AF_UNIX, 0, 0, 'a', 0, 'b' };

	ck_assert_int_eq(sockaddr_decode(&in, sizeof(in) - 1, &a), -EINVAL);
	ck_assert_int_eq(sockaddr_decode(&in, 1, &a), -EINVAL);
	ck_assert_int_eq(sockaddr_decode(abs_with_nul, sizeof(abs_with_nul), &a), -EINVAL);
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
	tcase_add_test(tc, address_matching);
	tcase_add_test(tc, address_decode_errors);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
