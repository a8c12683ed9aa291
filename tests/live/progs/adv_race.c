/* SPDX-License-Identifier: Apache-2.0 */
/*
 * adv_race: re-read races.  One thread makes a call over and over while
 * another changes the memory the call reads, so the supervisor may check
 * one thing and the kernel act on another.
 *
 *   adv_race connect-unix|connect-unspec OKPORT NOPORT TRIES SECS
 *	connect() of a TCP socket through a sockaddr that holds
 *	127.0.0.1:NOPORT and whose family flips between AF_INET and AF_UNIX
 *	(or AF_UNSPEC): the bytes read as AF_UNIX are a short relative path.
 *	Connections to NOPORT are counted by the listener (outside); this
 *	prints those it saw itself as its breaches.
 *   adv_race OP OKPATH NOPATH TRIES SECS [FORBIDDEN_INO]
 *	OP on a path buffer that flips between OKPATH and NOPATH (the same
 *	length): stat (a breach: the forbidden inode, FORBIDDEN_INO, seen),
 *	unlink, chmod (0600), mkdir, rename (OKPATH.src to the buffer),
 *	renameout (the buffer to OKPATH.dst), truncate (to 0), utimensat
 *	(mtime 123456789): their breaches are seen outside, on NOPATH;
 *	openat2: the open_how flags flip with the path (O_PATH with OKPATH,
 *	O_RDONLY with NOPATH); a breach: "forbidden" read.
 *
 * Stops after TRIES tries or SECS seconds; then makes the allowed call ten
 * times without a race.  Prints "OP breaches N|- tries M allowed_ok K"
 * ("-": counted outside) and exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "adv.h"

#define UTIME_SECS 123456789

static const char *op, *okpath, *nopath;
static char buf[4096], src[4200], dst[4200];
static struct open_how how;
static atomic_int stop;
static unsigned short okport, noport;
static union {
	struct sockaddr_in in;
	char raw[128];
} sa;
static sa_family_t other_family;

static void *path_flipper(void *arg)
{
	size_t n = strlen(okpath), from = 0, to = n;
	volatile __u64 *flags = &how.flags;
	int with_flags = strcmp(op, "openat2") == 0;

	(void)arg;
	/* only the bytes that differ change: no other path in between */
	while (from < n && okpath[from] == nopath[from])
		from++;
	while (to > from && okpath[to - 1] == nopath[to - 1])
		to--;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		memcpy(buf + from, nopath + from, to - from);
		if (with_flags)
			*flags = O_RDONLY;
		adv_flipped();
		memcpy(buf + from, okpath + from, to - from);
		if (with_flags)
			*flags = O_PATH;
		adv_flipped();
	}
	return NULL;
}

static void *family_flipper(void *arg)
{
	volatile sa_family_t *family = &sa.in.sin_family;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		*family = AF_INET;
		adv_flipped();
		*family = other_family;
		adv_flipped();
	}
	return NULL;
}

/* one connect to sa (or to 127.0.0.1:OKPORT when plain): the port reached */
static int connect_once(int plain)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in ok = { .sin_family = AF_INET, .sin_port = htons(okport) };
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int port = 0, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	ok.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	if (connect(fd, plain ? (struct sockaddr *)&ok : (struct sockaddr *)&sa, sizeof(sa.in)) ==
		    0 &&
	    getpeername(fd, (struct sockaddr *)&peer, &len) == 0 && peer.sin_family == AF_INET)
		port = ntohs(peer.sin_port);
	close(fd);
	return port;
}

static int race_connect(long tries, double secs)
{
	struct adv_budget b;
	long breaches = 0, allowed = 0;
	pthread_t t;

	sa.in.sin_family = AF_INET;
	sa.in.sin_port = htons(noport);
	sa.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (pthread_create(&t, NULL, family_flipper, NULL) != 0)
		return 2;
	adv_wait_flipper();
	adv_budget_init(&b, tries, secs);
	while (adv_more(&b))
		if (connect_once(0) == noport)
			breaches++;
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	for (int i = 0; i < 10; i++)
		if (connect_once(1) == okport)
			allowed++;
	adv_summary(op, breaches, b.tries, allowed);
	return 0;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0644);

	if (fd < 0)
		return -1;
	if (write(fd, ADV_HELLO "\n", 6) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* OP once on PATH: 1 if it did what an allowed call does */
static int path_once(const char *path, ino_t okino, ino_t noino, long *breaches)
{
	struct timespec times[2] = { { UTIME_SECS, 0 }, { UTIME_SECS, 0 } };
	struct stat st;
	int r;

	if (strcmp(op, "stat") == 0) {
		if (stat(path, &st) < 0)
			return 0;
		if (noino && st.st_ino == noino)
			(*breaches)++;
		return st.st_ino == okino;
	}
	if (strcmp(op, "unlink") == 0) {
		r = unlink(path);
		if (r == 0)
			touch(okpath);
		return r == 0;
	}
	if (strcmp(op, "chmod") == 0)
		return chmod(path, 0600) == 0;
	if (strcmp(op, "mkdir") == 0) {
		r = mkdir(path, 0755);
		if (r == 0)
			rmdir(okpath);
		return r == 0;
	}
	if (strcmp(op, "rename") == 0) {
		r = rename(src, path);
		if (r == 0 && rename(okpath, src) < 0)
			touch(src);
		return r == 0;
	}
	if (strcmp(op, "renameout") == 0) {
		r = rename(path, dst);
		if (r == 0 && rename(dst, okpath) < 0)
			touch(okpath);
		return r == 0;
	}
	if (strcmp(op, "truncate") == 0)
		return truncate(path, 0) == 0;
	if (strcmp(op, "utimensat") == 0)
		return utimensat(AT_FDCWD, path, times, 0) == 0;
	if (strcmp(op, "openat2") == 0) {
		struct open_how plain = { .flags = O_RDONLY };
		int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, path == buf ? &how : &plain,
				      sizeof(how));

		if (fd < 0)
			return 0;
		r = adv_fd_content(fd);
		close(fd);
		if (r == 1)
			(*breaches)++;
		return r == 2;
	}
	fprintf(stderr, "adv_race: unknown operation %s\n", op);
	exit(2);
}

static int race_path(long tries, double secs, ino_t noino)
{
	struct adv_budget b;
	long breaches = 0, allowed = 0, ignored = 0;
	struct stat st;
	ino_t okino = 0;
	pthread_t t;
	int fs_breach = noino == 0 && strcmp(op, "openat2") != 0;

	if (strlen(okpath) != strlen(nopath) || strlen(okpath) >= sizeof(buf) - 1)
		return 2;
	snprintf(src, sizeof(src), "%s.src", okpath);
	snprintf(dst, sizeof(dst), "%s.dst", okpath);
	if (strcmp(op, "rename") == 0)
		touch(src);
	if (stat(okpath, &st) == 0)
		okino = st.st_ino;
	strcpy(buf, okpath);
	how.flags = O_PATH;
	if (pthread_create(&t, NULL, path_flipper, NULL) != 0)
		return 2;
	adv_wait_flipper();
	adv_budget_init(&b, tries, secs);
	while (adv_more(&b))
		path_once(buf, okino, noino, &breaches);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	if (strcmp(op, "stat") == 0 && stat(okpath, &st) == 0)
		okino = st.st_ino;
	if (strcmp(op, "unlink") == 0 || strcmp(op, "renameout") == 0 || strcmp(op, "chmod") == 0 ||
	    strcmp(op, "truncate") == 0 || strcmp(op, "utimensat") == 0)
		touch(okpath);
	if (strcmp(op, "rename") == 0)
		touch(src);
	for (int i = 0; i < 10; i++)
		allowed += path_once(okpath, okino, noino, &ignored);
	if (fs_breach)
		printf("%s breaches - tries %ld allowed_ok %ld\n", op, b.tries, allowed);
	else
		adv_summary(op, breaches, b.tries, allowed);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: adv_race OP OK NO TRIES SECS [FORBIDDEN_INO]\n");
		return 2;
	}
	op = argv[1];
	if (strncmp(op, "connect-", 8) == 0) {
		okport = (unsigned short)atoi(argv[2]);
		noport = (unsigned short)atoi(argv[3]);
		other_family = strcmp(op, "connect-unix") == 0 ? AF_UNIX : AF_UNSPEC;
		return race_connect(atol(argv[4]), atof(argv[5]));
	}
	okpath = argv[2];
	nopath = argv[3];
	return race_path(atol(argv[4]), atof(argv[5]), (ino_t)adv_arg(argc, argv, 6, 0));
}
