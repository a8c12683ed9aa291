/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the Check suites (header-only, each suite is one binary). */
#ifndef CALLGATE_TESTUTIL_H
#define CALLGATE_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/filter.h"
#include "../../supervisor/policy_load.h"
#include "callgate/bpf.h"
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

static inline struct policy *tu_load(const char *path)
{
	struct policy_error e = { 0 };
	struct policy *p = NULL;
	int r = policy_load_file(path, &p, &e);

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

static inline void tu_filter(const struct plan *plan, struct filter_prog *prog)
{
	char err[256] = "";
	int r = filter_build(plan, prog, err, sizeof(err));

	ck_assert_msg(r == 0, "filter_build: %s", err);
}

/* What the filter returns for @nr on @arch with @args. */
static inline uint32_t tu_bpf(const struct filter_prog *prog, enum cg_arch arch, int nr,
			      const uint64_t args[6])
{
	struct bpf_seccomp_data d = {
		.nr = nr,
		.arch = arch == CG_ARCH_I386 ? CG_AUDIT_ARCH_I386 : CG_AUDIT_ARCH_X86_64,
	};
	uint32_t ret = 0xdeadbeef;

	if (args)
		memcpy(d.args, args, sizeof(d.args));
	ck_assert_int_eq(bpf_run(prog->insns, prog->len, &d, &ret), 0);
	return ret;
}

/* What the kernel filter should return for a plan verdict. */
static inline uint32_t tu_expected(const struct plan_verdict *v)
{
	if (v->notify)
		return filter_ret_value(POLICY_ACT_NOTIFY, 0);
	return filter_ret_value(v->action, v->data);
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
