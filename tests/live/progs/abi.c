/* SPDX-License-Identifier: Apache-2.0 */
/*
 * abi probe: "reached" or "absent", as ia32.h's probe finds i386 here.
 * abi i386|x32 PATH: mkdir(PATH) through another ABI of this x86_64
 * machine: i386 by int $0x80 (syscall 39, which is getpid on x86_64), x32
 * with the x32 bit on the number (0x40000000 | 83).  Prints the errno name
 * (or "ok"); exits 0, or 77 when the ABI cannot be reached at all here: the
 * kernel has no IA32 emulation (int $0x80 faults;
 * ia32.h: a call a filter kills has reached the kernel).  Unfiltered, an x32 call
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

#include "ia32.h"

#define X32_BIT 0x40000000L

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

	if (argc == 2 && strcmp(argv[1], "probe") == 0) {
		/* the probe itself, bare or under a filter */
		printf("%s\n", ia32_reached() ? "reached" : "absent");
		return 0;
	}
	if (argc < 3 || strlen(argv[2]) >= 4096)
		return 2;
	if (strcmp(argv[1], "x32") == 0) {
		long r = syscall(X32_BIT | 83, argv[2], 0755);

		report(r < 0 ? -errno : r);
		return 0;
	}
	if (!ia32_reached()) {
		printf("no IA32 emulation: int $0x80 faults\n");
		return 77;
	}
	/* i386 pointers are 32 bits */
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		   0);
	if (low == MAP_FAILED)
		return 2;
	strcpy(low, argv[2]);
	report(int80(39, (long)low, 0755, 0));
	return 0;
}
