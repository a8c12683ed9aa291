/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emustale DIR: what the caches of emulated calls must not get wrong.
 * Each case first opens a file (so whatever callgate remembers of the
 * caller is filled), then changes the caller (its credentials in one
 * thread only, its fs uid, its capabilities, its umask, its credentials
 * by an exec of a set-user-ID program, its user namespace, its root, its
 * mount namespace, its cwd), then opens again, and prints one line "NAME
 * RESULT" (the content read, the mode of a file created, or errno=N).  Run bare and under callgate: the lines must be the
 * same (emustale.sh).  Needs root; DIR holds the fixtures emustale.sh
 * made.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

/*
 * A chroot while another thread opens without pause: an open made after
 * the chroot returned must find the jail's /jf, even when callgate read
 * the thread's root while the chroot was on its way (and kept it).  Twenty
 * rounds, each in a process of its own (a chroot is the whole process's).
 */
static atomic_int race_opens, race_after, race_stale;

static int open_jf(void)
{
	int fd = open("/jf", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static void *race_opener(void *arg)
{
	(void)arg;
	for (int after = 0; after < 200;) {
		bool late = atomic_load(&race_after);
		int found = open_jf();

		atomic_fetch_add(&race_opens, 1);
		if (late) {
			after++;
			if (!found)
				atomic_fetch_add(&race_stale, 1);
		}
	}
	return NULL;
}

static void chroot_race_round(void)
{
	char jail[4096];
	pthread_t t;

	snprintf(jail, sizeof(jail), "%s/jail", dir);
	if (pthread_create(&t, NULL, race_opener, NULL) != 0)
		_exit(2);
	while (atomic_load(&race_opens) < 20)
		;
	if (chroot(jail) < 0)
		_exit(3);
	atomic_store(&race_after, 1);
	pthread_join(t, NULL);
	_exit(atomic_load(&race_stale) ? 1 : 0);
}

static void chroot_race(void)
{
	int stale = 0, status;

	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid == 0)
			chroot_race_round();
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > 1) {
			printf("chroot_race failed\n");
			return;
		}
		stale += WEXITSTATUS(status);
	}
	printf("chroot_race %s\n", stale ? "stale" : "ok");
	fflush(stdout);
}

/*
 * The same for the umask (a struct fs's too, so another thread's): files
 * created after umask(077) returned must be 0600, whatever callgate read
 * while it was on its way.
 */
static atomic_int umask_creates, umask_after, umask_stale;

static void *umask_creator(void *arg)
{
	char path[4096];
	struct stat st;

	(void)arg;
	snprintf(path, sizeof(path), "%s/sub/race%d", dir, (int)getpid());
	for (int after = 0; after < 200;) {
		bool late = atomic_load(&umask_after);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);

		if (fd < 0 || fstat(fd, &st) < 0)
			_exit(2);
		close(fd);
		unlink(path);
		atomic_fetch_add(&umask_creates, 1);
		if (late) {
			after++;
			if ((st.st_mode & 0777) != 0600)
				atomic_fetch_add(&umask_stale, 1);
		}
	}
	return NULL;
}

static void umask_race(void)
{
	int stale = 0, status;

	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			pthread_t t;

			umask(022);
			if (pthread_create(&t, NULL, umask_creator, NULL) != 0)
				_exit(2);
			while (atomic_load(&umask_creates) < 20)
				;
			umask(077);
			atomic_store(&umask_after, 1);
			pthread_join(t, NULL);
			_exit(atomic_load(&umask_stale) ? 1 : 0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > 1) {
			printf("umask_race failed\n");
			return;
		}
		stale += WEXITSTATUS(status);
	}
	printf("umask_race %s\n", stale ? "stale" : "ok");
	fflush(stdout);
}

/*
 * More calls that change where a caller is in flight at once than callgate
 * keeps track of (20 threads each stay after an unshare(0)): it must then
 * read every caller's root again at each call, and a chroot still counts.
 */
static atomic_int flood_in;
static atomic_bool flood_go;

static void *flood_thread(void *arg)
{
	(void)arg;
	if (unshare(0) < 0)
		printf("flood_unshare errno=%d\n", errno);
	atomic_fetch_add(&flood_in, 1);
	while (!atomic_load(&flood_go))
		;
	return NULL;
}

static void place_flood(void)
{
	pthread_t t[20];
	char jail[4096];

	snprintf(jail, sizeof(jail), "%s/jail", dir);
	show("flood_prime", "pub");
	for (int i = 0; i < 20; i++)
		pthread_create(&t[i], NULL, flood_thread, NULL);
	while (atomic_load(&flood_in) < 20)
		;
	show("flood_pub", "pub");
	if (chroot(jail) < 0) {
		printf("flood_chroot errno=%d\n", errno);
		return;
	}
	show("flood_jf", "/jf");
	atomic_store(&flood_go, true);
	for (int i = 0; i < 20; i++)
		pthread_join(t[i], NULL);
	show("flood_jf_after", "/jf");
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

/* One thread's fs uid (raw setfsuid: its fs capabilities go with it),
 * and back. */
static void fsuid(void)
{
	show("fsuid_prime", "secret");
	syscall(SYS_setfsuid, 65534);
	show("fsuid_secret", "secret");
	show("fsuid_n", "n");
	syscall(SYS_setfsuid, 0);
	show("fsuid_back", "secret");
}

/* Root without the capabilities that pass file modes, and with them
 * again (still permitted). */
static void caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	const uint32_t dac = 1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH;

	show("caps_prime", "other");
	if (syscall(SYS_capget, &h, d) < 0) {
		printf("capget errno=%d\n", errno);
		return;
	}
	d[0].effective &= ~dac;
	if (syscall(SYS_capset, &h, d) < 0) {
		printf("capset errno=%d\n", errno);
		return;
	}
	show("caps_other", "other");
	show("caps_pub", "pub");
	d[0].effective |= dac;
	if (syscall(SYS_capset, &h, d) < 0) {
		printf("capset errno=%d\n", errno);
		return;
	}
	show("caps_back", "other");
}

/* Create @file in DIR/sub and print its mode: the umask's work. */
static void create(const char *name, const char *file)
{
	char path[4096];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/sub/%s", dir, file);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("%s errno=%d\n", name, errno);
	} else {
		printf("%s mode=%04o\n", name, (unsigned)(st.st_mode & 07777));
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
	fflush(stdout);
}

static void umasks(void)
{
	umask(022);
	create("umask_022", "m1");
	umask(077);
	create("umask_077", "m2");
	umask(0);
	create("umask_000", "m3");
}

/*
 * nobody runs a set-user-ID root copy of this program (emustale.sh makes
 * it, DIR/../emustale_suid): root's reads after the exec, nobody's
 * before.
 */
static void suid_exec(void)
{
	char prog[4096];

	snprintf(prog, sizeof(prog), "%s/../emustale_suid", dir);
	if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0) {
		printf("suid_setuid errno=%d\n", errno);
		return;
	}
	show("suid_prime", "secret");
	fflush(stdout);
	execl(prog, prog, dir, "suid", (char *)NULL);
	printf("suid_exec errno=%d\n", errno);
}

/*
 * A listener of the target's own for setresuid, its thread continuing each
 * call: where it got the calls, callgate would not see the change of
 * credentials.  The kernel refuses a second listener in a filter chain
 * (EBUSY) and so the call still reaches callgate; bare, the listener
 * continues it.  Either way nobody must not read the secret after.
 */
static void *continue_all(void *arg)
{
	int fd = *(int *)arg;

	for (;;) {
		struct seccomp_notif req = { 0 };
		struct seccomp_notif_resp resp = { 0 };

		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			return NULL;
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

static void own_listener(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setresuid, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };
	pthread_t t;
	int fd;

	show("listener_prime", "secret");
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &prog);
	if (fd >= 0)
		pthread_create(&t, NULL, continue_all, &fd);
	if (setresgid(65534, 65534, 65534) < 0 || syscall(SYS_setresuid, 65534, 65534, 65534) < 0) {
		printf("listener_setuid errno=%d\n", errno);
		return;
	}
	show("listener_secret", "secret");
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

/*
 * Callers of other identities, one after another (callgate may take a
 * caller's identity in its own thread for the call only, and must give it
 * back in full each time): A (uid 1000, groups 50) and B (nobody, no
 * groups) open the same files in turns, each waiting for the other
 * (pipes), with root's opens in between.
 */
static const char *const turn_files[] = { "u1000", "g50", "n", "secret", "pub" };
#define TURNS 3

static void become(gid_t gid, const gid_t *groups, int n, uid_t uid)
{
	if (setgroups((size_t)n, groups) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		printf("become errno=%d\n", errno);
		fflush(stdout);
		_exit(1);
	}
}

static void turns(const char *who, int in, int out)
{
	char name[64], c = 0;

	for (int r = 0; r < TURNS; r++)
		for (size_t i = 0; i < sizeof(turn_files) / sizeof(turn_files[0]); i++) {
			if (read(in, &c, 1) != 1)
				_exit(1);
			snprintf(name, sizeof(name), "turn_%s_%s_%d", who, turn_files[i], r);
			show(name, turn_files[i]);
			if (write(out, &c, 1) != 1)
				_exit(1);
		}
}

static void alternate(void)
{
	int ab[2], ba[2];
	const gid_t g50 = 50;
	pid_t a, b;
	char c = 0;

	if (pipe(ab) < 0 || pipe(ba) < 0)
		return;
	a = fork();
	if (a == 0) {
		become(1000, &g50, 1, 1000);
		turns("a", ba[0], ab[1]);
		_exit(0);
	}
	b = fork();
	if (b == 0) {
		become(65534, NULL, 0, 65534);
		turns("b", ab[0], ba[1]);
		_exit(0);
	}
	/* A first; root's own open after each of B's turns goes the same way */
	if (write(ba[1], &c, 1) != 1)
		return;
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	show("turn_root_n", "n");
}

/*
 * One process whose groups and uid change between its calls (seteuid
 * back to root in between: its saved uid stays 0).
 */
static void regroup(void)
{
	const gid_t g50 = 50;

	if (setgroups(1, &g50) < 0 || setresgid(1000, 1000, 0) < 0 || setresuid(1000, 1000, 0) < 0) {
		printf("regroup errno=%d\n", errno);
		return;
	}
	show("regroup_g50", "g50");
	show("regroup_u1000", "u1000");
	if (seteuid(0) < 0 || setgroups(0, NULL) < 0 || seteuid(1000) < 0) {
		printf("regroup_drop errno=%d\n", errno);
		return;
	}
	show("regroup_nogroup_g50", "g50");
	if (seteuid(0) < 0 || setgroups(1, &g50) < 0 || seteuid(1000) < 0) {
		printf("regroup_add errno=%d\n", errno);
		return;
	}
	show("regroup_again_g50", "g50");
	if (seteuid(0) < 0 || seteuid(65534) < 0) {
		printf("regroup_uid errno=%d\n", errno);
		return;
	}
	show("regroup_uid_n", "n");
	show("regroup_uid_u1000", "u1000");
	show("regroup_uid_g50", "g50");
	if (seteuid(0) < 0) {
		printf("regroup_root errno=%d\n", errno);
		return;
	}
	show("regroup_root_n", "n");
}

/* A caller that is not root, in a user namespace of its own: root there,
 * with every capability over that namespace only. */
static void userns_user(void)
{
	const gid_t g50 = 50;

	become(1000, &g50, 1, 1000);
	show("usernsu_prime", "u1000");
	if (unshare(CLONE_NEWUSER) < 0) {
		printf("usernsu_unshare errno=%d\n", errno);
		return;
	}
	show("usernsu_u1000", "u1000");
	show("usernsu_g50", "g50");
	show("usernsu_n", "n");
	show("usernsu_secret", "secret");
}

/*
 * A pid used again: a process of one identity opens (callgate keeps its
 * /proc entry open), exits and is reaped; a process of another identity
 * is made to get the same pid (ns_last_pid) and opens.  Its answer must be
 * its own, never the first one's.
 */
static void prime_as(uid_t uid)
{
	if (uid && (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0))
		_exit(1);
	show(uid ? "pidreuse_prime_nobody" : "pidreuse_prime_root", "pub");
	_exit(0);
}

static void reuse(const char *name, uid_t first, uid_t second)
{
	for (int tries = 0; tries < 500; tries++) {
		pid_t a = fork(), b;
		char buf[32];
		int fd, len;

		if (a == 0)
			prime_as(first);
		waitpid(a, NULL, 0);
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("%s errno=%d\n", name, errno);
			return;
		}
		len = snprintf(buf, sizeof(buf), "%d", (int)a - 1);
		if (write(fd, buf, (size_t)len) != len) {
			close(fd);
			continue;
		}
		close(fd);
		b = fork();
		if (b == 0) {
			if (getpid() != a)
				_exit(3);
			if (second && (setresgid(second, second, second) < 0 ||
				       setresuid(second, second, second) < 0))
				_exit(1);
			show(name, "secret");
			_exit(0);
		}
		{
			int st;

			waitpid(b, &st, 0);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 3)
				return; /* it had the pid: its line is out */
		}
	}
	printf("%s the pid was not had again\n", name);
}

static void pidreuse(void)
{
	/* stdout is a file: the children's lines, each flushed, in order */
	reuse("pidreuse_nobody_after_root", 0, 65534);
	reuse("pidreuse_root_after_nobody", 65534, 0);
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: emustale DIR\n");
		return 2;
	}
	dir = argv[1];
	if (argc == 3 && strcmp(argv[2], "suid") == 0) {
		show("suid_secret", "secret");
		return 0;
	}
	show("prime", "pub");
	/* one thread's credentials change, not the others' */
	pthread_create(&t, NULL, as_nobody, NULL);
	pthread_join(t, NULL);
	show("main_secret", "secret");
	in_child(userns);
	in_child(chrooted);
	in_child(chroot_race);
	in_child(mountns);
	in_child(cwd);
	in_child(setuid_all);
	in_child(alternate);
	in_child(regroup);
	in_child(userns_user);
	in_child(pidreuse);
	in_child(fsuid);
	in_child(caps);
	in_child(umasks);
	in_child(umask_race);
	in_child(suid_exec);
	in_child(own_listener);
	/* last: more in flight than callgate marks, it keeps nothing after */
	in_child(place_flood);
	show("last_secret", "secret");
	return 0;
}
