/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulated opens that wait, as the kernel makes a blocking open(2) of a
 * FIFO wait for its other end: a reader for O_WRONLY, a writer for
 * O_RDONLY.  Each waits in a thread of its own that took the caller's
 * identity, so the supervisor's loop never blocks; the thread answers the
 * notification itself (ADDFD + SEND, or the error) and hands the outcome to
 * the loop.  A wait whose caller went away (the notification is no longer
 * valid) is interrupted by a signal and dropped, so no thread outlives its
 * caller for long.
 */
#ifndef CALLGATE_SUPERVISOR_FIFOWAIT_H
#define CALLGATE_SUPERVISOR_FIFOWAIT_H

#include <ev.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "caller.h"

/* Waits at most at once: a target opening more gets EAGAIN (fail closed). */
#define FIFOWAIT_MAX 256

/*
 * @result: the fd placed in the caller, -errno the call was failed with,
 * or -ESRCH when the caller went away (nothing was answered).
 */
typedef void (*fifowait_done_cb)(void *userdata, int result);

struct fifowait;

struct fifowaits {
	struct ev_loop *loop;
	int listener;
	ev_async async; /* private */
	ev_timer check; /* private: looks for callers that went away */
	pthread_mutex_t lock;
	struct fifowait *waiting; /* private */
	struct fifowait *done;	  /* private: finished, to be reaped by the loop */
	unsigned count;		  /* ro */
};

/* Returns 0 or -errno. */
int fifowaits_init(struct fifowaits *w, struct ev_loop *loop, int listener);

/* Interrupt every wait, wait for the threads and drop what they report. */
void fifowaits_stop(struct fifowaits *w);

/*
 * fifowait_start() - wait to open @opath (an O_PATH fd of the FIFO,
 * checked against the policy; ownership passes) with the caller's @flags
 * as @c (copied), for notification @id; @done(@userdata, result) is called
 * on the loop when it is over.  Returns 0, or -errno (nothing started,
 * @opath closed).
 */
int fifowait_start(struct fifowaits *w, uint64_t id, int opath, int flags, const struct caller *c,
		   fifowait_done_cb done, void *userdata);

#endif
