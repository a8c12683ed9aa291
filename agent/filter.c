/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "filter.h"

_Static_assert(sizeof(struct bpf_insn) == sizeof(struct sock_filter),
	       "struct bpf_insn must match struct sock_filter");

static int fail(char *err, size_t size, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t size, int r, const char *fmt, ...)
{
	va_list ap;

	if (err && size) {
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	return r;
}

uint32_t filter_ret_value(enum policy_action action, uint16_t data)
{
	switch (action) {
	case POLICY_ACT_KILL_THREAD: return SECCOMP_RET_KILL_THREAD;
	case POLICY_ACT_KILL_PROCESS: return SECCOMP_RET_KILL_PROCESS;
	case POLICY_ACT_TRAP: return SECCOMP_RET_TRAP;
	case POLICY_ACT_ERRNO: return SECCOMP_RET_ERRNO | data;
	case POLICY_ACT_TRACE: return SECCOMP_RET_TRACE | data;
	case POLICY_ACT_LOG: return SECCOMP_RET_LOG;
	case POLICY_ACT_NOTIFY: return SECCOMP_RET_USER_NOTIF;
	case POLICY_ACT_ALLOW: return SECCOMP_RET_ALLOW;
	default: return SECCOMP_RET_KILL_PROCESS;
	}
}

static uint32_t rule_filter_value(const struct plan_rule *r)
{
	return r->notify ? SECCOMP_RET_USER_NOTIF : filter_ret_value(r->action, r->data);
}

static uint32_t default_filter_value(const struct plan *plan)
{
	return plan->default_notify ? SECCOMP_RET_USER_NOTIF
				    : filter_ret_value(plan->default_action, plan->default_data);
}

static uint32_t scmp_arch(enum cg_arch arch)
{
	switch (arch) {
	case CG_ARCH_I386: return SCMP_ARCH_X86;
	case CG_ARCH_X32: return SCMP_ARCH_X32;
	default: return SCMP_ARCH_X86_64;
	}
}

int filter_libseccomp_lacks(enum cg_arch arch, const char *name, int nr)
{
	int native = seccomp_syscall_resolve_name(name);

	/* Rules go in by native number (or libseccomp's pseudo number for
	 * names x86_64 lacks), translated to the other ABIs by name. */
	if (native == __NR_SCMP_ERROR)
		return true;
	return seccomp_syscall_resolve_name_arch(scmp_arch(arch), name) != nr;
}

static enum scmp_compare scmp_op(enum policy_op op)
{
	switch (op) {
	case POLICY_OP_NE: return SCMP_CMP_NE;
	case POLICY_OP_LT: return SCMP_CMP_LT;
	case POLICY_OP_LE: return SCMP_CMP_LE;
	case POLICY_OP_EQ: return SCMP_CMP_EQ;
	case POLICY_OP_GE: return SCMP_CMP_GE;
	case POLICY_OP_GT: return SCMP_CMP_GT;
	default: return SCMP_CMP_MASKED_EQ;
	}
}

static void release_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* Add @r for syscall @name as runc does (libcontainer/seccomp). */
static int add_rule(scmp_filter_ctx ctx, const struct plan_rule *r, const char *name, char *err,
		    size_t err_size)
{
	const struct policy_rule *src = r->src;
	struct scmp_arg_cmp conds[64];
	uint32_t act = rule_filter_value(r);
	int nr = seccomp_syscall_resolve_name(name);
	int rc;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* unknown to libseccomp: the prefix decides it */
	if (src->n_args > sizeof(conds) / sizeof(conds[0]))
		return fail(err, err_size, -E2BIG, "rule %u: too many conditions", r->index);
	for (size_t i = 0; i < src->n_args; i++)
		conds[i] = (struct scmp_arg_cmp){
			.arg = src->args[i].index,
			.op = scmp_op(src->args[i].op),
			.datum_a = src->args[i].value,
			.datum_b = src->args[i].value_two,
		};
	if (r->split) {
		for (size_t i = 0; i < src->n_args; i++) {
			rc = seccomp_rule_add_array(ctx, act, nr, 1, &conds[i]);
			if (rc < 0)
				goto refused;
		}
		return 0;
	}
	rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)src->n_args, conds);
	if (rc >= 0)
		return 0;
refused:
	return fail(err, err_size, rc, "libseccomp refused rule %u for syscall \"%s\": %s",
		    r->index, name, strerror(-rc));
}

static int export_bpf(scmp_filter_ctx ctx, struct bpf_insn **ret, size_t *ret_len, char *err,
		      size_t err_size)
{
	_cleanup_close_ int fd = memfd_create("callgate-bpf", MFD_CLOEXEC);
	struct stat st;
	struct bpf_insn *v;
	ssize_t n;
	int rc;

	if (fd < 0)
		return fail(err, err_size, -errno, "memfd_create: %s", strerror(errno));
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return fail(err, err_size, rc, "libseccomp could not generate the filter: %s",
			    strerror(-rc));
	if (fstat(fd, &st) < 0)
		return fail(err, err_size, -errno, "fstat: %s", strerror(errno));
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(*v) != 0 ||
	    st.st_size > (off_t)(BPF_MAXINSNS_SECCOMP * sizeof(*v)))
		return fail(err, err_size, -E2BIG, "libseccomp generated %lld bytes of BPF",
			    (long long)st.st_size);
	v = malloc((size_t)st.st_size);
	if (!v)
		return -ENOMEM;
	n = pread(fd, v, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		free(v);
		return fail(err, err_size, -EIO, "could not read the generated filter back");
	}
	*ret = v;
	*ret_len = (size_t)st.st_size / sizeof(*v);
	return 0;
}

/* A growing program with forward jumps patched once targets are known. */
struct prog {
	struct bpf_insn v[BPF_MAXINSNS_SECCOMP];
	size_t n;
	bool overflow;
};

static size_t emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (p->n >= BPF_MAXINSNS_SECCOMP) {
		p->overflow = true;
		return p->n - 1;
	}
	p->v[p->n] = (struct bpf_insn){ .code = code, .jt = jt, .jf = jf, .k = k };
	return p->n++;
}

/* Point the "ja" at @at to the next instruction to be emitted. */
static void patch_ja(struct prog *p, size_t at)
{
	if (!p->overflow)
		p->v[at].k = (uint32_t)(p->n - at - 1);
}

#define MAIN_JUMPS_MAX (2 * CG_ARCH_MAX + 2)

/*
 * The decisions of one ABI that libseccomp cannot express: its syscalls
 * missing from libseccomp's table, then the ENOSYS range.  Ends in a jump
 * to the main program, recorded in @to_main.
 */
static void emit_arch_body(struct prog *p, const struct plan *plan, enum cg_arch arch,
			   size_t *to_main, size_t *n_to_main, unsigned *decisions)
{
	const struct plan_arch *a = &plan->arch[arch];
	uint32_t bit = arch == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;
	uint32_t def = default_filter_value(plan);

	for (int nr = 0; nr < a->nr_limit; nr++) {
		const struct plan_entry *e = &a->entries[nr];
		const char *name = syscall_name(arch, nr | (int)bit);
		uint32_t value = SECCOMP_RET_USER_NOTIF;

		if (e->n_refs == 0 || !name || !filter_libseccomp_lacks(arch, name, nr | (int)bit))
			continue;
		/* As plan_eval(): an unconditional rule decides; conditions
		 * and patterns on these syscalls are evaluated by the
		 * supervisor. */
		for (uint16_t k = 0; k < e->n_refs && !(e->flags & PLAN_ENTRY_PATTERNS); k++) {
			const struct plan_rule *r = &plan->rules[plan->refs[e->first + k]];

			if (!r->redundant && r->src->n_args == 0) {
				value = rule_filter_value(r);
				break;
			}
		}
		if (value == def)
			continue;
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr | bit);
		emit(p, BPF_RET | BPF_K, 0, 0, value);
		(*decisions)++;
	}
	if (a->enosys_above_last) {
		uint32_t value = plan->mode == PLAN_MODE_ENFORCE ? SECCOMP_RET_ERRNO | ENOSYS
								 : SECCOMP_RET_USER_NOTIF;

		emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 1, (uint32_t)a->last_nr | bit);
		emit(p, BPF_RET | BPF_K, 0, 0, value);
		(*decisions)++;
	}
	to_main[(*n_to_main)++] = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
}

/* Returns the number of decisions the prefix makes; 0: it is not needed. */
static unsigned build_prefix(struct prog *p, const struct plan *plan)
{
	unsigned decisions = 0;
	size_t to_main[MAIN_JUMPS_MAX], n_to_main = 0, skip;
	const struct plan_arch *x32 = &plan->arch[CG_ARCH_X32];

	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));

	/* x86_64, and x32 which shares its AUDIT_ARCH */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	skip = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, CG_X32_SYSCALL_BIT);
	{
		/* x32 numbers: to the x32 body, or to libseccomp's program,
		 * which applies its bad-architecture action */
		size_t to_x32 = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);

		emit_arch_body(p, plan, CG_ARCH_X86_64, to_main, &n_to_main, &decisions);
		if (x32->enabled) {
			patch_ja(p, to_x32);
			emit_arch_body(p, plan, CG_ARCH_X32, to_main, &n_to_main, &decisions);
		} else {
			to_main[n_to_main++] = to_x32;
		}
	}
	patch_ja(p, skip);

	if (plan->arch[CG_ARCH_I386].enabled) {
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_I386);
		to_main[n_to_main++] = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
		emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
		emit_arch_body(p, plan, CG_ARCH_I386, to_main, &n_to_main, &decisions);
	}
	for (size_t i = 0; i < n_to_main; i++)
		patch_ja(p, to_main[i]);
	return decisions;
}

/* Whether a rule with "paths" or "addresses" names @name on some ABI: then
 * every call of it goes to the supervisor, which tries the rules in order. */
static bool has_patterns(const struct plan *plan, const char *name)
{
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		int nr = plan->arch[a].enabled ? syscall_lookup((enum cg_arch)a, name) : -1;

		if (nr >= 0 && (plan->arch[a].entries[nr & ~(int)CG_X32_SYSCALL_BIT].flags &
				PLAN_ENTRY_PATTERNS))
			return true;
	}
	return false;
}

/* One unconditional NOTIFY for each syscall with pattern rules. */
static int add_pattern_syscalls(scmp_filter_ctx ctx, const struct plan *plan, char *err,
				size_t err_size)
{
	if (default_filter_value(plan) == SECCOMP_RET_USER_NOTIF)
		return 0; /* everything is notified already */
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct policy_rule *src = plan->rules[i].src;

		if (!src->n_paths && !src->n_addresses)
			continue;
		for (size_t k = 0; k < src->n_names; k++) {
			int nr = seccomp_syscall_resolve_name(src->names[k]);
			int rc;

			if (nr == __NR_SCMP_ERROR || !has_patterns(plan, src->names[k]))
				continue; /* the prefix decides it, or no ABI has it */
			rc = seccomp_rule_add(ctx, SECCOMP_RET_USER_NOTIF, nr, 0);
			if (rc < 0 && rc != -EEXIST)
				return fail(err, err_size, rc,
					    "libseccomp refused to notify syscall \"%s\": %s",
					    src->names[k], strerror(-rc));
		}
	}
	return 0;
}

/* A libseccomp context with @def as its default and the plan's ABIs. */
static int new_ctx(const struct plan *plan, uint32_t def, scmp_filter_ctx *ret, char *err,
		   size_t err_size)
{
	scmp_filter_ctx ctx = seccomp_init(def);
	int rc;

	if (!ctx)
		return fail(err, err_size, -ENOMEM, "seccomp_init failed");
	*ret = ctx; /* released by the caller, whatever happens next */
	/* The agent sets no_new_privs itself, when it must. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		return fail(err, err_size, rc, "seccomp_attr_set(NNP): %s", strerror(-rc));
	for (int a = CG_ARCH_I386; a < CG_ARCH_MAX; a++) {
		if (!plan->arch[a].enabled)
			continue;
		rc = seccomp_arch_add(ctx, scmp_arch((enum cg_arch)a));
		if (rc < 0 && rc != -EEXIST)
			return fail(err, err_size, rc, "seccomp_arch_add(%s): %s",
				    arch_to_string((enum cg_arch)a), strerror(-rc));
	}
	return 0;
}

int filter_build(const struct plan *plan, struct filter_prog *ret, char *err, size_t err_size)
{
	scmp_filter_ctx ctx _cleanup_(release_ctx) = NULL;
	uint32_t def = default_filter_value(plan);
	_cleanup_free_ struct prog *prefix = NULL;
	_cleanup_free_ struct bpf_insn *main_prog = NULL;
	size_t main_len = 0;
	struct bpf_insn *all;
	int rc;

	rc = new_ctx(plan, def, &ctx, err, err_size);
	if (rc < 0)
		return rc;
	rc = add_pattern_syscalls(ctx, plan, err, err_size);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct plan_rule *r = &plan->rules[i];

		/* libseccomp refuses a rule whose action is the default's
		 * (runc skips those too); with the default notified, the
		 * supervisor tells such outcomes apart itself. */
		if (r->redundant || rule_filter_value(r) == def)
			continue;
		for (size_t k = 0; k < r->src->n_names; k++) {
			const char *name = r->src->names[k];
			bool any = false;

			for (int a = 0; a < CG_ARCH_MAX && !any; a++)
				any = plan->arch[a].enabled &&
				      syscall_lookup((enum cg_arch)a, name) >= 0;
			if (!any || has_patterns(plan, name))
				continue;
			rc = add_rule(ctx, r, name, err, err_size);
			if (rc < 0)
				return rc;
		}
	}
	rc = export_bpf(ctx, &main_prog, &main_len, err, err_size);
	if (rc < 0)
		return rc;

	prefix = calloc(1, sizeof(*prefix));
	if (!prefix)
		return -ENOMEM;
	if (build_prefix(prefix, plan) == 0)
		prefix->n = 0;
	if (prefix->overflow || prefix->n + main_len > BPF_MAXINSNS_SECCOMP)
		return fail(err, err_size, -E2BIG,
			    "the filter needs %zu instructions; the kernel takes at most %d",
			    prefix->n + main_len, BPF_MAXINSNS_SECCOMP);

	all = malloc((prefix->n + main_len) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	memcpy(all, prefix->v, prefix->n * sizeof(*all));
	memcpy(all + prefix->n, main_prog, main_len * sizeof(*all));
	*ret = (struct filter_prog){
		.insns = all,
		.len = prefix->n + main_len,
		.prefix_len = prefix->n,
	};
	return 0;
}

void filter_prog_done(struct filter_prog *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	*prog = (struct filter_prog){ 0 };
}

int filter_build_notify_all(const struct plan *plan, struct filter_prog *ret, char *err,
			    size_t err_size)
{
	scmp_filter_ctx ctx _cleanup_(release_ctx) = NULL;
	struct bpf_insn *insns = NULL;
	size_t len = 0;
	int rc;

	rc = new_ctx(plan, SECCOMP_RET_USER_NOTIF, &ctx, err, err_size);
	if (rc < 0)
		return rc;
	rc = export_bpf(ctx, &insns, &len, err, err_size);
	if (rc < 0)
		return rc;
	*ret = (struct filter_prog){ .insns = insns, .len = len };
	return 0;
}
