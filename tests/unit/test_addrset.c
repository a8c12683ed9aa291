/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled address set (lib/addrset.c) against the linear matcher
 * (addr_patterns_match()): generated pattern lists and addresses from a
 * fixed seed (prefixes, ports and ranges, '*', IPv4-mapped IPv6, unix paths
 * and abstract names, exclusions), and named cases.
 */
#include <stdint.h>

#include "testutil.h"

#include "callgate/addrset.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *const v4[] = { "10.0.0.1",	 "10.0.0.2", "10.1.0.1",
				  "192.168.1.7", "0.0.0.0",  "127.0.0.1" };
static const char *const v6[] = { "::1",	 "fe80::1",	    "fe80::2",
				  "2001:db8::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1" };
static const char *const ports[] = { "80", "443", "*", "80-90", "1-1000", "85", "0" };
static const char *const unix_pats[] = { "/run/*.sock", "/run/**", "/run/a.sock", "/tmp/?",
					 "/run/x/**" };
static const char *const abs_pats[] = { "@x*", "@?", "@name", "@*" };
static const char *const unix_paths[] = { "/run/a.sock", "/run/b.sock", "/run/x/y",
					  "/tmp/q",	 "/tmp/qq",	"name",
					  "x1",		 "n/ame",	"" };

static void gen_pattern(char *buf, size_t size)
{
	const char *bang = rnd(4) == 0 ? "!" : "";
	static const int v4_prefix[] = { -1, 8, 16, 24, 31, 32, 0, 12 };
	static const int v6_prefix[] = { -1, 10, 64, 127, 128, 96, 0, 104 };
	int p;

	switch (rnd(5)) {
	case 0:
	case 1:
		p = v4_prefix[rnd(ARRAY_SIZE(v4_prefix))];
		if (rnd(8) == 0)
			snprintf(buf, size, "%sinet:*:%s", bang, ports[rnd(ARRAY_SIZE(ports))]);
		else if (p < 0)
			snprintf(buf, size, "%sinet:%s:%s", bang, v4[rnd(ARRAY_SIZE(v4))],
				 ports[rnd(ARRAY_SIZE(ports))]);
		else
			snprintf(buf, size, "%sinet:%s/%d:%s", bang, v4[rnd(ARRAY_SIZE(v4))], p,
				 ports[rnd(ARRAY_SIZE(ports))]);
		break;
	case 2:
	case 3:
		p = v6_prefix[rnd(ARRAY_SIZE(v6_prefix))];
		if (rnd(8) == 0)
			snprintf(buf, size, "%sinet6:[*]:%s", bang, ports[rnd(ARRAY_SIZE(ports))]);
		else if (p < 0)
			snprintf(buf, size, "%sinet6:[%s]:%s", bang, v6[rnd(ARRAY_SIZE(v6))],
				 ports[rnd(ARRAY_SIZE(ports))]);
		else
			snprintf(buf, size, "%sinet6:[%s]/%d:%s", bang, v6[rnd(ARRAY_SIZE(v6))], p,
				 ports[rnd(ARRAY_SIZE(ports))]);
		break;
	default:
		if (rnd(2))
			snprintf(buf, size, "%sunix:%s", bang,
				 unix_pats[rnd(ARRAY_SIZE(unix_pats))]);
		else
			snprintf(buf, size, "%sunix:%s", bang, abs_pats[rnd(ARRAY_SIZE(abs_pats))]);
	}
}

static void gen_addr(struct cg_sockaddr *a)
{
	static const uint16_t port_pool[] = { 80, 443, 85, 90, 91, 0, 1000, 1001, 65535 };
	char text[160];

	switch (rnd(3)) {
	case 0:
		snprintf(text, sizeof(text), "inet:%s:%u", v4[rnd(ARRAY_SIZE(v4))],
			 port_pool[rnd(ARRAY_SIZE(port_pool))]);
		break;
	case 1:
		snprintf(text, sizeof(text), "inet6:[%s]:%u", v6[rnd(ARRAY_SIZE(v6))],
			 port_pool[rnd(ARRAY_SIZE(port_pool))]);
		break;
	default: {
		const char *p = unix_paths[rnd(ARRAY_SIZE(unix_paths))];

		snprintf(text, sizeof(text), "unix:%s%s", p[0] == '/' || !*p ? "" : "@", p);
	}
	}
	ck_assert_msg(sockaddr_parse(text, a) == 0, "%s", text);
}

START_TEST(differential_random)
{
	char bufs[16][96];
	char *texts[16];
	long hits = 0, cases = 0;

	rng_state = 0x2545f4914f6cdd1dull;
	for (int round = 0; round < 4000; round++) {
		size_t n = 1 + rnd(ARRAY_SIZE(bufs)), bad;
		struct addr_pattern *v;
		struct addr_set *s;

		for (size_t i = 0; i < n; i++) {
			gen_pattern(bufs[i], sizeof(bufs[i]));
			texts[i] = bufs[i];
		}
		ck_assert_msg(addr_patterns_parse(texts, n, &v, &bad, NULL, 0) == 0, "%s",
			      texts[bad]);
		ck_assert_int_eq(addr_set_new(v, n, &s), 0);
		for (int k = 0; k < 25; k++) {
			struct cg_sockaddr a;
			bool want, got;
			char at[160];

			gen_addr(&a);
			want = addr_patterns_match(v, n, &a);
			got = addr_set_match(s, &a);
			if (want != got) {
				sockaddr_format(&a, at, sizeof(at));
				fprintf(stderr, "address %s:\n", at);
				for (size_t i = 0; i < n; i++)
					fprintf(stderr, "  %s\n", texts[i]);
			}
			ck_assert_int_eq(want, got);
			hits += want;
			cases++;
		}
		addr_set_free(s);
		addr_patterns_free(v, n);
	}
	ck_assert_int_gt(hits, cases / 20);
	ck_assert_int_lt(hits, cases - cases / 20);
}
END_TEST

static const struct {
	const char *name;
	const char *pats[3];
	const char *addr;
	bool match;
} rows[] = {
	{ "exact", { "inet:127.0.0.1:5432" }, "inet:127.0.0.1:5432", true },
	{ "exact, other port", { "inet:127.0.0.1:5432" }, "inet:127.0.0.1:5433", false },
	{ "network", { "inet:10.0.0.0/8:*" }, "inet:10.9.8.7:1", true },
	{ "network, outside", { "inet:10.0.0.0/8:*" }, "inet:11.0.0.1:1", false },
	{ "port range", { "inet:*:8000-8080" }, "inet:1.2.3.4:8080", true },
	{ "mapped as ipv4", { "inet:127.0.0.1:80" }, "inet6:[::ffff:127.0.0.1]:80", true },
	{ "mapped, ipv6 pattern",
	  { "inet6:[::ffff:0:0]/96:80" },
	  "inet6:[::ffff:1.2.3.4]:80",
	  true },
	{ "ipv4 pattern, ipv6 address", { "inet:*:*" }, "inet6:[::1]:80", false },
	{ "exclusion wins",
	  { "inet:10.0.0.0/8:*", "!inet:10.0.0.1:22" },
	  "inet:10.0.0.1:22",
	  false },
	{ "exclusion elsewhere",
	  { "inet:10.0.0.0/8:*", "!inet:10.0.0.1:22" },
	  "inet:10.0.0.1:23",
	  true },
	{ "mapped exclusion",
	  { "inet6:[*]:*", "!inet:127.0.0.1:*" },
	  "inet6:[::ffff:127.0.0.1]:9",
	  false },
	{ "unix path", { "unix:/run/*.sock" }, "unix:/run/a.sock", true },
	{ "unix, abstract pattern", { "unix:@a*" }, "unix:/a", false },
	{ "abstract", { "unix:@a*" }, "unix:@abc", true },
	{ "abstract with a slash", { "unix:@*" }, "unix:@a/b", false },
	{ "unnamed", { "unix:/**" }, "unix:", false },
	{ "only exclusions", { "!inet:*:*" }, "inet:1.1.1.1:1", false },
};

START_TEST(table)
{
	char *texts[3];
	size_t n = 0;
	struct addr_pattern *v;
	struct addr_set *s;
	struct cg_sockaddr a;

	while (n < 3 && rows[_i].pats[n]) {
		texts[n] = (char *)rows[_i].pats[n];
		n++;
	}
	ck_assert_int_eq(addr_patterns_parse(texts, n, &v, NULL, NULL, 0), 0);
	ck_assert_int_eq(addr_set_new(v, n, &s), 0);
	ck_assert_int_eq(sockaddr_parse(rows[_i].addr, &a), 0);
	ck_assert_msg(addr_set_match(s, &a) == rows[_i].match, "%s", rows[_i].name);
	ck_assert(addr_patterns_match(v, n, &a) == rows[_i].match);
	addr_set_free(s);
	addr_patterns_free(v, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addrset");
	TCase *tc = tcase_create("addrset");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, differential_random);
	tcase_add_loop_test(tc, table, 0, (int)ARRAY_SIZE(rows));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
