/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who made a call, for its record: the caller's pid (thread group), comm
 * and exe, remembered for the callers seen lately.  A cache belongs to one
 * session's thread.
 */
#ifndef CALLGATE_SUPERVISOR_WHO_H
#define CALLGATE_SUPERVISOR_WHO_H

#include <limits.h>
#include <sys/types.h>

#include "callgate/record.h"
#include "procseen.h"

#define WHO_MAX 16

struct who {
	pid_t tid; /* 0: empty */
	pid_t tgid;
	int dir; /* /proc/TID (proc_dir_open()): -1 when empty */
	char comm[64];
	char exe[256];
};

struct who_cache {
	struct who who[WHO_MAX];
	char comm[64];	    /* private: what the record points into */
	char exe[PATH_MAX]; /* private */
	/* private: the processes described, and the record of a new one */
	struct proc_seen seen;
	bool new_process;
	struct record_process process;
	char cmdline[RECORD_CMDLINE_MAX];
};

void who_cache_init(struct who_cache *c);
/* Closes what the cache holds open. */
void who_cache_done(struct who_cache *c);

/*
 * who_describe() - set @rec's tid, pid, comm and exe for thread @tid (comm
 * and exe point into @c until the next call).  What cannot be read is left
 * out (NULL, and pid 0), never guessed.
 */
void who_describe(struct who_cache *c, pid_t tid, struct record *rec);

/*
 * who_new_process() - after who_describe(): the process record of the
 * caller when that was its first description (or the first since it ran
 * another executable), else NULL.  Its time, run and container are left
 * for the caller to set; its strings point into @c until the next call.
 * Read with the status who_describe() reads anyway, and the cmdline once
 * per process: no /proc read per call.
 */
const struct record_process *who_new_process(const struct who_cache *c);

#endif
