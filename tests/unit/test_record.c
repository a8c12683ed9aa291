/* SPDX-License-Identifier: Apache-2.0 */
/* Decision records: JSON parsed back with cJSON, exact text lines, buffer
 * sizes, time formatting. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdint.h>
#include <time.h>

#include "testutil.h"
#include "callgate/record.h"

#define N(a)  (sizeof(a) / sizeof((a)[0]))

#define FDCWD ((uint64_t)(int64_t)-100)

/* ---- helpers ----------------------------------------------------------------- */

/* Well-formed UTF-8 (RFC 3629), written apart from lib/record.c's check. */
static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t cp;
		int n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			n = 1, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			n = 2, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			n = 3, cp = *p & 0x07;
		else
			return false;
		p++;
		for (int i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/* Format @r as JSON, check the line's framing, parse it back. */
static cJSON *json_of(const struct record *r, const char *name)
{
	static char buf[8192];
	int n = record_format_json(r, buf, sizeof(buf));
	const char *end = NULL;
	cJSON *j;

	ck_assert_msg(n > 0, "%s: record_format_json: %d", name, n);
	ck_assert_msg((size_t)n == strlen(buf), "%s: length %d vs %zu", name, n, strlen(buf));
	ck_assert_msg(buf[n - 1] == '\n', "%s: no newline at the end", name);
	for (int i = 0; i < n - 1; i++)
		ck_assert_msg((unsigned char)buf[i] >= 0x20, "%s: raw control byte at %d", name, i);
	ck_assert_msg(valid_utf8(buf), "%s: not UTF-8: %s", name, buf);
	j = cJSON_ParseWithOpts(buf, &end, true);
	ck_assert_msg(j != NULL, "%s: does not parse near \"%.20s\": %s", name, end ? end : "",
		      buf);
	ck_assert_msg(cJSON_IsObject(j), "%s: not an object", name);
	return j;
}

/* The object's keys are exactly @keys (NULL-terminated), in that order. */
static void check_keys(const cJSON *j, const char *const *keys, const char *name)
{
	const cJSON *c = j->child;
	size_t i = 0;

	for (; c && keys[i]; c = c->next, i++)
		ck_assert_msg(strcmp(c->string, keys[i]) == 0,
			      "%s: key %zu is \"%s\", expected \"%s\"", name, i, c->string,
			      keys[i]);
	ck_assert_msg(!c, "%s: extra key \"%s\"", name, c ? c->string : "");
	ck_assert_msg(!keys[i], "%s: missing key \"%s\"", name, keys[i] ? keys[i] : "");
}

static const char *str_of(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	ck_assert_msg(cJSON_IsString(v), "\"%s\" is not a string", key);
	return v->valuestring;
}

static double num_of(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	ck_assert_msg(cJSON_IsNumber(v), "\"%s\" is not a number", key);
	return v->valuedouble;
}

static bool is_null(const cJSON *j, const char *key)
{
	return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, key));
}

static const struct record openat_deny = {
	.time_usec = 1795339800123456, /* 2026-11-22T09:30:00.123456Z */
	.pid = 4711,
	.tid = 4711,
	.comm = "cat",
	.exe = "/usr/bin/cat",
	.arch = CG_ARCH_X86_64,
	.nr = 257,
	.syscall = "openat",
	.args = { FDCWD, 0x7ffc1000, O_RDONLY, 0 },
	.decision = RECORD_DENY,
	.err = EACCES,
	.rule = 12,
	.comment = "no secrets",
	.mode = "enforce",
	.paths = { "/etc/shadow" },
	.path_args = { 1 },
	.n_paths = 1,
	.provenance = RECORD_PROV_ADVISORY,
};

/* ---- JSON -------------------------------------------------------------------- */

START_TEST(json_deny_with_path)
{
	static const char *const keys[] = { "time",	"pid",	      "tid",  "comm",	 "exe",
					    "arch",	"syscall",    "nr",   "args",	 "text",
					    "decision", "errno",      "rule", "comment", "mode",
					    "path",	"provenance", NULL };
	static const char *const args[6] = {
		"0xffffffffffffff9c", "0x7ffc1000", "0x0", "0x0", "0x0", "0x0"
	};
	cJSON *j = json_of(&openat_deny, "openat deny");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "args");

	check_keys(j, keys, "openat deny");
	ck_assert_str_eq(str_of(j, "time"), "2026-11-22T09:30:00.123456Z");
	ck_assert_int_eq(num_of(j, "pid"), 4711);
	ck_assert_int_eq(num_of(j, "tid"), 4711);
	ck_assert_str_eq(str_of(j, "comm"), "cat");
	ck_assert_str_eq(str_of(j, "exe"), "/usr/bin/cat");
	ck_assert_str_eq(str_of(j, "arch"), "x86_64");
	ck_assert_str_eq(str_of(j, "syscall"), "openat");
	ck_assert_int_eq(num_of(j, "nr"), 257);
	ck_assert_int_eq(cJSON_GetArraySize(a), 6);
	for (int i = 0; i < 6; i++)
		ck_assert_str_eq(cJSON_GetArrayItem(a, i)->valuestring, args[i]);
	ck_assert_str_eq(str_of(j, "text"), "openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY)");
	ck_assert_str_eq(str_of(j, "decision"), "deny");
	ck_assert_str_eq(str_of(j, "errno"), "EACCES");
	ck_assert_int_eq(num_of(j, "rule"), 12);
	ck_assert_str_eq(str_of(j, "comment"), "no secrets");
	ck_assert_str_eq(str_of(j, "mode"), "enforce");
	ck_assert_str_eq(str_of(j, "path"), "/etc/shadow");
	ck_assert_str_eq(str_of(j, "provenance"), "advisory");
	cJSON_Delete(j);
}
END_TEST

START_TEST(json_would_deny)
{
	static const char *const keys[] = { "time",    "pid",  "tid",  "comm", "exe",	   "arch",
					    "syscall", "nr",   "args", "text", "decision", "errno",
					    "rule",    "mode", "path", NULL };
	struct record r = {
		.pid = 10,
		.tid = 11,
		.comm = "sh",
		.exe = "/bin/sh",
		.arch = CG_ARCH_I386,
		.syscall = "chmod",
		.nr = 15,
		.args = { 0x8000, 0777 },
		.decision = RECORD_WOULD_DENY,
		.err = EPERM,
		.rule = RECORD_RULE_DEFAULT,
		.mode = "audit",
		.paths = { "/tmp/d" },
		.path_args = { 0 },
		.n_paths = 1,
	};
	cJSON *j = json_of(&r, "would-deny");

	check_keys(j, keys, "would-deny");
	ck_assert_str_eq(str_of(j, "time"), "1970-01-01T00:00:00.000000Z");
	ck_assert_str_eq(str_of(j, "arch"), "i386");
	ck_assert_str_eq(str_of(j, "decision"), "would-deny");
	ck_assert_str_eq(str_of(j, "errno"), "EPERM");
	ck_assert_str_eq(str_of(j, "rule"), "default");
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "args"), 1)->valuestring,
			 "0x1ff");
	cJSON_Delete(j);

	/* a denial without errno: no "errno", the action says what it would be */
	r.err = 0;
	r.action = "SCMP_ACT_KILL_PROCESS";
	r.n_paths = 0;
	j = json_of(&r, "would-kill");
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "errno"));
	ck_assert_str_eq(str_of(j, "action"), "SCMP_ACT_KILL_PROCESS");
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "path"));
	cJSON_Delete(j);

	/* errno names the table does not know */
	r.err = 4000;
	j = json_of(&r, "unknown errno");
	ck_assert_str_eq(str_of(j, "errno"), "E4000");
	cJSON_Delete(j);
}
END_TEST

START_TEST(json_allow_with_comment)
{
	static const char *const keys[] = { "time",	"pid",	   "tid",     "comm", "exe",
					    "arch",	"syscall", "nr",      "args", "text",
					    "decision", "rule",	   "comment", "mode", NULL };
	const struct record r = {
		.time_usec = 1,
		.pid = 1,
		.tid = 1,
		.comm = "init",
		.exe = "/sbin/init",
		.syscall = "getppid",
		.nr = 110,
		.decision = RECORD_ALLOW,
		.err = EPERM, /* ignored: only deny and would-deny carry one */
		.rule = 3,
		.comment = "harmless",
		.mode = "enforce",
	};
	cJSON *j = json_of(&r, "allow");

	check_keys(j, keys, "allow");
	ck_assert_str_eq(str_of(j, "time"), "1970-01-01T00:00:00.000001Z");
	ck_assert_str_eq(str_of(j, "decision"), "allow");
	ck_assert_str_eq(str_of(j, "comment"), "harmless");
	cJSON_Delete(j);
}
END_TEST

START_TEST(json_emulated_with_ret)
{
	static const char *const keys[] = { "time",	  "pid",     "tid",  "comm",   "exe",
					    "arch",	  "syscall", "nr",   "args",   "text",
					    "decision",	  "rule",    "mode", "reason", "path",
					    "provenance", "ret",     NULL };
	struct record r = openat_deny;
	cJSON *j;

	r.decision = RECORD_EMULATED;
	r.ret = 5;
	r.comment = NULL;
	r.reason = "opened on the tracee's behalf";
	r.provenance = RECORD_PROV_EMULATED;
	j = json_of(&r, "emulated");
	check_keys(j, keys, "emulated");
	ck_assert_str_eq(str_of(j, "decision"), "emulated");
	ck_assert_str_eq(str_of(j, "provenance"), "emulated");
	ck_assert_int_eq(num_of(j, "ret"), 5);
	cJSON_Delete(j);

	r.ret = -ENOENT;
	j = json_of(&r, "emulated error");
	ck_assert_int_eq(num_of(j, "ret"), -ENOENT);
	cJSON_Delete(j);
}
END_TEST

START_TEST(json_unknown_syscall)
{
	static const char *const keys[] = { "time",    "pid",  "tid",  "comm", "exe",	   "arch",
					    "syscall", "nr",   "args", "text", "decision", "errno",
					    "rule",    "mode", "addr", NULL };
	const struct record r = {
		.time_usec = -1,
		.pid = 7,
		.tid = 8,
		.arch = CG_ARCH_X32,
		.nr = 0x40000000 | 999,
		.args = { 1, 2, 3, 4, 5, UINT64_MAX },
		.decision = RECORD_DENY,
		.err = ENOSYS,
		.rule = RECORD_RULE_DEFAULT,
		.mode = "enforce",
		.addr = "127.0.0.1:80",
	};
	cJSON *j = json_of(&r, "unknown syscall");
	const cJSON *a = cJSON_GetObjectItem(j, "args");

	check_keys(j, keys, "unknown syscall");
	ck_assert(is_null(j, "comm"));
	ck_assert(is_null(j, "exe"));
	ck_assert_str_eq(str_of(j, "time"), "1969-12-31T23:59:59.999999Z");
	ck_assert_str_eq(str_of(j, "arch"), "x32");
	ck_assert_str_eq(str_of(j, "syscall"), "syscall_1073742823");
	ck_assert_int_eq(num_of(j, "nr"), 0x40000000 | 999);
	ck_assert_str_eq(cJSON_GetArrayItem(a, 4)->valuestring, "0x5");
	ck_assert_str_eq(cJSON_GetArrayItem(a, 5)->valuestring, "0xffffffffffffffff");
	ck_assert_str_eq(str_of(j, "errno"), "ENOSYS");
	ck_assert_str_eq(str_of(j, "addr"), "127.0.0.1:80");
	cJSON_Delete(j);
}
END_TEST

/* A caller whose thread group could not be read (out of fds, gone): its
 * pid is null, never its thread id passed off as one. */
START_TEST(json_unknown_pid)
{
	const struct record r = {
		.pid = 0,
		.tid = 4712,
		.arch = CG_ARCH_X86_64,
		.syscall = "connect",
		.nr = 42,
		.decision = RECORD_DENY,
		.err = EAGAIN,
		.rule = RECORD_RULE_DEFAULT,
		.mode = "enforce",
		.reason = "callgate is out of file descriptors",
	};
	cJSON *j = json_of(&r, "unknown pid");

	ck_assert(is_null(j, "pid"));
	ck_assert_int_eq(num_of(j, "tid"), 4712);
	ck_assert_str_eq(str_of(j, "reason"), "callgate is out of file descriptors");
	cJSON_Delete(j);
}
END_TEST

START_TEST(json_two_paths)
{
	const struct record r = {
		.syscall = "renameat",
		.nr = 264,
		.args = { FDCWD, 0x1000, 3, 0x2000 },
		.decision = RECORD_ASK,
		.rule = 0,
		.mode = "interactive",
		.paths = { "/tmp/a", "b" },
		.path_args = { 1, 3 },
		.n_paths = 2,
		.provenance = RECORD_PROV_ADVISORY,
	};
	cJSON *j = json_of(&r, "two paths");
	const cJSON *p = cJSON_GetObjectItem(j, "paths");

	ck_assert_ptr_null(cJSON_GetObjectItem(j, "path"));
	ck_assert_int_eq(cJSON_GetArraySize(p), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(p, 0)->valuestring, "/tmp/a");
	ck_assert_str_eq(cJSON_GetArrayItem(p, 1)->valuestring, "b");
	ck_assert_str_eq(str_of(j, "decision"), "ask");
	ck_assert_int_eq(num_of(j, "rule"), 0);
	cJSON_Delete(j);
}
END_TEST

START_TEST(json_hostile_strings)
{
	static const struct {
		const char *name;
		const char *in;
		const char *out; /* what cJSON reads back */
	} rows[] = {
		{ "quotes and backslashes", "a\"b\\c\"", "a\"b\\c\"" },
		{ "newline, tab, CR", "x\ny\tz\r", "x\ny\tz\r" },
		{ "other controls", "\x01\x1f\x7f", "\x01\x1f\x7f" },
		{ "invalid byte 0xff",
		  "a\xff"
		  "b",
		  "a\xc3\xbf"
		  "b" },
		{ "lone continuation", "\x80", "\xc2\x80" },
		{ "overlong slash", "\xc0\xaf", "\xc3\x80\xc2\xaf" },
		{ "overlong three bytes", "\xe0\x80\xaf", "\xc3\xa0\xc2\x80\xc2\xaf" },
		{ "overlong four bytes", "\xf0\x80\x80\xaf", "\xc3\xb0\xc2\x80\xc2\x80\xc2\xaf" },
		{ "surrogate", "\xed\xa0\x80", "\xc3\xad\xc2\xa0\xc2\x80" },
		{ "truncated at the end", "\xe2\x82", "\xc3\xa2\xc2\x82" },
		{ "above U+10FFFF", "\xf4\x90\x80\x80", "\xc3\xb4\xc2\x90\xc2\x80\xc2\x80" },
		{ "two-byte e-acute", "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "three-byte euro", "\xe2\x82\xac", "\xe2\x82\xac" },
		{ "four-byte emoji", "\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!" },
		{ "U+10FFFF", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
		{ "json injection", "\",\"decision\":\"allow", "\",\"decision\":\"allow" },
	};
	static const char *const keys[] = { "comm",    "exe",  "comment", "reason", "action",
					    "syscall", "mode", "addr",	  "path" };

	for (size_t i = 0; i < N(rows); i++) {
		struct record r = openat_deny;
		cJSON *j;

		r.comm = rows[i].in;
		r.exe = rows[i].in;
		r.comment = rows[i].in;
		r.reason = rows[i].in;
		r.action = rows[i].in;
		r.syscall = rows[i].in;
		r.mode = rows[i].in;
		r.addr = rows[i].in;
		r.paths[0] = rows[i].in;
		j = json_of(&r, rows[i].name);
		for (size_t k = 0; k < N(keys); k++)
			ck_assert_msg(strcmp(str_of(j, keys[k]), rows[i].out) == 0,
				      "%s: \"%s\" read back wrong", rows[i].name, keys[k]);
		ck_assert_str_eq(str_of(j, "decision"), "deny");
		cJSON_Delete(j);
	}
}
END_TEST

START_TEST(json_features)
{
	static const char want[] =
		"{\"time\":\"2026-11-22T09:30:00.000000Z\",\"event\":\"start\",\"kernel\":\"6.18."
		"44\","
		"\"mode\":\"enforce\",\"policy\":\"/etc/callgate/default.json\","
		"\"libseccomp\":\"2.5.4\",\"features\":{\"wait_killable_recv\":true,"
		"\"addfd_send\":true,\"sync_wake_up\":false,\"libseccomp_prefix\":true}}\n";
	struct record_features f = {
		.time_usec = 1795339800000000,
		.kernel = "6.18.44",
		.mode = "enforce",
		.policy = "/etc/callgate/default.json",
		.wait_killable_recv = true,
		.addfd_send = true,
		.sync_wake_up = false,
		.libseccomp_prefix = true,
		.libseccomp = "2.5.4",
	};
	char buf[1024];
	cJSON *j;

	ck_assert_int_eq(record_format_features_json(&f, buf, sizeof(buf)), (int)strlen(want));
	ck_assert_str_eq(buf, want);

	f.policy = "C:\\\"odd\"\n\xff";
	f.kernel = NULL;
	ck_assert_int_gt(record_format_features_json(&f, buf, sizeof(buf)), 0);
	j = cJSON_Parse(buf);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(str_of(j, "policy"), "C:\\\"odd\"\n\xc3\xbf");
	ck_assert(is_null(j, "kernel"));
	ck_assert(cJSON_IsFalse(
		cJSON_GetObjectItem(cJSON_GetObjectItem(j, "features"), "sync_wake_up")));
	cJSON_Delete(j);
}
END_TEST

/* ---- text -------------------------------------------------------------------- */

START_TEST(text_lines)
{
	/* not static: openat_deny is not a constant expression */
	const struct {
		const char *name;
		struct record r;
		const char *line;
	} rows[] = {
		{ "the header's openat", openat_deny,
		  "[pid 4711<cat>] openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY) = -1 EACCES (rule "
		  "12 "
		  "\"no secrets\", advisory)\n" },
		{ "the header's openat, no provenance",
		  { .pid = 4711,
		    .tid = 4711,
		    .syscall = "openat",
		    .nr = 257,
		    .args = { FDCWD, 0x7ffc1000, O_RDONLY },
		    .decision = RECORD_DENY,
		    .err = EACCES,
		    .rule = 12,
		    .paths = { "/etc/shadow" },
		    .path_args = { 1 },
		    .n_paths = 1 },
		  "[pid 4711] openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY) = -1 EACCES (rule "
		  "12)\n" },
		{ "the header's chmod",
		  { .pid = 4711,
		    .tid = 4711,
		    .syscall = "chmod",
		    .args = { 0x1000, 0777 },
		    .decision = RECORD_WOULD_DENY,
		    .err = EPERM,
		    .rule = RECORD_RULE_DEFAULT,
		    .paths = { "/tmp/d" },
		    .path_args = { 0 },
		    .n_paths = 1 },
		  "[pid 4711] chmod(\"/tmp/d\", 0777) = ? would-deny -1 EPERM (rule default)\n" },
		{ "the header's getppid",
		  { .pid = 4711,
		    .tid = 4711,
		    .syscall = "getppid",
		    .args = { 1, 2, 3 },
		    .decision = RECORD_ALLOW,
		    .rule = 3,
		    .action = "SCMP_ACT_ALLOW" },
		  "[pid 4711] getppid() = ? allow (rule 3)\n" },
		{ "would-deny by kill",
		  { .pid = 1,
		    .tid = 2,
		    .syscall = "ptrace",
		    .args = { 16, 42 },
		    .decision = RECORD_WOULD_DENY,
		    .rule = 7,
		    .action = "SCMP_ACT_KILL_PROCESS" },
		  "[pid 2] ptrace(PTRACE_ATTACH, 42, NULL, NULL) = ? would-deny "
		  "SCMP_ACT_KILL_PROCESS (rule "
		  "7)\n" },
		{ "kill",
		  { .pid = 1,
		    .tid = 1,
		    .syscall = "unshare",
		    .args = { 0x10000000 },
		    .decision = RECORD_KILL,
		    .rule = 0,
		    .action = "SCMP_ACT_KILL_THREAD" },
		  "[pid 1] unshare(CLONE_NEWUSER) = ? kill (rule 0)\n" },
		{ "ask",
		  { .pid = 5,
		    .tid = 5,
		    .syscall = "connect",
		    .args = { 3, 0x7ffe0000, 16 },
		    .decision = RECORD_ASK,
		    .rule = 4,
		    .addr = "10.0.0.1:443" },
		  "[pid 5] connect(3, 0x7ffe0000, 16) = ? ask (rule 4)\n" },
		{ "deny without errno",
		  { .pid = 5,
		    .tid = 5,
		    .syscall = "getpid",
		    .decision = RECORD_DENY,
		    .rule = 1,
		    .action = "SCMP_ACT_TRAP" },
		  "[pid 5] getpid() = ? deny SCMP_ACT_TRAP (rule 1)\n" },
		{ "i386 shows its arch",
		  { .pid = 42,
		    .tid = 42,
		    .arch = CG_ARCH_I386,
		    .syscall = "getuid",
		    .decision = RECORD_ALLOW,
		    .rule = RECORD_RULE_DEFAULT },
		  "[pid 42 i386] getuid() = ? allow (rule default)\n" },
		{ "x32 shows its arch, unknown syscall shows six hex args",
		  { .pid = 42,
		    .tid = 43,
		    .arch = CG_ARCH_X32,
		    .nr = 0x40000000 | 999,
		    .args = { 1, 0, 0xdeadbeef, 0, 0, UINT64_MAX },
		    .decision = RECORD_DENY,
		    .err = ENOSYS,
		    .rule = RECORD_RULE_DEFAULT },
		  "[pid 43 x32] syscall_1073742823(0x1, 0, 0xdeadbeef, 0, 0, "
		  "0xffffffffffffffff) = -1 ENOSYS (rule default)\n" },
		{ "name the table does not know",
		  { .pid = 3,
		    .tid = 3,
		    .syscall = "io_uring_setup",
		    .args = { 8, 0x5000 },
		    .decision = RECORD_ALLOW,
		    .rule = 2 },
		  "[pid 3] io_uring_setup(0x8, 0x5000, 0, 0, 0, 0) = ? allow (rule 2)\n" },
		{ "emulated with ret",
		  { .pid = 9,
		    .tid = 9,
		    .syscall = "openat",
		    .args = { 3, 0x1000, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644 },
		    .decision = RECORD_EMULATED,
		    .ret = 5,
		    .rule = 6,
		    .paths = { "out.txt" },
		    .path_args = { 1 },
		    .n_paths = 1,
		    .provenance = RECORD_PROV_EMULATED },
		  "[pid 9] openat(3, \"out.txt\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = 5 "
		  "(rule 6, emulated)\n" },
		{ "emulated error",
		  { .pid = 9,
		    .tid = 9,
		    .syscall = "open",
		    .args = { 0x1000, O_RDWR | O_TMPFILE, 0600 },
		    .decision = RECORD_EMULATED,
		    .ret = -ENOENT,
		    .rule = 6 },
		  "[pid 9] open(0x1000, O_RDWR|O_TMPFILE, 0600) = -1 ENOENT (rule 6)\n" },
		{ "emulated large ret",
		  { .pid = 9,
		    .tid = 9,
		    .syscall = "getpid",
		    .decision = RECORD_EMULATED,
		    .ret = INT64_MIN,
		    .rule = 6 },
		  "[pid 9] getpid() = -9223372036854775808 (rule 6)\n" },
		{ "two paths and dirfds",
		  { .pid = 6,
		    .tid = 6,
		    .syscall = "renameat2",
		    .args = { FDCWD, 1, 7, 2, 1 },
		    .decision = RECORD_DENY,
		    .err = EXDEV,
		    .rule = 8,
		    .paths = { "a", "/b" },
		    .path_args = { 1, 3 },
		    .n_paths = 2 },
		  "[pid 6] renameat2(AT_FDCWD, \"a\", 7, \"/b\", RENAME_NOREPLACE) = -1 EXDEV "
		  "(rule "
		  "8)\n" },
		{ "second path only decoded",
		  { .pid = 6,
		    .tid = 6,
		    .syscall = "symlinkat",
		    .args = { 0x10, 0xffffff9c, 0x20 },
		    .decision = RECORD_ALLOW,
		    .rule = 8,
		    .paths = { "/l" },
		    .path_args = { 2 },
		    .n_paths = 1 },
		  "[pid 6] symlinkat(0x10, AT_FDCWD, \"/l\") = ? allow (rule 8)\n" },
		{ "hostile path",
		  { .pid = 6,
		    .tid = 6,
		    .syscall = "unlink",
		    .decision = RECORD_DENY,
		    .err = EPERM,
		    .rule = 1,
		    .paths = { "a\"b\\c\nd\te\x01\xff\xf0\x9f\x98\x80"
			       "7" },
		    .path_args = { 0 },
		    .n_paths = 1 },
		  "[pid 6] unlink(\"a\\\"b\\\\c\\nd\\te\\1\\377\\360\\237\\230\\2007\") = -1 "
		  "EPERM (rule 1)\n" },
		{ "kinds i u l o x",
		  { .pid = 6,
		    .tid = 6,
		    .syscall = "fchownat",
		    .args = { 5, 0, 0xffffffff, 0xfffffffffffffffe, 0x100 },
		    .decision = RECORD_ALLOW,
		    .rule = 1 },
		  "[pid 6] fchownat(5, NULL, -1, -2, AT_SYMLINK_NOFOLLOW) = ? allow (rule 1)\n" },
		{ "lseek and umask 0",
		  { .pid = 6,
		    .tid = 6,
		    .syscall = "lseek",
		    .args = { 3, 4096, 1 },
		    .decision = RECORD_ALLOW,
		    .rule = 1 },
		  "[pid 6] lseek(3, 4096, SEEK_CUR) = ? allow (rule 1)\n" },
		{ "umask 0",
		  { .pid = 6, .tid = 6, .syscall = "umask", .decision = RECORD_ALLOW, .rule = 1 },
		  "[pid 6] umask(000) = ? allow (rule 1)\n" },
		{ "unknown errno",
		  { .pid = 6,
		    .tid = 6,
		    .syscall = "getpid",
		    .decision = RECORD_WOULD_DENY,
		    .err = 4000,
		    .rule = 1,
		    .provenance = RECORD_PROV_ADVISORY },
		  "[pid 6] getpid() = ? would-deny -1 E4000 (rule 1, advisory)\n" },
	};
	char buf[1024];

	for (size_t i = 0; i < N(rows); i++) {
		int n = record_format_text(&rows[i].r, buf, sizeof(buf));

		ck_assert_msg(n == (int)strlen(rows[i].line) && strcmp(buf, rows[i].line) == 0,
			      "%s:\n got  %s want %s", rows[i].name, buf, rows[i].line);
	}
}
END_TEST

/* The call decoded from the copies: raw and resolved paths, the socket
 * address, fds (-y), the caller's comm; comment and reason; timestamps. */
static const unsigned char sin_8765[16] = { 2, 0, 0x22, 0x3d, 127, 0, 0, 1 };

static const struct record decoded = {
	.time_usec = 1795339800123456, /* 2026-11-22T09:30:00.123456Z */
	.pid = 10,
	.tid = 11,
	.comm = "evil\033]0;x\a<b>] ",
	.syscall = "connect",
	.nr = 42,
	.args = { 5, 0x7ffe0000, 16 },
	.decision = RECORD_DENY,
	.err = ECONNREFUSED,
	.rule = 2,
	.comment = "db \"only\"\n",
	.reason = "advisory rule refused (\"advisory\": \"deny\")",
	.addr = "inet:127.0.0.1:8765",
	.sockaddr = sin_8765,
	.sockaddr_len = sizeof(sin_8765),
	.fd_paths = { "socket:[42]" },
	.fd_args = { 0 },
	.n_fds = 1,
	.provenance = RECORD_PROV_EMULATED,
};

START_TEST(text_decoded)
{
	static const char want[] =
		"[pid 11<evil\\33\\1350;x\\7\\74b\\76\\135 >] connect(5<socket:[42]>, "
		"{sa_family=AF_INET, sin_port=htons(8765), sin_addr=inet_addr(\"127.0.0.1\")}, 16) "
		"= -1 ECONNREFUSED (rule 2 \"db \\\"only\\\"\\n\", emulated; advisory rule refused "
		"(\"advisory\": \"deny\"))\n";
	struct record r = {
		.tid = 3,
		.syscall = "openat",
		.args = { FDCWD, 0x1000, O_RDONLY },
		.decision = RECORD_ALLOW,
		.rule = 1,
		.paths = { "/tmp/x/y" },
		.raw_paths = { "x/y" },
		.path_args = { 1 },
		.n_paths = 1,
		.fd_paths = { "/tmp" },
		.fd_args = { 0 },
		.n_fds = 1,
	};
	struct record_text_opts t = { .timestamps = RECORD_TS_TIME, .utc_offset = 3600 };
	char buf[2048];
	cJSON *j;

	ck_assert_int_gt(record_format_text(&decoded, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	j = json_of(&decoded, "decoded");
	ck_assert_str_eq(str_of(j, "text"), "connect(5<socket:[42]>, {sa_family=AF_INET, "
					    "sin_port=htons(8765), "
					    "sin_addr=inet_addr(\"127.0.0.1\")}, 16)");
	cJSON_Delete(j);

	ck_assert_int_gt(record_format_text(&r, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[pid 3] openat(AT_FDCWD</tmp>, \"x/y\" -> \"/tmp/x/y\", O_RDONLY) "
			      "= ? allow (rule 1)\n");
	r.time_usec = decoded.time_usec;
	ck_assert_int_gt(record_format_text_opts(&r, &t, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[pid 3] 10:30:00 openat(AT_FDCWD</tmp>, \"x/y\" -> \"/tmp/x/y\", "
			      "O_RDONLY) = ? allow (rule 1)\n");
	t.timestamps = RECORD_TS_PRECISE;
	t.utc_offset = -3600 * 10;
	ck_assert_int_gt(record_format_text_opts(&r, &t, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[pid 3] 23:30:00.123456 openat(AT_FDCWD</tmp>, \"x/y\" -> "
			      "\"/tmp/x/y\", O_RDONLY) = ? allow (rule 1)\n");
	t.timestamps = RECORD_TS_UNIX;
	ck_assert_int_gt(record_format_text_opts(&r, &t, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[pid 3] 1795339800.123456 openat(AT_FDCWD</tmp>, \"x/y\" -> "
			      "\"/tmp/x/y\", O_RDONLY) = ? allow (rule 1)\n");
	/* out-of-range indexes in the record are ignored, never followed */
	r.path_args[0] = 9;
	r.fd_args[0] = -1;
	r.n_fds = 99;
	r.n_paths = 99;
	ck_assert_int_gt(record_format_text(&r, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[pid 3] openat(AT_FDCWD, 0x1000, O_RDONLY) = ? allow (rule 1)\n");
}
END_TEST

/* What the call's text is made of outlives the caller's buffers too. */
START_TEST(copy_keeps_decoding)
{
	char raw[16] = "x/y", fd[16] = "/tmp", text[1024], again[1024];
	/* room for the length past the store below */
	unsigned char sa[2 * RECORD_SOCKADDR_MAX];
	struct record src = decoded;
	struct record_store *st = malloc(sizeof(*st));

	ck_assert_ptr_nonnull(st);
	memset(sa, 0, sizeof(sa));
	memcpy(sa, sin_8765, sizeof(sin_8765));
	src.sockaddr = sa;
	src.fd_paths[0] = fd;
	src.paths[0] = "/tmp/x/y";
	src.raw_paths[0] = raw;
	src.path_args[0] = 1;
	src.n_paths = 1;
	ck_assert_int_gt(record_format_text(&src, text, sizeof(text)), 0);
	record_copy(st, &src);
	memset(sa, 0, sizeof(sa));
	strcpy(raw, "gone");
	strcpy(fd, "gone");
	ck_assert_ptr_eq(st->rec.sockaddr, st->sockaddr);
	ck_assert_ptr_eq(st->rec.raw_paths[0], st->raw_paths[0]);
	ck_assert_ptr_eq(st->rec.fd_paths[0], st->fd_paths[0]);
	ck_assert_ptr_null(st->rec.raw_paths[1]);
	ck_assert_int_gt(record_format_text(&st->rec, again, sizeof(again)), 0);
	ck_assert_str_eq(again, text);
	/* a length past the store is cut to it */
	src.sockaddr_len = 4096;
	record_copy(st, &src);
	ck_assert_uint_eq(st->rec.sockaddr_len, RECORD_SOCKADDR_MAX);
	free(st);
}
END_TEST

/* ---- buffer sizes ------------------------------------------------------------ */

static int fmt_json(const void *p, char *buf, size_t size)
{
	return record_format_json(p, buf, size);
}

static int fmt_text(const void *p, char *buf, size_t size)
{
	return record_format_text(p, buf, size);
}

static int fmt_features(const void *p, char *buf, size_t size)
{
	return record_format_features_json(p, buf, size);
}

static int fmt_time(const void *p, char *buf, size_t size)
{
	return record_time_format(*(const int64_t *)p, buf, size);
}

/* Every size below the full length fails whole; the exact size works.  Each
 * buffer is its own allocation, so ASan sees a write one byte past it. */
static void check_sizes(int (*fmt)(const void *, char *, size_t), const void *arg, const char *name)
{
	char full[8192];
	int len = fmt(arg, full, sizeof(full));

	ck_assert_msg(len > 0, "%s: %d", name, len);
	for (size_t size = 0; size <= (size_t)len + 1; size++) {
		char *buf = malloc(size ? size : 1);
		int n;

		ck_assert_ptr_nonnull(buf);
		memset(buf, 'X', size);
		n = fmt(arg, buf, size);
		if (size <= (size_t)len) {
			ck_assert_msg(n == -ENOSPC, "%s: size %zu gave %d", name, size, n);
			ck_assert_msg(size == 0 || buf[0] == '\0', "%s: size %zu left \"%.*s\"",
				      name, size, (int)size, buf);
		} else {
			ck_assert_msg(n == len, "%s: size %zu gave %d", name, size, n);
			ck_assert_msg(memcmp(buf, full, size) == 0, "%s: differs", name);
		}
		free(buf);
	}
}

START_TEST(enospc_at_every_size)
{
	struct record hostile = openat_deny;
	struct record two = {
		.syscall = "renameat2",
		.args = { FDCWD, 1, 7, 2, 1 },
		.decision = RECORD_EMULATED,
		.ret = -EXDEV,
		.rule = RECORD_RULE_DEFAULT,
		.mode = "audit",
		.action = "SCMP_ACT_ERRNO",
		.reason = "why",
		.addr = "[::1]:22",
		.paths = { "a\xff\"", "/b\xf0\x9f\x98\x80" },
		.path_args = { 1, 3 },
		.n_paths = 2,
		.provenance = RECORD_PROV_EMULATED,
	};
	const struct record_features f = {
		.kernel = "6.18.44",
		.mode = "enforce",
		.policy = "p\n",
		.libseccomp = "2.5.4",
	};
	const int64_t t = 951782400123456;

	hostile.comm = "\"\\\n\x01\xff\xf0\x9f\x98\x80";
	hostile.paths[0] = hostile.comm;
	check_sizes(fmt_json, &openat_deny, "json openat");
	check_sizes(fmt_json, &hostile, "json hostile");
	check_sizes(fmt_json, &two, "json two paths");
	check_sizes(fmt_text, &openat_deny, "text openat");
	check_sizes(fmt_text, &hostile, "text hostile");
	check_sizes(fmt_text, &two, "text two paths");
	check_sizes(fmt_text, &decoded, "text decoded");
	check_sizes(fmt_json, &decoded, "json decoded");
	check_sizes(fmt_features, &f, "features");
	check_sizes(fmt_time, &t, "time");
}
END_TEST

/* ---- time -------------------------------------------------------------------- */

START_TEST(time_format)
{
	static const struct {
		int64_t usec;
		const char *text;
	} rows[] = {
		{ 0, "1970-01-01T00:00:00.000000Z" },
		{ 951782400123456, "2000-02-29T00:00:00.123456Z" },
		{ 951868799999999, "2000-02-29T23:59:59.999999Z" },
		{ 2147483648000000, "2038-01-19T03:14:08.000000Z" },
		{ 4107542400000001, "2100-03-01T00:00:00.000001Z" },
		{ 253402300799999999, "9999-12-31T23:59:59.999999Z" },
		{ -1, "1969-12-31T23:59:59.999999Z" },
		{ -1000000, "1969-12-31T23:59:59.000000Z" },
		{ -86400000001, "1969-12-30T23:59:59.999999Z" },
		{ -62135596800000000, "0001-01-01T00:00:00.000000Z" },
		{ -62167219200000000, "0000-01-01T00:00:00.000000Z" },
		/* outside four-digit years: clamped */
		{ -62167219200000001, "0000-01-01T00:00:00.000000Z" },
		{ INT64_MIN, "0000-01-01T00:00:00.000000Z" },
		{ 253402300800000000, "9999-12-31T23:59:59.999999Z" },
		{ INT64_MAX, "9999-12-31T23:59:59.999999Z" },
	};
	char buf[64];

	for (size_t i = 0; i < N(rows); i++) {
		ck_assert_int_eq(record_time_format(rows[i].usec, buf, sizeof(buf)), 27);
		ck_assert_msg(strcmp(buf, rows[i].text) == 0, "%lld: %s, expected %s",
			      (long long)rows[i].usec, buf, rows[i].text);
	}
	ck_assert_int_eq(record_time_format(0, buf, 27), -ENOSPC);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(record_time_format(0, buf, 28), 27);
}
END_TEST

/* Against libc's gmtime_r over years 1..9999, two months and an hour apart. */
START_TEST(time_matches_gmtime)
{
	const int64_t first = -62135596800, last = 253402300799;
	char got[32], want[96];

	for (int64_t s = first; s <= last; s += 86400 * 61 + 3607) {
		time_t tt = (time_t)s;
		struct tm tm;
		int64_t usec = s * 1000000 + (s & 0xfffff) % 1000000;

		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (int)((s & 0xfffff) % 1000000));
		ck_assert_int_eq(record_time_format(usec, got, sizeof(got)), 27);
		ck_assert_msg(strcmp(got, want) == 0, "%lld: %s, expected %s", (long long)s, got,
			      want);
	}
}
END_TEST

START_TEST(decision_names)
{
	static const char *const names[RECORD_DECISION_MAX] = {
		[RECORD_ALLOW] = "allow",
		[RECORD_DENY] = "deny",
		[RECORD_WOULD_DENY] = "would-deny",
		[RECORD_KILL] = "kill",
		[RECORD_EMULATED] = "emulated",
		[RECORD_ASK] = "ask",
		[RECORD_GONE] = "gone",
	};

	for (int d = 0; d < RECORD_DECISION_MAX; d++)
		ck_assert_str_eq(record_decision_to_string((enum record_decision)d), names[d]);
	ck_assert_ptr_null(record_decision_to_string(RECORD_DECISION_MAX));
	ck_assert_ptr_null(record_decision_to_string(RECORD_DECISION_INVALID));
}
END_TEST

/* record_copy(): what was copied no longer depends on the caller's buffers. */
static const struct {
	const char *name;
	const char *comm, *exe, *addr, *container;
	size_t n_paths;
} copy_rows[] = {
	{ "everything", "mkdir", "/usr/bin/mkdir", "unix:/run/x.sock", "c0ffee", 2 },
	{ "one path, no address", "cat", "/usr/bin/cat", NULL, NULL, 1 },
	{ "nothing decoded", NULL, NULL, NULL, NULL, 0 },
	{ "a comm too long is cut",
	  "0123456789012345678901234567890123456789012345678901234567890123456789", "/x", NULL,
	  NULL, 0 },
};

START_TEST(copy_keeps_its_strings)
{
	const __typeof__(copy_rows[0]) *row = &copy_rows[_i];
	char comm[128] = "", exe[64] = "", p0[64] = "/srv/a", p1[64] = "/srv/b", addr[64] = "",
	     container[64] = "";
	struct record src = {
		.pid = 7,
		.tid = 8,
		.syscall = "rename",
		.comment = "a rule",
		.mode = "enforce",
		.reason = "why",
		.rule = 3,
		.args = { 1, 2, 3, 4, 5, 6 },
		.paths = { p0, p1 },
		.path_args = { 0, 1 },
		.n_paths = row->n_paths,
		.comm = row->comm ? strcpy(comm, row->comm) : NULL,
		.exe = row->exe ? strcpy(exe, row->exe) : NULL,
		.addr = row->addr ? strcpy(addr, row->addr) : NULL,
		.container = row->container ? strcpy(container, row->container) : NULL,
	};
	struct record_store *st = malloc(sizeof(*st));
	const struct record *r = &st->rec;

	ck_assert_ptr_nonnull(st);
	memset(st, 0x55, sizeof(*st));
	record_copy(st, &src);
	/* the caller's buffers are reused */
	memset(comm, 'X', sizeof(comm) - 1);
	memset(exe, 'X', sizeof(exe) - 1);
	strcpy(p0, "/gone");
	strcpy(p1, "/gone");
	strcpy(addr, "gone");
	strcpy(container, "gone");

	ck_assert_msg(r->pid == 7 && r->tid == 8 && r->rule == 3 && r->args[5] == 6, "%s: values",
		      row->name);
	ck_assert_msg(r->syscall == src.syscall && r->comment == src.comment &&
			      r->mode == src.mode && r->reason == src.reason,
		      "%s: static strings stay borrowed", row->name);
	if (row->comm) {
		ck_assert_msg(r->comm == st->comm, "%s: comm not copied", row->name);
		ck_assert_msg(strncmp(r->comm, row->comm, sizeof(st->comm) - 1) == 0 &&
				      strlen(r->comm) == (strlen(row->comm) < sizeof(st->comm)
								  ? strlen(row->comm)
								  : sizeof(st->comm) - 1),
			      "%s: comm \"%s\"", row->name, r->comm);
	} else {
		ck_assert_msg(!r->comm && !st->comm[0], "%s: comm", row->name);
	}
	ck_assert_msg(row->exe ? r->exe == st->exe && !strcmp(r->exe, row->exe) : !r->exe,
		      "%s: exe", row->name);
	ck_assert_msg(row->addr ? r->addr == st->addr && !strcmp(r->addr, row->addr)
				: !r->addr && !st->addr[0],
		      "%s: addr", row->name);
	ck_assert_msg(row->container ? r->container == st->container &&
					       !strcmp(r->container, row->container)
				     : !r->container,
		      "%s: container", row->name);
	ck_assert_uint_eq(r->n_paths, row->n_paths);
	for (size_t i = 0; i < RECORD_PATHS_MAX; i++) {
		if (i < row->n_paths)
			ck_assert_msg(r->paths[i] == st->paths[i] &&
					      !strcmp(r->paths[i], i ? "/srv/b" : "/srv/a"),
				      "%s: path %zu", row->name, i);
		else
			ck_assert_msg(!r->paths[i], "%s: path %zu", row->name, i);
	}
	free(st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, json_deny_with_path);
	tcase_add_test(tc, json_would_deny);
	tcase_add_test(tc, json_allow_with_comment);
	tcase_add_test(tc, json_emulated_with_ret);
	tcase_add_test(tc, json_unknown_syscall);
	tcase_add_test(tc, json_unknown_pid);
	tcase_add_test(tc, json_two_paths);
	tcase_add_test(tc, json_hostile_strings);
	tcase_add_test(tc, json_features);
	tcase_add_test(tc, text_lines);
	tcase_add_test(tc, text_decoded);
	tcase_add_test(tc, copy_keeps_decoding);
	tcase_add_test(tc, enospc_at_every_size);
	tcase_add_test(tc, time_format);
	tcase_add_test(tc, time_matches_gmtime);
	tcase_add_test(tc, decision_names);
	tcase_add_loop_test(tc, copy_keeps_its_strings, 0,
			    (int)(sizeof(copy_rows) / sizeof(copy_rows[0])));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
