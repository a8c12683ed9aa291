/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kcmp DIR: path syscalls, one per case, each on fixtures it builds itself
 * in a fresh subdirectory DIR/CASE.  Prints one line per case:
 *   CASE ret=R errno=NAME [what the call produced]
 * with nothing that differs between two runs (no addresses, times, inode
 * or fd numbers: only comparisons), so that a run under callgate can be
 * diffed, line by line, against a bare one.  The call itself is made with
 * syscall() so that libc picks no other call for it.
 *
 * Cases that need a file of another user (sticky directories, the
 * fs.protected_* sysctls, chown to another uid) run their call in a child
 * that takes uid and gid RUNNER_UID, on fixtures owned by OTHER_UID; they
 * print "skipped=not-root" when the program is not root.
 *
 * kcmp -1 mkdir PATH: one raw mkdir(PATH, 0777), printed the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
/* the legacy calls, where the ABI has them; elsewhere ENOSYS either way */
#ifndef SYS_open
#define SYS_open     -1
#define SYS_creat    -1
#define SYS_mkdir    -1
#define SYS_mknod    -1
#define SYS_unlink   -1
#define SYS_rmdir    -1
#define SYS_rename   -1
#define SYS_link     -1
#define SYS_symlink  -1
#define SYS_chmod    -1
#define SYS_chown    -1
#define SYS_lchown   -1
#define SYS_utimes   -1
#define SYS_stat     -1
#define SYS_lstat    -1
#define SYS_access   -1
#define SYS_readlink -1
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE	 (1 << 1)
#endif
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif

#define OTHER_UID  1000	 /* owns the other-user fixtures */
#define RUNNER_UID 65534 /* the uid a root run makes those calls as */

static const char *cur;	       /* the case being run */
static long R;		       /* the call's result */
static int E;		       /* and its errno (0 on success) */
static char xb[4096];	       /* what the case prints after ret and errno */
static size_t xl;	       /* length of xb */
static char fixfail[256];      /* the first fixture step that failed */
static int printed;	       /* the case has printed its line */
static char casedir[PATH_MAX]; /* absolute path of the case directory */

#define SC(...) (errno = 0, R = syscall(__VA_ARGS__), E = R < 0 ? errno : 0)

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" },	    { ENOENT, "ENOENT" },	  { EIO, "EIO" },
	{ ENXIO, "ENXIO" },	    { E2BIG, "E2BIG" },		  { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },	    { ENOMEM, "ENOMEM" },	  { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },	    { EBUSY, "EBUSY" },		  { EEXIST, "EEXIST" },
	{ EXDEV, "EXDEV" },	    { ENODEV, "ENODEV" },	  { ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" },	    { EINVAL, "EINVAL" },	  { ETXTBSY, "ETXTBSY" },
	{ EFBIG, "EFBIG" },	    { ENOSPC, "ENOSPC" },	  { EROFS, "EROFS" },
	{ EMLINK, "EMLINK" },	    { ERANGE, "ERANGE" },	  { ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" },	    { ENOTEMPTY, "ENOTEMPTY" },	  { ELOOP, "ELOOP" },
	{ ENODATA, "ENODATA" },	    { EOPNOTSUPP, "EOPNOTSUPP" }, { EOVERFLOW, "EOVERFLOW" },
	{ ECANCELED, "ECANCELED" },
};

static const char *ename(int e)
{
	static char buf[16];

	if (e == 0)
		return "0";
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

__attribute__((format(printf, 1, 2))) static void x(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (xl >= sizeof(xb) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(xb + xl, sizeof(xb) - xl, fmt, ap);
	va_end(ap);
	if (n > 0)
		xl += (size_t)n < sizeof(xb) - xl ? (size_t)n : sizeof(xb) - xl - 1;
}

/* a fixture step: remembers the first that failed */
static int fix(int ok, const char *what)
{
	if (!ok && !fixfail[0])
		snprintf(fixfail, sizeof(fixfail), "%s:%s", what, ename(errno));
	return ok;
}

static void mkf(const char *path, const char *content)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (!fix(fd >= 0, path))
		return;
	fix(write(fd, content, strlen(content)) == (ssize_t)strlen(content), path);
	close(fd);
}

static void mkd(const char *path)
{
	fix(mkdir(path, 0755) == 0, path);
}

static void mks(const char *target, const char *path)
{
	fix(symlink(target, path) == 0, path);
}

static void mkfifo_(const char *path)
{
	fix(mkfifo(path, 0644) == 0, path);
}

/* the case's line: name, result, errno and what the case added */
static void out(void)
{
	if (fixfail[0])
		printf("%s fixture-failed=%s\n", cur, fixfail);
	else
		printf("%s ret=%ld errno=%s%s\n", cur, R, ename(E), xb);
	fflush(stdout);
	printed = 1;
}

static void skipped(const char *why)
{
	printf("%s skipped=%s\n", cur, why);
	fflush(stdout);
	printed = 1;
}

/* a result that is an fd: printed as "fd", then closed */
static void outfd(void)
{
	if (fixfail[0] || R < 0) {
		out();
		return;
	}
	printf("%s ret=fd errno=0%s\n", cur, xb);
	fflush(stdout);
	printed = 1;
	close((int)R);
}

static const char *ftype(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "reg";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "lnk";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "sock";
	case S_IFCHR: return "chr";
	case S_IFBLK: return "blk";
	}
	return "?";
}

static void xmeta(const char *label, mode_t mode, long long size, unsigned long nlink, uid_t uid)
{
	x(" %s=%s,%04o", label, ftype(mode), (unsigned)(mode & 07777));
	if (!S_ISDIR(mode))
		x(",size=%lld", size);
	x(",nlink=%lu,uid=%u", nlink, (unsigned)uid);
}

/* what is at PATH now (not following a last symlink) */
static void xobj(const char *label, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		x(" %s=%s", label, ename(errno));
		return;
	}
	xmeta(label, st.st_mode, (long long)st.st_size, (unsigned long)st.st_nlink, st.st_uid);
}

static void xescaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > ' ' && c < 127 && c != '\\')
			x("%c", c);
		else
			x("\\x%02x", c);
	}
}

/* the first bytes of the file at PATH */
static void xcontent(const char *label, const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0) {
		x(" %s=%s", label, ename(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		x(" %s=%s", label, ename(errno));
		return;
	}
	x(" %s='", label);
	xescaped(buf, (size_t)n);
	x("'");
}

/* the open file R: type, mode, whether it is EXPECT, and its content */
static void xfd(const char *expect)
{
	struct stat st, ex;
	char buf[64];
	ssize_t n;

	if (R < 0 || fixfail[0])
		return;
	if (fstat((int)R, &st) < 0) {
		x(" fstat=%s", ename(errno));
		return;
	}
	xmeta("fd", st.st_mode, (long long)st.st_size, (unsigned long)st.st_nlink, st.st_uid);
	if (expect)
		x(" same=%s",
		  stat(expect, &ex) == 0 && ex.st_dev == st.st_dev && ex.st_ino == st.st_ino
			  ? "yes"
			  : "no");
	if (S_ISREG(st.st_mode) && (n = pread((int)R, buf, sizeof(buf), 0)) >= 0) {
		x(" content='");
		xescaped(buf, (size_t)n);
		x("'");
	}
}

/* the type of the open file R only (/proc's link count varies) */
static void xtype(void)
{
	struct stat st;

	if (R >= 0 && !fixfail[0])
		x(" fd=%s", fstat((int)R, &st) == 0 ? ftype(st.st_mode) : ename(errno));
}

/* a stat buffer the call filled: stable fields, and whether it is EXPECT
 * (followed or not) */
static void xstat(const struct stat *st, const char *expect, int follow)
{
	struct stat ex;
	int r;

	if (R < 0)
		return;
	xmeta("st", st->st_mode, (long long)st->st_size, (unsigned long)st->st_nlink, st->st_uid);
	r = follow ? stat(expect, &ex) : lstat(expect, &ex);
	x(" same=%s", r == 0 && ex.st_ino == st->st_ino && ex.st_dev == st->st_dev ? "yes" : "no");
}

static void xstatx(const struct statx *sx, const char *expect, int follow)
{
	struct stat ex;
	int r;

	if (R < 0)
		return;
	x(" mask=%s",
	  (sx->stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS ? "basic" : "partial");
	xmeta("stx", sx->stx_mode, (long long)sx->stx_size, (unsigned long)sx->stx_nlink,
	      sx->stx_uid);
	r = follow ? stat(expect, &ex) : lstat(expect, &ex);
	x(" same=%s", r == 0 && ex.st_ino == sx->stx_ino && major(ex.st_dev) == sx->stx_dev_major &&
				      minor(ex.st_dev) == sx->stx_dev_minor
			      ? "yes"
			      : "no");
}

static int sysctl_value(const char *name)
{
	char path[128];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/proc/sys/fs/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Runs what follows as RUNNER_UID: returns 1 in a child that has taken
 * that uid (it ends with as_other_end()), 0 in the parent once the child
 * is done.  Only for root. */
static int as_other(void)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fix(0, "fork");
		return 0;
	}
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(RUNNER_UID, RUNNER_UID, RUNNER_UID) < 0 ||
		    setresuid(RUNNER_UID, RUNNER_UID, RUNNER_UID) < 0) {
			fix(0, "setuid");
			out();
			_exit(1);
		}
		return 1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	printed = 1;
	return 0;
}

static void as_other_end(void)
{
	fflush(stdout);
	_exit(0);
}

static int need_root(void)
{
	if (geteuid() == 0)
		return 1;
	skipped("not-root");
	return 0;
}

/* a world-writable sticky directory "s" and, in it, NAME owned by OTHER_UID */
static void sticky_fixture(const char *name, int kind)
{
	char path[64];

	mkd("s");
	fix(chmod("s", 01777) == 0, "chmod s");
	snprintf(path, sizeof(path), "s/%s", name);
	if (kind == 'f') {
		mkf(path, "other");
		fix(chmod(path, 0666) == 0, "chmod");
	} else if (kind == 'p') {
		mkfifo_(path);
		fix(chmod(path, 0666) == 0, "chmod");
	} else if (kind == 'l') {
		mkf("t", "target");
		mks("../t", path);
	} else if (kind == '6') {
		mkf(path, "other");
		fix(chmod(path, 0600) == 0, "chmod");
	}
	fix(lchown(path, OTHER_UID, OTHER_UID) == 0, "lchown");
}

static char long_name[300];
static char long_path[PATH_MAX + 64];

/* ---- open, openat, creat --------------------------------------------- */

static void open_existing(void)
{
	mkf("f", "data");
	SC(SYS_openat, AT_FDCWD, "f", O_RDONLY);
	xfd("f");
	outfd();
}

static void open_legacy(void)
{
	mkf("f", "data");
	SC(SYS_open, "f", O_RDONLY);
	xfd("f");
	outfd();
}

static void open_missing(void)
{
	SC(SYS_openat, AT_FDCWD, "missing", O_RDONLY);
	outfd();
}

static void open_missing_parent_creat(void)
{
	SC(SYS_openat, AT_FDCWD, "nodir/f", O_CREAT | O_WRONLY, 0666);
	outfd();
}

static void open_creat_new(void)
{
	SC(SYS_openat, AT_FDCWD, "new", O_CREAT | O_WRONLY, 0666);
	xobj("new", "new");
	outfd();
}

static void open_creat_umask077(void)
{
	umask(077);
	SC(SYS_openat, AT_FDCWD, "new", O_CREAT | O_WRONLY, 0666);
	umask(022);
	xobj("new", "new");
	outfd();
}

static void open_creat_mode_bits(void)
{
	SC(SYS_openat, AT_FDCWD, "new", O_CREAT | O_WRONLY, 07777);
	xobj("new", "new");
	outfd();
}

static void open_excl_existing(void)
{
	mkf("f", "data");
	SC(SYS_openat, AT_FDCWD, "f", O_CREAT | O_EXCL | O_WRONLY, 0644);
	outfd();
}

static void open_excl_dangling(void)
{
	mks("target", "dangling");
	SC(SYS_openat, AT_FDCWD, "dangling", O_CREAT | O_EXCL | O_WRONLY, 0644);
	xobj("target", "target");
	outfd();
}

static void open_creat_dangling(void)
{
	mks("target", "dangling");
	SC(SYS_openat, AT_FDCWD, "dangling", O_CREAT | O_WRONLY, 0640);
	xobj("target", "target");
	outfd();
}

static void open_creat_existing_dir(void)
{
	mkd("d");
	SC(SYS_openat, AT_FDCWD, "d", O_CREAT | O_RDONLY, 0644);
	outfd();
}

static void open_nofollow_symlink(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_openat, AT_FDCWD, "l", O_RDONLY | O_NOFOLLOW);
	outfd();
}

static void open_nofollow_opath(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_openat, AT_FDCWD, "l", O_PATH | O_NOFOLLOW);
	xfd(NULL);
	outfd();
}

static void open_loop(void)
{
	mks("loop2", "loop1");
	mks("loop1", "loop2");
	SC(SYS_openat, AT_FDCWD, "loop1", O_RDONLY);
	outfd();
}

static void open_dir_wronly(void)
{
	mkd("d");
	SC(SYS_openat, AT_FDCWD, "d", O_WRONLY);
	outfd();
}

static void open_directory_on_file(void)
{
	mkf("f", "data");
	SC(SYS_openat, AT_FDCWD, "f", O_RDONLY | O_DIRECTORY);
	outfd();
}

static void open_trailing_slash_file(void)
{
	mkf("f", "data");
	SC(SYS_openat, AT_FDCWD, "f/", O_RDONLY);
	outfd();
}

static void open_creat_trailing_slash(void)
{
	SC(SYS_openat, AT_FDCWD, "new/", O_CREAT | O_WRONLY, 0644);
	xobj("new", "new");
	outfd();
}

static void open_file_as_dir(void)
{
	mkf("f", "data");
	SC(SYS_openat, AT_FDCWD, "f/x", O_RDONLY);
	outfd();
}

static void open_long_component(void)
{
	SC(SYS_openat, AT_FDCWD, long_name, O_CREAT | O_WRONLY, 0644);
	outfd();
}

static void open_path_max(void)
{
	SC(SYS_openat, AT_FDCWD, long_path, O_RDONLY);
	outfd();
}

static void openat_opath_dirfd(void)
{
	int d;

	mkd("d");
	mkf("d/g", "in-d");
	d = open("d", O_PATH | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_openat, d, "g", O_RDONLY);
	xfd("d/g");
	close(d);
	outfd();
}

static void openat_rdonly_dirfd_creat(void)
{
	int d;

	mkd("d");
	d = open("d", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_openat, d, "new", O_CREAT | O_RDWR, 0600);
	xobj("new", "d/new");
	close(d);
	outfd();
}

static void openat_file_dirfd(void)
{
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_openat, f, "x", O_RDONLY);
	close(f);
	outfd();
}

static void openat_bad_dirfd(void)
{
	SC(SYS_openat, 987, "x", O_RDONLY);
	outfd();
}

static void openat_bad_dirfd_absolute(void)
{
	char p[PATH_MAX + 8];

	mkf("f", "data");
	snprintf(p, sizeof(p), "%s/f", casedir);
	SC(SYS_openat, 987, p, O_RDONLY);
	xfd("f");
	outfd();
}

static void openat_fdcwd_after_chdir(void)
{
	char p[400];

	mkf("f", "data");
	snprintf(p, sizeof(p), "%s/f", cur);
	fix(chdir("..") == 0, "chdir ..");
	SC(SYS_openat, AT_FDCWD, p, O_RDONLY);
	xfd(p);
	fix(chdir(cur) == 0, "chdir back");
	outfd();
}

static void open_dotdot(void)
{
	char p[400];

	mkd("d");
	mkf("f", "data");
	snprintf(p, sizeof(p), "d/../../%s/f", cur);
	SC(SYS_openat, AT_FDCWD, p, O_RDONLY);
	xfd("f");
	outfd();
}

static void open_symlink_dotdot(void)
{
	/* "l/.." is the parent of where l leads, not "." */
	mkd("a");
	mkd("a/b");
	mkf("a/f", "in-a");
	mks("a/b", "l");
	SC(SYS_openat, AT_FDCWD, "l/../f", O_RDONLY);
	xfd("a/f");
	outfd();
}

static void creat_existing(void)
{
	mkf("f", "data");
	SC(SYS_creat, "f", 0600);
	xobj("f", "f");
	outfd();
}

static void creat_new(void)
{
	SC(SYS_creat, "new", 0666);
	xobj("new", "new");
	outfd();
}

static void open_trunc(void)
{
	mkf("f", "data");
	SC(SYS_openat, AT_FDCWD, "f", O_WRONLY | O_TRUNC);
	xobj("f", "f");
	outfd();
}

static void open_tmpfile(void)
{
	mkd("d");
	SC(SYS_openat, AT_FDCWD, "d", O_TMPFILE | O_RDWR, 0666);
	xfd(NULL);
	outfd();
}

static void open_tmpfile_on_file(void)
{
	mkf("f", "data");
	SC(SYS_openat, AT_FDCWD, "f", O_TMPFILE | O_RDWR, 0600);
	outfd();
}

static void open_fifo_nonblock_wronly(void)
{
	mkfifo_("p");
	SC(SYS_openat, AT_FDCWD, "p", O_WRONLY | O_NONBLOCK);
	outfd();
}

static void open_fifo_nonblock_rdonly(void)
{
	mkfifo_("p");
	SC(SYS_openat, AT_FDCWD, "p", O_RDONLY | O_NONBLOCK);
	xfd(NULL);
	outfd();
}

static void open_magiclink(void)
{
	char p[64];
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	snprintf(p, sizeof(p), "/proc/self/fd/%d", f);
	SC(SYS_openat, AT_FDCWD, p, O_RDONLY);
	xfd("f");
	close(f);
	outfd();
}

static void open_empty_path(void)
{
	SC(SYS_openat, AT_FDCWD, "", O_RDONLY);
	outfd();
}

static void protected_regular(void)
{
	int v = sysctl_value("protected_regular");

	if (!need_root())
		return;
	sticky_fixture("f", 'f');
	x(" sysctl=%d", v);
	if (as_other()) {
		SC(SYS_openat, AT_FDCWD, "s/f", O_CREAT | O_WRONLY, 0644);
		outfd();
		as_other_end();
	}
}

static void protected_fifos(void)
{
	int v = sysctl_value("protected_fifos");

	if (!need_root())
		return;
	sticky_fixture("p", 'p');
	x(" sysctl=%d", v);
	if (as_other()) {
		SC(SYS_openat, AT_FDCWD, "s/p", O_CREAT | O_RDWR, 0644);
		outfd();
		as_other_end();
	}
}

static void protected_symlinks(void)
{
	int v = sysctl_value("protected_symlinks");

	if (!need_root())
		return;
	sticky_fixture("l", 'l');
	fix(chmod("t", 0644) == 0, "chmod t");
	x(" sysctl=%d", v);
	if (as_other()) {
		SC(SYS_openat, AT_FDCWD, "s/l", O_RDONLY);
		xfd("t");
		outfd();
		as_other_end();
	}
}

static void open_other_users_0600(void)
{
	if (!need_root())
		return;
	mkf("f", "secret");
	fix(chmod("f", 0600) == 0, "chmod");
	fix(chown("f", OTHER_UID, OTHER_UID) == 0, "chown");
	if (as_other()) {
		SC(SYS_openat, AT_FDCWD, "f", O_RDONLY);
		outfd();
		as_other_end();
	}
}

/* ---- openat2 ----------------------------------------------------------- */

static long openat2_(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };

	return SC(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static void openat2_basic(void)
{
	mkf("f", "data");
	openat2_(AT_FDCWD, "f", O_RDONLY, 0, 0);
	xfd("f");
	outfd();
}

static void openat2_creat(void)
{
	openat2_(AT_FDCWD, "new", O_CREAT | O_WRONLY, 0666, 0);
	xobj("new", "new");
	outfd();
}

static void openat2_unknown_flags(void)
{
	mkf("f", "data");
	openat2_(AT_FDCWD, "f", O_RDONLY | (1ULL << 40), 0, 0);
	outfd();
}

static void openat2_unknown_resolve(void)
{
	mkf("f", "data");
	openat2_(AT_FDCWD, "f", O_RDONLY, 0, 1ULL << 40);
	outfd();
}

static void openat2_mode_without_creat(void)
{
	mkf("f", "data");
	openat2_(AT_FDCWD, "f", O_RDONLY, 0644, 0);
	outfd();
}

static void openat2_mode_too_big(void)
{
	openat2_(AT_FDCWD, "new", O_CREAT | O_WRONLY, 010000, 0);
	xobj("new", "new");
	outfd();
}

static void openat2_size_small(void)
{
	struct open_how how = { .flags = O_RDONLY };

	mkf("f", "data");
	SC(SYS_openat2, AT_FDCWD, "f", &how, 16);
	outfd();
}

static void openat2_size_big_nonzero(void)
{
	struct {
		struct open_how how;
		uint64_t more;
	} h = { { .flags = O_RDONLY }, 1 };

	mkf("f", "data");
	SC(SYS_openat2, AT_FDCWD, "f", &h, sizeof(h));
	outfd();
}

static void openat2_size_big_zero(void)
{
	struct {
		struct open_how how;
		uint64_t more;
	} h = { { .flags = O_RDONLY }, 0 };

	mkf("f", "data");
	SC(SYS_openat2, AT_FDCWD, "f", &h, sizeof(h));
	xfd("f");
	outfd();
}

static void openat2_size_over_page(void)
{
	static char big[8192];
	struct open_how how = { .flags = O_RDONLY };

	memcpy(big, &how, sizeof(how));
	mkf("f", "data");
	SC(SYS_openat2, AT_FDCWD, "f", big, sizeof(big));
	outfd();
}

static void openat2_null_how(void)
{
	mkf("f", "data");
	SC(SYS_openat2, AT_FDCWD, "f", NULL, sizeof(struct open_how));
	outfd();
}

static void openat2_no_xdev_fail(void)
{
	int root = open("/", O_RDONLY | O_DIRECTORY);

	fix(root >= 0, "open /");
	openat2_(root, "proc", O_RDONLY | O_DIRECTORY, 0, RESOLVE_NO_XDEV);
	close(root);
	xtype();
	outfd();
}

static void openat2_no_xdev_ok(void)
{
	mkd("d");
	mkf("d/f", "data");
	openat2_(AT_FDCWD, "d/f", O_RDONLY, 0, RESOLVE_NO_XDEV);
	xfd("d/f");
	outfd();
}

static void openat2_no_xdev_proc_ok(void)
{
	int root = open("/", O_RDONLY | O_DIRECTORY);

	fix(root >= 0, "open /");
	openat2_(root, "proc", O_RDONLY | O_DIRECTORY, 0, 0);
	close(root);
	xtype();
	outfd();
}

static void magic_open(uint64_t resolve)
{
	char p[64];
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	snprintf(p, sizeof(p), "/proc/self/fd/%d", f);
	openat2_(AT_FDCWD, p, O_RDONLY, 0, resolve);
	xfd("f");
	close(f);
	outfd();
}

static void openat2_no_magiclinks_fail(void)
{
	magic_open(RESOLVE_NO_MAGICLINKS);
}

static void openat2_magiclink_ok(void)
{
	magic_open(0);
}

static void openat2_no_magiclinks_plain_ok(void)
{
	mkf("f", "data");
	mks("f", "l");
	openat2_(AT_FDCWD, "l", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS);
	xfd("f");
	outfd();
}

static void openat2_no_symlinks_fail(void)
{
	mkf("f", "data");
	mks("f", "l");
	openat2_(AT_FDCWD, "l", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
	outfd();
}

static void openat2_no_symlinks_parent_fail(void)
{
	mkd("d");
	mkf("d/f", "data");
	mks("d", "l");
	openat2_(AT_FDCWD, "l/f", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
	outfd();
}

static void openat2_no_symlinks_ok(void)
{
	mkf("f", "data");
	openat2_(AT_FDCWD, "f", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
	xfd("f");
	outfd();
}

static void openat2_no_symlinks_nofollow(void)
{
	mkf("f", "data");
	mks("f", "l");
	openat2_(AT_FDCWD, "l", O_RDONLY | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
	xfd(NULL);
	outfd();
}

static int open_here(void)
{
	int d = open(".", O_RDONLY | O_DIRECTORY);

	fix(d >= 0, "open .");
	return d;
}

static void openat2_beneath_dotdot(void)
{
	int d;

	mkd("d");
	mkf("f", "data");
	d = open("d", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open d");
	openat2_(d, "../f", O_RDONLY, 0, RESOLVE_BENEATH);
	close(d);
	outfd();
}

static void openat2_beneath_absolute(void)
{
	int d = open_here();

	openat2_(d, "/etc/hostname", O_RDONLY, 0, RESOLVE_BENEATH);
	close(d);
	outfd();
}

static void openat2_beneath_ok(void)
{
	int d;

	mkf("f", "data");
	mkd("sub");
	d = open_here();
	openat2_(d, "sub/../f", O_RDONLY, 0, RESOLVE_BENEATH);
	close(d);
	xfd("f");
	outfd();
}

static void openat2_beneath_symlink_out(void)
{
	int d;

	mkd("r");
	mkf("f", "outside");
	mks("../f", "r/out");
	d = open("r", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open r");
	openat2_(d, "out", O_RDONLY, 0, RESOLVE_BENEATH);
	close(d);
	outfd();
}

/* a root r/ with its own f and etc/hostname, and a symlink to an
 * absolute path */
static int in_root_fixture(void)
{
	int d;

	mkd("r");
	mkd("r/sub");
	mkd("r/etc");
	mkf("r/f", "inroot");
	mkf("r/etc/hostname", "inroot-etc");
	mks("/etc/hostname", "r/abs");
	mkf("f", "outside");
	d = open("r", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open r");
	return d;
}

static void openat2_in_root_dotdot(void)
{
	int d = in_root_fixture();

	openat2_(d, "sub/../../../f", O_RDONLY, 0, RESOLVE_IN_ROOT);
	close(d);
	xfd("r/f");
	outfd();
}

static void openat2_in_root_absolute_symlink(void)
{
	int d = in_root_fixture();

	openat2_(d, "abs", O_RDONLY, 0, RESOLVE_IN_ROOT);
	close(d);
	xfd("r/etc/hostname");
	outfd();
}

static void openat2_in_root_absolute_path(void)
{
	int d = in_root_fixture();

	openat2_(d, "/f", O_RDONLY, 0, RESOLVE_IN_ROOT);
	close(d);
	xfd("r/f");
	outfd();
}

static void openat2_in_root_missing(void)
{
	int d = in_root_fixture();

	openat2_(d, "/missing", O_RDONLY, 0, RESOLVE_IN_ROOT);
	close(d);
	outfd();
}

static void openat2_in_root_and_beneath(void)
{
	int d = in_root_fixture();

	openat2_(d, "f", O_RDONLY, 0, RESOLVE_IN_ROOT | RESOLVE_BENEATH);
	close(d);
	outfd();
}

static void openat2_cached_ok(void)
{
	struct stat st;

	mkf("f", "data");
	fix(stat("f", &st) == 0, "stat f");
	openat2_(AT_FDCWD, "f", O_RDONLY, 0, RESOLVE_CACHED);
	xfd("f");
	outfd();
}

static void openat2_cached_creat(void)
{
	openat2_(AT_FDCWD, "new", O_CREAT | O_WRONLY, 0644, RESOLVE_CACHED);
	xobj("new", "new");
	outfd();
}

static void openat2_excl_dangling(void)
{
	mks("target", "dangling");
	openat2_(AT_FDCWD, "dangling", O_CREAT | O_EXCL | O_WRONLY, 0644, 0);
	xobj("target", "target");
	outfd();
}

/* ---- mkdir --------------------------------------------------------------- */

static void mkdir_new(void)
{
	SC(SYS_mkdirat, AT_FDCWD, "new", 0777);
	xobj("new", "new");
	out();
}

static void mkdir_legacy(void)
{
	SC(SYS_mkdir, "new", 0777);
	xobj("new", "new");
	out();
}

static void mkdir_umask077(void)
{
	umask(077);
	SC(SYS_mkdirat, AT_FDCWD, "new", 0777);
	umask(022);
	xobj("new", "new");
	out();
}

static void mkdir_sticky_bits(void)
{
	SC(SYS_mkdirat, AT_FDCWD, "new", 07777);
	xobj("new", "new");
	out();
}

static void mkdir_existing(void)
{
	mkd("d");
	SC(SYS_mkdirat, AT_FDCWD, "d", 0777);
	out();
}

static void mkdir_existing_file(void)
{
	mkf("f", "data");
	SC(SYS_mkdir, "f", 0777);
	out();
}

static void mkdir_dangling_symlink(void)
{
	mks("target", "dangling");
	SC(SYS_mkdirat, AT_FDCWD, "dangling", 0777);
	xobj("target", "target");
	out();
}

static void mkdir_missing_parent(void)
{
	SC(SYS_mkdirat, AT_FDCWD, "nodir/new", 0777);
	out();
}

static void mkdir_file_as_parent(void)
{
	mkf("f", "data");
	SC(SYS_mkdirat, AT_FDCWD, "f/new", 0777);
	out();
}

static void mkdir_trailing_slash_new(void)
{
	SC(SYS_mkdirat, AT_FDCWD, "new/", 0777);
	xobj("new", "new");
	out();
}

static void mkdir_trailing_slash_file(void)
{
	mkf("f", "data");
	SC(SYS_mkdirat, AT_FDCWD, "f/", 0777);
	out();
}

static void mkdir_dot(void)
{
	SC(SYS_mkdirat, AT_FDCWD, ".", 0777);
	out();
}

static void mkdirat_opath_dirfd(void)
{
	int d;

	mkd("d");
	d = open("d", O_PATH | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_mkdirat, d, "new", 0750);
	close(d);
	xobj("new", "d/new");
	out();
}

static void mkdirat_bad_dirfd(void)
{
	SC(SYS_mkdirat, 987, "new", 0777);
	out();
}

static void mkdirat_file_dirfd(void)
{
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_mkdirat, f, "new", 0777);
	close(f);
	out();
}

static void mkdir_long_component(void)
{
	SC(SYS_mkdirat, AT_FDCWD, long_name, 0777);
	out();
}

static void mkdir_path_max(void)
{
	SC(SYS_mkdir, long_path, 0777);
	out();
}

static void mkdir_readonly_parent(void)
{
	mkd("ro");
	fix(chmod("ro", 0555) == 0, "chmod ro");
	SC(SYS_mkdirat, AT_FDCWD, "ro/new", 0777);
	xobj("new", "ro/new");
	out();
}

static void mkdir_readonly_parent_existing(void)
{
	mkd("ro");
	mkd("ro/d");
	fix(chmod("ro", 0555) == 0, "chmod ro");
	SC(SYS_mkdirat, AT_FDCWD, "ro/d", 0777);
	out();
}

static void mkdir_setgid_parent(void)
{
	mkd("g");
	fix(chmod("g", 02755) == 0, "chmod g");
	SC(SYS_mkdirat, AT_FDCWD, "g/new", 0777);
	xobj("new", "g/new");
	out();
}

/* ---- mknod ----------------------------------------------------------------- */

static void mknod_fifo(void)
{
	SC(SYS_mknodat, AT_FDCWD, "p", S_IFIFO | 0666, 0);
	xobj("p", "p");
	out();
}

static void mknod_legacy_reg(void)
{
	SC(SYS_mknod, "r", S_IFREG | 0640, 0);
	xobj("r", "r");
	out();
}

static void mknod_zero_type(void)
{
	SC(SYS_mknodat, AT_FDCWD, "r", 0600, 0);
	xobj("r", "r");
	out();
}

static void mknod_existing(void)
{
	mkf("f", "data");
	SC(SYS_mknodat, AT_FDCWD, "f", S_IFIFO | 0644, 0);
	out();
}

static void mknod_chr(void)
{
	SC(SYS_mknodat, AT_FDCWD, "null", S_IFCHR | 0600, makedev(1, 3));
	xobj("null", "null");
	out();
}

static void mknod_dir_type(void)
{
	SC(SYS_mknodat, AT_FDCWD, "d", S_IFDIR | 0755, 0);
	xobj("d", "d");
	out();
}

static void mknod_bad_type(void)
{
	SC(SYS_mknodat, AT_FDCWD, "x", 0170000 | 0644, 0);
	out();
}

static void mknodat_sock_dirfd(void)
{
	int d;

	mkd("d");
	d = open("d", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_mknodat, d, "s", S_IFSOCK | 0777, 0);
	close(d);
	xobj("s", "d/s");
	out();
}

static void mknod_missing_parent(void)
{
	SC(SYS_mknodat, AT_FDCWD, "nodir/p", S_IFIFO | 0644, 0);
	out();
}

static void mknod_dangling(void)
{
	mks("target", "dangling");
	SC(SYS_mknodat, AT_FDCWD, "dangling", S_IFIFO | 0644, 0);
	xobj("target", "target");
	out();
}

/* ---- unlink, rmdir ------------------------------------------------------------ */

static void unlink_file(void)
{
	mkf("f", "data");
	SC(SYS_unlinkat, AT_FDCWD, "f", 0);
	xobj("f", "f");
	out();
}

static void unlink_legacy(void)
{
	mkf("f", "data");
	SC(SYS_unlink, "f");
	xobj("f", "f");
	out();
}

static void unlink_missing(void)
{
	SC(SYS_unlinkat, AT_FDCWD, "missing", 0);
	out();
}

static void unlink_dir(void)
{
	mkd("d");
	SC(SYS_unlinkat, AT_FDCWD, "d", 0);
	xobj("d", "d");
	out();
}

static void unlink_dir_trailing_slash(void)
{
	mkd("d");
	SC(SYS_unlink, "d/");
	xobj("d", "d");
	out();
}

static void unlink_file_trailing_slash(void)
{
	mkf("f", "data");
	SC(SYS_unlinkat, AT_FDCWD, "f/", 0);
	xobj("f", "f");
	out();
}

static void unlink_symlink(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_unlinkat, AT_FDCWD, "l", 0);
	xobj("l", "l");
	xobj("f", "f");
	out();
}

static void unlink_symlink_to_dir_trailing_slash(void)
{
	mkd("d");
	mks("d", "l");
	SC(SYS_unlinkat, AT_FDCWD, "l/", 0);
	xobj("l", "l");
	out();
}

static void unlinkat_removedir(void)
{
	mkd("d");
	SC(SYS_unlinkat, AT_FDCWD, "d", AT_REMOVEDIR);
	xobj("d", "d");
	out();
}

static void unlinkat_removedir_nonempty(void)
{
	mkd("d");
	mkf("d/f", "data");
	SC(SYS_unlinkat, AT_FDCWD, "d", AT_REMOVEDIR);
	out();
}

static void unlinkat_removedir_file(void)
{
	mkf("f", "data");
	SC(SYS_unlinkat, AT_FDCWD, "f", AT_REMOVEDIR);
	out();
}

static void unlinkat_bad_flag(void)
{
	mkf("f", "data");
	SC(SYS_unlinkat, AT_FDCWD, "f", 0x1);
	xobj("f", "f");
	out();
}

static void unlinkat_dirfd(void)
{
	int d;

	mkd("d");
	mkf("d/f", "data");
	d = open("d", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_unlinkat, d, "f", 0);
	close(d);
	xobj("f", "d/f");
	out();
}

static void unlink_readonly_parent(void)
{
	mkd("ro");
	mkf("ro/f", "data");
	fix(chmod("ro", 0555) == 0, "chmod ro");
	SC(SYS_unlinkat, AT_FDCWD, "ro/f", 0);
	xobj("f", "ro/f");
	out();
}

static void rmdir_dir(void)
{
	mkd("d");
	SC(SYS_rmdir, "d");
	xobj("d", "d");
	out();
}

static void rmdir_file(void)
{
	mkf("f", "data");
	SC(SYS_rmdir, "f");
	out();
}

static void rmdir_dot(void)
{
	mkd("d");
	SC(SYS_rmdir, "d/.");
	xobj("d", "d");
	out();
}

static void rmdir_dotdot(void)
{
	mkd("d");
	SC(SYS_rmdir, "d/..");
	out();
}

static void rmdir_trailing_slash(void)
{
	mkd("d");
	SC(SYS_rmdir, "d/");
	xobj("d", "d");
	out();
}

static void rmdir_nonempty(void)
{
	mkd("d");
	mkd("d/e");
	SC(SYS_rmdir, "d");
	out();
}

static void rmdir_missing(void)
{
	SC(SYS_rmdir, "missing");
	out();
}

static void rmdir_symlink_to_dir(void)
{
	mkd("d");
	mks("d", "l");
	SC(SYS_rmdir, "l");
	xobj("d", "d");
	out();
}

static void sticky_unlink_other(void)
{
	if (!need_root())
		return;
	sticky_fixture("f", 'f');
	if (as_other()) {
		SC(SYS_unlinkat, AT_FDCWD, "s/f", 0);
		xobj("f", "s/f");
		out();
		as_other_end();
	}
}

static void sticky_unlink_own(void)
{
	if (!need_root())
		return;
	sticky_fixture("f", 'f');
	fix(chown("s/f", RUNNER_UID, RUNNER_UID) == 0, "chown");
	if (as_other()) {
		SC(SYS_unlinkat, AT_FDCWD, "s/f", 0);
		xobj("f", "s/f");
		out();
		as_other_end();
	}
}

static void sticky_rename_other(void)
{
	if (!need_root())
		return;
	sticky_fixture("f", 'f');
	if (as_other()) {
		SC(SYS_renameat, AT_FDCWD, "s/f", AT_FDCWD, "s/g");
		xobj("f", "s/f");
		out();
		as_other_end();
	}
}

static void sticky_rename_over_other(void)
{
	if (!need_root())
		return;
	sticky_fixture("f", 'f');
	if (as_other()) {
		fix(creat("s/mine", 0644) >= 0, "creat s/mine");
		SC(SYS_renameat, AT_FDCWD, "s/mine", AT_FDCWD, "s/f");
		xcontent("f", "s/f");
		out();
		as_other_end();
	}
}

static void sticky_rmdir_other(void)
{
	if (!need_root())
		return;
	mkd("s");
	fix(chmod("s", 01777) == 0, "chmod s");
	mkd("s/d");
	fix(chown("s/d", OTHER_UID, OTHER_UID) == 0, "chown");
	if (as_other()) {
		SC(SYS_rmdir, "s/d");
		out();
		as_other_end();
	}
}

/* ---- rename ---------------------------------------------------------------- */

static void rename_file(void)
{
	mkf("f", "data");
	SC(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, "g");
	xobj("f", "f");
	xcontent("g", "g");
	out();
}

static void rename_legacy_over(void)
{
	mkf("f", "new-data");
	mkf("g", "old-data");
	SC(SYS_rename, "f", "g");
	xobj("f", "f");
	xcontent("g", "g");
	out();
}

static void rename_missing(void)
{
	SC(SYS_renameat, AT_FDCWD, "missing", AT_FDCWD, "g");
	out();
}

static void rename_missing_target_parent(void)
{
	mkf("f", "data");
	SC(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, "nodir/g");
	out();
}

static void rename_dir_into_itself(void)
{
	mkd("d");
	SC(SYS_renameat, AT_FDCWD, "d", AT_FDCWD, "d/sub");
	out();
}

static void rename_file_over_dir(void)
{
	mkf("f", "data");
	mkd("d");
	SC(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, "d");
	out();
}

static void rename_dir_over_file(void)
{
	mkf("f", "data");
	mkd("d");
	SC(SYS_renameat, AT_FDCWD, "d", AT_FDCWD, "f");
	out();
}

static void rename_dir_over_nonempty(void)
{
	mkd("d");
	mkd("e");
	mkf("e/f", "data");
	SC(SYS_renameat, AT_FDCWD, "d", AT_FDCWD, "e");
	out();
}

static void rename_dir_over_empty(void)
{
	mkd("d");
	mkf("d/f", "data");
	mkd("e");
	SC(SYS_renameat, AT_FDCWD, "d", AT_FDCWD, "e");
	xcontent("e/f", "e/f");
	out();
}

static void rename_trailing_slash_file(void)
{
	mkf("f", "data");
	SC(SYS_renameat, AT_FDCWD, "f/", AT_FDCWD, "g");
	xobj("f", "f");
	out();
}

static void rename_trailing_slash_target_file(void)
{
	mkf("f", "data");
	SC(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, "g/");
	xobj("f", "f");
	xobj("g", "g");
	out();
}

static void rename_trailing_slash_dir(void)
{
	mkd("d");
	SC(SYS_renameat, AT_FDCWD, "d/", AT_FDCWD, "e/");
	xobj("e", "e");
	out();
}

static void rename_symlink_not_target(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_renameat, AT_FDCWD, "l", AT_FDCWD, "m");
	xobj("m", "m");
	xobj("f", "f");
	out();
}

static void rename_same_file(void)
{
	mkf("f", "data");
	fix(link("f", "h") == 0, "link");
	SC(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, "h");
	xobj("f", "f");
	out();
}

static void rename_dot(void)
{
	mkd("d");
	SC(SYS_renameat, AT_FDCWD, "d/.", AT_FDCWD, "e");
	out();
}

static void renameat_dirfds(void)
{
	int a, b;

	mkd("a");
	mkd("b");
	mkf("a/f", "data");
	a = open("a", O_RDONLY | O_DIRECTORY);
	b = open("b", O_RDONLY | O_DIRECTORY);
	fix(a >= 0 && b >= 0, "open a b");
	SC(SYS_renameat, a, "f", b, "g");
	close(a);
	close(b);
	xcontent("g", "b/g");
	out();
}

static void renameat_bad_dirfd(void)
{
	mkf("f", "data");
	SC(SYS_renameat, AT_FDCWD, "f", 987, "g");
	out();
}

static void renameat2_noreplace_existing(void)
{
	mkf("f", "new-data");
	mkf("g", "old-data");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE);
	xcontent("g", "g");
	out();
}

static void renameat2_noreplace_dangling(void)
{
	mkf("f", "data");
	mks("target", "dangling");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "dangling", RENAME_NOREPLACE);
	xobj("dangling", "dangling");
	out();
}

static void renameat2_noreplace_new(void)
{
	mkf("f", "data");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE);
	xcontent("g", "g");
	out();
}

static void renameat2_exchange(void)
{
	mkf("f", "first");
	mkd("d");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "d", RENAME_EXCHANGE);
	xobj("f", "f");
	xcontent("d", "d");
	out();
}

static void renameat2_exchange_missing(void)
{
	mkf("f", "first");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "missing", RENAME_EXCHANGE);
	xobj("f", "f");
	out();
}

static void renameat2_noreplace_exchange(void)
{
	mkf("f", "first");
	mkf("g", "second");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE | RENAME_EXCHANGE);
	xcontent("g", "g");
	out();
}

static void renameat2_bad_flags(void)
{
	mkf("f", "first");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 1 << 7);
	out();
}

static void renameat2_whiteout(void)
{
	mkf("f", "first");
	SC(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 1 << 2);
	xobj("f", "f");
	out();
}

static void rename_xdev(void)
{
	struct stat a, b;
	char p[64];

	if (stat(".", &a) < 0 || stat("/dev/shm", &b) < 0 || a.st_dev == b.st_dev) {
		skipped("same-fs");
		return;
	}
	mkf("f", "data");
	snprintf(p, sizeof(p), "/dev/shm/kcmp-xdev-%d", (int)getpid());
	SC(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, p);
	if (R == 0)
		unlink(p);
	out();
}

static void link_xdev(void)
{
	struct stat a, b;
	char p[64];

	if (stat(".", &a) < 0 || stat("/dev/shm", &b) < 0 || a.st_dev == b.st_dev) {
		skipped("same-fs");
		return;
	}
	mkf("f", "data");
	snprintf(p, sizeof(p), "/dev/shm/kcmp-xdev-%d", (int)getpid());
	SC(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, p, 0);
	if (R == 0)
		unlink(p);
	out();
}

/* ---- link, symlink ---------------------------------------------------------------- */

static void link_file(void)
{
	mkf("f", "data");
	SC(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g", 0);
	xobj("g", "g");
	xcontent("g", "g");
	out();
}

static void link_legacy(void)
{
	mkf("f", "data");
	SC(SYS_link, "f", "g");
	xobj("g", "g");
	out();
}

static void link_existing_name(void)
{
	mkf("f", "data");
	mkf("g", "other");
	SC(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g", 0);
	xcontent("g", "g");
	out();
}

static void link_missing_source_existing_name(void)
{
	mkf("g", "other");
	SC(SYS_linkat, AT_FDCWD, "missing", AT_FDCWD, "g", 0);
	out();
}

static void link_dir(void)
{
	mkd("d");
	SC(SYS_linkat, AT_FDCWD, "d", AT_FDCWD, "e", 0);
	out();
}

static void link_missing(void)
{
	SC(SYS_linkat, AT_FDCWD, "missing", AT_FDCWD, "g", 0);
	out();
}

static void link_trailing_slash(void)
{
	mkf("f", "data");
	SC(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g/", 0);
	xobj("g", "g");
	out();
}

static void linkat_symlink_nofollow(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_linkat, AT_FDCWD, "l", AT_FDCWD, "g", 0);
	xobj("g", "g");
	out();
}

static void linkat_symlink_follow(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_linkat, AT_FDCWD, "l", AT_FDCWD, "g", AT_SYMLINK_FOLLOW);
	xobj("g", "g");
	out();
}

static void linkat_bad_flags(void)
{
	mkf("f", "data");
	SC(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g", 0x1);
	out();
}

static void linkat_empty_path(void)
{
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_linkat, f, "", AT_FDCWD, "g", AT_EMPTY_PATH);
	close(f);
	xobj("g", "g");
	out();
}

static void protected_hardlinks(void)
{
	int v = sysctl_value("protected_hardlinks");

	if (!need_root())
		return;
	sticky_fixture("f", '6');
	x(" sysctl=%d", v);
	if (as_other()) {
		SC(SYS_linkat, AT_FDCWD, "s/f", AT_FDCWD, "s/g", 0);
		xobj("g", "s/g");
		out();
		as_other_end();
	}
}

static void symlink_new(void)
{
	char buf[64];
	ssize_t n;

	SC(SYS_symlinkat, "some/target", AT_FDCWD, "l");
	n = readlink("l", buf, sizeof(buf));
	x(" link='");
	if (n > 0)
		xescaped(buf, (size_t)n);
	x("'");
	xobj("l", "l");
	out();
}

static void symlink_legacy(void)
{
	SC(SYS_symlink, "target", "l");
	xobj("l", "l");
	out();
}

static void symlink_existing(void)
{
	mkf("f", "data");
	SC(SYS_symlinkat, "target", AT_FDCWD, "f");
	xobj("f", "f");
	out();
}

static void symlink_existing_dangling(void)
{
	mks("target", "l");
	SC(SYS_symlinkat, "other", AT_FDCWD, "l");
	out();
}

static void symlink_missing_parent(void)
{
	SC(SYS_symlinkat, "target", AT_FDCWD, "nodir/l");
	out();
}

static void symlink_empty_target(void)
{
	SC(SYS_symlinkat, "", AT_FDCWD, "l");
	out();
}

static void symlink_trailing_slash(void)
{
	SC(SYS_symlinkat, "target", AT_FDCWD, "l/");
	xobj("l", "l");
	out();
}

static void symlinkat_dirfd(void)
{
	int d;

	mkd("d");
	d = open("d", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_symlinkat, "../f", d, "l");
	close(d);
	xobj("l", "d/l");
	out();
}

static void symlink_dangling_target(void)
{
	mks("nowhere", "m");
	SC(SYS_symlinkat, "m", AT_FDCWD, "l");
	xobj("l", "l");
	out();
}

static void symlink_loop_target(void)
{
	mks("b", "a");
	SC(SYS_symlinkat, "a", AT_FDCWD, "b");
	xobj("b", "b");
	out();
}

/* ---- chmod ----------------------------------------------------------------- */

static void chmod_file(void)
{
	mkf("f", "data");
	SC(SYS_fchmodat, AT_FDCWD, "f", 0600);
	xobj("f", "f");
	out();
}

static void chmod_legacy_bits(void)
{
	mkf("f", "data");
	SC(SYS_chmod, "f", 07777);
	xobj("f", "f");
	out();
}

static void chmod_missing(void)
{
	SC(SYS_fchmodat, AT_FDCWD, "missing", 0600);
	out();
}

static void chmod_follows_symlink(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_fchmodat, AT_FDCWD, "l", 0604);
	xobj("f", "f");
	out();
}

static void fchmodat2_nofollow_symlink(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_fchmodat2, AT_FDCWD, "l", 0600, AT_SYMLINK_NOFOLLOW);
	xobj("f", "f");
	out();
}

static void fchmodat2_nofollow_file(void)
{
	mkf("f", "data");
	SC(SYS_fchmodat2, AT_FDCWD, "f", 0640, AT_SYMLINK_NOFOLLOW);
	xobj("f", "f");
	out();
}

static void fchmodat2_bad_flags(void)
{
	mkf("f", "data");
	SC(SYS_fchmodat2, AT_FDCWD, "f", 0640, 0x1);
	out();
}

static void fchmodat2_empty_path(void)
{
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_fchmodat2, f, "", 0611, AT_EMPTY_PATH);
	close(f);
	xobj("f", "f");
	out();
}

static void chmod_dangling(void)
{
	mks("target", "l");
	SC(SYS_fchmodat, AT_FDCWD, "l", 0600);
	out();
}

static void chmod_other_users(void)
{
	if (!need_root())
		return;
	mkf("f", "data");
	fix(chown("f", OTHER_UID, OTHER_UID) == 0, "chown");
	if (as_other()) {
		SC(SYS_fchmodat, AT_FDCWD, "f", 0666);
		xobj("f", "f");
		out();
		as_other_end();
	}
}

/* ---- chown ------------------------------------------------------------------- */

static void fchownat_minus1(void)
{
	mkf("f", "data");
	SC(SYS_fchownat, AT_FDCWD, "f", -1, -1, 0);
	xobj("f", "f");
	out();
}

static void chown_own_ids(void)
{
	mkf("f", "data");
	fix(chmod("f", 06755) == 0, "chmod");
	SC(SYS_chown, "f", getuid(), getgid());
	xobj("f", "f");
	out();
}

static void chown_other_uid(void)
{
	mkf("f", "data");
	if (geteuid() == 0) {
		mkf("mine", "data");
		fix(chown("mine", RUNNER_UID, RUNNER_UID) == 0, "chown");
		if (as_other()) {
			SC(SYS_fchownat, AT_FDCWD, "mine", OTHER_UID, -1, 0);
			xobj("mine", "mine");
			out();
			as_other_end();
		}
		return;
	}
	SC(SYS_fchownat, AT_FDCWD, "f", OTHER_UID, -1, 0);
	xobj("f", "f");
	out();
}

static void chown_root_to_other(void)
{
	if (!need_root())
		return;
	mkf("f", "data");
	SC(SYS_fchownat, AT_FDCWD, "f", OTHER_UID, OTHER_UID, 0);
	xobj("f", "f");
	out();
}

static void lchown_symlink(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_lchown, "l", -1, getgid());
	xobj("l", "l");
	out();
}

static void fchownat_nofollow_dangling(void)
{
	mks("target", "l");
	SC(SYS_fchownat, AT_FDCWD, "l", -1, -1, AT_SYMLINK_NOFOLLOW);
	out();
}

static void fchownat_follow_dangling(void)
{
	mks("target", "l");
	SC(SYS_fchownat, AT_FDCWD, "l", -1, -1, 0);
	out();
}

static void fchownat_empty_path(void)
{
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_fchownat, f, "", -1, -1, AT_EMPTY_PATH);
	close(f);
	out();
}

static void fchownat_bad_flags(void)
{
	mkf("f", "data");
	SC(SYS_fchownat, AT_FDCWD, "f", -1, -1, 0x1);
	out();
}

static void chown_missing(void)
{
	SC(SYS_chown, "missing", -1, -1);
	out();
}

/* ---- utimensat, utimes ------------------------------------------------------------------ */

static const struct timespec old_times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

static void xtimes(const char *path, int follow)
{
	struct stat st;

	if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
		x(" times=%s", ename(errno));
		return;
	}
	x(" atime=%s mtime=%s",
	  st.st_atim.tv_sec == 1000000000   ? "old"
	  : st.st_atim.tv_sec == 1200000000 ? "given"
					    : "new",
	  st.st_mtim.tv_sec == 1000000000   ? "old"
	  : st.st_mtim.tv_sec == 1200000000 ? "given"
					    : "new");
}

static void old_file(const char *path)
{
	mkf(path, "data");
	fix(utimensat(AT_FDCWD, path, old_times, 0) == 0, "utimensat");
}

static void utimensat_now(void)
{
	struct timespec t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };

	old_file("f");
	SC(SYS_utimensat, AT_FDCWD, "f", t, 0);
	xtimes("f", 1);
	out();
}

static void utimensat_null_times(void)
{
	old_file("f");
	SC(SYS_utimensat, AT_FDCWD, "f", NULL, 0);
	xtimes("f", 1);
	out();
}

static void utimensat_omit_both(void)
{
	struct timespec t[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };

	old_file("f");
	SC(SYS_utimensat, AT_FDCWD, "f", t, 0);
	xtimes("f", 1);
	out();
}

static void utimensat_omit_atime(void)
{
	struct timespec t[2] = { { 0, UTIME_OMIT }, { 1200000000, 0 } };

	old_file("f");
	SC(SYS_utimensat, AT_FDCWD, "f", t, 0);
	xtimes("f", 1);
	out();
}

static void utimensat_nofollow_symlink(void)
{
	struct timespec t[2] = { { 1200000000, 0 }, { 1200000000, 0 } };

	old_file("f");
	mks("f", "l");
	SC(SYS_utimensat, AT_FDCWD, "l", t, AT_SYMLINK_NOFOLLOW);
	xtimes("f", 1);
	x(" link:");
	xtimes("l", 0);
	out();
}

static void utimensat_bad_nsec(void)
{
	struct timespec t[2] = { { 0, 1000000000 }, { 0, 0 } };

	old_file("f");
	SC(SYS_utimensat, AT_FDCWD, "f", t, 0);
	xtimes("f", 1);
	out();
}

static void utimensat_bad_flags(void)
{
	old_file("f");
	SC(SYS_utimensat, AT_FDCWD, "f", NULL, 0x1);
	out();
}

static void utimensat_missing(void)
{
	SC(SYS_utimensat, AT_FDCWD, "missing", NULL, 0);
	out();
}

static void utimensat_null_path_fd(void)
{
	struct timespec t[2] = { { 1200000000, 0 }, { 1200000000, 0 } };
	int f;

	old_file("f");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_utimensat, f, NULL, t, 0);
	close(f);
	xtimes("f", 1);
	out();
}

static void utimensat_empty_path(void)
{
	struct timespec t[2] = { { 1200000000, 0 }, { 1200000000, 0 } };
	int f;

	old_file("f");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_utimensat, f, "", t, AT_EMPTY_PATH);
	close(f);
	xtimes("f", 1);
	out();
}

static void utimes_given(void)
{
	struct timeval tv[2] = { { 1200000000, 0 }, { 1200000000, 0 } };

	old_file("f");
	SC(SYS_utimes, "f", tv);
	xtimes("f", 1);
	out();
}

static void utimes_null(void)
{
	old_file("f");
	SC(SYS_utimes, "f", NULL);
	xtimes("f", 1);
	out();
}

static void utimensat_other_users(void)
{
	struct timespec t[2] = { { 1200000000, 0 }, { 1200000000, 0 } };

	if (!need_root())
		return;
	old_file("f");
	fix(chmod("f", 0666) == 0, "chmod");
	fix(chown("f", OTHER_UID, OTHER_UID) == 0, "chown");
	if (as_other()) {
		/* writable: NOW is allowed, given times are not */
		SC(SYS_utimensat, AT_FDCWD, "f", t, 0);
		xtimes("f", 1);
		out();
		as_other_end();
	}
}

/* ---- truncate -------------------------------------------------------------------------- */

static void truncate_shrink(void)
{
	mkf("f", "0123456789");
	SC(SYS_truncate, "f", (off_t)4);
	xobj("f", "f");
	xcontent("f", "f");
	out();
}

static void truncate_extend(void)
{
	mkf("f", "data");
	SC(SYS_truncate, "f", (off_t)100);
	xobj("f", "f");
	out();
}

static void truncate_dir(void)
{
	mkd("d");
	SC(SYS_truncate, "d", (off_t)0);
	out();
}

static void truncate_missing(void)
{
	SC(SYS_truncate, "missing", (off_t)0);
	out();
}

static void truncate_negative(void)
{
	mkf("f", "data");
	SC(SYS_truncate, "f", (off_t)-1);
	xobj("f", "f");
	out();
}

static void truncate_fifo(void)
{
	mkfifo_("p");
	SC(SYS_truncate, "p", (off_t)0);
	out();
}

static void truncate_symlink(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_truncate, "l", (off_t)1);
	xobj("f", "f");
	out();
}

static void truncate_readonly(void)
{
	mkf("f", "data");
	fix(chmod("f", 0444) == 0, "chmod");
	SC(SYS_truncate, "f", (off_t)1);
	xobj("f", "f");
	out();
}

static void truncate_trailing_slash(void)
{
	mkf("f", "data");
	SC(SYS_truncate, "f/", (off_t)1);
	out();
}

/* ---- xattrs -------------------------------------------------------------------------------- */

static void xvalue(long n, const char *buf)
{
	if (n >= 0) {
		x(" value='");
		xescaped(buf, (size_t)n);
		x("'");
	}
}

static void xattr_fixture(void)
{
	mkf("f", "data");
	if (setxattr("f", "user.kcmp", "value1", 6, 0) < 0)
		x(" fixture-setxattr=%s", ename(errno)); /* no user xattrs here */
}

static void setxattr_user(void)
{
	char buf[64];
	long n;

	mkf("f", "data");
	SC(SYS_setxattr, "f", "user.a", "hello", 5, 0);
	n = getxattr("f", "user.a", buf, sizeof(buf));
	xvalue(n, buf);
	out();
}

static void setxattr_create_existing(void)
{
	xattr_fixture();
	SC(SYS_setxattr, "f", "user.kcmp", "x", 1, XATTR_CREATE);
	out();
}

static void setxattr_replace_missing(void)
{
	xattr_fixture();
	SC(SYS_setxattr, "f", "user.none", "x", 1, XATTR_REPLACE);
	out();
}

static void setxattr_bad_namespace(void)
{
	mkf("f", "data");
	SC(SYS_setxattr, "f", "kcmp.bad", "x", 1, 0);
	out();
}

static void setxattr_bad_flags(void)
{
	mkf("f", "data");
	SC(SYS_setxattr, "f", "user.a", "x", 1, 0x10);
	out();
}

static void setxattr_missing_file(void)
{
	SC(SYS_setxattr, "missing", "user.a", "x", 1, 0);
	out();
}

static void lsetxattr_symlink(void)
{
	mkf("f", "data");
	mks("f", "l");
	SC(SYS_lsetxattr, "l", "user.a", "x", 1, 0);
	out();
}

static void setxattr_via_symlink(void)
{
	char buf[64];
	long n;

	mkf("f", "data");
	mks("f", "l");
	SC(SYS_setxattr, "l", "user.b", "via", 3, 0);
	n = getxattr("f", "user.b", buf, sizeof(buf));
	xvalue(n, buf);
	out();
}

static void getxattr_value(void)
{
	char buf[64];

	xattr_fixture();
	SC(SYS_getxattr, "f", "user.kcmp", buf, sizeof(buf));
	xvalue(R, buf);
	out();
}

static void getxattr_size_only(void)
{
	xattr_fixture();
	SC(SYS_getxattr, "f", "user.kcmp", NULL, 0);
	out();
}

static void getxattr_small(void)
{
	char buf[4];

	xattr_fixture();
	SC(SYS_getxattr, "f", "user.kcmp", buf, sizeof(buf));
	out();
}

static void getxattr_missing_name(void)
{
	char buf[64];

	xattr_fixture();
	SC(SYS_getxattr, "f", "user.none", buf, sizeof(buf));
	out();
}

static void getxattr_missing_file(void)
{
	char buf[64];

	SC(SYS_getxattr, "missing", "user.kcmp", buf, sizeof(buf));
	out();
}

static void lgetxattr_symlink(void)
{
	char buf[64];

	xattr_fixture();
	mks("f", "l");
	SC(SYS_lgetxattr, "l", "user.kcmp", buf, sizeof(buf));
	out();
}

static void getxattr_via_symlink(void)
{
	char buf[64];

	xattr_fixture();
	mks("f", "l");
	SC(SYS_getxattr, "l", "user.kcmp", buf, sizeof(buf));
	xvalue(R, buf);
	out();
}

static void listxattr_list(void)
{
	char buf[256];

	xattr_fixture();
	fix(setxattr("f", "user.second", "2", 1, 0) == 0 || errno == EOPNOTSUPP, "setxattr");
	SC(SYS_listxattr, "f", buf, sizeof(buf));
	xvalue(R, buf);
	out();
}

static void listxattr_small(void)
{
	char buf[3];

	xattr_fixture();
	SC(SYS_listxattr, "f", buf, sizeof(buf));
	out();
}

static void listxattr_size_only(void)
{
	xattr_fixture();
	SC(SYS_listxattr, "f", NULL, 0);
	out();
}

static void llistxattr_symlink(void)
{
	char buf[256];

	xattr_fixture();
	mks("f", "l");
	SC(SYS_llistxattr, "l", buf, sizeof(buf));
	xvalue(R, buf);
	out();
}

static void removexattr_existing(void)
{
	char buf[64];

	xattr_fixture();
	SC(SYS_removexattr, "f", "user.kcmp");
	x(" after=%s", getxattr("f", "user.kcmp", buf, sizeof(buf)) < 0 ? ename(errno) : "present");
	out();
}

static void removexattr_missing(void)
{
	xattr_fixture();
	SC(SYS_removexattr, "f", "user.none");
	out();
}

static void lremovexattr_symlink(void)
{
	xattr_fixture();
	mks("f", "l");
	SC(SYS_lremovexattr, "l", "user.kcmp");
	out();
}

static void xattr_empty_name(void)
{
	char buf[64];

	xattr_fixture();
	SC(SYS_getxattr, "f", "", buf, sizeof(buf));
	out();
}

/* ---- stat family --------------------------------------------------------------------------- */

static void statx_file(void)
{
	struct statx sx;

	mkf("f", "data");
	SC(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx);
	xstatx(&sx, "f", 1);
	out();
}

static void statx_dir(void)
{
	struct statx sx;

	mkd("d");
	mkd("d/e");
	SC(SYS_statx, AT_FDCWD, "d", 0, STATX_BASIC_STATS, &sx);
	xstatx(&sx, "d", 1);
	out();
}

static void statx_follow_symlink(void)
{
	struct statx sx;

	mkf("f", "data");
	mks("f", "l");
	SC(SYS_statx, AT_FDCWD, "l", 0, STATX_BASIC_STATS, &sx);
	xstatx(&sx, "f", 1);
	out();
}

static void statx_nofollow_symlink(void)
{
	struct statx sx;

	mkf("f", "data");
	mks("f", "l");
	SC(SYS_statx, AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx);
	xstatx(&sx, "l", 0);
	out();
}

static void statx_empty_path(void)
{
	struct statx sx;
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_statx, f, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx);
	close(f);
	xstatx(&sx, "f", 1);
	out();
}

static void statx_empty_path_no_flag(void)
{
	struct statx sx;
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_statx, f, "", 0, STATX_BASIC_STATS, &sx);
	close(f);
	out();
}

static void statx_null_buf(void)
{
	mkf("f", "data");
	SC(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, NULL);
	out();
}

static void statx_bad_flags(void)
{
	struct statx sx;

	mkf("f", "data");
	SC(SYS_statx, AT_FDCWD, "f", 0x80000000, STATX_BASIC_STATS, &sx);
	out();
}

static void statx_reserved_mask(void)
{
	struct statx sx;

	mkf("f", "data");
	SC(SYS_statx, AT_FDCWD, "f", 0, 0x80000000U, &sx);
	out();
}

static void statx_dangling(void)
{
	struct statx sx;

	mks("target", "l");
	SC(SYS_statx, AT_FDCWD, "l", 0, STATX_BASIC_STATS, &sx);
	out();
}

static void statx_loop(void)
{
	struct statx sx;

	mks("b", "a");
	mks("a", "b");
	SC(SYS_statx, AT_FDCWD, "a", 0, STATX_BASIC_STATS, &sx);
	out();
}

static void newfstatat_file(void)
{
	struct stat st;

	mkf("f", "data");
	SC(SYS_newfstatat, AT_FDCWD, "f", &st, 0);
	xstat(&st, "f", 1);
	out();
}

static void newfstatat_nofollow(void)
{
	struct stat st;

	mkf("f", "data");
	mks("f", "l");
	SC(SYS_newfstatat, AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW);
	xstat(&st, "l", 0);
	out();
}

static void newfstatat_empty_path(void)
{
	struct stat st;
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_newfstatat, f, "", &st, AT_EMPTY_PATH);
	close(f);
	xstat(&st, "f", 1);
	out();
}

static void newfstatat_dirfd(void)
{
	struct stat st;
	int d;

	mkd("d");
	mkf("d/f", "in-d");
	d = open("d", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_newfstatat, d, "f", &st, 0);
	close(d);
	xstat(&st, "d/f", 1);
	out();
}

static void newfstatat_null_buf(void)
{
	mkf("f", "data");
	SC(SYS_newfstatat, AT_FDCWD, "f", NULL, 0);
	out();
}

static void newfstatat_bad_flags(void)
{
	struct stat st;

	mkf("f", "data");
	SC(SYS_newfstatat, AT_FDCWD, "f", &st, 0x1);
	out();
}

static void stat_legacy(void)
{
	struct stat st;

	mkf("f", "data");
	mks("f", "l");
	SC(SYS_stat, "l", &st);
	xstat(&st, "f", 1);
	out();
}

static void lstat_legacy(void)
{
	struct stat st;

	mkf("f", "data");
	mks("f", "l");
	SC(SYS_lstat, "l", &st);
	xstat(&st, "l", 0);
	out();
}

static void stat_missing(void)
{
	struct stat st;

	SC(SYS_stat, "missing", &st);
	out();
}

static void stat_trailing_slash_file(void)
{
	struct stat st;

	mkf("f", "data");
	SC(SYS_stat, "f/", &st);
	out();
}

static void lstat_trailing_slash_symlink(void)
{
	struct stat st;

	mkd("d");
	mks("d", "l");
	SC(SYS_lstat, "l/", &st);
	xstat(&st, "d", 1);
	out();
}

static void stat_loop(void)
{
	struct stat st;

	mks("b", "a");
	mks("a", "b");
	SC(SYS_stat, "a", &st);
	out();
}

static void stat_fifo(void)
{
	struct stat st;

	mkfifo_("p");
	SC(SYS_stat, "p", &st);
	xstat(&st, "p", 1);
	out();
}

static void stat_proc_self(void)
{
	struct stat st;

	SC(SYS_newfstatat, AT_FDCWD, "/proc/self", &st, AT_SYMLINK_NOFOLLOW);
	if (R == 0)
		x(" type=%s", ftype(st.st_mode));
	out();
}

/* ---- access ---------------------------------------------------------------------------------- */

static void access_read(void)
{
	mkf("f", "data");
	SC(SYS_faccessat, AT_FDCWD, "f", R_OK);
	out();
}

static void access_legacy_exec(void)
{
	mkf("f", "data");
	SC(SYS_access, "f", X_OK);
	out();
}

static void access_missing(void)
{
	SC(SYS_access, "missing", F_OK);
	out();
}

static void access_write_readonly(void)
{
	mkf("f", "data");
	fix(chmod("f", 0444) == 0, "chmod");
	SC(SYS_faccessat, AT_FDCWD, "f", W_OK);
	out();
}

static void access_bad_mode(void)
{
	mkf("f", "data");
	SC(SYS_faccessat, AT_FDCWD, "f", 8);
	out();
}

static void faccessat2_eaccess(void)
{
	mkf("f", "data");
	fix(chmod("f", 0444) == 0, "chmod");
	SC(SYS_faccessat2, AT_FDCWD, "f", W_OK, AT_EACCESS);
	out();
}

static void faccessat2_nofollow_dangling(void)
{
	mks("target", "l");
	SC(SYS_faccessat2, AT_FDCWD, "l", F_OK, AT_SYMLINK_NOFOLLOW);
	out();
}

static void faccessat2_follow_dangling(void)
{
	mks("target", "l");
	SC(SYS_faccessat2, AT_FDCWD, "l", F_OK, 0);
	out();
}

static void faccessat2_empty_path(void)
{
	int f;

	mkf("f", "data");
	f = open("f", O_RDONLY);
	fix(f >= 0, "open f");
	SC(SYS_faccessat2, f, "", R_OK, AT_EMPTY_PATH);
	close(f);
	out();
}

static void faccessat2_bad_flags(void)
{
	mkf("f", "data");
	SC(SYS_faccessat2, AT_FDCWD, "f", F_OK, 0x1);
	out();
}

static void access_other_users_0600(void)
{
	if (!need_root())
		return;
	mkf("f", "data");
	fix(chmod("f", 0600) == 0, "chmod");
	fix(chown("f", OTHER_UID, OTHER_UID) == 0, "chown");
	if (as_other()) {
		SC(SYS_faccessat2, AT_FDCWD, "f", R_OK, AT_EACCESS);
		out();
		as_other_end();
	}
}

static void access_dir_search(void)
{
	mkd("d");
	SC(SYS_faccessat, AT_FDCWD, "d", X_OK);
	out();
}

/* ---- readlink ------------------------------------------------------------------------------------ */

static void readlink_ok(void)
{
	char buf[64];

	mks("some/target", "l");
	SC(SYS_readlinkat, AT_FDCWD, "l", buf, sizeof(buf));
	xvalue(R, buf);
	out();
}

static void readlink_legacy(void)
{
	char buf[64];

	mks("target", "l");
	SC(SYS_readlink, "l", buf, sizeof(buf));
	xvalue(R, buf);
	out();
}

static void readlink_small(void)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	mks("some/target", "l");
	SC(SYS_readlinkat, AT_FDCWD, "l", buf, 4);
	xvalue(R < 0 ? R : 8, buf); /* what follows is untouched */
	out();
}

static void readlink_not_a_link(void)
{
	char buf[64];

	mkf("f", "data");
	SC(SYS_readlinkat, AT_FDCWD, "f", buf, sizeof(buf));
	out();
}

static void readlink_zero_size(void)
{
	char buf[64];

	mks("target", "l");
	SC(SYS_readlinkat, AT_FDCWD, "l", buf, 0);
	out();
}

static void readlink_missing(void)
{
	char buf[64];

	SC(SYS_readlinkat, AT_FDCWD, "missing", buf, sizeof(buf));
	out();
}

static void readlink_null_buf(void)
{
	mks("target", "l");
	SC(SYS_readlinkat, AT_FDCWD, "l", NULL, 64);
	out();
}

static void readlinkat_dirfd(void)
{
	char buf[64];
	int d;

	mkd("d");
	mks("../up", "d/l");
	d = open("d", O_RDONLY | O_DIRECTORY);
	fix(d >= 0, "open d");
	SC(SYS_readlinkat, d, "l", buf, sizeof(buf));
	close(d);
	xvalue(R, buf);
	out();
}

static void readlinkat_empty_path(void)
{
	char buf[64];
	int l;

	mks("target", "l");
	l = open("l", O_PATH | O_NOFOLLOW);
	fix(l >= 0, "open l");
	SC(SYS_readlinkat, l, "", buf, sizeof(buf));
	close(l);
	xvalue(R, buf);
	out();
}

static void readlink_through_symlinked_dir(void)
{
	char buf[64];

	mkd("d");
	mks("x", "d/l");
	mks("d", "dl");
	SC(SYS_readlinkat, AT_FDCWD, "dl/l", buf, sizeof(buf));
	xvalue(R, buf);
	out();
}

static void readlink_proc_self_cwd(void)
{
	char buf[PATH_MAX];

	SC(SYS_readlinkat, AT_FDCWD, "/proc/self/cwd", buf, sizeof(buf));
	if (R > 0) {
		x(" is_casedir=%s",
		  (size_t)R == strlen(casedir) && memcmp(buf, casedir, (size_t)R) == 0 ? "yes"
										       : "no");
		R = 1; /* its length is DIR's: not printed */
	}
	out();
}

/* ---- the table ------------------------------------------------------------------------------------ */

#define T(f)          \
	{             \
#f, f \
	}
static const struct kcase {
	const char *name;
	void (*fn)(void);
} cases[] = {
	T(open_existing),
	T(open_legacy),
	T(open_missing),
	T(open_missing_parent_creat),
	T(open_creat_new),
	T(open_creat_umask077),
	T(open_creat_mode_bits),
	T(open_excl_existing),
	T(open_excl_dangling),
	T(open_creat_dangling),
	T(open_creat_existing_dir),
	T(open_nofollow_symlink),
	T(open_nofollow_opath),
	T(open_loop),
	T(open_dir_wronly),
	T(open_directory_on_file),
	T(open_trailing_slash_file),
	T(open_creat_trailing_slash),
	T(open_file_as_dir),
	T(open_long_component),
	T(open_path_max),
	T(openat_opath_dirfd),
	T(openat_rdonly_dirfd_creat),
	T(openat_file_dirfd),
	T(openat_bad_dirfd),
	T(openat_bad_dirfd_absolute),
	T(openat_fdcwd_after_chdir),
	T(open_dotdot),
	T(open_symlink_dotdot),
	T(creat_existing),
	T(creat_new),
	T(open_trunc),
	T(open_tmpfile),
	T(open_tmpfile_on_file),
	T(open_fifo_nonblock_wronly),
	T(open_fifo_nonblock_rdonly),
	T(open_magiclink),
	T(open_empty_path),
	T(protected_regular),
	T(protected_fifos),
	T(protected_symlinks),
	T(open_other_users_0600),
	T(openat2_basic),
	T(openat2_creat),
	T(openat2_unknown_flags),
	T(openat2_unknown_resolve),
	T(openat2_mode_without_creat),
	T(openat2_mode_too_big),
	T(openat2_size_small),
	T(openat2_size_big_nonzero),
	T(openat2_size_big_zero),
	T(openat2_size_over_page),
	T(openat2_null_how),
	T(openat2_no_xdev_fail),
	T(openat2_no_xdev_ok),
	T(openat2_no_xdev_proc_ok),
	T(openat2_no_magiclinks_fail),
	T(openat2_magiclink_ok),
	T(openat2_no_magiclinks_plain_ok),
	T(openat2_no_symlinks_fail),
	T(openat2_no_symlinks_parent_fail),
	T(openat2_no_symlinks_ok),
	T(openat2_no_symlinks_nofollow),
	T(openat2_beneath_dotdot),
	T(openat2_beneath_absolute),
	T(openat2_beneath_ok),
	T(openat2_beneath_symlink_out),
	T(openat2_in_root_dotdot),
	T(openat2_in_root_absolute_symlink),
	T(openat2_in_root_absolute_path),
	T(openat2_in_root_missing),
	T(openat2_in_root_and_beneath),
	T(openat2_cached_ok),
	T(openat2_cached_creat),
	T(openat2_excl_dangling),
	T(mkdir_new),
	T(mkdir_legacy),
	T(mkdir_umask077),
	T(mkdir_sticky_bits),
	T(mkdir_existing),
	T(mkdir_existing_file),
	T(mkdir_dangling_symlink),
	T(mkdir_missing_parent),
	T(mkdir_file_as_parent),
	T(mkdir_trailing_slash_new),
	T(mkdir_trailing_slash_file),
	T(mkdir_dot),
	T(mkdirat_opath_dirfd),
	T(mkdirat_bad_dirfd),
	T(mkdirat_file_dirfd),
	T(mkdir_long_component),
	T(mkdir_path_max),
	T(mkdir_readonly_parent),
	T(mkdir_readonly_parent_existing),
	T(mkdir_setgid_parent),
	T(mknod_fifo),
	T(mknod_legacy_reg),
	T(mknod_zero_type),
	T(mknod_existing),
	T(mknod_chr),
	T(mknod_dir_type),
	T(mknod_bad_type),
	T(mknodat_sock_dirfd),
	T(mknod_missing_parent),
	T(mknod_dangling),
	T(unlink_file),
	T(unlink_legacy),
	T(unlink_missing),
	T(unlink_dir),
	T(unlink_dir_trailing_slash),
	T(unlink_file_trailing_slash),
	T(unlink_symlink),
	T(unlink_symlink_to_dir_trailing_slash),
	T(unlinkat_removedir),
	T(unlinkat_removedir_nonempty),
	T(unlinkat_removedir_file),
	T(unlinkat_bad_flag),
	T(unlinkat_dirfd),
	T(unlink_readonly_parent),
	T(rmdir_dir),
	T(rmdir_file),
	T(rmdir_dot),
	T(rmdir_dotdot),
	T(rmdir_trailing_slash),
	T(rmdir_nonempty),
	T(rmdir_missing),
	T(rmdir_symlink_to_dir),
	T(sticky_unlink_other),
	T(sticky_unlink_own),
	T(sticky_rename_other),
	T(sticky_rename_over_other),
	T(sticky_rmdir_other),
	T(rename_file),
	T(rename_legacy_over),
	T(rename_missing),
	T(rename_missing_target_parent),
	T(rename_dir_into_itself),
	T(rename_file_over_dir),
	T(rename_dir_over_file),
	T(rename_dir_over_nonempty),
	T(rename_dir_over_empty),
	T(rename_trailing_slash_file),
	T(rename_trailing_slash_target_file),
	T(rename_trailing_slash_dir),
	T(rename_symlink_not_target),
	T(rename_same_file),
	T(rename_dot),
	T(renameat_dirfds),
	T(renameat_bad_dirfd),
	T(renameat2_noreplace_existing),
	T(renameat2_noreplace_dangling),
	T(renameat2_noreplace_new),
	T(renameat2_exchange),
	T(renameat2_exchange_missing),
	T(renameat2_noreplace_exchange),
	T(renameat2_bad_flags),
	T(renameat2_whiteout),
	T(rename_xdev),
	T(link_xdev),
	T(link_file),
	T(link_legacy),
	T(link_existing_name),
	T(link_missing_source_existing_name),
	T(link_dir),
	T(link_missing),
	T(link_trailing_slash),
	T(linkat_symlink_nofollow),
	T(linkat_symlink_follow),
	T(linkat_bad_flags),
	T(linkat_empty_path),
	T(protected_hardlinks),
	T(symlink_new),
	T(symlink_legacy),
	T(symlink_existing),
	T(symlink_existing_dangling),
	T(symlink_missing_parent),
	T(symlink_empty_target),
	T(symlink_trailing_slash),
	T(symlinkat_dirfd),
	T(symlink_dangling_target),
	T(symlink_loop_target),
	T(chmod_file),
	T(chmod_legacy_bits),
	T(chmod_missing),
	T(chmod_follows_symlink),
	T(fchmodat2_nofollow_symlink),
	T(fchmodat2_nofollow_file),
	T(fchmodat2_bad_flags),
	T(fchmodat2_empty_path),
	T(chmod_dangling),
	T(chmod_other_users),
	T(fchownat_minus1),
	T(chown_own_ids),
	T(chown_other_uid),
	T(chown_root_to_other),
	T(lchown_symlink),
	T(fchownat_nofollow_dangling),
	T(fchownat_follow_dangling),
	T(fchownat_empty_path),
	T(fchownat_bad_flags),
	T(chown_missing),
	T(utimensat_now),
	T(utimensat_null_times),
	T(utimensat_omit_both),
	T(utimensat_omit_atime),
	T(utimensat_nofollow_symlink),
	T(utimensat_bad_nsec),
	T(utimensat_bad_flags),
	T(utimensat_missing),
	T(utimensat_null_path_fd),
	T(utimensat_empty_path),
	T(utimes_given),
	T(utimes_null),
	T(utimensat_other_users),
	T(truncate_shrink),
	T(truncate_extend),
	T(truncate_dir),
	T(truncate_missing),
	T(truncate_negative),
	T(truncate_fifo),
	T(truncate_symlink),
	T(truncate_readonly),
	T(truncate_trailing_slash),
	T(setxattr_user),
	T(setxattr_create_existing),
	T(setxattr_replace_missing),
	T(setxattr_bad_namespace),
	T(setxattr_bad_flags),
	T(setxattr_missing_file),
	T(lsetxattr_symlink),
	T(setxattr_via_symlink),
	T(getxattr_value),
	T(getxattr_size_only),
	T(getxattr_small),
	T(getxattr_missing_name),
	T(getxattr_missing_file),
	T(lgetxattr_symlink),
	T(getxattr_via_symlink),
	T(listxattr_list),
	T(listxattr_small),
	T(listxattr_size_only),
	T(llistxattr_symlink),
	T(removexattr_existing),
	T(removexattr_missing),
	T(lremovexattr_symlink),
	T(xattr_empty_name),
	T(statx_file),
	T(statx_dir),
	T(statx_follow_symlink),
	T(statx_nofollow_symlink),
	T(statx_empty_path),
	T(statx_empty_path_no_flag),
	T(statx_null_buf),
	T(statx_bad_flags),
	T(statx_reserved_mask),
	T(statx_dangling),
	T(statx_loop),
	T(newfstatat_file),
	T(newfstatat_nofollow),
	T(newfstatat_empty_path),
	T(newfstatat_dirfd),
	T(newfstatat_null_buf),
	T(newfstatat_bad_flags),
	T(stat_legacy),
	T(lstat_legacy),
	T(stat_missing),
	T(stat_trailing_slash_file),
	T(lstat_trailing_slash_symlink),
	T(stat_loop),
	T(stat_fifo),
	T(stat_proc_self),
	T(access_read),
	T(access_legacy_exec),
	T(access_missing),
	T(access_write_readonly),
	T(access_bad_mode),
	T(faccessat2_eaccess),
	T(faccessat2_nofollow_dangling),
	T(faccessat2_follow_dangling),
	T(faccessat2_empty_path),
	T(faccessat2_bad_flags),
	T(access_other_users_0600),
	T(access_dir_search),
	T(readlink_ok),
	T(readlink_legacy),
	T(readlink_small),
	T(readlink_not_a_link),
	T(readlink_zero_size),
	T(readlink_missing),
	T(readlink_null_buf),
	T(readlinkat_dirfd),
	T(readlinkat_empty_path),
	T(readlink_through_symlinked_dir),
	T(readlink_proc_self_cwd),
};

static int one_call(char **argv)
{
	cur = argv[1];
	if (strcmp(argv[1], "mkdir") == 0)
		SC(SYS_mkdirat, AT_FDCWD, argv[2], 0777);
	else
		return 2;
	out();
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int top;

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	if (argc == 4 && strcmp(argv[1], "-1") == 0)
		return one_call(argv + 1);
	if (argc == 3)
		only = argv[2];
	else if (argc != 2) {
		fprintf(stderr, "usage: kcmp DIR [CASE] | kcmp -1 mkdir PATH\n");
		return 2;
	}
	if (chdir(argv[1]) < 0 || (top = open(".", O_RDONLY | O_DIRECTORY)) < 0) {
		perror(argv[1]);
		return 2;
	}
	memset(long_name, 'a', 256);
	memset(long_path, 'b', sizeof(long_path) - 1);
	for (size_t i = 0; i < sizeof(long_path) - 1; i += 200)
		long_path[i] = '/';
	long_path[0] = 'b';
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cur = cases[i].name;
		if (only && strcmp(only, cur) != 0)
			continue;
		xl = 0;
		xb[0] = '\0';
		fixfail[0] = '\0';
		printed = 0;
		R = 0;
		E = 0;
		if (mkdir(cur, 0755) < 0 || chdir(cur) < 0 || !getcwd(casedir, sizeof(casedir))) {
			printf("%s fixture-failed=casedir:%s\n", cur, ename(errno));
			if (fchdir(top) < 0)
				return 2;
			continue;
		}
		cases[i].fn();
		if (!printed)
			printf("%s noresult\n", cur);
		umask(022);
		if (fchdir(top) < 0)
			return 2;
	}
	return 0;
}
