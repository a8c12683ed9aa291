/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulated calls that complete later, each waited for in a thread of its
 * own, as the kernel makes the caller wait: a blocking open(2) of a FIFO
 * for its other end (a reader for O_WRONLY, a writer for O_RDONLY), a
 * blocking connect(2) for the connection.  The thread answers the
 * notification itself (ADDFD + SEND, or SEND) and reports the outcome to
 * @done, called in that thread.  Neither the session's thread nor the
 * control loop ever waits for one.
 *
 * A wait whose caller went away (its notification is no longer valid) is
 * dropped: the waiting thread looks every PENDING_CHECK_MS, so no thread
 * outlives its caller for long and no fd is held for a caller that is
 * gone.
 *
 * Threads: pending_start() is called by the session's thread;
 * pending_set_stop() by whoever ends the session, after that thread has
 * stopped.  The set's list and count are under its lock.
 */
#ifndef CALLGATE_SUPERVISOR_PENDING_H
#define CALLGATE_SUPERVISOR_PENDING_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "caller.h"

/* Waits at most at once per session: beyond, EAGAIN (fail closed). */
#define PENDING_MAX	 1024
#define PENDING_CHECK_MS 100

enum pending_kind {
	PENDING_FIFO_OPEN, /* fd: O_PATH of the FIFO; flags: the caller's open flags */
	PENDING_CONNECT,   /* fd: the caller's socket (a duplicate), connect under way */
};

/*
 * @result: the fd placed in the caller (FIFO) or 0 (connect), -errno the
 * call was failed with, or -ESRCH when the caller went away (nothing was
 * answered).
 */
typedef void (*pending_done_cb)(void *userdata, int result);

struct pending_job {
	enum pending_kind kind;
	uint64_t id; /* the notification */
	int fd;	     /* ownership passes to pending_start() */
	int flags;
	const struct caller *caller; /* FIFO: whose identity opens it (copied) */
	pending_done_cb done;
	void *userdata;
};

struct pending;

struct pending_set {
	int listener;
	pthread_mutex_t lock;
	pthread_cond_t changed;	  /* private: a wait ended */
	struct pending *waiting;  /* private */
	struct pending *finished; /* private: to be joined */
	unsigned count;		  /* ro: waits not yet joined */
	bool ready;
};

/* Returns 0 or -errno. */
int pending_set_init(struct pending_set *set, int listener);

/* Interrupt every wait (nothing answered for them), wait for the threads. */
void pending_set_stop(struct pending_set *set);

/*
 * pending_start() - wait for @job in a thread of its own.  Returns 0, or
 * -errno (-EAGAIN: PENDING_MAX reached) with nothing started and job->fd
 * closed: the caller answers the call itself.
 */
int pending_start(struct pending_set *set, const struct pending_job *job);

/* The signal that interrupts a blocking call of callgate's own threads
 * (handled by nothing, installed without SA_RESTART).  Returns 0 or -errno. */
int pending_wake_signal_install(void);
int pending_wake_signal(void);

/* @ms milliseconds from now on @clock, for the timed waits that go with
 * the wake signal (a signal sent just before a wait begins is lost). */
struct timespec pending_deadline(clockid_t clock, long ms);

#endif
