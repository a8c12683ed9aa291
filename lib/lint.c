/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/addrmatch.h"
#include "callgate/hatch.h"
#include "callgate/lint.h"
#include "callgate/macro.h"
#include "callgate/sysargs.h"

/* The names of one message ("read", "write" and 3 more), bounded. */
#define NAMES_SHOWN 6

struct names {
	char buf[256];
	size_t shown, total;
};

static void names_add(struct names *n, const char *name)
{
	size_t len = strlen(n->buf);

	if (n->total++ >= NAMES_SHOWN)
		return;
	snprintf(n->buf + len, sizeof(n->buf) - len, "%s\"%s\"", n->shown ? ", " : "", name);
	n->shown++;
}

/* The list as text: valid until @n changes. */
static const char *names_text(struct names *n)
{
	size_t len = strlen(n->buf);

	if (n->total > n->shown)
		snprintf(n->buf + len, sizeof(n->buf) - len, " and %zu more", n->total - n->shown);
	n->shown = n->total; /* the tail is written once */
	return n->buf;
}

__attribute__((format(printf, 5, 6))) static int add(struct lint *l, struct policy_pos pos,
						     enum lint_severity sev, enum lint_kind kind,
						     const char *fmt, ...)
{
	struct lint_item *items;
	char *msg;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	items = realloc(l->items, (l->n_items + 1) * sizeof(*items));
	if (!items) {
		free(msg);
		return -ENOMEM;
	}
	l->items = items;
	l->items[l->n_items++] = (struct lint_item){
		.pos = pos,
		.severity = sev,
		.kind = kind,
		.msg = msg,
	};
	return 0;
}

/* ---- what check always said: skips and escape hatches ---------------- */

static const char *skip_reason_text(enum plan_skip_reason r)
{
	switch (r) {
	case PLAN_SKIP_UNKNOWN: return "not a syscall of any Linux architecture";
	case PLAN_SKIP_OTHER_ARCH: return "a syscall of other architectures only";
	default: return "not on the profile's x86 ABIs";
	}
}

static int lint_skips(const struct plan *plan, struct lint *l)
{
	for (size_t i = 0; i < plan->n_skips; i++) {
		const struct plan_skip *s = &plan->skips[i];
		const struct policy_rule *rule = &plan->policy->rules[s->rule];

		if (s->reason != PLAN_SKIP_UNKNOWN)
			continue; /* counted in check's summary, not a mistake */
		if (add(l, rule->pos, LINT_WARNING, LINT_SKIP, "syscall \"%s\" skipped: %s",
			s->name, skip_reason_text(s->reason)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* "rules 2, 5, 9 and 3 more" ("rule 2" alone): the kept rules of the kinds
 * @ph bypasses; the first of them in *@ret_first. */
static void bypassed_rules(const struct plan *plan, const struct plan_hatch *ph, char *buf,
			   size_t size, const struct policy_rule **ret_first)
{
	size_t off = 0, shown = 0, total = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct plan_rule *r = &plan->rules[i];
		int n;

		if (r->hatch || !(hatch_rule_kinds(r->src) & ph->kinds))
			continue;
		if (total++ == 0)
			*ret_first = r->src;
		if (shown == 8 || off >= size)
			continue;
		n = snprintf(buf + off, size - off, "%s%u", shown ? ", " : "rule ", r->index);
		if (n > 0)
			off += (size_t)n;
		shown++;
	}
	if (total > shown && off < size)
		snprintf(buf + off, size - off, " and %zu more", total - shown);
	if (total > 1 && strlen(buf) + 2 <= size) {
		/* "rule " -> "rules " */
		memmove(buf + 5, buf + 4, strlen(buf + 4) + 1);
		buf[4] = 's';
	}
}

/* Escape hatches left to an allowing default are warnings, those a rule of
 * the profile decides notes; refused ones are neither. */
static int lint_hatches(const struct plan *plan, struct lint *l)
{
	for (size_t i = 0; i < plan->n_hatches; i++) {
		const struct plan_hatch *ph = &plan->hatches[i];
		const struct policy_rule *first = NULL, *at;
		char rules[128], kinds[64];
		int r;

		if (ph->refused)
			continue;
		bypassed_rules(plan, ph, rules, sizeof(rules), &first);
		hatch_kinds_format(ph->kinds, kinds, sizeof(kinds));
		if (ph->rule >= 0) {
			at = &plan->policy->rules[ph->rule];
			r = add(l, at->pos, LINT_NOTE, LINT_HATCH,
				"escape hatch \"%s\" is left to rule %d; it can bypass %s (%s): %s",
				ph->hatch->name, ph->rule, rules, kinds, ph->hatch->reason);
		} else {
			at = first;
			r = add(l, at ? at->pos : (struct policy_pos){ 0 }, LINT_WARNING,
				LINT_HATCH,
				"escape hatch \"%s\" bypasses %s (%s): %s; \"advisory\": \"deny\" "
				"refuses it",
				ph->hatch->name, rules, kinds, ph->hatch->reason);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- rules ------------------------------------------------------------ */

static bool has_patterns(const struct policy_rule *r)
{
	return r->n_paths || r->n_addresses;
}

static bool has_filters(const struct policy_rule *r)
{
	return r->includes || r->excludes;
}

static bool rule_names(const struct policy_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (strcmp(r->names[i], name) == 0)
			return true;
	return false;
}

/* Whether @name was listed before index @k of @r (each name once). */
static bool listed_before(const struct policy_rule *r, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (strcmp(r->names[i], r->names[k]) == 0)
			return true;
	return false;
}

/* Whether an enabled ABI of @plan has syscall @name. */
static bool name_here(const struct plan *plan, const char *name)
{
	for (int a = 0; a < CG_ARCH_MAX; a++)
		if (plan->arch[a].enabled && syscall_lookup((enum cg_arch)a, name) >= 0)
			return true;
	return false;
}

/*
 * Which rules (indexes in plan->rules) name a syscall: (name, rule) pairs
 * in strcmp order of the name, then rule order, so that the rules naming a
 * name are found with one binary search, in order, instead of comparing
 * it with every name of every rule (for every name of every rule).
 */
struct naming {
	const char *name;
	size_t rule;
};

struct names_index {
	struct naming *v;
	size_t n;
};

static int cmp_naming(const void *a, const void *b)
{
	const struct naming *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->rule > y->rule) - (x->rule < y->rule);
}

static int names_index_init(const struct plan *plan, struct names_index *ix)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n_rules; i++)
		n += plan->rules[i].src->n_names;
	ix->v = malloc((n ? n : 1) * sizeof(*ix->v));
	if (!ix->v)
		return -ENOMEM;
	ix->n = 0;
	for (size_t i = 0; i < plan->n_rules; i++)
		for (size_t k = 0; k < plan->rules[i].src->n_names; k++)
			ix->v[ix->n++] = (struct naming){ plan->rules[i].src->names[k], i };
	qsort(ix->v, ix->n, sizeof(*ix->v), cmp_naming);
	return 0;
}

/* The first pair of @name (*@end: past its last), NULL if no rule names it. */
static const struct naming *naming_rules(const struct names_index *ix, const char *name,
					 const struct naming **end)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) { /* the first pair not before @name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*end = ix->v + lo;
	while (*end < ix->v + ix->n && strcmp((*end)->name, name) == 0)
		(*end)++;
	return ix->v + lo;
}

/* Whether a kept rule of the profile naming @name has patterns: then the
 * supervisor decides every call of it, the first matching rule in profile
 * order (plan_eval_ptrs()); else the kernel does, as libseccomp builds it. */
static bool patterns_decide(const struct plan *plan, const struct names_index *ix, const char *name)
{
	const struct naming *end, *p = naming_rules(ix, name, &end);

	for (; p < end; p++)
		if (!plan->rules[p->rule].hatch && has_patterns(plan->rules[p->rule].src))
			return true;
	return false;
}

/* Whether the supervisor decodes what "addresses" look at for @name. */
static bool takes_address(const char *name)
{
	/* sendmsg's address is inside its msghdr (supervisor/decode.c) */
	return sysargs_sockaddr(name, NULL) >= 0 || strcmp(name, "sendmsg") == 0;
}

static bool takes_path(const char *name)
{
	int idx[2], dirfd[2];

	return sysargs_paths(name, idx, dirfd) > 0;
}

/*
 * Whether every call of @name that rule @r allows by its patterns is one
 * that callgate decides on its copy and leaves to the kernel (advisory,
 * callgate-policy(5)): no emulation at all, or one that locates the object
 * and continues (supervisor/emupath.c, OP_LOCATE), or a connect to unix
 * sockets only (the peer would see callgate's credentials).
 */
static bool always_advisory(const struct policy_rule *r, const char *name)
{
	static const char *const locate[] = { "chdir", "chroot", "execve", "execveat", "statfs" };
	bool unix_only = r->n_addresses && r->addr_patterns && !r->n_paths;

	if (sysargs_emulation(name) == SYSARGS_EMU_NONE)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(locate); i++)
		if (strcmp(name, locate[i]) == 0)
			return true;
	for (size_t i = 0; unix_only && i < r->n_addresses; i++) {
		const struct addr_pattern *ap = &r->addr_patterns[i];

		if (!ap->exclude && ap->kind != ADDR_PATTERN_UNIX &&
		    ap->kind != ADDR_PATTERN_ABSTRACT)
			unix_only = false;
	}
	return unix_only && strcmp(name, "connect") == 0;
}

/* "paths" or "addresses" on names whose calls carry none. */
static int lint_undecodable(const struct plan *plan, const struct plan_rule *pr, struct lint *l)
{
	const struct policy_rule *r = pr->src;
	struct names np = { 0 }, na = { 0 };

	for (size_t k = 0; k < r->n_names; k++) {
		const char *name = r->names[k];

		if (listed_before(r, k) || !name_here(plan, name))
			continue;
		if (r->n_paths && !takes_path(name))
			names_add(&np, name);
		else if (r->n_addresses && !r->n_paths && !takes_address(name))
			names_add(&na, name);
	}
	if (np.total &&
	    add(l, r->pos, LINT_WARNING, LINT_COSTLY,
		"\"paths\" of rule %u never match %s: callgate reads no path argument of %s, yet "
		"sends %s calls to the supervisor for the rule",
		pr->index, names_text(&np), np.total > 1 ? "these" : "it",
		np.total > 1 ? "their" : "its") < 0)
		return -ENOMEM;
	if (na.total &&
	    add(l, r->pos, LINT_WARNING, LINT_COSTLY,
		"\"addresses\" of rule %u never match %s: callgate reads no socket address of %s, "
		"yet sends %s calls to the supervisor for the rule",
		pr->index, names_text(&na), na.total > 1 ? "these" : "it",
		na.total > 1 ? "their" : "its") < 0)
		return -ENOMEM;
	return 0;
}

/* The index in plan->rules of the last kept rule naming @name. */
static size_t last_naming(const struct plan *plan, const char *name)
{
	size_t last = SIZE_MAX;

	for (size_t i = 0; i < plan->n_rules; i++)
		if (!plan->rules[i].hatch && rule_names(plan->rules[i].src, name))
			last = i;
	return last;
}

/*
 * A pattern rule with the default's outcome, the last for a syscall:
 * matched or not, the call ends as the default says, after a trip to the
 * supervisor.  Not with "log" (the trip is the point), "audit" (a denial
 * becomes would-deny), nor an allow under "advisory": "deny" (refused).
 */
static int lint_default_outcome(const struct plan *plan, size_t i, struct lint *l)
{
	const struct plan_rule *pr = &plan->rules[i];
	const struct policy_rule *r = pr->src;
	const struct policy *p = plan->policy;
	struct names n = { 0 };

	if (r->log || r->audit || pr->action != plan->default_action ||
	    pr->data != plan->default_data || pr->action == POLICY_ACT_NOTIFY ||
	    (p->advisory_deny && !policy_action_denies(pr->action)))
		return 0;
	for (size_t k = 0; k < r->n_names; k++) {
		const char *name = r->names[k];

		if (listed_before(r, k) || !name_here(plan, name) || last_naming(plan, name) != i)
			continue;
		if ((r->n_paths && !takes_path(name)) || (!r->n_paths && !takes_address(name)))
			continue; /* said already */
		names_add(&n, name);
	}
	if (!n.total)
		return 0;
	return add(l, r->pos, LINT_WARNING, LINT_COSTLY,
		   "rule %u has the default action (%s) and no later rule names %s: whether its "
		   "\"%s\" match or not, the call ends the same, but each goes to the supervisor",
		   pr->index, policy_action_to_string(pr->action), names_text(&n),
		   r->n_paths ? "paths" : "addresses");
}

/* An allow by patterns that "advisory": "deny" turns into EPERM. */
static int lint_advisory(const struct plan *plan, const struct plan_rule *pr, struct lint *l)
{
	const struct policy_rule *r = pr->src;
	struct names n = { 0 };

	if (!plan->policy->advisory_deny || plan->mode != PLAN_MODE_ENFORCE ||
	    policy_action_denies(pr->action) || pr->action == POLICY_ACT_NOTIFY)
		return 0;
	for (size_t k = 0; k < r->n_names; k++) {
		const char *name = r->names[k];

		if (listed_before(r, k) || !name_here(plan, name))
			continue;
		if ((r->n_paths && !takes_path(name)) || (!r->n_paths && !takes_address(name)))
			continue; /* never matches: said already */
		if (always_advisory(r, name))
			names_add(&n, name);
	}
	if (!n.total)
		return 0;
	return add(l, r->pos, LINT_WARNING, LINT_DEAD,
		   "rule %u allows %s by its \"%s\", which callgate decides but leaves to the "
		   "kernel (advisory): \"advisory\": \"deny\" refuses every such call it allows "
		   "(EPERM)",
		   pr->index, names_text(&n), r->n_paths ? "paths" : "addresses");
}

/*
 * The rule that decides every call of @name, so that rule @self never
 * does, or NULL.  In the supervisor (a pattern rule names it) the first
 * rule in profile order with no condition and no pattern decides every
 * call that reaches it: rules after it never do.  In the kernel,
 * libseccomp lets the first unconditional rule override all others of
 * the syscall (a rule with the default's action has no filter rule).
 * Only rules that hold on every host count: an override that includes or
 * excludes bring (Docker's profile adds unconditional rules for holders
 * of a capability) is the profile's design.  *@ret_later: whether @self
 * comes after it.
 */
/* @name is one of rule @self's: the rules that name it, in order, are
 * those of @ix (the others, @self not among them, would be passed over). */
static const struct plan_rule *overridden_by(const struct plan *plan, const struct names_index *ix,
					     size_t self, const char *name, bool *ret_later)
{
	bool sup = patterns_decide(plan, ix, name);
	const struct naming *end, *p;

	if (!sup && plan->rules[self].redundant)
		return NULL; /* counted as the default's already */
	for (p = naming_rules(ix, name, &end); p < end; p++) {
		size_t i = p->rule;
		const struct plan_rule *d = &plan->rules[i];

		if (i == self && (sup || (!d->src->n_args && !has_patterns(d->src))))
			return NULL; /* reached first, or the overriding rule itself */
		if (i == self || d->hatch || d->src->n_args || has_patterns(d->src) ||
		    (!sup && d->redundant))
			continue;
		if (has_filters(d->src))
			return NULL;
		*ret_later = self > i;
		return d;
	}
	return NULL;
}

static int lint_overridden(const struct plan *plan, const struct names_index *ix, size_t self,
			   struct lint *l)
{
	const struct policy_rule *r = plan->rules[self].src;
	bool *done = calloc(r->n_names ? r->n_names : 1, sizeof(*done));
	int res = 0;

	if (!done)
		return -ENOMEM;
	/* one message per overriding rule, naming the syscalls it takes */
	for (size_t k = 0; k < r->n_names && res == 0; k++) {
		const struct plan_rule *d = NULL;
		struct names n = { 0 };
		bool later = false;

		if (done[k] || listed_before(r, k) || !name_here(plan, r->names[k]))
			continue;
		d = overridden_by(plan, ix, self, r->names[k], &later);
		if (!d)
			continue;
		names_add(&n, r->names[k]);
		for (size_t j = k + 1; j < r->n_names; j++) {
			bool later_j = false;

			if (done[j] || listed_before(r, j) || !name_here(plan, r->names[j]))
				continue;
			if (overridden_by(plan, ix, self, r->names[j], &later_j) == d &&
			    later_j == later) {
				names_add(&n, r->names[j]);
				done[j] = true;
			}
		}
		res = add(l, r->pos, LINT_WARNING, LINT_DEAD,
			  later ? "rule %u never decides %s: rule %u (line %u) decides every call "
				  "of %s before it, with no condition"
				: "rule %u never decides %s: rule %u (line %u), later but with no "
				  "condition, decides every call of %s (libseccomp lets an "
				  "unconditional rule override the conditional ones)",
			  plan->rules[self].index, names_text(&n), d->index, d->src->pos.line,
			  n.total > 1 ? "them" : "it");
	}
	free(done);
	return res;
}

/* ---- conditions ------------------------------------------------------- */

/* Whether condition @c can hold for some value, compared in 64 bits or
 * (@narrow) in the low 32 as libseccomp does on the 32-bit ABIs. */
static bool cond_can_hold(const struct policy_arg *c, bool narrow)
{
	uint64_t max = narrow ? UINT32_MAX : UINT64_MAX;
	uint64_t v = c->value & max, two = c->value_two & max;

	switch (c->op) {
	case POLICY_OP_LT: return v > 0;
	case POLICY_OP_GT: return v < max;
	case POLICY_OP_MASKED_EQ: return (two & ~v) == 0;
	default: return true;
	}
}

/* Whether the plan compares on a 32-bit ABI (i386, x32). */
static bool any_narrow(const struct plan *plan)
{
	return plan->arch[CG_ARCH_I386].enabled || plan->arch[CG_ARCH_X32].enabled;
}

struct span {
	uint64_t lo, hi;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The values for which @c holds, as at most two spans in @out. */
static size_t cond_spans(const struct policy_arg *c, bool narrow, struct span out[2])
{
	uint64_t max = narrow ? UINT32_MAX : UINT64_MAX;
	uint64_t v = c->value & max, two = c->value_two & max;

	switch (c->op) {
	case POLICY_OP_EQ: out[0] = (struct span){ v, v }; return 1;
	case POLICY_OP_LE: out[0] = (struct span){ 0, v }; return 1;
	case POLICY_OP_GE: out[0] = (struct span){ v, max }; return 1;
	case POLICY_OP_LT:
		if (!v)
			return 0;
		out[0] = (struct span){ 0, v - 1 };
		return 1;
	case POLICY_OP_GT:
		if (v == max)
			return 0;
		out[0] = (struct span){ v + 1, max };
		return 1;
	case POLICY_OP_NE: {
		size_t n = 0;

		if (v)
			out[n++] = (struct span){ 0, v - 1 };
		if (v < max)
			out[n++] = (struct span){ v + 1, max };
		return n;
	}
	case POLICY_OP_MASKED_EQ:
		/* a full mask is EQ; other masks are not spans (left out:
		 * the union found is then a lower bound, so "covers every
		 * value" stays sure) */
		if (v != max)
			return 0;
		out[0] = (struct span){ two, two };
		return 1;
	default: return 0;
	}
}

/* Whether the conditions of @r on argument @index together hold for every
 * value (compared as @narrow says). */
static int covers_all(const struct policy_rule *r, unsigned index, bool narrow, bool *ret)
{
	uint64_t max = narrow ? UINT32_MAX : UINT64_MAX, next = 0;
	struct span *s;
	size_t n = 0;

	s = calloc(2 * r->n_args + 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_args; i++)
		if (r->args[i].index == index)
			n += cond_spans(&r->args[i], narrow, s + n);
	qsort(s, n, sizeof(*s), span_cmp);
	*ret = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i].lo > next)
			break;
		if (s[i].hi == max) {
			*ret = true;
			break;
		}
		if (s[i].hi + 1 > next)
			next = s[i].hi + 1;
	}
	free(s);
	return 0;
}

static int lint_conditions(const struct plan *plan, const struct plan_rule *pr, struct lint *l)
{
	const struct policy_rule *r = pr->src;
	bool narrow = any_narrow(plan);

	for (size_t i = 0; i < r->n_args; i++) {
		const struct policy_arg *c = &r->args[i];
		int res;

		/* dead where it never holds on every ABI the plan enables */
		if ((plan->arch[CG_ARCH_X86_64].enabled && cond_can_hold(c, false)) ||
		    (narrow && cond_can_hold(c, true)))
			continue;
		res = add(l, c->pos, LINT_WARNING, LINT_DEAD,
			  "argument %u %s 0x%llx%s never holds: %s", c->index,
			  policy_op_to_string(c->op), (unsigned long long)c->value,
			  c->op == POLICY_OP_MASKED_EQ ? " (valueTwo has bits outside the mask)"
						       : "",
			  pr->split ? "the other conditions of the rule decide alone (they OR, as "
				      "an argument index repeats)"
				    : "the rule never matches");
		if (res < 0)
			return res;
	}
	if (!pr->split)
		return 0;
	for (unsigned index = 0; index < 6; index++) {
		bool wide = false, low = true;
		int res = covers_all(r, index, false, &wide);

		if (res == 0 && narrow)
			res = covers_all(r, index, true, &low);
		if (res < 0)
			return res;
		if (!wide || !low)
			continue;
		return add(l, r->pos, LINT_WARNING, LINT_DEAD,
			   "the conditions of rule %u on argument %u hold for every value: as an "
			   "argument index repeats, each condition is a rule of its own (they OR, "
			   "as runc builds them), so the rule matches every call",
			   pr->index, index);
	}
	return 0;
}

static int lint_rules(const struct plan *plan, struct lint *l)
{
	struct names_index ix;

	if (names_index_init(plan, &ix) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct plan_rule *pr = &plan->rules[i];
		const struct policy_rule *r = pr->src;
		int res = 0;

		if (pr->hatch)
			continue;
		if (has_patterns(r))
			res = lint_undecodable(plan, pr, l);
		if (res == 0 && has_patterns(r))
			res = lint_default_outcome(plan, i, l);
		if (res == 0 && has_patterns(r))
			res = lint_advisory(plan, pr, l);
		if (res == 0)
			res = lint_overridden(plan, &ix, i, l);
		if (res == 0)
			res = lint_conditions(plan, pr, l);
		if (res < 0) {
			free(ix.v);
			return res;
		}
	}
	free(ix.v);
	return 0;
}

int lint_policy(const struct policy *policy, const struct plan *plan, struct lint *ret)
{
	struct lint l = { 0 };
	int r = 0;

	for (size_t i = 0; i < policy->n_warnings && r == 0; i++)
		r = add(&l, policy->warnings[i].pos, LINT_WARNING, LINT_PARSE, "%s",
			policy->warnings[i].msg);
	if (r == 0 && plan)
		r = lint_skips(plan, &l);
	if (r == 0 && plan)
		r = lint_hatches(plan, &l);
	if (r == 0 && plan)
		r = lint_rules(plan, &l);
	if (r < 0) {
		lint_done(&l);
		return r;
	}
	*ret = l;
	return 0;
}

void lint_done(struct lint *l)
{
	for (size_t i = 0; i < l->n_items; i++)
		free(l->items[i].msg);
	free(l->items);
	*l = (struct lint){ 0 };
}
