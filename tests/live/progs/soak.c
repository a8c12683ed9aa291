/* SPDX-License-Identifier: Apache-2.0 */
/*
 * soak CALLS: CALLS notified getpgid(0) calls, one after the other.  Prints
 * what the supervisor (the parent) holds after a tenth of them and at the
 * end: "supervisor fds A B rss_kib C D".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "supstat.h"

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 1000;
	pid_t sup = getppid();
	int fds0 = -1;
	long rss0 = -1;

	for (long i = 0; i < calls; i++) {
		syscall(SYS_getpgid, 0);
		if (i == calls / 10) {
			fds0 = supstat_fds(sup);
			rss0 = supstat_rss_kib(sup);
		}
	}
	printf("supervisor fds %d %d rss_kib %ld %ld\n", fds0, supstat_fds(sup), rss0,
	       supstat_rss_kib(sup));
	return 0;
}
