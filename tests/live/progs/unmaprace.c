/* SPDX-License-Identifier: Apache-2.0 */
/*
 * unmaprace PATH N: a thread maps and unmaps, over and over, the page that
 * holds PATH while this one makes N openat() calls on it, so that the
 * supervisor reads memory that goes away under it.  Every call must come
 * back with an fd (the path was there), EFAULT (it was not) or ENOENT (a
 * page still being written: part of the path), and then a path with no NUL
 * in PATH_MAX bytes must fail with ENAMETOOLONG, as the kernel answers.
 * Prints "opened O efault F enoent E"; exits 0 if nothing else came back.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *page;
static const char *path;
static atomic_int stop;

static void *flip(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		if (mmap(page, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0) == MAP_FAILED)
			return NULL;
		strcpy(page, path);
		munmap(page, 4096);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long n, opened = 0, efault = 0, enoent = 0;
	pthread_t t;
	char *big;
	int fd;

	if (argc < 3 || strlen(argv[1]) >= 4096)
		return 2;
	path = argv[1];
	n = atol(argv[2]);
	page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pthread_create(&t, NULL, flip, NULL) != 0)
		return 2;
	for (long i = 0; i < n; i++) {
		fd = openat(AT_FDCWD, page, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			opened++;
			close(fd);
		} else if (errno == EFAULT) {
			efault++;
		} else if (errno == ENOENT) {
			enoent++;
		} else {
			fprintf(stderr, "openat: %s\n", strerror(errno));
			return 1;
		}
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	/* PATH_MAX bytes and more, none of them NUL */
	big = malloc(2 * 4096);
	if (!big)
		return 2;
	memset(big, 'a', 2 * 4096);
	big[2 * 4096 - 1] = '\0';
	fd = openat(AT_FDCWD, big, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENAMETOOLONG) {
		fprintf(stderr, "a path without NUL: %s\n", fd >= 0 ? "opened" : strerror(errno));
		return 1;
	}
	printf("opened %ld efault %ld enoent %ld\n", opened, efault, enoent);
	return 0;
}
