/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the suites that test the kernel filter: they link
 * agent/filter.c besides the core.
 */
#ifndef CALLGATE_FILTERUTIL_H
#define CALLGATE_FILTERUTIL_H

#include "../../agent/filter.h"
#include "callgate/bpf.h"
#include "testutil.h"

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

#endif
