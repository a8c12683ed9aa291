/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel filter for a plan.
 *
 * Two parts.  First callgate's own program: for each of the plan's ABIs
 * (x86_64, and i386 / x32 where the profile lists them), a binary search on
 * the syscall number that returns the decision of every syscall no argument
 * decides (most of a profile), runc's ENOSYS for numbers above the newest
 * syscall the profile names, and the default for the rest.  Then, for the
 * syscalls whose rules have conditions, libseccomp 2.5.4's program, one per
 * ABI: libseccomp builds and checks argument comparisons well, but tries its
 * rules one after the other, takes ~15 ms to build a program for a whole
 * profile, stops at Linux 5.17 (fchmodat2, cachestat, mseal, ... are
 * unknown to it) and, given x86_64 and x32 in one context, builds a wrong
 * program for conditions on x86_64.  A conditional rule on a syscall
 * libseccomp does not know is sent to the supervisor, which evaluates the
 * conditions (callgate's program only compares numbers).
 *
 * Edge code: includes libseccomp, which includes <linux/seccomp.h>.
 */
#ifndef CALLGATE_AGENT_FILTER_H
#define CALLGATE_AGENT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/bpf.h"
#include "callgate/plan.h"

struct filter_prog {
	struct bpf_insn *insns;
	size_t len;
	size_t prefix_len; /* instructions of callgate's own program, in front */
};

/*
 * filter_build() - the BPF program for @plan.
 * Returns 0 and the program in *@ret (release with filter_prog_done()), or
 * a negative errno with a message in @err (libseccomp refused a rule, the
 * program is too long, out of memory).
 */
int filter_build(const struct plan *plan, struct filter_prog *ret, char *err, size_t err_size);
void filter_prog_done(struct filter_prog *prog);

/*
 * What a call that filter_build_watching() notifies changes of its caller,
 * as the supervisor keeps it: who it is, as records name it (its exe, its
 * comm: who.h); where it is (its root, its user namespace: caller.h); its
 * credentials and umask (caller.h).
 */
#define FILTER_WATCH_WHO   1u
#define FILTER_WATCH_PLACE 2u
#define FILTER_WATCH_CREDS 4u

/* The FILTER_WATCH_* kinds of the call @name (0: not watched). */
unsigned filter_watched(const char *name);

/*
 * filter_build_watching() - filter_build(), with the calls of
 * filter_watched() it would allow notified instead (execve, execveat,
 * prctl, chroot, pivot_root, setns, unshare, the setuid and capset
 * families, umask): the supervisor continues them, and so sees every
 * change of a caller's exe or comm, root or user namespace, credentials
 * or umask.
 * *@watched: the kinds whose every call of the plan's ABIs is either
 * notified or refused by the kernel (a kind is left out when a rule with
 * argument conditions, LOG or TRACE decides one of its calls: the
 * supervisor must then read what it changes at every call).
 */
int filter_build_watching(const struct plan *plan, struct filter_prog *ret, unsigned *watched,
			  char *err, size_t err_size);

/*
 * filter_build_notify_all() - a program that notifies every call of the
 * plan's ABIs (other ABIs: killed, as by filter_build()), so that the
 * supervisor sees and decides everything (callgate run --record).
 */
int filter_build_notify_all(const struct plan *plan, struct filter_prog *ret, char *err,
			    size_t err_size);

/* The SECCOMP_RET_* value for an action and its data. */
uint32_t filter_ret_value(enum policy_action action, uint16_t data);

/*
 * Whether syscall @name, number @nr on @arch, is missing from libseccomp's
 * table (by name, or under another number), so that callgate's prefix
 * decides it.  A predicate: it cannot fail.
 */
bool filter_libseccomp_lacks(enum cg_arch arch, const char *name, int nr);

#endif
