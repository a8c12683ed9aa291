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

#endif
