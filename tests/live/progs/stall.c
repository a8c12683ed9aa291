/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Targets for the isolation tests: one that makes its own emulated call
 * stall inside the supervisor, one that keeps making notified calls.
 *
 *   stall lease FILE     a read lease on FILE, then open(FILE, O_WRONLY):
 *                        the open waits for the lease break
 *                        (fs.lease-break-time)
 *   stall uffd FILE      open() with the path on a userfaultfd page that is
 *                        never filled: reading it blocks
 *   stall fifo FIFO      open(FIFO, O_WRONLY) with no reader
 *   stall busy SECONDS   uname() every 10 ms for SECONDS; prints the number
 *                        of calls and the slowest answer
 *
 * The stalling modes print "stalling" before the call and "returned after
 * N ms: RESULT" if it ever returns; the test kills them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int stalled_open(const char *path, int flags)
{
	double t0;
	int fd;

	printf("stalling\n");
	fflush(stdout);
	t0 = now_ms();
	fd = open(path, flags);
	printf("returned after %.0f ms: %s\n", now_ms() - t0, fd >= 0 ? "opened" : strerror(errno));
	fflush(stdout);
	return 0;
}

static int lease(const char *file)
{
	int fd = open(file, O_RDONLY);

	/* the lease break is announced with SIGIO: kept, not obeyed */
	signal(SIGIO, SIG_IGN);
	if (fd < 0 || fcntl(fd, F_SETLEASE, F_RDLCK) < 0) {
		printf("SKIP: no read lease on %s: %s\n", file, strerror(errno));
		return 77;
	}
	return stalled_open(file, O_WRONLY);
}

static int uffd(const char *file)
{
	long page = sysconf(_SC_PAGESIZE);
	char *area = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	char *path;

	if (area == MAP_FAILED || fd < 0 || ioctl(fd, UFFDIO_API, &api) < 0) {
		printf("SKIP: no userfaultfd: %s\n", strerror(errno));
		return 77;
	}
	/* the path starts at the end of the first page, which is filled,
	 * and goes on into the second, which nobody will ever fill */
	path = area + page - 8;
	(void)file;
	memcpy(path, "/uffd/pa", 8);
	reg = (struct uffdio_register){ .range = { .start = (unsigned long)(area + page),
						   .len = (unsigned long)page },
					.mode = UFFDIO_REGISTER_MODE_MISSING };
	if (ioctl(fd, UFFDIO_REGISTER, &reg) < 0) {
		printf("SKIP: cannot register with userfaultfd: %s\n", strerror(errno));
		return 77;
	}
	return stalled_open(path, O_RDONLY);
}

static int busy(double seconds)
{
	struct timespec pace = { .tv_nsec = 10 * 1000000L };
	double end = now_ms() + seconds * 1e3, slowest = 0;
	unsigned long calls = 0;
	struct utsname u;

	while (now_ms() < end) {
		double t0 = now_ms(), took;

		uname(&u);
		took = now_ms() - t0;
		if (took > slowest)
			slowest = took;
		calls++;
		/* pacing, so that the log stays small */
		nanosleep(&pace, NULL);
	}
	printf("calls %lu slowest %.1f ms\n", calls, slowest);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "lease") == 0)
		return lease(argv[2]);
	if (argc == 3 && strcmp(argv[1], "uffd") == 0)
		return uffd(argv[2]);
	if (argc == 3 && strcmp(argv[1], "fifo") == 0)
		return stalled_open(argv[2], O_WRONLY);
	if (argc == 3 && strcmp(argv[1], "busy") == 0)
		return busy(atof(argv[2]));
	fprintf(stderr, "usage: stall lease FILE | uffd FILE | fifo FIFO | busy SECONDS\n");
	return 2;
}
