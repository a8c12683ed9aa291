/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for lib/policy.c (and the JSON layer under it, lib/json.c, and
 * the pattern syntax, lib/pattern.c): policy_parse_buf() on in-memory text.
 *
 * Most cases are rows of a table, each carrying its name, so a failure says
 * which row broke.  Profiles in the rows are written with ' for " (dq()
 * converts them) so they stay readable; rows marked .raw are used as is.
 * Every buffer handed to the parser is an exact-size heap copy without a
 * terminating NUL, so AddressSanitizer catches reads past the end.
 *
 * Expected behaviour is Docker's: Go's encoding/json decoding into moby's
 * profile types, plus the checks runc and libseccomp make later.
 *
 * The "regressions" test case holds rows for bugs found and fixed in lib/,
 * each saying what Docker does.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/addrmatch.h"
#include "callgate/macro.h"
#include "callgate/policy.h"
#include "fuzzreg.h"

/* ---- helpers ------------------------------------------------------------ */

/* A heap copy of @s with every ' turned into " (unless @raw). */
static char *dq(const char *s, bool raw)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	if (!raw)
		for (char *c = d; *c; c++)
			if (*c == '\'')
				*c = '"';
	return d;
}

/* Line and column (in characters, 1-based) of byte offset @off of @s. */
static struct policy_pos pos_at_offset(const char *s, size_t off)
{
	struct policy_pos p = { 1, 1 };

	for (size_t i = 0; i < off; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			p.line++;
			p.column = 1;
		} else if ((c & 0xc0) != 0x80) {
			p.column++;
		}
	}
	return p;
}

/* Position of the first occurrence of @at in @s. */
static struct policy_pos pos_of_text(const char *name, const char *s, const char *at)
{
	const char *hit = strstr(s, at);

	ck_assert_msg(hit, "%s: test bug: marker \"%s\" not in the input", name, at);
	return pos_at_offset(s, (size_t)(hit - s));
}

/*
 * Parse @len bytes of @text from an exact-size heap copy.  *@ret is set to
 * a sentinel first, and checked to be left alone on failure.
 */
static int parse_len(const char *name, const char *text, size_t len, struct policy **ret,
		     struct policy_error *err)
{
	struct policy *sentinel = (struct policy *)(uintptr_t)0x5a5a5a5a;
	char *buf = malloc(len ? len : 1);
	int r;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, len);
	memset(err, 0, sizeof(*err));
	*ret = sentinel;
	r = policy_parse_buf(buf, len, "test.json", ret, err);
	free(buf);
	if (r < 0) {
		ck_assert_msg(*ret == sentinel, "%s: *ret changed although parsing failed", name);
		*ret = NULL;
		ck_assert_msg(memchr(err->msg, '\0', sizeof(err->msg)),
			      "%s: error message not NUL-terminated", name);
	} else {
		ck_assert_msg(*ret != sentinel && *ret, "%s: no policy returned", name);
	}
	return r;
}

static int parse_text(const char *name, const char *text, struct policy **ret,
		      struct policy_error *err)
{
	return parse_len(name, text, strlen(text), ret, err);
}

/* Parse @json (with ' for ") and require success. */
static struct policy *must_parse(const char *name, const char *json, bool raw)
{
	struct policy_error e;
	struct policy *p;
	char *text = dq(json, raw);
	int r = parse_text(name, text, &p, &e);

	ck_assert_msg(r == 0, "%s: parse failed (%d) at %u:%u: %s", name, r, e.pos.line,
		      e.pos.column, e.msg);
	free(text);
	return p;
}

/* Parse @text and require -EINVAL with a usable position and message. */
static void must_fail(const char *name, const char *text, size_t len, struct policy_error *e)
{
	struct policy *p;
	int r = parse_len(name, text, len, &p, e);

	if (r == 0)
		policy_free(p);
	ck_assert_msg(r == -EINVAL, "%s: got %d, want -EINVAL", name, r);
	ck_assert_msg(e->msg[0] != '\0', "%s: empty error message", name);
	ck_assert_msg(e->pos.line >= 1 && e->pos.column >= 1,
		      "%s: error without a position (%u:%u): %s", name, e->pos.line, e->pos.column,
		      e->msg);
}

static void assert_pos(const char *name, const struct policy_error *e, struct policy_pos want)
{
	ck_assert_msg(e->pos.line == want.line && e->pos.column == want.column,
		      "%s: error at %u:%u, want %u:%u (%s)", name, e->pos.line, e->pos.column,
		      want.line, want.column, e->msg);
}

static void assert_msg_has(const char *name, const struct policy_error *e, const char *want)
{
	ck_assert_msg(strstr(e->msg, want), "%s: message \"%s\" lacks \"%s\"", name, e->msg, want);
}

static const struct policy_rule *rule_n(const char *name, const struct policy *p, size_t i)
{
	ck_assert_msg(p->n_rules > i, "%s: %zu rules, want more than %zu", name, p->n_rules, i);
	return &p->rules[i];
}

static void assert_names(const char *name, const struct policy_rule *r, const char *const *want,
			 size_t n)
{
	ck_assert_msg(r->n_names == n, "%s: %zu names, want %zu", name, r->n_names, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(r->names[i] && !strcmp(r->names[i], want[i]),
			      "%s: names[%zu] = \"%s\", want \"%s\"", name, i,
			      r->names[i] ? r->names[i] : "(null)", want[i]);
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t k;

		if (n == cap) {
			char *b;

			cap = cap ? cap * 2 : 65536;
			b = realloc(buf, cap);
			ck_assert_ptr_nonnull(b);
			buf = b;
		}
		k = fread(buf + n, 1, cap - n, f);
		if (k == 0)
			break;
		n += k;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Profile skeletons.  PROF: a default-ALLOW profile with the given rules;
 * ERULE: an ERRNO rule for mkdir with extra members (each starting ','). */
#define PROF(...)  "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[" __VA_ARGS__ "]}"
#define ERULE(...) "{'names':['mkdir'],'action':'SCMP_ACT_ERRNO'" __VA_ARGS__ "}"
#define AROW(...)  PROF(ERULE(",'args':[" __VA_ARGS__ "]"))

/* ---- refused profiles --------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *json;   /* ' for ", unless raw */
	const char *at;	    /* error at the first occurrence of this text */
	bool at_end;	    /* error at the end of the text */
	unsigned line, col; /* else exactly here, if line != 0 */
	const char *msg;    /* the message contains this */
	bool raw;
};

static void run_bad(const struct bad_case *c)
{
	struct policy_error e;
	char *text = dq(c->json, c->raw);

	must_fail(c->name, text, strlen(text), &e);
	if (c->at) {
		char *at = dq(c->at, c->raw);

		assert_pos(c->name, &e, pos_of_text(c->name, text, at));
		free(at);
	} else if (c->at_end) {
		assert_pos(c->name, &e, pos_at_offset(text, strlen(text)));
	} else if (c->line) {
		assert_pos(c->name, &e, (struct policy_pos){ c->line, c->col });
	}
	if (c->msg)
		assert_msg_has(c->name, &e, c->msg);
	free(text);
}

/* Strict JSON (RFC 8259, as Go's decoder reads it). */
static const struct bad_case syntax_cases[] = {
	{ .name = "leading zero",
	  .json = "{'defaultAction':01}",
	  .at = "01",
	  .msg = "leading zero" },
	{ .name = "leading zero negative",
	  .json = "{'x':-01}",
	  .at = "-01",
	  .msg = "leading zero" },
	{ .name = "plus sign", .json = "{'x':+1}", .at = "+1", .msg = "'+'" },
	{ .name = "bare fraction", .json = "{'x':.5}", .at = ".5", .msg = "'.'" },
	{ .name = "dot without digits", .json = "{'x':1.}", .at = "1.", .msg = "after '.'" },
	{ .name = "exponent without digits", .json = "{'x':1e}", .at = "1e", .msg = "exponent" },
	{ .name = "lone minus", .json = "{'x':-}", .at = "-", .msg = "invalid number" },
	{ .name = "hex number", .json = "{'x':0x10}", .at = "x10" },
	{ .name = "NaN", .json = "{'x':NaN}", .at = "NaN" },
	{ .name = "Infinity", .json = "{'x':Infinity}", .at = "Infinity" },
	{ .name = "trailing comma in object",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW',}",
	  .at = "}",
	  .msg = "object key" },
	{ .name = "trailing comma in array",
	  .json = PROF("{'names':['a',],'action':'SCMP_ACT_ALLOW'}"),
	  .at = "],",
	  .msg = "looking for a value" },
	{ .name = "line comment",
	  .json = "{// comment\n'defaultAction':'SCMP_ACT_ALLOW'}",
	  .at = "//" },
	{ .name = "block comment",
	  .json = "{'defaultAction':/* c */'SCMP_ACT_ALLOW'}",
	  .at = "/*" },
	{ .name = "single quotes",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW'}",
	  .raw = true,
	  .line = 1,
	  .col = 2,
	  .msg = "'''" },
	{ .name = "UTF-8 BOM",
	  .json = "\xef\xbb\xbf{}",
	  .raw = true,
	  .line = 1,
	  .col = 1,
	  .msg = "non-ASCII" },
	{ .name = "raw tab in string",
	  .json = "{'comment':'a\tb'}",
	  .at = "\t",
	  .msg = "control character" },
	{ .name = "raw newline in string",
	  .json = "{'defaultAction':'SCMP_ACT\nALLOW'}",
	  .line = 1,
	  .col = 27,
	  .msg = "control character 0x0a" },
	{ .name = "trailing garbage", .json = "{} x", .at = "x", .msg = "after top-level value" },
	{ .name = "two documents",
	  .json = "{}\n{}",
	  .line = 2,
	  .col = 1,
	  .msg = "after top-level value" },
	{ .name = "empty file", .json = "", .line = 1, .col = 1, .msg = "empty" },
	{ .name = "whitespace only", .json = "\n\n  ", .line = 3, .col = 3, .msg = "end of file" },
	{ .name = "unterminated string",
	  .json = "{'defaultAction':'SCMP",
	  .at = "'SCMP",
	  .msg = "unterminated string" },
	{ .name = "unterminated string, backslash at end",
	  .json = "{'x':'ab\\",
	  .at = "'ab",
	  .msg = "unterminated string" },
	{ .name = "unterminated object",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW'",
	  .at_end = true,
	  .msg = "end of file" },
	{ .name = "unterminated array",
	  .json = "{'syscalls':[",
	  .at_end = true,
	  .msg = "end of file" },
	{ .name = "lone brace", .json = "{", .line = 1, .col = 2, .msg = "end of file" },
	{ .name = "key without value", .json = "{'x'", .at_end = true, .msg = "after object key" },
	{ .name = "missing colon", .json = "{'x' 1}", .at = "1}", .msg = "after object key" },
	{ .name = "missing comma",
	  .json = "{'x':1 'y':2}",
	  .at = "'y'",
	  .msg = "after object member" },
	{ .name = "missing comma in array",
	  .json = "{'x':[1 2]}",
	  .at = "2]",
	  .msg = "after array element" },
	{ .name = "number as key", .json = "{1:2}", .at = "1", .msg = "object key" },
	{ .name = "misspelt literal", .json = "{'x':tru}", .at = "tru" },
	{ .name = "capitalised literal", .json = "{'x':True}", .at = "True" },
	{ .name = "truncated null", .json = "{'x':nul", .at = "nul" },
	{ .name = "invalid escape \\q",
	  .json = "{'comment':'a\\qb'}",
	  .at = "\\q",
	  .msg = "invalid escape" },
	{ .name = "invalid escape \\x",
	  .json = "{'comment':'\\x41'}",
	  .at = "\\x",
	  .msg = "invalid escape" },
	{ .name = "invalid escape \\'",
	  .json = "{\"x\":\"\\'\"}",
	  .raw = true,
	  .at = "\\'",
	  .msg = "invalid escape" },
	{ .name = "bad hex digit in \\u",
	  .json = "{'comment':'\\u12G4'}",
	  .at = "G4",
	  .msg = "hex digit" },
	{ .name = "short \\u escape",
	  .json = "{'comment':'\\u12'}",
	  .at = "'}",
	  .msg = "hex digit" },
	{ .name = "truncated \\u escape at end",
	  .json = "{'comment':'\\u1",
	  .line = 1,
	  .col = 15,
	  .msg = "truncated" },
	{ .name = "unpaired high surrogate",
	  .json = "{'comment':'\\ud800'}",
	  .at = "\\ud800",
	  .msg = "surrogate" },
	{ .name = "high surrogate then non-surrogate",
	  .json = "{'comment':'\\ud800\\u0041'}",
	  .at = "\\ud800",
	  .msg = "surrogate" },
	{ .name = "lone low surrogate",
	  .json = "{'comment':'x\\udc00'}",
	  .at = "\\udc00",
	  .msg = "surrogate" },
	{ .name = "two high surrogates",
	  .json = "{'comment':'\\ud800\\ud800'}",
	  .at = "\\ud800",
	  .msg = "surrogate" },
	/* Exact positions: lines and columns are 1-based, columns count
	 * characters (not bytes), a tab or a CR is one column. */
	{ .name = "error on line 3 column 14",
	  .json = "{\n  'defaultAction': 'SCMP_ACT_ALLOW',\n  'syscalls':01\n}",
	  .line = 3,
	  .col = 14,
	  .msg = "leading zero" },
	{ .name = "column counts characters, not bytes",
	  .json = "{'\xc3\xa9': 01}",
	  .line = 1,
	  .col = 7 },
	{ .name = "CRLF line ends", .json = "{\r\n'x':\r\n 01}", .line = 3, .col = 2 },
	{ .name = "tab is one column", .json = "{\t'x':\t+1}", .line = 1, .col = 8 },
	{ .name = "unterminated string on line 3",
	  .json = "{\n 'comment':\n  'abc",
	  .line = 3,
	  .col = 3,
	  .msg = "unterminated string" },
};

START_TEST(test_syntax)
{
	run_bad(&syntax_cases[_i]);
}
END_TEST

/* What Docker (moby + runc + libseccomp) refuses. */
static const struct bad_case semantic_cases[] = {
	{ .name = "unknown action",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_BOGUS'}"),
	  .at = "'SCMP_ACT_BOGUS'",
	  .msg = "unknown action \"SCMP_ACT_BOGUS\"" },
	{ .name = "action in lower case",
	  .json = PROF("{'names':['mkdir'],'action':'scmp_act_allow'}"),
	  .at = "'scmp_act_allow'",
	  .msg = "unknown action" },
	{ .name = "empty action",
	  .json = PROF("{'names':['mkdir'],'action':''}"),
	  .at = "{'names'",
	  .msg = "no \"action\"" },
	{ .name = "missing action",
	  .json = PROF("{'names':['mkdir']}"),
	  .at = "{'names'",
	  .msg = "no \"action\"" },
	{ .name = "null action",
	  .json = PROF("{'names':['mkdir'],'action':null}"),
	  .at = "{'names'",
	  .msg = "no \"action\"" },
	{ .name = "unknown defaultAction",
	  .json = "{'defaultAction':'SCMP_ACT_NOPE'}",
	  .at = "'SCMP_ACT_NOPE'",
	  .msg = "unknown defaultAction" },
	{ .name = "unknown op",
	  .json = AROW("{'index':0,'value':1,'op':'SCMP_CMP_XX'}"),
	  .at = "'SCMP_CMP_XX'",
	  .msg = "unknown operator \"SCMP_CMP_XX\"" },
	{ .name = "empty op",
	  .json = AROW("{'index':0,'value':1,'op':''}"),
	  .at = "''",
	  .msg = "unknown operator" },
	{ .name = "op in lower case",
	  .json = AROW("{'index':0,'value':1,'op':'scmp_cmp_eq'}"),
	  .at = "'scmp_cmp_eq'",
	  .msg = "unknown operator" },
	{ .name = "index 6",
	  .json = AROW("{'index':6,'value':1,'op':'SCMP_CMP_EQ'}"),
	  .at = "6,",
	  .msg = "out of range" },
	{ .name = "index 2^32 does not wrap to 0",
	  .json = AROW("{'index':4294967296,'value':1,'op':'SCMP_CMP_EQ'}"),
	  .at = "4294967296",
	  .msg = "out of range" },
	{ .name = "index 2^64-1",
	  .json = AROW("{'index':18446744073709551615,'op':'SCMP_CMP_EQ'}"),
	  .at = "18446744073709551615",
	  .msg = "out of range" },
	{ .name = "name and non-empty names",
	  .json = PROF("{'names':['a'],'name':'b','action':'SCMP_ACT_ALLOW'}"),
	  .at = "'b'",
	  .msg = "either \"name\" or \"names\"" },
	{ .name = "architectures and archMap",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64'],"
		  "'archMap':[{'architecture':'SCMP_ARCH_X86_64','subArchitectures':[]}]}",
	  .at = "[{'architecture'",
	  .msg = "archMap" },
	{ .name = "unknown architecture",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW',"
		  "'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_VAX']}",
	  .at = "'SCMP_ARCH_VAX'",
	  .msg = "unknown architecture \"SCMP_ARCH_VAX\"" },
	{ .name = "Go architecture name in architectures",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','architectures':['amd64']}",
	  .at = "'amd64'",
	  .msg = "unknown architecture" },
	{ .name = "unknown x86_64 sub-architecture in archMap",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','archMap':[{'architecture':"
		  "'SCMP_ARCH_X86_64','subArchitectures':['SCMP_ARCH_VAX']}]}",
	  .at = "{'architecture'",
	  .msg = "sub-architecture" },
	{ .name = "unknown flag",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','flags':"
		  "['SECCOMP_FILTER_FLAG_TSYNC','SECCOMP_FILTER_FLAG_NOPE']}",
	  .at = "'SECCOMP_FILTER_FLAG_NOPE'",
	  .msg = "unknown flag" },
	{ .name = "minKernel \"5\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'5'}")),
	  .at = "'5'",
	  .msg = "minKernel" },
	{ .name = "minKernel \"5.x\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'5.x'}")),
	  .at = "'5.x'",
	  .msg = "minKernel" },
	{ .name = "minKernel \"256.1\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'256.1'}")),
	  .at = "'256.1'",
	  .msg = "minKernel" },
	{ .name = "minKernel \"4.256\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'4.256'}")),
	  .at = "'4.256'",
	  .msg = "minKernel" },
	{ .name = "minKernel \"0.0\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'0.0'}")),
	  .at = "'0.0'",
	  .msg = "0.0" },
	{ .name = "minKernel \"5.8.1\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'5.8.1'}")),
	  .at = "'5.8.1'",
	  .msg = "minKernel" },
	{ .name = "minKernel \"5.\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'5.'}")),
	  .at = "'5.'",
	  .msg = "minKernel" },
	{ .name = "minKernel \".8\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'.8'}")),
	  .at = "'.8'",
	  .msg = "minKernel" },
	{ .name = "minKernel \"-1.0\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'-1.0'}")),
	  .at = "'-1.0'",
	  .msg = "minKernel" },
	{ .name = "minKernel \" 5.8\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':' 5.8'}")),
	  .at = "' 5.8'",
	  .msg = "minKernel" },
	{ .name = "minKernel in excludes",
	  .json = PROF(ERULE(",'excludes':{'minKernel':'x'}")),
	  .at = "'x'",
	  .msg = "minKernel" },
	{ .name = "errnoRet on SCMP_ACT_ALLOW",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_ALLOW','errnoRet':1}"),
	  .at = "1}",
	  .msg = "SCMP_ACT_ALLOW" },
	{ .name = "errnoRet on SCMP_ACT_KILL_PROCESS",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_KILL_PROCESS','errnoRet':1}"),
	  .at = "1}",
	  .msg = "errnoRet" },
	{ .name = "errnoRet on SCMP_ACT_LOG",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_LOG','errnoRet':1}"),
	  .at = "1}",
	  .msg = "errnoRet" },
	{ .name = "errnoRet on SCMP_ACT_NOTIFY",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY','errnoRet':1}"),
	  .at = "1}",
	  .msg = "errnoRet" },
	{ .name = "errnoRet 4096",
	  .json = PROF(ERULE(",'errnoRet':4096")),
	  .at = "4096",
	  .msg = "4095" },
	{ .name = "defaultErrnoRet with SCMP_ACT_ALLOW",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','defaultErrnoRet':1}",
	  .at = "1}",
	  .msg = "defaultErrnoRet" },
	{ .name = "defaultErrnoRet 4096",
	  .json = "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':4096}",
	  .at = "4096",
	  .msg = "4095" },
	{ .name = "errno and errnoRet disagree",
	  .json = PROF(ERULE(",'errnoRet':1,'errno':'ENOSYS'")),
	  .msg = "contradicts" },
	{ .name = "unknown errno name",
	  .json = PROF(ERULE(",'errno':'EBOGUS'")),
	  .at = "'EBOGUS'",
	  .msg = "unknown errno name \"EBOGUS\"" },
	{ .name = "errno name on SCMP_ACT_ALLOW",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_ALLOW','errno':'EPERM'}"),
	  .at = "'EPERM'",
	  .msg = "SCMP_ACT_ALLOW" },
	{ .name = "unknown defaultErrno",
	  .json = "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrno':'EBOGUS'}",
	  .at = "'EBOGUS'",
	  .msg = "unknown errno name" },
	{ .name = "defaultErrno and defaultErrnoRet disagree",
	  .json = "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,"
		  "'defaultErrno':'ENOSYS'}",
	  .msg = "contradicts" },
	{ .name = "defaultErrno with SCMP_ACT_ALLOW",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','defaultErrno':'EPERM'}",
	  .at = "'EPERM'",
	  .msg = "defaultErrnoRet" },
	{ .name = "syscalls entry null", .json = PROF("null"), .at = "null", .msg = "null" },
	{ .name = "syscalls but no defaultAction",
	  .json = "{'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_ALLOW'}]}",
	  .line = 1,
	  .col = 1,
	  .msg = "no \"defaultAction\"" },
	{ .name = "syscalls and an empty defaultAction",
	  .json = "{'defaultAction':'','syscalls':[{'names':['mkdir'],"
		  "'action':'SCMP_ACT_ALLOW'}]}",
	  .at = "''",
	  .msg = "no \"defaultAction\"" },
	{ .name = "too many args",
	  .json = AROW("{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'},"
		       "{'op':'SCMP_CMP_EQ'},{'op':'SCMP_CMP_EQ'}"),
	  .at = "[{'op'",
	  .msg = "more than 64" },
};

START_TEST(test_semantic_bad)
{
	run_bad(&semantic_cases[_i]);
}
END_TEST

/* Wrong JSON types: Go's "cannot unmarshal X into Go struct field". */
static const struct bad_case type_cases[] = {
	{ .name = "names is a string",
	  .json = PROF("{'names':'mkdir','action':'SCMP_ACT_ALLOW'}"),
	  .at = "'mkdir'",
	  .msg = "names: expected an array of strings, got a string" },
	{ .name = "names element is a number",
	  .json = PROF("{'names':['a',1],'action':'SCMP_ACT_ALLOW'}"),
	  .at = "1]",
	  .msg = "names: expected a string, got a number" },
	{ .name = "defaultAction is a number",
	  .json = "{'defaultAction':1}",
	  .at = "1}",
	  .msg = "defaultAction: expected a string, got a number" },
	{ .name = "defaultAction is an array",
	  .json = "{'defaultAction':['SCMP_ACT_ALLOW']}",
	  .at = "[",
	  .msg = "got an array" },
	{ .name = "args is an object",
	  .json = PROF(ERULE(",'args':{}")),
	  .at = "{}",
	  .msg = "args: expected an array, got an object" },
	{ .name = "args element is a number",
	  .json = AROW("1"),
	  .at = "1]",
	  .msg = "args[]: expected an object" },
	{ .name = "syscalls is an object",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':{}}",
	  .at = "{}",
	  .msg = "syscalls: expected an array, got an object" },
	{ .name = "syscalls is a string",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':'mkdir'}",
	  .at = "'mkdir'",
	  .msg = "syscalls" },
	{ .name = "syscalls element is a string",
	  .json = PROF("'mkdir'"),
	  .at = "'mkdir'",
	  .msg = "syscalls[]: expected an object" },
	{ .name = "action is a number",
	  .json = PROF("{'names':['mkdir'],'action':3}"),
	  .at = "3}",
	  .msg = "action" },
	{ .name = "comment is a number",
	  .json = PROF(ERULE(",'comment':7")),
	  .at = "7",
	  .msg = "comment" },
	{ .name = "includes is an array",
	  .json = PROF(ERULE(",'includes':[]")),
	  .at = "[]",
	  .msg = "includes: expected an object" },
	{ .name = "excludes is a string",
	  .json = PROF(ERULE(",'excludes':'x'")),
	  .at = "'x'",
	  .msg = "excludes" },
	{ .name = "caps is a string",
	  .json = PROF(ERULE(",'includes':{'caps':'CAP_SYS_ADMIN'}")),
	  .at = "'CAP_SYS_ADMIN'",
	  .msg = "caps" },
	{ .name = "arches is a number",
	  .json = PROF(ERULE(",'excludes':{'arches':5}")),
	  .at = "5",
	  .msg = "arches" },
	{ .name = "minKernel is a number",
	  .json = PROF(ERULE(",'includes':{'minKernel':5.8}")),
	  .at = "5.8",
	  .msg = "minKernel" },
	{ .name = "architectures is a string",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','architectures':'SCMP_ARCH_X86'}",
	  .at = "'SCMP_ARCH_X86'",
	  .msg = "architectures" },
	{ .name = "flags is a string",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','flags':'SECCOMP_FILTER_FLAG_LOG'}",
	  .at = "'SECCOMP",
	  .msg = "flags" },
	{ .name = "archMap is an object",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','archMap':{}}",
	  .at = "{}",
	  .msg = "archMap" },
	{ .name = "archMap element is a string",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','archMap':['SCMP_ARCH_X86']}",
	  .at = "'SCMP_ARCH_X86'",
	  .msg = "archMap[]" },
	{ .name = "listenerPath is a boolean",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':true}",
	  .at = "true",
	  .msg = "listenerPath" },
	{ .name = "errno is a number",
	  .json = PROF(ERULE(",'errno':1")),
	  .at = "1}",
	  .msg = "errno" },
	{ .name = "defaultErrno is a number",
	  .json = "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrno':1}",
	  .at = "1}",
	  .msg = "defaultErrno" },
	{ .name = "profile is an array", .json = "[]", .line = 1, .col = 1, .msg = "got an array" },
	{ .name = "profile is a string",
	  .json = "  'x'",
	  .line = 1,
	  .col = 3,
	  .msg = "got a string" },
	{ .name = "profile is a number", .json = "1", .line = 1, .col = 1, .msg = "got a number" },
};

START_TEST(test_types)
{
	run_bad(&type_cases[_i]);
}
END_TEST

/* ---- exact unsigned 64-bit integers ------------------------------------- */

/*
 * Every uint field against every malformed number: Go decodes uint fields
 * from integer literals only; the error points at the value.
 */
static const struct num_field {
	const char *name;
	const char *tmpl; /* "%s" marks the value under test */
} num_fields[] = {
	{ "value", AROW("{'index':0,'op':'SCMP_CMP_EQ','value':%s}") },
	{ "valueTwo", AROW("{'index':0,'op':'SCMP_CMP_MASKED_EQ','value':0,'valueTwo':%s}") },
	{ "index", AROW("{'op':'SCMP_CMP_EQ','value':1,'index':%s}") },
	{ "errnoRet", PROF(ERULE(",'errnoRet':%s")) },
	{ "defaultErrnoRet", "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':%s}" },
};

static const struct num_form {
	const char *text;
	const char *msg;
} num_forms[] = {
	{ "-1", "negative" },
	{ "-0", "negative" },
	{ "1.0", "fraction" },
	{ "1.5", "fraction" },
	{ "1e3", "exponent" },
	{ "1E3", "exponent" },
	{ "0e0", "exponent" },
	{ "'1'", "got a string" },
	{ "true", "got a boolean" },
	{ "[1]", "got an array" },
	{ "18446744073709551616", "64 bits" },
	{ "99999999999999999999999999", "64 bits" },
};

START_TEST(test_uint_bad)
{
	const struct num_field *f = &num_fields[_i / ARRAY_SIZE(num_forms)];
	const struct num_form *v = &num_forms[_i % ARRAY_SIZE(num_forms)];
	const char *mark = strstr(f->tmpl, "%s");
	size_t pre = (size_t)(mark - f->tmpl), vlen = strlen(v->text);
	char name[128], *json, *text;
	struct policy_error e;

	snprintf(name, sizeof(name), "%s = %s", f->name, v->text);
	json = malloc(strlen(f->tmpl) + vlen + 1);
	ck_assert_ptr_nonnull(json);
	memcpy(json, f->tmpl, pre);
	memcpy(json + pre, v->text, vlen);
	strcpy(json + pre + vlen, mark + 2);
	text = dq(json, false);
	must_fail(name, text, strlen(text), &e);
	assert_pos(name, &e, pos_at_offset(text, pre));
	assert_msg_has(name, &e, v->msg);
	assert_msg_has(name, &e, f->name);
	free(text);
	free(json);
}
END_TEST

/* ---- accepted profiles -------------------------------------------------- */

struct ok_case {
	const char *name;
	const char *json; /* ' for ", unless raw */
	bool raw;
	/* NULL: the profile must give no warning; else one containing this,
	 * at the first occurrence of warn_at (if set) */
	const char *warn;
	const char *warn_at;
	void (*check)(const char *name, const struct policy *p);
};

static void run_ok(const struct ok_case *c)
{
	struct policy *p = must_parse(c->name, c->json, c->raw);

	if (!c->warn) {
		ck_assert_msg(p->n_warnings == 0, "%s: %zu warnings, first: %u:%u %s", c->name,
			      p->n_warnings, p->warnings[0].pos.line, p->warnings[0].pos.column,
			      p->warnings[0].msg);
	} else {
		bool found = false;
		char *text = dq(c->json, c->raw), *at = NULL;
		struct policy_pos want = { 0, 0 };

		if (c->warn_at) {
			at = dq(c->warn_at, c->raw);
			want = pos_of_text(c->name, text, at);
		}
		for (size_t i = 0; i < p->n_warnings && !found; i++) {
			const struct policy_warning *w = &p->warnings[i];

			ck_assert_msg(w->msg && w->msg[0], "%s: empty warning", c->name);
			if (!strstr(w->msg, c->warn))
				continue;
			found = true;
			if (c->warn_at)
				ck_assert_msg(
					w->pos.line == want.line && w->pos.column == want.column,
					"%s: warning at %u:%u, want %u:%u (%s)", c->name,
					w->pos.line, w->pos.column, want.line, want.column, w->msg);
		}
		ck_assert_msg(found, "%s: no warning containing \"%s\" (%zu warnings)", c->name,
			      c->warn, p->n_warnings);
		free(at);
		free(text);
	}
	if (c->check)
		c->check(c->name, p);
	policy_free(p);
}

/* -- checks for the uint64 rows -- */

static void chk_u64_max(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->n_args == 1, "%s: %zu args", n, r->n_args);
	ck_assert_msg(r->args[0].value == UINT64_MAX, "%s: value = %llu", n,
		      (unsigned long long)r->args[0].value);
	ck_assert_msg(r->args[0].value_two == UINT64_MAX - 1, "%s: valueTwo = %llu", n,
		      (unsigned long long)r->args[0].value_two);
	ck_assert_msg(r->args[0].op == POLICY_OP_MASKED_EQ, "%s: op %d", n, r->args[0].op);
}

static void chk_u64_2p53(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	/* 2^53 + 1 is not a double: a parser going through double loses it */
	ck_assert_msg(r->args[0].value == 9007199254740993ull, "%s: value = %llu", n,
		      (unsigned long long)r->args[0].value);
	ck_assert_msg(r->args[0].value_two == 0, "%s: valueTwo = %llu", n,
		      (unsigned long long)r->args[0].value_two);
}

static void chk_index5(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->args[0].index == 5, "%s: index %u", n, r->args[0].index);
	ck_assert_msg(r->args[0].value == 0, "%s: value", n);
}

static void chk_errno_4095(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->has_errno_ret && r->errno_ret == 4095, "%s: errnoRet", n);
}

static void chk_errno_0(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->has_errno_ret && r->errno_ret == 0, "%s: errnoRet", n);
}

static const struct ok_case uint_ok_cases[] = {
	{ .name = "value 2^64-1 and valueTwo 2^64-2 exact",
	  .json = AROW("{'index':0,'value':18446744073709551615,"
		       "'valueTwo':18446744073709551614,'op':'SCMP_CMP_MASKED_EQ'}"),
	  .check = chk_u64_max },
	{ .name = "value 2^53+1 exact",
	  .json = AROW("{'index':1,'value':9007199254740993,'op':'SCMP_CMP_EQ'}"),
	  .check = chk_u64_2p53 },
	{ .name = "index 5", .json = AROW("{'index':5,'op':'SCMP_CMP_EQ'}"), .check = chk_index5 },
	{ .name = "errnoRet 4095",
	  .json = PROF(ERULE(",'errnoRet':4095")),
	  .check = chk_errno_4095 },
	{ .name = "errnoRet 0", .json = PROF(ERULE(",'errnoRet':0")), .check = chk_errno_0 },
};

START_TEST(test_uint_ok)
{
	run_ok(&uint_ok_cases[_i]);
}
END_TEST

/* -- checks for Go's decoding rules -- */

static void chk_upper_keys(const char *n, const struct policy *p)
{
	static const char *const want[] = { "mkdir" };
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(p->enabled && p->default_action == POLICY_ACT_ERRNO, "%s: defaultAction %d",
		      n, p->default_action);
	ck_assert_msg(p->n_rules == 1, "%s: %zu rules", n, p->n_rules);
	assert_names(n, r, want, 1);
	ck_assert_msg(r->action == POLICY_ACT_ERRNO, "%s: action %d", n, r->action);
	ck_assert_msg(r->has_errno_ret && r->errno_ret == 5, "%s: errnoRet", n);
	ck_assert_msg(r->n_args == 1 && r->args[0].index == 2 && r->args[0].value == 7 &&
			      r->args[0].op == POLICY_OP_GT,
		      "%s: args", n);
}

static void chk_one_rule_mkdir(const char *n, const struct policy *p)
{
	static const char *const want[] = { "mkdir" };

	ck_assert_msg(p->n_rules == 1, "%s: %zu rules", n, p->n_rules);
	assert_names(n, rule_n(n, p, 0), want, 1);
}

static void chk_min_kernel_4_8(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->includes, "%s: no includes", n);
	ck_assert_msg(r->includes->has_min_kernel && r->includes->min_kernel_major == 4 &&
			      r->includes->min_kernel_minor == 8,
		      "%s: minKernel %d %u.%u", n, r->includes->has_min_kernel,
		      r->includes->min_kernel_major, r->includes->min_kernel_minor);
}

static void chk_no_names(const char *n, const struct policy *p)
{
	ck_assert_msg(rule_n(n, p, 0)->n_names == 0, "%s: names", n);
}

static void chk_default_allow(const char *n, const struct policy *p)
{
	ck_assert_msg(p->enabled && p->default_action == POLICY_ACT_ALLOW,
		      "%s: enabled %d defaultAction %d", n, p->enabled, p->default_action);
}

static void chk_names_b_c(const char *n, const struct policy *p)
{
	static const char *const want[] = { "b", "c" };

	assert_names(n, rule_n(n, p, 0), want, 2);
}

static void chk_names_b(const char *n, const struct policy *p)
{
	static const char *const want[] = { "b" };

	assert_names(n, rule_n(n, p, 0), want, 1);
}

static void chk_args_twice(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->n_args == 1, "%s: %zu args, want 1", n, r->n_args);
	ck_assert_msg(r->args[0].index == 3 && r->args[0].value == 9 &&
			      r->args[0].op == POLICY_OP_GE,
		      "%s: arg %u %llu %d", n, r->args[0].index,
		      (unsigned long long)r->args[0].value, r->args[0].op);
}

/* Go decodes the second "args" into the elements the first one made. */
static void chk_args_reuse(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->n_args == 1, "%s: %zu args, want 1", n, r->n_args);
	ck_assert_msg(r->args[0].index == 2 && r->args[0].value == 5 &&
			      r->args[0].op == POLICY_OP_EQ,
		      "%s: arg %u %llu %d", n, r->args[0].index,
		      (unsigned long long)r->args[0].value, r->args[0].op);
}

static void chk_includes_merged(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);
	const struct policy_filter *f = r->includes;

	ck_assert_msg(f, "%s: no includes", n);
	ck_assert_msg(f->n_caps == 1 && !strcmp(f->caps[0], "CAP_SYS_ADMIN"), "%s: caps lost (%zu)",
		      n, f->n_caps);
	ck_assert_msg(f->has_min_kernel && f->min_kernel_major == 4 && f->min_kernel_minor == 8,
		      "%s: minKernel lost", n);
	ck_assert_msg(f->n_arches == 1 && !strcmp(f->arches[0], "arm64"), "%s: arches not replaced",
		      n);
}

static void chk_excludes_cleared(const char *n, const struct policy *p)
{
	ck_assert_msg(rule_n(n, p, 0)->excludes == NULL, "%s: excludes", n);
}

static void chk_null_lists(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(p->n_architectures == 0 && !p->architectures, "%s: architectures", n);
	ck_assert_msg(p->n_flags == 0 && !p->flags, "%s: flags", n);
	ck_assert_msg(p->n_arch_map == 0, "%s: archMap", n);
	ck_assert_msg(r->n_names == 0, "%s: names", n);
	ck_assert_msg(r->n_args == 0 && !r->args, "%s: args", n);
	ck_assert_msg(r->n_paths == 0 && r->n_addresses == 0, "%s: patterns", n);
	ck_assert_msg(!r->includes && !r->excludes, "%s: filters", n);
}

static void chk_no_rules(const char *n, const struct policy *p)
{
	ck_assert_msg(p->enabled, "%s: not enabled", n);
	ck_assert_msg(p->n_rules == 0 && !p->rules, "%s: %zu rules", n, p->n_rules);
}

static void chk_comment_null(const char *n, const struct policy *p)
{
	ck_assert_msg(rule_n(n, p, 0)->comment == NULL, "%s: comment", n);
}

static void chk_comment_kept(const char *n, const struct policy *p)
{
	const char *c = rule_n(n, p, 0)->comment;

	ck_assert_msg(c && !strcmp(c, "kept"), "%s: comment \"%s\"", n, c ? c : "(null)");
}

static void chk_errno_cleared(const char *n, const struct policy *p)
{
	ck_assert_msg(!rule_n(n, p, 0)->has_errno_ret, "%s: errnoRet set", n);
}

static void chk_default_errno_cleared(const char *n, const struct policy *p)
{
	ck_assert_msg(!p->has_default_errno_ret, "%s: defaultErrnoRet set", n);
}

static void chk_null_name_elem(const char *n, const struct policy *p)
{
	static const char *const want[] = { "mkdir", "", "rmdir" };

	assert_names(n, rule_n(n, p, 0), want, 3);
}

static void chk_unicode_name(const char *n, const struct policy *p)
{
	static const char *const want[] = { "caf\xc3\xa9", "\xf0\x9f\x98\x80" };

	assert_names(n, rule_n(n, p, 0), want, 2);
}

static void chk_disabled(const char *n, const struct policy *p)
{
	ck_assert_msg(!p->enabled, "%s: enabled", n);
}

static const struct ok_case go_cases[] = {
	{ .name = "keys in any case",
	  .json = "{'DEFAULTACTION':'SCMP_ACT_ERRNO','Syscalls':[{'NAMES':['mkdir'],"
		  "'Action':'SCMP_ACT_ERRNO','errnoret':5,'ARGS':[{'INDEX':2,"
		  "'vAlUe':7,'OP':'SCMP_CMP_GT'}]}]}",
	  .check = chk_upper_keys },
	{ .name = "long s (JSON escape) folds to s",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','\\u017fyscalls':[{'names':['mkdir'],"
		  "'action':'SCMP_ACT_ERRNO'}]}",
	  .check = chk_one_rule_mkdir },
	{ .name = "long s (UTF-8) folds to s",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','\xc5\xbf"
		  "y\xc5\xbf"
		  "calls':[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO'}]}",
	  .check = chk_one_rule_mkdir },
	{ .name = "Kelvin sign (JSON escape) folds to k",
	  .json = PROF(ERULE(",'includes':{'min\\u212aernel':'4.8'}")),
	  .check = chk_min_kernel_4_8 },
	{ .name = "Kelvin sign (UTF-8) folds to k",
	  .json = PROF(ERULE(",'includes':{'MIN\xe2\x84\xaa"
			     "ERNEL':'4.8'}")),
	  .check = chk_min_kernel_4_8 },
	{ .name = "long s does not fold to other letters",
	  .json = PROF("{'\\u017fames':['mkdir'],'action':'SCMP_ACT_ALLOW'}"),
	  .warn = "unknown key",
	  .warn_at = "'\\u017fames'",
	  .check = chk_no_names },
	{ .name = "key with a letter too many is unknown",
	  .json = PROF("{'namess':['mkdir'],'action':'SCMP_ACT_ALLOW'}"),
	  .warn = "unknown key \"namess\"",
	  .check = chk_no_names },
	{ .name = "last defaultAction wins",
	  .json = "{'defaultAction':'SCMP_ACT_BOGUS','defaultAction':'SCMP_ACT_ALLOW'}",
	  .check = chk_default_allow },
	{ .name = "last defaultAction wins over a different case",
	  .json = "{'defaultAction':'SCMP_ACT_KILL','DefaultAction':'SCMP_ACT_ALLOW'}",
	  .check = chk_default_allow },
	{ .name = "null defaultAction leaves the earlier value",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','defaultAction':null}",
	  .check = chk_default_allow },
	{ .name = "last names wins",
	  .json = PROF("{'names':['a'],'action':'SCMP_ACT_ALLOW','names':['b','c']}"),
	  .check = chk_names_b_c },
	{ .name = "last names wins across case",
	  .json = PROF("{'names':['a','x'],'NAMES':['b'],'action':'SCMP_ACT_ALLOW'}"),
	  .check = chk_names_b },
	{ .name = "last args wins",
	  .json = PROF(ERULE(",'args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'},"
			     "{'index':1,'value':2,'op':'SCMP_CMP_EQ'}],"
			     "'args':[{'index':3,'value':9,'op':'SCMP_CMP_GE'}]")),
	  .check = chk_args_twice },
	{ .name = "second args decodes into the first's elements",
	  .json = PROF(ERULE(",'args':[{'index':0,'value':5,'op':'SCMP_CMP_EQ'}],"
			     "'args':[{'index':2}]")),
	  .check = chk_args_reuse },
	{ .name = "duplicate includes merge their fields",
	  .json = PROF(ERULE(",'includes':{'caps':['CAP_SYS_ADMIN'],'arches':['amd64']},"
			     "'includes':{'minKernel':'4.8','arches':['arm64']}")),
	  .check = chk_includes_merged },
	{ .name = "null excludes clears it",
	  .json = PROF(ERULE(",'excludes':{'caps':['CAP_SYS_ADMIN']},'excludes':null")),
	  .check = chk_excludes_cleared },
	{ .name = "null lists are empty",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','architectures':null,'flags':null,"
		  "'archMap':null,'syscalls':[{'names':null,'action':'SCMP_ACT_ERRNO',"
		  "'args':null,'paths':null,'addresses':null,'includes':null,"
		  "'excludes':null}]}",
	  .check = chk_null_lists },
	{ .name = "null after a list empties it",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86'],"
		  "'architectures':null,'flags':['SECCOMP_FILTER_FLAG_LOG'],'flags':null,"
		  "'syscalls':[{'names':['a'],'names':null,'action':'SCMP_ACT_ERRNO',"
		  "'args':[{'op':'SCMP_CMP_EQ'}],'args':null}]}",
	  .check = chk_null_lists },
	{ .name = "null syscalls",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':null}",
	  .check = chk_no_rules },
	{ .name = "null syscalls after a list",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],"
		  "'action':'SCMP_ACT_ERRNO'}],'syscalls':null}",
	  .check = chk_no_rules },
	{ .name = "null comment stays unset",
	  .json = PROF(ERULE(",'comment':null")),
	  .check = chk_comment_null },
	{ .name = "null comment leaves the earlier value",
	  .json = PROF(ERULE(",'comment':'kept','comment':null")),
	  .check = chk_comment_kept },
	{ .name = "null errnoRet clears it",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_ALLOW','errnoRet':5,"
		       "'errnoRet':null}"),
	  .check = chk_errno_cleared },
	{ .name = "null defaultErrnoRet clears it",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','defaultErrnoRet':1,"
		  "'defaultErrnoRet':null}",
	  .check = chk_default_errno_cleared },
	{ .name = "null element of names is \"\"",
	  .json = PROF("{'names':['mkdir',null,'rmdir'],'action':'SCMP_ACT_ALLOW'}"),
	  .check = chk_null_name_elem },
	{ .name = "escapes and non-ASCII in names",
	  .json = PROF("{'names':['caf\\u00e9','\\ud83d\\ude00'],'action':'SCMP_ACT_ALLOW'}"),
	  .check = chk_unicode_name },
	{ .name = "unknown top-level key",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW',\n  'bogus':{'a':[1,2]}}",
	  .warn = "unknown key \"bogus\" in the profile",
	  .warn_at = "'bogus'",
	  .check = chk_default_allow },
	{ .name = "unknown key in a rule",
	  .json = PROF(ERULE(",\n 'whatever':1")),
	  .warn = "unknown key \"whatever\" in a syscalls entry",
	  .warn_at = "'whatever'" },
	{ .name = "unknown key in args",
	  .json = AROW("{'index':0,'op':'SCMP_CMP_EQ',\n\n   'vale':3}"),
	  .warn = "unknown key \"vale\" in args[]",
	  .warn_at = "'vale'" },
	{ .name = "unknown key in includes",
	  .json = PROF(ERULE(",'includes':{'capz':['CAP_SYS_ADMIN']}")),
	  .warn = "unknown key \"capz\" in includes",
	  .warn_at = "'capz'" },
	{ .name = "unknown key in an archMap entry",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','archMap':[{'architecture':"
		  "'SCMP_ARCH_X86_64','subArchitectures':['SCMP_ARCH_X86'],'extra':1}]}",
	  .warn = "unknown key \"extra\" in an archMap entry",
	  .warn_at = "'extra'" },
	{ .name = "unknown key with a non-ASCII name",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','\xc3\xa9t\xc3\xa9':1}",
	  .warn = "unknown key",
	  .warn_at = "'\xc3\xa9t\xc3\xa9'" },
	{ .name = "unknown capability warns",
	  .json = PROF(ERULE(",'includes':{'caps':['CAP_SYS_ADMIN','CAP_NOPE']}")),
	  .warn = "unknown capability \"CAP_NOPE\"",
	  .warn_at = "'CAP_NOPE'" },
	{ .name = "unknown Go arch in excludes warns",
	  .json = PROF(ERULE(",'excludes':{'arches':['vax']}")),
	  .warn = "unknown architecture \"vax\"",
	  .warn_at = "'vax'" },
	{ .name = "unknown archMap architecture warns",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','archMap':[{'architecture':"
		  "'SCMP_ARCH_VAX','subArchitectures':[]}]}",
	  .warn = "archMap: unknown architecture",
	  .warn_at = "{'architecture'" },
	{ .name = "{} disables seccomp",
	  .json = "{}",
	  .warn = "unconfined",
	  .check = chk_disabled },
	{ .name = "empty defaultAction and no syscalls disables",
	  .json = "{'defaultAction':'','syscalls':[]}",
	  .warn = "unconfined",
	  .check = chk_disabled },
	{ .name = "only unknown keys disables",
	  .json = "{'x':1}",
	  .warn = "unconfined",
	  .check = chk_disabled },
};

START_TEST(test_go)
{
	run_ok(&go_cases[_i]);
}
END_TEST

/* -- checks for accepted semantics -- */

static void chk_name_into_names(const char *n, const struct policy *p)
{
	static const char *const want[] = { "mkdir" };

	assert_names(n, rule_n(n, p, 0), want, 1);
}

static void chk_names_a(const char *n, const struct policy *p)
{
	static const char *const want[] = { "a" };

	assert_names(n, rule_n(n, p, 0), want, 1);
}

static void chk_min_kernel_0_0(const char *n, const struct policy *p)
{
	const struct policy_filter *f = rule_n(n, p, 0)->includes;

	ck_assert_msg(f && f->has_min_kernel && f->min_kernel_major == 0 &&
			      f->min_kernel_minor == 0,
		      "%s: minKernel", n);
}

static void chk_min_kernel_255(const char *n, const struct policy *p)
{
	const struct policy_filter *f = rule_n(n, p, 0)->excludes;

	ck_assert_msg(f && f->has_min_kernel && f->min_kernel_major == 255 &&
			      f->min_kernel_minor == 255,
		      "%s: minKernel", n);
}

static void chk_min_kernel_none(const char *n, const struct policy *p)
{
	const struct policy_filter *f = rule_n(n, p, 0)->includes;

	ck_assert_msg(f && !f->has_min_kernel, "%s: minKernel", n);
}

static void chk_errno_38(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->has_errno_ret && r->errno_ret == 38, "%s: errnoRet %d %llu", n,
		      r->has_errno_ret, (unsigned long long)r->errno_ret);
}

static void chk_errno_name_38(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	chk_errno_38(n, p);
	ck_assert_msg(r->errno_name && !strcmp(r->errno_name, "ENOSYS"), "%s: errno name", n);
}

static void chk_trace_errno(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->action == POLICY_ACT_TRACE && r->has_errno_ret && r->errno_ret == 1,
		      "%s: TRACE errnoRet", n);
}

static void chk_default_errno_38(const char *n, const struct policy *p)
{
	ck_assert_msg(p->default_action == POLICY_ACT_ERRNO && p->has_default_errno_ret &&
			      p->default_errno_ret == 38,
		      "%s: defaultErrnoRet %d %llu", n, p->has_default_errno_ret,
		      (unsigned long long)p->default_errno_ret);
	ck_assert_msg(p->default_errno_name && !strcmp(p->default_errno_name, "ENOSYS"),
		      "%s: defaultErrno", n);
}

static void chk_default_errno_6(const char *n, const struct policy *p)
{
	ck_assert_msg(p->has_default_errno_ret && p->default_errno_ret == 6, "%s: defaultErrnoRet",
		      n);
}

static void chk_arches(const char *n, const struct policy *p)
{
	ck_assert_msg(p->n_architectures == 3 && !strcmp(p->architectures[2], "SCMP_ARCH_X32"),
		      "%s: architectures", n);
	ck_assert_msg(p->n_flags == 2 && !strcmp(p->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
		      "%s: flags", n);
}

static void chk_archmap(const char *n, const struct policy *p)
{
	ck_assert_msg(p->n_arch_map == 1 && !strcmp(p->arch_map[0].arch, "SCMP_ARCH_X86_64"),
		      "%s: archMap", n);
	ck_assert_msg(p->arch_map[0].n_sub_arches == 2 &&
			      !strcmp(p->arch_map[0].sub_arches[1], "SCMP_ARCH_X32"),
		      "%s: subArchitectures", n);
}

static void chk_listener(const char *n, const struct policy *p)
{
	ck_assert_msg(p->listener_path && !strcmp(p->listener_path, "/run/agent.sock"),
		      "%s: listenerPath", n);
	ck_assert_msg(p->listener_metadata && !strcmp(p->listener_metadata, "meta"),
		      "%s: listenerMetadata", n);
	ck_assert_msg(p->default_action == POLICY_ACT_NOTIFY, "%s: defaultAction", n);
}

static void chk_filters(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->includes && r->includes->n_caps == 2 &&
			      !strcmp(r->includes->caps[1], "CAP_SYS_PTRACE"),
		      "%s: includes.caps", n);
	ck_assert_msg(r->excludes && r->excludes->n_arches == 2 &&
			      !strcmp(r->excludes->arches[0], "s390x"),
		      "%s: excludes.arches", n);
	ck_assert_msg(r->comment && !strcmp(r->comment, "why"), "%s: comment", n);
}

static const struct ok_case semantic_ok_cases[] = {
	{ .name = "name with empty names",
	  .json = PROF("{'name':'mkdir','names':[],'action':'SCMP_ACT_ALLOW'}"),
	  .check = chk_name_into_names },
	{ .name = "name alone (old format)",
	  .json = PROF("{'name':'mkdir','action':'SCMP_ACT_ALLOW'}"),
	  .check = chk_name_into_names },
	{ .name = "empty name with names",
	  .json = PROF("{'name':'','names':['a'],'action':'SCMP_ACT_ALLOW'}"),
	  .check = chk_names_a },
	{ .name = "minKernel \"\" means 0.0",
	  .json = PROF(ERULE(",'includes':{'minKernel':''}")),
	  .check = chk_min_kernel_0_0 },
	{ .name = "minKernel \"4.8\"",
	  .json = PROF(ERULE(",'includes':{'minKernel':'4.8'}")),
	  .check = chk_min_kernel_4_8 },
	{ .name = "minKernel \"255.255\" in excludes",
	  .json = PROF(ERULE(",'excludes':{'minKernel':'255.255'}")),
	  .check = chk_min_kernel_255 },
	{ .name = "minKernel null",
	  .json = PROF(ERULE(",'includes':{'minKernel':'4.8','minKernel':null}")),
	  .check = chk_min_kernel_none },
	{ .name = "errnoRet with SCMP_ACT_ERRNO",
	  .json = PROF(ERULE(",'errnoRet':38")),
	  .check = chk_errno_38 },
	{ .name = "errnoRet with SCMP_ACT_TRACE",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_TRACE','errnoRet':1}"),
	  .check = chk_trace_errno },
	{ .name = "Podman errno without errnoRet",
	  .json = PROF(ERULE(",'errno':'ENOSYS'")),
	  .check = chk_errno_name_38 },
	{ .name = "errno and errnoRet agree",
	  .json = PROF(ERULE(",'errnoRet':38,'errno':'ENOSYS'")),
	  .check = chk_errno_name_38 },
	{ .name = "errno before errnoRet, agreeing",
	  .json = PROF(ERULE(",'errno':'ENOSYS','errnoRet':38")),
	  .check = chk_errno_name_38 },
	{ .name = "defaultErrno honoured",
	  .json = "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrno':'ENOSYS'}",
	  .check = chk_default_errno_38 },
	{ .name = "defaultErrnoRet with SCMP_ACT_ERRNO",
	  .json = "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':6}",
	  .check = chk_default_errno_6 },
	{ .name = "architectures and flags",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64',"
		  "'SCMP_ARCH_X86','SCMP_ARCH_X32'],'flags':['SECCOMP_FILTER_FLAG_LOG',"
		  "'SECCOMP_FILTER_FLAG_SPEC_ALLOW']}",
	  .check = chk_arches },
	{ .name = "archMap",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','archMap':[{'architecture':"
		  "'SCMP_ARCH_X86_64','subArchitectures':['SCMP_ARCH_X86','SCMP_ARCH_X32']}]}",
	  .check = chk_archmap },
	{ .name = "empty architectures with archMap",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','architectures':[],'archMap':"
		  "[{'architecture':'SCMP_ARCH_X86_64','subArchitectures':['SCMP_ARCH_X86',"
		  "'SCMP_ARCH_X32']}]}",
	  .check = chk_archmap },
	{ .name = "NOTIFY default with a listener",
	  .json = "{'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'/run/agent.sock',"
		  "'listenerMetadata':'meta'}",
	  .check = chk_listener },
	{ .name = "includes, excludes and comment",
	  .json = PROF(ERULE(",'comment':'why','includes':{'caps':['CAP_SYS_ADMIN',"
			     "'CAP_SYS_PTRACE']},'excludes':{'arches':['s390x','amd64']}")),
	  .check = chk_filters },
	{ .name = "a rule without names",
	  .json = PROF("{'names':[],'action':'SCMP_ACT_ALLOW'}"),
	  .check = chk_no_names },
	{ .name = "an empty syscalls list",
	  .json = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[]}",
	  .check = chk_no_rules },
};

START_TEST(test_semantic_ok)
{
	run_ok(&semantic_ok_cases[_i]);
}
END_TEST

/* All nine action names, as a rule's action and as defaultAction. */
static const struct action_case {
	const char *name;
	enum policy_action want;
} action_cases[] = {
	{ "SCMP_ACT_KILL", POLICY_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", POLICY_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", POLICY_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", POLICY_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", POLICY_ACT_ERRNO },
	{ "SCMP_ACT_TRACE", POLICY_ACT_TRACE },
	{ "SCMP_ACT_ALLOW", POLICY_ACT_ALLOW },
	{ "SCMP_ACT_LOG", POLICY_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", POLICY_ACT_NOTIFY },
};

START_TEST(test_actions)
{
	const struct action_case *c = &action_cases[_i];
	char json[256], name[96];
	struct policy *p;

	snprintf(name, sizeof(name), "rule action %s", c->name);
	snprintf(json, sizeof(json), PROF("{'names':['mkdir'],'action':'%s'}"), c->name);
	p = must_parse(name, json, false);
	ck_assert_msg(rule_n(name, p, 0)->action == c->want, "%s: action %d, want %d", name,
		      p->rules[0].action, c->want);
	ck_assert_msg(policy_action_from_string(c->name) == c->want,
		      "%s: policy_action_from_string", name);
	policy_free(p);

	snprintf(name, sizeof(name), "defaultAction %s", c->name);
	snprintf(json, sizeof(json),
		 "{'defaultAction':'%s','syscalls':[{'names':['getpid'],"
		 "'action':'SCMP_ACT_ALLOW'}]}",
		 c->name);
	p = must_parse(name, json, false);
	ck_assert_msg(p->enabled && p->default_action == c->want, "%s: defaultAction %d, want %d",
		      name, p->default_action, c->want);
	policy_free(p);
}
END_TEST

/* All seven comparison operators. */
static const struct op_case {
	const char *name;
	enum policy_op want;
} op_cases[] = {
	{ "SCMP_CMP_NE", POLICY_OP_NE },
	{ "SCMP_CMP_LT", POLICY_OP_LT },
	{ "SCMP_CMP_LE", POLICY_OP_LE },
	{ "SCMP_CMP_EQ", POLICY_OP_EQ },
	{ "SCMP_CMP_GE", POLICY_OP_GE },
	{ "SCMP_CMP_GT", POLICY_OP_GT },
	{ "SCMP_CMP_MASKED_EQ", POLICY_OP_MASKED_EQ },
};

START_TEST(test_ops)
{
	const struct op_case *c = &op_cases[_i];
	const struct policy_rule *r;
	char json[256];
	struct policy *p;

	snprintf(json, sizeof(json), AROW("{'index':3,'value':4,'valueTwo':5,'op':'%s'}"), c->name);
	p = must_parse(c->name, json, false);
	r = rule_n(c->name, p, 0);
	ck_assert_msg(r->n_args == 1 && r->args[0].op == c->want && r->args[0].index == 3 &&
			      r->args[0].value == 4 && r->args[0].value_two == 5,
		      "%s: op %d, want %d", c->name, r->n_args ? r->args[0].op : -1, c->want);
	ck_assert_msg(!strcmp(policy_op_to_string(c->want), c->name), "%s: policy_op_to_string",
		      c->name);
	ck_assert_msg(policy_op_from_string(c->name) == c->want, "%s: policy_op_from_string",
		      c->name);
	policy_free(p);
}
END_TEST

/* ---- callgate extensions: paths, addresses, log, audit ------------------ */

static void chk_paths(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->n_paths == 5, "%s: %zu paths", n, r->n_paths);
	ck_assert_msg(!strcmp(r->paths[0], "/usr/**") && !strcmp(r->paths[1], "!/etc/shadow") &&
			      !strcmp(r->paths[4], "/a/[!x]b"),
		      "%s: paths", n);
}

static void chk_addresses(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->n_addresses == 7, "%s: %zu addresses", n, r->n_addresses);
	ck_assert_msg(!strcmp(r->addresses[0], "unix:/run/app.sock") &&
			      !strcmp(r->addresses[6], "!inet:10.0.0.0/8:*"),
		      "%s: addresses", n);
	/* compiled at load, one per pattern */
	ck_assert_msg(r->addr_patterns, "%s: not compiled", n);
	ck_assert_msg(r->addr_patterns[0].kind == ADDR_PATTERN_UNIX &&
			      r->addr_patterns[1].kind == ADDR_PATTERN_ABSTRACT &&
			      r->addr_patterns[2].kind == ADDR_PATTERN_INET &&
			      r->addr_patterns[2].prefix == 8 && r->addr_patterns[6].exclude,
		      "%s: compiled", n);
}

static void chk_addresses_last(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->n_addresses == 1 && r->addr_patterns &&
			      r->addr_patterns[0].kind == ADDR_PATTERN_INET6,
		      "%s: the last addresses, compiled", n);
}

static void chk_log_audit(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->log && r->audit, "%s: log %d audit %d", n, r->log, r->audit);
}

static void chk_log_only(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->log && !r->audit, "%s: log %d audit %d", n, r->log, r->audit);
}

static void chk_paths_last(const char *n, const struct policy *p)
{
	const struct policy_rule *r = rule_n(n, p, 0);

	ck_assert_msg(r->n_paths == 1 && !strcmp(r->paths[0], "/ok"), "%s: paths", n);
}

static const struct ok_case ext_ok_cases[] = {
	{ .name = "paths accepted",
	  .json = PROF(ERULE(",'paths':['/usr/**','!/etc/shadow','/etc/ld.so.cache',"
			     "'/srv/data/*.txt','/a/[!x]b']")),
	  .check = chk_paths },
	{ .name = "path / and classes",
	  .json = PROF(ERULE(",'paths':['/','/**','/a/[^x]?','/a/[]]','/a/*/b/**']")) },
	/* with 'inet6:[fe80::]/10:1024-65535' too: see regressions */
	{ .name = "addresses accepted",
	  .json = PROF(ERULE(",'addresses':['unix:/run/app.sock','unix:@abstract',"
			     "'inet:127.0.0.0/8:5432','inet:*:53','inet6:[::1]:*',"
			     "'inet6:[fe80::1]:1024-65535','!inet:10.0.0.0/8:*']")),
	  .check = chk_addresses },
	{ .name = "addresses with wildcards and ranges",
	  .json = PROF(ERULE(",'addresses':['inet:0.0.0.0/0:0-65535','inet6:[*]:443',"
			     "'!unix:/run/*.sock','unix:@/tmp/.X11-unix/X*']")) },
	{ .name = "log and audit",
	  .json = PROF(ERULE(",'log':true,'audit':true")),
	  .check = chk_log_audit },
	{ .name = "log false then true, audit null",
	  .json = PROF(ERULE(",'log':false,'log':true,'audit':null")),
	  .check = chk_log_only },
	{ .name = "audit on an allowing rule warns",
	  .json = PROF("{'names':['mkdir'],'action':'SCMP_ACT_ALLOW','audit':true}"),
	  .warn = "has no effect",
	  .warn_at = "{'names'" },
	{ .name = "patterns without names warn",
	  .json = PROF("{'names':[],'action':'SCMP_ACT_ERRNO','paths':['/x']}"),
	  .warn = "names no syscall" },
	{ .name = "only the last addresses is compiled",
	  .json = PROF(ERULE(",'addresses':['tcp:x','inet:*:1'],'Addresses':['inet6:[::1]:*']")),
	  .check = chk_addresses_last },
	{ .name = "only the last paths is checked",
	  .json = PROF(ERULE(",'paths':['relative'],'paths':['/ok']")),
	  .check = chk_paths_last },
};

START_TEST(test_ext_ok)
{
	run_ok(&ext_ok_cases[_i]);
}
END_TEST

static const struct bad_case ext_bad_cases[] = {
	{ .name = "path relative",
	  .json = PROF(ERULE(",'paths':['/ok','relative']")),
	  .at = "'relative'",
	  .msg = "absolute" },
	{ .name = "path excluded relative",
	  .json = PROF(ERULE(",'paths':['!relative']")),
	  .at = "'!relative'",
	  .msg = "absolute" },
	{ .name = "path empty",
	  .json = PROF(ERULE(",'paths':['/ok','']")),
	  .at = "'']",
	  .msg = "absolute" },
	{ .name = "path //",
	  .json = PROF(ERULE(",'paths':['/ok','/a//b']")),
	  .at = "'/a//b'",
	  .msg = "'//'" },
	{ .name = "path ..",
	  .json = PROF(ERULE(",'paths':['/ok','/a/../b']")),
	  .at = "'/a/../b'",
	  .msg = "'..'" },
	{ .name = "path .",
	  .json = PROF(ERULE(",'paths':['/a/./b']")),
	  .at = "'/a/./b'",
	  .msg = "'.'" },
	{ .name = "path trailing /",
	  .json = PROF(ERULE(",'paths':['/ok','/a/b/']")),
	  .at = "'/a/b/'",
	  .msg = "trailing" },
	{ .name = "path ** inside a component",
	  .json = PROF(ERULE(",'paths':['/ok','/a**/b']")),
	  .at = "'/a**/b'",
	  .msg = "whole path component" },
	{ .name = "path unterminated class",
	  .json = PROF(ERULE(",'paths':['/ok','/a/[b']")),
	  .at = "'/a/[b'",
	  .msg = "unterminated" },
	{ .name = "path on a later line",
	  .json = PROF(ERULE(",'paths':[\n'/ok',\n    '/x/']")),
	  .line = 3,
	  .col = 5,
	  .msg = "invalid pattern \"/x/\"" },
	{ .name = "address tcp:",
	  .json = PROF(ERULE(",'addresses':['inet:*:53','tcp:1.2.3.4:80']")),
	  .at = "'tcp:",
	  .msg = "unix:, inet: or inet6:" },
	{ .name = "address without port",
	  .json = PROF(ERULE(",'addresses':['inet:*:53','inet:1.2.3.4']")),
	  .at = "'inet:1.2.3.4'",
	  .msg = "invalid pattern" },
	{ .name = "address port 70000",
	  .json = PROF(ERULE(",'addresses':['inet:*:53','inet:1.2.3.4:70000']")),
	  .at = "'inet:1.2.3.4:70000'",
	  .msg = "65535" },
	{ .name = "address prefix /33",
	  .json = PROF(ERULE(",'addresses':['inet:*:53','inet:1.2.3.4/33:80']")),
	  .at = "'inet:1.2.3.4/33:80'",
	  .msg = "prefix" },
	{ .name = "address inet6 without brackets",
	  .json = PROF(ERULE(",'addresses':['inet:*:53','inet6:::1:80']")),
	  .at = "'inet6:::1:80'",
	  .msg = "inet6:[ADDR]" },
	{ .name = "address unix relative",
	  .json = PROF(ERULE(",'addresses':['inet:*:53','unix:relative']")),
	  .at = "'unix:relative'",
	  .msg = "absolute" },
	{ .name = "address empty abstract name",
	  .json = PROF(ERULE(",'addresses':['unix:@']")),
	  .at = "'unix:@'",
	  .msg = "abstract" },
	{ .name = "address port range reversed",
	  .json = PROF(ERULE(",'addresses':['inet6:[::1]:80-70']")),
	  .at = "'inet6",
	  .msg = "LO <= HI" },
	{ .name = "address bad IPv4",
	  .json = PROF(ERULE(",'addresses':['inet:1.2.3:80']")),
	  .at = "'inet:",
	  .msg = "IPv4" },
	{ .name = "address IPv6 in inet:",
	  .json = PROF(ERULE(",'addresses':['inet:[::1]:80']")),
	  .at = "'inet:",
	  .msg = "IPv4" },
	{ .name = "address * with prefix",
	  .json = PROF(ERULE(",'addresses':['inet:*/8:80']")),
	  .at = "'inet:",
	  .msg = "prefix" },
	{ .name = "address '!' inside unix:",
	  .json = PROF(ERULE(",'addresses':['inet:*:53','unix:!/run/x']")),
	  .at = "'unix:!",
	  .msg = "in front of" },
	{ .name = "address inet6 with two prefixes",
	  .json = PROF(ERULE(",'addresses':['inet6:[::1/64]/32:80']")),
	  .at = "'inet6",
	  .msg = "two prefix" },
	{ .name = "address on a later line",
	  .json = PROF(ERULE(",'addresses':[\n'inet:*:53',\n   'inet:1.2.3.4:x']")),
	  .line = 3,
	  .col = 4,
	  .msg = "invalid pattern \"inet:1.2.3.4:x\": port must be a number" },
	{ .name = "log is a string",
	  .json = PROF(ERULE(",'log':'yes'")),
	  .at = "'yes'",
	  .msg = "log: expected true or false, got a string" },
	{ .name = "audit is a number",
	  .json = PROF(ERULE(",'audit':1")),
	  .at = "1}",
	  .msg = "audit" },
	{ .name = "paths is a string",
	  .json = PROF(ERULE(",'paths':'/x'")),
	  .at = "'/x'",
	  .msg = "paths" },
	{ .name = "addresses element is a number",
	  .json = PROF(ERULE(",'addresses':[53]")),
	  .at = "53",
	  .msg = "addresses" },
};

START_TEST(test_ext_bad)
{
	run_bad(&ext_bad_cases[_i]);
}
END_TEST

/* ---- shared profiles ---------------------------------------------------- */

#define REFUSED_PROFILE "moby-profiles_fixture_example_name-field_masked-eq_errnoRet.json"

static char shared_dir[4096];
static char *profile_names[512];
static size_t n_profiles;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the *.json files of $CALLGATE_SHARED/profiles (README.md and
 * SOURCES.md there are documentation, not profiles). */
static void find_profiles(void)
{
	const char *base = getenv("CALLGATE_SHARED");
	struct dirent *d;
	DIR *dir;

	snprintf(shared_dir, sizeof(shared_dir), "%s/profiles", base && *base ? base : "../shared");
	dir = opendir(shared_dir);
	if (!dir)
		return;
	while ((d = readdir(dir)) && n_profiles < ARRAY_SIZE(profile_names)) {
		size_t len = strlen(d->d_name);

		if (len > 5 && !strcmp(d->d_name + len - 5, ".json"))
			profile_names[n_profiles++] = strdup(d->d_name);
	}
	closedir(dir);
	qsort(profile_names, n_profiles, sizeof(profile_names[0]), cmp_str);
}

/* Parse shared profile @i; returns the parser's result. */
static int parse_profile(size_t i, struct policy_error *e)
{
	char path[8192];
	struct policy *p;
	size_t len = 0;
	char *buf;
	int r;

	snprintf(path, sizeof(path), "%s/%s", shared_dir, profile_names[i]);
	buf = read_whole(path, &len);
	ck_assert_msg(buf, "%s: cannot read", path);
	r = parse_len(profile_names[i], buf, len, &p, e);
	if (r == 0)
		policy_free(p);
	free(buf);
	return r;
}

START_TEST(test_profile_file)
{
	const char *name = profile_names[_i];
	struct policy_error e;
	int r = parse_profile(_i, &e);

	ck_assert_msg(r == 0 || r == -EINVAL, "%s: got %d", name, r);
	if (r == 0)
		return;
	ck_assert_msg(e.pos.line >= 1 && e.pos.column >= 1 && e.msg[0],
		      "%s: refused without position or message (%u:%u \"%s\")", name, e.pos.line,
		      e.pos.column, e.msg);
}
END_TEST

START_TEST(test_profile_dir)
{
	size_t refused = 0;
	const char *which = "";

	ck_assert_msg(n_profiles >= 30, "%s: %zu profiles, want at least 30", shared_dir,
		      n_profiles);
	for (size_t i = 0; i < n_profiles; i++) {
		struct policy_error e;

		if (parse_profile(i, &e) != 0) {
			refused++;
			which = profile_names[i];
		}
	}
	ck_assert_msg(refused == 1 && !strcmp(which, REFUSED_PROFILE),
		      "%zu profiles refused (last: %s), want only " REFUSED_PROFILE, refused,
		      which);
}
END_TEST

START_TEST(test_profile_errno_ret_12345)
{
	char path[8192];
	struct policy_error e;
	size_t len = 0;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", shared_dir, REFUSED_PROFILE);
	buf = read_whole(path, &len);
	ck_assert_msg(buf, "%s: cannot read", path);
	must_fail(REFUSED_PROFILE, buf, len, &e);
	/* line 30: `            "errnoRet": 12345,` */
	assert_pos(REFUSED_PROFILE, &e, (struct policy_pos){ 30, 25 });
	assert_msg_has(REFUSED_PROFILE, &e, "4095");
	assert_msg_has(REFUSED_PROFILE, &e, "12345");
	free(buf);
}
END_TEST

START_TEST(test_default_policy)
{
	static const char path[] = "policies/default.json";
	struct policy_error e;
	struct policy *p;
	size_t len = 0;
	char *buf = read_whole(path, &len);
	int r;

	ck_assert_msg(buf, "%s: cannot read (run from the project root)", path);
	r = parse_len(path, buf, len, &p, &e);
	ck_assert_msg(r == 0, "%s:%u:%u: %s", path, e.pos.line, e.pos.column, e.msg);
	ck_assert_msg(p->n_warnings == 0, "%s: %zu warnings, first %u:%u: %s", path, p->n_warnings,
		      p->warnings[0].pos.line, p->warnings[0].pos.column, p->warnings[0].msg);
	ck_assert_msg(p->enabled && p->default_action == POLICY_ACT_ERRNO &&
			      p->has_default_errno_ret && p->default_errno_ret == 1,
		      "%s: defaultAction", path);
	ck_assert_msg(p->n_rules > 0, "%s: no rules", path);
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t k = 0; k < p->rules[i].n_args; k++)
			ck_assert_msg(p->rules[i].args[k].index <= 5, "%s: rule %zu arg %zu", path,
				      i, k);
	policy_free(p);
	free(buf);
}
END_TEST

/* ---- robustness and the small API --------------------------------------- */

START_TEST(test_free_null)
{
	policy_free(NULL);
}
END_TEST

/* @n copies of @unit, between @head and @tail. */
static char *repeat(const char *head, const char *unit, size_t n, const char *sep, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), sl = strlen(sep);
	size_t tl = strlen(tail);
	char *s = malloc(hl + n * (ul + sl) + tl + 1), *q;

	ck_assert_ptr_nonnull(s);
	q = s;
	memcpy(q, head, hl);
	q += hl;
	for (size_t i = 0; i < n; i++) {
		memcpy(q, unit, ul);
		q += ul;
		if (i + 1 < n) {
			memcpy(q, sep, sl);
			q += sl;
		}
	}
	memcpy(q, tail, tl + 1);
	return s;
}

START_TEST(test_deep_nesting)
{
	static const struct {
		const char *name, *head, *unit, *tail;
	} rows[] = {
		{ "600 [ at the top", "", "[", "" },
		{ "600 [ in an unknown key", "{\"x\":", "[", "" },
		{ "600 { in an unknown key", "{\"x\":", "{\"a\":", "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_error e;
		char *s = repeat(rows[i].head, rows[i].unit, 600, "", rows[i].tail);

		must_fail(rows[i].name, s, strlen(s), &e);
		assert_msg_has(rows[i].name, &e, "nesting");
		free(s);
	}
}
END_TEST

START_TEST(test_moderate_nesting)
{
	/* 100 levels inside an ignored key are fine */
	char *open = repeat("{\"x\":", "[", 100, "", "");
	char *all = repeat(open, "]", 100, "", "}");
	struct policy_error e;
	struct policy *p;
	int r = parse_text("100 levels", all, &p, &e);

	ck_assert_msg(r == 0, "100 levels: %d %u:%u %s", r, e.pos.line, e.pos.column, e.msg);
	policy_free(p);
	free(all);
	free(open);
}
END_TEST

START_TEST(test_many_rules)
{
	const size_t n = 2000;
	char *json = malloc(n * 160 + 128), *q = json;
	struct policy_error e;
	struct policy *p;
	int r;

	ck_assert_ptr_nonnull(json);
	q += sprintf(q, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[");
	for (size_t i = 0; i < n; i++)
		q += sprintf(q,
			     "%s\n{\"names\":[\"s%zu\"],\"action\":\"SCMP_ACT_ALLOW\","
			     "\"args\":[{\"index\":%zu,\"value\":%zu,\"op\":\"SCMP_CMP_EQ\"}]}",
			     i ? "," : "", i, i % 6, i);
	strcpy(q, "]}");
	r = parse_text("2000 rules", json, &p, &e);
	ck_assert_msg(r == 0, "2000 rules: %d %u:%u %s", r, e.pos.line, e.pos.column, e.msg);
	ck_assert_uint_eq(p->n_rules, n);
	for (size_t i = 0; i < n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "s%zu", i);
		ck_assert_msg(p->rules[i].n_names == 1 && !strcmp(p->rules[i].names[0], want) &&
				      p->rules[i].args[0].value == i &&
				      p->rules[i].pos.line == i + 2,
			      "rule %zu", i);
	}
	policy_free(p);
	free(json);
}
END_TEST

START_TEST(test_too_many_rules)
{
	char *json = repeat("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[", "{}",
			    POLICY_RULES_MAX + 1, ",", "]}");
	struct policy_error e;

	must_fail("65537 rules", json, strlen(json), &e);
	assert_msg_has("65537 rules", &e, "more than 65536");
	free(json);
}
END_TEST

START_TEST(test_warning_cap)
{
	char *json = repeat("{", "\"k\":1", 300, ",", "}");
	struct policy_error e;
	struct policy *p;
	int r = parse_text("300 unknown keys", json, &p, &e);

	ck_assert_int_eq(r, 0);
	/* 256 warnings, then one saying the rest are not shown */
	ck_assert_uint_eq(p->n_warnings, POLICY_WARNINGS_MAX + 1);
	ck_assert_msg(strstr(p->warnings[POLICY_WARNINGS_MAX].msg, "more than"), "last warning: %s",
		      p->warnings[POLICY_WARNINGS_MAX].msg);
	policy_free(p);
	free(json);
}
END_TEST

START_TEST(test_too_big)
{
	size_t len = POLICY_FILE_MAX + 1;
	char *buf = malloc(len);
	struct policy_error e = { 0 };
	struct policy *p = NULL;

	ck_assert_ptr_nonnull(buf);
	memset(buf, ' ', len);
	buf[0] = '{';
	buf[len - 1] = '}';
	ck_assert_int_eq(policy_parse_buf(buf, len, "big", &p, &e), -EFBIG);
	ck_assert_ptr_null(p);
	ck_assert_msg(e.msg[0], "no message");
	free(buf);
}
END_TEST

START_TEST(test_len_not_strlen)
{
	static const char text[] = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"} trailing junk";
	struct policy_error e;
	struct policy *p;
	int r = parse_len("length excludes junk", text, 34, &p, &e);

	ck_assert_msg(r == 0, "%d %s", r, e.msg);
	ck_assert_int_eq(p->default_action, POLICY_ACT_ALLOW);
	policy_free(p);
	/* a NUL byte inside the given length is not the end */
	must_fail("embedded NUL", "{}\0{}", 5, &e);
	assert_pos("embedded NUL", &e, (struct policy_pos){ 1, 3 });
	assert_msg_has("embedded NUL", &e, "control character");
}
END_TEST

START_TEST(test_null_error_and_filename)
{
	static const char bad[] = "{\"defaultAction\":1}";
	static const char good[] = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}";
	struct policy *p = NULL;

	ck_assert_int_eq(policy_parse_buf(bad, strlen(bad), "x", &p, NULL), -EINVAL);
	ck_assert_int_eq(policy_parse_buf("[", 1, "x", &p, NULL), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(policy_parse_buf(good, strlen(good), NULL, &p, NULL), 0);
	ck_assert_str_eq(p->filename, "<policy>");
	policy_free(p);
	ck_assert_int_eq(policy_parse_buf(good, strlen(good), "f.json", &p, NULL), 0);
	ck_assert_str_eq(p->filename, "f.json");
	policy_free(p);
}
END_TEST

START_TEST(test_positions_recorded)
{
	struct policy *p = must_parse(
		"positions",
		"{\n 'defaultAction': 'SCMP_ACT_ERRNO',\n 'defaultErrnoRet': 1,\n"
		" 'syscalls': [\n  {\n   'names': ['mkdir'],\n   'action': 'SCMP_ACT_ERRNO',\n"
		"   'errnoRet': 2,\n   'args': [ {'index': 0, 'op': 'SCMP_CMP_EQ'} ]\n  }\n ]\n}",
		false);
	const struct policy_rule *r = rule_n("positions", p, 0);

	ck_assert_uint_eq(p->default_action_pos.line, 2);
	ck_assert_uint_eq(p->default_action_pos.column, 19);
	ck_assert_uint_eq(p->default_errno_pos.line, 3);
	ck_assert_uint_eq(p->default_errno_pos.column, 21);
	ck_assert_uint_eq(r->pos.line, 5);
	ck_assert_uint_eq(r->pos.column, 3);
	ck_assert_uint_eq(r->action_pos.line, 7);
	ck_assert_uint_eq(r->action_pos.column, 14);
	ck_assert_uint_eq(r->errno_pos.line, 8);
	ck_assert_uint_eq(r->errno_pos.column, 16);
	ck_assert_uint_eq(r->args[0].pos.line, 9);
	ck_assert_uint_eq(r->args[0].pos.column, 14);
	policy_free(p);
}
END_TEST

/* The column of byte @off: characters since the line's start, counted
 * the slow way. */
static unsigned naive_column(const char *text, size_t off)
{
	unsigned col = 1;

	for (size_t k = 0; k < off; k++) {
		if (text[k] == '\n')
			col = 1;
		else if (((unsigned char)text[k] & 0xc0) != 0x80)
			col++;
	}
	return col;
}

START_TEST(test_positions_on_long_lines)
{
	/* Positions come from an index (lines, and characters every 256
	 * bytes): right on a line thousands of characters long, with
	 * two-byte characters before, across index steps and lines. */
	static const char *const keys[] = { "\"k1\"", "\"k2\"", "\"k3\"", "\"k4\"" };
	char text[16384];
	size_t n = 0;
	struct policy_error e;
	struct policy *p;

	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"k1\": \"");
	for (int i = 0; i < 700; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\xc3\xa9"); /* é */
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\", \"k2\": 1,%*s\"k3\": 2,\n", 517, "");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%*s\"k4\": 3}", 1000, "");
	ck_assert_int_eq(parse_text("long lines", text, &p, &e), 0);
	ck_assert_uint_eq(p->n_warnings, 4);
	for (size_t i = 0; i < 4; i++) {
		size_t off = (size_t)(strstr(text, keys[i]) - text);

		ck_assert_msg(strstr(p->warnings[i].msg, keys[i]) != NULL, "warning %zu: %s", i,
			      p->warnings[i].msg);
		ck_assert_uint_eq(p->warnings[i].pos.line, i < 3 ? 1 : 2);
		ck_assert_uint_eq(p->warnings[i].pos.column, naive_column(text, off));
	}
	policy_free(p);
}
END_TEST

START_TEST(test_error_format)
{
	struct policy_error e = { .pos = { 3, 14 } };
	char buf[64];

	snprintf(e.msg, sizeof(e.msg), "bad");
	policy_error_format("f.json", &e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "f.json:3:14: bad");
	e.pos = (struct policy_pos){ 0, 0 };
	policy_error_format("f.json", &e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "f.json: bad");
}
END_TEST

/* What runc refuses of a profile for runtimes (one with listenerPath). */
START_TEST(test_runc_refusal)
{
	static const struct {
		const char *json;
		unsigned line, column; /* 0: accepted */
	} rows[] = {
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/s\",\n"
		  " \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": "
		  "\"SCMP_ACT_NOTIFY\"}]}",
		  2, 54 },
		{ "{\"listenerPath\": \"/s\",\n \"defaultAction\": \"SCMP_ACT_NOTIFY\"}", 2, 19 },
		/* callgate's own use: no listenerPath, callgate hands it over */
		{ "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", 0, 0 },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"write\"],"
		  " \"action\": \"SCMP_ACT_NOTIFY\"}]}",
		  0, 0 },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/s\", \"syscalls\": "
		  "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
		  0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy *p = must_parse("runc refusal", rows[i].json, true);
		struct policy_error e = { 0 };
		int r = policy_runc_refusal(p, &e);

		if (!rows[i].line) {
			ck_assert_msg(r == 0, "row %zu: %s", i, e.msg);
		} else {
			ck_assert_int_eq(r, -EINVAL);
			ck_assert_msg(e.pos.line == rows[i].line && e.pos.column == rows[i].column,
				      "row %zu: %u:%u: %s", i, e.pos.line, e.pos.column, e.msg);
			ck_assert_ptr_nonnull(strstr(e.msg, "runc refuses"));
		}
		policy_free(p);
	}
}
END_TEST

START_TEST(test_name_tables)
{
	ck_assert_str_eq(policy_action_to_string(POLICY_ACT_KILL_THREAD), "SCMP_ACT_KILL_THREAD");
	ck_assert_str_eq(policy_action_to_string(POLICY_ACT_NOTIFY), "SCMP_ACT_NOTIFY");
	ck_assert_ptr_null(policy_action_to_string(POLICY_ACT_MAX));
	ck_assert_ptr_null(policy_action_to_string(POLICY_ACT_INVALID));
	ck_assert_int_eq(policy_action_from_string(""), POLICY_ACT_INVALID);
	ck_assert_int_eq(policy_action_from_string("SCMP_ACT_ALLOW "), POLICY_ACT_INVALID);
	ck_assert_ptr_null(policy_op_to_string(POLICY_OP_MAX));
	ck_assert_ptr_null(policy_op_to_string(POLICY_OP_INVALID));
	ck_assert_int_eq(policy_op_from_string("SCMP_CMP_MASKED"), POLICY_OP_INVALID);
	ck_assert(policy_action_denies(POLICY_ACT_ERRNO));
	ck_assert(policy_action_denies(POLICY_ACT_KILL_PROCESS));
	ck_assert(policy_action_denies(POLICY_ACT_TRACE));
	ck_assert(!policy_action_denies(POLICY_ACT_ALLOW));
	ck_assert(!policy_action_denies(POLICY_ACT_LOG));
	ck_assert(!policy_action_denies(POLICY_ACT_NOTIFY));
	ck_assert(policy_arch_known("SCMP_ARCH_X86_64"));
	ck_assert(policy_arch_known("SCMP_ARCH_LOONGARCH64"));
	ck_assert(!policy_arch_known("amd64"));
	ck_assert(!policy_arch_known("scmp_arch_x86_64"));
}
END_TEST

/* ---- regressions ------------------------------------------------------- */

/*
 * Regressions: bugs found in lib/ and fixed.  Each says what Docker does.
 */

/* A condition without "op" (or with "op": null, or a null element of
 * "args") reaches runc with Op "", which runc refuses ("not a valid
 * operator"); lib/policy.c once took it as SCMP_CMP_NE because a zeroed
 * struct policy_arg has op == POLICY_OP_NE (0). */
static const struct bad_case regression_bad_cases[] = {
	{ .name = "regression: missing op",
	  .json = AROW("{'index':0,'value':1}"),
	  .at = "{'index'",
	  .msg = "no \"op\"" },
	{ .name = "regression: op null", .json = AROW("{'index':0,'op':null}"), .msg = "op" },
	{ .name = "regression: null element in args", .json = AROW("null"), .msg = "op" },
	/* Go keeps Index 4294967296 (the null leaves it), runc refuses it;
	 * dec_arg() once truncated it to unsigned 0 before the null. */
	{ .name = "regression: index 2^32 then null",
	  .json = AROW("{'index':4294967296,'index':null,'op':'SCMP_CMP_EQ'}"),
	  .msg = "index" },
};

/* lib/pattern.c, address_pattern_check() once refused every inet6 prefix
 * ("[ADDR]/PREFIX:PORT"): the ':' before the port was overwritten with '\0'
 * to end the prefix, then checked to be ':'. */
static const struct ok_case regression_ok_cases[] = {
	{ .name = "regression: addresses accepted, inet6 with a prefix",
	  .json = PROF(ERULE(",'addresses':['unix:/run/app.sock','unix:@abstract',"
			     "'inet:127.0.0.0/8:5432','inet:*:53','inet6:[::1]:*',"
			     "'inet6:[fe80::]/10:1024-65535','!inet:10.0.0.0/8:*']")),
	  .check = chk_addresses },
	{ .name = "regression: inet6 prefix with a wildcard port",
	  .json = PROF(ERULE(",'addresses':['inet6:[2001:db8::]/32:*']")) },
};

START_TEST(test_regression_ok)
{
	run_ok(&regression_ok_cases[_i]);
}
END_TEST

START_TEST(test_regression_bad)
{
	run_bad(&regression_bad_cases[_i]);
}
END_TEST

/*
 * regression: "\u0000" in a string.  Go keeps the NUL: the key
 * "defaultAction\u0000x" is an unknown key (seccomp stays off), the name
 * "mkdir\u0000x" matches no syscall.  cJSON cuts the string at the NUL, so
 * callgate reads "defaultAction" and "mkdir".  Refusing \u0000 (json.c,
 * scan_string()) would be the simple fix.
 */
static bool cut_key(const struct policy *p)
{
	return p->enabled; /* "defaultAction\0x" was taken for defaultAction */
}

static bool cut_name(const struct policy *p)
{
	return p->n_rules == 1 && p->rules[0].n_names == 1 &&
	       !strcmp(p->rules[0].names[0], "mkdir");
}

static const struct nul_case {
	const char *name;
	const char *json;
	/* true if the parsed policy shows the string was cut at the NUL */
	bool (*cut)(const struct policy *p);
} nul_cases[] = {
	{ "regression: \\u0000 in a key", "{\"defaultAction\\u0000x\":\"SCMP_ACT_ALLOW\"}",
	  cut_key },
	{ "regression: \\u0000 in a name",
	  "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
	  "[\"mkdir\\u0000x\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	  cut_name },
};

START_TEST(test_regression_nul_escape)
{
	const struct nul_case *c = &nul_cases[_i];
	struct policy_error e;
	struct policy *p;
	bool cut;

	if (parse_text(c->name, c->json, &p, &e) != 0) {
		ck_assert_msg(strstr(e.msg, "\\u0000") != NULL, "%s: refused with \"%s\"", c->name,
			      e.msg);
		return;
	}
	cut = c->cut(p);
	policy_free(p);
	ck_assert_msg(!cut, "%s: the string was cut at the NUL", c->name);
}
END_TEST

static void check_fuzz_input(const char *name, const char *buf, size_t len)
{
	struct policy_error e;
	struct policy *p = NULL;
	int r = policy_parse_buf(buf, len, name, &p, &e);

	ck_assert_msg(r == 0 || r == -EINVAL, "%s: %d", name, r);
	policy_free(p);
}

/* Inputs the fuzzer found slow or worse: parsed, with the answer Docker's
 * rules give (the slow ones: a 40 KB line of unknown keys, each warned
 * about at its column, once quadratic). */
START_TEST(test_fuzz_regressions)
{
	ck_assert_uint_ge(fuzzreg_each("policy-", check_fuzz_input), 1);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("files");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_profile_dir);
	tcase_add_loop_test(tc, test_profile_file, 0, (int)n_profiles);
	tcase_add_test(tc, test_profile_errno_ret_12345);
	tcase_add_test(tc, test_default_policy);
	suite_add_tcase(s, tc);

	tc = tcase_create("uint64");
	tcase_add_loop_test(tc, test_uint_ok, 0, ARRAY_SIZE(uint_ok_cases));
	tcase_add_loop_test(tc, test_uint_bad, 0, ARRAY_SIZE(num_fields) * ARRAY_SIZE(num_forms));
	suite_add_tcase(s, tc);

	tc = tcase_create("go");
	tcase_add_loop_test(tc, test_go, 0, ARRAY_SIZE(go_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_loop_test(tc, test_syntax, 0, ARRAY_SIZE(syntax_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("semantic");
	tcase_add_loop_test(tc, test_semantic_bad, 0, ARRAY_SIZE(semantic_cases));
	tcase_add_loop_test(tc, test_semantic_ok, 0, ARRAY_SIZE(semantic_ok_cases));
	tcase_add_loop_test(tc, test_actions, 0, ARRAY_SIZE(action_cases));
	tcase_add_loop_test(tc, test_ops, 0, ARRAY_SIZE(op_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("extensions");
	tcase_add_loop_test(tc, test_ext_ok, 0, ARRAY_SIZE(ext_ok_cases));
	tcase_add_loop_test(tc, test_ext_bad, 0, ARRAY_SIZE(ext_bad_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("types");
	tcase_add_loop_test(tc, test_types, 0, ARRAY_SIZE(type_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_free_null);
	tcase_add_test(tc, test_fuzz_regressions);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_moderate_nesting);
	tcase_add_test(tc, test_many_rules);
	tcase_add_test(tc, test_too_many_rules);
	tcase_add_test(tc, test_warning_cap);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_len_not_strlen);
	tcase_add_test(tc, test_null_error_and_filename);
	tcase_add_test(tc, test_positions_recorded);
	tcase_add_test(tc, test_positions_on_long_lines);
	tcase_add_test(tc, test_error_format);
	tcase_add_test(tc, test_name_tables);
	tcase_add_test(tc, test_runc_refusal);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_loop_test(tc, test_regression_bad, 0, ARRAY_SIZE(regression_bad_cases));
	tcase_add_loop_test(tc, test_regression_ok, 0, ARRAY_SIZE(regression_ok_cases));
	tcase_add_loop_test(tc, test_regression_nul_escape, 0, ARRAY_SIZE(nul_cases));
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	find_profiles();
	sr = srunner_create(policy_suite());
	/* CK_ENV: CK_VERBOSITY picks the output, CK_NORMAL if unset. */
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (size_t i = 0; i < n_profiles; i++)
		free(profile_names[i]);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
