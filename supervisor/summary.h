/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --summary: per-syscall counts of the notified calls, printed like
 * strace -c.  Owned by one session's thread while it serves (run has one
 * session); printed after that thread has stopped.  No locking.
 */
#ifndef CALLGATE_SUPERVISOR_SUMMARY_H
#define CALLGATE_SUPERVISOR_SUMMARY_H

#include <stdint.h>

#include "callgate/decision.h"
#include "callgate/systable.h"

struct summary_row {
	uint64_t calls;
	uint64_t allowed;
	uint64_t denied;
	uint64_t would_deny;
};

struct summary {
	struct summary_row *rows[CG_ARCH_MAX]; /* indexed by number, + 1 for "other" */
	int limit[CG_ARCH_MAX];
};

/* Returns 0 or -ENOMEM. */
int summary_init(struct summary *s);
void summary_done(struct summary *s);

/* Count one call of @nr on @arch and how it was decided. */
void summary_count(struct summary *s, enum cg_arch arch, int nr, const struct decision *d);

/* Print the table to @fd, like strace -c. */
void summary_print(const struct summary *s, int fd);

#endif
