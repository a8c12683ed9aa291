/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The processes a session has described in its log, so that a process
 * gets its record once, and again after an execve: a process is its thread
 * group id and its start time (a pid given again is another process), with
 * a hash of the executable it ran when last described.  A fixed number of
 * slots, each for the pids that hash to it (a long-lived serve sees
 * millions of processes): one that was pushed out gets a record again when
 * it comes back, a record too many rather than one missing.  A set belongs
 * to one session's thread.
 */
#ifndef CALLGATE_SUPERVISOR_PROCSEEN_H
#define CALLGATE_SUPERVISOR_PROCSEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_seen {
	struct proc_seen_slot {
		uint64_t start; /* clock ticks after boot, /proc/PID/stat */
		pid_t pid;	/* 0: empty */
		uint32_t exe;
	} * slots; /* PROC_SEEN_SLOTS, or NULL until the first */
};

#define PROC_SEEN_SLOTS 4096

/*
 * proc_seen_note() - note process @pid started at @start running @exe
 * (NULL: unknown).  Returns true when that is news: not seen before (or
 * pushed out since), or seen running another executable; also when there
 * is no memory for the slots.
 */
bool proc_seen_note(struct proc_seen *s, pid_t pid, uint64_t start, const char *exe);

void proc_seen_done(struct proc_seen *s);

#endif
