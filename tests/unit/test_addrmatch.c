/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Socket addresses and the grammar of address patterns (lib/addrmatch.c):
 * decode, text and back, pattern parse (accepted and refused), match on the
 * compiled form, canonical text and round trip, exact patterns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "callgate/macro.h"
#include "testutil.h"

#include "callgate/addrmatch.h"

/* ---- addresses ---------------------------------------------------------- */

static void mk_in(struct cg_sockaddr *a, const char *ip, uint16_t port)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET, ip, &in.sin_addr), 1);
	ck_assert_int_eq(sockaddr_decode(&in, sizeof(in), a), 0);
}

static void mk_in6(struct cg_sockaddr *a, const char *ip, uint16_t port)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1);
	ck_assert_int_eq(sockaddr_decode(&in6, sizeof(in6), a), 0);
}

static void mk_un(struct cg_sockaddr *a, const char *path, bool abstract)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	size_t n = strlen(path);

	memcpy(un.sun_path + abstract, path, n);
	ck_assert_int_eq(
		sockaddr_decode(&un, offsetof(struct sockaddr_un, sun_path) + n + abstract, a), 0);
}

static bool same_sockaddr(const struct cg_sockaddr *x, const struct cg_sockaddr *y)
{
	return x->family == y->family && memcmp(x->addr, y->addr, sizeof(x->addr)) == 0 &&
	       x->port == y->port && x->abstract == y->abstract && x->unnamed == y->unnamed &&
	       x->path_len == y->path_len && strcmp(x->path, y->path) == 0;
}

/* What the kernel gives, its text, and the text parsed back. */
START_TEST(sockaddr_text_round_trip)
{
	struct cg_sockaddr a, b;
	char buf[160];
	static const struct {
		const char *name, *text;
	} rows[] = {
		{ "inet", "inet:127.0.0.1:5432" },
		{ "inet6", "inet6:[::1]:80" },
		{ "inet6 v4-mapped", "inet6:[::ffff:10.1.2.3]:443" },
		{ "unix path", "unix:/run/app.sock" },
		{ "unix abstract", "unix:@app-socket" },
		{ "unix unnamed", "unix:" },
		{ "other family", "family:16" },
	};

	mk_in(&a, "127.0.0.1", 5432);
	ck_assert_int_gt(sockaddr_format(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "inet:127.0.0.1:5432");
	ck_assert_int_eq(sockaddr_parse(buf, &b), 0);
	ck_assert(same_sockaddr(&a, &b));
	mk_in6(&a, "::1", 80);
	sockaddr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "inet6:[::1]:80");
	ck_assert_int_eq(sockaddr_parse(buf, &b), 0);
	ck_assert(same_sockaddr(&a, &b));
	mk_un(&a, "app-socket", true);
	sockaddr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "unix:@app-socket");
	ck_assert_int_eq(sockaddr_parse(buf, &b), 0);
	ck_assert(same_sockaddr(&a, &b));

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		ck_assert_msg(sockaddr_parse(rows[i].text, &a) == 0, "%s: parse", rows[i].name);
		ck_assert_msg(sockaddr_format(&a, buf, sizeof(buf)) > 0, "%s: format",
			      rows[i].name);
		ck_assert_msg(strcmp(buf, rows[i].text) == 0, "%s: \"%s\"", rows[i].name, buf);
	}
}
END_TEST

START_TEST(sockaddr_parse_refuses)
{
	static const struct {
		const char *name, *text;
	} rows[] = {
		{ "no family", "127.0.0.1:80" },
		{ "inet without port", "inet:127.0.0.1" },
		{ "inet port too big", "inet:127.0.0.1:65536" },
		{ "inet port not a number", "inet:127.0.0.1:http" },
		{ "inet bad address", "inet:1.2.3:80" },
		{ "inet6 without brackets", "inet6:::1:80" },
		{ "inet6 prefix", "inet6:[::1]/64:80" },
		{ "inet6 port wildcard", "inet6:[::1]:*" },
		{ "unix path too long",
		  "unix:/0123456789012345678901234567890123456789012345678901234567890123456789"
		  "01234567890123456789012345678901234567890123456789" },
		{ "family written as inet", "family:2" },
		{ "family not a number", "family:x" },
	};
	struct cg_sockaddr a = { .family = 99 };

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		ck_assert_msg(sockaddr_parse(rows[i].text, &a) == -EINVAL, "%s", rows[i].name);
	ck_assert_int_eq(a.family, 99); /* untouched */
}
END_TEST

START_TEST(address_decode_errors)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct cg_sockaddr a;
	char abs_with_nul[] = { AF_UNIX, 0, 0, 'a', 0, 'b' };

	ck_assert_int_eq(sockaddr_decode(&in, sizeof(in) - 1, &a), -EINVAL);
	ck_assert_int_eq(sockaddr_decode(&in, 1, &a), -EINVAL);
	ck_assert_int_eq(sockaddr_decode(abs_with_nul, sizeof(abs_with_nul), &a), -EINVAL);
}
END_TEST

/* ---- parse and format ------------------------------------------------- */

/* Accepted patterns, what they compile to, and their canonical text. */
static const struct {
	const char *name, *text;
	enum addr_pattern_kind kind;
	bool exclude, any_addr;
	unsigned prefix, lo, hi;
	const char *canonical; /* NULL: the text itself */
} ok_rows[] = {
	{ "unix path", "unix:/run/app.sock", ADDR_PATTERN_UNIX },
	{ "unix glob", "!unix:/run/*.sock", ADDR_PATTERN_UNIX, true },
	{ "unix class and **", "unix:/run/[a-c]?/**", ADDR_PATTERN_UNIX },
	{ "abstract", "unix:@abstract", ADDR_PATTERN_ABSTRACT },
	{ "abstract with '/' (matches none with '/')", "unix:@/tmp/.X11-unix/X*",
	  ADDR_PATTERN_ABSTRACT },
	{ "inet host", "inet:127.0.0.1:5432", ADDR_PATTERN_INET, false, false, 32, 5432, 5432 },
	{ "inet net", "inet:127.0.0.0/8:5432", ADDR_PATTERN_INET, false, false, 8, 5432, 5432 },
	{ "inet any", "inet:*:53", ADDR_PATTERN_INET, false, true, 0, 53, 53 },
	{ "inet excluded, any port", "!inet:10.0.0.0/8:*", ADDR_PATTERN_INET, true, false, 8, 0,
	  65535 },
	{ "inet full range is '*'", "inet:0.0.0.0/0:0-65535", ADDR_PATTERN_INET, false, false, 0, 0,
	  65535, "inet:0.0.0.0/0:*" },
	{ "inet /32 is the host", "inet:1.2.3.4/32:80", ADDR_PATTERN_INET, false, false, 32, 80, 80,
	  "inet:1.2.3.4:80" },
	{ "inet leading zeros in the port", "inet:1.2.3.4:0080", ADDR_PATTERN_INET, false, false,
	  32, 80, 80, "inet:1.2.3.4:80" },
	{ "inet6 host", "inet6:[::1]:*", ADDR_PATTERN_INET6, false, false, 128, 0, 65535 },
	{ "inet6 range", "inet6:[fe80::1]:1024-65535", ADDR_PATTERN_INET6, false, false, 128, 1024,
	  65535 },
	{ "inet6 prefix", "inet6:[fe80::]/10:1024-65535", ADDR_PATTERN_INET6, false, false, 10,
	  1024, 65535 },
	{ "inet6 prefix, any port", "inet6:[2001:db8::]/32:*", ADDR_PATTERN_INET6, false, false, 32,
	  0, 65535 },
	{ "inet6 prefix in the brackets", "inet6:[2001:db8::/32]:80", ADDR_PATTERN_INET6, false,
	  false, 32, 80, 80, "inet6:[2001:db8::]/32:80" },
	{ "inet6 any", "inet6:[*]:443", ADDR_PATTERN_INET6, false, true, 0, 443, 443 },
	{ "inet6 any with a prefix is any", "inet6:[*]/64:443", ADDR_PATTERN_INET6, false, true, 0,
	  443, 443, "inet6:[*]:443" },
	{ "inet6 long form", "inet6:[0:0:0:0:0:0:0:1]:80", ADDR_PATTERN_INET6, false, false, 128,
	  80, 80, "inet6:[::1]:80" },
	{ "inet6 v4-mapped", "inet6:[::ffff:10.0.0.1]:80", ADDR_PATTERN_INET6, false, false, 128,
	  80, 80 },
};

static bool same_pattern(const struct addr_pattern *x, const struct addr_pattern *y)
{
	return x->kind == y->kind && x->exclude == y->exclude && x->any_addr == y->any_addr &&
	       x->prefix == y->prefix && x->port_lo == y->port_lo && x->port_hi == y->port_hi &&
	       memcmp(x->addr, y->addr, sizeof(x->addr)) == 0 &&
	       (x->glob ? y->glob && strcmp(x->glob, y->glob) == 0 : !y->glob);
}

START_TEST(parse_ok)
{
	const __typeof__(ok_rows[0]) *row = &ok_rows[_i];
	struct addr_pattern p, q;
	char why[160] = "", text[256];

	ck_assert_msg(addr_pattern_parse(row->text, &p, why, sizeof(why)) == 0, "%s: %s", row->name,
		      why);
	ck_assert_msg(p.kind == row->kind && p.exclude == row->exclude, "%s: kind", row->name);
	if (row->kind == ADDR_PATTERN_INET || row->kind == ADDR_PATTERN_INET6)
		ck_assert_msg(p.any_addr == row->any_addr && p.prefix == row->prefix &&
				      p.port_lo == row->lo && p.port_hi == row->hi,
			      "%s: any %d prefix %u ports %u-%u", row->name, p.any_addr, p.prefix,
			      p.port_lo, p.port_hi);
	else
		ck_assert_msg(p.glob != NULL, "%s: glob", row->name);
	ck_assert_msg(addr_pattern_check(row->text, NULL, 0) == 0, "%s: check", row->name);

	/* canonical text, and that text parses back to the same pattern */
	ck_assert_int_gt(addr_pattern_format(&p, text, sizeof(text)), 0);
	ck_assert_msg(strcmp(text, row->canonical ? row->canonical : row->text) == 0,
		      "%s: formatted \"%s\"", row->name, text);
	ck_assert_msg(addr_pattern_parse(text, &q, why, sizeof(why)) == 0, "%s: reparse: %s",
		      row->name, why);
	ck_assert_msg(same_pattern(&p, &q), "%s: round trip", row->name);
	ck_assert_int_eq(addr_pattern_format(&p, text, 4), -ENOSPC);
	addr_pattern_done(&p);
	addr_pattern_done(&q);
}
END_TEST

/* Refused patterns, and what the reason says. */
static const struct {
	const char *name, *text, *why;
} bad_rows[] = {
	{ "no family", "127.0.0.1:80", "unix:, inet: or inet6:" },
	{ "tcp:", "tcp:1.2.3.4:80", "unix:, inet: or inet6:" },
	{ "empty", "", "unix:, inet: or inet6:" },
	{ "only '!'", "!", "unix:, inet: or inet6:" },
	{ "inet without port", "inet:1.2.3.4", "expected inet:ADDR" },
	{ "inet port 70000", "inet:1.2.3.4:70000", "65535" },
	{ "inet huge port", "inet:1.2.3.4:99999999999999999999999", "65535" },
	{ "inet port word", "inet:1.2.3.4:http", "a number" },
	{ "inet port empty", "inet:1.2.3.4:", "a number" },
	{ "inet port range open", "inet:1.2.3.4:80-", "LO-HI" },
	{ "inet port range reversed", "inet:1.2.3.4:80-70", "LO <= HI" },
	{ "inet port trailing junk", "inet:1.2.3.4:80x", "65535" },
	{ "inet prefix /33", "inet:1.2.3.4/33:80", "prefix" },
	{ "inet prefix word", "inet:1.2.3.4/x:80", "prefix length must be a number" },
	{ "inet * with prefix", "inet:*/8:80", "'*' takes no prefix" },
	{ "inet bad IPv4", "inet:1.2.3:80", "IPv4" },
	{ "inet leading zero", "inet:01.2.3.4:80", "IPv4" },
	{ "inet IPv6 inside", "inet:[::1]:80", "IPv4" },
	{ "inet too long",
	  "inet:1111111111111111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111111111111111111111111111111111111111111:1",
	  "too long" },
	{ "inet6 without brackets", "inet6:::1:80", "inet6:[ADDR]" },
	{ "inet6 without port", "inet6:[::1]", "inet6:[ADDR]" },
	{ "inet6 junk after ]", "inet6:[::1]x:80", "inet6:[ADDR]" },
	{ "inet6 prefix without port", "inet6:[::1]/64", "inet6:[ADDR]" },
	{ "inet6 prefix /129", "inet6:[::1]/129:80", "prefix" },
	{ "inet6 two prefixes", "inet6:[::1/64]/32:80", "two prefix" },
	{ "inet6 * with prefix inside", "inet6:[*/64]:80", "'*' takes no prefix" },
	{ "inet6 bad address", "inet6:[::g]:80", "IPv6" },
	{ "inet6 IPv4 inside", "inet6:[1.2.3.4]:80", "IPv6" },
	{ "inet6 port range reversed", "inet6:[::1]:80-70", "LO <= HI" },
	{ "inet6 two ports", "inet6:[::1]:80:90", "65535" },
	{ "unix relative", "unix:relative", "absolute" },
	{ "unix empty", "unix:", "absolute" },
	{ "unix trailing /", "unix:/run/", "trailing" },
	{ "unix ..", "unix:/run/../x", "'..'" },
	{ "unix '!' inside", "unix:!/run/x", "in front of" },
	{ "unix empty abstract", "unix:@", "abstract" },
	{ "unix excluded empty abstract", "!unix:@", "abstract" },
};

START_TEST(parse_bad)
{
	struct addr_pattern p = { .kind = ADDR_PATTERN_INET6, .port_lo = 7 };
	char why[160] = "";

	ck_assert_msg(addr_pattern_parse(bad_rows[_i].text, &p, why, sizeof(why)) == -EINVAL,
		      "%s: accepted", bad_rows[_i].name);
	ck_assert_msg(strstr(why, bad_rows[_i].why), "%s: \"%s\"", bad_rows[_i].name, why);
	ck_assert_msg(p.kind == ADDR_PATTERN_INET6 && p.port_lo == 7 && !p.glob, "%s: *ret touched",
		      bad_rows[_i].name);
	ck_assert_int_eq(addr_pattern_check(bad_rows[_i].text, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(parse_list)
{
	char *good[] = { "inet:*:53", "!unix:/run/x", "inet6:[::1]:*" };
	char *bad[] = { "inet:*:53", "unix:/ok", "inet:1.2.3.4" };
	struct addr_pattern *v = (struct addr_pattern *)1;
	size_t at = 99;
	char why[160];

	ck_assert_int_eq(addr_patterns_parse(good, 3, &v, &at, why, sizeof(why)), 0);
	ck_assert_uint_eq(at, 99);
	ck_assert(v[1].exclude && v[1].kind == ADDR_PATTERN_UNIX);
	addr_patterns_free(v, 3);
	v = (struct addr_pattern *)1;
	ck_assert_int_eq(addr_patterns_parse(bad, 3, &v, &at, why, sizeof(why)), -EINVAL);
	ck_assert_uint_eq(at, 2);
	ck_assert_ptr_eq(v, (struct addr_pattern *)1);
	ck_assert_int_eq(addr_patterns_parse(bad, 0, &v, &at, why, sizeof(why)), 0);
	ck_assert_ptr_null(v);
	addr_patterns_free(NULL, 0);
}
END_TEST

/* ---- matching ------------------------------------------------------------ */

static const struct {
	const char *name, *pattern, *addr;
	bool match;
} match_rows[] = {
	{ "inet net", "inet:127.0.0.0/8:5432", "inet:127.0.0.1:5432", true },
	{ "inet host", "inet:127.0.0.1:5432", "inet:127.0.0.1:5432", true },
	{ "inet other port", "inet:127.0.0.1:5432", "inet:127.0.0.1:5433", false },
	{ "inet other net", "inet:10.0.0.0/8:*", "inet:127.0.0.1:5432", false },
	{ "inet any address", "inet:*:5432", "inet:127.0.0.1:5432", true },
	{ "inet port in range", "inet:127.0.0.1:5000-6000", "inet:127.0.0.1:5432", true },
	{ "inet port range low end", "inet:127.0.0.1:5000-6000", "inet:127.0.0.1:5000", true },
	{ "inet port range high end", "inet:127.0.0.1:5000-6000", "inet:127.0.0.1:6000", true },
	{ "inet port below range", "inet:127.0.0.1:5000-6000", "inet:127.0.0.1:4999", false },
	{ "inet /0", "inet:0.0.0.0/0:*", "inet:127.0.0.1:5432", true },
	{ "inet /9 inside", "inet:10.128.0.0/9:*", "inet:10.200.1.1:1", true },
	{ "inet /9 outside", "inet:10.128.0.0/9:*", "inet:10.127.1.1:1", false },
	{ "inet /31", "inet:192.168.1.4/31:*", "inet:192.168.1.5:1", true },
	{ "inet /31 outside", "inet:192.168.1.4/31:*", "inet:192.168.1.6:1", false },
	{ "inet bits past the prefix ignored", "inet:10.1.2.3/8:*", "inet:10.9.9.9:1", true },
	{ "inet on an IPv6 address", "inet:*:80", "inet6:[::1]:80", false },
	{ "inet on v4-mapped", "inet:10.0.0.0/8:443", "inet6:[::ffff:10.1.2.3]:443", true },
	{ "inet any on v4-mapped", "inet:*:443", "inet6:[::ffff:10.1.2.3]:443", true },
	{ "inet on unix", "inet:*:*", "unix:/run/x", false },
	{ "inet6 host", "inet6:[::1]:*", "inet6:[::1]:80", true },
	{ "inet6 /0", "inet6:[::]/0:80", "inet6:[::1]:80", true },
	{ "inet6 link-local", "inet6:[fe80::]/10:*", "inet6:[fe80::1:2]:22", true },
	{ "inet6 not link-local", "inet6:[fe80::]/10:*", "inet6:[::1]:80", false },
	{ "inet6 /10 edge", "inet6:[fe80::]/10:*", "inet6:[febf::1]:22", true },
	{ "inet6 /10 past the edge", "inet6:[fe80::]/10:*", "inet6:[fec0::1]:22", false },
	{ "inet6 on IPv4", "inet6:[*]:80", "inet:127.0.0.1:80", false },
	{ "inet6 any", "inet6:[*]:80", "inet6:[2001:db8::1]:80", true },
	{ "inet6 v4-mapped as itself", "inet6:[::ffff:0:0]/96:*", "inet6:[::ffff:1.2.3.4]:1",
	  true },
	{ "inet6 v4-mapped, other port", "inet6:[::ffff:1.2.3.4]:80", "inet6:[::ffff:1.2.3.4]:81",
	  false },
	{ "unix path", "unix:/run/app.sock", "unix:/run/app.sock", true },
	{ "unix glob", "unix:/run/*.sock", "unix:/run/app.sock", true },
	{ "unix * stays in one component", "unix:/run/*", "unix:/run/a/b", false },
	{ "unix **", "unix:/run/**", "unix:/run/a/b", true },
	{ "unix path, not abstract", "unix:/app-socket", "unix:@app-socket", false },
	{ "unix path, not unnamed", "unix:/**", "unix:", false },
	{ "abstract", "unix:@app-*", "unix:@app-socket", true },
	{ "abstract, not a path", "unix:@app.sock", "unix:/run/app.sock", false },
	{ "abstract exact", "unix:@name", "unix:@name", true },
	{ "abstract other", "unix:@name", "unix:@names", false },
	{ "abstract ?", "unix:@n?me", "unix:@name", true },
	{ "abstract class", "unix:@[mn]ame", "unix:@name", true },
	{ "abstract with '/': never", "unix:@/tmp/x", "unix:@/tmp/x", false },
	{ "abstract ** with '/': never", "unix:@**", "unix:@a/b", false },
	{ "abstract **", "unix:@**", "unix:@ab", true },
	{ "abstract, not unnamed", "unix:@**", "unix:", false },
	{ "other family", "inet:*:*", "family:16", false },
	{ "other family, unix", "unix:/**", "family:16", false },
};

START_TEST(match_table)
{
	const __typeof__(match_rows[0]) *row = &match_rows[_i];
	struct addr_pattern p;
	struct cg_sockaddr a;
	char why[160] = "";

	ck_assert_msg(addr_pattern_parse(row->pattern, &p, why, sizeof(why)) == 0, "%s: %s",
		      row->name, why);
	ck_assert_msg(sockaddr_parse(row->addr, &a) == 0, "%s: address", row->name);
	ck_assert_msg(addr_pattern_match(&p, &a) == row->match, "%s: %s %s", row->name,
		      row->pattern, row->addr);
	/* a list of it alone agrees; excluded alone it matches nothing */
	ck_assert_msg(addr_patterns_match(&p, 1, &a) == row->match, "%s: list", row->name);
	p.exclude = true;
	ck_assert_msg(!addr_patterns_match(&p, 1, &a), "%s: excluded", row->name);
	addr_pattern_done(&p);
}
END_TEST

START_TEST(match_lists)
{
	char *texts[] = { "inet:*:*", "!inet:10.0.0.0/8:*", "unix:/run/**", "!unix:/run/secret" };
	struct addr_pattern *v;
	struct cg_sockaddr a;
	static const struct {
		const char *name, *addr;
		bool match;
	} rows[] = {
		{ "public", "inet:8.8.8.8:53", true },
		{ "private", "inet:10.1.2.3:53", false },
		{ "private, v4-mapped", "inet6:[::ffff:10.1.2.3]:53", false },
		{ "IPv6: no positive", "inet6:[::1]:53", false },
		{ "unix", "unix:/run/app", true },
		{ "unix excluded", "unix:/run/secret", false },
	};

	ck_assert_int_eq(addr_patterns_parse(texts, 4, &v, NULL, NULL, 0), 0);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		ck_assert_int_eq(sockaddr_parse(rows[i].addr, &a), 0);
		ck_assert_msg(addr_patterns_match(v, 4, &a) == rows[i].match, "%s", rows[i].name);
	}
	/* only exclusions: nothing */
	mk_in(&a, "8.8.8.8", 53);
	ck_assert(!addr_patterns_match(v + 1, 1, &a));
	ck_assert(!addr_patterns_match(v, 0, &a));
	addr_patterns_free(v, 4);
}
END_TEST

/* ---- exact patterns ------------------------------------------------------ */

static const struct {
	const char *name, *addr, *want; /* NULL: no pattern can */
} exact_rows[] = {
	{ "inet", "inet:127.0.0.1:5432", "inet:127.0.0.1:5432" },
	{ "inet port 0", "inet:0.0.0.0:0", "inet:0.0.0.0:0" },
	{ "inet6", "inet6:[::1]:80", "inet6:[::1]:80" },
	{ "inet6 v4-mapped", "inet6:[::ffff:1.2.3.4]:80", "inet6:[::ffff:1.2.3.4]:80" },
	{ "unix path", "unix:/run/x.sock", "unix:/run/x.sock" },
	{ "unix glob characters literal", "unix:/run/odd*[name]?.sock",
	  "unix:/run/odd[*][[]name][?].sock" },
	{ "unix root", "unix:/", "unix:/" },
	{ "abstract", "unix:@name", "unix:@name" },
	{ "abstract glob characters literal", "unix:@a*b", "unix:@a[*]b" },
	{ "abstract with '/'", "unix:@a/b", NULL },
	{ "abstract empty", "unix:@", NULL },
	{ "unnamed", "unix:", NULL },
	{ "unix relative", "unix:run/x", NULL },
	{ "unix not normalised", "unix:/run/../x", NULL },
	{ "unix trailing /", "unix:/run/", NULL },
	{ "other family", "family:16", NULL },
};

START_TEST(exact_table)
{
	const __typeof__(exact_rows[0]) *row = &exact_rows[_i];
	struct addr_pattern p = { .port_lo = 7 };
	struct cg_sockaddr a, other;
	char text[512];

	ck_assert_msg(sockaddr_parse(row->addr, &a) == 0, "%s: address", row->name);
	if (!row->want) {
		ck_assert_msg(addr_pattern_exact(&a, &p) == -EINVAL, "%s: expressed", row->name);
		ck_assert_msg(p.port_lo == 7 && !p.glob, "%s: *ret touched", row->name);
		return;
	}
	ck_assert_msg(addr_pattern_exact(&a, &p) == 0, "%s", row->name);
	ck_assert_int_gt(addr_pattern_format(&p, text, sizeof(text)), 0);
	ck_assert_msg(strcmp(text, row->want) == 0, "%s: \"%s\"", row->name, text);
	ck_assert_msg(addr_pattern_check(text, NULL, 0) == 0, "%s: check", row->name);
	ck_assert_msg(addr_pattern_match(&p, &a), "%s: does not match", row->name);
	/* and no neighbour */
	other = a;
	if (a.family == AF_UNIX) {
		other.path[other.path_len - 1] ^= 1;
	} else {
		other.port++;
		ck_assert_msg(!addr_pattern_match(&p, &other), "%s: other port", row->name);
		other = a;
		other.addr[a.family == AF_INET ? 3 : 15] ^= 1;
	}
	ck_assert_msg(!addr_pattern_match(&p, &other), "%s: a neighbour", row->name);
	addr_pattern_done(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addrmatch");
	TCase *tc = tcase_create("addrmatch");

	tcase_add_test(tc, sockaddr_text_round_trip);
	tcase_add_test(tc, sockaddr_parse_refuses);
	tcase_add_test(tc, address_decode_errors);
	tcase_add_loop_test(tc, parse_ok, 0, (int)ARRAY_SIZE(ok_rows));
	tcase_add_loop_test(tc, parse_bad, 0, (int)ARRAY_SIZE(bad_rows));
	tcase_add_test(tc, parse_list);
	tcase_add_loop_test(tc, match_table, 0, (int)ARRAY_SIZE(match_rows));
	tcase_add_test(tc, match_lists);
	tcase_add_loop_test(tc, exact_table, 0, (int)ARRAY_SIZE(exact_rows));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
