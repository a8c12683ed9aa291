/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled filters under the real kernel: a forked child loads the
 * filter (with no_new_privs, so no privilege is needed), makes raw
 * syscalls, and records what the kernel returned in shared memory.  The
 * expectations are runc's own (shared/profiles/README.md) and the
 * docker/labs lab's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/filterutil.h"

#define MAX_CALLS 64

struct call {
	const char *name;
	long nr;
	long args[6];
	long want_ret; /* -1: failure with want_errno; -2: any value >= 0 */
	int want_errno;
};

struct result {
	long ret;
	int err;
};

static const char *tmp_file;

/* Load @profile's filter in a child, make @calls, return their results. */
static void run_under(const char *profile, uint64_t caps, const struct call *calls, size_t n,
		      struct result *out)
{
	struct policy *p = tu_load(profile);
	struct plan *plan = tu_compile(p, caps, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	struct result *shared;
	int status;
	pid_t pid;

	tu_filter(plan, &prog);
	shared = mmap(NULL, sizeof(*shared) * MAX_CALLS, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(shared, MAP_FAILED);
	ck_assert_uint_le(n, MAX_CALLS);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sock_fprog fprog = { .len = (unsigned short)prog.len,
					    .filter = (struct sock_filter *)prog.insns };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
			_exit(100);
		/* From here on only raw syscalls the profiles allow. */
		for (size_t i = 0; i < n; i++) {
			const long *a = calls[i].args;
			long r = syscall(calls[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);

			shared[i].ret = r;
			shared[i].err = r < 0 ? errno : 0;
		}
		syscall(SYS_exit_group, 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s: child status %#x (100: could not load the filter)", profile, status);
	memcpy(out, shared, sizeof(*out) * n);
	munmap(shared, sizeof(*shared) * MAX_CALLS);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}

static void expect(const char *profile, uint64_t caps, const struct call *calls, size_t n)
{
	struct result res[MAX_CALLS];

	run_under(profile, caps, calls, n, res);
	for (size_t i = 0; i < n; i++) {
		const struct call *c = &calls[i];

		if (c->want_ret == -2)
			ck_assert_msg(res[i].ret >= 0, "%s: %s: failed with %s, expected success",
				      profile, c->name, strerror(res[i].err));
		else if (c->want_ret == -1)
			ck_assert_msg(res[i].ret == -1 && res[i].err == c->want_errno,
				      "%s: %s: returned %ld (%s), expected %s", profile, c->name,
				      res[i].ret, strerror(res[i].err), strerror(c->want_errno));
		else
			ck_assert_msg(res[i].ret == c->want_ret,
				      "%s: %s: returned %ld (%s), expected %ld", profile, c->name,
				      res[i].ret, strerror(res[i].err), c->want_ret);
	}
}

#define FAIL(e) -1, (e)
#define OK	-2, 0

START_TEST(runc_test1_under_the_kernel)
{
	const long big = -1L;
	const struct call calls[] = {
		{ "write(-1, NULL, 0)", SYS_write, { -1, 0, 0 }, FAIL(EBADF) },
		{ "socket(AF_UNIX, SOCK_STREAM, 0x000)",
		  SYS_socket,
		  { AF_UNIX, SOCK_STREAM, 0x000 },
		  OK },
		{ "socket(AF_UNIX, SOCK_STREAM, 0x0ff)",
		  SYS_socket,
		  { AF_UNIX, SOCK_STREAM, 0x0ff },
		  FAIL(EPROTONOSUPPORT) },
		{ "socket(AF_UNIX, SOCK_STREAM, 0x001)",
		  SYS_socket,
		  { AF_UNIX, SOCK_STREAM, 0x001 },
		  OK },
		{ "socket(AF_UNIX, SOCK_STREAM, 0x100)",
		  SYS_socket,
		  { AF_UNIX, SOCK_STREAM, 0x100 },
		  FAIL(EPERM) },
		{ "socket(AF_UNIX, SOCK_STREAM, 0xc00)",
		  SYS_socket,
		  { AF_UNIX, SOCK_STREAM, 0xc00 },
		  FAIL(EPERM) },
		{ "process_vm_readv(100)",
		  SYS_process_vm_readv,
		  { 100, 0, 0, 0, 0, big },
		  FAIL(EINVAL) },
		{ "process_vm_readv(9001)",
		  SYS_process_vm_readv,
		  { 9001, 0, 0, 0, 0, big },
		  FAIL(EINVAL) },
		{ "process_vm_readv(0)",
		  SYS_process_vm_readv,
		  { 0, 0, 0, 0, 0, big },
		  FAIL(EPERM) },
		{ "process_vm_writev(1337)",
		  SYS_process_vm_writev,
		  { 1337, 0, 0, 0, 0, big },
		  FAIL(ENOANO) },
		{ "process_vm_writev(2020)",
		  SYS_process_vm_writev,
		  { 2020, 0, 0, 0, 0, big },
		  FAIL(ENOANO) },
		{ "process_vm_writev(0)",
		  SYS_process_vm_writev,
		  { 0, 0, 0, 0, 0, big },
		  FAIL(EPERM) },
		{ "ftruncate(123456789, 1337)", SYS_ftruncate, { 123456789, 1337 }, FAIL(EBADF) },
		{ "ftruncate(123456789, 0)", SYS_ftruncate, { 123456789, 0 }, FAIL(EPERM) },
		{ "ftruncate(500, 1337)", SYS_ftruncate, { 500, 1337 }, FAIL(EPERM) },
		{ "ftruncate(500, 500)", SYS_ftruncate, { 500, 500 }, FAIL(EPERM) },
		{ "dup3(1, -100, 0xffff)", SYS_dup3, { 1, -100, 0xffff }, FAIL(EINVAL) },
		{ "dup3(3, -100, 0xffff)", SYS_dup3, { 3, -100, 0xffff }, FAIL(EINVAL) },
		{ "dup3(0, -100, 0xffff)", SYS_dup3, { 0, -100, 0xffff }, FAIL(EPERM) },
		{ "dup3(2, -100, 0xffff)", SYS_dup3, { 2, -100, 0xffff }, FAIL(EPERM) },
		{ "unshare(0)", SYS_unshare, { 0 }, FAIL(EPERM) },
		{ "setns(0, 0)", SYS_setns, { 0, 0 }, FAIL(EPERM) },
		{ "syscall 1000", 1000, { 0 }, FAIL(ENOSYS) },
	};

	expect(tu_shared("profiles/runc_testdata_seccomp_syscall_test1.json"), 0, calls,
	       ARRAY_SIZE(calls));
}
END_TEST

START_TEST(runc_test2_default_errno)
{
	const struct call calls[] = {
		{ "chdir(\"/\")", SYS_chdir, { (long)"/" }, FAIL(ENXIO) },
		{ "getppid()", SYS_getppid, { 0 }, OK },
	};

	expect(tu_shared("profiles/runc_testdata_seccomp_syscall_test2_defaultErrnoRet-ENXIO.json"),
	       0, calls, 2);
}
END_TEST

START_TEST(docker_labs_chmod)
{
	const struct call denied[] = {
		{ "chmod(tmp, 0777) without chmod",
		  SYS_chmod,
		  { (long)tmp_file, 0777 },
		  FAIL(EPERM) },
		{ "fchmodat(AT_FDCWD, tmp, 0777)",
		  SYS_fchmodat,
		  { AT_FDCWD, (long)tmp_file, 0777 },
		  FAIL(EPERM) },
	};
	const struct call allowed[] = {
		{ "chmod(tmp, 0777)", SYS_chmod, { (long)tmp_file, 0777 }, 0, 0 },
	};

	expect(tu_shared("profiles/docker-labs_default-no-chmod.json"), 0, denied, 2);
	expect(tu_shared("profiles/docker-labs_default.json"), 0, allowed, 1);
}
END_TEST

START_TEST(default_policy_under_the_kernel)
{
	const struct call plain[] = {
		{ "getppid()", SYS_getppid, { 0 }, OK },
		{ "unshare(CLONE_NEWUSER) without CAP_SYS_ADMIN",
		  SYS_unshare,
		  { CLONE_NEWUSER },
		  FAIL(EPERM) },
		{ "socket(AF_VSOCK)", SYS_socket, { 40, SOCK_STREAM, 0 }, FAIL(EPERM) },
		{ "socket(AF_UNIX)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0 }, OK },
		{ "clone3(NULL, 0) gets ENOSYS", SYS_clone3, { 0, 0 }, FAIL(ENOSYS) },
		{ "fchmodat2 reaches the kernel",
		  452,
		  { AT_FDCWD, (long)tmp_file, 0600, 0 },
		  0,
		  0 },
		{ "kexec_load denied", SYS_kexec_load, { 0 }, FAIL(EPERM) },
	};

	expect("policies/default.json", 0, plain, ARRAY_SIZE(plain));
}
END_TEST

int main(void)
{
	static char path[] = "/tmp/callgate-live-XXXXXX";
	int fd = mkstemp(path);
	Suite *s = suite_create("kernel_filter");
	TCase *tc = tcase_create("kernel_filter");
	int r;

	if (fd < 0) {
		perror("mkstemp");
		return EXIT_FAILURE;
	}
	close(fd);
	tmp_file = path;
	tcase_add_test(tc, runc_test1_under_the_kernel);
	tcase_add_test(tc, runc_test2_default_errno);
	tcase_add_test(tc, docker_labs_chmod);
	tcase_add_test(tc, default_policy_under_the_kernel);
	suite_add_tcase(s, tc);
	r = tu_run(s);
	unlink(path);
	return r;
}
