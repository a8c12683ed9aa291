/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for policy_parse_buf(): any input must give either a
 * policy that keeps the invariants below, or an error with a message; never
 * a crash, a leak or undefined behaviour (build with ASan and UBSan).
 * See tests/fuzz/README.md.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/addrmatch.h"
#include "callgate/pattern.h"
#include "callgate/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_policy: invariant failed: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);                                  \
			fputc('\n', stderr);                                           \
			abort();                                                       \
		}                                                                      \
	} while (0)

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_pos(struct policy_pos pos, unsigned lines, const char *what)
{
	/* 0:0 means "no position"; otherwise both are set and in the file */
	CHECK((pos.line == 0) == (pos.column == 0), "%s at %u:%u", what, pos.line, pos.column);
	CHECK(pos.line <= lines, "%s at line %u of %u", what, pos.line, lines);
}

static void check_strv(char *const *v, size_t n, const char *what)
{
	CHECK(n == 0 || v, "%s: %zu entries, no array", what, n);
	for (size_t i = 0; i < n; i++)
		CHECK(v[i], "%s[%zu] is NULL", what, i);
}

static void check_filter(const struct policy_filter *f, unsigned lines)
{
	if (!f)
		return;
	check_strv(f->caps, f->n_caps, "caps");
	check_strv(f->arches, f->n_arches, "arches");
	if (f->has_min_kernel)
		CHECK(f->min_kernel_major <= 255 && f->min_kernel_minor <= 255, "minKernel %u.%u",
		      f->min_kernel_major, f->min_kernel_minor);
	check_pos(f->pos, lines, "filter");
}

static void check_rule(const struct policy_rule *r, unsigned lines)
{
	char why[160];

	check_strv(r->names, r->n_names, "names");
	CHECK(r->action >= 0 && r->action < POLICY_ACT_MAX, "action %d", r->action);
	CHECK(r->n_args <= 64, "%zu args", r->n_args);
	CHECK(r->n_args == 0 || r->args, "%zu args, no array", r->n_args);
	for (size_t i = 0; i < r->n_args; i++) {
		const struct policy_arg *a = &r->args[i];

		CHECK(a->index <= 5, "args[%zu].index %u", i, a->index);
		CHECK(a->op >= 0 && a->op < POLICY_OP_MAX, "args[%zu].op %d", i, a->op);
		check_pos(a->pos, lines, "arg");
	}
	if (r->has_errno_ret) {
		CHECK(r->action == POLICY_ACT_ERRNO || r->action == POLICY_ACT_TRACE,
		      "errnoRet with action %d", r->action);
		CHECK(r->errno_ret <= 4095, "errnoRet %llu", (unsigned long long)r->errno_ret);
	}
	check_filter(r->includes, lines);
	check_filter(r->excludes, lines);
	check_strv(r->paths, r->n_paths, "paths");
	for (size_t i = 0; i < r->n_paths; i++)
		CHECK(path_pattern_check(r->paths[i], why, sizeof(why)) == 0,
		      "accepted invalid path \"%s\"", r->paths[i]);
	check_strv(r->addresses, r->n_addresses, "addresses");
	CHECK(r->n_addresses == 0 || r->addr_patterns, "addresses not compiled");
	for (size_t i = 0; i < r->n_addresses; i++)
		CHECK(addr_pattern_check(r->addresses[i], why, sizeof(why)) == 0,
		      "accepted invalid address \"%s\"", r->addresses[i]);
	check_pos(r->pos, lines, "rule");
	CHECK(r->pos.line >= 1, "rule without a position");
	check_pos(r->action_pos, lines, "action");
	check_pos(r->errno_pos, lines, "errno");
}

static void check_policy(const struct policy *p, unsigned lines)
{
	CHECK(p->filename && !strcmp(p->filename, "fuzz.json"), "filename");
	CHECK(p->n_rules <= POLICY_RULES_MAX, "%zu rules", p->n_rules);
	CHECK(p->n_rules == 0 || p->rules, "%zu rules, no array", p->n_rules);
	CHECK(p->n_warnings <= POLICY_WARNINGS_MAX + 1, "%zu warnings", p->n_warnings);
	CHECK(p->n_warnings == 0 || p->warnings, "warnings, no array");
	for (size_t i = 0; i < p->n_warnings; i++) {
		CHECK(p->warnings[i].msg && p->warnings[i].msg[0], "warning %zu has no message", i);
		check_pos(p->warnings[i].pos, lines, "warning");
	}
	if (!p->enabled) {
		/* Docker's "no seccomp": nothing else is meaningful */
		CHECK(p->n_rules == 0, "disabled with %zu rules", p->n_rules);
		return;
	}
	CHECK(p->default_action >= 0 && p->default_action < POLICY_ACT_MAX, "defaultAction %d",
	      p->default_action);
	if (p->has_default_errno_ret) {
		CHECK(p->default_action == POLICY_ACT_ERRNO ||
			      p->default_action == POLICY_ACT_TRACE,
		      "defaultErrnoRet with defaultAction %d", p->default_action);
		CHECK(p->default_errno_ret <= 4095, "defaultErrnoRet %llu",
		      (unsigned long long)p->default_errno_ret);
	}
	check_pos(p->default_action_pos, lines, "defaultAction");
	check_pos(p->default_errno_pos, lines, "defaultErrnoRet");
	check_strv(p->architectures, p->n_architectures, "architectures");
	for (size_t i = 0; i < p->n_architectures; i++)
		CHECK(policy_arch_known(p->architectures[i]),
		      "unknown architecture \"%s\" accepted", p->architectures[i]);
	CHECK(!(p->n_architectures && p->n_arch_map), "both architectures and archMap");
	CHECK(p->n_arch_map == 0 || p->arch_map, "archMap, no array");
	for (size_t i = 0; i < p->n_arch_map; i++)
		check_strv(p->arch_map[i].sub_arches, p->arch_map[i].n_sub_arches,
			   "subArchitectures");
	check_strv(p->flags, p->n_flags, "flags");
	for (size_t i = 0; i < p->n_rules; i++)
		check_rule(&p->rules[i], lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *const sentinel = (struct policy *)(uintptr_t)0x5a5a5a5a;
	struct policy *p = sentinel;
	struct policy_error e;
	unsigned lines = count_lines(data, size);
	int r;

	memset(&e, 0xa5, sizeof(e)); /* the parser must set what it reports */
	r = policy_parse_buf((const char *)data, size, "fuzz.json", &p, &e);
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM || r == -EFBIG, "returned %d", r);
	if (r < 0) {
		CHECK(p == sentinel, "*ret changed on failure");
		CHECK(memchr(e.msg, '\0', sizeof(e.msg)), "error message not NUL-terminated");
		CHECK(e.msg[0], "empty error message");
		check_pos(e.pos, lines, "error");
		if (r == -EINVAL)
			CHECK(e.pos.line >= 1, "-EINVAL without a position: %s", e.msg);
		return 0;
	}
	CHECK(p && p != sentinel, "no policy returned");
	check_policy(p, lines);
	policy_free(p);
	/* same input, same answer */
	p = sentinel;
	CHECK(policy_parse_buf((const char *)data, size, "fuzz.json", &p, NULL) == 0,
	      "second parse failed");
	policy_free(p);
	return 0;
}
