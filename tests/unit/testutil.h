/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the Check suites (header-only, each suite is one binary).
 * Only the core's: a suite of lib/ links libcallgate.a alone (the filter's
 * helpers are in filterutil.h).
 */
#ifndef CALLGATE_TESTUTIL_H
#define CALLGATE_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/macro.h"
#include "callgate/plan.h"
#include "callgate/policy.h"
#include "callgate/systable.h"

/* Path of @rel under the shared reference directory (../shared by default). */
static inline const char *tu_shared(const char *rel)
{
	static char buf[4096];
	const char *base = getenv("CALLGATE_SHARED");

	snprintf(buf, sizeof(buf), "%s/%s", base && *base ? base : "../shared", rel);
	return buf;
}

/*
 * Read and parse the profile @path, as policy_load_file() does but with
 * stdio, so that the core's suites need nothing beyond the core.  Returns
 * 0 or -errno (detail in @reterr).
 */
static inline int tu_load_file(const char *path, struct policy **ret, struct policy_error *reterr)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (!f) {
		r = -errno;
		snprintf(reterr->msg, sizeof(reterr->msg), "cannot open: %s", strerror(-r));
		return r;
	}
	for (;;) {
		char *p = realloc(buf, len + 65536);
		size_t n;

		ck_assert_ptr_nonnull(p);
		buf = p;
		n = fread(buf + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
	}
	fclose(f);
	r = policy_parse_buf(buf, len, path, ret, reterr);
	free(buf);
	return r;
}

static inline struct policy *tu_load(const char *path)
{
	struct policy_error e = { 0 };
	struct policy *p = NULL;
	int r = tu_load_file(path, &p, &e);

	ck_assert_msg(r == 0, "%s:%u:%u: %s", path, e.pos.line, e.pos.column, e.msg);
	return p;
}

static inline struct policy *tu_parse(const char *json)
{
	struct policy_error e = { 0 };
	struct policy *p = NULL;
	int r = policy_parse_buf(json, strlen(json), "inline", &p, &e);

	ck_assert_msg(r == 0, "inline:%u:%u: %s", e.pos.line, e.pos.column, e.msg);
	return p;
}

static inline struct plan *tu_compile(const struct policy *p, uint64_t caps, unsigned kmaj,
				      unsigned kmin, enum plan_mode mode)
{
	struct plan_host host = { .caps = caps, .kernel_major = kmaj, .kernel_minor = kmin };
	struct plan *plan = NULL;

	ck_assert_int_eq(plan_compile(p, &host, mode, &plan), 0);
	return plan;
}

/*
 * Argument values for index @idx around every condition of the rules of
 * entry @e: each value, its neighbours, a value differing only in the high
 * word, and masked values in and out of the mask.  Appends to @out (which
 * holds @n already, at most @max); returns the new count.
 */
static inline size_t tu_condition_values(const struct plan *plan, const struct plan_entry *e,
					 int idx, uint64_t *out, size_t n, size_t max)
{
	for (uint16_t k = 0; k < e->n_refs; k++) {
		const struct policy_rule *src = plan->rules[plan->refs[e->first + k]].src;

		for (size_t a = 0; a < src->n_args && n + 8 <= max; a++) {
			const struct policy_arg *c = &src->args[a];

			if ((int)c->index != idx)
				continue;
			out[n++] = c->value;
			out[n++] = c->value + 1;
			out[n++] = c->value - 1;
			out[n++] = c->value | (1ull << 32);
			out[n++] = c->value_two;
			out[n++] = c->value_two + 1;
			out[n++] = c->value_two | ~c->value;
			out[n++] = c->value_two ^ (c->value & -c->value);
		}
	}
	return n;
}

static inline int tu_nr(enum cg_arch arch, const char *name)
{
	int nr = syscall_lookup(arch, name);

	ck_assert_msg(nr >= 0, "%s has no syscall %s", arch_to_string(arch), name);
	return nr;
}

static inline int tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
