/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The calls behind tests/unit/data/strace.txt: a fixed set of system calls,
 * each with fixed argument values (strings and socket addresses at fixed
 * addresses in a mapping of our own, so that every pointer is the same from
 * run to run), made with syscall(2).  Most fail on purpose (a bad fd, a
 * path that does not exist), so that nothing on the host changes and strace
 * shows pointers to results as the pointers they are.
 *
 * It writes one line per call to the file named by its first argument:
 *   NAME|A0,A1,A2,A3,A4,A5|IDX:HEX;IDX:HEX|IDX:HEX
 * the raw arguments (hex), the strings it passed (argument index and the
 * bytes, without the NUL) and the socket address (argument index and its
 * bytes).  The fixture was recorded once, as root, with:
 *   cc -O2 -o /tmp/stracecalls tests/unit/data/stracecalls.c
 *   strace -f -qq -e signal=none -o /tmp/strace.out /tmp/stracecalls \
 *       tests/unit/data/stracecalls.args
 *   sed -n '/close(-1001)/,/close(-1002)/p' /tmp/strace.out | sed '1d;$d' |
 *       sed -E 's/^[0-9]+ +//' >tests/unit/data/strace.txt
 * (test_sysfmt.c reads both files; its header says which fields match.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include <arpa/inet.h>

#define BASE ((char *)0x10000000)

static FILE *out;
static char *next = BASE;

/* @n bytes of @p copied into the fixed mapping; returns their address */
static void *place(const void *p, size_t n)
{
	void *at = next;

	memcpy(next, p, n);
	next += (n + 15) & ~(size_t)15;
	return at;
}

static char *str(const char *s)
{
	return place(s, strlen(s) + 1);
}

struct strarg {
	int idx;
	const char *s;
};

static void hex(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", ((const unsigned char *)p)[i]);
}

/* One call: made, then described in the args file. */
static void call(const char *name, long nr, const uint64_t a[6], const struct strarg *strs,
		 int sa_idx, size_t sa_len)
{
	syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	fprintf(out, "%s|", name);
	for (int i = 0; i < 6; i++)
		fprintf(out, "%s%llx", i ? "," : "", (unsigned long long)a[i]);
	fputc('|', out);
	for (int i = 0; strs && strs[i].s; i++) {
		fprintf(out, "%s%d:", i ? ";" : "", strs[i].idx);
		hex(strs[i].s, strlen(strs[i].s));
	}
	fputc('|', out);
	if (sa_idx >= 0) {
		fprintf(out, "%d:", sa_idx);
		hex((const void *)(uintptr_t)a[sa_idx], sa_len);
	}
	fputc('\n', out);
}

#define A(...) ((const uint64_t[6]){ __VA_ARGS__ })
#define S(...) ((const struct strarg[]){ __VA_ARGS__, { 0, NULL } })
#define P(p)   ((uint64_t)(uintptr_t)(p))
#define FDCWD  ((uint64_t)(int64_t)AT_FDCWD)
#define NEG(v) ((uint64_t)(int64_t)(v))

/* A path call: @s at argument @idx. */
#define PATHCALL(name, idx, s, ...)                                                 \
	do {                                                                        \
		char *p_ = str(s);                                                  \
		(void)p_;                                                           \
		call(#name, SYS_##name, A(__VA_ARGS__), S({ idx, s }), -1, 0);      \
	} while (0)

static void sockcall(const char *name, long nr, uint64_t fd, const void *sa, size_t len)
{
	void *p = place(sa, len);

	call(name, nr, A(fd, P(p), len), NULL, 1, len);
}

int main(int argc, char **argv)
{
	char *p;

	static char obuf[1 << 20];

	/* one buffer, written at the end: no stdio call between the markers */
	if (argc != 2 || !(out = fopen(argv[1], "w")) || setvbuf(out, obuf, _IOFBF, sizeof(obuf)))
		return 2;
	if (mmap(BASE, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != BASE)
		return 2;
	syscall(SYS_close, -1001); /* start marker */

	/* open family */
	p = str("/etc/hostname");
	call("openat", SYS_openat, A(FDCWD, P(p), O_RDONLY), S({ 1, "/etc/hostname" }), -1, 0);
	p = str("/nonexistent/new");
	call("openat", SYS_openat, A(FDCWD, P(p), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644),
	     S({ 1, "/nonexistent/new" }), -1, 0);
	p = str("/nonexistent/x");
	call("open", SYS_open,
	     A(P(p), O_RDWR | O_APPEND | O_NONBLOCK | O_NOFOLLOW | O_DIRECTORY | O_NOCTTY),
	     S({ 0, "/nonexistent/x" }), -1, 0);
	p = str("/nonexistent");
	call("openat", SYS_openat, A(FDCWD, P(p), O_RDWR | O_TMPFILE, 0600),
	     S({ 1, "/nonexistent" }), -1, 0);
	p = str("rel/x");
	call("openat", SYS_openat, A(99, P(p), O_RDONLY | O_PATH | O_NOATIME | 0x40000000),
	     S({ 1, "rel/x" }), -1, 0);
	p = str("/nonexistent/sync");
	call("openat", SYS_openat, A(FDCWD, P(p), O_WRONLY | O_SYNC | O_EXCL | O_CREAT, 0),
	     S({ 1, "/nonexistent/sync" }), -1, 0);
	{
		struct open_how how = { .flags = O_RDONLY, .resolve = 0 };
		char *hp;

		p = str("/nonexistent/how");
		hp = place(&how, sizeof(how));
		call("openat2", SYS_openat2, A(FDCWD, P(p), P(hp), sizeof(how)),
		     S({ 1, "/nonexistent/how" }), -1, 0);
	}
	PATHCALL(creat, 0, "/nonexistent/c", P(p_), 0600);
	/* a path a target controls: escapes, a newline, bytes above 0x7f */
	p = str("/nonexistent/\033[31mred\n\ttab\"q\\\177\303\251\0010\r\v\f");
	call("openat", SYS_openat, A(FDCWD, P(p), O_RDONLY),
	     S({ 1, "/nonexistent/\033[31mred\n\ttab\"q\\\177\303\251\0010\r\v\f" }), -1, 0);

	/* access modes, AT_* flags */
	PATHCALL(access, 0, "/nonexistent/a", P(p_), R_OK | W_OK);
	PATHCALL(access, 0, "/nonexistent/a", P(p_), F_OK);
	PATHCALL(faccessat, 1, "/nonexistent/a", FDCWD, P(p_), X_OK);
	PATHCALL(faccessat2, 1, "/nonexistent/a", FDCWD, P(p_), R_OK | X_OK,
		 AT_EACCESS | AT_SYMLINK_NOFOLLOW);
	PATHCALL(newfstatat, 1, "/nonexistent/s", FDCWD, P(p_), P(BASE + 0x8000),
		 AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT);
	PATHCALL(unlinkat, 1, "/nonexistent/d", FDCWD, P(p_), AT_REMOVEDIR);
	PATHCALL(unlinkat, 1, "/nonexistent/f", 99, P(p_), 0);
	PATHCALL(fchownat, 1, "/nonexistent/o", FDCWD, P(p_), 1000, NEG(-1), AT_SYMLINK_NOFOLLOW);
	PATHCALL(utimensat, 1, "/nonexistent/u", FDCWD, P(p_), 0, 0);
	PATHCALL(statx, 1, "/nonexistent/x", FDCWD, P(p_), AT_STATX_SYNC_AS_STAT | AT_EMPTY_PATH,
		 0x7ff, P(BASE + 0x8000));
	{
		char *a = str("/nonexistent/a"), *b = str("/nonexistent/b");

		call("renameat2", SYS_renameat2, A(FDCWD, P(a), 99, P(b), 1),
		     S({ 1, "/nonexistent/a" }, { 3, "/nonexistent/b" }), -1, 0);
		call("linkat", SYS_linkat, A(FDCWD, P(a), FDCWD, P(b), AT_SYMLINK_FOLLOW),
		     S({ 1, "/nonexistent/a" }, { 3, "/nonexistent/b" }), -1, 0);
		call("rename", SYS_rename, A(P(a), P(b)),
		     S({ 0, "/nonexistent/a" }, { 1, "/nonexistent/b" }), -1, 0);
	}
	PATHCALL(execveat, 1, "", 99, P(p_), 0, 0, AT_EMPTY_PATH);

	/* modes */
	PATHCALL(mkdir, 0, "/nonexistent/d", P(p_), 0755);
	PATHCALL(mkdirat, 1, "rel/dir", 99, P(p_), 01777);
	PATHCALL(chmod, 0, "/nonexistent/c", P(p_), 04755);
	PATHCALL(fchmodat, 1, "/nonexistent/c", FDCWD, P(p_), 0);
	PATHCALL(mknod, 0, "/nonexistent/fifo", P(p_), S_IFIFO | 0600, 0);
	PATHCALL(mknodat, 1, "/nonexistent/chr", FDCWD, P(p_), S_IFCHR | 0620, makedev(1, 3));
	call("fchmod", SYS_fchmod, A(99, 0640), NULL, -1, 0);
	call("umask", SYS_umask, A(022), NULL, -1, 0);
	call("umask", SYS_umask, A(022), NULL, -1, 0);

	/* sockets */
	call("socket", SYS_socket, A(AF_INET, SOCK_STREAM, IPPROTO_TCP), NULL, -1, 0);
	call("socket", SYS_socket, A(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), NULL,
	     -1, 0);
	call("socket", SYS_socket, A(AF_UNIX, SOCK_STREAM, 0), NULL, -1, 0);
	call("socket", SYS_socket, A(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), NULL, -1,
	     0);
	call("socket", SYS_socket, A(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), NULL, -1, 0);
	call("socket", SYS_socket, A(AF_VSOCK, SOCK_STREAM, 0), NULL, -1, 0);
	call("socket", SYS_socket, A(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), NULL, -1, 0);
	call("socket", SYS_socket, A(AF_INET, SOCK_RAW, IPPROTO_ICMP), NULL, -1, 0);
	call("socket", SYS_socket, A(77, 99, 3), NULL, -1, 0);
	{
		struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(8765) };
		struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		struct sockaddr_nl nl = { .nl_family = AF_NETLINK, .nl_pid = 42, .nl_groups = 5 };
		struct sockaddr_ll ll = { .sll_family = AF_PACKET,
					  .sll_protocol = htons(ETH_P_IP),
					  .sll_ifindex = 0,
					  .sll_hatype = 1,
					  .sll_pkttype = PACKET_BROADCAST,
					  .sll_halen = 6,
					  .sll_addr = { 0x02, 0, 0, 0xab, 0xcd, 0xef } };
		struct sockaddr_vm vm = { .svm_family = AF_VSOCK,
					  .svm_port = 1234,
					  .svm_cid = VMADDR_CID_LOCAL };
		unsigned char raw[16] = { 0 };

		inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
		sockcall("connect", SYS_connect, 99, &in, sizeof(in));
		inet_pton(AF_INET, "10.1.2.3", &in.sin_addr);
		in.sin_port = htons(0);
		sockcall("bind", SYS_bind, 99, &in, sizeof(in));
		inet_pton(AF_INET6, "::1", &in6.sin6_addr);
		sockcall("connect", SYS_connect, 99, &in6, sizeof(in6));
		inet_pton(AF_INET6, "2001:db8::5", &in6.sin6_addr);
		in6.sin6_flowinfo = htonl(0x12345);
		in6.sin6_scope_id = 7;
		sockcall("connect", SYS_connect, 99, &in6, sizeof(in6));
		inet_pton(AF_INET6, "::ffff:192.0.2.1", &in6.sin6_addr);
		in6.sin6_flowinfo = 0;
		in6.sin6_scope_id = 0;
		sockcall("connect", SYS_connect, 99, &in6, sizeof(in6));
		strcpy(un.sun_path, "/run/cg.sock");
		sockcall("connect", SYS_connect, 99, &un,
			 offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1);
		memcpy(un.sun_path, "\0cg-abstract", 12);
		sockcall("connect", SYS_connect, 99, &un, offsetof(struct sockaddr_un, sun_path) + 12);
		sockcall("bind", SYS_bind, 99, &un, offsetof(struct sockaddr_un, sun_path));
		strcpy(un.sun_path, "rel/\033]0;x\a.sock");
		sockcall("bind", SYS_bind, 99, &un,
			 offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path));
		sockcall("bind", SYS_bind, 99, &nl, sizeof(nl));
		sockcall("bind", SYS_bind, 99, &ll, sizeof(ll));
		sockcall("connect", SYS_connect, 99, &vm, sizeof(vm));
		raw[0] = AF_UNSPEC;
		sockcall("connect", SYS_connect, 99, raw, sizeof(raw));
		raw[0] = 200;
		raw[2] = 'h';
		raw[3] = 'i';
		raw[4] = 0xff;
		sockcall("connect", SYS_connect, 99, raw, sizeof(raw));
		raw[0] = AF_INET;
		sockcall("connect", SYS_connect, 99, raw, 8); /* short */
		{
			char *b = str("abc");
			char *sa;

			inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
			in.sin_port = htons(53);
			sa = place(&in, sizeof(in));
			call("sendto", SYS_sendto, A(99, P(b), 3, MSG_DONTWAIT | MSG_NOSIGNAL, P(sa),
						     sizeof(in)),
			     NULL, 4, sizeof(in));
		}
		call("connect", SYS_connect, A(99, 0, 0), NULL, -1, 0);
		call("accept4", SYS_accept4, A(99, 0, 0, SOCK_CLOEXEC | SOCK_NONBLOCK), NULL, -1,
		     0);
		call("listen", SYS_listen, A(99, 128), NULL, -1, 0);
		call("shutdown", SYS_shutdown, A(99, SHUT_WR), NULL, -1, 0);
	}

	/* memory */
	call("mmap", SYS_mmap, A(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NEG(-1), 0),
	     NULL, -1, 0);
	call("mmap", SYS_mmap,
	     A(0x20000000, 8192, PROT_NONE,
	       MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE | MAP_POPULATE, NEG(-1), 0),
	     NULL, -1, 0);
	call("mmap", SYS_mmap, A(0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_DENYWRITE, 99, 8192),
	     NULL, -1, 0);
	call("mprotect", SYS_mprotect, A(0x20000000, 4096, PROT_READ | PROT_EXEC | PROT_GROWSDOWN),
	     NULL, -1, 0);
	call("mprotect", SYS_mprotect, A(0x20000000, 4096, PROT_NONE), NULL, -1, 0);

	/* processes, namespaces */
	call("clone", SYS_clone,
	     A(CLONE_SIGHAND | CLONE_PARENT_SETTID | CLONE_SETTLS | SIGCHLD, 0x30000000,
	       P(BASE + 0x9000), P(BASE + 0x9010), 0x40000000),
	     NULL, -1, 0);
	call("clone", SYS_clone, A(CLONE_NEWUSER | CLONE_THREAD | CLONE_CHILD_CLEARTID, 0, 0,
				   P(BASE + 0x9010), 0),
	     NULL, -1, 0);
	{
		struct clone_args ca = { .flags = CLONE_THREAD, .exit_signal = SIGCHLD };

		call("clone3", SYS_clone3, A(P(place(&ca, sizeof(ca))), sizeof(ca)), NULL, -1, 0);
	}
	call("unshare", SYS_unshare, A(CLONE_NEWNS | CLONE_NEWNET | CLONE_THREAD | CLONE_VM), NULL,
	     -1, 0);
	call("unshare", SYS_unshare, A(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_FILES | 0x80),
	     NULL, -1, 0);
	call("setns", SYS_setns, A(99, CLONE_NEWNET), NULL, -1, 0);
	call("setns", SYS_setns, A(99, 0), NULL, -1, 0);
	{
		char *src = str("/nonexistent/src"), *dst = str("/nonexistent/dst"),
		     *fs = str("tmpfs"), *data = str("size=1m");

		call("mount", SYS_mount, A(P(src), P(dst), 0, MS_BIND | MS_REC, 0),
		     S({ 0, "/nonexistent/src" }, { 1, "/nonexistent/dst" }), -1, 0);
		call("mount", SYS_mount,
		     A(P(src), P(dst), P(fs), MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, P(data)),
		     S({ 0, "/nonexistent/src" }, { 1, "/nonexistent/dst" }, { 2, "tmpfs" },
		       { 4, "size=1m" }),
		     -1, 0);
		call("umount2", SYS_umount2, A(P(dst), MNT_DETACH | UMOUNT_NOFOLLOW),
		     S({ 0, "/nonexistent/dst" }), -1, 0);
	}

	/* signals */
	call("kill", SYS_kill, A(999999, SIGTERM), NULL, -1, 0);
	call("kill", SYS_kill, A(NEG(-999999), 0), NULL, -1, 0);
	call("tgkill", SYS_tgkill, A(999999, 999999, SIGUSR1), NULL, -1, 0);
	call("tgkill", SYS_tgkill, A(999999, 999999, 40), NULL, -1, 0);
	call("rt_sigaction", SYS_rt_sigaction, A(SIGKILL, 0, P(BASE + 0x9000), 8), NULL, -1, 0);

	/* prctl */
	call("prctl", SYS_prctl, A(PR_GET_DUMPABLE), NULL, -1, 0);
	call("prctl", SYS_prctl, A(PR_SET_PDEATHSIG, SIGKILL), NULL, -1, 0);
	call("prctl", SYS_prctl, A(PR_SET_CHILD_SUBREAPER, 1), NULL, -1, 0);
	call("prctl", SYS_prctl, A(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), NULL, -1, 0);
	call("prctl", SYS_prctl, A(PR_GET_SECCOMP), NULL, -1, 0);
	call("prctl", SYS_prctl, A(PR_SET_KEEPCAPS, 0), NULL, -1, 0);
	call("prctl", SYS_prctl, A(PR_CAPBSET_READ, 21), NULL, -1, 0);

	/* ioctl on a bad fd: nothing read or written */
	call("ioctl", SYS_ioctl, A(99, TIOCSTI, P(BASE + 0x9000)), NULL, -1, 0);
	call("ioctl", SYS_ioctl, A(99, TIOCGWINSZ, P(BASE + 0x9000)), NULL, -1, 0);
	call("ioctl", SYS_ioctl, A(99, TCGETS, P(BASE + 0x9000)), NULL, -1, 0);
	call("ioctl", SYS_ioctl, A(99, FIONREAD, P(BASE + 0x9000)), NULL, -1, 0);
	call("ioctl", SYS_ioctl, A(99, FIOCLEX), NULL, -1, 0);
	call("ioctl", SYS_ioctl, A(99, TIOCSCTTY, 0), NULL, -1, 0);

	/* fcntl on a bad fd */
	call("fcntl", SYS_fcntl, A(99, F_GETFD), NULL, -1, 0);
	call("fcntl", SYS_fcntl, A(99, F_SETFD, FD_CLOEXEC), NULL, -1, 0);
	call("fcntl", SYS_fcntl, A(99, F_GETFL), NULL, -1, 0);
	call("fcntl", SYS_fcntl, A(99, F_SETFL, O_NONBLOCK | O_APPEND), NULL, -1, 0);
	call("fcntl", SYS_fcntl, A(99, F_DUPFD_CLOEXEC, 10), NULL, -1, 0);
	call("fcntl", SYS_fcntl, A(99, F_SETLK, P(BASE + 0x9000)), NULL, -1, 0);

	/* fds */
	call("dup3", SYS_dup3, A(99, 20, O_CLOEXEC), NULL, -1, 0);
	call("dup2", SYS_dup2, A(99, 20), NULL, -1, 0);
	call("lseek", SYS_lseek, A(99, 100, SEEK_CUR), NULL, -1, 0);
	call("close", SYS_close, A(99), NULL, -1, 0);

	syscall(SYS_close, -1002); /* end marker */
	fclose(out);
	return 0;
}
