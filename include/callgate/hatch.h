/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Escape hatches: syscalls that reach files or socket addresses, or change
 * what a path or an address leads to, with no argument that a "paths" or
 * "addresses" rule looks at.  A profile whose pattern rules leave such a
 * syscall to an allowing default can be bypassed through it: `callgate
 * check` warns, and "advisory": "deny" refuses it in the kernel's filter
 * (plan.h), unless the profile names the syscall in a rule of its own.
 *
 * One row per syscall.  A row refuses the whole call, or only the calls for
 * which one of its argument conditions holds (the conditions OR, as a
 * profile rule whose argument index repeats).  Each condition, like each
 * row, says which kinds of rules it bypasses, so a policy is refused only
 * what bypasses the kinds of rules it has.
 *
 * Pure data: no allocation, no I/O.
 */
#ifndef CALLGATE_HATCH_H
#define CALLGATE_HATCH_H

#include <stddef.h>
#include <stdint.h>

#include "callgate/policy.h"
#include "callgate/systable.h"

/* Kinds of pattern rules (bits). */
#define HATCH_PATHS	   (1u << 0) /* rules with "paths" */
#define HATCH_ADDR_CONNECT (1u << 1) /* "addresses" on where a socket goes: connect, sendto, ... */
#define HATCH_ADDR_BIND	   (1u << 2) /* "addresses" on bind */
#define HATCH_ADDRS	   (HATCH_ADDR_CONNECT | HATCH_ADDR_BIND)
#define HATCH_ALL	   (HATCH_PATHS | HATCH_ADDRS)

/* ABIs (bit per enum cg_arch) */
#define HATCH_ABI_ALL	((1u << CG_ARCH_MAX) - 1)
#define HATCH_ABI_I386	(1u << CG_ARCH_I386)

#define HATCH_CONDS_MAX 6

/* Refuse the call when argument @index compares to @value as @op says. */
struct hatch_cond {
	unsigned kinds; /* HATCH_*: the kinds of rules these calls bypass */
	uint8_t index;
	enum policy_op op;
	uint64_t value;
	uint64_t value_two; /* MASKED_EQ: (arg & value) == value_two */
};

struct hatch {
	const char *name;
	unsigned kinds;	 /* HATCH_*: what the row bypasses (its conditions' union) */
	unsigned abis;	 /* HATCH_ABI_*: where it is one, if the ABI has the syscall */
	int err;	 /* the refusal's errno */
	uint8_t n_conds; /* 0: the whole call is refused */
	struct hatch_cond conds[HATCH_CONDS_MAX];
	const char *reason; /* one line, for check's warning */
};

/* The table: hatch_count() rows, hatch_at(i) for i below it. */
size_t hatch_count(void);
const struct hatch *hatch_at(size_t i);

/* The row for syscall @name, or NULL if it is no escape hatch. */
const struct hatch *hatch_lookup(const char *name);

/*
 * hatch_rule_kinds() - the kinds (HATCH_*) of pattern rule @rule is:
 * HATCH_PATHS with "paths"; with "addresses", HATCH_ADDR_BIND for the name
 * bind and HATCH_ADDR_CONNECT for any other (connect, sendto, sendmsg,
 * accept-side names); 0 for a rule without patterns.
 */
unsigned hatch_rule_kinds(const struct policy_rule *rule);

/*
 * hatch_kinds_format() - @kinds as "paths, addresses-connect, addresses-bind"
 * (those set) into @buf.  Returns @buf.
 */
char *hatch_kinds_format(unsigned kinds, char *buf, size_t size);

#endif
