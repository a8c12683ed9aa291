/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arguments as strace 6.1 prints them (its xlat tables and printers, read
 * off its output: tests/unit/data/strace.txt).  Values are the kernel's
 * x86 ones, written out here rather than taken from libc headers, which
 * lack some (SOCK_* on other libcs, CLONE_NEWTIME) and differ on others
 * (O_LARGEFILE is 0 in glibc's x86_64 <fcntl.h>).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/macro.h"
#include "callgate/sysfmt.h"
#include "callgate/systable.h"
#include "out.h"

/* ---- output ------------------------------------------------------------------ */

/* A `"` or `\` of the text itself: once more escaped inside JSON. */
static void put_q(struct out *o, char c)
{
	if (o->json)
		put_c(o, '\\');
	put_c(o, c);
}

/* %#llx: "0" for zero, as strace prints a flags word or an offset */
static void put_hex(struct out *o, uint64_t v)
{
	if (v)
		put_0x(o, v);
	else
		put_c(o, '0');
}

/* %#03o: 000, 022, 0644, 04755 */
static void put_mode(struct out *o, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	while (sizeof(tmp) - n < 3)
		tmp[--n] = '0';
	if (tmp[n] != '0')
		tmp[--n] = '0';
	put(o, tmp + n, sizeof(tmp) - n);
}

/* A pointer not read: NULL or its value */
static void put_ptr(struct out *o, uint64_t v)
{
	if (v)
		put_hex(o, v);
	else
		put_lit(o, "NULL");
}

static void put_octal_byte(struct out *o, unsigned char c, bool full)
{
	char e[4] = { '\\' };
	size_t n = 1;

	if (full || c >= 0100)
		e[n++] = (char)('0' + (c >> 6));
	if (full || c >= 010)
		e[n++] = (char)('0' + ((c >> 3) & 7));
	e[n++] = (char)('0' + (c & 7));
	if (o->json)
		put_c(o, '\\');
	put(o, e, n);
}

static void quote(struct out *o, const unsigned char *p, size_t n, const char *also)
{
	for (size_t i = 0; i < n && !o->full; i++) {
		unsigned char c = p[i];

		switch (c) {
		case '"':
		case '\\':
			put_q(o, '\\');
			put_q(o, (char)c);
			continue;
		case '\t':
			put_q(o, '\\');
			put_c(o, 't');
			continue;
		case '\n':
			put_q(o, '\\');
			put_c(o, 'n');
			continue;
		case '\v':
			put_q(o, '\\');
			put_c(o, 'v');
			continue;
		case '\f':
			put_q(o, '\\');
			put_c(o, 'f');
			continue;
		case '\r':
			put_q(o, '\\');
			put_c(o, 'r');
			continue;
		}
		if (c >= 0x20 && c < 0x7f && !(c && also && strchr(also, c))) {
			put_c(o, (char)c);
			continue;
		}
		/* the shortest octal, unless a digit follows that would
		 * read as part of it */
		put_octal_byte(o, c, i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7');
	}
}

static void put_quoted(struct out *o, const char *s, size_t n)
{
	put_q(o, '"');
	quote(o, (const unsigned char *)s, n, NULL);
	put_q(o, '"');
}

int sysfmt_quote(const char *s, size_t n, const char *also, unsigned flags, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size, .json = flags & SYSFMT_JSON };

	if (!buf || !size)
		return -ENOSPC;
	quote(&o, (const unsigned char *)s, n, also);
	if (o.full) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	buf[o.len] = '\0';
	return (int)o.len;
}

/* ---- flags and names --------------------------------------------------------- */

struct xlat {
	uint64_t val;
	const char *name;
};

#define XN(v, s)         \
	{                \
		(v), (s) \
	}

/* The name of @v in @t, or NULL. */
static const char *xlat_name(const struct xlat *t, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return NULL;
}

/* @v by name, else as decimal with strace's "unknown" comment when @what
 * is given ("0x4d /\* AF_??? *\/"). */
static void put_xlat(struct out *o, const struct xlat *t, size_t n, uint64_t v, const char *what)
{
	const char *name = xlat_name(t, n, v);

	if (name) {
		put_str(o, name);
	} else if (what) {
		put_hex(o, v);
		put_lit(o, " /* ");
		put_str(o, what);
		put_lit(o, " */");
	} else {
		put_u64(o, v);
	}
}

/*
 * @v as NAME|NAME|0xREST in table order (a name whose bits are all set
 * takes them: composites listed first absorb their parts); @zero for 0
 * (NULL: "0").  @what: the comment after unknown bits, NULL for none.
 */
static void put_flags(struct out *o, const struct xlat *t, size_t n, uint64_t v, const char *zero,
		      const char *what)
{
	bool any = false;

	if (!v) {
		put_str(o, zero ? zero : "0");
		return;
	}
	for (size_t i = 0; i < n && v; i++) {
		if (!t[i].val || (v & t[i].val) != t[i].val)
			continue;
		if (any)
			put_c(o, '|');
		put_str(o, t[i].name);
		v &= ~t[i].val;
		any = true;
	}
	if (v) {
		if (any)
			put_c(o, '|');
		put_hex(o, v);
		if (what) {
			put_lit(o, " /* ");
			put_str(o, what);
			put_lit(o, " */");
		}
	}
}

#define XLAT(t)		  (t), ARRAY_SIZE(t)
#define FLAGS(o, t, v, z) put_flags((o), XLAT(t), (v), (z), NULL)
#define NAMED(o, t, v, w) put_xlat((o), XLAT(t), (v), (w))

/* open(2) flags, in strace's order; O_SYNC and O_TMPFILE are composites. */
static const struct xlat open_flags[] = {
	XN(00000100, "O_CREAT"),    XN(00000200, "O_EXCL"),	 XN(00000400, "O_NOCTTY"),
	XN(00001000, "O_TRUNC"),    XN(00002000, "O_APPEND"),	 XN(00004000, "O_NONBLOCK"),
	XN(04010000, "O_SYNC"),	    XN(00010000, "O_DSYNC"),	 XN(00020000, "O_ASYNC"),
	XN(00040000, "O_DIRECT"),   XN(00100000, "O_LARGEFILE"), XN(00400000, "O_NOFOLLOW"),
	XN(020200000, "O_TMPFILE"), XN(00200000, "O_DIRECTORY"), XN(01000000, "O_NOATIME"),
	XN(02000000, "O_CLOEXEC"),  XN(010000000, "O_PATH"),
};

#define K_O_CREAT   00000100
#define K_O_TMPFILE 020000000

static void put_open_flags(struct out *o, uint64_t v)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	put_str(o, acc[v & 3]);
	v &= ~(uint64_t)3;
	if (v) {
		put_c(o, '|');
		FLAGS(o, open_flags, v, NULL);
	}
}

static const struct xlat access_modes[] = { XN(4, "R_OK"), XN(2, "W_OK"), XN(1, "X_OK") };

/* AT_* flags: the generic ones, and those of one call (same values) */
static const struct xlat at_flags[] = {
	XN(0x100, "AT_SYMLINK_NOFOLLOW"), XN(0x400, "AT_SYMLINK_FOLLOW"),
	XN(0x800, "AT_NO_AUTOMOUNT"),	  XN(0x1000, "AT_EMPTY_PATH"),
	XN(0x8000, "AT_RECURSIVE"),
};
static const struct xlat faccessat_flags[] = {
	XN(0x100, "AT_SYMLINK_NOFOLLOW"),
	XN(0x200, "AT_EACCESS"),
	XN(0x1000, "AT_EMPTY_PATH"),
};
static const struct xlat unlinkat_flags[] = { XN(0x200, "AT_REMOVEDIR") };
static const struct xlat statx_sync[] = {
	XN(0x0000, "AT_STATX_SYNC_AS_STAT"),
	XN(0x2000, "AT_STATX_FORCE_SYNC"),
	XN(0x4000, "AT_STATX_DONT_SYNC"),
};
static const struct xlat statx_mask[] = {
	XN(0x7ff, "STATX_BASIC_STATS"), XN(0x1, "STATX_TYPE"),	    XN(0x2, "STATX_MODE"),
	XN(0x4, "STATX_NLINK"),		XN(0x8, "STATX_UID"),	    XN(0x10, "STATX_GID"),
	XN(0x20, "STATX_ATIME"),	XN(0x40, "STATX_MTIME"),    XN(0x80, "STATX_CTIME"),
	XN(0x100, "STATX_INO"),		XN(0x200, "STATX_SIZE"),    XN(0x400, "STATX_BLOCKS"),
	XN(0x800, "STATX_BTIME"),	XN(0x1000, "STATX_MNT_ID"), XN(0x2000, "STATX_DIOALIGN"),
};
static const struct xlat rename_flags[] = {
	XN(1, "RENAME_NOREPLACE"),
	XN(2, "RENAME_EXCHANGE"),
	XN(4, "RENAME_WHITEOUT"),
};

static const struct xlat file_types[] = {
	XN(0140000, "S_IFSOCK"), XN(0120000, "S_IFLNK"), XN(0100000, "S_IFREG"),
	XN(0060000, "S_IFBLK"),	 XN(0040000, "S_IFDIR"), XN(0020000, "S_IFCHR"),
	XN(0010000, "S_IFIFO"),
};

static const struct xlat families[] = {
	XN(0, "AF_UNSPEC"),	 XN(1, "AF_UNIX"),	 XN(2, "AF_INET"),
	XN(3, "AF_AX25"),	 XN(4, "AF_IPX"),	 XN(5, "AF_APPLETALK"),
	XN(6, "AF_NETROM"),	 XN(7, "AF_BRIDGE"),	 XN(8, "AF_ATMPVC"),
	XN(9, "AF_X25"),	 XN(10, "AF_INET6"),	 XN(11, "AF_ROSE"),
	XN(12, "AF_DECnet"),	 XN(13, "AF_NETBEUI"),	 XN(14, "AF_SECURITY"),
	XN(15, "AF_KEY"),	 XN(16, "AF_NETLINK"),	 XN(17, "AF_PACKET"),
	XN(18, "AF_ASH"),	 XN(19, "AF_ECONET"),	 XN(20, "AF_ATMSVC"),
	XN(21, "AF_RDS"),	 XN(22, "AF_SNA"),	 XN(23, "AF_IRDA"),
	XN(24, "AF_PPPOX"),	 XN(25, "AF_WANPIPE"),	 XN(26, "AF_LLC"),
	XN(27, "AF_IB"),	 XN(28, "AF_MPLS"),	 XN(29, "AF_CAN"),
	XN(30, "AF_TIPC"),	 XN(31, "AF_BLUETOOTH"), XN(32, "AF_IUCV"),
	XN(33, "AF_RXRPC"),	 XN(34, "AF_ISDN"),	 XN(35, "AF_PHONET"),
	XN(36, "AF_IEEE802154"), XN(37, "AF_CAIF"),	 XN(38, "AF_ALG"),
	XN(39, "AF_NFC"),	 XN(40, "AF_VSOCK"),	 XN(41, "AF_KCM"),
	XN(42, "AF_QIPCRTR"),	 XN(43, "AF_SMC"),	 XN(44, "AF_XDP"),
	XN(45, "AF_MCTP"),
};

#define K_AF_UNIX    1
#define K_AF_INET    2
#define K_AF_INET6   10
#define K_AF_NETLINK 16
#define K_AF_PACKET  17
#define K_AF_VSOCK   40

static const struct xlat sock_types[] = {
	XN(1, "SOCK_STREAM"),	 XN(2, "SOCK_DGRAM"), XN(3, "SOCK_RAW"),     XN(4, "SOCK_RDM"),
	XN(5, "SOCK_SEQPACKET"), XN(6, "SOCK_DCCP"),  XN(10, "SOCK_PACKET"),
};
static const struct xlat sock_flags[] = { XN(02000000, "SOCK_CLOEXEC"),
					  XN(04000, "SOCK_NONBLOCK") };

static const struct xlat ip_protos[] = {
	XN(0, "IPPROTO_IP"),	    XN(1, "IPPROTO_ICMP"),    XN(2, "IPPROTO_IGMP"),
	XN(4, "IPPROTO_IPIP"),	    XN(6, "IPPROTO_TCP"),     XN(8, "IPPROTO_EGP"),
	XN(12, "IPPROTO_PUP"),	    XN(17, "IPPROTO_UDP"),    XN(22, "IPPROTO_IDP"),
	XN(29, "IPPROTO_TP"),	    XN(33, "IPPROTO_DCCP"),   XN(41, "IPPROTO_IPV6"),
	XN(46, "IPPROTO_RSVP"),	    XN(47, "IPPROTO_GRE"),    XN(50, "IPPROTO_ESP"),
	XN(51, "IPPROTO_AH"),	    XN(58, "IPPROTO_ICMPV6"), XN(92, "IPPROTO_MTP"),
	XN(94, "IPPROTO_BEETPH"),   XN(98, "IPPROTO_ENCAP"),  XN(103, "IPPROTO_PIM"),
	XN(108, "IPPROTO_COMP"),    XN(115, "IPPROTO_L2TP"),  XN(132, "IPPROTO_SCTP"),
	XN(136, "IPPROTO_UDPLITE"), XN(137, "IPPROTO_MPLS"),  XN(143, "IPPROTO_ETHERNET"),
	XN(255, "IPPROTO_RAW"),	    XN(262, "IPPROTO_MPTCP"),
};
static const struct xlat netlink_protos[] = {
	XN(0, "NETLINK_ROUTE"),	      XN(1, "NETLINK_UNUSED"),
	XN(2, "NETLINK_USERSOCK"),    XN(3, "NETLINK_FIREWALL"),
	XN(4, "NETLINK_SOCK_DIAG"),   XN(5, "NETLINK_NFLOG"),
	XN(6, "NETLINK_XFRM"),	      XN(7, "NETLINK_SELINUX"),
	XN(8, "NETLINK_ISCSI"),	      XN(9, "NETLINK_AUDIT"),
	XN(10, "NETLINK_FIB_LOOKUP"), XN(11, "NETLINK_CONNECTOR"),
	XN(12, "NETLINK_NETFILTER"),  XN(13, "NETLINK_IP6_FW"),
	XN(14, "NETLINK_DNRTMSG"),    XN(15, "NETLINK_KOBJECT_UEVENT"),
	XN(16, "NETLINK_GENERIC"),    XN(18, "NETLINK_SCSITRANSPORT"),
	XN(19, "NETLINK_ECRYPTFS"),   XN(20, "NETLINK_RDMA"),
	XN(21, "NETLINK_CRYPTO"),     XN(22, "NETLINK_SMC"),
};
static const struct xlat eth_protos[] = {
	XN(0x0003, "ETH_P_ALL"),  XN(0x0800, "ETH_P_IP"),    XN(0x0806, "ETH_P_ARP"),
	XN(0x86DD, "ETH_P_IPV6"), XN(0x8100, "ETH_P_8021Q"), XN(0x88CC, "ETH_P_LLDP"),
};
static const struct xlat arphrd[] = {
	XN(0, "ARPHRD_NETROM"),	  XN(1, "ARPHRD_ETHER"),   XN(772, "ARPHRD_LOOPBACK"),
	XN(776, "ARPHRD_SIT"),	  XN(778, "ARPHRD_IPGRE"), XN(65534, "ARPHRD_NONE"),
	XN(65535, "ARPHRD_VOID"),
};
static const struct xlat pkttypes[] = {
	XN(0, "PACKET_HOST"),	   XN(1, "PACKET_BROADCAST"), XN(2, "PACKET_MULTICAST"),
	XN(3, "PACKET_OTHERHOST"), XN(4, "PACKET_OUTGOING"),  XN(5, "PACKET_LOOPBACK"),
	XN(6, "PACKET_USER"),	   XN(7, "PACKET_KERNEL"),
};
static const struct xlat vsock_cids[] = {
	XN(0xffffffff, "VMADDR_CID_ANY"),
	XN(0, "VMADDR_CID_HYPERVISOR"),
	XN(1, "VMADDR_CID_LOCAL"),
	XN(2, "VMADDR_CID_HOST"),
};
static const struct xlat msg_flags[] = {
	XN(0x1, "MSG_OOB"),
	XN(0x2, "MSG_PEEK"),
	XN(0x4, "MSG_DONTROUTE"),
	XN(0x8, "MSG_CTRUNC"),
	XN(0x10, "MSG_PROBE"),
	XN(0x20, "MSG_TRUNC"),
	XN(0x40, "MSG_DONTWAIT"),
	XN(0x80, "MSG_EOR"),
	XN(0x100, "MSG_WAITALL"),
	XN(0x200, "MSG_FIN"),
	XN(0x400, "MSG_SYN"),
	XN(0x800, "MSG_CONFIRM"),
	XN(0x1000, "MSG_RST"),
	XN(0x2000, "MSG_ERRQUEUE"),
	XN(0x4000, "MSG_NOSIGNAL"),
	XN(0x8000, "MSG_MORE"),
	XN(0x10000, "MSG_WAITFORONE"),
	XN(0x40000, "MSG_BATCH"),
	XN(0x4000000, "MSG_ZEROCOPY"),
	XN(0x20000000, "MSG_FASTOPEN"),
	XN(0x40000000, "MSG_CMSG_CLOEXEC"),
};
static const struct xlat shut_hows[] = { XN(0, "SHUT_RD"), XN(1, "SHUT_WR"), XN(2, "SHUT_RDWR") };

static const struct xlat prot_flags[] = {
	XN(0x1, "PROT_READ"),
	XN(0x2, "PROT_WRITE"),
	XN(0x4, "PROT_EXEC"),
	XN(0x8, "PROT_SEM"),
	XN(0x01000000, "PROT_GROWSDOWN"),
	XN(0x02000000, "PROT_GROWSUP"),
};
static const struct xlat map_types[] = {
	XN(1, "MAP_SHARED"),
	XN(2, "MAP_PRIVATE"),
	XN(3, "MAP_SHARED_VALIDATE"),
};
static const struct xlat map_flags[] = {
	XN(0x10, "MAP_FIXED"),
	XN(0x20, "MAP_ANONYMOUS"),
	XN(0x40, "MAP_32BIT"),
	XN(0x100, "MAP_GROWSDOWN"),
	XN(0x800, "MAP_DENYWRITE"),
	XN(0x1000, "MAP_EXECUTABLE"),
	XN(0x2000, "MAP_LOCKED"),
	XN(0x4000, "MAP_NORESERVE"),
	XN(0x8000, "MAP_POPULATE"),
	XN(0x10000, "MAP_NONBLOCK"),
	XN(0x20000, "MAP_STACK"),
	XN(0x40000, "MAP_HUGETLB"),
	XN(0x80000, "MAP_SYNC"),
	XN(0x100000, "MAP_FIXED_NOREPLACE"),
	XN(0x4000000, "MAP_UNINITIALIZED"),
};

/* clone(2)'s flags (CSIGNAL, the low byte, is the exit signal there) and
 * unshare(2)'s (where 0x80 is CLONE_NEWTIME), in bit order. */
static const struct xlat clone_flags[] = {
	XN(0x80, "CLONE_NEWTIME"),
	XN(0x100, "CLONE_VM"),
	XN(0x200, "CLONE_FS"),
	XN(0x400, "CLONE_FILES"),
	XN(0x800, "CLONE_SIGHAND"),
	XN(0x1000, "CLONE_PIDFD"),
	XN(0x2000, "CLONE_PTRACE"),
	XN(0x4000, "CLONE_VFORK"),
	XN(0x8000, "CLONE_PARENT"),
	XN(0x10000, "CLONE_THREAD"),
	XN(0x20000, "CLONE_NEWNS"),
	XN(0x40000, "CLONE_SYSVSEM"),
	XN(0x80000, "CLONE_SETTLS"),
	XN(0x100000, "CLONE_PARENT_SETTID"),
	XN(0x200000, "CLONE_CHILD_CLEARTID"),
	XN(0x400000, "CLONE_DETACHED"),
	XN(0x800000, "CLONE_UNTRACED"),
	XN(0x1000000, "CLONE_CHILD_SETTID"),
	XN(0x2000000, "CLONE_NEWCGROUP"),
	XN(0x4000000, "CLONE_NEWUTS"),
	XN(0x8000000, "CLONE_NEWIPC"),
	XN(0x10000000, "CLONE_NEWUSER"),
	XN(0x20000000, "CLONE_NEWPID"),
	XN(0x40000000, "CLONE_NEWNET"),
	XN(0x80000000, "CLONE_IO"),
};
#define K_CLONE_SETTLS	      0x80000
#define K_CLONE_PARENT_SETTID 0x100000
#define K_CLONE_PIDFD	      0x1000
#define K_CLONE_CHILD_TID     (0x200000 | 0x1000000)

static const struct xlat mount_flags[] = {
	XN(1, "MS_RDONLY"),	     XN(2, "MS_NOSUID"),	   XN(4, "MS_NODEV"),
	XN(8, "MS_NOEXEC"),	     XN(16, "MS_SYNCHRONOUS"),	   XN(32, "MS_REMOUNT"),
	XN(64, "MS_MANDLOCK"),	     XN(128, "MS_DIRSYNC"),	   XN(256, "MS_NOSYMFOLLOW"),
	XN(1024, "MS_NOATIME"),	     XN(2048, "MS_NODIRATIME"),	   XN(4096, "MS_BIND"),
	XN(8192, "MS_MOVE"),	     XN(16384, "MS_REC"),	   XN(32768, "MS_SILENT"),
	XN(1 << 16, "MS_POSIXACL"),  XN(1 << 17, "MS_UNBINDABLE"), XN(1 << 18, "MS_PRIVATE"),
	XN(1 << 19, "MS_SLAVE"),     XN(1 << 20, "MS_SHARED"),	   XN(1 << 21, "MS_RELATIME"),
	XN(1 << 22, "MS_KERNMOUNT"), XN(1 << 23, "MS_I_VERSION"),  XN(1 << 24, "MS_STRICTATIME"),
	XN(1 << 25, "MS_LAZYTIME"),
};
#define K_MS_MGC_VAL 0xC0ED0000u
#define K_MS_MGC_MSK 0xffff0000u
static const struct xlat umount_flags[] = {
	XN(1, "MNT_FORCE"),
	XN(2, "MNT_DETACH"),
	XN(4, "MNT_EXPIRE"),
	XN(8, "UMOUNT_NOFOLLOW"),
};

static const char *const signals[32] = {
	NULL,	     "SIGHUP",	"SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

/* SIGTERM, SIGRT_8 (the kernel's SIGRTMIN is 32), or a number */
static void put_signal(struct out *o, uint64_t v)
{
	int s = (int)v;

	if (s > 0 && s < 32) {
		put_str(o, signals[s]);
	} else if (s >= 32 && s <= 64) {
		put_lit(o, "SIGRT_");
		put_u64(o, (uint64_t)(s - 32));
	} else {
		put_i64(o, s);
	}
}

static const struct xlat whences[] = {
	XN(0, "SEEK_SET"),  XN(1, "SEEK_CUR"),	XN(2, "SEEK_END"),
	XN(3, "SEEK_DATA"), XN(4, "SEEK_HOLE"),
};

static const struct xlat ptrace_reqs[] = {
	XN(0, "PTRACE_TRACEME"),
	XN(1, "PTRACE_PEEKTEXT"),
	XN(2, "PTRACE_PEEKDATA"),
	XN(3, "PTRACE_PEEKUSER"),
	XN(4, "PTRACE_POKETEXT"),
	XN(5, "PTRACE_POKEDATA"),
	XN(6, "PTRACE_POKEUSER"),
	XN(7, "PTRACE_CONT"),
	XN(8, "PTRACE_KILL"),
	XN(9, "PTRACE_SINGLESTEP"),
	XN(12, "PTRACE_GETREGS"),
	XN(13, "PTRACE_SETREGS"),
	XN(16, "PTRACE_ATTACH"),
	XN(17, "PTRACE_DETACH"),
	XN(24, "PTRACE_SYSCALL"),
	XN(0x4200, "PTRACE_SETOPTIONS"),
	XN(0x4201, "PTRACE_GETEVENTMSG"),
	XN(0x4202, "PTRACE_GETSIGINFO"),
	XN(0x4203, "PTRACE_SETSIGINFO"),
	XN(0x4204, "PTRACE_GETREGSET"),
	XN(0x4205, "PTRACE_SETREGSET"),
	XN(0x4206, "PTRACE_SEIZE"),
	XN(0x4207, "PTRACE_INTERRUPT"),
	XN(0x4208, "PTRACE_LISTEN"),
	XN(0x4209, "PTRACE_PEEKSIGINFO"),
	XN(0x420e, "PTRACE_GET_SYSCALL_INFO"),
};

/* ---- socket addresses -------------------------------------------------------- */

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t ne32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put_inet4(struct out *o, const unsigned char *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			put_c(o, '.');
		put_u64(o, a[i]);
	}
}

/* RFC 5952 text, as inet_ntop(3) writes it (::ffff:a.b.c.d for mapped) */
static void put_inet6(struct out *o, const unsigned char *a)
{
	uint16_t w[8];
	int best = -1, best_len = 0;

	for (int i = 0; i < 8; i++)
		w[i] = be16(a + 2 * i);
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && !w[j])
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			put_lit(o, "::");
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			put_c(o, ':');
		/* the IPv4-mapped and -compatible forms */
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
			put_inet4(o, a + 12);
			break;
		}
		{
			char tmp[4];
			size_t n = sizeof(tmp);
			unsigned v = w[i];

			do {
				tmp[--n] = out_hex_digits[v & 0xf];
				v >>= 4;
			} while (v);
			put(o, tmp + n, sizeof(tmp) - n);
		}
	}
}

static void put_htons(struct out *o, const struct xlat *t, size_t n, uint16_t v)
{
	const char *name = t ? xlat_name(t, n, v) : NULL;

	put_lit(o, "htons(");
	if (name)
		put_str(o, name);
	else
		put_u64(o, v);
	put_c(o, ')');
}

/* The bytes after the family, as strace shows an address it does not
 * decode. */
static void put_sa_data(struct out *o, const unsigned char *sa, size_t len)
{
	put_lit(o, ", sa_data=");
	put_quoted(o, (const char *)sa + 2, len - 2);
}

static void put_sockaddr(struct out *o, const unsigned char *sa, size_t len)
{
	uint16_t family;

	if (len < 2) {
		/* not even a family: the bytes */
		put_c(o, '{');
		put_quoted(o, (const char *)sa, len);
		put_c(o, '}');
		return;
	}
	memcpy(&family, sa, 2);
	put_lit(o, "{sa_family=");
	NAMED(o, families, family, "AF_???");
	switch (family) {
	case K_AF_UNIX: {
		const char *path = (const char *)sa + 2;
		size_t n = len - 2;

		if (!n)
			break;
		put_lit(o, ", sun_path=");
		if (path[0] == '\0') {
			/* abstract: every byte counts, NULs included */
			put_c(o, '@');
			put_quoted(o, path + 1, n - 1);
		} else {
			put_quoted(o, path, strnlen(path, n));
		}
		break;
	}
	case K_AF_INET:
		if (len < 16) {
			put_sa_data(o, sa, len);
			break;
		}
		put_lit(o, ", sin_port=");
		put_htons(o, NULL, 0, be16(sa + 2));
		put_lit(o, ", sin_addr=inet_addr(");
		put_q(o, '"');
		put_inet4(o, sa + 4);
		put_q(o, '"');
		put_c(o, ')');
		break;
	case K_AF_INET6:
		/* sockaddr_in6 without sin6_scope_id (RFC 2133) is 24 bytes */
		if (len < 24) {
			put_sa_data(o, sa, len);
			break;
		}
		put_lit(o, ", sin6_port=");
		put_htons(o, NULL, 0, be16(sa + 2));
		put_lit(o, ", sin6_flowinfo=htonl(");
		put_u64(o, be32(sa + 4));
		put_lit(o, "), inet_pton(AF_INET6, ");
		put_q(o, '"');
		put_inet6(o, sa + 8);
		put_q(o, '"');
		put_lit(o, ", &sin6_addr)");
		if (len >= 28) {
			/* strace names the interface of a link-local
			 * address (if_nametoindex("eth0")); that needs the
			 * host's interfaces: the number here */
			put_lit(o, ", sin6_scope_id=");
			put_u64(o, ne32(sa + 24));
		}
		break;
	case K_AF_NETLINK:
		if (len < 12) {
			put_sa_data(o, sa, len);
			break;
		}
		put_lit(o, ", nl_pid=");
		put_u64(o, ne32(sa + 4));
		put_lit(o, ", nl_groups=");
		{
			/* %#08x */
			char tmp[10];
			uint32_t v = ne32(sa + 8);
			size_t n = sizeof(tmp);

			do {
				tmp[--n] = out_hex_digits[v & 0xf];
				v >>= 4;
			} while (v);
			while (sizeof(tmp) - n < 6)
				tmp[--n] = '0';
			tmp[--n] = 'x';
			tmp[--n] = '0';
			put(o, tmp + n, sizeof(tmp) - n);
		}
		break;
	case K_AF_PACKET: {
		size_t halen;

		if (len < 12) {
			put_sa_data(o, sa, len);
			break;
		}
		put_lit(o, ", sll_protocol=");
		put_htons(o, XLAT(eth_protos), be16(sa + 2));
		/* strace names the interface (if_nametoindex("lo")); that
		 * needs the host's interfaces: the number here */
		put_lit(o, ", sll_ifindex=");
		put_i64(o, (int32_t)ne32(sa + 4));
		put_lit(o, ", sll_hatype=");
		{
			uint16_t t;

			memcpy(&t, sa + 8, 2);
			NAMED(o, arphrd, t, NULL);
		}
		put_lit(o, ", sll_pkttype=");
		NAMED(o, pkttypes, sa[10], NULL);
		put_lit(o, ", sll_halen=");
		put_u64(o, sa[11]);
		halen = sa[11] < 8 ? sa[11] : 8;
		if (12 + halen > len)
			halen = len - 12;
		if (halen) {
			put_lit(o, ", sll_addr=[");
			for (size_t i = 0; i < halen; i++) {
				if (i)
					put_lit(o, ", ");
				/* %#02x: 00 for zero */
				if (sa[12 + i])
					put_hex(o, sa[12 + i]);
				else
					put_lit(o, "00");
			}
			put_c(o, ']');
		}
		break;
	}
	case K_AF_VSOCK:
		if (len < 16) {
			put_sa_data(o, sa, len);
			break;
		}
		put_lit(o, ", svm_cid=");
		NAMED(o, vsock_cids, ne32(sa + 8), NULL);
		put_lit(o, ", svm_port=");
		if (ne32(sa + 4) == 0xffffffff)
			put_lit(o, "VMADDR_PORT_ANY");
		else
			put_hex(o, ne32(sa + 4));
		put_lit(o, ", svm_flags=");
		if (sa[12] == 1)
			put_lit(o, "VMADDR_FLAG_TO_HOST");
		else
			put_hex(o, sa[12]);
		break;
	default: put_sa_data(o, sa, len); break;
	}
	put_c(o, '}');
}

/* ---- the table --------------------------------------------------------------- */

/*
 * One character per argument, so a string's length is the arity shown:
 *   F fd                   d dirfd (AT_FDCWD)      i int          l long (signed)
 *   u unsigned (decimal)   x flags word (hex)      p pointer      P path string
 *   S sockaddr (its length follows)                o open flags   O open mode (when creating)
 *   m mode (octal)         n mknod mode            v mknod dev    a access mode
 *   A AT_* flags           E faccessat2 flags      J unlinkat flags
 *   X statx flags          Z statx mask            Q renameat2 flags
 *   D address family       T socket type           r protocol (of the family in arg 0)
 *   k SOCK_* flags         M MSG_* flags           H shutdown how e O_* flags (dup3, pipe2)
 *   R PROT_*               G MAP_*                 z offset (hex)  N CLONE_* (unshare, setns)
 *   K MS_*                 Y MNT_* (umount2)       g signal        W whence
 *   t ptrace request
 * A few calls have printers of their own (clone, fcntl, ioctl, prctl); their
 * row gives the fd arguments.
 */
enum special {
	SP_NONE,
	SP_CLONE,
	SP_FCNTL,
	SP_IOCTL,
	SP_PRCTL,
};

struct sysfmt_entry {
	const char *name;
	const char *kinds;
	enum special special;
	unsigned classes;
};

#define F_ SYSFMT_FILE
#define N_ SYSFMT_NETWORK
#define P_ SYSFMT_PROCESS
#define S_ SYSFMT_SIGNAL
#define I_ SYSFMT_IPC
#define D_ SYSFMT_DESC
#define M_ SYSFMT_MEMORY

/* strcmp order, for bsearch */
static const struct sysfmt_entry table[] = {
	{ "accept", "Fpp", 0, N_ },
	{ "accept4", "Fppk", 0, N_ },
	{ "access", "Pa", 0, F_ },
	{ "acct", "P", 0, F_ },
	{ "bind", "FSu", 0, N_ },
	{ "brk", "p", 0, M_ },
	{ "chdir", "P", 0, F_ },
	{ "chmod", "Pm", 0, F_ },
	{ "chown", "Pii", 0, F_ },
	{ "chown32", "Pii", 0, F_ },
	{ "chroot", "P", 0, F_ },
	{ "clone", "xpppp", SP_CLONE, P_ },
	{ "clone3", "pu", 0, P_ },
	{ "close", "F", 0, D_ },
	{ "close_range", "uux", 0, D_ },
	{ "connect", "FSu", 0, N_ },
	{ "copy_file_range", "FpFpux", 0, D_ },
	{ "creat", "Pm", 0, D_ | F_ },
	{ "dup", "F", 0, D_ },
	{ "dup2", "FF", 0, D_ },
	{ "dup3", "FFe", 0, D_ },
	{ "epoll_create1", "x", 0, D_ },
	{ "eventfd2", "ux", 0, D_ },
	{ "execve", "Ppp", 0, F_ | P_ },
	{ "execveat", "dPppA", 0, D_ | F_ | P_ },
	{ "exit", "i", 0, P_ },
	{ "exit_group", "i", 0, P_ },
	{ "faccessat", "dPa", 0, D_ | F_ },
	{ "faccessat2", "dPaE", 0, D_ | F_ },
	{ "fallocate", "Fxll", 0, D_ },
	{ "fanotify_init", "xx", 0, D_ },
	{ "fanotify_mark", "FxxdP", 0, D_ | F_ },
	{ "fchdir", "F", 0, D_ },
	{ "fchmod", "Fm", 0, D_ },
	{ "fchmodat", "dPm", 0, D_ | F_ },
	{ "fchmodat2", "dPmA", 0, D_ | F_ },
	{ "fchown", "Fii", 0, D_ },
	{ "fchownat", "dPiiA", 0, D_ | F_ },
	{ "fcntl", "Fxx", SP_FCNTL, D_ },
	{ "fdatasync", "F", 0, D_ },
	{ "fgetxattr", "Fppu", 0, D_ },
	{ "flistxattr", "Fpu", 0, D_ },
	{ "flock", "Fx", 0, D_ },
	{ "fork", "", 0, P_ },
	{ "fremovexattr", "Fp", 0, D_ },
	{ "fsetxattr", "Fppux", 0, D_ },
	{ "fstat", "Fp", 0, D_ },
	{ "fstatfs", "Fp", 0, D_ },
	{ "fsync", "F", 0, D_ },
	{ "ftruncate", "Fl", 0, D_ },
	{ "getcwd", "pu", 0, F_ },
	{ "getdents64", "Fpu", 0, D_ },
	{ "getegid", "", 0, 0 },
	{ "geteuid", "", 0, 0 },
	{ "getgid", "", 0, 0 },
	{ "getpeername", "Fpp", 0, N_ },
	{ "getpid", "", 0, 0 },
	{ "getppid", "", 0, 0 },
	{ "getsockname", "Fpp", 0, N_ },
	{ "getsockopt", "Fiipp", 0, N_ },
	{ "gettid", "", 0, 0 },
	{ "getuid", "", 0, 0 },
	{ "getxattr", "Pppu", 0, F_ },
	{ "inotify_add_watch", "FPx", 0, D_ | F_ },
	{ "inotify_init1", "x", 0, D_ },
	{ "ioctl", "Fxx", SP_IOCTL, D_ },
	{ "kill", "ig", 0, S_ | P_ },
	{ "lchown", "Pii", 0, F_ },
	{ "lgetxattr", "Pppu", 0, F_ },
	{ "link", "PP", 0, F_ },
	{ "linkat", "dPdPA", 0, D_ | F_ },
	{ "listen", "Fi", 0, N_ },
	{ "listxattr", "Ppu", 0, F_ },
	{ "llistxattr", "Ppu", 0, F_ },
	{ "lremovexattr", "Pp", 0, F_ },
	{ "lseek", "FlW", 0, D_ },
	{ "lsetxattr", "Pppux", 0, F_ },
	{ "lstat", "Pp", 0, F_ },
	{ "madvise", "pux", 0, M_ },
	{ "memfd_create", "px", 0, D_ },
	{ "mkdir", "Pm", 0, F_ },
	{ "mkdirat", "dPm", 0, D_ | F_ },
	{ "mknod", "Pnv", 0, F_ },
	{ "mknodat", "dPnv", 0, D_ | F_ },
	{ "mlock", "pu", 0, M_ },
	{ "mmap", "puRGFz", 0, D_ | M_ },
	{ "mmap2", "puRGFz", 0, D_ | M_ },
	{ "mount", "PPpKp", 0, F_ },
	{ "mprotect", "puR", 0, M_ },
	{ "mremap", "puuxp", 0, M_ },
	{ "msgctl", "iip", 0, I_ },
	{ "msgget", "ix", 0, I_ },
	{ "msgrcv", "ipuix", 0, I_ },
	{ "msgsnd", "ipux", 0, I_ },
	{ "munmap", "pu", 0, M_ },
	{ "newfstatat", "dPpA", 0, D_ | F_ },
	{ "open", "PoO", 0, D_ | F_ },
	{ "openat", "dPoO", 0, D_ | F_ },
	{ "openat2", "dPpu", 0, D_ | F_ },
	{ "pause", "", 0, S_ },
	{ "personality", "x", 0, 0 },
	{ "pidfd_getfd", "FFx", 0, D_ },
	{ "pidfd_open", "ix", 0, D_ },
	{ "pidfd_send_signal", "Fgpx", 0, D_ | S_ | P_ },
	{ "pipe", "p", 0, D_ },
	{ "pipe2", "pe", 0, D_ },
	{ "pivot_root", "PP", 0, F_ },
	{ "prctl", "xxxxx", SP_PRCTL, 0 },
	{ "pread64", "Fpul", 0, D_ },
	{ "process_vm_readv", "ipupux", 0, 0 },
	{ "process_vm_writev", "ipupux", 0, 0 },
	{ "ptrace", "tipp", 0, 0 },
	{ "pwrite64", "Fpul", 0, D_ },
	{ "read", "Fpu", 0, D_ },
	{ "readlink", "Ppu", 0, F_ },
	{ "readlinkat", "dPpu", 0, D_ | F_ },
	{ "readv", "Fpu", 0, D_ },
	{ "recvfrom", "FpuMpp", 0, N_ },
	{ "recvmmsg", "FpuMp", 0, N_ },
	{ "recvmsg", "FpM", 0, N_ },
	{ "removexattr", "Pp", 0, F_ },
	{ "rename", "PP", 0, F_ },
	{ "renameat", "dPdP", 0, D_ | F_ },
	{ "renameat2", "dPdPQ", 0, D_ | F_ },
	{ "rmdir", "P", 0, F_ },
	{ "rt_sigaction", "gppu", 0, S_ },
	{ "rt_sigpending", "pu", 0, S_ },
	{ "rt_sigprocmask", "xppu", 0, S_ },
	{ "rt_sigqueueinfo", "igp", 0, S_ | P_ },
	{ "rt_sigreturn", "", 0, S_ },
	{ "rt_sigsuspend", "pu", 0, S_ },
	{ "rt_sigtimedwait", "pppu", 0, S_ },
	{ "rt_tgsigqueueinfo", "iigp", 0, S_ | P_ },
	{ "semctl", "iiip", 0, I_ },
	{ "semget", "iix", 0, I_ },
	{ "semop", "ipu", 0, I_ },
	{ "semtimedop", "ipup", 0, I_ },
	{ "sendfile", "FFpu", 0, D_ | N_ },
	{ "sendmmsg", "FpuM", 0, N_ },
	{ "sendmsg", "FpM", 0, N_ },
	{ "sendto", "FpuMSu", 0, N_ },
	{ "setns", "FN", 0, D_ },
	{ "setsockopt", "Fiipu", 0, N_ },
	{ "setxattr", "Pppux", 0, F_ },
	{ "shmat", "ipx", 0, I_ | M_ },
	{ "shmctl", "iip", 0, I_ },
	{ "shmdt", "p", 0, I_ | M_ },
	{ "shmget", "iux", 0, I_ },
	{ "shutdown", "FH", 0, N_ },
	{ "sigaltstack", "pp", 0, S_ },
	{ "signalfd4", "Fpux", 0, D_ | S_ },
	{ "socket", "DTr", 0, N_ },
	{ "socketcall", "ip", 0, N_ },
	{ "socketpair", "DTrp", 0, N_ },
	{ "splice", "FpFpux", 0, D_ },
	{ "stat", "Pp", 0, F_ },
	{ "statfs", "Pp", 0, F_ },
	{ "statx", "dPXZp", 0, D_ | F_ },
	{ "swapoff", "P", 0, F_ },
	{ "swapon", "Px", 0, F_ },
	{ "symlink", "PP", 0, F_ },
	{ "symlinkat", "PdP", 0, D_ | F_ },
	{ "tee", "FFux", 0, D_ },
	{ "tgkill", "iig", 0, S_ | P_ },
	{ "tkill", "ig", 0, S_ | P_ },
	{ "truncate", "Pl", 0, F_ },
	{ "umask", "m", 0, 0 },
	{ "umount", "P", 0, F_ },
	{ "umount2", "PY", 0, F_ },
	{ "uname", "p", 0, 0 },
	{ "unlink", "P", 0, F_ },
	{ "unlinkat", "dPJ", 0, D_ | F_ },
	{ "unshare", "N", 0, P_ },
	{ "utime", "Pp", 0, F_ },
	{ "utimensat", "dPpA", 0, D_ | F_ },
	{ "utimes", "Pp", 0, F_ },
	{ "vfork", "", 0, P_ },
	{ "wait4", "ipxp", 0, P_ },
	{ "waitid", "iipxp", 0, P_ },
	{ "write", "Fpu", 0, D_ },
	{ "writev", "Fpu", 0, D_ },
};

static int cmp_entry(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sysfmt_entry *)elem)->name);
}

static const struct sysfmt_entry *lookup(const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, table, ARRAY_SIZE(table), sizeof(table[0]), cmp_entry);
}

unsigned sysfmt_fd_args(const char *name)
{
	const struct sysfmt_entry *e = lookup(name);
	unsigned bits = 0;

	for (int i = 0; e && e->kinds[i]; i++)
		if (e->kinds[i] == 'F' || e->kinds[i] == 'd')
			bits |= 1u << i;
	return bits;
}

unsigned sysfmt_classes(const char *name)
{
	const struct sysfmt_entry *e = lookup(name);

	return e ? e->classes : 0;
}

/* ---- arguments --------------------------------------------------------------- */

/* What fd @i is, for -y: 5</etc/passwd> */
static void put_fd_path(struct out *o, const struct sysfmt_call *c, int i)
{
	const char *p = c->fds[i];

	if (!p)
		return;
	put_c(o, '<');
	quote(o, (const unsigned char *)p, strlen(p), "<>");
	put_c(o, '>');
}

static void put_fd(struct out *o, const struct sysfmt_call *c, int i)
{
	put_i64(o, (int)c->args[i]);
	put_fd_path(o, c, i);
}

static bool is_compat(const struct sysfmt_call *c)
{
	return c->arch == CG_ARCH_I386;
}

/* A signed long: 32 bits on i386 */
static int64_t arg_long(const struct sysfmt_call *c, int i)
{
	return is_compat(c) ? (int32_t)c->args[i] : (int64_t)c->args[i];
}

static void put_path(struct out *o, const struct sysfmt_call *c, int i)
{
	const char *s = c->strs[i], *r = c->resolved[i];

	if (!s) {
		put_ptr(o, c->args[i]);
		return;
	}
	put_quoted(o, s, strlen(s));
	if (r && strcmp(r, s) != 0) {
		put_lit(o, " -> ");
		put_quoted(o, r, strlen(r));
	}
}

static void put_protocol(struct out *o, uint64_t family, uint64_t v)
{
	switch (family) {
	case K_AF_INET:
	case K_AF_INET6: NAMED(o, ip_protos, v, NULL); return;
	case K_AF_NETLINK: NAMED(o, netlink_protos, v, NULL); return;
	case K_AF_PACKET: put_htons(o, XLAT(eth_protos), (uint16_t)(v >> 8 | v << 8)); return;
	default: put_i64(o, (int)v); return;
	}
}

static void put_sock_type(struct out *o, uint64_t v)
{
	const char *t = xlat_name(XLAT(sock_types), v & 0xf);
	uint64_t rest = v & ~(uint64_t)0xf;

	if (t) {
		put_str(o, t);
	} else {
		put_hex(o, v & 0xf);
		put_lit(o, " /* SOCK_??? */");
	}
	if (rest) {
		put_c(o, '|');
		put_flags(o, XLAT(sock_flags), rest, NULL, "SOCK_???");
	}
}

static void put_mknod_mode(struct out *o, uint64_t v)
{
	const char *t = xlat_name(XLAT(file_types), v & 0170000);

	if (t) {
		put_str(o, t);
		put_c(o, '|');
		put_mode(o, v & ~(uint64_t)0170000);
	} else {
		put_mode(o, v);
	}
}

static void put_mmap_flags(struct out *o, uint64_t v)
{
	const char *t = xlat_name(XLAT(map_types), v & 0xf);
	uint64_t rest = v & ~(uint64_t)0xf;

	if (t)
		put_str(o, t);
	else
		put_hex(o, v & 0xf);
	if (rest) {
		put_c(o, '|');
		FLAGS(o, map_flags, rest, NULL);
	}
}

static void put_mount_flags(struct out *o, uint64_t v)
{
	if ((v & K_MS_MGC_MSK) == K_MS_MGC_VAL) {
		put_lit(o, "MS_MGC_VAL");
		v &= ~(uint64_t)K_MS_MGC_MSK;
		if (!v)
			return;
		put_c(o, '|');
	}
	FLAGS(o, mount_flags, v, NULL);
}

static void put_statx_flags(struct out *o, uint64_t v)
{
	const char *sync = xlat_name(XLAT(statx_sync), v & 0x6000);
	uint64_t rest = v & ~(uint64_t)0x6000;

	if (sync)
		put_str(o, sync);
	else
		put_hex(o, v & 0x6000);
	if (rest) {
		put_c(o, '|');
		FLAGS(o, at_flags, rest, NULL);
	}
}

/* mknod's dev as the kernel decodes it (new_decode_dev()) */
static void put_dev(struct out *o, uint64_t v)
{
	uint32_t dev = (uint32_t)v;

	put_lit(o, "makedev(");
	put_hex(o, (dev & 0xfff00) >> 8);
	put_lit(o, ", ");
	put_hex(o, (dev & 0xff) | ((dev >> 12) & 0xfff00));
	put_c(o, ')');
}

/* Argument @i, by its kind. */
static void put_arg(struct out *o, const struct sysfmt_call *c, const char *kinds, int i)
{
	uint64_t v = c->args[i];

	switch (kinds[i]) {
	case 'F': put_fd(o, c, i); break;
	case 'd':
		if ((int)v == -100)
			put_lit(o, "AT_FDCWD");
		else
			put_i64(o, (int)v);
		put_fd_path(o, c, i);
		break;
	case 'i': put_i64(o, (int)v); break;
	case 'l': put_i64(o, arg_long(c, i)); break;
	case 'u': put_u64(o, v); break;
	case 'p': put_ptr(o, v); break;
	case 'P': put_path(o, c, i); break;
	case 'S':
		if (c->sockaddr && c->sockaddr_len)
			put_sockaddr(o, c->sockaddr, c->sockaddr_len);
		else
			put_ptr(o, v);
		break;
	case 'o': put_open_flags(o, v); break;
	case 'm':
	case 'O': put_mode(o, v); break;
	case 'v': put_dev(o, v); break;
	case 'n': put_mknod_mode(o, v); break;
	case 'a': FLAGS(o, access_modes, v, "F_OK"); break;
	case 'A': FLAGS(o, at_flags, v, NULL); break;
	case 'E': FLAGS(o, faccessat_flags, v, NULL); break;
	case 'J': FLAGS(o, unlinkat_flags, v, NULL); break;
	case 'X': put_statx_flags(o, v); break;
	case 'Z': FLAGS(o, statx_mask, v, NULL); break;
	case 'Q': FLAGS(o, rename_flags, v, NULL); break;
	case 'D': NAMED(o, families, v, "AF_???"); break;
	case 'T': put_sock_type(o, v); break;
	case 'r': put_protocol(o, c->args[0], v); break;
	case 'k': FLAGS(o, sock_flags, v, NULL); break;
	case 'M': FLAGS(o, msg_flags, v, NULL); break;
	case 'H': NAMED(o, shut_hows, v, NULL); break;
	case 'e': FLAGS(o, open_flags, v, NULL); break;
	case 'R': FLAGS(o, prot_flags, v, "PROT_NONE"); break;
	case 'G': put_mmap_flags(o, v); break;
	case 'z': put_hex(o, v); break;
	case 'N': FLAGS(o, clone_flags, v, NULL); break;
	case 'K': put_mount_flags(o, v); break;
	case 'Y': FLAGS(o, umount_flags, v, NULL); break;
	case 'g': put_signal(o, v); break;
	case 'W': NAMED(o, whences, v, NULL); break;
	case 't': NAMED(o, ptrace_reqs, v, NULL); break;
	default: put_hex(o, v); break;
	}
}

/* Whether argument @i is shown at all: open's mode only where a file can
 * be created, mknod's dev only for a device. */
static bool shown(const struct sysfmt_call *c, const char *kinds, int i)
{
	switch (kinds[i]) {
	case 'O': return c->args[i - 1] & (K_O_CREAT | K_O_TMPFILE);
	case 'v': {
		uint64_t t = c->args[i - 1] & 0170000;

		return t == 0020000 || t == 0060000;
	}
	}
	return true;
}

/* ---- printers of their own --------------------------------------------------- */

static void sep(struct out *o)
{
	put_lit(o, ", ");
}

/* clone(child_stack=..., flags=...|SIGCHLD, parent_tid=..., tls=...,
 * child_tidptr=...): x86_64's order flags, stack, parent_tid, child_tid,
 * tls; i386's flags, stack, parent_tid, tls, child_tid. */
static void put_clone(struct out *o, const struct sysfmt_call *c)
{
	uint64_t flags = c->args[0], sig = flags & 0xff;
	int ctid = is_compat(c) ? 4 : 3, tls = is_compat(c) ? 3 : 4;

	put_lit(o, "child_stack=");
	put_ptr(o, c->args[1]);
	put_lit(o, ", flags=");
	flags &= ~(uint64_t)0xff;
	if (flags)
		FLAGS(o, clone_flags, flags, NULL);
	if (sig) {
		if (flags)
			put_c(o, '|');
		put_signal(o, sig);
	} else if (!flags) {
		put_c(o, '0');
	}
	if (flags & (K_CLONE_PARENT_SETTID | K_CLONE_PIDFD)) {
		put_lit(o, ", parent_tid=");
		put_ptr(o, c->args[2]);
	}
	if (flags & K_CLONE_SETTLS) {
		put_lit(o, ", tls=");
		put_ptr(o, c->args[tls]);
	}
	if (flags & K_CLONE_CHILD_TID) {
		put_lit(o, ", child_tidptr=");
		put_ptr(o, c->args[ctid]);
	}
}

static const struct xlat fcntl_cmds[] = {
	XN(0, "F_DUPFD"),	  XN(1, "F_GETFD"),	    XN(2, "F_SETFD"),
	XN(3, "F_GETFL"),	  XN(4, "F_SETFL"),	    XN(5, "F_GETLK"),
	XN(6, "F_SETLK"),	  XN(7, "F_SETLKW"),	    XN(8, "F_SETOWN"),
	XN(9, "F_GETOWN"),	  XN(10, "F_SETSIG"),	    XN(11, "F_GETSIG"),
	XN(15, "F_SETOWN_EX"),	  XN(16, "F_GETOWN_EX"),    XN(36, "F_OFD_GETLK"),
	XN(37, "F_OFD_SETLK"),	  XN(38, "F_OFD_SETLKW"),   XN(1024, "F_SETLEASE"),
	XN(1025, "F_GETLEASE"),	  XN(1026, "F_NOTIFY"),	    XN(1030, "F_DUPFD_CLOEXEC"),
	XN(1031, "F_SETPIPE_SZ"), XN(1032, "F_GETPIPE_SZ"), XN(1033, "F_ADD_SEALS"),
	XN(1034, "F_GET_SEALS"),
};
static const struct xlat seals[] = {
	XN(1, "F_SEAL_SEAL"),  XN(2, "F_SEAL_SHRINK"),		XN(4, "F_SEAL_GROW"),
	XN(8, "F_SEAL_WRITE"), XN(0x10, "F_SEAL_FUTURE_WRITE"), XN(0x20, "F_SEAL_EXEC"),
};
static const struct xlat lease_types[] = { XN(0, "F_RDLCK"), XN(1, "F_WRLCK"), XN(2, "F_UNLCK") };

static void put_fcntl(struct out *o, const struct sysfmt_call *c)
{
	uint64_t cmd = (uint32_t)c->args[1], v = c->args[2];

	put_fd(o, c, 0);
	sep(o);
	NAMED(o, fcntl_cmds, cmd, NULL);
	switch (cmd) {
	case 1:
	case 3:
	case 9:
	case 11:
	case 1025:
	case 1032:
	case 1034: return; /* the getters take nothing */
	case 2:
		sep(o);
		FLAGS(o, ((const struct xlat[]){ XN(1, "FD_CLOEXEC") }), v, NULL);
		return;
	case 4:
		sep(o);
		put_open_flags(o, v);
		return;
	case 0:
	case 8:
	case 10:
	case 1030:
	case 1031:
		sep(o);
		put_i64(o, (int)v);
		return;
	case 1024:
		sep(o);
		NAMED(o, lease_types, v, NULL);
		return;
	case 1033:
		sep(o);
		FLAGS(o, seals, v, NULL);
		return;
	case 5:
	case 6:
	case 7:
	case 36:
	case 37:
	case 38:
	case 15:
	case 16:
		sep(o);
		put_ptr(o, v); /* a struct, not read */
		return;
	default:
		sep(o);
		put_hex(o, v);
		return;
	}
}

static const struct xlat ioctl_reqs[] = {
	XN(0x5401, "TCGETS"),	   XN(0x5402, "TCSETS"),       XN(0x5403, "TCSETSW"),
	XN(0x5404, "TCSETSF"),	   XN(0x540E, "TIOCSCTTY"),    XN(0x540F, "TIOCGPGRP"),
	XN(0x5410, "TIOCSPGRP"),   XN(0x5411, "TIOCOUTQ"),     XN(0x5412, "TIOCSTI"),
	XN(0x5413, "TIOCGWINSZ"),  XN(0x5414, "TIOCSWINSZ"),   XN(0x541B, "FIONREAD"),
	XN(0x541C, "TIOCLINUX"),   XN(0x541D, "TIOCCONS"),     XN(0x5421, "FIONBIO"),
	XN(0x5422, "TIOCNOTTY"),   XN(0x5423, "TIOCSETD"),     XN(0x5424, "TIOCGETD"),
	XN(0x5429, "TIOCGSID"),	   XN(0x80045430, "TIOCGPTN"), XN(0x40045431, "TIOCSPTLCK"),
	XN(0x5441, "TIOCGPTPEER"), XN(0x5450, "FIONCLEX"),     XN(0x5451, "FIOCLEX"),
	XN(0x5452, "FIOASYNC"),
};

static void put_ioctl(struct out *o, const struct sysfmt_call *c)
{
	uint64_t req = (uint32_t)c->args[1];

	put_fd(o, c, 0);
	sep(o);
	/* strace spells out unknown requests as _IOC(dir, type, nr, size):
	 * hex here */
	if (xlat_name(XLAT(ioctl_reqs), req))
		put_str(o, xlat_name(XLAT(ioctl_reqs), req));
	else
		put_hex(o, req);
	switch (req) {
	case 0x5450:
	case 0x5451:
	case 0x5422:
	case 0x541D: return; /* FIONCLEX, FIOCLEX, TIOCNOTTY, TIOCCONS take nothing */
	case 0x540E:
		sep(o);
		put_i64(o, (int)c->args[2]);
		return; /* TIOCSCTTY */
	default:
		sep(o);
		put_ptr(o, c->args[2]);
		return;
	}
}

static const struct xlat prctl_opts[] = {
	XN(1, "PR_SET_PDEATHSIG"),
	XN(2, "PR_GET_PDEATHSIG"),
	XN(3, "PR_GET_DUMPABLE"),
	XN(4, "PR_SET_DUMPABLE"),
	XN(7, "PR_GET_KEEPCAPS"),
	XN(8, "PR_SET_KEEPCAPS"),
	XN(15, "PR_SET_NAME"),
	XN(16, "PR_GET_NAME"),
	XN(21, "PR_GET_SECCOMP"),
	XN(22, "PR_SET_SECCOMP"),
	XN(23, "PR_CAPBSET_READ"),
	XN(24, "PR_CAPBSET_DROP"),
	XN(29, "PR_SET_TIMERSLACK"),
	XN(30, "PR_GET_TIMERSLACK"),
	XN(35, "PR_SET_MM"),
	XN(36, "PR_SET_CHILD_SUBREAPER"),
	XN(37, "PR_GET_CHILD_SUBREAPER"),
	XN(38, "PR_SET_NO_NEW_PRIVS"),
	XN(39, "PR_GET_NO_NEW_PRIVS"),
	XN(41, "PR_SET_THP_DISABLE"),
	XN(42, "PR_GET_THP_DISABLE"),
	XN(47, "PR_CAP_AMBIENT"),
	XN(0x59616d61, "PR_SET_PTRACER"),
};
static const struct xlat dumpable[] = {
	XN(0, "SUID_DUMP_DISABLE"),
	XN(1, "SUID_DUMP_USER"),
	XN(2, "SUID_DUMP_ROOT"),
};
static const struct xlat seccomp_modes[] = {
	XN(0, "SECCOMP_MODE_DISABLED"),
	XN(1, "SECCOMP_MODE_STRICT"),
	XN(2, "SECCOMP_MODE_FILTER"),
};

static void put_prctl(struct out *o, const struct sysfmt_call *c)
{
	uint64_t op = (uint32_t)c->args[0];
	const char *cap;

	if (!xlat_name(XLAT(prctl_opts), op)) {
		put_hex(o, c->args[0]);
		for (int i = 1; i < 5; i++) {
			sep(o);
			put_hex(o, c->args[i]);
		}
		return;
	}
	NAMED(o, prctl_opts, op, NULL);
	switch (op) {
	case 3:
	case 7:
	case 21:
	case 30:
	case 39:
	case 42: return;
	case 1:
		sep(o);
		put_signal(o, c->args[1]);
		return;
	case 4:
		sep(o);
		NAMED(o, dumpable, c->args[1], NULL);
		return;
	case 8:
	case 29:
	case 36:
		sep(o);
		put_u64(o, c->args[1]);
		return;
	case 2:
	case 15:
	case 16:
	case 37:
		sep(o);
		put_ptr(o, c->args[1]);
		return;
	case 22:
		sep(o);
		NAMED(o, seccomp_modes, c->args[1], NULL);
		if (c->args[1] == 2) {
			sep(o);
			put_ptr(o, c->args[2]);
		}
		return;
	case 23:
	case 24:
		sep(o);
		cap = cap_name((int)c->args[1]);
		if (cap)
			put_str(o, cap);
		else
			put_u64(o, c->args[1]);
		return;
	case 38:
	case 41:
		for (int i = 1; i < 5; i++) {
			sep(o);
			put_u64(o, c->args[i]);
		}
		return;
	default:
		for (int i = 1; i < 5; i++) {
			sep(o);
			put_hex(o, c->args[i]);
		}
		return;
	}
}

int sysfmt_args(const struct sysfmt_call *c, unsigned flags, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size, .json = flags & SYSFMT_JSON };
	const struct sysfmt_entry *e = lookup(c->name);

	if (!buf || !size)
		return -ENOSPC;
	if (!e) {
		for (int i = 0; i < 6; i++) {
			if (i)
				sep(&o);
			put_hex(&o, c->args[i]);
		}
	} else {
		switch (e->special) {
		case SP_CLONE: put_clone(&o, c); break;
		case SP_FCNTL: put_fcntl(&o, c); break;
		case SP_IOCTL: put_ioctl(&o, c); break;
		case SP_PRCTL: put_prctl(&o, c); break;
		case SP_NONE:
			for (int i = 0; i < 6 && e->kinds[i] && !o.full; i++) {
				if (!shown(c, e->kinds, i))
					break;
				if (i)
					sep(&o);
				put_arg(&o, c, e->kinds, i);
			}
			break;
		}
	}
	if (o.full) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	buf[o.len] = '\0';
	return (int)o.len;
}

/* ---- -e trace= --------------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} classes[] = {
	{ "file", SYSFMT_FILE },       { "network", SYSFMT_NETWORK }, { "net", SYSFMT_NETWORK },
	{ "process", SYSFMT_PROCESS }, { "signal", SYSFMT_SIGNAL },   { "ipc", SYSFMT_IPC },
	{ "desc", SYSFMT_DESC },       { "memory", SYSFMT_MEMORY },
};

static void set_bit(struct sysfmt_filter *f, enum cg_arch arch, int nr)
{
	nr &= ~(int)CG_X32_SYSCALL_BIT;
	if (nr >= 0 && nr < SYSFMT_NR_MAX)
		f->bits[arch][nr / 8] |= (uint8_t)(1u << (nr % 8));
}

static bool get_bit(const struct sysfmt_filter *f, enum cg_arch arch, int nr)
{
	return f->bits[arch][nr / 8] & (1u << (nr % 8));
}

static void errf(char *err, size_t size, const char *what, const char *s, size_t n)
{
	size_t w, k;

	if (!err || !size)
		return;
	w = strlen(what);
	if (w >= size)
		w = size - 1;
	memcpy(err, what, w);
	k = n < size - 1 - w ? n : size - 1 - w;
	memcpy(err + w, s, k);
	err[w + k] = '\0';
	if (w + k + 1 < size) {
		err[w + k] = '\'';
		err[w + k + 1] = '\0';
	}
}

/* Add the one name or %class @s (@n bytes) to @set; false if unknown. */
static bool add_item(struct sysfmt_filter *set, const char *s, size_t n)
{
	char name[64];
	bool any = false;

	if (n == 3 && memcmp(s, "all", 3) == 0) {
		memset(set->bits, 0xff, sizeof(set->bits));
		return true;
	}
	if (n == 4 && memcmp(s, "none", 4) == 0)
		return true;
	if (s[0] == '%') {
		unsigned bit = 0;

		for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
			if (strlen(classes[i].name) == n - 1 &&
			    memcmp(classes[i].name, s + 1, n - 1) == 0)
				bit = classes[i].bit;
		if (!bit)
			return false;
		for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
			if (!(table[i].classes & bit))
				continue;
			for (int a = 0; a < CG_ARCH_MAX; a++) {
				int nr = syscall_lookup((enum cg_arch)a, table[i].name);

				if (nr >= 0)
					set_bit(set, (enum cg_arch)a, nr);
			}
		}
		return true;
	}
	if (n >= sizeof(name))
		return false;
	memcpy(name, s, n);
	name[n] = '\0';
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		int nr = syscall_lookup((enum cg_arch)a, name);

		if (nr >= 0) {
			set_bit(set, (enum cg_arch)a, nr);
			any = true;
		}
	}
	return any;
}

int sysfmt_filter_add(struct sysfmt_filter *f, const char *spec, char *err, size_t errsize)
{
	struct sysfmt_filter set = { .active = true };
	const char *p;
	bool negate = false;

	if (!spec)
		return -EINVAL;
	if (strncmp(spec, "trace=", 6) == 0)
		spec += 6;
	else if (strchr(spec, '=') && strncmp(spec, "t=", 2) != 0) {
		errf(err, errsize, "only trace= is supported, not '", spec, strcspn(spec, "="));
		return -EINVAL;
	} else if (strncmp(spec, "t=", 2) == 0)
		spec += 2;
	if (*spec == '!') {
		negate = true;
		spec++;
	}
	if (!*spec) {
		errf(err, errsize, "empty syscall set '", spec, 0);
		return -EINVAL;
	}
	for (p = spec; *p;) {
		size_t n = strcspn(p, ",");
		bool optional = n && p[0] == '?';

		if (!n) {
			errf(err, errsize, "empty name in '", spec, strlen(spec));
			return -EINVAL;
		}
		if (!add_item(&set, p + optional, n - optional) && !optional) {
			errf(err, errsize,
			     p[0] == '%' ? "unknown syscall class '" : "unknown syscall '", p, n);
			return -EINVAL;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (negate)
		for (size_t a = 0; a < CG_ARCH_MAX; a++)
			for (size_t i = 0; i < sizeof(set.bits[a]); i++)
				set.bits[a][i] = (uint8_t)~set.bits[a][i];
	for (size_t a = 0; a < CG_ARCH_MAX; a++)
		for (size_t i = 0; i < sizeof(set.bits[a]); i++)
			f->bits[a][i] |= set.bits[a][i];
	f->negate = f->negate || negate;
	f->active = true;
	return 0;
}

bool sysfmt_filter_match(const struct sysfmt_filter *f, enum cg_arch arch, int nr)
{
	if (!f || !f->active)
		return true;
	if ((int)arch < 0 || arch >= CG_ARCH_MAX)
		return f->negate;
	nr &= ~(int)CG_X32_SYSCALL_BIT;
	if (nr < 0 || nr >= SYSFMT_NR_MAX)
		return f->negate;
	return get_bit(f, arch, nr);
}
