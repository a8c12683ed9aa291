/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/macro.h"
#include "callgate/pathmatch.h"
#include "callgate/pathset.h"
#include "callgate/addrset.h"
#include "callgate/plan.h"
#include "callgate/sysargs.h"

static const char *const mode_names[PLAN_MODE_MAX] = {
	[PLAN_MODE_ENFORCE] = "enforce",
	[PLAN_MODE_AUDIT] = "audit",
	[PLAN_MODE_INTERACTIVE] = "interactive",
};

const char *plan_mode_to_string(enum plan_mode m)
{
	if (m < 0 || m >= PLAN_MODE_MAX)
		return NULL;
	return mode_names[m];
}

enum plan_mode plan_mode_from_string(const char *s)
{
	for (int m = 0; m < PLAN_MODE_MAX; m++)
		if (strcmp(s, mode_names[m]) == 0)
			return (enum plan_mode)m;
	return PLAN_MODE_INVALID;
}

static bool strv_contains(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static int arch_from_scmp(const char *s)
{
	if (strcmp(s, "SCMP_ARCH_X86_64") == 0)
		return CG_ARCH_X86_64;
	if (strcmp(s, "SCMP_ARCH_X86") == 0)
		return CG_ARCH_I386;
	if (strcmp(s, "SCMP_ARCH_X32") == 0)
		return CG_ARCH_X32;
	return -1; /* a foreign architecture: never seen on an x86_64 kernel */
}

unsigned plan_policy_arches(const struct policy *policy)
{
	/* libseccomp always filters the native architecture. */
	unsigned set = 1u << CG_ARCH_X86_64;
	int a;

	for (size_t i = 0; i < policy->n_architectures; i++)
		if ((a = arch_from_scmp(policy->architectures[i])) >= 0)
			set |= 1u << a;
	for (size_t i = 0; i < policy->n_arch_map; i++) {
		const struct policy_archmap *m = &policy->arch_map[i];

		if (!m->arch || strcmp(m->arch, "SCMP_ARCH_X86_64") != 0)
			continue;
		for (size_t k = 0; k < m->n_sub_arches; k++)
			if ((a = arch_from_scmp(m->sub_arches[k])) >= 0)
				set |= 1u << a;
	}
	return set;
}

static bool holds_cap(const struct plan_host *host, const char *name)
{
	int c = cap_from_name(name);

	return c >= 0 && c < 64 && (host->caps & (1ull << c));
}

static bool kernel_at_least(const struct plan_host *host, const struct policy_filter *f)
{
	if (host->kernel_major != f->min_kernel_major)
		return host->kernel_major > f->min_kernel_major;
	return host->kernel_minor >= f->min_kernel_minor;
}

/* The Go architecture Docker compares includes/excludes "arches" with. */
#define HOST_GO_ARCH "amd64"

bool plan_rule_applies(const struct policy_rule *rule, const struct plan_host *host)
{
	const struct policy_filter *ex = rule->excludes, *in = rule->includes;

	if (ex) {
		if (ex->n_arches && strv_contains(ex->arches, ex->n_arches, HOST_GO_ARCH))
			return false;
		for (size_t i = 0; i < ex->n_caps; i++)
			if (holds_cap(host, ex->caps[i]))
				return false;
		if (ex->has_min_kernel && kernel_at_least(host, ex))
			return false;
	}
	if (in) {
		if (in->n_arches && !strv_contains(in->arches, in->n_arches, HOST_GO_ARCH))
			return false;
		for (size_t i = 0; i < in->n_caps; i++)
			if (!holds_cap(host, in->caps[i]))
				return false;
		if (in->has_min_kernel && !kernel_at_least(host, in))
			return false;
	}
	return true;
}

/* The return data runc gives an action: errnoRet, else EPERM (runc's
 * actErrno and actTrace); the kernel sees the low 16 bits. */
static uint16_t action_data(enum policy_action a, bool has, uint64_t v)
{
	if (a != POLICY_ACT_ERRNO && a != POLICY_ACT_TRACE)
		return 0;
	return has ? (uint16_t)(v & 0xffff) : 1;
}

/* Whether an outcome is sent to the supervisor in @mode. */
static bool outcome_notifies(enum policy_action a, enum plan_mode mode)
{
	if (a == POLICY_ACT_NOTIFY)
		return true;
	return mode != PLAN_MODE_ENFORCE && policy_action_denies(a);
}

static bool split_conditions(const struct policy_rule *r)
{
	unsigned count[6] = { 0 };

	for (size_t i = 0; i < r->n_args; i++)
		if (r->args[i].index < 6 && ++count[r->args[i].index] > 1)
			return true;
	return false;
}

static void plan_arch_done(struct plan_arch *a)
{
	free(a->entries);
	*a = (struct plan_arch){ 0 };
}

void plan_free(struct plan *plan)
{
	if (!plan)
		return;
	for (int a = 0; a < CG_ARCH_MAX; a++)
		plan_arch_done(&plan->arch[a]);
	for (size_t i = 0; plan->rules && i < plan->n_rules; i++) {
		path_set_free(plan->rules[i].paths);
		addr_set_free(plan->rules[i].addrs);
	}
	free(plan->rules);
	free(plan->refs);
	free(plan->skips);
	free(plan->hatches);
	free(plan->hatch_rules);
	free(plan);
}

static int add_skip(struct plan *plan, const char *name, uint32_t rule,
		    enum plan_skip_reason reason)
{
	struct plan_skip *s = realloc(plan->skips, (plan->n_skips + 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	plan->skips = s;
	s[plan->n_skips++] = (struct plan_skip){ .name = name, .rule = rule, .reason = reason };
	return 0;
}

static enum plan_skip_reason skip_reason(const char *name)
{
	for (int a = 0; a < CG_ARCH_MAX; a++)
		if (syscall_lookup((enum cg_arch)a, name) >= 0)
			return PLAN_SKIP_NOT_ENABLED;
	return syscall_known_elsewhere(name) ? PLAN_SKIP_OTHER_ARCH : PLAN_SKIP_UNKNOWN;
}

static unsigned filter_flags(const struct policy *policy)
{
	static const struct {
		const char *name;
		unsigned flag;
	} map[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", PLAN_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", PLAN_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", PLAN_FLAG_SPEC_ALLOW },
		{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", PLAN_FLAG_WAIT_KILLABLE_RECV },
	};
	unsigned flags = 0;

	for (size_t i = 0; i < policy->n_flags; i++)
		for (size_t k = 0; k < ARRAY_SIZE(map); k++)
			if (strcmp(policy->flags[i], map[k].name) == 0)
				flags |= map[k].flag;
	return flags;
}

/* The route of @e, which has rules: the kernel's unless one notifies. */
static void set_route(const struct plan *plan, const uint32_t *refs, struct plan_entry *e)
{
	bool notify = false, unconditional = false;

	for (uint16_t k = 0; k < e->n_refs; k++) {
		const struct plan_rule *r = &plan->rules[refs[e->first + k]];
		bool patterns = r->src->n_paths || r->src->n_addresses;

		notify |= r->notify;
		unconditional |= r->src->n_args == 0 && !patterns && !r->redundant;
	}
	if (!unconditional && plan->default_notify)
		notify = true;
	e->route = notify ? PLAN_ROUTE_SUPERVISOR : PLAN_ROUTE_KERNEL;
}

/*
 * Names that libseccomp resolves on i386 to its pseudo numbers for the
 * calls socketcall() and ipc() multiplex (the direct calls came in Linux
 * 4.3 and 4.18): runc's ENOSYS stub does not count them when it looks for
 * the newest syscall a profile names, so their direct numbers get ENOSYS
 * where nothing newer is named, and libc falls back to the multiplexer.
 */
static const char *const i386_multiplexed[] = {
	"socket",      "bind",	      "connect",    "listen",	  "accept",   "accept4",
	"getsockname", "getpeername", "socketpair", "sendto",	  "recvfrom", "shutdown",
	"setsockopt",  "getsockopt",  "sendmsg",    "recvmsg",	  "recvmmsg", "sendmmsg",
	"semop",       "semget",      "semctl",	    "semtimedop", "msgsnd",   "msgrcv",
	"msgget",      "msgctl",      "shmat",	    "shmdt",	  "shmget",   "shmctl",
};

/* Whether @name counts as the newest syscall of @arch for the stub. */
static bool counts_for_stub(enum cg_arch arch, const char *name)
{
	if (arch != CG_ARCH_I386)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(i386_multiplexed); i++)
		if (strcmp(name, i386_multiplexed[i]) == 0)
			return false;
	return true;
}

/*
 * Fill the entries of @a: count the rules per number, lay the lists out
 * contiguously in plan->refs, then fill them in profile order.
 */
/*
 * The number of each name of each rule (in order: rule, then name) on each
 * ABI of @arches, -1 where it has none: looked up once, not once a pass
 * (a lookup is a binary search by strcmp; the default profile names 442
 * calls on three ABIs).  *@ret is [names][CG_ARCH_MAX]; free() it.
 */
static int lookup_names(const struct plan *plan, unsigned arches, int **ret)
{
	size_t n = 0, j = 0;
	int *nrs;

	for (size_t i = 0; i < plan->n_rules; i++)
		n += plan->rules[i].src->n_names;
	nrs = malloc((n ? n : 1) * CG_ARCH_MAX * sizeof(*nrs));
	if (!nrs)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct policy_rule *src = plan->rules[i].src;

		for (size_t k = 0; k < src->n_names; k++, j++)
			for (int a = 0; a < CG_ARCH_MAX; a++)
				nrs[j * CG_ARCH_MAX + a] =
					arches & (1u << a)
						? syscall_lookup((enum cg_arch)a, src->names[k])
						: -1;
	}
	*ret = nrs;
	return 0;
}

/* @nrs: from lookup_names() */
static int build_arch(struct plan *plan, enum cg_arch arch, const int *nrs, uint32_t **refs_out,
		      size_t *n_refs_out)
{
	struct plan_arch *a = &plan->arch[arch];
	uint32_t nr_mask = arch == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;
	size_t total = 0, base = *n_refs_out;
	uint32_t *refs;
	size_t j = 0;

	a->enabled = true;
	a->last_nr = -1;
	a->nr_limit = syscall_nr_limit(arch);
	a->entries = calloc((size_t)a->nr_limit, sizeof(*a->entries));
	if (!a->entries)
		return -ENOMEM;

	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct policy_rule *src = plan->rules[i].src;

		for (size_t k = 0; k < src->n_names; k++, j++) {
			int nr = nrs[j * CG_ARCH_MAX + arch];

			if (nr < 0)
				continue;
			nr &= ~(int)nr_mask;
			if (nr > a->last_nr && counts_for_stub(arch, src->names[k]))
				a->last_nr = nr;
			if (a->entries[nr].n_refs == UINT16_MAX)
				return -E2BIG;
			a->entries[nr].n_refs++;
			total++;
		}
	}

	/* runc's stub covers only ABIs for which the profile names syscalls
	 * (a newest number of 0, read alone, counts as none) */
	if (a->last_nr <= 0)
		a->enosys_above_last = false;

	refs = realloc(*refs_out, (base + total + 1) * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	*refs_out = refs;
	{
		size_t off = base;

		for (int nr = 0; nr < a->nr_limit; nr++) {
			a->entries[nr].first = (uint32_t)off;
			off += a->entries[nr].n_refs;
			a->entries[nr].n_refs = 0; /* refilled below */
		}
	}
	j = 0;
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct policy_rule *src = plan->rules[i].src;

		for (size_t k = 0; k < src->n_names; k++, j++) {
			int nr = nrs[j * CG_ARCH_MAX + arch];
			struct plan_entry *e;

			if (nr < 0)
				continue;
			e = &a->entries[nr & ~(int)nr_mask];
			/* a name listed twice in one rule adds the rule once */
			if (e->n_refs && refs[e->first + e->n_refs - 1] == i)
				continue;
			refs[e->first + e->n_refs++] = (uint32_t)i;
		}
	}
	*n_refs_out = base + total;

	for (int nr = 0; nr < a->nr_limit; nr++) {
		struct plan_entry *e = &a->entries[nr];

		if (e->n_refs == 0) {
			e->route = a->enosys_above_last && nr > a->last_nr ? PLAN_ROUTE_ENOSYS
									   : PLAN_ROUTE_DEFAULT;
			if (e->route == PLAN_ROUTE_DEFAULT && plan->default_notify)
				e->route = PLAN_ROUTE_SUPERVISOR;
			if (e->route == PLAN_ROUTE_ENOSYS && plan->mode != PLAN_MODE_ENFORCE)
				e->route = PLAN_ROUTE_SUPERVISOR;
			continue;
		}
		for (uint16_t k = 0; k < e->n_refs; k++)
			if (plan->rules[refs[e->first + k]].src->n_paths ||
			    plan->rules[refs[e->first + k]].src->n_addresses)
				e->flags |= PLAN_ENTRY_PATTERNS;
		/* the handler that carries out what a pattern rule allows */
		if (e->flags & PLAN_ENTRY_PATTERNS)
			e->emulation = (uint8_t)sysargs_emulation(syscall_name(
				(enum cg_arch)arch,
				nr | (arch == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0)));
		/* runc's stub comes first: above the newest number it
		 * counts, ENOSYS whatever the rules say (i386's direct
		 * socket and IPC calls, see i386_multiplexed) */
		if (a->enosys_above_last && nr > a->last_nr) {
			e->route = plan->mode != PLAN_MODE_ENFORCE ? PLAN_ROUTE_SUPERVISOR
								   : PLAN_ROUTE_ENOSYS;
			continue;
		}
		set_route(plan, refs, e);
	}
	return 0;
}

/*
 * i386's socketcall multiplexes connect, bind, sendto... with their
 * arguments in a block in memory, which the filter cannot read: when a
 * call it multiplexes is decided by a pattern rule (or refused as an
 * escape hatch), every socketcall goes to the supervisor, which reads the
 * block once and decides it as that call (by that call's entry).
 */
static void mark_multiplexer(struct plan *plan)
{
	struct plan_arch *a = &plan->arch[CG_ARCH_I386];
	int sc = syscall_lookup(CG_ARCH_I386, "socketcall");
	const char *name;

	if (!a->enabled || sc < 0 || sc >= a->nr_limit)
		return;
	for (int i = 0; (name = sysargs_socketcall_name(i)); i++) {
		int nr = syscall_lookup(CG_ARCH_I386, name);

		if (nr >= 0 && nr < a->nr_limit &&
		    (a->entries[nr].flags & (PLAN_ENTRY_PATTERNS | PLAN_ENTRY_HATCH))) {
			a->entries[sc].flags |= PLAN_ENTRY_MULTIPLEX;
			a->entries[sc].route = PLAN_ROUTE_SUPERVISOR;
			return;
		}
	}
}

/* A refusal of an escape hatch: a rule of the plan's own. */
struct plan_hatch_rule {
	struct policy_rule rule;
	char *names[1];
	char name[32];
	struct policy_arg args[HATCH_CONDS_MAX];
	char comment[256];
};

/* The kinds of pattern rules among the rules kept for this host. */
static unsigned pattern_kinds(const struct plan *plan)
{
	unsigned kinds = 0;

	for (size_t i = 0; i < plan->n_rules; i++)
		if (!plan->rules[i].hatch)
			kinds |= hatch_rule_kinds(plan->rules[i].src);
	return kinds;
}

static bool rule_names(const struct policy_rule *r, const char *name)
{
	return strv_contains(r->names, r->n_names, name);
}

/*
 * Whether the kept rules name @name, in *@named (the index in syscalls[] of
 * the first, or -1).  Returns false if one of them settles every call of
 * it: it denies with no condition, or it has patterns (the supervisor looks
 * at the call, whatever the hatch is).
 */
static bool left_open_by_rules(const struct plan *plan, const char *name, int *named)
{
	*named = -1;
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct plan_rule *r = &plan->rules[i];

		if (r->hatch || !rule_names(r->src, name))
			continue;
		if (*named < 0)
			*named = (int)r->index;
		if (r->src->n_paths || r->src->n_addresses ||
		    (r->src->n_args == 0 && policy_action_denies(r->action)))
			return false;
	}
	return true;
}

/* Whether syscall @nr (x32: with the bit) of @arch, which no rule names,
 * gets an allowing default (not ENOSYS above the profile's newest). */
static bool default_lets_through(const struct plan *plan, enum cg_arch arch, int nr)
{
	const struct plan_arch *a = &plan->arch[arch];

	nr &= ~(int)CG_X32_SYSCALL_BIT;
	if (a->enosys_above_last && nr > a->last_nr)
		return false;
	return !policy_action_denies(plan->default_action);
}

/* Refuse @h on the ABIs of @ph by a rule of the plan's own, @hr. */
static int refuse_hatch(struct plan *plan, struct plan_hatch *ph, struct plan_hatch_rule *hr)
{
	const struct hatch *h = ph->hatch;
	struct plan_rule *rules;
	uint32_t *refs;
	uint32_t ri;

	*hr = (struct plan_hatch_rule){ 0 };
	snprintf(hr->name, sizeof(hr->name), "%s", h->name);
	snprintf(hr->comment, sizeof(hr->comment),
		 "callgate: escape hatch refused (\"advisory\": \"deny\"): %s", h->reason);
	hr->names[0] = hr->name;
	hr->rule = (struct policy_rule){
		.names = hr->names,
		.n_names = 1,
		.action = POLICY_ACT_ERRNO,
		.has_errno_ret = true,
		.errno_ret = (uint64_t)h->err,
		.args = hr->args,
		.comment = hr->comment,
	};
	/* only the conditions that bypass the kinds of rules the policy has */
	for (uint8_t k = 0; k < h->n_conds; k++) {
		const struct hatch_cond *c = &h->conds[k];

		if (!(c->kinds & ph->kinds))
			continue;
		hr->args[hr->rule.n_args++] = (struct policy_arg){
			.index = c->index,
			.op = c->op,
			.value = c->value,
			.value_two = c->value_two,
		};
	}

	rules = realloc(plan->rules, (plan->n_rules + 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	plan->rules = rules;
	ri = (uint32_t)plan->n_rules++;
	rules[ri] = (struct plan_rule){
		.src = &hr->rule,
		.index = PLAN_RULE_HATCH,
		.action = POLICY_ACT_ERRNO,
		.data = (uint16_t)h->err,
		.notify = outcome_notifies(POLICY_ACT_ERRNO, plan->mode),
		/* any condition refuses: each is a rule of its own */
		.split = hr->rule.n_args > 1,
		.hatch = true,
	};

	for (int a = 0; a < CG_ARCH_MAX; a++) {
		struct plan_entry *e;
		int nr;

		if (!(ph->abis & (1u << a)))
			continue;
		nr = syscall_lookup((enum cg_arch)a, h->name);
		e = &plan->arch[a].entries[nr & ~(int)CG_X32_SYSCALL_BIT];
		refs = realloc(plan->refs, (plan->n_refs + 1) * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
		plan->refs = refs;
		e->first = (uint32_t)plan->n_refs;
		refs[plan->n_refs++] = ri;
		e->n_refs = 1;
		e->flags |= PLAN_ENTRY_HATCH;
		set_route(plan, refs, e);
	}
	ph->refused = true;
	return 0;
}

/* The escape hatches of the policy's pattern rules; under "advisory":
 * "deny", their refusals. */
static int add_hatches(struct plan *plan)
{
	unsigned kinds = pattern_kinds(plan);
	size_t n = hatch_count();

	if (!kinds)
		return 0;
	plan->hatches = calloc(n, sizeof(*plan->hatches));
	plan->hatch_rules = calloc(n, sizeof(*plan->hatch_rules));
	if (!plan->hatches || !plan->hatch_rules)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct hatch *h = hatch_at(i);
		struct plan_hatch ph = { .hatch = h, .kinds = h->kinds & kinds, .rule = -1 };
		bool exists = false;
		int r;

		if (!ph.kinds)
			continue;
		for (int a = 0; a < CG_ARCH_MAX; a++) {
			int nr = syscall_lookup((enum cg_arch)a, h->name);

			if (!plan->arch[a].enabled || !(h->abis & (1u << a)) || nr < 0)
				continue;
			exists = true;
			if (default_lets_through(plan, (enum cg_arch)a, nr))
				ph.abis |= 1u << a;
		}
		if (!exists || !left_open_by_rules(plan, h->name, &ph.rule))
			continue;
		if (ph.rule < 0) {
			if (!ph.abis)
				continue; /* the default denies it */
			if (plan->policy->advisory_deny) {
				r = refuse_hatch(plan, &ph, &plan->hatch_rules[plan->n_hatches]);
				if (r < 0)
					return r;
			}
		}
		plan->hatches[plan->n_hatches++] = ph;
	}
	return 0;
}

int plan_compile(const struct policy *policy, const struct plan_host *host, enum plan_mode mode,
		 struct plan **ret)
{
	struct plan *plan;
	unsigned arches;
	int *nrs = NULL;
	size_t j;
	int r = -ENOMEM;

	if (!policy->enabled || mode < 0 || mode >= PLAN_MODE_MAX)
		return -EINVAL;
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	plan->policy = policy;
	plan->mode = mode;
	plan->default_action = policy->default_action;
	plan->default_data = action_data(policy->default_action, policy->has_default_errno_ret,
					 policy->default_errno_ret);
	plan->default_notify = outcome_notifies(policy->default_action, mode);
	plan->flags = filter_flags(policy);

	plan->rules = calloc(policy->n_rules ? policy->n_rules : 1, sizeof(*plan->rules));
	if (!plan->rules)
		goto fail;
	for (size_t i = 0; i < policy->n_rules; i++) {
		const struct policy_rule *src = &policy->rules[i];
		struct plan_rule *pr;

		if (!plan_rule_applies(src, host)) {
			plan->n_excluded++;
			continue;
		}
		pr = &plan->rules[plan->n_rules++];
		*pr = (struct plan_rule){
			.src = src,
			.index = (uint32_t)i,
			.action = src->action,
			.data = action_data(src->action, src->has_errno_ret, src->errno_ret),
			.split = split_conditions(src),
		};
		pr->notify = outcome_notifies(src->action, mode) || src->log || src->n_paths ||
			     src->n_addresses || (src->audit && policy_action_denies(src->action));
		/* runc skips a rule whose action is the default's: the filter
		 * would decide the same without it. */
		pr->redundant = !pr->notify && pr->action == plan->default_action &&
				pr->data == plan->default_data;
		/* decision time flat in the number of patterns */
		if ((src->n_paths && path_set_new(src->paths, src->n_paths, &pr->paths) < 0) ||
		    (src->addr_patterns &&
		     addr_set_new(src->addr_patterns, src->n_addresses, &pr->addrs) < 0)) {
			r = -ENOMEM;
			goto fail;
		}
	}

	/* runc's ENOSYS stub: not when the default already is ENOSYS, nor
	 * when it allows (ALLOW, LOG, TRACE: a tracer handles new calls). */
	arches = plan_policy_arches(policy);
	r = lookup_names(plan, arches, &nrs);
	if (r < 0)
		goto fail;
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		bool allows = policy->default_action == POLICY_ACT_ALLOW ||
			      policy->default_action == POLICY_ACT_LOG ||
			      policy->default_action == POLICY_ACT_TRACE ||
			      policy->default_action == POLICY_ACT_NOTIFY;
		bool enosys =
			policy->default_action == POLICY_ACT_ERRNO && plan->default_data == ENOSYS;

		if (!(arches & (1u << a)))
			continue;
		plan->arch[a].enosys_above_last = !allows && !enosys;
		r = build_arch(plan, (enum cg_arch)a, nrs, &plan->refs, &plan->n_refs);
		if (r < 0)
			goto fail;
	}

	/* Names that no enabled ABI has. */
	j = 0;
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct policy_rule *src = plan->rules[i].src;

		for (size_t k = 0; k < src->n_names; k++, j++) {
			bool found = false;

			for (int a = 0; a < CG_ARCH_MAX && !found; a++)
				found = plan->arch[a].enabled && nrs[j * CG_ARCH_MAX + a] >= 0;
			if (!found) {
				r = add_skip(plan, src->names[k], plan->rules[i].index,
					     skip_reason(src->names[k]));
				if (r < 0)
					goto fail;
			}
		}
	}
	r = add_hatches(plan);
	if (r < 0)
		goto fail;
	mark_multiplexer(plan);
	free(nrs);
	*ret = plan;
	return 0;
fail:
	free(nrs);
	plan_free(plan);
	return r;
}

static bool cond_holds(const struct policy_arg *c, uint64_t v, bool narrow)
{
	uint64_t value = c->value, two = c->value_two;

	/* libseccomp compares only the low 32 bits on 32-bit ABIs. */
	if (narrow) {
		v &= 0xffffffffu;
		value &= 0xffffffffu;
		two &= 0xffffffffu;
	}
	switch (c->op) {
	case POLICY_OP_NE: return v != value;
	case POLICY_OP_LT: return v < value;
	case POLICY_OP_LE: return v <= value;
	case POLICY_OP_EQ: return v == value;
	case POLICY_OP_GE: return v >= value;
	case POLICY_OP_GT: return v > value;
	case POLICY_OP_MASKED_EQ: return (v & value) == two;
	default: return false;
	}
}

bool plan_rule_matches(const struct plan_rule *r, enum cg_arch arch, const uint64_t args[6])
{
	const struct policy_rule *src = r->src;
	bool narrow = arch != CG_ARCH_X86_64;

	if (src->n_args == 0)
		return true;
	for (size_t i = 0; i < src->n_args; i++) {
		bool holds = cond_holds(&src->args[i], args[src->args[i].index], narrow);

		if (r->split && holds)
			return true;
		if (!r->split && !holds)
			return false;
	}
	return !r->split;
}

struct plan_verdict plan_eval(const struct plan *plan, enum cg_arch arch, int nr,
			      const uint64_t args[6])
{
	return plan_eval_ptrs(plan, arch, nr, args, NULL);
}

static bool patterns_match(const struct plan_rule *r, const struct plan_ptrs *ptrs)
{
	const struct policy_rule *src = r->src;

	if (src->n_paths) {
		if (!ptrs || ptrs->n_paths == 0)
			return false;
		for (size_t i = 0; i < ptrs->n_paths; i++)
			if (r->paths ? !path_set_match(r->paths, ptrs->paths[i])
				     : !path_patterns_match(src->paths, src->n_paths,
							    ptrs->paths[i]))
				return false;
	}
	if (src->n_addresses) {
		if (!ptrs || !ptrs->addr)
			return false;
		if (r->addrs ? !addr_set_match(r->addrs, ptrs->addr)
			     : !addr_patterns_match(src->addr_patterns,
						    src->addr_patterns ? src->n_addresses : 0,
						    ptrs->addr))
			return false;
	}
	return true;
}

static struct plan_verdict eval_ptrs(const struct plan *plan, enum cg_arch arch, int nr,
				     const uint64_t args[6], const struct plan_ptrs *ptrs,
				     bool *notify);

struct plan_verdict plan_eval_ptrs(const struct plan *plan, enum cg_arch arch, int nr,
				   const uint64_t args[6], const struct plan_ptrs *ptrs)
{
	bool notify = false;
	struct plan_verdict v = eval_ptrs(plan, arch, nr, args, ptrs, &notify);

	v.notify |= notify;
	return v;
}

static struct plan_verdict eval_ptrs(const struct plan *plan, enum cg_arch arch, int nr,
				     const uint64_t args[6], const struct plan_ptrs *ptrs,
				     bool *notify)
{
	struct plan_verdict v = {
		.action = plan->default_action,
		.data = plan->default_data,
		.notify = plan->default_notify,
		.rule = -1,
	};
	const struct plan_arch *a;
	const struct plan_entry *e;
	const struct plan_rule *unconditional = NULL;

	if (arch < 0 || arch >= CG_ARCH_MAX || !plan->arch[arch].enabled) {
		/* libseccomp's default bad-architecture action; audit kills
		 * nothing: notified (agent/filter.c), logged as would-kill */
		v = (struct plan_verdict){ .action = POLICY_ACT_KILL_THREAD,
					   .rule = -1,
					   .notify = plan->mode == PLAN_MODE_AUDIT };
		return v;
	}
	a = &plan->arch[arch];
	if (arch == CG_ARCH_X32) {
		if (!((unsigned)nr & CG_X32_SYSCALL_BIT))
			return (struct plan_verdict){ .action = POLICY_ACT_KILL_THREAD,
						      .rule = -1 };
		nr &= ~(int)CG_X32_SYSCALL_BIT;
	}
	if (nr < 0 || nr >= a->nr_limit) {
		/* runc's stub compares unsigned: negative numbers are above */
		if ((nr < 0 || nr > a->last_nr) && a->enosys_above_last)
			goto enosys;
		/* without x32, libseccomp's x86_64 program kills numbers
		 * with bit 31 set (with x32, its x32 part takes them) */
		if (nr < 0 && arch == CG_ARCH_X86_64 && !plan->arch[CG_ARCH_X32].enabled)
			return (struct plan_verdict){ .action = POLICY_ACT_KILL_THREAD,
						      .rule = -1 };
		return v;
	}
	e = &a->entries[nr];
	if (e->flags & PLAN_ENTRY_MULTIPLEX) {
		/* the supervisor's: decided as the call it multiplexes
		 * where that call has rules, else by its own (below) */
		*notify = true;
	}
	if (a->enosys_above_last && nr > a->last_nr)
		goto enosys; /* runc's stub, in front of the rules */
	if (e->n_refs == 0) {
		if (e->route == PLAN_ROUTE_ENOSYS)
			goto enosys;
		return v;
	}
	/* Pattern rules are the supervisor's alone (DESIGN.md): the first
	 * rule that matches in profile order decides. */
	if (e->flags & PLAN_ENTRY_PATTERNS) {
		for (uint16_t k = 0; k < e->n_refs; k++) {
			const struct plan_rule *r = &plan->rules[plan->refs[e->first + k]];

			if (plan_rule_matches(r, arch, args) && patterns_match(r, ptrs)) {
				unconditional = r;
				break;
			}
		}
		goto decided;
	}
	/* libseccomp lets an unconditional rule for a syscall override its
	 * conditional ones; among the rest the first match in profile order
	 * decides (profiles keep the rules of one syscall disjoint). */
	for (uint16_t k = 0; k < e->n_refs; k++) {
		const struct plan_rule *r = &plan->rules[plan->refs[e->first + k]];

		if (!r->redundant && r->src->n_args == 0) {
			unconditional = r;
			break;
		}
	}
	for (uint16_t k = 0; k < e->n_refs && !unconditional; k++) {
		const struct plan_rule *r = &plan->rules[plan->refs[e->first + k]];

		if (!r->redundant && plan_rule_matches(r, arch, args)) {
			unconditional = r;
			break;
		}
	}
decided:
	if (unconditional) {
		v.action = unconditional->action;
		v.data = unconditional->data;
		v.notify = unconditional->notify;
		v.rule = unconditional->hatch ? PLAN_VERDICT_HATCH : (int)unconditional->index;
		v.prule = unconditional;
	}
	return v;
enosys:
	return (struct plan_verdict){
		.action = POLICY_ACT_ERRNO,
		.data = ENOSYS,
		.notify = plan->mode != PLAN_MODE_ENFORCE,
		.rule = -2,
	};
}
