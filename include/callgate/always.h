/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Always rules: an operator's "allow always" or "deny always" answer in
 * interactive mode, made from the call it answered, matched against later
 * calls (the first rule made that covers a call decides it), and written
 * into a profile together with the policy the target runs under.  Pure.
 */
#ifndef CALLGATE_ALWAYS_H
#define CALLGATE_ALWAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/answer.h"
#include "callgate/policy.h"
#include "callgate/record.h"
#include "callgate/systable.h"

struct always_rule {
	enum cg_arch arch;
	int nr; /* as the kernel gives it (x32: with the bit) */
	enum answer_scope scope;
	unsigned arg_mask; /* ANSWER_SCOPE_ARGS: the arguments that must equal args[] */
	uint64_t args[6];
	bool is_addr;	 /* ANSWER_SCOPE_PATH: value is an address, not a path */
	char *value;	 /* ANSWER_SCOPE_PATH: the path or address as decoded; owned */
	char *pattern;	 /* ANSWER_SCOPE_PATH: the pattern matching value alone; owned */
	bool deny;	 /* deny always (else allow always); the caller's to set */
	int err;	 /* deny: the errno the calls it covers get */
	char reason[64]; /* what the log says of a call it decides; the caller's */
};

/*
 * always_rule_init() - the allow rule @scope makes of the call in @rec (its
 * syscall, its integer arguments, its first path or else its address).
 * Returns 0, -ENOMEM, or -EINVAL when there is nothing to narrow the rule
 * to: no integer argument (ANSWER_SCOPE_ARGS), no path or address, or one
 * no pattern can match exactly (ANSWER_SCOPE_PATH).  Release with
 * always_rule_done(); *@r is untouched on failure.
 */
int always_rule_init(struct always_rule *r, const struct record *rec, enum answer_scope scope);

/* always_rule_done() - free what @r owns; a zeroed rule is fine. */
void always_rule_done(struct always_rule *r);

/* Which arguments of syscall @name are integers (not pointers, fds or
 * lengths of a buffer): bit N for argument N. */
unsigned always_int_args(const char *name);

/*
 * always_rules_find() - the first of @n rules @v that covers the call
 * (@arch, @nr, @args; @path and @addr as decoded, or NULL), or NULL.
 * always_rules_cover(): whether there is one.
 */
const struct always_rule *always_rules_find(const struct always_rule *v, size_t n,
					    enum cg_arch arch, int nr, const uint64_t args[6],
					    const char *path, const char *addr);
bool always_rules_cover(const struct always_rule *v, size_t n, enum cg_arch arch, int nr,
			const uint64_t args[6], const char *path, const char *addr);

/*
 * always_profile() - @p with @n rules @v added, as profile text
 * (policy_write()) in a new string in *@ret.  The rules come first, in the
 * order made, as SCMP_ACT_ALLOW rules, or SCMP_ACT_ERRNO rules with their
 * errnoRet, each with a comment saying what the operator decided.  A
 * syscall ruled whatever its arguments is taken out of the rules of @p
 * that decide it whatever theirs, and out of later such rules of @v (the
 * two would conflict; the first made wins, as it does in the run).  @p is
 * not changed.  Returns 0, -ENOMEM, or -EINVAL (a rule's syscall has no
 * name, or @p holds what policy_write() refuses).
 */
int always_profile(const struct policy *p, const struct always_rule *v, size_t n, char **ret);

#endif
