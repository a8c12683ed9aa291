/* SPDX-License-Identifier: Apache-2.0 */
/*
 * race_open ALLOWED FORBIDDEN ATTEMPTS: one thread opens the path in a
 * shared buffer over and over while another flips the buffer between an
 * allowed and a forbidden file, so the path the supervisor checks may not
 * be the one the kernel opens.
 * race_open --symlink LINK ALLOWED FORBIDDEN ATTEMPTS: the same with a
 * symlink at LINK swapped between the two files (atomically, by rename).  Prints "forbidden_opens N allowed_opens M
 * denied K" and exits 0.  A file counts as forbidden by its content: the
 * forbidden file holds "forbidden".
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[4096];
static const char *allowed, *forbidden, *link_path;
static atomic_int stop;

static void *link_flipper(void *arg)
{
	char tmp[4200];

	(void)arg;
	snprintf(tmp, sizeof(tmp), "%s.tmp", link_path);
	for (int i = 0; !atomic_load_explicit(&stop, memory_order_relaxed); i++) {
		unlink(tmp);
		if (symlink(i & 1 ? forbidden : allowed, tmp) == 0)
			rename(tmp, link_path);
	}
	return NULL;
}

static void *flipper(void *arg)
{
	size_t la = strlen(allowed), lf = strlen(forbidden);

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		memcpy(buf, forbidden, lf + 1);
		memcpy(buf, allowed, la + 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long attempts, forbidden_opens = 0, allowed_opens = 0, denied = 0;
	pthread_t t;

	if (argc == 6 && strcmp(argv[1], "--symlink") == 0) {
		link_path = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 4)
		return 2;
	allowed = argv[1];
	forbidden = argv[2];
	attempts = atol(argv[3]);
	if (strlen(allowed) >= sizeof(buf) || strlen(forbidden) >= sizeof(buf))
		return 2;
	strcpy(buf, link_path ? link_path : allowed);
	if (link_path)
		symlink(allowed, link_path);
	if (pthread_create(&t, NULL, link_path ? link_flipper : flipper, NULL) != 0)
		return 2;
	for (long i = 0; i < attempts; i++) {
		char content[16] = "";
		int fd = open(buf, O_RDONLY);

		if (fd < 0) {
			denied++;
			continue;
		}
		if (read(fd, content, sizeof(content) - 1) > 0 && strncmp(content, "forbidden", 9) == 0)
			forbidden_opens++;
		else
			allowed_opens++;
		close(fd);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("forbidden_opens %ld allowed_opens %ld denied %ld\n", forbidden_opens, allowed_opens,
	       denied);
	return 0;
}
