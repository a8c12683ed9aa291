/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve's compiled policies: each policy of the policy directory (and the
 * default) is loaded and compiled on first use, in each mode, and shared
 * by the targets that started with it.  SIGHUP starts a new generation:
 * what is loaded from then on is read again, while running targets keep
 * the plans they have (reference counts).
 *
 * Threads: owned by the control loop, where targets start and end; a
 * session's thread only reads the plan it was started with, which lives
 * until its target has ended.  No locking.
 */
#ifndef CALLGATE_SUPERVISOR_PLANCACHE_H
#define CALLGATE_SUPERVISOR_PLANCACHE_H

#include "callgate/host.h"
#include "callgate/plan.h"
#include "callgate/policy.h"

/* A compiled policy, shared by the targets that started with it. */
struct served_plan {
	struct served_plan *next;
	char name[80]; /* NAME or "default", and the mode */
	enum plan_mode mode;
	struct policy *policy;
	struct plan *plan;
	unsigned refs; /* targets using it, + 1 while it is current */
	unsigned generation;
};

struct plan_cache {
	const char *policy_dir;	    /* borrowed: NAME.json are read there */
	const char *default_policy; /* borrowed: the file of the default */
	struct plan_host host;	    /* what policies are resolved against */
	struct served_plan *plans;  /* private */
	unsigned generation;	    /* private */
};

void plan_cache_init(struct plan_cache *c, const char *policy_dir, const char *default_policy,
		     const struct plan_host *host);
/* Frees every plan; none may still be in use. */
void plan_cache_done(struct plan_cache *c);

/*
 * plan_cache_get() - the plan for policy @name (NULL: the default) in
 * @mode, loaded on first use in this generation, with a reference for the
 * caller (plan_cache_unref()).  NULL with a message (file:line:column for
 * a policy that is not valid) in @err.
 */
struct served_plan *plan_cache_get(struct plan_cache *c, const char *name, enum plan_mode mode,
				   char *err, size_t err_size);
void plan_cache_unref(struct plan_cache *c, struct served_plan *sp);

/* SIGHUP: a new generation.  Returns how many plans running targets keep. */
unsigned plan_cache_reload(struct plan_cache *c);

#endif
