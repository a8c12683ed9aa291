/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for lib/recorder.c: the recorded policy is the same whatever
 * the order of the calls, has the rules include/callgate/recorder.h
 * promises (EQ rules per value, collapsed paths, addresses, per-ABI rules),
 * passes the parser after policy_write(), and its plan allows exactly the
 * recorded calls and denies others with EPERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "callgate/addrmatch.h"
#include "callgate/macro.h"
#include "callgate/pathmatch.h"
#include "callgate/pattern.h"
#include "callgate/policy_write.h"
#include "callgate/recorder.h"
#include "testutil.h"

#define X64  CG_ARCH_X86_64
#define I386 CG_ARCH_I386
#define X32  CG_ARCH_X32

/* One call: its syscall, arguments, decoded paths and address. */
struct obs {
	enum cg_arch arch;
	const char *name;
	uint64_t args[6];
	const char *path[2];
	const char *addr;
};

/* ---- helpers ------------------------------------------------------------ */

static void record(struct recorder *r, const struct obs *o)
{
	const char *paths[2];
	size_t n = 0;

	if (o->path[0])
		paths[n++] = o->path[0];
	if (o->path[1])
		paths[n++] = o->path[1];
	ck_assert_int_eq(
		recorder_add(r, o->arch, tu_nr(o->arch, o->name), o->args, paths, n, o->addr), 0);
}

static struct recorder *record_all(const struct obs *obs, size_t n)
{
	struct recorder *r = recorder_new();

	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < n; i++)
		record(r, &obs[i]);
	return r;
}

static struct policy *policy_of(const struct recorder *r)
{
	struct policy *p = NULL;

	ck_assert_int_eq(recorder_policy(r, &p), 0);
	ck_assert_ptr_nonnull(p);
	return p;
}

static char *write_ok(const struct policy *p)
{
	char *s = NULL;
	int r = policy_write(p, &s);

	ck_assert_msg(r == 0, "policy_write: %s", strerror(-r));
	return s;
}

/* The recorded policy of @obs, written. */
static char *text_of(const struct obs *obs, size_t n)
{
	struct recorder *r = record_all(obs, n);
	struct policy *p = policy_of(r);
	char *s = write_ok(p);

	policy_free(p);
	recorder_free(r);
	return s;
}

/* The @k-th rule (0-based) that names @name and nothing else. */
static const struct policy_rule *rule_for(const struct policy *p, const char *name, size_t k)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].n_names == 1 && strcmp(p->rules[i].names[0], name) == 0 && k-- == 0)
			return &p->rules[i];
	return NULL;
}

static size_t rules_for(const struct policy *p, const char *name)
{
	size_t n = 0;

	while (rule_for(p, name, n))
		n++;
	return n;
}

/* The rule whose comment starts with @prefix and names several syscalls
 * or one: the ABI's unconditional rule. */
static const struct policy_rule *plain_rule(const struct policy *p, const char *abi)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "observed on %s: ", abi);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (r->n_args == 0 && r->n_paths == 0 && r->n_addresses == 0 && r->comment &&
		    strncmp(r->comment, prefix, strlen(prefix)) == 0)
			return r;
	}
	return NULL;
}

static bool names_has(const struct policy_rule *r, const char *name)
{
	for (size_t i = 0; r && i < r->n_names; i++)
		if (strcmp(r->names[i], name) == 0)
			return true;
	return false;
}

/* A sockaddr for address text @text, decoded as the supervisor does; the
 * text must be what sockaddr_format() writes for it. */
static void to_sockaddr(const char *text, struct cg_sockaddr *ret)
{
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
	} u;
	char buf[128], out[160];
	size_t len;

	memset(&u, 0, sizeof(u));
	if (strncmp(text, "inet:", 5) == 0) {
		char *port;

		snprintf(buf, sizeof(buf), "%s", text + 5);
		port = strrchr(buf, ':');
		*port++ = '\0';
		u.in.sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, buf, &u.in.sin_addr), 1);
		u.in.sin_port = htons((uint16_t)atoi(port));
		len = sizeof(u.in);
	} else if (strncmp(text, "inet6:[", 7) == 0) {
		char *close;

		snprintf(buf, sizeof(buf), "%s", text + 7);
		close = strchr(buf, ']');
		*close = '\0';
		u.in6.sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, buf, &u.in6.sin6_addr), 1);
		u.in6.sin6_port = htons((uint16_t)atoi(close + 2));
		len = sizeof(u.in6);
	} else if (strncmp(text, "unix:@", 6) == 0) {
		u.un.sun_family = AF_UNIX;
		memcpy(u.un.sun_path + 1, text + 6, strlen(text + 6));
		len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(text + 6);
	} else {
		ck_assert(strncmp(text, "unix:", 5) == 0);
		u.un.sun_family = AF_UNIX;
		memcpy(u.un.sun_path, text + 5, strlen(text + 5));
		len = offsetof(struct sockaddr_un, sun_path) + strlen(text + 5);
	}
	ck_assert_int_eq(sockaddr_decode(&u, len, ret), 0);
	ck_assert_int_ge(sockaddr_format(ret, out, sizeof(out)), 0);
	ck_assert_str_eq(out, text);
}

static struct plan_verdict eval(const struct plan *plan, const struct obs *o)
{
	struct plan_ptrs ptrs = { .n_paths = 0 };
	struct cg_sockaddr sa;

	for (int i = 0; i < 2; i++)
		if (o->path[i])
			ptrs.paths[ptrs.n_paths++] = o->path[i];
	if (o->addr) {
		to_sockaddr(o->addr, &sa);
		ptrs.addr = &sa;
	}
	return plan_eval_ptrs(plan, o->arch, tu_nr(o->arch, o->name), o->args, &ptrs);
}

static void expect(const struct plan *plan, const struct obs *o, bool allowed, const char *what)
{
	struct plan_verdict v = eval(plan, o);

	if (allowed)
		ck_assert_msg(v.action == POLICY_ACT_ALLOW, "%s: %s %s %s arg0 %#llx: got %s(%u)",
			      what, arch_to_string(o->arch), o->name, o->path[0] ? o->path[0] : "",
			      (unsigned long long)o->args[0], policy_action_to_string(v.action),
			      v.data);
	else
		ck_assert_msg(v.action == POLICY_ACT_ERRNO && v.data == EPERM,
			      "%s: %s %s %s %s arg0 %#llx: got %s(%u), want EPERM", what,
			      arch_to_string(o->arch), o->name, o->path[0] ? o->path[0] : "",
			      o->addr ? o->addr : "", (unsigned long long)o->args[0],
			      policy_action_to_string(v.action), v.data);
}

/* ---- the observations --------------------------------------------------- */

#define LIB "/usr/lib/x86_64-linux-gnu/"

/* What a small dynamically linked program might do, on three ABIs. */
static const struct obs observed[] = {
	{ X64, "read" },
	{ X64, "write" },
	{ X64, "close" },
	{ X64, "mmap" },
	{ X64, "brk" },
	{ X64, "exit_group" },
	{ X64, "clone3" },
	{ X64, "socket", { 2, 1 } },
	{ X64, "socket", { 10, 2 } },
	{ X64, "socket", { 1, 0x80001 } },
	{ X64, "personality", { 0xffffffff } },
	{ X64, "clone", { 0x1200011 } },
	{ X64, "clone", { 0x3d0f00 } },
	{ X64, "openat", { 0 }, { "/etc/ld.so.cache" } },
	{ X64, "openat", { 0 }, { "/etc/passwd" } },
	{ X64, "openat", { 0 }, { LIB "libc.so.6" } },
	{ X64, "openat", { 0 }, { LIB "libm.so.6" } },
	{ X64, "openat", { 0 }, { LIB "libz.so.1" } },
	{ X64, "openat", { 0 }, { LIB "libssl.so.3" } },
	{ X64, "openat", { 0 }, { LIB "libcrypto.so.3" } },
	{ X64, "openat", { 0 }, { LIB "libpthread.so.0" } },
	{ X64, "openat", { 0 }, { LIB "libdl.so.2" } },
	{ X64, "openat", { 0 }, { LIB "libgcc_s.so.1" } },
	{ X64, "openat", { 0 }, { LIB "libstdc++.so.6" } },
	{ X64, "openat", { 0 }, { "/tmp/we*ird?[x]" } },
	{ X64, "execve", { 0 }, { "/usr/bin/true" } },
	{ X64, "newfstatat", { 0 }, { "/" } },
	{ X64, "rename", { 0 }, { "/tmp/a", "/tmp/b" } },
	{ X64, "connect", { 3, 1, 16 }, { NULL }, "inet:127.0.0.1:5432" },
	{ X64, "connect", { 3, 1, 28 }, { NULL }, "inet6:[::1]:80" },
	{ X64, "connect", { 3, 1, 20 }, { NULL }, "unix:/run/x.sock" },
	{ X64, "connect", { 3, 1, 7 }, { NULL }, "unix:@name" },
	{ X64, "sendto", { 3, 1, 5, 0, 0, 0 } },
	{ X64, "bind", { 3, 1, 16 }, { NULL }, "inet:0.0.0.0:8080" },
	{ I386, "read" },
	{ I386, "socketcall", { 1 } },
	{ I386, "mmap2" },
	{ I386, "openat", { 0 }, { "/lib/ld-linux.so.2" } },
	{ I386, "socket", { 2 } },
	{ X32, "write" },
};

/* Calls the program did not make, with the same numbers' neighbours. */
static const struct obs unobserved[] = {
	{ X64, "getpid" },
	{ X64, "ptrace" },
	{ X64, "mount" },
	{ X64, "chroot" },
	{ X64, "kexec_load" },
	{ X64, "socket", { 16 } },
	{ X64, "socket", { 2 | (1ull << 32) } },
	{ X64, "personality", { 0 } },
	{ X64, "clone", { 0x11 } },
	{ X64, "openat", { 0 }, { "/etc/shadow" } },
	{ X64, "openat", { 0 }, { "/usr/lib/other.so" } },
	{ X64, "openat", { 0 }, { "/tmp/weXird?[x]" } },
	{ X64, "openat", { 0 } }, /* path not decoded */
	{ X64, "execve", { 0 }, { "/usr/bin/false" } },
	{ X64, "newfstatat", { 0 }, { "/etc" } },
	{ X64, "rename", { 0 }, { "/tmp/a", "/tmp/c" } },
	{ X64, "connect", { 3, 1, 16 }, { NULL }, "inet:127.0.0.1:5433" },
	{ X64, "connect", { 3, 1, 16 }, { NULL }, "inet:127.0.0.2:5432" },
	{ X64, "connect", { 3, 1, 28 }, { NULL }, "inet6:[::2]:80" },
	{ X64, "connect", { 3, 1, 20 }, { NULL }, "unix:/run/y.sock" },
	{ X64, "connect", { 3, 1, 7 }, { NULL }, "unix:@nam" },
	{ X64, "sendto", { 3, 1, 5, 0, 0x1000, 16 }, { NULL }, "inet:1.2.3.4:53" },
	{ X64, "bind", { 3, 1, 16 }, { NULL }, "inet:0.0.0.0:8081" },
	{ I386, "getpid" },
	{ I386, "socket", { 16 } },
};

/* ---- tests --------------------------------------------------------------- */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

START_TEST(order_does_not_matter)
{
	size_t n = ARRAY_SIZE(observed);
	struct obs twice[2 * ARRAY_SIZE(observed)];
	char *base;

	for (size_t i = 0; i < n; i++)
		twice[i] = twice[n + i] = observed[i];
	base = text_of(twice, 2 * n);
	for (uint64_t seed = 1; seed <= 20; seed++) {
		uint64_t s = seed * 0x9e3779b97f4a7c15ull;
		char *text;

		for (size_t i = 2 * n - 1; i > 0; i--) {
			size_t j = (size_t)(xorshift(&s) % (i + 1));
			struct obs t = twice[i];

			twice[i] = twice[j];
			twice[j] = t;
		}
		text = text_of(twice, 2 * n);
		ck_assert_msg(strcmp(text, base) == 0, "seed %llu: output differs:\n%s\n---\n%s",
			      (unsigned long long)seed, base, text);
		free(text);
	}
	free(base);
}
END_TEST

START_TEST(round_trip_through_the_parser)
{
	struct recorder *r = record_all(observed, ARRAY_SIZE(observed));
	struct policy *p = policy_of(r), *q = NULL;
	struct policy_error e = { 0 };
	char *text = write_ok(p), *again;
	int k;

	k = policy_parse_buf(text, strlen(text), "recorded", &q, &e);
	ck_assert_msg(k == 0, "%u:%u: %s\n%s", e.pos.line, e.pos.column, e.msg, text);
	ck_assert_msg(q->n_warnings == 0, "warning: %s", q->warnings[0].msg);
	ck_assert(q->enabled);
	ck_assert_int_eq(q->default_action, POLICY_ACT_ERRNO);
	ck_assert(q->has_default_errno_ret && q->default_errno_ret == EPERM);
	ck_assert_uint_eq(q->n_rules, p->n_rules);
	for (size_t i = 0; i < q->n_rules; i++)
		ck_assert_msg(q->rules[i].comment && *q->rules[i].comment, "rule %zu: no comment",
			      i);
	again = write_ok(q);
	ck_assert_str_eq(again, text);
	free(again);
	policy_free(q);

	/* without callgate's keys it is a plain Docker profile */
	for (size_t i = 0; i < p->n_rules; i++) {
		struct policy_rule *rule = &p->rules[i];

		for (size_t j = 0; j < rule->n_paths; j++)
			free(rule->paths[j]);
		for (size_t j = 0; j < rule->n_addresses; j++)
			free(rule->addresses[j]);
		addr_patterns_free(rule->addr_patterns, rule->n_addresses);
		rule->addr_patterns = NULL;
		free(rule->paths);
		free(rule->addresses);
		rule->paths = rule->addresses = NULL;
		rule->n_paths = rule->n_addresses = 0;
	}
	free(text);
	text = write_ok(p);
	for (size_t i = 0; i < 4; i++) {
		static const char *const ext[] = { "\"paths\"", "\"addresses\"", "\"log\"",
						   "\"audit\"" };

		ck_assert_msg(!strstr(text, ext[i]), "%s in a plain profile", ext[i]);
	}
	k = policy_parse_buf(text, strlen(text), "plain", &q, &e);
	ck_assert_msg(k == 0, "%u:%u: %s", e.pos.line, e.pos.column, e.msg);
	ck_assert_uint_eq(q->n_warnings, 0);
	policy_free(q);
	free(text);
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(plan_allows_exactly_what_was_seen)
{
	struct recorder *r = record_all(observed, ARRAY_SIZE(observed));
	struct policy *p = policy_of(r);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct obs o;

	for (size_t i = 0; i < ARRAY_SIZE(observed); i++)
		expect(plan, &observed[i], true, "observed");
	for (size_t i = 0; i < ARRAY_SIZE(unobserved); i++)
		expect(plan, &unobserved[i], false, "unobserved");
	/* collapsed: a library not opened, in a directory that was read a lot */
	o = (struct obs){ X64, "openat", { 0 }, { LIB "libnew.so.1" } };
	expect(plan, &o, true, "under a collapsed directory");
	o = (struct obs){ X64, "openat", { 0 }, { LIB "deeper/libx.so" } };
	expect(plan, &o, true, "below a collapsed directory");
	/* rules apply to every ABI that has the name (recorder.h) */
	o = (struct obs){ I386, "openat", { 0 }, { "/etc/passwd" } };
	expect(plan, &o, true, "an x86_64 path rule on i386");
	o = (struct obs){ X64, "socket", { 2 } };
	expect(plan, &o, true, "socket AF_INET");
	/* an ABI without calls is not enabled: libseccomp's bad-arch kill */
	plan_free(plan);
	policy_free(p);
	recorder_free(r);

	r = record_all(observed, 5);
	p = policy_of(r);
	plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	ck_assert(!plan->arch[CG_ARCH_I386].enabled && !plan->arch[CG_ARCH_X32].enabled);
	ck_assert_uint_eq(p->n_architectures, 1);
	ck_assert_str_eq(p->architectures[0], "SCMP_ARCH_X86_64");
	o = (struct obs){ I386, "read" };
	ck_assert_int_eq(eval(plan, &o).action, POLICY_ACT_KILL_THREAD);
	plan_free(plan);
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(socket_families_are_separate_eq_rules)
{
	static const struct obs obs[] = {
		{ X64, "socket", { 10 } }, { X64, "socket", { 2 } }, { X64, "socket", { 1 } },
		{ X64, "socket", { 2 } },  { X64, "read" },
	};
	static const uint64_t want[] = { 1, 2, 10 };
	struct recorder *r = record_all(obs, ARRAY_SIZE(obs));
	struct policy *p = policy_of(r);

	ck_assert_uint_eq(rules_for(p, "socket"), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct policy_rule *rule = rule_for(p, "socket", i);

		ck_assert_uint_eq(rule->n_args, 1);
		ck_assert_uint_eq(rule->args[0].index, 0);
		ck_assert_int_eq(rule->args[0].op, POLICY_OP_EQ);
		ck_assert_uint_eq(rule->args[0].value, want[i]);
		ck_assert_int_eq(rule->action, POLICY_ACT_ALLOW);
	}
	ck_assert_str_eq(rule_for(p, "socket", 1)->comment,
			 "observed on x86_64: socket with family (arg0) 2");
	ck_assert(!names_has(plain_rule(p, "x86_64"), "socket"));
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(value_cap)
{
	struct recorder *r = recorder_new();
	struct policy *p;
	const struct policy_rule *plain;

	for (uint64_t v = 0; v < RECORDER_VALUES_MAX; v++) {
		struct obs o = { X64, "personality", { v * 8 } };

		record(r, &o);
		record(r, &o);
	}
	p = policy_of(r);
	ck_assert_uint_eq(rules_for(p, "personality"), RECORDER_VALUES_MAX);
	ck_assert_str_eq(rule_for(p, "personality", 1)->comment,
			 "observed on x86_64: personality with persona (arg0) 0x8");
	policy_free(p);

	record(r, &(struct obs){ X64, "personality", { 0xffffffff } });
	p = policy_of(r);
	ck_assert_uint_eq(rules_for(p, "personality"), 1);
	plain = rule_for(p, "personality", 0);
	ck_assert_uint_eq(plain->n_args, 0);
	ck_assert_str_eq(plain->comment,
			 "observed on x86_64: allowed without a condition; no "
			 "restriction for personality (more than 16 distinct arg0 values)");
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(clone_flags_and_narrow_abis)
{
	static const struct obs obs[] = {
		{ X64, "clone", { 0x1200011 } },
		{ X64, "clone", { 0x3d0f00 } },
		{ X64, "clone3", { 0x7fff0000 } },
		/* i386 compares 32 bits: the high word is not part of the value */
		{ I386, "clone", { 0xdead00000000ull | 0x1200011 } },
	};
	struct recorder *r = record_all(obs, ARRAY_SIZE(obs));
	struct policy *p = policy_of(r);

	ck_assert_uint_eq(rules_for(p, "clone"), 3);
	ck_assert_uint_eq(rule_for(p, "clone", 0)->args[0].value, 0x3d0f00);
	ck_assert_uint_eq(rule_for(p, "clone", 1)->args[0].value, 0x1200011);
	ck_assert_uint_eq(rule_for(p, "clone", 2)->args[0].value, 0x1200011);
	ck_assert_str_eq(rule_for(p, "clone", 2)->comment,
			 "observed on i386: clone with flags (arg0) 0x1200011");
	ck_assert_uint_eq(rule_for(p, "clone3", 0)->n_args, 0);
	policy_free(p);
	recorder_free(r);
}
END_TEST

struct path_case {
	const char *name;
	const char *paths[24];
	const char *want[8]; /* NULL first: no "paths" rule, openat unrestricted */
};

static const struct path_case path_cases[] = {
	{ "eight entries stay exact",
	  { "/usr/lib/a", "/usr/lib/b", "/usr/lib/c", "/usr/lib/d", "/usr/lib/e", "/usr/lib/f",
	    "/usr/lib/g", "/usr/lib/h" },
	  { "/usr/lib/a", "/usr/lib/b", "/usr/lib/c", "/usr/lib/d", "/usr/lib/e", "/usr/lib/f",
	    "/usr/lib/g", "/usr/lib/h" } },
	{ "nine entries collapse",
	  { "/usr/lib/a", "/usr/lib/b", "/usr/lib/c", "/usr/lib/d", "/usr/lib/e", "/usr/lib/f",
	    "/usr/lib/g", "/usr/lib/h", "/usr/lib/i", "/usr/lib", "/usr/lib/i/j", "/etc/hosts" },
	  { "/etc/hosts", "/usr/lib/**" } },
	{ "top-level directories never collapse",
	  { "/tmp/0", "/tmp/1", "/tmp/2", "/tmp/3", "/tmp/4", "/tmp/5", "/tmp/6", "/tmp/7",
	    "/tmp/8", "/tmp/9", "/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/i" },
	  { "/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h" } /* checked by count below */ },
	{ "subdirectories count as entries",
	  { "/a/b/c/0", "/a/b/c/1", "/a/b/c/2", "/a/b/c/3", "/a/b/c/4", "/a/b/c/5", "/a/b/c/6",
	    "/a/b/c/7", "/a/b/c/8", "/a/b/d", "/a/b/e/x", "/a/b/f/y/z" },
	  { "/a/b/c/**", "/a/b/d", "/a/b/e/x", "/a/b/f/y/z" } },
	{ "a wide directory inside a wide directory",
	  { "/a/b/c/0", "/a/b/c/1", "/a/b/c/2", "/a/b/c/3", "/a/b/c/4", "/a/b/c/5", "/a/b/c/6",
	    "/a/b/c/7", "/a/b/c/8", "/a/b/d", "/a/b/e", "/a/b/f", "/a/b/g", "/a/b/h", "/a/b/i",
	    "/a/b/j", "/a/b/k", "/a/bc" },
	  { "/a/b/**", "/a/bc" } },
	{ "glob characters are literal",
	  { "/tmp/a*b?[c]", "/srv/**/x", "/srv/!x", "/srv/a-b]" },
	  { "/srv/!x", "/srv/[*][*]/x", "/srv/a-b]", "/tmp/a[*]b[?][[]c]" } },
	{ "the root", { "/" }, { "/" } },
	{ "a relative path", { "/etc/hosts", "etc/hosts" }, { NULL } },
	{ "a path with '//'", { "/etc//hosts" }, { NULL } },
	{ "a path with '..'", { "/etc/../hosts" }, { NULL } },
	{ "a path with '.'", { "/etc/./hosts" }, { NULL } },
	{ "a trailing '/'", { "/etc/" }, { NULL } },
	{ "no path decoded", { "" }, { NULL } },
};

START_TEST(paths_collapse)
{
	const struct path_case *c = &path_cases[_i];
	struct recorder *r = recorder_new();
	const struct policy_rule *rule;
	struct policy *p;
	struct plan *plan;
	size_t n_want = 0, n_paths = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c->paths) && c->paths[i]; i++) {
		struct obs o = { X64, "openat", { 0 }, { c->paths[i] } };

		if (!*c->paths[i])
			o.path[0] = NULL;
		record(r, &o);
		n_paths++;
	}
	p = policy_of(r);
	rule = rule_for(p, "openat", 0);
	ck_assert_ptr_nonnull(rule);
	while (n_want < ARRAY_SIZE(c->want) && c->want[n_want])
		n_want++;
	if (n_want == 0) {
		ck_assert_msg(rule->n_paths == 0, "%s: openat has paths", c->name);
		ck_assert_msg(strstr(rule->comment, "no restriction for openat (a path not "
						    "decoded, or not absolute and normalised)"),
			      "%s: comment \"%s\"", c->name, rule->comment);
	} else if (strcmp(c->name, "top-level directories never collapse") == 0) {
		ck_assert_uint_eq(rule->n_paths, n_paths);
	} else {
		ck_assert_msg(rule->n_paths == n_want, "%s: %zu patterns, want %zu", c->name,
			      rule->n_paths, n_want);
		for (size_t i = 0; i < n_want; i++)
			ck_assert_msg(strcmp(rule->paths[i], c->want[i]) == 0,
				      "%s: paths[%zu] = \"%s\", want \"%s\"", c->name, i,
				      rule->paths[i], c->want[i]);
	}
	for (size_t i = 0; i < rule->n_paths; i++)
		ck_assert_int_eq(path_pattern_check(rule->paths[i], NULL, 0), 0);
	plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	for (size_t i = 0; i < n_paths; i++) {
		struct obs o = { X64, "openat", { 0 }, { *c->paths[i] ? c->paths[i] : NULL } };

		/* a relative path never reaches the policy: the supervisor
		 * resolves it; what matters is that no call is refused */
		expect(plan, &o, true, c->name);
	}
	plan_free(plan);
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(two_paths_in_one_rule)
{
	static const struct obs obs[] = {
		{ X64, "rename", { 0 }, { "/srv/a", "/srv/b" } },
		{ X64, "rename", { 0 }, { "/srv/b", "/srv/c" } },
	};
	struct recorder *r = record_all(obs, ARRAY_SIZE(obs));
	struct policy *p = policy_of(r);
	const struct policy_rule *rule = rule_for(p, "rename", 0);

	ck_assert_uint_eq(rule->n_paths, 3);
	ck_assert_str_eq(rule->paths[0], "/srv/a");
	ck_assert_str_eq(rule->paths[2], "/srv/c");
	ck_assert_str_eq(rule->comment, "observed on x86_64: rename on these paths");
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(addresses)
{
	static const struct obs obs[] = {
		{ X64, "connect", { 3 }, { NULL }, "unix:@name" },
		{ X64, "connect", { 3 }, { NULL }, "inet:127.0.0.1:5432" },
		{ X64, "connect", { 3 }, { NULL }, "unix:/run/x.sock" },
		{ X64, "connect", { 3 }, { NULL }, "inet6:[::1]:80" },
		{ X64, "connect", { 3 }, { NULL }, "inet:127.0.0.1:5432" },
		{ X64, "connect", { 3 }, { NULL }, "unix:/run/odd*[name].sock" },
		{ X64, "sendto", { 3, 1, 2, 0, 0, 0 } },
		{ X64, "sendto", { 3, 1, 2, 0, 0x7000, 16 }, { NULL }, "inet:10.0.0.1:53" },
		{ X64, "bind", { 3 }, { NULL }, "unix:" }, /* unnamed: not matchable */
	};
	static const char *const want[] = { "inet6:[::1]:80", "inet:127.0.0.1:5432",
					    "unix:/run/odd[*][[]name].sock", "unix:/run/x.sock",
					    "unix:@name" };
	struct recorder *r = record_all(obs, ARRAY_SIZE(obs));
	struct policy *p = policy_of(r);
	const struct policy_rule *rule = rule_for(p, "connect", 0);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);

	ck_assert_uint_eq(rules_for(p, "connect"), 1);
	ck_assert_uint_eq(rule->n_addresses, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		ck_assert_str_eq(rule->addresses[i], want[i]);
		ck_assert_int_eq(addr_pattern_check(rule->addresses[i], NULL, 0), 0);
	}
	ck_assert_str_eq(rule->comment, "observed on x86_64: connect to these addresses");

	/* sendto: one address, and a rule for "no address" */
	ck_assert_uint_eq(rules_for(p, "sendto"), 2);
	rule = rule_for(p, "sendto", 1);
	ck_assert_uint_eq(rule->n_args, 1);
	ck_assert_uint_eq(rule->args[0].index, 4);
	ck_assert_uint_eq(rule->args[0].value, 0);
	ck_assert_int_eq(rule->args[0].op, POLICY_OP_EQ);
	ck_assert_str_eq(rule->comment,
			 "observed on x86_64: sendto without an address (arg4 == 0)");

	/* bind was unnamed: no restriction */
	ck_assert(names_has(plain_rule(p, "x86_64"), "bind"));
	ck_assert_ptr_nonnull(
		strstr(plain_rule(p, "x86_64")->comment, "bind (an address no pattern can match)"));
	for (size_t i = 0; i < ARRAY_SIZE(obs); i++)
		if (!obs[i].addr || strcmp(obs[i].addr, "unix:") != 0)
			expect(plan, &obs[i], true, "addresses");
	expect(plan,
	       &(struct obs){
		       X64, "sendto", { 3, 1, 2, 0, 0x7000, 16 }, { NULL }, "inet:10.0.0.1:54" },
	       false, "another port");
	expect(plan, &(struct obs){ X64, "connect", { 3 }, { NULL }, "unix:/run/oddX[name].sock" },
	       false, "a glob character is literal");
	plan_free(plan);
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(address_limits)
{
	struct recorder *r = recorder_new();
	struct policy *p;
	char addr[64];

	for (unsigned i = 0; i < RECORDER_ADDRESSES_MAX; i++) {
		snprintf(addr, sizeof(addr), "inet:10.0.%u.%u:80", i / 256, i % 256);
		record(r, &(struct obs){ X64, "connect", { 3 }, { NULL }, addr });
	}
	p = policy_of(r);
	ck_assert_uint_eq(rule_for(p, "connect", 0)->n_addresses, RECORDER_ADDRESSES_MAX);
	policy_free(p);
	record(r, &(struct obs){ X64, "connect", { 3 }, { NULL }, "inet:10.1.0.0:80" });
	/* an abstract name with '/' cannot be matched, nor other families */
	record(r, &(struct obs){ X64, "bind", { 3 }, { NULL }, "unix:@a/b" });
	ck_assert_int_eq(recorder_add(r, X64, tu_nr(X64, "sendto"), (uint64_t[6]){ 3, 0, 0, 0, 1 },
				      NULL, 0, "family:16"),
			 0);
	p = policy_of(r);
	ck_assert_uint_eq(rules_for(p, "connect"), 0);
	ck_assert(names_has(plain_rule(p, "x86_64"), "connect"));
	ck_assert_str_eq(
		plain_rule(p, "x86_64")->comment,
		"observed on x86_64: allowed without a condition; no restriction for bind (an "
		"address no pattern can match), connect (more than 64 distinct "
		"addresses), sendto (an address no pattern can match)");
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(i386_rules_are_their_own)
{
	static const struct obs obs[] = {
		{ I386, "socketcall", { 3 } },
		{ I386, "read" },
		{ I386, "socket", { 1 } },
		{ X64, "write" },
	};
	struct recorder *r = record_all(obs, ARRAY_SIZE(obs));
	struct policy *p = policy_of(r);
	const struct policy_rule *plain = plain_rule(p, "i386");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);

	ck_assert_uint_eq(p->n_architectures, 2);
	ck_assert_str_eq(p->architectures[0], "SCMP_ARCH_X86_64");
	ck_assert_str_eq(p->architectures[1], "SCMP_ARCH_X86");
	ck_assert_ptr_nonnull(plain);
	ck_assert_uint_eq(plain->n_names, 2);
	ck_assert_str_eq(plain->names[0], "read");
	ck_assert_str_eq(plain->names[1], "socketcall");
	ck_assert_str_eq(plain->comment, "observed on i386: allowed without a condition");
	/* includes.arches names the host's architecture, never an ABI */
	for (size_t i = 0; i < p->n_rules; i++)
		ck_assert_ptr_null(p->rules[i].includes);
	ck_assert(!names_has(plain_rule(p, "x86_64"), "read"));
	ck_assert_str_eq(rule_for(p, "socket", 0)->comment,
			 "observed on i386: socket with family (arg0) 1");
	for (size_t i = 0; i < ARRAY_SIZE(obs); i++)
		if (strcmp(obs[i].name, "socket") != 0)
			expect(plan, &obs[i], true, "i386");
	expect(plan, &(struct obs){ I386, "getpid" }, false, "i386 getpid");
	/* runc's ENOSYS stub does not count i386's direct socket calls:
	 * above the newest call it counts (socketcall here) they fail with
	 * ENOSYS, and libc falls back to socketcall */
	for (uint64_t family = 1; family <= 2; family++) {
		struct plan_verdict v = eval(plan, &(struct obs){ I386, "socket", { family } });

		ck_assert_msg(v.action == POLICY_ACT_ERRNO && v.data == ENOSYS && v.rule == -2,
			      "i386 socket(%llu): %s(%u)", (unsigned long long)family,
			      policy_action_to_string(v.action), v.data);
	}
	/* x32 was not seen: not enabled */
	ck_assert(!plan->arch[CG_ARCH_X32].enabled);
	plan_free(plan);
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(unknown_numbers_and_bad_input)
{
	struct recorder *r = recorder_new();
	struct policy *p;
	const char *paths[3] = { "/a", "/b", "/c" };
	char *text;

	ck_assert_int_eq(recorder_add(r, X64, tu_nr(X64, "getppid"), NULL, NULL, 0, NULL), 0);
	ck_assert_int_eq(recorder_add(r, X64, 5000, NULL, NULL, 0, NULL), 0);
	ck_assert_int_eq(recorder_add(r, X64, -1, NULL, NULL, 0, NULL), 0);
	ck_assert_int_eq(recorder_add(r, X32, 0, NULL, NULL, 0, NULL), 0); /* no x32 bit */
	ck_assert_int_eq(recorder_add(r, (enum cg_arch)7, 0, NULL, NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(recorder_add(r, CG_ARCH_INVALID, 0, NULL, NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(recorder_add(r, X64, tu_nr(X64, "rename"), NULL, paths, 3, NULL), -EINVAL);
	ck_assert_uint_eq(recorder_unknown(r, X64), 2);
	ck_assert_uint_eq(recorder_unknown(r, X32), 1);
	ck_assert_uint_eq(recorder_unknown(r, I386), 0);
	p = policy_of(r);
	ck_assert_uint_eq(p->n_rules, 1);
	ck_assert_str_eq(p->rules[0].comment,
			 "observed on x86_64: allowed without a condition; calls of "
			 "numbers without a name seen, not allowed");
	ck_assert_uint_eq(p->n_architectures, 2);
	ck_assert_str_eq(p->architectures[1], "SCMP_ARCH_X32");
	policy_free(p);
	recorder_free(r);

	/* nothing recorded: deny everything, still a valid profile */
	r = recorder_new();
	p = policy_of(r);
	ck_assert_uint_eq(p->n_rules, 0);
	text = write_ok(p);
	ck_assert_str_eq(text, "{\n"
			       "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
			       "  \"defaultErrnoRet\": 1,\n"
			       "  \"architectures\": [\n"
			       "    \"SCMP_ARCH_X86_64\"\n"
			       "  ],\n"
			       "  \"syscalls\": []\n"
			       "}\n");
	free(text);
	policy_free(p);
	recorder_free(r);
	recorder_free(NULL);
}
END_TEST

/* ---- per-run names ------------------------------------------------------ */

struct name_case {
	const char *name;
	bool transient; /* created and removed in the same run */
	const char *want;
};

/* Real names, from the programs that made them. */
static const struct name_case name_cases[] = {
	/* gcc's make_temp_file(): mkstemps("ccXXXXXX", suffix) */
	{ "ccAbC123.s", true, "cc??????.s" },
	{ "ccq0Hx1w.res", true, "cc??????.res" },
	{ "ccYQ4pTb.cdtor.c", true, "cc??????.cdtor.c" },
	{ "ccxbC123.o", true, "cc??????.o" },
	{ "ccabcdef.s", true, "cc??????.s" }, /* one class, but gcc's shape */
	{ "ccAbC123.s", false, "????????.s" },
	{ "ccabcdef.s", false, "ccabcdef.s" },
	/* git: "tmp_obj_XXXXXX" for objects, "tXXXXXX" for the symlink test */
	{ "tmp_obj_XyZ123", true, "tmp_obj_??????" },
	{ "tmp_obj_8yGFzn", true, "tmp_obj_??????" },
	{ "tmp_obj_zniixq", true, "tmp_obj_zniixq" }, /* one class: a word */
	{ "tR50EBF", true, "???????" },
	/* Python's tempfile: "tmp" and 8 of [a-z0-9_], and the bare 8 of
	 * gettempdir()'s probe */
	{ "tmpab_cd12e", true, "tmp????????" },
	{ "tmpabcdefgh", false, "tmp????????" },
	{ "tmpk3j_9xq2.json", true, "tmp????????.json" },
	{ "d19q58i7", true, "????????" },
	{ "abcdefgh", true, "????????" },
	{ "abcdefgh", false, "abcdefgh" },
	/* importlib's "x.pyc.<id>", a pid */
	{ "test_x.cpython-311.pyc.140234567890123", true, "test_x.cpython-311.pyc.*" },
	{ "run.123456", false, "run.*" },
	/* mktemp(1): "tmp.XXXXXXXXXX" */
	{ "tmp.Qx3vLk9PzA", false, "tmp.??????????" },
	/* stable names */
	{ "index.lock", true, "index.lock" },
	{ "config.lock", true, "config.lock" },
	{ "COMMIT_EDITMSG", false, "COMMIT_EDITMSG" },
	{ "ORIG_HEAD", false, "ORIG_HEAD" },
	{ "maintenance.lock", true, "maintenance.lock" },
	{ "__pycache__", false, "__pycache__" },
	{ "test_things.cpython-311.pyc", false, "test_things.cpython-311.pyc" },
	{ "python311", false, "python311" },
	{ "x86_64-linux-gnu", false, "x86_64-linux-gnu" },
	{ "libc6", false, "libc6" },
	{ "Makefile", false, "Makefile" },
	{ "main.o", false, "main.o" },
	{ "prog", false, "prog" },
	{ "12345", false, "12345" },
	/* glob characters stay literal */
	{ "a*b?[c]", false, "a[*]b[?][[]c]" },
	{ "x*AbC123", true, "x[*]??????" },
};

/* Whether @pat has a '?' or '*' outside a "[...]" class. */
static int has_glob_char(const char *pat)
{
	for (const char *c = pat; *c; c++) {
		if (*c == '[')
			c += strcspn(c, "]");
		else if (*c == '?' || *c == '*')
			return 1;
	}
	return 0;
}

START_TEST(per_run_names)
{
	const struct name_case *c = &name_cases[_i];
	char buf[256], pat[300], path[300];
	int r = recorder_name_pattern(c->name, strlen(c->name), c->transient, buf, sizeof(buf));

	ck_assert_msg(r >= 0, "%s: %d", c->name, r);
	ck_assert_msg(strcmp(buf, c->want) == 0, "%s (%s): \"%s\", want \"%s\"", c->name,
		      c->transient ? "made and removed" : "made", buf, c->want);
	ck_assert_int_eq(r, has_glob_char(c->want));
	/* the pattern matches the name it came from */
	snprintf(pat, sizeof(pat), "/d/%s", buf);
	snprintf(path, sizeof(path), "/d/%s", c->name);
	ck_assert_msg(path_glob_match(pat, path), "%s: %s", c->name, pat);
}
END_TEST

START_TEST(name_pattern_bounds)
{
	char buf[8];

	ck_assert_int_eq(recorder_name_pattern("ccAbC123.s", 10, true, buf, sizeof(buf)), -ENOBUFS);
	ck_assert_int_eq(recorder_name_pattern("ccAbC123.s", 10, true, buf, 0), -ENOBUFS);
	ck_assert_int_eq(recorder_name_pattern("", 0, true, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* What `git init; git add; git commit` did in .git, and gcc in /tmp. */
static const struct obs git_and_gcc[] = {
	{ X64, "mkdir", { 0 }, { "/w/repo/.git" } },
	{ X64, "mkdir", { 0 }, { "/w/repo/.git/objects" } },
	{ X64, "mkdir", { 0 }, { "/w/repo/.git/objects/ce" } },
	{ X64, "openat", { 0, 0, 0102 }, { "/w/repo/.git/tR50EBF" } },
	{ X64, "unlink", { 0 }, { "/w/repo/.git/tR50EBF" } },
	{ X64, "symlink", { 0 }, { "/w/repo/testing", "/w/repo/.git/tR50EBF" } },
	{ X64, "openat", { 0, 0, 0302 }, { "/w/repo/.git/objects/ce/tmp_obj_CwYpOS" } },
	{ X64,
	  "link",
	  { 0 },
	  { "/w/repo/.git/objects/ce/tmp_obj_CwYpOS",
	    "/w/repo/.git/objects/ce/013625030ba8dba906f756967f9e9ca394464a" } },
	{ X64, "unlink", { 0 }, { "/w/repo/.git/objects/ce/tmp_obj_CwYpOS" } },
	{ X64, "openat", { 0, 0, 0302 }, { "/w/repo/.git/index.lock" } },
	{ X64, "rename", { 0 }, { "/w/repo/.git/index.lock", "/w/repo/.git/index" } },
	{ X64, "openat", { 0, 0, 0 }, { "/w/repo/a.txt" } },
	{ X64, "openat", { 0, 0, 01102 }, { "/w/repo/out.txt" } },
	{ X64, "openat", { 0, 0, 0302 }, { "/tmp/ccAbC123.s" } },
	{ X64, "openat", { 0, 0, 0 }, { "/tmp/ccAbC123.s" } },
	{ X64, "unlink", { 0 }, { "/tmp/ccAbC123.s" } },
	{ X64, "openat", { 0, 0, 0302 }, { "/tmp/ccq0Hx1w.s" } },
	{ X64, "unlink", { 0 }, { "/tmp/ccq0Hx1w.s" } },
	{ X64, "openat", { 0, 0, 0 }, { "/tmp/notmine.AbC123" } },
};

START_TEST(churn_and_per_run_names)
{
	struct recorder *r = record_all(git_and_gcc, ARRAY_SIZE(git_and_gcc));
	struct policy *p = policy_of(r);
	const struct policy_rule *open = rule_for(p, "openat", 0), *un = rule_for(p, "unlink", 0);
	const struct policy_rule *sym = rule_for(p, "symlink", 0);
	struct plan *plan;
	struct obs o;

	/* .git: created and removed in, its own; /tmp: one component, kept
	 * exact but for the names the program made */
	ck_assert_uint_eq(open->n_paths, 5);
	ck_assert_str_eq(open->paths[0], "/tmp/cc??????.s");
	ck_assert_str_eq(open->paths[1], "/tmp/notmine.AbC123"); /* not made: exact */
	ck_assert_str_eq(open->paths[2], "/w/repo/.git/**");
	ck_assert_str_eq(open->paths[3], "/w/repo/a.txt");
	ck_assert_str_eq(open->paths[4], "/w/repo/out.txt");
	ck_assert_uint_eq(un->n_paths, 2);
	ck_assert_str_eq(un->paths[0], "/tmp/cc??????.s");
	ck_assert_str_eq(un->paths[1], "/w/repo/.git/**");
	ck_assert_str_eq(open->comment,
			 "observed on x86_64: openat on these paths; per-run names of what it "
			 "created or removed as globs; directories where it created and removed "
			 "entries as DIR/**");
	/* the target of a symlink is text: never a path of the rule */
	ck_assert_uint_eq(sym->n_paths, 1);
	ck_assert_str_eq(sym->paths[0], "/w/repo/.git/**");
	/* link and rename: both paths */
	ck_assert_str_eq(rule_for(p, "link", 0)->paths[0], "/w/repo/.git/**");
	ck_assert_str_eq(rule_for(p, "rename", 0)->paths[0], "/w/repo/.git/**");
	ck_assert_uint_eq(rule_for(p, "mkdir", 0)->n_paths, 1);

	/* the next run: other names, other objects */
	plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	o = (struct obs){ X64, "openat", { 0 }, { "/tmp/ccZZ9q1x.s" } };
	expect(plan, &o, true, "another run's gcc temporary");
	o = (struct obs){ X64, "unlink", { 0 }, { "/w/repo/.git/tQ0wE3r" } };
	expect(plan, &o, true, "another run's git symlink test");
	o = (struct obs){ X64, "mkdir", { 0 }, { "/w/repo/.git/objects/9f" } };
	expect(plan, &o, true, "another run's commit object");
	o = (struct obs){ X64, "symlink", { 0 }, { "/w/repo/.git/tQ0wE3r" } };
	expect(plan, &o, true, "a symlink in .git, whatever its target");
	o = (struct obs){ X64,
			  "link",
			  { 0 },
			  { "/w/repo/.git/objects/9f/tmp_obj_Ab12Cd",
			    "/w/repo/.git/objects/9f/00aa" } };
	expect(plan, &o, true, "another run's object");
	/* and nothing it never did */
	o = (struct obs){ X64, "openat", { 0 }, { "/tmp/other.s" } };
	expect(plan, &o, false, "a /tmp name of another shape");
	o = (struct obs){ X64, "openat", { 0 }, { "/tmp/ccAbC123.c" } };
	expect(plan, &o, false, "another suffix");
	o = (struct obs){ X64, "openat", { 0 }, { "/w/repo/b.txt" } };
	expect(plan, &o, false, "a file of the work tree it did not open");
	o = (struct obs){ X64, "unlink", { 0 }, { "/w/repo/a.txt" } };
	expect(plan, &o, false, "unlink outside .git");
	o = (struct obs){ X64, "symlink", { 0 }, { "/w/repo/link" } };
	expect(plan, &o, false, "a symlink outside .git");
	o = (struct obs){ X64, "rename", { 0 }, { "/w/repo/.git/index", "/w/repo/a.txt" } };
	expect(plan, &o, false, "a rename out of .git");
	o = (struct obs){ X64, "chmod", { 0 }, { "/w/repo/.git/index" } };
	expect(plan, &o, false, "a syscall it never made");
	plan_free(plan);
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(two_paths_and_where_they_lead)
{
	/* rename and link as given, then as they lead; symlink: target, link */
	static const struct obs obs[] = {
		{ X64, "rename", { 0 }, { "/srv/x/a", "/srv/x/b" } },
		{ X64, "renameat2", { 0, 0, 0, 0, 2 }, { "/srv/y/a", "/srv/y/b" } },
	};
	const char *four[4] = { "/run/lock/a", "/run/lock/b", "/var/lock/a", "/var/lock/b" };
	const char *sym[4] = { "target", "/srv/s/l", "/etc/passwd", "/data/s/l" };
	struct recorder *r = record_all(obs, ARRAY_SIZE(obs));
	const struct policy_rule *rule;
	struct policy *p;

	ck_assert_int_eq(recorder_add(r, X64, tu_nr(X64, "link"), NULL, four, 4, NULL), 0);
	ck_assert_int_eq(recorder_add(r, X64, tu_nr(X64, "symlink"), NULL, sym, 4, NULL), 0);
	ck_assert_int_eq(recorder_add(r, X64, tu_nr(X64, "symlink"), NULL, sym, 3, NULL), -EINVAL);
	ck_assert_int_eq(recorder_add(r, X64, tu_nr(X64, "openat"), NULL, four, 3, NULL), -EINVAL);
	p = policy_of(r);
	rule = rule_for(p, "link", 0);
	ck_assert_uint_eq(rule->n_paths, 4);
	ck_assert_str_eq(rule->paths[0], "/run/lock/a");
	ck_assert_str_eq(rule->paths[3], "/var/lock/b");
	rule = rule_for(p, "symlink", 0);
	ck_assert_uint_eq(rule->n_paths, 2);
	ck_assert_str_eq(rule->paths[0], "/data/s/l");
	ck_assert_str_eq(rule->paths[1], "/srv/s/l");
	/* the exchange neither created nor removed: /srv/y stays exact */
	rule = rule_for(p, "renameat2", 0);
	ck_assert_uint_eq(rule->n_paths, 2);
	/* a rename creates and removes: /srv/x churns */
	ck_assert_str_eq(rule_for(p, "rename", 0)->paths[0], "/srv/x/**");
	policy_free(p);
	recorder_free(r);
}
END_TEST

START_TEST(comments_do_not_count)
{
	/* the same program twice, the second time with more of everything */
	static const struct obs once[] = {
		{ X64, "read" },
		{ X64, "openat", { 0, 0, 0302 }, { "/tmp/ccAbC123.s" } },
		{ X64, "unlink", { 0 }, { "/tmp/ccAbC123.s" } },
		{ X64, "socket", { 2 } },
		{ X64, "connect", { 0 }, { NULL }, "inet:127.0.0.1:80" },
	};
	static const struct obs twice[] = {
		{ X64, "read" },
		{ X64, "read" },
		{ X64, "openat", { 0, 0, 0302 }, { "/tmp/ccQ9xYz1.s" } },
		{ X64, "unlink", { 0 }, { "/tmp/ccQ9xYz1.s" } },
		{ X64, "openat", { 0, 0, 0302 }, { "/tmp/ccR2p0Lm.s" } },
		{ X64, "unlink", { 0 }, { "/tmp/ccR2p0Lm.s" } },
		{ X64, "socket", { 2 } },
		{ X64, "socket", { 2 } },
		{ X64, "connect", { 0 }, { NULL }, "inet:127.0.0.1:80" },
		{ X64, "connect", { 0 }, { NULL }, "inet:127.0.0.1:80" },
	};
	char *a = text_of(once, ARRAY_SIZE(once)), *b = text_of(twice, ARRAY_SIZE(twice));

	ck_assert_str_eq(a, b);
	ck_assert_ptr_null(strstr(a, " call"));
	free(a);
	free(b);
}
END_TEST

START_TEST(made_limit)
{
	/* past RECORDER_MADE_MAX names made (over several syscalls, each
	 * under its own limit), none is generalised any more: a property of
	 * the set, not of the order */
	static const char *const makers[] = { "creat", "mkdir", "mknod", "mkdirat", "mknodat" };
	struct recorder *r = recorder_new();
	const struct policy_rule *rule;
	struct policy *p;
	char path[64];
	struct obs o = { X64, "openat", { 0, 0, 0102 }, { "/tmp/tmpab_cd12e" } };

	record(r, &o);
	for (unsigned i = 0; i <= RECORDER_MADE_MAX; i++) {
		struct obs m = { X64, makers[i % ARRAY_SIZE(makers)], { 0 }, { path } };

		snprintf(path, sizeof(path), "/tmp/f%05u", i);
		record(r, &m);
	}
	p = policy_of(r);
	rule = rule_for(p, "openat", 0);
	ck_assert_uint_eq(rule->n_paths, 1);
	ck_assert_str_eq(rule->paths[0], "/tmp/tmpab_cd12e");
	policy_free(p);
	recorder_free(r);

	/* without them: generalised */
	r = recorder_new();
	record(r, &o);
	p = policy_of(r);
	ck_assert_str_eq(rule_for(p, "openat", 0)->paths[0], "/tmp/tmp????????");
	policy_free(p);
	recorder_free(r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("recorder");
	TCase *tc = tcase_create("recorder");

	tcase_add_test(tc, order_does_not_matter);
	tcase_add_test(tc, round_trip_through_the_parser);
	tcase_add_test(tc, plan_allows_exactly_what_was_seen);
	tcase_add_test(tc, socket_families_are_separate_eq_rules);
	tcase_add_test(tc, value_cap);
	tcase_add_test(tc, clone_flags_and_narrow_abis);
	tcase_add_loop_test(tc, paths_collapse, 0, (int)ARRAY_SIZE(path_cases));
	tcase_add_test(tc, two_paths_in_one_rule);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, address_limits);
	tcase_add_test(tc, i386_rules_are_their_own);
	tcase_add_test(tc, unknown_numbers_and_bad_input);
	tcase_add_loop_test(tc, per_run_names, 0, (int)ARRAY_SIZE(name_cases));
	tcase_add_test(tc, name_pattern_bounds);
	tcase_add_test(tc, churn_and_per_run_names);
	tcase_add_test(tc, two_paths_and_where_they_lead);
	tcase_add_test(tc, comments_do_not_count);
	tcase_add_test(tc, made_limit);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
