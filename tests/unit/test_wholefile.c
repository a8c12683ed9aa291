/* SPDX-License-Identifier: Apache-2.0 */
/* wholefile_write(): a file written whole or not at all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../sys/wholefile.h"
#include "testutil.h"

static char dir[] = "/tmp/callgate-test-XXXXXX";

static void setup(void)
{
	strcpy(dir, "/tmp/callgate-test-XXXXXX");
	ck_assert_msg(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static size_t entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void read_back(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, size - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
}

START_TEST(writes_and_replaces)
{
	char p[PATH_MAX], buf[64];
	struct stat st;
	mode_t old = umask(022);

	snprintf(p, sizeof(p), "%s/profile.json", dir);
	ck_assert_int_eq(wholefile_write(p, "first\n"), 0);
	read_back(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "first\n");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(wholefile_write(p, "second\n"), 0);
	read_back(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "second\n");
	ck_assert_uint_eq(entries(), 1); /* no temporary left */
	umask(old);
}
END_TEST

/* A link at the path is replaced, the file it names left alone. */
START_TEST(link_replaced_not_followed)
{
	char p[PATH_MAX], victim[PATH_MAX], buf[64];
	struct stat st;

	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(p, sizeof(p), "%s/out", dir);
	ck_assert_int_eq(wholefile_write(victim, "keep\n"), 0);
	ck_assert_int_eq(symlink(victim, p), 0);
	ck_assert_int_eq(wholefile_write(p, "new\n"), 0);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	read_back(victim, buf, sizeof(buf));
	ck_assert_str_eq(buf, "keep\n");
}
END_TEST

/* A name planted where the temporary goes is refused, not written
 * through; the path keeps its old content. */
START_TEST(planted_temporary_refused)
{
	char p[PATH_MAX], tmp[PATH_MAX + 32], victim[PATH_MAX], buf[64];

	snprintf(p, sizeof(p), "%s/out", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", p, (long)getpid());
	ck_assert_int_eq(wholefile_write(p, "old\n"), 0);
	ck_assert_int_eq(wholefile_write(victim, "keep\n"), 0);
	ck_assert_int_eq(symlink(victim, tmp), 0);
	ck_assert_int_eq(wholefile_write(p, "new\n"), -EEXIST);
	read_back(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "old\n");
	read_back(victim, buf, sizeof(buf));
	ck_assert_str_eq(buf, "keep\n");
}
END_TEST

START_TEST(errors)
{
	char p[PATH_MAX], longp[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/no/such/dir", dir);
	ck_assert_int_eq(wholefile_write(p, "x"), -ENOENT);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(wholefile_write(longp, "x"), -ENAMETOOLONG);
	ck_assert_uint_eq(entries(), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wholefile");
	TCase *tc = tcase_create("wholefile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, writes_and_replaces);
	tcase_add_test(tc, link_replaced_not_followed);
	tcase_add_test(tc, planted_temporary_refused);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
