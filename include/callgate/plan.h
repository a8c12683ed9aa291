/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plans: a policy resolved for one host and compiled to a decision per
 * (architecture, syscall number).
 *
 * Resolution is moby's setupSeccomp for an x86_64 host: archMap's
 * SCMP_ARCH_X86_64 entry (or "architectures") picks the ABIs, and each
 * rule's includes (all must hold) and excludes (any drops the rule) are
 * checked against the Go architecture "amd64", the kernel version and a
 * capability set.  Compilation follows runc: rules whose action equals the
 * default are skipped, conditions on different arguments AND, and if one
 * argument index repeats every condition becomes a rule of its own (OR);
 * several rules for a syscall OR; syscalls newer than the newest one the
 * profile names get ENOSYS unless the default allows (so libc falls back).
 *
 * Each entry says whether the kernel decides alone or the call can reach
 * the supervisor (SCMP_ACT_NOTIFY, "log", "audit", pointer patterns, and
 * every denial in audit mode).  Pure; the plan borrows the policy, which
 * must outlive it.
 *
 * A policy with "paths" or "addresses" rules also gets its escape hatches
 * (callgate/hatch.h): syscalls that bypass those rules and that its rules
 * leave to an allowing default.  Under "advisory": "deny" each is refused
 * by a rule of the plan's own, after the profile's rules, which the kernel
 * filter and plan_eval() apply like any other.
 */
#ifndef CALLGATE_PLAN_H
#define CALLGATE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/addrmatch.h"
#include "callgate/hatch.h"
#include "callgate/policy.h"
#include "callgate/systable.h"

enum plan_mode {
	PLAN_MODE_ENFORCE,
	PLAN_MODE_AUDIT,
	PLAN_MODE_INTERACTIVE,
	PLAN_MODE_MAX,
	PLAN_MODE_INVALID = -EINVAL,
};

/* The host and target a policy is resolved for. */
struct plan_host {
	uint64_t caps;	       /* bit N set: the target holds capability N */
	unsigned kernel_major; /* e.g. 6 */
	unsigned kernel_minor; /* e.g. 18 */
};

/* Filter flags (SECCOMP_FILTER_FLAG_* names in the profile). */
#define PLAN_FLAG_TSYNC		     (1u << 0)
#define PLAN_FLAG_LOG		     (1u << 1)
#define PLAN_FLAG_SPEC_ALLOW	     (1u << 2)
#define PLAN_FLAG_WAIT_KILLABLE_RECV (1u << 3)

/* One resolved rule as it applies to the syscalls it names. */
struct path_set;
struct addr_set;

struct plan_rule {
	const struct policy_rule *src; /* borrowed from the policy */
	uint32_t index;		       /* index in the profile's syscalls[] */
	enum policy_action action;
	uint16_t data;		/* errno for ERRNO, value for TRACE, else 0 */
	bool notify;		/* reaches the supervisor instead of the kernel deciding */
	bool split;		/* an index repeats: each condition is its own rule (OR) */
	bool redundant;		/* same as the default: no filter rule (runc) */
	bool hatch;		/* callgate's refusal of an escape hatch: src is the plan's,
			 * index is PLAN_RULE_HATCH */
	struct path_set *paths; /* owned: src->paths compiled (callgate/pathset.h), or NULL */
	struct addr_set *addrs; /* owned: src->addr_patterns compiled (callgate/addrset.h) */
};

/* plan_rule.index of an escape hatch's refusal; plan_verdict.rule says
 * PLAN_VERDICT_HATCH for it */
#define PLAN_RULE_HATCH	   UINT32_MAX
#define PLAN_VERDICT_HATCH (-3)

enum plan_route {
	PLAN_ROUTE_DEFAULT,    /* no rule names it: the default action */
	PLAN_ROUTE_KERNEL,     /* rules, decided in the kernel */
	PLAN_ROUTE_SUPERVISOR, /* some outcome is notified to the supervisor */
	PLAN_ROUTE_ENOSYS,     /* newer than the profile: ENOSYS in the kernel */
};

/* plan_entry.flags */
#define PLAN_ENTRY_PATTERNS (1u << 0) /* a rule has "paths" or "addresses" */
/* i386 socketcall, when a call it multiplexes has pattern (or escape-hatch)
 * rules: sent to the supervisor, which reads its argument block once and
 * decides (and carries out) it as that call: plan_entry_multiplexed() */
#define PLAN_ENTRY_MULTIPLEX (1u << 2)
#define PLAN_ENTRY_HATCH     (1u << 1) /* an escape hatch refused (plan_hatch) */

struct plan_entry {
	uint32_t first;	   /* index into plan->refs */
	uint16_t n_refs;   /* rules naming this syscall, in profile order */
	uint8_t route;	   /* enum plan_route */
	uint8_t flags;	   /* PLAN_ENTRY_* */
	uint8_t emulation; /* enum sysargs_emulation: PLAN_ENTRY_PATTERNS only */
};

struct plan_arch {
	bool enabled;
	int nr_limit;		    /* size of entries[] */
	struct plan_entry *entries; /* indexed by number (x32: without the bit) */
	int last_nr;		    /* newest syscall runc's stub counts; -1 none */
	bool enosys_above_last;	    /* numbers above last_nr get ENOSYS */
};

enum plan_skip_reason {
	PLAN_SKIP_UNKNOWN,     /* no Linux architecture has it: a typo? */
	PLAN_SKIP_OTHER_ARCH,  /* a syscall of other architectures only */
	PLAN_SKIP_NOT_ENABLED, /* x86 ABIs have it, but not the enabled ones */
};

struct plan_skip {
	const char *name; /* borrowed from the policy */
	uint32_t rule;
	enum plan_skip_reason reason;
};

/*
 * An escape hatch (callgate/hatch.h) of the policy's pattern rules: a
 * syscall that bypasses some of them and that no rule denies for certain.
 * Either a rule of the profile names it (@rule: that rule stands, the
 * first of them that does not deny), or the default lets it through on the
 * ABIs in @abis: then "advisory": "deny" refuses it (@refused) in the
 * kernel by a rule of the plan's own (plan_rule.hatch; PLAN_ENTRY_HATCH),
 * the whole call or the calls its conditions pick out.
 */
struct plan_hatch {
	const struct hatch *hatch; /* the table's row */
	unsigned kinds;		   /* HATCH_*: the kinds of the policy's rules it bypasses */
	unsigned abis;		   /* bit per cg_arch: where the default lets it through */
	int rule;		   /* index in syscalls[] of the rule left to decide; -1 none */
	bool refused;		   /* refused in the filter ("advisory": "deny") */
};

struct plan_hatch_rule;

struct plan {
	const struct policy *policy;
	enum plan_mode mode;
	enum policy_action default_action;
	uint16_t default_data;
	bool default_notify;
	unsigned flags; /* PLAN_FLAG_* */
	struct plan_arch arch[CG_ARCH_MAX];
	struct plan_rule *rules; /* kept rules, in profile order */
	size_t n_rules;
	uint32_t *refs; /* entries' rule lists: indexes into rules[] */
	size_t n_refs;
	struct plan_skip *skips;
	size_t n_skips;
	size_t n_excluded; /* rules dropped by includes/excludes */
	/* escape hatches of the policy's pattern rules, in table order;
	 * their refusals are rules[] with .hatch set, after the profile's */
	struct plan_hatch *hatches;
	size_t n_hatches;
	struct plan_hatch_rule *hatch_rules; /* private: what their src point to */
};

/*
 * plan_compile() - resolve @policy for @host and compile it for @mode.
 * Returns 0 and a new plan in *@ret (free with plan_free()), -EINVAL if the
 * policy is disabled (Docker's unconfined profile) or the mode invalid,
 * -ENOMEM.
 */
int plan_compile(const struct policy *policy, const struct plan_host *host, enum plan_mode mode,
		 struct plan **ret);
void plan_free(struct plan *plan);

/* The verdict of a plan for one call. */
struct plan_verdict {
	enum policy_action action;
	uint16_t data; /* errno for ERRNO */
	bool notify;   /* the filter sends it to the supervisor */
	int rule; /* index in syscalls[]; -1 the default; -2 ENOSYS range; PLAN_VERDICT_HATCH */
	const struct plan_rule *prule; /* NULL for the default and ENOSYS */
};

/*
 * plan_eval() - what the plan decides for syscall @nr on @arch with @args
 * (x32: @nr with the bit).  Integer conditions only: pointer patterns are
 * the supervisor's.  An arch the plan does not enable gets KILL_THREAD,
 * libseccomp's bad-architecture action.  Returns the verdict.
 */
struct plan_verdict plan_eval(const struct plan *plan, enum cg_arch arch, int nr,
			      const uint64_t args[6]);

/* The entry for syscall @nr of @arch (x32: with the bit), or NULL when the
 * plan has none (the ABI is not enabled, the number is out of range). */
static inline const struct plan_entry *plan_entry_of(const struct plan *plan, enum cg_arch arch,
						     int nr)
{
	const struct plan_arch *a;

	if (arch < 0 || arch >= CG_ARCH_MAX)
		return NULL;
	a = &plan->arch[arch];
	if (arch == CG_ARCH_X32)
		nr &= ~(int)CG_X32_SYSCALL_BIT;
	if (!a->enabled || nr < 0 || nr >= a->nr_limit)
		return NULL;
	return &a->entries[nr];
}

/* What the supervisor decoded from the target for pattern rules. */
struct plan_ptrs {
	const char *paths[2]; /* absolute, normalised, as the target sees them */
	size_t n_paths;
	const struct cg_sockaddr *addr; /* NULL: none decoded */
};

/*
 * plan_eval_ptrs() - plan_eval() for a call whose pointer arguments were
 * decoded into @ptrs (NULL: none).  For a syscall that some rule with
 * "paths" or "addresses" names, the rules are tried in profile order and
 * the first whose integer conditions hold and whose patterns match every
 * decoded path (both, for rename and link) and the address decides; a
 * pattern rule never matches a call whose pointers were not decoded.
 */
struct plan_verdict plan_eval_ptrs(const struct plan *plan, enum cg_arch arch, int nr,
				   const uint64_t args[6], const struct plan_ptrs *ptrs);

/* Whether the conditions of @r hold for @args on @arch. */
bool plan_rule_matches(const struct plan_rule *r, enum cg_arch arch, const uint64_t args[6]);

/* Whether a policy rule is kept for @host (includes / excludes). */
bool plan_rule_applies(const struct policy_rule *rule, const struct plan_host *host);

/* The enabled architectures of @policy on an x86_64 host (bit per cg_arch). */
unsigned plan_policy_arches(const struct policy *policy);

const char *plan_mode_to_string(enum plan_mode m);
enum plan_mode plan_mode_from_string(const char *s);

#endif
