/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate check: validate profiles, and summarise what the kernel and the
 * supervisor would decide under each.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/cleanup.h"
#include "callgate/hatch.h"
#include "callgate/plan.h"
#include "callgate/policy.h"
#include "check.h"
#include "filter.h"
#include "host.h"
#include "log.h"
#include "policy_load.h"
#include "policy_warn.h"

#define EXIT_CHECK_INVALID 2

static void check_usage(FILE *f)
{
	fputs("Usage: callgate check [--strict] [--caps LIST] [--kernel X.Y] [--mode MODE] "
	      "POLICY...\n"
	      "\n"
	      "Validate Docker/OCI seccomp profiles (with callgate's extensions) and\n"
	      "summarise what the kernel and the supervisor would decide.\n"
	      "  --strict        warnings (unknown keys, unknown syscall names, escape\n"
	      "                  hatches of path and address rules) are errors\n"
	      "  --caps LIST     capabilities of the target for includes/excludes:\n"
	      "                  names (CAP_A,CAP_B) and sets (all, none, host,\n"
	      "                  docker, podman), their union (default: what a\n"
	      "                  program started here would hold, within docker)\n"
	      "  --kernel X.Y    kernel version for minKernel (default: this kernel)\n"
	      "  --mode MODE     enforce (default), audit or interactive\n"
	      "Exit status: 0 if every policy is valid, 2 otherwise.\n",
	      f);
}

struct check_opts {
	bool strict;
	bool caps_given; /* --caps, else host_caps_default() */
	struct plan_host host;
	enum plan_mode mode;
};

static const char *skip_reason_text(enum plan_skip_reason r)
{
	switch (r) {
	case PLAN_SKIP_UNKNOWN: return "not a syscall of any Linux architecture";
	case PLAN_SKIP_OTHER_ARCH: return "a syscall of other architectures only";
	default: return "not on the profile's x86 ABIs";
	}
}

static void print_route_counts(const struct plan *plan)
{
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		const struct plan_arch *pa = &plan->arch[a];
		unsigned n[4] = { 0 };

		if (!pa->enabled)
			continue;
		for (int nr = 0; nr < pa->nr_limit; nr++) {
			if (!syscall_name((enum cg_arch)a,
					  nr | (a == CG_ARCH_X32 ? (int)CG_X32_SYSCALL_BIT : 0)))
				continue;
			n[pa->entries[nr].route]++;
		}
		printf("  %-6s  %3u by rule in the kernel, %3u by the supervisor, %3u by the "
		       "default",
		       arch_to_string((enum cg_arch)a), n[PLAN_ROUTE_KERNEL],
		       n[PLAN_ROUTE_SUPERVISOR], n[PLAN_ROUTE_DEFAULT]);
		if (pa->enosys_above_last)
			printf(", %u newer than the profile (ENOSYS)", n[PLAN_ROUTE_ENOSYS]);
		putchar('\n');
	}
}

/* One line listing the names skipped for @reason, at most 12 of them. */
static void print_skips(const struct plan *plan, enum plan_skip_reason reason)
{
	size_t shown = 0, total = 0;

	for (size_t i = 0; i < plan->n_skips; i++) {
		if (plan->skips[i].reason != reason)
			continue;
		if (total++ == 0)
			printf("    %s:", skip_reason_text(reason));
		if (shown < 12) {
			printf(" %s", plan->skips[i].name);
			shown++;
		}
	}
	if (total > shown)
		printf(" and %zu more", total - shown);
	if (total)
		putchar('\n');
}

/* The summary's lines on escape hatches: how many, and which are refused. */
static void print_hatches(const struct plan *plan)
{
	size_t n[3] = { 0 }; /* refused, open, left to a rule */

	for (size_t i = 0; i < plan->n_hatches; i++) {
		const struct plan_hatch *ph = &plan->hatches[i];

		n[ph->refused ? 0 : ph->rule < 0 ? 1 : 2]++;
	}
	printf("  escape hatches: %zu refused (\"advisory\": \"deny\"), %zu open, %zu left to "
	       "the profile's rules\n",
	       n[0], n[1], n[2]);
	if (!n[0])
		return;
	printf("    refused in the kernel:");
	for (size_t i = 0; i < plan->n_hatches; i++)
		if (plan->hatches[i].refused)
			printf(" %s", plan->hatches[i].hatch->name);
	putchar('\n');
}

/* Returns true if @path is valid under @o. */
static bool check_one(const char *path, const struct check_opts *o)
{
	_cleanup_(policy_load_done) struct policy_load pl = { 0 };
	_cleanup_(filter_prog_done) struct filter_prog prog = { 0 };
	struct policy_error e = { 0 };
	const struct policy *p;
	const struct plan *plan;
	char msg[1024], ferr[256] = "", caps[HOST_CAPS_TEXT_MAX];
	size_t n_unknown = 0, n_elsewhere = 0, n_kept = 0, n_redundant = 0;
	bool ok = true, pattern_rules = false;
	int r;

	r = policy_load_plan(path, &o->host, o->mode, POLICY_LOAD_DISABLED_OK, &pl, &e);
	if (r < 0) {
		policy_error_format(path, &e, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return false;
	}
	p = pl.policy;
	plan = pl.plan;
	if (policy_runc_refusal(p, &e) < 0) {
		policy_error_format(path, &e, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return false;
	}
	r = policy_warnings_print(stderr, path, p, plan,
				  POLICY_WARN_NOTES | POLICY_WARN_HATCHES |
					  (o->strict ? POLICY_WARN_STRICT : 0));
	if (r < 0) {
		fprintf(stderr, "%s: out of memory\n", path);
		return false;
	}
	if (r > 0 && o->strict)
		ok = false;
	if (!plan) {
		printf("%s: %s: no defaultAction and no syscalls: runs unconfined, as Docker "
		       "does\n",
		       path, ok ? "valid" : "invalid");
		return ok;
	}

	r = filter_build(plan, &prog, ferr, sizeof(ferr));
	if (r < 0) {
		fprintf(stderr, "%s: cannot build the filter: %s\n", path, ferr);
		ok = false;
	}
	for (size_t i = 0; i < plan->n_skips; i++) {
		if (plan->skips[i].reason == PLAN_SKIP_UNKNOWN)
			n_unknown++;
		else
			n_elsewhere++;
	}
	for (size_t i = 0; i < plan->n_rules; i++) {
		if (plan->rules[i].hatch)
			continue; /* callgate's own, counted with the hatches */
		n_kept++;
		n_redundant += plan->rules[i].redundant;
		pattern_rules |= hatch_rule_kinds(plan->rules[i].src) != 0;
	}

	printf("%s: %s\n", path, ok ? "valid" : "invalid");
	printf("  default %s", policy_action_to_string(p->default_action));
	if (p->default_action == POLICY_ACT_ERRNO || p->default_action == POLICY_ACT_TRACE)
		printf(" (%u)", plan->default_data);
	printf(", mode %s, kernel %u.%u\n", plan_mode_to_string(o->mode), o->host.kernel_major,
	       o->host.kernel_minor);
	host_format_caps(o->host.caps, caps, sizeof(caps));
	printf("  capabilities for includes/excludes: %s (%s)\n", caps,
	       o->caps_given ? "--caps" : "the default: this host's, within Docker's default set");
	printf("  rules: %zu, %zu apply here, %zu excluded by includes/excludes, %zu same as the "
	       "default\n",
	       p->n_rules, n_kept, plan->n_excluded, n_redundant);
	print_route_counts(plan);
	printf("  names skipped: %zu unknown, %zu not on this profile's x86 ABIs\n", n_unknown,
	       n_elsewhere);
	print_skips(plan, PLAN_SKIP_OTHER_ARCH);
	print_skips(plan, PLAN_SKIP_NOT_ENABLED);
	if (pattern_rules)
		print_hatches(plan);
	if (prog.len)
		printf("  filter: %zu BPF instructions (%zu of them callgate's own prefix)\n",
		       prog.len, prog.prefix_len);
	if (p->listener_path)
		printf("  listenerPath: %s\n", p->listener_path);
	return ok;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "caps", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct check_opts o = { .mode = PLAN_MODE_ENFORCE };
	const char *caps = NULL, *kernel = NULL;
	bool all_ok = true;
	char bad[64];
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.strict = true; break;
		case 'c': caps = optarg; break;
		case 'k': kernel = optarg; break;
		case 'm':
			o.mode = plan_mode_from_string(optarg);
			if (o.mode < 0) {
				log_error("Unknown mode '%s' (enforce, audit or interactive)",
					  optarg);
				return EXIT_CHECK_INVALID;
			}
			break;
		case 'h': check_usage(stdout); return 0;
		default: check_usage(stderr); return EXIT_CHECK_INVALID;
		}
	}
	if (optind >= argc) {
		check_usage(stderr);
		return EXIT_CHECK_INVALID;
	}
	r = host_detect(&o.host);
	if (r < 0) {
		log_error("Failed to inspect this host: %s", strerror(-r));
		return EXIT_CHECK_INVALID;
	}
	o.caps_given = caps != NULL;
	if (!caps)
		o.host.caps = host_caps_default(o.host.caps);
	else if (host_parse_caps_on(caps, o.host.caps, &o.host.caps, bad, sizeof(bad)) < 0) {
		log_error("Unknown capability '%s' in --caps", bad);
		return EXIT_CHECK_INVALID;
	}
	if (kernel && host_parse_kernel(kernel, &o.host) < 0) {
		log_error("Invalid --kernel '%s' (expected X.Y)", kernel);
		return EXIT_CHECK_INVALID;
	}
	for (int i = optind; i < argc; i++)
		all_ok &= check_one(argv[i], &o);
	return all_ok ? 0 : EXIT_CHECK_INVALID;
}
