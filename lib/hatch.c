/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The escape hatches of pattern rules, from the man pages and the kernel
 * sources (fs/namespace.c, fs/fhandle.c, io_uring/, net/socket.c,
 * net/ipv4/af_inet.c, kernel/fork.c, kernel/nsproxy.c, kernel/pid.c).
 *
 * What is not a hatch, and why:
 * - name_to_handle_at: takes a path that rules can look at and opens
 *   nothing; the handle it returns is only a way in through
 *   open_by_handle_at, which is refused (and handles can be forged anyway).
 * - memfd_create: makes an anonymous file; executing it goes through
 *   execveat(AT_EMPTY_PATH) (refused) or execve("/proc/self/fd/N"), whose
 *   magic link the supervisor resolves to the memfd.
 * - ipc (i386): multiplexes SysV IPC, whose objects have integer keys,
 *   neither paths nor socket addresses.
 * - connect() on a socket not bound yet: the kernel binds it to a free
 *   port on the wildcard address for this one connection, the ephemeral
 *   bind every client makes; nothing listens there, so bind rules, which
 *   say where a program may be reached, are not bypassed.  sendto() on an
 *   unbound UDP socket is the same client's bind.
 * - process_vm_readv: reads memory, not files; ptrace and
 *   process_vm_writev are hatches because they make a process outside the
 *   filter act for the caller, which reading cannot.
 * - recvmsg with SCM_RIGHTS: takes an fd that a cooperating process sends;
 *   that process, not a syscall of the target, is the way out.
 * - userfaultfd and other ways to widen a race: the supervisor decides on
 *   its single copy of the arguments (DESIGN.md), so a race does not
 *   bypass a rule; what is decided on a copy and continued is "advisory"
 *   and refused by "advisory": "deny" on its own.
 * - link/linkat, symlink, rename: take paths that rules look at.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>

#include "callgate/hatch.h"
#include "callgate/macro.h"

#define P HATCH_PATHS
#define C HATCH_ADDR_CONNECT
#define B HATCH_ADDR_BIND

#define WHOLE(name_, kinds_, reason_)                                                \
	{                                                                            \
		.name = name_, .kinds = kinds_, .abis = HATCH_ABI_ALL, .err = EPERM, \
		.reason = reason_                                                    \
	}
#define BIT(kinds_, idx_, bit_)                                                           \
	{                                                                                 \
		.kinds = kinds_, .index = idx_, .op = POLICY_OP_MASKED_EQ, .value = bit_, \
		.value_two = bit_                                                         \
	}
#define EQ(kinds_, idx_, v_)                                                    \
	{                                                                       \
		.kinds = kinds_, .index = idx_, .op = POLICY_OP_EQ, .value = v_ \
	}

/* strcmp order, for bsearch. */
static const struct hatch hatch_table[] = {
	/* BPF_PROG_TYPE_CGROUP_SOCK_ADDR programs rewrite the address of
	 * connect, bind, sendmsg (CAP_BPF and CAP_NET_ADMIN, or
	 * CAP_SYS_ADMIN); nothing else a filter can tell apart in bpf(2)'s
	 * attribute block, which is in memory. */
	WHOLE("bpf", C | B,
	      "cgroup BPF programs rewrite the addresses of connect, bind and sendmsg"),
	/* chroot changes the root that absolute paths start from; the
	 * supervisor matches paths as the caller sees them, in its root */
	WHOLE("chroot", P, "changes the root that paths are resolved from"),
	/* clone's flags are argument 0 on every x86 ABI; a new mount namespace
	 * (or a user namespace, where mounting is allowed) lets the child
	 * remount what paths lead to */
	{ .name = "clone",
	  .kinds = P,
	  .abis = HATCH_ABI_ALL,
	  .err = EPERM,
	  .n_conds = 2,
	  .conds = { BIT(P, 0, CLONE_NEWNS), BIT(P, 0, CLONE_NEWUSER) },
	  .reason = "CLONE_NEWNS and CLONE_NEWUSER make a mount namespace the child can remount" },
	/* clone3's flags are in struct clone_args, in memory: the whole call
	 * is refused with ENOSYS, as Docker does, so that libc falls back to
	 * clone, whose flags the filter sees */
	{ .name = "clone3",
	  .kinds = P,
	  .abis = HATCH_ABI_ALL,
	  .err = ENOSYS,
	  .reason = "its namespace flags are in memory the filter cannot read (ENOSYS: libc falls "
		    "back to clone)" },
	/* execveat(fd, "", ..., AT_EMPTY_PATH) (fexecve) executes an open
	 * file, a memfd say, which a path rule on execve never sees */
	{ .name = "execveat",
	  .kinds = P,
	  .abis = HATCH_ABI_ALL,
	  .err = EPERM,
	  .n_conds = 1,
	  .conds = { BIT(P, 4, AT_EMPTY_PATH) },
	  .reason = "AT_EMPTY_PATH executes an open file (a memfd) with no path to look at" },
	/* fanotify (CAP_SYS_ADMIN) hands the listener an fd of every file an
	 * event is about, opened by the kernel */
	WHOLE("fanotify_init", P, "fanotify events carry files the kernel opened for the listener"),
	/* the new mount API (5.2): a detached tree, a new superblock, a mount
	 * moved onto a path, remounted or reconfigured */
	WHOLE("fsconfig", P, "configures a filesystem context: changes what paths lead to"),
	WHOLE("fsmount", P, "makes a mount of a filesystem context: changes what paths lead to"),
	WHOLE("fsopen", P, "opens a filesystem context for a new mount"),
	WHOLE("fspick", P, "reconfigures a mounted filesystem: changes what paths lead to"),
	/* io_uring runs IORING_OP_OPENAT, OPENAT2, CONNECT, BIND (6.11),
	 * LISTEN (6.11), SENDMSG, SEND with an address... in kernel workers no
	 * seccomp filter sees.  enter and register too: a ring can come from
	 * elsewhere (inherited, received, pidfd_getfd). */
	WHOLE("io_uring_enter", P | C | B,
	      "submits io_uring requests (open, connect, bind, sendmsg) that no filter sees"),
	WHOLE("io_uring_register", P | C | B,
	      "registers files and rings for io_uring requests that no filter sees"),
	WHOLE("io_uring_setup", P | C | B,
	      "io_uring runs open, connect, bind and sendmsg requests that no filter sees"),
	/* listen() on a socket not bound yet binds it to a free port on the
	 * wildcard address (inet_autobind) and accepts there; the filter
	 * cannot tell a bound socket from an unbound one */
	WHOLE("listen", B, "on a socket not bound yet, binds a free port on every address"),
	WHOLE("mount", P, "changes what paths lead to"),
	WHOLE("mount_setattr", P, "changes the attributes and idmapping of mounts"),
	WHOLE("move_mount", P, "moves a mount onto a path: changes what paths lead to"),
	/* by handle (CAP_DAC_READ_SEARCH): no path at all */
	WHOLE("open_by_handle_at", P, "opens a file by its handle, with no path to look at"),
	WHOLE("open_tree", P, "clones a mount tree that paths are then resolved in"),
	/* another process's fd: a file or socket it opened, whatever the
	 * rules say about the path or address */
	WHOLE("pidfd_getfd", P | C | B, "takes a file or socket another process opened"),
	WHOLE("pivot_root", P, "changes the root that paths are resolved from"),
	/* writing the memory of a process outside the filter (same rights as
	 * ptrace attach) makes it open or connect for the caller */
	WHOLE("process_vm_writev", P | C | B,
	      "writes the memory of another process, which may run outside the filter"),
	/* attaching to a process outside the filter drives its syscalls; a
	 * tracee under the filter gains nothing (seccomp checks the call again
	 * after a tracer changes it, since 4.8), and PTRACE_TRACEME makes the
	 * parent the tracer, not the caller */
	{ .name = "ptrace",
	  .kinds = P | C | B,
	  .abis = HATCH_ABI_ALL,
	  .err = EPERM,
	  .n_conds = 2,
	  .conds = { EQ(P | C | B, 0, PTRACE_ATTACH), EQ(P | C | B, 0, PTRACE_SEIZE) },
	  .reason = "PTRACE_ATTACH and PTRACE_SEIZE drive a process that may run outside the "
		    "filter" },
	/* msg_name is in memory: the filter can see sendmsg's flags
	 * (MSG_FASTOPEN) but not whether it has a destination, so the whole
	 * call is refused; a rule naming sendmsg, with "addresses" (decoded by
	 * the supervisor) or without, keeps it */
	WHOLE("sendmmsg", C, "sends to the addresses in its headers, which the filter cannot read"),
	WHOLE("sendmsg", C, "sends to the address in msg_name, which the filter cannot read"),
	/* sendto(2) reaches an address of its own: dest_addr (argument 4)
	 * on a datagram or raw socket, or a TCP connect with MSG_FASTOPEN
	 * (argument 3); the filter sees both */
	{ .name = "sendto",
	  .kinds = C,
	  .abis = HATCH_ABI_ALL,
	  .err = EPERM,
	  .n_conds = 2,
	  .conds = { { .kinds = C, .index = 4, .op = POLICY_OP_NE, .value = 0 },
		     BIT(C, 3, MSG_FASTOPEN) },
	  .reason = "sends to dest_addr, or connects with MSG_FASTOPEN, without connect" },
	/* setns joins a namespace by fd; nstype 0 accepts any kind, so only a
	 * named kind without mount, user (or, for address rules, network)
	 * namespaces is let through; a pidfd with several flags has each
	 * flag checked */
	{ .name = "setns",
	  .kinds = P | C | B,
	  .abis = HATCH_ABI_ALL,
	  .err = EPERM,
	  .n_conds = 4,
	  .conds = { EQ(P | C | B, 1, 0), BIT(P | C | B, 1, CLONE_NEWUSER), BIT(P, 1, CLONE_NEWNS),
		     BIT(C | B, 1, CLONE_NEWNET) },
	  .reason = "joins a mount, user or network namespace where paths and addresses lead "
		    "elsewhere" },
	/* packet sockets (CAP_NET_RAW, which Docker grants) send link-layer
	 * frames with no inet or unix address; raw inet sockets still send
	 * through connect or sendto */
	{ .name = "socket",
	  .kinds = C,
	  .abis = HATCH_ABI_ALL,
	  .err = EPERM,
	  .n_conds = 1,
	  .conds = { EQ(C, 0, AF_PACKET) },
	  .reason = "AF_PACKET sockets send frames with no address a rule looks at" },
	/* i386 only: the old umount(path) */
	WHOLE("umount", P, "unmounts: changes what paths lead to"),
	WHOLE("umount2", P, "unmounts: changes what paths lead to"),
	/* a new mount namespace, or a user namespace in which one can be
	 * made, lets the caller remount what paths lead to */
	{ .name = "unshare",
	  .kinds = P,
	  .abis = HATCH_ABI_ALL,
	  .err = EPERM,
	  .n_conds = 2,
	  .conds = { BIT(P, 0, CLONE_NEWNS), BIT(P, 0, CLONE_NEWUSER) },
	  .reason = "CLONE_NEWNS and CLONE_NEWUSER make a mount namespace the caller can remount" },
};

size_t hatch_count(void)
{
	return ARRAY_SIZE(hatch_table);
}

const struct hatch *hatch_at(size_t i)
{
	return i < ARRAY_SIZE(hatch_table) ? &hatch_table[i] : NULL;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct hatch *)elem)->name);
}

const struct hatch *hatch_lookup(const char *name)
{
	return bsearch(name, hatch_table, ARRAY_SIZE(hatch_table), sizeof(hatch_table[0]),
		       cmp_name);
}

unsigned hatch_rule_kinds(const struct policy_rule *rule)
{
	unsigned kinds = rule->n_paths ? HATCH_PATHS : 0;

	if (rule->n_addresses)
		for (size_t i = 0; i < rule->n_names; i++)
			kinds |= strcmp(rule->names[i], "bind") == 0 ? HATCH_ADDR_BIND
								     : HATCH_ADDR_CONNECT;
	return kinds;
}

char *hatch_kinds_format(unsigned kinds, char *buf, size_t size)
{
	static const char *const names[] = { "paths", "addresses-connect", "addresses-bind" };
	size_t off = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int n;

		if (!(kinds & (1u << i)) || off >= size)
			continue;
		n = snprintf(buf + off, size - off, "%s%s", off ? ", " : "", names[i]);
		if (n > 0)
			off += (size_t)n;
	}
	return buf;
}
