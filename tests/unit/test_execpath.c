/* SPDX-License-Identifier: Apache-2.0 */
/* execpath_find(): the program a command names, as execvp() finds it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../sys/execpath.h"
#include "testutil.h"

#define DIR_TEMPLATE "/tmp/callgate-test-XXXXXX"
static char dir[] = DIR_TEMPLATE;

/* dir/a/prog (not executable), dir/b/prog (executable), dir/b/sub/ (a
 * directory), dir/c/prog (executable) */
static void setup(void)
{
	static const struct {
		const char *path;
		mode_t mode; /* 0: a directory */
	} tree[] = {
		{ "a", 0 },	    { "a/prog", 0644 },	  { "b", 0 },
		{ "b/prog", 0755 }, { "b/sub", 0 },	  { "c", 0 },
		{ "c/prog", 0755 }, { "c/only-c", 0755 }, { "a/only-a", 0644 },
	};
	char p[PATH_MAX];

	ck_assert_msg(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	for (size_t i = 0; i < ARRAY_SIZE(tree); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, tree[i].path);
		if (!tree[i].mode) {
			ck_assert_int_eq(mkdir(p, 0755), 0);
		} else {
			int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, tree[i].mode);

			ck_assert_int_ge(fd, 0);
			close(fd);
		}
	}
}

static void teardown(void)
{
	static const char *const tree[] = { "c/only-c", "c/prog",   "c",      "b/sub", "b/prog",
					    "b",	"a/only-a", "a/prog", "a" };
	char p[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(tree); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, tree[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
	rmdir(dir);
	memcpy(dir, DIR_TEMPLATE, sizeof(dir));
}

/* execpath_find(@cmd) with PATH=@path ("%s" stands for the test's
 * directory; NULL: unset). */
static int find(const char *path, const char *cmd, char *buf, size_t size)
{
	char env[4 * PATH_MAX];

	if (path) {
		size_t n = 0;

		for (const char *p = path; *p && n + sizeof(dir) < sizeof(env); p++) {
			if (p[0] == '%' && p[1] == 's') {
				memcpy(env + n, dir, strlen(dir));
				n += strlen(dir);
				p++;
			} else {
				env[n++] = *p;
			}
		}
		env[n] = '\0';
		setenv("PATH", env, 1);
	} else {
		unsetenv("PATH");
	}
	return execpath_find(cmd, buf, size);
}

static void expect_found(const char *path, const char *cmd, const char *want_rel)
{
	char buf[PATH_MAX] = "", want[PATH_MAX];
	int r = find(path, cmd, buf, sizeof(buf));

	snprintf(want, sizeof(want), "%s/%s", dir, want_rel);
	ck_assert_msg(r == 0, "PATH=%s %s: %d", path, cmd, r);
	ck_assert_str_eq(buf, want);
}

static void expect_error(const char *path, const char *cmd, int want)
{
	char buf[PATH_MAX] = "untouched";
	int r = find(path, cmd, buf, sizeof(buf));

	ck_assert_msg(r == want, "PATH=%s %s: %d, want %d", path, cmd, r, want);
	ck_assert_str_eq(buf, "untouched");
}

START_TEST(search_in_order)
{
	expect_found("%s/b:%s/c", "prog", "b/prog");
	expect_found("%s/c:%s/b", "prog", "c/prog");
	expect_found("%s/a:%s/b:%s/c", "only-c", "c/only-c");
	expect_error("%s/b", "missing", -ENOENT);
	expect_error("%s/b", "", -ENOENT);
}
END_TEST

START_TEST(not_executable_is_skipped_then_reported)
{
	/* as execvp(): a file we may not execute is passed over... */
	expect_found("%s/a:%s/b", "prog", "b/prog");
	/* ...and reported (126, not 127) if nothing else is found */
	expect_error("%s/a", "prog", -EACCES);
	expect_error("%s/a:%s/b", "only-a", -EACCES);
	/* a directory of that name is not a program at all */
	expect_error("%s/b", "sub", -ENOENT);
}
END_TEST

START_TEST(a_slash_means_no_search)
{
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "%s/b/prog", dir);
	expect_found("%s/c", cmd, "b/prog");
	snprintf(cmd, sizeof(cmd), "%s/a/prog", dir);
	expect_error("%s/b", cmd, -EACCES);
	snprintf(cmd, sizeof(cmd), "%s/b/sub", dir);
	expect_error("%s/b", cmd, -EACCES);
	snprintf(cmd, sizeof(cmd), "%s/b/none", dir);
	expect_error("%s/b", cmd, -ENOENT);
}
END_TEST

START_TEST(empty_entry_is_the_working_directory)
{
	char buf[PATH_MAX], cwd[PATH_MAX], b[PATH_MAX];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(b, sizeof(b), "%s/b", dir);
	ck_assert_int_eq(chdir(b), 0);
	ck_assert_int_eq(find(":%s/c", "prog", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "prog");
	ck_assert_int_eq(find("%s/a:", "prog", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "prog");
	ck_assert_int_eq(find("%s/a::%s/c", "prog", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "prog");
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(default_path_and_short_buffer)
{
	char buf[PATH_MAX], small[4] = "abc";

	/* PATH unset or empty: /usr/local/bin:/usr/bin:/bin */
	ck_assert_int_eq(find(NULL, "sh", buf, sizeof(buf)), 0);
	ck_assert_msg(strcmp(buf, "/usr/bin/sh") == 0 || strcmp(buf, "/bin/sh") == 0 ||
			      strcmp(buf, "/usr/local/bin/sh") == 0,
		      "%s", buf);
	ck_assert_int_eq(find("", "sh", buf, sizeof(buf)), 0);
	ck_assert_int_eq(find(NULL, "sh", small, sizeof(small)), -ENAMETOOLONG);
	ck_assert_str_eq(small, "abc");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("execpath");
	TCase *tc = tcase_create("execpath");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, search_in_order);
	tcase_add_test(tc, not_executable_is_skipped_then_reported);
	tcase_add_test(tc, a_slash_means_no_search);
	tcase_add_test(tc, empty_entry_is_the_working_directory);
	tcase_add_test(tc, default_path_and_short_buffer);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
