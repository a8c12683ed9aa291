/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --record: the calls let through, kept for the profile written at the
 * end.  Shared by the session's thread (calls the policy let through) and
 * the control loop (calls an operator allowed): every access takes the
 * lock.  The recorder itself is owned by run, which writes the profile
 * once both have stopped.
 */
#ifndef CALLGATE_SUPERVISOR_RECORDING_H
#define CALLGATE_SUPERVISOR_RECORDING_H

#include <pthread.h>
#include <stdint.h>

#include "callgate/recorder.h"

struct recording {
	pthread_mutex_t lock;
	struct recorder *recorder; /* owned */
	uint64_t lost;		   /* calls that could not be kept (memory) */
};

/* Returns 0 or -ENOMEM. */
int recording_init(struct recording *r);
void recording_done(struct recording *r);

/* recorder_add() under the lock; a call that cannot be kept is counted. */
void recording_add(struct recording *r, enum cg_arch arch, int nr, const uint64_t args[6],
		   const char *const *paths, size_t n_paths, const char *addr);

#endif
