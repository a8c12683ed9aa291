/* SPDX-License-Identifier: Apache-2.0 */
/*
 * abi i386|x32 PATH: mkdir(PATH) through another ABI of this x86_64
 * machine: i386 by int $0x80 (syscall 39, which is getpid on x86_64), x32
 * with the x32 bit on the number (0x40000000 | 83).  Prints the errno name
 * (or "ok"); exits 0, or 77 when the ABI cannot be reached at all here: the
 * kernel has no IA32 emulation (int $0x80 faults).  Unfiltered, an x32 call
 * on a kernel without x32 fails with ENOSYS: the seccomp filter still sees
 * it first, with its own number.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

static long int80(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
	return ret;
}

/* Whether int $0x80 reaches the kernel: i386 getpid (20) in a child. */
static int ia32_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(int80(20, 0, 0) == getpid() ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void report(long r)
{
	if (r >= 0)
		printf("ok\n");
	else
		printf("%s\n", strerrorname_np((int)-r) ? strerrorname_np((int)-r) : "?");
}

int main(int argc, char **argv)
{
	char *low;

	if (argc < 3 || strlen(argv[2]) >= 4096)
		return 2;
	if (strcmp(argv[1], "x32") == 0) {
		long r = syscall(X32_BIT | 83, argv[2], 0755);

		report(r < 0 ? -errno : r);
		return 0;
	}
	if (!ia32_works()) {
		printf("no IA32 emulation: int $0x80 faults\n");
		return 77;
	}
	/* i386 pointers are 32 bits */
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		   0);
	if (low == MAP_FAILED)
		return 2;
	strcpy(low, argv[2]);
	report(int80(39, (long)low, 0755));
	return 0;
}
