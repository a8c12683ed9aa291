/* SPDX-License-Identifier: Apache-2.0 */
/*
 * badptr DIR: openat calls with hostile arguments, each compared with the
 * errno the kernel gives.  Prints one line per case; exits 0 if all match.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failed;

static void expect(const char *name, long r, int want)
{
	int e = r < 0 ? errno : 0;
	int ok = want ? (r == -1 && e == want) : r >= 0;

	printf("%s %s: %ld %s\n", ok ? "ok" : "FAIL", name, r, e ? strerror(e) : "");
	failed |= !ok;
	if (r >= 0)
		close((int)r);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map, *long_path;
	int file;

	if (argc != 2 || chdir(argv[1]) < 0)
		return 2;
	expect("NULL path", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY), EFAULT);
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return 2;
	munmap(map + page, page);
	expect("unmapped path", syscall(SYS_openat, AT_FDCWD, map + page, O_RDONLY), EFAULT);
	/* "aaa...a" up to the end of the page, no NUL before the hole */
	memset(map, 'a', page);
	expect("no NUL before an unmapped page",
	       syscall(SYS_openat, AT_FDCWD, map + page - 100, O_RDONLY), EFAULT);
	expect("a page of non-NUL bytes: PATH_MAX first",
	       syscall(SYS_openat, AT_FDCWD, map, O_RDONLY), ENAMETOOLONG);
	/* a NUL just at the end of the page is fine */
	memcpy(map + page - 3, "a\0", 2);
	map[page - 1] = '\0';
	expect("name ending at the page end (missing file)",
	       syscall(SYS_openat, AT_FDCWD, map + page - 2, O_RDONLY), ENOENT);
	long_path = malloc(8192);
	memset(long_path, 'x', 8191);
	long_path[8191] = '\0';
	expect("path longer than PATH_MAX", syscall(SYS_openat, AT_FDCWD, long_path, O_RDONLY),
	       ENAMETOOLONG);
	expect("bad dirfd", syscall(SYS_openat, 999, "a", O_RDONLY), EBADF);
	file = open("a", O_RDONLY);
	expect("dirfd that is not a directory", syscall(SYS_openat, file, "x", O_RDONLY), ENOTDIR);
	expect("allowed file still opens", syscall(SYS_openat, AT_FDCWD, "a", O_RDONLY), 0);
	return failed;
}
