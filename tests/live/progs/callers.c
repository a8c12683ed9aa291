/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callers MODE OTHER [ARG]: callers that change who they are, for
 * callers.sh.  Each marks its calls with getppid(TAG) (the kernel ignores
 * the argument; callgate's record shows it as args[0]), and changes its
 * exe or comm between marks in a way a cache of callers could miss: an
 * exec of OTHER (a copy of this program under another name) by every
 * path there is (execve, execveat by fd, /proc/self/fd, posix_spawn, the
 * i386 ABI, a thread that does not lead its group, concurrent failing
 * execs), a pid used again by another executable, a prctl rename (also
 * with the option's high bits set).  callers.sh says which exe and comm
 * each tag must be logged with.
 *
 * Tags: 1 this program, before the change; 2 OTHER, after an exec; 3 this
 * program after a failed exec; 5 a thread of this program that exits; 6 a
 * process of OTHER that got that thread's number; 8 and 9 after a rename;
 * 10 after prctl(PR_SET_MM_EXE_FILE) set the exe link to OTHER, 11 another
 * thread meanwhile (either exe, but never this program's after OTHER's).
 */
#include <alloca.h>
#include <errno.h>
#include <linux/prctl.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ia32.h"

extern char **environ;

static const char *other;

static void mark(long tag)
{
	syscall(SYS_getppid, tag);
}

/* OTHER, run to mark @tag once */
static void exec_other(long tag)
{
	char t[16];

	snprintf(t, sizeof(t), "%ld", tag);
	execl(other, other, "mark", "-", t, (char *)NULL);
	perror("execl");
	_exit(127);
}

static int wait_ok(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* ---- a thread that does not lead its group execs ------------------------ */

static void *nonleader(void *arg)
{
	(void)arg;
	mark(1);
	exec_other(2);
	return NULL;
}

/*
 * The leader marks without pause while another thread execs: the exec
 * gives that thread the leader's number, so a description of the number
 * kept from before the exec would be the old executable's.
 */
static int nonleader_once(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, nonleader, NULL) != 0)
			_exit(1);
		for (;;)
			mark(1);
	}
	return wait_ok(pid);
}

/* ---- many execs in flight at once --------------------------------------- */

static void *failing_execs(void *arg)
{
	char *argv[] = { "nonexistent", NULL };

	(void)arg;
	for (int i = 0; i < 200; i++)
		execve("/nonexistent/callers", argv, environ);
	return NULL;
}

/* ---- a pid used again by another executable ------------------------------ */

static void *exits(void *arg)
{
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	mark(5);
	return NULL;
}

/* In OTHER: fork a child with pid @want (ns_last_pid), which marks 6. */
static int take_pid(pid_t want)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d", (int)want - 1);

	for (int tries = 0; tries < 20; tries++) {
		int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		pid_t pid;

		if (fd < 0)
			return 2;
		if (write(fd, buf, (size_t)len) != len) {
			close(fd);
			return 2;
		}
		close(fd);
		pid = fork();
		if (pid == 0) {
			if (getpid() == want)
				mark(6);
			_exit(getpid() == want ? 0 : 3);
		}
		if (wait_ok(pid) == 0)
			return 0;
	}
	return 3; /* another took it each time */
}

/* ---- the i386 ABI -------------------------------------------------------- */

/* execve by int 0x80 (nr 11), its strings below 4 GiB; 77 where the
 * kernel has no IA32 emulation (ia32.h). */
static void exec_int80(long tag)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			 -1, 0);
	size_t len = strlen(other);
	uint32_t *argv;
	char *s;
	long r;

	if (!ia32_reached()) {
		printf("absent\n");
		_exit(77);
	}
	if (low == MAP_FAILED || len > 3000)
		_exit(1);
	argv = (uint32_t *)low;
	s = low + 64;
	snprintf(s, 4000, "%s%c%s%c-%c%ld", other, 0, "mark", 0, 0, tag);
	argv[0] = (uint32_t)(uintptr_t)s;
	argv[1] = (uint32_t)(uintptr_t)(s + len + 1);
	argv[2] = (uint32_t)(uintptr_t)(s + len + 6);
	argv[3] = (uint32_t)(uintptr_t)(s + len + 8);
	argv[4] = 0;
	r = int80(11, (long)(uintptr_t)s, (long)(uintptr_t)argv, 0);
	fprintf(stderr, "int80 execve: %ld\n", r);
	_exit(127);
}

/* ---- prctl(PR_SET_MM, PR_SET_MM_EXE_FILE) --------------------------------- */

/*
 * The kernel lets a process set its exe link (PR_SET_MM_MAP with an
 * exe_fd: CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in its own user
 * namespace, which any process can make) once its exe is no longer
 * mapped: the code that unmaps it, sets the link to OTHER and marks goes
 * in an anonymous page, machine code written here (x86-64: mov imm64 to a
 * register, syscall), and so does the loop of a second thread that marks
 * 11 all along.
 */
struct code {
	unsigned char *p;
};

static void mov(struct code *c, unsigned char rex, unsigned char op, uint64_t v)
{
	*c->p++ = rex;
	*c->p++ = op;
	memcpy(c->p, &v, 8);
	c->p += 8;
}

/* rax = nr, rdi, rsi, rdx, r10, r8 = a..e; syscall */
static void sys(struct code *c, long nr, uint64_t a, uint64_t b, uint64_t d, uint64_t e, uint64_t f)
{
	mov(c, 0x48, 0xb8, (uint64_t)nr);
	mov(c, 0x48, 0xbf, a);
	mov(c, 0x48, 0xbe, b);
	mov(c, 0x48, 0xba, d);
	mov(c, 0x49, 0xba, e);
	mov(c, 0x49, 0xb8, f);
	*c->p++ = 0x0f;
	*c->p++ = 0x05;
}

/* The process's own layout, as PR_SET_MM_MAP wants it again, but for its
 * exe (/proc/self/stat: fields 26 to 28 and 45 to 51). */
static int own_map(struct prctl_mm_map *m, int exe_fd)
{
	unsigned long long f[52] = { 0 };
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* after the comm: field 3 on */
	if (!p)
		return -1;
	p += 2;
	for (int i = 3; i <= 51 && *p; i++) {
		char *end;

		f[i] = strtoull(p, &end, 10);
		if (*p == 'R' || *p == 'S' || *p == 'D' || *p == 'T' || *p == 't' || *p == 'Z')
			end = p + 1; /* the state */
		p = *end ? end + 1 : end;
	}
	*m = (struct prctl_mm_map){
		.start_code = f[26],
		.end_code = f[27],
		.start_stack = f[28],
		.start_data = f[45],
		.end_data = f[46],
		.start_brk = f[47],
		.brk = (uint64_t)(uintptr_t)sbrk(0),
		.arg_start = f[48],
		.arg_end = f[49],
		.env_start = f[50],
		.env_end = f[51],
		.exe_fd = (uint32_t)exe_fd,
	};
	return 0;
}

static int set_exe(void)
{
	struct prctl_mm_map *map;
	unsigned char *page = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct code c = { page }, loop;
	char self[4096], line[8192], path[4096];
	unsigned long lo, hi;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd = open(other, O_RDONLY);
	FILE *maps = fopen("/proc/self/maps", "r");
	pthread_t t;

	if (page == MAP_FAILED || n < 0 || fd < 0 || !maps)
		return 1;
	/* on the stack, not in the exe's data (unmapped by then) */
	map = alloca(sizeof(*map));
	if (own_map(map, fd) < 0)
		return 1;
	self[n] = 0;
	/* the second thread: mark 11, again and again */
	loop.p = page + (1 << 15);
	sys(&loop, SYS_getppid, 11, 0, 0, 0, 0);
	*loop.p++ = 0xeb; /* jmp back over the 6 moves and the syscall */
	*loop.p++ = (unsigned char)-(6 * 10 + 2 + 2);
	/* the first: unmap every mapping of the exe, set the link, mark */
	while (fgets(line, sizeof(line), maps))
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %4095s", &lo, &hi, path) == 3 &&
		    strcmp(path, self) == 0)
			sys(&c, SYS_munmap, lo, hi - lo, 0, 0, 0);
	fclose(maps);
	sys(&c, SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, (uint64_t)(uintptr_t)map, sizeof(*map), 0);
	/* getppid(10, prctl's result) 1000 times: r12 counts */
	*c.p++ = 0x48; /* mov rsi, rax */
	*c.p++ = 0x89;
	*c.p++ = 0xc6;
	mov(&c, 0x49, 0xbc, 1000); /* mov r12, 1000 */
	{
		unsigned char *top = c.p;

		mov(&c, 0x48, 0xb8, SYS_getppid);
		mov(&c, 0x48, 0xbf, 10);
		*c.p++ = 0x0f;
		*c.p++ = 0x05;
		*c.p++ = 0x49; /* dec r12 */
		*c.p++ = 0xff;
		*c.p++ = 0xcc;
		*c.p++ = 0x75; /* jnz top */
		*c.p = (unsigned char)(top - (c.p + 1));
		c.p++;
	}
	sys(&c, SYS_exit_group, 0, 0, 0, 0, 0);
	if (pthread_create(&t, NULL, (void *(*)(void *))(void *)(page + (1 << 15)), NULL) != 0)
		return 1;
	mark(1);
	((void (*)(void))(void *)page)();
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (argc < 3) {
		fprintf(stderr, "usage: callers MODE OTHER [ARG]\n");
		return 2;
	}
	other = argv[2];
	if (strcmp(mode, "mark") == 0) { /* as OTHER: mark ARG */
		mark(argc > 3 ? atol(argv[3]) : 0);
		return 0;
	}
	if (strcmp(mode, "take-pid") == 0) /* as OTHER */
		return take_pid((pid_t)atoi(argv[3]));
	mark(1); /* seen, and kept, before the change */
	if (strcmp(mode, "execve") == 0) {
		mark(1);
		exec_other(2);
	} else if (strcmp(mode, "execveat") == 0) {
		int fd = open(other, O_RDONLY | O_CLOEXEC);
		char *av[] = { (char *)other, "mark", "-", "2", NULL };

		mark(1);
		syscall(SYS_execveat, fd, "", av, environ, AT_EMPTY_PATH);
		perror("execveat");
		return 127;
	} else if (strcmp(mode, "proc-fd") == 0) {
		int fd = open(other, O_RDONLY);
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		mark(1);
		execl(path, other, "mark", "-", "2", (char *)NULL);
		perror("execl");
		return 127;
	} else if (strcmp(mode, "spawn") == 0) {
		char *av[] = { (char *)other, "mark", "-", "2", NULL };
		pid_t pid;

		for (int i = 0; i < 20; i++) {
			if (posix_spawn(&pid, other, NULL, NULL, av, environ) != 0 ||
			    wait_ok(pid) < 0)
				return 1;
			mark(1);
		}
		return 0;
	} else if (strcmp(mode, "failed") == 0) {
		char *av[] = { "nonexistent", NULL };

		execve("/nonexistent/callers", av, environ);
		mark(3);
		mark(3);
		exec_other(2);
	} else if (strcmp(mode, "nonleader") == 0) {
		int rounds = argc > 3 ? atoi(argv[3]) : 50;

		for (int i = 0; i < rounds; i++)
			if (nonleader_once() < 0)
				return 1;
		return 0;
	} else if (strcmp(mode, "flood") == 0) {
		pthread_t t[32];

		for (int i = 0; i < 32; i++)
			if (pthread_create(&t[i], NULL, failing_execs, NULL) != 0)
				return 1;
		for (int i = 0; i < 2000; i++)
			mark(1);
		for (int i = 0; i < 32; i++)
			pthread_join(t[i], NULL);
		mark(1);
		exec_other(2);
	} else if (strcmp(mode, "reuse") == 0) {
		pthread_t t;
		pid_t tid = 0, pid;
		char want[16];

		if (pthread_create(&t, NULL, exits, &tid) != 0 || pthread_join(t, NULL) != 0)
			return 1;
		snprintf(want, sizeof(want), "%d", (int)tid);
		pid = fork();
		if (pid == 0) {
			execl(other, other, "take-pid", "-", want, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &(int){ 0 }, 0) != pid)
			return 1;
		printf("reused %d\n", (int)tid);
		return 0;
	} else if (strcmp(mode, "rename") == 0) {
		mark(1);
		prctl(PR_SET_NAME, "renamed");
		mark(8);
		/* the kernel reads the option as an int */
		syscall(SYS_prctl, (1UL << 32) | PR_SET_NAME, "hibits");
		mark(9);
		return 0;
	} else if (strcmp(mode, "set-exe") == 0) {
		return set_exe();
	} else if (strcmp(mode, "int80") == 0) {
		mark(1);
		exec_int80(2);
	}
	fprintf(stderr, "callers: unknown mode %s\n", mode);
	return 2;
}
