/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who made a call, for its record: the caller's pid (thread group), comm
 * and exe, remembered for the callers seen lately.  A cache belongs to one
 * session's thread, which handles one notification at a time.
 */
#ifndef CALLGATE_SUPERVISOR_WHO_H
#define CALLGATE_SUPERVISOR_WHO_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "callgate/record.h"
#include "procseen.h"

#define WHO_MAX 16

struct who {
	pid_t tid; /* 0: empty */
	pid_t tgid;
	int dir;   /* /proc/TID (proc_dir_open()), its exe read per call, or -1 */
	int pidfd; /* or the thread's pidfd, when every exec is seen; or -1 */
	char comm[64];
	char exe[256];
};

#define WHO_MARKS_MAX 16

/* A call that changes who its caller is (who_changing()), not over yet. */
struct who_mark {
	pid_t tgid; /* 0: free */
	pid_t tid;
	uint64_t id; /* the notification */
};

struct who_cache {
	struct who who[WHO_MAX];
	/*
	 * Set before the first call when every execve, execveat and prctl
	 * is notified (filter_build_watching()): a caller seen lately then
	 * costs no read of its exe link, only a check that its thread lives.
	 * Cleared for good when more such calls are in flight at once than
	 * there are marks.
	 */
	bool exec_seen;
	struct who_mark marks[WHO_MARKS_MAX];
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
 * who_describe() - set @rec's tid, pid, comm and exe for thread @tid, the
 * caller of notification @id (comm and exe point into @c until the next
 * call).  What cannot be read is left out (NULL, and pid 0), never guessed.
 */
void who_describe(struct who_cache *c, pid_t tid, uint64_t id, struct record *rec);

/*
 * who_changing() - thread @tid makes call @id (a notification's id), an
 * execve, an execveat or a prctl that sets the exe link or the comm, and
 * it is about to be continued.  Until it is over, what is read of the
 * caller's thread group is not kept: its exe, its comm and even which
 * thread has the group's number change under it (de_thread).
 */
void who_changing(struct who_cache *c, pid_t tid, uint64_t id);

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
