/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decide RULES PATTERNS [worst]: the supervisor's decision time for a
 * policy of RULES rules (spread over the syscalls, with integer
 * conditions) and one path rule of PATTERNS patterns, in process:
 * plan_eval() over every x86_64 syscall, and plan_eval_ptrs() for an open
 * whose path matches the last pattern (the slowest for a linear scan) and
 * one that matches none.  With "worst", the patterns are made of
 * wildcards ("/data/" "*N*" "/" "**"), which no trie can skip: every one is tried.
 * Prints one JSON object with nanoseconds per decision.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callgate/plan.h"
#include "callgate/policy.h"
#include "callgate/systable.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* A policy as text: RULES rules over the syscall table, then the paths. */
static char *policy_text(int rules, int patterns, bool worst)
{
	size_t cap = 1 << 20, len = 0;
	char *s = malloc(cap);
	int limit = syscall_nr_limit(CG_ARCH_X86_64), named = 0;

#define PUT(...)                                                        \
	do {                                                            \
		int n_ = snprintf(s + len, cap - len, __VA_ARGS__);     \
		if (n_ < 0 || (size_t)n_ >= cap - len) {                \
			cap *= 2;                                       \
			s = realloc(s, cap);                            \
			if (!s)                                         \
				exit(1);                                \
			n_ = snprintf(s + len, cap - len, __VA_ARGS__); \
		}                                                       \
		len += (size_t)n_;                                      \
	} while (0)

	if (!s)
		exit(1);
	PUT("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[");
	for (int i = 0, nr = 0; named < rules; i++, nr = (nr + 1) % limit) {
		const char *name = syscall_name(CG_ARCH_X86_64, nr);

		/* "read" (the measured call) gets one rule whatever the size */
		if (!name || strcmp(name, "openat") == 0 || (strcmp(name, "read") == 0 && named))
			continue;
		PUT("%s{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		    "\"value\":%d,\"op\":\"SCMP_CMP_EQ\"}]}",
		    named ? "," : "", name, i);
		named++;
	}
	if (patterns) {
		PUT("%s{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ALLOW\",\"paths\":[",
		    named ? "," : "");
		for (int i = 0; i < patterns; i++)
			PUT(worst ? "%s\"/data/*%d*/**\"" : "%s\"/data/d%d/**\"", i ? "," : "", i);
		PUT("]}");
	}
	PUT("]}");
	return s;
}

int main(int argc, char **argv)
{
	struct plan_host host = { .caps = ~0ull, .kernel_major = 6, .kernel_minor = 18 };
	struct policy_error pe = { 0 };
	struct policy *p = NULL;
	struct plan *plan = NULL;
	int rules = argc > 1 ? atoi(argv[1]) : 10, patterns = argc > 2 ? atoi(argv[2]) : 0;
	int limit = syscall_nr_limit(CG_ARCH_X86_64),
	    openat = syscall_lookup(CG_ARCH_X86_64, "openat");
	bool worst = argc > 3 && strcmp(argv[3], "worst") == 0;
	char *text = policy_text(rules, patterns, worst), last[64];
	uint64_t args[6] = { 0 }, sink = 0;
	struct plan_ptrs hit = { .n_paths = 1 },
			 miss = { .paths = { "/data/x/file" }, .n_paths = 1 };
	long rounds = 2000;
	int one = syscall_lookup(CG_ARCH_X86_64, "read");
	double t0, t1, t2, t3, t4, t5;

	if (policy_parse_buf(text, strlen(text), "bench", &p, &pe) < 0 ||
	    plan_compile(p, &host, PLAN_MODE_ENFORCE, &plan) < 0) {
		fprintf(stderr, "decide: %s\n", pe.msg);
		return 1;
	}
	snprintf(last, sizeof(last), "/data/d%d/file", patterns ? patterns - 1 : 0);
	hit.paths[0] = last;
	t0 = now();
	for (long r = 0; r < rounds; r++)
		for (int nr = 0; nr < limit; nr++) {
			args[0] = (uint64_t)(r + nr);
			sink += (uint64_t)plan_eval(plan, CG_ARCH_X86_64, nr, args).action;
		}
	t1 = now();
	for (long r = 0; r < rounds * 10; r++)
		sink += (uint64_t)plan_eval_ptrs(plan, CG_ARCH_X86_64, openat, args, &hit).action;
	t2 = now();
	for (long r = 0; r < rounds * 10; r++)
		sink += (uint64_t)plan_eval_ptrs(plan, CG_ARCH_X86_64, openat, args, &miss).action;
	t3 = now();
	/* one call whose syscall has one rule in every policy: the lookup */
	t4 = now();
	for (long r = 0; r < rounds * 100; r++) {
		args[0] = (uint64_t)r & 1;
		sink += (uint64_t)plan_eval(plan, CG_ARCH_X86_64, one, args).action;
	}
	t5 = now();
	printf("{\"rules\":%d,\"patterns\":%d,\"worst\":%s,\"one_call_ns\":%.1f,\"every_syscall_"
	       "ns\":%.1f,"
	       "\"path_hit_ns\":%.1f,\"path_miss_ns\":%.1f,\"sink\":%llu}\n",
	       rules, patterns, worst ? "true" : "false", (t5 - t4) * 1e9 / ((double)rounds * 100),
	       (t1 - t0) * 1e9 / ((double)rounds * limit), (t2 - t1) * 1e9 / ((double)rounds * 10),
	       (t3 - t2) * 1e9 / ((double)rounds * 10), (unsigned long long)(sink & 1));
	plan_free(plan);
	policy_free(p);
	free(text);
	return 0;
}
