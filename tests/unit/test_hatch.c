/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Escape hatches: the table, and what plans make of it — refused in the
 * plan and in the kernel filter under "advisory": "deny", left to a rule of
 * the profile that names them, nothing for a policy without pattern rules.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/socket.h>

#include "callgate/sysargs.h"
#include "filterutil.h"

/* Every kind of pattern rule, on every x86 ABI, under "advisory": "deny". */
#define ALL_KINDS_BODY                                                                  \
	"\"defaultAction\":\"SCMP_ACT_ALLOW\","                                         \
	"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]," \
	"\"syscalls\":["                                                                \
	"{\"names\":[\"openat\",\"open\"],\"action\":\"SCMP_ACT_ERRNO\","               \
	"\"paths\":[\"/etc/shadow\"]},"                                                 \
	"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ERRNO\","                       \
	"\"addresses\":[\"inet:10.0.0.0/8:*\"]},"                                       \
	"{\"names\":[\"bind\"],\"action\":\"SCMP_ACT_ERRNO\","                          \
	"\"addresses\":[\"inet:0.0.0.0:*\"]}]"
#define ALL_KINDS_DENY "{\"advisory\":\"deny\"," ALL_KINDS_BODY "}"
#define ALL_KINDS      "{" ALL_KINDS_BODY "}"

/* Arguments for which condition @c of a hatch holds. */
static void args_for(const struct hatch_cond *c, uint64_t args[6])
{
	memset(args, 0, 6 * sizeof(args[0]));
	switch (c->op) {
	case POLICY_OP_NE: args[c->index] = c->value + 1; break;
	case POLICY_OP_MASKED_EQ: args[c->index] = c->value_two; break;
	default: args[c->index] = c->value; break;
	}
}

static const struct plan_hatch *hatch_of(const struct plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_hatches; i++)
		if (strcmp(plan->hatches[i].hatch->name, name) == 0)
			return &plan->hatches[i];
	return NULL;
}

/* ---- the table -------------------------------------------------------- */

START_TEST(table_sorted_and_consistent)
{
	for (size_t i = 0; i < hatch_count(); i++) {
		const struct hatch *h = hatch_at(i);
		unsigned kinds = 0;
		bool somewhere = false;

		if (i)
			ck_assert_msg(strcmp(hatch_at(i - 1)->name, h->name) < 0,
				      "%s: not in strcmp order", h->name);
		ck_assert_ptr_eq(hatch_lookup(h->name), h);
		ck_assert_msg(h->reason && *h->reason, "%s: no reason", h->name);
		ck_assert_msg(h->err == EPERM || h->err == ENOSYS, "%s: errno %d", h->name, h->err);
		ck_assert_msg(h->kinds && !(h->kinds & ~HATCH_ALL), "%s: kinds", h->name);
		ck_assert_msg(h->abis && !(h->abis & ~HATCH_ABI_ALL), "%s: abis", h->name);
		ck_assert_msg(h->n_conds <= HATCH_CONDS_MAX, "%s: conditions", h->name);
		for (uint8_t k = 0; k < h->n_conds; k++) {
			const struct hatch_cond *c = &h->conds[k];

			ck_assert_msg(c->index < 6 && c->op >= 0 && c->op < POLICY_OP_MAX,
				      "%s: condition %u", h->name, k);
			ck_assert_msg(c->kinds && !(c->kinds & ~h->kinds), "%s: condition %u kinds",
				      h->name, k);
			kinds |= c->kinds;
		}
		ck_assert_msg(!h->n_conds || kinds == h->kinds,
			      "%s: the conditions' kinds are not the row's", h->name);
		for (int a = 0; a < CG_ARCH_MAX; a++)
			if (h->abis & (1u << a))
				somewhere |= syscall_lookup((enum cg_arch)a, h->name) >= 0;
		ck_assert_msg(somewhere, "%s: a syscall of none of its ABIs", h->name);
	}
	ck_assert_ptr_null(hatch_at(hatch_count()));
	ck_assert_ptr_null(hatch_lookup("read"));
	ck_assert_ptr_null(hatch_lookup("openat"));
}
END_TEST

/* Names from the design and the man pages: each is in the table, and each
 * is an x86_64 syscall unless noted. */
START_TEST(table_has_the_known_hatches)
{
	static const struct {
		const char *name;
		unsigned kinds;
		bool x86_64;
	} rows[] = {
		{ "io_uring_setup", HATCH_ALL, true },
		{ "io_uring_enter", HATCH_ALL, true },
		{ "io_uring_register", HATCH_ALL, true },
		{ "open_by_handle_at", HATCH_PATHS, true },
		{ "open_tree", HATCH_PATHS, true },
		{ "move_mount", HATCH_PATHS, true },
		{ "fsopen", HATCH_PATHS, true },
		{ "fsconfig", HATCH_PATHS, true },
		{ "fsmount", HATCH_PATHS, true },
		{ "fspick", HATCH_PATHS, true },
		{ "mount", HATCH_PATHS, true },
		{ "mount_setattr", HATCH_PATHS, true },
		{ "umount2", HATCH_PATHS, true },
		{ "umount", HATCH_PATHS, false },
		{ "pivot_root", HATCH_PATHS, true },
		{ "chroot", HATCH_PATHS, true },
		{ "unshare", HATCH_PATHS, true },
		{ "setns", HATCH_ALL, true },
		{ "clone", HATCH_PATHS, true },
		{ "clone3", HATCH_PATHS, true },
		{ "pidfd_getfd", HATCH_ALL, true },
		{ "sendto", HATCH_ADDR_CONNECT, true },
		{ "sendmsg", HATCH_ADDR_CONNECT, true },
		{ "sendmmsg", HATCH_ADDR_CONNECT, true },
		{ "listen", HATCH_ADDR_BIND, true },
		{ "execveat", HATCH_PATHS, true },
		{ "fanotify_init", HATCH_PATHS, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct hatch *h = hatch_lookup(rows[i].name);

		ck_assert_msg(h, "%s: not in the table", rows[i].name);
		ck_assert_msg(h->kinds == rows[i].kinds, "%s: kinds %#x", rows[i].name, h->kinds);
		ck_assert_msg((syscall_lookup(CG_ARCH_X86_64, rows[i].name) >= 0) == rows[i].x86_64,
			      "%s: x86_64", rows[i].name);
	}
	/* not hatches: a path rules can look at, SysV keys */
	ck_assert_ptr_null(hatch_lookup("name_to_handle_at"));
	ck_assert_ptr_null(hatch_lookup("ipc"));
	ck_assert_ptr_null(hatch_lookup("connect"));
	ck_assert_ptr_null(hatch_lookup("memfd_create"));
	/* socketcall is decoded by the supervisor: no hatch */
	ck_assert_ptr_null(hatch_lookup("socketcall"));
	ck_assert_int_eq(hatch_lookup("clone3")->err, ENOSYS);
}
END_TEST

START_TEST(rule_kinds_and_their_names)
{
	struct policy *p = tu_parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"paths\":[\"/x\"]},"
		"{\"names\":[\"bind\"],\"action\":\"SCMP_ACT_ERRNO\",\"addresses\":[\"inet:0.0.0.0:"
		"*\"]},"
		"{\"names\":[\"connect\",\"sendto\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"addresses\":[\"inet:0.0.0.0:*\"]},"
		"{\"names\":[\"bind\",\"connect\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"addresses\":[\"inet:0.0.0.0:*\"]},"
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	char buf[64];

	ck_assert_uint_eq(hatch_rule_kinds(&p->rules[0]), HATCH_PATHS);
	ck_assert_uint_eq(hatch_rule_kinds(&p->rules[1]), HATCH_ADDR_BIND);
	ck_assert_uint_eq(hatch_rule_kinds(&p->rules[2]), HATCH_ADDR_CONNECT);
	ck_assert_uint_eq(hatch_rule_kinds(&p->rules[3]), HATCH_ADDRS);
	ck_assert_uint_eq(hatch_rule_kinds(&p->rules[4]), 0);
	ck_assert_str_eq(hatch_kinds_format(HATCH_ALL, buf, sizeof(buf)),
			 "paths, addresses-connect, addresses-bind");
	ck_assert_str_eq(hatch_kinds_format(HATCH_ADDR_BIND, buf, sizeof(buf)), "addresses-bind");
	ck_assert_str_eq(hatch_kinds_format(0, buf, sizeof(buf)), "");
	hatch_kinds_format(HATCH_ALL, buf, 8);
	ck_assert_uint_lt(strlen(buf), 8);
	policy_free(p);
}
END_TEST

/* ---- plans under "advisory": "deny" ------------------------------------- */

/*
 * The verdict of @plan for @name on @arch with @args, which its filter
 * must return too; a conditional rule on a syscall libseccomp does not
 * know for that ABI (i386's socket calls in 2.5.4) is notified, and the
 * supervisor applies the plan's verdict.
 */
static struct plan_verdict both(const struct plan *plan, const struct filter_prog *prog,
				enum cg_arch arch, const char *name, const uint64_t args[6])
{
	int nr = tu_nr(arch, name);
	struct plan_verdict v = plan_eval(plan, arch, nr, args);
	uint32_t got = tu_bpf(prog, arch, nr, args);

	if (got == filter_ret_value(POLICY_ACT_NOTIFY, 0) &&
	    filter_libseccomp_lacks(arch, name, nr))
		return v;
	ck_assert_msg(got == tu_expected(&v), "%s on %s: the filter returns %#x, the plan %#x",
		      name, arch_to_string(arch), got, tu_expected(&v));
	return v;
}

START_TEST(each_hatch_refused_in_plan_and_filter)
{
	struct policy *p = tu_parse(ALL_KINDS_DENY);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	size_t checked = 0;

	tu_filter(plan, &prog);
	ck_assert_uint_eq(plan->n_hatches, hatch_count());
	for (size_t i = 0; i < hatch_count(); i++) {
		const struct hatch *h = hatch_at(i);
		const struct plan_hatch *ph = hatch_of(plan, h->name);

		ck_assert_msg(ph && ph->refused && ph->rule < 0, "%s: not refused", h->name);
		ck_assert_uint_eq(ph->kinds, h->kinds);
		for (int a = 0; a < CG_ARCH_MAX; a++) {
			uint64_t args[6] = { 0 };
			struct plan_verdict v;
			const struct plan_entry *e;

			if (!(h->abis & (1u << a)) || syscall_lookup((enum cg_arch)a, h->name) < 0)
				continue;
			e = plan_entry_of(plan, (enum cg_arch)a, tu_nr((enum cg_arch)a, h->name));
			ck_assert_msg(e->flags & PLAN_ENTRY_HATCH, "%s: entry", h->name);
			ck_assert_int_eq(e->route, PLAN_ROUTE_KERNEL);
			for (uint8_t k = 0; k < (h->n_conds ? h->n_conds : 1); k++) {
				if (h->n_conds)
					args_for(&h->conds[k], args);
				v = both(plan, &prog, (enum cg_arch)a, h->name, args);
				ck_assert_msg(v.action == POLICY_ACT_ERRNO && v.data == h->err,
					      "%s on %s, condition %u: %s %u", h->name,
					      arch_to_string((enum cg_arch)a), k,
					      policy_action_to_string(v.action), v.data);
				ck_assert_int_eq(v.rule, PLAN_VERDICT_HATCH);
				ck_assert(!v.notify);
				ck_assert(v.prule && v.prule->hatch);
				ck_assert_ptr_nonnull(strstr(v.prule->src->comment, h->reason));
				checked++;
			}
		}
	}
	ck_assert_uint_ge(checked, 3 * 30);
	/* the profile's own rules are still the supervisor's */
	ck_assert(plan_entry_of(plan, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "openat"))->flags &
		  PLAN_ENTRY_PATTERNS);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* Calls of a conditional hatch that reach nothing new keep the default. */
START_TEST(conditional_hatches_refuse_only_their_calls)
{
	static const struct {
		const char *name;
		uint64_t args[6];
		bool refused;
	} rows[] = {
		{ "clone", { SIGCHLD }, false },
		{ "clone", { CLONE_NEWNS | SIGCHLD }, true },
		{ "clone", { CLONE_NEWUSER | CLONE_NEWNET }, true },
		{ "clone", { CLONE_NEWNET | CLONE_NEWPID }, false },
		{ "unshare", { CLONE_FILES }, false },
		{ "unshare", { CLONE_NEWNET | CLONE_NEWUTS }, false },
		{ "unshare", { CLONE_NEWNS }, true },
		{ "unshare", { CLONE_NEWUSER | CLONE_NEWNET }, true },
		{ "setns", { 3, CLONE_NEWUTS }, false },
		{ "setns", { 3, CLONE_NEWIPC | CLONE_NEWUTS }, false },
		{ "setns", { 3, 0 }, true },
		{ "setns", { 3, CLONE_NEWNS }, true },
		{ "setns", { 3, CLONE_NEWNET }, true },
		{ "setns", { 3, CLONE_NEWUSER }, true },
		{ "setns", { 3, CLONE_NEWUTS | CLONE_NEWNS }, true },
		{ "sendto", { 3, 0x1000, 10, 0, 0, 0 }, false },
		{ "sendto", { 3, 0x1000, 10, MSG_DONTWAIT, 0, 0 }, false },
		{ "sendto", { 3, 0x1000, 10, 0, 0x2000, 16 }, true },
		{ "sendto", { 3, 0x1000, 10, MSG_FASTOPEN, 0, 0 }, true },
		{ "execveat", { 3, 0x1000, 0x2000, 0x3000, 0 }, false },
		{ "execveat", { 3, 0x1000, 0x2000, 0x3000, AT_SYMLINK_NOFOLLOW }, false },
		{ "execveat", { 3, 0x1000, 0x2000, 0x3000, AT_EMPTY_PATH }, true },
		{ "ptrace", { PTRACE_TRACEME }, false },
		{ "ptrace", { PTRACE_PEEKDATA, 100 }, false },
		{ "ptrace", { PTRACE_ATTACH, 100 }, true },
		{ "ptrace", { PTRACE_SEIZE, 100 }, true },
		{ "socket", { AF_INET, SOCK_STREAM }, false },
		{ "socket", { AF_UNIX, SOCK_DGRAM }, false },
		{ "socket", { AF_PACKET, SOCK_RAW }, true },
	};
	struct policy *p = tu_parse(ALL_KINDS_DENY);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };

	tu_filter(plan, &prog);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		for (int a = 0; a < CG_ARCH_MAX; a++) {
			struct plan_verdict v =
				both(plan, &prog, (enum cg_arch)a, rows[i].name, rows[i].args);

			ck_assert_msg((v.action == POLICY_ACT_ERRNO) == rows[i].refused,
				      "row %zu (%s) on %s: %s", i, rows[i].name,
				      arch_to_string((enum cg_arch)a),
				      policy_action_to_string(v.action));
			ck_assert_int_eq(v.rule, rows[i].refused ? PLAN_VERDICT_HATCH : -1);
		}
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/*
 * i386's socketcall: its block is in memory, so every call goes to the
 * supervisor, which decides it as the call it multiplexes, by that call's
 * own entry: connect and bind by their pattern rules, listen and sendmsg
 * refused as hatches, sendto by its destination.
 */
START_TEST(socketcall_on_i386)
{
	static const struct {
		uint64_t call;
		enum {
			OWN,
			PATTERNS,
			REFUSED
		} by;
		uint64_t args[6]; /* the block's */
	} rows[] = {
		{ 1, OWN, { AF_INET, SOCK_STREAM, 0 } },		  /* SYS_SOCKET */
		{ 2, PATTERNS, { 3, 0xffd00000, 16 } },			  /* SYS_BIND */
		{ 3, PATTERNS, { 3, 0xffd00000, 16 } },			  /* SYS_CONNECT */
		{ 4, REFUSED, { 3, 5 } },				  /* SYS_LISTEN */
		{ 5, OWN, { 3, 0, 0 } },				  /* SYS_ACCEPT */
		{ 9, OWN, { 3, 0xffd00000, 1, 0 } },			  /* SYS_SEND */
		{ 11, REFUSED, { 3, 0xffd00000, 1, 0, 0xffd00100, 16 } }, /* SYS_SENDTO */
		{ 11, OWN, { 3, 0xffd00000, 1, 0, 0, 0 } },		  /* ... none */
		{ 14, OWN, { 3, 1, 2, 0xffd00000, 4 } },		  /* SYS_SETSOCKOPT */
		{ 16, REFUSED, { 3, 0xffd00000, 0 } },			  /* SYS_SENDMSG */
		{ 20, REFUSED, { 3, 0xffd00000, 1, 0 } },		  /* SYS_SENDMMSG */
	};
	struct policy *p = tu_parse(ALL_KINDS_DENY), *plain = tu_parse(ALL_KINDS);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct plan *pp = tu_compile(plain, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	int sc = tu_nr(CG_ARCH_I386, "socketcall");

	tu_filter(plan, &prog);
	ck_assert(plan->arch[CG_ARCH_I386].entries[sc].flags & PLAN_ENTRY_MULTIPLEX);
	/* without "advisory": "deny" too: connect and bind have patterns */
	ck_assert(pp->arch[CG_ARCH_I386].entries[sc].flags & PLAN_ENTRY_MULTIPLEX);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		uint64_t args[6] = { rows[i].call, 0xffd00000 };
		struct plan_verdict v = both(plan, &prog, CG_ARCH_I386, "socketcall", args);
		const char *name;
		int nargs, nr;

		ck_assert_msg(v.notify, "call %llu: not sent to the supervisor",
			      (unsigned long long)rows[i].call);
		ck_assert_int_eq(sysargs_socketcall(rows[i].call, &name, &nargs), 0);
		nr = tu_nr(CG_ARCH_I386, name);
		v = plan_eval(plan, CG_ARCH_I386, nr, rows[i].args);
		switch (rows[i].by) {
		case PATTERNS:
			ck_assert(plan->arch[CG_ARCH_I386].entries[nr].flags & PLAN_ENTRY_PATTERNS);
			break;
		case REFUSED:
			ck_assert_msg(v.action == POLICY_ACT_ERRNO && v.rule == PLAN_VERDICT_HATCH,
				      "%s: not refused", name);
			break;
		default:
			ck_assert_msg(v.action == POLICY_ACT_ALLOW && !v.notify, "%s: not allowed",
				      name);
		}
	}
	ck_assert_int_eq(sysargs_socketcall(0, &(const char *){ NULL }, &(int){ 0 }), -EINVAL);
	ck_assert_int_eq(sysargs_socketcall(21, &(const char *){ NULL }, &(int){ 0 }), -EINVAL);
	filter_prog_done(&prog);
	plan_free(plan);
	plan_free(pp);
	policy_free(p);
	policy_free(plain);
}
END_TEST

/* Without pattern rules (or without i386), socketcall is the kernel's. */
START_TEST(socketcall_kernel_without_patterns)
{
	struct policy *p = tu_parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
				    "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
				    "\"syscalls\":[{\"names\":[\"connect\"],"
				    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
				    "\"value\":99,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	int sc = tu_nr(CG_ARCH_I386, "socketcall");

	ck_assert(!(plan->arch[CG_ARCH_I386].entries[sc].flags & PLAN_ENTRY_MULTIPLEX));
	ck_assert(!plan_eval(plan, CG_ARCH_I386, sc, (uint64_t[6]){ 3 }).notify);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* A policy refuses only what bypasses the kinds of rules it has. */
START_TEST(refusals_follow_the_policys_kinds)
{
	struct policy *paths = tu_parse(
		"{\"advisory\":\"deny\",\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"paths\":[\"/x\"]}]}");
	struct policy *conn = tu_parse(
		"{\"advisory\":\"deny\",\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"addresses\":[\"inet:10.0.0.0/8:*\"]}]}");
	struct plan *pp = tu_compile(paths, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct plan *pc = tu_compile(conn, 0, 6, 18, PLAN_MODE_ENFORCE);
	uint64_t netns[6] = { 3, CLONE_NEWNET }, mntns[6] = { 3, CLONE_NEWNS };

	ck_assert_ptr_nonnull(hatch_of(pp, "mount"));
	ck_assert_ptr_null(hatch_of(pp, "sendto"));
	ck_assert_ptr_null(hatch_of(pp, "listen"));
	ck_assert_ptr_null(hatch_of(pc, "mount"));
	ck_assert_ptr_nonnull(hatch_of(pc, "sendto"));
	ck_assert_ptr_null(hatch_of(pc, "listen")); /* bind rules only */
	ck_assert_int_eq(
		plan_eval(pp, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "setns"), netns).action,
		POLICY_ACT_ALLOW);
	ck_assert_int_eq(
		plan_eval(pp, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "setns"), mntns).action,
		POLICY_ACT_ERRNO);
	ck_assert_int_eq(
		plan_eval(pc, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "setns"), netns).action,
		POLICY_ACT_ERRNO);
	ck_assert_int_eq(
		plan_eval(pc, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "setns"), mntns).action,
		POLICY_ACT_ALLOW);
	plan_free(pp);
	plan_free(pc);
	policy_free(paths);
	policy_free(conn);
}
END_TEST

/* A hatch the profile names in a rule of its own keeps that rule. */
START_TEST(named_hatch_keeps_its_rule)
{
	struct policy *p = tu_parse(
		"{\"advisory\":\"deny\",\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"paths\":[\"/x\"]},"
		"{\"names\":[\"io_uring_setup\",\"mount\"],\"action\":\"SCMP_ACT_LOG\"},"
		"{\"names\":[\"unshare\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":22,"
		"\"args\":[{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"chroot\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct filter_prog prog = { 0 };
	uint64_t zero[6] = { 0 }, newns[6] = { CLONE_NEWNS }, two[6] = { 2 };
	const struct plan_hatch *ph;
	struct plan_verdict v;

	tu_filter(plan, &prog);
	ph = hatch_of(plan, "io_uring_setup");
	ck_assert(ph && !ph->refused && ph->rule == 1);
	ph = hatch_of(plan, "unshare");
	ck_assert(ph && !ph->refused && ph->rule == 2);
	/* a rule that denies every call leaves no hatch */
	ck_assert_ptr_null(hatch_of(plan, "chroot"));
	ck_assert(hatch_of(plan, "fsopen")->refused);

	v = both(plan, &prog, CG_ARCH_X86_64, "io_uring_setup", zero);
	ck_assert_int_eq(v.action, POLICY_ACT_LOG);
	ck_assert_int_eq(v.rule, 1);
	v = both(plan, &prog, CG_ARCH_X86_64, "mount", zero);
	ck_assert_int_eq(v.rule, 1);
	v = both(plan, &prog, CG_ARCH_X86_64, "unshare", newns);
	ck_assert_int_eq(v.action, POLICY_ACT_ALLOW); /* the profile's: the default */
	v = both(plan, &prog, CG_ARCH_X86_64, "unshare", two);
	ck_assert(v.action == POLICY_ACT_ERRNO && v.data == 22 && v.rule == 2);
	v = both(plan, &prog, CG_ARCH_X86_64, "chroot", zero);
	ck_assert(v.action == POLICY_ACT_ERRNO && v.rule == 3);
	/* the profile's rules, then the plan's own */
	for (size_t i = 0; i < plan->n_rules; i++)
		ck_assert(plan->rules[i].hatch == (i >= 4));
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* Without pattern rules, a plan has no hatches and is the one it was. */
START_TEST(no_pattern_rules_no_hatches)
{
	struct policy *p = tu_parse(
		"{\"advisory\":\"deny\",\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":"
		"[{\"index\":2,\"value\":1,\"op\":\"SCMP_CMP_MASKED_EQ\",\"valueTwo\":1}]}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	uint64_t zero[6] = { 0 };

	ck_assert_uint_eq(plan->n_hatches, 0);
	ck_assert_uint_eq(plan->n_rules, 2);
	for (int a = 0; a < CG_ARCH_MAX; a++)
		for (int nr = 0; plan->arch[a].enabled && nr < plan->arch[a].nr_limit; nr++)
			ck_assert(!(plan->arch[a].entries[nr].flags & PLAN_ENTRY_HATCH));
	for (size_t i = 0; i < hatch_count(); i++) {
		int nr = syscall_lookup(CG_ARCH_X86_64, hatch_at(i)->name);

		if (nr >= 0)
			ck_assert_int_eq(plan_eval(plan, CG_ARCH_X86_64, nr, zero).rule, -1);
	}
	plan_free(plan);
	policy_free(p);
}
END_TEST

/* Without "advisory": "deny" hatches are found, not refused; with a
 * denying default there are none. */
START_TEST(found_not_refused_and_none_under_a_denying_default)
{
	struct policy *p = tu_parse(ALL_KINDS);
	struct policy *deny = tu_parse(
		"{\"advisory\":\"deny\",\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		"{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ALLOW\",\"paths\":[\"/x/**\"]},"
		"{\"names\":[\"listen\",\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_ENFORCE);
	struct plan *pd = tu_compile(deny, 0, 6, 18, PLAN_MODE_ENFORCE);
	uint64_t zero[6] = { 0 };

	ck_assert_uint_eq(plan->n_hatches, hatch_count());
	for (size_t i = 0; i < plan->n_hatches; i++) {
		ck_assert(!plan->hatches[i].refused);
		ck_assert_int_eq(plan->hatches[i].rule, -1);
		ck_assert_uint_ne(plan->hatches[i].abis, 0);
	}
	for (size_t i = 0; i < plan->n_rules; i++)
		ck_assert(!plan->rules[i].hatch);
	ck_assert_int_eq(
		plan_eval(plan, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "io_uring_setup"), zero)
			.action,
		POLICY_ACT_ALLOW);
	/* the default denies: no hatch at all (listen has no bind rule to bypass) */
	ck_assert_uint_eq(pd->n_hatches, 0);
	plan_free(plan);
	plan_free(pd);
	policy_free(p);
	policy_free(deny);
}
END_TEST

/* In audit mode a refused hatch is a would-deny: notified, not refused. */
START_TEST(audit_mode_notifies_the_refusal)
{
	struct policy *p = tu_parse(ALL_KINDS_DENY);
	struct plan *plan = tu_compile(p, 0, 6, 18, PLAN_MODE_AUDIT);
	struct filter_prog prog = { 0 };
	uint64_t zero[6] = { 0 };
	struct plan_verdict v;

	tu_filter(plan, &prog);
	v = both(plan, &prog, CG_ARCH_X86_64, "mount", zero);
	ck_assert(v.action == POLICY_ACT_ERRNO && v.notify && v.rule == PLAN_VERDICT_HATCH);
	ck_assert_int_eq(plan_entry_of(plan, CG_ARCH_X86_64, tu_nr(CG_ARCH_X86_64, "mount"))->route,
			 PLAN_ROUTE_SUPERVISOR);
	v = both(plan, &prog, CG_ARCH_X86_64, "clone3", zero);
	ck_assert(v.action == POLICY_ACT_ERRNO && v.data == ENOSYS && v.notify);
	filter_prog_done(&prog);
	plan_free(plan);
	policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hatch");
	TCase *tc = tcase_create("hatch");

	tcase_add_test(tc, table_sorted_and_consistent);
	tcase_add_test(tc, table_has_the_known_hatches);
	tcase_add_test(tc, rule_kinds_and_their_names);
	tcase_add_test(tc, each_hatch_refused_in_plan_and_filter);
	tcase_add_test(tc, conditional_hatches_refuse_only_their_calls);
	tcase_add_test(tc, socketcall_on_i386);
	tcase_add_test(tc, socketcall_kernel_without_patterns);
	tcase_add_test(tc, refusals_follow_the_policys_kinds);
	tcase_add_test(tc, named_hatch_keeps_its_rule);
	tcase_add_test(tc, no_pattern_rules_no_hatches);
	tcase_add_test(tc, found_not_refused_and_none_under_a_denying_default);
	tcase_add_test(tc, audit_mode_notifies_the_refusal);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
