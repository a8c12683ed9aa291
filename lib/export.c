/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/cleanup.h"
#include "callgate/export.h"
#include "callgate/macro.h"
#include "callgate/policy_write.h"

static int fail(struct policy_error *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct policy_error *err, int r, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->pos = (struct policy_pos){ 0, 0 };
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return r;
}

/* ---- what the kernel filter does -------------------------------------- */

struct export_outcome export_outcome(const struct plan *plan, enum cg_arch arch, int nr,
				     const uint64_t args[6])
{
	const struct plan_entry *e = plan_entry_of(plan, arch, nr);
	struct plan_verdict v;

	/* runc's ENOSYS stub comes before any rule; the supervisor's
	 * syscalls are notified whatever their arguments */
	if (e && e->route != PLAN_ROUTE_ENOSYS &&
	    (e->flags & (PLAN_ENTRY_PATTERNS | PLAN_ENTRY_MULTIPLEX)))
		return (struct export_outcome){ .notify = true };
	v = plan_eval(plan, arch, nr, args);
	if (v.notify)
		return (struct export_outcome){ .notify = true };
	return (struct export_outcome){ .action = v.action, .data = v.data };
}

static bool outcome_equal(struct export_outcome a, struct export_outcome b)
{
	if (a.notify || b.notify)
		return a.notify == b.notify;
	return a.action == b.action && a.data == b.data;
}

static void outcome_format(struct export_outcome o, char *buf, size_t size)
{
	if (o.notify)
		snprintf(buf, size, "notify callgate");
	else if (o.action == POLICY_ACT_ERRNO || o.action == POLICY_ACT_TRACE)
		snprintf(buf, size, "%s(%u)", policy_action_to_string(o.action), o.data);
	else
		snprintf(buf, size, "%s", policy_action_to_string(o.action));
}

/* Argument vectors to try for one syscall: a bounded set. */
#define SAMPLES_MAX 256

struct samples {
	uint64_t v[SAMPLES_MAX][6];
	size_t n;
};

static void add_sample(struct samples *s, unsigned index, uint64_t value, uint64_t base)
{
	if (s->n >= SAMPLES_MAX || index >= 6)
		return;
	for (int i = 0; i < 6; i++)
		s->v[s->n][i] = base;
	s->v[s->n++][index] = value;
}

/* A value of the argument that satisfies @c. */
static uint64_t satisfying(const struct policy_arg *c)
{
	switch (c->op) {
	case POLICY_OP_NE: return c->value + 1;
	case POLICY_OP_LT: return c->value ? c->value - 1 : 0;
	case POLICY_OP_GT: return c->value + 1;
	case POLICY_OP_MASKED_EQ: return c->value_two;
	default: return c->value; /* EQ, LE, GE */
	}
}

static void rule_samples(struct samples *s, const struct policy_rule *src)
{
	for (size_t i = 0; i < src->n_args; i++) {
		const struct policy_arg *c = &src->args[i];
		/* each value, its neighbours, the high word alone, masks */
		const uint64_t values[] = { c->value,	   c->value - 1,
					    c->value + 1,  c->value_two,
					    ~c->value,	   c->value | c->value_two,
					    satisfying(c), c->value | (1ull << 32) };

		for (size_t k = 0; k < ARRAY_SIZE(values); k++) {
			add_sample(s, c->index, values[k], 0);
			add_sample(s, c->index, values[k], UINT64_MAX);
		}
	}
	/* every condition at once */
	if (src->n_args && s->n < SAMPLES_MAX) {
		memset(s->v[s->n], 0, sizeof(s->v[s->n]));
		for (size_t i = 0; i < src->n_args; i++)
			if (src->args[i].index < 6)
				s->v[s->n][src->args[i].index] = satisfying(&src->args[i]);
		s->n++;
	}
}

static void entry_samples(struct samples *s, const struct plan *plan, enum cg_arch arch, int nr)
{
	const struct plan_entry *e = plan_entry_of(plan, arch, nr);

	if (!e)
		return;
	for (uint16_t k = 0; k < e->n_refs; k++)
		rule_samples(s, plan->rules[plan->refs[e->first + k]].src);
}

static int compare_one(const struct plan *a, const struct plan *b, enum cg_arch arch, int nr,
		       struct samples *s, char *why, size_t why_size)
{
	s->n = 0;
	add_sample(s, 0, 0, 0);
	add_sample(s, 0, UINT64_MAX, UINT64_MAX);
	entry_samples(s, a, arch, nr);
	entry_samples(s, b, arch, nr);
	for (size_t i = 0; i < s->n; i++) {
		struct export_outcome x = export_outcome(a, arch, nr, s->v[i]);
		struct export_outcome y = export_outcome(b, arch, nr, s->v[i]);
		const char *name;
		char xs[64], ys[64];

		if (outcome_equal(x, y))
			continue;
		if (why && why_size) {
			name = syscall_name(arch, nr);
			outcome_format(x, xs, sizeof(xs));
			outcome_format(y, ys, sizeof(ys));
			snprintf(why, why_size,
				 "%s %s (%d) with arguments 0x%" PRIx64 ", 0x%" PRIx64
				 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
				 ": %s, not %s",
				 arch_to_string(arch), name ? name : "(no name)",
				 nr & ~(int)CG_X32_SYSCALL_BIT, s->v[i][0], s->v[i][1], s->v[i][2],
				 s->v[i][3], s->v[i][4], s->v[i][5], ys, xs);
		}
		return -EINVAL;
	}
	return 0;
}

int export_compare(const struct plan *a, const struct plan *b, char *why, size_t why_size)
{
	_cleanup_free_ struct samples *s = malloc(sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (int arch = 0; arch < CG_ARCH_MAX; arch++) {
		const struct plan_arch *pa = &a->arch[arch], *pb = &b->arch[arch];
		int bit = arch == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0;
		int limit = pa->nr_limit > pb->nr_limit ? pa->nr_limit : pb->nr_limit;
		/* beyond the table: numbers no ABI has yet (ENOSYS or default) */
		const int beyond[] = { limit, limit + 1, 1000, 0x3ffffffe, -1 };
		int r;

		if (pa->enabled != pb->enabled) {
			if (why && why_size)
				snprintf(why, why_size, "the ABI %s is %s",
					 arch_to_string((enum cg_arch)arch),
					 pb->enabled ? "enabled" : "not enabled");
			return -EINVAL;
		}
		if (!pa->enabled)
			continue;
		for (int nr = 0; nr < limit; nr++) {
			r = compare_one(a, b, (enum cg_arch)arch, nr | bit, s, why, why_size);
			if (r < 0)
				return r;
		}
		for (size_t i = 0; i < ARRAY_SIZE(beyond); i++) {
			int nr = beyond[i] < 0 ? beyond[i] : beyond[i] | bit;

			r = compare_one(a, b, (enum cg_arch)arch, nr, s, why, why_size);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- building the runtime's profile ----------------------------------- */

/* A list of borrowed names, without duplicates. */
struct names {
	const char **v;
	size_t n;
};

static bool names_has(const struct names *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return true;
	return false;
}

static int names_add(struct names *l, const char *name)
{
	const char **v;

	if (names_has(l, name))
		return 0;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	v[l->n++] = name;
	return 0;
}

/* Whether the supervisor decides @name whole on some enabled ABI. */
static bool decided_whole(const struct plan *plan, const char *name)
{
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		int nr;
		const struct plan_entry *e;

		if (!plan->arch[a].enabled || (nr = syscall_lookup((enum cg_arch)a, name)) < 0)
			continue;
		e = plan_entry_of(plan, (enum cg_arch)a, nr);
		if (e && e->route != PLAN_ROUTE_ENOSYS &&
		    (e->flags & (PLAN_ENTRY_PATTERNS | PLAN_ENTRY_MULTIPLEX)))
			return true;
	}
	return false;
}

/* The syscalls the supervisor decides whole, in the order the rules name
 * them, then the multiplexers. */
static int whole_names(const struct plan *plan, struct names *ret)
{
	int r;

	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct policy_rule *src = plan->rules[i].src;

		for (size_t k = 0; k < src->n_names; k++)
			if (decided_whole(plan, src->names[k]) &&
			    (r = names_add(ret, src->names[k])) < 0)
				return r;
	}
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		const struct plan_arch *pa = &plan->arch[a];
		int bit = a == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0;

		for (int nr = 0; pa->enabled && nr < pa->nr_limit; nr++) {
			const char *name = syscall_name((enum cg_arch)a, nr | bit);

			if ((pa->entries[nr].flags & PLAN_ENTRY_MULTIPLEX) && name &&
			    (r = names_add(ret, name)) < 0)
				return r;
		}
	}
	return 0;
}

static bool takes_data(enum policy_action a)
{
	return a == POLICY_ACT_ERRNO || a == POLICY_ACT_TRACE;
}

/* Append a rule for @names (copied) to @p. */
static int add_rule(struct policy *p, const struct names *names, enum policy_action action,
		    uint16_t data, const struct policy_arg *args, size_t n_args)
{
	struct policy_rule *rules, *r;

	rules = realloc(p->rules, (p->n_rules + 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	p->rules = rules;
	r = &rules[p->n_rules++];
	*r = (struct policy_rule){ .action = action };
	r->names = calloc(names->n ? names->n : 1, sizeof(*r->names));
	if (!r->names)
		return -ENOMEM;
	for (size_t i = 0; i < names->n; i++) {
		r->names[i] = strdup(names->v[i]);
		if (!r->names[i])
			return -ENOMEM;
		r->n_names++;
	}
	if (takes_data(action)) {
		r->has_errno_ret = true;
		r->errno_ret = data;
	}
	if (n_args) {
		r->args = calloc(n_args, sizeof(*r->args));
		if (!r->args)
			return -ENOMEM;
		for (size_t i = 0; i < n_args; i++)
			r->args[i] = (struct policy_arg){ .index = args[i].index,
							  .op = args[i].op,
							  .value = args[i].value,
							  .value_two = args[i].value_two };
		r->n_args = n_args;
	}
	return 0;
}

static const char *rule_label(const struct plan_rule *r, char *buf, size_t size)
{
	if (r->hatch)
		snprintf(buf, size, "callgate's refusal of an escape hatch");
	else
		snprintf(buf, size, "rule %u", r->index);
	return buf;
}

/* The runtime's copy of plan rule @r, without the names in @whole. */
static int export_rule(struct policy *p, const struct plan_rule *r, const struct names *whole,
		       struct policy_error *err)
{
	const struct policy_rule *src = r->src;
	enum policy_action action = r->notify ? POLICY_ACT_NOTIFY : r->action;
	_cleanup_free_ const char **v = NULL;
	struct names keep = { 0 };
	char label[64];
	int rc = 0;

	for (size_t k = 0; k < src->n_names && rc == 0; k++)
		if (!names_has(whole, src->names[k]))
			rc = names_add(&keep, src->names[k]);
	v = keep.v;
	if (rc < 0)
		return rc;
	if (keep.n == 0)
		return 0;
	if (action == POLICY_ACT_NOTIFY && names_has(&keep, "write"))
		return fail(err, -EINVAL,
			    "%s would notify write, which callgate decides (\"log\", \"audit\", "
			    "SCMP_ACT_NOTIFY or a denial in audit mode); runc refuses "
			    "SCMP_ACT_NOTIFY on write",
			    rule_label(r, label, sizeof(label)));
	/* runc ANDs conditions on different arguments and splits only where
	 * an index repeats; the plan's own refusals OR theirs */
	if (r->hatch && r->split) {
		for (size_t i = 0; i < src->n_args; i++) {
			rc = add_rule(p, &keep, action, r->data, &src->args[i], 1);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	return add_rule(p, &keep, action, r->data, src->args, src->n_args);
}

static int strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static const char *const scmp_arch_names[CG_ARCH_MAX] = {
	[CG_ARCH_X86_64] = "SCMP_ARCH_X86_64",
	[CG_ARCH_I386] = "SCMP_ARCH_X86",
	[CG_ARCH_X32] = "SCMP_ARCH_X32",
};

static int build(const struct plan *plan, const struct export_opts *o, struct policy *p,
		 struct policy_error *err)
{
	_cleanup_free_ const char **whole_v = NULL;
	struct names whole = { 0 };
	int r;

	p->enabled = true;
	p->default_action = plan->default_action;
	if (takes_data(plan->default_action)) {
		p->has_default_errno_ret = true;
		p->default_errno_ret = plan->default_data;
	}
	for (int a = 0; a < CG_ARCH_MAX; a++)
		if (plan->arch[a].enabled &&
		    (r = strv_push(&p->architectures, &p->n_architectures, scmp_arch_names[a])) < 0)
			return r;
	for (size_t i = 0; i < plan->policy->n_flags; i++)
		if ((r = strv_push(&p->flags, &p->n_flags, plan->policy->flags[i])) < 0)
			return r;
	p->listener_path = strdup(o->listener_path);
	p->listener_metadata = strdup(o->listener_metadata);
	if (!p->listener_path || !p->listener_metadata)
		return -ENOMEM;

	r = whole_names(plan, &whole);
	whole_v = whole.v;
	if (r < 0)
		return r;
	if (names_has(&whole, "write"))
		return fail(err, -EINVAL,
			    "callgate decides write by its path or address rules; runc refuses "
			    "SCMP_ACT_NOTIFY on write");
	if (whole.n && (r = add_rule(p, &whole, POLICY_ACT_NOTIFY, 0, NULL, 0)) < 0)
		return r;
	for (size_t i = 0; i < plan->n_rules; i++) {
		r = export_rule(p, &plan->rules[i], &whole, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int export_profile(const struct plan *plan, const struct export_opts *o, char **ret_text,
		   struct policy **ret_policy, struct policy_error *reterr)
{
	_cleanup_policy_ struct policy *p = NULL, *back = NULL;
	_cleanup_free_ char *text = NULL;
	struct plan *back_plan = NULL;
	struct plan_host all = { .caps = UINT64_MAX, .kernel_major = 255 };
	struct policy_error perr = { 0 };
	char why[POLICY_ERROR_MSG_MAX - 128];
	int r;

	if (plan->mode == PLAN_MODE_INTERACTIVE)
		return fail(reterr, -EINVAL,
			    "interactive mode cannot be exported: callgate serve decides in "
			    "enforce or audit mode");
	if (plan->default_notify)
		return fail(reterr, -EINVAL,
			    "the default action (%s) would be notified%s; runc refuses "
			    "SCMP_ACT_NOTIFY as the default action",
			    policy_action_to_string(plan->default_action),
			    plan->mode == PLAN_MODE_AUDIT ? " (a denial, in audit mode)" : "");
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	r = build(plan, o, p, reterr);
	if (r < 0)
		return r == -ENOMEM ? fail(reterr, r, "out of memory") : r;
	r = policy_write(p, &text);
	if (r < 0)
		return fail(reterr, r, "cannot write the profile: %s", strerror(-r));

	/* read back as the runtime will, and compare decisions */
	r = policy_parse_buf(text, strlen(text), "(exported)", &back, &perr);
	if (r < 0)
		return fail(reterr, r, "the exported profile does not read back: %u:%u: %s",
			    perr.pos.line, perr.pos.column, perr.msg);
	r = plan_compile(back, &all, PLAN_MODE_ENFORCE, &back_plan);
	if (r < 0)
		return fail(reterr, r, "the exported profile does not compile: %s", strerror(-r));
	r = export_compare(plan, back_plan, why, sizeof(why));
	plan_free(back_plan);
	if (r == -ENOMEM)
		return fail(reterr, r, "out of memory");
	if (r < 0)
		return fail(reterr, r,
			    "a runtime would decide differently from callgate under the "
			    "exported profile: %s",
			    why);
	*ret_text = steal_ptr(&text);
	if (ret_policy)
		*ret_policy = steal_ptr(&back);
	return 0;
}
