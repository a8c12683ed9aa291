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
#include "callgate/macro.h"
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

/* libseccomp's pseudo numbers for the calls socketcall() and ipc()
 * multiplex (__PNR_socket -101 ... __PNR_shmctl -224). */
#define LIBSECCOMP_PNR_MUX_FIRST (-101)
#define LIBSECCOMP_PNR_MUX_LAST	 (-299)

bool filter_libseccomp_lacks(enum cg_arch arch, const char *name, int nr)
{
	int native = seccomp_syscall_resolve_name(name), nr_arch;

	/* Rules go in by native number (or libseccomp's pseudo number for
	 * names x86_64 lacks), translated to the other ABIs by name. */
	if (native == __NR_SCMP_ERROR)
		return true;
	nr_arch = seccomp_syscall_resolve_name_arch(scmp_arch(arch), name);
	/* i386's socket and IPC calls: libseccomp knows them by pseudo
	 * numbers and filters both the direct call and the multiplexer */
	if (arch == CG_ARCH_I386 && nr_arch <= LIBSECCOMP_PNR_MUX_FIRST &&
	    nr_arch >= LIBSECCOMP_PNR_MUX_LAST)
		return false;
	return nr_arch != nr;
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
	if (src->n_args > ARRAY_SIZE(conds))
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
	_cleanup_free_ struct bpf_insn *v = NULL;
	struct stat st;
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
	if (n != st.st_size)
		return fail(err, err_size, -EIO, "could not read the generated filter back");
	*ret = steal_ptr(&v);
	*ret_len = (size_t)st.st_size / sizeof(*v);
	return 0;
}

/* A growing program with forward jumps patched once targets are known. */
struct prog {
	struct bpf_insn v[BPF_MAXINSNS_SECCOMP];
	size_t n;
	bool overflow;
	/* jumps to libseccomp's program for an ABI (-1: any of them) */
	struct {
		size_t at;
		int arch;
	} to_main[BPF_MAXINSNS_SECCOMP];
	size_t n_to_main;
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

/* A "ja" to libseccomp's program for @arch (-1: any), which follow the
 * prefix: filter_build() points it there. */
static void emit_to_main(struct prog *p, int arch)
{
	size_t at = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);

	if (p->n_to_main < BPF_MAXINSNS_SECCOMP) {
		p->to_main[p->n_to_main].at = at;
		p->to_main[p->n_to_main++].arch = arch;
	}
}

/*
 * What the prefix does with syscall @nr (without the x32 bit) of @arch, as
 * plan_eval() decides it: returns true and the value to return where no
 * argument matters, false to leave it to libseccomp's program, which holds
 * the conditional rules.  Syscalls libseccomp does not know cannot be left
 * to it: their conditions are evaluated by the supervisor.
 */
static bool plan_decides(const struct plan *plan, enum cg_arch arch, int64_t nr, uint32_t *value)
{
	const struct plan_arch *a = &plan->arch[arch];
	uint32_t bit = arch == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;
	const struct plan_entry *e;
	const char *name;

	*value = default_filter_value(plan);
	if (nr < 0) {
		/* runc's stub compares unsigned: negative numbers are above */
		if (a->enosys_above_last)
			*value = plan->mode == PLAN_MODE_ENFORCE ? SECCOMP_RET_ERRNO | ENOSYS
								 : SECCOMP_RET_USER_NOTIF;
		/* else, without x32, libseccomp's x86_64 program applies its
		 * bad-architecture action to numbers with bit 31 set */
		return a->enosys_above_last || arch != CG_ARCH_X86_64 ||
		       plan->arch[CG_ARCH_X32].enabled;
	}
	if (nr < a->nr_limit && (a->entries[nr].flags & PLAN_ENTRY_MULTIPLEX)) {
		*value = SECCOMP_RET_USER_NOTIF; /* i386 socketcall: decoded there */
		return true;
	}
	/* runc's stub, in front of the rules (plan_eval()) */
	if (nr >= a->nr_limit || a->entries[nr].n_refs == 0 ||
	    (a->enosys_above_last && nr > a->last_nr)) {
		if (a->enosys_above_last && nr > a->last_nr)
			*value = plan->mode == PLAN_MODE_ENFORCE ? SECCOMP_RET_ERRNO | ENOSYS
								 : SECCOMP_RET_USER_NOTIF;
		return true;
	}
	e = &a->entries[nr];
	*value = SECCOMP_RET_USER_NOTIF;
	if (e->flags & PLAN_ENTRY_PATTERNS)
		return true; /* the supervisor's alone */
	for (uint16_t k = 0; k < e->n_refs; k++) {
		const struct plan_rule *r = &plan->rules[plan->refs[e->first + k]];

		/* libseccomp lets an unconditional rule override the
		 * conditional ones */
		if (!r->redundant && r->src->n_args == 0) {
			*value = rule_filter_value(r);
			return true;
		}
	}
	name = syscall_name(arch, (int)nr | (int)bit);
	return !name || filter_libseccomp_lacks(arch, name, (int)nr | (int)bit);
}

/*
 * The calls that change a caller as the supervisor knows it, by what they
 * change (filter.h): who it is, as its records name it (execve and
 * execveat; prctl: PR_SET_MM can set the exe link, PR_SET_NAME the comm);
 * where it is, as an emulated call takes it (its root, its user
 * namespace: chroot, pivot_root, setns, unshare); and its credentials and
 * umask (an exec of a set-user-ID or file-capability program, the setuid
 * and capset families, umask).  filter_build_watching() notifies those
 * the prefix allows, for the supervisor to see them and continue them.
 */
static const struct {
	const char *name;
	unsigned kind;
} watched_calls[] = {
	{ "execve", FILTER_WATCH_WHO | FILTER_WATCH_CREDS },
	{ "execveat", FILTER_WATCH_WHO | FILTER_WATCH_CREDS },
	{ "prctl", FILTER_WATCH_WHO },
	{ "chroot", FILTER_WATCH_PLACE },
	{ "pivot_root", FILTER_WATCH_PLACE },
	{ "setns", FILTER_WATCH_PLACE },
	{ "unshare", FILTER_WATCH_PLACE },
	{ "setuid", FILTER_WATCH_CREDS },
	{ "setgid", FILTER_WATCH_CREDS },
	{ "setreuid", FILTER_WATCH_CREDS },
	{ "setregid", FILTER_WATCH_CREDS },
	{ "setresuid", FILTER_WATCH_CREDS },
	{ "setresgid", FILTER_WATCH_CREDS },
	{ "setfsuid", FILTER_WATCH_CREDS },
	{ "setfsgid", FILTER_WATCH_CREDS },
	{ "setgroups", FILTER_WATCH_CREDS },
	{ "setuid32", FILTER_WATCH_CREDS },
	{ "setgid32", FILTER_WATCH_CREDS },
	{ "setreuid32", FILTER_WATCH_CREDS },
	{ "setregid32", FILTER_WATCH_CREDS },
	{ "setresuid32", FILTER_WATCH_CREDS },
	{ "setresgid32", FILTER_WATCH_CREDS },
	{ "setfsuid32", FILTER_WATCH_CREDS },
	{ "setfsgid32", FILTER_WATCH_CREDS },
	{ "setgroups32", FILTER_WATCH_CREDS },
	{ "capset", FILTER_WATCH_CREDS },
	{ "umask", FILTER_WATCH_CREDS },
};

unsigned filter_watched(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(watched_calls); i++)
		if (strcmp(watched_calls[i].name, name) == 0)
			return watched_calls[i].kind;
	return 0;
}

/*
 * While filter_build_watching() builds (one thread's: run's): the numbers
 * of the calls watched on each ABI (x32: without its bit), looked up once
 * (prefix_decides() asks for every number).
 */
static _Thread_local bool watching;
static _Thread_local struct {
	int n;
	int64_t nr[ARRAY_SIZE(watched_calls)];
	int64_t limit; /* one above the highest */
} watched_nrs[CG_ARCH_MAX];

static void watched_nrs_fill(void)
{
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		uint32_t bit = a == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;

		watched_nrs[a].n = 0;
		watched_nrs[a].limit = 0;
		for (size_t i = 0; i < ARRAY_SIZE(watched_calls); i++) {
			int v = syscall_lookup((enum cg_arch)a, watched_calls[i].name);
			int64_t nr = (int64_t)(v & ~(int)bit);

			if (v < 0)
				continue;
			watched_nrs[a].nr[watched_nrs[a].n++] = nr;
			if (nr + 1 > watched_nrs[a].limit)
				watched_nrs[a].limit = nr + 1;
		}
	}
}

static bool is_watched(enum cg_arch arch, int64_t nr)
{
	for (int i = 0; i < watched_nrs[arch].n; i++)
		if (watched_nrs[arch].nr[i] == nr)
			return true;
	return false;
}

/* 0, or (watching) one above the highest number of a call watched on
 * @arch (x32: without its bit). */
static int64_t watched_limit(enum cg_arch arch)
{
	return watching ? watched_nrs[arch].limit : 0;
}

static bool prefix_decides(const struct plan *plan, enum cg_arch arch, int64_t nr, uint32_t *value)
{
	bool decided = plan_decides(plan, arch, nr, value);

	if (watching && decided && *value == SECCOMP_RET_ALLOW && nr >= 0 && is_watched(arch, nr))
		*value = SECCOMP_RET_USER_NOTIF;
	return decided;
}

/* Consecutive syscall numbers with one outcome. */
struct span {
	uint32_t lo; /* first number; the span ends where the next begins */
	bool decided;
	uint32_t value;
};

static void add_span(struct span *v, size_t *n, uint32_t lo, bool decided, uint32_t value)
{
	if (*n && v[*n - 1].decided == decided && (!decided || v[*n - 1].value == value))
		return;
	v[(*n)++] = (struct span){ .lo = lo, .decided = decided, .value = value };
}

/* Instructions that emit_tree() emits for spans [@i, @j]. */
static size_t tree_size(const struct span *v, size_t i, size_t j)
{
	size_t mid, left;

	if (i == j)
		return 1;
	mid = i + (j - i + 1) / 2;
	left = tree_size(v, i, mid - 1);
	return 1 + (left > 255 ? 1 : 0) + left + tree_size(v, mid, j);
}

/*
 * A binary search over the spans [@i, @j] for the number in the
 * accumulator: a return, or a jump to libseccomp's program, at each leaf.
 * Jump offsets of conditional jumps have 8 bits: a longer one goes through
 * a "ja".
 */
static void emit_tree(struct prog *p, const struct span *v, size_t i, size_t j, int arch)
{
	size_t mid, left;

	if (i == j) {
		if (v[i].decided)
			emit(p, BPF_RET | BPF_K, 0, 0, v[i].value);
		else
			emit_to_main(p, arch);
		return;
	}
	mid = i + (j - i + 1) / 2;
	left = tree_size(v, i, mid - 1);
	if (left > 255) {
		emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, v[mid].lo);
		emit(p, BPF_JMP | BPF_JA, 0, 0, (uint32_t)left);
	} else {
		emit(p, BPF_JMP | BPF_JGE | BPF_K, (uint8_t)left, 0, v[mid].lo);
	}
	emit_tree(p, v, i, mid - 1, arch);
	emit_tree(p, v, mid, j, arch);
}

/*
 * The decisions of one ABI, for the syscall number in the accumulator
 * (x32: with its bit set, which the caller checked).
 */
static int emit_arch_body(struct prog *p, const struct plan *plan, enum cg_arch arch)
{
	const struct plan_arch *a = &plan->arch[arch];
	uint32_t bit = arch == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;
	/* numbers are unsigned here; as plan_eval() has them, signed and
	 * without the x32 bit: 0 .. top, then negative (the default) */
	uint32_t top = bit ? 0x3fffffffu : 0x7fffffffu;
	_cleanup_free_ struct span *v = NULL;
	size_t n = 0;
	uint32_t value;
	bool decided;

	/* one by one up to the plan's last entry, and (watching) up to the
	 * last call watched: above, every number is decided alike */
	int64_t limit = a->nr_limit > watched_limit(arch) ? a->nr_limit : watched_limit(arch);

	v = calloc((size_t)limit + 8, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bit)
		add_span(v, &n, 0, true, default_filter_value(plan)); /* unreachable */
	for (int64_t nr = 0; nr < limit; nr++) {
		decided = prefix_decides(plan, arch, nr, &value);
		add_span(v, &n, (uint32_t)nr + bit, decided, value);
	}
	if (limit <= (int64_t)a->last_nr) {
		decided = prefix_decides(plan, arch, limit, &value);
		add_span(v, &n, (uint32_t)limit + bit, decided, value);
	}
	{
		int64_t above = a->last_nr + 1 > limit ? a->last_nr + 1 : limit;

		if (above <= (int64_t)top) {
			decided = prefix_decides(plan, arch, above, &value);
			add_span(v, &n, (uint32_t)above + bit, decided, value);
		}
	}
	decided = prefix_decides(plan, arch, -1, &value);
	add_span(v, &n, bit ? 0x80000000u : top + 1, decided, value);
	emit_tree(p, v, 0, n - 1, (int)arch);
	return 0;
}

/*
 * Callgate's program in front of libseccomp's: every syscall of the plan's
 * ABIs that no argument decides, found by a binary search on its number.
 * libseccomp's program, which tries its rules one after the other, is left
 * with the conditional rules and the other architectures.  Returns 0 or
 * -ENOMEM.
 */
static int build_prefix(struct prog *p, const struct plan *plan)
{
	size_t skip;
	int r;

	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));

	/* x86_64, and x32 which shares its AUDIT_ARCH */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	skip = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	{
		/* x32 numbers: to the x32 body, or to libseccomp's program,
		 * which applies its bad-architecture action */
		size_t to_x32;

		emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, CG_X32_SYSCALL_BIT);
		to_x32 = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
		if (plan->arch[CG_ARCH_X86_64].enabled) {
			r = emit_arch_body(p, plan, CG_ARCH_X86_64);
			if (r < 0)
				return r;
		} else {
			emit_to_main(p, -1);
		}
		patch_ja(p, to_x32);
		if (plan->arch[CG_ARCH_X32].enabled) {
			r = emit_arch_body(p, plan, CG_ARCH_X32);
			if (r < 0)
				return r;
		} else {
			/* libseccomp's x86_64 program refuses x32 numbers */
			emit_to_main(p, CG_ARCH_X86_64);
		}
	}
	patch_ja(p, skip);

	if (plan->arch[CG_ARCH_I386].enabled) {
		size_t other;

		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_I386);
		other = emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
		emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
		r = emit_arch_body(p, plan, CG_ARCH_I386);
		if (r < 0)
			return r;
		patch_ja(p, other);
	}
	/* other architectures: libseccomp's bad-architecture action */
	emit_to_main(p, -1);
	return 0;
}

/*
 * Whether libseccomp's program for @arch needs the rules for @name: it is
 * left to it there.  On i386 libseccomp rewrites a rule for socket() or
 * semop() into one for the multiplexer, socketcall() or ipc(), with the
 * conditions dropped, and refuses it (EEXIST) where such a rule is already
 * there, unless the multiplexer has a rule of its own: so theirs go in too
 * (the prefix decides their calls).
 */
static bool left_to_libseccomp(const struct plan *plan, enum cg_arch arch, const char *name)
{
	int nr = syscall_lookup(arch, name);
	uint32_t value;

	if (strcmp(name, "socketcall") == 0 || strcmp(name, "ipc") == 0)
		return true;
	return nr >= 0 && !prefix_decides(plan, arch, nr & ~(int)CG_X32_SYSCALL_BIT, &value);
}

/* A libseccomp context with @def as its default, for the native ABI. */
static int new_ctx(uint32_t def, scmp_filter_ctx *ret, char *err, size_t err_size)
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
	return 0;
}

static int add_arch(scmp_filter_ctx ctx, enum cg_arch arch, char *err, size_t err_size)
{
	int rc = seccomp_arch_add(ctx, scmp_arch(arch));

	if (rc < 0 && rc != -EEXIST)
		return fail(err, err_size, rc, "seccomp_arch_add(%s): %s", arch_to_string(arch),
			    strerror(-rc));
	return 0;
}

/* A libseccomp context for @arch alone, with @def as its default. */
static int new_arch_ctx(enum cg_arch arch, uint32_t def, scmp_filter_ctx *ret, char *err,
			size_t err_size)
{
	int rc = new_ctx(def, ret, err, err_size);

	if (rc < 0 || scmp_arch(arch) == SCMP_ARCH_X86_64)
		return rc;
	rc = add_arch(*ret, arch, err, err_size);
	if (rc < 0)
		return rc;
	rc = seccomp_arch_remove(*ret, SCMP_ARCH_NATIVE);
	if (rc < 0)
		return fail(err, err_size, rc, "seccomp_arch_remove(native): %s", strerror(-rc));
	return 0;
}

/* libseccomp's program for the conditional rules of @arch. */
static int build_arch_main(const struct plan *plan, enum cg_arch arch, struct bpf_insn **insns,
			   size_t *len, char *err, size_t err_size)
{
	scmp_filter_ctx ctx _cleanup_(release_ctx) = NULL;
	uint32_t def = default_filter_value(plan);
	int rc;

	rc = new_arch_ctx(arch, def, &ctx, err, err_size);
	if (rc < 0)
		return rc;
	/* audit kills nothing: a call of an ABI the profile does not list
	 * goes to the supervisor, which logs it as would-kill */
	if (plan->mode == PLAN_MODE_AUDIT) {
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_NOTIFY);
		if (rc < 0)
			return fail(err, err_size, rc, "seccomp_attr_set(BADARCH): %s",
				    strerror(-rc));
	}
	for (size_t i = 0; i < plan->n_rules; i++) {
		const struct plan_rule *r = &plan->rules[i];

		/* libseccomp refuses a rule whose action is the default's
		 * (runc skips those too); with the default notified, the
		 * supervisor tells such outcomes apart itself. */
		if (r->redundant || rule_filter_value(r) == def)
			continue;
		for (size_t k = 0; k < r->src->n_names; k++) {
			if (!left_to_libseccomp(plan, arch, r->src->names[k]))
				continue;
			rc = add_rule(ctx, r, r->src->names[k], err, err_size);
			if (rc < 0)
				return rc;
		}
	}
	return export_bpf(ctx, insns, len, err, err_size);
}

/*
 * callgate's prefix, then libseccomp's program for each of the plan's ABIs,
 * each built alone: libseccomp 2.5.4 builds a wrong program for x86_64
 * conditional rules when x32 shares its context (the syscall number is
 * never loaded: socket() with a condition on x86_64 is let through).
 */
int filter_build(const struct plan *plan, struct filter_prog *ret, char *err, size_t err_size)
{
	_cleanup_free_ struct prog *prefix = NULL;
	struct bpf_insn *main_prog[CG_ARCH_MAX] = { 0 };
	size_t main_len[CG_ARCH_MAX] = { 0 }, start[CG_ARCH_MAX] = { 0 }, len, first = 0;
	struct bpf_insn *all = NULL;
	bool any = false;
	int rc = 0;

	/* not zeroed: 96 KiB, of which emit() writes what is used (a page
	 * touched costs a fault) */
	prefix = malloc(sizeof(*prefix));
	if (!prefix)
		return -ENOMEM;
	prefix->n = 0;
	prefix->overflow = false;
	prefix->n_to_main = 0;
	rc = build_prefix(prefix, plan);
	if (rc < 0)
		return rc;
	len = prefix->n;
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		if (!plan->arch[a].enabled)
			continue;
		rc = build_arch_main(plan, (enum cg_arch)a, &main_prog[a], &main_len[a], err,
				     err_size);
		if (rc < 0)
			goto out;
		start[a] = len;
		if (!any)
			first = len;
		any = true;
		len += main_len[a];
	}
	if (!any) {
		rc = fail(err, err_size, -EINVAL, "the policy applies to no ABI of this machine");
		goto out;
	}
	if (prefix->overflow || len > BPF_MAXINSNS_SECCOMP) {
		rc = fail(err, err_size, -E2BIG,
			  "the filter needs %zu instructions; the kernel takes at most %d",
			  prefix->overflow ? (size_t)BPF_MAXINSNS_SECCOMP + 1 : len,
			  BPF_MAXINSNS_SECCOMP);
		goto out;
	}
	for (size_t i = 0; i < prefix->n_to_main; i++) {
		int a = prefix->to_main[i].arch;
		size_t to = a >= 0 && main_prog[a] ? start[a] : first;

		prefix->v[prefix->to_main[i].at].k = (uint32_t)(to - prefix->to_main[i].at - 1);
	}
	all = malloc(len * sizeof(*all));
	if (!all) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(all, prefix->v, prefix->n * sizeof(*all));
	for (int a = 0; a < CG_ARCH_MAX; a++)
		if (main_prog[a])
			memcpy(all + start[a], main_prog[a], main_len[a] * sizeof(*all));
	*ret = (struct filter_prog){ .insns = all, .len = len, .prefix_len = prefix->n };
out:
	for (int a = 0; a < CG_ARCH_MAX; a++)
		free(main_prog[a]);
	return rc;
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

	rc = new_ctx(SECCOMP_RET_USER_NOTIF, &ctx, err, err_size);
	for (int a = CG_ARCH_I386; a < CG_ARCH_MAX && rc == 0; a++)
		if (plan->arch[a].enabled)
			rc = add_arch(ctx, (enum cg_arch)a, err, err_size);
	if (rc < 0)
		return rc;
	rc = export_bpf(ctx, &insns, &len, err, err_size);
	if (rc < 0)
		return rc;
	*ret = (struct filter_prog){ .insns = insns, .len = len };
	return 0;
}

int filter_build_watching(const struct plan *plan, struct filter_prog *ret, unsigned *watched,
			  char *err, size_t err_size)
{
	int rc;

	watching = true;
	watched_nrs_fill();
	*watched = FILTER_WATCH_WHO | FILTER_WATCH_PLACE | FILTER_WATCH_CREDS;
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		uint32_t bit = a == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;

		if (!plan->arch[a].enabled)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(watched_calls); i++) {
			int nr = syscall_lookup((enum cg_arch)a, watched_calls[i].name);
			uint32_t value, act;

			if (nr < 0)
				continue;
			/* decided by a rule with conditions (libseccomp's) */
			if (!prefix_decides(plan, (enum cg_arch)a, nr & ~(int)bit, &value)) {
				*watched &= ~watched_calls[i].kind;
				continue;
			}
			/* notified, or refused: seen, or never run */
			act = value & SECCOMP_RET_ACTION_FULL;
			if (act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG ||
			    act == SECCOMP_RET_TRACE)
				*watched &= ~watched_calls[i].kind;
		}
	}
	rc = filter_build(plan, ret, err, err_size);
	watching = false;
	return rc;
}
