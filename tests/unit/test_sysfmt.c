/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arguments as strace shows them, compared field by field with strace
 * 6.1's own lines for the same calls: tests/unit/data/stracecalls.c made
 * each call with fixed values and wrote them to stracecalls.args; strace
 * wrote strace.txt.  Each call here is fed exactly what callgate would
 * have: the six raw values, the path strings of the arguments callgate
 * copies (sysargs_paths()) and the socket address it copies
 * (sysargs_sockaddr()), nothing else.
 *
 * Matched exactly (every field of every line but those below): open,
 * openat, creat flags and modes (O_TMPFILE, O_SYNC composites, unknown
 * bits), access/faccessat(2) modes, AT_* flags (unlinkat, statx with its
 * mask, fchownat, linkat, execveat), renameat2 flags, mkdir/chmod modes in
 * octal, mknod(at) file type and makedev(), umask, socket domain, type,
 * flags and protocol (IPPROTO_*, NETLINK_*, htons(ETH_P_*), unknown as
 * `0x4d /\* AF_??? *\/`), sockaddrs of AF_UNIX (path, abstract @"...",
 * unnamed), AF_INET, AF_INET6 (flowinfo, scope id, mapped addresses),
 * AF_NETLINK, AF_PACKET, AF_VSOCK, AF_UNSPEC, short and unknown families
 * (sa_data), accept4 SOCK_* flags, MSG_* flags, shutdown, mmap and
 * mprotect prot and flags, clone's named fields, unshare and setns
 * CLONE_*, mount MS_* and umount2 MNT_* flags, kill/tgkill signals
 * (SIGRT_n), prctl options and their integer arguments (caps by name),
 * ioctl requests (TIOCSTI, TIOCGWINSZ, TCGETS, FIONREAD, FIOCLEX,
 * TIOCSCTTY), fcntl commands with their arity (FD_CLOEXEC, O_* for
 * F_SETFL), dup3, lseek whence, AT_FDCWD, NULL pointers, and strings
 * escaped as strace escapes them (\33, \0010, \177, \303).
 *
 * Different on purpose (the `deviations` table): what callgate does not
 * copy from the target is shown as the pointer it is, where strace reads
 * and decodes it: a struct (open_how, clone_args, sigaction, flock), a
 * buffer (sendto's data, TIOCSTI's char) and mount's data string.  Not in
 * the fixture and different too: interface names (strace writes
 * if_nametoindex("lo") for a link-local scope id or an AF_PACKET ifindex,
 * callgate the number), unknown ioctls (hex, not _IOC()), and ptrace (all
 * four arguments, strace only those the request uses).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "callgate/sysargs.h"
#include "callgate/sysfmt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Fields of strace's lines that callgate shows differently, on purpose. */
static struct {
	const char *syscall;
	int field;
	const char *strace; /* the field as strace printed it */
	const char *why;
	int used;
} deviations[] = {
	{ "openat2", 2, "{flags=O_RDONLY, resolve=0}", "struct open_how not copied" },
	{ "clone3", 0, "{flags=CLONE_THREAD, exit_signal=SIGCHLD, stack=NULL, stack_size=0}",
	  "struct clone_args not copied" },
	{ "sendto", 1, "\"abc\"", "the data is not copied" },
	{ "mount", 4, "\"size=1m\"", "mount's data is not copied" },
	{ "rt_sigaction", 2, "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}",
	  "struct sigaction not copied (strace reads the old one after the call)" },
	{ "ioctl", 2, "\"\\0\"", "TIOCSTI's char is not copied" },
	{ "fcntl", 2, "{l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}",
	  "struct flock not copied" },
};

/* ---- the fixture -------------------------------------------------------------- */

struct row {
	char name[32];
	uint64_t args[6];
	char strs[6][256];
	bool has_str[6];
	unsigned char sa[128];
	size_t sa_len;
	int sa_idx;
	char strace[1024]; /* name(args), without the result */
};

static int unhex(const char *s, size_t n, void *out, size_t size)
{
	unsigned char *o = out;

	if (n % 2 || n / 2 > size)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		o[i] = (unsigned char)v;
	}
	return (int)(n / 2);
}

static void parse_args_line(char *line, struct row *r)
{
	char *f[4], *save = NULL, *p;
	int i = 0;

	memset(r, 0, sizeof(*r));
	r->sa_idx = -1;
	line[strcspn(line, "\n")] = '\0';
	/* NAME|ARGS|STRS|SA (empty fields allowed) */
	f[0] = line;
	for (p = line; i < 3 && (p = strchr(p, '|')); p++) {
		*p = '\0';
		f[++i] = p + 1;
	}
	ck_assert_int_eq(i, 3);
	ck_assert_uint_lt(strlen(f[0]), sizeof(r->name));
	memcpy(r->name, f[0], strlen(f[0]) + 1);
	i = 0;
	for (char *a = strtok_r(f[1], ",", &save); a && i < 6; a = strtok_r(NULL, ",", &save))
		r->args[i++] = strtoull(a, NULL, 16);
	ck_assert_int_eq(i, 6);
	for (char *s = strtok_r(f[2], ";", &save); s; s = strtok_r(NULL, ";", &save)) {
		int idx = atoi(s);
		char *h = strchr(s, ':');
		int n;

		ck_assert(h && idx >= 0 && idx < 6);
		n = unhex(h + 1, strlen(h + 1), r->strs[idx], sizeof(r->strs[idx]) - 1);
		ck_assert_int_ge(n, 0);
		r->strs[idx][n] = '\0';
		r->has_str[idx] = true;
	}
	if (*f[3]) {
		char *h = strchr(f[3], ':');
		int n;

		ck_assert_ptr_nonnull(h);
		r->sa_idx = atoi(f[3]);
		n = unhex(h + 1, strlen(h + 1), r->sa, sizeof(r->sa));
		ck_assert_int_ge(n, 0);
		r->sa_len = (size_t)n;
	}
}

/* End of a double-quoted string starting at @p (at the quote). */
static const char *skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* The call part of a strace line: up to the parenthesis that closes the
 * arguments (strings and nested brackets skipped). */
static void strace_call(const char *line, char *out, size_t size)
{
	const char *p = strchr(line, '(');
	int depth = 0;

	ck_assert_ptr_nonnull(p);
	for (; *p; p++) {
		if (*p == '"') {
			p = skip_string(p) - 1;
			continue;
		}
		if (*p == '(' || *p == '{' || *p == '[')
			depth++;
		else if ((*p == ')' || *p == '}' || *p == ']') && --depth == 0)
			break;
	}
	ck_assert_msg(*p == ')', "no end of the arguments in: %s", line);
	ck_assert_int_lt((size_t)(p + 1 - line), size);
	memcpy(out, line, (size_t)(p + 1 - line));
	out[p + 1 - line] = '\0';
}

/* The top-level fields of "a, {b, c}, "d, e"" into @f (pointers into @s,
 * which is cut).  Returns how many. */
static int split_fields(char *s, char *f[], int max)
{
	int n = 0, depth = 0;
	char *start = s;

	if (!*s)
		return 0;
	for (char *p = s;; p++) {
		if (*p == '"') {
			p = (char *)skip_string(p) - 1;
			continue;
		}
		if (*p == '(' || *p == '{' || *p == '[')
			depth++;
		else if (*p == ')' || *p == '}' || *p == ']')
			depth--;
		if ((*p == ',' && depth == 0) || !*p) {
			bool end = !*p;

			*p = '\0';
			if (n < max)
				f[n++] = start;
			if (end)
				break;
			start = p + (p[1] == ' ' ? 2 : 1);
			p = start - 1;
		}
	}
	return n;
}

static FILE *open_data(const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "tests/unit/data/%s", name);
	f = fopen(path, "re");
	ck_assert_msg(f, "cannot open %s (run from the project root)", path);
	return f;
}

/* What callgate would hand the formatter for @r. */
static void call_of(const struct row *r, struct sysfmt_call *c)
{
	int idx[2], dirfd[2], len_idx;
	int n = sysargs_paths(r->name, idx, dirfd);
	int sa = sysargs_sockaddr(r->name, &len_idx);

	memset(c, 0, sizeof(*c));
	c->name = r->name;
	memcpy(c->args, r->args, sizeof(c->args));
	for (int i = 0; i < n; i++)
		if (r->has_str[idx[i]])
			c->strs[idx[i]] = r->strs[idx[i]];
	if (sa >= 0 && sa == r->sa_idx && r->args[sa]) {
		c->sockaddr = r->sa;
		c->sockaddr_len = r->sa_len;
	}
}

START_TEST(same_as_strace)
{
	FILE *fa = open_data("stracecalls.args"), *fs = open_data("strace.txt");
	char aline[4096], sline[4096];
	int rows = 0, fields = 0, differ = 0;

	while (fgets(aline, sizeof(aline), fa)) {
		static struct row r;
		struct sysfmt_call c;
		char want[1024], got[2048], *wf[8], *gf[8];
		int nw, ng, len;

		ck_assert_msg(fgets(sline, sizeof(sline), fs), "strace.txt ends before row %d",
			      rows);
		parse_args_line(aline, &r);
		strace_call(sline, want, sizeof(want));
		call_of(&r, &c);
		len = snprintf(got, sizeof(got), "%s(", r.name);
		ck_assert_int_ge(sysfmt_args(&c, 0, got + len, sizeof(got) - (size_t)len - 1), 0);
		strcat(got, ")");
		/* the name, then each field */
		ck_assert_msg(strncmp(want, got, strlen(r.name) + 1) == 0, "row %d: %s vs %s", rows,
			      want, got);
		want[strlen(want) - 1] = '\0';
		got[strlen(got) - 1] = '\0';
		nw = split_fields(want + strlen(r.name) + 1, wf, 8);
		ng = split_fields(got + strlen(r.name) + 1, gf, 8);
		ck_assert_msg(nw == ng, "row %d (%s): %d fields, strace has %d:\n  %s", rows,
			      r.name, ng, nw, sline);
		for (int i = 0; i < nw; i++) {
			size_t d;

			fields++;
			if (strcmp(wf[i], gf[i]) == 0)
				continue;
			for (d = 0; d < N(deviations); d++)
				if (strcmp(deviations[d].syscall, r.name) == 0 &&
				    deviations[d].field == i &&
				    strcmp(deviations[d].strace, wf[i]) == 0)
					break;
			ck_assert_msg(d < N(deviations),
				      "row %d (%s) field %d: got %s, strace %s\n  line: %s", rows,
				      r.name, i, gf[i], wf[i], sline);
			/* what is not copied shows as the pointer it is */
			ck_assert_msg(strncmp(gf[i], "0x", 2) == 0, "row %d: %s", rows, gf[i]);
			deviations[d].used++;
			differ++;
		}
		rows++;
	}
	ck_assert_msg(!fgets(sline, sizeof(sline), fs), "strace.txt has more lines than rows");
	fclose(fa);
	fclose(fs);
	for (size_t d = 0; d < N(deviations); d++)
		ck_assert_msg(deviations[d].used == 1, "deviation %s field %d: seen %d times",
			      deviations[d].syscall, deviations[d].field, deviations[d].used);
	ck_assert_int_ge(rows, 100);
	ck_assert_int_eq(differ, (int)N(deviations));
	fprintf(stderr, "sysfmt: %d calls, %d fields, %d the same as strace's\n", rows, fields,
		fields - differ);
}
END_TEST

/* ---- beyond strace ------------------------------------------------------------ */

static const char *fmt(const struct sysfmt_call *c, unsigned flags)
{
	static char buf[4096];

	ck_assert_int_ge(sysfmt_args(c, flags, buf, sizeof(buf)), 0);
	return buf;
}

START_TEST(fd_paths_and_resolved)
{
	struct sysfmt_call c = {
		.name = "openat",
		.args = { (uint64_t)-100, 0x1000, 0 },
		.strs = { [1] = "x/y" },
		.resolved = { [1] = "/tmp/x/y" },
		.fds = { [0] = "/tmp" },
	};

	ck_assert_str_eq(fmt(&c, 0), "AT_FDCWD</tmp>, \"x/y\" -> \"/tmp/x/y\", O_RDONLY");
	/* the same path resolved: shown once */
	c.resolved[1] = "x/y";
	c.fds[0] = NULL;
	ck_assert_str_eq(fmt(&c, 0), "AT_FDCWD, \"x/y\", O_RDONLY");
	/* what an fd is, escaped, <> included */
	c = (struct sysfmt_call){ .name = "read",
				  .args = { 5, 0x10, 3 },
				  .fds = { "/tmp/a<b>\n\033" } };
	ck_assert_str_eq(fmt(&c, 0), "5</tmp/a\\74b\\76\\n\\33>, 0x10, 3");
	c = (struct sysfmt_call){ .name = "connect",
				  .args = { 3, 0x10, 16 },
				  .fds = { "socket:[1234]" } };
	ck_assert_str_eq(fmt(&c, 0), "3<socket:[1234]>, 0x10, 16");
	/* mmap's fd too */
	ck_assert_uint_eq(sysfmt_fd_args("mmap"), 1u << 4);
	ck_assert_uint_eq(sysfmt_fd_args("linkat"), 1u << 0 | 1u << 2);
	ck_assert_uint_eq(sysfmt_fd_args("fcntl"), 1u);
	ck_assert_uint_eq(sysfmt_fd_args("getpid"), 0);
	ck_assert_uint_eq(sysfmt_fd_args("no_such_call"), 0);
	ck_assert_uint_eq(sysfmt_fd_args(NULL), 0);
}
END_TEST

START_TEST(json_escaping)
{
	struct sysfmt_call c = {
		.name = "unlink",
		.args = { 0x1000 },
		.strs = { "a\"b\\c\n\033[0m" },
	};

	ck_assert_str_eq(fmt(&c, 0), "\"a\\\"b\\\\c\\n\\33[0m\"");
	ck_assert_str_eq(fmt(&c, SYSFMT_JSON), "\\\"a\\\\\\\"b\\\\\\\\c\\\\n\\\\33[0m\\\"");
}
END_TEST

START_TEST(quoting)
{
	char buf[64];

	ck_assert_int_eq(sysfmt_quote("\0331\0338", 4, NULL, 0, buf, sizeof(buf)), 9);
	ck_assert_str_eq(buf, "\\0331\\338");
	ck_assert_int_gt(sysfmt_quote("a\0b", 3, NULL, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "a\\0b");
	ck_assert_int_gt(sysfmt_quote("<x>", 3, "<>", 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "\\74x\\76");
	ck_assert_int_gt(sysfmt_quote("\t\v\f\r\n\x7f\xff", 7, NULL, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "\\t\\v\\f\\r\\n\\177\\377");
	ck_assert_int_eq(sysfmt_quote("abc", 3, NULL, 0, buf, 3), -ENOSPC);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(sysfmt_quote("abc", 3, NULL, 0, NULL, 0), -ENOSPC);
}
END_TEST

START_TEST(more_decodings)
{
	static const struct {
		struct sysfmt_call c;
		const char *want;
	} rows[] = {
		{ { .name = "ptrace", .args = { 16, 42 } }, "PTRACE_ATTACH, 42, NULL, NULL" },
		{ { .name = "lseek", .args = { 3, (uint64_t)-5, 9 } }, "3, -5, 9" },
		{ { .name = "lseek", .arch = CG_ARCH_I386, .args = { 3, 0xfffffffb, 2 } },
		  "3, -5, SEEK_END" },
		{ { .name = "clone",
		    .arch = CG_ARCH_I386,
		    .args = { 0x80000 | 0x200000 | 17, 0, 0, 0x30, 0x40 } },
		  "child_stack=NULL, flags=CLONE_SETTLS|CLONE_CHILD_CLEARTID|SIGCHLD, tls=0x30, "
		  "child_tidptr=0x40" },
		{ { .name = "clone", .args = { 0 } }, "child_stack=NULL, flags=0" },
		{ { .name = "io_uring_setup", .args = { 8, 0x5000 } }, "0x8, 0x5000, 0, 0, 0, 0" },
		{ { .name = NULL, .args = { 1 } }, "0x1, 0, 0, 0, 0, 0" },
		{ { .name = "mount", .args = { 0, 0, 0, 0xC0ED0000 | 1, 0 } },
		  "NULL, NULL, NULL, MS_MGC_VAL|MS_RDONLY, NULL" },
		{ { .name = "prctl", .args = { 22, 2, 0x1000 } },
		  "PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0x1000" },
		{ { .name = "prctl", .args = { 4, 0 } }, "PR_SET_DUMPABLE, SUID_DUMP_DISABLE" },
		{ { .name = "prctl", .args = { 0x12345, 1, 2, 3, 4 } },
		  "0x12345, 0x1, 0x2, 0x3, 0x4" },
		{ { .name = "ioctl", .args = { 1, 0xc0105512, 0x10 } }, "1, 0xc0105512, 0x10" },
		{ { .name = "kill", .args = { 1, 99 } }, "1, 99" },
		{ { .name = "fcntl", .args = { 1, 1033, 3 } },
		  "1, F_ADD_SEALS, F_SEAL_SEAL|F_SEAL_SHRINK" },
		{ { .name = "fcntl", .args = { 1, 4242, 3 } }, "1, 4242, 0x3" },
		{ { .name = "socket", .args = { 1, 11, 0 } }, "AF_UNIX, 0xb /* SOCK_??? */, 0" },
		{ { .name = "pipe2", .args = { 0x10, 04000 | 02000000 } },
		  "0x10, O_NONBLOCK|O_CLOEXEC" },
		{ { .name = "openat", .args = { 3, 0, 3 } }, "3, NULL, O_ACCMODE" },
	};

	for (size_t i = 0; i < N(rows); i++) {
		const char *got = fmt(&rows[i].c, 0);

		ck_assert_msg(strcmp(got, rows[i].want) == 0, "row %zu: got %s, want %s", i, got,
			      rows[i].want);
	}
}
END_TEST

START_TEST(sockaddr_edges)
{
	static const struct {
		unsigned char sa[40];
		size_t len;
		const char *want;
	} rows[] = {
		{ { 1 }, 1, "3, {\"\\1\"}, 16" },
		/* abstract with a NUL inside */
		{ { 1, 0, 0, 'a', 0, 'b' }, 6, "3, {sa_family=AF_UNIX, sun_path=@\"a\\0b\"}, 16" },
		/* a path that fills sun_path without a NUL */
		{ { 1, 0, 'a', 'b' }, 4, "3, {sa_family=AF_UNIX, sun_path=\"ab\"}, 16" },
		{ { 10, 0, 0, 80 },
		  24,
		  "3, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), "
		  "inet_pton(AF_INET6, \"::\", &sin6_addr)}, 16" },
		{ { 10, 0, 0, 80 }, 20, "3, {sa_family=AF_INET6, sa_data=\"\\0P" },
		{ { 10, 0, 0, 80, 0, 0, 0, 0, 0xfe, 0x80, 0, 0, 0,
		    0,	0, 0, 0,  0, 0, 0, 0, 0,    0,	  1, 2 },
		  28,
		  "3, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), "
		  "inet_pton(AF_INET6, \"fe80::1\", &sin6_addr), sin6_scope_id=2}, 16" },
		{ { 10, 0, 0, 80, 0, 0, 0, 0, 0x20, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
		  24,
		  "3, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), "
		  "inet_pton(AF_INET6, \"2001:0:0:1::1\", &sin6_addr)}, 16" },
		{ { 17, 0, 0x12, 0x34, 1, 0, 0, 0, 4, 3, 9, 20 },
		  12,
		  "3, {sa_family=AF_PACKET, sll_protocol=htons(4660), sll_ifindex=1, "
		  "sll_hatype=ARPHRD_LOOPBACK, sll_pkttype=9, sll_halen=20}, 16" },
	};

	for (size_t i = 0; i < N(rows); i++) {
		struct sysfmt_call c = { .name = "connect",
					 .args = { 3, 0x10, 16 },
					 .sockaddr = rows[i].sa,
					 .sockaddr_len = rows[i].len };
		const char *got = fmt(&c, 0);

		ck_assert_msg(strncmp(got, rows[i].want, strlen(rows[i].want)) == 0,
			      "row %zu: got %s, want %s", i, got, rows[i].want);
	}
}
END_TEST

/* Every size below the full length fails whole; the exact size works. */
START_TEST(enospc_at_every_size)
{
	static const unsigned char sa[] = { 17, 0, 8, 0, 1, 0, 0, 0, 1, 0, 1, 6, 1, 2, 3, 4, 5, 6 };
	struct sysfmt_call c = {
		.name = "bind",
		.args = { 3, 0x10, sizeof(sa) },
		.sockaddr = sa,
		.sockaddr_len = sizeof(sa),
		.fds = { "/a\nb" },
	};
	char full[1024];
	int len = sysfmt_args(&c, SYSFMT_JSON, full, sizeof(full));

	ck_assert_int_gt(len, 0);
	for (size_t size = 0; size <= (size_t)len + 1; size++) {
		char *buf = malloc(size ? size : 1);
		int n;

		memset(buf, 'X', size ? size : 1);
		n = sysfmt_args(&c, SYSFMT_JSON, size ? buf : NULL, size);
		if (size <= (size_t)len) {
			ck_assert_msg(n == -ENOSPC, "size %zu: %d", size, n);
			ck_assert(size == 0 || buf[0] == '\0');
		} else {
			ck_assert_int_eq(n, len);
			ck_assert_str_eq(buf, full);
		}
		free(buf);
	}
}
END_TEST

/* Random arguments and addresses: never a crash, always printable ASCII. */
START_TEST(hostile_input)
{
	static const char *const names[] = { "connect", "bind",	 "sendto", "socket", "openat",
					     "mknodat", "clone", "prctl",  "fcntl",  "ioctl",
					     "mmap",	"statx", "kill",   "mount",  "lseek" };
	unsigned seed = 42;
	unsigned char sa[128];
	char str[64], buf[8192];

	for (int round = 0; round < 5000; round++) {
		struct sysfmt_call c = { .name = names[round % N(names)] };
		int n;

		for (int i = 0; i < 6; i++)
			c.args[i] = (uint64_t)rand_r(&seed) << 33 ^ (uint64_t)rand_r(&seed) << 2 ^
				    (uint64_t)(rand_r(&seed) & 3);
		if (round % 3 == 0)
			for (int i = 0; i < 6; i++)
				c.args[i] &= 0xffff;
		for (size_t i = 0; i < sizeof(sa); i++)
			sa[i] = (unsigned char)rand_r(&seed);
		sa[0] = (unsigned char)(rand_r(&seed) % 48);
		sa[1] = 0;
		for (size_t i = 0; i + 1 < sizeof(str); i++)
			str[i] = (char)(rand_r(&seed) % 255 + 1);
		str[sizeof(str) - 1] = '\0';
		c.sockaddr = sa;
		c.sockaddr_len = (size_t)rand_r(&seed) % (sizeof(sa) + 1);
		c.strs[1] = str;
		c.fds[0] = str;
		c.arch = (enum cg_arch)(round % 3);
		n = sysfmt_args(&c, round & 1 ? SYSFMT_JSON : 0, buf, sizeof(buf));
		ck_assert_int_ge(n, 0);
		for (int i = 0; i < n; i++)
			if (buf[i] < 0x20 || buf[i] >= 0x7f)
				ck_abort_msg("round %d: byte %d is %#x", round, i,
					     (unsigned char)buf[i]);
	}
}
END_TEST

/* ---- -e trace= ----------------------------------------------------------------- */

static bool logged(const struct sysfmt_filter *f, const char *name)
{
	return sysfmt_filter_match(f, CG_ARCH_X86_64, syscall_lookup(CG_ARCH_X86_64, name));
}

START_TEST(trace_filter)
{
	struct sysfmt_filter f = { 0 };
	char err[128];

	ck_assert(sysfmt_filter_match(NULL, CG_ARCH_X86_64, 2));
	ck_assert(sysfmt_filter_match(&f, CG_ARCH_X86_64, 2));
	ck_assert_int_eq(sysfmt_filter_add(&f, "trace=openat,%network", err, sizeof(err)), 0);
	ck_assert(logged(&f, "openat"));
	ck_assert(logged(&f, "connect"));
	ck_assert(logged(&f, "socket"));
	ck_assert(!logged(&f, "open"));
	ck_assert(!logged(&f, "getppid"));
	ck_assert(!sysfmt_filter_match(&f, CG_ARCH_X86_64, 5000));
	/* i386: by its own numbers */
	ck_assert(sysfmt_filter_match(&f, CG_ARCH_I386, syscall_lookup(CG_ARCH_I386, "openat")));
	ck_assert(!sysfmt_filter_match(&f, CG_ARCH_I386, syscall_lookup(CG_ARCH_I386, "open")));
	/* x32: with its bit */
	ck_assert(sysfmt_filter_match(&f, CG_ARCH_X32, syscall_lookup(CG_ARCH_X32, "connect")));
	/* several add up */
	ck_assert_int_eq(sysfmt_filter_add(&f, "%process", err, sizeof(err)), 0);
	ck_assert(logged(&f, "clone"));
	ck_assert(logged(&f, "kill"));

	f = (struct sysfmt_filter){ 0 };
	ck_assert_int_eq(sysfmt_filter_add(&f, "!%file,getppid", err, sizeof(err)), 0);
	ck_assert(!logged(&f, "openat"));
	ck_assert(!logged(&f, "mkdir"));
	ck_assert(!logged(&f, "getppid"));
	ck_assert(logged(&f, "connect"));
	ck_assert(logged(&f, "mmap"));
	ck_assert(sysfmt_filter_match(&f, CG_ARCH_X86_64, 5000));

	f = (struct sysfmt_filter){ 0 };
	ck_assert_int_eq(sysfmt_filter_add(&f, "%memory,%signal,%ipc,%desc", err, sizeof(err)), 0);
	ck_assert(logged(&f, "mprotect") && logged(&f, "rt_sigaction") && logged(&f, "shmget") &&
		  logged(&f, "dup3") && !logged(&f, "mkdir"));
	f = (struct sysfmt_filter){ 0 };
	ck_assert_int_eq(sysfmt_filter_add(&f, "none", err, sizeof(err)), 0);
	ck_assert(!logged(&f, "openat"));
	f = (struct sysfmt_filter){ 0 };
	ck_assert_int_eq(sysfmt_filter_add(&f, "!none", err, sizeof(err)), 0);
	ck_assert(logged(&f, "openat"));
	ck_assert_int_eq(sysfmt_filter_add(&f, "all", err, sizeof(err)), 0);
	ck_assert_int_eq(sysfmt_filter_add(&f, "?no_such_call,openat", err, sizeof(err)), 0);

	ck_assert_int_eq(sysfmt_filter_add(&f, "trace=opne", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown syscall 'opne'");
	ck_assert_int_eq(sysfmt_filter_add(&f, "%files", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown syscall class '%files'");
	ck_assert_int_eq(sysfmt_filter_add(&f, "signal=none", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "only trace= is supported, not 'signal'");
	ck_assert_int_eq(sysfmt_filter_add(&f, "open,,close", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(sysfmt_filter_add(&f, "", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(sysfmt_filter_add(&f, "!", NULL, 0), -EINVAL);
	/* a long name is unknown, not an overflow */
	{
		char longname[300];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		ck_assert_int_eq(sysfmt_filter_add(&f, longname, err, 8), -EINVAL);
		ck_assert_uint_eq(strlen(err), 7);
	}
}
END_TEST

START_TEST(classes_of_names)
{
	ck_assert_uint_eq(sysfmt_classes("openat"), SYSFMT_FILE | SYSFMT_DESC);
	ck_assert_uint_eq(sysfmt_classes("connect"), SYSFMT_NETWORK);
	ck_assert_uint_eq(sysfmt_classes("kill"), SYSFMT_SIGNAL | SYSFMT_PROCESS);
	ck_assert_uint_eq(sysfmt_classes("getpid"), 0);
	ck_assert_uint_eq(sysfmt_classes(NULL), 0);
}
END_TEST

/* Every name the table has is an x86 syscall (a typo would never match). */
START_TEST(table_names_exist)
{
	static const char *const some[] = { "open",  "openat2",	   "clone3",
					    "mmap2", "socketcall", "chown32" };

	for (size_t i = 0; i < N(some); i++) {
		bool found = false;

		for (int a = 0; a < CG_ARCH_MAX; a++)
			found = found || syscall_lookup((enum cg_arch)a, some[i]) >= 0;
		ck_assert_msg(found, "%s", some[i]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysfmt");
	TCase *tc = tcase_create("sysfmt");

	tcase_add_test(tc, same_as_strace);
	tcase_add_test(tc, fd_paths_and_resolved);
	tcase_add_test(tc, json_escaping);
	tcase_add_test(tc, quoting);
	tcase_add_test(tc, more_decodings);
	tcase_add_test(tc, sockaddr_edges);
	tcase_add_test(tc, enospc_at_every_size);
	tcase_add_test(tc, hostile_input);
	tcase_add_test(tc, trace_filter);
	tcase_add_test(tc, classes_of_names);
	tcase_add_test(tc, table_names_exist);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
