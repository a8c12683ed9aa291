/* SPDX-License-Identifier: Apache-2.0 */
/*
 * adv_text D FORBIDDEN_INO: path calls whose text names an allowed place
 * ($D/ok/...) but whose object, as the kernel resolves it, is in the
 * forbidden directory $D/no.  D/ok/ln -> D/no, D/ok/deep -> D/no/sub (so
 * D/ok/deep/../X is D/no/X for the kernel, D/ok/X as text), and D/ok/sl_*
 * are symlinks to files in D/no.  Each attack prints
 *   "attack GROUP OBJECT rc R errno E seen S"
 * where OBJECT names the object in D/no (or D/ok for link) whose change the
 * test checks from outside, and S is 1 when the call itself revealed the
 * forbidden object (stat's inode is FORBIDDEN_INO, readlink's target,
 * access, getxattr, a read of "forbidden", a program run).  Then the
 * allowed variants in D/ok: "allowed N of M".  fd 7, when open, is an fd of
 * D/no/lk4 (linkat AT_EMPTY_PATH).
 *
 * adv_text getxattr PATH NAME / setxattr PATH NAME VALUE: helpers the
 * test runs outside callgate (exit 0 when present / set, 1 otherwise).
 */
#include <errno.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include "adv.h"

#define UTIME_SECS 123456789

static const char *D;
static unsigned long long forb_ino;
static int okfd = -1;

static const char *L(const char *x)
{
	static char b[8][4200];
	static int i;

	i = (i + 1) & 7;
	snprintf(b[i], sizeof(b[i]), "%s/ok/ln/%s", D, x);
	return b[i];
}

static const char *U(const char *x)
{
	static char b[8][4200];
	static int i;

	i = (i + 1) & 7;
	snprintf(b[i], sizeof(b[i]), "%s/ok/deep/../%s", D, x);
	return b[i];
}

static const char *OK(const char *x)
{
	static char b[8][4200];
	static int i;

	i = (i + 1) & 7;
	snprintf(b[i], sizeof(b[i]), "%s/ok/%s", D, x);
	return b[i];
}

static void report(const char *group, const char *obj, long rc, int seen)
{
	int e = rc < 0 ? errno : 0;

	printf("attack %s %s rc %ld errno %s seen %d\n", group, obj, rc,
	       e ? strerrorname_np(e) ?: "?" : "0", seen);
}

static void stat_attack(const char *group, const char *obj, const char *path, int how)
{
	struct stat st;
	struct statx sx;
	unsigned long long ino = 0;
	int r;

	switch (how) {
	case 0: r = stat(path, &st); break;
	case 1: r = lstat(path, &st); break;
	case 2: r = fstatat(AT_FDCWD, path, &st, 0); break;
	default:
		r = statx(AT_FDCWD, path, 0, STATX_INO, &sx);
		st.st_ino = sx.stx_ino;
		break;
	}
	if (r == 0)
		ino = st.st_ino;
	report(group, obj, r, r == 0 && ino == forb_ino);
}

static void readlink_attack(const char *obj, int dirfd, const char *path)
{
	char b[256] = "";
	ssize_t n = readlinkat(dirfd, path, b, sizeof(b) - 1);

	report("readlink", obj, n, n > 0 && strstr(b, "SECRET-TARGET") != NULL);
}

static void open_attack(const char *group, const char *obj, const char *path)
{
	int fd = open(path, O_RDONLY), c = 0;

	if (fd >= 0) {
		c = adv_fd_content(fd);
		close(fd);
	}
	report(group, obj, fd, c == 1);
}

static void exec_attack(const char *obj, const char *path)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		char *args[] = { (char *)path, NULL };

		execve(path, args, args + 1);
		_exit(99);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	errno = 0;
	report("execve", obj, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* chroot into D/ok/ln in a child, then read /secret there */
static void chroot_attack(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		int fd, c = 0;

		if (chroot(L("")) < 0)
			_exit(2);
		fd = open("/secret", O_RDONLY);
		if (fd >= 0)
			c = adv_fd_content(fd);
		_exit(c == 1 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	errno = 0;
	report("chroot", "secret", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int xattr_helper(int argc, char **argv)
{
	char b[64];

	if (strcmp(argv[1], "getxattr") == 0 && argc == 4)
		return getxattr(argv[2], argv[3], b, sizeof(b)) >= 0 ? 0 : 1;
	if (strcmp(argv[1], "setxattr") == 0 && argc == 5)
		return setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) == 0 ? 0 : 1;
	return 2;
}

static int allowed_variants(void)
{
	struct timespec times[2] = { { UTIME_SECS, 0 }, { UTIME_SECS, 0 } };
	struct stat st;
	int n = 0, m = 0;

#define TRY(call)                 \
	do {                      \
		m++;              \
		n += (call) == 0; \
	} while (0)
	TRY(mkdir(OK("newdir"), 0755));
	TRY(rmdir(OK("newdir")));
	TRY(unlink(OK("del")));
	TRY(rename(OK("r_a"), OK("r_b")));
	TRY(chmod(OK("hello"), 0640));
	TRY(stat(OK("hello"), &st));
	TRY(symlink("x", OK("newlink")));
	TRY(truncate(OK("tr_ok"), 0));
	TRY(utimensat(AT_FDCWD, OK("hello"), times, 0));
	TRY(access(OK("hello"), R_OK));
#undef TRY
	printf("allowed %d of %d\n", n, m);
	return n;
}

int main(int argc, char **argv)
{
	struct timespec times[2] = { { UTIME_SECS, 0 }, { UTIME_SECS, 0 } };
	char b[256];
	uid_t uid = getuid();
	gid_t gid = getgid();
	long r;

	if (argc >= 4 && strstr(argv[1], "xattr"))
		return xattr_helper(argc, argv);
	if (argc != 3)
		return 2;
	D = argv[1];
	forb_ino = strtoull(argv[2], NULL, 10);
	okfd = open(OK(""), O_RDONLY | O_DIRECTORY);

	report("unlink", "u1", unlink(L("u1")), 0);
	report("unlink", "u2", unlink(U("u2")), 0);
	report("unlink", "u3", unlinkat(okfd, "ln/u3", 0), 0);
	report("rmdir", "d1", rmdir(L("d1")), 0);
	report("rmdir", "d2", rmdir(U("d2")), 0);
	report("rmdir", "d3", unlinkat(okfd, "ln/d3", AT_REMOVEDIR), 0);
	report("mkdir", "m1", mkdir(L("m1"), 0755), 0);
	report("mkdir", "m2", mkdir(U("m2"), 0755), 0);
	report("mkdir", "m3", mkdirat(okfd, "ln/m3", 0755), 0);
	report("mknod", "f1", mknod(L("f1"), S_IFIFO | 0644, 0), 0);
	report("mknod", "f2", mknodat(AT_FDCWD, U("f2"), S_IFIFO | 0644, 0), 0);
	report("rename-in", "ri1", rename(OK("ri1"), L("ri1")), 0);
	report("rename-in", "ri2", rename(OK("ri2"), U("ri2")), 0);
	report("rename-in", "ri3", renameat(okfd, "ri3", okfd, "ln/ri3"), 0);
	report("rename-out", "ro1", rename(L("ro1"), OK("ro1")), 0);
	report("rename-out", "ro2", rename(U("ro2"), OK("ro2")), 0);
	snprintf(b, sizeof(b), "%s/no/ro3", D);
	report("rename-out", "ro3", rename(b, OK("ro3")), 0);
	report("rename-out", "ro4", renameat2(okfd, "ln/ro4", okfd, "ro4", RENAME_NOREPLACE), 0);
	report("exchange", "ex", renameat2(AT_FDCWD, OK("ex"), AT_FDCWD, L("ex"), RENAME_EXCHANGE),
	       0);
	report("link", "lk1", link(L("lk1"), OK("lk1")), 0);
	snprintf(b, sizeof(b), "%s/no/lk2", D);
	report("link", "lk2", link(b, OK("lk2")), 0);
	report("link", "lk3",
	       linkat(AT_FDCWD, OK("sl_lk3"), AT_FDCWD, OK("lk3"), AT_SYMLINK_FOLLOW), 0);
	if (fcntl(7, F_GETFD) >= 0)
		report("link", "lk4", linkat(7, "", AT_FDCWD, OK("lk4"), AT_EMPTY_PATH), 0);
	report("symlink", "sy1", symlink("x", L("sy1")), 0);
	report("symlink", "sy2", symlink("x", U("sy2")), 0);
	report("symlink", "sy3", symlinkat("x", okfd, "ln/sy3"), 0);
	report("chmod", "cm1", chmod(L("cm1"), 0600), 0);
	report("chmod", "cm2", chmod(OK("sl_cm2"), 0600), 0);
	report("chmod", "cm3", fchmodat(AT_FDCWD, U("cm3"), 0600, 0), 0);
	report("chown", "co1", chown(L("co1"), uid, gid), 0);
	report("chown", "co2", fchownat(AT_FDCWD, U("co2"), uid, gid, 0), 0);
	report("chown", "co3", lchown(L("co3"), uid, gid), 0);
	report("truncate", "tr1", truncate(L("tr1"), 0), 0);
	report("truncate", "tr2", truncate(OK("sl_tr2"), 0), 0);
	report("utimes", "ut1", utimensat(AT_FDCWD, L("ut1"), times, 0), 0);
	{
		struct timeval tv[2] = { { UTIME_SECS, 0 }, { UTIME_SECS, 0 } };

		report("utimes", "ut2", utimes(U("ut2"), tv), 0);
	}
	report("utimes", "ut3", utimensat(AT_FDCWD, OK("sl_ut3"), times, 0), 0);
	report("setxattr", "xa1", setxattr(L("xa1"), "user.x", "1", 1, 0), 0);
	report("setxattr", "xa2", lsetxattr(U("xa2"), "user.x", "1", 1, 0), 0);
	report("removexattr", "xa3", removexattr(L("xa3"), "user.keep"), 0);
	stat_attack("stat", "secret", L("secret"), 0);
	stat_attack("stat", "secret", U("secret"), 0);
	stat_attack("stat", "secret", OK("sl"), 0);
	stat_attack("stat", "secret", L("secret"), 1);
	stat_attack("stat", "secret", U("secret"), 1);
	stat_attack("stat", "secret", L("secret"), 2);
	stat_attack("stat", "secret", OK("sl"), 2);
	stat_attack("stat", "secret", L("secret"), 3);
	stat_attack("stat", "secret", OK("sl"), 3);
	readlink_attack("rl", AT_FDCWD, L("rl"));
	readlink_attack("rl", AT_FDCWD, U("rl"));
	readlink_attack("rl", okfd, "ln/rl");
	r = access(L("secret"), R_OK);
	report("access", "secret", r, r == 0);
	r = faccessat(AT_FDCWD, U("secret"), R_OK, 0);
	report("access", "secret", r, r == 0);
	r = syscall(SYS_faccessat2, AT_FDCWD, OK("sl"), R_OK, 0);
	report("access", "secret", r, r == 0);
	r = getxattr(L("xr"), "user.secret", b, sizeof(b));
	report("getxattr", "xr", r, r > 0);
	r = lgetxattr(U("xr"), "user.secret", b, sizeof(b));
	report("getxattr", "xr", r, r > 0);
	memset(b, 0, sizeof(b));
	r = listxattr(L("xr"), b, sizeof(b) - 1);
	report("getxattr", "xr", r, r > 0 && memmem(b, (size_t)r, "user.secret", 11) != NULL);
	open_attack("open", "secret", L("secret"));
	open_attack("open", "secret", U("secret"));
	open_attack("open", "secret", OK("sl"));
	r = chdir(L(""));
	if (r == 0) {
		open_attack("chdir", "secret", "secret");
		open_attack("chdir", "secret", "../no/secret");
		fchdir(okfd);
	} else {
		report("chdir", "secret", r, 0);
	}
	exec_attack("prog", L("prog"));
	exec_attack("prog", U("prog"));
	if (uid == 0)
		chroot_attack();
	allowed_variants();
	return 0;
}
