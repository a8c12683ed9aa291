/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The processes a session has described in its log: a set of thread group
 * ids, each with a hash of the executable it ran when last described, so
 * that a process gets its record once, and again after an execve.  A set
 * belongs to one session's thread.  Grows as processes come (16 bytes
 * each); never shrinks until done.
 */
#ifndef CALLGATE_SUPERVISOR_PROCSEEN_H
#define CALLGATE_SUPERVISOR_PROCSEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_seen {
	struct proc_seen_slot {
		pid_t pid; /* 0: empty */
		uint32_t exe;
	} * slots;
	size_t size; /* a power of two, or 0 */
	size_t used;
};

/*
 * proc_seen_note() - note @pid running @exe (NULL: unknown).  Returns
 * true when that is news: @pid not seen before, or seen running another
 * executable; also when the set cannot grow (a process record too many
 * rather than one missing).
 */
bool proc_seen_note(struct proc_seen *s, pid_t pid, const char *exe);

void proc_seen_done(struct proc_seen *s);

#endif
