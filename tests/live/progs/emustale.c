/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emustale DIR: what the caches of emulated calls must not get wrong.
 * Each case first opens a file (so whatever callgate remembers of the
 * caller is filled), then changes the caller (its credentials in one
 * thread only, its user namespace, its root, its mount namespace, its
 * cwd), then opens again, and prints one line "NAME RESULT" (the content
 * read, or errno=N).  Run bare and under callgate: the lines must be the
 * same (emustale.sh).  Needs root; DIR holds the fixtures emustale.sh
 * made.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;

/* Open @path (relative to @dir unless absolute), print NAME and what it
 * holds, or the errno. */
static void show(const char *name, const char *path)
{
	char full[4096], buf[64] = "";
	ssize_t n;
	int fd;

	if (path[0] == '/' || path[0] == '.')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", dir, path);
	if (strcmp(path, "cwd:f") == 0)
		snprintf(full, sizeof(full), "f");
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("%s errno=%d\n", name, errno);
		fflush(stdout);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("%s %s\n", name, buf);
	fflush(stdout);
}

/* Another thread becomes nobody (raw setresuid: that thread only). */
static void *as_nobody(void *arg)
{
	(void)arg;
	show("thread_prime", "pub");
	if (syscall(SYS_setresgid, 65534, 65534, 65534) < 0 ||
	    syscall(SYS_setresuid, 65534, 65534, 65534) < 0) {
		printf("thread_setuid errno=%d\n", errno);
		return NULL;
	}
	show("thread_nobody_secret", "secret");
	show("thread_nobody_pub", "pub");
	return NULL;
}

/* Run @fn in a child, its output in order. */
static void in_child(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

static void userns(void)
{
	show("userns_prime", "other");
	if (unshare(CLONE_NEWUSER) < 0) {
		printf("userns_unshare errno=%d\n", errno);
		return;
	}
	/* root of a new user namespace: no capability over our files */
	show("userns_other", "other");
}

static void chrooted(void)
{
	char jail[4096];

	show("chroot_prime", "pub");
	snprintf(jail, sizeof(jail), "%s/jail", dir);
	if (chroot(jail) < 0 || chdir("/") < 0) {
		printf("chroot errno=%d\n", errno);
		return;
	}
	show("chroot_jf", "/jf");
}

static void mountns(void)
{
	char alt[4096], mnt[4096];

	show("mountns_prime", "mnt/f");
	snprintf(alt, sizeof(alt), "%s/alt", dir);
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(alt, mnt, NULL, MS_BIND, NULL) < 0) {
		printf("mountns errno=%d\n", errno);
		return;
	}
	show("mountns_f", "mnt/f");
}

static void cwd(void)
{
	char sub[4096];

	if (chdir(dir) < 0)
		return;
	show("cwd_prime", "./pub");
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	if (chdir(sub) < 0)
		return;
	show("cwd_f", "cwd:f");
}

static void setuid_all(void)
{
	show("setuid_prime", "secret");
	if (setgid(65534) < 0 || setuid(65534) < 0) {
		printf("setuid errno=%d\n", errno);
		return;
	}
	show("setuid_secret", "secret");
	show("setuid_pub", "pub");
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 2) {
		fprintf(stderr, "usage: emustale DIR\n");
		return 2;
	}
	dir = argv[1];
	show("prime", "pub");
	/* one thread's credentials change, not the others' */
	pthread_create(&t, NULL, as_nobody, NULL);
	pthread_join(t, NULL);
	show("main_secret", "secret");
	in_child(userns);
	in_child(chrooted);
	in_child(mountns);
	in_child(cwd);
	in_child(setuid_all);
	show("last_secret", "secret");
	return 0;
}
