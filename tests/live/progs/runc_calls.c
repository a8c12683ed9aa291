/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runc's seccomp conformance calls (shared/profiles/README.md), made with
 * syscall(2) so libc rewrites nothing.  Usage: runc_calls test1|test2.
 * Prints one line per call and exits 0 if every result is the expected one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct call {
	const char *name;
	long nr;
	long a[6];
	int want_errno; /* 0: success expected */
};

static const struct call test1[] = {
	{ "write(-1, NULL, 0)", SYS_write, { -1, 0, 0 }, EBADF },
	{ "socket(AF_UNIX, SOCK_STREAM, 0x000)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0x000 }, 0 },
	{ "socket(AF_UNIX, SOCK_STREAM, 0x0ff)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0x0ff },
	  EPROTONOSUPPORT },
	{ "socket(AF_UNIX, SOCK_STREAM, 0x001)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0x001 }, 0 },
	{ "socket(AF_UNIX, SOCK_STREAM, 0x100)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0x100 }, EPERM },
	{ "socket(AF_UNIX, SOCK_STREAM, 0xc00)", SYS_socket, { AF_UNIX, SOCK_STREAM, 0xc00 }, EPERM },
	{ "process_vm_readv(100, ..., ~0)", SYS_process_vm_readv, { 100, 0, 0, 0, 0, -1 }, EINVAL },
	{ "process_vm_readv(9001, ..., ~0)", SYS_process_vm_readv, { 9001, 0, 0, 0, 0, -1 }, EINVAL },
	{ "process_vm_readv(0, ..., ~0)", SYS_process_vm_readv, { 0, 0, 0, 0, 0, -1 }, EPERM },
	{ "process_vm_writev(1337, ..., ~0)", SYS_process_vm_writev, { 1337, 0, 0, 0, 0, -1 }, ENOANO },
	{ "process_vm_writev(2020, ..., ~0)", SYS_process_vm_writev, { 2020, 0, 0, 0, 0, -1 }, ENOANO },
	{ "process_vm_writev(0, ..., ~0)", SYS_process_vm_writev, { 0, 0, 0, 0, 0, -1 }, EPERM },
	{ "ftruncate(123456789, 1337)", SYS_ftruncate, { 123456789, 1337 }, EBADF },
	{ "ftruncate(123456789, 0)", SYS_ftruncate, { 123456789, 0 }, EPERM },
	{ "ftruncate(500, 1337)", SYS_ftruncate, { 500, 1337 }, EPERM },
	{ "ftruncate(500, 500)", SYS_ftruncate, { 500, 500 }, EPERM },
	{ "dup3(1, -100, 0xffff)", SYS_dup3, { 1, -100, 0xffff }, EINVAL },
	{ "dup3(3, -100, 0xffff)", SYS_dup3, { 3, -100, 0xffff }, EINVAL },
	{ "dup3(0, -100, 0xffff)", SYS_dup3, { 0, -100, 0xffff }, EPERM },
	{ "dup3(2, -100, 0xffff)", SYS_dup3, { 2, -100, 0xffff }, EPERM },
	{ "unshare(0)", SYS_unshare, { 0 }, EPERM },
	{ "setns(0, 0)", SYS_setns, { 0, 0 }, EPERM },
	{ "syscall(1000)", 1000, { 0 }, ENOSYS },
};

static const struct call test2[] = {
	{ "chdir(\"/\")", SYS_chdir, { (long)"/" }, ENXIO },
};

static int run(const struct call *calls, size_t n)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		const struct call *c = &calls[i];
		long r = syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
		int e = r < 0 ? errno : 0;
		int ok = c->want_errno ? (r == -1 && e == c->want_errno) : r >= 0;

		printf("%s %s = %ld%s%s\n", ok ? "ok" : "FAIL", c->name, r, e ? " " : "",
		       e ? strerror(e) : "");
		failed |= !ok;
	}
	return failed;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "test1") == 0)
		return run(test1, sizeof(test1) / sizeof(test1[0]));
	if (argc == 2 && strcmp(argv[1], "test2") == 0)
		return run(test2, sizeof(test2) / sizeof(test2[0]));
	fprintf(stderr, "usage: runc_calls test1|test2\n");
	return 2;
}
